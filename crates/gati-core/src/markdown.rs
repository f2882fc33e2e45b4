//! Entry bodies: where raw HTML hides (packs must have none), their plain text for search and
//! snippets, and their HTML for people, which always passes through a sanitiser.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

pub(crate) fn parser(body: &str) -> Parser<'_> {
    Parser::new_ext(
        body,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS,
    )
}

/// The 1-based lines of the body on which raw HTML starts, with the first HTML found on each.
/// Bodies must have none: it would slip past the sanitiser's intent, and it hides content from
/// search.
pub fn raw_html(body: &str) -> Vec<(usize, String)> {
    let mut lines = LineCounter::new(body);
    let mut found: Vec<(usize, String)> = Vec::new();
    for (event, range) in parser(body).into_offset_iter() {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            let line = lines.line_at(range.start);
            if found.last().is_none_or(|(last, _)| *last != line) {
                found.push((line, crate::printable::echo(html.trim())));
            }
        }
    }
    found
}

/// Turns byte offsets into 1-based line numbers, counting only the text between one offset and
/// the next rather than from the start each time, so that checking a body with a problem on every
/// line stays linear in its length.
struct LineCounter<'a> {
    body: &'a str,
    line: usize,
    counted_to: usize,
}

impl<'a> LineCounter<'a> {
    fn new(body: &'a str) -> Self {
        LineCounter {
            body,
            line: 1,
            counted_to: 0,
        }
    }

    /// The line of `offset`. Offsets come in document order; one that goes back is given the
    /// line reached so far.
    fn line_at(&mut self, offset: usize) -> usize {
        if offset > self.counted_to {
            let end = offset.min(self.body.len());
            self.line += self.body.as_bytes()[self.counted_to..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.counted_to = end;
        }
        self.line
    }
}

/// The 1-based lines of links whose address is not absolute web, email or phone: a relative
/// link has nowhere to lead inside the app, and `//host` would leave it for an unknown site.
pub fn unusable_links(body: &str) -> Vec<(usize, String)> {
    let mut lines = LineCounter::new(body);
    let mut out = Vec::new();
    for (event, range) in parser(body).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            let usable = LINK_SCHEMES.iter().any(|scheme| {
                dest_url
                    .strip_prefix(scheme)
                    .and_then(|rest| rest.strip_prefix(':'))
                    .is_some_and(|rest| {
                        !matches!(*scheme, "https" | "http") || rest.starts_with("//")
                    })
            });
            if !usable {
                out.push((
                    lines.line_at(range.start),
                    crate::printable::echo(&dest_url),
                ));
            }
        }
    }
    out
}

/// The body as plain text: words kept, markup dropped, blocks separated by newlines.
pub fn plain_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for event in parser(body) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::Start(Tag::Item) => out.push_str("• "),
            // A heading ends with a dash so that a snippet running from it into the text below
            // reads "What it is — All children…", not "What it is All children…".
            Event::End(TagEnd::Heading(_)) => out.push_str(" —\n"),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableRow) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// The link schemes a rendered body may keep. Anything else (`javascript:`, `file:`, `data:`)
/// is dropped, so a link can only ever lead to a web page, an email or a phone call.
const LINK_SCHEMES: [&str; 4] = ["https", "http", "mailto", "tel"];

/// The body as HTML that is safe to put into the page: Markdown rendered, then cleaned by ammonia
/// with an allow-list of tags, attributes and link schemes. Packs are checked for raw HTML, but the
/// sanitiser does not rely on that: a pack from elsewhere could carry anything.
pub fn to_safe_html(body: &str) -> String {
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser(body));
    ammonia::Builder::default()
        .url_schemes(LINK_SCHEMES.into_iter().collect())
        // A relative address has nowhere to lead inside the app, and `//host` would be taken as
        // a web address on some systems: such links are dropped.
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_html_keeps_structure_and_drops_scripts() {
        let html = to_safe_html(
            "## Why it helps\n\n- **One** step\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n",
        );
        assert!(html.contains("<h2>Why it helps</h2>"), "{html}");
        assert!(html.contains("<strong>One</strong>"), "{html}");
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }

    #[test]
    fn safe_html_keeps_only_web_mail_and_phone_links() {
        let html = to_safe_html(
            "[a](https://www.plymouthgati.co.uk) [b](javascript:alert(1)) [c](tel:01752668000) [d](file:///etc/passwd)",
        );
        assert!(
            html.contains(r#"href="https://www.plymouthgati.co.uk""#),
            "{html}"
        );
        assert!(html.contains(r#"href="tel:01752668000""#), "{html}");
        assert!(!html.contains("javascript"), "{html}");
        assert!(!html.contains("file:"), "{html}");
        assert!(html.contains(r#"rel="noopener noreferrer""#), "{html}");
    }

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
        assert_eq!(
            text,
            "What to do —\n• Use now and next boards.\n• Say stop."
        );
    }

    #[test]
    fn html_on_every_line_is_found_on_its_own_line() {
        let body = "<b>x</b>\n".repeat(20_000);
        let found = raw_html(&body);
        assert_eq!(found.len(), 20_000);
        assert_eq!(found.last().unwrap().0, 20_000);
    }

    #[test]
    fn only_absolute_web_mail_and_phone_links_are_usable() {
        let body = "[a](https://example.org) [b](mailto:x@y.org) [c](tel:01752)\n\
                    [d](//evil.example) [e](page.html) [f](http:evil) ![g](/img.png)";
        let bad: Vec<String> = unusable_links(body).into_iter().map(|(_, l)| l).collect();
        assert_eq!(
            bad,
            ["//evil.example", "page.html", "http:evil", "/img.png"]
        );
        let html = to_safe_html("[d](//evil.example)");
        assert!(!html.contains("href"), "{html}");
    }
}
