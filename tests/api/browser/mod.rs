//! The desk in a real browser: Debian's headless Chromium, driven through chromedriver
//! (WebDriver), on the app served over TCP. Each test starts and stops its own app, driver and
//! browser. Every page a test reaches is checked for console errors, requests to other origins,
//! its HTTP status, and accessibility (axe-core, from `tests/browser`).
mod checks;
mod desk;
mod driver;
mod page;
// The contract test (tests/api/contract.rs) serves the app over TCP the same way.
pub(crate) mod server;
mod wire;

mod claim;
mod errors;
mod live;
mod pages;
mod piece;
mod screenshots;
mod sign_in;
