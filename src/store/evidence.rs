//! Evidence links and their stance. Removing evidence marks it removed: the row stays, so the
//! history can always say what a verdict once rested on.
use super::claims;
use super::events::{self, Change};
use super::ids::{ClaimId, EvidenceId, UserId};
use super::models::NewEvidenceRow;
pub use super::records::Evidence;
use super::schema::evidence;
use super::{Conn, Existing, StoreError, StoreResult};
use crate::domain::history::EventKind;
use crate::domain::workflow::{Stance, Touches, check_evidence_removal, voids_sign_off};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};

#[derive(Debug, Clone)]
pub struct NewEvidence {
    pub url: String,
    pub title: String,
    pub publisher: String,
    pub stance: Stance,
    pub note: String,
    pub archived_url: Option<String>,
}

/// Adds evidence. A signed-off verdict loses its sign-off, as when evidence is removed: the
/// published check would otherwise show a link nobody but its adder has looked at.
pub async fn add(
    conn: &mut Conn,
    actor: UserId,
    claim: ClaimId,
    new: &NewEvidence,
) -> StoreResult<Evidence> {
    conn.transaction(async move |conn| {
        let claim = claims::locked(conn, claim).await?;
        // Under the claim's lock, so two of the same link sent at once cannot both be added.
        let same: Option<EvidenceId> = evidence::table
            .filter(evidence::claim_id.eq(claim.id))
            .filter(evidence::url.eq(&new.url))
            .filter(evidence::removed_at.is_null())
            .select(evidence::id)
            .first(conn)
            .await
            .optional()?;
        if let Some(id) = same {
            return Err(Existing::Evidence {
                id,
                claim: claim.id,
            }
            .into());
        }
        let row: Evidence = diesel::insert_into(evidence::table)
            .values(NewEvidenceRow {
                id: EvidenceId::random(),
                claim_id: claim.id,
                url: &new.url,
                title: &new.title,
                publisher: &new.publisher,
                stance: new.stance.as_str(),
                note: &new.note,
                archived_url: new.archived_url.as_deref(),
                added_by: actor,
            })
            .returning(Evidence::as_returning())
            .get_result(conn)
            .await?;
        let change = Change {
            to: Some(&row.url),
            subject: Some(row.id.0),
            ..Change::default()
        };
        events::record(conn, claim.id, actor, EventKind::EvidenceAdded, change).await?;
        // What was signed off did not rest on this: the new link needs its own look.
        if voids_sign_off(claim.signed_off_by.is_some(), [Touches::Evidence]) {
            let why = "evidence was added after the sign-off";
            claims::void_sign_off(conn, &claim, actor, why).await?;
        } else {
            claims::touch(conn, claim.id, actor).await?;
        }
        Ok(row)
    })
    .await
}

/// Marks evidence removed. A standing verdict keeps at least one link, and a signed-off one
/// loses its sign-off: what was signed off rested on this evidence.
pub async fn remove(conn: &mut Conn, actor: UserId, id: EvidenceId) -> StoreResult<()> {
    conn.transaction(async move |conn| {
        let row: Evidence = evidence::table
            .find(id)
            .select(Evidence::as_select())
            .first(conn)
            .await
            .optional()?
            .ok_or(StoreError::NotFound {
                kind: "evidence",
                id: id.to_string(),
            })?;
        let claim = claims::locked(conn, row.claim_id).await?;
        let removed = diesel::update(
            evidence::table
                .find(id)
                .filter(evidence::removed_at.is_null()),
        )
        .set((
            evidence::removed_at.eq(diesel::dsl::now),
            evidence::removed_by.eq(actor),
        ))
        .execute(conn)
        .await?;
        if removed == 0 {
            return Err(StoreError::Gone(format!(
                "evidence `{id}` has already been removed"
            )));
        }
        let left = current_count(conn, claim.id).await?;
        check_evidence_removal(claim.status, left)
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
        let change = Change {
            from: Some(&row.url),
            subject: Some(id.0),
            ..Change::default()
        };
        events::record(conn, claim.id, actor, EventKind::EvidenceRemoved, change).await?;
        if voids_sign_off(claim.signed_off_by.is_some(), [Touches::Evidence]) {
            claims::void_sign_off(conn, &claim, actor, "evidence it rested on was removed").await
        } else {
            claims::touch(conn, claim.id, actor).await
        }
    })
    .await
}

pub(super) async fn current_count(conn: &mut Conn, claim: ClaimId) -> StoreResult<usize> {
    let count: i64 = evidence::table
        .filter(
            evidence::claim_id
                .eq(claim)
                .and(evidence::removed_at.is_null()),
        )
        .count()
        .get_result(conn)
        .await?;
    Ok(count as usize)
}
