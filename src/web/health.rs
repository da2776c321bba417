//! Liveness and readiness, for load balancers and orchestrators.
use super::guards::Db;
use diesel_async::SimpleAsyncConnection;
use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{Route, get, routes};

/// Answers while the process runs, whatever the database is doing.
#[get("/healthz")]
fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// One round trip to Postgres: 503 while it cannot be reached.
#[get("/readyz")]
async fn readyz(mut db: Db) -> (Status, Json<Value>) {
    match db.batch_execute("SELECT 1").await {
        Ok(()) => (Status::Ok, Json(json!({ "status": "ready" }))),
        Err(error) => {
            rocket::warn!("readiness check failed: {error}");
            (
                Status::ServiceUnavailable,
                Json(json!({ "status": "unavailable", "detail": "the database did not answer" })),
            )
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![healthz, readyz]
}
