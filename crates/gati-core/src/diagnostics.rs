//! Problems found in pack sources or pack files, each with the file, line and field it is about.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Severity {
    /// Blocks a build or an install.
    Error,
    /// Reported, never blocks.
    Warning,
}

/// Where a problem is: a file, and when known the line and the field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Location {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Diagnostic {
    pub severity: Severity,
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = &self.location;
        write!(f, "{}", loc.file)?;
        if let Some(line) = loc.line {
            write!(f, ":{line}")?;
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {severity}")?;
        if let Some(field) = &loc.field {
            write!(f, " in `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The most problems a report keeps. A hostile pack could otherwise make millions; beyond this,
/// they are only counted.
pub const MAX_DIAGNOSTICS: usize = 1_000;

/// Every problem found in one pass, errors and warnings together, in file and line order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Errors found after [`MAX_DIAGNOSTICS`] were kept: counted, not kept.
    pub more_errors: usize,
}

impl Report {
    pub fn push(&mut self, severity: Severity, location: Location, message: impl Into<String>) {
        if self.diagnostics.len() >= MAX_DIAGNOSTICS {
            if severity == Severity::Error {
                self.more_errors += 1;
            }
            return;
        }
        self.diagnostics.push(Diagnostic {
            severity,
            location,
            message: message.into(),
        });
    }

    pub fn error(&mut self, location: Location, message: impl Into<String>) {
        self.push(Severity::Error, location, message);
    }

    pub fn warning(&mut self, location: Location, message: impl Into<String>) {
        self.push(Severity::Warning, location, message);
    }

    pub fn extend(&mut self, other: Report) {
        for d in other.diagnostics {
            self.push(d.severity, d.location, d.message);
        }
        self.more_errors += other.more_errors;
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.of(Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.of(Severity::Warning)
    }

    fn of(&self, severity: Severity) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(move |d| d.severity == severity)
    }

    pub fn has_errors(&self) -> bool {
        self.more_errors > 0 || self.errors().next().is_some()
    }

    /// How many errors were found, those only counted included.
    pub fn error_count(&self) -> usize {
        self.errors().count() + self.more_errors
    }

    /// Sorts by file, then line, so that a report reads top to bottom like the sources.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            a.location
                .cmp(&b.location)
                .then(a.severity.cmp(&b.severity))
        });
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.errors() {
            writeln!(f, "{d}")?;
        }
        write!(f, "{} error(s)", self.error_count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_keeps_a_thousand_problems_and_counts_the_rest() {
        let mut report = Report::default();
        for line in 1..=1_500 {
            let location = Location {
                file: "pack".into(),
                line: Some(line),
                field: None,
            };
            report.error(location, "bad");
        }
        assert_eq!(report.diagnostics.len(), MAX_DIAGNOSTICS);
        assert_eq!(report.error_count(), 1_500);
        assert!(report.to_string().ends_with("1500 error(s)"));
    }
}
