//! `gati`: the command for content editors, scripts and tests. Every command is a thin layer over
//! `gati_core`: parse the arguments, call the core, print for a person or as JSON.

mod editing;
mod logger;
mod output;
mod plans;
mod publishing;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{Local, NaiveDate, Utc};
use clap::builder::{OsStringValueParser, RangedU64ValueParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use gati_core::library::{self, Consent, Library, Progress};
use gati_core::pack::{self, PackFile};
use gati_core::printable::escaped;
use gati_core::search::{Filters, MAX_LIMIT, MAX_OFFSET, SearchRequest};
use gati_core::source;

#[derive(Parser)]
#[command(
    name = "gati",
    version,
    about = "Validate, build, install and search GATI resource packs."
)]
struct Cli {
    /// The library folder [default: the platform data folder, uk.gati.desktop]
    // The value is taken as it is, empty too, so that an empty GATI_LIBRARY gets a message that
    // names the variable (see `library_root`) rather than clap's one about --library.
    #[arg(
        long,
        global = true,
        env = library::LIBRARY_ENV,
        value_name = "DIR",
        value_parser = OsStringValueParser::new().map(PathBuf::from)
    )]
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
    Install {
        file: PathBuf,
        /// Install a pack that is not signed: for previewing your own build only
        #[arg(long)]
        allow_unsigned: bool,
        /// Install a pack with another id than the installed one (a new publisher)
        #[arg(long)]
        switch_publisher: bool,
        /// Install a pack that is not newer than the installed one
        #[arg(long)]
        older: bool,
    },
    /// Make signing keys
    #[command(subcommand)]
    Key(publishing::KeyCommand),
    /// The publisher keys this computer trusts
    #[command(subcommand)]
    Trust(publishing::TrustCommand),
    /// Put a signed pack and latest.json in an update folder, for schools to update from. Given
    /// a source folder, build it as the next version and sign it with --sign first.
    Publish {
        /// A signed .gatipack file, or a pack's source folder
        file: PathBuf,
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// With a source folder: the secret key to sign with (passphrase from GATI_KEY_PASSWORD or asked)
        #[arg(long, value_name = "KEY")]
        sign: Option<PathBuf>,
        /// With a source folder: the new version [default: the next after the last published]
        #[arg(long, value_name = "VERSION")]
        version: Option<String>,
    },
    /// Start a new entry in a source folder from the template for its kind
    New {
        #[arg(long)]
        kind: String,
        #[arg(long)]
        id: String,
        dir: PathBuf,
    },
    /// Reviews and approval of entries in a source folder
    #[command(subcommand)]
    Review(editing::ReviewCommand),
    /// The school's support plans, kept on this computer
    #[command(subcommand)]
    Plan(plans::PlanCommand),
    /// Download and install a newer pack from the installed pack's update location
    Update {
        /// Only say whether a newer pack is there
        #[arg(long)]
        check: bool,
        #[arg(long)]
        json: bool,
    },
    /// What changed between two pack files: Markdown release notes, or --json
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Go back to the pack installed before the current one
    Rollback,
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
        /// Sign the pack with this secret key (its passphrase from GATI_KEY_PASSWORD or asked)
        #[arg(long, value_name = "KEY")]
        sign: Option<PathBuf>,
    },
    /// Check a pack file's signature: publisher, version, key id and whether the key is trusted
    Verify {
        file: PathBuf,
        #[arg(long)]
        json: bool,
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
    /// How many results to show
    #[arg(
        long,
        default_value_t = 10,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=MAX_LIMIT as u64)
    )]
    limit: usize,
    /// How many results to skip, to show the next page
    #[arg(
        long,
        default_value_t = 0,
        value_parser = RangedU64ValueParser::<usize>::new().range(0..=MAX_OFFSET as u64)
    )]
    offset: usize,
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    logger::install();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and the version go to standard output, and are the command's own text.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            // Clap's messages repeat the arguments as they were typed, control characters and all.
            let _ = output::print_message(&mut io::stderr().lock(), "", &e.render().to_string());
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match run(cli) {
        Ok(code) => code,
        // Output piped into `head` or `less` may be cut short. Like other Unix tools, stop
        // quietly then: the reader has what it wanted.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = output::print_message(&mut io::stderr().lock(), "error: ", &format!("{e:#}"));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Ignores a broken pipe where the exit code is the answer (`validate`, `pack build`): a reader
/// that stops early must not turn a failed check into a success.
fn unless_broken_pipe(printed: io::Result<()>) -> io::Result<()> {
    match printed {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        printed => printed,
    }
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// The library folder: --library or GATI_LIBRARY, else the platform's data folder.
fn library_root(dir: Option<PathBuf>) -> Result<PathBuf> {
    Ok(library::location(dir)?)
}

/// The library, for the commands that only read it: a missing folder holds no pack, and reading
/// must not create it.
fn library(dir: Option<PathBuf>) -> Result<Library> {
    Ok(Library::open(&library_root(dir)?)?)
}

fn run(cli: Cli) -> Result<ExitCode> {
    let out = &mut io::stdout().lock();
    match cli.command {
        Command::Validate { dir, json } => validate(out, &dir, json),
        Command::Pack(PackCommand::Build { dir, output, sign }) => {
            build(out, &dir, &output, sign.as_deref())
        }
        Command::Pack(PackCommand::Verify { file, json }) => {
            // A library that does not exist yet trusts the built-in keys only.
            let lib = library(cli.library).ok();
            publishing::verify(out, &file, lib.as_ref(), json)
        }
        Command::Key(command) => publishing::key(out, command),
        Command::Trust(command) => {
            let lib = Library::create(&library_root(cli.library)?)?;
            publishing::trust(out, &lib, command)
        }
        Command::Publish {
            file,
            to,
            sign,
            version,
        } => {
            if file.is_dir() {
                editing::publish_folder(out, &file, &to, sign.as_deref(), version.as_deref())
            } else {
                publishing::publish(out, &file, &to)
            }
        }
        Command::New { kind, id, dir } => editing::new(out, &kind, &id, &dir),
        Command::Review(command) => editing::review(out, command),
        Command::Plan(command) => {
            let lib = Library::create(&library_root(cli.library)?)?;
            plans::run(out, &lib, command)
        }
        Command::Update { check, json } => {
            let lib = Library::create(&library_root(cli.library)?)?;
            publishing::update(out, &lib, check, json)
        }
        Command::Diff { old, new, json } => publishing::diff(out, &old, &new, json),
        Command::Rollback => publishing::rollback(out, &library(cli.library)?),
        Command::Pack(PackCommand::Inspect { file, json }) => {
            let pack = PackFile::open(&file, today())?;
            if json {
                output::print_json(
                    out,
                    &serde_json::json!({
                        "manifest": pack.manifest,
                        "kinds": pack.kind_counts(),
                        "attachments": pack.attachment_count(),
                    }),
                )?;
            } else {
                output::print_inspect(out, &pack)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Install {
            file,
            allow_unsigned,
            switch_publisher,
            older,
        } => {
            let lib = Library::create(&library_root(cli.library)?)?;
            let consent = Consent {
                unsigned: allow_unsigned,
                other_publisher: switch_publisher,
                older,
            };
            let meta = lib.install(&file, today(), consent, &mut progress_printer())?;
            // Ends the line that the progress was written on.
            output::note("");
            writeln!(
                out,
                "Installed {} {} ({} entries) into {}",
                escaped(&meta.title),
                escaped(&meta.version),
                meta.entry_count,
                output::path(lib.root())
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search(args) => {
            let catalogue = library(cli.library)?.catalogue()?;
            let json = args.json;
            let request = search_request(args);
            let results = catalogue.search(&request)?;
            if json {
                output::print_json(out, &results)?;
            } else {
                let color = io::stdout().is_terminal();
                output::print_results(out, &request, &results, catalogue.taxonomy(), color)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { id, json } => {
            let catalogue = library(cli.library)?.catalogue()?;
            let entry = catalogue.entry(&id)?;
            if json {
                output::print_json(out, &entry)?;
            } else {
                output::print_entry(out, &entry, catalogue.taxonomy())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { json } => {
            let stats = library(cli.library)?.catalogue()?.stats()?;
            if json {
                output::print_json(out, &stats)?;
            } else {
                output::print_stats(out, &stats)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Due { before } => {
            let date = before.unwrap_or_else(today);
            let due = library(cli.library)?.catalogue()?.due_for_review(date)?;
            if due.is_empty() {
                writeln!(out, "No entry is due for review before {date}.")?;
            }
            for (id, title, review_by, owner) in due {
                writeln!(
                    out,
                    "{}  {}  ({}, owner: {})",
                    escaped(&review_by),
                    escaped(&title),
                    escaped(&id),
                    escaped(&owner)
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex => {
            let mut catalogue = library(cli.library)?.catalogue()?;
            output::note("Rebuilding the search index…");
            catalogue.reindex()?;
            writeln!(
                out,
                "Rebuilt the search index of {} ({} entries).",
                escaped(&catalogue.meta().title),
                catalogue.meta().entry_count
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn search_request(args: SearchArgs) -> SearchRequest {
    SearchRequest {
        query: args.query.join(" "),
        filters: Filters {
            needs: args.needs,
            areas: args.areas,
            levels: args.levels,
            steps: args.steps,
            phases: args.phases,
            audiences: args.audiences,
            kinds: args.kinds,
            waiting_for: args.waiting_for,
        },
        limit: args.limit,
        offset: args.offset,
    }
}

fn validate(out: &mut impl Write, dir: &Path, json: bool) -> Result<ExitCode> {
    let sources = source::load(dir, today())?;
    let printed = if json {
        output::print_json(out, &sources.report)
    } else {
        output::print_report(out, &mut io::stderr().lock(), &sources.report, &sources)
    };
    unless_broken_pipe(printed)?;
    Ok(if sources.report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn build(out: &mut impl Write, dir: &Path, file: &Path, sign: Option<&Path>) -> Result<ExitCode> {
    let sources = source::load(dir, today())?;
    // The key is opened first, so that a wrong passphrase costs no build.
    let signer = sign.map(publishing::secret_key).transpose()?;
    let err = &mut io::stderr().lock();
    if sources.report.has_errors() {
        unless_broken_pipe(output::print_report(out, err, &sources.report, &sources))?;
        bail!("the pack was not built: fix the errors above first");
    }
    // The pack is built whether or not anyone reads its warnings.
    let _ = output::print_warnings(err, &sources.report);
    let manifest = pack::build(&sources, file, Utc::now(), signer.as_ref())?;
    writeln!(
        out,
        "Built {} ({} {}, {} entries, content {}, {})",
        output::path(file),
        escaped(&manifest.info.title),
        escaped(&manifest.info.version),
        manifest.entry_count,
        output::short_hash(&manifest.content_hash),
        match &manifest.key_id {
            Some(id) => format!("signed with key {id}"),
            None => "not signed".into(),
        }
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Prints install progress on one updating line on a terminal, one line per stage otherwise.
fn progress_printer() -> impl FnMut(Progress) {
    let tty = io::stderr().is_terminal();
    let mut last_stage = String::new();
    move |p| {
        let (stage, count) = match p {
            Progress::Downloading { done, total } => ("Downloading", Some((done, total))),
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
        // Progress is for a person watching: the install goes on whether or not it is read.
        let mut err = io::stderr().lock();
        if tty {
            let _ = write!(err, "\r\x1b[2K{stage}…{count}");
        } else if stage != last_stage {
            let _ = writeln!(err, "{stage}…");
        }
        last_stage = stage.to_string();
    }
}
