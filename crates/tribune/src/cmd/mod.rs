//! One module per subcommand.

pub mod bench;
pub mod extract;
pub mod ingest;
pub mod search;
