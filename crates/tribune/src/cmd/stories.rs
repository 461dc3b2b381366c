//! `tribune stories` and `tribune story`: the stories Tribune has found,
//! each with its outlets and copy groups.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::ValueEnum;
use serde::Serialize;
use tribune_store::{SqliteStore, Store, StoryArticle, StorySummary};

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON object per story, one per line.
    Json,
}

/// The options of `tribune stories`; its help text is on the subcommand.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only stories active since then: a date (2025-03-16) or a span back
    /// from now (12h, 7d).
    #[arg(long, value_parser = parse_since)]
    since: Option<DateTime<Utc>>,
    /// How many stories to list.
    #[arg(long, short = 'n', default_value_t = 20)]
    limit: usize,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Where Tribune keeps its database.
    #[arg(long, env = "TRIBUNE_DATA_DIR", default_value = "tribune-data")]
    data_dir: PathBuf,
}

/// The options of `tribune story`; its help text is on the subcommand.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The story's id (from `tribune stories`).
    id: i64,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Where Tribune keeps its database.
    #[arg(long, env = "TRIBUNE_DATA_DIR", default_value = "tribune-data")]
    data_dir: PathBuf,
}

fn parse_since(value: &str) -> Result<DateTime<Utc>, String> {
    let value = value.trim();
    let span =
        |n: &str, unit: fn(i64) -> Duration| n.parse::<i64>().ok().map(|n| Utc::now() - unit(n));
    let parsed = if let Some(n) = value.strip_suffix('h') {
        span(n, Duration::hours)
    } else if let Some(n) = value.strip_suffix('d') {
        span(n, Duration::days)
    } else {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    };
    parsed.ok_or_else(|| format!("`{value}` is neither a date (2025-03-16) nor a span (12h, 7d)"))
}

/// The outlet an article came from: the site's name, else its host, else
/// "local file".
fn outlet(article: &StoryArticle) -> String {
    if let Some(site) = article
        .site_name
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        return site.trim().to_string();
    }
    url::Url::parse(&article.origin)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        })
        .unwrap_or_else(|| "local file".to_string())
}

#[derive(Serialize)]
struct ArticleJson<'a> {
    id: i64,
    title: Option<&'a str>,
    /// The source URL or, for local input, the file path.
    url: &'a str,
    outlet: String,
    copy_group: i64,
    original: bool,
    seen_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    id: i64,
    original: Option<ArticleJson<'a>>,
    copies: Vec<ArticleJson<'a>>,
}

#[derive(Serialize)]
struct StoryJson<'a> {
    id: i64,
    label: &'a str,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    article_count: i64,
    source_count: usize,
    sources: Vec<String>,
    articles: Vec<ArticleJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    copy_groups: Option<Vec<GroupJson<'a>>>,
}

fn article_json(a: &StoryArticle) -> ArticleJson<'_> {
    ArticleJson {
        id: a.id,
        title: a.title.as_deref(),
        url: &a.origin,
        outlet: outlet(a),
        copy_group: a.copy_group,
        original: a.is_original,
        seen_at: a.seen_at,
    }
}

fn sources(articles: &[StoryArticle]) -> Vec<String> {
    let mut outlets: Vec<String> = articles.iter().map(outlet).collect();
    outlets.sort();
    outlets.dedup();
    outlets
}

fn story_json<'a>(
    story: &'a StorySummary,
    articles: &'a [StoryArticle],
    with_groups: bool,
) -> StoryJson<'a> {
    let sources = sources(articles);
    let copy_groups = with_groups.then(|| {
        let mut groups: BTreeMap<i64, Vec<&StoryArticle>> = BTreeMap::new();
        for a in articles {
            groups.entry(a.copy_group).or_default().push(a);
        }
        groups
            .into_iter()
            .map(|(id, members)| GroupJson {
                id,
                original: members
                    .iter()
                    .find(|a| a.is_original)
                    .map(|a| article_json(a)),
                copies: members
                    .iter()
                    .filter(|a| !a.is_original)
                    .map(|a| article_json(a))
                    .collect(),
            })
            .collect()
    });
    StoryJson {
        id: story.id,
        label: &story.label,
        first_seen: story.first_seen,
        last_seen: story.last_seen,
        article_count: story.article_count,
        source_count: sources.len(),
        sources,
        articles: articles.iter().map(article_json).collect(),
        copy_groups,
    }
}

/// "1 article", "3 articles".
fn plural(n: i64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn open(data_dir: &std::path::Path) -> Result<SqliteStore> {
    SqliteStore::open(data_dir)
        .with_context(|| format!("cannot open the data directory {}", data_dir.display()))
}

pub fn list(args: ListArgs) -> Result<ExitCode> {
    let store = open(&args.data_dir)?;
    let stories = store.stories(args.since, args.limit)?;
    if stories.is_empty() {
        eprintln!(
            "no stories yet in {}; ingest or poll some news first",
            args.data_dir.display()
        );
        return Ok(ExitCode::from(1));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for story in &stories {
        let articles = store.story_articles(story.id)?;
        match args.format {
            Format::Json => {
                serde_json::to_writer(&mut out, &story_json(story, &articles, false))?;
                writeln!(out)?;
            }
            Format::Text => {
                let outlets = sources(&articles);
                let groups = articles
                    .iter()
                    .map(|a| a.copy_group)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len();
                writeln!(out, "{:>6}  {}", story.id, story.label)?;
                let copies = story.article_count - groups as i64;
                let copies = match copies {
                    0 => String::new(),
                    1 => ", 1 of them a copy".to_string(),
                    n => format!(", {n} of them copies"),
                };
                writeln!(
                    out,
                    "        {}{copies} from {}: {}",
                    plural(story.article_count, "article"),
                    plural(outlets.len() as i64, "source"),
                    outlets.join(", ")
                )?;
                writeln!(
                    out,
                    "        first seen {}, last seen {}",
                    story.first_seen.format("%Y-%m-%d %H:%M"),
                    story.last_seen.format("%Y-%m-%d %H:%M")
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn show(args: ShowArgs) -> Result<ExitCode> {
    let store = open(&args.data_dir)?;
    let Some(story) = store.story(args.id)? else {
        bail!("no story {}; see `tribune stories`", args.id);
    };
    let articles = store.story_articles(story.id)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let json = story_json(&story, &articles, true);
    match args.format {
        Format::Json => {
            serde_json::to_writer(&mut out, &json)?;
            writeln!(out)?;
        }
        Format::Text => {
            writeln!(out, "{}", story.label)?;
            writeln!(
                out,
                "{} from {}, {} to {}",
                plural(story.article_count, "article"),
                plural(json.source_count as i64, "source"),
                story.first_seen.format("%Y-%m-%d %H:%M"),
                story.last_seen.format("%Y-%m-%d %H:%M")
            )?;
            for group in json.copy_groups.iter().flatten() {
                writeln!(out)?;
                let line = |a: &ArticleJson<'_>| {
                    format!(
                        "{} — {} [{}] {}",
                        a.title.unwrap_or("(untitled)"),
                        a.outlet,
                        a.id,
                        a.url
                    )
                };
                match &group.original {
                    Some(original) => writeln!(out, "  original: {}", line(original))?,
                    None => writeln!(out, "  (original not stored)")?,
                }
                for copy in &group.copies {
                    writeln!(out, "    copy:   {}", line(copy))?;
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
