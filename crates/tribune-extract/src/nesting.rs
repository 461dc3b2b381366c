//! A cheap pre-scan that bounds how deeply a page's markup nests before
//! html5ever builds a tree from it.
//!
//! html5ever follows the HTML tree-building algorithm, and some of its steps
//! walk the whole stack of open elements for every tag: a `<div>` start tag
//! looks for an open `<p>` "in button scope", so 100,000 nested `<div>`s cost
//! 100,000 steps each (43 s for a 1.2 MB page, measured). And formatting
//! elements (`<b>`, `<font>`, ...) left open when their parent closes are
//! "reconstructed" before every later run of text, so a few kilobytes of
//! `<div><b class=N>x</div>` build millions of elements (4,000 of them took
//! 1.5 GiB and 7.6 s). Browsers cap the first (Blink nests no deeper than
//! 512) and live with the second.
//!
//! [`bound`] scans the tags the way the HTML tokenizer does (comments, quoted
//! attributes, raw-text elements such as `<script>`), keeps a rough model of
//! the stack of open elements, and only when a page goes past a limit
//! rewrites it: start and end tags nested deeper than [`MAX_DEPTH`] become a
//! space, and formatting tags are dropped. Text is never removed, so the
//! article is still found; only structure that no real page has is lost.
//! Ordinary pages (nesting in the tens) pass through untouched and uncopied.
//!
//! The model errs towards counting too deep (an element it cannot see
//! closed stays open), which at worst flattens a messy page. It can still
//! count too shallow on some tag soups (found by the `differential` test),
//! so [`parse`] backs it up: it feeds html5ever in chunks through a sink
//! that counts the tree builder's steps, and checks the finished tree's
//! depth. An ordinary page takes well under one step per byte; past 64, or
//! past a depth of [`MAX_TREE_DEPTH`], the page is parsed again with only
//! tags that cannot nest left in it ([`flatten_all`]). So no input costs
//! more than about a billion steps (a few seconds for 16 MiB) and no tree
//! reaching the later passes is deeper than [`MAX_TREE_DEPTH`].

use std::borrow::Cow;

/// The deepest nesting kept, counted in elements that can hold others.
pub(crate) const MAX_DEPTH: usize = 256;
/// Formatting elements left open inside a closed parent, past which the
/// page's formatting tags are dropped (each one costs an element per later
/// run of text).
const MAX_DANGLING: usize = 64;
/// How far down the stack an end tag looks for its element. Pages whose end
/// tags close more than this many elements at once are pathological; their
/// end tag is ignored, which counts deeper, the safe side.
const SEARCH_WINDOW: usize = 256;

/// A page after [`bound`].
pub(crate) struct Bounded<'a> {
    /// The markup to parse: the input itself unless it had to be flattened.
    pub html: Cow<'a, str>,
    /// Why it was flattened, for the article's warnings.
    pub warning: Option<String>,
}

/// Flattens markup nested deeper than [`MAX_DEPTH`] and drops formatting
/// tags on pages that leave too many open; see the module docs.
pub(crate) fn bound(html: &str) -> Bounded<'_> {
    let mut model = Model::default();
    let mut scanner = Scanner::new(html.as_bytes());
    while let Some(tag) = scanner.next(&model) {
        model.apply(&tag);
        let warning = if model.stack.len() > MAX_DEPTH {
            format!(
                "the markup nests deeper than {MAX_DEPTH} levels; it was flattened before parsing"
            )
        } else if model.dangling > MAX_DANGLING {
            "the markup leaves many formatting tags open; they were dropped before parsing".into()
        } else {
            continue;
        };
        return Bounded {
            html: Cow::Owned(rewrite(html)),
            warning: Some(warning),
        };
    }
    Bounded {
        html: Cow::Borrowed(html),
        warning: None,
    }
}

/// Parses a page into a DOM, bounded: [`bound`] flattens what it sees is
/// too deep, and the parse itself is metered. If html5ever still works too
/// hard, or builds a tree deeper than [`MAX_TREE_DEPTH`] all the same
/// (markup the model misjudged), the page is parsed again with only
/// paragraph-level tags left (see [`flatten_all`]), which no markup can make
/// slow or deep. Returns the document and why it was altered.
pub(crate) fn parse(html: &str) -> (dom_query::Document, Option<String>) {
    let pruned = without_code(html);
    let bounded = bound(&pruned);
    match parse_metered(&bounded.html).filter(|document| !too_deep(document)) {
        Some(document) => (document, bounded.warning),
        None => (
            dom_query::Document::from(flatten_all(html)),
            Some(
                "the markup is too convoluted to parse in reasonable time; \
                 only its text and paragraphs were kept"
                    .to_string(),
            ),
        ),
    }
}

/// Empties the `<script>` and `<style>` elements of a page, except JSON-LD
/// (the metadata reads it). Nothing after parsing looks inside them, and on
/// today's pages they are about 40% of the bytes: the tokenizer and the tree
/// builder would copy all of it into text nodes for nothing. Their tags stay,
/// so the tree has the same shape.
fn without_code(html: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    let mut model = Model::default();
    let mut scanner = Scanner::new(html.as_bytes());
    while let Some(tag) = scanner.next(&model) {
        model.apply(&tag);
        let Some(end_name) = scanner.raw else {
            continue;
        };
        let code = match end_name {
            b"script" => !is_json_ld(&html.as_bytes()[tag.start..tag.end]),
            b"style" => true,
            _ => false,
        };
        if !code {
            continue;
        }
        let body_end = scanner.find_end_tag(end_name);
        if body_end > tag.end {
            if out.is_empty() {
                out.reserve(html.len());
            }
            // `tag.end` follows a `>` and `body_end` is a `<` or the end of
            // the input: both are character boundaries.
            out.push_str(&html[copied..tag.end]);
            copied = body_end;
        }
        scanner.pos = body_end;
        scanner.raw = None;
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// Whether a `<script ...>` start tag declares JSON-LD.
fn is_json_ld(tag: &[u8]) -> bool {
    memchr::memmem::find(&tag.to_ascii_lowercase(), b"ld+json").is_some()
}

/// The deepest tree let through to the passes that follow parsing (CSS
/// selectors with descendant combinators walk ancestors). What [`bound`]
/// keeps is far shallower; only markup it misjudges comes near.
const MAX_TREE_DEPTH: usize = 4 * MAX_DEPTH;

/// Whether any node of `document` lies deeper than [`MAX_TREE_DEPTH`].
fn too_deep(document: &dom_query::Document) -> bool {
    // Depth-first, iteratively: down to the first child, else along to the
    // next sibling, else back up.
    let mut depth = 0;
    let mut node = document.root();
    loop {
        if let Some(child) = node.first_child() {
            depth += 1;
            if depth > MAX_TREE_DEPTH {
                return true;
            }
            node = child;
            continue;
        }
        loop {
            if let Some(sibling) = node.next_sibling() {
                node = sibling;
                break;
            }
            match node.parent() {
                Some(parent) if depth > 0 => {
                    depth -= 1;
                    node = parent;
                }
                _ => return false,
            }
        }
    }
}

/// Input fed to html5ever between two checks of its work.
const CHUNK: usize = 16 * 1024;
/// Steps of the tree builder (see [`Metered`]) allowed per byte of input,
/// and for free. Ordinary pages take 0.05 to 0.2 per byte (measured on
/// `examples/` and on generated 4 MiB pages); a 16 MiB page at the limit
/// takes about a billion, a few seconds.
const STEPS_PER_BYTE: u64 = 64;
const FREE_STEPS: u64 = 4_000_000;

/// Parses like `dom_query::Document::from` (same options), in chunks,
/// giving up (`None`) once the tree builder has taken more steps than the
/// input's size allows.
fn parse_metered(html: &str) -> Option<dom_query::Document> {
    use html5ever::tendril::{StrTendril, TendrilSink};
    let options = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let sink = Metered {
        document: dom_query::Document::default(),
        steps: std::cell::Cell::new(0),
    };
    let mut parser = html5ever::parse_document(sink, options);
    let mut fed = 0;
    while fed < html.len() {
        let mut end = (fed + CHUNK).min(html.len());
        while !html.is_char_boundary(end) {
            end += 1;
        }
        parser.process(StrTendril::from_slice(&html[fed..end]));
        fed = end;
        let steps = parser.tokenizer.sink.sink.steps.get();
        if steps > FREE_STEPS + STEPS_PER_BYTE * fed as u64 {
            return None;
        }
    }
    Some(parser.finish())
}

/// The fallback: every tag replaced by a space except those that cannot
/// nest (`<p>`, headings, `<br>`), the page's head (title, meta, link) and
/// raw-text elements (which must stay, or their content would turn into
/// markup). No `<svg>` or `<math>` is left, so the scanner's view of the
/// markup is exactly the tokenizer's.
fn flatten_all(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let model = Model::default();
    let mut scanner = Scanner::new(html.as_bytes());
    while let Some(tag) = scanner.next(&model) {
        let name = tag.name.known();
        let keep = raw_text_end(name).is_some()
            || matches!(
                name,
                b"html" | b"head" | b"body" | b"meta" | b"link" | b"base" | b"p" | b"br"
            )
            || name.len() == 2 && name[0] == b'h' && (b'1'..=b'6').contains(&name[1]);
        if !keep {
            out.push_str(&html[copied..tag.start]);
            out.push(' ');
            copied = tag.end;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// dom_query's tree sink, counting how often html5ever asks for an
/// element's name or compares two nodes: every step of its walks down the
/// stack of open elements or the list of active formatting elements does
/// one or the other, so the count measures the tree builder's work.
struct Metered {
    document: dom_query::Document,
    steps: std::cell::Cell<u64>,
}

mod sink {
    use std::borrow::Cow;

    use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
    use html5ever::tendril::StrTendril;
    use html5ever::{Attribute, QualName};

    use super::Metered;

    type Handle = dom_query::NodeId;

    /// Everything goes to dom_query's own sink; `elem_name` and `same_node`
    /// are counted, and parse errors (unused, and numerous on garbage) are
    /// dropped.
    impl TreeSink for Metered {
        type Handle = Handle;
        type Output = dom_query::Document;
        type ElemName<'a> = <dom_query::Document as TreeSink>::ElemName<'a>;

        fn finish(self) -> dom_query::Document {
            self.document
        }
        fn parse_error(&self, _msg: Cow<'static, str>) {}
        fn get_document(&self) -> Handle {
            self.document.get_document()
        }
        fn elem_name<'a>(&'a self, target: &'a Handle) -> Self::ElemName<'a> {
            self.steps.set(self.steps.get() + 1);
            self.document.elem_name(target)
        }
        fn create_element(
            &self,
            name: QualName,
            attrs: Vec<Attribute>,
            flags: ElementFlags,
        ) -> Handle {
            self.document.create_element(name, attrs, flags)
        }
        fn create_comment(&self, text: StrTendril) -> Handle {
            self.document.create_comment(text)
        }
        fn create_pi(&self, target: StrTendril, data: StrTendril) -> Handle {
            self.document.create_pi(target, data)
        }
        fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
            self.document.append(parent, child)
        }
        fn append_based_on_parent_node(
            &self,
            element: &Handle,
            prev_element: &Handle,
            child: NodeOrText<Handle>,
        ) {
            self.document
                .append_based_on_parent_node(element, prev_element, child)
        }
        fn append_doctype_to_document(
            &self,
            name: StrTendril,
            public_id: StrTendril,
            system_id: StrTendril,
        ) {
            self.document
                .append_doctype_to_document(name, public_id, system_id)
        }
        fn mark_script_already_started(&self, node: &Handle) {
            self.document.mark_script_already_started(node)
        }
        fn pop(&self, node: &Handle) {
            self.document.pop(node)
        }
        fn get_template_contents(&self, target: &Handle) -> Handle {
            self.document.get_template_contents(target)
        }
        fn same_node(&self, x: &Handle, y: &Handle) -> bool {
            // Searches of the list of active formatting elements and of the
            // stack compare nodes this way: more of the tree builder's work.
            self.steps.set(self.steps.get() + 1);
            self.document.same_node(x, y)
        }
        fn set_quirks_mode(&self, mode: QuirksMode) {
            self.document.set_quirks_mode(mode)
        }
        fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
            self.document.append_before_sibling(sibling, new_node)
        }
        fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
            self.document.add_attrs_if_missing(target, attrs)
        }
        fn associate_with_form(
            &self,
            target: &Handle,
            form: &Handle,
            nodes: (&Handle, Option<&Handle>),
        ) {
            self.document.associate_with_form(target, form, nodes)
        }
        fn remove_from_parent(&self, target: &Handle) {
            self.document.remove_from_parent(target)
        }
        fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
            self.document.reparent_children(node, new_parent)
        }
        fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
            self.document
                .is_mathml_annotation_xml_integration_point(handle)
        }
        fn set_current_line(&self, line_number: u64) {
            self.document.set_current_line(line_number)
        }
        fn allow_declarative_shadow_roots(&self, intended_parent: &Handle) -> bool {
            self.document
                .allow_declarative_shadow_roots(intended_parent)
        }
        fn attach_declarative_shadow(
            &self,
            location: &Handle,
            template: &Handle,
            attrs: &[Attribute],
        ) -> bool {
            self.document
                .attach_declarative_shadow(location, template, attrs)
        }
        fn maybe_clone_an_option_into_selectedcontent(&self, option: &Handle) {
            self.document
                .maybe_clone_an_option_into_selectedcontent(option)
        }
    }
}

/// The second pass: copies `html`, dropping formatting tags and replacing
/// the tags of elements deeper than [`MAX_DEPTH`] by a space.
fn rewrite(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut model = Model {
        strip_formatting: true,
        ..Model::default()
    };
    let mut scanner = Scanner::new(html.as_bytes());
    while let Some(tag) = scanner.next(&model) {
        let replacement = match model.apply(&tag) {
            Verdict::Keep => continue,
            Verdict::Drop => "",
            Verdict::Flatten => " ",
        };
        // Tags start at `<` and end after `>` (or at the end of the input),
        // so both ends are character boundaries.
        out.push_str(&html[copied..tag.start]);
        out.push_str(replacement);
        copied = tag.end;
    }
    out.push_str(&html[copied..]);
    out
}

/// A start or end tag found by the [`Scanner`].
struct Tag {
    end_tag: bool,
    name: Name,
    self_closing: bool,
    /// Byte range of the whole tag, `<` to `>` inclusive.
    start: usize,
    end: usize,
}

/// A tag name: a hash of it lower-cased (for matching end tags to start
/// tags) and, when short, the lower-cased name itself (for the tables).
#[derive(Clone, Copy)]
struct Name {
    hash: u64,
    short: [u8; 16],
    len: usize,
}

impl Name {
    fn new(raw: &[u8]) -> Name {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut short = [0u8; 16];
        for (i, byte) in raw.iter().map(u8::to_ascii_lowercase).enumerate() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            if let Some(slot) = short.get_mut(i) {
                *slot = byte;
            }
        }
        Name {
            hash,
            short,
            len: raw.len(),
        }
    }

    /// The lower-cased name, or "" when it is too long to be one we know.
    fn known(&self) -> &[u8] {
        if self.len <= self.short.len() {
            &self.short[..self.len]
        } else {
            b""
        }
    }
}

/// Walks the tags of a page like the HTML tokenizer: skips comments,
/// doctypes and processing instructions, honours quoted attribute values,
/// and treats the content of raw-text elements as text.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Inside a raw-text element: the end tag that closes it.
    raw: Option<&'static [u8]>,
}

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8]) -> Scanner<'a> {
        Scanner {
            bytes,
            pos: 0,
            raw: None,
        }
    }

    fn next(&mut self, model: &Model) -> Option<Tag> {
        let bytes = self.bytes;
        match self.raw.take() {
            // Everything after <plaintext> is text.
            Some(b"plaintext") => return None,
            Some(name) => self.pos = self.find_end_tag(name),
            None => {}
        }
        loop {
            let lt = self.pos + memchr::memchr(b'<', bytes.get(self.pos..)?)?;
            let rest = &bytes[lt + 1..];
            match rest.first() {
                Some(b'!') if rest.starts_with(b"!--") => {
                    // `<!-->` and `<!--->` are complete (empty) comments.
                    let body = lt + 4;
                    self.pos = if bytes[body..].starts_with(b">") {
                        body + 1
                    } else if bytes[body..].starts_with(b"->") {
                        body + 2
                    } else {
                        comment_end(bytes, body)
                    };
                }
                // CDATA sections exist only in SVG and MathML; in HTML,
                // `<![CDATA[` opens a bogus comment that ends at `>`.
                Some(b'!') if rest.starts_with(b"![CDATA[") && model.in_foreign() => {
                    self.pos = find(bytes, lt, b"]]>").map_or(bytes.len(), |i| i + 3);
                }
                Some(b'!' | b'?') => {
                    self.pos =
                        memchr::memchr(b'>', &bytes[lt..]).map_or(bytes.len(), |i| lt + i + 1);
                }
                Some(b'/') if rest.get(1).is_some_and(u8::is_ascii_alphabetic) => {
                    return Some(self.tag(lt, lt + 2, true));
                }
                Some(b'/') => {
                    // `</>` is dropped; `</ x>` and the like are comments.
                    self.pos =
                        memchr::memchr(b'>', &bytes[lt..]).map_or(bytes.len(), |i| lt + i + 1);
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    let tag = self.tag(lt, lt + 1, false);
                    self.raw = model.raw_text_end(tag.name.known());
                    return Some(tag);
                }
                _ => self.pos = lt + 1,
            }
        }
    }

    /// Reads a tag whose name starts at `name_start`, through its `>`.
    fn tag(&mut self, start: usize, name_start: usize, end_tag: bool) -> Tag {
        let bytes = self.bytes;
        let is_space = |b: u8| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
        let mut i = name_start;
        while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'/' && bytes[i] != b'>' {
            i += 1;
        }
        let name = Name::new(&bytes[name_start..i]);
        let mut self_closing = false;
        // Attributes: name, then optionally `=` and a value, quoted or not.
        let end = loop {
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                None => break bytes.len(),
                Some(b'>') => break i + 1,
                Some(b'/') => {
                    i += 1;
                    if bytes.get(i) == Some(&b'>') {
                        self_closing = true;
                        break i + 1;
                    }
                    continue;
                }
                Some(_) => {}
            }
            // The first character may be `=`; after it, the name runs to a
            // space, `/`, `>` or `=`.
            i += 1;
            while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=')
            {
                i += 1;
            }
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            if bytes.get(i) != Some(&b'=') {
                continue;
            }
            i += 1;
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    i = memchr::memchr(quote, &bytes[i + 1..])
                        .map_or(bytes.len(), |q| i + 1 + q + 1);
                }
                _ => {
                    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                }
            }
        };
        self.pos = end;
        Tag {
            end_tag,
            name,
            self_closing,
            start,
            end,
        }
    }

    /// Where the end tag `</name` of a raw-text element starts, or the end.
    fn find_end_tag(&self, name: &[u8]) -> usize {
        let bytes = self.bytes;
        let mut from = self.pos;
        while let Some(i) = memchr::memchr(b'<', &bytes[from..]) {
            let lt = from + i;
            let after = lt + 2 + name.len();
            if bytes.get(lt + 1) == Some(&b'/')
                && bytes
                    .get(lt + 2..after)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
                && bytes.get(after).is_none_or(|&b| {
                    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
                })
            {
                return lt;
            }
            from = lt + 1;
        }
        bytes.len()
    }
}

/// Where a comment whose text starts at `from` ends: after the first `-->`
/// or `--!>`, or at the end of the input.
fn comment_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(dashes) = find(bytes, at, b"--") {
        match bytes.get(dashes + 2) {
            Some(b'>') => return dashes + 3,
            Some(b'!') if bytes.get(dashes + 3) == Some(&b'>') => return dashes + 4,
            _ => at = dashes + 1,
        }
    }
    bytes.len()
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack.get(from..)?, needle).map(|i| from + i)
}

/// What the rewrite does with a tag.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Keep,
    /// A formatting tag: removed.
    Drop,
    /// A tag too deep: replaced by a space so words stay apart.
    Flatten,
}

/// One element of the modelled stack of open elements.
#[derive(Clone, Copy)]
struct Open {
    name: Name,
    /// A formatting element whose end tag has not been seen.
    formatting: bool,
    special: bool,
    boundary: bool,
    foreign: bool,
    /// In the SVG namespace (else MathML, when foreign).
    svg: bool,
    /// Deeper than [`MAX_DEPTH`]: its tags are flattened.
    flattened: bool,
}

impl Open {
    fn is(&self, names: &[&[u8]]) -> bool {
        names.contains(&self.name.known())
    }
}

/// A rough model of html5ever's stack of open elements: enough to follow
/// how deep the tree gets, not to build it.
#[derive(Default)]
struct Model {
    stack: Vec<Open>,
    /// Stack indices of the open `<p>` elements.
    paragraphs: Vec<usize>,
    /// Stack indices of the open boundaries of "button scope" (`<table>`,
    /// `<button>`...), where the search for an open `<p>` stops.
    boundaries: Vec<usize>,
    /// Stack indices of the open (kept) `<table>` elements.
    tables: Vec<usize>,
    /// Stack indices of the open (kept) `<select>` elements.
    selects: Vec<usize>,
    /// Formatting elements closed implicitly, which the tree builder keeps
    /// reconstructing.
    dangling: usize,
    /// The same, by formatting element (see [`FORMATTING`]).
    dangling_by_name: [usize; FORMATTING.len()],
    /// Second pass: formatting tags are dropped rather than modelled.
    strip_formatting: bool,
}

impl Model {
    fn in_foreign(&self) -> bool {
        self.stack.last().is_some_and(|open| open.foreign)
    }

    /// Whether a `<select>` is open (and not behind a scope boundary).
    fn in_select(&self) -> bool {
        self.selects
            .last()
            .is_some_and(|&s| self.boundaries.last().is_none_or(|&b| b <= s))
    }

    /// The end tag that closes the raw text a start tag opens, if the tree
    /// builder would switch the tokenizer to raw text for it here.
    fn raw_text_end(&self, name: &[u8]) -> Option<&'static [u8]> {
        if self.in_foreign() {
            return None;
        }
        raw_text_end(name)
    }

    /// Whether tags are past [`MAX_DEPTH`]: then everything but text and
    /// raw-text elements is flattened, so that nothing there costs the
    /// tree builder a walk down the stack.
    fn deep(&self) -> bool {
        self.stack.len() >= MAX_DEPTH
    }

    fn apply(&mut self, tag: &Tag) -> Verdict {
        let name = tag.name.known();
        if self.strip_formatting && is_formatting(name) {
            Verdict::Drop
        } else if tag.end_tag {
            self.end(tag, name)
        } else {
            self.start(tag, name)
        }
    }

    fn start(&mut self, tag: &Tag, name: &[u8]) -> Verdict {
        // A flattened tag never reaches the tree builder, so it closes
        // nothing: the implicit closing below is for kept tags only.
        let deep = self.deep();
        // As the scanner decided, before this tag changes anything.
        let raw = self.raw_text_end(name).is_some();
        let foreign_parent = self.stack.last().is_some_and(|open| open.foreign);
        let svg = match name {
            b"svg" if !deep => true,
            b"math" if !deep => false,
            _ => self.stack.last().is_some_and(|open| open.svg),
        };
        // A flattened element does not change the context the tree builder
        // is in: it takes its parent's.
        let foreign = if deep {
            foreign_parent
        } else {
            is_foreign_root(name) || foreign_parent && !breaks_out_of_foreign(name)
        };
        if !deep && !foreign && self.tables.is_empty() && is_table_part(name) {
            // Outside a table, the tree builder ignores <td>, <tr>...
            return Verdict::Keep;
        }
        if !deep {
            if foreign_parent && !foreign {
                // An HTML tag inside <svg> or <math> closes the foreign elements.
                let keep = self
                    .stack
                    .iter()
                    .rposition(|o| !o.foreign)
                    .map_or(0, |i| i + 1);
                self.pop_to(keep);
            }
            // The rest is for HTML elements only. A list item looks for the
            // previous item before it closes a <p>; a heading after.
            let list_item = matches!(name, b"li" | b"dd" | b"dt");
            if !foreign && list_item {
                self.close_previous(name);
            }
            if !foreign
                && closes_p(name)
                && let Some(&p) = self.paragraphs.last()
                && self.boundaries.last().is_none_or(|&b| b < p)
            {
                self.pop_to(p);
            }
            if !foreign && !list_item && self.close_previous(name) && name == b"select" {
                // A <select> in a <select> closes it and opens nothing.
                return Verdict::Keep;
            }
        }
        let opens = if foreign {
            !tag.self_closing
        } else {
            !is_void(name) && !is_root_part(name)
        };
        // Raw-text elements stay even when deep: the scanner reads their
        // content as text, and so must the tree builder.
        let flattened = deep && !raw;
        if opens {
            let index = self.stack.len();
            if name == b"p" {
                self.paragraphs.push(index);
            }
            let boundary = if foreign && !deep {
                is_integration_point(name, svg) || !svg && name == b"annotation-xml"
            } else {
                is_boundary(name)
            };
            if boundary || name == b"button" && !foreign {
                self.boundaries.push(index);
            }
            if name == b"table" && !flattened {
                self.tables.push(index);
            }
            if name == b"select" && !flattened {
                self.selects.push(index);
            }
            self.stack.push(Open {
                name: tag.name,
                formatting: is_formatting(name),
                special: is_special(name),
                boundary,
                foreign: foreign && (deep || !is_integration_point(name, svg)),
                svg,
                flattened,
            });
        }
        if flattened {
            Verdict::Flatten
        } else {
            Verdict::Keep
        }
    }

    /// Start tags that close an earlier element first: a list item the
    /// previous item, a cell the previous cell, and so on.
    fn close_previous(&mut self, name: &[u8]) -> bool {
        type Stop = fn(&Open) -> bool;
        let this = [name];
        let (targets, stop): (&[&[u8]], Stop) = match name {
            b"li" => (&[b"li"], |o| {
                o.special && !o.is(&[b"address", b"div", b"p"])
            }),
            b"dd" | b"dt" => (&[b"dd", b"dt"], |o| {
                o.special && !o.is(&[b"address", b"div", b"p"])
            }),
            // Table parts clear the stack back to the part that holds them.
            b"td" | b"th" | b"tr" | b"tbody" | b"thead" | b"tfoot" | b"caption" | b"colgroup" => {
                let context: &[&[u8]] = match name {
                    b"td" | b"th" => &[b"tr", b"table", b"template"],
                    b"tr" => &[b"tbody", b"thead", b"tfoot", b"table", b"template"],
                    _ => &[b"table", b"template"],
                };
                if let Some(index) = self.find_open(|o| o.is(context), |_| false) {
                    self.pop_to(index + 1);
                }
                return false;
            }
            // In a <select>, options and groups close the "implied" elements
            // on top of the stack; elsewhere an option closes an option.
            b"option" | b"optgroup" if self.in_select() => {
                let keep_optgroup = name == b"option";
                while self.stack.last().is_some_and(|o| {
                    o.is(&[
                        b"dd", b"dt", b"li", b"option", b"p", b"rb", b"rp", b"rt", b"rtc",
                    ]) || (!keep_optgroup && o.is(&[b"optgroup"]))
                }) {
                    let top = self.stack.len() - 1;
                    self.pop_to(top);
                }
                return false;
            }
            // Only the current node: the search stops after the first.
            b"option" | b"optgroup" => (&[b"option"], |_| true),
            b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => {
                (&[b"h1", b"h2", b"h3", b"h4", b"h5", b"h6"], |_| true)
            }
            // A new <a> or <nobr> runs the adoption agency on the old one;
            // only the simple case (inline elements above it) is modelled,
            // otherwise it counts deeper.
            b"a" | b"nobr" => (&this, |o| o.special),
            b"button" | b"select" => (&this, |o| o.boundary),
            // A nested <form> is ignored rather than closing the first, so
            // it is counted: the safe side.
            _ => return false,
        };
        let found = self.find_open(|o| o.is(targets), stop);
        if let Some(index) = found {
            self.pop_to(index);
        }
        found.is_some()
    }

    fn end(&mut self, tag: &Tag, name: &[u8]) -> Verdict {
        // Block elements' end tags close through inline ones up to a scope
        // boundary; other end tags stop at the first special element.
        let hash = tag.name.hash;
        let found = if is_table_or_part(name) {
            // Table end tags close through cells, up to their table.
            self.find_open(|o| o.name.hash == hash, |o| o.is(&[b"table", b"template"]))
        } else if is_special(name) {
            self.find_open(|o| o.name.hash == hash, |o| o.boundary)
        } else {
            self.find_open(|o| o.name.hash == hash, |o| o.special)
        };
        let Some(index) = found else {
            if let Some(i) = FORMATTING.iter().position(|&f| f == name)
                && self.dangling_by_name[i] > 0
            {
                // Most likely it closes one left dangling earlier.
                self.dangling_by_name[i] -= 1;
                self.dangling -= 1;
            }
            return if self.deep() {
                Verdict::Flatten
            } else {
                Verdict::Keep
            };
        };
        let flattened = self.stack[index].flattened;
        // The element's own end tag does not leave it dangling.
        self.stack[index].formatting = false;
        self.pop_to(index);
        if flattened {
            Verdict::Flatten
        } else {
            Verdict::Keep
        }
    }

    /// The index of the nearest open element that `matches`, looking down
    /// the stack until `stop` says so (or [`SEARCH_WINDOW`] elements).
    fn find_open(
        &self,
        matches: impl Fn(&Open) -> bool,
        stop: impl Fn(&Open) -> bool,
    ) -> Option<usize> {
        for (index, open) in self.stack.iter().enumerate().rev().take(SEARCH_WINDOW) {
            if matches(open) {
                return Some(index);
            }
            if stop(open) {
                return None;
            }
        }
        None
    }

    /// Closes the elements at `index` and above.
    fn pop_to(&mut self, index: usize) {
        if index >= self.stack.len() {
            return;
        }
        for open in self.stack[index..].iter().filter(|o| o.formatting) {
            if let Some(i) = FORMATTING.iter().position(|&f| f == open.name.known()) {
                self.dangling_by_name[i] += 1;
                self.dangling += 1;
            }
        }
        self.stack.truncate(index);
        while self.paragraphs.last().is_some_and(|&p| p >= index) {
            self.paragraphs.pop();
        }
        while self.boundaries.last().is_some_and(|&b| b >= index) {
            self.boundaries.pop();
        }
        while self.tables.last().is_some_and(|&t| t >= index) {
            self.tables.pop();
        }
        while self.selects.last().is_some_and(|&t| t >= index) {
            self.selects.pop();
        }
    }
}

/// Elements whose content the tokenizer reads as text up to their end tag.
fn raw_text_end(name: &[u8]) -> Option<&'static [u8]> {
    Some(match name {
        b"script" => b"script",
        b"style" => b"style",
        b"textarea" => b"textarea",
        b"title" => b"title",
        b"xmp" => b"xmp",
        b"iframe" => b"iframe",
        b"noembed" => b"noembed",
        b"noframes" => b"noframes",
        b"plaintext" => b"plaintext",
        _ => return None,
    })
}

#[rustfmt::skip]
fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area" | b"base" | b"basefont" | b"bgsound" | b"br" | b"col" | b"embed" | b"frame" |
        b"hr" | b"image" | b"img" | b"input" | b"keygen" | b"link" | b"meta" | b"param" |
        b"source" | b"track" | b"wbr"
    )
}

/// The elements the tree builder opens once at the root (or merges into
/// the open one), which never nest.
fn is_root_part(name: &[u8]) -> bool {
    matches!(name, b"html" | b"head" | b"body" | b"frameset")
}

/// Formatting elements, which the tree builder reconstructs when left open.
/// (`<a>` is one too, but a new `<a>` closes the old, so it cannot pile up.)
const FORMATTING: [&[u8]; 13] = [
    b"b", b"big", b"code", b"em", b"font", b"i", b"nobr", b"s", b"small", b"strike", b"strong",
    b"tt", b"u",
];

fn is_formatting(name: &[u8]) -> bool {
    FORMATTING.contains(&name)
}

/// Start tags that close an open `<p>` in button scope.
#[rustfmt::skip]
fn closes_p(name: &[u8]) -> bool {
    matches!(
        name,
        b"address" | b"article" | b"aside" | b"blockquote" | b"center" | b"details" |
        b"dialog" | b"dir" | b"div" | b"dl" | b"fieldset" | b"figcaption" | b"figure" |
        b"footer" | b"header" | b"hgroup" | b"main" | b"menu" | b"nav" | b"ol" | b"p" |
        b"search" | b"section" | b"summary" | b"ul" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" |
        b"h6" | b"pre" | b"listing" | b"form" | b"li" | b"dd" | b"dt" | b"plaintext" |
        b"table" | b"hr" | b"xmp"
    )
}

/// What the tree builder only opens inside a table.
fn is_table_part(name: &[u8]) -> bool {
    name != b"table" && is_table_or_part(name)
}

#[rustfmt::skip]
fn is_table_or_part(name: &[u8]) -> bool {
    matches!(
        name,
        b"table" | b"caption" | b"colgroup" | b"tbody" | b"thead" | b"tfoot" | b"tr" | b"td" |
        b"th"
    )
}

/// The HTML elements where "in scope" searches stop.
#[rustfmt::skip]
fn is_boundary(name: &[u8]) -> bool {
    matches!(
        name,
        b"applet" | b"caption" | b"html" | b"table" | b"td" | b"th" | b"marquee" | b"object" |
        b"template"
    )
}

/// HTML's "special" elements, past which an inline end tag is ignored.
#[rustfmt::skip]
fn is_special(name: &[u8]) -> bool {
    matches!(
        name,
        b"address" | b"applet" | b"article" | b"aside" | b"blockquote" | b"button" | b"center" |
        b"details" | b"dialog" | b"dir" | b"div" | b"dl" | b"fieldset" | b"figcaption" |
        b"figure" | b"footer" | b"form" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" |
        b"header" | b"hgroup" | b"iframe" | b"listing" | b"main" | b"marquee" | b"menu" |
        b"nav" | b"noembed" | b"noframes" | b"noscript" | b"object" | b"ol" | b"p" |
        b"plaintext" | b"pre" | b"script" | b"search" | b"section" | b"select" | b"style" |
        b"summary" | b"table" | b"template" | b"textarea" | b"title" | b"ul" | b"xmp" | b"svg" |
        b"math" | b"li" | b"dd" | b"dt" | b"td" | b"th" | b"tr" | b"tbody" | b"thead" |
        b"tfoot" | b"caption" | b"colgroup" | b"html" | b"head" | b"body" | b"frameset"
    )
}

fn is_foreign_root(name: &[u8]) -> bool {
    matches!(name, b"svg" | b"math")
}

/// Foreign elements whose children are HTML again.
fn is_integration_point(name: &[u8], svg: bool) -> bool {
    if svg {
        matches!(name, b"foreignobject" | b"desc" | b"title")
    } else {
        matches!(name, b"mi" | b"mo" | b"mn" | b"ms" | b"mtext")
    }
}

/// HTML start tags that end foreign content.
#[rustfmt::skip]
fn breaks_out_of_foreign(name: &[u8]) -> bool {
    matches!(
        name,
        b"b" | b"big" | b"blockquote" | b"body" | b"br" | b"center" | b"code" | b"dd" | b"div" |
        b"dl" | b"dt" | b"em" | b"embed" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" |
        b"head" | b"hr" | b"i" | b"img" | b"li" | b"listing" | b"menu" | b"meta" | b"nobr" |
        b"ol" | b"p" | b"pre" | b"ruby" | b"s" | b"small" | b"span" | b"strong" | b"strike" |
        b"sub" | b"sup" | b"table" | b"tt" | b"u" | b"ul" | b"var"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_emptied_but_json_ld_and_text_stay() {
        let html = "<head><style>p{color:red}</style>\
            <script type=\"application/LD+JSON\">{\"@type\":\"NewsArticle\"}</script>\
            <script>if (a < b) { document.write('</div>') }</script></head>\
            <body><p>Text <b>stays</b></p><svg><style>x</style></svg>\
            <script src=x.js></script><SCRIPT>var s = '<p>no</p>';</SCRIPT ></body>";
        let pruned = without_code(html);
        assert!(pruned.contains("<style></style>"), "{pruned}");
        assert!(pruned.contains("{\"@type\":\"NewsArticle\"}"), "{pruned}");
        assert!(pruned.contains("<script></script></head>"), "{pruned}");
        assert!(pruned.contains("<p>Text <b>stays</b></p>"), "{pruned}");
        assert!(pruned.contains("<SCRIPT></SCRIPT >"), "{pruned}");
        assert!(!pruned.contains("no</p>"), "{pruned}");
        // A page without code is not copied.
        assert!(matches!(without_code("<p>plain</p>"), Cow::Borrowed(_)));
        // An unterminated script leaves nothing after it to parse anyway.
        assert_eq!(without_code("<p>a</p><script>x = 1"), "<p>a</p><script>");
    }

    fn depth_of(html: &str) -> usize {
        let mut model = Model::default();
        let mut scanner = Scanner::new(html.as_bytes());
        let mut deepest = 0;
        while let Some(tag) = scanner.next(&model) {
            model.apply(&tag);
            deepest = deepest.max(model.stack.len());
        }
        deepest
    }

    #[test]
    fn ordinary_pages_pass_through_uncopied() {
        let html = "<!doctype html><html><head><title>T <b></title>\
            <script>if (a < b) { document.write('<div><div><div>'); }</script></head>\
            <body><!-- <div><div> --><div class=\"a>b\" data-x='<div>'><p>One <b>two\
            <p>Three <span>four<p>Five</div><ul><li>a<li>b</ul></body></html>";
        let bounded = bound(html);
        assert!(matches!(bounded.html, Cow::Borrowed(_)));
        assert!(bounded.warning.is_none());
        assert!(depth_of(html) <= 4, "{}", depth_of(html));
    }

    #[test]
    fn unclosed_inline_elements_close_with_their_parent() {
        let html = "<div><span>a<font>b</div>".repeat(2_000);
        assert!(depth_of(&html) <= 3);
        let html = "<p><span>a<i>b".repeat(2_000);
        assert!(depth_of(&html) <= 3);
        let html = "<a href=1>x<button>y".repeat(2_000);
        assert!(depth_of(&html) <= 4);
        let html = "<h1>a<h2>b<h3>c".repeat(2_000);
        assert!(depth_of(&html) <= 2);
        let html = "<ul><li>a<li><b>b</b><li><span>c</ul><dl><dt>a<dd>b<dt>c</dl>".repeat(2_000);
        assert!(depth_of(&html) <= 3);
        let html = "<table><tr><td>a<td><p>b<tr><th>c<tbody><tr><td>d</table>".repeat(2_000);
        assert!(depth_of(&html) <= 4);
        let html = "<select><option>a<option>b<optgroup><option>c</select>".repeat(2_000);
        assert!(depth_of(&html) <= 3);
    }

    #[test]
    fn what_the_tree_builder_nests_is_counted() {
        // The adoption agency leaves each <div> inside the previous one.
        assert!(depth_of(&"<a href=x><div>".repeat(1_000)) >= 1_000);
        // A nested <form> is ignored, not closed, so the <div>s nest.
        assert!(depth_of(&"<form><div>".repeat(1_000)) >= 1_000);
        // Stray end tags stop at a special element.
        assert!(depth_of(&"<span><div></span>".repeat(1_000)) >= 1_000);
        assert!(depth_of(&"<table><tr><td>x".repeat(1_000)) >= 1_000);
    }

    #[test]
    fn tags_are_not_hidden_where_the_tokenizer_sees_them() {
        let divs = "<div>".repeat(1_000);
        // `--!>` ends a comment; CDATA is a bogus comment in HTML.
        assert!(depth_of(&format!("<!-- --!>{divs}-->")) >= 1_000);
        assert!(depth_of(&format!("<![CDATA[{divs}]]>")) >= 999);
        assert!(depth_of(&format!("<!--->{divs}-->")) >= 1_000);
        // But comments, raw text and SVG's CDATA do hide them.
        assert!(depth_of(&format!("<!-- {divs} -->")) == 0);
        assert!(depth_of(&format!("<svg><![CDATA[{divs}]]></svg>")) == 1);
        assert!(depth_of(&format!("<style>{divs}</style>")) == 1);
    }

    #[test]
    fn deep_nesting_is_flattened_and_keeps_the_text() {
        let n = 100_000;
        let html = format!(
            "<body>{}deep text{}</body>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let bounded = bound(&html);
        assert!(bounded.warning.is_some());
        let flat = bounded.html;
        assert_eq!(flat.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(flat.matches("</div>").count(), MAX_DEPTH);
        assert!(flat.contains("deep text"));
    }

    #[test]
    fn self_closing_tags_open_html_elements_but_not_foreign_ones() {
        assert!(depth_of(&"<div/>".repeat(1_000)) >= 1_000);
        assert!(depth_of(&format!("<svg>{}</svg>", "<g/>".repeat(1_000))) <= 1);
        // An HTML tag ends the <svg>, and its self-closing slash means nothing.
        assert!(depth_of(&"<svg><div/>".repeat(1_000)) >= 1_000);
    }

    #[test]
    fn piled_up_formatting_elements_are_dropped() {
        let html: String = (0..1_000)
            .map(|i| format!("<div><b class=c{i}>x</div>"))
            .collect();
        let bounded = bound(&html);
        assert!(bounded.warning.is_some());
        assert!(!bounded.html.contains("<b"));
        assert_eq!(bounded.html.matches("<div>x</div>").count(), 1_000);
    }

    #[test]
    fn unterminated_constructs_do_not_panic() {
        for html in [
            "<",
            "</",
            "<!",
            "<!-",
            "<!--",
            "<!-->",
            "<![CDATA[",
            "<?",
            "<a",
            "<a b",
            "<a b=",
            "<a b='",
            "<a b=\"x",
            "<a/",
            "<script>",
            "<script></scrip",
            "<plaintext><div>",
            "<title></title",
            "<x y z=>",
            "</ div>",
            "<é>",
            "<a é=é>",
        ] {
            let _ = bound(html);
            let _ = rewrite(html);
        }
    }

    /// The depth of the tree html5ever builds, document node included.
    fn real_depth(html: &str) -> usize {
        let doc = dom_query::Document::from(html);
        let mut deepest = 0;
        let mut todo = vec![(doc.root(), 0usize)];
        while let Some((node, depth)) = todo.pop() {
            deepest = deepest.max(depth);
            let mut child = node.first_child();
            while let Some(c) = child {
                child = c.next_sibling();
                todo.push((c, depth + 1));
            }
        }
        deepest
    }

    /// Tag soups that once got past the model (found by `differential`):
    /// what html5ever builds from the bounded page stays shallow.
    #[test]
    fn tag_soups_stay_shallow() {
        for unit in [
            "<a href=x><div>",
            "<span><div></span>",
            "<svg><div/>",
            "<table><tr><td>x",
            "<li/></option><div class=c482><dd>",
            "<rt><desc><a/></i></img><font><param/>",
            "<svg class=c609>x<foreignObject><pre/>",
            "<select>xxx</image></math></th><dt><param/><blockquote>",
            "</br></address>x</menu><optgroup><tr/>",
            "<math>xx<annotation-xml></em><noframes/><noscript><g></html><title class=c513><rb></tbody><script>",
            "<math><frameset/></g></menu><iframe class=c61><form><noscript/>x<title><caption>",
            "x<optgroup/></object><th/><tbody/><dt><button></dt><h1><html><code><input class=c458><param/><optgroup/><a>",
            "<code><object><button></col><rt><b><math><annotation-xml/></html>",
            "<p><span></marquee><noscript><tbody><annotation-xml></xmp><span></html>x<nobr><dd><i><th class=c503>",
        ] {
            let html = unit.repeat(1_000);
            let depth = real_depth(&bound(&html).html);
            assert!(depth <= 3 * MAX_DEPTH, "{unit}: depth {depth}");
        }
    }

    /// Random tag soups, each repeated, compared with what html5ever
    /// builds; prints the worst. A tool for changing the model:
    /// `SEED=1 TRIALS=400 cargo test --release -p tribune-extract
    /// nesting::tests::differential -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn differential() {
        let names = [
            "div",
            "p",
            "span",
            "b",
            "i",
            "a",
            "li",
            "ul",
            "ol",
            "dl",
            "dt",
            "dd",
            "table",
            "tr",
            "td",
            "th",
            "tbody",
            "caption",
            "select",
            "option",
            "optgroup",
            "svg",
            "math",
            "g",
            "foreignObject",
            "h1",
            "h2",
            "form",
            "button",
            "nobr",
            "font",
            "em",
            "section",
            "ruby",
            "rb",
            "rt",
            "object",
            "template",
            "textarea",
            "title",
            "style",
            "script",
            "br",
            "hr",
            "img",
            "input",
            "body",
            "html",
            "head",
            "xmp",
            "plaintext",
            "pre",
            "listing",
            "marquee",
            "applet",
            "colgroup",
            "col",
            "noscript",
            "iframe",
            "image",
            "keygen",
            "menu",
            "center",
            "code",
            "blockquote",
            "address",
            "main",
            "mi",
            "desc",
            "annotation-xml",
            "frame",
            "noframes",
            "noembed",
            "param",
            "search",
        ];
        let env = |key: &str, default: u64| {
            std::env::var(key)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let mut seed = env("SEED", 1);
        let mut rnd = move |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) as usize) % n
        };
        let mut worst = 0;
        for _ in 0..env("TRIALS", 200) {
            let mut unit = String::new();
            for _ in 0..4 + rnd(12) {
                let name = names[rnd(names.len())];
                match rnd(10) {
                    0..=4 => unit.push_str(&format!("<{name}>")),
                    5 | 6 => unit.push_str(&format!("</{name}>")),
                    7 => unit.push_str(&format!("<{name}/>")),
                    8 => unit.push('x'),
                    _ => unit.push_str(&format!("<{name} class=c{}>", rnd(1000))),
                }
            }
            let html = unit.repeat(env("REPS", 1_500) as usize);
            let started = std::time::Instant::now();
            let bounded = bound(&html);
            let depth = real_depth(&bounded.html);
            if depth > worst {
                worst = depth;
                println!(
                    "depth {depth} flattened {} in {:?}: {unit}",
                    bounded.warning.is_some(),
                    started.elapsed()
                );
            }
        }
    }
}
