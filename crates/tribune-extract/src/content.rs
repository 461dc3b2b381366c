//! Finding the article among the page's blocks.
//!
//! Each block gets a weight: running text counts for itself, link lists and
//! page furniture count against. The article is the element whose subtree
//! has the greatest total weight (a maximum-subtree choice, so a sidebar or
//! a comment thread is only taken in when the text it brings outweighs the
//! noise). Inside that element, furniture blocks are then dropped one by one.

use crate::blocks::TextBlock;
use crate::boilerplate::is_chrome;
use crate::dom::{Dom, NONE, Tag};
use crate::hints::{Hint, classify};
use tribune_model::{Block, BlockKind};

/// The body blocks kept, and the texts dropped.
pub(crate) struct Selection {
    pub kept: Vec<Block>,
    pub removed: Vec<String>,
}

/// Per-node classification, inherited down the tree.
#[derive(Clone, Copy, Default)]
struct Inherited {
    chrome: bool,
    meta: bool,
    /// Inside header/footer/aside elements.
    furniture: bool,
    caption: bool,
}

/// Chooses the main content and returns its blocks in order.
pub(crate) fn select(dom: &Dom, blocks: &[TextBlock], title: Option<&str>) -> Selection {
    if blocks.is_empty() {
        return Selection {
            kept: Vec::new(),
            removed: Vec::new(),
        };
    }
    let prose = prose_sums(dom, blocks);
    let names = classify_all(dom);
    let inherited = inherit(dom, &names, &prose);
    let teasers = teaser_runs(blocks);
    let weights: Vec<f32> = blocks
        .iter()
        .zip(&teasers)
        .map(|(b, &teaser)| {
            if teaser {
                -(b.chars as f32) * 0.5
            } else {
                weight(b, inherited[b.owner])
            }
        })
        .collect();

    // Subtree sums, children before parents (reverse document order).
    let mut sums = vec![0f32; dom.nodes.len()];
    for (block, w) in blocks.iter().zip(&weights) {
        sums[block.owner] += w;
    }
    for index in (1..dom.nodes.len()).rev() {
        let parent = dom.nodes[index].parent;
        if parent != NONE {
            let add = sums[index];
            sums[parent as usize] += add;
        }
    }
    let mut best = 0usize;
    let mut best_score = f32::MIN;
    for (index, node) in dom.nodes.iter().enumerate() {
        if node.tag == Tag::Text || matches!(node.tag, Tag::P | Tag::H(_) | Tag::Li) {
            continue;
        }
        let mut score = sums[index];
        if node.body_marker {
            score *= 1.15;
        }
        if score >= best_score {
            best_score = score;
            best = index;
        }
    }
    let container_start = best;
    let container_end = dom.nodes[best].end as usize;

    let mut kept = Vec::new();
    let mut removed = Vec::new();
    // Class-name verdicts count only from inside the container: the
    // container itself may sit in a `<div class="page-with-sidebar">`.
    let inside = relative_flags(dom, &names, &prose, container_start, container_end);
    for ((block, &w), &teaser) in blocks.iter().zip(&weights).zip(&teasers) {
        let in_container = (container_start..container_end).contains(&block.owner);
        let flags = if in_container {
            inside[block.owner - container_start]
        } else {
            Inherited::default()
        };
        // A paragraph printed again right after itself (a gallery caption
        // repeated by the slide and its lightbox) is read once; further
        // apart, repeats are real (a meal plan's dishes, day after day).
        let repeat = block.chars >= 20
            && kept
                .iter()
                .rev()
                .take(RECENT)
                .any(|b: &Block| b.text == block.text);
        let keep = in_container && !teaser && !repeat && keep_block(block, w, flags, title);
        if keep {
            kept.push(Block {
                kind: block.kind,
                text: block.text.clone(),
            });
        } else if removed.len() < MAX_REMOVED {
            removed.push(truncate(&block.text, 160));
        }
    }
    trim_edges(&mut kept, &mut removed);
    Selection { kept, removed }
}

const MAX_REMOVED: usize = 200;

/// How many of the last kept blocks a block is compared with for repeats.
const RECENT: usize = 3;

/// How much a link-list block counts against the elements holding it, per character.
const LINK_PENALTY: f32 = 0.75;

/// Marks runs of three or more blocks that each open with a linked
/// headline followed by a snippet: lists of other stories, however they
/// are marked up.
fn teaser_runs(blocks: &[TextBlock]) -> Vec<bool> {
    let headline_first = |b: &TextBlock| {
        b.leading_link_chars >= 15
            && b.leading_link_chars * 10 >= b.chars
            && b.leading_link_chars * 10 <= b.chars * 8
    };
    // A cut-off snippet ("... said on Tuesday...") under a linked headline.
    let snippet =
        |b: &TextBlock| b.chars < 400 && (b.text.ends_with("...") || b.text.ends_with('…'));
    // Link-only blocks (the headlines themselves) neither start nor break a run.
    let neutral = |b: &TextBlock| b.link_density() > 0.5;
    let mut marks = vec![false; blocks.len()];
    let mut run: Vec<usize> = Vec::new();
    let mut snippets = 0;
    let close = |run: &mut Vec<usize>, snippets: &mut usize, marks: &mut Vec<bool>| {
        if run.len() >= 3 || *snippets >= 2 {
            run.iter().for_each(|&i| marks[i] = true);
        }
        run.clear();
        *snippets = 0;
    };
    for (i, block) in blocks.iter().enumerate() {
        if headline_first(block) || snippet(block) {
            run.push(i);
            if snippet(block) {
                snippets += 1;
            }
        } else if !neutral(block) {
            close(&mut run, &mut snippets, &mut marks);
        }
    }
    close(&mut run, &mut snippets, &mut marks);
    marks
}

/// A block's contribution to the score of the elements that contain it.
fn weight(block: &TextBlock, flags: Inherited) -> f32 {
    let chars = block.chars as f32;
    let density = block.link_density();
    if density > 0.5 && !is_linked_prose(block) {
        return -chars * LINK_PENALTY;
    }
    // Blocks that class names or tags mark as furniture are dropped from
    // whatever container is chosen, so they neither help nor hurt it.
    if flags.chrome || flags.furniture || flags.meta || flags.caption {
        return 0.0;
    }
    // Headings, code and the items of a plain (unlinked) list are part of
    // articles as often as of anything else: they neither help nor hurt.
    if matches!(block.kind, BlockKind::Heading(_) | BlockKind::Preformatted)
        || block.kind == BlockKind::ListItem
            && density < 0.3
            && !is_sentence_like(&block.text, block.chars)
    {
        return 0.0;
    }
    let own = (block.chars - block.link_chars) as f32;
    if is_sentence_like(&block.text, block.chars) {
        own * (1.0 - density)
    } else {
        -chars.min(40.0) * 0.25
    }
}

/// A long paragraph of sentences that happens to be full of links (a blog's
/// link-rich lead), unlike a menu, whose links are short and unpunctuated.
fn is_linked_prose(block: &TextBlock) -> bool {
    block.chars >= 200
        && block.link_density() < 0.9
        && block.text.matches(['.', '!', '?']).count() >= 2
        && block.leading_link_chars * 2 < block.chars
}

/// Running prose: long, or ending like a sentence.
fn is_sentence_like(text: &str, chars: usize) -> bool {
    if chars >= 120 {
        return true;
    }
    let end = text.trim_end_matches(['"', '\'', '”', '’', ')', '»', ' ']);
    chars >= 40
        && end.ends_with(['.', '!', '?', ':', ';', '…', '。'])
        && text.split_whitespace().count() >= 6
}

fn keep_block(block: &TextBlock, weight: f32, flags: Inherited, title: Option<&str>) -> bool {
    if flags.chrome || flags.furniture && weight <= 0.0 {
        return false;
    }
    if flags.meta || flags.caption {
        // A long paragraph in a "meta" box is usually a standfirst; keep it.
        return block.chars >= 150 && block.link_density() < 0.2;
    }
    let density = block.link_density();
    if !is_linked_prose(block) && (density > 0.6 || (density > 0.35 && block.chars < 120)) {
        return false;
    }
    if is_chrome(&block.text) || is_machine_text(block) {
        return false;
    }
    if let Some(title) = title
        && same_text(&block.text, title)
    {
        return false;
    }
    true
}

/// Text meant for machines that leaked into the page (structured-data spans
/// hidden by CSS): mostly URLs and bare numbers.
fn is_machine_text(block: &TextBlock) -> bool {
    if block.kind == BlockKind::Preformatted {
        return false;
    }
    let mut words = 0;
    let mut machine = 0;
    for word in block.text.split_whitespace() {
        words += 1;
        if word.starts_with("http://")
            || word.starts_with("https://")
            || word
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        {
            machine += 1;
        }
    }
    words >= 3 && machine * 2 > words
}

/// Drops short non-sentence blocks before the first and after the last
/// paragraph of prose: bylines, dates, "Share", tag lists.
fn trim_edges(kept: &mut Vec<Block>, removed: &mut Vec<String>) {
    let is_prose = |b: &Block| {
        matches!(b.kind, BlockKind::Paragraph | BlockKind::Quote)
            && is_sentence_like(&b.text, b.text.chars().count())
    };
    let Some(first) = kept.iter().position(is_prose) else {
        return;
    };
    let last = kept.iter().rposition(is_prose).unwrap_or(first);
    let edge_junk = |b: &Block| {
        !matches!(b.kind, BlockKind::Heading(_) | BlockKind::ListItem)
            && b.text.chars().count() < 60
    };
    let mut tail = drop_where(kept.drain(last + 1..).collect(), edge_junk, removed);
    // Trailing headings with nothing under them belong to the next section
    // of the page ("More stories", "Comments").
    while let Some(heading) = tail.pop_if(|b| matches!(b.kind, BlockKind::Heading(_))) {
        removed.push(heading.text);
    }
    kept.extend(tail);
    let head = drop_where(kept.drain(..first).collect(), edge_junk, removed);
    kept.splice(0..0, head);
}

/// Keeps the blocks `junk` rejects; moves the others' text to `removed`.
fn drop_where(
    blocks: Vec<Block>,
    junk: impl Fn(&Block) -> bool,
    removed: &mut Vec<String>,
) -> Vec<Block> {
    let (dropped, kept): (Vec<Block>, Vec<Block>) = blocks.into_iter().partition(|b| junk(b));
    removed.extend(dropped.into_iter().map(|b| b.text));
    kept
}

/// Characters of prose (sentence-like, outside links) in each subtree,
/// before any judgement by class names.
fn prose_sums(dom: &Dom, blocks: &[TextBlock]) -> Vec<f32> {
    let mut sums = vec![0f32; dom.nodes.len()];
    for block in blocks {
        if block.link_density() <= 0.5 && is_sentence_like(&block.text, block.chars) {
            sums[block.owner] += (block.chars - block.link_chars) as f32;
        }
    }
    for index in (1..dom.nodes.len()).rev() {
        let parent = dom.nodes[index].parent;
        if parent != NONE {
            let add = sums[index];
            sums[parent as usize] += add;
        }
    }
    sums
}

/// A class name says "furniture" only about a part of the page: an
/// element holding most of the page's prose is a layout wrapper, whatever
/// it is called (`<html class="header-spacing">`, `<div class="has-sidebar">`).
fn prose_share(prose: &[f32], index: usize) -> f32 {
    let total = prose.first().copied().unwrap_or(0.0);
    if total <= 0.0 {
        0.0
    } else {
        prose[index] / total
    }
}

/// The most of the page's prose a "furniture" element may hold.
const CHROME_SHARE: f32 = 0.4;
/// The most of the page's prose a byline, date or caption box may hold,
/// as a share and in characters.
const META_SHARE: f32 = 0.15;
const META_MAX_PROSE: f32 = 400.0;

/// What each node's class and id say; pages repeat the same names many
/// times, so each distinct string is classified once.
fn classify_all(dom: &Dom) -> Vec<Hint> {
    let mut seen: rustc_hash::FxHashMap<&str, Hint> = rustc_hash::FxHashMap::default();
    dom.nodes
        .iter()
        .map(|node| {
            // Most nodes (text, bare tags) have no names at all.
            if node.hints.is_empty() {
                return Hint::Neutral;
            }
            *seen
                .entry(&node.hints)
                .or_insert_with(|| classify(&node.hints))
        })
        .collect()
}

/// Inherited flags for every node, from the whole page.
fn inherit(dom: &Dom, names: &[Hint], prose: &[f32]) -> Vec<Inherited> {
    let mut flags = vec![Inherited::default(); dom.nodes.len()];
    for index in 0..dom.nodes.len() {
        let parent = dom.nodes[index].parent;
        let base = if parent == NONE {
            Inherited::default()
        } else {
            flags[parent as usize]
        };
        flags[index] = own_flags(dom, names, prose, index, base);
    }
    flags
}

/// Inherited flags for the nodes of one subtree, counting only what lies
/// strictly inside its root.
fn relative_flags(
    dom: &Dom,
    names: &[Hint],
    prose: &[f32],
    start: usize,
    end: usize,
) -> Vec<Inherited> {
    let mut flags = vec![Inherited::default(); end - start];
    for index in start + 1..end {
        let parent = dom.nodes[index].parent as usize;
        let base = if parent >= start && parent < end {
            flags[parent - start]
        } else {
            Inherited::default()
        };
        flags[index - start] = own_flags(dom, names, prose, index, base);
    }
    flags
}

fn own_flags(
    dom: &Dom,
    names: &[Hint],
    prose: &[f32],
    index: usize,
    mut flags: Inherited,
) -> Inherited {
    let share = prose_share(prose, index);
    let node = &dom.nodes[index];
    match node.tag {
        Tag::Header | Tag::Footer | Tag::Aside if share <= CHROME_SHARE => flags.furniture = true,
        Tag::Figcaption | Tag::Caption => flags.caption = true,
        Tag::Form => {}
        Tag::Text => return flags,
        _ => {}
    }
    // An embedded post (`<blockquote class="twitter-tweet">`) is quoted
    // content, whatever network its class names.
    if !node.body_marker && node.tag != Tag::Blockquote {
        match names[index] {
            Hint::Comments
                if !matches!(node.tag, Tag::Body | Tag::Article | Tag::Main)
                    && node.parent != NONE =>
            {
                flags.chrome = true
            }
            Hint::Comments | Hint::Chrome if share <= CHROME_SHARE => flags.chrome = true,
            Hint::Meta if share <= META_SHARE && prose[index] < META_MAX_PROSE => flags.meta = true,
            _ => {}
        }
    }
    flags
}

/// Whether two texts are the same after case and whitespace folding.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    // Word by word, without building the folded strings: this runs for
    // every block of every page against its title.
    fn lower(word: &str) -> impl Iterator<Item = char> + '_ {
        word.chars().flat_map(char::to_lowercase)
    }
    let mut a_words = a.split_whitespace();
    let mut b_words = b.split_whitespace();
    loop {
        match (a_words.next(), b_words.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y || lower(x).eq(lower(y)) => {}
            _ => return false,
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::text_blocks;

    #[test]
    fn same_text_folds_case_and_spaces_only() {
        assert!(same_text("Storm  hits\nthe COAST", "storm hits the coast"));
        assert!(same_text("", "  "));
        assert!(!same_text(
            "Storm hits the coast",
            "Storm hits the coast again"
        ));
        assert!(!same_text("Storm hits", "Storm hit"));
    }

    fn body_of(html: &str) -> Vec<String> {
        let document = dom_query::Document::from(html);
        let dom = Dom::build(&document.root());
        let blocks = text_blocks(&dom);
        select(&dom, &blocks, Some("Storm hits the coast"))
            .kept
            .into_iter()
            .map(|b| b.text)
            .collect()
    }

    const PROSE: &str = "The storm reached the coast late on Monday, cutting power to thousands of homes and closing the main road north, officials said.";

    #[test]
    fn article_is_chosen_over_menus_comments_and_teasers() {
        let html = format!(
            "<body><nav><a href=/>Home</a><a href=/w>World</a></nav>\
             <div class=layout-has-sidebar><article><h1>Storm hits the coast</h1>\
             <p class=byline>By Jane Doe</p><p>{PROSE}</p><p>{PROSE} Again.</p>\
             <div class=share-bar><a href=#>Share</a> <a href=#>Tweet</a></div></article>\
             <div class=comments><p>{PROSE} A reader writes.</p><p>{PROSE} Another reader.</p><p>{PROSE} And more.</p></div>\
             <ul class=more><li><a href=/a>First other story headline here</a> and its snippet text</li>\
             <li><a href=/b>Second other story headline here</a> and its snippet text</li>\
             <li><a href=/c>Third other story headline here</a> and its snippet text</li></ul></div></body>"
        );
        assert_eq!(
            body_of(&html),
            [PROSE.to_string(), format!("{PROSE} Again.")]
        );
    }

    #[test]
    fn repeated_paragraphs_and_machine_text_are_dropped() {
        let html = format!(
            "<body><article><p>{PROSE}</p><p>{PROSE}</p>\
             <span>https://example.com/a.jpg 1200 676 https://example.com/</span><p>{PROSE} Once.</p></article></body>"
        );
        assert_eq!(
            body_of(&html),
            [PROSE.to_string(), format!("{PROSE} Once.")]
        );
    }

    #[test]
    fn embedded_posts_are_quoted_content() {
        let html = format!(
            "<body><article><p>{PROSE}</p><blockquote class=twitter-tweet><p>{PROSE} Posted.</p></blockquote></article></body>"
        );
        assert_eq!(body_of(&html).len(), 2);
    }
}
