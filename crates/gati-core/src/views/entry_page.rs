//! An entry as its page shows it: the record, its body as sanitised HTML, and cards for the
//! entries it points to.

use serde::Serialize;

use crate::Result;
use crate::entry::Entry;
use crate::entry::HitData;
use crate::library::Catalogue;
use crate::markdown;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryPage {
    pub entry: Entry,
    /// The body rendered and sanitised; the only HTML the front end ever inserts.
    pub html: String,
    pub related: Vec<HitData>,
    /// A `mailto:` link to the pack's feedback address whose subject names the entry, when the
    /// pack has one.
    pub suggest_change: Option<String>,
}

pub fn entry_page(catalogue: &Catalogue, id: &str) -> Result<EntryPage> {
    let entry = catalogue.entry(id)?;
    let html = markdown::to_safe_html(&entry.body);
    let related = super::cards(catalogue, &entry.related)?;
    let suggest_change = catalogue
        .meta()
        .feedback
        .as_deref()
        .map(|to| suggest_change_link(to, &entry));
    Ok(EntryPage {
        entry,
        html,
        related,
        suggest_change,
    })
}

/// The link that starts an email to `to` about `entry`. Everything but the address's `@` is
/// percent-encoded, so that nothing in a title can add a recipient, a body or a file.
fn suggest_change_link(to: &str, entry: &Entry) -> String {
    let subject = format!("Suggested change: {} ({})", entry.title, entry.id);
    format!(
        "mailto:{}?subject={}",
        encode(to).replace("%40", "@"),
        encode(&subject)
    )
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_names_the_entry_and_cannot_add_to_the_message() {
        let mut entry = crate::testing::entry("worry-time");
        entry.title = "Worry & time?&cc=a@b.org".into();
        let link = suggest_change_link("gati@example.org", &entry);
        assert_eq!(
            link,
            "mailto:gati@example.org?subject=Suggested%20change%3A%20Worry%20%26%20time%3F%26cc%3Da%40b.org%20%28worry-time%29"
        );
    }

    proptest::proptest! {
        #[test]
        fn no_title_adds_a_part_to_the_message(title in "\\PC{0,80}") {
            let mut entry = crate::testing::entry("worry-time");
            entry.title = title;
            let link = suggest_change_link("gati@example.org", &entry);
            let (to, subject) = link.split_once('?').unwrap();
            proptest::prop_assert_eq!(to, "mailto:gati@example.org");
            let words = subject.strip_prefix("subject=");
            proptest::prop_assert!(words.is_some());
            proptest::prop_assert!(
                !words.unwrap().contains(['?', '&', '=', '#', ' ', '\n'].as_slice()),
                "{}",
                link
            );
        }
    }
}
