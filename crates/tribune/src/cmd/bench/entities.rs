//! `tribune bench entities`: being built.

use anyhow::{Result, bail};

/// The options of `tribune bench entities`.
#[derive(Debug, clap::Args)]
pub struct EntitiesArgs {}

pub fn run(_args: EntitiesArgs) -> Result<()> {
    bail!("tribune bench entities is not built yet")
}
