//! The claim page's forms: each checks what was typed, calls the store, and answers 303 back to
//! the page or the page again with what was refused and what was typed.
use super::load;
use super::view::{Sent, Trouble, Typed, page};
use crate::domain::fields::{Fields, limits};
use crate::domain::roles::Action;
use crate::input::changes::{Asking, Assignee, ChangeFields};
use crate::input::evidence::EvidenceFields;
use crate::store;
use crate::store::ids::ClaimId;
use crate::web::auth::PageUser;
use crate::web::csrf::{CsrfToken, Protected, TokenField};
use crate::web::error::AppError;
use crate::web::guards::{Db, DbAfterBody, parse_id};
use crate::web::pages::form_answer::{FormAnswer, OpenExisting, answer, field_errors};
use rocket::form::FromForm;
use rocket::{Route, post, routes};

/// The answer to a form: 303 back to the claim, or the page again saying what was refused.
type Answer = FormAnswer;

/// What a form's store call came to: a mendable refusal (`form_answer`) shows the claim as it is
/// now with the form refilled.
pub(super) async fn settle(
    user: &PageUser,
    csrf: &CsrfToken,
    db: &mut Db,
    id: ClaimId,
    sent: Sent,
    result: Result<(), AppError>,
    typed: impl FnOnce(&mut Typed),
) -> Answer {
    let result = result.map(|()| format!("/claims/{id}"));
    answer(result, async |error| {
        let stale = matches!(error, AppError::PreconditionFailed(_));
        let message = if stale {
            "This claim changed after you opened it; it is shown below as it is now, with what changed and who changed it. What you typed is kept in the form: check it against the claim, then send it again.".to_owned()
        } else {
            error.to_string()
        };
        let errors = field_errors(&error).unwrap_or_default();
        let loaded = load(db, id).await?;
        let trouble = Trouble {
            status: error.status(),
            form: sent.form,
            message,
            errors,
            existing: OpenExisting::of(&error),
            seen: sent.seen.filter(|_| stale),
        };
        page(user, csrf, &loaded, typed, Some(trouble))
    })
    .await
}

/// Fields of a form arrive as typed; all are optional so that nothing typed is lost to a
/// missing field (`Fields` says what is wrong instead).
pub(super) fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// A blank optional field means "none".
pub(super) fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

fn version(fields: &mut Fields, value: &Option<String>) -> Vec<i32> {
    version_of("claim", fields, value)
}

/// The version of `what` (the claim, a note) the form was read at.
pub(in crate::web::pages) fn version_of(
    what: &str,
    fields: &mut Fields,
    value: &Option<String>,
) -> Vec<i32> {
    match value.as_deref().map(str::trim).map(str::parse::<i32>) {
        Some(Ok(version)) => vec![version],
        _ => {
            fields.error(
                "version",
                format!("the form lost the {what}'s version; reload the page"),
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
    let form = form.0;
    let change = ChangeForm {
        name: "status",
        action: Action::EditClaim,
        version: &form.version,
        seen: &form.seen,
        sent: ChangeFields {
            status: given(&form.status),
            reason: given(&form.reason),
            ..ChangeFields::default()
        },
        asking: Asking::Status,
    };
    let typed = |t: &mut Typed| {
        t.status = text(&form.status);
        t.reason = text(&form.reason);
    };
    apply_change(&user, &csrf, db, id, change, typed).await
}

/// What one of the forms that change the claim itself (status, details, assignment) sent.
struct ChangeForm<'a> {
    name: &'static str,
    action: Action,
    version: &'a Option<String>,
    seen: &'a Option<String>,
    sent: ChangeFields<'a>,
    asking: Asking,
}

/// A change form checked as the API's changes are, applied to the version the form was read
/// at, and answered: back to the claim, or the page again with what was typed.
async fn apply_change(
    user: &PageUser,
    csrf: &CsrfToken,
    db: DbAfterBody<'_>,
    id: &str,
    form: ChangeForm<'_>,
    typed: impl FnOnce(&mut Typed),
) -> Answer {
    // A role that may not is refused before a connection is taken for it.
    let actor = user.may(form.action)?;
    let mut db = db.connect().await?;
    let id = parse_id("claim", id)?;
    let mut fields = Fields::default();
    let expected = version(&mut fields, form.version);
    let result = match form.sent.validate(fields, form.asking) {
        Ok(changes) => store::claims::update(&mut db, actor, id, &expected, &changes)
            .await
            .map(drop)
            .map_err(AppError::from),
        Err(errors) => Err(AppError::invalid(errors)),
    };
    let sent = Sent::new(form.name, form.seen);
    settle(user, csrf, &mut db, id, sent, result, typed).await
}

#[derive(FromForm)]
struct DetailsForm {
    summary: Option<String>,
    claimant: Option<String>,
    claimant_kind: Option<String>,
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
    let form = form.0;
    let change = ChangeForm {
        name: "details",
        action: Action::EditClaim,
        version: &form.version,
        seen: &form.seen,
        sent: ChangeFields {
            summary: given(&form.summary),
            claimant: given(&form.claimant),
            claimant_kind: given(&form.claimant_kind),
            priority: given(&form.priority),
            ..ChangeFields::default()
        },
        asking: Asking::Parts,
    };
    let typed = |t: &mut Typed| {
        t.summary = text(&form.summary);
        t.claimant = text(&form.claimant);
        t.claimant_kind = text(&form.claimant_kind);
        t.priority = text(&form.priority);
    };
    apply_change(&user, &csrf, db, id, change, typed).await
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
    let form = form.0;
    let change = ChangeForm {
        name: "assign",
        action: Action::Assign,
        version: &form.version,
        seen: &form.seen,
        // A blank choice unassigns.
        sent: ChangeFields {
            assignee: Some(given(&form.assignee).map_or(Assignee::Nobody, Assignee::Chosen)),
            ..ChangeFields::default()
        },
        asking: Asking::Parts,
    };
    let typed = |t: &mut Typed| t.assignee = text(&form.assignee);
    apply_change(&user, &csrf, db, id, change, typed).await
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
    let actor = user.may(Action::AddEvidence)?;
    let mut db = db.connect().await?;
    let form = form.0;
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
    let actor = user.may(Action::RemoveEvidence)?;
    let mut db = db.connect().await?;
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
    let actor = user.may(Action::AddNote)?;
    let mut db = db.connect().await?;
    let form = form.0;
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
    let actor = user.may(Action::SignOff)?;
    let mut db = db.connect().await?;
    let form = form.0;
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

pub(super) fn routes() -> Vec<Route> {
    routes![
        change_status,
        edit_details,
        assign,
        add_evidence,
        remove_evidence,
        add_note,
        sign_off
    ]
}
