//! How the command prints for people (and, with --json, for programs).

use gati_core::diagnostics::Report;
use gati_core::entry::{ContactKind, Entry};
use gati_core::library::Stats;
use gati_core::pack::PackFile;
use gati_core::search::{SearchRequest, SearchResults};
use gati_core::taxonomy::{Family, Taxonomy};

pub fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("output serialises")
    );
}

pub fn print_report(report: &Report, entries: usize) {
    let errors: Vec<_> = report.errors().collect();
    let warnings: Vec<_> = report.warnings().collect();
    if !errors.is_empty() {
        eprintln!("Errors:");
        for d in &errors {
            eprintln!("  {d}");
        }
    }
    if !warnings.is_empty() {
        eprintln!("Warnings (these do not block a build):");
        for d in &warnings {
            eprintln!("  {d}");
        }
    }
    println!(
        "{entries} entries checked: {} error(s), {} warning(s).",
        errors.len(),
        warnings.len()
    );
}

pub fn print_inspect(pack: &PackFile) {
    let m = &pack.manifest;
    println!("{}", m.info.title);
    println!("  pack id:        {}", m.info.id);
    println!("  publisher:      {}", m.info.publisher);
    println!("  version:        {}", m.info.version);
    println!(
        "  created:        {}",
        m.created.format("%Y-%m-%d %H:%M UTC")
    );
    println!("  schema version: {}", m.schema_version);
    println!("  content hash:   {}", m.content_hash);
    println!("  entries:        {}", m.entry_count);
    for (kind, count) in pack.kind_counts() {
        println!("    {kind:<10} {count}");
    }
    println!("  attachments:    {}", pack.attachment_count());
}

pub fn print_results(
    request: &SearchRequest,
    results: &SearchResults,
    taxonomy: &Taxonomy,
    color: bool,
) {
    let (bold, plain) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let what = if request.query.trim().is_empty() {
        "entries".to_string()
    } else {
        format!("results for \"{}\"", request.query.trim())
    };
    if results.total == 0 {
        match &results.suggestion {
            Some(s) => println!("No {what}. Did you mean \"{s}\"?"),
            None => println!("No {what}. Try fewer words, or remove a filter."),
        }
        return;
    }
    let first = request.offset + 1;
    let last = request.offset + results.hits.len();
    println!("{} {what} (showing {first}-{last})\n", results.total);
    for (n, hit) in results.hits.iter().enumerate() {
        let e = &hit.entry;
        println!(
            "{:>3}. {bold}{}{plain}  [{} · {}]  {}",
            first + n,
            e.title,
            e.kind,
            taxonomy.labels(Family::Level, &e.levels),
            e.id
        );
        println!("     {}", taxonomy.labels(Family::Need, &e.needs));
        let snippet: String = if hit.snippet.is_empty() {
            e.summary.clone()
        } else {
            hit.snippet
                .iter()
                .map(|f| {
                    if f.highlighted {
                        format!("{bold}{}{plain}", f.text)
                    } else {
                        f.text.clone()
                    }
                })
                .collect()
        };
        println!("     {snippet}\n");
    }
}

pub fn print_entry(e: &Entry, taxonomy: &Taxonomy) {
    println!("{}\n", e.title);
    println!("{}\n", e.summary);
    for family in Family::ALL {
        let codes = e.codes(family);
        if !codes.is_empty() {
            println!(
                "{:<12} {}",
                format!("{}:", family.plural()),
                taxonomy.labels(family, codes)
            );
        }
    }
    println!(
        "{:<12} {} (review by {})",
        "reviewed:", e.last_reviewed, e.review_by
    );
    println!("{:<12} {}", "owner:", e.owner);
    if let Some(service) = &e.service {
        println!();
        for (label, value) in [
            ("organisation", &service.organisation),
            ("area served", &service.area_served),
            ("eligibility", &service.eligibility),
            ("cost", &service.cost),
            ("opening", &service.opening_times),
        ] {
            if let Some(v) = value {
                println!("{:<12} {v}", format!("{label}:"));
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
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            println!("{:<12} {}{label}", format!("{kind}:"), c.value);
        }
    }
    println!("\n{}", e.body.trim());
    if !e.attachments.is_empty() {
        println!("\nAttachments:");
        for a in &e.attachments {
            println!("  {} ({} bytes)", a.name, a.size);
        }
    }
    if !e.related.is_empty() {
        println!("\nRelated: {}", e.related.join(", "));
    }
    if !e.sources.is_empty() {
        println!("Sources: {}", e.sources.join("; "));
    }
}

pub fn print_stats(stats: &Stats) {
    let m = &stats.meta;
    println!("{} {} by {}", m.title, m.version, m.publisher);
    println!("  created {}, installed {}", m.created, m.installed);
    println!(
        "  {} entries, content {}",
        m.entry_count,
        &m.content_hash[..12.min(m.content_hash.len())]
    );
    for (family, counts) in &stats.counts {
        println!("\n{family}:");
        for (code, count) in counts {
            println!("  {code:<28} {count:>6}");
        }
    }
}
