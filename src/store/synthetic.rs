//! `factdesk seed-synthetic`: a realistic made-up newsroom for benchmarks at archive scale
//! (issue 9). About 20 users (`generate::EDITORS` editors, `generate::REVIEWERS` reviewers, one
//! admin; none can sign in), `pieces` pieces published over the two years before `now`, and
//! `claims_per_piece` claims on each, quoting whole sentences of their piece and carrying the
//! evidence, notes, verdicts, sign-offs and history the app itself would have written.
//!
//! Two words are guaranteed for search benchmarks:
//! - `budget` (`COMMON_WORD`), a common word: in about 25% of claims' quotes;
//! - `zeppelin` (`RARE_WORD`), a rare word: in one claim's quote in 10,000, at least one as soon
//!   as there are 1,000 claims, and nowhere else.
//!
//! About 5% of claims reword a claim of an earlier piece (pg_trgm similarity at least 0.5), so
//! "checked before" has real hits.
//!
//! Rows are made by `generate` one batch of pieces at a time on a thread of their own and written
//! here with one `INSERT … SELECT FROM unnest(…)` per table and batch, binding arrays, one
//! transaction per batch, by `conns.len()` writers at once. They go through every trigger and
//! constraint the tables have (the search documents are the triggers' work). A database that
//! already holds a piece is refused before anything is written: nobody floods a real newsroom.
pub mod generate;

use super::database::MIGRATION_LOCK;
use super::dump::UserDump;
use super::schema::{pieces, users};
use super::{Conn, StoreError, StoreResult};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};
pub use generate::{Batch, COMMON_WORD, Generator, Options, RARE_WORD};
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc};

/// Claims per transaction (about): a few thousand rows per statement.
const CLAIMS_PER_BATCH: u32 = 2_000;
/// Rows per statement at most (events are the many).
const ROWS_PER_STATEMENT: usize = 5_000;

/// What a seeding wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seeded {
    pub users: u64,
    pub pieces: u64,
    pub claims: u64,
    pub evidence: u64,
    pub notes: u64,
    pub events: u64,
    /// Claims whose quote has the common word, the rare word; claims rewording an earlier one.
    pub common_quotes: u64,
    pub rare_quotes: u64,
    pub near_duplicates: u64,
}

impl Seeded {
    fn add(&mut self, batch: &Batch) {
        self.pieces += batch.pieces.len() as u64;
        self.claims += batch.claims.len() as u64;
        self.evidence += batch.evidence.len() as u64;
        self.notes += batch.notes.len() as u64;
        self.events += batch.events.len() as u64;
        self.common_quotes += batch.common_quotes;
        self.rare_quotes += batch.rare_quotes;
        self.near_duplicates += batch.near_duplicates;
    }

    fn merge(&mut self, other: Seeded) {
        self.users += other.users;
        self.pieces += other.pieces;
        self.claims += other.claims;
        self.evidence += other.evidence;
        self.notes += other.notes;
        self.events += other.events;
        self.common_quotes += other.common_quotes;
        self.rare_quotes += other.rare_quotes;
        self.near_duplicates += other.near_duplicates;
    }
}

/// Seeds the database the connections reach (at least one; each writes batches in turn).
/// Refuses, writing nothing, a database that holds any piece. A failure part-way leaves the
/// batches already committed: seed a fresh database again.
pub async fn seed(mut conns: Vec<Conn>, options: Options) -> StoreResult<Seeded> {
    let mut generator =
        Generator::new(options).map_err(|e| StoreError::invalid("options", e.to_string()))?;
    let per_batch = (CLAIMS_PER_BATCH / options.claims_per_piece).max(1);
    let mut first = conns
        .pop()
        .ok_or_else(|| StoreError::invalid("connections", "at least one is needed"))?;
    let first_batch = generator
        .next_batch(per_batch)
        .expect("at least one piece is asked for");
    let mut seeded = Seeded {
        users: generator.users().len() as u64,
        ..Seeded::default()
    };
    seeded.add(&first_batch);
    // The check, the users and the first batch in one transaction, under the lock the demo
    // loader takes: an instance starting now sees pieces and loads no demo among them.
    let users: Vec<UserDump> = generator
        .users()
        .iter()
        .map(|user| UserDump {
            id: user.id,
            name: user.name.clone(),
            email: user.email.clone(),
            role: user.role.as_str().to_owned(),
            disabled: false,
            created_at: user.created_at,
            password_hash: None,
        })
        .collect();
    first
        .transaction(async |conn| {
            conn.batch_execute(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
                .await?;
            let pieces: i64 = pieces::table.count().get_result(conn).await?;
            if pieces > 0 {
                return Err(StoreError::Conflict(format!(
                    "the database already holds {}; seed-synthetic fills only a database without any, so it never mixes made-up claims into a newsroom's",
                    super::dump::counted(pieces, "piece")
                )));
            }
            diesel::insert_into(users::table)
                .values(&users)
                .execute(conn)
                .await?;
            insert(conn, &first_batch).await
        })
        .await?;
    drop(first_batch);

    // The generator runs on a thread of its own, two batches ahead of the writers at most.
    let (sender, receiver) = mpsc::channel::<Batch>(2);
    let making = std::thread::spawn(move || {
        while let Some(batch) = generator.next_batch(per_batch) {
            if sender.blocking_send(batch).is_err() {
                break; // A writer failed: stop making batches nobody will write.
            }
        }
    });
    let receiver = Arc::new(Mutex::new(receiver));
    conns.push(first);
    let mut writers = Vec::new();
    for mut conn in conns {
        let receiver = Arc::clone(&receiver);
        writers.push(tokio::spawn(async move {
            let mut written = Seeded::default();
            loop {
                let next = receiver.lock().await.recv().await;
                let Some(batch) = next else {
                    return Ok((conn, written));
                };
                conn.transaction(async |conn| insert(conn, &batch).await)
                    .await?;
                written.add(&batch);
            }
        }));
    }
    let mut failure = None;
    let mut last_conn = None;
    for writer in writers {
        match writer.await {
            Ok(Ok((conn, written))) => {
                seeded.merge(written);
                last_conn = Some(conn);
            }
            Ok(Err(error)) => {
                // The others stop as the generator does, once no one takes its batches.
                receiver.lock().await.close();
                failure.get_or_insert(error);
            }
            Err(panic) => std::panic::resume_unwind(panic.into_panic()),
        }
    }
    drop(receiver);
    if making.join().is_err() {
        return Err(StoreError::Conflict(
            "the generator of synthetic rows failed".into(),
        ));
    }
    if let Some(error) = failure {
        return Err(error);
    }
    // History was numbered by the generator: the app's next event comes after it.
    let mut conn = last_conn.expect("at least one writer");
    diesel::sql_query(
        "SELECT setval(pg_get_serial_sequence('events', 'seq'), coalesce(max(seq), 0) + 1, false) FROM events",
    )
    .execute(&mut conn)
    .await?;
    // What autovacuum would do within a minute or so, done before anyone measures: statistics
    // for the planner (without them a rare word is planned as a common one), the GIN index's
    // pending list flushed, and the visibility map that index-only scans rely on.
    conn.batch_execute(
        "VACUUM (ANALYZE) pieces, claims, claim_search, evidence, notes, events, piece_progress",
    )
    .await?;
    Ok(seeded)
}

/// One batch, table by table in the order of their foreign keys.
async fn insert(conn: &mut Conn, batch: &Batch) -> StoreResult<()> {
    insert_pieces(conn, batch).await?;
    for claims in batch.claims.chunks(ROWS_PER_STATEMENT) {
        insert_claims(conn, claims).await?;
    }
    for evidence in batch.evidence.chunks(ROWS_PER_STATEMENT) {
        insert_evidence(conn, evidence).await?;
    }
    for notes in batch.notes.chunks(ROWS_PER_STATEMENT) {
        insert_notes(conn, notes).await?;
    }
    for events in batch.events.chunks(ROWS_PER_STATEMENT) {
        insert_events(conn, events).await?;
    }
    Ok(())
}

/// Authors travel as one text per piece (an array of arrays would be flattened by `unnest`).
const AUTHOR_SEPARATOR: char = '\u{1f}';

async fn insert_pieces(conn: &mut Conn, batch: &Batch) -> StoreResult<()> {
    let rows = &batch.pieces;
    diesel::sql_query(
        "INSERT INTO pieces (id, title, outlet, url, authors, published_at, body, version, \
                             created_at, created_by, updated_at, updated_by) \
         SELECT id, title, outlet, url, \
                CASE WHEN authors = '' THEN '{}'::text[] ELSE string_to_array(authors, chr(31)) END, \
                published_at, body, 1, created_at, created_by, created_at, created_by \
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], \
                       $6::timestamptz[], $7::text[], $8::timestamptz[], $9::uuid[]) \
             AS t(id, title, outlet, url, authors, published_at, body, created_at, created_by)",
    )
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|p| p.id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|p| p.title.as_str()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|p| p.outlet.as_deref()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|p| p.url.as_deref()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(
        rows.iter()
            .map(|p| p.authors.join(&AUTHOR_SEPARATOR.to_string()))
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Timestamptz>, _>(rows.iter().map(|p| p.published_at).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|p| p.body.as_str()).collect::<Vec<_>>())
    .bind::<Array<Timestamptz>, _>(rows.iter().map(|p| p.created_at).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|p| p.created_by).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_claims(conn: &mut Conn, rows: &[generate::Claim]) -> StoreResult<()> {
    let position = |chars: usize| i32::try_from(chars).expect("bodies are far shorter");
    diesel::sql_query(
        "INSERT INTO claims (id, piece_id, quote_exact, quote_prefix, quote_suffix, quote_start, \
                             quote_end, claimant, summary, status, status_reason, priority, \
                             assignee_id, version, created_at, created_by, updated_at, updated_by, \
                             verdict_by, verdict_at, signed_off_by, signed_off_at, signoff_note, \
                             claimant_kind) \
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], \
                              $6::int4[], $7::int4[], $8::text[], $9::text[], $10::text[], \
                              $11::text[], $12::text[], $13::uuid[], $14::int4[], \
                              $15::timestamptz[], $16::uuid[], $17::timestamptz[], $18::uuid[], \
                              $19::uuid[], $20::timestamptz[], $21::uuid[], $22::timestamptz[], \
                              $23::text[], $24::text[])",
    )
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|c| c.id).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|c| c.piece_id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(
        rows.iter()
            .map(|c| c.selector.exact.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(
        rows.iter()
            .map(|c| c.selector.prefix.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(
        rows.iter()
            .map(|c| c.selector.suffix.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Integer>, _>(
        rows.iter()
            .map(|c| position(c.selector.start))
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Integer>, _>(
        rows.iter()
            .map(|c| position(c.selector.end))
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(rows.iter().map(|c| c.claimant.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|c| c.summary.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|c| c.status.as_str()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(
        rows.iter()
            .map(|c| c.status_reason.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(rows.iter().map(|c| c.priority.as_str()).collect::<Vec<_>>())
    .bind::<Array<Nullable<SqlUuid>>, _>(rows.iter().map(|c| c.assignee).collect::<Vec<_>>())
    .bind::<Array<Integer>, _>(rows.iter().map(|c| c.version).collect::<Vec<_>>())
    .bind::<Array<Timestamptz>, _>(rows.iter().map(|c| c.created_at).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|c| c.created_by).collect::<Vec<_>>())
    .bind::<Array<Timestamptz>, _>(rows.iter().map(|c| c.updated_at).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|c| c.updated_by).collect::<Vec<_>>())
    .bind::<Array<Nullable<SqlUuid>>, _>(rows.iter().map(|c| c.verdict_by).collect::<Vec<_>>())
    .bind::<Array<Nullable<Timestamptz>>, _>(rows.iter().map(|c| c.verdict_at).collect::<Vec<_>>())
    .bind::<Array<Nullable<SqlUuid>>, _>(rows.iter().map(|c| c.signed_off_by).collect::<Vec<_>>())
    .bind::<Array<Nullable<Timestamptz>>, _>(
        rows.iter().map(|c| c.signed_off_at).collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<Text>>, _>(
        rows.iter()
            .map(|c| c.signoff_note.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(
        rows.iter()
            .map(|c| c.claimant_kind.as_str())
            .collect::<Vec<_>>(),
    )
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_evidence(conn: &mut Conn, rows: &[generate::Evidence]) -> StoreResult<()> {
    diesel::sql_query(
        "INSERT INTO evidence (id, claim_id, url, title, publisher, stance, note, archived_url, \
                               added_at, added_by) \
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], \
                              $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::uuid[])",
    )
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|e| e.id).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|e| e.claim_id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|e| e.url.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|e| e.title.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(
        rows.iter()
            .map(|e| e.publisher.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(rows.iter().map(|e| e.stance.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|e| e.note.as_str()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(
        rows.iter()
            .map(|e| e.archived_url.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Timestamptz>, _>(rows.iter().map(|e| e.added_at).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|e| e.added_by).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_notes(conn: &mut Conn, rows: &[generate::Note]) -> StoreResult<()> {
    diesel::sql_query(
        "INSERT INTO notes (id, claim_id, author_id, body, created_at) \
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[])",
    )
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|n| n.id).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|n| n.claim_id).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|n| n.author_id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|n| n.body.as_str()).collect::<Vec<_>>())
    .bind::<Array<Timestamptz>, _>(rows.iter().map(|n| n.created_at).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}

/// `seq` is GENERATED ALWAYS: the generator numbers the history itself (OVERRIDING SYSTEM
/// VALUE), so the rows are the same whichever writer commits first.
async fn insert_events(conn: &mut Conn, rows: &[generate::Event]) -> StoreResult<()> {
    diesel::sql_query(
        "INSERT INTO events (id, seq, claim_id, actor_id, at, kind, field, from_value, to_value, \
                             reason, subject_id) \
         OVERRIDING SYSTEM VALUE \
         SELECT * FROM unnest($1::uuid[], $2::int8[], $3::uuid[], $4::uuid[], $5::timestamptz[], \
                              $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], \
                              $11::uuid[])",
    )
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|e| e.id).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(rows.iter().map(|e| e.seq).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|e| e.claim_id).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(rows.iter().map(|e| e.actor_id).collect::<Vec<_>>())
    .bind::<Array<Timestamptz>, _>(rows.iter().map(|e| e.at).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(rows.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|e| e.field).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|e| e.from.as_deref()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|e| e.to.as_deref()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|e| e.reason.as_deref()).collect::<Vec<_>>())
    .bind::<Array<Nullable<SqlUuid>>, _>(rows.iter().map(|e| e.subject).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}
