//! `tribune bench entities`: named entities on CoNLL-2003 (`valid.txt` by
//! default). Each document's text is rebuilt from its tokens (joined with
//! spaces, one sentence a line), run through `tribune_nlp::entities::find`,
//! and every name mention mapped back to the tokens it covers; a mention
//! counts when its tokens and type equal a gold entity's exactly.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use tribune_nlp::entities::{EntityKind, MentionForm, find};

/// The options of `tribune bench entities`.
#[derive(Debug, clap::Args)]
pub struct EntitiesArgs {
    /// The CoNLL-2003 file (`token [POS CHUNK] TAG` lines, IOB tags).
    #[arg(long, default_value = "../shared/bench/ner/conll2003/valid.txt")]
    conll: PathBuf,
    /// Print this many wrong and missed entities, for error analysis.
    #[arg(long, default_value_t = 0)]
    errors: usize,
    /// With `--errors`, print the sentence of each listed entity too.
    #[arg(long)]
    context: bool,
}

const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];

/// One document: its tokens, sentences as token ranges, gold entities as
/// (first token, end token, type index).
struct Doc {
    tokens: Vec<String>,
    sentences: Vec<(usize, usize)>,
    gold: Vec<(usize, usize, usize)>,
}

fn load(path: &std::path::Path) -> Result<Vec<Doc>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}; pass --conll", path.display()))?;
    let mut docs = Vec::new();
    let mut doc = Doc {
        tokens: Vec::new(),
        sentences: Vec::new(),
        gold: Vec::new(),
    };
    let mut sentence_start = 0;
    let mut open: Option<(usize, usize)> = None;
    let close = |doc: &mut Doc, open: &mut Option<(usize, usize)>| {
        if let Some((start, ty)) = open.take() {
            doc.gold.push((start, doc.tokens.len(), ty));
        }
    };
    for line in text.lines().chain(std::iter::once("")) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.first() == Some(&"-DOCSTART-") || fields.is_empty() {
            close(&mut doc, &mut open);
            if doc.tokens.len() > sentence_start {
                doc.sentences.push((sentence_start, doc.tokens.len()));
            }
            sentence_start = doc.tokens.len();
            if fields.first() == Some(&"-DOCSTART-") && !doc.tokens.is_empty() {
                docs.push(std::mem::replace(
                    &mut doc,
                    Doc {
                        tokens: Vec::new(),
                        sentences: Vec::new(),
                        gold: Vec::new(),
                    },
                ));
                sentence_start = 0;
            }
            continue;
        }
        let (Some(token), Some(tag)) = (
            fields.first(),
            fields.get(if fields.len() >= 4 { 3 } else { 1 }),
        ) else {
            bail!("bad line in {}: {line}", path.display());
        };
        let (prefix, ty) = tag.split_once('-').unwrap_or((tag, ""));
        let ty = TYPES.iter().position(|t| *t == ty);
        match (prefix, ty) {
            ("I", Some(ty)) if open.is_some_and(|(_, t)| t == ty) => {}
            (_, Some(ty)) => {
                close(&mut doc, &mut open);
                open = Some((doc.tokens.len(), ty));
            }
            _ => close(&mut doc, &mut open),
        }
        doc.tokens.push((*token).to_string());
    }
    if !doc.tokens.is_empty() {
        docs.push(doc);
    }
    Ok(docs.into_iter().flat_map(split_at_datelines).collect())
}

/// Whether a sentence is a dateline ("LONDON 1996-08-30"), the second line
/// of every Reuters story.
fn is_dateline(tokens: &[String]) -> bool {
    tokens.last().is_some_and(|t| {
        t.len() == 10
            && t.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
    })
}

/// Files without `-DOCSTART-` lines hold many stories in one run: each
/// starts with the headline before a dateline.
fn split_at_datelines(doc: Doc) -> Vec<Doc> {
    let mut starts: Vec<usize> = (1..doc.sentences.len())
        .filter(|&s| {
            let (a, b) = doc.sentences[s];
            is_dateline(&doc.tokens[a..b])
        })
        .map(|s| s - 1)
        .collect();
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    let mut out = Vec::new();
    for (k, &first) in starts.iter().enumerate() {
        let last = starts.get(k + 1).copied().unwrap_or(doc.sentences.len());
        let (Some(&(from, _)), Some(&(_, to))) = (
            doc.sentences.get(first),
            last.checked_sub(1).and_then(|l| doc.sentences.get(l)),
        ) else {
            continue;
        };
        out.push(Doc {
            tokens: doc.tokens[from..to].to_vec(),
            sentences: doc.sentences[first..last]
                .iter()
                .map(|&(a, b)| (a - from, b - from))
                .collect(),
            gold: doc
                .gold
                .iter()
                .filter(|g| g.0 >= from && g.1 <= to)
                .map(|&(a, b, t)| (a - from, b - from, t))
                .collect(),
        });
    }
    out
}

fn type_index(kind: EntityKind) -> usize {
    match kind {
        EntityKind::Person => 0,
        EntityKind::Organization => 1,
        EntityKind::Place => 2,
        EntityKind::Misc => 3,
    }
}

pub fn run(args: EntitiesArgs) -> Result<()> {
    let docs = load(&args.conll)?;
    // Per type: true positives, predicted, gold.
    let mut counts = [[0usize; 3]; 4];
    let mut seconds = 0.0;
    let mut token_total = 0;
    let mut shown = 0;
    for doc in &docs {
        // Text and the byte range of each token.
        let mut text = String::new();
        let mut offsets = Vec::with_capacity(doc.tokens.len());
        for &(start, end) in &doc.sentences {
            for (i, token) in doc.tokens[start..end].iter().enumerate() {
                if i > 0 {
                    text.push(' ');
                }
                offsets.push((text.len(), text.len() + token.len()));
                text.push_str(token);
            }
            text.push('\n');
        }
        token_total += doc.tokens.len();
        let started = Instant::now();
        let sentences = tribune_nlp::text::sentences(&text);
        let entities = find(&text, &sentences);
        seconds += started.elapsed().as_secs_f64();

        let token_at = |byte: usize, start: bool| {
            offsets.iter().position(|&(s, e)| {
                if start {
                    s <= byte && byte < e
                } else {
                    s < byte && byte <= e
                }
            })
        };
        // The sentence holding token `i`, for `--context`.
        let sentence_of = |i: usize| {
            doc.sentences
                .iter()
                .find(|&&(s, e)| s <= i && i < e)
                .map_or(String::new(), |&(s, e)| {
                    format!("\n    | {}", doc.tokens[s..e].join(" "))
                })
        };
        let context = |i: usize| {
            if args.context {
                sentence_of(i)
            } else {
                String::new()
            }
        };
        let mut predicted = Vec::new();
        for entity in &entities {
            for m in entity
                .mentions
                .iter()
                .filter(|m| m.form == MentionForm::Name)
            {
                if let (Some(a), Some(b)) =
                    (token_at(m.span.start, true), token_at(m.span.end, false))
                {
                    predicted.push((a, b + 1, type_index(entity.kind)));
                }
            }
        }
        predicted.sort_unstable();
        predicted.dedup();
        for &(_, _, ty) in &predicted {
            counts[ty][1] += 1;
        }
        for &(a, b, ty) in &doc.gold {
            counts[ty][2] += 1;
            if predicted.contains(&(a, b, ty)) {
                counts[ty][0] += 1;
            } else if shown < args.errors {
                shown += 1;
                let got = predicted.iter().find(|p| p.0 < b && a < p.1);
                println!(
                    "missed {} {:?} got {:?}{}",
                    TYPES[ty],
                    doc.tokens[a..b].join(" "),
                    got.map(|p| (doc.tokens[p.0..p.1].join(" "), TYPES[p.2])),
                    context(a)
                );
            }
        }
        for &(a, b, ty) in &predicted {
            if !doc.gold.contains(&(a, b, ty))
                && shown < args.errors
                && !doc.gold.iter().any(|g| g.0 < b && a < g.1)
            {
                shown += 1;
                println!(
                    "spurious {} {:?}{}",
                    TYPES[ty],
                    doc.tokens[a..b].join(" "),
                    context(a)
                );
            }
        }
    }

    let score = |tp: usize, pred: usize, gold: usize| {
        let p = if pred == 0 {
            0.0
        } else {
            tp as f64 / pred as f64
        };
        let r = if gold == 0 {
            0.0
        } else {
            tp as f64 / gold as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    };
    println!(
        "CoNLL-2003 {} ({} documents, {} tokens)",
        args.conll.display(),
        docs.len(),
        token_total
    );
    println!(
        "{:<14} {:>6} {:>6} {:>6} {:>7} {:>7}",
        "type", "P", "R", "F1", "gold", "found"
    );
    for (ty, c) in TYPES.iter().zip(&counts) {
        let (p, r, f) = score(c[0], c[1], c[2]);
        println!(
            "{ty:<14} {p:>6.3} {r:>6.3} {f:>6.3} {:>7} {:>7}",
            c[2], c[1]
        );
    }
    let sum = |i: usize, types: &[usize]| types.iter().map(|&t| counts[t][i]).sum::<usize>();
    for (label, types) in [("PER+ORG+LOC", &[0, 1, 2][..]), ("all", &[0, 1, 2, 3][..])] {
        let (p, r, f) = score(sum(0, types), sum(1, types), sum(2, types));
        println!(
            "{label:<14} {p:>6.3} {r:>6.3} {f:>6.3} {:>7} {:>7}",
            sum(2, types),
            sum(1, types)
        );
    }
    println!(
        "speed: {:.0} tokens/s, {:.0} documents/s, {:.3} ms per document (one core, sentences + entities)",
        token_total as f64 / seconds.max(1e-9),
        docs.len() as f64 / seconds.max(1e-9),
        seconds * 1000.0 / docs.len().max(1) as f64
    );
    Ok(())
}
