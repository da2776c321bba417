//! Live pages (issue 10). When a claim changes through any instance, the claim page, piece page
//! and desk open in a browser on any other learn of it within a moment: `GET /live` streams the
//! changes a page shows as Server-Sent Events. While any page is open on an instance, it runs one
//! [`listener`], which hears Postgres's `NOTIFY` for every history event, reads the event once
//! and hands it to every open stream through the [`Hub`]. A stream that reconnects
//! (`Last-Event-ID`), falls behind, or is told the listener started afresh reads what it missed
//! from the history itself, so nothing depends on a notification arriving.
pub mod listener;
mod stream;

use crate::store::Pool;
use crate::store::live::{LiveEvent, Scope};
use rocket::tokio::sync::broadcast;
use rocket::{Route, Shutdown};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Notices an instance's open streams have not yet taken; one that falls further behind reads
/// the history instead.
const BACKLOG: usize = 1024;

/// What the listener hands the streams.
#[derive(Debug)]
pub enum Notice {
    Change(Box<LiveEvent>),
    /// The listener has (re)started listening: what was written before may not have been told.
    Resync,
}

/// Hands each event the listener reads to every open stream, and keeps the listener running
/// while there is any.
pub struct Hub {
    sender: broadcast::Sender<Arc<Notice>>,
    listening: Arc<AtomicBool>,
    database_url: String,
    pool: Pool,
}

impl Hub {
    pub fn new(database_url: &str, pool: Pool) -> Hub {
        Hub {
            sender: broadcast::channel(BACKLOG).0,
            listening: Arc::new(AtomicBool::new(false)),
            database_url: database_url.to_owned(),
            pool,
        }
    }

    /// A stream's notices from now on; starts the listener if it is not running.
    pub fn subscribe(&self, shutdown: Shutdown) -> broadcast::Receiver<Arc<Notice>> {
        let receiver = self.sender.subscribe();
        if !self.listening.swap(true, Ordering::SeqCst) {
            listener::spawn(self, shutdown);
        }
        receiver
    }
}

/// The stream of `scope`'s changes after event `after`, for a page to open.
pub fn live_url(scope: Scope, after: i64) -> String {
    match scope {
        Scope::Claim(id) => format!("/live?claim={id}&after={after}"),
        Scope::Piece(id) => format!("/live?piece={id}&after={after}"),
        Scope::Desk => format!("/live?after={after}"),
    }
}

pub fn routes() -> Vec<Route> {
    stream::routes()
}
