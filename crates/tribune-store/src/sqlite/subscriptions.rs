//! The SQLite side of [`crate::Subscriptions`].
// Skeleton: the bodies are being written; remove this allow with them.
#![allow(unused_variables, unused_imports)]

use chrono::{DateTime, Utc};

use std::collections::HashMap;

use crate::error::Result;
use crate::story::StorySummary;
use crate::subscriptions::{
    ArticleState, Follow, Followed, SavedSearch, StateChange, StreamArticle, StreamQuery,
    Subscriptions,
};

use super::SqliteStore;

impl Subscriptions for SqliteStore {
    fn follow(&self, user: i64, follow: &Follow) -> Result<bool> {
        todo!("follow")
    }

    fn unfollow(&self, user: i64, follow: &Follow) -> Result<bool> {
        todo!("unfollow")
    }

    fn follows(&self, user: i64) -> Result<Vec<Followed>> {
        todo!("follows")
    }

    fn save_search(&self, user: i64, name: &str, query: &str) -> Result<SavedSearch> {
        todo!("save_search")
    }

    fn saved_searches(&self, user: i64) -> Result<Vec<SavedSearch>> {
        todo!("saved_searches")
    }

    fn saved_search(&self, user: i64, id: i64) -> Result<Option<SavedSearch>> {
        todo!("saved_search")
    }

    fn delete_saved_search(&self, user: i64, id: i64) -> Result<bool> {
        todo!("delete_saved_search")
    }

    fn all_saved_searches(&self) -> Result<Vec<SavedSearch>> {
        todo!("all_saved_searches")
    }

    fn mark(&self, user: i64, articles: &[i64], change: StateChange) -> Result<usize> {
        todo!("mark")
    }

    fn mark_all_read(&self, user: i64, query: &StreamQuery) -> Result<usize> {
        todo!("mark_all_read")
    }

    fn states(&self, user: i64, articles: &[i64]) -> Result<HashMap<i64, ArticleState>> {
        todo!("states")
    }

    fn stream(&self, user: i64, query: &StreamQuery) -> Result<Vec<StreamArticle>> {
        todo!("stream")
    }

    fn unread_counts(&self, user: i64) -> Result<Vec<(i64, u64)>> {
        todo!("unread_counts")
    }

    fn personal_stories(
        &self,
        user: i64,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>> {
        todo!("personal_stories")
    }

    fn followers(&self, follow: &Follow) -> Result<Vec<i64>> {
        todo!("followers")
    }
}
