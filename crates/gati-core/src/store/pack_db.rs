//! The database of one installed pack. It is written once, by an install, into a fresh file, and
//! only read after that; an install never writes to a database that readers are using.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;

use super::migrations::{self, Migration};
use crate::entry::Entry;
use crate::error::{AtPath, Error, Result};
use crate::pack::{Manifest, PackFile};
use crate::taxonomy::{Family, Taxonomy};

const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "pack tables",
    sql: "
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE taxonomy (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL);
        -- `data` is the whole entry as JSON; the other columns exist to be queried.
        CREATE TABLE entries (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            review_by TEXT NOT NULL,
            owner TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE TABLE entry_codes (
            entry_id TEXT NOT NULL REFERENCES entries(id),
            family TEXT NOT NULL,
            code TEXT NOT NULL,
            PRIMARY KEY (entry_id, family, code)
        ) WITHOUT ROWID;
        CREATE INDEX entry_codes_by_code ON entry_codes (family, code);
        CREATE TABLE attachments (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
    ",
}];

/// What the library knows about the installed pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackMeta {
    pub pack_id: String,
    pub title: String,
    pub publisher: String,
    pub version: String,
    pub created: String,
    pub installed: String,
    pub schema_version: u32,
    pub entry_count: usize,
    pub content_hash: String,
    /// The key that signed the pack, when it was signed.
    pub key_id: Option<String>,
    /// Where newer packs are published (`update_from` in `pack.toml`).
    pub update_from: Option<String>,
    /// How long the pack stays fresh (`stale_after` in `pack.toml`).
    pub stale_after: Option<String>,
    /// Where "Suggest a change" writes to (`feedback` in `pack.toml`).
    pub feedback: Option<String>,
}

pub struct PackDb {
    conn: Connection,
    path: PathBuf,
}

impl PackDb {
    /// Writes `pack` into a new database at `path`. `progress(done, total)` is called as entries
    /// are written.
    pub fn create(
        path: &Path,
        pack: &PackFile,
        installed: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<()> {
        let mut conn = Connection::open(path).at(path)?;
        migrations::apply(&mut conn, path, MIGRATIONS)?;
        let tx = conn.transaction().at(path)?;
        write_meta(&tx, &pack.manifest, installed).at(path)?;
        tx.execute(
            "INSERT INTO taxonomy (id, data) VALUES (1, ?1)",
            [serde_json::to_string(&pack.taxonomy).expect("taxonomy serialises")],
        )
        .at(path)?;
        {
            let mut entry_stmt = tx
                .prepare("INSERT INTO entries (id, kind, title, review_by, owner, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .at(path)?;
            let mut code_stmt = tx
                .prepare("INSERT INTO entry_codes (entry_id, family, code) VALUES (?1, ?2, ?3)")
                .at(path)?;
            let mut attachment_stmt = tx
                .prepare("INSERT OR IGNORE INTO attachments (sha256, data) VALUES (?1, ?2)")
                .at(path)?;
            let total = pack.entries.len();
            for (n, e) in pack.entries.iter().enumerate() {
                let data = serde_json::to_string(e).expect("entry serialises");
                entry_stmt
                    .execute(params![
                        e.id,
                        e.kind,
                        e.title,
                        e.review_by.to_string(),
                        e.owner,
                        data
                    ])
                    .at(path)?;
                for family in Family::ALL {
                    for code in e.codes(family) {
                        code_stmt
                            .execute(params![e.id, family.key(), code])
                            .at(path)?;
                    }
                }
                for a in &e.attachments {
                    attachment_stmt
                        .execute(params![a.sha256, pack.read_attachment(&a.sha256)?])
                        .at(path)?;
                }
                if n % 1000 == 999 || n + 1 == total {
                    progress(n + 1, total);
                }
            }
        }
        tx.commit().at(path)?;
        conn.close().map_err(|(_, e)| e).at(path)?;
        Ok(())
    }

    /// Opens an installed pack's database read-only and checks it whole first: a damaged file
    /// would answer some questions and fail others in SQLite's own words, so damage is found
    /// here, as the index's is, and reported with what to do.
    pub fn open(path: &Path) -> Result<PackDb> {
        let damaged = |detail: String| Error::Storage {
            path: path.to_path_buf(),
            message: format!(
                "the installed pack's database is damaged ({detail}); install the pack again"
            ),
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| damaged(e.to_string()))?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| damaged(e.to_string()))?;
        if check != "ok" {
            return Err(damaged(crate::printable::echo(&check)));
        }
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .at(path)?;
        let latest = MIGRATIONS.last().map_or(0, |m| m.version);
        if version != latest {
            return Err(Error::Storage {
                path: path.to_path_buf(),
                message: format!(
                    "the pack database is at schema {version}, and this version of GATI reads {latest}; reinstall the pack"
                ),
            });
        }
        Ok(PackDb {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn meta(&self) -> Result<PackMeta> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, value FROM meta")
            .at(&self.path)?;
        let map: BTreeMap<String, String> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .at(&self.path)?
            .collect::<rusqlite::Result<_>>()
            .at(&self.path)?;
        let get = |k: &str| {
            map.get(k).cloned().ok_or_else(|| Error::Storage {
                path: self.path.clone(),
                message: format!("the pack database has no `{k}`"),
            })
        };
        let number = |k: &str| -> Result<usize> {
            get(k)?.parse().map_err(|_| Error::Storage {
                path: self.path.clone(),
                message: format!("`{k}` is not a number"),
            })
        };
        Ok(PackMeta {
            pack_id: get("pack_id")?,
            title: get("title")?,
            publisher: get("publisher")?,
            version: get("version")?,
            created: get("created")?,
            installed: get("installed")?,
            schema_version: number("schema_version")? as u32,
            entry_count: number("entry_count")?,
            content_hash: get("content_hash")?,
            // Packs installed before signing and update channels have none of these.
            key_id: map.get("key_id").cloned(),
            update_from: map.get("update_from").cloned(),
            stale_after: map.get("stale_after").cloned(),
            feedback: map.get("feedback").cloned(),
        })
    }

    pub fn taxonomy(&self) -> Result<Taxonomy> {
        let json: String = self
            .conn
            .query_row("SELECT data FROM taxonomy WHERE id = 1", [], |r| r.get(0))
            .at(&self.path)?;
        self.decode(&json)
    }

    pub fn entry(&self, id: &str) -> Result<Option<Entry>> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT data FROM entries WHERE id = ?1")
            .at(&self.path)?
            .query_row([id], |r| r.get(0))
            .optional()
            .at(&self.path)?;
        json.map(|j| self.decode(&j)).transpose()
    }

    /// The id of the entry that replaced `id` (lists it in `replaces`), if one did.
    pub fn successor(&self, id: &str) -> Result<Option<String>> {
        self.conn
            .prepare_cached(
                "SELECT entries.id FROM entries, json_each(entries.data, '$.replaces') AS old
                 WHERE old.value = ?1 LIMIT 1",
            )
            .at(&self.path)?
            .query_row([id], |r| r.get(0))
            .optional()
            .at(&self.path)
    }

    /// Calls `f` with every entry, in title order (case-insensitive, then by id): the order in
    /// which an empty search lists them.
    pub fn for_each_in_title_order(&self, mut f: impl FnMut(Entry) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT data FROM entries ORDER BY title COLLATE NOCASE, id")
            .at(&self.path)?;
        let mut rows = stmt.query([]).at(&self.path)?;
        while let Some(row) = rows.next().at(&self.path)? {
            let json: String = row.get(0).at(&self.path)?;
            f(self.decode(&json)?)?;
        }
        Ok(())
    }

    /// An attachment's bytes by SHA-256.
    pub fn attachment(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        self.conn
            .query_row(
                "SELECT data FROM attachments WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()
            .at(&self.path)
    }

    /// How many entries carry each code of `family`.
    pub fn code_counts(&self, family: Family) -> Result<BTreeMap<String, usize>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT code, count(*) FROM entry_codes WHERE family = ?1 GROUP BY code",
            )
            .at(&self.path)?;
        stmt.query_map([family.key()], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as usize))
        })
        .at(&self.path)?
        .collect::<rusqlite::Result<_>>()
        .at(&self.path)
    }

    /// Entries whose review date is before `date`, soonest first, as (id, title, review_by, owner).
    pub fn due_for_review(
        &self,
        date: chrono::NaiveDate,
    ) -> Result<Vec<(String, String, String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, title, review_by, owner FROM entries WHERE review_by < ?1 ORDER BY review_by, id")
            .at(&self.path)?;
        stmt.query_map([date.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .at(&self.path)?
        .collect::<rusqlite::Result<_>>()
        .at(&self.path)
    }

    fn decode<T: serde::de::DeserializeOwned>(&self, json: &str) -> Result<T> {
        serde_json::from_str(json).map_err(|e| Error::Storage {
            path: self.path.clone(),
            message: format!("stored data cannot be read: {e}"),
        })
    }
}

fn write_meta(conn: &Connection, m: &Manifest, installed: &str) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)")?;
    for (k, v) in [
        ("pack_id", m.info.id.clone()),
        ("title", m.info.title.clone()),
        ("publisher", m.info.publisher.clone()),
        ("version", m.info.version.clone()),
        ("created", m.created.to_rfc3339()),
        ("installed", installed.to_string()),
        ("schema_version", m.schema_version.to_string()),
        ("entry_count", m.entry_count.to_string()),
        ("content_hash", m.content_hash.clone()),
    ] {
        stmt.execute(params![k, v])?;
    }
    for (k, v) in [
        ("key_id", &m.key_id),
        ("update_from", &m.info.update_from),
        ("stale_after", &m.info.stale_after),
        ("feedback", &m.info.feedback),
    ] {
        if let Some(v) = v {
            stmt.execute(params![k, v])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_numbered_from_one_without_gaps() {
        for (i, m) in super::MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
        }
    }
}
