//! TOML errors in words an editor can act on. The parser's own messages speak of variants,
//! literal strings and booleans; an editor who wrote `cost = Free` or a date as 05/12/2026 needs
//! to hear which field is wrong, what it expects, and an example of the right way.

use std::ops::Range;

use crate::search::expand::within_distance;

/// A TOML error explained: the field it is about (as `table.key` inside a table) and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    pub field: Option<String>,
    pub message: String,
}

/// Explains `error`, raised while parsing `text`.
pub fn explain(text: &str, error: &toml::de::Error) -> Explained {
    let raw = error.message().trim();
    let line = error
        .span()
        .map(|span| line_around(text, span))
        .unwrap_or_default();
    let (key, value) = match line.split_once('=') {
        Some((key, value)) if !line.trim_start().starts_with('[') => {
            (Some(key.trim().trim_matches('"')), Some(value.trim()))
        }
        _ => (None, None),
    };
    let table = error.span().and_then(|span| table_before(text, span.start));
    let field = key.map(|key| match &table {
        Some(table) => format!("{table}.{key}"),
        None => key.to_string(),
    });
    let name = field.as_deref().unwrap_or("this value");
    let message = if let Some(rest) = raw.strip_prefix("unknown field ") {
        unknown_field(rest)
    } else if let Some(rest) = raw.strip_prefix("unknown variant ") {
        unknown_variant(name, key.unwrap_or("type"), rest)
    } else if let Some(date) = value.and_then(uk_date) {
        format!(
            "`{name}` is a date, written year-month-day without quotes: `{} = {date}`",
            key.unwrap_or(name)
        )
    } else if raw.contains("expected a sequence") {
        format!(
            "`{name}` is a list: put its values in square brackets, each in double quotes, for \
             example `{} = [\"first\", \"second\"]`",
            key.unwrap_or(name)
        )
    } else if raw.contains("must be quoted")
        || raw.starts_with("invalid boolean")
        || raw.starts_with("invalid number")
        || raw.contains("expected a string")
    {
        let example = value.unwrap_or("text").trim_matches('"');
        format!(
            "`{name}` is text: put it in double quotes, for example `{} = \"{example}\"`",
            key.unwrap_or(name)
        )
    } else {
        format!("the front matter is not valid TOML here: {raw}")
    };
    Explained { field, message }
}

/// The nearest character boundary of `text` at or before `at`.
fn boundary_before(text: &str, at: usize) -> usize {
    (0..=at.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0)
}

/// The whole line that holds the start of `span`.
fn line_around(text: &str, span: Range<usize>) -> &str {
    let at = boundary_before(text, span.start);
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
    &text[start..end]
}

/// The table (`[service]`, `[[service.contacts]]`) that the position `at` of `text` is in.
fn table_before(text: &str, at: usize) -> Option<String> {
    let at = boundary_before(text, at);
    text[..at].lines().rev().find_map(|line| {
        let line = line.trim();
        line.starts_with('[').then(|| {
            line.trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string()
        })
    })
}

/// `unknown field `titel`, expected one of `id`, ...`: the nearest known field, if it is
/// a slip of one or two letters, and the list.
fn unknown_field(rest: &str) -> String {
    let names = quoted(rest);
    let Some((given, known)) = names.split_first() else {
        return format!("unknown field {rest}");
    };
    // One edit away before two, as "did you mean" does in search.
    let nearest = (1..=2).find_map(|max| known.iter().find(|k| within_distance(given, k, max)));
    let hint = nearest.map_or(String::new(), |k| format!(" Did you mean `{k}`?"));
    format!(
        "`{given}` is not a field here.{hint} The fields are: {}",
        known.join(", ")
    )
}

/// `unknown variant `telephone`, expected one of `phone`, ...`.
fn unknown_variant(field: &str, key: &str, rest: &str) -> String {
    let names = quoted(rest);
    let Some((given, known)) = names.split_first() else {
        return format!("`{field}` has an unknown value {rest}");
    };
    let example = known.first().map_or(String::new(), |k| {
        format!(", for example `{key} = \"{k}\"`")
    });
    format!(
        "`{given}` is not a value `{field}` takes; use one of {}{example}",
        known.join(", ")
    )
}

/// The names between backticks in a serde message.
fn quoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// A date written day/month/year, as `2026-12-05`.
fn uk_date(value: &str) -> Option<String> {
    let value = value.trim_matches('"');
    let mut parts = value.split(['/', '.']);
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    let (d, m, y): (u32, u32, u32) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
    ((1..=31).contains(&d) && (1..=12).contains(&m)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // Only parsed, to make the parser's errors.
    struct Front {
        title: Option<String>,
        needs: Option<Vec<String>>,
        last_reviewed: Option<toml::value::Datetime>,
        service: Option<Service>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Service {
        cost: Option<String>,
        contacts: Option<Vec<Contact>>,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Contact {
        #[serde(rename = "type")]
        kind: Kind,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Phone,
        Email,
    }

    fn explained(text: &str) -> Explained {
        let error = toml::from_str::<Front>(text).expect_err("the text is wrong");
        explain(text, &error)
    }

    #[test]
    fn a_wrong_contact_type_names_the_field_and_the_choices() {
        let e = explained("title = \"A\"\n[service]\n[[service.contacts]]\ntype = \"telephone\"\n");
        assert_eq!(e.field.as_deref(), Some("service.contacts.type"));
        assert_eq!(
            e.message,
            "`telephone` is not a value `service.contacts.type` takes; use one of phone, email, \
             for example `type = \"phone\"`"
        );
    }

    #[test]
    fn a_uk_date_is_shown_the_way_it_is_written() {
        let e = explained("last_reviewed = 05/12/2026\n");
        assert_eq!(e.field.as_deref(), Some("last_reviewed"));
        assert!(
            e.message.contains("`last_reviewed = 2026-12-05`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unquoted_text_is_asked_for_in_quotes() {
        let e = explained("[service]\ncost = Free\n");
        assert_eq!(e.field.as_deref(), Some("service.cost"));
        assert!(e.message.contains("`cost = \"Free\"`"), "{}", e.message);
    }

    #[test]
    fn a_slip_in_a_field_name_suggests_the_field() {
        let e = explained("titel = \"A\"\n");
        assert!(
            e.message
                .starts_with("`titel` is not a field here. Did you mean `title`?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_list_written_as_text_is_shown_as_a_list() {
        let e = explained("needs = \"autism\"\n");
        assert_eq!(e.field.as_deref(), Some("needs"));
        assert!(e.message.contains("square brackets"), "{}", e.message);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any text that fails to parse is explained without a panic.
            #[test]
            fn any_broken_text_is_explained(text in any::<String>()) {
                if let Err(error) = toml::from_str::<Front>(&text) {
                    let e = explain(&text, &error);
                    prop_assert!(!e.message.is_empty());
                }
            }
        }
    }
}
