//! HTML attachments (printable forms such as a one-page profile) are opened by the system's
//! browser from a file, outside the app's content security policy. So a pack may carry only HTML
//! that is inert there: known elements and attributes, styles that load nothing, links to web
//! pages, email or phone, and no script, frame, form, image, embedded object or remote resource.
//! The check is an allow-list over html5ever's tokenizer, run when a pack is built and again
//! when it is installed.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, StartTag, Tag, TagToken, Token, TokenSink, TokenSinkResult,
    Tokenizer, TokenizerOpts,
};

/// The most problems reported for one attachment: the first few say enough.
const MAX_PROBLEMS: usize = 5;

/// Elements a form or handout needs. Everything else (script, iframe, object, embed, img, svg,
/// link, base, form, input, video, audio...) is refused.
const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "footer",
    "section",
    "article",
    "nav",
    "aside",
    "div",
    "span",
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "colgroup",
    "col",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "small",
    "sub",
    "sup",
    "mark",
    "abbr",
    "code",
    "pre",
    "blockquote",
    "q",
    "cite",
    "figure",
    "figcaption",
    "label",
    "a",
    "details",
    "summary",
    "time",
];

/// Attributes that only describe or style. Any `on...` handler, `src`, `srcset`, `action`,
/// `formaction`, `http-equiv` and the rest are refused.
const ATTRIBUTES: &[&str] = &[
    "class", "id", "style", "lang", "dir", "title", "role", "scope", "colspan", "rowspan",
    "headers", "span", "width", "height", "align", "valign", "charset", "name", "content", "href",
    "start", "type", "reversed", "datetime", "open", "for", "abbr",
];

/// What is wrong with `html` as an attachment, at most [`MAX_PROBLEMS`] of it; empty when it is
/// inert.
pub fn problems(html: &str) -> Vec<String> {
    let checker = Checker::default();
    // An escape or other control character can switch a browser that guesses the encoding to one
    // (ISO-2022-JP, say) in which the same bytes spell different markup than the check read.
    if html
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
    {
        checker.problem("it holds control characters".into());
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(checker, TokenizerOpts::default());
    // The checker never asks to run a script, so feeding ends only at the end of the input.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.problems.into_inner()
}

#[derive(Default)]
struct Checker {
    problems: RefCell<Vec<String>>,
    /// Inside `<style>`, whose text is CSS to check.
    in_style: RefCell<bool>,
}

impl Checker {
    fn problem(&self, message: String) {
        let mut problems = self.problems.borrow_mut();
        if problems.len() < MAX_PROBLEMS && !problems.contains(&message) {
            problems.push(message);
        }
    }

    fn check_tag(&self, tag: &Tag) -> TokenSinkResult<()> {
        let name = tag.name.as_ref();
        if tag.kind != StartTag {
            if name == "style" {
                *self.in_style.borrow_mut() = false;
            }
            return TokenSinkResult::Continue;
        }
        if !ELEMENTS.contains(&name) {
            self.problem(format!(
                "it holds a `<{}>` element",
                crate::printable::echo(name)
            ));
        }
        for attr in &tag.attrs {
            let attr_name = attr.name.local.as_ref();
            let value = attr.value.as_ref();
            let known = ATTRIBUTES.contains(&attr_name) || attr_name.starts_with("aria-");
            if !known {
                self.problem(format!(
                    "`<{name}>` has a `{}` attribute",
                    crate::printable::echo(attr_name)
                ));
            } else if attr_name == "style" {
                self.check_css(value);
            } else if attr_name == "charset" && !value.trim().eq_ignore_ascii_case("utf-8") {
                self.problem(format!(
                    "it declares the character set `{}`; only UTF-8 is allowed",
                    crate::printable::echo(value)
                ));
            } else if attr_name == "href" && !link_is_inert(value) {
                self.problem(format!(
                    "a link leads to `{}`, not a web page, email or phone number",
                    crate::printable::echo(value)
                ));
            }
        }
        // The tokenizer alone does not know that a style element holds raw text; the checker
        // tells it, as a browser's tree builder would, so that the CSS arrives as text.
        match name {
            "style" => {
                *self.in_style.borrow_mut() = true;
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            _ => TokenSinkResult::Continue,
        }
    }

    /// CSS that loads nothing: no `url(...)`, `@import` or `image-set`, and no escapes or
    /// comments, which could spell those out in other ways.
    fn check_css(&self, css: &str) {
        let lower = css.to_ascii_lowercase();
        for (needle, what) in [
            ("url(", "loads a file with `url(`"),
            ("@import", "imports a style sheet"),
            ("image-set", "loads an image"),
            ("expression(", "runs an expression"),
            ("\\", "uses escapes"),
            ("/*", "holds a comment"),
        ] {
            if lower.contains(needle) {
                self.problem(format!("its CSS {what}"));
            }
        }
    }
}

impl TokenSink for Checker {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            TagToken(tag) => self.check_tag(&tag),
            CharacterTokens(text) if *self.in_style.borrow() => {
                self.check_css(&text);
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// A link that only leaves for a web page, an email or a call, or jumps within the page.
fn link_is_inert(href: &str) -> bool {
    let href = href.trim();
    href.starts_with('#')
        || href.starts_with("https://")
        || href.starts_with("http://")
        || href.starts_with("mailto:") && !href.contains('?')
        || href.starts_with("tel:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printable_form_with_styles_is_inert() {
        let html = r#"<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
            <title>Profile</title><style>@page { size: A4 } th { background: #e8e8e8 }</style>
            </head><body><h1>One-page profile</h1><table><tr><th scope="row" style="width:38%">Name</th>
            <td></td></tr></table><a href="https://www.plymouthgati.co.uk">GATI</a></body></html>"#;
        assert_eq!(problems(html), Vec::<String>::new());
    }

    #[test]
    fn active_and_remote_content_is_refused() {
        for (html, expected) in [
            ("<script>alert(1)</script>", "`<script>`"),
            ("<p onclick=\"x()\">hi</p>", "`onclick`"),
            ("<img src=\"https://tracker.example/p.gif\">", "`<img>`"),
            ("<iframe src=x></iframe>", "`<iframe>`"),
            ("<a href=\"javascript:alert(1)\">x</a>", "javascript:"),
            ("<a href=\"file:///etc/passwd\">x</a>", "file:"),
            (
                "<style>body { background: url(https://x.example/a.png) }</style>",
                "url(",
            ),
            (
                "<style>@import 'https://x.example/a.css';</style>",
                "imports",
            ),
            ("<p style=\"background:u\\72l(x)\">x</p>", "escapes"),
            (
                "<meta http-equiv=\"refresh\" content=\"0;url=https://x.example\">",
                "http-equiv",
            ),
            (
                "<form action=\"https://x.example\"><input name=a></form>",
                "`<form>`",
            ),
            ("<svg><script>alert(1)</script></svg>", "`<svg>`"),
            (
                "<meta charset=\"iso-2022-jp\"><p title=\"\u{1b}$B\">x</p>",
                "UTF-8",
            ),
            ("<p title=\"\u{1b}$B\">\u{1b}(B</p>", "control characters"),
        ] {
            let found = problems(html).join("; ");
            assert!(found.contains(expected), "{html}: {found}");
        }
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::problems;

        proptest! {
            /// Any text at all is checked without panicking, and a document with a script
            /// element somewhere is never passed.
            #[test]
            fn any_text_is_checked(before in any::<String>(), after in any::<String>()) {
                problems(&before);
                let with_script = format!("<p>{}</p><script>x()</script>{after}", before.replace('<', ""));
                prop_assert!(!problems(&with_script).is_empty());
            }
        }
    }
}
