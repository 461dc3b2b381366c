//! One suite every [`Store`](crate::Store) back end must pass, written once
//! against `&dyn Store` and run for each back end.

use tribune_model::{Article, Provenance};

use crate::{
    ArticleFilter, EntryOutcome, NewArticle, NewSource, Placement, PollRecord, Put, SqliteStore,
    Store, StoryChoice,
};

fn article(title: &str, text: &str, canonical: Option<&str>) -> Article {
    Article {
        title: Some(title.to_string()),
        text: text.to_string(),
        canonical_url: canonical.map(str::to_string),
        authors: vec!["Jane Doe".into()],
        published: chrono::NaiveDate::from_ymd_opt(2025, 3, 16),
        provenance: Provenance {
            original_publisher: Some("USA TODAY".into()),
            ..Provenance::default()
        },
        ..Article::default()
    }
}

fn suite(store: &dyn Store) {
    let a = article(
        "Storm hits coast",
        "A storm hit the coast.",
        Some("https://x.example/a"),
    );
    let first = store
        .put_article(&NewArticle::new(&a, "https://x.example/a?utm=1"))
        .unwrap();
    assert!(matches!(first, Put::New(_)));
    // The same content again, from elsewhere: a duplicate of the first.
    let mut copy = a.clone();
    copy.canonical_url = Some("https://mirror.example/a".into());
    copy.text = "A  storm hit\nthe coast.".into();
    assert_eq!(
        store
            .put_article(&NewArticle::new(&copy, "mirror"))
            .unwrap(),
        Put::Duplicate(first.id())
    );
    // Other words under the same canonical URL: still the same article.
    let edited = article(
        "Storm hits coast",
        "An edited text.",
        Some("https://x.example/a"),
    );
    assert_eq!(
        store.put_article(&NewArticle::new(&edited, "x")).unwrap(),
        Put::Duplicate(first.id())
    );
    // A different article.
    let b = article("Council votes", "The council voted.", None);
    let second = store.put_article(&NewArticle::new(&b, "b.html")).unwrap();
    assert!(second.is_new() && second.id() != first.id());
    assert_eq!(store.count_articles().unwrap(), 2);

    let stored = store.article(first.id()).unwrap().unwrap();
    assert_eq!(stored.title.as_deref(), Some("Storm hits coast"));
    assert_eq!(stored.origin, "https://x.example/a?utm=1");
    assert_eq!(stored.authors, ["Jane Doe"]);
    assert_eq!(stored.published, a.published);
    assert_eq!(
        stored.provenance.original_publisher.as_deref(),
        Some("USA TODAY")
    );
    assert!(store.article(9_999).unwrap().is_none());

    store.flush().unwrap();
    let hits = store.search("storm coast", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, first.id());
    assert!(hits[0].snippet.contains("storm"), "{:?}", hits[0]);
    assert_eq!(
        store.search("\"council voted\"", 10).unwrap()[0].id,
        second.id()
    );
    assert!(store.search("\"voted council\"", 10).unwrap().is_empty());
    assert_eq!(store.search("source:b.html", 10).unwrap().len(), 1);
    assert_eq!(store.search("author:doe", 10).unwrap().len(), 2);
    assert_eq!(
        store
            .search(
                "published:[2025-03-01T00:00:00Z TO 2025-04-01T00:00:00Z]",
                10
            )
            .unwrap()
            .len(),
        2
    );
    assert!(store.search("title:(", 10).is_err());
}

fn sources_suite(store: &dyn Store) {
    let now = chrono::Utc::now();
    let feed = NewSource {
        url: "https://news.example/feed.xml".into(),
        title: Some("Example News".into()),
        ..NewSource::default()
    };
    let (added, created) = store.add_source(&feed).unwrap();
    assert!(created);
    // Adding it again (another user, an OPML import) keeps one source.
    let (again, created) = store.add_source(&feed).unwrap();
    assert!(!created);
    assert_eq!(again.id, added.id);
    let (other, _) = store
        .add_source(&NewSource {
            url: "https://other.example/rss".into(),
            ..NewSource::default()
        })
        .unwrap();
    assert_eq!(store.sources().unwrap().len(), 2);
    // New sources are due at once.
    assert_eq!(store.due_sources(now, 10).unwrap().len(), 2);

    let later = now + chrono::Duration::hours(2);
    store
        .record_poll(
            added.id,
            &PollRecord {
                polled_at: now,
                succeeded: true,
                status: Some(200),
                etag: Some("\"v1\"".into()),
                last_modified: Some("Sun, 16 Mar 2025 10:00:00 GMT".into()),
                title: Some("Feed's own title".into()),
                site_url: Some("https://news.example/".into()),
                next_poll_at: later,
                interval_secs: 7_200,
                error_count: 0,
                error: None,
            },
        )
        .unwrap();
    let polled = store.source(added.id).unwrap().unwrap();
    assert_eq!(polled.etag.as_deref(), Some("\"v1\""));
    // The user's name wins over the feed's; a missing site is filled in.
    assert_eq!(polled.title.as_deref(), Some("Example News"));
    assert_eq!(polled.site_url.as_deref(), Some("https://news.example/"));
    assert_eq!(polled.next_poll_at.timestamp(), later.timestamp());
    let due: Vec<i64> = store
        .due_sources(now, 10)
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(due, [other.id]);
    assert_eq!(
        store.next_due().unwrap().map(|t| t.timestamp()),
        Some(other.next_poll_at.timestamp())
    );

    // A failure keeps the validators and records the error.
    store
        .record_poll(
            added.id,
            &PollRecord {
                polled_at: later,
                succeeded: false,
                status: Some(500),
                next_poll_at: later,
                interval_secs: 600,
                error_count: 1,
                error: Some("the server answered 500".into()),
                ..PollRecord::default()
            },
        )
        .unwrap();
    let failed = store.source_by_url(&feed.url).unwrap().unwrap();
    assert_eq!(failed.etag.as_deref(), Some("\"v1\""));
    assert_eq!(failed.error_count, 1);
    assert_eq!(
        failed.last_error.as_deref(),
        Some("the server answered 500")
    );
    assert_eq!(
        failed.succeeded_at.map(|t| t.timestamp()),
        Some(now.timestamp())
    );

    // Entries: stored ones are remembered with their article.
    let a = article("Feed story", "Taken from a feed.", None);
    let put = store
        .put_article(&NewArticle::new(&a, "https://news.example/1").from_source(added.id))
        .unwrap();
    store
        .record_entry(added.id, "guid-1", EntryOutcome::Stored(put.id()))
        .unwrap();
    store
        .record_entry(added.id, "guid-2", EntryOutcome::Failed(1))
        .unwrap();
    let known = store
        .entry_outcomes(added.id, &["guid-1", "guid-2", "guid-3"])
        .unwrap();
    assert_eq!(known.len(), 2);
    assert_eq!(known["guid-1"], EntryOutcome::Stored(put.id()));
    assert_eq!(known["guid-2"], EntryOutcome::Failed(1));
    assert!(
        store
            .entry_outcomes(other.id, &["guid-1"])
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.source(added.id).unwrap().unwrap().article_count, 1);
    assert_eq!(
        store.article(put.id()).unwrap().unwrap().source_id,
        Some(added.id)
    );

    // Removing a source keeps its articles.
    assert!(store.remove_source(added.id).unwrap());
    assert!(!store.remove_source(added.id).unwrap());
    assert!(store.source(added.id).unwrap().is_none());
    assert_eq!(store.article(put.id()).unwrap().unwrap().source_id, None);
}

fn stories_suite(store: &dyn Store) {
    let at = |hour: u32| {
        chrono::NaiveDate::from_ymd_opt(2025, 3, 16)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .map(|t| t.and_utc())
            .unwrap()
    };
    let put = |title: &str, copy_of: &[i64], story: StoryChoice<'_>, hour: u32| {
        let a = article(title, &format!("{title} text."), None);
        store
            .put_article(&NewArticle::new(&a, title).placed(Placement {
                fingerprint: &[1, 2, 3],
                copy_of,
                story,
                seen_at: at(hour),
            }))
            .unwrap()
            .id()
    };
    let a = put(
        "Wire story",
        &[],
        StoryChoice::Start {
            label: "Wire story",
        },
        8,
    );
    let b = put(
        "Republished wire story",
        &[a],
        StoryChoice::Start { label: "ignored" },
        9,
    );
    let c = put(
        "Second wire story",
        &[],
        StoryChoice::Start { label: "Other" },
        10,
    );
    let first = store.article(a).unwrap().unwrap();
    let copy = store.article(b).unwrap().unwrap();
    assert_eq!(copy.copy_group_id, first.copy_group_id);
    assert_eq!(copy.story_id, first.story_id);
    let story = first.story_id.unwrap();
    let other = store.article(c).unwrap().unwrap();
    assert_ne!(other.story_id, Some(story));

    // Joining an existing story without being a copy.
    let d = put("Follow-up", &[], StoryChoice::Join(story), 11);
    assert_eq!(store.article(d).unwrap().unwrap().story_id, Some(story));
    assert_ne!(
        store.article(d).unwrap().unwrap().copy_group_id,
        first.copy_group_id
    );

    // A copy of both groups joins them, in the older group's story.
    let e = put(
        "Merged copy",
        &[c, a],
        StoryChoice::Start { label: "x" },
        12,
    );
    let merged = store.article(c).unwrap().unwrap();
    assert_eq!(merged.copy_group_id, first.copy_group_id);
    assert_eq!(merged.story_id, Some(story));
    assert_eq!(store.article(e).unwrap().unwrap().story_id, Some(story));

    let listed = store.stories(None, 10).unwrap();
    assert_eq!(
        listed.len(),
        1,
        "the emptied story is not listed: {listed:?}"
    );
    assert_eq!(listed[0].label, "Wire story");
    assert_eq!(listed[0].article_count, 5);
    assert_eq!(listed[0].first_seen, at(8));
    assert_eq!(listed[0].last_seen, at(12));
    assert!(store.stories(Some(at(13)), 10).unwrap().is_empty());

    let articles = store.story_articles(story).unwrap();
    assert_eq!(articles.len(), 5);
    let group = first.copy_group_id.unwrap();
    assert_eq!(articles.iter().filter(|x| x.copy_group == group).count(), 4);
    assert!(articles.iter().any(|x| x.id == a && x.is_original));

    // One group's articles read as the story's articles of that group.
    let grouped = store.group_articles(group).unwrap();
    let mut expected: Vec<_> = articles
        .iter()
        .filter(|x| x.copy_group == group)
        .cloned()
        .collect();
    expected.sort_by_key(|x| (x.seen_at, x.id));
    assert_eq!(grouped, expected);
    assert!(store.group_articles(9_999).unwrap().is_empty());

    let members = store.copy_group(group).unwrap();
    assert_eq!(members.len(), 4);
    assert_eq!(members[0].original_publisher.as_deref(), Some("USA TODAY"));
    store.set_original(group, b).unwrap();
    assert!(
        store
            .story_articles(story)
            .unwrap()
            .iter()
            .any(|x| x.id == b && x.is_original)
    );

    let indexed = store.indexed_articles(0, at(0), 100).unwrap();
    assert_eq!(indexed.len(), 5);
    assert_eq!(indexed[0].fingerprint, [1, 2, 3]);
    assert_eq!(store.indexed_articles(c, at(0), 100).unwrap().len(), 2);
    assert_eq!(store.indexed_articles(0, at(11), 100).unwrap().len(), 2);

    // Exact duplicates are found before any work.
    let again = article("Wire story", "Wire story text.", None);
    assert_eq!(store.duplicate_of(&again).unwrap(), Some(a));

    // Several stories at once read as each one alone; unknown and emptied
    // stories are absent.
    let f = put("Third", &[], StoryChoice::Start { label: "Third" }, 13);
    let third = store.article(f).unwrap().unwrap().story_id.unwrap();
    let emptied = other.story_id.unwrap();
    let many = store
        .stories_articles(&[third, story, emptied, 9_999])
        .unwrap();
    assert_eq!(many.len(), 2, "{many:?}");
    assert_eq!(many[&story], store.story_articles(story).unwrap());
    assert_eq!(many[&third], store.story_articles(third).unwrap());
    assert!(store.stories_articles(&[]).unwrap().is_empty());
}

/// Enrichment is kept with the article, and the backlog of `tribune
/// enrich` is exactly the articles without it.
fn enrichment_suite(store: &dyn Store) {
    let text = "Doe said the port would reopen on Friday.";
    let enrichment = tribune_nlp::enrich(text, None);
    let with = article("Port reopens", text, None);
    let mut new = NewArticle::new(&with, "a.html");
    new.enrichment = Some(&enrichment);
    let Put::New(a) = store.put_article(&new).unwrap() else {
        panic!("new article");
    };
    let without = article("Ferries return", "Ferries return next week.", None);
    let Put::New(b) = store
        .put_article(&NewArticle::new(&without, "b.html"))
        .unwrap()
    else {
        panic!("new article");
    };
    assert_eq!(
        store.article(a).unwrap().unwrap().enrichment.as_ref(),
        Some(&enrichment)
    );
    assert_eq!(store.article(b).unwrap().unwrap().enrichment, None);
    let backlog = store.articles_to_enrich(0, false, 10).unwrap();
    assert_eq!(backlog.iter().map(|t| t.id).collect::<Vec<_>>(), [b]);
    assert_eq!(store.articles_to_enrich(0, true, 10).unwrap().len(), 2);
    let later = tribune_nlp::enrich(&backlog[0].text, None);
    store.set_enrichments(&[(b, &later)]).unwrap();
    assert!(store.articles_to_enrich(0, false, 10).unwrap().is_empty());
    assert_eq!(store.article(b).unwrap().unwrap().enrichment, Some(later));
}

/// Article listings filter by source, story and time, newest first, in
/// pages; story listings page the same way.
fn listing_suite(store: &dyn Store) {
    let at = |hour: u32| {
        chrono::NaiveDate::from_ymd_opt(2025, 3, 16)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .map(|t| t.and_utc())
            .unwrap()
    };
    let (source, _) = store
        .add_source(&NewSource {
            url: "https://feed.example/rss".into(),
            ..NewSource::default()
        })
        .unwrap();
    let mut ids = Vec::new();
    for (n, story) in [
        StoryChoice::Start { label: "One" },
        StoryChoice::Start { label: "Two" },
    ]
    .into_iter()
    .enumerate()
    {
        let title = format!("Story {n}");
        let a = article(&title, &format!("{title} text."), None);
        let new = NewArticle::new(&a, "feed").from_source(source.id);
        let placed = new.placed(Placement {
            fingerprint: &[1],
            copy_of: &[],
            story,
            seen_at: at(8 + n as u32),
        });
        ids.push(store.put_article(&placed).unwrap().id());
    }
    let loose = article("Unplaced", "Unplaced text.", None);
    let mut new = NewArticle::new(&loose, "loose.html");
    new.fetched_at = at(20);
    ids.push(store.put_article(&new).unwrap().id());

    let all = |filter: &ArticleFilter| {
        store
            .list_articles(filter, 10, 0)
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(all(&ArticleFilter::default()), [ids[2], ids[1], ids[0]]);
    let from_source = ArticleFilter {
        source_id: Some(source.id),
        ..ArticleFilter::default()
    };
    assert_eq!(all(&from_source), [ids[1], ids[0]]);
    let story = store.article(ids[0]).unwrap().unwrap().story_id;
    let of_story = ArticleFilter {
        story_id: story,
        ..ArticleFilter::default()
    };
    assert_eq!(all(&of_story), [ids[0]]);
    // Placed articles by when they entered the news, others by fetch time.
    let since = ArticleFilter {
        since: Some(at(9)),
        ..ArticleFilter::default()
    };
    assert_eq!(all(&since), [ids[2], ids[1]]);
    let page = store
        .list_articles(&ArticleFilter::default(), 1, 1)
        .unwrap();
    assert_eq!(page.iter().map(|a| a.id).collect::<Vec<_>>(), [ids[1]]);
    assert!(
        store
            .list_articles(&ArticleFilter::default(), 5, 3)
            .unwrap()
            .is_empty()
    );

    let stories = store.stories_page(None, 1, 0).unwrap();
    assert_eq!(stories.len(), 1);
    assert_eq!(stories[0].label, "Two");
    assert_eq!(store.stories_page(None, 5, 1).unwrap()[0].label, "One");
    assert!(store.stories_page(None, 5, 2).unwrap().is_empty());
}

#[test]
fn sqlite_listings() {
    listing_suite(&SqliteStore::open_in_memory().unwrap());
}

/// How many stories hold articles, as the reader's metrics report.
fn count_stories_suite(store: &dyn Store) {
    let unplaced = article("Unplaced", "Unplaced text.", None);
    store
        .put_article(&NewArticle::new(&unplaced, "unplaced"))
        .unwrap();
    assert_eq!(store.count_stories().unwrap(), 0);
    let placed = article("Placed", "Placed text.", None);
    let placement = |label| Placement {
        fingerprint: &[],
        copy_of: &[],
        story: StoryChoice::Start { label },
        seen_at: chrono::Utc::now(),
    };
    store
        .put_article(&NewArticle::new(&placed, "placed").placed(placement("Placed")))
        .unwrap();
    assert_eq!(store.count_stories().unwrap(), 1);
}

#[test]
fn sqlite_count_stories() {
    count_stories_suite(&SqliteStore::open_in_memory().unwrap());
}

#[test]
fn sqlite_enrichment() {
    enrichment_suite(&SqliteStore::open_in_memory().unwrap());
}

#[test]
fn sqlite_stories() {
    stories_suite(&SqliteStore::open_in_memory().unwrap());
}

#[test]
fn sqlite_in_memory() {
    suite(&SqliteStore::open_in_memory().unwrap());
}

#[test]
fn sqlite_sources() {
    sources_suite(&SqliteStore::open_in_memory().unwrap());
}

#[test]
fn sqlite_file_keeps_articles_across_reopening() {
    let dir = std::env::temp_dir().join(format!("tribune-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    {
        let store = SqliteStore::open(&dir).unwrap();
        suite(&store);
    }
    let reopened = SqliteStore::open(&dir).unwrap();
    assert_eq!(reopened.count_articles().unwrap(), 2);
    assert_eq!(reopened.search("storm", 10).unwrap().len(), 1);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_index_that_fell_behind_catches_up_on_opening() {
    let dir = std::env::temp_dir().join(format!("tribune-store-lag-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    {
        let store = SqliteStore::open(&dir).unwrap();
        let a = article("Storm hits coast", "A storm hit the coast.", None);
        store.put_article(&NewArticle::new(&a, "a.html")).unwrap();
        // No flush: as if the process died after the database commit.
    }
    let reopened = SqliteStore::open(&dir).unwrap();
    assert_eq!(reopened.search("storm", 10).unwrap().len(), 1);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_newer_database_is_refused() {
    let dir = std::env::temp_dir().join(format!("tribune-store-new-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    {
        let connection = rusqlite::Connection::open(dir.join("tribune.db")).unwrap();
        connection.pragma_update(None, "user_version", 999).unwrap();
    }
    let error = SqliteStore::open(&dir).err().unwrap().to_string();
    assert!(error.contains("newer than this Tribune knows"), "{error}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_second_process_reads_while_the_first_writes() {
    let dir = std::env::temp_dir().join(format!("tribune-store-two-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let writer = SqliteStore::open(&dir).unwrap();
    let a = article("Storm hits coast", "A storm hit the coast.", None);
    writer.put_article(&NewArticle::new(&a, "a.html")).unwrap();
    writer.flush().unwrap();
    // A reader (`tribune search` beside `tribune poll`) opens and searches.
    let reader = SqliteStore::open(&dir).unwrap();
    assert_eq!(reader.search("storm", 10).unwrap().len(), 1);
    assert_eq!(reader.sources().unwrap().len(), 0);
    // But it cannot write articles while the other one does, and says so
    // before touching the database.
    let b = article("Council votes", "The council voted.", None);
    let err = reader
        .put_article(&NewArticle::new(&b, "b.html"))
        .unwrap_err();
    assert!(matches!(err, crate::Error::Busy { .. }), "{err}");
    assert_eq!(reader.count_articles().unwrap(), 1);
    drop(writer);
    drop(reader);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_version_1_database_is_migrated_with_its_articles() {
    let dir = std::env::temp_dir().join(format!("tribune-store-v1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    {
        let connection = rusqlite::Connection::open(dir.join("tribune.db")).unwrap();
        connection
            .execute_batch(crate::sqlite::FIRST_MIGRATION_FOR_TESTS)
            .unwrap();
        connection.pragma_update(None, "user_version", 1).unwrap();
        connection
            .execute(
                "INSERT INTO articles (origin, content_hash, text, fetched_at)
                 VALUES ('old.html', 'h', 'An old article.', '2025-03-16T10:00:00+00:00')",
                [],
            )
            .unwrap();
    }
    let store = SqliteStore::open(&dir).unwrap();
    let old = store.article(1).unwrap().unwrap();
    assert_eq!(old.origin, "old.html");
    assert_eq!(old.source_id, None);
    // And the index caught up with the article it never saw.
    assert_eq!(store.search("old", 10).unwrap().len(), 1);
    // Articles stored before push existed are not news to push.
    assert_eq!(store.push().push_cursor().unwrap(), 1);
    store
        .add_source(&NewSource {
            url: "https://x.example/rss".into(),
            ..NewSource::default()
        })
        .unwrap();
    drop(store);
    std::fs::remove_dir_all(&dir).ok();
}
