//! Re-attaching a claim to words of its piece's text: what an editor does for an orphan (its
//! words gone in a correction), or for a claim a correction moved to the wrong words. The words
//! are anchored as a new claim's are; the claim keeps everything else, and a verdict given on
//! other words is reopened, as a correction that changed them would.
use super::claims::{self, ClaimDetail};
use super::following::{self, Cause};
use super::ids::{ClaimId, UserId};
use super::{Conn, StoreError, StoreResult, at_version, pieces};
use crate::domain::anchor::anchor;
use crate::domain::reanchor::{Anchor, Followed, FoundBy};
use diesel_async::AsyncConnection;

/// Anchors the claim at `quote` (the occurrence at `start` where it repeats) in its piece's
/// text as it now is, if the claim is still at one of the `expected` versions.
pub async fn reattach(
    conn: &mut Conn,
    actor: UserId,
    id: ClaimId,
    expected: &[i32],
    quote: &str,
    start: Option<usize>,
) -> StoreResult<ClaimDetail> {
    conn.transaction(async move |conn| {
        let row = claims::locked(conn, id).await?;
        at_version("claim", expected, row.version)?;
        let (_, body) = pieces::body_for_anchoring(conn, row.piece_id).await?;
        let selector = anchor(&body, quote, start).map_err(StoreError::from_anchor)?;
        let (from, to) = (
            claims::position(selector.start)?,
            claims::position(selector.end)?,
        );
        claims::refuse_same_span(conn, row.piece_id, from, to, Some(id)).await?;
        let followed = Followed {
            anchor: Anchor::Exact,
            found_by: FoundBy::Chosen,
            selector,
        };
        following::write(conn, actor, &[row], &[followed], &Cause::Reattached).await?;
        claims::get(conn, id).await
    })
    .await
}
