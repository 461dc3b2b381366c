//! Tests of [`crate::Subscriptions`] on SQLite, written against the trait.

use chrono::{DateTime, TimeZone, Utc};
use tribune_model::Article;

use super::tests_accounts::make_user;
use crate::{
    ArticleState, Follow, NewArticle, NewSource, Placement, SqliteStore, StateChange, Store,
    StoryChoice, StreamQuery,
};

pub(super) fn t(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_750_000_000 + seconds, 0).unwrap()
}

pub(super) fn add_source(store: &dyn Store, url: &str) -> i64 {
    store
        .add_source(&NewSource {
            url: url.into(),
            ..NewSource::default()
        })
        .unwrap()
        .0
        .id
}

/// Stores an article fetched at `t(at)` from `source`, placed in `story`.
pub(super) fn put(
    store: &dyn Store,
    title: &str,
    source: Option<i64>,
    story: StoryChoice<'_>,
    at: i64,
) -> (i64, i64) {
    let article = Article {
        title: Some(title.to_string()),
        text: format!("The text of {title}."),
        ..Article::default()
    };
    let mut new = NewArticle::new(&article, title).placed(Placement {
        fingerprint: &[],
        copy_of: &[],
        story,
        seen_at: t(at),
    });
    new.fetched_at = t(at);
    new.source_id = source;
    let id = store.put_article(&new).unwrap().id();
    let (_, story) = store.placement(id).unwrap().unwrap();
    (id, story)
}

fn article_ids(stream: &[crate::StreamArticle]) -> Vec<i64> {
    stream.iter().map(|a| a.article.id).collect()
}

#[test]
fn follows_are_per_user_and_only_of_what_exists() {
    let store = SqliteStore::open_in_memory().unwrap();
    let subs = store.subscriptions();
    let ada = make_user(store.accounts(), "ada").id;
    let bob = make_user(store.accounts(), "bob").id;
    let source = add_source(&store, "https://a.example/rss");
    let (_, story) = put(&store, "One", None, StoryChoice::Start { label: "One" }, 0);
    let witkoff = Follow::Entity("Steve Witkoff".into());

    assert!(subs.follow(ada, &Follow::Source(source)).unwrap());
    assert!(!subs.follow(ada, &Follow::Source(source)).unwrap());
    assert!(!subs.follow(ada, &Follow::Source(999)).unwrap());
    assert!(!subs.follow(ada, &Follow::Story(999)).unwrap());
    assert!(subs.follow(ada, &Follow::Story(story)).unwrap());
    assert!(subs.follow(ada, &witkoff).unwrap());
    assert!(!subs.follow(ada, &witkoff).unwrap());
    assert!(subs.follow(bob, &witkoff).unwrap());
    assert!(subs.follow(bob, &Follow::Story(story)).unwrap());

    let followed: Vec<Follow> = subs
        .follows(ada)
        .unwrap()
        .into_iter()
        .map(|f| f.follow)
        .collect();
    assert_eq!(
        followed,
        [
            Follow::Source(source),
            Follow::Story(story),
            witkoff.clone()
        ]
    );
    assert_eq!(subs.followers(&witkoff).unwrap(), [ada, bob]);
    assert_eq!(subs.followers(&Follow::Source(source)).unwrap(), [ada]);
    assert_eq!(subs.followers(&Follow::Story(story)).unwrap(), [ada, bob]);
    assert!(
        subs.followers(&Follow::Entity("steve witkoff".into()))
            .unwrap()
            .is_empty()
    );

    assert!(subs.unfollow(bob, &witkoff).unwrap());
    assert!(!subs.unfollow(bob, &witkoff).unwrap());
    assert!(!subs.unfollow(bob, &Follow::Source(source)).unwrap());
    assert_eq!(subs.followers(&witkoff).unwrap(), [ada]);
    assert_eq!(subs.follows(ada).unwrap().len(), 3);

    // Removing a source removes its follows.
    assert!(store.remove_source(source).unwrap());
    assert!(subs.followers(&Follow::Source(source)).unwrap().is_empty());
}

#[test]
fn saved_searches_are_private() {
    let store = SqliteStore::open_in_memory().unwrap();
    let subs = store.subscriptions();
    let ada = make_user(store.accounts(), "ada").id;
    let bob = make_user(store.accounts(), "bob").id;
    let storms = subs
        .save_search(ada, "Storms", "storm OR hurricane")
        .unwrap();
    let votes = subs.save_search(ada, "Votes", "council").unwrap();
    let bobs = subs.save_search(bob, "Mine", "bob").unwrap();
    assert_eq!(storms.user_id, ada);
    assert_eq!(
        subs.saved_searches(ada).unwrap(),
        [storms.clone(), votes.clone()]
    );
    assert_eq!(
        subs.saved_search(ada, storms.id).unwrap(),
        Some(storms.clone())
    );
    assert_eq!(subs.saved_search(bob, storms.id).unwrap(), None);
    assert!(!subs.delete_saved_search(bob, storms.id).unwrap());
    assert_eq!(
        subs.all_saved_searches().unwrap(),
        [storms.clone(), votes.clone(), bobs]
    );
    assert!(subs.delete_saved_search(ada, storms.id).unwrap());
    assert!(!subs.delete_saved_search(ada, storms.id).unwrap());
    assert_eq!(subs.saved_searches(ada).unwrap(), [votes]);
}

#[test]
fn marks_are_per_user_and_skip_unknown_articles() {
    let store = SqliteStore::open_in_memory().unwrap();
    let subs = store.subscriptions();
    let ada = make_user(store.accounts(), "ada").id;
    let bob = make_user(store.accounts(), "bob").id;
    let (a, _) = put(&store, "A", None, StoryChoice::Start { label: "A" }, 0);
    let (b, _) = put(&store, "B", None, StoryChoice::Start { label: "B" }, 1);
    let read = StateChange {
        read: Some(true),
        starred: None,
    };
    assert_eq!(subs.mark(ada, &[a, b, 999, a], read).unwrap(), 2);
    let star = StateChange {
        read: None,
        starred: Some(true),
    };
    assert_eq!(subs.mark(ada, &[b], star).unwrap(), 1);
    let unread = StateChange {
        read: Some(false),
        starred: None,
    };
    assert_eq!(subs.mark(ada, &[a], unread).unwrap(), 1);
    // Nothing to change: still counted as existing.
    assert_eq!(subs.mark(ada, &[a], StateChange::default()).unwrap(), 1);

    let states = subs.states(ada, &[a, b, 999]).unwrap();
    assert_eq!(states[&a], ArticleState::default());
    assert_eq!(
        states[&b],
        ArticleState {
            read: true,
            starred: true
        }
    );
    assert_eq!(states[&999], ArticleState::default());
    // Bob's marks are his own.
    let bobs = subs.states(bob, &[a, b]).unwrap();
    assert!(bobs.values().all(|s| *s == ArticleState::default()));
    assert_eq!(subs.mark(bob, &[a], star).unwrap(), 1);
    assert!(!subs.states(ada, &[a]).unwrap()[&a].starred);
}

/// Two sources, ada follows the first. Articles 1..=6 alternate between
/// them, fetched one minute apart.
fn stream_fixture(store: &dyn Store) -> (i64, i64, i64, Vec<i64>) {
    let ada = make_user(store.accounts(), "ada").id;
    let followed = add_source(store, "https://a.example/rss");
    let other = add_source(store, "https://b.example/rss");
    assert!(
        store
            .subscriptions()
            .follow(ada, &Follow::Source(followed))
            .unwrap()
    );
    let ids = (0..6)
        .map(|i| {
            let source = if i % 2 == 0 { followed } else { other };
            let title = format!("Article {i}");
            put(
                store,
                &title,
                Some(source),
                StoryChoice::Start { label: &title },
                i * 60,
            )
            .0
        })
        .collect();
    (ada, followed, other, ids)
}

#[test]
fn the_stream_filters_and_pages_by_keyset() {
    let store = SqliteStore::open_in_memory().unwrap();
    let subs = store.subscriptions();
    let (ada, _, other, ids) = stream_fixture(&store);
    let q = StreamQuery::default();
    // Followed sources only, newest first.
    assert_eq!(
        article_ids(&subs.stream(ada, &q).unwrap()),
        [ids[4], ids[2], ids[0]]
    );
    // Pages of two.
    let first = subs.stream(ada, &StreamQuery { limit: 2, ..q }).unwrap();
    assert_eq!(article_ids(&first), [ids[4], ids[2]]);
    let after = Some(first[1].article.id);
    let second = subs
        .stream(
            ada,
            &StreamQuery {
                limit: 2,
                after,
                ..q
            },
        )
        .unwrap();
    assert_eq!(article_ids(&second), [ids[0]]);
    // Oldest first, paged the other way.
    let oldest = StreamQuery {
        oldest_first: true,
        limit: 2,
        ..q
    };
    let first = subs.stream(ada, &oldest).unwrap();
    assert_eq!(article_ids(&first), [ids[0], ids[2]]);
    let after = Some(ids[2]);
    assert_eq!(
        article_ids(&subs.stream(ada, &StreamQuery { after, ..oldest }).unwrap()),
        [ids[4]]
    );
    // Everything, and one source (followed or not).
    let all = StreamQuery {
        followed_sources_only: false,
        ..q
    };
    assert_eq!(article_ids(&subs.stream(ada, &all).unwrap()).len(), 6);
    let one = StreamQuery {
        source_id: Some(other),
        ..q
    };
    assert_eq!(
        article_ids(&subs.stream(ada, &one).unwrap()),
        [ids[5], ids[3], ids[1]]
    );
    // Time bounds on fetched_at: since inclusive, until exclusive.
    let window = StreamQuery {
        since: Some(t(60)),
        until: Some(t(240)),
        ..all
    };
    assert_eq!(
        article_ids(&subs.stream(ada, &window).unwrap()),
        [ids[3], ids[2], ids[1]]
    );
    // Marks filter and come along.
    let read = StateChange {
        read: Some(true),
        starred: None,
    };
    let star = StateChange {
        read: None,
        starred: Some(true),
    };
    subs.mark(ada, &[ids[2]], read).unwrap();
    subs.mark(ada, &[ids[0], ids[5]], star).unwrap();
    let unread = StreamQuery {
        unread_only: true,
        ..q
    };
    assert_eq!(
        article_ids(&subs.stream(ada, &unread).unwrap()),
        [ids[4], ids[0]]
    );
    let starred = StreamQuery {
        starred_only: true,
        ..all
    };
    let got = subs.stream(ada, &starred).unwrap();
    assert_eq!(article_ids(&got), [ids[5], ids[0]]);
    assert!(got.iter().all(|a| a.state.starred && !a.state.read));
    let marked = subs.stream(ada, &q).unwrap();
    assert!(marked[1].state.read && !marked[0].state.read);
    assert_eq!(marked[0].article.title.as_deref(), Some("Article 4"));
    assert_eq!(marked[0].article.fetched_at, t(240));

    // Another user follows nothing and has no marks.
    let bob = make_user(store.accounts(), "bob").id;
    assert!(subs.stream(bob, &q).unwrap().is_empty());
    assert!(subs.stream(bob, &starred).unwrap().is_empty());
    assert_eq!(
        subs.stream(
            bob,
            &StreamQuery {
                unread_only: true,
                ..all
            }
        )
        .unwrap()
        .len(),
        6
    );
}

#[test]
fn mark_all_read_marks_what_the_stream_selects() {
    let store = SqliteStore::open_in_memory().unwrap();
    let subs = store.subscriptions();
    let (ada, followed, other, ids) = stream_fixture(&store);
    let bob = make_user(store.accounts(), "bob").id;
    subs.mark(
        ada,
        &[ids[0]],
        StateChange {
            read: Some(true),
            starred: Some(true),
        },
    )
    .unwrap();
    assert_eq!(
        subs.unread_counts(ada).unwrap(),
        [(followed, 2)],
        "only followed sources are counted"
    );
    // Followed sources fetched before t(240), paging ignored: ids[2] (ids[0]
    // is read already, ids[4] too late).
    let q = StreamQuery {
        until: Some(t(240)),
        limit: 1,
        after: Some(ids[0]),
        ..StreamQuery::default()
    };
    assert_eq!(subs.mark_all_read(ada, &q).unwrap(), 1);
    assert_eq!(subs.mark_all_read(ada, &q).unwrap(), 0);
    let states = subs.states(ada, &ids).unwrap();
    let read: Vec<bool> = ids.iter().map(|id| states[id].read).collect();
    assert_eq!(read, [true, false, true, false, false, false]);
    assert!(states[&ids[0]].starred, "stars are kept");
    assert_eq!(subs.unread_counts(ada).unwrap(), [(followed, 1)]);

    let everything = StreamQuery {
        followed_sources_only: false,
        ..StreamQuery::default()
    };
    assert_eq!(subs.mark_all_read(ada, &everything).unwrap(), 4);
    assert_eq!(subs.unread_counts(ada).unwrap(), [(followed, 0)]);
    // Bob's marks are untouched.
    assert!(subs.states(bob, &ids).unwrap().values().all(|s| !s.read));
    subs.follow(bob, &Follow::Source(other)).unwrap();
    subs.follow(bob, &Follow::Source(followed)).unwrap();
    let mut counts = subs.unread_counts(bob).unwrap();
    counts.sort_unstable();
    let mut expected = vec![(followed, 3), (other, 3)];
    expected.sort_unstable();
    assert_eq!(counts, expected);
}

#[test]
fn personal_stories_hold_followed_sources_and_stories() {
    let store = SqliteStore::open_in_memory().unwrap();
    let subs = store.subscriptions();
    let ada = make_user(store.accounts(), "ada").id;
    let bob = make_user(store.accounts(), "bob").id;
    let mine = add_source(&store, "https://mine.example/rss");
    let theirs = add_source(&store, "https://theirs.example/rss");
    subs.follow(ada, &Follow::Source(mine)).unwrap();
    let (_, old) = put(
        &store,
        "Old",
        Some(mine),
        StoryChoice::Start { label: "Old" },
        0,
    );
    let (_, followed) = put(
        &store,
        "Followed",
        Some(theirs),
        StoryChoice::Start { label: "Followed" },
        100,
    );
    let (_, unrelated) = put(
        &store,
        "Unrelated",
        Some(theirs),
        StoryChoice::Start { label: "Unrelated" },
        200,
    );
    // A later article from my source joins `old`, making it the most
    // recently active.
    put(&store, "Old again", Some(mine), StoryChoice::Join(old), 300);
    // An unsourced article keeps its own story out.
    put(
        &store,
        "Loose",
        None,
        StoryChoice::Start { label: "Loose" },
        400,
    );
    subs.follow(ada, &Follow::Story(followed)).unwrap();

    let page = subs.personal_stories(ada, 10, 0).unwrap();
    let got: Vec<i64> = page.iter().map(|s| s.id).collect();
    assert_eq!(got, [old, followed]);
    assert_eq!(page[0].article_count, 2);
    assert_eq!(page[0].last_seen, t(300));
    assert_eq!(subs.personal_stories(ada, 1, 1).unwrap()[0].id, followed);
    assert!(subs.personal_stories(ada, 10, 2).unwrap().is_empty());
    assert!(!got.contains(&unrelated));
    assert!(subs.personal_stories(bob, 10, 0).unwrap().is_empty());
}
