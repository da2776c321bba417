//! ClaimReview JSON-LD of a signed-off verdict, as the API and the pages publish it: from a
//! published check the store read, or from a claim a page already holds.
use crate::Settings;
use crate::domain::claimreview::{Publisher, Review, claim_review};
use crate::domain::workflow::is_published;
use crate::store::claims::Claim;
use crate::store::pieces::Piece;
use crate::store::published::Published;
use crate::web::error::AppError;
use serde_json::Value;

/// The newsroom as configured.
pub(crate) fn publisher(settings: &Settings) -> Publisher<'_> {
    Publisher {
        public_url: &settings.public_url,
        name: &settings.newsroom_name,
        url: settings.newsroom_url(),
    }
}

/// The ClaimReview of a published check (store::published admits only signed-off verdicts).
pub(crate) fn review_of(published: &Published, settings: &Settings) -> Result<Value, AppError> {
    let review = published.review()?;
    claim_review(&review, &publisher(settings)).ok_or_else(|| {
        AppError::Internal(format!("published check {} has no verdict", review.claim))
    })
}

/// The ClaimReview of a claim as a page already read it, if its verdict is signed off (the claim
/// page embeds it without another query).
pub(crate) fn review_of_claim(claim: &Claim, piece: &Piece, settings: &Settings) -> Option<Value> {
    if !is_published(claim.status, claim.signed_off_by.is_some()) {
        return None;
    }
    let signed_off_at = claim.signed_off_at?;
    let review = Review {
        claim: claim.id.into(),
        summary: &claim.summary,
        quote: &claim.selector.exact,
        claimant: &claim.claimant,
        claimant_kind: claim.claimant_kind,
        verdict: claim.status,
        reason: claim.status_reason.as_deref().unwrap_or_default(),
        signed_off_at,
        piece_title: &piece.title,
        piece_url: piece.url.as_deref(),
        piece_published_at: piece.published_at,
    };
    claim_review(&review, &publisher(settings))
}
