//! Integration tests of the JSON API, against a real Postgres: one database per test.
mod support;

mod accounts;
mod bad_input;
mod claim_page;
mod cli;
mod desk_pages;
mod evidence_notes;
mod health;
mod hostile;
mod migrations;
mod pages;
mod permissions;
mod piece_page;
mod pieces_claims;
mod startup;
mod workflow;
