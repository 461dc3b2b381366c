//! `tribune bench time`: being built.

use anyhow::{Result, bail};

/// The options of `tribune bench time`.
#[derive(Debug, clap::Args)]
pub struct TimeArgs {}

pub fn run(_args: TimeArgs) -> Result<()> {
    bail!("tribune bench time is not built yet")
}
