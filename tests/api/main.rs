//! Integration tests of the JSON API, against a real Postgres: one database per test.
mod support;

mod accounts;
mod bad_input;
mod browser;
mod claim_page;
mod cli;
mod desk_pages;
mod evidence_notes;
mod health;
mod hostile;
mod migrations;
mod pages;
mod permissions;
mod piece_edits;
mod piece_page;
mod pieces_claims;
mod queries;
mod startup;
mod workflow;
