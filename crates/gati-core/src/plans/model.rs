//! A pupil's SEN support plan: who it is for, their profile in their and their family's words,
//! and the assess, plan, do, review cycles, each with its outcomes, its provision and its review.
//! The plan is the school's data: it lives in `user.db`, and entries from the directory are
//! copied into it (title and summary as they were), so that it survives a pack that drops them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::taxonomy::{Family, Taxonomy};

/// The longest text a field of a plan may hold, in characters: a page of writing.
pub const MAX_TEXT: usize = 5_000;
/// The most items a list of a plan may hold.
pub const MAX_ITEMS: usize = 100;
/// The most cycles a plan keeps: one a term for over thirty years.
pub const MAX_CYCLES: usize = 100;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Plan {
    /// Given by the app when the plan is made; never chosen by a person.
    pub id: String,
    /// The pupil as the SENCO chooses to name them: a name, initials or a school reference.
    pub pupil: String,
    pub year_group: String,
    /// A phase code (`primary`).
    pub phase: String,
    /// Need codes; the areas follow from them.
    pub needs: Vec<String>,
    /// A level code: the support the pupil has now.
    pub level: String,
    pub profile: Profile,
    pub views: Vec<View>,
    /// Every cycle, oldest first; the last is the current one.
    pub cycles: Vec<Cycle>,
    pub created: Option<NaiveDate>,
    /// When the plan was last saved, as an RFC 3339 time, set by the store.
    pub updated: String,
}

/// A one-page profile, in the pupil's and the family's words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Profile {
    pub admire: String,
    pub important: String,
    pub support: String,
}

/// What the pupil or a parent said, and when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct View {
    pub who: ViewOf,
    pub date: Option<NaiveDate>,
    pub text: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ViewOf {
    #[default]
    Pupil,
    Parent,
}

/// One turn of assess, plan, do, review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cycle {
    pub assessed: Option<NaiveDate>,
    /// What the assessment found.
    pub assessment: String,
    pub planned: Option<NaiveDate>,
    /// When the support starts.
    pub started: Option<NaiveDate>,
    /// When the plan is to be reviewed.
    pub review_due: Option<NaiveDate>,
    pub outcomes: Vec<Outcome>,
    pub provision: Vec<Provision>,
    /// Set when the cycle has been reviewed; the next cycle then starts.
    pub review: Option<Review>,
}

/// What should change, by when, and how everyone will know.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Outcome {
    pub text: String,
    pub by: Option<NaiveDate>,
    pub measure: String,
}

/// Something put in place: an entry of the directory, or the school's own item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Provision {
    /// The directory entry it came from; `None` for the school's own item.
    pub entry_id: Option<String>,
    /// The entry's title and summary when it was added, or the school's own words.
    pub title: String,
    pub summary: String,
    pub who: String,
    pub how_often: String,
    pub how_long: String,
    pub from: Option<NaiveDate>,
}

/// A cycle's review: progress against each outcome, what worked, what changes, and the decision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Review {
    pub date: Option<NaiveDate>,
    /// Progress against each outcome, in the outcomes' order.
    pub progress: Vec<String>,
    pub worked: String,
    pub changes: String,
    pub decision: Decision,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Decision {
    StepUp,
    #[default]
    Continue,
    StepDown,
}

impl Plan {
    /// The cycle under way: the last.
    pub fn current(&self) -> Option<&Cycle> {
        self.cycles.last()
    }

    /// The date the current cycle is to be reviewed.
    pub fn review_due(&self) -> Option<NaiveDate> {
        self.current().and_then(|c| c.review_due)
    }

    /// Everything wrong with the plan, field by field, in words: codes the taxonomy does not
    /// have, text that is too long or holds control characters, lists that are too long. A plan
    /// with problems is never saved or imported.
    pub fn problems(&self, taxonomy: Option<&Taxonomy>) -> Vec<String> {
        let mut out = Vec::new();
        text(&mut out, "pupil", &self.pupil, true);
        text(&mut out, "year_group", &self.year_group, false);
        text(&mut out, "profile.admire", &self.profile.admire, false);
        text(
            &mut out,
            "profile.important",
            &self.profile.important,
            false,
        );
        text(&mut out, "profile.support", &self.profile.support, false);
        for (i, v) in self.views.iter().enumerate() {
            text(&mut out, &format!("views[{i}].text"), &v.text, false);
        }
        for (c, cycle) in self.cycles.iter().enumerate() {
            text(
                &mut out,
                &format!("cycles[{c}].assessment"),
                &cycle.assessment,
                false,
            );
            for (i, o) in cycle.outcomes.iter().enumerate() {
                text(
                    &mut out,
                    &format!("cycles[{c}].outcomes[{i}].text"),
                    &o.text,
                    false,
                );
                text(
                    &mut out,
                    &format!("cycles[{c}].outcomes[{i}].measure"),
                    &o.measure,
                    false,
                );
            }
            for (i, p) in cycle.provision.iter().enumerate() {
                let at = format!("cycles[{c}].provision[{i}]");
                text(&mut out, &format!("{at}.title"), &p.title, true);
                text(&mut out, &format!("{at}.summary"), &p.summary, false);
                text(&mut out, &format!("{at}.who"), &p.who, false);
                text(&mut out, &format!("{at}.how_often"), &p.how_often, false);
                text(&mut out, &format!("{at}.how_long"), &p.how_long, false);
                if let Some(id) = &p.entry_id
                    && !crate::taxonomy::is_slug(id)
                {
                    out.push(format!("`{at}.entry_id` is not an entry id"));
                }
            }
            if let Some(r) = &cycle.review {
                text(
                    &mut out,
                    &format!("cycles[{c}].review.worked"),
                    &r.worked,
                    false,
                );
                text(
                    &mut out,
                    &format!("cycles[{c}].review.changes"),
                    &r.changes,
                    false,
                );
                for (i, p) in r.progress.iter().enumerate() {
                    text(
                        &mut out,
                        &format!("cycles[{c}].review.progress[{i}]"),
                        p,
                        false,
                    );
                }
            }
        }
        for (field, len, max) in [
            ("needs", self.needs.len(), MAX_ITEMS),
            ("views", self.views.len(), MAX_ITEMS),
            ("cycles", self.cycles.len(), MAX_CYCLES),
        ] {
            if len > max {
                out.push(format!("`{field}` has more than {max} items"));
            }
        }
        for (c, cycle) in self.cycles.iter().enumerate() {
            for (field, len) in [
                ("outcomes", cycle.outcomes.len()),
                ("provision", cycle.provision.len()),
            ] {
                if len > MAX_ITEMS {
                    out.push(format!(
                        "`cycles[{c}].{field}` has more than {MAX_ITEMS} items"
                    ));
                }
            }
        }
        if let Some(taxonomy) = taxonomy {
            let check = |out: &mut Vec<String>, family: Family, field: &str, code: &str| {
                if !code.is_empty() && !taxonomy.contains(family, code) {
                    out.push(format!(
                        "`{field}` has `{}`, which is not a {} code",
                        crate::printable::echo(code),
                        family.key().replace('_', " ")
                    ));
                }
            };
            check(&mut out, Family::Phase, "phase", &self.phase);
            check(&mut out, Family::Level, "level", &self.level);
            for need in &self.needs {
                check(&mut out, Family::Need, "needs", need);
            }
        }
        out
    }
}

/// Notes what is wrong with one text field: empty when it must not be, too long, or holding
/// control characters (other than line breaks and tabs).
fn text(out: &mut Vec<String>, field: &str, value: &str, required: bool) {
    if required && value.trim().is_empty() {
        out.push(format!("`{field}` is empty"));
    } else if value.chars().count() > MAX_TEXT {
        out.push(format!("`{field}` is longer than {MAX_TEXT} characters"));
    } else if value
        .chars()
        .any(|c| crate::printable::is_unsafe(c) && c != '\n' && c != '\t')
    {
        out.push(format!("`{field}` holds control characters"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_names_its_problems_by_field() {
        let mut plan = Plan {
            pupil: "A.B.".into(),
            ..Plan::default()
        };
        assert!(plan.problems(None).is_empty());
        plan.pupil = " ".into();
        plan.profile.admire = "x".repeat(MAX_TEXT + 1);
        plan.cycles.push(Cycle {
            provision: vec![Provision {
                title: "Bell\u{7}".into(),
                entry_id: Some("../etc".into()),
                ..Provision::default()
            }],
            ..Cycle::default()
        });
        let problems = plan.problems(None).join("\n");
        for field in [
            "`pupil` is empty",
            "`profile.admire` is longer",
            "`cycles[0].provision[0].title` holds control characters",
            "`cycles[0].provision[0].entry_id` is not an entry id",
        ] {
            assert!(problems.contains(field), "{field} in {problems}");
        }
    }
}
