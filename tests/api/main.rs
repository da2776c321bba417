//! Integration tests of the JSON API, against a real Postgres: one database per test.
mod support;

mod bad_input;
mod evidence_notes;
mod health;
mod migrations;
mod pieces_claims;
mod startup;
mod workflow;
