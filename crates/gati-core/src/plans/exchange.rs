//! Plans as JSON, for backup and for moving to a new computer: one plan or all, with a schema
//! version. An import checks everything before it adds anything, and adds all or nothing.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Plan;
use crate::error::{Error, Result};
use crate::library::UserDb;
use crate::taxonomy::Taxonomy;

/// The version of the file's shape. A newer one is refused with a message, never half read.
pub const SCHEMA_VERSION: u32 = 1;
const FORMAT: &str = "gati-plans";
/// The largest plans file read: far above a school's plans, far below what would hurt.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// The most plans one file may hold.
const MAX_PLANS: usize = 5_000;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlansFile {
    format: String,
    schema_version: u32,
    exported: String,
    plans: Vec<Plan>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportSummary {
    pub added: usize,
    /// Plans already here, replaced by a newer copy from the file.
    pub replaced: usize,
    /// Plans already here in the same or a newer state, left as they are.
    pub kept: usize,
}

/// The plans with `ids` (every plan when `None`) as a JSON file.
pub fn export_json(user: &UserDb, ids: Option<&[String]>) -> Result<Vec<u8>> {
    let wanted: Vec<String> = match ids {
        Some(ids) => ids.to_vec(),
        None => user.plan_rows()?.into_iter().map(|r| r.id).collect(),
    };
    let plans = wanted
        .iter()
        .map(|id| user.plan(id))
        .collect::<Result<Vec<Plan>>>()?;
    let file = PlansFile {
        format: FORMAT.into(),
        schema_version: SCHEMA_VERSION,
        exported: chrono::Utc::now().to_rfc3339(),
        plans,
    };
    Ok(serde_json::to_vec_pretty(&file).expect("plans serialise"))
}

/// Reads a plans file and adds its plans, or refuses it whole with what is wrong and where.
pub fn import_json(
    user: &mut UserDb,
    bytes: &[u8],
    taxonomy: Option<&Taxonomy>,
) -> Result<ImportSummary> {
    let refuse = |why: String| Error::BadRequest(format!("nothing was imported: {why}"));
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(refuse(format!(
            "the file is larger than {} MB",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    // The format and version are read first, so that a newer file gets a message about its
    // version rather than about a field this version does not know.
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        schema_version: Option<u32>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| {
        refuse(format!(
            "it is not a plans file exported by GATI Desktop ({e})"
        ))
    })?;
    if head.format.as_deref() != Some(FORMAT) {
        return Err(refuse(
            "it is not a plans file exported by GATI Desktop (its `format` is not \"gati-plans\")"
                .into(),
        ));
    }
    match head.schema_version {
        Some(SCHEMA_VERSION) => {}
        Some(v) if v > SCHEMA_VERSION => {
            return Err(refuse(format!(
                "it was written by a newer GATI Desktop (plans file version {v}); update this one first"
            )));
        }
        other => {
            return Err(refuse(format!(
                "its `schema_version` is {other:?}, which no GATI Desktop writes"
            )));
        }
    }
    let file: PlansFile = serde_json::from_slice(bytes).map_err(|e| refuse(e.to_string()))?;
    if file.plans.len() > MAX_PLANS {
        return Err(refuse(format!("it holds more than {MAX_PLANS} plans")));
    }
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for (n, plan) in file.plans.iter().enumerate() {
        let name = format!("plan {} ({})", n + 1, crate::printable::echo(&plan.pupil));
        if !is_plan_id(&plan.id) {
            problems.push(format!("{name}: `id` is not a plan id"));
        } else if !seen.insert(plan.id.as_str()) {
            problems.push(format!("{name}: the id `{}` is in the file twice", plan.id));
        }
        for problem in plan.problems(taxonomy) {
            problems.push(format!("{name}: {problem}"));
        }
    }
    if !problems.is_empty() {
        problems.truncate(20);
        return Err(refuse(problems.join("; ")));
    }
    let existing = user.plan_rows()?;
    let mut summary = ImportSummary {
        added: 0,
        replaced: 0,
        kept: 0,
    };
    let mut to_save = Vec::new();
    for plan in file.plans {
        match existing.iter().find(|r| r.id == plan.id) {
            None => summary.added += 1,
            Some(here) if here.updated < plan.updated => summary.replaced += 1,
            Some(_) => {
                summary.kept += 1;
                continue;
            }
        }
        to_save.push(plan);
    }
    user.save_plans(&mut to_save)?;
    Ok(summary)
}

fn is_plan_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
