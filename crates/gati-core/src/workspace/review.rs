//! Keeping entries true over time: which are due for review, marking one reviewed, and the
//! approval a second person gives before a change reaches schools.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use super::{ReviewState, Workspace, bad_file, due_horizon, form, review_state};
use crate::error::{AtPath, Result};

/// An entry that is overdue for review or due within the next three months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewRow {
    pub id: String,
    pub file: String,
    pub title: String,
    pub kind: String,
    pub owner: String,
    pub areas: Vec<String>,
    pub last_reviewed: NaiveDate,
    pub review_by: NaiveDate,
    pub overdue: bool,
}

/// How long a review lasts when an entry's `review_by` is a date rather than an interval and the
/// two dates give no interval to keep.
const DEFAULT_INTERVAL_MONTHS: u32 = 12;

impl Workspace {
    /// Entries overdue for review and due in the next three months, the most overdue first.
    pub fn review_due(&self, today: NaiveDate) -> Vec<ReviewRow> {
        let horizon = due_horizon(today);
        let mut rows: Vec<ReviewRow> = self
            .sources
            .entries
            .iter()
            .zip(&self.sources.files)
            .filter(|(e, _)| review_state(e.review_by, today, horizon) != ReviewState::Current)
            .map(|(e, f)| ReviewRow {
                id: e.id.clone(),
                file: self.relative(&f.path),
                title: e.title.clone(),
                kind: e.kind.clone(),
                owner: e.owner.clone(),
                areas: e.areas.clone(),
                last_reviewed: e.last_reviewed,
                review_by: e.review_by,
                overdue: e.review_by < today,
            })
            .collect();
        rows.sort_by(|a, b| (a.review_by, &a.title).cmp(&(b.review_by, &b.title)));
        rows
    }

    /// Marks the entry `id` reviewed today: `last_reviewed` becomes today, and `review_by` keeps
    /// its interval ("12 months"), or when it is a date moves on by as long as it was. Returns the
    /// new review date.
    pub fn mark_reviewed(&mut self, id: &str, today: NaiveDate) -> Result<NaiveDate> {
        self.change_entry(id, today, |f| mark_reviewed(f, today))?;
        self.sources
            .entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.review_by)
            .ok_or_else(|| crate::Error::NotFound(format!("`{id}` could not be read after saving")))
    }

    /// Records that `by` approved the entry `id` today.
    pub fn approve(&mut self, id: &str, by: &str, today: NaiveDate) -> Result<()> {
        let by = by.trim();
        if by.is_empty() || by.chars().any(crate::printable::is_unsafe) {
            return Err(crate::Error::BadRequest(
                "an approval needs the name of the person who approves".into(),
            ));
        }
        self.change_entry(id, today, |f| {
            f.ready_for_review = false;
            f.approved_by = by.to_string();
            f.approved_on = today.format("%Y-%m-%d").to_string();
        })
    }

    /// Marks the entry `id` ready for a second person to review.
    pub fn ask_for_approval(&mut self, id: &str, today: NaiveDate) -> Result<()> {
        self.change_entry(id, today, |f| {
            f.ready_for_review = true;
            f.approved_by.clear();
            f.approved_on.clear();
        })
    }

    /// Reads the entry `id` from its file, changes its form and saves it.
    fn change_entry(
        &mut self,
        id: &str,
        today: NaiveDate,
        change: impl FnOnce(&mut form::EntryForm),
    ) -> Result<()> {
        let path = self.path_of(id)?;
        let text = std::fs::read_to_string(&path).at(&path)?;
        let mut entry_form = form::read(&text).map_err(|why| bad_file(&path, why))?;
        change(&mut entry_form);
        let base = super::hash(&text);
        let file = self.relative(&path);
        self.save(&file, &base, &entry_form, today).map(|_| ())
    }
}

/// Marks a form reviewed today: `last_reviewed` becomes today, and `review_by` keeps its
/// interval ("12 months"), or when it is a date moves on by as long as it was. The workspace's
/// form and the dashboard both mark reviews this way.
pub fn mark_reviewed(form: &mut form::EntryForm, today: NaiveDate) {
    let old_last = NaiveDate::parse_from_str(&form.last_reviewed, "%Y-%m-%d").ok();
    let old_due = NaiveDate::parse_from_str(&form.review_by, "%Y-%m-%d").ok();
    form.last_reviewed = today.format("%Y-%m-%d").to_string();
    if let Some(due) = old_due {
        let months = old_last
            .map(|last| months_between(last, due))
            .filter(|m| *m > 0)
            .unwrap_or(DEFAULT_INTERVAL_MONTHS);
        let next = today
            .checked_add_months(Months::new(months))
            .unwrap_or(NaiveDate::MAX);
        form.review_by = next.format("%Y-%m-%d").to_string();
    }
}

/// Whole months from `from` to `to`.
fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    u32::try_from(months).unwrap_or(0)
}

/// The review list as CSV for a team meeting: one row per entry, with a header row. Fields are
/// quoted where they must be, and a field that a spreadsheet would run as a formula is made text.
pub fn review_csv(rows: &[ReviewRow]) -> String {
    let mut out = String::from("id,title,kind,owner,areas,last_reviewed,review_by,overdue\r\n");
    for r in rows {
        let fields = [
            r.id.clone(),
            r.title.clone(),
            r.kind.clone(),
            r.owner.clone(),
            r.areas.join(" "),
            r.last_reviewed.to_string(),
            r.review_by.to_string(),
            if r.overdue { "yes" } else { "no" }.to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_it_must_and_never_starts_a_formula() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
    }

    #[test]
    fn months_are_counted_by_the_calendar() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(months_between(d(2026, 11, 25), d(2027, 11, 25)), 12);
        assert_eq!(months_between(d(2026, 1, 31), d(2026, 7, 1)), 6);
        assert_eq!(months_between(d(2027, 1, 1), d(2026, 1, 1)), 0);
    }

    proptest::proptest! {
        #[test]
        fn any_field_makes_one_csv_field(value in "\\PC{0,40}") {
            let field = csv_field(&value);
            let quoted = field.starts_with('"');
            proptest::prop_assert!(quoted || !field.contains(','));
            proptest::prop_assert!(!field.starts_with(['=', '+', '-', '@']));
        }
    }
}
