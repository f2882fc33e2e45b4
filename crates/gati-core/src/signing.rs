//! Publisher keys, pack signatures and the keys a computer trusts.
//!
//! Signatures are Ed25519 in minisign's format (the `minisign` crate), so a publisher can check a
//! pack with the standard `minisign` tool as well. What is signed is a pack's content hash: the
//! manifest's hash pins every value of the manifest (the signing key's id among them) and, through
//! its record list, every byte of the pack. The trusted comment, which the signature also covers,
//! names the pack and its version for a person reading the signature.
//!
//! A computer trusts the keys built into GATI (`content/keys/*.pub`, compiled in) and any key a
//! person added to their library (`LIBRARY/keys/<KEY ID>.pub`). Two keys may be trusted at once,
//! so that a publisher can move to a new key while packs signed with the old one still install.

use std::fmt;
use std::io::Cursor;
use std::path::Path;

use crate::error::{AtPath, Error, Result};
use crate::printable::echo;

/// The longest public key file or signature accepted: real ones are a few hundred bytes.
pub const MAX_KEY_TEXT_BYTES: usize = 4096;

/// The keys compiled into GATI, from `content/keys/*.pub`, as (file name, text).
const BUILT_IN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/built_in_keys.rs"));

/// What follows the publisher's name in the comment line of a public key made by GATI.
const COMMENT_END: &str = "; minisign public key";

/// A key's id as minisign prints it: 16 upper-case hexadecimal digits.
fn key_id_text(keynum: &[u8]) -> String {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&keynum[..8]);
    format!("{:016X}", u64::from_le_bytes(bytes))
}

/// A publisher's public key.
#[derive(Clone)]
pub struct PublicKey {
    key: minisign::PublicKey,
    id: String,
    text: String,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.id)
    }
}

impl PublicKey {
    /// Reads a public key in minisign's `.pub` format (a comment line and the key), or says
    /// what is wrong with it.
    pub fn parse(text: &str) -> std::result::Result<PublicKey, String> {
        if text.len() > MAX_KEY_TEXT_BYTES {
            return Err("it is far longer than a public key".into());
        }
        let key = minisign::PublicKeyBox::from_string(text)
            .and_then(|b| b.into_public_key())
            .map_err(|e| format!("it is not a minisign public key ({})", echo(&e.to_string())))?;
        Ok(PublicKey {
            id: key_id_text(key.keynum()),
            key,
            text: text.trim_end().to_string() + "\n",
        })
    }

    /// The key's id, as packs, signatures and `minisign` name it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key as a `.pub` file holds it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Checks that `signature` (minisign's text form) is this key's signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &str) -> std::result::Result<(), String> {
        let signature = parse_signature(signature)?;
        minisign::verify(
            &self.key,
            &signature,
            Cursor::new(message),
            true,
            false,
            false,
        )
        .map_err(|_| "its signature does not match its contents".to_string())
    }
}

fn parse_signature(text: &str) -> std::result::Result<minisign::SignatureBox, String> {
    if text.len() > MAX_KEY_TEXT_BYTES {
        return Err("its signature is far longer than a signature".into());
    }
    minisign::SignatureBox::from_string(text)
        .map_err(|e| format!("its signature cannot be read ({})", echo(&e.to_string())))
}

/// The id of the key that made `signature`, read from the signature itself.
pub fn signature_key_id(signature: &str) -> std::result::Result<String, String> {
    Ok(key_id_text(parse_signature(signature)?.keynum()))
}

/// A new key pair, as the text of its two files.
pub struct NewKeyPair {
    pub id: String,
    /// The secret key, encrypted with the passphrase (minisign's `.key` format).
    pub secret: String,
    /// The public key (minisign's `.pub` format).
    pub public: String,
}

/// Makes a key pair whose secret half is protected by `passphrase`.
pub fn new_key_pair(passphrase: String, publisher: &str) -> Result<NewKeyPair> {
    let failed = |e: minisign::PError| Error::Storage {
        path: "new key".into(),
        message: format!("the key could not be made: {e}"),
    };
    let pair = minisign::KeyPair::generate_encrypted_keypair(Some(passphrase)).map_err(failed)?;
    let id = key_id_text(pair.pk.keynum());
    // The comment line is the key's name in lists; minisign's own words follow it.
    let publisher: String = publisher
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect();
    let public = pair.pk.to_box().map_err(failed)?.into_string().replacen(
        "minisign public key",
        &format!("{publisher}{COMMENT_END}"),
        1,
    );
    let secret = pair
        .sk
        .to_box(Some(&format!(
            "secret key of {publisher}; keep it off shared drives"
        )))
        .map_err(failed)?
        .into_string();
    Ok(NewKeyPair { id, secret, public })
}

/// A secret key, opened with its passphrase and ready to sign.
pub struct SecretKey {
    key: minisign::SecretKey,
    public: minisign::PublicKey,
    id: String,
}

impl SecretKey {
    /// Opens the secret key file at `path` with `passphrase`.
    pub fn open(path: &Path, passphrase: String) -> Result<SecretKey> {
        let text = std::fs::read_to_string(path).at(path)?;
        let refused = |why: String| Error::BadRequest(format!("{}: {why}", path.display()));
        let boxed = minisign::SecretKeyBox::from_string(&text).map_err(|e| {
            refused(format!(
                "it is not a minisign secret key ({})",
                echo(&e.to_string())
            ))
        })?;
        let key = boxed
            .into_secret_key(Some(passphrase))
            .map_err(|_| refused("the passphrase does not open this key".into()))?;
        let public = minisign::PublicKey::from_secret_key(&key)
            .map_err(|e| refused(format!("its public half cannot be made: {e}")))?;
        Ok(SecretKey {
            id: key_id_text(key.keynum()),
            key,
            public,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Signs `message`; `about` becomes the signature's trusted comment.
    pub fn sign(&self, message: &[u8], about: &str) -> Result<String> {
        let about: String = about
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        minisign::sign(
            Some(&self.public),
            &self.key,
            Cursor::new(message),
            Some(&about),
            Some(&format!("signature from GATI pack signing key {}", self.id)),
        )
        .map(|s| s.into_string())
        .map_err(|e| Error::BadRequest(format!("the pack could not be signed: {e}")))
    }
}

/// Where a trusted key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum KeySource {
    /// Compiled into GATI from `content/keys/`.
    BuiltIn,
    /// Added by a person on this computer.
    Added,
}

/// A key this computer trusts, as front ends list it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrustedKey {
    pub id: String,
    /// The key file's comment line, which says whose key it is.
    pub comment: String,
    pub source: KeySource,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    key: PublicKey,
}

impl TrustedKey {
    fn new(key: PublicKey, source: KeySource) -> TrustedKey {
        let comment = key
            .text()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("untrusted comment:");
        let comment = comment.split(COMMENT_END).next().unwrap_or_default().trim();
        TrustedKey {
            id: key.id().to_string(),
            comment: echo(comment),
            source,
            key,
        }
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }
}

/// The keys this computer trusts.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    keys: Vec<TrustedKey>,
}

impl Trust {
    /// The keys compiled into GATI.
    pub fn built_in() -> Trust {
        let keys = BUILT_IN
            .iter()
            .map(|(name, text)| {
                let key = PublicKey::parse(text)
                    .unwrap_or_else(|e| panic!("content/keys/{name} is checked at build: {e}"));
                TrustedKey::new(key, KeySource::BuiltIn)
            })
            .collect();
        Trust { keys }
    }

    /// Adds a key (a second key with the same id changes nothing).
    pub fn add(&mut self, key: PublicKey, source: KeySource) {
        if self.get(key.id()).is_none() {
            self.keys.push(TrustedKey::new(key, source));
        }
    }

    pub fn get(&self, id: &str) -> Option<&TrustedKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    pub fn keys(&self) -> &[TrustedKey] {
        &self.keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_key_signs_and_only_its_own_public_key_accepts() {
        let dir = tempfile::tempdir().unwrap();
        let pair = new_key_pair("pass".into(), "Tests").unwrap();
        let other = new_key_pair("pass".into(), "Tests").unwrap();
        let key_file = dir.path().join("k.key");
        std::fs::write(&key_file, &pair.secret).unwrap();
        assert!(SecretKey::open(&key_file, "wrong".into()).is_err());
        let secret = SecretKey::open(&key_file, "pass".into()).unwrap();
        assert_eq!(secret.id(), pair.id);

        let signature = secret.sign(b"hash", "gatipack test 1.0").unwrap();
        assert_eq!(signature_key_id(&signature).unwrap(), pair.id);
        let public = PublicKey::parse(&pair.public).unwrap();
        assert_eq!(public.id(), pair.id);
        assert!(public.verify(b"hash", &signature).is_ok());
        assert!(public.verify(b"hasH", &signature).is_err());
        let stranger = PublicKey::parse(&other.public).unwrap();
        assert!(stranger.verify(b"hash", &signature).is_err());
        // The trusted comment is signed too.
        let altered = signature.replace("gatipack test 1.0", "gatipack test 9.0");
        assert!(public.verify(b"hash", &altered).is_err());
    }

    #[test]
    fn the_built_in_keys_are_readable() {
        assert!(!Trust::built_in().keys().is_empty());
    }

    proptest! {
        #[test]
        fn any_text_is_a_key_or_a_reason(text in any::<String>()) {
            let _ = PublicKey::parse(&text);
            let _ = signature_key_id(&text);
        }

        #[test]
        fn key_like_text_is_a_key_or_a_reason(
            comment in "[ -~]{0,40}", body in "[A-Za-z0-9+/=]{0,80}", more in "[ -~\n]{0,80}") {
            let text = format!("untrusted comment: {comment}\n{body}\n{more}");
            let _ = PublicKey::parse(&text);
            let _ = signature_key_id(&text);
        }
    }
}
