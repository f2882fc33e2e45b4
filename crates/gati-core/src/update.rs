//! The update channel: where a publisher puts new packs, and how a school's copy of GATI finds,
//! downloads and installs them.
//!
//! A channel is an `https://` address or a folder (a school's network share). It holds the pack
//! file and `latest.json`, which names the newest pack: its id, version, date, size, SHA-256 and
//! file name. `gati publish` writes both. The app and `gati update` read `latest.json`, download
//! the file with its size as a hard cap, check its hash, and install it like any other pack: its
//! signature is checked before anything installed is touched.
//!
//! Plain `http://` is refused, for the address and for any redirect, except to this computer's
//! own loopback address (127.0.0.1, ::1, localhost), which nothing outside the computer can see
//! or change; the tests serve their packs from there.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{AtPath, Error, Result};
use crate::library::PackMeta;
use crate::pack::{MAX_PACK_BYTES, PackFile};
use crate::printable::echo;
use crate::version::PackVersion;

/// The name of the file that describes the newest pack in a channel.
pub const LATEST: &str = "latest.json";
/// The largest `latest.json` read: a real one is a few hundred bytes.
const MAX_LATEST_BYTES: u64 = 64 * 1024;
/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 5;

/// Where newer packs are published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// A web address: the folder on the server that holds `latest.json`, ending in `/`.
    Web(String),
    /// A folder, on this computer or a network share.
    Folder(PathBuf),
}

impl Channel {
    /// Reads `update_from` from `pack.toml`: an `https://` address or an absolute folder path.
    pub fn parse(text: &str) -> std::result::Result<Channel, String> {
        let text = text.trim();
        if text.contains("://") {
            check_address(text)?;
            let base = if text.ends_with('/') {
                text.to_string()
            } else {
                format!("{text}/")
            };
            return Ok(Channel::Web(base));
        }
        let path = PathBuf::from(text);
        if !path.is_absolute() {
            return Err(format!(
                "`{}` is neither an https:// address nor a whole folder path (such as \
                 //server/share/gati or /srv/gati)",
                echo(text)
            ));
        }
        Ok(Channel::Folder(path))
    }

    /// The channel as people read it in messages.
    pub fn describe(&self) -> String {
        match self {
            Channel::Web(url) => echo(url),
            Channel::Folder(path) => echo(&path.display().to_string()),
        }
    }

    fn unreachable(&self, reason: impl Into<String>) -> Error {
        Error::Unreachable {
            from: self.describe(),
            reason: reason.into(),
        }
    }

    fn bad(&self, reason: impl Into<String>) -> Error {
        Error::BadUpdate {
            from: self.describe(),
            reason: reason.into(),
        }
    }
}

/// Whether an address may be fetched: `https://`, or `http://` to this computer only.
fn check_address(url: &str) -> std::result::Result<(), String> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") && url.len() > "https://".len() {
        return Ok(());
    }
    if let Some(rest) = lower.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        let name = if host.starts_with('[') {
            host.split(']')
                .next()
                .map(|h| format!("{h}]"))
                .unwrap_or_default()
        } else {
            host.split(':').next().unwrap_or_default().to_string()
        };
        if ["127.0.0.1", "[::1]", "localhost"].contains(&name.as_str()) {
            return Ok(());
        }
        return Err(format!(
            "`{}` is a plain http:// address, which anyone on the way could change; use https://",
            echo(url)
        ));
    }
    Err(format!("`{}` is not an https:// address", echo(url)))
}

/// What `latest.json` says of the newest pack in a channel.
// Unknown fields are ignored, so that a publisher's newer latest.json never stops older apps
// from updating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Latest {
    pub id: String,
    pub version: String,
    pub date: NaiveDate,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    pub sha256: String,
    /// The pack file's name, beside `latest.json`.
    pub file: String,
}

impl Latest {
    /// Reads `latest.json`, or says what is wrong with it.
    fn parse(bytes: &[u8]) -> std::result::Result<Latest, String> {
        let latest: Latest = serde_json::from_slice(bytes)
            .map_err(|e| format!("its {LATEST} cannot be read: {}", echo(&e.to_string())))?;
        let wrong = |field: &str, why: &str| format!("its {LATEST} has a wrong `{field}`: {why}");
        if !crate::taxonomy::is_slug(&latest.id) {
            return Err(wrong("id", "a pack id is a lower-case slug"));
        }
        PackVersion::parse(&latest.version).map_err(|why| wrong("version", &why))?;
        if latest.size == 0 || latest.size > MAX_PACK_BYTES {
            return Err(wrong("size", "it must be the pack file's size in bytes"));
        }
        if latest.sha256.len() != 64
            || !latest
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(wrong(
                "sha256",
                "it must be 64 lower-case hexadecimal digits",
            ));
        }
        let bare = latest.file.len() <= 200
            && latest.file.ends_with(".gatipack")
            && latest
                .file
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            && !latest.file.starts_with('.');
        if !bare {
            return Err(wrong(
                "file",
                "it must be a plain file name ending in .gatipack, beside latest.json",
            ));
        }
        Ok(latest)
    }

    pub fn parsed_version(&self) -> PackVersion {
        PackVersion::parse(&self.version).expect("checked when read")
    }
}

/// Puts a signed pack file in a channel folder and writes `latest.json` to name it: the pack
/// first, so that `latest.json` never names a file that is not complete. Editors copy the folder
/// to their web server or share.
pub fn publish(pack: &Path, to: &Path, today: NaiveDate) -> Result<Latest> {
    let opened = PackFile::open(pack, today)?;
    if opened.signature.is_none() {
        return Err(Error::Untrusted {
            path: pack.to_path_buf(),
            reason: "it is not signed, and schools install only signed packs; build it with \
                     `gati pack build --sign KEY`"
                .into(),
        });
    }
    let info = &opened.manifest.info;
    let bytes = fs::read(pack).at(pack)?;
    let latest = Latest {
        id: info.id.clone(),
        version: info.version.clone(),
        date: opened.manifest.created.date_naive(),
        size: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(&bytes)),
        file: format!("{}-{}.gatipack", info.id, info.version),
    };
    fs::create_dir_all(to).at(to)?;
    crate::files::write_whole(&to.join(&latest.file), &bytes)?;
    let json = serde_json::to_vec_pretty(&latest).expect("latest.json serialises");
    crate::files::write_whole(&to.join(LATEST), &json)?;
    Ok(latest)
}

/// What a check of the update location found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum UpdateCheck {
    /// The installed pack is the newest (or newer than the location's).
    UpToDate { latest: Latest },
    /// A newer pack is there.
    Available { latest: Latest },
}

/// The installed pack's update location, if it names one.
pub fn channel_of(installed: &PackMeta) -> Result<Channel> {
    let from = installed.update_from.as_deref().ok_or_else(|| {
        Error::NotFound(format!(
            "pack {} names no update location; install new packs from a file",
            echo(&installed.version)
        ))
    })?;
    Channel::parse(from).map_err(|why| Error::BadUpdate {
        from: echo(from),
        reason: why,
    })
}

/// Reads the installed pack's update location and compares what it offers with what is
/// installed. An offer of another publisher's pack is refused: a channel can only update its
/// own pack.
pub fn check_installed(installed: &PackMeta, timeouts: Timeouts) -> Result<(Channel, UpdateCheck)> {
    let channel = channel_of(installed)?;
    let latest = check(&channel, timeouts)?;
    if latest.id != installed.pack_id {
        return Err(channel.bad(format!(
            "it offers pack `{}`, and the installed pack is `{}`",
            latest.id, installed.pack_id
        )));
    }
    let newer = match PackVersion::parse(&installed.version) {
        Ok(have) => latest.parsed_version() > have,
        Err(_) => true,
    };
    let found = if newer {
        UpdateCheck::Available { latest }
    } else {
        UpdateCheck::UpToDate { latest }
    };
    Ok((channel, found))
}

/// How long to wait for a server. The defaults suit a school's connection; tests shorten them.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// The longest wait for any one read: a server that stops sending is given up on.
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(30),
        }
    }
}

/// Reads a channel's `latest.json`.
pub fn check(channel: &Channel, timeouts: Timeouts) -> Result<Latest> {
    let mut bytes = Vec::new();
    fetch(
        channel,
        LATEST,
        MAX_LATEST_BYTES,
        timeouts,
        &mut bytes,
        &mut |_| {},
    )?;
    Latest::parse(&bytes).map_err(|why| channel.bad(why))
}

/// Streams the pack file `latest` names into `sink`, refusing more bytes than it states or a
/// different hash. `progress` is told the bytes received so far.
pub fn download(
    channel: &Channel,
    latest: &Latest,
    timeouts: Timeouts,
    sink: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    let mut hashing = HashingWriter {
        inner: sink,
        hash: Sha256::new(),
        written: 0,
    };
    fetch(
        channel,
        &latest.file,
        latest.size,
        timeouts,
        &mut hashing,
        progress,
    )?;
    if hashing.written != latest.size {
        return Err(channel.bad(format!(
            "the download ended after {} of {} bytes",
            hashing.written, latest.size
        )));
    }
    if hex::encode(hashing.hash.finalize()) != latest.sha256 {
        return Err(channel.bad(format!(
            "the downloaded {} does not match the SHA-256 in {LATEST}",
            latest.file
        )));
    }
    Ok(())
}

struct HashingWriter<'a> {
    inner: &'a mut dyn Write,
    hash: Sha256,
    written: u64,
}

impl Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Copies the file `name` of the channel into `sink`, at most `cap` bytes: one byte more is an
/// error, so a server cannot fill the disk.
fn fetch(
    channel: &Channel,
    name: &str,
    cap: u64,
    timeouts: Timeouts,
    sink: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    match channel {
        Channel::Folder(dir) => {
            let path = dir.join(name);
            let file = fs::File::open(&path).map_err(|e| {
                channel.unreachable(format!("{} cannot be opened ({e})", path.display()))
            })?;
            copy_capped(channel, file, cap, sink, progress)
        }
        Channel::Web(base) => {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_connect(Some(timeouts.connect))
                .timeout_per_read(Some(timeouts.read))
                .max_redirects(0)
                .http_status_as_error(false)
                .https_only(false)
                .user_agent(concat!("GATI/", env!("CARGO_PKG_VERSION")))
                .build()
                .into();
            let mut url = format!("{base}{name}");
            for _ in 0..=MAX_REDIRECTS {
                check_address(&url).map_err(|why| channel.bad(why))?;
                let response = agent
                    .get(&url)
                    .call()
                    .map_err(|e| channel.unreachable(echo(&e.to_string())))?;
                let status = response.status();
                if status.is_redirection() {
                    let to = response
                        .headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .ok_or_else(|| channel.bad("it redirected to nowhere"))?;
                    url = resolve(&url, to);
                    continue;
                }
                if !status.is_success() {
                    return Err(channel.unreachable(format!("{} answered {status}", echo(&url))));
                }
                let body = response.into_body().into_reader();
                return copy_capped(channel, body, cap, sink, progress);
            }
            Err(channel.bad(format!("it redirected more than {MAX_REDIRECTS} times")))
        }
    }
}

/// A redirect's target as a whole address: `to` may be absolute, or a path on the same server.
fn resolve(from: &str, to: &str) -> String {
    if to.contains("://") {
        return to.to_string();
    }
    let scheme_end = from.find("://").map_or(0, |i| i + 3);
    let host_end = from[scheme_end..]
        .find('/')
        .map_or(from.len(), |i| scheme_end + i);
    if to.starts_with('/') {
        format!("{}{to}", &from[..host_end])
    } else {
        let dir_end = from
            .rfind('/')
            .filter(|&i| i >= host_end)
            .map_or(host_end, |i| i);
        format!("{}/{to}", &from[..dir_end])
    }
}

fn copy_capped(
    channel: &Channel,
    mut from: impl Read,
    cap: u64,
    sink: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = from
            .read(&mut buf)
            .map_err(|e| channel.unreachable(format!("the download stopped: {e}")))?;
        if n == 0 {
            return Ok(());
        }
        total += n as u64;
        if total > cap {
            return Err(channel.bad(format!("it sent more than the {cap} bytes it stated")));
        }
        sink.write_all(&buf[..n]).map_err(|e| Error::Io {
            path: "the downloaded pack".into(),
            cause: e,
        })?;
        progress(total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_https_or_this_computer_is_allowed() {
        for ok in [
            "https://packs.example.org/gati",
            "http://127.0.0.1:8080/gati",
            "http://localhost/gati",
            "http://[::1]:9000/",
        ] {
            assert!(check_address(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://packs.example.org/gati",
            "http://127.0.0.1.evil.example/",
            "http://localhost.evil.example/",
            "http://localhost@evil.example/",
            "ftp://example.org/",
            "https://",
            "file:///etc",
        ] {
            assert!(check_address(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Channel::parse("https://x.example/packs").unwrap(),
            Channel::Web("https://x.example/packs/".into())
        );
        assert!(Channel::parse("packs/here").is_err());
    }

    #[test]
    fn redirects_resolve_against_the_address() {
        let from = "https://a.example/packs/latest.json";
        assert_eq!(resolve(from, "https://b.example/x"), "https://b.example/x");
        assert_eq!(resolve(from, "/other/y"), "https://a.example/other/y");
        assert_eq!(resolve(from, "z.json"), "https://a.example/packs/z.json");
    }

    #[test]
    fn latest_json_is_checked_field_by_field() {
        let good = r#"{"id":"gati","version":"2026.12.0","date":"2026-12-01","size":10,
            "sha256":"0000000000000000000000000000000000000000000000000000000000000000",
            "file":"gati-2026.12.0.gatipack"}"#;
        assert!(Latest::parse(good.as_bytes()).is_ok());
        for (from, to) in [
            ("\"gati-2026.12.0.gatipack\"", "\"../etc/passwd\""),
            ("\"gati-2026.12.0.gatipack\"", "\"x.exe\""),
            ("\"size\":10", "\"size\":0"),
            ("\"version\":\"2026.12.0\"", "\"version\":\"latest\""),
            ("\"id\":\"gati\"", "\"id\":\"Gati Pack\""),
            (
                "0000000000000000000000000000000000000000000000000000000000000000",
                "00",
            ),
        ] {
            let bad = good.replace(from, to);
            assert!(Latest::parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_an_address_or_a_reason(text in any::<String>()) {
            let _ = Channel::parse(&text);
            let _ = resolve("https://a.example/p/latest.json", &text);
        }

        #[test]
        fn any_bytes_are_a_latest_json_or_a_reason(bytes in any::<Vec<u8>>()) {
            let _ = Latest::parse(&bytes);
        }
    }
}
