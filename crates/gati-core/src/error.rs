//! The one error type of the core. Every failure a user can meet says what went wrong and where,
//! and carries a stable [`ErrorCode`] so that the desktop shell can map it without parsing text.

use std::path::PathBuf;

use crate::diagnostics::Report;

/// A closed set of error categories, stable across releases, for front ends to switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorCode {
    /// Pack sources or a pack's entries break the content rules.
    Invalid,
    /// A pack file is damaged, hostile or of a format this build does not read.
    BadPack,
    /// No pack is installed in the library yet.
    EmptyLibrary,
    /// Something asked for does not exist (an entry id, a file).
    NotFound,
    /// The search request could not be understood.
    BadRequest,
    /// Reading or writing the disk failed.
    Io,
    /// The library's databases or index are damaged or from a newer version.
    Storage,
    /// A pack is unsigned, its signature is bad, or its key is not trusted.
    Untrusted,
    /// A pack is sound but is not installed over the one there: another publisher's, or not newer.
    Refused,
    /// The update location could not be reached (offline, no answer, no such folder).
    Unreachable,
    /// The update location answered with something wrong: a malformed `latest.json`, a download
    /// of the wrong size or hash, an address that is not allowed.
    BadUpdate,
    Conflict,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(Report),

    #[error("{path}: not a usable GATI pack: {reason}")]
    BadPack { path: PathBuf, reason: String },

    #[error(
        "no resource pack is installed in {}.\nInstall one with `gati install FILE.gatipack` (build one with `gati pack build content -o gati.gatipack`).",
        .0.display()
    )]
    EmptyLibrary(PathBuf),

    /// No folder can be used for the library (an empty setting, no data folder).
    #[error("{0}")]
    NoLibraryFolder(String),

    #[error("{0}")]
    NotFound(String),

    #[error("{0}")]
    BadRequest(String),

    // The cause is part of the message and deliberately not a `source`: a front end that prints
    // an error with its chain of causes would otherwise say it twice.
    #[error("{}: {cause}", path.display())]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },

    #[error("{}: database error: {cause}", path.display())]
    Sqlite {
        path: PathBuf,
        cause: rusqlite::Error,
    },

    #[error("{}: search index error: {cause}", path.display())]
    Index {
        path: PathBuf,
        cause: tantivy::TantivyError,
    },

    #[error("{}: {message}", path.display())]
    Storage { path: PathBuf, message: String },

    #[error("{}: not installed: {reason}", path.display())]
    Untrusted { path: PathBuf, reason: String },

    #[error("{}: not installed: {reason}", path.display())]
    Refused { path: PathBuf, reason: String },

    #[error("could not reach {from}: {reason}")]
    Unreachable { from: String, reason: String },

    #[error("the update from {from} was refused: {reason}")]
    BadUpdate { from: String, reason: String },

    /// A file was changed by someone else since it was read, and writing would lose their change.
    #[error("{} changed on disk since it was opened; nothing was saved", path.display())]
    Conflict { path: PathBuf },
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::Invalid,
            Error::BadPack { .. } => ErrorCode::BadPack,
            Error::EmptyLibrary(_) => ErrorCode::EmptyLibrary,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::BadRequest(_) => ErrorCode::BadRequest,
            Error::Io { .. } | Error::NoLibraryFolder(_) => ErrorCode::Io,
            Error::Sqlite { .. } | Error::Index { .. } | Error::Storage { .. } => {
                ErrorCode::Storage
            }
            Error::Untrusted { .. } => ErrorCode::Untrusted,
            Error::Refused { .. } => ErrorCode::Refused,
            Error::Unreachable { .. } => ErrorCode::Unreachable,
            Error::BadUpdate { .. } => ErrorCode::BadUpdate,
            Error::Conflict { .. } => ErrorCode::Conflict,
        }
    }

    /// The same error, naming `to` wherever it named the file `from`: a pack received as bytes is
    /// checked from a private copy, and the person should read the name of the file they chose.
    pub(crate) fn naming(self, from: &std::path::Path, to: &std::path::Path) -> Error {
        let swap = |path: PathBuf| if path == from { to.to_path_buf() } else { path };
        match self {
            Error::BadPack { path, reason } => Error::BadPack {
                path: swap(path),
                reason,
            },
            Error::Io { path, cause } => Error::Io {
                path: swap(path),
                cause,
            },
            Error::Untrusted { path, reason } => Error::Untrusted {
                path: swap(path),
                reason,
            },
            Error::Refused { path, reason } => Error::Refused {
                path: swap(path),
                reason,
            },
            Error::Invalid(mut report) => {
                let (from, to) = (from.display().to_string(), to.display().to_string());
                for d in &mut report.diagnostics {
                    if let Some(rest) = d.location.file.strip_prefix(&from) {
                        d.location.file = format!("{to}{rest}");
                    }
                }
                Error::Invalid(report)
            }
            other => other,
        }
    }

    pub(crate) fn bad_pack(path: impl Into<PathBuf>, reason: impl Into<String>) -> Error {
        Error::BadPack {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches the path being worked on to the low-level errors of std, rusqlite and tantivy, so that
/// every message names the file it is about.
pub(crate) trait AtPath<T> {
    fn at(self, path: &std::path::Path) -> Result<T>;
}

impl<T> AtPath<T> for std::result::Result<T, std::io::Error> {
    fn at(self, path: &std::path::Path) -> Result<T> {
        self.map_err(|cause| Error::Io {
            path: path.to_path_buf(),
            cause,
        })
    }
}

impl<T> AtPath<T> for std::result::Result<T, rusqlite::Error> {
    fn at(self, path: &std::path::Path) -> Result<T> {
        self.map_err(|cause| Error::Sqlite {
            path: path.to_path_buf(),
            cause,
        })
    }
}

impl<T> AtPath<T> for std::result::Result<T, tantivy::TantivyError> {
    fn at(self, path: &std::path::Path) -> Result<T> {
        self.map_err(|cause| Error::Index {
            path: path.to_path_buf(),
            cause,
        })
    }
}
