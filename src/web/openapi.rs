//! The API's contract: a hand-written OpenAPI 3 document, compiled in and served to anyone, so
//! clients and tools can read what every `/api/v1` route takes and answers. Tests keep it true:
//! `tests/api/openapi.rs` (the same routes as mounted) and `tests/contract` (schemathesis).
use rocket::http::ContentType;
use rocket::{Route, get, routes};

/// The document, as written in `src/web/openapi.json`.
pub const DOCUMENT: &str = include_str!("openapi.json");

#[get("/api/openapi.json")]
fn document() -> (ContentType, &'static str) {
    (ContentType::JSON, DOCUMENT)
}

pub fn routes() -> Vec<Route> {
    routes![document]
}
