//! The configuration of `tribune serve`, from four layers, each overriding
//! the one before: built-in defaults, a TOML file, `TRIBUNE_*` environment
//! variables, and command-line flags.
//!
//! The file is the one `--config PATH` (or `TRIBUNE_CONFIG`) names, which
//! must exist, else `tribune.toml` in the data directory, if it is there:
//!
//! ```toml
//! listen = "0.0.0.0:8080"
//! data_dir = "/var/lib/tribune"      # relative paths: from the file's folder
//! base_url = "https://news.example.org"
//! poll = true
//!
//! [fetch]
//! allow_private_addresses = false
//! allowed_hosts = ["feeds.internal:8081"]
//! per_host = 4
//!
//! [push]
//! enabled = true
//! first_retry_secs = 10   # the wait after a delivery's first failure, doubling
//! max_retry_secs = 3600   # the longest wait between attempts
//! max_attempts = 10       # then the delivery is a dead letter
//! lease_secs = 60         # a delivery in flight when the process died is resent after this
//! ```
//!
//! | setting | variable | flag | default |
//! |---|---|---|---|
//! | `listen` | `TRIBUNE_LISTEN` | `--listen` | `127.0.0.1:8080` |
//! | `data_dir` | `TRIBUNE_DATA_DIR` | `--data-dir` | `tribune-data` |
//! | `base_url` | `TRIBUNE_BASE_URL` | `--base-url` | from each request's `Host` |
//! | `poll` | `TRIBUNE_POLL` | `--no-poll` | `true` |
//! | `fetch.allow_private_addresses` | `TRIBUNE_ALLOW_PRIVATE_ADDRESSES` | `--allow-private-addresses` | `false` |
//! | `fetch.allowed_hosts` | `TRIBUNE_ALLOW_HOSTS` (comma-separated) | `--allow-host` | none |
//! | `fetch.per_host` | `TRIBUNE_PER_HOST` | `--per-host` | `4` |
//! | `push.enabled` | `TRIBUNE_PUSH` | `--no-push` | `true` |
//! | `push.first_retry_secs`, `max_retry_secs`, `max_attempts`, `lease_secs` | | | `10`, `3600`, `10`, `60` |
//!
//! Everything here is pure: the caller hands in the environment and a way
//! to read files, so every rule is tested without touching either.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::feeds::PublicBase;

/// The configuration file looked for in the data directory.
pub const FILE_NAME: &str = "tribune.toml";

/// The variable naming a configuration file, like `--config`.
pub const CONFIG_VAR: &str = "TRIBUNE_CONFIG";

/// The address served when nothing says otherwise: loopback only, so a
/// first run exposes nothing.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The data directory when nothing says otherwise.
pub const DEFAULT_DATA_DIR: &str = "tribune-data";

/// Concurrent requests to one host when nothing says otherwise.
pub const DEFAULT_PER_HOST: u16 = 4;

/// The resolved configuration of `tribune serve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// Where the database and the search index are.
    pub data_dir: PathBuf,
    /// The reader's public URL, for absolute links; without it, each
    /// request's `Host` is used.
    pub base_url: Option<PublicBase>,
    /// Whether to poll the sources while serving.
    pub poll: bool,
    /// The fetch guard and manners.
    pub fetch: FetchSettings,
    /// Webhook and channel deliveries.
    pub push: PushSettings,
}

/// How deliveries are sent; an unset timing keeps the dispatcher's
/// default (see `push::retry`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushSettings {
    /// Whether to send deliveries while serving (they queue either way).
    pub enabled: bool,
    /// The wait after a first failure, doubling after each further one.
    pub first_retry: Option<Duration>,
    /// The longest wait between attempts.
    pub max_retry: Option<Duration>,
    /// Attempts before a delivery is a dead letter.
    pub max_attempts: Option<u32>,
    /// How long a delivery being sent is kept from other senders.
    pub lease: Option<Duration>,
}

/// How sources and user-given URLs are fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchSettings {
    /// Allow loopback, private and link-local addresses.
    pub allow_private_addresses: bool,
    /// `HOST:PORT`s allowed even when private addresses are not.
    pub allowed_hosts: Vec<String>,
    /// At most this many requests at once to one host (at least 1).
    pub per_host: u16,
}

/// One layer of settings (a file, the environment or the flags): what it
/// leaves unset comes from the layers below.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The address to listen on.
    pub listen: Option<SocketAddr>,
    /// The data directory.
    pub data_dir: Option<PathBuf>,
    /// The public base URL.
    pub base_url: Option<String>,
    /// Whether to poll the sources.
    pub poll: Option<bool>,
    /// How to fetch.
    #[serde(default)]
    pub fetch: FetchLayer,
    /// How to push.
    #[serde(default)]
    pub push: PushLayer,
}

/// The push settings of one layer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushLayer {
    /// Send deliveries.
    pub enabled: Option<bool>,
    /// The first retry's wait, in seconds.
    pub first_retry_secs: Option<u64>,
    /// The longest wait, in seconds.
    pub max_retry_secs: Option<u64>,
    /// Attempts before giving up.
    pub max_attempts: Option<u32>,
    /// The lease of a delivery being sent, in seconds.
    pub lease_secs: Option<u64>,
}

/// The fetch settings of one layer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchLayer {
    /// Allow private addresses.
    pub allow_private_addresses: Option<bool>,
    /// Hosts allowed anyway.
    pub allowed_hosts: Option<Vec<String>>,
    /// Requests at once per host.
    pub per_host: Option<u16>,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    // The cause is the error's source, which callers print after it.
    #[error("cannot read the configuration file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file is not valid TOML, or holds unknown or mistyped settings.
    #[error("invalid configuration file {path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line.
        message: String,
    },
    /// A `TRIBUNE_*` variable holds a value that does not parse.
    #[error("invalid {name}=`{value}`: {message}")]
    Env {
        /// The variable.
        name: String,
        /// Its value.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// A setting is out of range, whichever layer gave it.
    #[error("invalid setting {setting}: {message}")]
    Invalid {
        /// The setting, as the file names it.
        setting: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl Settings {
    /// The settings of a TOML file's text; `path` names it in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Settings, ConfigError> {
        toml::from_str(text).map_err(|err| ConfigError::File {
            path: path.to_path_buf(),
            message: err.to_string().trim_end().to_owned(),
        })
    }

    /// The settings the `TRIBUNE_*` variables in `env` give. An empty
    /// variable counts as unset, as shells make unsetting awkward.
    pub fn from_env(env: &HashMap<String, String>) -> Result<Settings, ConfigError> {
        let get = |name: &str| {
            env.get(name)
                .map(|value| value.trim())
                .filter(|value| !value.is_empty())
        };
        let invalid = |name: &str, value: &str, message: String| ConfigError::Env {
            name: name.to_owned(),
            value: value.to_owned(),
            message,
        };
        let parse_bool = |name: &str| -> Result<Option<bool>, ConfigError> {
            get(name)
                .map(|value| {
                    parse_bool(value).ok_or_else(|| {
                        invalid(
                            name,
                            value,
                            "expected true or false (or 1, 0, yes, no)".into(),
                        )
                    })
                })
                .transpose()
        };
        let listen = get("TRIBUNE_LISTEN")
            .map(|value| {
                value
                    .parse()
                    .map_err(|err| invalid("TRIBUNE_LISTEN", value, format!("{err}")))
            })
            .transpose()?;
        let per_host = get("TRIBUNE_PER_HOST")
            .map(|value| {
                value
                    .parse()
                    .map_err(|err| invalid("TRIBUNE_PER_HOST", value, format!("{err}")))
            })
            .transpose()?;
        Ok(Settings {
            listen,
            data_dir: get("TRIBUNE_DATA_DIR").map(PathBuf::from),
            base_url: get("TRIBUNE_BASE_URL").map(str::to_owned),
            poll: parse_bool("TRIBUNE_POLL")?,
            fetch: FetchLayer {
                allow_private_addresses: parse_bool("TRIBUNE_ALLOW_PRIVATE_ADDRESSES")?,
                allowed_hosts: get("TRIBUNE_ALLOW_HOSTS").map(|value| {
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|host| !host.is_empty())
                        .map(str::to_owned)
                        .collect()
                }),
                per_host,
            },
            push: PushLayer {
                enabled: parse_bool("TRIBUNE_PUSH")?,
                ..PushLayer::default()
            },
        })
    }

    /// These settings, with what they leave unset taken from `lower`.
    pub fn over(self, lower: Settings) -> Settings {
        Settings {
            listen: self.listen.or(lower.listen),
            data_dir: self.data_dir.or(lower.data_dir),
            base_url: self.base_url.or(lower.base_url),
            poll: self.poll.or(lower.poll),
            fetch: FetchLayer {
                allow_private_addresses: self
                    .fetch
                    .allow_private_addresses
                    .or(lower.fetch.allow_private_addresses),
                allowed_hosts: self.fetch.allowed_hosts.or(lower.fetch.allowed_hosts),
                per_host: self.fetch.per_host.or(lower.fetch.per_host),
            },
            push: PushLayer {
                enabled: self.push.enabled.or(lower.push.enabled),
                first_retry_secs: self.push.first_retry_secs.or(lower.push.first_retry_secs),
                max_retry_secs: self.push.max_retry_secs.or(lower.push.max_retry_secs),
                max_attempts: self.push.max_attempts.or(lower.push.max_attempts),
                lease_secs: self.push.lease_secs.or(lower.push.lease_secs),
            },
        }
    }

    /// The configuration, with defaults for what no layer set.
    pub fn resolve(self) -> Result<Config, ConfigError> {
        let listen = match self.listen {
            Some(listen) => listen,
            None => DEFAULT_LISTEN.parse().map_err(|err| ConfigError::Invalid {
                setting: "listen",
                message: format!("{err}"),
            })?,
        };
        let base_url = self
            .base_url
            .as_deref()
            .map(PublicBase::new)
            .transpose()
            .map_err(|message| ConfigError::Invalid {
                setting: "base_url",
                message,
            })?;
        let per_host = self.fetch.per_host.unwrap_or(DEFAULT_PER_HOST);
        if per_host == 0 {
            return Err(ConfigError::Invalid {
                setting: "fetch.per_host",
                message: "must be at least 1".into(),
            });
        }
        let push = self.push.resolve()?;
        Ok(Config {
            listen,
            data_dir: self
                .data_dir
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
            base_url,
            poll: self.poll.unwrap_or(true),
            fetch: FetchSettings {
                allow_private_addresses: self.fetch.allow_private_addresses.unwrap_or(false),
                allowed_hosts: self.fetch.allowed_hosts.unwrap_or_default(),
                per_host,
            },
            push,
        })
    }
}

impl PushLayer {
    fn resolve(self) -> Result<PushSettings, ConfigError> {
        let invalid = |setting, message: &str| ConfigError::Invalid {
            setting,
            message: message.into(),
        };
        if self.max_attempts == Some(0) {
            return Err(invalid("push.max_attempts", "must be at least 1"));
        }
        if matches!(self.lease_secs, Some(lease) if lease < 2) {
            // The send timeout is half the lease: under a second, nothing
            // could be sent.
            return Err(invalid("push.lease_secs", "must be at least 2"));
        }
        if matches!(self.first_retry_secs, Some(0)) {
            return Err(invalid("push.first_retry_secs", "must be at least 1"));
        }
        if let (Some(first), Some(max)) = (self.first_retry_secs, self.max_retry_secs)
            && max < first
        {
            return Err(invalid(
                "push.max_retry_secs",
                "must be at least push.first_retry_secs",
            ));
        }
        Ok(PushSettings {
            enabled: self.enabled.unwrap_or(true),
            first_retry: self.first_retry_secs.map(Duration::from_secs),
            max_retry: self.max_retry_secs.map(Duration::from_secs),
            max_attempts: self.max_attempts,
            lease: self.lease_secs.map(Duration::from_secs),
        })
    }
}

/// The configuration from `flags`, the environment `env` and the file:
/// `config_file` (the `--config` flag) or `TRIBUNE_CONFIG` if given, which
/// must then be readable, else [`FILE_NAME`] in the data directory that
/// the flags or the environment name (or the default one), if present.
/// `read` reads a file.
pub fn load(
    flags: Settings,
    config_file: Option<&Path>,
    env: &HashMap<String, String>,
    read: impl Fn(&Path) -> io::Result<String>,
) -> Result<Config, ConfigError> {
    let env_settings = Settings::from_env(env)?;
    let above = flags.over(env_settings);
    let named = config_file.map(Path::to_path_buf).or_else(|| {
        env.get(CONFIG_VAR)
            .filter(|value| !value.trim().is_empty())
            .map(PathBuf::from)
    });
    let (path, required) = match named {
        Some(path) => (path, true),
        None => {
            let data_dir = above
                .data_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
            (data_dir.join(FILE_NAME), false)
        }
    };
    let file = match read(&path) {
        Ok(text) => from_file(&text, &path)?,
        Err(err) if !required && err.kind() == io::ErrorKind::NotFound => Settings::default(),
        Err(source) => return Err(ConfigError::Read { path, source }),
    };
    above.over(file).resolve()
}

/// A file's settings, its relative data directory taken from the file's
/// folder (the file may be read from anywhere the server starts).
fn from_file(text: &str, path: &Path) -> Result<Settings, ConfigError> {
    let mut settings = Settings::from_toml(text, path)?;
    if let (Some(dir), Some(folder)) = (&settings.data_dir, path.parent())
        && dir.is_relative()
    {
        settings.data_dir = Some(folder.join(dir));
    }
    Ok(settings)
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
listen = "0.0.0.0:9000"
data_dir = "data"
base_url = "https://news.example.org/"
poll = false

[fetch]
allow_private_addresses = true
allowed_hosts = ["bridge.internal:8081"]
per_host = 2
"#;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// A file system holding one file.
    fn only(path: &'static str, text: &'static str) -> impl Fn(&Path) -> io::Result<String> {
        move |asked: &Path| {
            if asked == Path::new(path) {
                Ok(text.to_owned())
            } else {
                Err(io::Error::from(io::ErrorKind::NotFound))
            }
        }
    }

    #[test]
    fn nothing_given_means_the_defaults() {
        let config = load(Settings::default(), None, &env(&[]), only("x", "")).unwrap();
        assert_eq!(config.listen, DEFAULT_LISTEN.parse().unwrap());
        assert_eq!(config.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(config.base_url, None);
        assert!(config.poll);
        assert_eq!(
            config.fetch,
            FetchSettings {
                allow_private_addresses: false,
                allowed_hosts: vec![],
                per_host: DEFAULT_PER_HOST,
            }
        );
        assert!(config.push.enabled);
        assert_eq!(config.push.max_attempts, None);
    }

    #[test]
    fn push_timings_come_from_the_file_and_the_switch_from_anywhere() {
        let file =
            "[push]\nfirst_retry_secs = 5\nmax_retry_secs = 600\nmax_attempts = 4\nlease_secs = 30";
        let config = load(
            Settings::default(),
            None,
            &env(&[("TRIBUNE_PUSH", "false")]),
            only("tribune-data/tribune.toml", file),
        )
        .unwrap();
        assert_eq!(
            config.push,
            PushSettings {
                enabled: false,
                first_retry: Some(Duration::from_secs(5)),
                max_retry: Some(Duration::from_secs(600)),
                max_attempts: Some(4),
                lease: Some(Duration::from_secs(30)),
            }
        );
        for (text, setting) in [
            ("[push]\nmax_attempts = 0", "push.max_attempts"),
            ("[push]\nlease_secs = 1", "push.lease_secs"),
            (
                "[push]\nfirst_retry_secs = 60\nmax_retry_secs = 5",
                "push.max_retry_secs",
            ),
        ] {
            let err = load(
                Settings::default(),
                None,
                &env(&[]),
                only("tribune-data/tribune.toml", text),
            )
            .unwrap_err();
            assert!(
                matches!(err, ConfigError::Invalid { setting: s, .. } if s == setting),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn the_file_in_the_data_directory_is_read() {
        let config = load(
            Settings::default(),
            None,
            &env(&[]),
            only("tribune-data/tribune.toml", FILE),
        )
        .unwrap();
        assert_eq!(config.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(config.data_dir, PathBuf::from("tribune-data/data"));
        assert_eq!(
            config.base_url.as_ref().map(PublicBase::as_str),
            Some("https://news.example.org")
        );
        assert!(!config.poll);
        assert!(config.fetch.allow_private_addresses);
        assert_eq!(config.fetch.allowed_hosts, ["bridge.internal:8081"]);
        assert_eq!(config.fetch.per_host, 2);
    }

    #[test]
    fn the_environment_beats_the_file_and_flags_beat_both() {
        let vars = env(&[
            ("TRIBUNE_DATA_DIR", "/srv/tribune"),
            ("TRIBUNE_LISTEN", "127.0.0.1:7000"),
            ("TRIBUNE_POLL", "yes"),
            ("TRIBUNE_ALLOW_HOSTS", "a.internal:1, b.internal:2,"),
            ("TRIBUNE_BASE_URL", ""),
        ]);
        let flags = Settings {
            listen: Some("127.0.0.1:6000".parse().unwrap()),
            ..Settings::default()
        };
        let config = load(flags, None, &vars, only("/srv/tribune/tribune.toml", FILE)).unwrap();
        assert_eq!(config.listen, "127.0.0.1:6000".parse().unwrap());
        // The file was found in the data directory the environment named,
        // and the environment's data directory wins over the file's.
        assert_eq!(config.data_dir, PathBuf::from("/srv/tribune"));
        assert!(config.poll);
        assert_eq!(config.fetch.allowed_hosts, ["a.internal:1", "b.internal:2"]);
        // An empty variable leaves the file's value.
        assert!(config.base_url.is_some());
        assert_eq!(config.fetch.per_host, 2);
    }

    #[test]
    fn a_named_file_must_exist() {
        let missing = load(
            Settings::default(),
            Some(Path::new("/etc/tribune.toml")),
            &env(&[]),
            only("x", ""),
        );
        assert!(matches!(missing, Err(ConfigError::Read { .. })));
        let by_env = load(
            Settings::default(),
            None,
            &env(&[(CONFIG_VAR, "/etc/tribune.toml")]),
            only("/etc/tribune.toml", "listen = \"[::1]:8080\""),
        )
        .unwrap();
        assert_eq!(by_env.listen, "[::1]:8080".parse().unwrap());
    }

    #[test]
    fn mistakes_are_named() {
        let read = |text: &'static str| {
            load(
                Settings::default(),
                Some(Path::new("t.toml")),
                &env(&[]),
                only("t.toml", text),
            )
        };
        let typo = read("lisen = \"0.0.0.0:1\"").unwrap_err().to_string();
        assert!(typo.contains("t.toml") && typo.contains("lisen"), "{typo}");
        assert!(matches!(
            read("listen = 8080"),
            Err(ConfigError::File { .. })
        ));
        assert!(matches!(
            read("[fetch]\nper_host = 0"),
            Err(ConfigError::Invalid {
                setting: "fetch.per_host",
                ..
            })
        ));
        assert!(matches!(
            read("base_url = \"news.example.org\""),
            Err(ConfigError::Invalid {
                setting: "base_url",
                ..
            })
        ));
        let bad_env = load(
            Settings::default(),
            None,
            &env(&[("TRIBUNE_POLL", "maybe")]),
            only("x", ""),
        )
        .unwrap_err()
        .to_string();
        assert!(bad_env.contains("TRIBUNE_POLL"), "{bad_env}");
    }
}
