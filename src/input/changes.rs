//! Changes to a claim as people send them: any of them in the API's JSON, a part in each of the
//! claim page's forms (status, details, assignment). Each field is checked here for both.
use crate::domain::claimreview::ClaimantKind;
use crate::domain::fields::{FieldError, Fields, limits};
use crate::domain::workflow::{Priority, Status};
use crate::store::claims::ClaimChanges;
use crate::store::ids::UserId;
use std::str::FromStr;

/// The changes as typed (`None` where a field was not sent).
#[derive(Debug, Clone, Copy, Default)]
pub struct ChangeFields<'a> {
    pub status: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub claimant: Option<&'a str>,
    pub claimant_kind: Option<&'a str>,
    pub priority: Option<&'a str>,
    pub assignee: Option<Assignee<'a>>,
}

/// Who the claim is to be assigned to, as sent.
#[derive(Debug, Clone, Copy)]
pub enum Assignee<'a> {
    /// Nobody: the claim is unassigned.
    Nobody,
    /// Someone the API's JSON has already read as an id.
    Id(UserId),
    /// Someone chosen from a form's list, by the id its option carries.
    Chosen(&'a str),
}

/// What a form's own rules add to the fields' checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asking {
    /// The API: any of the changes, but at least one.
    Any,
    /// The status form: a new status (whether it needs a reason is the workflow's to say).
    Status,
    /// A form whose fields may each be left as they are.
    Parts,
}

impl ChangeFields<'_> {
    /// The changes ready to apply, or every field's problem at once (checked into `fields`,
    /// which may already hold a form's own, such as its version).
    pub fn validate(
        &self,
        mut fields: Fields,
        asking: Asking,
    ) -> Result<ClaimChanges, Vec<FieldError>> {
        let status = match (self.status, asking) {
            (None, Asking::Status) => {
                Some(fields.check("status", Err("choose the new status".into())))
            }
            (status, _) => status.map(|s| fields.parse::<Status>("status", s)),
        };
        let reason = fields.optional_text("reason", self.reason, limits::REASON);
        let summary = fields.optional_text("summary", self.summary, limits::SUMMARY);
        let claimant = fields.optional_text("claimant", self.claimant, limits::CLAIMANT);
        let claimant_kind = self
            .claimant_kind
            .map(|k| fields.parse::<ClaimantKind>("claimant_kind", k));
        let priority = self
            .priority
            .map(|p| fields.parse::<Priority>("priority", p));
        let assignee = self.assignee.map(|assignee| {
            let chosen = match assignee {
                Assignee::Nobody => Ok(None),
                Assignee::Id(id) => Ok(Some(id)),
                Assignee::Chosen(id) => UserId::from_str(id.trim())
                    .map(Some)
                    .map_err(|_| "choose someone from the list".to_owned()),
            };
            fields.check("assignee", chosen)
        });
        let nothing = self.status.is_none()
            && self.summary.is_none()
            && self.claimant.is_none()
            && self.claimant_kind.is_none()
            && self.priority.is_none()
            && self.assignee.is_none();
        if asking == Asking::Any && nothing {
            fields.error(
                "status",
                "nothing to change: send at least one of status, summary, claimant, claimant_kind, priority, assignee",
            );
        }
        let valid = fields.finish()?;
        Ok(ClaimChanges {
            status: valid.open_sent(status),
            reason,
            summary,
            claimant,
            claimant_kind: valid.open_sent(claimant_kind),
            priority: valid.open_sent(priority),
            assignee: valid.open_sent(assignee),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_needs_one_change_and_the_status_form_a_status() {
        let none = ChangeFields::default();
        let errors = none.validate(Fields::default(), Asking::Any).unwrap_err();
        assert!(
            errors[0].message.starts_with("nothing to change"),
            "{errors:?}"
        );
        let errors = none
            .validate(Fields::default(), Asking::Status)
            .unwrap_err();
        assert_eq!(errors[0].message, "choose the new status");
        let changes = none.validate(Fields::default(), Asking::Parts).unwrap();
        assert!(!changes.edits_claim() && changes.assignee.is_none());
    }

    #[test]
    fn each_field_is_checked_and_every_problem_named() {
        let sent = ChangeFields {
            status: Some("done"),
            priority: Some("urgent"),
            assignee: Some(Assignee::Chosen("someone")),
            summary: Some(" "),
            ..ChangeFields::default()
        };
        let errors = sent.validate(Fields::default(), Asking::Any).unwrap_err();
        let named: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["status", "summary", "priority", "assignee"]);
        let unassign = ChangeFields {
            assignee: Some(Assignee::Nobody),
            status: Some("in_progress"),
            ..ChangeFields::default()
        };
        let changes = unassign.validate(Fields::default(), Asking::Any).unwrap();
        assert_eq!(changes.assignee, Some(None));
        assert_eq!(changes.status, Some(Status::InProgress));
    }
}
