//! Every claim a search matches, with its current evidence links and its assignee's name: the
//! rows of a spreadsheet export. The claims are those `GET /api/v1/claims` finds with the same
//! filters (its one filter builder), page after page, newest change first.
use super::claims::Claim;
use super::ids::{ClaimId, UserId};
use super::listing::{After, ClaimFilter};
use super::schema::{evidence, users};
use super::search;
use super::{Conn, StoreResult, listing};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use std::collections::HashMap;

/// Claims read per query while paging through the matches.
const PAGE: i64 = 1_000;

#[derive(Debug, Clone)]
pub struct SheetRow {
    pub claim: Claim,
    /// Current (not removed) evidence, oldest first.
    pub evidence_urls: Vec<String>,
    pub assignee_name: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Sheet {
    Rows(Vec<SheetRow>),
    /// More than the most asked for match: refused rather than cut short, since a silently
    /// shortened sheet looks complete.
    TooMany,
}

/// All claims matching `filter` (its limit and cursor are ignored), if there are at most `max`.
/// A query or two per 1,000 claims, then one for the evidence and one for the names.
pub async fn rows(conn: &mut Conn, filter: &ClaimFilter, max: usize) -> StoreResult<Sheet> {
    // Newest change first, words or not: ranking is for reading a page of the best matches,
    // and would stop at the matches it ranks; a sheet has every one.
    let (filter, _) = search::effective(conn, filter).await?;
    let mut filter = ClaimFilter {
        limit: PAGE,
        after: None,
        ..filter
    };
    let mut found: Vec<Claim> = Vec::new();
    loop {
        let page = listing::list(conn, &filter).await?;
        found.extend(page.items);
        if found.len() > max {
            return Ok(Sheet::TooMany);
        }
        match page.next_cursor.as_deref().and_then(After::decode) {
            Some(after) => filter.after = Some(after),
            None => break,
        }
    }
    let ids: Vec<ClaimId> = found.iter().map(|c| c.id).collect();
    let links: Vec<(ClaimId, String)> = evidence::table
        .filter(evidence::claim_id.eq_any(&ids))
        .filter(evidence::removed_at.is_null())
        .order((
            evidence::claim_id,
            evidence::added_at.asc(),
            evidence::id.asc(),
        ))
        .select((evidence::claim_id, evidence::url))
        .load(conn)
        .await?;
    let mut urls: HashMap<ClaimId, Vec<String>> = HashMap::new();
    for (claim, url) in links {
        urls.entry(claim).or_default().push(url);
    }
    let mut assignees: Vec<UserId> = found.iter().filter_map(|c| c.assignee).collect();
    assignees.sort_unstable();
    assignees.dedup();
    let names: HashMap<UserId, String> = users::table
        .filter(users::id.eq_any(&assignees))
        .select((users::id, users::name))
        .load::<(UserId, String)>(conn)
        .await?
        .into_iter()
        .collect();
    Ok(Sheet::Rows(
        found
            .into_iter()
            .map(|claim| SheetRow {
                evidence_urls: urls.remove(&claim.id).unwrap_or_default(),
                assignee_name: claim.assignee.and_then(|a| names.get(&a).cloned()),
                claim,
            })
            .collect(),
    ))
}
