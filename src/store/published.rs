//! Published checks: claims whose verdict has been signed off, with what their ClaimReview and
//! public page show. Nothing internal is read here (no notes, history, assignee or names), so
//! nothing internal can leak from what these functions return.
use super::ids::ClaimId;
use super::schema::{claims, evidence, pieces};
use super::{Conn, StoreError, StoreResult};
use crate::domain::claimreview::{ClaimantKind, Review};
use crate::domain::workflow::{Stance, Status, is_published};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// A signed-off verdict and the piece its claim is in.
#[derive(Debug, Clone, Queryable)]
pub struct Published {
    pub claim: ClaimId,
    pub quote: String,
    pub prefix: String,
    pub suffix: String,
    pub claimant: String,
    pub claimant_kind: ClaimantKind,
    pub summary: String,
    pub status: Status,
    pub reason: Option<String>,
    pub signed_off_at: DateTime<Utc>,
    pub piece_title: String,
    pub piece_outlet: Option<String>,
    pub piece_url: Option<String>,
    pub piece_published_at: DateTime<Utc>,
}

/// A link the verdict rests on, as the public may see it (no note, no one who added it).
#[derive(Debug, Clone, Queryable)]
pub struct PublicEvidence {
    pub url: String,
    pub title: String,
    pub publisher: String,
    pub stance: Stance,
    pub archived_url: Option<String>,
}

impl Published {
    /// What the ClaimReview says about it (the query admits only signed-off verdicts).
    pub fn review(&self) -> StoreResult<Review<'_>> {
        Ok(Review {
            claim: self.claim.into(),
            summary: &self.summary,
            quote: &self.quote,
            claimant: &self.claimant,
            claimant_kind: self.claimant_kind,
            verdict: self.status,
            reason: self.reason.as_deref().unwrap_or_default(),
            signed_off_at: self.signed_off_at,
            piece_title: &self.piece_title,
            piece_url: self.piece_url.as_deref(),
            piece_published_at: self.piece_published_at,
        })
    }
}

type Columns = (
    claims::id,
    claims::quote_exact,
    claims::quote_prefix,
    claims::quote_suffix,
    claims::claimant,
    claims::claimant_kind,
    claims::summary,
    claims::status,
    claims::status_reason,
    diesel::dsl::AssumeNotNull<claims::signed_off_at>,
    pieces::title,
    pieces::outlet,
    pieces::url,
    pieces::published_at,
);

// `signed_off_at` is set whenever `signed_off_by` is (a check constraint), and only those are read.
fn columns() -> Columns {
    (
        claims::id,
        claims::quote_exact,
        claims::quote_prefix,
        claims::quote_suffix,
        claims::claimant,
        claims::claimant_kind,
        claims::summary,
        claims::status,
        claims::status_reason,
        claims::signed_off_at.assume_not_null(),
        pieces::title,
        pieces::outlet,
        pieces::url,
        pieces::published_at,
    )
}

/// The statuses a signed-off claim is published at, as stored.
fn verdicts() -> Vec<&'static str> {
    Status::ALL
        .into_iter()
        .filter(|s| is_published(*s, true))
        .map(Status::as_str)
        .collect()
}

/// Published, as `workflow::is_published` says: a verdict, signed off. Reopening or changing it
/// clears the sign-off, which unpublishes it.
macro_rules! published {
    () => {
        claims::table
            .inner_join(pieces::table)
            .filter(claims::signed_off_by.is_not_null())
            .filter(claims::status.eq_any(verdicts()))
            // An archived check is withdrawn from the public while it is archived.
            .filter(claims::archived_at.is_null())
    };
}

/// One published check; NotFound for a claim that does not exist or is not published.
pub async fn one(conn: &mut Conn, id: ClaimId) -> StoreResult<Published> {
    published!()
        .filter(claims::id.eq(id))
        .select(columns())
        .first(conn)
        .await
        .optional()?
        // "no signed-off verdict with id …": the id may be a claim's, but nothing is published.
        .ok_or(StoreError::NotFound {
            kind: "signed-off verdict",
            id: id.to_string(),
        })
}

/// Every published check, the most recently signed off first.
pub async fn all(conn: &mut Conn) -> StoreResult<Vec<Published>> {
    Ok(published!()
        .order((claims::signed_off_at.desc(), claims::id.asc()))
        .select(columns())
        .load(conn)
        .await?)
}

/// The evidence a published check rests on (not removed), in the order it was added.
pub async fn evidence(conn: &mut Conn, claim: ClaimId) -> StoreResult<Vec<PublicEvidence>> {
    Ok(evidence::table
        .filter(evidence::claim_id.eq(claim))
        .filter(evidence::removed_at.is_null())
        .order((evidence::added_at.asc(), evidence::id.asc()))
        .select((
            evidence::url,
            evidence::title,
            evidence::publisher,
            evidence::stance,
            evidence::archived_url,
        ))
        .load(conn)
        .await?)
}
