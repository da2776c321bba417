//! The whole database as one versioned JSON document, and back: `factdesk export` and
//! `factdesk import`. Rows are copied as stored (ids, timestamps, history order), so an import
//! followed by an export gives back the same document, byte for byte.
use super::database::MIGRATIONS;
use super::schema::{
    claims, credentials, events, evidence, notes, piece_events, piece_revisions, pieces, users,
};
use super::{Conn, SYSTEM_USER, StoreError, StoreResult};
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

mod rows;
pub use rows::{
    ClaimDump, CredentialDump, EventDump, EvidenceDump, NoteDump, PieceDump, PieceEventDump,
    PieceRevisionDump, UserDump,
};

pub const FORMAT: &str = "factdesk-dump";
pub const VERSION: u32 = 1;

/// Rows per INSERT: far below Postgres's 65,535 bound parameters for the widest table (claims).
const CHUNK: usize = 1_000;

/// The document. Field order is the output order; no field says when it was made, so two
/// exports of the same data are identical.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dump {
    pub format: String,
    pub version: u32,
    /// The latest migration of the database it came from.
    pub schema: String,
    /// Whether password hashes and credentials (API tokens, sessions) are in it.
    pub with_credentials: bool,
    /// Everyone but the built-in System user, which every database has from its migrations.
    pub users: Vec<UserDump>,
    pub pieces: Vec<PieceDump>,
    /// The texts of corrected pieces, each revision whole (none in dumps made before migration
    /// 000017, when no text could change).
    #[serde(default)]
    pub piece_revisions: Vec<PieceRevisionDump>,
    /// Sign-offs are columns of their claim.
    pub claims: Vec<ClaimDump>,
    /// Removed evidence too: the history refers to it.
    pub evidence: Vec<EvidenceDump>,
    pub notes: Vec<NoteDump>,
    pub events: Vec<EventDump>,
    pub piece_events: Vec<PieceEventDump>,
    pub credentials: Vec<CredentialDump>,
}

/// The name of the newest migration this build knows, which every prepared database carries.
pub fn latest_schema() -> String {
    known_schemas().into_iter().max().unwrap_or_default()
}

fn known_schemas() -> Vec<String> {
    MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map(|all| all.iter().map(|m| m.name().to_string()).collect())
        .unwrap_or_default()
}

impl Dump {
    /// Reads a document, refusing anything but a dump of a format version and schema this build
    /// can load; each refusal is one sentence saying why.
    pub fn parse(text: &str) -> Result<Dump, String> {
        #[derive(Deserialize)]
        struct Head {
            format: Option<serde_json::Value>,
            version: Option<serde_json::Value>,
            schema: Option<String>,
        }
        let head: Head = serde_json::from_str(text).map_err(|e| {
            format!("the file is not a Factdesk dump: cannot read it as JSON ({e})")
        })?;
        if head.format.as_ref().and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(format!(
                "the file is not a Factdesk dump (its \"format\" is not \"{FORMAT}\")"
            ));
        }
        let version = head.version.unwrap_or_default();
        if version.as_u64() != Some(u64::from(VERSION)) {
            return Err(format!(
                "the dump is of format version {version}; this factdesk reads version {VERSION} only"
            ));
        }
        // An older schema loads (the migrations have already brought the database past it);
        // a newer one may hold what this build would drop.
        let schema = head.schema.unwrap_or_default();
        if !known_schemas().contains(&schema) {
            return Err(format!(
                "the dump comes from a database at migration `{schema}`, which this factdesk does not know (its latest is `{}`); import it with the factdesk that made it or a newer one",
                latest_schema()
            ));
        }
        let mut reader = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut reader)
            .map_err(|e| format!("the dump is malformed at `{}`: {}", e.path(), e.inner()))
    }
}

/// Everything, read in one snapshot so the document is consistent even while people work.
pub async fn export(conn: &mut Conn, with_credentials: bool) -> StoreResult<Dump> {
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(async move |conn| {
            let mut users: Vec<UserDump> = users::table
                .filter(users::id.ne(SYSTEM_USER))
                .order(users::id)
                .select(UserDump::as_select())
                .load(conn)
                .await?;
            let mut credentials: Vec<CredentialDump> = Vec::new();
            if with_credentials {
                credentials = credentials::table
                    .order(credentials::id)
                    .select(CredentialDump::as_select())
                    .load(conn)
                    .await?;
            } else {
                users.iter_mut().for_each(|user| user.password_hash = None);
            }
            Ok(Dump {
                format: FORMAT.into(),
                version: VERSION,
                schema: latest_schema(),
                with_credentials,
                users,
                pieces: pieces::table
                    .order(pieces::id)
                    .select(PieceDump::as_select())
                    .load(conn)
                    .await?,
                piece_revisions: piece_revisions::table
                    .order((piece_revisions::piece_id, piece_revisions::revision))
                    .select(PieceRevisionDump::as_select())
                    .load(conn)
                    .await?,
                claims: claims::table
                    .order(claims::id)
                    .select(ClaimDump::as_select())
                    .load(conn)
                    .await?,
                evidence: evidence::table
                    .order(evidence::id)
                    .select(EvidenceDump::as_select())
                    .load(conn)
                    .await?,
                notes: notes::table
                    .order(notes::id)
                    .select(NoteDump::as_select())
                    .load(conn)
                    .await?,
                events: events::table
                    .order(events::seq)
                    .select(EventDump::as_select())
                    .load(conn)
                    .await?,
                piece_events: piece_events::table
                    .order(piece_events::seq)
                    .select(PieceEventDump::as_select())
                    .load(conn)
                    .await?,
                credentials,
            })
        })
        .await
}

/// What an import loaded, for its report.
#[derive(Debug, Clone, Copy)]
pub struct Imported {
    pub users: usize,
    /// Users who cannot sign in until someone sets their password.
    pub without_password: usize,
    pub pieces: usize,
    pub claims: usize,
}

/// Loads `dump` into an empty database in one transaction: all of it, or (on any error) none.
pub async fn import(conn: &mut Conn, dump: &Dump) -> StoreResult<Imported> {
    conn.transaction(async move |conn| {
        refuse_unless_empty(conn).await?;
        for chunk in dump.users.chunks(CHUNK) {
            diesel::insert_into(users::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
        for chunk in dump.pieces.chunks(CHUNK) {
            diesel::insert_into(pieces::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
        for chunk in dump.piece_revisions.chunks(CHUNK) {
            diesel::insert_into(piece_revisions::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
        for chunk in dump.claims.chunks(CHUNK) {
            diesel::insert_into(claims::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
        for chunk in dump.evidence.chunks(CHUNK) {
            diesel::insert_into(evidence::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
        for chunk in dump.notes.chunks(CHUNK) {
            diesel::insert_into(notes::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
        insert_events(conn, &dump.events).await?;
        insert_piece_events(conn, &dump.piece_events).await?;
        for chunk in dump.credentials.chunks(CHUNK) {
            diesel::insert_into(credentials::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
        Ok(Imported {
            users: dump.users.len(),
            without_password: dump
                .users
                .iter()
                .filter(|u| u.password_hash.is_none())
                .count(),
            pieces: dump.pieces.len(),
            claims: dump.claims.len(),
        })
    })
    .await
}

/// An import adds to nothing: anyone's work already here would be mixed with the dump's.
async fn refuse_unless_empty(conn: &mut Conn) -> StoreResult<()> {
    let people: i64 = users::table
        .filter(users::id.ne(SYSTEM_USER))
        .count()
        .get_result(conn)
        .await?;
    let pieces: i64 = pieces::table.count().get_result(conn).await?;
    let claims: i64 = claims::table.count().get_result(conn).await?;
    if people + pieces + claims > 0 {
        return Err(StoreError::Conflict(format!(
            "the database is not empty (it holds {}, {} and {}); import only into a new database",
            counted(people, "user"),
            counted(pieces, "piece"),
            counted(claims, "claim"),
        )));
    }
    Ok(())
}

/// "1 claim", "2 claims".
pub fn counted(n: impl Into<i64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `seq` is GENERATED ALWAYS, which Diesel's inserts cannot override: one INSERT … OVERRIDING
/// SYSTEM VALUE from arrays keeps each event's place in the history, and the sequence then
/// continues after the last one. (The append-only triggers refuse UPDATE and DELETE, not INSERT.)
async fn insert_events(conn: &mut Conn, rows: &[EventDump]) -> StoreResult<()> {
    diesel::sql_query(
        "INSERT INTO events (id, seq, claim_id, actor_id, at, kind, field, from_value, to_value, reason, subject_id, revision) \
         OVERRIDING SYSTEM VALUE \
         SELECT * FROM unnest($1::uuid[], $2::int8[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::text[], \
                              $7::text[], $8::text[], $9::text[], $10::text[], $11::uuid[], $12::int4[])",
    )
    .bind::<Array<diesel::sql_types::Uuid>, _>(rows.iter().map(|e| e.id).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(rows.iter().map(|e| e.seq).collect::<Vec<_>>())
    .bind::<Array<diesel::sql_types::Uuid>, _>(rows.iter().map(|e| e.claim_id).collect::<Vec<_>>())
    .bind::<Array<diesel::sql_types::Uuid>, _>(rows.iter().map(|e| e.actor_id).collect::<Vec<_>>())
    .bind::<Array<Timestamptz>, _>(rows.iter().map(|e| e.at).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|e| e.field.as_deref()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(
        rows.iter()
            .map(|e| e.from_value.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|e| e.to_value.as_deref()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|e| e.reason.as_deref()).collect::<Vec<_>>())
    .bind::<Array<Nullable<diesel::sql_types::Uuid>>, _>(
        rows.iter().map(|e| e.subject_id).collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<diesel::sql_types::Integer>>, _>(
        rows.iter().map(|e| e.revision).collect::<Vec<_>>(),
    )
    .execute(conn)
    .await?;
    continue_sequence(conn, "events").await
}

async fn insert_piece_events(conn: &mut Conn, rows: &[PieceEventDump]) -> StoreResult<()> {
    diesel::sql_query(
        "INSERT INTO piece_events (id, seq, piece_id, actor_id, at, field, from_value, to_value, reason) \
         OVERRIDING SYSTEM VALUE \
         SELECT * FROM unnest($1::uuid[], $2::int8[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::text[], \
                              $7::text[], $8::text[], $9::text[])",
    )
    .bind::<Array<diesel::sql_types::Uuid>, _>(rows.iter().map(|e| e.id).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(rows.iter().map(|e| e.seq).collect::<Vec<_>>())
    .bind::<Array<diesel::sql_types::Uuid>, _>(rows.iter().map(|e| e.piece_id).collect::<Vec<_>>())
    .bind::<Array<diesel::sql_types::Uuid>, _>(rows.iter().map(|e| e.actor_id).collect::<Vec<_>>())
    .bind::<Array<Timestamptz>, _>(rows.iter().map(|e| e.at).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|e| e.field.as_str()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(
        rows.iter()
            .map(|e| e.from_value.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|e| e.to_value.as_deref()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|e| e.reason.as_deref()).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    continue_sequence(conn, "piece_events").await
}

/// New history after an import is numbered after the imported history.
async fn continue_sequence(conn: &mut Conn, table: &'static str) -> StoreResult<()> {
    diesel::sql_query(format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'seq'), coalesce(max(seq), 0) + 1, false) FROM {table}"
    ))
    .execute(conn)
    .await?;
    Ok(())
}
