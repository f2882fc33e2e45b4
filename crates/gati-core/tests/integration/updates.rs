//! Trusted pack updates: which packs are admitted, the update channel and its faults, what's new,
//! and going back. Every refusal leaves the installed pack in use and the library as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::http::{Behaviour, Server};
use crate::support::{
    build_pack, build_pack_signed_by, copy_dir, installed_mini, mini_sources, sources_with, today,
};
use gati_core::library::{Consent, Library};
use gati_core::signing::{self, KeySource, SecretKey};
use gati_core::update::{self, Channel, Timeouts, UpdateCheck};
use gati_core::views::shortlist;
use gati_core::{Error, ErrorCode};

/// What the library holds, to check that a refusal changed nothing.
fn snapshot(library: &Library) -> (String, Vec<String>) {
    let root = library.root();
    let mut names: Vec<String> = fs::read_dir(root.join("packs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut top: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    top.sort();
    names.extend(top);
    (fs::read_to_string(root.join("current")).unwrap(), names)
}

/// The mini pack's sources with `pack.toml` lines changed, built and signed by the dev key.
fn mini_pack(dir: &Path, name: &str, pack_toml: &[(&str, &str)]) -> PathBuf {
    let sources = dir.join(format!("{name}-sources"));
    sources_with(&mini_sources(), &sources, pack_toml);
    let pack = dir.join(format!("{name}.gatipack"));
    build_pack(&sources, &pack);
    pack
}

fn refused(library: &Library, pack: &Path, consent: Consent) -> Error {
    let before = snapshot(library);
    let err = library
        .install(pack, today(), consent, &mut |_| {})
        .unwrap_err();
    assert_eq!(
        snapshot(library),
        before,
        "a refusal changed the library: {err}"
    );
    assert_eq!(library.installed().unwrap().unwrap().version, "1.0.0");
    err
}

/// A second publisher's key pair, written to `dir`.
fn other_key(dir: &Path) -> (SecretKey, String) {
    let pair = signing::new_key_pair("other".into(), "Another publisher").unwrap();
    let path = dir.join("other.key");
    fs::write(&path, &pair.secret).unwrap();
    (SecretKey::open(&path, "other".into()).unwrap(), pair.public)
}

#[test]
fn only_signed_newer_packs_of_the_same_publisher_install() {
    let installed = installed_mini();
    let (library, dir) = (&installed.library, installed.dir.path());

    // Unsigned: refused, unless an editor previews their own build.
    let unsigned = dir.join("unsigned.gatipack");
    let sources = dir.join("unsigned-sources");
    sources_with(&mini_sources(), &sources, &[("version", "1.1.0")]);
    build_pack_signed_by(&sources, &unsigned, None);
    let err = refused(library, &unsigned, Consent::default());
    assert_eq!(err.code(), ErrorCode::Untrusted);
    assert!(err.to_string().contains("it is not signed"), "{err}");

    // Signed with a key this computer does not trust: refused, naming the key.
    let (stranger, stranger_public) = other_key(dir);
    let foreign = dir.join("foreign.gatipack");
    build_pack_signed_by(&sources, &foreign, Some(&stranger));
    let err = refused(library, &foreign, Consent::default());
    assert_eq!(err.code(), ErrorCode::Untrusted);
    assert!(err.to_string().contains(stranger.id()), "{err}");

    // Another publisher's pack, and a version that is not newer: refused with both names.
    let other = mini_pack(dir, "other", &[("id", "other-area"), ("version", "2.0.0")]);
    let err = refused(library, &other, Consent::default());
    assert_eq!(err.code(), ErrorCode::Refused);
    assert!(err.to_string().contains("`other-area`") && err.to_string().contains("`mini`"));
    let same = mini_pack(dir, "same", &[]);
    let err = refused(library, &same, Consent::default());
    assert!(
        err.to_string().contains("version 1.0.0 is installed"),
        "{err}"
    );
    let older = mini_pack(dir, "older", &[("version", "0.9")]);
    refused(library, &older, Consent::default());

    // Trusting the second key admits its pack; the built-in key still works beside it, so a
    // publisher can move from one key to the other.
    let key_file = dir.join("other.pub");
    fs::write(&key_file, &stranger_public).unwrap();
    let added = library.trust_add(&stranger_public).unwrap();
    assert_eq!(added.source, KeySource::Added);
    library
        .install(&foreign, today(), Consent::default(), &mut |_| {})
        .unwrap();
    let newer = mini_pack(dir, "newer", &[("version", "1.2.0")]);
    library
        .install(&newer, today(), Consent::default(), &mut |_| {})
        .unwrap();
    assert_eq!(library.installed().unwrap().unwrap().version, "1.2.0");
    assert_eq!(library.trust().unwrap().keys().len(), 2);

    // A damaged key file trusts nothing and stops nothing; a key copied in by hand under
    // another name goes with the key.
    let keys = library.root().join("keys");
    fs::write(keys.join("damaged.pub"), "not a key").unwrap();
    fs::write(keys.join("copied by hand.pub"), &stranger_public).unwrap();
    assert_eq!(library.trust().unwrap().keys().len(), 2);

    // Added keys can be removed; built-in ones cannot.
    library.trust_remove(stranger.id()).unwrap();
    assert!(!keys.join("copied by hand.pub").exists());
    assert!(library.trust().unwrap().get(stranger.id()).is_none());
    let builtin = signing::Trust::built_in().keys()[0].id.clone();
    assert!(library.trust_remove(&builtin).is_err());
    assert!(library.trust_add("not a key").is_err());
}

#[test]
fn a_pack_changed_after_signing_is_refused() {
    let installed = installed_mini();
    let dir = installed.dir.path();
    let newer = mini_pack(dir, "newer", &[("version", "1.1.0")]);
    // A good signature by the trusted key, but of something else.
    let mut records = gati_core::pack::read_raw_records(&newer).unwrap();
    let forged = crate::support::dev_key()
        .sign(b"another pack's hash", "gatipack mini 1.1.0")
        .unwrap();
    records[1].1 = forged.into_bytes();
    let path = dir.join("forged.gatipack");
    gati_core::pack::write_raw_records(&path, &records).unwrap();
    let err = refused(&installed.library, &path, Consent::default());
    assert_eq!(err.code(), ErrorCode::Untrusted);
    assert!(err.to_string().contains("changed after key"), "{err}");
}

#[test]
fn an_update_records_what_changed_and_going_back_is_a_switch() {
    let installed = installed_mini();
    let (library, dir) = (&installed.library, installed.dir.path());
    let user = library.user_db().unwrap();
    user.shortlist_add("worry-time", "2026-11-25").unwrap();
    user.shortlist_add("ear-defenders", "2026-11-25").unwrap();
    // Showing the list keeps each entry's title with it.
    shortlist::shortlist(&library.catalogue().unwrap(), &user).unwrap();
    assert!(library.previous().unwrap().is_none());

    let sources = dir.join("next-sources");
    sources_with(&mini_sources(), &sources, &[("version", "1.1.0")]);
    let worry = sources.join("entries/worry-time.md");
    let text = fs::read_to_string(&worry).unwrap();
    let summary = text.lines().find(|l| l.starts_with("summary")).unwrap();
    fs::write(
        &worry,
        text.replace(summary, "summary = \"A changed summary.\""),
    )
    .unwrap();
    fs::remove_file(sources.join("entries/ear-defenders.md")).unwrap();
    let next = dir.join("next.gatipack");
    build_pack(&sources, &next);
    library
        .install(&next, today(), Consent::default(), &mut |_| {})
        .unwrap();

    let changes = library
        .changes()
        .unwrap()
        .expect("the install recorded its changes");
    assert_eq!(
        (changes.from_version.as_str(), changes.to_version.as_str()),
        ("1.0.0", "1.1.0")
    );
    let worry = changes
        .changed
        .iter()
        .find(|c| c.id == "worry-time")
        .unwrap();
    assert_eq!(worry.fields, ["summary"]);
    assert!(changes.added.is_empty());
    let removed: Vec<&str> = changes.removed.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(removed, ["ear-defenders"]);
    assert_eq!(library.previous().unwrap().unwrap().version, "1.0.0");

    // The shortlisted entry the new pack left out stays, marked, with the title it had.
    let cards = shortlist::shortlist(&library.catalogue().unwrap(), &user).unwrap();
    let gone = cards.iter().find(|c| c.card.id == "ear-defenders").unwrap();
    assert!(gone.gone);
    assert_eq!(gone.card.title, "Ear defenders and quiet spaces");

    // Going back switches to the kept pack; the shortlist, the user's data, is untouched.
    let back = library.go_back().unwrap();
    assert_eq!(back.version, "1.0.0");
    assert_eq!(library.installed().unwrap().unwrap().version, "1.0.0");
    assert_eq!(library.catalogue().unwrap().meta().version, "1.0.0");
    assert!(
        library.previous().unwrap().is_none(),
        "nothing older to go back to"
    );
    assert!(library.go_back().is_err());
    assert_eq!(user.shortlist().unwrap().len(), 2);

    // Updating again undoes it.
    library
        .install(&next, today(), Consent::default(), &mut |_| {})
        .unwrap();
    assert_eq!(library.installed().unwrap().unwrap().version, "1.1.0");
}

/// A library with mini 1.0.0 installed whose pack names `from` as its update location, and a
/// channel folder holding 1.1.0, published with `gati publish`'s function.
struct Channelled {
    installed: crate::support::Installed,
    folder: PathBuf,
}

fn channelled(from: impl FnOnce(&Path) -> String) -> Channelled {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("channel");
    fs::create_dir_all(&folder).unwrap();
    let from = from(&folder);
    let first = mini_pack(dir.path(), "first", &[("update_from", &from)]);
    let library = Library::create(&dir.path().join("library")).unwrap();
    library
        .install(&first, today(), Consent::default(), &mut |_| {})
        .unwrap();
    let next = mini_pack(
        dir.path(),
        "next",
        &[("update_from", &from), ("version", "1.1.0")],
    );
    let latest = update::publish(&next, &folder, today()).unwrap();
    assert_eq!(latest.file, "mini-1.1.0.gatipack");
    Channelled {
        installed: crate::support::Installed {
            dir,
            library,
            pack: first,
        },
        folder,
    }
}

fn quick() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        read: Duration::from_millis(700),
    }
}

/// Checks the channel and installs what it offers.
fn update_now(library: &Library) -> Result<(), Error> {
    let installed = library.installed()?.unwrap();
    let (channel, found) = update::check_installed(&installed, quick())?;
    let UpdateCheck::Available { latest } = found else {
        panic!("no update offered: {found:?}");
    };
    let mut seen = Vec::new();
    library.install_update(&channel, &latest, quick(), today(), &mut |p| seen.push(p))?;
    assert!(
        seen.iter()
            .any(|p| matches!(p, gati_core::library::Progress::Downloading { .. }))
    );
    Ok(())
}

/// Checks that a failed update left 1.0.0 in use and no download behind.
fn assert_untouched(library: &Library) {
    assert_eq!(library.installed().unwrap().unwrap().version, "1.0.0");
    let leftovers: Vec<_> = fs::read_dir(library.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".upload"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_update_arrives_from_a_web_address_and_from_a_folder() {
    let server_folder = tempfile::tempdir().unwrap();
    let server = Server::start(server_folder.path().to_path_buf(), Behaviour::Serve);
    let web = channelled(|folder| {
        // The server serves the channel folder, wherever the test made it.
        fs::remove_dir(server_folder.path()).unwrap();
        std::os::unix::fs::symlink(folder, server_folder.path()).unwrap();
        server.base.clone()
    });
    update_now(&web.installed.library).unwrap();
    assert_eq!(
        web.installed.library.installed().unwrap().unwrap().version,
        "1.1.0"
    );
    let installed = web.installed.library.installed().unwrap().unwrap();
    let (_, found) = update::check_installed(&installed, quick()).unwrap();
    assert!(matches!(found, UpdateCheck::UpToDate { .. }));

    let shared = channelled(|folder| folder.display().to_string());
    update_now(&shared.installed.library).unwrap();
    assert_eq!(
        shared
            .installed
            .library
            .installed()
            .unwrap()
            .unwrap()
            .version,
        "1.1.0"
    );
    assert!(shared.folder.join("latest.json").is_file());
}

#[test]
fn a_faulty_server_or_channel_installs_nothing() {
    let cases: Vec<(&str, Behaviour, ErrorCode, &str)> = vec![
        (
            "cut short",
            Behaviour::CutShort,
            ErrorCode::Unreachable,
            "download stopped",
        ),
        (
            "too much",
            Behaviour::TooMuch,
            ErrorCode::BadUpdate,
            "more than the",
        ),
        ("silent", Behaviour::Silent, ErrorCode::Unreachable, ""),
        (
            "http redirect",
            Behaviour::RedirectTo("http://packs.example.org/packs/latest.json".into()),
            ErrorCode::BadUpdate,
            "plain http://",
        ),
    ];
    for (what, behaviour, code, words) in cases {
        let served = tempfile::tempdir().unwrap();
        let server = Server::start(served.path().to_path_buf(), behaviour);
        let c = channelled(|folder| {
            fs::remove_dir(served.path()).unwrap();
            std::os::unix::fs::symlink(folder, served.path()).unwrap();
            server.base.clone()
        });
        let err = update_now(&c.installed.library).unwrap_err();
        assert_eq!(err.code(), code, "{what}: {err}");
        assert!(err.to_string().contains(words), "{what}: {err}");
        assert_untouched(&c.installed.library);
    }
}

#[test]
fn a_wrong_latest_json_or_pack_installs_nothing() {
    // Each change to the channel folder, and the words the refusal must hold.
    type Spoil = fn(&Path);
    let cases: Vec<(&str, Spoil, &str)> = vec![
        (
            "malformed",
            |f| fs::write(f.join("latest.json"), "{\"id\": ").unwrap(),
            "cannot be read",
        ),
        (
            "wrong sha256",
            |f| {
                let text = fs::read_to_string(f.join("latest.json")).unwrap();
                let sha = text.split("\"sha256\": \"").nth(1).unwrap()[..64].to_string();
                fs::write(f.join("latest.json"), text.replace(&sha, &"0".repeat(64))).unwrap();
            },
            "does not match the SHA-256",
        ),
        (
            "another publisher",
            |f| {
                let text = fs::read_to_string(f.join("latest.json")).unwrap();
                fs::write(
                    f.join("latest.json"),
                    text.replace("\"id\": \"mini\"", "\"id\": \"other\""),
                )
                .unwrap();
            },
            "offers pack `other`",
        ),
        (
            "truncated file",
            |f| {
                let pack = f.join("mini-1.1.0.gatipack");
                let bytes = fs::read(&pack).unwrap();
                fs::write(&pack, &bytes[..bytes.len() - 100]).unwrap();
            },
            "ended after",
        ),
        (
            "no channel",
            |f| fs::remove_dir_all(f).unwrap(),
            "cannot be opened",
        ),
    ];
    for (what, spoil, words) in cases {
        let c = channelled(|folder| folder.display().to_string());
        spoil(&c.folder);
        let err = update_now(&c.installed.library).unwrap_err();
        assert!(err.to_string().contains(words), "{what}: {err}");
        assert_untouched(&c.installed.library);
    }
}

#[test]
fn a_disk_that_fills_during_a_download_is_an_error_not_a_partial_pack() {
    let c = channelled(|folder| folder.display().to_string());
    let channel = Channel::Folder(c.folder.clone());
    let latest = update::check(&channel, quick()).unwrap();
    /// Takes 1,000 bytes, then reports a full disk.
    struct FullDisk(usize);
    impl std::io::Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0 + buf.len() > 1000 {
                return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
            }
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let err =
        update::download(&channel, &latest, quick(), &mut FullDisk(0), &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Io, "{err}");
    assert_untouched(&c.installed.library);
}

#[test]
fn publishing_refuses_an_unsigned_pack() {
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("s");
    copy_dir(&mini_sources(), &sources);
    let pack = dir.path().join("unsigned.gatipack");
    build_pack_signed_by(&sources, &pack, None);
    let err = update::publish(&pack, &dir.path().join("out"), today()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Untrusted);
    assert!(!dir.path().join("out/latest.json").exists());
}

#[test]
fn the_pack_status_says_when_to_check_and_when_the_pack_is_old() {
    use gati_core::views::pack_status;
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pack = mini_pack(
        dir.path(),
        "fresh-for",
        &[
            ("stale_after", "3 weeks"),
            ("update_from", "https://packs.example.org/mini"),
        ],
    );
    let library = Library::create(&dir.path().join("library")).unwrap();
    library
        .install(&pack, today(), Consent::default(), &mut |_| {})
        .unwrap();
    let user = library.user_db().unwrap();

    // Built on 25 November, fresh for three weeks: old from 16 December.
    let status = pack_status::pack_status(&library, &user, day(15)).unwrap();
    assert_eq!(status.stale_since, None);
    assert!(
        status.check_on_start && status.check_due,
        "on by default with a location"
    );
    let status = pack_status::pack_status(&library, &user, day(16)).unwrap();
    assert_eq!(status.stale_since, Some(day(16)));

    // Looked today: not again until tomorrow; turned off: never.
    pack_status::record_check(&user, day(16)).unwrap();
    assert!(
        !pack_status::pack_status(&library, &user, day(16))
            .unwrap()
            .check_due
    );
    assert!(
        pack_status::pack_status(&library, &user, day(17))
            .unwrap()
            .check_due
    );
    pack_status::set_check_on_start(&user, false).unwrap();
    assert!(
        !pack_status::pack_status(&library, &user, day(17))
            .unwrap()
            .check_due
    );

    // A first install has nothing new to show; an update does, until it is dismissed.
    assert!(pack_status::whats_new(&library, &user).unwrap().is_none());
    let sources = dir.path().join("next-sources");
    sources_with(&mini_sources(), &sources, &[("version", "1.1.0")]);
    let worry = sources.join("entries/worry-time.md");
    let text = fs::read_to_string(&worry).unwrap();
    let summary = text.lines().find(|l| l.starts_with("summary")).unwrap();
    fs::write(&worry, text.replace(summary, "summary = \"Changed.\"")).unwrap();
    let next = dir.path().join("next.gatipack");
    build_pack(&sources, &next);
    library
        .install(&next, today(), Consent::default(), &mut |_| {})
        .unwrap();
    let new = pack_status::whats_new(&library, &user)
        .unwrap()
        .expect("what changed");
    assert_eq!(new.changed[0].id, "worry-time");
    pack_status::dismiss_whats_new(&library, &user).unwrap();
    assert!(pack_status::whats_new(&library, &user).unwrap().is_none());
}
