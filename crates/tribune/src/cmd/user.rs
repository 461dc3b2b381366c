//! `tribune user`: accounts from the command line, for headless set-up
//! (like Miniflux's `-create-admin`): `user add NAME [--admin]` with the
//! password on standard input, and `user list`.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use serde::Serialize;
use tribune_server::accounts::validate;
use tribune_server::secrets::{hash_password, new_secret};
use tribune_store::{NewUser, Refusal, SqliteStore, Store};

use super::DataDir;

/// The options of `tribune user`; its help text is on the subcommand.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    #[command(flatten)]
    data: DataDir,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Make an account; its password is the first line of standard input
    ///
    /// The first account of a news desk is its administrator whatever the
    /// flags say.
    ///
    /// Examples:
    ///   echo 'a long passphrase' | tribune user add ann --admin
    ///   tribune user add bob < password.txt
    #[command(verbatim_doc_comment)]
    Add {
        /// The log-in name: letters, digits, `.`, `_` and `-`.
        name: String,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
    },
    /// List the accounts, oldest first
    List {
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// Output formats of `tribune user list`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// A table.
    Text,
    /// One JSON object per account, one per line.
    Json,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let store = args.data.open()?;
    match args.action {
        Action::Add { name, admin } => add(&store, &name, admin),
        Action::List { format } => list(&store, format),
    }
}

/// The first line of standard input, without its line ending.
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn add(store: &SqliteStore, name: &str, admin: bool) -> Result<ExitCode> {
    let name = validate::name(name).map_err(|err| anyhow::anyhow!("{err}"))?;
    let password = read_password()?;
    if password.is_empty() {
        bail!("no password: give it as the first line of standard input");
    }
    validate::password(&password).map_err(|err| anyhow::anyhow!("{err}"))?;
    let hash = hash_password(&password).map_err(|err| anyhow::anyhow!("{err}"))?;
    let feed_token = new_secret();
    let made = store.accounts().create_user(&NewUser {
        name: &name,
        password_hash: &hash,
        is_admin: admin,
        feed_token: &feed_token,
        invite_hash: None,
    })?;
    match made {
        Ok(user) => {
            let role = if user.is_admin {
                "administrator"
            } else {
                "reader"
            };
            println!("Made the account {} ({role}, id {}).", user.name, user.id);
            Ok(ExitCode::SUCCESS)
        }
        Err(Refusal::NameTaken) => bail!("the name {name} is taken"),
        Err(Refusal::BadInvite) => bail!("the account was refused"),
    }
}

/// An account in `--format json`.
#[derive(Debug, Serialize)]
struct UserJson<'a> {
    id: i64,
    name: &'a str,
    is_admin: bool,
    created_at: chrono::DateTime<chrono::Utc>,
}

fn list(store: &SqliteStore, format: Format) -> Result<ExitCode> {
    let users = store.accounts().users()?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            for user in &users {
                let json = serde_json::to_string(&UserJson {
                    id: user.id,
                    name: &user.name,
                    is_admin: user.is_admin,
                    created_at: user.created_at,
                })?;
                writeln!(out, "{json}")?;
            }
        }
        Format::Text => {
            if users.is_empty() {
                writeln!(
                    out,
                    "No accounts yet; make one with `tribune user add NAME`."
                )?;
            }
            for user in &users {
                writeln!(
                    out,
                    "{:>4}  {:<24} {:<13} since {}",
                    user.id,
                    user.name,
                    if user.is_admin {
                        "administrator"
                    } else {
                        "reader"
                    },
                    user.created_at.format("%Y-%m-%d %H:%M UTC")
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
