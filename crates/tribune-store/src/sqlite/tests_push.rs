//! Tests of [`crate::Push`] on SQLite, written against the trait.

use std::path::PathBuf;

use chrono::{Duration, Utc};

use super::tests_accounts::make_user;
use super::tests_subscriptions::put;
use crate::{
    Attempt, AttemptNext, DeliveryStatus, EventKind, NewDelivery, NewWebhook, Push, SinkKind,
    SqliteStore, Store, StoryChoice,
};

fn hook<'a>(events: &'a [EventKind]) -> NewWebhook<'a> {
    NewWebhook {
        url: "https://hooks.example/in",
        secret: "s3cret",
        kind: SinkKind::Webhook,
        events,
    }
}

fn delivery(webhook_id: i64, key: &str) -> NewDelivery {
    NewDelivery {
        webhook_id,
        event_key: key.to_string(),
        event: EventKind::FollowedStory,
        payload: format!("{{\"key\":\"{key}\"}}"),
    }
}

fn attempt(next: AttemptNext) -> Attempt {
    Attempt {
        at: Utc::now(),
        status: Some(500),
        error: Some("server error".into()),
        next,
    }
}

fn count(push: &dyn Push, status: DeliveryStatus) -> u64 {
    push.delivery_counts()
        .unwrap()
        .into_iter()
        .find(|(s, _)| *s == status)
        .map_or(0, |(_, n)| n)
}

/// A directory of its own under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tribune-push-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn webhooks_are_private_and_chosen_by_event() {
    let store = SqliteStore::open_in_memory().unwrap();
    let push = store.push();
    let ada = make_user(store.accounts(), "ada").id;
    let bob = make_user(store.accounts(), "bob").id;
    let stories = push
        .create_webhook(
            ada,
            &hook(&[EventKind::FollowedStory, EventKind::FollowedStory]),
        )
        .unwrap();
    assert_eq!(stories.user_id, ada);
    assert_eq!(stories.events, [EventKind::FollowedStory]);
    assert_eq!(stories.kind, SinkKind::Webhook);
    let channel = push
        .create_webhook(
            bob,
            &NewWebhook {
                kind: SinkKind::Channel,
                ..hook(&EventKind::ALL)
            },
        )
        .unwrap();
    assert_eq!(channel.events, EventKind::ALL);

    assert_eq!(push.webhooks(ada).unwrap(), std::slice::from_ref(&stories));
    assert_eq!(
        push.webhook(ada, stories.id).unwrap(),
        Some(stories.clone())
    );
    assert_eq!(push.webhook(bob, stories.id).unwrap(), None);
    let ids = |event| -> Vec<i64> {
        push.webhooks_for(event)
            .unwrap()
            .iter()
            .map(|w| w.id)
            .collect()
    };
    assert_eq!(ids(EventKind::FollowedStory), [stories.id, channel.id]);
    assert_eq!(ids(EventKind::SavedSearch), [channel.id]);

    // Bob cannot delete Ada's sink, nor see its deliveries.
    push.enqueue(0, &[delivery(stories.id, "k1")]).unwrap();
    assert!(!push.delete_webhook(bob, stories.id).unwrap());
    assert!(push.deliveries(bob, None, 10).unwrap().is_empty());
    assert!(
        push.deliveries(bob, Some(stories.id), 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(push.deliveries(ada, None, 10).unwrap().len(), 1);
    assert_eq!(push.deliveries(ada, Some(stories.id), 10).unwrap().len(), 1);
    // Deleting a sink deletes its deliveries.
    assert!(push.delete_webhook(ada, stories.id).unwrap());
    assert!(!push.delete_webhook(ada, stories.id).unwrap());
    assert!(push.deliveries(ada, None, 10).unwrap().is_empty());
    assert_eq!(count(push, DeliveryStatus::Pending), 0);
}

#[test]
fn enqueue_is_idempotent_and_moves_the_cursor() {
    let store = SqliteStore::open_in_memory().unwrap();
    let push = store.push();
    let ada = make_user(store.accounts(), "ada").id;
    let sink = push.create_webhook(ada, &hook(&EventKind::ALL)).unwrap();
    assert_eq!(push.push_cursor().unwrap(), 0);
    assert_eq!(push.next_delivery_due().unwrap(), None);
    let batch = [
        delivery(sink.id, "a"),
        delivery(sink.id, "b"),
        delivery(sink.id, "a"),
    ];
    assert_eq!(push.enqueue(7, &batch).unwrap(), 2);
    assert_eq!(push.push_cursor().unwrap(), 7);
    // The same news read again queues nothing, and a vanished sink is
    // skipped without failing the batch.
    let again = [
        delivery(sink.id, "b"),
        delivery(999, "c"),
        delivery(sink.id, "c"),
    ];
    assert_eq!(push.enqueue(9, &again).unwrap(), 1);
    assert_eq!(push.push_cursor().unwrap(), 9);
    assert_eq!(push.enqueue(10, &[]).unwrap(), 0);
    assert_eq!(push.push_cursor().unwrap(), 10);

    let listed = push.deliveries(ada, None, 10).unwrap();
    let keys: Vec<&str> = listed.iter().map(|d| d.event_key.as_str()).collect();
    assert_eq!(keys, ["c", "b", "a"], "newest first");
    let first = &listed[2];
    assert_eq!(first.status, DeliveryStatus::Pending);
    assert_eq!(first.attempts, 0);
    assert_eq!(first.webhook, sink);
    assert_eq!(first.event, EventKind::FollowedStory);
    assert_eq!(first.payload, "{\"key\":\"a\"}");
    assert_eq!(push.deliveries(ada, None, 1).unwrap().len(), 1);
    assert_eq!(count(push, DeliveryStatus::Pending), 3);
    assert!(push.next_delivery_due().unwrap().unwrap() <= Utc::now());
}

#[test]
fn a_leased_delivery_is_not_handed_out_again_until_the_lease_ends() {
    let store = SqliteStore::open_in_memory().unwrap();
    let push = store.push();
    let ada = make_user(store.accounts(), "ada").id;
    let sink = push.create_webhook(ada, &hook(&EventKind::ALL)).unwrap();
    push.enqueue(1, &[delivery(sink.id, "a"), delivery(sink.id, "b")])
        .unwrap();
    let now = Utc::now() + Duration::seconds(1);
    let lease = now + Duration::seconds(60);

    let first = push.lease_deliveries(now, lease, 1).unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].event_key, "a", "oldest due first");
    assert_eq!(first[0].webhook, sink);
    let second = push.lease_deliveries(now, lease, 10).unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].event_key, "b");
    // Both held: nothing more until the lease ends.
    assert!(push.lease_deliveries(now, lease, 10).unwrap().is_empty());
    let during = now + Duration::seconds(30);
    assert!(push.lease_deliveries(during, lease, 10).unwrap().is_empty());
    assert_eq!(
        push.next_delivery_due().unwrap().map(|t| t.timestamp()),
        Some(lease.timestamp())
    );
    // "a" is delivered; "b" was being sent when the sender died.
    push.record_attempt(
        first[0].id,
        &Attempt {
            status: Some(204),
            error: None,
            ..attempt(AttemptNext::Delivered)
        },
    )
    .unwrap();
    let after = lease + Duration::seconds(1);
    let again = push
        .lease_deliveries(after, after + Duration::seconds(60), 10)
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, second[0].id);
    assert_eq!(again[0].attempts, 0);
}

#[test]
fn attempts_retry_deliver_or_give_up() {
    let store = SqliteStore::open_in_memory().unwrap();
    let push = store.push();
    let ada = make_user(store.accounts(), "ada").id;
    let sink = push.create_webhook(ada, &hook(&EventKind::ALL)).unwrap();
    push.enqueue(
        1,
        &[
            delivery(sink.id, "ok"),
            delivery(sink.id, "flaky"),
            delivery(sink.id, "dead"),
        ],
    )
    .unwrap();
    let now = Utc::now() + Duration::seconds(1);
    let leased = push
        .lease_deliveries(now, now + Duration::seconds(60), 10)
        .unwrap();
    let id = |key: &str| leased.iter().find(|d| d.event_key == key).unwrap().id;

    let retry_at = now + Duration::minutes(5);
    push.record_attempt(id("flaky"), &attempt(AttemptNext::RetryAt(retry_at)))
        .unwrap();
    push.record_attempt(id("dead"), &attempt(AttemptNext::Dead))
        .unwrap();
    let delivered = Attempt {
        status: Some(200),
        error: None,
        ..attempt(AttemptNext::Delivered)
    };
    push.record_attempt(id("ok"), &delivered).unwrap();
    // A late report on a finished delivery changes nothing; an unknown one
    // is no error.
    push.record_attempt(id("ok"), &attempt(AttemptNext::RetryAt(now)))
        .unwrap();
    push.record_attempt(id("dead"), &delivered).unwrap();
    push.record_attempt(999, &delivered).unwrap();

    let all = push.deliveries(ada, Some(sink.id), 10).unwrap();
    let get = |key: &str| all.iter().find(|d| d.event_key == key).unwrap();
    let ok = get("ok");
    assert_eq!(ok.status, DeliveryStatus::Delivered);
    assert_eq!(ok.attempts, 1);
    assert_eq!(ok.last_status, Some(200));
    assert_eq!(ok.last_error, None);
    assert_eq!(
        ok.delivered_at.map(|t| t.timestamp()),
        Some(delivered.at.timestamp())
    );
    let flaky = get("flaky");
    assert_eq!(flaky.status, DeliveryStatus::Pending);
    assert_eq!(flaky.attempts, 1);
    assert_eq!(flaky.last_status, Some(500));
    assert_eq!(flaky.last_error.as_deref(), Some("server error"));
    assert_eq!(flaky.next_attempt_at.timestamp(), retry_at.timestamp());
    assert_eq!(flaky.delivered_at, None);
    let dead = get("dead");
    assert_eq!(dead.status, DeliveryStatus::Dead);
    assert_eq!(dead.attempts, 1);

    assert_eq!(
        push.delivery_counts().unwrap(),
        [
            (DeliveryStatus::Pending, 1),
            (DeliveryStatus::Delivered, 1),
            (DeliveryStatus::Dead, 1)
        ]
    );
    assert_eq!(
        push.next_delivery_due().unwrap().map(|t| t.timestamp()),
        Some(retry_at.timestamp())
    );
    // Not due before its retry time, due after.
    let before = retry_at - Duration::seconds(1);
    assert!(
        push.lease_deliveries(before, retry_at, 10)
            .unwrap()
            .is_empty()
    );
    let later = push
        .lease_deliveries(retry_at, retry_at + Duration::seconds(60), 10)
        .unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].event_key, "flaky");
    assert_eq!(later[0].attempts, 1);
}

#[test]
fn news_after_says_which_articles_start_their_story() {
    let store = SqliteStore::open_in_memory().unwrap();
    let push = store.push();
    let (first, story) = put(&store, "First", None, StoryChoice::Start { label: "S" }, 0);
    let (other, _) = put(&store, "Other", None, StoryChoice::Start { label: "O" }, 1);
    let (second, _) = put(&store, "Second", None, StoryChoice::Join(story), 2);
    let loose = store
        .put_article(&crate::NewArticle::new(
            &tribune_model::Article {
                text: "Unplaced.".into(),
                ..tribune_model::Article::default()
            },
            "loose",
        ))
        .unwrap()
        .id();

    let news = push.news_after(0, 10).unwrap();
    let got: Vec<(i64, bool)> = news
        .iter()
        .map(|n| (n.article.id, n.starts_story))
        .collect();
    assert_eq!(
        got,
        [
            (first, true),
            (other, true),
            (second, false),
            (loose, false)
        ]
    );
    assert_eq!(news[2].article.title.as_deref(), Some("Second"));
    let page = push.news_after(first, 2).unwrap();
    assert_eq!(
        page.iter().map(|n| n.article.id).collect::<Vec<_>>(),
        [other, second]
    );
    assert!(push.news_after(loose, 10).unwrap().is_empty());
}

#[test]
fn a_reopened_store_keeps_pending_deliveries_and_the_cursor() {
    let dir = temp_dir("reopen");
    let (ada, sink) = {
        let store = SqliteStore::open(&dir).unwrap();
        let ada = make_user(store.accounts(), "ada").id;
        let sink = store
            .push()
            .create_webhook(ada, &hook(&EventKind::ALL))
            .unwrap();
        store
            .push()
            .enqueue(42, &[delivery(sink.id, "a"), delivery(sink.id, "b")])
            .unwrap();
        // "a" leased, as if the process died while sending it.
        let now = Utc::now() + Duration::seconds(1);
        store
            .push()
            .lease_deliveries(now, now + Duration::seconds(60), 1)
            .unwrap();
        (ada, sink)
    };
    let store = SqliteStore::open(&dir).unwrap();
    let push = store.push();
    assert_eq!(push.push_cursor().unwrap(), 42);
    assert_eq!(count(push, DeliveryStatus::Pending), 2);
    assert_eq!(push.webhooks(ada).unwrap(), [sink]);
    let now = Utc::now() + Duration::seconds(1);
    let free = push
        .lease_deliveries(now, now + Duration::seconds(60), 10)
        .unwrap();
    assert_eq!(free.len(), 1);
    assert_eq!(free[0].event_key, "b");
    let after_lease = now + Duration::seconds(120);
    let resent = push
        .lease_deliveries(after_lease, after_lease + Duration::seconds(60), 10)
        .unwrap();
    assert_eq!(
        resent
            .iter()
            .map(|d| d.event_key.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    drop(store);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn ten_thousand_deliveries_move_through_the_queue_quickly() {
    let dir = temp_dir("speed");
    let store = SqliteStore::open(&dir).unwrap();
    let push = store.push();
    let ada = make_user(store.accounts(), "ada").id;
    let sinks: Vec<i64> = (0..10)
        .map(|_| push.create_webhook(ada, &hook(&EventKind::ALL)).unwrap().id)
        .collect();
    let batch: Vec<NewDelivery> = (0..10_000)
        .map(|i| delivery(sinks[i % sinks.len()], &format!("story.article:{i}")))
        .collect();
    let started = std::time::Instant::now();
    assert_eq!(push.enqueue(1, &batch).unwrap(), 10_000);
    let now = Utc::now() + Duration::seconds(1);
    let lease = now + Duration::seconds(60);
    let mut moved = 0;
    loop {
        let leased = push.lease_deliveries(now, lease, 100).unwrap();
        if leased.is_empty() {
            break;
        }
        for (i, delivery) in leased.iter().enumerate() {
            let next = if i % 10 == 0 {
                AttemptNext::RetryAt(now + Duration::minutes(1))
            } else {
                AttemptNext::Delivered
            };
            push.record_attempt(delivery.id, &attempt(next)).unwrap();
        }
        moved += leased.len();
    }
    let elapsed = started.elapsed();
    assert_eq!(moved, 10_000);
    assert_eq!(count(push, DeliveryStatus::Delivered), 9_000);
    assert_eq!(count(push, DeliveryStatus::Pending), 1_000);
    assert!(
        elapsed < std::time::Duration::from_secs(10),
        "10,000 deliveries took {elapsed:?}"
    );
    drop(store);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn released_leases_are_due_at_once_and_scheduled_retries_keep_their_time() {
    let store = SqliteStore::open_in_memory().unwrap();
    let push = store.push();
    let ada = make_user(store.accounts(), "ada").id;
    let sink = push.create_webhook(ada, &hook(&EventKind::ALL)).unwrap();
    push.enqueue(
        1,
        &[delivery(sink.id, "in-flight"), delivery(sink.id, "retry")],
    )
    .unwrap();
    let now = Utc::now() + Duration::seconds(1);
    let leased = push
        .lease_deliveries(now, now + Duration::seconds(600), 10)
        .unwrap();
    assert_eq!(leased.len(), 2);
    // One failed and waits for its retry; the other was out when the
    // sender died.
    let retry_at = now + Duration::seconds(300);
    let retry = leased.iter().find(|d| d.event_key == "retry").unwrap();
    push.record_attempt(retry.id, &attempt(AttemptNext::RetryAt(retry_at)))
        .unwrap();

    let restart = now + Duration::seconds(5);
    assert_eq!(push.release_leases(restart).unwrap(), 1);
    let again = push
        .lease_deliveries(restart, restart + Duration::seconds(60), 10)
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].event_key, "in-flight");
    // Released once: a second start finds only the new lease.
    assert_eq!(push.release_leases(restart).unwrap(), 1);
    assert_eq!(
        push.lease_deliveries(restart, restart + Duration::seconds(600), 10)
            .unwrap()
            .len(),
        1,
        "the in-flight one again, not the retry"
    );
    let due_retry = push
        .lease_deliveries(retry_at, retry_at + Duration::seconds(60), 10)
        .unwrap();
    assert_eq!(due_retry.len(), 1);
    assert_eq!(due_retry[0].event_key, "retry");
}
