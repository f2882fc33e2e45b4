//! What the shell holds while it runs: the library, the installed pack open for reading, and the
//! user's database. Opening it installs the bundled pack into an empty library, so the app works
//! offline from its first start.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use gati_core::library::{self, Catalogue, Library};
use gati_core::store::user_db::UserDb;
use gati_core::{Error, ErrorCode};

use crate::error::{IpcError, IpcResult};

pub struct AppState {
    pub library: Library,
    /// The installed pack. Replaced whole after an install, so a search that holds the old one
    /// finishes on it undisturbed.
    catalogue: RwLock<Result<Arc<Catalogue>, IpcError>>,
    pub user: Mutex<UserDb>,
    /// Serialises installs: two at once would race to switch the library.
    pub installing: Mutex<()>,
}

/// The library folder: `GATI_LIBRARY` when set (tests and portable installs), else the platform's
/// data folder, the same one the `gati` command uses.
pub fn library_location() -> Option<PathBuf> {
    std::env::var_os(library::LIBRARY_ENV)
        .map(PathBuf::from)
        .or_else(library::default_location)
}

impl AppState {
    pub fn open(root: &Path, bundled_pack: Option<&Path>) -> gati_core::Result<AppState> {
        let library = Library::open(root)?;
        let user = library.user_db()?;
        let mut catalogue = library.catalogue();
        if let (Err(Error::EmptyLibrary(_)), Some(pack)) = (&catalogue, bundled_pack) {
            library.install(pack, crate::today(), &mut |_| {})?;
            catalogue = library.catalogue();
        }
        Ok(AppState {
            catalogue: RwLock::new(catalogue.map(Arc::new).map_err(IpcError::from)),
            library,
            user: Mutex::new(user),
            installing: Mutex::new(()),
        })
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
            .library
            .catalogue()
            .map(Arc::new)
            .map_err(IpcError::from);
        *self.catalogue.write().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        fresh
    }

    pub fn user(&self) -> std::sync::MutexGuard<'_, UserDb> {
        // The user database is only touched through whole statements; a panic elsewhere while
        // the lock was held cannot leave it half-written.
        self.user.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An error for something the shell itself could not do, such as finding the Downloads folder.
pub fn io_error(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorCode::Io, message)
}
