//! The full-text index (tantivy) beside the database: title, body, where
//! the article came from, its authors and date. The database is the source
//! of truth; the index records in each commit the last article id it holds,
//! so that on opening it can catch up with what it missed.

use std::path::Path;
use std::sync::Mutex;

use chrono::Utc;
use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::QueryParser;
use tantivy::schema::{DateOptions, Field, INDEXED, STORED, Schema, TEXT, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DateTime, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader,
    TantivyDocument,
};

use crate::error::{Error, Result};
use crate::types::{NewArticle, SearchHit, StoredArticle};

/// Memory the index writer may use before it flushes a segment.
const WRITER_MEMORY: usize = 50_000_000;

struct Fields {
    id: Field,
    title: Field,
    body: Field,
    source: Field,
    author: Field,
    published: Field,
}

/// What the index keeps of an article, borrowed from a new article being
/// stored or from one read back from the database.
pub(crate) struct Entry<'a> {
    pub id: i64,
    pub title: Option<&'a str>,
    pub text: &'a str,
    pub origin: &'a str,
    pub authors: &'a [String],
    pub published: Option<chrono::NaiveDate>,
}

impl<'a> Entry<'a> {
    pub fn new(id: i64, new: &'a NewArticle<'a>) -> Self {
        Entry {
            id,
            title: new.article.title.as_deref(),
            text: &new.article.text,
            origin: new.origin,
            authors: &new.article.authors,
            published: new.article.published,
        }
    }

    pub fn stored(article: &'a StoredArticle) -> Self {
        Entry {
            id: article.id,
            title: article.title.as_deref(),
            text: &article.text,
            origin: &article.origin,
            authors: &article.authors,
            published: article.published,
        }
    }
}

/// The search index of one store.
pub(crate) struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// Opened on the first write: tantivy allows one writer per index
    /// across processes, and reading (`tribune search` beside a running
    /// `tribune poll`) must not need it.
    writer: Mutex<Option<IndexWriter>>,
    dir: Option<std::path::PathBuf>,
    fields: Fields,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        id: builder.add_u64_field("id", INDEXED | STORED),
        title: builder.add_text_field("title", TEXT | STORED),
        body: builder.add_text_field("body", TEXT | STORED),
        source: builder.add_text_field("source", TEXT | STORED),
        author: builder.add_text_field("author", TEXT),
        published: builder.add_date_field(
            "published",
            DateOptions::from(INDEXED).set_stored().set_fast(),
        ),
    };
    (builder.build(), fields)
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if needed.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Index {
            path: dir.to_path_buf(),
            message: source.to_string(),
        })?;
        let (schema, fields) = schema();
        let directory = MmapDirectory::open(dir).map_err(|e| Error::Index {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        let index = Index::open_or_create(directory, schema).map_err(|e| Error::Index {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        Self::with_index(index, fields, Some(dir.to_path_buf()))
    }

    /// An index in memory, for tests.
    pub fn in_ram() -> Result<SearchIndex> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields, None)
    }

    fn with_index(
        index: Index,
        fields: Fields,
        dir: Option<std::path::PathBuf>,
    ) -> Result<SearchIndex> {
        // Commits by another process (a running poller) show up on their own.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(None),
            dir,
            fields,
        })
    }

    /// The last article id the committed index holds (0 if none).
    pub fn indexed_up_to(&self) -> Result<i64> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.and_then(|p| p.parse().ok()).unwrap_or(0))
    }

    /// Fails now (rather than after a database write) if another process
    /// holds the index for writing.
    pub fn ensure_writable(&self) -> Result<()> {
        self.with_writer(|_| Ok(()))
    }

    /// Adds an article; it is searchable after the next [`commit`](Self::commit).
    pub fn add(&self, entry: &Entry<'_>) -> Result<()> {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_u64(f.id, entry.id.max(0) as u64);
        doc.add_text(f.title, entry.title.unwrap_or(""));
        doc.add_text(f.body, entry.text);
        doc.add_text(f.source, entry.origin);
        for author in entry.authors {
            doc.add_text(f.author, author);
        }
        if let Some(date) = entry.published.and_then(|d| d.and_hms_opt(0, 0, 0)) {
            doc.add_date(
                f.published,
                DateTime::from_timestamp_secs(date.and_utc().timestamp()),
            );
        }
        self.with_writer(|writer| Ok(writer.add_document(doc).map(|_| ())?))
    }

    /// Makes what was added searchable and durable, recording `up_to`, the
    /// last article id now held.
    pub fn commit(&self, up_to: i64) -> Result<()> {
        self.with_writer(|writer| {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&up_to.to_string());
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// Ranked matches for a query in tantivy's syntax (words, "phrases",
    /// `title:`, `source:`, `author:`, `published:[2024-01-01T00:00:00Z TO *]`):
    /// relevance, raised for recent articles.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let f = &self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 2.0);
        let query = parser.parse_query(query).map_err(|e| Error::Query {
            query: query.to_string(),
            message: e.to_string(),
        })?;
        let searcher = self.reader.searcher();
        let now = Utc::now().timestamp();
        let collector =
            TopDocs::with_limit(limit.max(1)).tweak_score(move |segment: &SegmentReader| {
                let dates = segment.fast_fields().date("published").ok();
                move |doc: DocId, score: Score| {
                    let published = dates.as_ref().and_then(|c| c.first(doc));
                    score * recency_boost(published.map(|d| d.into_timestamp_secs()), now)
                }
            });
        let top = searcher.search(&query, &collector)?;
        let snippets = SnippetGenerator::create(&searcher, &query, f.body)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let snippet = snippets.snippet_from_doc(&doc);
            hits.push(SearchHit {
                id: doc.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0) as i64,
                score,
                title: text(f.title).filter(|t| !t.is_empty()),
                origin: text(f.source).unwrap_or_default(),
                published: doc
                    .get_first(f.published)
                    .and_then(|v| v.as_datetime())
                    .and_then(|d| chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0))
                    .map(|d| d.date_naive()),
                snippet: snippet
                    .fragment()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            });
        }
        Ok(hits)
    }

    /// Runs `work` with the index writer, opening it first if needed.
    fn with_writer<T>(&self, work: impl FnOnce(&mut IndexWriter) -> Result<T>) -> Result<T> {
        let mut guard = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if guard.is_none() {
            let writer = self.index.writer(WRITER_MEMORY).map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => Error::Busy {
                    path: self.dir.clone().unwrap_or_default(),
                },
                other => Error::Search(other),
            })?;
            *guard = Some(writer);
        }
        match guard.as_mut() {
            Some(writer) => work(writer),
            None => unreachable!("the writer was just opened"),
        }
    }
}

/// Up to twice the relevance for an article published today, halving with
/// each further month; undated articles get no boost.
fn recency_boost(published: Option<i64>, now: i64) -> Score {
    match published {
        Some(secs) => {
            let days = ((now - secs).max(0) as f32) / 86_400.0;
            1.0 + 1.0 / (1.0 + days / 30.0)
        }
        None => 1.0,
    }
}
