//! Quotations and who made them: direct ("…," Witkoff said), mixed (there
//! was "a very good chance that …"), and indirect (Putin said any deal
//! would have to …), each with its content, its cue verb and its speaker
//! resolved to an entity where the text allows.

mod attribute;
mod cues;
mod marks;
mod speaker;

use serde::{Deserialize, Serialize};

use crate::Span;
use crate::entities::Entity;
use crate::text::Sentence;

/// How the words are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// All of the content is between quotation marks.
    Direct,
    /// Quoted words inside a paraphrase.
    Mixed,
    /// A paraphrase with no quotation marks.
    Indirect,
}

/// One attributed statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// How it is reported.
    pub kind: QuoteKind,
    /// What was said (for a direct quote, inside the marks).
    pub content: Span,
    /// The verb or phrase that attributes it ("said", "according to").
    pub cue: Option<Span>,
    /// The words that name the speaker where the quote is attributed
    /// ("Witkoff", "the Russian president", "He").
    pub source: Option<Span>,
    /// The entity the source resolves to, by its id.
    pub speaker: Option<usize>,
}

/// The quotations of `text`, given its sentences and entities, in text
/// order. A quotation that continues the one before it (a sentence or a
/// paragraph of quotation with no cue of its own) has no cue and takes the
/// source and speaker of the one it continues.
pub fn find(text: &str, sentences: &[Sentence], entities: &[Entity]) -> Vec<Quote> {
    let resolver = speaker::Resolver::new(entities);
    let mut out: Vec<Quote> = Vec::new();
    // The last attribution of the previous paragraph, when it was a
    // quotation: a paragraph opening with a mark continues it.
    let mut carried: Option<(Option<Span>, Option<usize>)> = None;
    let mut previous_speaker: Option<usize> = None;
    // `He said:` closing the previous paragraph.
    let mut lead: Option<(Option<Span>, Span)> = None;
    let mut found = Vec::new();
    let mut start = 0;
    while start < sentences.len() {
        let paragraph = sentences[start].paragraph;
        let end = sentences[start..]
            .iter()
            .position(|s| s.paragraph != paragraph)
            .map_or(sentences.len(), |n| start + n);
        let group = &sentences[start..end];
        start = end;
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let para = Span::new(first.span.start, last.span.end);
        found.clear();
        let reader = attribute::Paragraph::new(text, para, group);
        reader.attributions(&mut found);
        let mut last_direct: Option<(Option<Span>, Option<usize>)> = carried.take();
        let mut paragraph_last = None;
        let lead_in = lead.take().filter(|_| reader.opens_with_quotation());
        for (n, f) in found.iter().enumerate() {
            let mut cue = f.cue;
            let (source, speaker) = if let Some((source, lead_cue)) = lead_in
                && n == 0
                && f.continues
            {
                cue = Some(lead_cue);
                let speaker = source.and_then(|s| resolver.resolve(text, s, previous_speaker));
                (source, speaker)
            } else if f.continues {
                match last_direct {
                    Some(prev) => prev,
                    None => continue,
                }
            } else {
                let speaker = f
                    .source
                    .and_then(|s| resolver.resolve(text, s, previous_speaker));
                (f.source, speaker)
            };
            if speaker.is_some() {
                previous_speaker = speaker;
            }
            if f.kind == QuoteKind::Direct && source.is_some() {
                last_direct = Some((source, speaker));
            } else if !f.continues {
                last_direct = None;
            }
            paragraph_last = Some(f.kind);
            out.push(Quote {
                kind: f.kind,
                content: f.content,
                cue,
                source,
                speaker,
            });
        }
        lead = reader.lead_in();
        if paragraph_last == Some(QuoteKind::Direct) {
            carried = last_direct;
        }
    }
    drop_nested(&mut out);
    out
}

/// How many quotes on each side may hold one another.
const NESTED_WINDOW: usize = 8;

/// Drops a quote whose content lies inside another quote of the same
/// speaker: "said he believes there may soon be a ceasefire" is read both
/// from "said" and from "believes", and is one statement.
fn drop_nested(quotes: &mut Vec<Quote>) {
    let nested: Vec<bool> = quotes
        .iter()
        .enumerate()
        .map(|(i, quote)| {
            // Quotes come in text order, so one that holds another is
            // among its neighbours; the window keeps this linear.
            let from = i.saturating_sub(NESTED_WINDOW);
            let to = (i + NESTED_WINDOW + 1).min(quotes.len());
            quotes[from..to].iter().enumerate().any(|(k, other)| {
                let j = from + k;
                i != j
                    && other.speaker == quote.speaker
                    && other.content.contains(quote.content)
                    && (other.content != quote.content || j < i)
            })
        })
        .collect();
    let mut index = 0;
    quotes.retain(|_| {
        let keep = !nested[index];
        index += 1;
        keep
    });
}

#[cfg(test)]
mod tests;
