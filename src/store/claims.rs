//! Claims: a quote anchored in a piece, what it asserts, and where its verification stands.
use super::events::{self, Change};
use super::ids::{ClaimId, PieceId, UserId};
pub use super::models::{ClaimChanges, NewClaim};
use super::models::{ClaimRow, NewClaimRow, PieceHead};
pub use super::records::{Claim, ClaimDetail};
use super::records::{Evidence, Note, NoteJson, Piece};
use super::schema::{claims, pieces, users};
use super::{
    Conn, Existing, StoreError, StoreResult, from_json, pieces as piece_store, refuse_archived,
};
use crate::domain::anchor::anchor;
use crate::domain::history::EventKind;
use crate::domain::reanchor::Anchor;
use crate::domain::workflow::{
    Status, Touches, TransitionFacts, check_sign_off, check_transition, verdict_stamp,
    voids_sign_off,
};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};

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
            claimant_kind: Text,
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
    actor: UserId,
    piece: PieceId,
    new: &NewClaim,
) -> StoreResult<Claim> {
    conn.transaction(async move |conn| {
        let (title, body) = piece_store::body_for_anchoring(conn, piece).await?;
        let selector = anchor(&body, &new.quote, new.start).map_err(StoreError::from_anchor)?;
        let (start, end) = (position(selector.start)?, position(selector.end)?);
        refuse_same_span(conn, piece, start, end, None).await?;
        let row: ClaimRow = diesel::insert_into(claims::table)
            .values(NewClaimRow {
                id: ClaimId::random(),
                piece_id: piece,
                quote_exact: &selector.exact,
                quote_prefix: &selector.prefix,
                quote_suffix: &selector.suffix,
                quote_start: start,
                quote_end: end,
                claimant: &new.claimant,
                claimant_kind: new.claimant_kind.as_str(),
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

/// Refuses a second claim over exactly the span of a claim of the piece on the desk (`except`
/// aside: a claim being re-attached is no duplicate of itself).
pub(super) async fn refuse_same_span(
    conn: &mut Conn,
    piece: PieceId,
    start: i32,
    end: i32,
    except: Option<ClaimId>,
) -> StoreResult<()> {
    let mut same = claims::table
        .filter(claims::piece_id.eq(piece))
        .filter(claims::quote_start.eq(start))
        .filter(claims::quote_end.eq(end))
        // An orphan's position is where its words were before a correction, not a place in
        // this text: it is no claim over these words. An archived claim has left the desk.
        .filter(claims::anchor.ne(Anchor::Orphaned.as_str()))
        .filter(claims::archived_at.is_null())
        .select(claims::id)
        .into_boxed();
    if let Some(except) = except {
        same = same.filter(claims::id.ne(except));
    }
    match same.first(conn).await.optional()? {
        Some(id) => Err(Existing::Claim { id }.into()),
        None => Ok(()),
    }
}

pub(super) fn position(chars: usize) -> StoreResult<i32> {
    i32::try_from(chars)
        .map_err(|_| StoreError::invalid("quote", "the piece is too long to anchor in"))
}

pub async fn get(conn: &mut Conn, id: ClaimId) -> StoreResult<ClaimDetail> {
    Ok(get_with_piece(conn, id).await?.0)
}

/// `get`, and the details of the claim's piece, in the same one statement: the claim, its
/// piece, its evidence and its notes.
pub async fn get_with_piece(mut conn: &Conn, id: ClaimId) -> StoreResult<(ClaimDetail, Piece)> {
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
        .ok_or(StoreError::NotFound {
            kind: "claim",
            id: id.to_string(),
        })?;
    let evidence: Vec<Evidence> = from_json(&evidence)?;
    let notes: Vec<NoteJson> = from_json(&notes)?;
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

/// Marks the claim as changed (without a new version: evidence and notes are not edits of the
/// claim itself) and locks its row for the rest of the transaction, so a verdict and the removal
/// of its evidence cannot interleave.
pub(super) async fn touch(conn: &mut Conn, id: ClaimId, actor: UserId) -> StoreResult<()> {
    let touched = diesel::update(claims::table.find(id))
        .filter(claims::archived_at.is_null())
        .set((
            claims::updated_at.eq(diesel::dsl::now),
            claims::updated_by.eq(actor),
        ))
        .execute(conn)
        .await?;
    if touched == 0 {
        // No such claim, or an archived one: the locked read says which.
        locked(conn, id).await?;
    }
    Ok(())
}

/// The claim's row, locked until the transaction ends, for a change: an archived claim is
/// refused (`archive`).
pub(super) async fn locked(conn: &mut Conn, id: ClaimId) -> StoreResult<ClaimRow> {
    let row = locked_even_archived(conn, id).await?;
    refuse_archived("claim", row.archived_at, row.archive_reason.as_deref())?;
    Ok(row)
}

/// The claim's row, locked until the transaction ends, archived or not.
pub(super) async fn locked_even_archived(conn: &mut Conn, id: ClaimId) -> StoreResult<ClaimRow> {
    claims::table
        .find(id)
        .select(ClaimRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or(StoreError::NotFound {
            kind: "claim",
            id: id.to_string(),
        })
}

/// Applies `changes` if the claim is still at one of the `expected` versions. The row lock and the version
/// predicate let the database, not the app, decide a race: exactly one writer wins.
pub async fn update(
    conn: &mut Conn,
    actor: UserId,
    id: ClaimId,
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
async fn locked_for_change(conn: &mut Conn, id: ClaimId) -> StoreResult<(ClaimRow, ChangeFacts)> {
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
        .ok_or(StoreError::NotFound {
            kind: "claim",
            id: id.to_string(),
        })?;
    refuse_archived("claim", row.archived_at, row.archive_reason.as_deref())?;
    let facts = ChangeFacts {
        evidence_count: usize::try_from(count.unwrap_or(0)).unwrap_or(0),
        now,
    };
    Ok((row, facts))
}

async fn apply(
    conn: &mut Conn,
    actor: UserId,
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
    let claimant_kind = changes
        .claimant_kind
        .filter(|k| *k != current.claimant_kind);
    let priority = changes.priority.filter(|p| *p != current.priority);
    let assignee = changes.assignee.filter(|a| *a != current.assignee_id);
    // What the change touches, which also decides whether it voids a sign-off.
    let touched = [
        status.is_some().then_some(Touches::Status),
        // Who the claimant is, as ClaimReview publishes them, is part of the claim's wording.
        (summary.is_some() || claimant.is_some() || claimant_kind.is_some())
            .then_some(Touches::Wording),
        (priority.is_some() || assignee.is_some()).then_some(Touches::Handling),
    ];
    if touched.iter().all(Option::is_none) {
        return Ok(());
    }
    let voids_sign_off = voids_sign_off(
        current.signed_off_by.is_some(),
        touched.into_iter().flatten(),
    );
    let now = facts.now;
    // Each column as it will be: a new status brings a new verdict (set by the actor) or none.
    let (reason_now, verdict_by, verdict_at) = match status {
        Some(to) => {
            let (by, at) = verdict_stamp(to, actor, now);
            (reason, by, at)
        }
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
        claimant_kind.unwrap_or(current.claimant_kind).as_str(),
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
    let uuid_text = |id: Option<UserId>| id.map(|id| id.to_string());
    let (old_assignee, new_assignee) = (uuid_text(current.assignee_id), assignee.map(uuid_text));
    let edits = [
        ("summary", Some(current.summary.as_str()), summary.map(Some)),
        (
            "claimant",
            Some(current.claimant.as_str()),
            claimant.map(Some),
        ),
        (
            "claimant_kind",
            Some(current.claimant_kind.as_str()),
            claimant_kind.map(|to| Some(to.as_str())),
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
                ..Change::default()
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
    actor: UserId,
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
    actor: UserId,
    why: &str,
) -> StoreResult<()> {
    diesel::update(claims::table.find(claim.id))
        .set((
            claims::signed_off_by.eq(None::<UserId>),
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
    actor: UserId,
    id: ClaimId,
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
