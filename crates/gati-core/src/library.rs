//! The library on the user's machine: the installed pack (database and index) and the user's own
//! database, in one folder shared by the `gati` command and the desktop app.
//!
//! ```text
//! LIBRARY/
//!   user.db             settings, shortlist, plans: never touched by an install
//!   current             the name of the installed generation, replaced atomically
//!   install.lock        held while an install runs
//!   packs/gen-000007/   one installed pack: pack.db, index/ and changes.json (what changed
//!                       from the pack it replaced)
//!   keys/ID.pub         publisher keys a person chose to trust, besides the built-in ones
//!   packs/.staging-*    an install in progress (removed if it fails, or at the next start)
//!   .upload-*/          a pack file received as bytes, while it is installed
//!   opened/SHA256/NAME  copies of attachments handed to the system's programs to open
//! ```
//!
//! An install builds a complete new generation beside the current one and then switches
//! `current` with an atomic rename. Until that rename the previous pack is untouched; after it the
//! new pack is complete. Readers open whichever generation `current` names and are never blocked.
//! The generation before the current one is kept, so that going back is the same atomic switch.
//!
//! Nothing is installed that a trusted publisher did not sign, that comes from another publisher
//! than the installed pack's, or that is not newer than it, unless the person said so for that one
//! install ([`Consent`]).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use crate::changes::PackChanges;
use crate::entry::{Attachment, Entry};
use crate::error::{AtPath, Error, Result};
use crate::files;
use crate::pack::{PackFile, Seal};
use crate::printable::echo;
use crate::search::index::{self, Provenance};
use crate::search::{SearchIndex, SearchRequest, SearchResults};
use crate::signing::{KeySource, PublicKey, Trust, TrustedKey};
use crate::store::pack_db::PackDb;
pub use crate::store::pack_db::PackMeta;
pub use crate::store::user_db::{ShortlistItem, UserDb};
use crate::taxonomy::{Family, Taxonomy};
use crate::update::{self, Channel, Latest, Timeouts};
use crate::version::PackVersion;

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
const CHANGES: &str = "changes.json";
const KEYS: &str = "keys";

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
    /// Receiving the pack file from the update location: bytes so far, of the stated size.
    Downloading {
        done: usize,
        total: usize,
    },
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

/// What a person agreed to for one install, beyond the rules every install keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Consent {
    /// Install a pack that carries no signature: for an editor previewing their own build only;
    /// the app never offers it.
    pub unsigned: bool,
    /// Install a pack with another id than the installed one: the school is switching publisher.
    pub other_publisher: bool,
    /// Install a pack that is not newer than the installed one: going back on purpose.
    pub older: bool,
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
        consent: Consent,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<PackMeta> {
        let _lock = self.lock_installs()?;
        self.install_locked(pack, today, consent, progress)
    }

    /// An install, once this process holds the install lock.
    fn install_locked(
        &self,
        pack: &Path,
        today: NaiveDate,
        consent: Consent,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<PackMeta> {
        progress(Progress::Checking);
        let pack = PackFile::open(pack, today)?;
        let replaced = self.installed_db();
        self.admit(&pack, replaced.as_ref(), consent)?;
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
        if let Some(old) = &replaced {
            let changes = changes_from(old, &pack)?;
            let path = staging.join(CHANGES);
            fs::write(
                &path,
                serde_json::to_vec(&changes).expect("changes serialise"),
            )
            .at(&path)?;
        }
        drop(replaced);
        let generation = self.packs().join(&name);
        fs::rename(&staging, &generation).at(&generation)?;
        unfinished.0 = Some(generation);
        sync_dir(&self.packs())?;

        progress(Progress::Switching);
        self.switch_to(&name)?;
        unfinished.0 = None;

        progress(Progress::CleaningUp);
        // The new pack is installed and in use whatever happens now: an old generation that
        // cannot be removed costs disk space only, and the next install tries again.
        if let Err(e) = self.remove_old_generations(&name, previous.as_deref()) {
            log::warn!("the new pack is installed, but an old one was not removed: {e}");
        }
        Ok(meta)
    }

    /// Points `current` at the generation `name`, in one atomic rename made durable.
    fn switch_to(&self, name: &str) -> Result<()> {
        let current = self.root.join(CURRENT);
        let next = self.root.join(CURRENT_NEXT);
        {
            let mut f = File::create(&next).at(&next)?;
            f.write_all(name.as_bytes()).at(&next)?;
            f.sync_all().at(&next)?;
        }
        fs::rename(&next, &current).at(&current)?;
        sync_dir(&self.root)
    }

    /// The installed pack's database, when one is installed and can be read. A damaged one is
    /// treated as none: the install that is starting repairs it.
    fn installed_db(&self) -> Option<PackDb> {
        let generation = self.current_generation().ok()??;
        PackDb::open(&generation.join(PACK_DB)).ok()
    }

    /// The installed pack's description, if a pack is installed.
    pub fn installed(&self) -> Result<Option<PackMeta>> {
        match self.current_generation()? {
            Some(generation) => Ok(Some(PackDb::open(&generation.join(PACK_DB))?.meta()?)),
            None => Ok(None),
        }
    }

    /// Refuses a pack that is not signed by a trusted key, that comes from another publisher
    /// than the installed pack, or that is not newer than it, unless the person consented. The
    /// reasons name the key, the packs and what to do. Nothing has been written yet.
    fn admit(&self, pack: &PackFile, installed: Option<&PackDb>, consent: Consent) -> Result<()> {
        let refuse = |reason: String| Error::Untrusted {
            path: pack.path.clone(),
            reason,
        };
        match pack.seal(&self.trust()?)? {
            Seal::Trusted { .. } => {}
            Seal::Unsigned if consent.unsigned => {}
            Seal::Unsigned => {
                return Err(refuse(
                    "it is not signed. Packs are signed by their publisher so that a school \
                     knows where they come from; ask the publisher for a signed pack"
                        .into(),
                ));
            }
            Seal::UnknownKey { key_id } => {
                return Err(refuse(format!(
                    "it is signed with key {key_id}, which this computer does not trust. If \
                     you know the publisher, add their key in Settings (or with `gati trust add`)"
                )));
            }
        }
        let Some(installed) = installed.map(PackDb::meta).transpose()? else {
            return Ok(());
        };
        let new = &pack.manifest.info;
        let refused = |reason: String| Error::Refused {
            path: pack.path.clone(),
            reason,
        };
        if new.id != installed.pack_id && !consent.other_publisher {
            return Err(refused(format!(
                "it is pack `{}` from {}, and the installed pack is `{}` from {}. Install it \
                 only if you are switching publisher, and say so",
                new.id,
                echo(&new.publisher),
                installed.pack_id,
                echo(&installed.publisher)
            )));
        }
        let newer = match (new.parsed_version(), PackVersion::parse(&installed.version)) {
            (Some(new), Ok(old)) => new > old,
            // An installed pack from before versions were checked can always be updated.
            _ => true,
        };
        if new.id == installed.pack_id && !newer && !consent.older {
            return Err(refused(format!(
                "it is version {}, and version {} is installed: a pack installs over an older \
                 one only. To go back, use \"Go back\" in Settings or `gati rollback`",
                echo(&new.version),
                echo(&installed.version)
            )));
        }
        Ok(())
    }

    /// The keys this computer trusts: the built-in ones and those added to this library.
    pub fn trust(&self) -> Result<Trust> {
        let mut trust = Trust::built_in();
        let dir = self.root.join(KEYS);
        let items = match fs::read_dir(&dir) {
            Ok(items) => items,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(trust),
            Err(e) => return Err(e).at(&dir),
        };
        for item in items {
            let path = item.at(&dir)?.path();
            if path.extension().is_none_or(|e| e != "pub") {
                continue;
            }
            // A damaged key file trusts nothing, and must not stop installs or the list of
            // keys, which is where a person would remove it.
            match read_key(&path) {
                Ok(key) => trust.add(key, KeySource::Added),
                Err(why) => log::warn!("{} is not used: {why}", path.display()),
            }
        }
        Ok(trust)
    }

    /// Trusts the public key in `text` from now on, on this computer.
    pub fn trust_add(&self, text: &str) -> Result<TrustedKey> {
        let key = PublicKey::parse(text)
            .map_err(|why| Error::BadRequest(format!("The file cannot be trusted: {why}.")))?;
        let path = self.root.join(KEYS).join(format!("{}.pub", key.id()));
        files::write_whole(&path, key.text().as_bytes())?;
        self.trust()?
            .get(key.id())
            .cloned()
            .ok_or_else(|| Error::NotFound(format!("key {} was not kept", key.id())))
    }

    /// Trusts the public key in the file at `path` (a file a person chose, read only if small).
    pub fn trust_add_file(&self, path: &Path) -> Result<TrustedKey> {
        self.trust_add(&files::read_capped(
            path,
            crate::signing::MAX_KEY_TEXT_BYTES as u64,
        )?)
    }

    /// Stops trusting a key added on this computer. Built-in keys cannot be removed: they come
    /// with GATI, and a new version of GATI changes them.
    pub fn trust_remove(&self, id: &str) -> Result<()> {
        let trust = self.trust()?;
        match trust.get(id).map(|k| k.source) {
            None => Err(Error::NotFound(format!(
                "no trusted key has the id `{}`",
                echo(id)
            ))),
            Some(KeySource::BuiltIn) => Err(Error::BadRequest(format!(
                "key {id} is built into GATI and cannot be removed"
            ))),
            // Every file that holds the key goes, whatever its name: one copied in by hand too.
            Some(KeySource::Added) => {
                let dir = self.root.join(KEYS);
                for item in fs::read_dir(&dir).at(&dir)? {
                    let path = item.at(&dir)?.path();
                    if read_key(&path).is_ok_and(|k| k.id() == id) {
                        remove_path(&path)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// What changed from the pack the installed one replaced, when the install recorded it.
    pub fn changes(&self) -> Result<Option<PackChanges>> {
        let Some(generation) = self.current_generation()? else {
            return Ok(None);
        };
        let path = generation.join(CHANGES);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| Error::Storage {
                    path,
                    message: format!("the record of what changed cannot be read: {e}"),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).at(&path),
        }
    }

    /// The pack installed before the current one, when it is kept and older: what "Go back"
    /// would return to.
    pub fn previous(&self) -> Result<Option<PackMeta>> {
        Ok(self.previous_generation()?.map(|(_, meta)| meta))
    }

    fn previous_generation(&self) -> Result<Option<(String, PackMeta)>> {
        let Some(current) = self.current_name()? else {
            return Ok(None);
        };
        let current_number = generation_number(&current);
        let older = self
            .generation_numbers()?
            .into_iter()
            .rev()
            .filter(|(n, path)| Some(*n) < current_number && is_generation(path))
            .find_map(|(_, path)| {
                let meta = PackDb::open(&path.join(PACK_DB)).ok()?.meta().ok()?;
                Some((path.file_name()?.to_str()?.to_string(), meta))
            });
        Ok(older)
    }

    /// Goes back to the pack installed before the current one, with the same atomic switch as
    /// an install. Installing again (or updating) undoes it.
    pub fn go_back(&self) -> Result<PackMeta> {
        let _lock = self.lock_installs()?;
        let (name, meta) = self
            .previous_generation()?
            .ok_or_else(|| Error::NotFound("there is no earlier pack to go back to".into()))?;
        // The index is rebuilt now if it needs it, not by the first search after the switch.
        Catalogue::open(&self.packs().join(&name))?;
        // What changed when that pack was installed is old news now, not "what's new".
        remove_path(&self.packs().join(&name).join(CHANGES))?;
        self.switch_to(&name)?;
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
        consent: Consent,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<PackMeta> {
        // The lock is held from the upload on, so that a clean-up by another process never takes
        // an upload that is still being installed for a leftover.
        let _lock = self.lock_installs()?;
        let upload = self.upload_folder()?;
        let name = Path::new(file_name)
            .file_name()
            .filter(|n| !n.is_empty())
            .unwrap_or("pack.gatipack".as_ref());
        let file = upload.path().join(name);
        fs::write(&file, bytes).at(&file)?;
        self.install_locked(&file, today, consent, progress)
            .map_err(|e| e.naming(&file, Path::new(name)))
    }

    /// Downloads the pack `latest` names from `channel` into a private folder of the library,
    /// checks its size and hash, and installs it like any other pack, signature check first. The
    /// install lock is held from the download on, so a download is never taken for a leftover;
    /// a download cut short, or a killed app, leaves only that folder, removed at the next start.
    pub fn install_update(
        &self,
        channel: &Channel,
        latest: &Latest,
        timeouts: Timeouts,
        today: NaiveDate,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<PackMeta> {
        let _lock = self.lock_installs()?;
        let upload = self.upload_folder()?;
        // A name of this computer's own choosing: the server's name only appears in messages
        // (and on Windows a name such as CON.gatipack would open a device).
        let file = upload.path().join("download.gatipack");
        {
            let mut out = std::io::BufWriter::new(File::create(&file).at(&file)?);
            let total = latest.size as usize;
            update::download(channel, latest, timeouts, &mut out, &mut |done| {
                progress(Progress::Downloading {
                    done: done as usize,
                    total,
                })
            })?;
            out.flush().at(&file)?;
            out.get_ref().sync_all().at(&file)?;
        }
        self.install_locked(&file, today, Consent::default(), progress)
            .map_err(|e| e.naming(&file, Path::new(&latest.file)))
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

    /// A private folder in the library for a pack file on its way in (an upload or a download),
    /// removed when dropped; one left by a killed process goes at the next start.
    fn upload_folder(&self) -> Result<tempfile::TempDir> {
        tempfile::Builder::new()
            .prefix(UPLOAD_PREFIX)
            .tempdir_in(&self.root)
            .at(&self.root)
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

/// The public key in the file at `path`, or why it is not one.
fn read_key(path: &Path) -> std::result::Result<PublicKey, String> {
    let text = files::read_capped(path, crate::signing::MAX_KEY_TEXT_BYTES as u64)
        .map_err(|e| e.to_string())?;
    PublicKey::parse(&text)
}

/// The number in a generation's folder name (`gen-000007`).
fn generation_number(name: &str) -> Option<u64> {
    name.strip_prefix(GENERATION_PREFIX)?.parse().ok()
}

/// Whether `path` is a finished generation, not an install in progress.
fn is_generation(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(GENERATION_PREFIX))
}

/// What changed from the installed pack to the one being installed.
fn changes_from(installed: &PackDb, pack: &PackFile) -> Result<PackChanges> {
    let mut old = Vec::new();
    installed.for_each_in_title_order(|e| {
        old.push(e);
        Ok(())
    })?;
    let from = installed.meta()?.version;
    Ok(PackChanges::between(
        (&from, old),
        (&pack.manifest.info.version, &pack.entries),
    ))
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
