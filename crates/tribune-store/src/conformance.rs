//! One suite every [`Store`](crate::Store) back end must pass, written once
//! against `&dyn Store` and run for each back end.

use tribune_model::{Article, Provenance};

use crate::{NewArticle, Put, SqliteStore, Store};

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

#[test]
fn sqlite_in_memory() {
    suite(&SqliteStore::open_in_memory().unwrap());
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
