//! What a claim's history records: the kinds of event, by the names the history stores.

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
});

#[cfg(test)]
mod tests {
    use super::EventKind;

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
