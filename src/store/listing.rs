//! Listing claims: the filters every listing, count and search shares, the cursors that page
//! through them, the newest-changed listing itself and its counts by status.
use super::ids::{PieceId, UserId};
use super::models::ClaimRow;
use super::records::Claim;
use super::schema::{claims, pieces};
use super::text_search;
use super::{Conn, StoreError, StoreResult};
use crate::domain::workflow::Status;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

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
    pub piece: Option<PieceId>,
    pub status: Option<Status>,
    pub assignee: Option<UserId>,
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
        let filter: &$crate::store::listing::ClaimFilter = $filter;
        // Archived claims have left the desk: no listing, search or export has them.
        let mut query = $query.filter(schema::claims::archived_at.is_null());
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
            let start = $crate::store::listing::start_of(from);
            query = query.filter(schema::claims::verdict_at.assume_not_null().ge(start));
        }
        if let Some(to) = filter.verdict_to {
            query = match $crate::store::listing::end_of(to) {
                Some(end) => query.filter(schema::claims::verdict_at.assume_not_null().lt(end)),
                // The calendar's last day: every verdict is on or before it.
                None => query.filter(schema::claims::verdict_at.is_not_null()),
            };
        }
        if let Some(words) = &filter.words {
            // A plain semi-join on the GIN index: words that are all stop words never get here
            // (`search::effective` drops them first), so no `OR` keeps the planner from joining.
            query = query
                .filter(schema::claims::id.eq_any($crate::store::text_search::matching(words)));
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
                    id: row.id.into(),
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
pub async fn count_by_status(conn: &Conn, filter: &ClaimFilter) -> StoreResult<StatusCounts> {
    let walked = match &filter.words {
        Some(words) => text_search::walks(conn, words, COUNT_CAP + 1).await?,
        None => false,
    };
    count_by_status_walked(conn, filter, walked).await
}

/// `count_by_status`, told whether the words are common enough to walk for
/// (`search::walks`, which a search has already asked).
pub(super) async fn count_by_status_walked(
    conn: &Conn,
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
    mut conn: &Conn,
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
    let statuses: Vec<Status> = filtered!(query, &any_status).load(&mut conn).await?;
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
    mut conn: &Conn,
    filter: &ClaimFilter,
    words: &str,
) -> StoreResult<StatusCounts> {
    let query = claims::table
        .select(claims::status)
        .filter(text_search::looked_up(words))
        .order((claims::updated_at.desc(), claims::id.desc()))
        .limit(COUNT_CAP + 1)
        .into_boxed();
    let without = ClaimFilter {
        status: None,
        ..filter.without_words()
    };
    let statuses: Vec<Status> = filtered!(query, &without).load(&mut conn).await?;
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
