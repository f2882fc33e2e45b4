//! What the shell holds while it runs: the library, the installed pack open for reading, and the
//! user's database. Starting never fails: when the library cannot be opened or the pack cannot be
//! installed, the state holds the reason, and the front end shows it with what to do.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use gati_core::library::{self, Catalogue, Consent, Library, UserDb};
use gati_core::views::pack_status;
use gati_core::{Error, ErrorCode};

use crate::error::{IpcError, IpcResult};

/// The pack built into the app, installed into an empty library so that the app works offline
/// from its first start, wherever its binary is.
const BUNDLED_PACK: &[u8] = include_bytes!("../resources/gati.gatipack");

pub struct AppState {
    /// The library and the user's database, or why they could not be opened.
    opened: Result<Opened, IpcError>,
    /// Where the library is (or was looked for), to show people.
    pub location: String,
    /// The installed pack. Replaced whole after an install, so a search that holds the old one
    /// finishes on it undisturbed.
    catalogue: RwLock<Result<Arc<Catalogue>, IpcError>>,
}

struct Opened {
    library: Library,
    user: Mutex<UserDb>,
}

/// The library folder: `GATI_LIBRARY` when set (tests and portable installs), else the platform's
/// data folder, the same one the `gati` command uses.
pub fn library_location() -> Result<PathBuf, IpcError> {
    library::location(std::env::var_os(library::LIBRARY_ENV).map(PathBuf::from))
        .map_err(IpcError::from)
}

impl AppState {
    /// Opens the library at `root` (or keeps why there is none) and installs the bundled pack
    /// into it when it is empty.
    pub fn start(root: Result<PathBuf, IpcError>) -> AppState {
        let location = match &root {
            Ok(root) => root.display().to_string(),
            Err(_) => String::new(),
        };
        let opened = root.and_then(|root| open(&root));
        let catalogue = match &opened {
            Ok(o) => {
                follow_bundled_pack(
                    &o.library,
                    &o.user.lock().unwrap_or_else(|p| p.into_inner()),
                );
                load_catalogue(&o.library)
            }
            Err(e) => Err(e.clone()),
        };
        AppState {
            opened,
            location,
            catalogue: RwLock::new(catalogue),
        }
    }

    /// The library, or why it could not be opened.
    pub fn library(&self) -> IpcResult<&Library> {
        self.opened
            .as_ref()
            .map(|o| &o.library)
            .map_err(Clone::clone)
    }

    /// The installed pack, or the reason there is none (which the UI shows with a way out).
    pub fn catalogue(&self) -> IpcResult<Arc<Catalogue>> {
        self.catalogue
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Reopens the installed pack after an install switched it.
    pub fn reload(&self) -> IpcResult<Arc<Catalogue>> {
        let fresh = self
            .library()?
            .catalogue()
            .map(Arc::new)
            .map_err(IpcError::from);
        *self.catalogue.write().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        fresh
    }

    pub fn user(&self) -> IpcResult<MutexGuard<'_, UserDb>> {
        let opened = self.opened.as_ref().map_err(Clone::clone)?;
        // The user database is only touched through whole statements; a panic elsewhere while
        // the lock was held cannot leave it half-written.
        Ok(opened.user.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

fn open(root: &Path) -> Result<Opened, IpcError> {
    // Whatever the cause (a folder that cannot be written, a full disk, a damaged user.db), the
    // library folder is the problem, not the pack: installing another pack would not help.
    let folder_problem = |e: Error| {
        let advice = "Check that the folder can be written to and that the disk has space, or \
                      start GATI Desktop with GATI_LIBRARY set to another folder.";
        IpcError::new(ErrorCode::Io, format!("{e}\n{advice}"))
    };
    let library = Library::create(root).map_err(folder_problem)?;
    let user = library.user_db().map_err(folder_problem)?;
    Ok(Opened {
        library,
        user: Mutex::new(user),
    })
}

fn load_catalogue(library: &Library) -> Result<Arc<Catalogue>, IpcError> {
    match library.catalogue() {
        Err(Error::EmptyLibrary(_)) => {
            library
                .install_bytes(
                    "gati.gatipack",
                    BUNDLED_PACK,
                    crate::today(),
                    Consent::default(),
                    &mut |_| {},
                )
                .map_err(|e| {
                    with_advice(
                        e,
                        "The pack that came with GATI Desktop could not be installed. Install a \
                         pack file from Settings, or reinstall GATI Desktop.",
                    )
                })?;
            library.catalogue().map(Arc::new).map_err(IpcError::from)
        }
        Err(e @ (Error::Sqlite { .. } | Error::Storage { .. } | Error::Index { .. })) => {
            Err(with_advice(
                e,
                "The installed pack is damaged. Install a pack file again from Settings; your \
                 shortlist and settings are kept.",
            ))
        }
        other => other.map(Arc::new).map_err(IpcError::from),
    }
}

/// Installs the bundled pack over an older edition of the same pack (the core decides when). A
/// failure leaves the installed pack in use and is logged: the app still starts, with the content
/// it had.
fn follow_bundled_pack(library: &Library, user: &UserDb) {
    let followed = pack_status::follow_bundled_pack(
        library,
        user,
        "gati.gatipack",
        BUNDLED_PACK,
        crate::today(),
    );
    if let Err(e) = followed {
        eprintln!("GATI Desktop: the pack that came with this version was not installed: {e}");
    }
}

/// The core's message (what failed, and where) followed by what the person can do about it.
fn with_advice(e: Error, advice: &str) -> IpcError {
    IpcError::new(e.code(), format!("{e}\n{advice}"))
}
