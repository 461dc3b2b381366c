//! `tribune bench quotes`: being built.

use anyhow::{Result, bail};

/// The options of `tribune bench quotes`.
#[derive(Debug, clap::Args)]
pub struct QuotesArgs {}

pub fn run(_args: QuotesArgs) -> Result<()> {
    bail!("tribune bench quotes is not built yet")
}
