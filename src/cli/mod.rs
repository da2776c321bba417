//! Command-line handlers beyond serving: each parses its input, calls the store and prints.
pub mod dump;
pub mod import_piece;
pub mod seed;
pub mod users;
