//! Liveness and readiness, for load balancers and orchestrators.
use super::error::UNAVAILABLE_RETRY_AFTER;
use super::guards::Db;
use diesel_async::SimpleAsyncConnection;
use rocket::Responder;
use rocket::http::Header;
use rocket::serde::json::{Json, Value, json};
use rocket::{Route, get, routes};

/// Answers while the process runs, whatever the database is doing.
#[get("/healthz")]
fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Not ready: the database did not answer (with when to ask again).
#[derive(Responder)]
#[response(status = 503)]
struct NotReady(Json<Value>, Header<'static>);

/// One round trip to Postgres: 503 while it cannot be reached.
#[get("/readyz")]
async fn readyz(mut db: Db) -> Result<Json<Value>, NotReady> {
    match db.batch_execute("SELECT 1").await {
        Ok(()) => Ok(Json(json!({ "status": "ready" }))),
        Err(error) => {
            rocket::warn!("readiness check failed: {error}");
            let retry = UNAVAILABLE_RETRY_AFTER.to_string();
            Err(NotReady(
                Json(json!({ "status": "unavailable", "detail": "the database did not answer" })),
                Header::new("Retry-After", retry),
            ))
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![healthz, readyz]
}
