//! The desk, `/`: every piece with how far its checking has got, the open claims assigned to
//! the signed-in person, and the claims changed most recently (filtered by status and assignee).
//! A fixed number of queries, whatever the number of pieces and claims; the pieces come a page
//! at a time, with the counts their claims' changes keep.
use super::claim_list::{
    Choice, ClaimLine, assignee_choices, names, read_filters, search_href, status_choices,
};
use super::{Layout, render};
use crate::domain::dates::Shown;
use crate::domain::fields::Fields;
use crate::domain::workflow::Status;
use crate::input::page::Paging;
use crate::input::search::{Search, SearchFields};
use crate::store;
use crate::store::claims::Claim;
use crate::store::ids::PieceId;
use crate::store::listing::ClaimFilter;
use crate::store::live::Scope;
use crate::store::pieces::PieceSummary;
use crate::web::auth::PageUser;
use crate::web::csrf::CsrfToken;
use crate::web::error::AppError;
use crate::web::guards::Db;
use crate::web::live::live_url;
use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{Route, get, routes};

/// How many pieces the desk lists at a time, newest publication first; older ones a page on.
const PIECES: i64 = 20;
/// How many recently changed claims the desk shows.
const RECENT: i64 = 20;
/// How many open claims of each open status the desk lists as assigned to me, most recently
/// changed first; the rest are a link away (the search page, filtered to me and that status).
/// Bounded so that the desk of someone with hundreds of claims assigned stays one screen and
/// costs what anyone's does (100 of each made a 160 KB page at a third of the speed).
const MINE: i64 = 20;

/// A link to every open claim of one status assigned to me.
struct MoreMine {
    label: &'static str,
    href: String,
}

/// One piece on the desk, with its progress.
struct PieceLine {
    id: PieceId,
    title: String,
    outlet: Option<String>,
    published: Shown,
    total: i64,
    checked: i64,
    /// Each status with claims at it, in words ("Unchecked: 50").
    by_status: Vec<(&'static str, &'static str, i64)>,
    /// Claims a correction took the words of, to re-attach.
    orphans: i64,
}

impl PieceLine {
    fn of(summary: PieceSummary) -> PieceLine {
        let count = |s: Status| {
            summary
                .claims_by_status
                .get(s.as_str())
                .copied()
                .unwrap_or(0)
        };
        let checked = Status::ALL
            .iter()
            .filter(|s| s.is_verdict())
            .map(|s| count(*s))
            .sum();
        let by_status = Status::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(), count(*s)))
            .filter(|(_, _, n)| *n > 0)
            .collect();
        PieceLine {
            id: summary.piece.id,
            title: summary.piece.title,
            outlet: summary.piece.outlet,
            published: Shown::of(summary.piece.published_at),
            total: summary.claim_count,
            checked,
            by_status,
            orphans: summary.orphaned_claims,
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct DeskPage<'a> {
    layout: Layout<'a>,
    pieces: Vec<PieceLine>,
    mine: Vec<ClaimLine>,
    /// The open statuses whose list of my claims was cut at `MINE`.
    mine_more: Vec<MoreMine>,
    recent: Vec<ClaimLine>,
    statuses: Vec<Choice>,
    assignees: Vec<Choice>,
    filtered: bool,
    /// The desk's next page of (older) pieces, and its first page when this is not it.
    older_pieces: Option<String>,
    newest_pieces: Option<String>,
}

#[get("/?<status>&<assignee>&<pieces>")]
async fn home(
    user: PageUser,
    csrf: CsrfToken,
    db: Db,
    status: Option<&str>,
    assignee: Option<&str>,
    pieces: Option<&str>,
) -> Result<RawHtml<String>, AppError> {
    let query = read_filters(SearchFields {
        status,
        assignee,
        ..SearchFields::default()
    })?;
    let mut fields = Fields::default();
    let paging = Paging::read(&mut fields, None, pieces, PIECES);
    fields.finish().map_err(AppError::invalid)?;
    let me = user.user.id;
    let open = |status| ClaimFilter {
        status: Some(status),
        assignee: Some(me),
        limit: MINE,
        ..ClaimFilter::default()
    };
    let (open_unchecked, open_in_progress, recently) = (
        open(Status::Unchecked),
        open(Status::InProgress),
        query.filter(RECENT),
    );
    // Independent reads, sent together on the one connection (pipelined), the latest event
    // first so that a change made meanwhile is told to the page.
    let conn: &store::Conn = &db;
    let (latest, listing, unchecked, in_progress, recent, users) = futures_util::try_join!(
        store::live::latest(conn),
        store::pieces::list(conn, PIECES, paging.after),
        store::listing::list(conn, &open_unchecked),
        store::listing::list(conn, &open_in_progress),
        store::listing::list(conn, &recently),
        store::users::list(conn),
    )?;
    let live = live_url(Scope::Desk, latest);

    let names = names(&users);
    // Where a list was cut short, a link to all of it: the search, filtered to me.
    let all_mine = Search {
        assignee: Some(me),
        ..Search::default()
    };
    let mine_more: Vec<MoreMine> = [
        (Status::Unchecked, &unchecked),
        (Status::InProgress, &in_progress),
    ]
    .into_iter()
    .filter(|(_, page)| page.next_cursor.is_some())
    .map(|(status, _)| MoreMine {
        label: status.label(),
        href: search_href(&all_mine, Some(status), None),
    })
    .collect();
    let mut mine: Vec<Claim> = unchecked
        .items
        .into_iter()
        .chain(in_progress.items)
        .collect();
    mine.sort_by_key(|c| std::cmp::Reverse((c.updated_at, c.id)));
    let layout = Layout {
        title: "The desk",
        user: Some(&user.user),
        csrf_token: &csrf.0,
        live: Some(live),
    };
    render(&DeskPage {
        layout,
        older_pieces: listing
            .next_cursor
            .map(|c| desk_href(status, assignee, Some(&c))),
        newest_pieces: paging.after.map(|_| desk_href(status, assignee, None)),
        pieces: listing.items.into_iter().map(PieceLine::of).collect(),
        mine: mine.into_iter().map(|c| ClaimLine::of(c, &names)).collect(),
        mine_more,
        recent: recent
            .items
            .into_iter()
            .map(|c| ClaimLine::of(c, &names))
            .collect(),
        statuses: status_choices(query.status),
        assignees: assignee_choices(&users, query.assignee),
        filtered: query.status.is_some() || query.assignee.is_some(),
    })
}

/// The desk's address with its claim filters as given, at a page of pieces.
fn desk_href(status: Option<&str>, assignee: Option<&str>, pieces: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("status", status),
        ("assignee", assignee),
        ("pieces", pieces),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            query.append_pair(name, value);
        }
    }
    format!("/?{}", query.finish())
        .trim_end_matches('?')
        .to_owned()
}

pub fn routes() -> Vec<Route> {
    routes![home]
}
