//! The content model's vocabulary: code families, their terms and the words people use for them.
//!
//! Codes are stable identifiers (see `docs/content-model.md`); labels, descriptions, synonyms and
//! order belong to the content editors and live in `content/taxonomy.toml`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// The field of a per-family struct (one field per family, named by the family's plural: the
/// taxonomy, search filters) that holds `family`. This is the one place that pairs families with
/// field names; `&` or `&mut` before the struct chooses the borrow.
macro_rules! family_field {
    ($family:expr, $($holder:tt)+) => {
        match $family {
            $crate::taxonomy::Family::Need => $($holder)+.needs,
            $crate::taxonomy::Family::Area => $($holder)+.areas,
            $crate::taxonomy::Family::Level => $($holder)+.levels,
            $crate::taxonomy::Family::Step => $($holder)+.steps,
            $crate::taxonomy::Family::Phase => $($holder)+.phases,
            $crate::taxonomy::Family::Audience => $($holder)+.audiences,
            $crate::taxonomy::Family::Kind => $($holder)+.kinds,
            $crate::taxonomy::Family::WaitingFor => $($holder)+.waiting_for,
        }
    };
}
pub(crate) use family_field;

/// One family of codes. An entry carries codes of every family but `Area`, whose codes follow from
/// the entry's needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Family {
    Need,
    Area,
    Level,
    Step,
    Phase,
    Audience,
    Kind,
    WaitingFor,
}

impl Family {
    pub const ALL: [Family; 8] = [
        Family::Need,
        Family::Area,
        Family::Level,
        Family::Step,
        Family::Phase,
        Family::Audience,
        Family::Kind,
        Family::WaitingFor,
    ];

    /// The singular name used for filters (`--need`, `need = "autism"`) and index fields.
    pub fn key(self) -> &'static str {
        match self {
            Family::Need => "need",
            Family::Area => "area",
            Family::Level => "level",
            Family::Step => "step",
            Family::Phase => "phase",
            Family::Audience => "audience",
            Family::Kind => "kind",
            Family::WaitingFor => "waiting_for",
        }
    }

    /// The plural name used for entry fields, facets and the taxonomy file.
    pub fn plural(self) -> &'static str {
        match self {
            Family::Need => "needs",
            Family::Area => "areas",
            Family::Level => "levels",
            Family::Step => "steps",
            Family::Phase => "phases",
            Family::Audience => "audiences",
            Family::Kind => "kinds",
            Family::WaitingFor => "waiting_for",
        }
    }

    pub fn from_key(key: &str) -> Option<Family> {
        Family::ALL
            .into_iter()
            .find(|f| f.key() == key || f.plural() == key)
    }
}

/// The most codes one family may have.
pub const MAX_TERMS: usize = 1_000;

/// One code with the words that describe it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Term {
    pub code: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// For needs only: the area of need the need belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
}

/// Every family's terms, in the editors' order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Taxonomy {
    pub areas: Vec<Term>,
    pub needs: Vec<Term>,
    pub levels: Vec<Term>,
    pub steps: Vec<Term>,
    pub phases: Vec<Term>,
    pub audiences: Vec<Term>,
    pub kinds: Vec<Term>,
    pub waiting_for: Vec<Term>,
}

/// The codes of `docs/content-model.md`. They may gain company but never go missing: every
/// filter, import and test relies on them.
const CONTENT_MODEL_CODES: &[(Family, &[&str])] = &[
    (
        Family::Area,
        &[
            "communication-interaction",
            "cognition-learning",
            "semh",
            "sensory-physical",
        ],
    ),
    (
        Family::Need,
        &[
            "speech-sounds",
            "language-understanding",
            "language-expression",
            "dld",
            "stammering",
            "autism",
            "selective-mutism",
            "aac",
            "literacy-dyslexia",
            "numeracy-dyscalculia",
            "handwriting",
            "memory-processing",
            "attention-adhd",
            "executive-function",
            "general-learning",
            "sld-pmld",
            "anxiety",
            "low-mood",
            "emotional-regulation",
            "attachment-trauma",
            "school-attendance",
            "friendships",
            "tics-tourette",
            "self-harm",
            "hearing",
            "vision",
            "multi-sensory",
            "sensory-processing",
            "motor-coordination",
            "physical-mobility",
            "medical-personal-care",
        ],
    ),
    (Family::Level, &["universal", "targeted", "specialist"]),
    (Family::Step, &["assess", "plan", "do", "review"]),
    (
        Family::Phase,
        &["early-years", "primary", "secondary", "post-16"],
    ),
    (
        Family::Audience,
        &["practitioner", "parent-carer", "young-person"],
    ),
    (
        Family::Kind,
        &["strategy", "resource", "service", "guidance", "training"],
    ),
    (
        Family::WaitingFor,
        &[
            "autism-assessment",
            "adhd-assessment",
            "speech-language-therapy",
            "camhs",
            "occupational-therapy",
            "physiotherapy",
            "paediatrics",
            "educational-psychology",
            "ehc-needs-assessment",
            "hearing-vision-services",
        ],
    ),
];

impl Taxonomy {
    pub fn terms(&self, family: Family) -> &[Term] {
        family_field!(family, &self)
    }

    pub fn term(&self, family: Family, code: &str) -> Option<&Term> {
        self.terms(family).iter().find(|t| t.code == code)
    }

    /// The labels of `codes`, comma-separated, for reading; an unknown code stands for itself.
    pub fn labels(&self, family: Family, codes: &[String]) -> String {
        codes
            .iter()
            .map(|c| {
                self.term(family, c)
                    .map_or(c.as_str(), |t| t.label.as_str())
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The codes of a family for a message, the first few of a long list with how many more.
    pub fn known_codes(&self, family: Family) -> String {
        const SHOWN: usize = 30;
        let terms = self.terms(family);
        let mut out: Vec<&str> = terms.iter().take(SHOWN).map(|t| t.code.as_str()).collect();
        let more = terms.len().saturating_sub(SHOWN);
        let more = (more > 0).then(|| format!("and {more} more"));
        out.extend(more.as_deref());
        out.join(", ")
    }

    pub fn contains(&self, family: Family, code: &str) -> bool {
        self.term(family, code).is_some()
    }

    /// The area a need belongs to.
    pub fn area_of(&self, need: &str) -> Option<&str> {
        self.term(Family::Need, need)?.area.as_deref()
    }

    /// All terms of all families, each with its family, in a fixed order. The position of a term
    /// in this sequence is its global ordinal, which the search index stores for facet counting.
    pub fn all_terms(&self) -> impl Iterator<Item = (Family, &Term)> {
        Family::ALL
            .into_iter()
            .flat_map(move |f| self.terms(f).iter().map(move |t| (f, t)))
    }

    /// Checks the taxonomy's own consistency. Returns one message per problem.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for family in Family::ALL {
            // Codes are looked up by scanning their family, which is quick for the dozens a real
            // taxonomy has; a hostile pack's taxonomy of millions is refused here.
            let count = self.terms(family).len();
            if count > MAX_TERMS {
                problems.push(format!(
                    "{}: {count} codes; a family may have at most {MAX_TERMS}",
                    family.plural()
                ));
                return problems;
            }
        }
        for family in Family::ALL {
            let mut seen = HashSet::new();
            for term in self.terms(family) {
                if !is_slug(&term.code) {
                    problems.push(format!(
                        "{}: code `{}` must be a lower-case slug (a-z, 0-9, hyphens)",
                        family.plural(),
                        term.code
                    ));
                }
                if !seen.insert(term.code.as_str()) {
                    problems.push(format!(
                        "{}: code `{}` is listed twice",
                        family.plural(),
                        term.code
                    ));
                }
                if term.label.trim().is_empty() {
                    problems.push(format!(
                        "{}: code `{}` has no label",
                        family.plural(),
                        term.code
                    ));
                }
                match (family, &term.area) {
                    (Family::Need, None) => {
                        problems.push(format!("needs: code `{}` has no `area`", term.code))
                    }
                    (Family::Need, Some(area)) if !self.contains(Family::Area, area) => problems
                        .push(format!(
                            "needs: code `{}` names the unknown area `{area}`",
                            term.code
                        )),
                    (Family::Need, Some(_)) | (_, None) => {}
                    (_, Some(_)) => problems.push(format!(
                        "{}: code `{}` has an `area`, which only needs may have",
                        family.plural(),
                        term.code
                    )),
                }
            }
        }
        for (family, codes) in CONTENT_MODEL_CODES {
            for code in *codes {
                if !self.contains(*family, code) {
                    problems.push(format!(
                        "{}: the content model's code `{code}` is missing; codes may be added but never dropped",
                        family.plural()
                    ));
                }
            }
        }
        problems
    }
}

/// True for lower-case slugs: `a-z`, `0-9` and single inner hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("post-16"));
        assert!(!is_slug("Post-16"));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug(""));
        assert!(!is_slug("a b"));
    }

    #[test]
    fn family_keys_round_trip() {
        for f in Family::ALL {
            assert_eq!(Family::from_key(f.key()), Some(f));
            assert_eq!(Family::from_key(f.plural()), Some(f));
        }
        assert_eq!(Family::from_key("colour"), None);
    }
}
