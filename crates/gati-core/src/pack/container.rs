//! The byte layout of a `.gatipack` file: a header, then named records.
//!
//! ```text
//! header:  b"GATIPACK"  u32 LE container format (1)
//! record:  u16 LE name length, name (UTF-8), u64 LE data length, data
//! ```
//!
//! Record names are ASCII `[a-z0-9._/-]`, at most 128 bytes, never absolute and never with `..`,
//! so that no name can be turned into a path that escapes anything. The reader trusts nothing: it
//! checks every length against what is left of the file before it allocates or reads.

use std::io::{self, Read, Write};

pub const MAGIC: &[u8; 8] = b"GATIPACK";
pub const CONTAINER_FORMAT: u32 = 1;
pub const MAX_NAME_BYTES: usize = 128;

pub fn write_header(out: &mut impl Write) -> io::Result<()> {
    out.write_all(MAGIC)?;
    out.write_all(&CONTAINER_FORMAT.to_le_bytes())
}

pub fn write_record(out: &mut impl Write, name: &str, data: &[u8]) -> io::Result<()> {
    debug_assert!(is_valid_name(name), "record name {name:?}");
    out.write_all(&(name.len() as u16).to_le_bytes())?;
    out.write_all(name.as_bytes())?;
    out.write_all(&(data.len() as u64).to_le_bytes())?;
    out.write_all(data)
}

pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && !name.starts_with('/')
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._/-".contains(&b))
}

/// Why a container could not be read. Messages are written for the person holding the file.
#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    #[error("it is not a GATI pack (it does not start with GATIPACK)")]
    NotAPack,
    #[error(
        "it uses container format {0}, and this version of GATI reads format {CONTAINER_FORMAT}; update GATI Desktop"
    )]
    UnknownFormat(u32),
    #[error("it is cut short: {0}")]
    Truncated(String),
    #[error("record name {0:?} is not allowed (names are lower-case, relative, with no `..`)")]
    BadName(String),
    #[error("record `{name}` is {len} bytes, more than the {max} allowed")]
    TooLarge { name: String, len: u64, max: u64 },
    #[error("reading it failed: {0}")]
    Io(#[from] io::Error),
}

/// Reads records one by one from a reader that holds `remaining` bytes after the header.
pub struct RecordReader<R> {
    inner: R,
    remaining: u64,
    offset: u64,
}

/// A record's name, where its data starts in the file, and how long it is.
pub struct RecordHeader {
    pub name: String,
    pub offset: u64,
    pub len: u64,
}

impl<R: Read> RecordReader<R> {
    /// Checks the header; `file_len` is the whole file's length.
    pub fn new(mut inner: R, file_len: u64) -> Result<Self, ContainerError> {
        let mut magic = [0u8; 8];
        read_exact(&mut inner, &mut magic, "the header")?;
        if &magic != MAGIC {
            return Err(ContainerError::NotAPack);
        }
        let mut format = [0u8; 4];
        read_exact(&mut inner, &mut format, "the header")?;
        let format = u32::from_le_bytes(format);
        if format != CONTAINER_FORMAT {
            return Err(ContainerError::UnknownFormat(format));
        }
        Ok(RecordReader {
            inner,
            remaining: file_len.saturating_sub(12),
            offset: 12,
        })
    }

    /// The next record's header, or `None` at the end of the file. The caller must then consume
    /// exactly `len` bytes with [`RecordReader::read_data`] or [`RecordReader::skip_data`].
    pub fn next_header(
        &mut self,
        max_len: impl Fn(&str) -> u64,
    ) -> Result<Option<RecordHeader>, ContainerError> {
        if self.remaining == 0 {
            return Ok(None);
        }
        let mut len = [0u8; 2];
        self.take(&mut len, "a record name")?;
        let name_len = u16::from_le_bytes(len) as usize;
        if name_len == 0 || name_len > MAX_NAME_BYTES {
            return Err(ContainerError::BadName(format!("<{name_len} bytes>")));
        }
        let mut name = vec![0u8; name_len];
        self.take(&mut name, "a record name")?;
        let name = String::from_utf8(name)
            .map_err(|e| ContainerError::BadName(String::from_utf8_lossy(e.as_bytes()).into()))?;
        if !is_valid_name(&name) {
            return Err(ContainerError::BadName(name));
        }
        let mut data_len = [0u8; 8];
        self.take(&mut data_len, &format!("the length of `{name}`"))?;
        let len = u64::from_le_bytes(data_len);
        if len > self.remaining {
            return Err(ContainerError::Truncated(format!(
                "record `{name}` claims {len} bytes but only {} remain",
                self.remaining
            )));
        }
        let max = max_len(&name);
        if len > max {
            return Err(ContainerError::TooLarge { name, len, max });
        }
        Ok(Some(RecordHeader {
            name,
            offset: self.offset,
            len,
        }))
    }

    /// Reads a record's data whose length was already checked against the file and a limit.
    pub fn read_data(&mut self, header: &RecordHeader) -> Result<Vec<u8>, ContainerError> {
        let mut data = vec![0u8; header.len as usize];
        self.take(&mut data, &format!("`{}`", header.name))?;
        Ok(data)
    }

    /// Streams a record's data into `sink` without holding it in memory.
    pub fn copy_data(
        &mut self,
        header: &RecordHeader,
        sink: &mut impl Write,
    ) -> Result<(), ContainerError> {
        let copied = io::copy(&mut (&mut self.inner).take(header.len), sink)?;
        if copied != header.len {
            return Err(ContainerError::Truncated(format!(
                "`{}` ends early",
                header.name
            )));
        }
        self.remaining -= header.len;
        self.offset += header.len;
        Ok(())
    }

    fn take(&mut self, buf: &mut [u8], what: &str) -> Result<(), ContainerError> {
        if (buf.len() as u64) > self.remaining {
            return Err(ContainerError::Truncated(format!(
                "the file ends inside {what}"
            )));
        }
        read_exact(&mut self.inner, buf, what)?;
        self.remaining -= buf.len() as u64;
        self.offset += buf.len() as u64;
        Ok(())
    }
}

fn read_exact(r: &mut impl Read, buf: &mut [u8], what: &str) -> Result<(), ContainerError> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => {
            ContainerError::Truncated(format!("the file ends inside {what}"))
        }
        _ => ContainerError::Io(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape() {
        assert!(is_valid_name("entries.jsonl"));
        assert!(is_valid_name("attachments/0a1b"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "A",
            "a\\b",
            "a b",
            "./a",
        ] {
            assert!(!is_valid_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn round_trips_and_refuses_short_files() {
        let mut buf = Vec::new();
        write_header(&mut buf).unwrap();
        write_record(&mut buf, "a.json", b"{}").unwrap();
        let mut r = RecordReader::new(&buf[..], buf.len() as u64).unwrap();
        let h = r.next_header(|_| 10).unwrap().unwrap();
        assert_eq!((h.name.as_str(), h.len), ("a.json", 2));
        assert_eq!(r.read_data(&h).unwrap(), b"{}");
        assert!(r.next_header(|_| 10).unwrap().is_none());

        let cut = &buf[..buf.len() - 1];
        let mut r = RecordReader::new(cut, cut.len() as u64).unwrap();
        assert!(matches!(
            r.next_header(|_| 10),
            Err(ContainerError::Truncated(_))
        ));
    }
}
