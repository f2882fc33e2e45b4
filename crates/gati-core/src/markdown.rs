//! What the core needs to know about entry bodies: where raw HTML hides, and their plain text for
//! search and snippets. Rendering for people happens in the front end, through a sanitiser.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

fn parser(body: &str) -> Parser<'_> {
    Parser::new_ext(
        body,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS,
    )
}

/// The 1-based lines of the body on which raw HTML starts, with the first HTML found on each.
/// Bodies must have none: it would slip past the sanitiser's intent, and it hides content from
/// search.
pub fn raw_html(body: &str) -> Vec<(usize, String)> {
    let mut found: Vec<(usize, String)> = parser(body)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                let line = body[..range.start].matches('\n').count() + 1;
                Some((line, html.trim().to_string()))
            }
            _ => None,
        })
        .collect();
    found.dedup_by_key(|(line, _)| *line);
    found
}

/// The body as plain text: words kept, markup dropped, blocks separated by newlines.
pub fn plain_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for event in parser(body) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::Start(Tag::Item) => out.push_str("• "),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow,
            ) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_block_and_inline_html_with_lines() {
        let body = "## Title\n\nSome <b>bold</b> text.\n\n<div>\nblock\n</div>\n";
        let found = raw_html(body);
        assert_eq!(found.first().map(|f| f.0), Some(3));
        assert!(
            found
                .iter()
                .any(|(line, html)| *line == 5 && html.starts_with("<div>"))
        );
    }

    #[test]
    fn plain_markdown_has_no_html() {
        assert!(
            raw_html(
                "## What to do\n\n1. **Bold** and *soft*.\n2. A [link](https://example.org).\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn plain_text_drops_markup() {
        let text = plain_text("## What to do\n\n- Use **now and next** boards.\n- Say `stop`.\n");
        assert_eq!(text, "What to do\n• Use now and next boards.\n• Say stop.");
    }
}
