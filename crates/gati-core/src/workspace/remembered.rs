//! What the app remembers of an editor's workspace between runs, in the user's database: the
//! source folder, the folder packs are published to and the signing key's file. A school's app
//! that never opened a folder has none of these, and shows no workspace.

use std::path::PathBuf;

use serde::Serialize;

use crate::Result;
use crate::library::UserDb;

const FOLDER: &str = "workspace.folder";
const PUBLISH_TO: &str = "workspace.publish_to";
const KEY: &str = "workspace.key";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Remembered {
    pub folder: Option<PathBuf>,
    pub publish_to: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

impl Remembered {
    pub fn load(user: &UserDb) -> Result<Remembered> {
        let path = |key| -> Result<Option<PathBuf>> {
            Ok(user
                .setting(key)?
                .filter(|v| !v.is_empty())
                .map(PathBuf::from))
        };
        Ok(Remembered {
            folder: path(FOLDER)?,
            publish_to: path(PUBLISH_TO)?,
            key: path(KEY)?,
        })
    }

    /// Changes what is remembered and saves it.
    pub fn change(user: &UserDb, f: impl FnOnce(&mut Remembered)) -> Result<()> {
        let mut remembered = Remembered::load(user)?;
        f(&mut remembered);
        remembered.save(user)
    }

    pub fn save(&self, user: &UserDb) -> Result<()> {
        for (key, value) in [
            (FOLDER, &self.folder),
            (PUBLISH_TO, &self.publish_to),
            (KEY, &self.key),
        ] {
            let text = value
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            user.set_setting(key, &text)?;
        }
        Ok(())
    }
}
