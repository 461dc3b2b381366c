//! `/stories/{id}`: one story: every outlet's coverage, each copy group as
//! one entry (the original and who republished it), what was said grouped
//! by speaker, and the timeline of its events. A signed-in reader gets
//! buttons to follow the story and its speakers; their page is made for
//! them alone, never kept in the page cache.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use tribune_nlp::events::Modality;
use tribune_nlp::quotes::QuoteKind;
use tribune_store::{Follow, Followed, Store, StoredArticle, StoryArticle};
use tribune_story::{TimelineArticle, timeline};

use super::cache::PageKey;
use super::{PageResult, keepable, machine_time, outlet, page, plural, when};
use crate::accounts::nav::Nav;
use crate::accounts::{CurrentUser, MaybeUser};
use crate::{AppState, Error};

/// Articles read for quotes and the timeline: enough for any real story,
/// bounded so that a huge one stays fast.
const READ_AT_MOST: usize = 60;
/// Outlets named inline in a copy group's entry before "and N others".
const NAMED_COPIES: usize = 2;

/// A link to one article.
pub(crate) struct ArticleLink {
    pub id: i64,
    pub title: String,
    pub outlet: String,
    pub seen: String,
    pub seen_iso: String,
}

/// One copy group: its original (or earliest copy) and the rest.
pub(crate) struct Coverage {
    pub lead: ArticleLink,
    /// Whether `lead` is known to be the original.
    pub is_original: bool,
    pub copies: Vec<ArticleLink>,
    /// "republished by A, B and 3 others", or empty.
    pub republished: String,
}

/// What one speaker said in the story.
pub(crate) struct Speaker {
    pub name: String,
    pub quotes: Vec<SpokenQuote>,
    /// Whether the signed-in reader follows them.
    pub followed: bool,
}

/// What a signed-in reader's follow buttons need.
pub(crate) struct Viewer {
    pub csrf: String,
    /// Whether they follow this story.
    pub follows_story: bool,
    /// This page's path, to come back to.
    pub here: String,
}

/// One quote, once however many copies repeat it.
pub(crate) struct SpokenQuote {
    pub text: String,
    /// A paraphrase, not the speaker's own words: shown without quotation.
    pub paraphrase: bool,
    pub article: i64,
    pub outlet: String,
    /// "and in 2 other articles", or empty.
    pub also: String,
}

/// One entry of the timeline.
pub(crate) struct Moment {
    pub date: String,
    pub what: String,
    pub who: String,
    pub evidence: String,
    pub article: i64,
    pub also: String,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    title: String,
    summary: String,
    first_seen: String,
    first_seen_iso: String,
    last_seen: String,
    last_seen_iso: String,
    coverage: Vec<Coverage>,
    speakers: Vec<Speaker>,
    moments: Vec<Moment>,
    /// Whether any article had its quotes and events read.
    enriched: bool,
    id: i64,
    nav: Nav,
    viewer: Option<Viewer>,
}

pub(crate) async fn story(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id, "story")?;
    if let Some(user) = user {
        return personal(&state, user, id).await;
    }
    state
        .page_cache()
        .page(PageKey::Story(id), || async {
            let page_data = state.blocking(move |store| story_page(store, id)).await?;
            Ok(keepable(&page_data))
        })
        .await
}

/// The story page of a signed-in reader: what they follow marked.
async fn personal(state: &AppState, user: CurrentUser, id: i64) -> PageResult {
    let reader = user.user.id;
    let (mut data, follows) = state
        .blocking(move |store| {
            Ok((
                story_page(store, id)?,
                store.subscriptions().follows(reader)?,
            ))
        })
        .await?;
    let follows: Vec<Follow> = follows
        .into_iter()
        .map(|Followed { follow, .. }| follow)
        .collect();
    for speaker in &mut data.speakers {
        speaker.followed = follows.contains(&Follow::Entity(speaker.name.clone()));
    }
    data.nav = Nav::of(Some(&user));
    data.viewer = Some(Viewer {
        csrf: user.csrf_token().to_string(),
        follows_story: follows.contains(&Follow::Story(id)),
        here: format!("/stories/{id}"),
    });
    Ok(page(StatusCode::OK, &data))
}

/// An id from the path, or a 404 naming what was asked for.
pub(crate) fn parse_id(raw: &str, what: &str) -> Result<i64, Error> {
    raw.parse::<i64>()
        .map_err(|_| Error::NotFound(format!("There is no {what} “{raw}”.")))
}

fn story_page(store: &dyn Store, id: i64) -> Result<StoryPage, Error> {
    let story = store
        .story(id)?
        .ok_or_else(|| Error::NotFound(format!("There is no story {id}.")))?;
    let articles = store.story_articles(id)?;
    let outlets: std::collections::BTreeSet<String> = articles
        .iter()
        .map(|a| outlet(a.site_name.as_deref(), &a.origin))
        .collect();
    let coverage = coverage(&articles);
    let mut stored = Vec::new();
    for member in articles.iter().take(READ_AT_MOST) {
        if let Some(article) = store.article(member.id)? {
            stored.push(article);
        }
    }
    let outlet_of: HashMap<i64, String> = articles
        .iter()
        .map(|a| (a.id, outlet(a.site_name.as_deref(), &a.origin)))
        .collect();
    let enriched = stored.iter().any(|a| a.enrichment.is_some());
    Ok(StoryPage {
        title: story.label.clone(),
        summary: format!(
            "{} from {}",
            plural(story.article_count.max(0) as usize, "article"),
            plural(outlets.len(), "outlet")
        ),
        first_seen: when(story.first_seen),
        first_seen_iso: machine_time(story.first_seen),
        last_seen: when(story.last_seen),
        last_seen_iso: machine_time(story.last_seen),
        coverage,
        speakers: speakers(&stored, &outlet_of),
        moments: moments(&stored),
        enriched,
        id,
        nav: Nav::anonymous(),
        viewer: None,
    })
}

fn link(a: &StoryArticle) -> ArticleLink {
    ArticleLink {
        id: a.id,
        title: a.title.clone().unwrap_or_else(|| "(untitled)".into()),
        outlet: outlet(a.site_name.as_deref(), &a.origin),
        seen: when(a.seen_at),
        seen_iso: machine_time(a.seen_at),
    }
}

/// The story's copy groups, earliest first, each led by its original.
fn coverage(articles: &[StoryArticle]) -> Vec<Coverage> {
    let mut out: Vec<(chrono::DateTime<chrono::Utc>, Coverage)> =
        tribune_store::copy_groups(articles)
            .into_iter()
            .filter_map(|group| {
                let mut members: Vec<&StoryArticle> =
                    group.original.into_iter().chain(group.copies).collect();
                members.sort_by_key(|a| (a.seen_at, a.id));
                let lead_at = members.iter().position(|a| a.is_original).unwrap_or(0);
                let lead = members.remove(lead_at);
                let earliest = members
                    .iter()
                    .map(|a| a.seen_at)
                    .chain([lead.seen_at])
                    .min()?;
                let copies: Vec<ArticleLink> = members.iter().map(|a| link(a)).collect();
                let republished =
                    republished_by(&copies, &outlet(lead.site_name.as_deref(), &lead.origin));
                Some((
                    earliest,
                    Coverage {
                        lead: link(lead),
                        is_original: lead.is_original,
                        copies,
                        republished,
                    },
                ))
            })
            .collect();
    out.sort_by_key(|(earliest, _)| *earliest);
    out.into_iter().map(|(_, c)| c).collect()
}

/// "republished by EMEA Tribune and 3 others": the first outlets by name,
/// the rest counted; outlets that republish their own story are skipped.
fn republished_by(copies: &[ArticleLink], lead_outlet: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for copy in copies {
        if copy.outlet != lead_outlet && !names.contains(&copy.outlet.as_str()) {
            names.push(&copy.outlet);
        }
    }
    if names.is_empty() {
        return match copies.len() {
            0 => String::new(),
            n => format!("also published {}", times(n)),
        };
    }
    let named = &names[..names.len().min(NAMED_COPIES)];
    let others = names.len() - named.len();
    match (named, others) {
        ([one], 0) => format!("republished by {one}"),
        ([a, b], 0) => format!("republished by {a} and {b}"),
        (named, 1) => format!("republished by {} and 1 other", named.join(", ")),
        (named, n) => format!("republished by {} and {n} others", named.join(", ")),
    }
}

fn times(n: usize) -> String {
    match n {
        1 => "once more".into(),
        n => format!("{n} more times"),
    }
}

/// Quotes grouped by speaker, each quote once, the most quoted first;
/// quotes without a resolved speaker are left out.
fn speakers(stored: &[StoredArticle], outlet_of: &HashMap<i64, String>) -> Vec<Speaker> {
    // speaker -> (quote key, quote, the articles saying it, first first)
    type Said = (String, String, bool, Vec<i64>);
    let mut by_speaker: BTreeMap<String, Vec<Said>> = BTreeMap::new();
    for article in stored {
        let Some(enrichment) = &article.enrichment else {
            continue;
        };
        for quote in enrichment.view(&article.text).quotes {
            let Some(speaker) = quote.speaker.filter(|s| !s.trim().is_empty()) else {
                continue;
            };
            let key: String = quote
                .text
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            let quotes = by_speaker.entry(speaker).or_default();
            match quotes.iter_mut().find(|(k, ..)| *k == key) {
                Some((_, _, _, articles)) if !articles.contains(&article.id) => {
                    articles.push(article.id)
                }
                Some(_) => {}
                None => quotes.push((
                    key,
                    quote.text,
                    quote.kind == QuoteKind::Indirect,
                    vec![article.id],
                )),
            }
        }
    }
    let mut speakers: Vec<Speaker> = by_speaker
        .into_iter()
        .map(|(name, quotes)| Speaker {
            followed: false,
            name,
            quotes: quotes
                .into_iter()
                .map(|(_, text, paraphrase, articles)| SpokenQuote {
                    text,
                    paraphrase,
                    article: articles[0],
                    outlet: outlet_of.get(&articles[0]).cloned().unwrap_or_default(),
                    also: match articles.len() {
                        1 => String::new(),
                        2 => "and in 1 other article".into(),
                        n => format!("and in {} other articles", n - 1),
                    },
                })
                .collect(),
        })
        .collect();
    speakers.sort_by(|a, b| {
        b.quotes
            .len()
            .cmp(&a.quotes.len())
            .then(a.name.cmp(&b.name))
    });
    speakers
}

/// The story's timeline from the articles whose events were read.
fn moments(stored: &[StoredArticle]) -> Vec<Moment> {
    let inputs: Vec<TimelineArticle<'_>> = stored
        .iter()
        .filter_map(|a| {
            Some(TimelineArticle {
                id: a.id,
                published: a.published,
                text: &a.text,
                enrichment: a.enrichment.as_ref()?,
            })
        })
        .collect();
    timeline(&inputs)
        .into_iter()
        .map(|entry| {
            let date = match (entry.start, entry.end) {
                (Some(start), Some(end)) if start != end => format!("{start} – {end}"),
                (Some(start), _) => start.to_string(),
                _ => "Undated".into(),
            };
            let modality = match entry.modality {
                Modality::Happened => "",
                Modality::Expected => " (expected)",
                Modality::Proposed => " (proposed)",
            };
            let mut who = entry.actors.join(", ");
            if !entry.targets.is_empty() {
                who.push_str(&format!(" → {}", entry.targets.join(", ")));
            }
            if let Some(place) = &entry.place {
                who.push_str(&format!(" in {place}"));
            }
            Moment {
                date,
                what: format!("{:?}{modality}", entry.kind),
                who,
                evidence: entry.evidence,
                article: entry.article,
                also: match entry.also_in.len() {
                    0 => String::new(),
                    1 => "and 1 other article".into(),
                    n => format!("and {n} other articles"),
                },
            }
        })
        .collect()
}
