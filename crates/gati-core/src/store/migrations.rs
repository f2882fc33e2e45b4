//! Numbered schema migrations, tracked in SQLite's `user_version`.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{AtPath, Error, Result};

/// One step of a database's schema. Versions start at 1 and go up by one; a released migration
/// is never edited, only followed by a new one.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Brings the database to the newest version, one transaction per migration, so that a crash
/// leaves it at a version it really has. Refuses a database made by a newer GATI.
pub fn apply(conn: &mut Connection, path: &Path, migrations: &[Migration]) -> Result<()> {
    let latest = migrations.last().map_or(0, |m| m.version);
    let current: u32 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .at(path)?;
    if current > latest {
        return Err(Error::Storage {
            path: path.to_path_buf(),
            message: format!(
                "the database is at schema version {current}, newer than this version of GATI knows ({latest}); update GATI Desktop"
            ),
        });
    }
    for m in migrations.iter().filter(|m| m.version > current) {
        let tx = conn.transaction().at(path)?;
        tx.execute_batch(m.sql).map_err(|e| Error::Storage {
            path: path.to_path_buf(),
            message: format!("migration {} ({}) failed: {e}", m.version, m.name),
        })?;
        tx.pragma_update(None, "user_version", m.version).at(path)?;
        tx.commit().at(path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: Migration = Migration {
        version: 1,
        name: "notes",
        sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);",
    };
    const V2: Migration = Migration {
        version: 2,
        name: "note authors",
        sql: "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'unknown';",
    };

    fn version(conn: &Connection) -> u32 {
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn upgrades_step_by_step_and_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        apply(&mut conn, &path, &[V1]).unwrap();
        conn.execute("INSERT INTO notes (text) VALUES ('kept')", [])
            .unwrap();
        assert_eq!(version(&conn), 1);

        apply(&mut conn, &path, &[V1, V2]).unwrap();
        assert_eq!(version(&conn), 2);
        let (text, author): (String, String) = conn
            .query_row("SELECT text, author FROM notes", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((text.as_str(), author.as_str()), ("kept", "unknown"));

        // Applying again is a no-op.
        apply(&mut conn, &path, &[V1, V2]).unwrap();
        assert_eq!(version(&conn), 2);
    }

    #[test]
    fn refuses_a_newer_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        apply(&mut conn, &path, &[V1, V2]).unwrap();
        let err = apply(&mut conn, &path, &[V1]).unwrap_err();
        assert!(err.to_string().contains("newer"), "{err}");
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        let broken = Migration {
            version: 2,
            name: "broken",
            sql: "CREATE TABLE x (a); SELECT nonsense FROM nowhere;",
        };
        apply(&mut conn, &path, &[V1]).unwrap();
        let err = apply(&mut conn, &path, &[V1, broken]).unwrap_err();
        assert!(err.to_string().contains("migration 2 (broken)"), "{err}");
        assert_eq!(version(&conn), 1);
        let x_exists: bool = conn
            .query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'x'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            !x_exists,
            "the failed migration's first statement was rolled back"
        );
    }
}
