//! Claims: a quote anchored in a piece, what it asserts, and where its verification stands.
use super::events::{self, Change};
use super::evidence::Evidence;
use super::models::{ClaimRow, NewClaimRow, PieceHead};
use super::notes::{self, Note};
use super::pieces::Piece;
use super::schema::{claims, pieces, users};
use super::{Conn, StoreError, StoreResult, pieces as piece_store, search};
use crate::domain::anchor::anchor;
use crate::domain::history::EventKind;
use crate::domain::workflow::{
    Priority, Status, TransitionFacts, check_sign_off, check_transition,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

/// W3C Web Annotation TextQuoteSelector and TextPositionSelector in one (positions in Unicode characters).
#[derive(Debug, Clone, Serialize)]
pub struct Selector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub start: i32,
    pub end: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub id: Uuid,
    pub piece_id: Uuid,
    pub piece_title: String,
    pub selector: Selector,
    pub claimant: String,
    pub summary: String,
    pub status: Status,
    pub status_reason: Option<String>,
    pub priority: Priority,
    pub assignee: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: Uuid,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Uuid,
    /// Who set the current verdict, and when (none while there is no verdict).
    pub verdict_by: Option<Uuid>,
    pub verdict_at: Option<DateTime<Utc>>,
    /// Who else signed the verdict off, and when (the two-person rule).
    pub signed_off_by: Option<Uuid>,
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signoff_note: Option<String>,
}

impl Claim {
    pub(super) fn from_row(row: ClaimRow, piece_title: String) -> Self {
        Claim {
            id: row.id,
            piece_id: row.piece_id,
            piece_title,
            selector: Selector {
                exact: row.quote_exact,
                prefix: row.quote_prefix,
                suffix: row.quote_suffix,
                start: row.quote_start,
                end: row.quote_end,
            },
            claimant: row.claimant,
            summary: row.summary,
            status: row.status,
            status_reason: row.status_reason,
            priority: row.priority,
            assignee: row.assignee_id,
            version: row.version,
            created_at: row.created_at,
            created_by: row.created_by,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
            verdict_by: row.verdict_by,
            verdict_at: row.verdict_at,
            signed_off_by: row.signed_off_by,
            signed_off_at: row.signed_off_at,
            signoff_note: row.signoff_note,
        }
    }
}

/// A claim with what hangs off it: its current evidence and its notes.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimDetail {
    #[serde(flatten)]
    pub claim: Claim,
    pub evidence: Vec<Evidence>,
    pub notes: Vec<Note>,
}

/// A validated new claim; `start` picks an occurrence when the quote appears more than once.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub quote: String,
    pub start: Option<usize>,
    pub claimant: String,
    pub summary: String,
    pub priority: Priority,
}

/// What a PATCH asks to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ClaimChanges {
    pub status: Option<Status>,
    pub reason: Option<String>,
    pub summary: Option<String>,
    pub claimant: Option<String>,
    pub priority: Option<Priority>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<Uuid>>,
}

impl ClaimChanges {
    /// Whether the claim's status or wording would change (as opposed to its assignment alone).
    pub fn edits_claim(&self) -> bool {
        self.status.is_some()
            || self.summary.is_some()
            || self.claimant.is_some()
            || self.priority.is_some()
    }
}

/// The function a claim's edit is written through. Its arguments are the claim's columns: the
/// function is a statement Diesel prepares once, where an UPDATE it never would.
#[allow(clippy::too_many_arguments)]
mod write {
    use diesel::sql_types::{Integer, Nullable, Text, Timestamptz, Uuid};

    diesel::define_sql_function! {
        /// Writes a claim's edit: every changeable column, new or as it was (migration 000009),
        /// if the claim is still at `expected_version`; false if it is not.
        fn claim_write(
            claim: Uuid,
            expected_version: Integer,
            status: Text,
            reason: Nullable<Text>,
            verdict_by: Nullable<Uuid>,
            verdict_at: Nullable<Timestamptz>,
            signed_off_by: Nullable<Uuid>,
            signed_off_at: Nullable<Timestamptz>,
            signoff_note: Nullable<Text>,
            summary: Text,
            claimant: Text,
            priority: Text,
            assignee: Nullable<Uuid>,
            actor: Uuid,
            at: Timestamptz,
        ) -> Bool;
    }
}
use write::claim_write;

pub async fn create(
    conn: &mut Conn,
    actor: Uuid,
    piece: Uuid,
    new: &NewClaim,
) -> StoreResult<Claim> {
    conn.transaction(async move |conn| {
        let (title, body) = piece_store::body_for_anchoring(conn, piece).await?;
        let selector = anchor(&body, &new.quote, new.start).map_err(StoreError::from_anchor)?;
        let (start, end) = (position(selector.start)?, position(selector.end)?);
        let row: ClaimRow = diesel::insert_into(claims::table)
            .values(NewClaimRow {
                id: Uuid::new_v4(),
                piece_id: piece,
                quote_exact: &selector.exact,
                quote_prefix: &selector.prefix,
                quote_suffix: &selector.suffix,
                quote_start: start,
                quote_end: end,
                claimant: &new.claimant,
                summary: &new.summary,
                priority: new.priority.as_str(),
                created_by: actor,
                updated_by: actor,
            })
            .returning(ClaimRow::as_returning())
            .get_result(conn)
            .await?;
        let to = Status::Unchecked.as_str();
        events::record(
            conn,
            row.id,
            actor,
            EventKind::Created,
            Change {
                to: Some(to),
                ..Change::default()
            },
        )
        .await?;
        Ok(Claim::from_row(row, title))
    })
    .await
}

fn position(chars: usize) -> StoreResult<i32> {
    i32::try_from(chars)
        .map_err(|_| StoreError::invalid("quote", "the piece is too long to anchor in"))
}

pub async fn get(conn: &mut Conn, id: Uuid) -> StoreResult<ClaimDetail> {
    Ok(get_with_piece(conn, id).await?.0)
}

/// `get`, and the details of the claim's piece, in the same one statement: the claim, its
/// piece, its evidence and its notes.
pub async fn get_with_piece(mut conn: &Conn, id: Uuid) -> StoreResult<(ClaimDetail, Piece)> {
    let (row, piece, evidence, notes): (ClaimRow, PieceHead, String, String) = claims::table
        .inner_join(pieces::table)
        .filter(claims::id.eq(id))
        .select((
            ClaimRow::as_select(),
            PieceHead::as_select(),
            claim_evidence_json(claims::id),
            claim_notes_json(claims::id),
        ))
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(StoreError::NotFound { kind: "claim", id })?;
    let evidence: Vec<Evidence> = from_json(&evidence)?;
    let notes: Vec<notes::NoteJson> = from_json(&notes)?;
    let detail = ClaimDetail {
        claim: Claim::from_row(row, piece.title.clone()),
        evidence,
        notes: notes.into_iter().map(Note::from).collect(),
    };
    Ok((detail, Piece::from(piece)))
}

diesel::define_sql_function! {
    /// The claim's current evidence as a JSON array, oldest first (migration 000007).
    fn claim_evidence_json(claim: diesel::sql_types::Uuid) -> diesel::sql_types::Text;
}
diesel::define_sql_function! {
    /// The claim's notes with their authors' names as a JSON array, oldest first (migration 000007).
    fn claim_notes_json(claim: diesel::sql_types::Uuid) -> diesel::sql_types::Text;
}

/// Rows the database wrote as JSON: failing to read them is a fault, like any other row.
pub(super) fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> StoreResult<T> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Db(diesel::result::Error::DeserializationError(Box::new(e))))
}

/// A piece's claims in text order, as rows (the caller has the piece's title).
pub(super) async fn for_piece(mut conn: &Conn, piece: Uuid) -> StoreResult<Vec<ClaimRow>> {
    Ok(claims::table
        .filter(claims::piece_id.eq(piece))
        .order((
            claims::quote_start.asc(),
            claims::quote_end.desc(),
            claims::id.asc(),
        ))
        .select(ClaimRow::as_select())
        .load(&mut conn)
        .await?)
}

/// Marks the claim as changed (without a new version: evidence and notes are not edits of the
/// claim itself) and locks its row for the rest of the transaction, so a verdict and the removal
/// of its evidence cannot interleave.
pub(super) async fn touch(conn: &mut Conn, id: Uuid, actor: Uuid) -> StoreResult<()> {
    let touched = diesel::update(claims::table.find(id))
        .set((
            claims::updated_at.eq(diesel::dsl::now),
            claims::updated_by.eq(actor),
        ))
        .execute(conn)
        .await?;
    if touched == 0 {
        return Err(StoreError::NotFound { kind: "claim", id });
    }
    Ok(())
}

/// The claim's row, locked until the transaction ends.
pub(super) async fn locked(conn: &mut Conn, id: Uuid) -> StoreResult<ClaimRow> {
    claims::table
        .find(id)
        .select(ClaimRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or(StoreError::NotFound { kind: "claim", id })
}

/// Applies `changes` if the claim is still at one of the `expected` versions. The row lock and the version
/// predicate let the database, not the app, decide a race: exactly one writer wins.
pub async fn update(
    conn: &mut Conn,
    actor: Uuid,
    id: Uuid,
    expected: &[i32],
    changes: &ClaimChanges,
) -> StoreResult<ClaimDetail> {
    conn.transaction(async move |conn| {
        let (current, facts) = locked_for_change(conn, id).await?;
        super::at_version("claim", expected, current.version)?;
        apply(conn, actor, &current, &facts, changes).await?;
        // Read in the same transaction: the answer shows exactly this write.
        get(conn, id).await
    })
    .await
}

/// What a change is checked against and stamped with, read with the claim's lock.
struct ChangeFacts {
    /// Evidence not removed.
    evidence_count: usize,
    /// The database's clock, as for every other time in the record.
    now: DateTime<Utc>,
}

/// The claim locked for a change, its evidence counted and the database's clock read by the
/// same statement (one round trip, not three, on the path every status change takes).
async fn locked_for_change(conn: &mut Conn, id: Uuid) -> StoreResult<(ClaimRow, ChangeFacts)> {
    use super::schema::evidence;
    let evidence_count = evidence::table
        .filter(evidence::claim_id.eq(claims::id))
        .filter(evidence::removed_at.is_null())
        .count()
        .single_value();
    let (row, count, now): (ClaimRow, Option<i64>, DateTime<Utc>) = claims::table
        .find(id)
        .select((
            ClaimRow::as_select(),
            evidence_count,
            diesel::dsl::now.into_sql::<diesel::sql_types::Timestamptz>(),
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or(StoreError::NotFound { kind: "claim", id })?;
    let facts = ChangeFacts {
        evidence_count: usize::try_from(count.unwrap_or(0)).unwrap_or(0),
        now,
    };
    Ok((row, facts))
}

async fn apply(
    conn: &mut Conn,
    actor: Uuid,
    current: &ClaimRow,
    facts: &ChangeFacts,
    changes: &ClaimChanges,
) -> StoreResult<()> {
    let reason = changes.reason.as_deref();
    let status = match changes.status {
        Some(to) => {
            check_transition(
                current.status,
                to,
                &TransitionFacts {
                    evidence_count: facts.evidence_count,
                    reason,
                },
            )?;
            Some(to)
        }
        None => None,
    };
    if let Some(Some(assignee)) = changes.assignee {
        let assignable: i64 = users::table
            .filter(users::id.eq(assignee))
            .filter(users::id.ne(super::SYSTEM_USER))
            .filter(users::disabled.eq(false))
            .count()
            .get_result(conn)
            .await?;
        if assignable == 0 {
            return Err(StoreError::invalid(
                "assignee",
                format!("no active user has the id `{assignee}`"),
            ));
        }
    }

    let summary = differs(&changes.summary, &current.summary);
    let claimant = differs(&changes.claimant, &current.claimant);
    let priority = changes.priority.filter(|p| *p != current.priority);
    let assignee = changes.assignee.filter(|a| *a != current.assignee_id);
    if status.is_none()
        && summary.is_none()
        && claimant.is_none()
        && priority.is_none()
        && assignee.is_none()
    {
        return Ok(());
    }

    // A sign-off is of a verdict on these words: a new status or new wording voids it.
    let voids_sign_off = current.signed_off_by.is_some()
        && (status.is_some() || summary.is_some() || claimant.is_some());
    let now = facts.now;
    // Each column as it will be: a new status brings a new verdict (set by the actor) or none.
    let (reason_now, verdict_by, verdict_at) = match status {
        Some(to) => (
            reason,
            to.is_verdict().then_some(actor),
            to.is_verdict().then_some(now),
        ),
        None => (
            current.status_reason.as_deref(),
            current.verdict_by,
            current.verdict_at,
        ),
    };
    let (signed_off_by, signed_off_at, signoff_note) = if voids_sign_off {
        (None, None, None)
    } else {
        (
            current.signed_off_by,
            current.signed_off_at,
            current.signoff_note.as_deref(),
        )
    };
    let written: bool = diesel::select(claim_write(
        current.id,
        current.version,
        status.map_or(current.status.as_str(), |to| to.as_str()),
        reason_now,
        verdict_by,
        verdict_at,
        signed_off_by,
        signed_off_at,
        signoff_note,
        summary.unwrap_or(&current.summary),
        claimant.unwrap_or(&current.claimant),
        priority.unwrap_or(current.priority).as_str(),
        assignee.unwrap_or(current.assignee_id),
        actor,
        now,
    ))
    .get_result(conn)
    .await?;
    if !written {
        return Err(StoreError::Stale {
            what: "claim",
            current: current.version + 1,
        });
    }

    if let Some(to) = status {
        let change = Change {
            from: Some(current.status.as_str()),
            to: Some(to.as_str()),
            reason,
            ..Change::default()
        };
        events::record(conn, current.id, actor, EventKind::StatusChanged, change).await?;
    }
    let uuid_text = |id: Option<Uuid>| id.map(|id| id.to_string());
    let (old_assignee, new_assignee) = (uuid_text(current.assignee_id), assignee.map(uuid_text));
    let edits = [
        ("summary", Some(current.summary.as_str()), summary.map(Some)),
        (
            "claimant",
            Some(current.claimant.as_str()),
            claimant.map(Some),
        ),
        (
            "priority",
            Some(current.priority.as_str()),
            priority.map(|to| Some(to.as_str())),
        ),
        (
            "assignee",
            old_assignee.as_deref(),
            new_assignee.as_ref().map(Option::as_deref),
        ),
    ];
    for (field, from, to) in edits {
        if let Some(to) = to {
            let change = Change {
                field: Some(field),
                from,
                to,
                reason,
                subject: None,
            };
            events::record(conn, current.id, actor, EventKind::Edited, change).await?;
        }
    }
    // Last, as its consequence: the sign-off was of the claim as it was.
    if voids_sign_off {
        record_void(conn, current, actor, reason).await?;
    }
    Ok(())
}

/// Records that a sign-off no longer holds (its columns are cleared by the caller's update).
pub(super) async fn record_void(
    conn: &mut Conn,
    claim: &ClaimRow,
    actor: Uuid,
    reason: Option<&str>,
) -> StoreResult<()> {
    let signer = claim.signed_off_by.map(|id| id.to_string());
    let change = Change {
        from: signer.as_deref(),
        reason,
        ..Change::default()
    };
    events::record(conn, claim.id, actor, EventKind::SignoffVoided, change).await
}

/// Clears a sign-off that no longer holds, as a change of the claim (a new version).
pub(super) async fn void_sign_off(
    conn: &mut Conn,
    claim: &ClaimRow,
    actor: Uuid,
    why: &str,
) -> StoreResult<()> {
    diesel::update(claims::table.find(claim.id))
        .set((
            claims::signed_off_by.eq(None::<Uuid>),
            claims::signed_off_at.eq(None::<DateTime<Utc>>),
            claims::signoff_note.eq(None::<String>),
            claims::version.eq(claim.version + 1),
            claims::updated_at.eq(diesel::dsl::now),
            claims::updated_by.eq(actor),
        ))
        .execute(conn)
        .await?;
    record_void(conn, claim, actor, Some(why)).await
}

/// Signs off the current verdict, as the signer saw it (`expected` versions): the two-person
/// rule says the person who set it cannot.
pub async fn sign_off(
    conn: &mut Conn,
    actor: Uuid,
    id: Uuid,
    expected: &[i32],
    note: Option<&str>,
) -> StoreResult<ClaimDetail> {
    conn.transaction(async move |conn| {
        let current = locked(conn, id).await?;
        super::at_version("claim", expected, current.version)?;
        check_sign_off(
            current.status,
            current.signed_off_by.is_some(),
            current.verdict_by == Some(actor),
        )?;
        diesel::update(claims::table.find(id))
            .set((
                claims::signed_off_by.eq(actor),
                claims::signed_off_at.eq(diesel::dsl::now),
                claims::signoff_note.eq(note),
                claims::version.eq(current.version + 1),
                claims::updated_at.eq(diesel::dsl::now),
                claims::updated_by.eq(actor),
            ))
            .execute(conn)
            .await?;
        let change = Change {
            to: Some(current.status.as_str()),
            reason: note,
            ..Change::default()
        };
        events::record(conn, id, actor, EventKind::SignedOff, change).await?;
        get(conn, id).await
    })
    .await
}

/// The new value, when it is one.
fn differs<'a>(new: &'a Option<String>, old: &str) -> Option<&'a str> {
    new.as_deref().filter(|new| *new != old)
}

/// Where a page of claims ends: the last item's change time and id (newest change first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.timestamp_micros(), self.id.simple())
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let (micros, id) = text.split_once('.')?;
        let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        // Postgres keeps timestamps only within its own range: keep to the years people use.
        if !(0..=9999).contains(&at.year()) {
            return None;
        }
        Some(Cursor {
            at,
            id: Uuid::try_parse(id).ok()?,
        })
    }
}

/// Where a page of a search with words ends: the last item's rank and id (best match first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankCursor {
    pub rank: f32,
    pub id: Uuid,
}

impl RankCursor {
    /// `r` and the rank's exact bits, so the next page starts exactly after it.
    pub fn encode(&self) -> String {
        format!("r{:08x}.{}", self.rank.to_bits(), self.id.simple())
    }

    pub fn decode(text: &str) -> Option<RankCursor> {
        let (bits, id) = text.strip_prefix('r')?.split_once('.')?;
        if bits.len() != 8 {
            return None;
        }
        let rank = f32::from_bits(u32::from_str_radix(bits, 16).ok()?);
        // ts_rank gives finite ranks of zero or more; anything else was not given out.
        if !rank.is_finite() || rank < 0.0 {
            return None;
        }
        Some(RankCursor {
            rank,
            id: Uuid::try_parse(id).ok()?,
        })
    }
}

/// Where the previous page ended, in the order of the listing it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum After {
    Changed(Cursor),
    Ranked(RankCursor),
}

impl After {
    pub fn encode(&self) -> String {
        match self {
            After::Changed(cursor) => cursor.encode(),
            After::Ranked(cursor) => cursor.encode(),
        }
    }

    pub fn decode(text: &str) -> Option<After> {
        RankCursor::decode(text)
            .map(After::Ranked)
            .or_else(|| Cursor::decode(text).map(After::Changed))
    }
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub piece: Option<Uuid>,
    pub status: Option<Status>,
    pub assignee: Option<Uuid>,
    /// Words to search for (see `store::search`); here, in `list`, they filter without ranking.
    pub words: Option<String>,
    /// Verdicts set on or after this day, and on or before `verdict_to` (days in UTC); a claim
    /// without a verdict is outside any range.
    pub verdict_from: Option<NaiveDate>,
    pub verdict_to: Option<NaiveDate>,
    pub limit: i64,
    pub after: Option<After>,
}

impl ClaimFilter {
    /// The same filter without words: what a search whose words are all too common to index
    /// ("the", "%") is taken to mean.
    pub fn without_words(&self) -> ClaimFilter {
        ClaimFilter {
            words: None,
            ..self.clone()
        }
    }
}

/// Midnight UTC starting `day`.
pub(super) fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The first instant after `day` (UTC), or none past the end of the calendar.
pub(super) fn end_of(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.succ_opt().map(start_of)
}

/// Adds a `ClaimFilter`'s conditions (all but its cursor and limit) to a boxed query of claims,
/// whatever it joins and selects: the listing, its counts by status and the ranked search all
/// filter through here, so they always agree on what matches. A macro rather than a function:
/// each query has its own source type, and Diesel checks every condition against it.
macro_rules! filtered {
    ($query:expr, $filter:expr) => {{
        use $crate::store::schema;
        let filter: &$crate::store::claims::ClaimFilter = $filter;
        let mut query = $query;
        if let Some(piece) = filter.piece {
            query = query.filter(schema::claims::piece_id.eq(piece));
        }
        if let Some(status) = filter.status {
            query = query.filter(schema::claims::status.eq(status.as_str()));
        }
        if let Some(assignee) = filter.assignee {
            query = query.filter(schema::claims::assignee_id.eq(assignee));
        }
        if let Some(from) = filter.verdict_from {
            let start = $crate::store::claims::start_of(from);
            query = query.filter(schema::claims::verdict_at.assume_not_null().ge(start));
        }
        if let Some(to) = filter.verdict_to {
            query = match $crate::store::claims::end_of(to) {
                Some(end) => query.filter(schema::claims::verdict_at.assume_not_null().lt(end)),
                // The calendar's last day: every verdict is on or before it.
                None => query.filter(schema::claims::verdict_at.is_not_null()),
            };
        }
        if let Some(words) = &filter.words {
            // A plain semi-join on the GIN index: words that are all stop words never get here
            // (`search::effective` drops them first), so no `OR` keeps the planner from joining.
            query = query.filter(schema::claims::id.eq_any($crate::store::search::matching(words)));
        }
        query
    }};
}
pub(super) use filtered;

#[derive(Debug, Clone, Serialize)]
pub struct ClaimPage {
    pub items: Vec<Claim>,
    pub next_cursor: Option<String>,
}

/// Claims across pieces, newest change first, one keyset page at a time.
pub async fn list(mut conn: &Conn, filter: &ClaimFilter) -> StoreResult<ClaimPage> {
    let query = claims::table
        .inner_join(pieces::table)
        .select((ClaimRow::as_select(), pieces::title))
        .order((claims::updated_at.desc(), claims::id.desc()))
        .limit(filter.limit + 1)
        .into_boxed();
    let mut query = filtered!(query, filter);
    match filter.after {
        Some(After::Changed(after)) => {
            query = query.filter(
                claims::updated_at
                    .lt(after.at)
                    .or(claims::updated_at.eq(after.at).and(claims::id.lt(after.id))),
            );
        }
        Some(After::Ranked(_)) => return Err(not_this_listing()),
        None => {}
    }
    let mut rows: Vec<(ClaimRow, String)> = query.load(&mut conn).await?;
    let more = rows.len() as i64 > filter.limit;
    rows.truncate(filter.limit as usize);
    let next_cursor = more
        .then(|| {
            rows.last().map(|(row, _)| {
                Cursor {
                    at: row.updated_at,
                    id: row.id,
                }
                .encode()
            })
        })
        .flatten();
    Ok(ClaimPage {
        items: rows
            .into_iter()
            .map(|(row, title)| Claim::from_row(row, title))
            .collect(),
        next_cursor,
    })
}

/// A cursor of the other order: a page of a search with words given to one without, or back.
pub(super) fn not_this_listing() -> StoreError {
    StoreError::invalid(
        "cursor",
        "is a page of a search in another order (with or without words); start again from the first page",
    )
}

/// Counts by status stop here: past it a page says "more than 1,000", which is what a person
/// can use, and counting every claim of a common word would cost in proportion to the archive.
pub const COUNT_CAP: i64 = 1000;

/// How many claims match a filter at each status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCounts {
    /// Every status, each with its count (up to `COUNT_CAP + 1`, "more than the cap").
    pub counts: Vec<(Status, i64)>,
    /// More than `COUNT_CAP` claims match a common word: the counts are those of the
    /// `COUNT_CAP` most recently changed matches, and sum to it.
    pub among_newest: bool,
}

/// How many claims match `filter` at each status (its `status`, cursor and limit aside), every
/// status listed. Without words, each status is counted up to `COUNT_CAP + 1`: one bounded
/// query per status, pipelined on the one connection so they cost about one round trip. A rare
/// word's matches are read once and counted whole (or, past a few thousand, as without words).
/// A common word's matches are walked once, newest first, up to `COUNT_CAP`, as the ranking
/// walks them: counting each status's own `COUNT_CAP` would look up about four times as many
/// documents per status (most of a search page's time).
pub async fn count_by_status(conn: &mut Conn, filter: &ClaimFilter) -> StoreResult<StatusCounts> {
    let walked = match &filter.words {
        Some(words) => search::walks(conn, words, COUNT_CAP + 1).await?,
        None => false,
    };
    count_by_status_walked(conn, filter, walked).await
}

/// `count_by_status`, told whether the words are common enough to walk for
/// (`search::walks`, which a search has already asked).
pub(super) async fn count_by_status_walked(
    conn: &mut Conn,
    filter: &ClaimFilter,
    walked: bool,
) -> StoreResult<StatusCounts> {
    if let Some(words) = filter.words.as_deref().filter(|_| walked) {
        return count_newest_matches(conn, filter, words).await;
    }
    if filter.words.is_some()
        && let Some(counts) = count_few_matches(conn, filter).await?
    {
        return Ok(counts);
    }
    let counted = |status: Status| {
        let one_status = ClaimFilter {
            status: Some(status),
            ..filter.clone()
        };
        let query = claims::table
            .select(claims::id)
            .limit(COUNT_CAP + 1)
            .into_boxed();
        match &filter.words {
            // Newest first, as `claims_status_idx` is ordered: the count walks that index and
            // stops at the cap, even for a status with few claims.
            None => filtered!(query, &one_status).order(claims::updated_at.desc()),
            // A rare word's few matches are joined, in no order: walking a status for them
            // would read all its claims.
            Some(_) => filtered!(query, &one_status),
        }
    };
    let shared: &Conn = conn;
    let loads = Status::ALL.iter().map(|status| {
        let query = counted(*status);
        async move {
            let mut conn = shared;
            let ids: Vec<Uuid> = query.load(&mut conn).await?;
            Ok::<_, StoreError>((*status, ids.len() as i64))
        }
    });
    Ok(StatusCounts {
        counts: futures_util::future::try_join_all(loads).await?,
        among_newest: false,
    })
}

/// `count_by_status` for a rare word: the statuses of all its matches, read through the full-text
/// index once rather than once per status, when they are few enough to count each status fully
/// (none, when there are more: each status is then counted up to its cap).
async fn count_few_matches(
    conn: &mut Conn,
    filter: &ClaimFilter,
) -> StoreResult<Option<StatusCounts>> {
    let most = (COUNT_CAP + 1) * Status::ALL.len() as i64;
    let query = claims::table
        .select(claims::status)
        .limit(most)
        .into_boxed();
    let any_status = ClaimFilter {
        status: None,
        ..filter.clone()
    };
    let statuses: Vec<Status> = filtered!(query, &any_status).load(conn).await?;
    if statuses.len() as i64 >= most {
        return Ok(None);
    }
    let counts = Status::ALL
        .iter()
        .map(|status| {
            let n = statuses.iter().filter(|s| *s == status).count() as i64;
            (*status, n.min(COUNT_CAP + 1))
        })
        .collect();
    Ok(Some(StatusCounts {
        counts,
        among_newest: false,
    }))
}

/// `count_by_status` for a common word: the statuses of the newest `COUNT_CAP` matches.
async fn count_newest_matches(
    conn: &mut Conn,
    filter: &ClaimFilter,
    words: &str,
) -> StoreResult<StatusCounts> {
    let query = claims::table
        .select(claims::status)
        .filter(search::looked_up(words))
        .order((claims::updated_at.desc(), claims::id.desc()))
        .limit(COUNT_CAP + 1)
        .into_boxed();
    let without = ClaimFilter {
        status: None,
        ..filter.without_words()
    };
    let statuses: Vec<Status> = filtered!(query, &without).load(conn).await?;
    Ok(tally(statuses.into_iter()))
}

/// The counts of the statuses of a walk's newest matches (up to `COUNT_CAP + 1` of them, newest
/// first): of its first `COUNT_CAP`, and `among_newest` when there were more.
pub(super) fn tally(newest: impl Iterator<Item = Status>) -> StatusCounts {
    let mut counts: Vec<(Status, i64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    let mut seen = 0;
    for status in newest {
        seen += 1;
        if seen > COUNT_CAP {
            break;
        }
        if let Some((_, n)) = counts.iter_mut().find(|(s, _)| *s == status) {
            *n += 1;
        }
    }
    StatusCounts {
        counts,
        among_newest: seen > COUNT_CAP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_name_their_order_and_round_trip_exactly() {
        let id = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let ranked = RankCursor {
            rank: 0.060_792_7,
            id,
        };
        assert_eq!(After::decode(&ranked.encode()), Some(After::Ranked(ranked)));
        let changed = Cursor {
            at: DateTime::from_timestamp_micros(1_578_873_600_123_456).unwrap(),
            id,
        };
        assert_eq!(
            After::decode(&changed.encode()),
            Some(After::Changed(changed))
        );
        for bad in [
            "r7fc00000.0123456789abcdef0123456789abcdef", // NaN
            "rbf800000.0123456789abcdef0123456789abcdef", // -1
            "r3f80.0123456789abcdef0123456789abcdef",
            "r3f800000.nope",
            "",
        ] {
            assert_eq!(After::decode(bad), None, "{bad}");
        }
    }
}
