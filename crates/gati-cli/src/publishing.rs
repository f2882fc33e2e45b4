//! The commands around trusted packs: signing keys, checking a pack's signature, the keys this
//! computer trusts, publishing to an update location, updating from it, what changed between two
//! packs, and going back.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use gati_core::changes::PackChanges;
use gati_core::library::Library;
use gati_core::pack::{PackFile, Seal};
use gati_core::printable::escaped;
use gati_core::signing::{self, KeySource, SecretKey, Trust};
use gati_core::update::{self, Timeouts, UpdateCheck};

use crate::output;

/// The environment variable a script sets to give a secret key's passphrase.
pub const PASSWORD_ENV: &str = "GATI_KEY_PASSWORD";

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Make a signing key pair: NAME.key (secret, protected by a passphrase) and NAME.pub
    New {
        /// The folder to write the two files to
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// The files' name
        #[arg(long, default_value = "gati-publisher")]
        name: String,
        /// Whose key it is, written into the public key's comment
        #[arg(long, default_value = "a GATI publisher")]
        publisher: String,
    },
}

#[derive(Subcommand)]
pub enum TrustCommand {
    /// Trust a publisher's public key (a .pub file) on this computer
    Add { file: std::path::PathBuf },
    /// List the keys this computer trusts
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop trusting a key that was added here
    Remove { key_id: String },
}

/// The passphrase of a secret key: from GATI_KEY_PASSWORD, else asked for on the terminal.
fn passphrase(prompt: &str, twice: bool) -> Result<String> {
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        return Ok(p);
    }
    if !io::stdin().is_terminal() {
        bail!("no passphrase: set {PASSWORD_ENV}, or run the command in a terminal to type it");
    }
    let first = rpassword::prompt_password(prompt)?;
    if twice && rpassword::prompt_password("The same passphrase again: ")? != first {
        bail!("the two passphrases differ; nothing was written");
    }
    Ok(first)
}

pub fn key(out: &mut impl Write, command: KeyCommand) -> Result<ExitCode> {
    let KeyCommand::New {
        out: dir,
        name,
        publisher,
    } = command;
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
    {
        bail!("--name must be letters, digits, - and _ only");
    }
    let (secret_path, public_path) = (
        dir.join(format!("{name}.key")),
        dir.join(format!("{name}.pub")),
    );
    for path in [&secret_path, &public_path] {
        if path.exists() {
            bail!(
                "{} is already there; nothing was written",
                output::path(path)
            );
        }
    }
    let pass = passphrase("Passphrase for the new secret key: ", true)?;
    if pass.is_empty() {
        bail!("the passphrase is empty: a secret key must be protected");
    }
    let pair = signing::new_key_pair(pass, &publisher)?;
    std::fs::create_dir_all(&dir).with_context(|| output::path(&dir))?;
    write_private(&secret_path, &pair.secret)?;
    std::fs::write(&public_path, &pair.public).with_context(|| output::path(&public_path))?;
    writeln!(out, "Made key {}:", pair.id)?;
    writeln!(
        out,
        "  {}  secret: keep it and its passphrase safe, off shared drives and out of the repository",
        output::path(&secret_path)
    )?;
    writeln!(
        out,
        "  {}  public: put it in content/keys/ so that GATI trusts it",
        output::path(&public_path)
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, text: &str) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| output::path(path))?;
    file.write_all(text.as_bytes())
        .with_context(|| output::path(path))?;
    Ok(())
}

/// Opens the secret key at `path`, asking for its passphrase.
pub fn secret_key(path: &Path) -> Result<SecretKey> {
    let pass = passphrase(&format!("Passphrase for {}: ", output::path(path)), false)?;
    Ok(SecretKey::open(path, pass)?)
}

/// The keys trusted here: the library's when there is one, else the built-in ones.
fn trust_of(library: Option<&Library>) -> Result<Trust> {
    Ok(match library {
        Some(lib) => lib.trust()?,
        None => Trust::built_in(),
    })
}

pub fn verify(
    out: &mut impl Write,
    file: &Path,
    library: Option<&Library>,
    json: bool,
) -> Result<ExitCode> {
    let pack = PackFile::open(file, crate::today())?;
    let info = &pack.manifest.info;
    let seal = pack.seal(&trust_of(library)?)?;
    let (key_id, trusted, verdict) = match &seal {
        Seal::Unsigned => (None, false, "not signed".to_string()),
        Seal::UnknownKey { key_id } => (
            Some(key_id.clone()),
            false,
            format!("signed with key {key_id}, which this computer does not trust"),
        ),
        Seal::Trusted { key_id, comment } => (
            Some(key_id.clone()),
            true,
            format!("signed with trusted key {key_id} ({})", escaped(comment)),
        ),
    };
    if json {
        output::print_json(
            out,
            &serde_json::json!({
                "id": info.id,
                "publisher": info.publisher,
                "version": info.version,
                "key_id": key_id,
                "trusted": trusted,
            }),
        )?;
    } else {
        writeln!(out, "{}", escaped(&info.title))?;
        writeln!(out, "  publisher: {}", escaped(&info.publisher))?;
        writeln!(out, "  version:   {}", escaped(&info.version))?;
        writeln!(
            out,
            "  key id:    {}",
            key_id.as_deref().unwrap_or("(none)")
        )?;
        writeln!(out, "  signature: {verdict}")?;
    }
    Ok(if trusted {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn trust(out: &mut impl Write, library: &Library, command: TrustCommand) -> Result<ExitCode> {
    match command {
        TrustCommand::Add { file } => {
            output::note(
                "Trusting a key means GATI on this computer will install any pack signed with \
                 it, as it does packs from the built-in publishers. Add only a key you received \
                 from the publisher themselves.",
            );
            let key = library.trust_add_file(&file)?;
            writeln!(
                out,
                "Now trusted: key {} ({})",
                key.id,
                escaped(&key.comment)
            )?;
        }
        TrustCommand::List { json } => {
            let trust = library.trust()?;
            if json {
                output::print_json(out, &trust.keys())?;
            } else {
                for key in trust.keys() {
                    let source = match key.source {
                        KeySource::BuiltIn => "built in",
                        KeySource::Added => "added here",
                    };
                    writeln!(out, "{}  {source:<10}  {}", key.id, escaped(&key.comment))?;
                }
            }
        }
        TrustCommand::Remove { key_id } => {
            library.trust_remove(&key_id)?;
            writeln!(out, "No longer trusted: key {}", escaped(&key_id))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn publish(out: &mut impl Write, file: &Path, to: &Path) -> Result<ExitCode> {
    let latest = update::publish(file, to, crate::today())?;
    writeln!(
        out,
        "Published {} {} to {}: {} and {} ({} bytes)",
        escaped(&latest.id),
        escaped(&latest.version),
        output::path(to),
        escaped(&latest.file),
        update::LATEST,
        latest.size
    )?;
    writeln!(
        out,
        "Copy the folder's two files to the address in pack.toml's update_from."
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn update(
    out: &mut impl Write,
    library: &Library,
    check_only: bool,
    json: bool,
) -> Result<ExitCode> {
    let installed = library
        .installed()?
        .context("no pack is installed to update")?;
    let (channel, found) = update::check_installed(&installed, Timeouts::default())?;
    let latest = match (&found, check_only) {
        (UpdateCheck::Available { latest }, false) => latest.clone(),
        _ => {
            if json {
                output::print_json(out, &found)?;
            } else {
                match &found {
                    UpdateCheck::Available { latest } => writeln!(
                        out,
                        "Pack {} is available from {} (you have {}).",
                        escaped(&latest.version),
                        channel.describe(),
                        escaped(&installed.version)
                    )?,
                    UpdateCheck::UpToDate { .. } => writeln!(
                        out,
                        "Pack {} is the newest at {}.",
                        escaped(&installed.version),
                        channel.describe()
                    )?,
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
    };
    let meta = library.install_update(
        &channel,
        &latest,
        Timeouts::default(),
        crate::today(),
        &mut crate::progress_printer(),
    )?;
    output::note("");
    if json {
        output::print_json(out, &meta)?;
    } else {
        writeln!(
            out,
            "Updated from {} to {} ({} entries).",
            escaped(&installed.version),
            escaped(&meta.version),
            meta.entry_count
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn diff(out: &mut impl Write, old: &Path, new: &Path, json: bool) -> Result<ExitCode> {
    let (old, new) = (
        PackFile::open(old, crate::today())?,
        PackFile::open(new, crate::today())?,
    );
    let changes = PackChanges::between(
        (&old.manifest.info.version, old.entries),
        (&new.manifest.info.version, &new.entries),
    );
    if json {
        output::print_json(out, &changes)?;
    } else {
        out.write_all(changes.to_markdown().as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn rollback(out: &mut impl Write, library: &Library) -> Result<ExitCode> {
    let now = library.installed()?.context("no pack is installed")?;
    let meta = library.go_back()?;
    writeln!(
        out,
        "Went back from pack {} to {}. Updating installs the newer pack again.",
        escaped(&now.version),
        escaped(&meta.version)
    )?;
    Ok(ExitCode::SUCCESS)
}
