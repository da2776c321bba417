//! What the desk and the search page share: a claim as a line in a list, the filters' choices,
//! and the search page's address for a set of filters.
use crate::domain::dates::Shown;
use crate::domain::headline::Fragment;
use crate::domain::workflow::Status;
use crate::input::search::{Search, SearchFields};
use crate::store::claims::Claim;
use crate::store::ids::{ClaimId, PieceId, UserId};
use crate::store::users::User;
use crate::web::error::AppError;
use std::collections::HashMap;

/// A page's filters, read from its query string: an empty parameter (a form's untouched field)
/// means no filter; anything else must be valid, or the answer is 422 naming it.
pub(super) fn read_filters(fields: SearchFields) -> Result<Search, AppError> {
    fields.read(true).map_err(AppError::invalid)
}

/// A claim as a line in a list: what it says, where, its status in words, who has it.
pub(super) struct ClaimLine {
    pub id: ClaimId,
    pub piece_id: PieceId,
    pub piece_title: String,
    /// The status's wire name (for the badge's class) and its label (the text that says it).
    pub status: &'static str,
    pub status_label: &'static str,
    /// The summary, or the quote when there is none yet.
    pub text: String,
    pub assignee: Option<String>,
    pub changed: Shown,
    /// In search results with words: `text` as fragments, the matched ones flagged (the
    /// template escapes each, then marks the matched ones).
    pub headline: Option<Vec<Fragment>>,
}

impl ClaimLine {
    pub fn of(claim: Claim, names: &HashMap<UserId, &str>) -> ClaimLine {
        let status = claim.status;
        let text = if claim.summary.trim().is_empty() {
            claim.selector.exact
        } else {
            claim.summary
        };
        ClaimLine {
            id: claim.id,
            piece_id: claim.piece_id,
            piece_title: claim.piece_title,
            status: status.as_str(),
            status_label: status.label(),
            text,
            assignee: claim
                .assignee
                .map(|id| names.get(&id).map_or("someone", |n| n).to_owned()),
            changed: Shown::of(claim.updated_at),
            headline: None,
        }
    }
}

/// Ids to names, for everyone who may be named on a page.
pub(super) fn names(users: &[User]) -> HashMap<UserId, &str> {
    users.iter().map(|u| (u.id, u.name.as_str())).collect()
}

/// The address of `search`'s page, on another page (`cursor`) or at another status.
pub(super) fn search_href(search: &Search, status: Option<Status>, cursor: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(status) = status {
        query.append_pair("status", status.as_str());
    }
    if let Some(piece) = search.piece {
        query.append_pair("piece", &piece.to_string());
    }
    if let Some(assignee) = search.assignee {
        query.append_pair("assignee", &assignee.to_string());
    }
    if let Some(words) = &search.words {
        query.append_pair("q", words);
    }
    if let Some(from) = search.verdict_from {
        query.append_pair("verdict_from", &from.to_string());
    }
    if let Some(to) = search.verdict_to {
        query.append_pair("verdict_to", &to.to_string());
    }
    if let Some(cursor) = cursor {
        query.append_pair("cursor", cursor);
    }
    let query = query.finish();
    if query.is_empty() {
        "/claims".to_owned()
    } else {
        format!("/claims?{query}")
    }
}

/// An option of a filter's `<select>`.
pub(super) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub(super) fn status_choices(current: Option<Status>) -> Vec<Choice> {
    Status::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: s.label().to_owned(),
            selected: current == Some(*s),
        })
        .collect()
}

pub(super) fn assignee_choices(users: &[User], current: Option<UserId>) -> Vec<Choice> {
    users
        .iter()
        .map(|u| Choice {
            value: u.id.to_string(),
            label: u.name.clone(),
            selected: current == Some(u.id),
        })
        .collect()
}

/// The options of a `<select>` of named values, `selected` (a wire name) chosen.
pub(super) fn choices<T: Copy>(
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
