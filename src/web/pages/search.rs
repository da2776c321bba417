//! Search, `/claims`: every claim across pieces, filtered by status, piece, assignee, verdict
//! dates and words (full-text, best match first, the matched words marked), with the count at
//! each status and keyset pagination. A fixed number of statements whatever the results
//! (`tests/api/queries.rs` counts them).
use super::claim_list::{
    Choice, ClaimLine, assignee_choices, names, read_filters, search_href, status_choices,
};
use super::{Layout, render};
use crate::input::search::SearchFields;
use crate::store;
use crate::store::ids::{PieceId, UserId};
use crate::store::pieces::Piece;
use crate::store::search::Hit;
use crate::web::auth::PageUser;
use crate::web::csrf::CsrfToken;
use crate::web::error::AppError;
use crate::web::guards::Db;
use askama::Template;
use chrono::NaiveDate;
use rocket::response::content::RawHtml;
use rocket::{Route, get, routes};
use std::collections::HashMap;

/// Results per page.
const PAGE: i64 = 50;
/// The newest pieces offered in the piece filter; any other is chosen from its own page
/// ("Search its claims"), so the form stays small however many pieces there are.
const PIECE_CHOICES: i64 = 50;

fn piece_choices(pieces: &[Piece], current: Option<PieceId>) -> Vec<Choice> {
    pieces
        .iter()
        .map(|p| Choice {
            value: p.id.to_string(),
            label: p.title.clone(),
            selected: current == Some(p.id),
        })
        .collect()
}

/// A status with how many claims of the search are at it, and a link to just those.
struct StatusCount {
    status: &'static str,
    label: &'static str,
    count: i64,
    href: String,
    current: bool,
}

/// A result: the claim's line, with its text as fragments when the search had words.
fn found(hit: Hit, names: &HashMap<UserId, &str>) -> ClaimLine {
    ClaimLine {
        headline: hit.matched.map(|m| m.headline),
        ..ClaimLine::of(hit.claim, names)
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    layout: Layout<'a>,
    words: &'a str,
    /// Every word was too common to search for: the results are those of no words.
    words_ignored: bool,
    /// More claims matched than are ranked: the results are the best of the newest matches.
    more_than_ranked: bool,
    /// Counts stop past this: a count above it reads "more than".
    count_cap: i64,
    /// Some status has more claims than are counted.
    capped: bool,
    /// More claims match than are counted: the counts are those of the most recent matches.
    among_newest: bool,
    rank_window: i64,
    verdict_from: String,
    verdict_to: String,
    statuses: Vec<Choice>,
    pieces: Vec<Choice>,
    assignees: Vec<Choice>,
    counts: Vec<StatusCount>,
    total: i64,
    results: Vec<ClaimLine>,
    next_href: Option<String>,
    first_href: Option<String>,
}

#[allow(clippy::too_many_arguments)]
#[get("/claims?<status>&<piece>&<assignee>&<q>&<verdict_from>&<verdict_to>&<cursor>")]
async fn search(
    user: PageUser,
    csrf: CsrfToken,
    mut db: Db,
    status: Option<&str>,
    piece: Option<&str>,
    assignee: Option<&str>,
    q: Option<&str>,
    verdict_from: Option<&str>,
    verdict_to: Option<&str>,
    cursor: Option<&str>,
) -> Result<RawHtml<String>, AppError> {
    let query = read_filters(SearchFields {
        piece,
        status,
        assignee,
        q,
        verdict_from,
        verdict_to,
        cursor,
        limit: None,
    })?;
    // The piece and assignee choices do not depend on the search: sent together with its first
    // statement on the one connection (pipelined), they cost no round trip of their own.
    let filter = query.filter(PAGE);
    let conn: &store::Conn = &db;
    let ((page, counts), mut pieces, users) = futures_util::try_join!(
        store::search::find_counted(conn, &filter),
        store::pieces::newest(conn, PIECE_CHOICES),
        store::users::list(conn),
    )?;
    // A filter by an older piece (reached from its page) keeps it chosen in the list.
    if let Some(piece) = query.piece.filter(|id| !pieces.iter().any(|p| p.id == *id)) {
        pieces.push(store::pieces::head(&mut db, piece).await?);
    }

    let names = names(&users);
    let among_newest = counts.among_newest;
    let counts = counts.counts;
    let total = counts.iter().map(|(_, n)| n).sum();
    let capped = counts.iter().any(|(_, n)| *n > store::listing::COUNT_CAP);
    let counts = counts
        .into_iter()
        .map(|(s, count)| StatusCount {
            status: s.as_str(),
            label: s.label(),
            count,
            href: search_href(&query, Some(s), None),
            current: query.status == Some(s),
        })
        .collect();
    let next_href = page
        .next_cursor
        .as_deref()
        .map(|c| search_href(&query, query.status, Some(c)));
    let first_href = query.after.map(|_| search_href(&query, query.status, None));
    let layout = Layout {
        title: "Claims",
        user: Some(&user.user),
        csrf_token: &csrf.0,
        live: None,
    };
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    render(&SearchPage {
        layout,
        words: query.words.as_deref().unwrap_or_default(),
        words_ignored: page.words_ignored,
        more_than_ranked: page.more_than_ranked,
        count_cap: store::listing::COUNT_CAP,
        capped,
        among_newest,
        rank_window: store::search::RANK_WINDOW,
        verdict_from: day(query.verdict_from),
        verdict_to: day(query.verdict_to),
        statuses: status_choices(query.status),
        pieces: piece_choices(&pieces, query.piece),
        assignees: assignee_choices(&users, query.assignee),
        counts,
        total,
        results: page
            .items
            .into_iter()
            .map(|hit| found(hit, &names))
            .collect(),
        next_href,
        first_href,
    })
}

pub fn routes() -> Vec<Route> {
    routes![search]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::Status;
    use crate::input::search::Search;

    fn read(status: &str, assignee: &str, q: &str, cursor: &str) -> Result<Search, AppError> {
        read_filters(SearchFields {
            status: Some(status),
            assignee: Some(assignee),
            q: Some(q),
            cursor: Some(cursor),
            ..SearchFields::default()
        })
    }

    #[test]
    fn empty_parameters_are_no_filter() {
        let query = read("", " ", "", "").unwrap();
        assert!(query.piece.is_none() && query.status.is_none() && query.assignee.is_none());
        assert!(query.words.is_none() && query.after.is_none());
        assert_eq!(search_href(&query, None, None), "/claims");
    }

    #[test]
    fn bad_parameters_are_named() {
        let Err(AppError::Validation(_, errors)) = read("done", "x", "", "y") else {
            panic!("refused");
        };
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["assignee", "status", "cursor"]);
    }

    #[test]
    fn links_keep_the_filters_and_encode_the_words() {
        let query = read("", "", "a&b c", "").unwrap();
        assert_eq!(
            search_href(&query, Some(Status::False), Some("1.ab")),
            "/claims?status=false&q=a%26b+c&cursor=1.ab"
        );
    }
}
