//! An evidence link as people send it, from the API's JSON or the claim page's form, and its one
//! validation.
use crate::domain::fields::{FieldError, Fields, limits};
use crate::domain::workflow::Stance;
use crate::store::evidence::NewEvidence;

/// The fields of a new evidence link, as typed (`None` where a field was not sent).
#[derive(Debug, Clone, Copy, Default)]
pub struct EvidenceFields<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub stance: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub note: Option<&'a str>,
    pub archived_url: Option<&'a str>,
}

impl EvidenceFields<'_> {
    /// The link ready to store, or every field's problem at once.
    pub fn validate(&self) -> Result<NewEvidence, Vec<FieldError>> {
        let mut fields = Fields::default();
        let url = fields.url("url", self.url);
        let title = fields.text("title", self.title, limits::TITLE);
        let stance = match self.stance {
            Some(stance) => fields.parse::<Stance>("stance", stance),
            None => fields.check(
                "stance",
                Err("choose whether it supports, refutes or gives context".into()),
            ),
        };
        let publisher = fields.optional_text("publisher", self.publisher, limits::PUBLISHER);
        let note = fields.optional_text("note", self.note, limits::EVIDENCE_NOTE);
        let archived_url = fields.optional_url("archived_url", self.archived_url);
        let valid = fields.finish()?;
        Ok(NewEvidence {
            url,
            title,
            stance: valid.open(stance),
            publisher: publisher.unwrap_or_default(),
            note: note.unwrap_or_default(),
            archived_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_stance_is_asked_for_and_a_wrong_one_named() {
        let sent = EvidenceFields {
            url: "https://example.org/report",
            title: "The report",
            ..EvidenceFields::default()
        };
        let errors = sent.validate().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.starts_with("choose whether"),
            "{errors:?}"
        );
        let wrong = EvidenceFields {
            stance: Some("agrees"),
            ..sent
        };
        let errors = wrong.validate().unwrap_err();
        assert!(errors[0].message.contains("`agrees`"), "{errors:?}");
        let right = EvidenceFields {
            stance: Some("refutes"),
            ..sent
        };
        assert_eq!(right.validate().unwrap().stance, Stance::Refutes);
    }
}
