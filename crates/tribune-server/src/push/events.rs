//! News into deliveries: each article stored after the push cursor is
//! turned into the events users asked for, one delivery per event and
//! sink, queued together with the new cursor in one transaction (so a
//! crash between reading the news and queueing loses nothing and doubles
//! nothing: the same articles are read again and the store skips a
//! (sink, event key) it holds).
//!
//! The events:
//!
//! - `story.article`: a new article in a story the user follows (not the
//!   article that starts it: nobody can follow a story before it exists);
//! - `saved_search.story`: a new story whose first article matches one of
//!   the user's saved searches ([`super::query`] says how it is matched);
//! - `entity.quote`: a new article quoting a person or organisation the
//!   user follows, compared by name without regard to case. One event per
//!   article and speaker, with the first quote (and how many there are),
//!   so an interview does not send twenty messages.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};
use tribune_store::{
    EventKind, Follow, NewDelivery, NewsItem, SavedSearch, SinkKind, Store, StoredArticle,
    StorySummary, Webhook,
};

use super::query::{Query, Words};

/// How news becomes events.
#[derive(Debug, Clone)]
pub struct EventConfig {
    /// The reader's public URL (`https://news.example.org`), for links to
    /// articles that have no web address of their own; without it those
    /// links are paths (`/articles/12`).
    pub base_url: Option<String>,
    /// Articles read per transaction.
    pub batch: usize,
}

impl Default for EventConfig {
    fn default() -> Self {
        EventConfig {
            base_url: None,
            batch: 500,
        }
    }
}

/// What turning news into deliveries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Built {
    /// Articles read.
    pub articles: usize,
    /// Deliveries newly queued.
    pub queued: usize,
}

/// Reads the news after the push cursor in batches until there is no
/// more, queueing its deliveries; returns the totals.
pub fn build(store: &dyn Store, config: &EventConfig) -> tribune_store::Result<Built> {
    let mut total = Built::default();
    loop {
        let built = build_batch(store, config)?;
        total.articles += built.articles;
        total.queued += built.queued;
        if built.articles < config.batch.max(1) {
            return Ok(total);
        }
    }
}

/// Reads one batch of news after the push cursor and queues its
/// deliveries with the cursor moved past it.
pub fn build_batch(store: &dyn Store, config: &EventConfig) -> tribune_store::Result<Built> {
    let push = store.push();
    let cursor = push.push_cursor()?;
    let news = push.news_after(cursor, config.batch.max(1))?;
    let Some(last) = news.iter().map(|item| item.article.id).max() else {
        return Ok(Built::default());
    };
    let deliveries = Maker::new(store, config)?.deliveries(&news)?;
    let queued = push.enqueue(last, &deliveries)?;
    if queued > 0 {
        tracing::debug!(
            articles = news.len(),
            queued,
            cursor = last,
            "news queued for push"
        );
    }
    Ok(Built {
        articles: news.len(),
        queued,
    })
}

/// The sinks of one event kind, by user.
type SinksByUser = HashMap<i64, Vec<Webhook>>;

/// What one batch needs, loaded once: the sinks of each event kind by
/// user, the saved searches of users with a sink for them, and the people
/// followed by users with a sink for quotes.
struct Maker<'a> {
    store: &'a dyn Store,
    config: &'a EventConfig,
    sinks: HashMap<EventKind, SinksByUser>,
    searches: Vec<(SavedSearch, Query)>,
    /// Lower-cased entity name → users following it.
    entity_followers: HashMap<String, Vec<i64>>,
    stories: HashMap<i64, Option<StorySummary>>,
    story_followers: HashMap<i64, Vec<i64>>,
}

impl<'a> Maker<'a> {
    fn new(store: &'a dyn Store, config: &'a EventConfig) -> tribune_store::Result<Maker<'a>> {
        let mut sinks = HashMap::new();
        for kind in EventKind::ALL {
            let mut by_user: SinksByUser = HashMap::new();
            for sink in store.push().webhooks_for(kind)? {
                by_user.entry(sink.user_id).or_default().push(sink);
            }
            sinks.insert(kind, by_user);
        }
        let searchers = &sinks[&EventKind::SavedSearch];
        let searches = if searchers.is_empty() {
            Vec::new()
        } else {
            store
                .subscriptions()
                .all_saved_searches()?
                .into_iter()
                .filter(|search| searchers.contains_key(&search.user_id))
                .map(|search| {
                    let query = Query::parse(&search.query);
                    (search, query)
                })
                .collect()
        };
        // Follows are read per user (only users with a sink for quotes),
        // so names compare without regard to case however they were saved.
        let mut entity_followers: HashMap<String, Vec<i64>> = HashMap::new();
        for &user in sinks[&EventKind::FollowedEntity].keys() {
            for followed in store.subscriptions().follows(user)? {
                if let Follow::Entity(name) = followed.follow {
                    let users = entity_followers.entry(fold(&name)).or_default();
                    if !users.contains(&user) {
                        users.push(user);
                    }
                }
            }
        }
        Ok(Maker {
            store,
            config,
            sinks,
            searches,
            entity_followers,
            stories: HashMap::new(),
            story_followers: HashMap::new(),
        })
    }

    fn deliveries(mut self, news: &[NewsItem]) -> tribune_store::Result<Vec<NewDelivery>> {
        let mut out = Vec::new();
        for item in news {
            self.story_events(item, &mut out)?;
            self.search_events(item, &mut out)?;
            self.quote_events(item, &mut out)?;
        }
        Ok(out)
    }

    fn story(&mut self, id: i64) -> tribune_store::Result<Option<StorySummary>> {
        if let Some(known) = self.stories.get(&id) {
            return Ok(known.clone());
        }
        let story = self.store.story(id)?;
        self.stories.insert(id, story.clone());
        Ok(story)
    }

    fn story_events(
        &mut self,
        item: &NewsItem,
        out: &mut Vec<NewDelivery>,
    ) -> tribune_store::Result<()> {
        let article = &item.article;
        let kind = EventKind::FollowedStory;
        let (Some(story_id), false) = (article.story_id, item.starts_story) else {
            return Ok(());
        };
        if self.sinks[&kind].is_empty() {
            return Ok(());
        }
        let followers = match self.story_followers.get(&story_id) {
            Some(known) => known.clone(),
            None => {
                let found = self
                    .store
                    .subscriptions()
                    .followers(&Follow::Story(story_id))?;
                self.story_followers.insert(story_id, found.clone());
                found
            }
        };
        if followers.iter().all(|u| !self.sinks[&kind].contains_key(u)) {
            return Ok(());
        }
        let story = self.story(story_id)?;
        let key = format!("{}:{story_id}:{}", kind.as_str(), article.id);
        for user in followers {
            let extra = Extra {
                story: story.as_ref(),
                ..Extra::default()
            };
            self.queue(kind, user, &key, article, &extra, out);
        }
        Ok(())
    }

    fn search_events(
        &mut self,
        item: &NewsItem,
        out: &mut Vec<NewDelivery>,
    ) -> tribune_store::Result<()> {
        let article = &item.article;
        let kind = EventKind::SavedSearch;
        let (Some(story_id), true) = (article.story_id, item.starts_story) else {
            return Ok(());
        };
        if self.searches.is_empty() {
            return Ok(());
        }
        let words = Words::of(article);
        let matched: Vec<SavedSearch> = self
            .searches
            .iter()
            .filter(|(_, query)| query.matches(&words))
            .map(|(search, _)| search.clone())
            .collect();
        if matched.is_empty() {
            return Ok(());
        }
        let story = self.story(story_id)?;
        for search in matched {
            let key = format!("{}:{}:{story_id}", kind.as_str(), search.id);
            let extra = Extra {
                story: story.as_ref(),
                search: Some(&search),
                ..Extra::default()
            };
            self.queue(kind, search.user_id, &key, article, &extra, out);
        }
        Ok(())
    }

    fn quote_events(
        &mut self,
        item: &NewsItem,
        out: &mut Vec<NewDelivery>,
    ) -> tribune_store::Result<()> {
        let article = &item.article;
        let kind = EventKind::FollowedEntity;
        if self.entity_followers.is_empty() {
            return Ok(());
        }
        let Some(enrichment) = &article.enrichment else {
            return Ok(());
        };
        // Speaker (folded) → (name, first quote, count), in name order so
        // the deliveries come out the same on every run.
        let mut speakers: BTreeMap<String, (String, String, usize)> = BTreeMap::new();
        for quote in &enrichment.quotes {
            let Some(entity) = quote.speaker.and_then(|id| enrichment.entities.get(id)) else {
                continue;
            };
            let folded = fold(&entity.name);
            if !self.entity_followers.contains_key(&folded) {
                continue;
            }
            let said = article
                .text
                .get(quote.content.start..quote.content.end)
                .unwrap_or("")
                .trim()
                .to_string();
            speakers
                .entry(folded)
                .and_modify(|(_, _, count)| *count += 1)
                .or_insert((entity.name.clone(), said, 1));
        }
        if speakers.is_empty() {
            return Ok(());
        }
        let story = match article.story_id {
            Some(id) => self.story(id)?,
            None => None,
        };
        for (folded, (name, said, count)) in speakers {
            let key = format!("{}:{folded}:{}", kind.as_str(), article.id);
            let users = self
                .entity_followers
                .get(&folded)
                .cloned()
                .unwrap_or_default();
            for user in users {
                let extra = Extra {
                    story: story.as_ref(),
                    quote: Some((&name, &said, count)),
                    ..Extra::default()
                };
                self.queue(kind, user, &key, article, &extra, out);
            }
        }
        Ok(())
    }

    /// One delivery per sink of `user` receiving `kind`.
    fn queue(
        &self,
        kind: EventKind,
        user: i64,
        key: &str,
        article: &StoredArticle,
        extra: &Extra<'_>,
        out: &mut Vec<NewDelivery>,
    ) {
        let Some(sinks) = self.sinks[&kind].get(&user) else {
            return;
        };
        let links = Links::of(article, self.config.base_url.as_deref());
        for sink in sinks {
            let payload = match sink.kind {
                SinkKind::Webhook => webhook_payload(kind, key, user, article, &links, extra),
                SinkKind::Channel => channel_payload(article, &links, extra),
            };
            out.push(NewDelivery {
                webhook_id: sink.id,
                event_key: key.to_string(),
                event: kind,
                payload: payload.to_string(),
            });
        }
    }
}

/// A name as compared: lower-cased, spaces folded.
fn fold(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// What an event adds to the article.
#[derive(Default)]
struct Extra<'a> {
    story: Option<&'a StorySummary>,
    search: Option<&'a SavedSearch>,
    /// Speaker, first quote, how many quotes.
    quote: Option<(&'a str, &'a str, usize)>,
}

/// Where an article can be read: its own web address if it has one, and
/// the reader's page.
struct Links {
    url: String,
    reader: String,
}

impl Links {
    fn of(article: &StoredArticle, base_url: Option<&str>) -> Links {
        let reader = format!(
            "{}/articles/{}",
            base_url.unwrap_or("").trim_end_matches('/'),
            article.id
        );
        let web = article
            .canonical_url
            .as_deref()
            .filter(|u| is_web(u))
            .or_else(|| Some(article.origin.as_str()).filter(|u| is_web(u)));
        Links {
            url: web.map_or_else(|| reader.clone(), str::to_string),
            reader,
        }
    }
}

fn is_web(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

fn title_of<'a>(article: &'a StoredArticle, extra: &'a Extra<'_>) -> &'a str {
    article
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .or(extra.story.map(|s| s.label.as_str()))
        .unwrap_or("(untitled)")
}

/// The JSON body of a webhook delivery. `created_at` is when the article
/// arrived, so the same event always has the same body.
fn webhook_payload(
    kind: EventKind,
    key: &str,
    user: i64,
    article: &StoredArticle,
    links: &Links,
    extra: &Extra<'_>,
) -> Value {
    let mut body = json!({
        "event": kind.as_str(),
        "id": key,
        "created_at": article.fetched_at.to_rfc3339(),
        "user": user,
        "article": {
            "id": article.id,
            "title": title_of(article, extra),
            "url": links.url,
            "reader_url": links.reader,
            "published": article.published.map(|d| d.to_string()),
            "story_id": article.story_id,
        },
    });
    if let Some(story) = extra.story {
        body["story"] = json!({ "id": story.id, "label": story.label });
    }
    if let Some(search) = extra.search {
        body["search"] = json!({ "id": search.id, "name": search.name, "query": search.query });
    }
    if let Some((speaker, text, count)) = extra.quote {
        body["quote"] = json!({ "speaker": speaker, "text": text, "quotes_in_article": count });
    }
    body
}

/// The body of a channel delivery: one line of text, `{"text": "<title>
/// <link>"}`, which Slack-style incoming webhooks and Matrix relays post
/// as they are.
fn channel_payload(article: &StoredArticle, links: &Links, extra: &Extra<'_>) -> Value {
    let title: String = title_of(article, extra)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    json!({ "text": format!("{title} {}", links.url) })
}

#[cfg(test)]
pub(crate) mod tests;
