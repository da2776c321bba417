//! Writing where claims' words went: after a correction of their piece's text (every claim of
//! it at once) or an editor re-attaching one. Each claim moved, changed or orphaned gets its new
//! place and words, the verdict changed words reopen, and each of those in its history; a claim
//! left exactly where and as it was is not written at all.
//!
//! However many claims a correction moves, it is two statements: one UPDATE of them all (from
//! arrays, `unnest`) and one INSERT of all their events, so the statement-level triggers (search
//! documents, the desk's counts) run once, and a long piece corrects as fast as a short one.
use super::ids::{ClaimId, UserId};
use super::models::{ClaimRow, NewEventRow};
use super::schema::events;
use super::{Conn, StoreError, StoreResult};
use crate::domain::anchor::Selector;
use crate::domain::history::EventKind;
use crate::domain::reanchor::{Anchor, Followed};
use crate::domain::workflow::Status;
use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// What moved a claim's words: a correction of its piece's text, or an editor re-attaching it.
pub(super) enum Cause<'a> {
    Correction { revision: i32, reason: &'a str },
    Reattached,
}

impl Cause<'_> {
    fn revision(&self) -> Option<i32> {
        match self {
            Cause::Correction { revision, .. } => Some(*revision),
            Cause::Reattached => None,
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            Cause::Correction { reason, .. } => Some(reason),
            Cause::Reattached => None,
        }
    }

    /// Why a verdict given on the claim's old words is looked at again.
    fn reopens(&self) -> String {
        match self {
            Cause::Correction { revision, reason } => format!(
                "The correction of the piece's text (revision {revision}) changed the words of the claim: {reason}"
            ),
            Cause::Reattached => {
                "The claim was re-attached to other words than those its verdict was given on"
                    .to_owned()
            }
        }
    }
}

/// The claim's words and place as stored.
pub(super) fn selector(row: &ClaimRow) -> Selector {
    Selector {
        exact: row.quote_exact.clone(),
        prefix: row.quote_prefix.clone(),
        suffix: row.quote_suffix.clone(),
        start: row.quote_start.0,
        end: row.quote_end.0,
    }
}

/// The claim left where and as it was: nothing to write.
pub(super) fn left_alone(row: &ClaimRow, followed: &Followed) -> bool {
    followed.anchor == row.anchor && followed.selector == selector(row)
}

fn span(start: usize, end: usize) -> String {
    format!("{start}-{end}")
}

fn position(chars: usize) -> StoreResult<i32> {
    i32::try_from(chars)
        .map_err(|_| StoreError::invalid("body", "the text is too long to anchor claims in"))
}

/// One claim's columns as the move leaves them, in the order the UPDATE's arrays take them.
#[derive(Default)]
struct Columns {
    ids: Vec<Uuid>,
    exact: Vec<String>,
    prefix: Vec<String>,
    suffix: Vec<String>,
    start: Vec<i32>,
    end: Vec<i32>,
    anchor: Vec<&'static str>,
    status: Vec<&'static str>,
    status_reason: Vec<Option<String>>,
    verdict_by: Vec<Option<Uuid>>,
    verdict_at: Vec<Option<DateTime<Utc>>>,
    signed_off_by: Vec<Option<Uuid>>,
    signed_off_at: Vec<Option<DateTime<Utc>>>,
    signoff_note: Vec<Option<String>>,
}

/// One history event, owned until the INSERT borrows it.
struct Told {
    claim: ClaimId,
    kind: EventKind,
    field: Option<String>,
    from: Option<String>,
    to: Option<String>,
    reason: Option<String>,
}

/// Writes what `cause` did to each claim of `rows` (`followed` in the same order).
pub(super) async fn write(
    conn: &mut Conn,
    actor: UserId,
    rows: &[ClaimRow],
    followed: &[Followed],
    cause: &Cause<'_>,
) -> StoreResult<()> {
    let mut columns = Columns::default();
    let mut told = Vec::new();
    for (row, followed) in rows.iter().zip(followed) {
        if !left_alone(row, followed) {
            plan(row, followed, cause, &mut columns, &mut told)?;
        }
    }
    if columns.ids.is_empty() {
        return Ok(());
    }
    update(conn, actor, columns).await?;
    let revision = cause.revision();
    let events: Vec<NewEventRow<'_>> = told
        .iter()
        .map(|t| NewEventRow {
            id: Uuid::new_v4(),
            claim_id: t.claim,
            actor_id: actor,
            kind: t.kind.as_str(),
            field: t.field.as_deref(),
            from_value: t.from.as_deref(),
            to_value: t.to.as_deref(),
            reason: t.reason.as_deref(),
            subject_id: None,
            revision,
        })
        .collect();
    diesel::insert_into(events::table)
        .values(events)
        .execute(conn)
        .await?;
    Ok(())
}

/// One claim's new columns and events.
fn plan(
    row: &ClaimRow,
    followed: &Followed,
    cause: &Cause<'_>,
    columns: &mut Columns,
    told: &mut Vec<Told>,
) -> StoreResult<()> {
    let new = &followed.selector;
    // Changed words are not what the verdict was given on: it is looked at again, and what was
    // signed off and published of it no longer stands.
    let reopen = new.exact != row.quote_exact && row.status.is_verdict();
    let voids = reopen && row.signed_off_by.is_some();
    let status = if reopen {
        Status::InProgress
    } else {
        row.status
    };
    columns.ids.push(row.id.into());
    columns.exact.push(new.exact.clone());
    columns.prefix.push(new.prefix.clone());
    columns.suffix.push(new.suffix.clone());
    columns.start.push(position(new.start)?);
    columns.end.push(position(new.end)?);
    columns.anchor.push(followed.anchor.as_str());
    columns.status.push(status.as_str());
    let kept = |keep: bool, value: Option<String>| if keep { value } else { None };
    columns
        .status_reason
        .push(kept(!reopen, row.status_reason.clone()));
    columns
        .verdict_by
        .push(row.verdict_by.filter(|_| !reopen).map(Into::into));
    columns.verdict_at.push(row.verdict_at.filter(|_| !reopen));
    columns
        .signed_off_by
        .push(row.signed_off_by.filter(|_| !voids).map(Into::into));
    columns
        .signed_off_at
        .push(row.signed_off_at.filter(|_| !voids));
    columns
        .signoff_note
        .push(kept(!voids, row.signoff_note.clone()));

    let reason = cause.reason().map(str::to_owned);
    let (kind, to) = match (cause, followed.anchor) {
        (Cause::Reattached, _) => (EventKind::Reattached, Some(span(new.start, new.end))),
        (_, Anchor::Orphaned) => (EventKind::Orphaned, None),
        (_, Anchor::Exact | Anchor::Changed) => {
            (EventKind::Reanchored, Some(span(new.start, new.end)))
        }
    };
    told.push(Told {
        claim: row.id,
        kind,
        field: Some(followed.anchor.as_str().to_owned()),
        from: Some(span(row.quote_start.0, row.quote_end.0)),
        to,
        reason: reason.clone(),
    });
    if new.exact != row.quote_exact {
        told.push(Told {
            claim: row.id,
            kind: EventKind::Edited,
            field: Some("quote".to_owned()),
            from: Some(row.quote_exact.clone()),
            to: Some(new.exact.clone()),
            reason,
        });
    }
    if reopen {
        let why = cause.reopens();
        told.push(Told {
            claim: row.id,
            kind: EventKind::StatusChanged,
            field: None,
            from: Some(row.status.as_str().to_owned()),
            to: Some(status.as_str().to_owned()),
            reason: Some(why.clone()),
        });
        if voids {
            told.push(Told {
                claim: row.id,
                kind: EventKind::SignoffVoided,
                field: None,
                from: row.signed_off_by.map(|id| id.to_string()),
                to: None,
                reason: Some(why),
            });
        }
    }
    Ok(())
}

/// Every moved claim in one statement, each row from the arrays' same index, stamped with the
/// transaction's time (`now()`, as every other write of it). The rows are locked already (the
/// correction's or the re-attachment's read).
async fn update(conn: &mut Conn, actor: UserId, columns: Columns) -> StoreResult<()> {
    diesel::sql_query(
        "UPDATE claims AS c SET quote_exact = m.exact, quote_prefix = m.prefix, \
         quote_suffix = m.suffix, quote_start = m.start_at, quote_end = m.end_at, \
         anchor = m.anchor, status = m.status, status_reason = m.status_reason, \
         verdict_by = m.verdict_by, verdict_at = m.verdict_at, \
         signed_off_by = m.signed_off_by, signed_off_at = m.signed_off_at, \
         signoff_note = m.signoff_note, version = c.version + 1, updated_at = now(), \
         updated_by = $15 \
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int4[], $6::int4[], \
                     $7::text[], $8::text[], $9::text[], $10::uuid[], $11::timestamptz[], \
                     $12::uuid[], $13::timestamptz[], $14::text[]) \
              AS m(id, exact, prefix, suffix, start_at, end_at, anchor, status, status_reason, \
                   verdict_by, verdict_at, signed_off_by, signed_off_at, signoff_note) \
         WHERE c.id = m.id",
    )
    .bind::<Array<SqlUuid>, _>(columns.ids)
    .bind::<Array<Text>, _>(columns.exact)
    .bind::<Array<Text>, _>(columns.prefix)
    .bind::<Array<Text>, _>(columns.suffix)
    .bind::<Array<Integer>, _>(columns.start)
    .bind::<Array<Integer>, _>(columns.end)
    .bind::<Array<Text>, _>(columns.anchor)
    .bind::<Array<Text>, _>(columns.status)
    .bind::<Array<Nullable<Text>>, _>(columns.status_reason)
    .bind::<Array<Nullable<SqlUuid>>, _>(columns.verdict_by)
    .bind::<Array<Nullable<Timestamptz>>, _>(columns.verdict_at)
    .bind::<Array<Nullable<SqlUuid>>, _>(columns.signed_off_by)
    .bind::<Array<Nullable<Timestamptz>>, _>(columns.signed_off_at)
    .bind::<Array<Nullable<Text>>, _>(columns.signoff_note)
    .bind::<SqlUuid, _>(Uuid::from(actor))
    .execute(conn)
    .await?;
    Ok(())
}
