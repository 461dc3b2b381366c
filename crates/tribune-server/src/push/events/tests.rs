//! News into deliveries over an in-memory store: each event kind, who
//! gets it, and re-runs queueing nothing twice.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use tribune_model::Article;
use tribune_store::{
    Delivery, EventKind, Follow, NewArticle, NewUser, NewWebhook, Placement, SinkKind, SqliteStore,
    Store, StoryChoice, Webhook,
};

use super::{EventConfig, build};

pub(crate) fn user(store: &dyn Store, name: &str) -> i64 {
    store
        .accounts()
        .create_user(&NewUser {
            name,
            password_hash: "!",
            is_admin: false,
            feed_token: &format!("feed-{name}"),
            invite_hash: None,
        })
        .unwrap()
        .unwrap()
        .id
}

pub(crate) fn sink(
    store: &dyn Store,
    user: i64,
    url: &str,
    kind: SinkKind,
    events: &[EventKind],
) -> Webhook {
    store
        .push()
        .create_webhook(
            user,
            &NewWebhook {
                url,
                secret: "s3cret",
                kind,
                events,
            },
        )
        .unwrap()
}

/// Stores an article, starting a story (`None`) or joining one; returns
/// its id and its story's.
pub(crate) fn put(
    store: &dyn Store,
    title: &str,
    text: &str,
    story: Option<i64>,
    enrich: bool,
) -> (i64, i64) {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let article = Article {
        title: Some(title.into()),
        text: text.into(),
        canonical_url: Some(format!("https://news.example/{n}")),
        ..Article::default()
    };
    let enrichment = enrich.then(|| tribune_nlp::enrich(text, None));
    let origin = format!("https://news.example/{n}");
    let mut new = NewArticle::new(&article, &origin).placed(Placement {
        fingerprint: &[],
        copy_of: &[],
        story: match story {
            Some(id) => StoryChoice::Join(id),
            None => StoryChoice::Start { label: title },
        },
        seen_at: chrono::Utc::now(),
    });
    new.enrichment = enrichment.as_ref();
    let id = store.put_article(&new).unwrap().id();
    let (_, story) = store.placement(id).unwrap().unwrap();
    (id, story)
}

fn queued(store: &dyn Store, user: i64) -> Vec<Delivery> {
    let mut found = store.push().deliveries(user, None, 100).unwrap();
    found.sort_by_key(|d| d.id);
    found
}

fn json(delivery: &Delivery) -> Value {
    serde_json::from_str(&delivery.payload).unwrap()
}

const QUAKE: &str = "A strong earthquake struck the coast on Monday, officials said.\n\
                     Rescue teams reached the worst-hit villages by nightfall.";
const QUOTED: &str = "The envoy spoke after the talks on Sunday.\n\
                      \"We made real progress today,\" Steve Witkoff told reporters in Moscow.\n\
                      \"More talks will follow next week,\" Witkoff said.";

#[test]
fn followed_story_gets_each_new_article_but_not_its_first() {
    let store = SqliteStore::open_in_memory().unwrap();
    let ann = user(&store, "ann");
    let bob = user(&store, "bob");
    let hook = sink(
        &store,
        ann,
        "https://hooks.example/a",
        SinkKind::Webhook,
        &[EventKind::FollowedStory],
    );
    let (_, story) = put(&store, "Quake hits coast", QUAKE, None, false);
    assert!(
        store
            .subscriptions()
            .follow(ann, &Follow::Story(story))
            .unwrap()
    );
    // Bob follows too but has no sink: nothing for him.
    assert!(
        store
            .subscriptions()
            .follow(bob, &Follow::Story(story))
            .unwrap()
    );
    let config = EventConfig {
        base_url: Some("https://tribune.example/".into()),
        batch: 1,
    };
    let built = build(&store, &config).unwrap();
    assert_eq!(
        (built.articles, built.queued),
        (1, 0),
        "the first article starts the story"
    );

    let (update, _) = put(
        &store,
        "Quake: rescue teams arrive",
        "Rescue teams arrived in the villages.",
        Some(story),
        false,
    );
    let (elsewhere, _) = put(
        &store,
        "Storm warning",
        "A storm is coming, forecasters said.",
        None,
        false,
    );
    let built = build(&store, &config).unwrap();
    assert_eq!((built.articles, built.queued), (2, 1));
    let found = queued(&store, ann);
    assert_eq!(found.len(), 1);
    let delivery = &found[0];
    assert_eq!(delivery.webhook.id, hook.id);
    assert_eq!(delivery.event, EventKind::FollowedStory);
    assert_eq!(
        delivery.event_key,
        format!("story.article:{story}:{update}")
    );
    let body = json(delivery);
    assert_eq!(body["event"], "story.article");
    assert_eq!(body["id"], delivery.event_key.as_str());
    assert_eq!(body["user"], ann);
    assert_eq!(body["article"]["id"], update);
    assert_eq!(body["article"]["title"], "Quake: rescue teams arrive");
    assert!(
        body["article"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://news.example/")
    );
    assert_eq!(
        body["article"]["reader_url"],
        format!("https://tribune.example/articles/{update}")
    );
    assert_eq!(body["article"]["story_id"], story);
    assert_eq!(body["story"]["id"], story);
    assert_eq!(body["story"]["label"], "Quake hits coast");
    assert!(body["created_at"].as_str().is_some());
    assert!(body.get("search").is_none() && body.get("quote").is_none());
    assert!(queued(&store, bob).is_empty());
    let _ = elsewhere;
}

#[test]
fn a_new_story_matching_a_saved_search_is_pushed_once() {
    let store = SqliteStore::open_in_memory().unwrap();
    let ann = user(&store, "ann");
    let cat = user(&store, "cat");
    sink(
        &store,
        ann,
        "https://hooks.example/a",
        SinkKind::Webhook,
        &[EventKind::SavedSearch],
    );
    // Cat saves a search but her sink takes other events only.
    sink(
        &store,
        cat,
        "https://hooks.example/c",
        SinkKind::Webhook,
        &[EventKind::FollowedStory],
    );
    let search = store
        .subscriptions()
        .save_search(ann, "Quakes", "earthquake coast")
        .unwrap();
    store
        .subscriptions()
        .save_search(cat, "Quakes too", "earthquake")
        .unwrap();
    store
        .subscriptions()
        .save_search(ann, "Floods", "flood")
        .unwrap();
    let (first, story) = put(&store, "Quake hits coast", QUAKE, None, false);
    // A matching article that joins the story is no new story.
    put(
        &store,
        "Earthquake: coast villages reached",
        "The earthquake cut the coast road.",
        Some(story),
        false,
    );
    // A new story that does not match.
    put(
        &store,
        "Storm warning",
        "A storm is coming, forecasters said.",
        None,
        false,
    );
    let built = build(&store, &EventConfig::default()).unwrap();
    assert_eq!(built.queued, 1);
    let found = queued(&store, ann);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].event_key,
        format!("saved_search.story:{}:{story}", search.id)
    );
    let body = json(&found[0]);
    assert_eq!(body["event"], "saved_search.story");
    assert_eq!(body["search"]["name"], "Quakes");
    assert_eq!(body["search"]["query"], "earthquake coast");
    assert_eq!(body["article"]["id"], first);
    assert!(queued(&store, cat).is_empty());
}

#[test]
fn a_followed_speaker_quoted_is_pushed_to_webhooks_and_channels() {
    let store = SqliteStore::open_in_memory().unwrap();
    let ann = user(&store, "ann");
    let dan = user(&store, "dan");
    let hook = sink(
        &store,
        ann,
        "https://hooks.example/a",
        SinkKind::Webhook,
        &[EventKind::FollowedEntity],
    );
    let channel = sink(
        &store,
        ann,
        "https://chat.example/relay",
        SinkKind::Channel,
        &EventKind::ALL,
    );
    sink(
        &store,
        dan,
        "https://hooks.example/d",
        SinkKind::Webhook,
        &EventKind::ALL,
    );
    // Followed in another case than the article writes it.
    assert!(
        store
            .subscriptions()
            .follow(ann, &Follow::Entity("steve WITKOFF".into()))
            .unwrap()
    );
    store
        .subscriptions()
        .follow(dan, &Follow::Entity("Vladimir Putin".into()))
        .unwrap();
    let (article, _) = put(
        &store,
        "Envoy hails progress in Moscow talks",
        QUOTED,
        None,
        true,
    );
    let enrichment = store.article(article).unwrap().unwrap().enrichment.unwrap();
    let view = enrichment.view(QUOTED);
    assert!(
        view.quotes
            .iter()
            .any(|q| q.speaker.as_deref() == Some("Steve Witkoff")),
        "the NLP stage should resolve the speaker: {:?}",
        view.quotes
    );
    build(&store, &EventConfig::default()).unwrap();
    let found = queued(&store, ann);
    assert_eq!(found.len(), 2, "one per sink: {found:?}");
    let key = format!("entity.quote:steve witkoff:{article}");
    assert!(
        found
            .iter()
            .all(|d| d.event_key == key && d.event == EventKind::FollowedEntity)
    );
    let to_hook = found.iter().find(|d| d.webhook.id == hook.id).unwrap();
    let body = json(to_hook);
    assert_eq!(body["quote"]["speaker"], "Steve Witkoff");
    assert_eq!(body["quote"]["text"], "We made real progress today,");
    assert_eq!(body["quote"]["quotes_in_article"], 2);
    let to_channel = found.iter().find(|d| d.webhook.id == channel.id).unwrap();
    let text = json(to_channel)["text"].as_str().unwrap().to_string();
    assert!(
        text.starts_with("Envoy hails progress in Moscow talks https://news.example/"),
        "{text}"
    );
    assert!(queued(&store, dan).is_empty(), "Dan follows someone else");
}

#[test]
fn re_reading_the_same_news_queues_nothing_twice() {
    let store = SqliteStore::open_in_memory().unwrap();
    let ann = user(&store, "ann");
    sink(
        &store,
        ann,
        "https://hooks.example/a",
        SinkKind::Webhook,
        &EventKind::ALL,
    );
    store
        .subscriptions()
        .save_search(ann, "Quakes", "earthquake")
        .unwrap();
    store
        .subscriptions()
        .follow(ann, &Follow::Entity("Steve Witkoff".into()))
        .unwrap();
    let (_, story) = put(&store, "Quake hits coast", QUAKE, None, false);
    store
        .subscriptions()
        .follow(ann, &Follow::Story(story))
        .unwrap();
    put(
        &store,
        "Earthquake: villages reached",
        "Rescue teams reached the villages.",
        Some(story),
        false,
    );
    put(
        &store,
        "Envoy hails progress in Moscow talks",
        QUOTED,
        Some(story),
        true,
    );
    let config = EventConfig {
        base_url: None,
        batch: 2,
    };
    let first = build(&store, &config).unwrap();
    assert_eq!(first.articles, 3);
    // New story (search), two story articles, one quote.
    assert_eq!(first.queued, 4, "{:?}", queued(&store, ann));
    let payloads: Vec<String> = queued(&store, ann).into_iter().map(|d| d.payload).collect();
    assert_eq!(
        build(&store, &config).unwrap(),
        super::Built::default(),
        "nothing new"
    );
    // As if the process died after sending but before the cursor moved:
    // the same news read again queues nothing.
    store.push().enqueue(0, &[]).unwrap();
    let again = build(&store, &config).unwrap();
    assert_eq!((again.articles, again.queued), (3, 0));
    let after: Vec<String> = queued(&store, ann).into_iter().map(|d| d.payload).collect();
    assert_eq!(payloads, after);
}
