//! An entry file as the editing form sees it, and the writer that puts a form back into the file.
//! The writer changes only the fields whose values changed, through `toml_edit`, so that comments,
//! key order, layout and untouched text stay as the editor (or git) left them: a file saved
//! without changes is byte for byte the file that was read.

use serde::{Deserialize, Serialize};
use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use crate::entry::{Contact, Service};
use crate::source::front_matter_ranges;

/// Every field of an entry file as text and lists of text, ready for a form. Dates stay as
/// written ("2026-11-25", or an interval such as "12 months" for `review_by`), so that a form
/// never turns an interval into a date behind the editor's back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryForm {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub needs: Vec<String>,
    pub levels: Vec<String>,
    pub steps: Vec<String>,
    pub phases: Vec<String>,
    pub audiences: Vec<String>,
    pub waiting_for: Vec<String>,
    pub tags: Vec<String>,
    pub related: Vec<String>,
    pub replaces: Vec<String>,
    pub attachments: Vec<String>,
    pub last_reviewed: String,
    pub review_by: String,
    pub owner: String,
    pub sources: Vec<String>,
    pub service: Option<Service>,
    pub ready_for_review: bool,
    pub approved_by: String,
    pub approved_on: String,
    /// The Markdown after the front matter.
    pub body: String,
}

/// The text fields, in the order a new key is written.
const TEXT_FIELDS: [&str; 5] = ["id", "kind", "title", "summary", "owner"];
/// The list fields, in the order a new key is written.
const LIST_FIELDS: [&str; 10] = [
    "needs",
    "levels",
    "steps",
    "phases",
    "audiences",
    "waiting_for",
    "tags",
    "related",
    "replaces",
    "attachments",
];
const DATE_FIELDS: [&str; 3] = ["last_reviewed", "review_by", "approved_on"];

impl EntryForm {
    fn text(&self, name: &str) -> &str {
        match name {
            "id" => &self.id,
            "kind" => &self.kind,
            "title" => &self.title,
            "summary" => &self.summary,
            "owner" => &self.owner,
            "approved_by" => &self.approved_by,
            "last_reviewed" => &self.last_reviewed,
            "review_by" => &self.review_by,
            "approved_on" => &self.approved_on,
            _ => unreachable!("`{name}` is not a text field"),
        }
    }

    fn list(&self, name: &str) -> &[String] {
        match name {
            "needs" => &self.needs,
            "levels" => &self.levels,
            "steps" => &self.steps,
            "phases" => &self.phases,
            "audiences" => &self.audiences,
            "waiting_for" => &self.waiting_for,
            "tags" => &self.tags,
            "related" => &self.related,
            "replaces" => &self.replaces,
            "attachments" => &self.attachments,
            "sources" => &self.sources,
            _ => unreachable!("`{name}` is not a list field"),
        }
    }

    /// The names of the fields whose values differ between two forms, in form order.
    pub fn differences(&self, other: &EntryForm) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for name in TEXT_FIELDS.into_iter().chain(["approved_by"]) {
            if self.text(name) != other.text(name) {
                out.push(name);
            }
        }
        for name in DATE_FIELDS {
            if self.text(name) != other.text(name) {
                out.push(name);
            }
        }
        for name in LIST_FIELDS.into_iter().chain(["sources"]) {
            if self.list(name) != other.list(name) {
                out.push(name);
            }
        }
        if self.service != other.service {
            out.push("service");
        }
        if self.ready_for_review != other.ready_for_review {
            out.push("ready_for_review");
        }
        if self.body != other.body {
            out.push("body");
        }
        out
    }
}

/// The front matter as the form reads it: lenient about everything the content rules check, so
/// that a file with a wrong value still opens in the form, with the problem shown at its field.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Lenient {
    id: String,
    kind: String,
    title: String,
    summary: String,
    needs: Vec<String>,
    levels: Vec<String>,
    steps: Vec<String>,
    phases: Vec<String>,
    audiences: Vec<String>,
    waiting_for: Vec<String>,
    tags: Vec<String>,
    related: Vec<String>,
    replaces: Vec<String>,
    attachments: Vec<String>,
    last_reviewed: Option<toml::Value>,
    review_by: Option<toml::Value>,
    owner: String,
    sources: Vec<String>,
    service: Option<Service>,
    ready_for_review: bool,
    approved_by: String,
    approved_on: Option<toml::Value>,
}

fn date_text(value: Option<toml::Value>) -> String {
    match value {
        Some(toml::Value::String(s)) => s,
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Reads the form of an entry file. Fails, in words, when the file has no front matter or its
/// TOML cannot be read at all; the form cannot show what it cannot read.
pub fn read(text: &str) -> Result<EntryForm, String> {
    let (front, body) = front_matter_ranges(text).ok_or_else(|| {
        "the file does not start with `+++` front matter closed by a `+++` line".to_string()
    })?;
    let raw: Lenient = toml::from_str(&text[front.clone()])
        .map_err(|e| crate::toml_errors::explain(&text[front.clone()], &e).message)
        .map_err(|m| format!("the front matter cannot be read: {m}"))?;
    Ok(EntryForm {
        id: raw.id,
        kind: raw.kind,
        title: raw.title,
        summary: raw.summary,
        needs: raw.needs,
        levels: raw.levels,
        steps: raw.steps,
        phases: raw.phases,
        audiences: raw.audiences,
        waiting_for: raw.waiting_for,
        tags: raw.tags,
        related: raw.related,
        replaces: raw.replaces,
        attachments: raw.attachments,
        last_reviewed: date_text(raw.last_reviewed),
        review_by: date_text(raw.review_by),
        owner: raw.owner,
        sources: raw.sources,
        service: raw.service,
        ready_for_review: raw.ready_for_review,
        approved_by: raw.approved_by,
        approved_on: date_text(raw.approved_on),
        body: text[body].to_string(),
    })
}

/// The text of `original` with the form's values written in. Only fields whose values differ
/// from the file's are touched, each keeping the comment and spacing around its value; new keys
/// go after the others; the body is replaced whole.
pub fn write(original: &str, form: &EntryForm) -> Result<String, String> {
    let before = read(original)?;
    let (front, body) = front_matter_ranges(original).expect("read found the front matter");
    let mut doc: DocumentMut = original[front.clone()]
        .parse()
        .map_err(|e| format!("the front matter cannot be read: {e}"))?;
    for name in before.differences(form) {
        let table = doc.as_table_mut();
        match name {
            "service" => write_service(table, before.service.as_ref(), form.service.as_ref()),
            "ready_for_review" if form.ready_for_review => set(table, name, Value::from(true)),
            "ready_for_review" => {
                table.remove(name);
            }
            "body" => {}
            _ if LIST_FIELDS.contains(&name) || name == "sources" => {
                set_list(table, name, form.list(name))
            }
            _ if DATE_FIELDS.contains(&name) => set_text(table, name, form.text(name), true),
            _ => set_text(table, name, form.text(name), false),
        }
    }
    // A text area gives back `\n` for every line end; a body that differs from the file's only in
    // its line ends is the file's body, unchanged.
    let old_body = &original[body.clone()];
    let new_body = if old_body.replace("\r\n", "\n") == form.body.replace("\r\n", "\n") {
        old_body
    } else {
        form.body.as_str()
    };
    Ok(format!(
        "{}{}{}{}",
        &original[..front.start],
        doc,
        &original[front.end..body.start],
        new_body
    ))
}

/// Sets a key, keeping the spacing and comment around the value it replaces.
fn set(table: &mut Table, name: &str, mut value: Value) {
    if let Some(old) = table.get(name).and_then(Item::as_value) {
        *value.decor_mut() = old.decor().clone();
    }
    table.insert(name, Item::Value(value));
}

/// An empty text removes its key. A date is written as a TOML date when it is one, as the
/// content's files write them; anything else (an interval, or a mistake to be reported) as text.
fn set_text(table: &mut Table, name: &str, text: &str, may_be_date: bool) {
    if text.trim().is_empty() {
        table.remove(name);
        return;
    }
    let date = may_be_date
        .then(|| text.parse::<toml_edit::Datetime>().ok())
        .flatten()
        .filter(|d| d.date.is_some() && d.time.is_none());
    match date {
        Some(date) => set(table, name, Value::from(date)),
        None => set(table, name, Value::from(text)),
    }
}

/// An empty list removes its key. A list that was written one item to a line stays so.
fn set_list(table: &mut Table, name: &str, items: &[String]) {
    if items.is_empty() {
        table.remove(name);
        return;
    }
    let one_per_line = table
        .get(name)
        .and_then(Item::as_array)
        .is_some_and(|a| a.to_string().contains('\n'));
    let mut array: Array = items.iter().map(String::as_str).collect();
    if one_per_line {
        for value in array.iter_mut() {
            value.decor_mut().set_prefix("\n  ");
        }
        array.set_trailing_comma(true);
        array.set_trailing("\n");
    }
    set(table, name, Value::Array(array));
}

/// Writes the service details field by field into its `[service]` table, and its contacts as
/// `[[service.contacts]]` tables, touching only what changed since `old`.
fn write_service(root: &mut Table, old: Option<&Service>, new: Option<&Service>) {
    let Some(new) = new else {
        root.remove("service");
        return;
    };
    // An inline `service = { ... }` becomes a `[service]` table with all its keys, so that
    // writing one field never drops the others.
    let existing = match root.get("service") {
        Some(Item::Table(_)) => None,
        Some(Item::Value(Value::InlineTable(inline))) => Some(inline.clone().into_table()),
        _ => Some(Table::new()),
    };
    if let Some(table) = existing {
        root.insert("service", Item::Table(table));
    }
    let table = root["service"].as_table_mut().expect("inserted above");
    let old = old.cloned().unwrap_or_default();
    let details = |s: &Service| {
        [
            ("organisation", s.organisation.clone()),
            ("area_served", s.area_served.clone()),
            ("eligibility", s.eligibility.clone()),
            ("cost", s.cost.clone()),
            ("opening_times", s.opening_times.clone()),
            ("how_to_reach", s.how_to_reach.clone()),
        ]
    };
    for ((name, was), (_, now)) in details(&old).into_iter().zip(details(new)) {
        if was != now {
            set_text(table, name, now.as_deref().unwrap_or_default(), false);
        }
    }
    if old.contacts != new.contacts {
        table.remove("contacts");
        if !new.contacts.is_empty() {
            let mut tables = ArrayOfTables::new();
            for contact in &new.contacts {
                let mut t = Table::new();
                t.insert("type", toml_edit::value(contact_kind(contact)));
                t.insert("value", toml_edit::value(contact.value.as_str()));
                if let Some(label) = &contact.label {
                    t.insert("label", toml_edit::value(label.as_str()));
                }
                tables.push(t);
            }
            table.insert("contacts", Item::ArrayOfTables(tables));
        }
    }
}

fn contact_kind(contact: &Contact) -> String {
    serde_json::to_value(contact.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "+++\n# Kept by the SEN team.\nid = \"calm-corner\"\nkind = \"strategy\"  # one kind only\ntitle = \"A calm corner\"\nsummary = \"A quiet place.\"\nneeds = [\"anxiety\"]\nlevels = [\"universal\"]\naudiences = [\"practitioner\"]\nlast_reviewed = 2026-11-25\nreview_by = \"12 months\"\nowner = \"GATI content team\"\nsources = [\n  \"One, https://example.org/one\",\n  \"Two, https://example.org/two\",\n]\n+++\n## What to do\n\nMake a corner.\n";

    #[test]
    fn a_form_saved_without_changes_is_the_same_file() {
        let form = read(FILE).unwrap();
        assert_eq!(form.review_by, "12 months");
        assert_eq!(form.last_reviewed, "2026-11-25");
        assert_eq!(write(FILE, &form).unwrap(), FILE);
    }

    #[test]
    fn a_changed_field_keeps_its_comment_and_the_rest_is_untouched() {
        let mut form = read(FILE).unwrap();
        form.kind = "resource".into();
        form.sources.push("Three, https://example.org/three".into());
        form.steps = vec!["do".into()];
        let text = write(FILE, &form).unwrap();
        assert!(
            text.contains("kind = \"resource\"  # one kind only\n"),
            "{text}"
        );
        assert!(text.contains("# Kept by the SEN team.\nid = \"calm-corner\"\n"));
        assert!(
            text.contains("  \"Three, https://example.org/three\",\n]"),
            "one source to a line: {text}"
        );
        assert!(text.contains("steps = [\"do\"]"));
        assert_eq!(read(&text).unwrap(), form);
    }

    #[test]
    fn dates_stay_dates_and_intervals_stay_text() {
        let mut form = read(FILE).unwrap();
        form.last_reviewed = "2026-12-05".into();
        form.review_by = "2027-12-05".into();
        form.approved_by = "Sam Patel".into();
        form.approved_on = "2026-12-05".into();
        let text = write(FILE, &form).unwrap();
        assert!(text.contains("last_reviewed = 2026-12-05\n"), "{text}");
        assert!(text.contains("review_by = 2027-12-05\n"), "{text}");
        assert!(text.contains("approved_on = 2026-12-05\n"), "{text}");
        form.review_by = "2 years".into();
        form.approved_by.clear();
        form.approved_on.clear();
        let text = write(&text, &form).unwrap();
        assert!(text.contains("review_by = \"2 years\"\n"), "{text}");
        assert!(!text.contains("approved"), "{text}");
    }

    #[test]
    fn services_are_written_as_tables() {
        let mut form = read(FILE).unwrap();
        form.service = Some(Service {
            organisation: Some("Plymouth PIAS".into()),
            contacts: vec![Contact {
                kind: crate::entry::ContactKind::Phone,
                value: "01752 258933".into(),
                label: None,
            }],
            ..Service::default()
        });
        let text = write(FILE, &form).unwrap();
        assert!(
            text.contains("[service]\norganisation = \"Plymouth PIAS\"\n"),
            "{text}"
        );
        assert!(
            text.contains("[[service.contacts]]\ntype = \"phone\"\nvalue = \"01752 258933\"\n")
        );
        assert_eq!(read(&text).unwrap(), form);
        assert_eq!(write(&text, &form).unwrap(), text);
    }

    #[test]
    fn an_inline_service_keeps_its_other_fields() {
        let file = FILE.replace(
            "+++\n## What",
            "service = { organisation = \"PIAS\", cost = \"Free\" }\n+++\n## What",
        );
        let mut form = read(&file).unwrap();
        form.service.as_mut().unwrap().cost = Some("Free for families".into());
        let text = write(&file, &form).unwrap();
        assert_eq!(read(&text).unwrap(), form, "{text}");
    }

    #[test]
    fn line_ends_alone_do_not_change_the_body() {
        let crlf = FILE.replace("Make a corner.\n", "Make a corner.\r\n");
        let mut form = read(&crlf).unwrap();
        form.body = form.body.replace("\r\n", "\n");
        assert_eq!(write(&crlf, &form).unwrap(), crlf);
    }

    proptest::proptest! {
        #[test]
        fn any_text_reads_and_writes_without_panic(text in "\\PC{0,300}", summary in "\\PC{0,40}") {
            let file = format!("+++\n{text}\n+++\nbody\n");
            if let Ok(mut form) = read(&file) {
                proptest::prop_assert_eq!(write(&file, &form).unwrap(), file.clone());
                form.summary = summary;
                let _ = write(&file, &form);
            }
            let _ = read(&text);
        }
    }
}
