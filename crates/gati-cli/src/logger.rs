//! The core reports with `log` what does not fail a command but should be known, such as an old
//! pack folder that could not be removed. This prints those records on standard error.

use std::io::Write;

use gati_core::printable::escaped;
use log::{Level, LevelFilter, Log, Metadata, Record};

struct Stderr;

impl Log for Stderr {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= Level::Warn
    }

    fn log(&self, record: &Record) {
        if self.enabled(record.metadata()) {
            let label = match record.level() {
                Level::Error => "error",
                _ => "warning",
            };
            let message = record.args().to_string();
            // A warning must not stop the work it is about, so a failure to print it is ignored.
            let _ = writeln!(std::io::stderr(), "{label}: {}", escaped(&message));
        }
    }

    fn flush(&self) {}
}

/// Sends warnings and errors to standard error. Quieter records are dropped before they are
/// formatted.
pub fn install() {
    static LOGGER: Stderr = Stderr;
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(LevelFilter::Warn);
    }
}
