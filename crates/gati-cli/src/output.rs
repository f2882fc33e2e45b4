//! How the command prints for people (and, with --json, for programs).
//!
//! Every value that comes from outside the command (a pack, a query, an argument, a path, a
//! message of the core) is printed through [`escaped`], so that no control character of it reaches
//! the terminal as it is. The only escapes written raw are the bold codes added here.
//!
//! The printing functions return the first write error, so that a reader that has gone away
//! (`gati search … | head -1`) ends the command instead of being written to in vain.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

use gati_core::diagnostics::{Diagnostic, Report};
use gati_core::entry::{ContactKind, Entry};
use gati_core::library::Stats;
use gati_core::pack::PackFile;
use gati_core::printable::{echo, escaped};
use gati_core::search::{SearchRequest, SearchResults};
use gati_core::taxonomy::{Family, Taxonomy};

/// The most errors, and separately the most warnings, that a report lists for a person: past a
/// hundred the list only buries the first ones, which are the ones to fix first. `gati validate
/// --json` lists them all.
const MAX_LISTED: usize = 100;

/// The most characters of one line of an error message printed: a message may repeat a value of
/// any length, and a line too long to read hides the rest of the message.
const MAX_LINE_CHARS: usize = 400;

/// The most lines of one error message printed, since one message may carry a whole report.
const MAX_LINES: usize = 50;

pub fn print_json(out: &mut impl Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// Writes a line for the person watching to standard error, such as how an install is going.
/// Such lines do not change what the command does or its result, so a standard error that cannot
/// be written to does not stop the work.
pub fn note(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Prints a message made of lines (the core's messages may have intended line breaks), the first
/// after `prefix`: each line escaped and cut after [`MAX_LINE_CHARS`] characters, and at most
/// [`MAX_LINES`] lines.
pub fn print_message(err: &mut impl Write, prefix: &str, message: &str) -> io::Result<()> {
    let lines: Vec<&str> = message.lines().collect();
    // An empty message still gets its prefix, so that the failure is not silent.
    let first = lines.first().copied().unwrap_or_default();
    writeln!(err, "{prefix}{}", cut(first))?;
    for line in lines.iter().take(MAX_LINES).skip(1) {
        writeln!(err, "{}", cut(line))?;
    }
    if lines.len() > MAX_LINES {
        writeln!(err, "… and {} more lines", lines.len() - MAX_LINES)?;
    }
    Ok(())
}

/// One line of a message, escaped, and cut after [`MAX_LINE_CHARS`] characters.
fn cut(line: &str) -> Cow<'_, str> {
    let chars = line.chars().count();
    if chars <= MAX_LINE_CHARS {
        return escaped(line);
    }
    let kept: String = line.chars().take(MAX_LINE_CHARS).collect();
    Cow::Owned(format!("{}… ({chars} characters)", escaped(&kept)))
}

/// A path, escaped: a file name may hold control characters too.
pub fn path(path: &Path) -> String {
    escaped(&path.display().to_string()).into_owned()
}

/// The first twelve characters of a content hash, enough to tell packs apart. Cut by characters,
/// since a damaged database could hold anything there.
pub fn short_hash(hash: &str) -> String {
    let cut: String = hash.chars().take(12).collect();
    escaped(&cut).into_owned()
}

const WARNINGS: &str = "Warnings (these do not block a build):";

/// Prints the errors and warnings of `report` on `err` and the counts on `out`.
pub fn print_report(
    out: &mut impl Write,
    err: &mut impl Write,
    report: &Report,
    sources: &gati_core::source::Sources,
) -> io::Result<()> {
    let errors: Vec<_> = report.errors().collect();
    let warnings: Vec<_> = report.warnings().collect();
    print_diagnostics(err, "Errors:", &errors, report.error_count(), "errors")?;
    print_diagnostics(err, WARNINGS, &warnings, warnings.len(), "warnings")?;
    let unread = sources.entry_files - sources.entries.len();
    let unread = if unread > 0 {
        format!(" ({unread} could not be read: see the errors)")
    } else {
        String::new()
    };
    writeln!(
        out,
        "{} entry files checked{unread}: {} error(s), {} warning(s).",
        sources.entry_files,
        report.error_count(),
        warnings.len()
    )
}

/// Lists the first [`MAX_LISTED`] of `list`, then how many more of the `total` there are.
fn print_diagnostics(
    err: &mut impl Write,
    heading: &str,
    list: &[&Diagnostic],
    total: usize,
    what: &str,
) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    writeln!(err, "{heading}")?;
    for d in list.iter().take(MAX_LISTED) {
        writeln!(err, "  {}", escaped(&d.to_string()))?;
    }
    let shown = list.len().min(MAX_LISTED);
    if total > shown {
        writeln!(
            err,
            "  … and {} more {what} (`gati validate --json` lists them)",
            total - shown
        )?;
    }
    Ok(())
}

/// Prints the warnings of a report that has no errors, as `pack build` does for the pack it builds.
pub fn print_warnings(err: &mut impl Write, report: &Report) -> io::Result<()> {
    let warnings: Vec<_> = report.warnings().collect();
    print_diagnostics(err, WARNINGS, &warnings, warnings.len(), "warnings")
}

pub fn print_inspect(out: &mut impl Write, pack: &PackFile) -> io::Result<()> {
    let m = &pack.manifest;
    writeln!(out, "{}", escaped(&m.info.title))?;
    writeln!(out, "  pack id:        {}", escaped(&m.info.id))?;
    writeln!(out, "  publisher:      {}", escaped(&m.info.publisher))?;
    writeln!(out, "  version:        {}", escaped(&m.info.version))?;
    writeln!(
        out,
        "  created:        {}",
        m.created.format("%Y-%m-%d %H:%M UTC")
    )?;
    writeln!(out, "  schema version: {}", m.schema_version)?;
    writeln!(out, "  content hash:   {}", escaped(&m.content_hash))?;
    writeln!(
        out,
        "  signing key:    {}",
        m.key_id.as_deref().map_or("(not signed)".into(), escaped)
    )?;
    writeln!(out, "  entries:        {}", m.entry_count)?;
    for (kind, count) in pack.kind_counts() {
        writeln!(out, "    {:<10} {count}", escaped(&kind))?;
    }
    writeln!(out, "  attachments:    {}", pack.attachment_count())
}

pub fn print_results(
    out: &mut impl Write,
    request: &SearchRequest,
    results: &SearchResults,
    taxonomy: &Taxonomy,
    color: bool,
) -> io::Result<()> {
    let (bold, plain) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let query = request.query.trim();
    let what = if query.is_empty() {
        "entries".to_string()
    } else {
        format!("results for \"{}\"", echo(query))
    };
    if results.total == 0 {
        return match &results.suggestion {
            Some(s) => writeln!(out, "No {what}. Did you mean \"{}\"?", echo(s)),
            None => writeln!(out, "No {what}. Try fewer words, or remove a filter."),
        };
    }
    if results.hits.is_empty() {
        return writeln!(
            out,
            "{} {what}, none after the first {}: try a smaller --offset.",
            results.total, request.offset
        );
    }
    // The offset is capped by the arguments, but a page number must not overflow whatever it is.
    let first = request.offset.saturating_add(1);
    let last = request.offset.saturating_add(results.hits.len());
    writeln!(out, "{} {what} (showing {first}-{last})", results.total)?;
    if results.matched_all < results.total {
        writeln!(
            out,
            "{} match every word; the others match some of them.",
            results.matched_all
        )?;
    }
    if !results.absent.is_empty() {
        let absent: Vec<String> = results
            .absent
            .iter()
            .map(|w| format!("\"{}\"", echo(w)))
            .collect();
        writeln!(out, "No entry mentions {}.", absent.join(" or "))?;
    }
    writeln!(out)?;
    for (n, hit) in results.hits.iter().enumerate() {
        let e = &hit.entry;
        writeln!(
            out,
            "{:>3}. {bold}{}{plain}  [{} · {}]  {}",
            first.saturating_add(n),
            escaped(&e.title),
            escaped(&e.kind),
            escaped(&taxonomy.labels(Family::Level, &e.levels)),
            escaped(&e.id)
        )?;
        writeln!(
            out,
            "     {}",
            escaped(&taxonomy.labels(Family::Need, &e.needs))
        )?;
        let snippet: String = if hit.snippet.is_empty() {
            escaped(&e.summary).into_owned()
        } else {
            hit.snippet
                .iter()
                .map(|f| {
                    if f.highlighted {
                        format!("{bold}{}{plain}", escaped(&f.text))
                    } else {
                        escaped(&f.text).into_owned()
                    }
                })
                .collect()
        };
        writeln!(out, "     {snippet}")?;
        if !hit.missing.is_empty() {
            let missing: Vec<String> = hit.missing.iter().map(|w| echo(w)).collect();
            writeln!(out, "     missing: {}", missing.join(", "))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

pub fn print_entry(out: &mut impl Write, e: &Entry, taxonomy: &Taxonomy) -> io::Result<()> {
    writeln!(out, "{}\n", escaped(&e.title))?;
    writeln!(out, "{}\n", escaped(&e.summary))?;
    for family in Family::ALL {
        let codes = e.codes(family);
        if !codes.is_empty() {
            writeln!(
                out,
                "{:<12} {}",
                format!("{}:", family.plural()),
                escaped(&taxonomy.labels(family, codes))
            )?;
        }
    }
    writeln!(
        out,
        "{:<12} {} (review by {})",
        "reviewed:", e.last_reviewed, e.review_by
    )?;
    writeln!(out, "{:<12} {}", "owner:", escaped(&e.owner))?;
    if let Some(service) = &e.service {
        writeln!(out)?;
        for (label, value) in [
            ("organisation", &service.organisation),
            ("area served", &service.area_served),
            ("eligibility", &service.eligibility),
            ("cost", &service.cost),
            ("opening", &service.opening_times),
            ("reach via", &service.how_to_reach),
        ] {
            if let Some(v) = value {
                writeln!(out, "{:<12} {}", format!("{label}:"), escaped(v))?;
            }
        }
        for c in &service.contacts {
            let kind = match c.kind {
                ContactKind::Phone => "phone",
                ContactKind::Email => "email",
                ContactKind::Website => "website",
                ContactKind::Address => "address",
                ContactKind::Online => "online",
            };
            let label = c
                .label
                .as_deref()
                .map(|l| format!(" ({})", escaped(l)))
                .unwrap_or_default();
            writeln!(
                out,
                "{:<12} {}{label}",
                format!("{kind}:"),
                escaped(&c.value)
            )?;
        }
    }
    // The body is Markdown of many lines: each line is escaped on its own so that its line
    // breaks stay line breaks.
    writeln!(out)?;
    for line in e.body.trim().lines() {
        writeln!(out, "{}", escaped(line))?;
    }
    if !e.attachments.is_empty() {
        writeln!(out, "\nAttachments:")?;
        for a in &e.attachments {
            writeln!(out, "  {} ({} bytes)", escaped(&a.name), a.size)?;
        }
    }
    if !e.related.is_empty() {
        writeln!(out, "\nRelated: {}", escaped(&e.related.join(", ")))?;
    }
    if !e.sources.is_empty() {
        writeln!(out, "Sources: {}", escaped(&e.sources.join("; ")))?;
    }
    Ok(())
}

pub fn print_stats(out: &mut impl Write, stats: &Stats) -> io::Result<()> {
    let m = &stats.meta;
    writeln!(
        out,
        "{} {} by {}",
        escaped(&m.title),
        escaped(&m.version),
        escaped(&m.publisher)
    )?;
    writeln!(
        out,
        "  created {}, installed {}",
        escaped(&m.created),
        escaped(&m.installed)
    )?;
    writeln!(
        out,
        "  {} entries, content {}",
        m.entry_count,
        short_hash(&m.content_hash)
    )?;
    for (family, counts) in &stats.counts {
        writeln!(out, "\n{}:", escaped(family))?;
        for (code, count) in counts {
            writeln!(out, "  {:<28} {count:>6}", escaped(code))?;
        }
    }
    Ok(())
}
