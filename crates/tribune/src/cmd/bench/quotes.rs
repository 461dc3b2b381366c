//! `tribune bench quotes`: quotation attribution on PolNeAR
//! (`../shared/bench/quotes/polnear/{dev,train}`), brat standoff with
//! Source, Cue and Content spans in Unicode-character offsets (a newline
//! counts one) into `text/`.
//!
//! Two views:
//! - quotations (gold content beginning with a quotation mark): content F1
//!   where a prediction matches a gold content when the word tokens they
//!   share are at least half of the larger of the two
//!   (`overlap / max(len)`), and, on matched pairs, speaker accuracy (the
//!   predicted source overlaps the gold one, or its entity's surname is in
//!   the gold source words);
//! - every attribution: exact-match F1 of source, cue and content, beside
//!   CofeNet's published figures. "Exact" compares spans after trimming
//!   spaces, quotation marks, edge punctuation and a leading "that" on both
//!   sides (PolNeAR keeps the marks and "that" in contents; Tribune's
//!   contents leave them out).
//!
//! A text annotated by several annotators is scored against the first
//! annotation file in name order.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tribune_nlp::Span;
use tribune_nlp::entities::Entity;
use tribune_nlp::quotes::{Quote, QuoteKind};
use tribune_nlp::text::{TokenKind, tokens};

/// CofeNet's published exact-match F1 on the PolNeAR test split.
const COFENET: (f64, f64, f64) = (83.2, 75.3, 72.9);

/// The options of `tribune bench quotes`.
#[derive(Debug, clap::Args)]
pub struct QuotesArgs {
    /// The PolNeAR folder (holding `dev/` and `train/`).
    #[arg(long, default_value = "../shared/bench/quotes/polnear")]
    data: PathBuf,
    /// The splits to score, each separately.
    #[arg(long, value_delimiter = ',', default_value = "dev,train")]
    splits: Vec<String>,
    /// Print the quotations missed and the ones predicted wrongly.
    #[arg(long)]
    show_errors: bool,
}

/// One gold attribution: byte spans, contents possibly in fragments.
#[derive(Debug, Default, Clone)]
struct Gold {
    source: Vec<Span>,
    cue: Vec<Span>,
    content: Vec<Span>,
}

struct Doc {
    text: String,
    gold: Vec<Gold>,
}

/// One predicted attribution: a quotation with the quotations that
/// continue it (no cue, same source) folded into its content fragments.
struct Predicted {
    source: Option<Span>,
    speaker: Option<usize>,
    cue: Option<Span>,
    content: Vec<Span>,
    quoted: bool,
}

#[derive(Default)]
struct Counts {
    tp: usize,
    predicted: usize,
    gold: usize,
}

impl Counts {
    fn f1(&self) -> f64 {
        let p = self.tp as f64 / self.predicted.max(1) as f64;
        let r = self.tp as f64 / self.gold.max(1) as f64;
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn row(&self, name: &str, published: Option<f64>) {
        let p = self.tp as f64 / self.predicted.max(1) as f64;
        let r = self.tp as f64 / self.gold.max(1) as f64;
        println!(
            "  {name:<22} {:>6} {:>6} {:>6}   P {:>5.1}  R {:>5.1}  F1 {:>5.1}{}",
            self.gold,
            self.predicted,
            self.tp,
            100.0 * p,
            100.0 * r,
            100.0 * self.f1(),
            published.map_or(String::new(), |v| format!("   (CofeNet {v:.1})"))
        );
    }
}

#[derive(Default)]
struct Report {
    quoted: Counts,
    speaker_right: usize,
    source: Counts,
    cue: Counts,
    content: Counts,
    docs: usize,
    words: usize,
    quote_time: Duration,
    total_time: Duration,
}

pub fn run(args: QuotesArgs) -> Result<()> {
    for split in &args.splits {
        let docs = load(&args.data.join(split))?;
        let report = score(&docs, args.show_errors);
        print(split, &report);
    }
    Ok(())
}

fn print(split: &str, r: &Report) {
    println!("PolNeAR {split}: {} articles, {} words", r.docs, r.words);
    println!("  {:<22} {:>6} {:>6} {:>6}", "", "gold", "pred", "match");
    r.quoted.row("quotations, content", None);
    println!(
        "  {:<22} {:>6} of {} matched: {:.1}%",
        "quotations, speaker",
        r.speaker_right,
        r.quoted.tp,
        100.0 * r.speaker_right as f64 / r.quoted.tp.max(1) as f64
    );
    r.source.row("all, source exact", Some(COFENET.0));
    r.cue.row("all, cue exact", Some(COFENET.1));
    r.content.row("all, content exact", Some(COFENET.2));
    let per_doc = r.quote_time.as_secs_f64() / r.docs.max(1) as f64;
    let words_per_doc = r.words as f64 / r.docs.max(1) as f64;
    let per_800 = per_doc * 800.0 / words_per_doc.max(1.0);
    println!(
        "  speed: quotes::find {:.1} µs/article ({:.0} words), {:.1} µs per 800 words, {:.0} articles/s; sentences+entities+quotes {:.0} articles/s (one core)",
        per_doc * 1e6,
        words_per_doc,
        per_800 * 1e6,
        1.0 / per_doc.max(1e-12),
        r.docs as f64 / r.total_time.as_secs_f64().max(1e-12)
    );
}

/// Reads the texts of one split and their first annotation file each.
fn load(dir: &Path) -> Result<Vec<Doc>> {
    let text_dir = dir.join("text");
    let ann_dir = dir.join("attributions");
    let mut anns: Vec<String> = fs::read_dir(&ann_dir)
        .with_context(|| format!("cannot list {}", ann_dir.display()))?
        .filter_map(|e| Some(e.ok()?.file_name().to_str()?.to_string()))
        .filter(|n| n.ends_with(".ann"))
        .collect();
    anns.sort();
    let mut texts: Vec<PathBuf> = fs::read_dir(&text_dir)
        .with_context(|| format!("cannot list {}", text_dir.display()))?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    texts.sort();
    let mut docs = Vec::new();
    for path in texts {
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let prefix = format!("{stem}_");
        let Some(ann) = anns
            .iter()
            .find(|a| a.starts_with(&prefix) && !a[prefix.len()..].contains('_'))
        else {
            continue;
        };
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let standoff = fs::read_to_string(ann_dir.join(ann))?;
        let gold = parse_ann(&text, &standoff);
        docs.push(Doc { text, gold });
    }
    Ok(docs)
}

/// The attributions of a brat file, with character offsets turned into
/// byte offsets of `text`.
fn parse_ann(text: &str, standoff: &str) -> Vec<Gold> {
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let to_byte = |c: &str| c.parse::<usize>().ok().and_then(|c| bytes.get(c).copied());
    let mut spans: std::collections::HashMap<&str, Vec<Span>> = Default::default();
    for line in standoff.lines() {
        let mut parts = line.split('\t');
        let (Some(id), Some(head)) = (parts.next(), parts.next()) else {
            continue;
        };
        if !id.starts_with('T') {
            continue;
        }
        let Some((_, ranges)) = head.split_once(' ') else {
            continue;
        };
        let fragments = ranges
            .split(';')
            .filter_map(|r| {
                let (a, b) = r.trim().split_once(' ')?;
                Some(Span::new(to_byte(a)?, to_byte(b)?))
            })
            .collect();
        spans.insert(id, fragments);
    }
    let mut out = Vec::new();
    for line in standoff.lines().filter(|l| l.starts_with('E')) {
        let Some(args) = line.split('\t').nth(1) else {
            continue;
        };
        let mut gold = Gold::default();
        let mut is_attribution = false;
        for arg in args.split_whitespace() {
            let Some((role, id)) = arg.split_once(':') else {
                continue;
            };
            let found = spans.get(id).cloned().unwrap_or_default();
            match role.trim_end_matches(|c: char| c.is_ascii_digit()) {
                "Attribution" | "Attribution-no-source" => is_attribution = true,
                "Source" => gold.source.extend(found),
                "Cue" => gold.cue.extend(found),
                "Content" => gold.content.extend(found),
                _ => {}
            }
        }
        if is_attribution && !gold.content.is_empty() {
            out.push(gold);
        }
    }
    out
}

fn is_mark(c: char) -> bool {
    tribune_nlp::text::is_quote_mark(c)
}

/// Whether the content (or the mark right before it) opens with a
/// quotation mark.
fn opens_quoted(text: &str, span: Span) -> bool {
    let inside = span.of(text).trim_start();
    if inside.starts_with(is_mark) {
        return true;
    }
    text.get(..span.start)
        .and_then(|b| b.trim_end().chars().next_back())
        .is_some_and(is_mark)
}

/// A span trimmed of spaces, marks, edge punctuation and a leading
/// "that", so both sides are compared alike.
fn normalise(text: &str, span: Span) -> Span {
    let edge = |c: char| c.is_whitespace() || is_mark(c) || ".,;:!?—–-…".contains(c);
    let s = span.of(text);
    let mut start = span.start + (s.len() - s.trim_start_matches(edge).len());
    let end = span.start + s.trim_end_matches(edge).len();
    let rest = text.get(start..end.max(start)).unwrap_or("");
    if rest.len() > 5
        && rest
            .get(..5)
            .is_some_and(|t| t.eq_ignore_ascii_case("that "))
    {
        start += 5;
        let rest = text.get(start..end.max(start)).unwrap_or("");
        start += rest.len() - rest.trim_start_matches(edge).len();
    }
    Span::new(start, end.max(start))
}

fn predicted(text: &str, quotes: &[Quote]) -> Vec<Predicted> {
    let mut out: Vec<Predicted> = Vec::new();
    for q in quotes {
        // A quotation continued after its cue, or in the next sentences,
        // is one attribution in fragments, as PolNeAR annotates it.
        let continues = q.kind == QuoteKind::Direct
            && q.source.is_some()
            && out.last().is_some_and(|p| {
                p.source == q.source && p.quoted && (q.cue.is_none() || q.cue == p.cue)
            });
        if continues && let Some(last) = out.last_mut() {
            last.content.push(q.content);
            continue;
        }
        out.push(Predicted {
            source: q.source,
            speaker: q.speaker,
            cue: q.cue,
            content: vec![q.content],
            quoted: q.kind == QuoteKind::Direct && opens_quoted(text, q.content),
        });
    }
    out
}

/// The word-token indices covered by each span, as ranges.
fn token_ranges(words: &[Span], spans: &[Span]) -> Vec<(usize, usize)> {
    spans
        .iter()
        .map(|s| {
            let a = words.partition_point(|w| w.start < s.start);
            let b = words.partition_point(|w| w.end <= s.end);
            (a, b.max(a))
        })
        .collect()
}

fn size(ranges: &[(usize, usize)]) -> usize {
    ranges.iter().map(|(a, b)| b - a).sum()
}

fn shared(x: &[(usize, usize)], y: &[(usize, usize)]) -> usize {
    let mut n = 0;
    for &(a, b) in x {
        for &(c, d) in y {
            n += b.min(d).saturating_sub(a.max(c));
        }
    }
    n
}

fn score(docs: &[Doc], show: bool) -> Report {
    let mut r = Report::default();
    for doc in docs {
        let text = doc.text.as_str();
        let started = Instant::now();
        let sentences = tribune_nlp::text::sentences(text);
        let entities = tribune_nlp::entities::find(text, &sentences);
        let quote_start = Instant::now();
        let quotes = tribune_nlp::quotes::find(text, &sentences, &entities);
        r.quote_time += quote_start.elapsed();
        r.total_time += started.elapsed();
        r.docs += 1;
        let words: Vec<Span> = tokens(text)
            .into_iter()
            .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number))
            .map(|t| t.span)
            .collect();
        r.words += words.len();
        let predictions = predicted(text, &quotes);
        score_quoted(
            text,
            &words,
            &doc.gold,
            &predictions,
            &entities,
            &mut r,
            show,
        );
        score_exact(text, &doc.gold, &predictions, &mut r);
    }
    r
}

fn score_quoted(
    text: &str,
    words: &[Span],
    gold: &[Gold],
    predictions: &[Predicted],
    entities: &[Entity],
    r: &mut Report,
    show: bool,
) {
    let gold: Vec<&Gold> = gold
        .iter()
        .filter(|g| {
            g.content.first().is_some_and(|c| {
                opens_quoted(text, *c) && c.of(text).trim_start().starts_with(is_mark)
            })
        })
        .collect();
    let preds: Vec<&Predicted> = predictions.iter().filter(|p| p.quoted).collect();
    r.quoted.gold += gold.len();
    r.quoted.predicted += preds.len();
    let gold_tokens: Vec<Vec<(usize, usize)>> = gold
        .iter()
        .map(|g| token_ranges(words, &g.content))
        .collect();
    let pred_tokens: Vec<Vec<(usize, usize)>> = preds
        .iter()
        .map(|p| token_ranges(words, &p.content))
        .collect();
    // Best pairs first, each side used once.
    let mut pairs = Vec::new();
    for (gi, g) in gold_tokens.iter().enumerate() {
        for (pi, p) in pred_tokens.iter().enumerate() {
            let common = shared(g, p);
            let ratio = common as f64 / size(g).max(size(p)).max(1) as f64;
            if ratio >= 0.5 {
                pairs.push((ratio, gi, pi));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut gold_used = vec![false; gold.len()];
    let mut pred_used = vec![false; preds.len()];
    for (_, gi, pi) in pairs {
        if gold_used[gi] || pred_used[pi] {
            continue;
        }
        gold_used[gi] = true;
        pred_used[pi] = true;
        r.quoted.tp += 1;
        if speaker_right(text, gold[gi], preds[pi], entities) {
            r.speaker_right += 1;
        } else if show {
            let src = |s: &[Span]| s.iter().map(|s| s.of(text)).collect::<Vec<_>>().join(" | ");
            println!(
                "SPEAKER gold [{}] pred [{}] in {:?}",
                src(&gold[gi].source),
                src(&preds[pi].source.into_iter().collect::<Vec<_>>()),
                preds[pi].content[0].of(text)
            );
        }
    }
    if show {
        let around = |s: Span| {
            let a = s.start.saturating_sub(80);
            let b = (s.end + 80).min(text.len());
            let (a, b) = (
                (0..=a)
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0),
                (b..=text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(text.len()),
            );
            text[a..b].replace('\n', " / ")
        };
        for (gi, g) in gold.iter().enumerate() {
            if !gold_used[gi] {
                println!("MISSED {}", around(g.content[0]));
            }
        }
        for (pi, p) in preds.iter().enumerate() {
            if !pred_used[pi] {
                println!(
                    "WRONG [{}] in {}",
                    p.content[0].of(text),
                    around(p.content[0])
                );
            }
        }
    }
}

fn speaker_right(text: &str, gold: &Gold, pred: &Predicted, entities: &[Entity]) -> bool {
    let Some(source) = pred.source else {
        return gold.source.is_empty();
    };
    if gold.source.iter().any(|g| g.overlaps(source)) {
        return true;
    }
    let Some(entity) = pred
        .speaker
        .and_then(|id| entities.iter().find(|e| e.id == id))
    else {
        return false;
    };
    let Some(surname) = entity.name.split_whitespace().last() else {
        return false;
    };
    gold.source.iter().any(|g| {
        g.of(text)
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == surname)
    })
}

/// Greedy one-to-one exact matching of normalised spans for one role.
fn exact(text: &str, gold: &[Vec<Span>], predicted: &[Vec<Span>], counts: &mut Counts) {
    let norm = |spans: &Vec<Span>| -> Vec<Span> {
        let mut v: Vec<Span> = spans
            .iter()
            .map(|s| normalise(text, *s))
            .filter(|s| !s.is_empty())
            .collect();
        v.sort();
        v
    };
    let gold: Vec<Vec<Span>> = gold.iter().filter(|g| !g.is_empty()).map(norm).collect();
    let predicted: Vec<Vec<Span>> = predicted
        .iter()
        .filter(|p| !p.is_empty())
        .map(norm)
        .collect();
    counts.gold += gold.len();
    counts.predicted += predicted.len();
    let mut used = vec![false; gold.len()];
    for p in &predicted {
        if let Some(i) = (0..gold.len()).find(|&i| !used[i] && gold[i] == *p) {
            used[i] = true;
            counts.tp += 1;
        }
    }
}

fn score_exact(text: &str, gold: &[Gold], predictions: &[Predicted], r: &mut Report) {
    let pick = |f: fn(&Gold) -> Vec<Span>| gold.iter().map(f).collect::<Vec<_>>();
    exact(
        text,
        &pick(|g| g.source.clone()),
        &predictions
            .iter()
            .map(|p| p.source.into_iter().collect())
            .collect::<Vec<_>>(),
        &mut r.source,
    );
    exact(
        text,
        &pick(|g| g.cue.clone()),
        &predictions
            .iter()
            .map(|p| p.cue.into_iter().collect())
            .collect::<Vec<_>>(),
        &mut r.cue,
    );
    exact(
        text,
        &pick(|g| g.content.clone()),
        &predictions
            .iter()
            .map(|p| p.content.clone())
            .collect::<Vec<_>>(),
        &mut r.content,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brat_offsets_are_characters() {
        let text = "Ça “va” — he said.\n\nNext.";
        let ann = "T1\tSource 10 12\the\nT2\tCue 13 17\tsaid\nT3\tContent 3 7;8 9\t“va” —\nT4\tAttribution 13 17\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n";
        let gold = parse_ann(text, ann);
        assert_eq!(gold.len(), 1);
        assert_eq!(gold[0].source[0].of(text), "he");
        assert_eq!(gold[0].cue[0].of(text), "said");
        assert_eq!(gold[0].content[0].of(text), "“va”");
        assert_eq!(gold[0].content.len(), 2);
    }

    #[test]
    fn normalising_drops_marks_and_that() {
        let text = "He said that “we will win.”";
        let s = normalise(text, Span::new(8, text.len()));
        assert_eq!(s.of(text), "we will win");
        let t = normalise(text, Span::new(13, text.len()));
        assert_eq!(t.of(text), "we will win");
    }
}
