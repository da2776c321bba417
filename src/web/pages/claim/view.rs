//! The claim page from what was loaded: its view models, the page itself, and the history in words.
use super::super::claim_list::{Choice, choices};
use super::Loaded;
use crate::domain::claimreview::ClaimantKind;
use crate::domain::dates::Shown;
use crate::domain::fields::FieldError;
use crate::domain::history::{EventKind, value_label};
use crate::domain::markdown::render_note;
use crate::domain::reanchor::Anchor;
use crate::domain::roles::Action;
use crate::domain::workflow::{Priority, Stance, allowed_from, check_sign_off};
use crate::store::events::Event;
use crate::store::ids::{ClaimId, EvidenceId, PieceId, UserId};
use crate::store::search::CheckedBefore;
use crate::web::auth::PageUser;
use crate::web::csrf::CsrfToken;
use crate::web::error::AppError;
use crate::web::pages::form_answer::OpenExisting;
use crate::web::pages::{Layout, render};
use askama::Template;
use rocket::http::Status as HttpStatus;
use rocket::response::content::RawHtml;
use std::collections::HashMap;

/// What was typed into the page's forms (or, on a fresh page, what they start with).
#[derive(Debug, Default, Clone)]
pub(super) struct Typed {
    pub(super) status: String,
    pub(super) reason: String,
    pub(super) summary: String,
    pub(super) claimant: String,
    pub(super) claimant_kind: String,
    pub(super) priority: String,
    pub(super) assignee: String,
    pub(super) url: String,
    pub(super) title: String,
    pub(super) publisher: String,
    pub(super) stance: String,
    pub(super) archived_url: String,
    pub(super) evidence_note: String,
    pub(super) note: String,
    pub(super) signoff_note: String,
    pub(super) archive_reason: String,
    pub(super) anchor_quote: String,
    pub(super) anchor_start: String,
    /// A note being edited, and its words as typed.
    pub(super) editing_note: Option<(uuid::Uuid, String)>,
}

/// Why a form was refused, shown above the forms.
pub(super) struct Trouble {
    pub(super) status: HttpStatus,
    /// Which form it was ("status", "details", …), so that form says so too.
    pub(super) form: &'static str,
    pub(super) message: String,
    pub(super) errors: Vec<FieldError>,
    /// What the form would have repeated (a duplicate's 409), for the page to link to.
    pub(super) existing: Option<OpenExisting>,
    /// For a stale form: how many history events its page showed, so the page can say what
    /// happened since (history is append-only, so the rest are exactly the changes it missed).
    pub(super) seen: Option<usize>,
}

/// Which form was sent, and how much of the history its page had shown (its `seen` field).
pub(super) struct Sent {
    pub(super) form: &'static str,
    pub(super) seen: Option<usize>,
}

impl Sent {
    pub(super) fn new(form: &'static str, seen: &Option<String>) -> Sent {
        Sent {
            form,
            seen: seen.as_deref().and_then(|s| s.trim().parse().ok()),
        }
    }
}

struct EvidenceItem {
    id: EvidenceId,
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
    id: uuid::Uuid,
    version: i32,
    author: String,
    /// Rendered from Markdown and sanitised by `domain::markdown::render_note`, here.
    body_html: String,
    /// The Markdown as written (or as typed into a refused edit), for its edit form.
    body: String,
    at: Shown,
    edited: Option<Shown>,
    /// Its author is reading it, and may edit or withdraw it.
    mine: bool,
    /// A refused edit of it: its form opens again.
    editing: bool,
}

/// Who took the claim off the desk, when and why.
struct ArchivedLine {
    who: String,
    at: Shown,
    reason: String,
    with_piece: bool,
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
struct CheckedBeforeLine {
    id: ClaimId,
    text: String,
    piece_title: String,
    status: &'static str,
    status_label: &'static str,
    day: Shown,
}

impl CheckedBeforeLine {
    fn of(earlier: &CheckedBefore) -> CheckedBeforeLine {
        let status = earlier.status;
        CheckedBeforeLine {
            id: earlier.id,
            text: earlier.text.clone(),
            piece_title: earlier.piece_title.clone(),
            status: status.as_str(),
            status_label: status.label(),
            day: Shown::of(earlier.verdict_at.unwrap_or(earlier.piece_published_at)),
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
    id: ClaimId,
    piece_id: PieceId,
    piece_title: &'a str,
    piece_date: Shown,
    prefix: &'a str,
    quote: &'a str,
    suffix: &'a str,
    /// What the last correction of the piece's text did to the claim's words: `exact`,
    /// `changed` or `orphaned`.
    anchor: &'static str,
    claimant: &'a str,
    claimant_kind_label: &'static str,
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
    checked_before: Vec<CheckedBeforeLine>,
    /// How many events the history shows: the versioned forms send it back as `seen`.
    seen: usize,
    /// What happened since a stale form's page was loaded.
    changed: Vec<HistoryItem>,
    trouble: Option<Trouble>,
    typed: Typed,
    targets: Vec<Choice>,
    claimant_kinds: Vec<Choice>,
    priorities: Vec<Choice>,
    stances: Vec<Choice>,
    assignees: Vec<Choice>,
    can_edit: bool,
    can_assign: bool,
    can_add_evidence: bool,
    can_remove_evidence: bool,
    can_note: bool,
    can_sign_off: bool,
    archived: Option<ArchivedLine>,
    can_archive: bool,
    can_restore: bool,
    /// Offered where a correction lost or changed the claim's words.
    can_reattach: bool,
}

impl ClaimPage<'_> {
    /// Whether the trouble shown is about `form`.
    fn trouble_in(&self, form: &str) -> bool {
        self.trouble.as_ref().is_some_and(|t| t.form == form)
    }
}

/// The page for `loaded`, as `user` may act on it, with `typed` in its forms.
pub(super) fn page(
    user: &PageUser,
    csrf: &CsrfToken,
    loaded: &Loaded,
    typed: impl FnOnce(&mut Typed),
    trouble: Option<Trouble>,
) -> Result<RawHtml<String>, AppError> {
    let claim = &loaded.detail.claim;
    let names: HashMap<UserId, &str> = loaded
        .users
        .iter()
        .map(|u| (u.id, u.name.as_str()))
        .collect();
    let name = |id: UserId| names.get(&id).map_or("System", |n| n).to_owned();
    let (status, priority) = (claim.status, claim.priority);
    let role = user.user.role();
    // Each form starts as the claim is now; a refused form gets back what was typed in it.
    let mut fresh = Typed {
        summary: claim.summary.clone(),
        claimant: claim.claimant.clone(),
        claimant_kind: claim.claimant_kind.as_str().to_owned(),
        priority: claim.priority.as_str().to_owned(),
        assignee: claim.assignee.map(|a| a.to_string()).unwrap_or_default(),
        stance: Stance::Supports.as_str().to_owned(),
        anchor_quote: claim.selector.exact.clone(),
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
    // An archived claim changes no further until it is restored: no form but the restore.
    let open = claim.archived.is_none();
    let can = |action: Action| open && role.can(action);
    let notes = loaded
        .detail
        .notes
        .iter()
        .map(|n| {
            let editing = typed.editing_note.as_ref().filter(|(id, _)| *id == n.id);
            NoteItem {
                id: n.id,
                version: n.version,
                author: n.author.name.clone(),
                body_html: numeric_references(&render_note(&n.body)),
                body: editing.map_or_else(|| n.body.clone(), |(_, typed)| typed.clone()),
                at: Shown::of(n.created_at),
                edited: n.edited_at.map(Shown::of),
                mine: n.author.id == user.user.id && can(Action::AddNote),
                editing: editing.is_some(),
            }
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
    // The form is offered where the two-person rule would take it.
    let can_sign_off = can(Action::SignOff)
        && check_sign_off(
            status,
            claim.signed_off_by.is_some(),
            claim.verdict_by == Some(user.user.id),
        )
        .is_ok();
    let layout = Layout {
        title: "Claim",
        user: Some(&user.user),
        csrf_token: &csrf.0,
        live: Some(loaded.live.clone()),
    };
    let stamp = |who: Option<UserId>, at: Option<chrono::DateTime<chrono::Utc>>| {
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
        anchor: claim.anchor.as_str(),
        claimant: &claim.claimant,
        claimant_kind_label: claim.claimant_kind.label(),
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
        checked_before: loaded
            .checked_before
            .iter()
            .map(CheckedBeforeLine::of)
            .collect(),
        seen: loaded.history.len(),
        changed,
        trouble,
        targets,
        claimant_kinds: choices(
            &ClaimantKind::ALL,
            ClaimantKind::as_str,
            ClaimantKind::label,
            &typed.claimant_kind,
        ),
        priorities: choices(
            &Priority::ALL,
            Priority::as_str,
            Priority::label,
            &typed.priority,
        ),
        stances: choices(&Stance::ALL, Stance::as_str, Stance::label, &typed.stance),
        assignees,
        typed,
        can_edit: can(Action::EditClaim),
        can_assign: can(Action::Assign),
        can_add_evidence: can(Action::AddEvidence),
        can_remove_evidence: can(Action::RemoveEvidence),
        can_note: can(Action::AddNote),
        can_sign_off,
        archived: claim.archived.as_ref().map(|a| ArchivedLine {
            who: name(a.archived.by),
            at: Shown::of(a.archived.at),
            reason: a.archived.reason.clone(),
            with_piece: a.with_piece,
        }),
        can_archive: can(Action::Archive),
        can_restore: claim.archived.as_ref().is_some_and(|a| !a.with_piece)
            && role.can(Action::Archive),
        can_reattach: can(Action::EditClaim) && claim.anchor != Anchor::Exact,
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
fn describe(event: &Event, name: &impl Fn(UserId) -> String) -> HistoryItem {
    let field = event.field.as_deref();
    let value = |v: &Option<String>| -> Option<String> {
        let v = v.as_deref()?;
        let as_name = field == Some("assignee") || event.kind == EventKind::SignoffVoided;
        Some(match v.parse::<UserId>() {
            Ok(id) if as_name => name(id),
            _ => value_label(field, v).map_or_else(|| v.to_owned(), str::to_owned),
        })
    };
    let what = event.kind.phrase(field);
    HistoryItem {
        actor: event.actor.name.clone(),
        at: Shown::of(event.at),
        what,
        from: value(&event.from),
        to: value(&event.to),
        reason: event.reason.clone(),
    }
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
