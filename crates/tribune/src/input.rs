//! Reading what the user names on the command line: files (gzipped or
//! not), directories, standard input, and http(s) URLs.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tribune_model::{ContentKind, Document};

use crate::fetching::BlockingFetcher;

/// The most a fetched page or a decompressed file may weigh.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// One input named by the user, before it is read.
#[derive(Debug, Clone)]
pub enum Source {
    File(PathBuf),
    Stdin,
    Url(String),
}

impl Source {
    /// How the input is named in output and errors.
    pub fn label(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Stdin => "-".to_string(),
            Source::Url(url) => url.clone(),
        }
    }
}

/// Expands the command line's inputs: directories become their files (sorted,
/// recursively, hidden files skipped).
pub fn expand(inputs: &[String]) -> Result<Vec<Source>> {
    let mut sources = Vec::new();
    for input in inputs {
        if input == "-" {
            sources.push(Source::Stdin);
        } else if input.starts_with("http://") || input.starts_with("https://") {
            sources.push(Source::Url(input.clone()));
        } else {
            let path = PathBuf::from(input);
            if path.is_dir() {
                let mut files = Vec::new();
                walk(&path, &mut files)
                    .with_context(|| format!("cannot list directory {input}"))?;
                files.sort();
                sources.extend(files.into_iter().map(Source::File));
            } else {
                sources.push(Source::File(path));
            }
        }
    }
    Ok(sources)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads a source into a document; URLs are fetched only if a fetcher is given.
pub fn read(source: &Source, client: Option<&BlockingFetcher>) -> Result<Document> {
    match source {
        Source::File(path) => read_file(path),
        Source::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_INPUT_BYTES + 1)
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
            if bytes.len() as u64 > MAX_INPUT_BYTES {
                bail!(
                    "standard input is larger than {} MiB",
                    MAX_INPUT_BYTES >> 20
                );
            }
            Ok(Document::new(maybe_gunzip(bytes, "standard input")?))
        }
        Source::Url(url) => client
            .with_context(|| format!("{url}: no fetcher for URLs"))?
            .fetch(url),
    }
}

/// Reads a file, gunzipping `.gz` files (or any file starting with gzip's magic).
pub fn read_file(path: &Path) -> Result<Document> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let label = path.display().to_string();
    let bytes = maybe_gunzip(bytes, &label)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        bail!(
            "{label} is larger than {} MiB; split it or extract the page you need",
            MAX_INPUT_BYTES >> 20
        );
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let stem = name.trim_end_matches(".gz");
    let kind = if stem.ends_with(".txt") || stem.ends_with(".text") || stem.ends_with(".md") {
        ContentKind::Text
    } else if stem.ends_with(".html") || stem.ends_with(".htm") || stem.ends_with(".xhtml") {
        ContentKind::Html
    } else {
        ContentKind::Unknown
    };
    Ok(Document::new(bytes).with_kind(kind))
}

fn maybe_gunzip(bytes: Vec<u8>, label: &str) -> Result<Vec<u8>> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes.as_slice())
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut out)
        .with_context(|| format!("{label}: gzip data is corrupt or truncated"))?;
    Ok(out)
}
