//! Integration tests of the JSON API, against a real Postgres: one database per test.
mod support;

mod accounts;
mod bad_input;
mod browser;
mod claim_page;
mod claimreview;
mod cli;
mod contract;
mod desk_pages;
mod evidence_notes;
mod exports;
mod health;
mod hostile;
mod migrations;
mod openapi;
mod pages;
mod permissions;
mod piece_edits;
mod piece_page;
mod pieces_claims;
mod queries;
mod scale;
mod search;
mod startup;
mod synthetic;
mod workflow;
