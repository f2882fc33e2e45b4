//! Files the app writes for people outside the library (saved attachments, exported shortlists)
//! and the copies it hands to the system's own programs. Names come from packs, which are
//! untrusted, so only a bare file name ever decides where bytes go.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Writes `bytes` into `dir` as `name`, adding " (2)", " (3)"... rather than overwriting a file
/// already there, and returns where they went.
pub(crate) fn write_new_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let name = bare_file_name(name)?;
    fs::create_dir_all(dir).at(dir)?;
    let file = Path::new(name);
    let stem = file.file_stem().unwrap_or_default().to_string_lossy();
    let extension = file
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    for n in 1u32.. {
        let candidate = match n {
            1 => dir.join(name),
            _ => dir.join(format!("{stem} ({n}){extension}")),
        };
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut out) => {
                out.write_all(bytes).at(&candidate)?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).at(&candidate),
        }
    }
    unreachable!("the loop above only ends by returning")
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
    tmp.persist(path).map_err(|e| e.error).at(path)?;
    Ok(())
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

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_new_file(dir.path(), "plan.md", b"one").unwrap();
        let b = write_new_file(dir.path(), "plan.md", b"two").unwrap();
        let c = write_new_file(dir.path(), "README", b"three").unwrap();
        let d = write_new_file(dir.path(), "README", b"four").unwrap();
        assert_eq!(a.file_name().unwrap(), "plan.md");
        assert_eq!(b.file_name().unwrap(), "plan (2).md");
        assert_eq!(d.file_name().unwrap(), "README (2)");
        assert_eq!(fs::read(a).unwrap(), b"one");
        assert_eq!(fs::read(c).unwrap(), b"three");
    }
}
