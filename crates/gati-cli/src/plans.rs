//! `gati plan`: the school's support plans from the command line, for backups, moves and
//! scripts. Plans stay on this computer: nothing here sends anything anywhere.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use gati_core::library::Library;
use gati_core::plans::{self, PlanDocument, PlanFilter};
use gati_core::printable::escaped;

use crate::{output, today};

#[derive(Subcommand)]
pub enum PlanCommand {
    /// List plans, overdue reviews first
    List {
        /// Only plans whose review is overdue or due in the next four weeks
        #[arg(long)]
        due: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show one plan's current cycle in plain words
    Show {
        id: String,
        /// The version for parents
        #[arg(long)]
        parents: bool,
    },
    /// Start a plan for a pupil (a name, initials or a school reference)
    New { pupil: String },
    /// Export one plan as a Word document, or plans as JSON for a backup or a new computer
    Export {
        /// The plan to export; leave out with --all
        id: Option<String>,
        /// Every plan (JSON only)
        #[arg(long)]
        all: bool,
        /// Write a Word document of the plan's current cycle
        #[arg(long, value_name = "FILE", conflicts_with = "json")]
        docx: Option<PathBuf>,
        /// Write JSON, with the file's schema version
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// With --docx: the version for parents
        #[arg(long)]
        parents: bool,
    },
    /// Import plans from a JSON file: everything is checked first, and a bad file adds nothing
    Import { file: PathBuf },
}

pub fn run(out: &mut impl Write, library: &Library, command: PlanCommand) -> Result<ExitCode> {
    let mut user = library.user_db()?;
    // Codes are checked against the installed pack's taxonomy when there is one.
    let catalogue = library.catalogue().ok();
    let taxonomy = catalogue.as_ref().map(|c| c.taxonomy().clone());
    match command {
        PlanCommand::List { due, json } => {
            let rows = plans::list(
                &user,
                &PlanFilter {
                    due,
                    ..PlanFilter::default()
                },
                today(),
            )?;
            if json {
                serde_json::to_writer_pretty(&mut *out, &rows)?;
                writeln!(out)?;
            } else if rows.is_empty() {
                writeln!(out, "No plans.")?;
            }
            if !json {
                for r in &rows {
                    let due = r
                        .review_due
                        .map_or("no review date".to_string(), |d| format!("review by {d}"));
                    let overdue = if r.review_due.is_some_and(|d| d < today()) {
                        " OVERDUE"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "{}  {}  {}, cycle {}, {due}{overdue}",
                        r.id,
                        escaped(&r.pupil),
                        escaped(&r.year_group),
                        r.cycle
                    )?;
                }
            }
        }
        PlanCommand::Show { id, parents } => {
            let plan = user.plan(&id)?;
            let kind = if parents {
                PlanDocument::Parents
            } else {
                PlanDocument::School
            };
            write!(
                out,
                "{}",
                escaped(&plans::plan_text(&plan, catalogue.as_ref(), kind, today()))
            )?;
        }
        PlanCommand::New { pupil } => {
            let plan = plans::create(&mut user, &pupil, today())?;
            writeln!(out, "{}", plan.id)?;
        }
        PlanCommand::Export {
            id,
            all,
            docx,
            json,
            parents,
        } => match (id, all, docx, json) {
            (Some(id), false, Some(file), None) => {
                let plan = user.plan(&id)?;
                let kind = if parents {
                    PlanDocument::Parents
                } else {
                    PlanDocument::School
                };
                let bytes = plans::plan_docx(&plan, catalogue.as_ref(), kind, today())?;
                write_new(&file, &bytes)?;
                writeln!(out, "Wrote {}.", output::path(&file))?;
            }
            (Some(id), false, None, Some(file)) => {
                write_new(&file, &plans::export_json(&user, Some(&[id]))?)?;
                writeln!(out, "Wrote {}.", output::path(&file))?;
            }
            (None, true, None, Some(file)) => {
                let count = user.plan_rows()?.len();
                write_new(&file, &plans::export_json(&user, None)?)?;
                writeln!(out, "Wrote {count} plan(s) to {}.", output::path(&file))?;
            }
            _ => bail!(
                "say what to export: `gati plan export ID --docx FILE`, `gati plan export ID --json FILE` or `gati plan export --all --json FILE`"
            ),
        },
        PlanCommand::Import { file } => {
            let meta = std::fs::metadata(&file).with_context(|| output::path(&file))?;
            if meta.len() > plans::MAX_FILE_BYTES {
                bail!("{} is larger than a plans file can be", output::path(&file));
            }
            let bytes = std::fs::read(&file).with_context(|| output::path(&file))?;
            let done = plans::import_json(&mut user, &bytes, taxonomy.as_ref())
                .with_context(|| output::path(&file))?;
            writeln!(
                out,
                "Imported {}: {} added, {} replaced by a newer copy, {} kept as they were.",
                output::path(&file),
                done.added,
                done.replaced,
                done.kept
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a file that did not exist, so that an export never replaces another file by mistake.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("{} (an export never replaces a file)", output::path(path)))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}
