//! What a claim's history records: the kinds of event, by the names the history stores.
use super::claimreview::ClaimantKind;
use super::workflow::{Priority, Status};

/// One kind of history event. The database's check on `events.kind` admits these names only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Created,
    Edited,
    StatusChanged,
    EvidenceAdded,
    EvidenceRemoved,
    NoteAdded,
    SignedOff,
    SignoffVoided,
    /// A correction of the piece's text moved or changed the claim's words.
    Reanchored,
    /// A correction of the piece's text took the claim's words out.
    Orphaned,
    /// An editor attached the claim to words of its piece's text anew (an orphan, say).
    Reattached,
    /// Taken off the desk, on its own or with its piece (field `piece`).
    Archived,
    /// Back on the desk as it was archived, on its own or with its piece (field `piece`).
    Restored,
    /// Its author reworded a note (`subject_id`): from the old words to the new.
    NoteEdited,
    /// Its author withdrew a note (`subject_id`): its last words are kept here.
    NoteWithdrawn,
}

named_values!(EventKind, "event kind", {
    Created => "created", "Claim added";
    Edited => "edited", "Claim edited";
    StatusChanged => "status_changed", "Status changed";
    EvidenceAdded => "evidence_added", "Evidence added";
    EvidenceRemoved => "evidence_removed", "Evidence removed";
    NoteAdded => "note_added", "Note added";
    SignedOff => "signed_off", "Verdict signed off";
    SignoffVoided => "signoff_voided", "Sign-off voided";
    Reanchored => "reanchored", "Followed through a correction";
    Orphaned => "orphaned", "Words lost in a correction";
    Reattached => "reattached", "Re-attached to the text";
    Archived => "archived", "Archived";
    Restored => "restored", "Restored";
    NoteEdited => "note_edited", "Note edited";
    NoteWithdrawn => "note_withdrawn", "Note withdrawn";
});

impl EventKind {
    /// What the event did, as a history says it after the name of who did it ("added
    /// evidence"). The one phrase book: the claim page's history and the live news both start
    /// from it. An edit names its field.
    pub fn phrase(self, field: Option<&str>) -> String {
        match self {
            EventKind::Created => "added the claim".to_owned(),
            EventKind::Edited => match field {
                Some("assignee") => "changed who the claim is assigned to".to_owned(),
                Some("claimant_kind") => {
                    "changed whether the claimant is a person or an organisation".to_owned()
                }
                Some(field) => format!("changed the {field}"),
                None => "edited the claim".to_owned(),
            },
            EventKind::StatusChanged => "changed the status".to_owned(),
            EventKind::EvidenceAdded => "added evidence".to_owned(),
            EventKind::EvidenceRemoved => "removed evidence".to_owned(),
            EventKind::NoteAdded => "added a note".to_owned(),
            EventKind::SignedOff => "signed the verdict off".to_owned(),
            EventKind::SignoffVoided => "voided the sign-off".to_owned(),
            EventKind::Reanchored => {
                "corrected the piece's text, which moved the claim's words".to_owned()
            }
            EventKind::Orphaned => {
                "corrected the piece's text, which took the claim's words out".to_owned()
            }
            EventKind::Reattached => "re-attached the claim to words of the text".to_owned(),
            EventKind::Archived => match field {
                Some("piece") => "archived the piece, and the claim with it".to_owned(),
                _ => "archived the claim".to_owned(),
            },
            EventKind::Restored => match field {
                Some("piece") => "restored the piece, and the claim with it".to_owned(),
                _ => "restored the claim".to_owned(),
            },
            EventKind::NoteEdited => "edited a note".to_owned(),
            EventKind::NoteWithdrawn => "withdrew a note".to_owned(),
        }
    }
}

/// The words for a value the history stores by its wire name: a status (a status change names
/// no field), a priority or a claimant kind. None for anything else (text, an id), which is shown
/// as stored.
pub fn value_label(field: Option<&str>, value: &str) -> Option<&'static str> {
    match field {
        None => value.parse::<Status>().ok().map(Status::label),
        Some("priority") => value.parse::<Priority>().ok().map(Priority::label),
        Some("claimant_kind") => value.parse::<ClaimantKind>().ok().map(ClaimantKind::label),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{EventKind, value_label};

    #[test]
    fn stored_wire_names_are_told_in_words_and_other_values_as_they_are() {
        assert_eq!(value_label(None, "in_progress"), Some("In progress"));
        assert_eq!(value_label(Some("priority"), "high"), Some("High"));
        assert_eq!(
            value_label(Some("claimant_kind"), "organization"),
            Some("An organisation")
        );
        assert_eq!(value_label(Some("summary"), "high"), None);
        assert_eq!(value_label(Some("priority"), "urgent"), None);
    }

    #[test]
    fn every_kind_has_a_phrase_to_follow_a_name_and_an_edit_names_its_field() {
        for kind in EventKind::ALL {
            let phrase = kind.phrase(None);
            assert!(phrase.starts_with(char::is_lowercase), "{kind:?}: {phrase}");
        }
        assert_eq!(
            EventKind::Edited.phrase(Some("summary")),
            "changed the summary"
        );
        assert_eq!(
            EventKind::Edited.phrase(Some("assignee")),
            "changed who the claim is assigned to"
        );
    }

    #[test]
    fn every_kind_reads_back_from_its_stored_name() {
        for kind in EventKind::ALL {
            assert_eq!(kind.as_str().parse(), Ok(kind));
        }
        assert!("deleted".parse::<EventKind>().is_err());
    }

    #[test]
    fn json_carries_the_stored_name_and_refuses_others_naming_them() {
        let json = serde_json::to_string(&EventKind::StatusChanged).unwrap();
        assert_eq!(json, "\"status_changed\"");
        assert_eq!(
            serde_json::from_str::<EventKind>(&json).unwrap(),
            EventKind::StatusChanged
        );
        let refused = serde_json::from_str::<EventKind>("\"deleted\"").unwrap_err();
        assert!(
            refused.to_string().contains("unknown event kind `deleted`"),
            "{refused}"
        );
    }
}
