//! Rebuilds `data/ner-model.txt` from the GUM corpus (CC-BY):
//!
//! ```text
//! GUM_DIR=../../../shared/bench/ner/gum \
//!   cargo test -p tribune-nlp --release train_from_gum -- --ignored
//! ```
//!
//! GUM marks every mention with its entity type, not names: a name is a
//! run of proper nouns (PTB tags NNP, NNPS, joined by "of", "and", "&"...
//! inside one mention) typed by the smallest mention holding all of it
//! (person → PER, organization → ORG, place → LOC, time → none, anything
//! else → MISC); titles are not part of names and nationality adjectives
//! are MISC, as in CoNLL. The text is rebuilt from the tokens, every fifth
//! sentence in capitals to stand for headlines, and run through the same
//! rules as news text, so the tagger learns on the runs it will see.

use std::collections::BTreeMap;
use std::ops::Range;

use super::super::EntityKind;
use super::super::gazetteer::GAZETTEER;
use super::super::names::{self, is_title, lookup_kind};
use super::super::roles::title_end;
use super::{LABELS, RunInfo, best_label, features, run_info};
use crate::text::sentences;

struct GumToken {
    form: String,
    xpos: String,
    space_after: bool,
    sentence: usize,
}

struct GumDoc {
    tokens: Vec<GumToken>,
    /// (first token, end token, type)
    mentions: Vec<(usize, usize, String)>,
}

fn parse(conllu: &str) -> GumDoc {
    let mut tokens = Vec::new();
    let mut mentions = Vec::new();
    let mut open: Vec<(String, usize, String)> = Vec::new();
    let mut sentence = 0;
    for line in conllu.lines() {
        if line.trim().is_empty() {
            sentence += 1;
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 10 || f[0].contains(['-', '.']) {
            continue;
        }
        let i = tokens.len();
        let misc = f[9];
        tokens.push(GumToken {
            form: f[1].to_string(),
            xpos: f[4].to_string(),
            space_after: !misc.split('|').any(|m| m == "SpaceAfter=No"),
            sentence,
        });
        let Some(ent) = misc.split('|').find_map(|m| m.strip_prefix("Entity=")) else {
            continue;
        };
        let b = ent.as_bytes();
        let mut k = 0;
        while k < b.len() {
            if b[k] == b'(' {
                let start = k + 1;
                let mut e = start;
                while e < b.len() && b[e] != b'(' && b[e] != b')' {
                    e += 1;
                }
                let body = &ent[start..e];
                let mut parts = body.split('-');
                let id = parts.next().unwrap_or("").to_string();
                let ty = parts.next().unwrap_or("").to_string();
                if e < b.len() && b[e] == b')' {
                    mentions.push((i, i + 1, ty));
                    k = e + 1;
                } else {
                    open.push((id, i, ty));
                    k = e;
                }
            } else if b[k].is_ascii_digit() {
                let start = k;
                while k < b.len() && b[k].is_ascii_digit() {
                    k += 1;
                }
                let id = &ent[start..k];
                if k < b.len() && b[k] == b')' {
                    k += 1;
                    if let Some(p) = open.iter().rposition(|o| o.0 == id) {
                        let (_, s, ty) = open.remove(p);
                        mentions.push((s, i + 1, ty));
                    }
                }
            } else {
                k += 1;
            }
        }
    }
    GumDoc { tokens, mentions }
}

fn map_type(ty: &str) -> Option<EntityKind> {
    match ty {
        "person" => Some(EntityKind::Person),
        "organization" => Some(EntityKind::Organization),
        "place" => Some(EntityKind::Place),
        "time" => None,
        _ => Some(EntityKind::Misc),
    }
}

/// The kind and name number of each GUM token that belongs to a name.
fn gold(doc: &GumDoc) -> Vec<Option<(EntityKind, usize)>> {
    let toks = &doc.tokens;
    let proper = |i: usize| toks.get(i).is_some_and(|t| t.xpos.starts_with("NNP"));
    let smallest = |r: Range<usize>| {
        doc.mentions
            .iter()
            .filter(|m| m.0 <= r.start && r.end <= m.1)
            .min_by_key(|m| m.1 - m.0)
    };
    let mut out = vec![None; toks.len()];
    let mut name = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let lower = t.form.to_lowercase();
        let capital = t.form.chars().next().is_some_and(char::is_uppercase);
        if capital && !proper(i) && lookup_kind(&lower) == Some(EntityKind::Misc) {
            name += 1;
            out[i] = Some((EntityKind::Misc, name));
            i += 1;
            continue;
        }
        if !proper(i) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        loop {
            let same = |j: usize| toks.get(j).is_some_and(|o| o.sentence == t.sentence);
            if same(end) && proper(end) {
                end += 1;
            } else if same(end + 1)
                && matches!(
                    toks[end].form.as_str(),
                    "of" | "and" | "&" | "de" | "du" | "la" | "von" | "van" | "der" | "for" | "the"
                )
                && proper(end + 1)
                && smallest(i..end).is_some_and(|m| m.1 > end + 1)
            {
                end += 2;
            } else {
                break;
            }
        }
        // Titles split the run and belong to no name.
        let mut start = i;
        for (j, tok) in toks.iter().enumerate().take(end).skip(i) {
            let lower = tok.form.to_lowercase();
            let bare = lower.trim_end_matches('.');
            if j + 1 < end && (is_title(bare) || GAZETTEER.roles.contains(bare)) {
                if start < j {
                    name += 1;
                    label(doc, start..j, name, &mut out, &smallest);
                }
                start = j + 1;
            }
        }
        if start < end {
            name += 1;
            label(doc, start..end, name, &mut out, &smallest);
        }
        i = end;
    }
    out
}

fn label<'d>(
    doc: &'d GumDoc,
    r: Range<usize>,
    name: usize,
    out: &mut [Option<(EntityKind, usize)>],
    smallest: &dyn Fn(Range<usize>) -> Option<&'d (usize, usize, String)>,
) {
    let single_demonym = r.len() == 1
        && lookup_kind(&doc.tokens[r.start].form.to_lowercase()) == Some(EntityKind::Misc);
    // A title on its own ("the President") is no name.
    let only_titles = doc.tokens[r.clone()].iter().all(|t| {
        let lower = t.form.to_lowercase();
        let bare = lower.trim_end_matches('.');
        is_title(bare) || GAZETTEER.roles.contains(bare)
    });
    if only_titles {
        return;
    }
    let kind = if single_demonym {
        Some(EntityKind::Misc)
    } else {
        smallest(r.clone()).and_then(|m| map_type(&m.2))
    };
    if let Some(kind) = kind {
        for slot in &mut out[r] {
            *slot = Some((kind, name));
        }
    }
}

/// One training sequence: a document's tokens and a run with its labels.
struct Example {
    doc: usize,
    run: Range<usize>,
    labels: Vec<usize>,
}

struct Prepared {
    toks: Vec<names::Tok>,
    loud: Vec<bool>,
}

fn label_index(kind: EntityKind, inside: bool) -> usize {
    let k = match kind {
        EntityKind::Person => 0,
        EntityKind::Organization => 1,
        EntityKind::Place => 2,
        EntityKind::Misc => 3,
    };
    1 + 2 * k + usize::from(inside)
}

fn examples(doc: &GumDoc, n: usize, prepared: &mut Vec<Prepared>, out: &mut Vec<Example>) {
    let gold = gold(doc);
    let mut text = String::new();
    let mut offsets = Vec::with_capacity(doc.tokens.len());
    for (i, t) in doc.tokens.iter().enumerate() {
        if i > 0 && t.sentence != doc.tokens[i - 1].sentence {
            text.push('\n');
        }
        let loud = t.sentence % 5 == 0;
        offsets.push(text.len());
        if loud {
            text.push_str(&t.form.to_ascii_uppercase());
        } else {
            text.push_str(&t.form);
        }
        if t.space_after {
            text.push(' ');
        }
    }
    let sents = sentences(&text);
    let toks = names::prepare(&text, &sents);
    let loud = names::shouting(&toks, sents.len());
    let gum_at = |byte: usize| offsets.partition_point(|&o| o <= byte).checked_sub(1);
    for run in names::runs(&toks, &loud) {
        let name = match title_end(&toks, run.clone()) {
            Some(start) => start..run.end,
            None => run,
        };
        let mut labels = Vec::with_capacity(name.len());
        let mut prev: Option<usize> = None;
        for t in &toks[name.clone()] {
            let g = gum_at(t.span.start).and_then(|k| gold[k]);
            labels.push(match g {
                Some((kind, id)) => label_index(kind, prev == Some(id)),
                None => 0,
            });
            prev = g.map(|(_, id)| id);
        }
        out.push(Example {
            doc: n,
            run: name,
            labels,
        });
    }
    prepared.push(Prepared { toks, loud });
}

struct Trainer {
    index: BTreeMap<String, usize>,
    w: Vec<[f32; LABELS]>,
    total: Vec<[f32; LABELS]>,
    stamp: Vec<[u32; LABELS]>,
    clock: u32,
}

impl Trainer {
    fn update(&mut self, feats: &[String], label: usize, delta: f32) {
        for f in feats {
            let next = self.w.len();
            let k = *self.index.entry(f.clone()).or_insert(next);
            if k == next {
                self.w.push([0.0; LABELS]);
                self.total.push([0.0; LABELS]);
                self.stamp.push([0; LABELS]);
            }
            self.total[k][label] += (self.clock - self.stamp[k][label]) as f32 * self.w[k][label];
            self.stamp[k][label] = self.clock;
            self.w[k][label] += delta;
        }
    }

    fn scores(&self, feats: &[String]) -> [f32; LABELS] {
        let mut s = [0f32; LABELS];
        for f in feats {
            if let Some(&k) = self.index.get(f) {
                for (a, b) in s.iter_mut().zip(&self.w[k]) {
                    *a += b;
                }
            }
        }
        s
    }
}

fn feats_of(p: &Prepared, info: &RunInfo, i: usize, prev: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = String::new();
    features(&p.toks, &p.loud, info, i, prev, &mut buf, &mut |f| {
        out.push(f.to_string())
    });
    out
}

#[test]
#[ignore = "rebuilds data/ner-model.txt from GUM; run by hand"]
fn train_from_gum() {
    let dir = std::env::var("GUM_DIR").unwrap_or_else(|_| "../../../shared/bench/ner/gum".into());
    let mut files: Vec<_> = std::fs::read_dir(format!("{dir}/dep"))
        .expect("GUM dep folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "conllu"))
        .collect();
    files.sort();
    let mut prepared = Vec::new();
    let mut all = Vec::new();
    for (n, path) in files.iter().enumerate() {
        let doc = parse(&std::fs::read_to_string(path).expect("read GUM file"));
        examples(&doc, n, &mut prepared, &mut all);
    }
    let labelled: usize = all.iter().map(|e| e.labels.len()).sum();
    eprintln!(
        "{} files, {} runs, {} tokens",
        files.len(),
        all.len(),
        labelled
    );
    let mut t = Trainer {
        index: BTreeMap::new(),
        w: Vec::new(),
        total: Vec::new(),
        stamp: Vec::new(),
        clock: 1,
    };
    let mut order: Vec<usize> = (0..all.len()).collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for epoch in 0..12 {
        // A fixed shuffle so that a rebuild gives the same file.
        for i in (1..order.len()).rev() {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            order.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let mut wrong = 0;
        for &e in &order {
            let ex = &all[e];
            let p = &prepared[ex.doc];
            let info = run_info(&p.toks, ex.run.clone());
            let mut prev = 0;
            for (k, i) in ex.run.clone().enumerate() {
                let feats = feats_of(p, &info, i, prev);
                let guess = best_label(&t.scores(&feats), prev);
                let gold = ex.labels[k];
                if guess != gold {
                    wrong += 1;
                    t.update(&feats, gold, 1.0);
                    t.update(&feats, guess, -1.0);
                }
                t.clock += 1;
                prev = guess;
            }
        }
        eprintln!("epoch {epoch}: {wrong} wrong of {labelled}");
    }
    let mut out = String::new();
    for (f, &k) in &t.index {
        let mut row = [0f32; LABELS];
        let mut keep = false;
        for (l, cell) in row.iter_mut().enumerate() {
            let total = t.total[k][l] + (t.clock - t.stamp[k][l]) as f32 * t.w[k][l];
            *cell = total / t.clock as f32;
            keep |= cell.abs() >= 0.002;
        }
        if !keep {
            continue;
        }
        out.push_str(f);
        out.push('\t');
        let cells: Vec<String> = row
            .iter()
            .map(|v| {
                let s = format!("{v:.3}");
                if s == "0.000" || s == "-0.000" {
                    "0".into()
                } else {
                    s
                }
            })
            .collect();
        out.push_str(&cells.join(" "));
        out.push('\n');
    }
    std::fs::write("data/ner-model.txt", out).expect("write model");
}
