//! An instance's one `LISTEN`, while any page is open on it: on a connection of its own (a
//! pooled one would be handed to others), re-established on its own after Postgres restarts or
//! drops it. Each (re)start tells the streams to catch up from the history, so what was written
//! while nobody listened is not lost.
use super::{Hub, Notice};
use crate::store::live;
use crate::store::{Conn, Pool};
use diesel_async::{AsyncConnection, SimpleAsyncConnection};
use futures_util::StreamExt;
use rocket::Shutdown;
use rocket::tokio::sync::broadcast;
use rocket::tokio::{self, time::sleep};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub const CHANNEL: &str = "factdesk_events";
/// How the listener's connection is named in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "factdesk-live";
const LONGEST_WAIT: Duration = Duration::from_secs(5);
/// How often the listener looks whether any page is still open.
const LOOK: Duration = Duration::from_secs(5);

pub(super) fn spawn(hub: &Hub, shutdown: Shutdown) {
    let listener = Listener {
        url: named(&hub.database_url),
        pool: hub.pool.clone(),
        sender: hub.sender.clone(),
        listening: hub.listening.clone(),
    };
    tokio::spawn(listener.run(shutdown));
}

/// The database URL with the listener's `application_name`.
fn named(database_url: &str) -> String {
    match url::Url::parse(database_url) {
        Ok(mut url) => {
            url.query_pairs_mut()
                .append_pair("application_name", APPLICATION_NAME);
            url.into()
        }
        Err(_) => database_url.to_owned(),
    }
}

struct Listener {
    url: String,
    pool: Pool,
    sender: broadcast::Sender<Arc<Notice>>,
    listening: Arc<AtomicBool>,
}

enum Stop {
    /// Shut down, or no page is open any more.
    Done,
    Lost,
}

impl Listener {
    async fn run(self, mut shutdown: Shutdown) {
        let mut wait = Duration::from_millis(250);
        loop {
            match self.listen(&mut shutdown).await {
                Ok(Stop::Done) => return,
                Ok(Stop::Lost) => wait = Duration::from_millis(250),
                Err(error) => rocket::warn!("live pages: cannot listen for changes: {error}"),
            }
            tokio::select! {
                _ = sleep(wait) => {}
                _ = &mut shutdown => return,
            }
            wait = (wait * 2).min(LONGEST_WAIT);
        }
    }

    async fn listen(&self, shutdown: &mut Shutdown) -> Result<Stop, String> {
        let mut conn = Conn::establish(&self.url)
            .await
            .map_err(|e| e.to_string())?;
        conn.batch_execute(&format!("LISTEN {CHANNEL}"))
            .await
            .map_err(|e| e.to_string())?;
        self.notify(Notice::Resync);
        let notifications = conn.notifications_stream();
        tokio::pin!(notifications);
        let mut look = tokio::time::interval(LOOK);
        loop {
            tokio::select! {
                notification = notifications.next() => match notification {
                    Some(Ok(notification)) => {
                        if let Ok(seq) = notification.payload.parse::<i64>() {
                            self.announced(seq).await;
                        }
                    }
                    Some(Err(error)) => {
                        rocket::warn!("live pages: lost the listening connection: {error}");
                        return Ok(Stop::Lost);
                    }
                    None => {
                        rocket::warn!("live pages: lost the listening connection");
                        return Ok(Stop::Lost);
                    }
                },
                _ = look.tick() => if self.nobody_looking() {
                    return Ok(Stop::Done);
                },
                _ = &mut *shutdown => return Ok(Stop::Done),
            }
        }
    }

    /// Whether the last page has gone; then the listener stops, and the next stream starts one.
    fn nobody_looking(&self) -> bool {
        if self.sender.receiver_count() > 0 {
            return false;
        }
        self.listening.store(false, Ordering::SeqCst);
        // A stream that subscribed meanwhile saw the listener running and started none: go on,
        // unless one since has started another.
        self.sender.receiver_count() == 0 || self.listening.swap(true, Ordering::SeqCst)
    }

    /// A notification for `seq`: the event read once, for every stream. One that cannot be read
    /// now is read by the streams themselves, from the history.
    async fn announced(&self, seq: i64) {
        let read = match self.pool.get().await {
            Ok(mut conn) => live::one(&mut conn, seq).await.ok().flatten(),
            Err(_) => None,
        };
        match read {
            Some(event) => self.notify(Notice::Change(Box::new(event))),
            None => self.notify(Notice::Resync),
        }
    }

    fn notify(&self, notice: Notice) {
        // No open stream is no error: nobody is looking.
        let _ = self.sender.send(Arc::new(notice));
    }
}
