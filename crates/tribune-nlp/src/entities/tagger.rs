//! A statistical second opinion on each name the rules find: an averaged
//! perceptron that tags the words of a name with B/I/O labels of the four
//! kinds, from the word, its shape and affixes, the gazetteers, the words
//! around it and the label before it. The rules decide where names are
//! and which words are titles; the tagger decides what each name is and
//! splits runs holding two names ("Chicago NAPM").
//!
//! The weights (`data/ner-model.txt`) are learnt from the GUM corpus
//! (CC-BY) by the ignored test `train_from_gum` below; see
//! `data/README.md`.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::EntityKind;
use super::gazetteer::{GAZETTEER, ORG_HEADS, ORG_STARTS};
use super::names::{Tok, is_common, is_title, lookup_kind};

/// O, then B and I of each kind in `KINDS` order.
pub(crate) const LABELS: usize = 9;
const KINDS: [EntityKind; 4] = [
    EntityKind::Person,
    EntityKind::Organization,
    EntityKind::Place,
    EntityKind::Misc,
];

/// The kind a label names, if it is not O.
fn label_kind(label: usize) -> Option<EntityKind> {
    KINDS.get(label.checked_sub(1)? / 2).copied()
}

fn is_inside(label: usize) -> bool {
    label > 0 && label.is_multiple_of(2)
}

/// Feature weights, keyed by the feature's text.
struct Model {
    weights: FxHashMap<&'static str, [f32; LABELS]>,
}

impl Model {
    /// Lines of `feature<TAB>w0 w1 ... w8`; malformed lines are skipped so
    /// that a damaged file degrades the tagger instead of panicking.
    fn parse(data: &'static str) -> Model {
        let mut weights = FxHashMap::default();
        for line in data.lines() {
            let Some((feature, ws)) = line.split_once('\t') else {
                continue;
            };
            let mut row = [0f32; LABELS];
            let mut n = 0;
            for (slot, w) in row.iter_mut().zip(ws.split(' ')) {
                if let Ok(v) = w.parse::<f32>() {
                    *slot = v;
                    n += 1;
                }
            }
            if n == LABELS {
                weights.insert(feature, row);
            }
        }
        Model { weights }
    }
}

static MODEL: LazyLock<Model> =
    LazyLock::new(|| Model::parse(include_str!("../../data/ner-model.txt")));

/// A word's shape: capitals X, small letters x, digits d, other characters
/// as they are, runs of one class shortened to two.
fn shape(word: &str, out: &mut String) {
    let mut last = None;
    let mut repeat = 0;
    for c in word.chars().take(24) {
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_alphabetic() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if Some(class) == last {
            repeat += 1;
            if repeat >= 2 {
                continue;
            }
        } else {
            repeat = 0;
        }
        last = Some(class);
        out.push(class);
    }
}

fn kind_code(kind: Option<EntityKind>) -> &'static str {
    match kind {
        Some(EntityKind::Person) => "per",
        Some(EntityKind::Organization) => "org",
        Some(EntityKind::Place) => "loc",
        Some(EntityKind::Misc) => "misc",
        None => "-",
    }
}

/// What a run of name words says as a whole, computed once per run.
pub(crate) struct RunInfo {
    run: Range<usize>,
    joined_kind: &'static str,
    /// The rules' kind for the whole run and whether they were sure.
    rule: (&'static str, bool),
    org_head: bool,
    org_start: bool,
    len: usize,
}

pub(crate) fn run_info(toks: &[Tok], run: Range<usize>) -> RunInfo {
    let words = toks.get(run.clone()).unwrap_or(&[]);
    let joined: Vec<&str> = words
        .iter()
        .filter(|t| t.lower != ".")
        .map(|t| t.lower.as_str())
        .collect();
    let (kind, sure) = super::names::classify(toks, run.clone());
    RunInfo {
        run: run.clone(),
        rule: (kind_code(Some(kind)), sure),
        joined_kind: kind_code(lookup_kind(&joined.join(" "))),
        org_head: words
            .last()
            .is_some_and(|t| ORG_HEADS.contains(&t.lower.as_str())),
        org_start: words
            .first()
            .is_some_and(|t| ORG_STARTS.contains(&t.lower.as_str())),
        len: run.len(),
    }
}

/// Calls `f` with every feature of token `i` of `run`, given the label of
/// the token before (`prev`); `buf` is scratch space.
fn features(
    toks: &[Tok],
    loud: &[bool],
    info: &RunInfo,
    i: usize,
    prev: usize,
    buf: &mut String,
    f: &mut dyn FnMut(&str),
) {
    let Some(t) = toks.get(i) else { return };
    let run = &info.run;
    let g = &*GAZETTEER;
    let w = t.lower.as_str();
    macro_rules! feat {
        ($($arg:tt)*) => {{
            buf.clear();
            let _ = write!(buf, $($arg)*);
            f(buf);
        }};
    }
    f("b");
    feat!("w={w}");
    let chars: Vec<char> = w.chars().collect();
    let n = chars.len();
    let pre: String = chars.iter().take(3).collect();
    feat!("p3={pre}");
    for k in [2usize, 3, 4] {
        if n > k {
            let suf: String = chars[n - k..].iter().collect();
            feat!("s{k}={suf}");
        }
    }
    buf.clear();
    buf.push_str("sh=");
    // The token keeps only its lower-case text: its capitals come back
    // from the flags.
    if t.all_caps {
        buf.push_str("XX");
    } else if t.cap {
        buf.push('X');
    }
    shape(w, buf);
    f(buf);
    if t.cap {
        f("cap");
    }
    if t.all_caps {
        f("allcaps");
    }
    if t.opens {
        f("opens");
    }
    if loud.get(t.sentence).copied().unwrap_or(false) {
        f("loud");
    }
    if t.possessive {
        f("poss");
    }
    feat!("k={}", kind_code(lookup_kind(w)));
    if g.given_names.contains(w) {
        f("given");
    }
    if is_common(w) {
        f("common");
    }
    if is_title(w) || g.roles.contains(w) {
        f("role");
    }
    if ORG_HEADS.contains(&w) {
        f("orghead");
    }
    let pos = match (i == run.start, i + 1 == run.end) {
        (true, true) => "single",
        (true, false) => "first",
        (false, true) => "last",
        (false, false) => "mid",
    };
    feat!("pos={pos}");
    feat!("len={}", info.len.min(4));
    feat!("run={}", info.joined_kind);
    feat!("rule={} {}", info.rule.0, info.rule.1);
    feat!("rule-pos={} {} {pos}", info.rule.0, info.rule.1);
    if info.org_head {
        f("run-orghead");
    }
    if info.org_start {
        f("run-orgstart");
    }
    let around = |j: Option<usize>| -> &str {
        match j.and_then(|j| toks.get(j)) {
            Some(o) if o.sentence == t.sentence => o.lower.as_str(),
            _ => "<s>",
        }
    };
    let before = around(run.start.checked_sub(1));
    let before2 = around(run.start.checked_sub(2));
    let after = around(Some(run.end));
    let after2 = around(Some(run.end + 1));
    feat!("rb={before}");
    feat!("rb2={before2} {before}");
    feat!("ra={after}");
    feat!("ra2={after} {after2}");
    feat!("w-1={}", around(i.checked_sub(1)));
    feat!("w+1={}", around(Some(i + 1)));
    feat!("t-1={prev}");
    feat!("t-1w={prev} {w}");
    feat!("t-1pos={prev} {pos}");
}

/// The best label for each token of `run`, left to right, where an I
/// label may only continue a name of its kind.
pub(crate) fn tag(toks: &[Tok], loud: &[bool], run: Range<usize>) -> Vec<usize> {
    let model = &*MODEL;
    let info = run_info(toks, run.clone());
    let mut labels = Vec::with_capacity(run.len());
    let mut buf = String::with_capacity(48);
    let mut prev = 0;
    for i in run.clone() {
        let mut scores = [0f32; LABELS];
        features(toks, loud, &info, i, prev, &mut buf, &mut |f| {
            if let Some(w) = model.weights.get(f) {
                for (s, w) in scores.iter_mut().zip(w) {
                    *s += w;
                }
            }
        });
        let best = best_label(&scores, prev);
        labels.push(best);
        prev = best;
    }
    labels
}

fn best_label(scores: &[f32; LABELS], prev: usize) -> usize {
    let mut best = 0;
    for l in 1..LABELS {
        let allowed = !is_inside(l) || (prev != 0 && (prev - 1) / 2 == (l - 1) / 2);
        if allowed && scores[l] > scores[best] {
            best = l;
        }
    }
    best
}

/// The names the labels of `run` make, with their kinds.
pub(crate) fn segments(run: Range<usize>, labels: &[usize]) -> Vec<(Range<usize>, EntityKind)> {
    let mut out: Vec<(Range<usize>, EntityKind)> = Vec::new();
    for (i, &l) in run.zip(labels) {
        let Some(kind) = label_kind(l) else { continue };
        match out.last_mut() {
            Some((r, k)) if is_inside(l) && r.end == i && *k == kind => r.end = i + 1,
            _ => out.push((i..i + 1, kind)),
        }
    }
    out
}

#[cfg(test)]
mod train;
