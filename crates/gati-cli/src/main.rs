//! `gati`: the command for content editors, scripts and tests. Every command is a thin layer over
//! `gati_core`: parse the arguments, call the core, print for a person or as JSON.

mod output;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::{Local, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};
use gati_core::library::{self, Library, Progress};
use gati_core::pack::{self, PackFile};
use gati_core::search::{Filters, SearchRequest};
use gati_core::source;
use gati_core::taxonomy::Family;

#[derive(Parser)]
#[command(
    name = "gati",
    version,
    about = "Validate, build, install and search GATI resource packs."
)]
struct Cli {
    /// The library folder [default: the platform data folder, uk.gati.desktop]
    #[arg(long, global = true, env = library::LIBRARY_ENV, value_name = "DIR")]
    library: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a pack's source folder: every error and warning, with file, line and field
    Validate {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Build or inspect pack files
    #[command(subcommand)]
    Pack(PackCommand),
    /// Install a pack file into the library (the previous pack stays until the new one is complete)
    Install { file: PathBuf },
    /// Search the installed pack
    Search(SearchArgs),
    /// Show one entry
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Describe the installed pack and count its entries by code
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// List entries whose review date has passed (or falls before --before)
    Due {
        #[arg(long, value_name = "YYYY-MM-DD")]
        before: Option<NaiveDate>,
    },
    /// Rebuild the search index from the library's database
    Reindex,
}

#[derive(Subcommand)]
enum PackCommand {
    /// Build a .gatipack file from a source folder
    Build {
        dir: PathBuf,
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Print a pack file's manifest and counts
    Inspect {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct SearchArgs {
    /// Words to search for; leave out to list everything that matches the filters
    query: Vec<String>,
    #[arg(long = "need", value_name = "CODE")]
    needs: Vec<String>,
    #[arg(long = "area", value_name = "CODE")]
    areas: Vec<String>,
    #[arg(long = "level", value_name = "CODE")]
    levels: Vec<String>,
    #[arg(long = "step", value_name = "CODE")]
    steps: Vec<String>,
    #[arg(long = "phase", value_name = "CODE")]
    phases: Vec<String>,
    #[arg(long = "audience", value_name = "CODE")]
    audiences: Vec<String>,
    #[arg(long = "kind", value_name = "CODE")]
    kinds: Vec<String>,
    #[arg(long = "waiting-for", value_name = "CODE")]
    waiting_for: Vec<String>,
    #[arg(long, default_value_t = 10)]
    limit: usize,
    #[arg(long, default_value_t = 0)]
    offset: usize,
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    // Output piped into `head` or `less` may be cut short; like other Unix tools, stop quietly
    // then instead of panicking on the broken pipe, which Rust's default of ignoring SIGPIPE does.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of a signal, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

fn library(dir: Option<PathBuf>) -> Result<Library> {
    let root = match dir {
        Some(dir) => dir,
        None => library::default_location()
            .context("no data folder is known for this user; pass --library DIR")?,
    };
    Ok(Library::open(&root)?)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Validate { dir, json } => validate(&dir, json),
        Command::Pack(PackCommand::Build { dir, output }) => build(&dir, &output),
        Command::Pack(PackCommand::Inspect { file, json }) => {
            let pack = PackFile::open(&file, today())?;
            if json {
                output::print_json(&serde_json::json!({
                    "manifest": pack.manifest,
                    "kinds": pack.kind_counts(),
                    "attachments": pack.attachment_count(),
                }));
            } else {
                output::print_inspect(&pack);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Install { file } => {
            let lib = library(cli.library)?;
            let meta = lib.install(&file, today(), &mut progress_printer())?;
            eprintln!();
            println!(
                "Installed {} {} ({} entries) into {}",
                meta.title,
                meta.version,
                meta.entry_count,
                lib.root().display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Search(args) => {
            let catalogue = library(cli.library)?.catalogue()?;
            let json = args.json;
            let request = search_request(args);
            let results = catalogue.search(&request)?;
            if json {
                output::print_json(&results);
            } else {
                output::print_results(
                    &request,
                    &results,
                    catalogue.taxonomy(),
                    std::io::stdout().is_terminal(),
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { id, json } => {
            let catalogue = library(cli.library)?.catalogue()?;
            let entry = catalogue.entry(&id)?;
            if json {
                output::print_json(&entry);
            } else {
                output::print_entry(&entry, catalogue.taxonomy());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { json } => {
            let stats = library(cli.library)?.catalogue()?.stats()?;
            if json {
                output::print_json(&stats);
            } else {
                output::print_stats(&stats);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Due { before } => {
            let date = before.unwrap_or_else(today);
            let due = library(cli.library)?.catalogue()?.due_for_review(date)?;
            if due.is_empty() {
                println!("No entry is due for review before {date}.");
            }
            for (id, title, review_by, owner) in due {
                println!("{review_by}  {title}  ({id}, owner: {owner})");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex => {
            let mut catalogue = library(cli.library)?.catalogue()?;
            eprintln!("Rebuilding the search index…");
            catalogue.reindex()?;
            println!(
                "Rebuilt the search index of {} ({} entries).",
                catalogue.meta().title,
                catalogue.meta().entry_count
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn search_request(args: SearchArgs) -> SearchRequest {
    let mut filters = Filters::default();
    for (family, codes) in [
        (Family::Need, args.needs),
        (Family::Area, args.areas),
        (Family::Level, args.levels),
        (Family::Step, args.steps),
        (Family::Phase, args.phases),
        (Family::Audience, args.audiences),
        (Family::Kind, args.kinds),
        (Family::WaitingFor, args.waiting_for),
    ] {
        *filters.get_mut(family) = codes;
    }
    SearchRequest {
        query: args.query.join(" "),
        filters,
        limit: args.limit,
        offset: args.offset,
    }
}

fn validate(dir: &Path, json: bool) -> Result<ExitCode> {
    let sources = source::load(dir, today())?;
    if json {
        output::print_json(&sources.report);
    } else {
        output::print_report(&sources.report, sources.entries.len());
    }
    Ok(if sources.report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn build(dir: &Path, out: &Path) -> Result<ExitCode> {
    let sources = source::load(dir, today())?;
    if sources.report.has_errors() {
        output::print_report(&sources.report, sources.entries.len());
        bail!("the pack was not built: fix the errors above first");
    }
    for warning in sources.report.warnings() {
        eprintln!("{warning}");
    }
    let manifest = pack::build(&sources, out, Utc::now())?;
    println!(
        "Built {} ({} {}, {} entries, content {})",
        out.display(),
        manifest.info.title,
        manifest.info.version,
        manifest.entry_count,
        &manifest.content_hash[..12]
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints install progress on one updating line on a terminal, one line per stage otherwise.
fn progress_printer() -> impl FnMut(Progress) {
    let tty = std::io::stderr().is_terminal();
    let mut last_stage = String::new();
    move |p| {
        let (stage, count) = match p {
            Progress::Checking => ("Checking the pack", None),
            Progress::WritingDatabase { done, total } => {
                ("Writing the database", Some((done, total)))
            }
            Progress::BuildingIndex { done, total } => {
                ("Building the search index", Some((done, total)))
            }
            Progress::Switching => ("Switching to the new pack", None),
            Progress::CleaningUp => ("Cleaning up", None),
        };
        let count = count.map(|(d, t)| format!(" {d}/{t}")).unwrap_or_default();
        if tty {
            eprint!("\r\x1b[2K{stage}…{count}");
        } else if stage != last_stage {
            eprintln!("{stage}…");
        }
        last_stage = stage.to_string();
    }
}
