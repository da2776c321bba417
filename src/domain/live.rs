//! What a live page says of a change made elsewhere: one sentence from the history event, naming
//! who made it, in the words the claim page's history uses.
use super::history::EventKind;
use super::workflow::Status;

/// The sentence for an event of `kind` by `actor`; `from` and `to` as the history records them.
pub fn describe(
    actor: &str,
    kind: EventKind,
    field: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> String {
    let status = |value: Option<&str>| value.and_then(|value| value.parse::<Status>().ok());
    match kind {
        EventKind::StatusChanged => match (status(from), status(to)) {
            (_, Some(to)) if to.is_verdict() => format!("{actor} set the verdict: {}", to.label()),
            (Some(from), Some(to)) if from.is_verdict() => {
                format!("{actor} reopened the verdict: {}", to.label())
            }
            (_, Some(to)) => format!("{actor} set the status: {}", to.label()),
            _ => format!("{actor} {}", kind.phrase(field)),
        },
        // The sign-off is voided by someone's change, not by a decision of theirs to void it.
        EventKind::SignoffVoided => format!("{actor}'s change voided the sign-off"),
        _ => format!("{actor} {}", kind.phrase(field)),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use crate::domain::history::EventKind;

    #[test]
    fn each_change_is_told_in_one_sentence_naming_who_made_it() {
        let said = |kind, field, from, to| describe("Ana Ruiz", kind, field, from, to);
        assert_eq!(
            said(
                EventKind::StatusChanged,
                None,
                Some("in_progress"),
                Some("false")
            ),
            "Ana Ruiz set the verdict: False"
        );
        assert_eq!(
            said(
                EventKind::StatusChanged,
                None,
                Some("misleading"),
                Some("in_progress")
            ),
            "Ana Ruiz reopened the verdict: In progress"
        );
        assert_eq!(
            said(
                EventKind::StatusChanged,
                None,
                Some("unchecked"),
                Some("in_progress")
            ),
            "Ana Ruiz set the status: In progress"
        );
        assert_eq!(
            said(EventKind::Edited, Some("summary"), None, None),
            "Ana Ruiz changed the summary"
        );
        assert_eq!(
            said(EventKind::Edited, Some("assignee"), None, None),
            "Ana Ruiz changed who the claim is assigned to"
        );
        assert_eq!(
            said(EventKind::NoteAdded, None, None, None),
            "Ana Ruiz added a note"
        );
        assert_eq!(
            said(EventKind::SignedOff, None, None, Some("false")),
            "Ana Ruiz signed the verdict off"
        );
        for kind in EventKind::ALL {
            let sentence = said(kind, None, None, None);
            assert!(sentence.starts_with("Ana Ruiz"), "{kind}: {sentence}");
        }
    }
}
