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
