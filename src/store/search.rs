//! Finding claims again: full-text search over a claim's words, its evidence titles and notes
//! (ranked, with the matching words marked), and the claims of other pieces that say nearly the
//! same thing ("checked before").
//!
//! The documents live in `claim_search`, kept current by triggers in the change's own
//! transaction (migration 000005), which also names the one text search configuration
//! (`factdesk_search_config()`) and the text a claim is shown and compared by (`claim_text`).
use super::ids::{ClaimId, PieceId};
use super::listing::{After, ClaimFilter, RankCursor, StatusCounts, filtered};
use super::models::ClaimRow;
use super::records::Claim;
use super::schema::{claims as claims_table, pieces};
use super::text_search::sql_types::{RegConfig, TsQuery, TsVector};
use super::text_search::{
    Matches, Weighed, claim_search, factdesk_search_config, has_lexemes, looked_up, weigh,
    words_query,
};
use super::{Conn, StoreError, StoreResult, listing};
use crate::domain::headline::{self, Fragment};
use crate::domain::workflow::Status;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Float4, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

diesel::define_sql_function! {
    fn ts_rank(document: TsVector, query: TsQuery) -> Float4;
}
diesel::define_sql_function! {
    fn ts_headline(config: RegConfig, text: Text, query: TsQuery, options: Text) -> Text;
}
diesel::define_sql_function! {
    fn claim_text(summary: Text, quote: Text) -> Text;
}
diesel::define_sql_function! {
    fn translate(text: Text, from: Text, to: Text) -> Text;
}

/// `ts_headline`'s options: the whole text (a result shows all of it), every match marked with
/// the private-use characters of `domain::headline`.
fn headline_options() -> String {
    format!(
        "HighlightAll=true, StartSel={}, StopSel={}",
        headline::START,
        headline::STOP
    )
}

/// How a search result matched: its rank, and its text with the matching words marked.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    pub rank: f32,
    /// The summary (or the quote, while there is none) as fragments, the matched ones flagged.
    pub headline: Vec<Fragment>,
}

/// A claim found, with how it matched when the search had words.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    #[serde(flatten)]
    pub claim: Claim,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub matched: Option<Match>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    pub items: Vec<Hit>,
    pub next_cursor: Option<String>,
    /// The words given were all too common to search for ("the", "%"): the page is what it
    /// would be without them.
    pub words_ignored: bool,
    /// More claims match than `RANK_WINDOW`: the pages rank the most recently changed of them,
    /// and more words or filters reach the others.
    pub more_than_ranked: bool,
}

/// How many matches a search with words ranks: the most recently changed ones. Ranking every
/// match would cost in proportion to the archive for a common word; finding and ranking this
/// many costs the same whatever the archive holds (about 30 ms for a word in a quarter of the
/// claims, on the benchmark's machine).
pub const RANK_WINDOW: i64 = 1000;

/// Claims matching `filter`, one keyset page at a time: with words, best match first (rank,
/// then id) among the `RANK_WINDOW` most recently changed matches; without, newest change
/// first. The API's list and the search page both answer with this.
pub async fn find(conn: &Conn, filter: &ClaimFilter) -> StoreResult<SearchPage> {
    Ok(searched(conn, filter).await?.page)
}

/// `find`, and how many claims match at each status (`listing::count_by_status`), as the
/// search page shows them. A common word's counts are those of its newest matches: when the
/// filter names no status, those are the matches the ranking walked, so they are tallied
/// from its window rather than walked again.
pub async fn find_counted(
    conn: &Conn,
    filter: &ClaimFilter,
) -> StoreResult<(SearchPage, StatusCounts)> {
    // The one threshold decides both: a walk for the ranking is a walk for the counts.
    const _: () = assert!(RANK_WINDOW == listing::COUNT_CAP);
    let Searched {
        filter,
        page,
        walked,
        window,
    } = searched(conn, filter).await?;
    let counts = match (walked, filter.status) {
        (true, None) => listing::tally(window.iter().map(|(_, _, status)| *status)),
        _ => listing::count_by_status_walked(conn, &filter, walked).await?,
    };
    Ok((page, counts))
}

/// A search as `find` answers it, with what the search page counts from.
struct Searched {
    /// The filter as searched (`effective`).
    filter: ClaimFilter,
    page: SearchPage,
    /// The words were common enough to walk for (`walks`); false without words.
    walked: bool,
    /// The ranking's window (`ranked`); empty without words.
    window: Vec<(Uuid, f32, Status)>,
}

async fn searched(conn: &Conn, filter: &ClaimFilter) -> StoreResult<Searched> {
    let weighed = match &filter.words {
        Some(words) => Some(weigh(conn, words, RANK_WINDOW + 1).await?),
        None => None,
    };
    let walked = match weighed {
        Some(Weighed::Walked) => true,
        Some(Weighed::Joined) => false,
        // No words, or none left to match: the listing without them.
        None | Some(Weighed::NothingToMatch) => {
            let filter = filter.without_words();
            let page = listing::list(conn, &filter).await?;
            return Ok(Searched {
                filter,
                page: unranked(page, weighed.is_some()),
                walked: false,
                window: Vec::new(),
            });
        }
    };
    let (page, window) = ranked(conn, filter, walked).await?;
    Ok(Searched {
        filter: filter.clone(),
        page,
        walked,
        window,
    })
}

/// A listing without words, as a search page.
fn unranked(page: listing::ClaimPage, words_ignored: bool) -> SearchPage {
    SearchPage {
        items: page
            .items
            .into_iter()
            .map(|claim| Hit {
                claim,
                matched: None,
            })
            .collect(),
        next_cursor: page.next_cursor,
        words_ignored,
        more_than_ranked: false,
    }
}

/// The filter as it will be searched, and whether its words were dropped: words that are all
/// stop words or punctuation ("the", "%") leave nothing to match, so the search is what it
/// would be without them. Every query that filters by words takes its filter from here, so
/// none of them has to plan for words that match nothing.
pub async fn effective(conn: &Conn, filter: &ClaimFilter) -> StoreResult<(ClaimFilter, bool)> {
    match &filter.words {
        Some(words) if !has_lexemes(conn, words).await? => Ok((filter.without_words(), true)),
        _ => Ok((filter.clone(), false)),
    }
}

/// A ranked page of the matches of `filter`'s words (walked for, or joined), and its window:
/// each ranked match with its rank and status, newest first, `RANK_WINDOW + 1` at most.
async fn ranked(
    mut conn: &Conn,
    filter: &ClaimFilter,
    walked: bool,
) -> StoreResult<(SearchPage, Vec<(Uuid, f32, Status)>)> {
    let words = filter.words.clone().unwrap_or_default();
    let query = || words_query(&words);
    let rank = || ts_rank(claim_search::document, query());
    // Marks are stripped from the text first, so every mark in the headline is one of ours.
    let marks = format!("{}{}", headline::START, headline::STOP);
    let shown = translate(
        claim_text(claims_table::summary, claims_table::quote_exact),
        marks,
        String::new(),
    );
    // The window: the newest matches, by the same filter (cursor aside), each with its rank.
    // A rare word's few matches come from the GIN index; for a common one, claims are walked
    // newest first, each looked up in the index of documents, until the window is full (the
    // `OFFSET 0` keeps Postgres from turning the lookup into a join over every match). Only
    // the page's own claims are read whole, by id, below.
    let window: Vec<(Uuid, f32, Status)> = if walked {
        let walk = claims_table::table
            .select((
                claims_table::id,
                diesel::dsl::sql::<Float4>("")
                    .sql("(SELECT ts_rank(s.document, ")
                    .sql("websearch_to_tsquery(factdesk_search_config(), ")
                    .bind::<Text, _>(words.clone())
                    .sql(")) FROM claim_search s WHERE s.claim_id = claims.id)"),
                claims_table::status,
            ))
            .filter(looked_up(&words))
            .order((claims_table::updated_at.desc(), claims_table::id.desc()))
            .limit(RANK_WINDOW + 1)
            .into_boxed();
        filtered!(walk, &filter.without_words())
            .load(&mut conn)
            .await?
    } else {
        let window = claims_table::table
            .inner_join(claim_search::table)
            .select((claims_table::id, rank(), claims_table::status))
            .order((claims_table::updated_at.desc(), claims_table::id.desc()))
            .limit(RANK_WINDOW + 1)
            .into_boxed();
        filtered!(window, &filter.without_words())
            .filter(Matches::new(claim_search::document, query()))
            .load(&mut conn)
            .await?
    };
    let more_than_ranked = window.len() as i64 > RANK_WINDOW;
    let mut best: Vec<(Uuid, f32)> = window
        .iter()
        .take(RANK_WINDOW as usize)
        .map(|(id, rank, _)| (*id, *rank))
        .collect();
    best.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
    let after = match filter.after {
        Some(After::Ranked(after)) => Some(after),
        Some(After::Changed(_)) => return Err(listing::not_this_listing()),
        None => None,
    };
    let page: Vec<Uuid> = best
        .iter()
        .filter(|(id, rank)| {
            after.is_none_or(|a| *rank < a.rank || (*rank == a.rank && *id < a.id))
        })
        .take(filter.limit as usize + 1)
        .map(|(id, _)| *id)
        .collect();
    let select = claims_table::table
        .inner_join(pieces::table)
        .inner_join(claim_search::table)
        .filter(claims_table::id.eq_any(&page))
        .select((
            ClaimRow::as_select(),
            pieces::title,
            rank(),
            ts_headline(factdesk_search_config(), shown, query(), headline_options()),
        ))
        .order((rank().desc(), claims_table::id.desc()));
    let mut rows: Vec<(ClaimRow, String, f32, String)> = select.load(&mut conn).await?;
    let more = rows.len() as i64 > filter.limit;
    rows.truncate(filter.limit as usize);
    let next_cursor = more
        .then(|| {
            rows.last().map(|(row, _, rank, _)| {
                RankCursor {
                    rank: *rank,
                    id: row.id.into(),
                }
                .encode()
            })
        })
        .flatten();
    let page = SearchPage {
        items: rows
            .into_iter()
            .map(|(row, title, rank, marked)| Hit {
                claim: Claim::from_row(row, title),
                matched: Some(Match {
                    rank,
                    headline: headline::fragments(&marked),
                }),
            })
            .collect(),
        next_cursor,
        words_ignored: false,
        more_than_ranked,
    };
    Ok((page, window))
}

/// How alike two claims' texts must be (pg_trgm `similarity`, 0 to 1) to be shown as checked
/// before. Rewordings of one claim score about 0.6 to 0.85, different claims about the same
/// subject mostly under 0.3; at 0.5 a reworded claim is found without flooding the page.
pub const SIMILAR_AT_LEAST: f32 = 0.5;
/// The most similar claims answered.
pub const SIMILAR_LIMIT: i64 = 10;

/// An earlier claim of another piece that says nearly the same thing.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CheckedBefore {
    pub id: ClaimId,
    pub piece_id: PieceId,
    pub piece_title: String,
    pub piece_published_at: DateTime<Utc>,
    /// Its summary, or its quote while it has none (the text compared).
    pub text: String,
    pub status: Status,
    pub verdict_at: Option<DateTime<Utc>>,
    pub similarity: f32,
}

/// Earlier claims of other pieces whose text is at least `SIMILAR_AT_LEAST` similar to this
/// claim's, most similar first, at most `SIMILAR_LIMIT`. The list is kept (migration 000007,
/// `claim_checked_before_list`): found the first time it is asked for, from the full-text index
/// (claims sharing this one's rarest words; migration 000006 says why), and dropped by the
/// triggers when a change could make it wrong. One statement either way.
pub async fn checked_before(mut conn: &Conn, claim: ClaimId) -> StoreResult<Vec<CheckedBefore>> {
    // The list as JSON (migration 000013): a typed call, prepared once per connection.
    let list: Option<String> = diesel::select(claim_checked_before_json(
        claim,
        SIMILAR_AT_LEAST,
        SIMILAR_LIMIT as i32,
    ))
    .get_result(&mut conn)
    .await?;
    let list = list.ok_or(StoreError::NotFound {
        kind: "claim",
        id: claim.to_string(),
    })?;
    super::from_json(&list)
}

diesel::define_sql_function! {
    /// "Checked before" as a JSON array, best first; NULL for no such claim (migration 000013).
    fn claim_checked_before_json(
        claim: SqlUuid,
        at_least: Float4,
        how_many: diesel::sql_types::Integer,
    ) -> Nullable<Text>;
}
