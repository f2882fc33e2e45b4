//! Files the app writes for people outside the library (saved attachments and shortlists, where
//! they chose in the save dialog) and the copies it hands to the system's own programs. Names come from packs, which are
//! untrusted, so only a bare file name ever decides where bytes go.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{AtPath, Error, Result};

/// `name` when it is a bare file name: one path component, not `.` or `..`, no folder parts.
pub(crate) fn bare_file_name(name: &str) -> Result<&str> {
    let path = Path::new(name);
    if name.is_empty() || path.file_name() != Some(path.as_os_str()) || name.contains(['/', '\\']) {
        return Err(Error::NotFound(format!(
            "`{}` is not a usable file name",
            crate::printable::echo(name)
        )));
    }
    Ok(name)
}

/// Makes `path` hold exactly `bytes`, replacing whatever is there in one rename, so that a
/// program opening it never sees half a file.
pub(crate) fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).at(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).at(dir)?;
    tmp.write_all(bytes).at(path)?;
    // The temporary file is readable by its owner alone; what replaces a file people share (a
    // pack's sources, a published pack) must be readable as an ordinary file is.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o644))
            .at(path)?;
    }
    tmp.persist(path).map_err(|e| e.error).at(path)?;
    Ok(())
}

/// The text of a small file, refusing one longer than `max` bytes before reading it whole: a file
/// a person chose may be anything.
pub(crate) fn read_capped(path: &Path, max: u64) -> Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_string(&mut text))
        .at(path)?;
    if text.len() as u64 > max {
        return Err(Error::BadRequest(format!(
            "{} is longer than the {max} bytes expected",
            path.display()
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bare_names_are_file_names() {
        for good in ["profile.docx", "a b (2).pdf", "..a", "x"] {
            assert!(bare_file_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../user.db",
            "../../user.db",
            "a/b",
            "/etc/passwd",
            "a\\b",
        ] {
            assert!(bare_file_name(bad).is_err(), "{bad:?}");
        }
    }
}
