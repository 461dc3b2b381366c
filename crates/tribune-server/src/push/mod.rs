//! (being written)

use axum::Router;

use crate::AppState;

/// The routes of this part.
pub fn routes() -> Router<AppState> {
    Router::new()
}
