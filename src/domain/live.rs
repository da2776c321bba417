//! What a live page says of a change made elsewhere: one sentence from the history event, naming
//! who made it, in the words the claim page's history uses.
use super::workflow::Status;

/// The sentence for an event of `kind` by `actor`; `from` and `to` as the history records them.
pub fn describe(
    actor: &str,
    kind: &str,
    field: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> String {
    let status = |value: Option<&str>| value.and_then(|value| value.parse::<Status>().ok());
    match kind {
        "created" => format!("{actor} added the claim"),
        "status_changed" => match (status(from), status(to)) {
            (_, Some(to)) if to.is_verdict() => format!("{actor} set the verdict: {}", to.label()),
            (Some(from), Some(to)) if from.is_verdict() => {
                format!("{actor} reopened the verdict: {}", to.label())
            }
            (_, Some(to)) => format!("{actor} set the status: {}", to.label()),
            _ => format!("{actor} changed the status"),
        },
        "edited" => match field {
            Some("assignee") => format!("{actor} changed who the claim is assigned to"),
            Some(field) => format!("{actor} changed the {field}"),
            None => format!("{actor} edited the claim"),
        },
        "evidence_added" => format!("{actor} added evidence"),
        "evidence_removed" => format!("{actor} removed evidence"),
        "note_added" => format!("{actor} added a note"),
        "signed_off" => format!("{actor} signed the verdict off"),
        "signoff_voided" => format!("{actor}'s change voided the sign-off"),
        _ => format!("{actor} changed the claim"),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn each_change_is_told_in_one_sentence_naming_who_made_it() {
        let said = |kind, field, from, to| describe("Ana Ruiz", kind, field, from, to);
        assert_eq!(
            said("status_changed", None, Some("in_progress"), Some("false")),
            "Ana Ruiz set the verdict: False"
        );
        assert_eq!(
            said(
                "status_changed",
                None,
                Some("misleading"),
                Some("in_progress")
            ),
            "Ana Ruiz reopened the verdict: In progress"
        );
        assert_eq!(
            said(
                "status_changed",
                None,
                Some("unchecked"),
                Some("in_progress")
            ),
            "Ana Ruiz set the status: In progress"
        );
        assert_eq!(
            said("edited", Some("summary"), None, None),
            "Ana Ruiz changed the summary"
        );
        assert_eq!(
            said("edited", Some("assignee"), None, None),
            "Ana Ruiz changed who the claim is assigned to"
        );
        assert_eq!(
            said("note_added", None, None, None),
            "Ana Ruiz added a note"
        );
        assert_eq!(
            said("signed_off", None, None, Some("false")),
            "Ana Ruiz signed the verdict off"
        );
        assert_eq!(
            said("whatever", None, None, None),
            "Ana Ruiz changed the claim"
        );
    }
}
