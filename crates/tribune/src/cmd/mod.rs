//! One module per subcommand.

pub mod bench;
pub mod enrich;
pub mod extract;
pub mod ingest;
pub mod poll;
pub mod search;
pub mod serve;
pub mod source;
pub mod stories;
pub mod user;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tribune_store::SqliteStore;

/// `--data-dir` for a command whose subcommands all open the store
/// (`tribune source`, `tribune user`): given before or after the
/// subcommand.
#[derive(Debug, clap::Args)]
pub struct DataDir {
    /// Where Tribune keeps its database.
    #[arg(
        long,
        global = true,
        env = "TRIBUNE_DATA_DIR",
        default_value = "tribune-data"
    )]
    data_dir: PathBuf,
}

impl DataDir {
    /// The store in the directory, which is made if missing.
    pub fn open(&self) -> Result<SqliteStore> {
        open_store(&self.data_dir)
    }
}

/// The store in `data_dir`, which is made if missing; errors name the
/// directory.
pub fn open_store(data_dir: &Path) -> Result<SqliteStore> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    SqliteStore::open(data_dir)
        .with_context(|| format!("cannot open the data directory {}", data_dir.display()))
}
