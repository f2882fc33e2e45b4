//! The library on the user's machine: the installed pack (database and index) and the user's own
//! database, in one folder shared by the `gati` command and the desktop app.
//!
//! ```text
//! LIBRARY/
//!   user.db             settings, shortlist, plans: never touched by an install
//!   current             the name of the installed generation, replaced atomically
//!   install.lock        held while an install runs
//!   packs/gen-000007/   one installed pack: pack.db and index/
//!   packs/.staging-*    an install in progress (removed if it fails, or at the next start)
//!   .upload-*/          a pack file received as bytes, while it is installed
//!   opened/SHA256/NAME  copies of attachments handed to the system's programs to open
//! ```
//!
//! An install builds a complete new generation beside the current one and then switches
//! `current` with an atomic rename. Until that rename the previous pack is untouched; after it the
//! new pack is complete. Readers open whichever generation `current` names and are never blocked.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use crate::entry::{Attachment, Entry};
use crate::error::{AtPath, Error, Result};
use crate::files;
use crate::pack::PackFile;
use crate::search::index::{self, Provenance};
use crate::search::{SearchIndex, SearchRequest, SearchResults};
use crate::store::pack_db::PackDb;
pub use crate::store::pack_db::PackMeta;
pub use crate::store::user_db::{ShortlistItem, UserDb};
use crate::taxonomy::{Family, Taxonomy};

/// The application identifier; the desktop app uses the same one, so both find one library.
pub const APP_ID: &str = "uk.gati.desktop";
/// The environment variable that overrides the library's location.
pub const LIBRARY_ENV: &str = "GATI_LIBRARY";

const CURRENT: &str = "current";
const PACKS: &str = "packs";
const STAGING_PREFIX: &str = ".staging-";
const GENERATION_PREFIX: &str = "gen-";
const PACK_DB: &str = "pack.db";
const CURRENT_NEXT: &str = "current.next";
const INSTALL_LOCK: &str = "install.lock";
const UPLOAD_PREFIX: &str = ".upload-";
const OPENED: &str = "opened";
const INDEX: &str = "index";

/// The platform's data folder for GATI (`~/.local/share/uk.gati.desktop` on Linux).
pub fn default_location() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.data_dir().join(APP_ID))
}

/// Where the library is, for every front end: `given` (a `--library` argument or
/// [`LIBRARY_ENV`]) when there is one, else the platform's data folder. An empty value is refused:
/// it is most likely a variable set by mistake, and as a relative path it would mean whatever the
/// working folder happens to be.
pub fn location(given: Option<PathBuf>) -> Result<PathBuf> {
    match given {
        Some(dir) if dir.as_os_str().is_empty() => Err(Error::NoLibraryFolder(format!(
            "the library folder is empty text: set {LIBRARY_ENV} to a folder, or unset it"
        ))),
        Some(dir) => Ok(dir),
        None => default_location().ok_or_else(|| {
            Error::NoLibraryFolder(format!(
                "this computer gives no data folder for your account: set {LIBRARY_ENV} to a \
                 folder"
            ))
        }),
    }
}

/// A step of an install, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "stage", rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Progress {
    /// Reading and checking the whole pack file.
    Checking,
    WritingDatabase {
        done: usize,
        total: usize,
    },
    BuildingIndex {
        done: usize,
        total: usize,
    },
    /// The new pack is complete; `current` is being switched to it.
    Switching,
    /// Removing generations no reader needs any more.
    CleaningUp,
}

pub struct Library {
    root: PathBuf,
}

impl Library {
    /// Opens the library at `root`, creating its folders if needed: for installing and for the
    /// app, which keeps the user's own data there.
    pub fn create(root: &Path) -> Result<Library> {
        fs::create_dir_all(root.join(PACKS)).at(root)?;
        let library = Library {
            root: root.to_path_buf(),
        };
        library.remove_interrupted_installs()?;
        Ok(library)
    }

    /// Opens an existing library for reading. Nothing is created: a folder that is not there
    /// holds no pack, and reading must not leave folders behind.
    pub fn open(root: &Path) -> Result<Library> {
        match fs::metadata(root) {
            Ok(m) if m.is_dir() => Ok(Library {
                root: root.to_path_buf(),
            }),
            Ok(_) => Err(Error::Storage {
                path: root.to_path_buf(),
                message: "is not a folder, so it cannot be a library".into(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::EmptyLibrary(root.to_path_buf()))
            }
            Err(e) => Err(e).at(root),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The user's database, created on first use.
    pub fn user_db(&self) -> Result<UserDb> {
        UserDb::open(&self.root.join("user.db"))
    }

    fn packs(&self) -> PathBuf {
        self.root.join(PACKS)
    }

    /// The folder of the installed generation, if a pack is installed.
    fn current_generation(&self) -> Result<Option<PathBuf>> {
        let path = self.root.join(CURRENT);
        match fs::read_to_string(&path) {
            Ok(name) => {
                let name = name.trim();
                if !name.starts_with(GENERATION_PREFIX) || name.contains(['/', '\\']) {
                    return Err(Error::Storage {
                        path,
                        message: format!("names `{name}`, which is not a pack generation"),
                    });
                }
                Ok(Some(self.packs().join(name)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).at(&path),
        }
    }

    /// Opens the installed pack for reading, rebuilding its index first if it is missing, damaged
    /// or stale. Fails with [`Error::EmptyLibrary`] when no pack is installed.
    pub fn catalogue(&self) -> Result<Catalogue> {
        let generation = self
            .current_generation()?
            .ok_or_else(|| Error::EmptyLibrary(self.root.clone()))?;
        Catalogue::open(&generation)
    }

    /// Installs the pack file at `pack`: checks all of it, builds a new generation beside the
    /// current one, and switches to it atomically. The user database is never opened.
    pub fn install(
        &self,
        pack: &Path,
        today: NaiveDate,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<PackMeta> {
        let _lock = self.lock_installs()?;
        self.install_locked(pack, today, progress)
    }

    /// An install, once this process holds the install lock.
    fn install_locked(
        &self,
        pack: &Path,
        today: NaiveDate,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<PackMeta> {
        progress(Progress::Checking);
        let pack = PackFile::open(pack, today)?;
        self.remove_staging()?;
        // A `current` that names no generation is damage that this install repairs.
        let previous = self.current_name().ok().flatten();

        let name = format!(
            "{GENERATION_PREFIX}{:06}",
            self.last_generation_number()? + 1
        );
        let staging = self.packs().join(format!("{STAGING_PREFIX}{name}"));
        fs::create_dir(&staging).at(&staging)?;
        // Until the switch, whatever this install wrote is removed if it fails, so that a full
        // disk does not stay full.
        let mut unfinished = RemoveOnDrop(Some(staging.clone()));
        let db_path = staging.join(PACK_DB);
        let installed = Utc::now().to_rfc3339();
        PackDb::create(&db_path, &pack, &installed, &mut |done, total| {
            progress(Progress::WritingDatabase { done, total })
        })?;
        let db = PackDb::open(&db_path)?;
        index::build(&db, &staging.join(INDEX), &mut |done, total| {
            progress(Progress::BuildingIndex { done, total })
        })?;
        let meta = db.meta()?;
        drop(db);
        let generation = self.packs().join(&name);
        fs::rename(&staging, &generation).at(&generation)?;
        unfinished.0 = Some(generation);
        sync_dir(&self.packs())?;

        progress(Progress::Switching);
        let current = self.root.join(CURRENT);
        let next = self.root.join(CURRENT_NEXT);
        {
            let mut f = File::create(&next).at(&next)?;
            f.write_all(name.as_bytes()).at(&next)?;
            f.sync_all().at(&next)?;
        }
        fs::rename(&next, &current).at(&current)?;
        unfinished.0 = None;
        sync_dir(&self.root)?;

        progress(Progress::CleaningUp);
        // The new pack is installed and in use whatever happens now: an old generation that
        // cannot be removed costs disk space only, and the next install tries again.
        if let Err(e) = self.remove_old_generations(&name, previous.as_deref()) {
            log::warn!("the new pack is installed, but an old one was not removed: {e}");
        }
        Ok(meta)
    }

    /// Installs a pack file that arrives as bytes (the app receives a chosen file this way). The
    /// bytes are written to a private folder inside the library under the file's own name, so
    /// that any error names the file the person chose, and the folder goes when the install ends.
    pub fn install_bytes(
        &self,
        file_name: &str,
        bytes: &[u8],
        today: NaiveDate,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<PackMeta> {
        // The lock is held from the upload on, so that a clean-up by another process never takes
        // an upload that is still being installed for a leftover.
        let _lock = self.lock_installs()?;
        let upload = tempfile::Builder::new()
            .prefix(UPLOAD_PREFIX)
            .tempdir_in(&self.root)
            .at(&self.root)?;
        let name = Path::new(file_name)
            .file_name()
            .filter(|n| !n.is_empty())
            .unwrap_or("pack.gatipack".as_ref());
        let file = upload.path().join(name);
        fs::write(&file, bytes).at(&file)?;
        self.install_locked(&file, today, progress)
            .map_err(|e| e.naming(&file, Path::new(name)))
    }

    /// A copy of an attachment for the system's own program to open, in the library's `opened/`
    /// folder: one folder per content hash, so the same file opens from the same place every
    /// time. Only an attachment the entry really has can be named; anything else is not found.
    pub fn attachment_copy(
        &self,
        catalogue: &Catalogue,
        entry_id: &str,
        name: &str,
    ) -> Result<PathBuf> {
        let (attachment, bytes) = catalogue.attachment(entry_id, name)?;
        let file = files::bare_file_name(&attachment.name)?;
        let path = self.root.join(OPENED).join(&attachment.sha256).join(file);
        files::write_whole(&path, &bytes)?;
        Ok(path)
    }

    /// Waits for any other install to finish, then holds the library's install lock.
    fn lock_installs(&self) -> Result<File> {
        let lock = self.lock_file()?;
        lock.lock().at(&self.root.join(INSTALL_LOCK))?;
        Ok(lock)
    }

    /// The install lock's file, opened without being written: taking the lock changes nothing
    /// on disk, so an install that is refused leaves the library exactly as it was.
    fn lock_file(&self) -> Result<File> {
        let path = self.root.join(INSTALL_LOCK);
        fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .at(&path)
    }

    /// Removes what interrupted installs and uploads left behind, when no install is running.
    /// Installs hold the lock from their upload to their end, so while one runs its files are not
    /// leftovers, and it cleans up after itself.
    fn remove_interrupted_installs(&self) -> Result<()> {
        let lock = self.lock_file()?;
        if lock.try_lock().is_err() {
            return Ok(());
        }
        self.remove_staging()?;
        for item in fs::read_dir(&self.root).at(&self.root)? {
            let path = item.at(&self.root)?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with(UPLOAD_PREFIX) || name == CURRENT_NEXT {
                remove_path(&path)?;
            }
        }
        Ok(())
    }

    /// The name of the installed generation, as `current` gives it.
    fn current_name(&self) -> Result<Option<String>> {
        Ok(self
            .current_generation()?
            .and_then(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string)))
    }

    fn generation_numbers(&self) -> Result<Vec<(u64, PathBuf)>> {
        let dir = self.packs();
        let mut out = Vec::new();
        for item in fs::read_dir(&dir).at(&dir)? {
            let path = item.at(&dir)?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let number = name
                .trim_start_matches(STAGING_PREFIX)
                .strip_prefix(GENERATION_PREFIX)
                .and_then(|n| n.parse().ok());
            if let Some(n) = number {
                out.push((n, path));
            }
        }
        out.sort();
        Ok(out)
    }

    fn last_generation_number(&self) -> Result<u64> {
        Ok(self.generation_numbers()?.last().map_or(0, |(n, _)| *n))
    }

    /// Removes what interrupted installs left behind. The caller holds the install lock.
    fn remove_staging(&self) -> Result<()> {
        for (_, path) in self.generation_numbers()? {
            if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(STAGING_PREFIX))
            {
                remove_path(&path)?;
            }
        }
        Ok(())
    }

    /// Keeps the generation just installed and the one `current` named before it (a reader that
    /// opened it just before the switch may still be using it) and removes every other one,
    /// orphans of interrupted installs included.
    fn remove_old_generations(&self, installed: &str, previous: Option<&str>) -> Result<()> {
        for (_, path) in self.generation_numbers()? {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let keep = name == installed || Some(name) == previous;
            if name.starts_with(GENERATION_PREFIX) && !keep {
                remove_path(&path)?;
            }
        }
        Ok(())
    }
}

/// Removes a folder or a file, whichever is there: damage or a person may have put either where
/// the other belongs.
fn remove_path(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path).at(path),
        Ok(_) => fs::remove_file(path).at(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).at(path),
    }
}

/// Removes the path it holds when dropped, unless it has been taken out first: an install that
/// fails part-way removes what it wrote.
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take()
            && let Err(e) = remove_path(&path)
        {
            log::warn!("an interrupted install left {} behind: {e}", path.display());
        }
    }
}

/// Makes a rename inside `dir` durable.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir).and_then(|d| d.sync_all()).at(dir)?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Counts that describe the installed pack.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Stats {
    #[serde(flatten)]
    pub meta: PackMeta,
    /// For each family (plural name), entries per code, in taxonomy order.
    pub counts: Vec<(String, Vec<(String, usize)>)>,
}

/// The installed pack, open for reading: entries, attachments and search.
pub struct Catalogue {
    generation: PathBuf,
    db: Mutex<PackDb>,
    meta: PackMeta,
    search: SearchIndex,
}

impl Catalogue {
    fn open(generation: &Path) -> Result<Catalogue> {
        let db_path = generation.join(PACK_DB);
        if !db_path.is_file() {
            return Err(Error::Storage {
                path: db_path,
                message: "the installed pack's database is missing; install the pack again".into(),
            });
        }
        let db = PackDb::open(&db_path)?;
        let meta = db.meta()?;
        let taxonomy = db.taxonomy()?;
        let expected = Provenance::of(&meta.content_hash, meta.entry_count);
        let index_dir = generation.join(INDEX);
        let open = match index::open_if_current(&index_dir, &expected)? {
            Some(open) => open,
            None => rebuild_index(generation, &db, &expected)?,
        };
        Ok(Catalogue {
            generation: generation.to_path_buf(),
            search: SearchIndex::new(open, taxonomy),
            db: Mutex::new(db),
            meta,
        })
    }

    pub fn meta(&self) -> &PackMeta {
        &self.meta
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        self.search.taxonomy()
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.search.search(request)
    }

    fn db(&self) -> std::sync::MutexGuard<'_, PackDb> {
        // A panic while the lock was held cannot leave a read-only connection inconsistent.
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The entry with `id`, or the entry that replaced it when two entries were merged, so that
    /// an address or a list kept from an older pack still leads somewhere.
    pub fn entry(&self, id: &str) -> Result<Entry> {
        let db = self.db();
        let found = match db.entry(id)? {
            Some(entry) => Some(entry),
            None => match db.successor(id)? {
                Some(new_id) => db.entry(&new_id)?,
                None => None,
            },
        };
        found.ok_or_else(|| Error::NotFound(format!("no entry has the id `{id}`")))
    }

    /// The id of the entry that replaced `id`, when `id` itself is no longer in the pack.
    pub fn successor(&self, id: &str) -> Result<Option<String>> {
        let db = self.db();
        if db.entry(id)?.is_some() {
            return Ok(None);
        }
        db.successor(id)
    }

    /// An attachment of an entry, by its file name.
    pub fn attachment(&self, entry_id: &str, name: &str) -> Result<(Attachment, Vec<u8>)> {
        let entry = self.entry(entry_id)?;
        let attachment = entry
            .attachments
            .into_iter()
            .find(|a| a.name == name)
            .ok_or_else(|| {
                Error::NotFound(format!("entry `{entry_id}` has no attachment `{name}`"))
            })?;
        let bytes = self.db().attachment(&attachment.sha256)?.ok_or_else(|| {
            Error::NotFound(format!(
                "the bytes of `{name}` are missing from the library"
            ))
        })?;
        Ok((attachment, bytes))
    }

    /// Saves a copy of an attachment the entry really has to `path`, a place the person chose
    /// in the system's save dialog (which asked before replacing a file), in one rename.
    pub fn save_attachment_as(&self, entry_id: &str, name: &str, path: &Path) -> Result<()> {
        let (_, bytes) = self.attachment(entry_id, name)?;
        files::write_whole(path, &bytes)
    }

    pub fn stats(&self) -> Result<Stats> {
        let db = self.db();
        let mut counts = Vec::new();
        for family in Family::ALL {
            let by_code = db.code_counts(family)?;
            let ordered = self
                .taxonomy()
                .terms(family)
                .iter()
                .map(|t| (t.code.clone(), by_code.get(&t.code).copied().unwrap_or(0)))
                .collect();
            counts.push((family.plural().to_string(), ordered));
        }
        Ok(Stats {
            meta: self.meta.clone(),
            counts,
        })
    }

    /// Entries whose review falls before `date`, soonest first: (id, title, review_by, owner).
    pub fn due_for_review(&self, date: NaiveDate) -> Result<Vec<(String, String, String, String)>> {
        self.db().due_for_review(date)
    }

    /// Rebuilds the search index from the database, whatever state it is in.
    pub fn reindex(&mut self) -> Result<()> {
        let expected = Provenance::of(&self.meta.content_hash, self.meta.entry_count);
        let open = rebuild_index(&self.generation, &self.db(), &expected)?;
        self.search = SearchIndex::new(open, self.taxonomy().clone());
        Ok(())
    }
}

/// Builds a fresh index beside the old one and swaps it in. Readers that have the old index open
/// keep their files until they close them.
fn rebuild_index(
    generation: &Path,
    db: &PackDb,
    expected: &Provenance,
) -> Result<index::OpenIndex> {
    let target = generation.join(INDEX);
    let unique = format!(
        "{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let fresh = generation.join(format!("{INDEX}.new-{unique}"));
    index::build(db, &fresh, &mut |_, _| {})?;
    let old = generation.join(format!("{INDEX}.old-{unique}"));
    if fs::symlink_metadata(&target).is_ok() {
        fs::rename(&target, &old).at(&target)?;
    }
    if let Err(e) = fs::rename(&fresh, &target) {
        // Another process swapped in its own rebuild first; use that one if it is good.
        remove_path(&fresh)?;
        if !target.is_dir() {
            return Err(e).at(&target);
        }
    }
    remove_path(&old)?;
    index::open_if_current(&target, expected)?.ok_or_else(|| Error::Storage {
        path: target,
        message: "the rebuilt search index cannot be opened".into(),
    })
}
