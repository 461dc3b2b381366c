//! `tribune stories` and `tribune story`: the stories Tribune has found,
//! each with its outlets and copy groups.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::ValueEnum;
use serde::Serialize;
use tribune_nlp::events::Modality;
use tribune_store::{SqliteStore, Store, StoryArticle, StorySummary};
use tribune_story::{TimelineArticle, timeline};

use super::open_store;

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
    /// Show the story's timeline instead: its events in date order, each
    /// with the quote or clause that supports it and its articles (JSON:
    /// one entry per line).
    #[arg(long)]
    timeline: bool,
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

fn outlet(article: &StoryArticle) -> String {
    tribune_store::outlet(article.site_name.as_deref(), &article.origin)
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
        tribune_store::copy_groups(articles)
            .into_iter()
            .map(|group| GroupJson {
                id: group.id,
                original: group.original.map(article_json),
                copies: group.copies.into_iter().map(article_json).collect(),
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

pub fn list(args: ListArgs) -> Result<ExitCode> {
    let store = open_store(&args.data_dir)?;
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
    let store = open_store(&args.data_dir)?;
    let Some(story) = store.story(args.id)? else {
        bail!("no story {}; see `tribune stories`", args.id);
    };
    let articles = store.story_articles(story.id)?;
    if args.timeline {
        return show_timeline(&store, &story, &articles, args.format);
    }
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

fn show_timeline(
    store: &SqliteStore,
    story: &StorySummary,
    articles: &[StoryArticle],
    format: Format,
) -> Result<ExitCode> {
    let mut stored = Vec::with_capacity(articles.len());
    for member in articles {
        if let Some(article) = store.article(member.id)? {
            stored.push(article);
        }
    }
    // Articles stored before the NLP stage existed are read now.
    let enrichments: Vec<tribune_nlp::Enrichment> = stored
        .iter()
        .map(|article| {
            article
                .enrichment
                .clone()
                .unwrap_or_else(|| tribune_nlp::enrich(&article.text, article.published))
        })
        .collect();
    let inputs: Vec<TimelineArticle<'_>> = stored
        .iter()
        .zip(&enrichments)
        .map(|(article, enrichment)| TimelineArticle {
            id: article.id,
            published: article.published,
            text: &article.text,
            enrichment,
        })
        .collect();
    let entries = timeline(&inputs);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            for entry in &entries {
                serde_json::to_writer(&mut out, entry)?;
                writeln!(out)?;
            }
        }
        Format::Text => {
            writeln!(out, "{} — timeline", story.label)?;
            if entries.is_empty() {
                writeln!(out, "(no events found in its articles)")?;
            }
            for entry in &entries {
                let when = match (entry.start, entry.end) {
                    (Some(start), Some(end)) if start != end => format!("{start}..{end}"),
                    (Some(start), _) => start.to_string(),
                    _ => "undated".to_string(),
                };
                let mut who = entry.actors.join(", ");
                if !entry.targets.is_empty() {
                    who.push_str(&format!(" with {}", entry.targets.join(", ")));
                }
                if let Some(place) = &entry.place {
                    who.push_str(&format!(" in {place}"));
                }
                let modality = match entry.modality {
                    Modality::Happened => "",
                    Modality::Expected => " (expected)",
                    Modality::Proposed => " (proposed)",
                };
                writeln!(out)?;
                writeln!(out, "{when}  {:?}{modality}: {who}", entry.kind)?;
                writeln!(out, "    \"{}\"", entry.evidence)?;
                let mut from = format!("    article {}", entry.article);
                if !entry.also_in.is_empty() {
                    let others: Vec<String> = entry.also_in.iter().map(i64::to_string).collect();
                    from.push_str(&format!(", also in {}", others.join(", ")));
                }
                writeln!(out, "{from}")?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
