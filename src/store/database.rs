//! Getting a database ready: create it when missing, migrate it under a lock, open the pool.
use super::{Conn, Pool};
use diesel::ConnectionError;
use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel_async::AsyncConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use url::Url;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Any constant will do, as long as every instance of Factdesk uses the same one.
pub(super) const MIGRATION_LOCK: i64 = 0x4661_6374_6465_736b; // "Factdesk"

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "cannot reach PostgreSQL at {url} ({reason}). Start it (on Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or point DATABASE_URL at a running server."
    )]
    Unreachable { url: String, reason: String },
    #[error("DATABASE_URL `{0}` is not a postgres:// URL with a database name")]
    BadUrl(String),
    #[error("could not create the database {name} at {url}: {reason}")]
    Create {
        name: String,
        url: String,
        reason: String,
    },
    #[error("could not migrate the database at {url}: {reason}")]
    Migrate { url: String, reason: String },
}

/// The URL with any password hidden, for messages and logs.
pub fn redacted(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.into()
        }
        _ => url.to_owned(),
    }
}

/// How many SQL statements the pool's connections have sent since the server started: every
/// query, every BEGIN and COMMIT, and the check a connection gets when it leaves the pool.
/// Rocket manages it beside the pool, so the number is there for operators and for the tests
/// that prove each page sends a fixed number of statements (issue 4). One relaxed atomic add per
/// statement: nothing is locked and nothing about the statement is kept.
#[derive(Debug, Clone, Default)]
pub struct QueryCount(Arc<AtomicU64>);

impl QueryCount {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Counts each statement as diesel starts it; a statement that fails counts too (it was sent).
struct Counter(QueryCount);

impl Instrumentation for Counter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            (self.0).0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Builds the pool, and the count of the statements its connections send; no connection is made
/// until one is needed, so a server can start (and answer /healthz) before the database is back.
pub fn pool(url: &str, size: usize) -> (Pool, QueryCount) {
    let count = QueryCount::default();
    let mut config = ManagerConfig::<Conn>::default();
    let counted = count.clone();
    // The counter is set once the connection is made, so the session setup diesel-async runs
    // while connecting is not counted: only what the app asks for is.
    config.custom_setup = Box::new(move |url| {
        let counted = counted.clone();
        Box::pin(async move {
            let mut conn = Conn::establish(url).await?;
            // A request's statements each read a bounded handful of rows: starting parallel
            // workers for them (Postgres does when it expects a few thousand) costs more than
            // the query, about 10 ms each, and under load the other requests need the cores.
            diesel_async::SimpleAsyncConnection::batch_execute(
                &mut conn,
                "SET max_parallel_workers_per_gather = 0",
            )
            .await
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
            conn.set_instrumentation(Counter(counted));
            Ok(conn)
        })
    });
    let manager = AsyncDieselConnectionManager::<Conn>::new_with_config(url, config);
    let pool = Pool::builder(manager)
        .max_size(size)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(5)))
        .create_timeout(Some(Duration::from_secs(5)))
        .recycle_timeout(Some(Duration::from_secs(5)))
        .build()
        .expect("a runtime and timeouts are set, which is all deadpool's builder checks");
    (pool, count)
}

/// Makes sure the database exists and carries every migration.
pub async fn prepare(url: &str) -> Result<(), SetupError> {
    match Conn::establish(url).await {
        Ok(_) => {}
        Err(error) if is_missing_database(&error) => create_database(url).await?,
        Err(error) => return Err(unreachable(url, &error)),
    }
    migrate(url).await
}

fn unreachable(url: &str, error: &ConnectionError) -> SetupError {
    SetupError::Unreachable {
        url: redacted(url),
        reason: error.to_string().trim().to_owned(),
    }
}

fn is_missing_database(error: &ConnectionError) -> bool {
    // SQLSTATE 3D000 (invalid_catalog_name) reaches us only as text through tokio-postgres.
    let text = error.to_string();
    text.contains("database") && text.contains("does not exist")
}

async fn create_database(url: &str) -> Result<(), SetupError> {
    let bad_url = || SetupError::BadUrl(redacted(url));
    let mut maintenance = Url::parse(url).map_err(|_| bad_url())?;
    let name = maintenance.path().trim_start_matches('/').to_owned();
    if name.is_empty() {
        return Err(bad_url());
    }
    maintenance.set_path("/postgres");
    let mut conn = Conn::establish(maintenance.as_str())
        .await
        .map_err(|e| unreachable(url, &e))?;
    let statement = format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""));
    match diesel_async::SimpleAsyncConnection::batch_execute(&mut conn, &statement).await {
        // Another instance starting at the same moment may have won the race, which shows as
        // 42P04 or as a unique violation on pg_database: either way the database is there.
        Err(error)
            if !["already exists", "duplicate key"]
                .iter()
                .any(|text| error.to_string().contains(text)) =>
        {
            Err(SetupError::Create {
                name,
                url: redacted(url),
                reason: error.to_string(),
            })
        }
        _ => Ok(()),
    }
}

/// Runs pending migrations. diesel_migrations is synchronous, so it runs on a blocking thread
/// through diesel-async's wrapper, under an advisory lock so two instances never race.
pub async fn migrate(url: &str) -> Result<(), SetupError> {
    let owned = url.to_owned();
    let failed = |reason: String| SetupError::Migrate {
        url: redacted(url),
        reason,
    };
    tokio::task::spawn_blocking(move || -> Result<(), String> {
        let mut conn = <AsyncConnectionWrapper<Conn> as diesel::Connection>::establish(&owned)
            .map_err(|e| e.to_string())?;
        conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
            .map_err(|e| e.to_string())?;
        let outcome = conn
            .run_pending_migrations(MIGRATIONS)
            .map(drop)
            .map_err(|e| e.to_string());
        conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
            .map_err(|e| e.to_string())?;
        outcome
    })
    .await
    .map_err(|e| failed(e.to_string()))?
    .map_err(failed)
}
