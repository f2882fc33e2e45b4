//! Support plans: the graduated approach's assess, plan, do, review cycle for each pupil, built
//! from the directory and kept in `user.db`, which no pack install ever opens.

mod document;
mod exchange;
mod model;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::library::{Catalogue, UserDb};
use crate::taxonomy::Taxonomy;
pub use document::{PlanDocument, plan_docx, plan_html, plan_text};
pub use exchange::{ImportSummary, MAX_FILE_BYTES, SCHEMA_VERSION, export_json, import_json};
pub use model::{
    Cycle, Decision, MAX_TEXT, Outcome, Plan, Profile, Provision, Review, View, ViewOf,
};

/// How far ahead "due for review" looks in the list's filter.
const DUE_WITHIN_DAYS: u64 = 28;
/// How far ahead the quiet line at start looks: this week.
const DUE_THIS_WEEK_DAYS: u64 = 7;

/// A plan as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanRow {
    pub id: String,
    pub pupil: String,
    pub year_group: String,
    pub phase: String,
    pub level: String,
    pub needs: Vec<String>,
    pub review_due: Option<NaiveDate>,
    /// How many cycles the plan has had, the current one included.
    pub cycle: u32,
    pub updated: String,
}

/// The plans list's words and filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanFilter {
    /// Words of the pupil's name, initials or reference, or of the year group.
    pub query: String,
    pub need: Option<String>,
    pub level: Option<String>,
    pub phase: Option<String>,
    /// Only plans whose review is overdue or due in the next four weeks.
    pub due: bool,
}

/// The plans that match `filter`, overdue reviews first, then by review date, then by name.
pub fn list(user: &UserDb, filter: &PlanFilter, today: NaiveDate) -> Result<Vec<PlanRow>> {
    let words: Vec<String> = filter
        .query
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let horizon = today
        .checked_add_days(Days::new(DUE_WITHIN_DAYS))
        .unwrap_or(NaiveDate::MAX);
    let mut rows: Vec<PlanRow> = user
        .plan_rows()?
        .into_iter()
        .filter(|r| {
            let text = format!("{} {}", r.pupil, r.year_group).to_lowercase();
            words.iter().all(|w| text.contains(w.as_str()))
                && filter.need.as_ref().is_none_or(|n| r.needs.contains(n))
                && filter.level.as_ref().is_none_or(|l| &r.level == l)
                && filter.phase.as_ref().is_none_or(|p| &r.phase == p)
                && (!filter.due || r.review_due.is_some_and(|d| d <= horizon))
        })
        .collect();
    rows.sort_by_cached_key(|r| (r.review_due.is_none(), r.review_due, r.pupil.to_lowercase()));
    Ok(rows)
}

/// The plans whose review falls due within a week (or is overdue): the quiet line at start.
pub fn due_this_week(user: &UserDb, today: NaiveDate) -> Result<Vec<PlanRow>> {
    let horizon = today
        .checked_add_days(Days::new(DUE_THIS_WEEK_DAYS))
        .unwrap_or(NaiveDate::MAX);
    Ok(list(user, &PlanFilter::default(), today)?
        .into_iter()
        .filter(|r| r.review_due.is_some_and(|d| d <= horizon))
        .collect())
}

/// A new plan for `pupil`, with its first cycle started today.
pub fn create(user: &mut UserDb, pupil: &str, today: NaiveDate) -> Result<Plan> {
    let mut plan = Plan {
        id: new_id(pupil),
        pupil: pupil.trim().to_string(),
        created: Some(today),
        cycles: vec![Cycle {
            assessed: Some(today),
            ..Cycle::default()
        }],
        ..Plan::default()
    };
    save(user, &mut plan, None)?;
    Ok(plan)
}

/// Saves a plan whole, after checking it. `taxonomy` checks its codes when a pack is installed.
pub fn save(user: &mut UserDb, plan: &mut Plan, taxonomy: Option<&Taxonomy>) -> Result<()> {
    let problems = plan.problems(taxonomy);
    if !problems.is_empty() {
        return Err(Error::BadRequest(format!(
            "the plan was not saved: {}",
            problems.join("; ")
        )));
    }
    if plan.cycles.is_empty() {
        plan.cycles.push(Cycle::default());
    }
    user.save_plans(std::slice::from_mut(plan))
}

/// Adds a directory entry to the current cycle's provision, keeping its title and summary as
/// they are now. Adding an entry that is already there changes nothing.
pub fn add_entry(
    user: &mut UserDb,
    catalogue: &Catalogue,
    plan_id: &str,
    entry_id: &str,
    today: NaiveDate,
) -> Result<Plan> {
    let entry = catalogue.entry(entry_id)?;
    let mut plan = user.plan(plan_id)?;
    let cycle = current_mut(&mut plan);
    if !cycle
        .provision
        .iter()
        .any(|p| p.entry_id.as_deref() == Some(entry.id.as_str()))
    {
        cycle.provision.push(provision_of(&entry, today));
    }
    save(user, &mut plan, Some(catalogue.taxonomy()))?;
    Ok(plan)
}

fn provision_of(entry: &Entry, today: NaiveDate) -> Provision {
    Provision {
        entry_id: Some(entry.id.clone()),
        title: entry.title.clone(),
        summary: entry.summary.clone(),
        from: Some(today),
        ..Provision::default()
    }
}

fn current_mut(plan: &mut Plan) -> &mut Cycle {
    if plan.cycles.is_empty() {
        plan.cycles.push(Cycle::default());
    }
    plan.cycles.last_mut().expect("a cycle was added")
}

/// Records the review of the current cycle and starts the next, with its outcomes and provision
/// carried over for editing. The support level follows the decision. Every past cycle stays.
pub fn review(
    user: &mut UserDb,
    plan_id: &str,
    review: Review,
    taxonomy: Option<&Taxonomy>,
) -> Result<Plan> {
    let mut plan = user.plan(plan_id)?;
    let cycle = current_mut(&mut plan);
    if cycle.review.is_some() {
        return Err(Error::BadRequest(
            "this cycle has been reviewed already".into(),
        ));
    }
    let date = review.date;
    cycle.review = Some(review.clone());
    let next = Cycle {
        assessed: date,
        assessment: String::new(),
        planned: None,
        started: None,
        review_due: None,
        outcomes: cycle.outcomes.clone(),
        provision: cycle.provision.clone(),
        review: None,
    };
    plan.level = next_level(&plan.level, review.decision);
    plan.cycles.push(next);
    save(user, &mut plan, taxonomy)?;
    Ok(plan)
}

/// The level of support after a review's decision: one step along universal, targeted,
/// specialist, never past either end.
fn next_level(level: &str, decision: Decision) -> String {
    const LEVELS: [&str; 3] = ["universal", "targeted", "specialist"];
    let Some(at) = LEVELS.iter().position(|l| *l == level) else {
        return level.to_string();
    };
    let to = match decision {
        Decision::StepUp => (at + 1).min(LEVELS.len() - 1),
        Decision::Continue => at,
        Decision::StepDown => at.saturating_sub(1),
    };
    LEVELS[to].to_string()
}

/// Writes the plan's document to `path`, where the person chose, whole or not at all.
pub fn write_document(
    plan: &Plan,
    catalogue: Option<&Catalogue>,
    kind: PlanDocument,
    date: NaiveDate,
    path: &std::path::Path,
) -> Result<()> {
    crate::files::write_whole(path, &plan_docx(plan, catalogue, kind, date)?)
}

/// Writes the plans with `ids` (all when `None`) as JSON to `path`.
pub fn write_export(user: &UserDb, ids: Option<&[String]>, path: &std::path::Path) -> Result<()> {
    crate::files::write_whole(path, &export_json(user, ids)?)
}

/// Imports the plans file at `path`, refusing a file too large to be one before reading it.
pub fn import_file(
    user: &mut UserDb,
    path: &std::path::Path,
    taxonomy: Option<&Taxonomy>,
) -> Result<ImportSummary> {
    let text = crate::files::read_capped(path, MAX_FILE_BYTES)?;
    import_json(user, text.as_bytes(), taxonomy)
}

/// A new plan id: unique on this computer, and never made from what a person typed alone.
fn new_id(seed: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let hash = Sha256::digest(format!(
        "{now}:{}:{}:{seed}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    format!("plan-{}", &hex::encode(hash)[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_steps_along_and_stops_at_the_ends() {
        assert_eq!(next_level("universal", Decision::StepUp), "targeted");
        assert_eq!(next_level("specialist", Decision::StepUp), "specialist");
        assert_eq!(next_level("targeted", Decision::StepDown), "universal");
        assert_eq!(next_level("universal", Decision::StepDown), "universal");
        assert_eq!(next_level("targeted", Decision::Continue), "targeted");
        assert_eq!(next_level("", Decision::StepUp), "");
    }

    #[test]
    fn ids_differ_even_for_the_same_pupil() {
        assert_ne!(new_id("A.B."), new_id("A.B."));
        assert!(new_id("x").starts_with("plan-"));
    }
}
