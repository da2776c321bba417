//! `GET /live?claim=…|piece=…&after=…`: the changes a page shows, as Server-Sent Events, for the
//! signed-in. Each event's id is its place in the history, so a browser that reconnects sends
//! `Last-Event-ID` and is told what it missed. The stream holds no pooled connection: it takes
//! one only to catch up, and gives it back.
use super::{Hub, Notice};
use crate::store::Pool;
use crate::store::live::{self, LiveEvent, Scope};
use crate::web::auth::PageUser;
use crate::web::error::AppError;
use crate::web::guards::{Db, parse_id};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::stream::{Event, EventStream};
use rocket::tokio::sync::broadcast::error::RecvError;
use rocket::{Config, Route, Shutdown, State, get, routes};
use std::collections::HashSet;
use std::time::Duration;

/// `Last-Event-ID`, sent by a browser reconnecting: the last event it was told.
pub struct LastEventId(Option<i64>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for LastEventId {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        let seq = request
            .headers()
            .get_one("Last-Event-ID")
            .and_then(|id| id.trim().parse().ok());
        Outcome::Success(LastEventId(seq))
    }
}

fn scope(claim: Option<&str>, piece: Option<&str>) -> Result<Scope, AppError> {
    match (claim, piece) {
        (Some(claim), None) => Ok(Scope::Claim(parse_id("claim", claim)?)),
        (None, Some(piece)) => Ok(Scope::Piece(parse_id("piece", piece)?)),
        (None, None) => Ok(Scope::Desk),
        (Some(_), Some(_)) => Err(AppError::BadRequest(
            "ask for the changes of one claim or of one piece, not both".into(),
        )),
    }
}

/// The heartbeat comes well within `keep_alive`, which closes a connection idle that long.
fn heartbeat(config: &Config) -> Duration {
    match config.keep_alive {
        0 => Duration::from_secs(15),
        seconds => Duration::from_millis(u64::from(seconds) * 1000 / 2),
    }
}

fn event(change: &LiveEvent) -> Event {
    Event::json(change)
        .event("change")
        .id(change.seq.to_string())
}

enum Missed {
    Events(Vec<LiveEvent>),
    /// So many that the page should reload instead.
    TooMany,
    /// Not readable now (no connection): tried again with the next notice.
    Unknown,
}

/// Events after `last` that `scope` shows, read from the history.
async fn missed(pool: &Pool, last: i64, scope: Scope) -> Missed {
    let Ok(mut conn) = pool.get().await else {
        return Missed::Unknown;
    };
    match live::after(&mut conn, last, scope).await {
        Ok(events) if events.len() < live::BATCH as usize => Missed::Events(events),
        Ok(_) => Missed::TooMany,
        Err(_) => Missed::Unknown,
    }
}

#[get("/live?<claim>&<piece>&<after>")]
#[allow(clippy::too_many_arguments)] // Rocket's guards are the arguments.
async fn changes(
    _user: PageUser,
    db: Db,
    hub: &State<Hub>,
    pool: &State<Pool>,
    config: &Config,
    claim: Option<&str>,
    piece: Option<&str>,
    after: Option<i64>,
    last_event_id: LastEventId,
    mut shutdown: Shutdown,
) -> Result<EventStream![Event + 'static], AppError> {
    let scope = scope(claim, piece)?;
    // Subscribed before catching up, so nothing written in between is missed.
    let mut changes = hub.subscribe(shutdown.clone());
    let pool = pool.inner().clone();
    let mut db = db;
    live::check_exists(&mut db, scope).await?;
    let start = match last_event_id.0.or(after) {
        Some(seq) => seq,
        None => live::latest(&db).await?,
    };
    // The sign-in's connection goes back to the pool now, not when the stream ends.
    drop(db);
    let beat = heartbeat(config);
    Ok(EventStream! {
        let mut last = start;
        let mut told: HashSet<i64> = HashSet::new();
        let mut behind = true;
        loop {
            if behind {
                match missed(&pool, last, scope).await {
                    Missed::Events(events) => {
                        behind = false;
                        for change in events {
                            last = last.max(change.seq);
                            told.insert(change.seq);
                            yield event(&change);
                        }
                    }
                    Missed::TooMany => {
                        yield Event::data("reload").event("behind");
                        break;
                    }
                    Missed::Unknown => {}
                }
            }
            let change = rocket::tokio::select! {
                change = changes.recv() => change,
                _ = &mut shutdown => break,
            };
            match change.as_deref() {
                Ok(Notice::Change(change)) if change.concerns(scope) && told.insert(change.seq) => {
                    last = last.max(change.seq);
                    // Only a catch-up's events can come again: forget those long past.
                    if told.len() > 4096 {
                        told.retain(|seq| *seq > last - 1024);
                    }
                    yield event(change);
                }
                Ok(Notice::Change(_)) => {}
                Ok(Notice::Resync) | Err(RecvError::Lagged(_)) => behind = true,
                Err(RecvError::Closed) => break,
            }
        }
    }
    .heartbeat(beat))
}

pub fn routes() -> Vec<Route> {
    routes![changes]
}
