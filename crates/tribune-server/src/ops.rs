//! Being built.

use axum::Router;

use crate::AppState;

/// The routes of this part of the reader.
pub fn routes() -> Router<AppState> {
    Router::new()
}
