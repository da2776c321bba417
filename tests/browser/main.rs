//! The desk in a real browser: Debian's headless Chromium, driven through chromedriver
//! (WebDriver), on the app served over TCP. Each test starts and stops its own app, driver and
//! browser. Every page a test reaches is checked for console errors, requests to other origins,
//! its HTTP status, and accessibility (axe-core, from `tests/browser`).
//!
//! A test target of its own (`cargo test --test browser`), so `cargo test --test api` needs only
//! Postgres; `tests/run` installs what this one needs.
#[allow(dead_code)]
#[path = "../api/served.rs"]
mod served;
#[path = "../api/support/mod.rs"]
mod support;

mod checks;
mod desk;
mod driver;
mod page;
// The contract test (tests/contract) serves the app over TCP the same way.
mod server;
mod wire;

mod claim;
mod errors;
mod live;
mod pages;
mod piece;
mod screenshots;
mod sign_in;
mod undo;
