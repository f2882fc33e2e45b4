//! The library on disk: installs switch atomically, readers are never blocked, the user's data is
//! never touched, and the search index is rebuilt whenever it cannot be trusted.

use std::fs;

use crate::support::{ANY_SIGNED, build_pack, installed_mini, mini_sources, synthetic, today};
use gati_core::library::{Library, Progress};
use gati_core::search::SearchRequest;
use gati_core::{Error, ErrorCode};

fn total(library: &Library) -> usize {
    library
        .catalogue()
        .unwrap()
        .search(&SearchRequest::default())
        .unwrap()
        .total
}

#[test]
fn an_empty_library_says_how_to_install_a_pack() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::create(dir.path()).unwrap();
    let err = library.catalogue().err().expect("no pack yet");
    assert_eq!(err.code(), ErrorCode::EmptyLibrary);
    assert!(err.to_string().contains("gati install"), "{err}");
}

#[test]
fn installs_and_reads_back_entries_and_attachments() {
    let installed = installed_mini();
    let catalogue = installed.library.catalogue().unwrap();
    assert_eq!(catalogue.meta().pack_id, "mini");
    assert_eq!(catalogue.meta().entry_count, 10);
    let entry = catalogue.entry("duty-line").unwrap();
    assert_eq!(entry.service.unwrap().contacts[0].value, "01752 668000");
    let (attachment, bytes) = catalogue
        .attachment("dyslexia-screening", "reading-checklist.html")
        .unwrap();
    assert_eq!(attachment.media_type, "text/html");
    assert_eq!(bytes.len() as u64, attachment.size);
    assert!(matches!(catalogue.entry("nope"), Err(Error::NotFound(_))));
    let stats = catalogue.stats().unwrap();
    let kinds = &stats.counts.iter().find(|(f, _)| f == "kinds").unwrap().1;
    assert!(kinds.contains(&("strategy".to_string(), 4)), "{kinds:?}");
}

#[test]
fn a_second_install_switches_and_keeps_one_previous_generation() {
    let installed = installed_mini();
    let library = &installed.library;
    let taxonomy = library.catalogue().unwrap().taxonomy().clone();
    for seed in 1..=3 {
        let pack = installed.dir.path().join(format!("gen{seed}.gatipack"));
        synthetic::build_pack(&taxonomy, 25, seed, &pack);
        library
            .install(&pack, today(), ANY_SIGNED, &mut |_| {})
            .unwrap();
        assert_eq!(total(library), 25);
        assert_eq!(
            library.catalogue().unwrap().meta().version,
            seed.to_string()
        );
    }
    let generations: Vec<String> = fs::read_dir(library.root().join("packs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(generations.len(), 2, "{generations:?}");
}

#[test]
fn installing_never_touches_the_user_database() {
    let installed = installed_mini();
    let library = &installed.library;
    {
        let db = library.user_db().unwrap();
        db.set_setting("theme", "\"cream\"").unwrap();
        db.shortlist_add("worry-time", "2026-11-25").unwrap();
    }
    let user_files = |lib: &Library| -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
        let mut files: Vec<_> = fs::read_dir(lib.root())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("user.db")
            })
            .map(|p| {
                (
                    p.display().to_string(),
                    fs::read(&p).unwrap(),
                    fs::metadata(&p).unwrap().modified().unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = user_files(library);
    assert!(!before.is_empty());
    let pack = installed.dir.path().join("again.gatipack");
    build_pack(&mini_sources(), &pack);
    library
        .install(&pack, today(), ANY_SIGNED, &mut |_| {})
        .unwrap();
    assert_eq!(user_files(library), before);
    let db = library.user_db().unwrap();
    assert_eq!(db.setting("theme").unwrap().as_deref(), Some("\"cream\""));
    assert_eq!(db.shortlist().unwrap()[0].entry_id, "worry-time");
}

#[test]
fn readers_keep_working_during_and_after_an_install() {
    let installed = installed_mini();
    let library = &installed.library;
    let reader = library.catalogue().unwrap();
    let taxonomy = reader.taxonomy().clone();
    let pack = installed.dir.path().join("big.gatipack");
    synthetic::build_pack(&taxonomy, 3000, 42, &pack);

    let mut checked = Vec::new();
    library
        .install(&pack, today(), ANY_SIGNED, &mut |p| {
            // In the middle of writing and indexing, the old pack still answers, both through a
            // reader opened before the install and through one opened now.
            if matches!(
                p,
                Progress::WritingDatabase { .. } | Progress::BuildingIndex { .. }
            ) {
                assert_eq!(reader.search(&SearchRequest::default()).unwrap().total, 10);
                assert_eq!(total(library), 10);
                checked.push(p);
            }
        })
        .unwrap();
    assert!(checked.len() >= 2, "{checked:?}");
    assert_eq!(
        reader.search(&SearchRequest::default()).unwrap().total,
        10,
        "an open reader keeps its pack"
    );
    assert_eq!(reader.entry("worry-time").unwrap().title, "Worry time");
    assert_eq!(total(library), 3000, "a new reader sees the new pack");
}

fn index_dir(library: &Library) -> std::path::PathBuf {
    let current = fs::read_to_string(library.root().join("current")).unwrap();
    library
        .root()
        .join("packs")
        .join(current.trim())
        .join("index")
}

#[test]
fn a_missing_index_is_rebuilt() {
    let installed = installed_mini();
    fs::remove_dir_all(index_dir(&installed.library)).unwrap();
    assert_eq!(total(&installed.library), 10);
    assert!(index_dir(&installed.library).join("meta.json").is_file());
}

#[test]
fn a_corrupt_index_is_rebuilt() {
    let installed = installed_mini();
    let dir = index_dir(&installed.library);
    fs::write(dir.join("meta.json"), b"{ not json").unwrap();
    assert_eq!(total(&installed.library), 10);

    // Damage the segment files themselves, leaving meta.json intact.
    for item in fs::read_dir(&dir).unwrap() {
        let path = item.unwrap().path();
        if path
            .extension()
            .is_some_and(|e| e == "fast" || e == "store")
        {
            fs::write(&path, b"garbage").unwrap();
        }
    }
    assert_eq!(total(&installed.library), 10);
}

#[test]
fn a_stale_index_is_rebuilt() {
    let installed = installed_mini();
    let dir = index_dir(&installed.library);
    let meta_path = dir.join("meta.json");
    let meta = fs::read_to_string(&meta_path).unwrap();
    // An index that claims to come from other content must not be trusted.
    let payload_start = meta
        .find("content_hash")
        .expect("the payload names the content hash");
    let stale = format!(
        "{}content_hasX{}",
        &meta[..payload_start],
        &meta[payload_start + "content_hash".len()..]
    );
    fs::write(&meta_path, stale).unwrap();
    assert_eq!(total(&installed.library), 10);
    let rebuilt = fs::read_to_string(&meta_path).unwrap();
    assert!(
        rebuilt.contains("content_hash"),
        "the rebuilt index carries fresh provenance"
    );
}

#[test]
fn reindex_rebuilds_on_demand() {
    let installed = installed_mini();
    let mut catalogue = installed.library.catalogue().unwrap();
    // The open catalogue keeps its files; the index on disk is gone until reindex writes it.
    let dir = index_dir(&installed.library);
    fs::remove_dir_all(&dir).unwrap();
    catalogue.reindex().unwrap();
    assert!(dir.join("meta.json").is_file(), "reindex wrote a new index");
    assert_eq!(
        catalogue.search(&SearchRequest::default()).unwrap().total,
        10
    );
}

#[test]
fn an_index_folder_replaced_by_a_file_is_rebuilt() {
    let installed = installed_mini();
    let dir = index_dir(&installed.library);
    fs::remove_dir_all(&dir).unwrap();
    fs::write(&dir, b"not an index").unwrap();
    assert_eq!(total(&installed.library), 10);
    assert!(dir.is_dir());
}

#[test]
fn a_damaged_database_is_reported_with_what_to_do() {
    let installed = installed_mini();
    let db = index_dir(&installed.library).with_file_name("pack.db");
    let mut bytes = fs::read(&db).unwrap();
    // Keep the header, damage the pages after it.
    for b in bytes.iter_mut().skip(4096).step_by(7) {
        *b ^= 0x5a;
    }
    fs::write(&db, bytes).unwrap();
    let err = installed
        .library
        .catalogue()
        .err()
        .expect("damage is noticed at open");
    assert_eq!(err.code(), ErrorCode::Storage, "{err}");
    assert!(err.to_string().contains("install the pack again"), "{err}");
}

#[test]
fn read_commands_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    assert!(matches!(
        Library::open(&missing),
        Err(Error::EmptyLibrary(_))
    ));
    assert!(!missing.exists());
}

#[test]
fn leftovers_of_interrupted_installs_go_at_start_and_generations_follow_current() {
    let installed = installed_mini();
    let root = installed.library.root().to_path_buf();
    let packs = root.join("packs");
    let current = fs::read_to_string(root.join("current")).unwrap();
    // What a kill can leave: a staging folder, an upload and an orphan generation numbered after
    // the one in use.
    fs::create_dir_all(packs.join(".staging-gen-000041/index")).unwrap();
    fs::create_dir_all(root.join(".upload-x1")).unwrap();
    fs::create_dir_all(packs.join("gen-000040")).unwrap();
    let library = Library::create(&root).unwrap();
    assert!(!packs.join(".staging-gen-000041").exists());
    assert!(!root.join(".upload-x1").exists());

    let taxonomy = library.catalogue().unwrap().taxonomy().clone();
    let pack = installed.dir.path().join("next.gatipack");
    synthetic::build_pack(&taxonomy, 12, 7, &pack);
    library
        .install(&pack, today(), ANY_SIGNED, &mut |_| {})
        .unwrap();
    let mut generations: Vec<String> = fs::read_dir(&packs)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    generations.sort();
    let now = fs::read_to_string(root.join("current")).unwrap();
    // The one that was current stays for its readers; the orphan goes, although it is newer.
    assert_eq!(generations, [current, now], "{generations:?}");
}

#[test]
fn a_failed_install_leaves_nothing_behind() {
    let installed = installed_mini();
    let packs = installed.library.root().join("packs");
    let listing = || {
        let mut names: Vec<String> = fs::read_dir(&packs)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let before = listing();
    // Once the database and index are written, something takes the name the new generation
    // needs, so the install fails at its last step before the switch.
    let blocker = packs.join("gen-000002");
    let err = installed
        .library
        .install(&installed.pack, today(), ANY_SIGNED, &mut |p| {
            if matches!(p, Progress::BuildingIndex { .. }) && !blocker.exists() {
                fs::write(&blocker, b"in the way").unwrap();
            }
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Io, "{err}");
    fs::remove_file(&blocker).unwrap();
    assert_eq!(listing(), before, "the staging folder is gone");
    assert_eq!(total(&installed.library), 10);
}

#[test]
fn attachments_open_only_by_their_own_names() {
    let installed = installed_mini();
    let library = &installed.library;
    let catalogue = library.catalogue().unwrap();
    fs::write(library.root().join("secret.txt"), b"not for opening").unwrap();
    for name in [
        "../../user.db",
        "../secret.txt",
        "",
        "reading-checklist.pdf",
    ] {
        let err = library
            .attachment_copy(&catalogue, "dyslexia-screening", name)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotFound, "{name}: {err}");
    }
    let copy = library
        .attachment_copy(&catalogue, "dyslexia-screening", "reading-checklist.html")
        .unwrap();
    assert!(copy.starts_with(library.root().join("opened")));
    let (_, bytes) = catalogue
        .attachment("dyslexia-screening", "reading-checklist.html")
        .unwrap();
    assert_eq!(fs::read(&copy).unwrap(), bytes);
}

#[test]
fn a_pack_received_as_bytes_is_named_as_the_person_chose_it() {
    let installed = installed_mini();
    let bytes = fs::read(&installed.pack).unwrap();
    let err = installed
        .library
        .install_bytes(
            "my pack.gatipack",
            &bytes[..bytes.len() / 2],
            today(),
            ANY_SIGNED,
            &mut |_| {},
        )
        .unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("my pack.gatipack: "), "{message}");
    assert!(!message.contains(".upload-"), "{message}");
    let leftovers: Vec<_> = fs::read_dir(installed.library.root())
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|n| n.starts_with(".upload-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(total(&installed.library), 10);
}
