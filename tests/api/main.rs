//! Integration tests of the JSON API, against a real Postgres: one database per test.
mod support;

mod health;
mod migrations;
mod startup;
