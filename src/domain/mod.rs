//! Pure rules: no I/O, no HTTP, no SQL. Everything here is unit-tested in place.
#[macro_use]
mod named;
pub mod anchor;
pub mod claimreview;
pub mod dates;
pub mod fields;
pub mod headline;
pub mod highlight;
pub mod history;
pub mod live;
pub mod markdown;
pub mod password;
pub mod reanchor;
pub mod redline;
pub mod roles;
pub mod workflow;
