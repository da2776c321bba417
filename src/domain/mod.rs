//! Pure rules: no I/O, no HTTP, no SQL. Everything here is unit-tested in place.
pub mod anchor;
pub mod dates;
pub mod fields;
pub mod markdown;
pub mod workflow;
