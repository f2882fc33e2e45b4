//! Text from outside (a pack, a query, a command line) made safe to show: control characters
//! and the invisible characters that reorder text are written as escapes, so that a value can
//! neither drive a terminal (clear the screen, set its title) nor disguise itself (`invoice`,
//! U+202E, `xcod.html` shows as `invoicelmth.docx`). Echoes in messages are also cut to a length
//! a person can read.
use std::borrow::Cow;
use std::fmt::Write;

/// The most characters of a value a message repeats.
pub const ECHO_CHARS: usize = 80;

/// True for characters that must not reach a terminal or a message as they are: C0 and C1
/// controls (line breaks and tabs too, since a value must stay on its line) and the
/// bidirectional embeddings, overrides and isolates.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as `\u{...}` (or `\n`, `\t`).
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A value as a message may repeat it: escaped, and cut after [`ECHO_CHARS`] characters with a
/// note of how long it really was.
pub fn echo(value: &str) -> String {
    let chars = value.chars().count();
    if chars <= ECHO_CHARS {
        return escaped(value).into_owned();
    }
    let cut: String = value.chars().take(ECHO_CHARS).collect();
    format!("{}… ({chars} characters)", escaped(&cut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_drive_a_terminal_or_hide_an_extension() {
        assert_eq!(escaped("plain café"), "plain café");
        assert_eq!(escaped("\u{1b}]0;pwned\u{7}x"), "\\u{1b}]0;pwned\\u{7}x");
        assert_eq!(
            escaped("invoice\u{202e}xcod.html"),
            "invoice\\u{202e}xcod.html"
        );
        assert_eq!(escaped("a\nb\tc"), "a\\nb\\tc");
    }

    #[test]
    fn echoes_are_cut() {
        let long = "x".repeat(1_000_000);
        let e = echo(&long);
        assert!(e.len() < 120, "{e}");
        assert!(e.ends_with("(1000000 characters)"));
        assert_eq!(echo("short"), "short");
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            #[test]
            fn nothing_unsafe_survives(text in any::<String>()) {
                prop_assert!(!escaped(&text).chars().any(is_unsafe));
                let e = echo(&text);
                prop_assert!(!e.chars().any(is_unsafe));
                prop_assert!(e.chars().count() <= ECHO_CHARS + 30);
            }
        }
    }
}
