//! Text segmentation: sentences and tokens of news text.

mod sentences;
mod tokens;

pub use sentences::{Sentence, sentences};
pub use tokens::{Token, TokenKind, is_quote_mark, tokens, tokens_in};
