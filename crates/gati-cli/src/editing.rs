//! The editors' commands: a new entry from its template, reviews and approval, and publishing a
//! source folder. Each goes through the same `gati_core::workspace` functions as the app's
//! workspace, so the files they write are the files the app writes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::Utc;
use clap::Subcommand;
use gati_core::printable::escaped;
use gati_core::workspace::{Workspace, review_csv};

use crate::{output, today};

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// Mark an entry reviewed today: last_reviewed becomes today, review_by moves on
    Mark { id: String, dir: PathBuf },
    /// List entries overdue for review or due in the next three months
    Due {
        dir: PathBuf,
        /// Print CSV, for a spreadsheet or a team meeting
        #[arg(long)]
        csv: bool,
    },
    /// Mark an entry ready for a second person to review
    Ask { id: String, dir: PathBuf },
    /// Record that NAME approved an entry today
    Approve {
        id: String,
        dir: PathBuf,
        #[arg(long, value_name = "NAME")]
        by: String,
    },
}

fn open(dir: &Path, publish_to: Option<&Path>) -> Result<Workspace> {
    Ok(Workspace::open(dir, publish_to, today())?)
}

pub fn new(out: &mut impl Write, kind: &str, id: &str, dir: &Path) -> Result<ExitCode> {
    let file = open(dir, None)?.create(kind, id, today())?;
    writeln!(
        out,
        "Wrote {}: fill in its fields, then run `gati validate {}`.",
        output::path(&dir.join(file)),
        output::path(dir)
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn review(out: &mut impl Write, command: ReviewCommand) -> Result<ExitCode> {
    match command {
        ReviewCommand::Mark { id, dir } => {
            let next = open(&dir, None)?.mark_reviewed(&id, today())?;
            writeln!(
                out,
                "Marked {} reviewed today; next review by {next}.",
                escaped(&id)
            )?;
        }
        ReviewCommand::Due { dir, csv } => {
            let rows = open(&dir, None)?.review_due(today());
            if csv {
                write!(out, "{}", review_csv(&rows))?;
            } else if rows.is_empty() {
                writeln!(out, "No entry is due for review in the next three months.")?;
            } else {
                for r in &rows {
                    writeln!(
                        out,
                        "{}  {}{}  {}  ({})",
                        r.review_by,
                        if r.overdue { "OVERDUE  " } else { "" },
                        escaped(&r.id),
                        escaped(&r.title),
                        escaped(&r.owner)
                    )?;
                }
            }
        }
        ReviewCommand::Ask { id, dir } => {
            open(&dir, None)?.ask_for_approval(&id, today())?;
            writeln!(out, "Marked {} ready for review.", escaped(&id))?;
        }
        ReviewCommand::Approve { id, dir, by } => {
            open(&dir, None)?.approve(&id, &by, today())?;
            writeln!(
                out,
                "Recorded that {} approved {} today.",
                escaped(&by),
                escaped(&id)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Publishes a source folder: what changed, then the build, signature and `latest.json`.
pub fn publish_folder(
    out: &mut impl Write,
    dir: &Path,
    to: &Path,
    sign: Option<&Path>,
    version: Option<&str>,
) -> Result<ExitCode> {
    let Some(key) = sign else {
        bail!("publishing a folder needs its signing key: add --sign KEY");
    };
    let mut workspace = open(dir, Some(to))?;
    let plan = workspace.publish_plan(today());
    if !plan.blockers.is_empty() {
        for entry in &plan.unapproved {
            writeln!(
                out,
                "not approved: {} ({})",
                escaped(&entry.title),
                entry.id
            )?;
        }
        bail!("nothing was published: {}", plan.blockers.join(" "));
    }
    let version = version.unwrap_or(&plan.suggested_version).to_string();
    let key = crate::publishing::secret_key(key)?;
    write!(out, "{}", plan.changes.to_markdown())?;
    let latest = workspace.publish(&version, &key, Utc::now())?;
    writeln!(
        out,
        "\nPublished {} {} to {}: {} and latest.json.",
        escaped(&latest.id),
        escaped(&latest.version),
        output::path(to),
        escaped(&latest.file)
    )?;
    Ok(ExitCode::SUCCESS)
}
