//! The piece page, `/pieces/{id}`: the piece's full text with every claim highlighted in place,
//! and beside it its claims in text order, with the form that adds a claim (`POST
//! /pieces/{id}/claims`: a quote pasted or, with `static/factdesk.js`, selected in the text).
//! A fixed number of queries whatever the number of claims: the piece and its claims
//! (`store::pieces::get`), the changes to its details, and the people claims may be assigned to.
use super::claim_list::{Choice, choices};
use super::{Layout, render};
use crate::domain::anchor::{CONTEXT_CHARS, occurrences};
use crate::domain::claimreview::ClaimantKind;
use crate::domain::dates::Shown;
use crate::domain::fields::FieldError;
use crate::domain::highlight::{Span, segments};
use crate::domain::reanchor::Anchor;
use crate::domain::roles::Action;
use crate::domain::workflow::Priority;
use crate::input::claim::ClaimFields;
use crate::store;
use crate::store::claims::Claim;
use crate::store::ids::{ClaimId, PieceId, UserId};
use crate::store::live::Scope;
use crate::web::auth::PageUser;
use crate::web::csrf::{CsrfToken, Protected};
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, parse_id};
use crate::web::live::live_url;
use crate::web::pages::form_answer::{FormAnswer, OpenExisting, answer, field_errors};
use askama::Template;
use rocket::form::FromForm;
use rocket::response::content::RawHtml;
use rocket::{Route, get, post, routes};
use std::collections::HashMap;

/// One claim as the page shows it, in the text and in the list.
struct ClaimView {
    id: ClaimId,
    status: &'static str,
    status_label: &'static str,
    priority: &'static str,
    priority_label: &'static str,
    /// The summary, or the quote while there is none.
    text: String,
    claimant: String,
    assignee: Option<String>,
    /// The tooltip of its marks: status and summary.
    title: String,
    /// What the last correction of the text did to its words, when it did something.
    anchor_note: Option<&'static str>,
    orphaned: bool,
}

/// The piece's latest correction, as its page says it.
struct Corrected {
    revision: i32,
    at: Shown,
    by: String,
    reason: String,
}

/// One claim's mark around a run of text.
struct Mark<'a> {
    claim: &'a ClaimView,
    /// The run is where the claim starts: its status is said (in text) here.
    starts: bool,
}

/// A run of the text and the marks around it, outermost first. The text links to the innermost
/// claim (links cannot nest).
struct Run<'a> {
    text: String,
    marks: Vec<Mark<'a>>,
}

impl Run<'_> {
    fn link(&self) -> Option<&ClaimView> {
        self.marks.last().map(|m| m.claim)
    }
}

/// The add-claim form as typed: every field optional, so that nothing typed is lost.
#[derive(Debug, Default, FromForm)]
struct ClaimForm {
    quote: Option<String>,
    start: Option<String>,
    claimant: Option<String>,
    claimant_kind: Option<String>,
    summary: Option<String>,
    priority: Option<String>,
}

/// One place a pasted quote occurs, for the editor to pick when it occurs more than once.
struct Occurrence {
    start: usize,
    before: String,
    after: String,
    chosen: bool,
}

/// The add-claim form's state: empty, or refilled after a refusal.
#[derive(Default)]
struct AddClaim {
    typed: ClaimForm,
    errors: Vec<FieldError>,
    /// The claim already over the same words, when that is why it was refused.
    existing: Option<OpenExisting>,
}

#[derive(Template)]
#[template(path = "piece.html")]
struct PiecePage<'a> {
    layout: Layout<'a>,
    id: PieceId,
    title: String,
    outlet: Option<String>,
    url: Option<String>,
    authors: String,
    published: Shown,
    runs: Vec<Run<'a>>,
    claims: &'a [ClaimView],
    can_add_claim: bool,
    can_edit: bool,
    /// Who took the piece off the desk, when and why, if it is archived.
    archived: Option<(String, Shown, String)>,
    can_archive: bool,
    can_restore: bool,
    version: i32,
    /// Who last edited the details, and when, if anyone has.
    edited: Option<(String, Shown)>,
    /// The text's latest correction, if it was ever corrected.
    corrected: Option<Corrected>,
    /// Claims whose words a correction took out of the text.
    orphans: usize,
    /// The claim just added, to say so and point at it.
    added: Option<&'a ClaimView>,
    form: &'a ClaimForm,
    errors: &'a [FieldError],
    existing: Option<&'a OpenExisting>,
    occurrences: Vec<Occurrence>,
    claimant_kinds: Vec<Choice>,
    priorities: Vec<Choice>,
}

impl PiecePage<'_> {
    /// What is wrong with the add-claim form's `field`, in words, if anything.
    fn error(&self, field: &str) -> Option<String> {
        super::field_error(self.errors, field)
    }

    fn typed<'b>(&self, value: &'b Option<String>) -> &'b str {
        value.as_deref().unwrap_or_default()
    }
}

/// Where a quote that occurs more than once sits, with a little context, so the editor can say
/// which occurrence the claim is about.
fn places(body: &str, quote: &str, chosen: Option<usize>) -> Vec<Occurrence> {
    let starts = if quote.is_empty() {
        Vec::new()
    } else {
        occurrences(body, quote)
    };
    if starts.len() < 2 {
        return Vec::new();
    }
    let chars: Vec<char> = body.chars().collect();
    let length = quote.chars().count();
    starts
        .into_iter()
        .map(|start| {
            let end = start + length;
            Occurrence {
                start,
                before: chars[start.saturating_sub(CONTEXT_CHARS)..start]
                    .iter()
                    .collect(),
                after: chars[end..(end + CONTEXT_CHARS).min(chars.len())]
                    .iter()
                    .collect(),
                chosen: chosen == Some(start),
            }
        })
        .collect()
}

fn view(claim: &Claim, names: &HashMap<UserId, &str>) -> ClaimView {
    let (status, priority) = (claim.status, claim.priority);
    let text = if claim.summary.trim().is_empty() {
        claim.selector.exact.clone()
    } else {
        claim.summary.clone()
    };
    ClaimView {
        id: claim.id,
        status: status.as_str(),
        status_label: status.label(),
        priority: priority.as_str(),
        priority_label: priority.label(),
        title: format!("{}: {}", status.label(), text),
        text,
        claimant: claim.claimant.clone(),
        assignee: claim
            .assignee
            .map(|id| names.get(&id).map_or("someone", |n| n).to_string()),
        anchor_note: match claim.anchor {
            Anchor::Exact => None,
            Anchor::Changed => Some("its words were changed by a correction"),
            Anchor::Orphaned => Some("its words are gone from the text"),
        },
        orphaned: claim.anchor == Anchor::Orphaned,
    }
}

/// The page for piece `id`, with the add-claim form as `add` says.
async fn show(
    user: &PageUser,
    csrf: &CsrfToken,
    db: &mut Db,
    id: PieceId,
    added: Option<ClaimId>,
    add: &AddClaim,
) -> Result<RawHtml<String>, AppError> {
    // Independent reads, sent together on the one connection (pipelined), the latest event
    // first so that a change made meanwhile is told to the page. Names for the assignees: one
    // query for everyone, not one per claim.
    let conn: &store::Conn = db;
    let (latest, detail, edited, users, corrected) = futures_util::try_join!(
        store::live::latest(conn),
        store::pieces::get(conn, id),
        store::piece_edits::latest_change(conn, id),
        store::users::list(conn),
        store::corrections::latest(conn, id),
    )?;
    let live = live_url(Scope::Piece(id), latest);
    let names = super::claim_list::names(&users);

    let claims: Vec<ClaimView> = detail.claims.iter().map(|c| view(c, &names)).collect();
    // An orphan's position says nothing about the text any more: it is listed, never marked.
    let spans: Vec<Span<usize>> = detail
        .claims
        .iter()
        .enumerate()
        .filter(|(_, c)| c.anchor != Anchor::Orphaned)
        .map(|(i, c)| Span {
            id: i,
            start: c.selector.start,
            end: c.selector.end,
        })
        .collect();
    let runs = segments(&detail.body, &spans)
        .into_iter()
        .map(|segment| Run {
            marks: segment
                .claims
                .iter()
                .map(|&i| Mark {
                    claim: &claims[i],
                    starts: detail.claims[i].selector.start == segment.start,
                })
                .collect(),
            text: segment.text,
        })
        .collect();

    let quote = add.typed.quote.as_deref().unwrap_or_default();
    let chosen = add
        .typed
        .start
        .as_deref()
        .and_then(|s| s.trim().parse().ok());
    // What the form was sent with, or else the default a new claim takes.
    let typed_or = |typed: &Option<String>, default: &'static str| -> String {
        typed
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or(default)
            .to_owned()
    };
    let typed_priority = typed_or(&add.typed.priority, Priority::default().as_str());
    let typed_kind = typed_or(&add.typed.claimant_kind, ClaimantKind::default().as_str());
    let piece = detail.piece;
    let role = user.user.role();
    // An archived piece changes no further until it is restored: no form but the restore.
    let open = piece.archived.is_none();
    let layout = Layout {
        title: &piece.title,
        user: Some(&user.user),
        csrf_token: &csrf.0,
        live: Some(live),
    };
    render(&PiecePage {
        layout,
        id: piece.id,
        title: piece.title.clone(),
        outlet: piece.outlet.clone(),
        url: piece.url.clone(),
        authors: piece.authors.join(", "),
        published: Shown::of(piece.published_at),
        runs,
        claims: &claims,
        can_add_claim: open && role.can(Action::AddClaim),
        can_edit: open && role.can(Action::EditPiece),
        archived: piece.archived.as_ref().map(|a| {
            let who = names.get(&a.by).map_or("someone", |n| n).to_string();
            (who, Shown::of(a.at), a.reason.clone())
        }),
        can_archive: open && role.can(Action::Archive),
        can_restore: !open && role.can(Action::Archive),
        version: piece.version,
        edited: edited.map(|e| (e.actor.name, Shown::of(e.at))),
        orphans: claims.iter().filter(|c| c.orphaned).count(),
        corrected: corrected.map(|r| Corrected {
            revision: r.revision,
            at: Shown::of(r.at),
            by: r.by.name,
            reason: r.reason.unwrap_or_default(),
        }),
        added: added.and_then(|added| claims.iter().find(|c| c.id == added)),
        form: &add.typed,
        errors: &add.errors,
        existing: add.existing.as_ref(),
        occurrences: places(&detail.body, &normalise(quote), chosen),
        claimant_kinds: choices(
            &ClaimantKind::ALL,
            ClaimantKind::as_str,
            ClaimantKind::label,
            &typed_kind,
        ),
        priorities: choices(
            &Priority::ALL,
            Priority::as_str,
            Priority::label,
            &typed_priority,
        ),
    })
}

/// `?added=` names the claim just added (the add-claim form redirects here); anything else in it
/// is ignored, as it only decides whether to say "added".
#[get("/pieces/<id>?<added>")]
async fn piece(
    user: PageUser,
    csrf: CsrfToken,
    mut db: Db,
    id: &str,
    added: Option<&str>,
) -> Result<RawHtml<String>, AppError> {
    let id = parse_id("piece", id)?;
    let added = added.and_then(|a| a.parse().ok());
    show(&user, &csrf, &mut db, id, added, &AddClaim::default()).await
}

/// Browsers send a textarea's line breaks as CRLF; the piece's text has LF.
fn normalise(quote: &str) -> String {
    quote.replace("\r\n", "\n")
}

/// A blank optional field means "none".
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

#[post("/pieces/<id>/claims", data = "<form>")]
async fn add_claim(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<ClaimForm>,
) -> FormAnswer {
    let actor = user.may(Action::AddClaim)?;
    let mut db = db.connect().await?;
    let typed = form.0;
    let id = parse_id("piece", id)?;
    let quote = normalise(typed.quote.as_deref().unwrap_or_default());
    let mut errors = Vec::new();
    let start = match given(&typed.start).map(|s| s.trim().parse::<usize>()) {
        None => None,
        Some(Ok(start)) => Some(start),
        Some(Err(_)) => {
            errors.push(FieldError {
                field: "start".into(),
                message: "must be a character position (a whole number from 0)".into(),
            });
            None
        }
    };
    let fields = ClaimFields {
        quote: &quote,
        start,
        claimant: given(&typed.claimant),
        claimant_kind: given(&typed.claimant_kind),
        summary: given(&typed.summary),
        priority: given(&typed.priority),
    };
    let created = match (fields.validate(), errors.is_empty()) {
        (Ok(new), true) => store::claims::create(&mut db, actor, id, &new)
            .await
            .map_err(AppError::from),
        (Ok(_), false) => Err(AppError::invalid(errors)),
        (Err(mut more), _) => {
            more.extend(errors);
            Err(AppError::invalid(more))
        }
    };
    let to = created.map(|claim| format!("/pieces/{id}?added={}#claim-{}", claim.id, claim.id));
    answer(to, async |refused| {
        let Some(errors) = field_errors(&refused) else {
            return Err(refused);
        };
        let existing = OpenExisting::of(&refused);
        let add = AddClaim {
            typed,
            errors,
            existing,
        };
        show(&user, &csrf, &mut db, id, None, &add).await
    })
    .await
}

pub fn routes() -> Vec<Route> {
    routes![piece, add_claim]
}
