//! The claim status page, `/claims/{id}`: the claim in its context, its verdict and sign-off,
//! evidence by stance, notes, the history, and the forms the signed-in role may use. Every form
//! posts under `/claims/{id}/…` and answers 303 back to the page; a refused form (stale 412,
//! workflow 409, invalid 422 …) answers the page as the claim is now, with what was typed kept.
use super::{Layout, render};
use crate::domain::claimreview::script_json;
use crate::domain::dates::Shown;
use crate::domain::fields::{FieldError, Fields, limits};
use crate::domain::history::EventKind;
use crate::domain::roles::Action;
use crate::domain::workflow::{Priority, Stance, Status, allowed_from};
use crate::input::changes::{Asking, ChangeFields};
use crate::input::evidence::EvidenceFields;
use crate::store;
use crate::store::claims::ClaimDetail;
use crate::store::events::Event;
use crate::store::live::Scope;
use crate::store::pieces::Piece;
use crate::store::search::Similar;
use crate::store::users::User;
use crate::web::api::claimreview::review_of_claim;
use crate::web::auth::PageUser;
use crate::web::csrf::{CsrfToken, Protected, TokenField};
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, parse_id};
use crate::web::live::live_url;
use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status as HttpStatus;
use rocket::response::Redirect;
use rocket::response::content::RawHtml;
use rocket::{Route, get, post, routes};
use std::collections::HashMap;
use uuid::Uuid;

/// Everything the page shows, read with a fixed number of queries whatever the claim carries.
struct Loaded {
    detail: ClaimDetail,
    piece: Piece,
    history: Vec<Event>,
    /// Every user but System: names for ids (one batched query) and the assignee choices.
    users: Vec<User>,
    /// Earlier claims of other pieces saying nearly the same (one index-backed query).
    similar: Vec<Similar>,
    /// The page's stream of changes, from the last event before it was read.
    live: String,
    /// The ClaimReview JSON-LD once the verdict is signed off, made safe for its script element
    /// (set by the GET only: a refused form's page is no publication).
    review_json: Option<String>,
}

async fn load(db: &Db, id: Uuid) -> Result<Loaded, AppError> {
    // Five independent reads, sent together on the one connection (pipelined): one round trip
    // instead of five. Postgres runs them in the order given, so the latest event is read first:
    // a change made while the rest is read is then told to the page, not missed.
    let conn: &store::Conn = db;
    let (latest, (detail, piece), history, users, similar) = futures_util::try_join!(
        store::live::latest(conn),
        store::claims::get_with_piece(conn, id),
        store::events::for_claim(conn, id),
        store::users::list(conn),
        store::search::similar(conn, id),
    )?;
    Ok(Loaded {
        detail,
        piece,
        history,
        users,
        similar,
        live: live_url(Scope::Claim(id), latest),
        review_json: None,
    })
}

/// What was typed into the page's forms (or, on a fresh page, what they start with).
#[derive(Debug, Default, Clone)]
struct Typed {
    status: String,
    reason: String,
    summary: String,
    claimant: String,
    priority: String,
    assignee: String,
    url: String,
    title: String,
    publisher: String,
    stance: String,
    archived_url: String,
    evidence_note: String,
    note: String,
    signoff_note: String,
}

/// Why a form was refused, shown above the forms.
struct Trouble {
    status: HttpStatus,
    /// Which form it was ("status", "details", …), so that form says so too.
    form: &'static str,
    message: String,
    errors: Vec<FieldError>,
    /// For a stale form: how many history events its page showed, so the page can say what
    /// happened since (history is append-only, so the rest are exactly the changes it missed).
    seen: Option<usize>,
}

/// Which form was sent, and how much of the history its page had shown (its `seen` field).
struct Sent {
    form: &'static str,
    seen: Option<usize>,
}

impl Sent {
    fn new(form: &'static str, seen: &Option<String>) -> Sent {
        Sent {
            form,
            seen: seen.as_deref().and_then(|s| s.trim().parse().ok()),
        }
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct EvidenceItem {
    id: Uuid,
    title: String,
    publisher: String,
    url: String,
    archived_url: Option<String>,
    note: String,
    added_by: String,
    added: Shown,
}

struct StanceGroup {
    stance: &'static str,
    label: &'static str,
    items: Vec<EvidenceItem>,
}

struct NoteItem {
    author: String,
    /// Rendered from Markdown and sanitised by `domain::markdown::render_note`.
    body_html: String,
    at: Shown,
}

struct HistoryItem {
    actor: String,
    at: Shown,
    what: String,
    from: Option<String>,
    to: Option<String>,
    reason: Option<String>,
}

/// A claim checked before ("Checked before: … — False, 12 Mar 2019"): its text, status and
/// the day of its verdict, or of its piece while it has none.
struct SeenBefore {
    id: Uuid,
    text: String,
    piece_title: String,
    status: &'static str,
    status_label: &'static str,
    day: Shown,
}

impl SeenBefore {
    fn of(similar: &Similar) -> SeenBefore {
        let status = similar.status;
        SeenBefore {
            id: similar.id,
            text: similar.text.clone(),
            piece_title: similar.piece_title.clone(),
            status: status.as_str(),
            status_label: status.label(),
            day: Shown::of(similar.verdict_at.unwrap_or(similar.piece_published_at)),
        }
    }
}

/// Who did something and when.
struct Stamp {
    who: String,
    at: Option<Shown>,
}

#[derive(Template)]
#[template(path = "claim.html")]
struct ClaimPage<'a> {
    layout: Layout<'a>,
    review_json: Option<&'a str>,
    id: Uuid,
    piece_id: Uuid,
    piece_title: &'a str,
    piece_date: Shown,
    prefix: &'a str,
    quote: &'a str,
    suffix: &'a str,
    claimant: &'a str,
    summary: &'a str,
    status: &'a str,
    status_label: &'static str,
    is_verdict: bool,
    priority_label: &'static str,
    assignee: Option<String>,
    reason: Option<&'a str>,
    verdict: Option<Stamp>,
    signed_off: Option<Stamp>,
    signoff_note: Option<&'a str>,
    version: i32,
    groups: Vec<StanceGroup>,
    evidence_count: usize,
    notes: Vec<NoteItem>,
    history: Vec<HistoryItem>,
    checked_before: Vec<SeenBefore>,
    /// How many events the history shows: the versioned forms send it back as `seen`.
    seen: usize,
    /// What happened since a stale form's page was loaded.
    changed: Vec<HistoryItem>,
    trouble: Option<Trouble>,
    typed: Typed,
    targets: Vec<Choice>,
    priorities: Vec<Choice>,
    stances: Vec<Choice>,
    assignees: Vec<Choice>,
    can_edit: bool,
    can_assign: bool,
    can_add_evidence: bool,
    can_remove_evidence: bool,
    can_note: bool,
    can_sign_off: bool,
}

impl ClaimPage<'_> {
    /// Whether the trouble shown is about `form`.
    fn trouble_in(&self, form: &str) -> bool {
        self.trouble.as_ref().is_some_and(|t| t.form == form)
    }
}

fn choices<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    selected: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|&item| Choice {
            value: value(item).to_owned(),
            label: label(item).to_owned(),
            selected: value(item) == selected,
        })
        .collect()
}

/// The page for `loaded`, as `user` may act on it, with `typed` in its forms.
fn page(
    user: &PageUser,
    csrf: &CsrfToken,
    loaded: &Loaded,
    typed: impl FnOnce(&mut Typed),
    trouble: Option<Trouble>,
) -> Result<RawHtml<String>, AppError> {
    let claim = &loaded.detail.claim;
    let names: HashMap<Uuid, &str> = loaded
        .users
        .iter()
        .map(|u| (u.id, u.name.as_str()))
        .collect();
    let name = |id: Uuid| names.get(&id).map_or("System", |n| n).to_owned();
    let (status, priority) = (claim.status, claim.priority);
    let role = user.user.role();
    // Each form starts as the claim is now; a refused form gets back what was typed in it.
    let mut fresh = Typed {
        summary: claim.summary.clone(),
        claimant: claim.claimant.clone(),
        priority: claim.priority.as_str().to_owned(),
        assignee: claim.assignee.map(|a| a.to_string()).unwrap_or_default(),
        stance: Stance::Supports.as_str().to_owned(),
        ..Typed::default()
    };
    typed(&mut fresh);
    let typed = fresh;

    let groups = Stance::ALL
        .into_iter()
        .map(|stance| StanceGroup {
            stance: stance.as_str(),
            label: stance.label(),
            items: loaded
                .detail
                .evidence
                .iter()
                .filter(|e| e.stance == stance)
                .map(|e| EvidenceItem {
                    id: e.id,
                    title: e.title.clone(),
                    publisher: e.publisher.clone(),
                    url: e.url.clone(),
                    archived_url: e.archived_url.clone(),
                    note: e.note.clone(),
                    added_by: name(e.added_by),
                    added: Shown::of(e.added_at),
                })
                .collect(),
        })
        .collect();
    let notes = loaded
        .detail
        .notes
        .iter()
        .map(|n| NoteItem {
            author: n.author.name.clone(),
            body_html: numeric_references(&n.body_html),
            at: Shown::of(n.created_at),
        })
        .collect();
    let history = loaded.history.iter().map(|e| describe(e, &name)).collect();
    let changed = trouble
        .as_ref()
        .and_then(|t| t.seen)
        .map(|seen| {
            loaded
                .history
                .iter()
                .skip(seen)
                .map(|e| describe(e, &name))
                .collect()
        })
        .unwrap_or_default();
    let targets = allowed_from(status)
        .into_iter()
        .map(|to| Choice {
            value: to.as_str().to_owned(),
            label: to.label().to_owned(),
            selected: to.as_str() == typed.status,
        })
        .collect();
    let mut assignees = vec![Choice {
        value: String::new(),
        label: "Nobody".into(),
        selected: typed.assignee.is_empty(),
    }];
    assignees.extend(loaded.users.iter().filter(|u| !u.disabled).map(|u| Choice {
        value: u.id.to_string(),
        label: format!("{} ({})", u.name, u.role),
        selected: u.id.to_string() == typed.assignee,
    }));
    let can_sign_off = role.can(Action::SignOff)
        && status.is_verdict()
        && claim.signed_off_by.is_none()
        && claim.verdict_by != Some(user.user.id);
    let layout = Layout {
        title: "Claim",
        user: Some(&user.user),
        csrf_token: &csrf.0,
        live: Some(loaded.live.clone()),
    };
    let stamp = |who: Option<Uuid>, at: Option<chrono::DateTime<chrono::Utc>>| {
        who.map(|who| Stamp {
            who: name(who),
            at: at.map(Shown::of),
        })
    };
    render(&ClaimPage {
        layout,
        review_json: loaded.review_json.as_deref(),
        id: claim.id,
        piece_id: claim.piece_id,
        piece_title: &claim.piece_title,
        piece_date: Shown::of(loaded.piece.published_at),
        prefix: &claim.selector.prefix,
        quote: &claim.selector.exact,
        suffix: &claim.selector.suffix,
        claimant: &claim.claimant,
        summary: &claim.summary,
        status: status.as_str(),
        status_label: status.label(),
        is_verdict: status.is_verdict(),
        priority_label: priority.label(),
        assignee: claim.assignee.map(&name),
        reason: claim.status_reason.as_deref(),
        verdict: stamp(claim.verdict_by, claim.verdict_at),
        signed_off: stamp(claim.signed_off_by, claim.signed_off_at),
        signoff_note: claim.signoff_note.as_deref(),
        version: claim.version,
        evidence_count: loaded.detail.evidence.len(),
        groups,
        notes,
        history,
        checked_before: loaded.similar.iter().map(SeenBefore::of).collect(),
        seen: loaded.history.len(),
        changed,
        trouble,
        targets,
        priorities: choices(
            &Priority::ALL,
            Priority::as_str,
            Priority::label,
            &typed.priority,
        ),
        stances: choices(&Stance::ALL, Stance::as_str, Stance::label, &typed.stance),
        assignees,
        typed,
        can_edit: role.can(Action::EditClaim),
        can_assign: role.can(Action::Assign),
        can_add_evidence: role.can(Action::AddEvidence),
        can_remove_evidence: role.can(Action::RemoveEvidence),
        can_note: role.can(Action::AddNote),
        can_sign_off,
    })
}

/// The sanitised note HTML with its character references made numeric and its apostrophes
/// escaped: the same document, character for character as a browser reads it, but no stretch of
/// it reads like a stored text typed with markup characters in it (a note saying `&lt;b&gt;` or
/// `it's` shows in the page as `&#60;b&#62;` and `it&#39;s`). Serialised HTML starts a reference
/// at every `&`, and its attribute values are double-quoted, so each replacement is exact.
fn numeric_references(html: &str) -> String {
    html.replace("&lt;", "&#60;")
        .replace("&gt;", "&#62;")
        .replace("&quot;", "&#34;")
        .replace("&amp;", "&#38;")
        .replace('\'', "&#39;")
}

/// One event in words, with ids turned into names and statuses into their labels.
fn describe(event: &Event, name: &impl Fn(Uuid) -> String) -> HistoryItem {
    let field = event.field.as_deref();
    let value = |v: &Option<String>| -> Option<String> {
        let v = v.as_deref()?;
        let as_name = field == Some("assignee") || event.kind == EventKind::SignoffVoided;
        Some(match (as_name, Uuid::try_parse(v), v.parse::<Status>()) {
            (true, Ok(id), _) => name(id),
            (false, _, Ok(status)) if field.is_none() => status.label().to_owned(),
            _ => v.to_owned(),
        })
    };
    let what = match event.kind {
        EventKind::Created => "added the claim".to_owned(),
        EventKind::Edited => format!("changed the {}", field.unwrap_or("claim")),
        EventKind::StatusChanged => "changed the status".to_owned(),
        EventKind::EvidenceAdded => "added evidence".to_owned(),
        EventKind::EvidenceRemoved => "removed evidence".to_owned(),
        EventKind::NoteAdded => "added a note".to_owned(),
        EventKind::SignedOff => "signed the verdict off".to_owned(),
        EventKind::SignoffVoided => "voided the sign-off".to_owned(),
    };
    HistoryItem {
        actor: event.actor.name.clone(),
        at: Shown::of(event.at),
        what,
        from: value(&event.from),
        to: value(&event.to),
        reason: event.reason.clone(),
    }
}

#[get("/claims/<id>")]
async fn show(
    user: PageUser,
    csrf: CsrfToken,
    db: Db,
    settings: &rocket::State<crate::Settings>,
    id: &str,
) -> Result<RawHtml<String>, AppError> {
    let mut loaded = load(&db, parse_id("claim", id)?).await?;
    let review = review_of_claim(&loaded.detail.claim, &loaded.piece, settings);
    loaded.review_json = review.as_ref().map(script_json);
    page(&user, &csrf, &loaded, |_| {}, None)
}

/// The answer to a form: 303 back to the claim, or the page again saying what was refused.
type Answer = Result<Result<Redirect, (HttpStatus, RawHtml<String>)>, AppError>;

/// What a form's store call came to. Refusals a person can act on (403 of the two-person rule,
/// 409, 410, 412, 422) show the claim as it is now with the form refilled; anything else is an
/// error page.
async fn settle(
    user: &PageUser,
    csrf: &CsrfToken,
    db: &mut Db,
    id: Uuid,
    sent: Sent,
    result: Result<(), AppError>,
    typed: impl FnOnce(&mut Typed),
) -> Answer {
    let error = match result {
        Ok(()) => return Ok(Ok(Redirect::to(format!("/claims/{id}")))),
        Err(error) => error,
    };
    let status = error.status();
    if !matches!(status.code, 403 | 409 | 410 | 412 | 422) {
        return Err(error);
    }
    let message = match &error {
        AppError::PreconditionFailed(_) => "This claim changed after you opened it; it is shown below as it is now, with what changed and who changed it. What you typed is kept in the form: check it against the claim, then send it again.".to_owned(),
        other => other.to_string(),
    };
    let errors = match &error {
        AppError::Validation(_, errors) => errors.clone(),
        _ => Vec::new(),
    };
    let loaded = load(db, id).await?;
    let stale = matches!(error, AppError::PreconditionFailed(_));
    let trouble = Trouble {
        status,
        form: sent.form,
        message,
        errors,
        seen: sent.seen.filter(|_| stale),
    };
    let html = page(user, csrf, &loaded, typed, Some(trouble))?;
    Ok(Err((status, html)))
}

/// Fields of a form arrive as typed; all are optional so that nothing typed is lost to a
/// missing field (`Fields` says what is wrong instead).
fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// A blank optional field means "none".
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

fn version(fields: &mut Fields, value: &Option<String>) -> Vec<i32> {
    match value.as_deref().map(str::trim).map(str::parse::<i32>) {
        Some(Ok(version)) => vec![version],
        _ => {
            fields.error(
                "version",
                "the form lost the claim's version; reload the page",
            );
            Vec::new()
        }
    }
}

#[derive(FromForm)]
struct StatusForm {
    status: Option<String>,
    reason: Option<String>,
    version: Option<String>,
    seen: Option<String>,
}

#[post("/claims/<id>/status", data = "<form>")]
async fn change_status(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<StatusForm>,
) -> Answer {
    let mut db = db.connect().await?;
    let form = form.0;
    let actor = user.may(Action::EditClaim)?;
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    let expected = version(&mut fields, &form.version);
    let sent = ChangeFields {
        status: given(&form.status),
        reason: given(&form.reason),
        ..ChangeFields::default()
    };
    let result = apply_form(&mut db, actor, id, fields, &expected, sent, Asking::Status).await;
    let typed = |t: &mut Typed| {
        t.status = text(&form.status);
        t.reason = text(&form.reason);
    };
    let sent = Sent::new("status", &form.seen);
    settle(&user, &csrf, &mut db, id, sent, result, typed).await
}

/// A form's changes checked and applied as the API's are: its field errors, or the store's.
async fn apply_form(
    db: &mut Db,
    actor: Uuid,
    id: Uuid,
    fields: Fields,
    expected: &[i32],
    sent: ChangeFields<'_>,
    asking: Asking,
) -> Result<(), AppError> {
    let changes = sent.validate(fields, asking).map_err(AppError::invalid)?;
    store::claims::update(db, actor, id, expected, &changes).await?;
    Ok(())
}

#[derive(FromForm)]
struct DetailsForm {
    summary: Option<String>,
    claimant: Option<String>,
    priority: Option<String>,
    version: Option<String>,
    seen: Option<String>,
}

#[post("/claims/<id>/details", data = "<form>")]
async fn edit_details(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<DetailsForm>,
) -> Answer {
    let mut db = db.connect().await?;
    let form = form.0;
    let actor = user.may(Action::EditClaim)?;
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    let expected = version(&mut fields, &form.version);
    let sent = ChangeFields {
        summary: given(&form.summary),
        claimant: given(&form.claimant),
        priority: given(&form.priority),
        ..ChangeFields::default()
    };
    let result = apply_form(&mut db, actor, id, fields, &expected, sent, Asking::Parts).await;
    let typed = |t: &mut Typed| {
        t.summary = text(&form.summary);
        t.claimant = text(&form.claimant);
        t.priority = text(&form.priority);
    };
    let sent = Sent::new("details", &form.seen);
    settle(&user, &csrf, &mut db, id, sent, result, typed).await
}

#[derive(FromForm)]
struct AssignForm {
    assignee: Option<String>,
    version: Option<String>,
    seen: Option<String>,
}

#[post("/claims/<id>/assign", data = "<form>")]
async fn assign(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<AssignForm>,
) -> Answer {
    let mut db = db.connect().await?;
    let form = form.0;
    let actor = user.may(Action::Assign)?;
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    let expected = version(&mut fields, &form.version);
    // A blank choice unassigns.
    let sent = ChangeFields {
        assignee: Some(given(&form.assignee)),
        ..ChangeFields::default()
    };
    let result = apply_form(&mut db, actor, id, fields, &expected, sent, Asking::Parts).await;
    let typed = |t: &mut Typed| t.assignee = text(&form.assignee);
    let sent = Sent::new("assign", &form.seen);
    settle(&user, &csrf, &mut db, id, sent, result, typed).await
}

#[derive(FromForm)]
struct EvidenceForm {
    url: Option<String>,
    title: Option<String>,
    publisher: Option<String>,
    stance: Option<String>,
    archived_url: Option<String>,
    note: Option<String>,
}

#[post("/claims/<id>/evidence", data = "<form>")]
async fn add_evidence(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<EvidenceForm>,
) -> Answer {
    let mut db = db.connect().await?;
    let form = form.0;
    let actor = user.may(Action::AddEvidence)?;
    let id = parse_id("claim", id)?;
    let (url, title) = (text(&form.url), text(&form.title));
    let sent = EvidenceFields {
        url: &url,
        title: &title,
        stance: given(&form.stance),
        publisher: given(&form.publisher),
        note: given(&form.note),
        archived_url: given(&form.archived_url),
    };
    let result = match sent.validate() {
        Ok(new) => store::evidence::add(&mut db, actor, id, &new)
            .await
            .map(drop)
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let typed = |t: &mut Typed| {
        t.url = text(&form.url);
        t.title = text(&form.title);
        t.publisher = text(&form.publisher);
        t.stance = text(&form.stance);
        t.archived_url = text(&form.archived_url);
        t.evidence_note = text(&form.note);
    };
    let sent = Sent::new("evidence", &None);
    settle(&user, &csrf, &mut db, id, sent, result, typed).await
}

#[post("/claims/<id>/evidence/<evidence>/remove", data = "<_form>")]
async fn remove_evidence(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    evidence: &str,
    _form: Protected<TokenField<'_>>,
) -> Answer {
    let mut db = db.connect().await?;
    let actor = user.may(Action::RemoveEvidence)?;
    let id = parse_id("claim", id)?;
    let evidence = parse_id("evidence", evidence)?;
    // Only this claim's evidence is removed from this claim's page.
    let detail = store::claims::get(&mut db, id).await?;
    let result = if detail.evidence.iter().any(|e| e.id == evidence) {
        store::evidence::remove(&mut db, actor, evidence)
            .await
            .map_err(AppError::from)
    } else {
        Err(AppError::Gone(
            "that evidence is not on this claim any more (it may have been removed already)".into(),
        ))
    };
    settle(
        &user,
        &csrf,
        &mut db,
        id,
        Sent::new("remove", &None),
        result,
        |_: &mut Typed| {},
    )
    .await
}

#[derive(FromForm)]
struct NoteForm {
    body: Option<String>,
}

#[post("/claims/<id>/notes", data = "<form>")]
async fn add_note(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<NoteForm>,
) -> Answer {
    let mut db = db.connect().await?;
    let form = form.0;
    let actor = user.may(Action::AddNote)?;
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    // Markdown as written: indentation and line breaks carry meaning.
    let body = fields.verbatim("body", &text(&form.body), limits::NOTE);
    let result = match fields.finish() {
        Ok(_) => store::notes::add(&mut db, actor, id, &body)
            .await
            .map(drop)
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let typed = |t: &mut Typed| t.note = text(&form.body);
    let sent = Sent::new("note", &None);
    settle(&user, &csrf, &mut db, id, sent, result, typed).await
}

#[derive(FromForm)]
struct SignOffForm {
    note: Option<String>,
    version: Option<String>,
    seen: Option<String>,
}

#[post("/claims/<id>/signoff", data = "<form>")]
async fn sign_off(
    user: PageUser,
    csrf: CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: Protected<SignOffForm>,
) -> Answer {
    let mut db = db.connect().await?;
    let form = form.0;
    let actor = user.may(Action::SignOff)?;
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    let expected = version(&mut fields, &form.version);
    let note = fields.optional_text("note", given(&form.note), limits::REASON);
    let result = match fields.finish() {
        Ok(_) => store::claims::sign_off(&mut db, actor, id, &expected, note.as_deref())
            .await
            .map(drop)
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let typed = |t: &mut Typed| t.signoff_note = text(&form.note);
    let sent = Sent::new("signoff", &form.seen);
    settle(&user, &csrf, &mut db, id, sent, result, typed).await
}

pub fn routes() -> Vec<Route> {
    routes![
        show,
        change_status,
        edit_details,
        assign,
        add_evidence,
        remove_evidence,
        add_note,
        sign_off
    ]
}

#[cfg(test)]
mod tests {
    use super::numeric_references;

    #[test]
    fn note_html_keeps_its_meaning_with_numeric_references() {
        assert_eq!(
            numeric_references(
                r#"<p>it's &lt;b&gt; &amp;lt; <a href="/x?a=1&amp;b='2'">&quot;q&quot;</a></p>"#
            ),
            r#"<p>it&#39;s &#60;b&#62; &#38;lt; <a href="/x?a=1&#38;b=&#39;2&#39;">&#34;q&#34;</a></p>"#
        );
    }
}
