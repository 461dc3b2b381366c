//! `tribune bench time`: time expressions found and resolved, on two sets.
//!
//! - TempEval-3's TimeBank and AQUAINT (`TBAQ-cleaned`): the TimeML tags
//!   are stripped to get the raw text, which is resolved against the
//!   document creation time. Scored the TempEval-3 way: extent precision,
//!   recall and F1, strict (same extent) and relaxed (overlapping), gold
//!   and system expressions paired one to one; and value F1, the F1 of the
//!   pairs that overlap and have the same value (the "value" attribute
//!   accuracy times relaxed F1).
//! - GUM's news dates: gold expressions with the day, month or year they
//!   mean or the interval they cover, in documents with their date. An
//!   expression counts as resolved right when an overlapping one has the
//!   same value, or, for intervals, the same first and last day give or
//!   take one (weeks start on Sunday or Monday by convention). Gold
//!   expressions with only bounds ("15 years") are not scored.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use tribune_nlp::time::TimeExpression;
use tribune_nlp::{Span, text, time};

/// The options of `tribune bench time`.
#[derive(Debug, clap::Args)]
pub struct TimeArgs {
    /// The TempEval-3 folder holding TimeBank/ and AQUAINT/ `.tml` files.
    #[arg(long, default_value = "../shared/bench/time/tempeval3/TBAQ-cleaned")]
    tempeval: PathBuf,
    /// GUM's news dates (documents with their date and gold expressions).
    #[arg(long, default_value = "../shared/bench/ner/gum/gum_news_dates.json")]
    gum: PathBuf,
    /// Print up to this many wrong or missed expressions of each set.
    #[arg(long, default_value_t = 0)]
    errors: usize,
}

/// A gold expression: where it is and its TIMEX3 value.
struct Gold {
    span: Span,
    value: String,
}

/// One TimeML document, tags stripped.
struct Doc {
    name: String,
    text: String,
    dct: Option<NaiveDate>,
    gold: Vec<Gold>,
}

pub fn run(args: TimeArgs) -> Result<()> {
    tempeval(&args)?;
    println!();
    gum(&args)
}

fn tml_paths(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| {
        format!(
            "cannot list {}; pass --tempeval with the TBAQ-cleaned folder",
            dir.display()
        )
    })? {
        let path = entry?.path();
        if path.is_dir() {
            tml_paths(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "tml") {
            out.push(path);
        }
    }
    Ok(())
}

fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let rest = tag.get(at..)?;
    rest.get(..rest.find('"')?)
}

fn entity(s: &str) -> Option<(char, usize)> {
    for (name, c) in [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&apos;", '\''),
    ] {
        if s.starts_with(name) {
            return Some((c, name.len()));
        }
    }
    None
}

/// The text inside `<TEXT>` without its tags, and the TIMEX3 in it.
fn parse_tml(name: String, source: &str) -> Doc {
    let dct = source
        .split("<TIMEX3")
        .find(|t| t.contains("functionInDocument=\"CREATION_TIME\""))
        .and_then(|t| attribute(t, "value"))
        .and_then(|v| NaiveDate::parse_from_str(v.get(..10).unwrap_or(v), "%Y-%m-%d").ok());
    let body = source.split_once("<TEXT>").map_or("", |(_, rest)| {
        rest.split_once("</TEXT>").map_or(rest, |(b, _)| b)
    });
    let mut text = String::with_capacity(body.len());
    let mut gold = Vec::new();
    let mut open: Option<(usize, String)> = None;
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let Some(close) = rest.find('>') else { break };
            let tag = &rest[..close];
            if tag.starts_with("<TIMEX3") {
                open = Some((
                    text.len(),
                    attribute(tag, "value").unwrap_or("").to_string(),
                ));
            } else if tag.starts_with("</TIMEX3")
                && let Some((start, value)) = open.take()
            {
                gold.push(Gold {
                    span: Span::new(start, text.len()),
                    value,
                });
            }
            rest = &rest[close + 1..];
        } else if let Some((decoded, len)) = (c == '&').then(|| entity(rest)).flatten() {
            text.push(decoded);
            rest = &rest[len..];
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Doc {
        name,
        text,
        dct,
        gold,
    }
}

/// Counts of one-to-one pairing between gold and system expressions.
#[derive(Default)]
struct Tally {
    gold: usize,
    system: usize,
    strict: usize,
    relaxed: usize,
    value: usize,
}

fn prf(hits: usize, system: usize, gold: usize) -> (f64, f64, f64) {
    let p = hits as f64 / system.max(1) as f64;
    let r = hits as f64 / gold.max(1) as f64;
    (p, r, 2.0 * p * r / (p + r).max(1e-9))
}

fn value_of(t: &TimeExpression) -> &str {
    t.resolved.as_ref().map_or("", |r| r.value.as_str())
}

fn tempeval(args: &TimeArgs) -> Result<()> {
    let mut paths = Vec::new();
    tml_paths(&args.tempeval, &mut paths)?;
    paths.sort();
    let docs: Vec<Doc> = paths
        .iter()
        .map(|p| {
            let source =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let name = p
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            Ok(parse_tml(name, &source))
        })
        .collect::<Result<_>>()?;
    let started = Instant::now();
    let found: Vec<Vec<TimeExpression>> = docs
        .iter()
        .map(|d| time::find(&d.text, &text::sentences(&d.text), d.dct))
        .collect();
    let took = started.elapsed();
    let mut tally = Tally::default();
    let mut errors = Vec::new();
    for (doc, system) in docs.iter().zip(&found) {
        tally.gold += doc.gold.len();
        tally.system += system.len();
        let mut used = vec![false; system.len()];
        for g in &doc.gold {
            let pick = system
                .iter()
                .enumerate()
                .filter(|(k, s)| !used[*k] && s.span.overlaps(g.span))
                .max_by_key(|(_, s)| (s.span == g.span, value_of(s) == g.value));
            let Some((k, s)) = pick else {
                errors.push(format!(
                    "{}: missed {:?} = {}",
                    doc.name,
                    g.span.of(&doc.text),
                    g.value
                ));
                continue;
            };
            used[k] = true;
            tally.relaxed += 1;
            tally.strict += usize::from(s.span == g.span);
            if value_of(s) == g.value {
                tally.value += 1;
            } else {
                errors.push(format!(
                    "{}: {:?} = {} but read {:?} = {}",
                    doc.name,
                    g.span.of(&doc.text),
                    g.value,
                    s.span.of(&doc.text),
                    value_of(s)
                ));
            }
        }
        for (k, s) in system.iter().enumerate() {
            if !used[k] {
                errors.push(format!(
                    "{}: spurious {:?} = {}",
                    doc.name,
                    s.span.of(&doc.text),
                    value_of(s)
                ));
            }
        }
    }
    println!(
        "TempEval-3 TimeBank + AQUAINT ({} documents, {} gold TIMEX3, {} found), against each document's creation time",
        docs.len(),
        tally.gold,
        tally.system
    );
    println!("{:<16} {:>9} {:>9} {:>9}", "", "precision", "recall", "F1");
    for (label, hits) in [
        ("extent strict", tally.strict),
        ("extent relaxed", tally.relaxed),
        ("value", tally.value),
    ] {
        let (p, r, f) = prf(hits, tally.system, tally.gold);
        println!(
            "{label:<16} {:>9.1} {:>9.1} {:>9.1}",
            100.0 * p,
            100.0 * r,
            100.0 * f
        );
    }
    println!(
        "value accuracy over relaxed matches {:.1} (HeidelTime's published value F1 on the TempEval-3 test set: 77.6)",
        100.0 * tally.value as f64 / tally.relaxed.max(1) as f64
    );
    let words: usize = docs.iter().map(|d| d.text.split_whitespace().count()).sum();
    println!(
        "{:.0} documents/s, {:.0} expressions/s, {:.1} M words/s (sentences and times, one thread)",
        docs.len() as f64 / took.as_secs_f64(),
        tally.system as f64 / took.as_secs_f64(),
        words as f64 / took.as_secs_f64() / 1e6
    );
    for e in errors.iter().take(args.errors) {
        println!("  {e}");
    }
    Ok(())
}

/// A GUM gold date: a value ("2017-07-21", "2017") or an interval.
struct GumGold {
    span: Span,
    text: String,
    when: Option<String>,
    interval: Option<(NaiveDate, NaiveDate)>,
}

/// Byte offset of each character offset (and of the end).
fn byte_offsets(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(b, _)| b)
        .chain([text.len()])
        .collect()
}

fn gum(args: &TimeArgs) -> Result<()> {
    let raw = std::fs::read_to_string(&args.gum)
        .with_context(|| format!("cannot read {}; pass --gum", args.gum.display()))?;
    let json: serde_json::Value = serde_json::from_str(&raw).context("GUM dates are not JSON")?;
    let documents = json
        .as_object()
        .context("GUM dates: expected an object of documents")?;
    let date = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    let (mut gold_total, mut scored, mut matched, mut right) = (0, 0, 0, 0);
    let mut found_total = 0;
    let mut errors = Vec::new();
    let mut took = std::time::Duration::ZERO;
    for (name, doc) in documents {
        let text = doc["text"].as_str().unwrap_or("");
        let dct = date(&doc["dct"]);
        let offsets = byte_offsets(text);
        let golds: Vec<GumGold> = doc["gold"]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|g| {
                let at = |k: &str| {
                    g[k].as_u64()
                        .and_then(|c| offsets.get(usize::try_from(c).ok()?).copied())
                };
                Some(GumGold {
                    span: Span::new(at("start")?, at("end")?),
                    text: g["text"].as_str().unwrap_or("").to_string(),
                    when: g["when"].as_str().map(str::to_string),
                    interval: date(&g["from"]).zip(date(&g["to"])),
                })
            })
            .collect();
        let started = Instant::now();
        let found = time::find(text, &text::sentences(text), dct);
        took += started.elapsed();
        found_total += found.len();
        for g in &golds {
            gold_total += 1;
            if g.when.is_none() && g.interval.is_none() {
                continue;
            }
            scored += 1;
            if g.span.of(text) != g.text {
                errors.push(format!("{name}: gold offsets do not give {:?}", g.text));
            }
            let Some(s) = found.iter().find(|s| s.span.overlaps(g.span)) else {
                errors.push(format!("{name}: missed {:?}", g.text));
                continue;
            };
            matched += 1;
            let ok = match (&g.when, g.interval, &s.resolved) {
                (_, _, None) => false,
                (Some(when), _, Some(r)) => r.value == *when || format!("{}:00", r.value) == *when,
                (None, Some((from, to)), Some(r)) => match (r.start, r.end) {
                    (Some(start), Some(end)) => {
                        (start - from).num_days().abs() <= 1 && (end - to).num_days().abs() <= 1
                    }
                    _ => false,
                },
                (None, None, Some(_)) => false,
            };
            if ok {
                right += 1;
            } else {
                errors.push(format!(
                    "{name}: {:?} = {} but read {:?} = {}",
                    g.text,
                    g.when
                        .clone()
                        .unwrap_or_else(|| format!("{:?}", g.interval)),
                    s.span.of(text),
                    s.resolved.as_ref().map_or_else(String::new, |r| format!(
                        "{} {:?}..{:?}",
                        r.value, r.start, r.end
                    ))
                ));
            }
        }
    }
    println!(
        "GUM news dates ({} documents, {gold_total} gold expressions, {scored} with a value or interval, {found_total} found)",
        documents.len()
    );
    println!(
        "found {matched} of {scored} ({:.1}%); value accuracy {:.3} of those found, {:.3} of all scored",
        100.0 * matched as f64 / scored.max(1) as f64,
        right as f64 / matched.max(1) as f64,
        right as f64 / scored.max(1) as f64
    );
    println!(
        "{:.0} documents/s, {:.0} expressions/s (sentences and times, one thread)",
        documents.len() as f64 / took.as_secs_f64(),
        found_total as f64 / took.as_secs_f64()
    );
    for e in errors.iter().take(args.errors) {
        println!("  {e}");
    }
    Ok(())
}
