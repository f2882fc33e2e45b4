//! What Settings and the search screen say about the installed pack: its version and date, whether
//! it is getting old, where updates come from and whether to look for them now, the pack "Go back"
//! returns to, and what changed in the last update until the person dismisses it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::Result;
use crate::changes::PackChanges;
use crate::library::{Consent, Library, PackMeta};
use crate::store::user_db::UserDb;
use crate::version::{FreshFor, PackVersion};

const CHECK_ON_START: &str = "update_check_on_start";
const LAST_CHECKED: &str = "update_last_checked";
const DISMISSED: &str = "whats_new_dismissed";
const BUNDLED_SEEN: &str = "bundled_pack_seen";

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackStatus {
    pub installed: PackMeta,
    /// The pack "Go back" would return to.
    pub previous: Option<PackMeta>,
    /// The day from which the pack counts as getting old, once that day has come.
    pub stale_since: Option<NaiveDate>,
    /// Whether the app looks for a newer pack when it starts (at most once a day).
    pub check_on_start: bool,
    /// Whether it should look now: on, a location to look in, and not yet looked today.
    pub check_due: bool,
}

/// The installed pack's status on `today`.
pub fn pack_status(library: &Library, user: &UserDb, today: NaiveDate) -> Result<PackStatus> {
    let installed = library
        .installed()?
        .ok_or_else(|| crate::Error::EmptyLibrary(library.root().to_path_buf()))?;
    // On by default only when the pack says where its updates are.
    let check_on_start = match user.setting(CHECK_ON_START)? {
        Some(value) => value == "true",
        None => installed.update_from.is_some(),
    };
    let checked_today = user.setting(LAST_CHECKED)?.as_deref() == Some(&today.to_string());
    let stale_since = stale_from(&installed).filter(|from| *from <= today);
    Ok(PackStatus {
        previous: library.previous()?,
        stale_since,
        check_on_start,
        check_due: check_on_start && installed.update_from.is_some() && !checked_today,
        installed,
    })
}

/// The first day the pack counts as old, when it says how long it stays fresh.
fn stale_from(pack: &PackMeta) -> Option<NaiveDate> {
    let fresh = FreshFor::parse(pack.stale_after.as_deref()?).ok()?;
    let built = chrono::DateTime::parse_from_rfc3339(&pack.created).ok()?;
    Some(fresh.stale_from(built.date_naive()))
}

pub fn set_check_on_start(user: &UserDb, on: bool) -> Result<()> {
    user.set_setting(CHECK_ON_START, if on { "true" } else { "false" })
}

/// Notes that the update location was looked at today, so that starting again does not repeat it.
pub fn record_check(user: &UserDb, today: NaiveDate) -> Result<()> {
    user.set_setting(LAST_CHECKED, &today.to_string())
}

/// Installs the pack that came with the app (`bytes`, offered as `name`) over an older edition of
/// the same pack, so that updating the app updates its content; it is checked like any other
/// pack. Each bundled pack is weighed once, by its content hash, when the app that carries it
/// first starts: after that, a school that went back to an older pack stays back. Returns the
/// pack installed, if it was.
pub fn follow_bundled_pack(
    library: &Library,
    user: &UserDb,
    name: &str,
    bytes: &[u8],
    today: NaiveDate,
) -> Result<Option<PackMeta>> {
    let Some(installed) = library.installed()? else {
        return Ok(None);
    };
    let bundled = crate::pack::peek_manifest(std::path::Path::new(name), bytes)?;
    if user.setting(BUNDLED_SEEN)?.as_deref() == Some(bundled.content_hash.as_str()) {
        return Ok(None);
    }
    user.set_setting(BUNDLED_SEEN, &bundled.content_hash)?;
    let newer = match (
        bundled.info.parsed_version(),
        PackVersion::parse(&installed.version),
    ) {
        (Some(new), Ok(old)) => new > old,
        _ => false,
    };
    if bundled.info.id != installed.pack_id || !newer {
        return Ok(None);
    }
    library
        .install_bytes(name, bytes, today, Consent::default(), &mut |_| {})
        .map(Some)
}

/// What changed in the last install, unless the person has dismissed it or nothing changed.
pub fn whats_new(library: &Library, user: &UserDb) -> Result<Option<PackChanges>> {
    let Some(installed) = library.installed()? else {
        return Ok(None);
    };
    if user.setting(DISMISSED)?.as_deref() == Some(installed.content_hash.as_str()) {
        return Ok(None);
    }
    Ok(library.changes()?.filter(|c| !c.is_empty()))
}

/// Hides "What's new" for the installed pack; the next update shows its own.
pub fn dismiss_whats_new(library: &Library, user: &UserDb) -> Result<()> {
    if let Some(installed) = library.installed()? {
        user.set_setting(DISMISSED, &installed.content_hash)?;
    }
    Ok(())
}
