//! Reading comfort: the text size, spacing, font and colours a person chooses so that the app is
//! comfortable to read. Kept in the user database, so it survives restarts and pack installs.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::user_db::UserDb;

const SETTING: &str = "reading-comfort";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Font {
    /// The system's own sans-serif font.
    System,
    /// A font bundled with the app whose letters are hard to confuse (Atkinson Hyperlegible).
    Legible,
    /// A dyslexia-friendly font bundled with the app (OpenDyslexic).
    Dyslexic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Theme {
    Light,
    Dark,
    /// Black on a soft cream background, which many readers with visual stress prefer.
    Cream,
    /// Maximum contrast: white on black with yellow focus and links.
    HighContrast,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReadingComfort {
    /// Text size as a percentage of the default, 100 to 200.
    pub text_size: u16,
    /// Line height as a multiple of the text size, 1.2 to 2.5.
    pub line_spacing: f32,
    /// Extra space between letters, in hundredths of the text size, 0 to 30.
    pub letter_spacing: u16,
    pub font: Font,
    pub theme: Theme,
    pub reduced_motion: bool,
}

impl Default for ReadingComfort {
    fn default() -> Self {
        ReadingComfort {
            text_size: 100,
            line_spacing: 1.5,
            letter_spacing: 0,
            font: Font::System,
            theme: Theme::Light,
            reduced_motion: false,
        }
    }
}

impl ReadingComfort {
    /// Refuses values outside the ranges the layout is tested with, naming the field.
    pub fn check(&self) -> Result<()> {
        let out_of_range = |field: &str, range: &str| {
            Err(Error::BadRequest(format!(
                "reading comfort: `{field}` must be {range}"
            )))
        };
        if !(100..=200).contains(&self.text_size) {
            return out_of_range("text_size", "between 100 and 200 (per cent)");
        }
        if !(1.2..=2.5).contains(&self.line_spacing) {
            return out_of_range("line_spacing", "between 1.2 and 2.5");
        }
        if self.letter_spacing > 30 {
            return out_of_range("letter_spacing", "between 0 and 30");
        }
        Ok(())
    }

    /// The saved settings, or the defaults when none are saved or the saved ones no longer
    /// parse (a newer version's settings must never stop the app from opening).
    pub fn load(user: &UserDb) -> Result<ReadingComfort> {
        Ok(user
            .setting(SETTING)?
            .and_then(|json| serde_json::from_str::<ReadingComfort>(&json).ok())
            .filter(|c| c.check().is_ok())
            .unwrap_or_default())
    }

    pub fn save(&self, user: &UserDb) -> Result<()> {
        self.check()?;
        let json = serde_json::to_string(self).expect("reading comfort always serialises");
        user.set_setting(SETTING, &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_come_back_and_bad_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let user = UserDb::open(&dir.path().join("user.db")).unwrap();
        assert_eq!(
            ReadingComfort::load(&user).unwrap(),
            ReadingComfort::default()
        );

        let chosen = ReadingComfort {
            text_size: 175,
            line_spacing: 2.0,
            letter_spacing: 12,
            font: Font::Dyslexic,
            theme: Theme::Cream,
            reduced_motion: true,
        };
        chosen.save(&user).unwrap();
        assert_eq!(ReadingComfort::load(&user).unwrap(), chosen);

        let too_big = ReadingComfort {
            text_size: 400,
            ..chosen
        };
        let err = too_big.save(&user).unwrap_err().to_string();
        assert!(err.contains("text_size"), "{err}");
        assert_eq!(ReadingComfort::load(&user).unwrap(), chosen);
    }

    #[test]
    fn unreadable_saved_settings_fall_back_to_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let user = UserDb::open(&dir.path().join("user.db")).unwrap();
        user.set_setting(SETTING, r#"{"text_size": "huge"}"#)
            .unwrap();
        assert_eq!(
            ReadingComfort::load(&user).unwrap(),
            ReadingComfort::default()
        );
    }
}
