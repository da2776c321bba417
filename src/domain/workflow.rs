//! A claim's status, priority and evidence stances, and the rules for moving
//! a claim between statuses. [`check_transition`] is the one place those rules
//! live: the allowed-targets list and the error messages are derived from it,
//! so they cannot disagree with it.

use std::fmt;

pub use super::named::UnknownValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Unchecked,
    InProgress,
    Accurate,
    Misleading,
    False,
    Unverifiable,
}

named_values!(Status, "status", {
    Unchecked => "unchecked", "Unchecked";
    InProgress => "in_progress", "In progress";
    Accurate => "accurate", "Accurate";
    Misleading => "misleading", "Misleading";
    False => "false", "False";
    Unverifiable => "unverifiable", "Unverifiable";
});

impl Status {
    pub fn is_verdict(self) -> bool {
        matches!(
            self,
            Self::Accurate | Self::Misleading | Self::False | Self::Unverifiable
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
}

named_values!(Priority, "priority", {
    Low => "low", "Low";
    Normal => "normal", "Normal";
    High => "high", "High";
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stance {
    Supports,
    Refutes,
    Context,
}

named_values!(Stance, "stance", {
    Supports => "supports", "Supports";
    Refutes => "refutes", "Refutes";
    Context => "context", "Context";
});

/// What the rules need to know about the claim besides its status.
#[derive(Debug, Clone, Copy, Default)]
pub struct TransitionFacts<'a> {
    pub evidence_count: usize,
    pub reason: Option<&'a str>,
}

/// Facts that meet every requirement, to ask the rules what is possible at all.
const ALL_MET: TransitionFacts<'static> = TransitionFacts {
    evidence_count: 1,
    reason: Some("reason"),
};

/// Why a status change was refused. The message also lists what is allowed
/// instead, so a rejected request tells the user how to proceed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    SameStatus { from: Status, to: Status },
    VerdictToVerdict { from: Status, to: Status },
    VerdictToUnchecked { from: Status, to: Status },
    VerdictWithoutEvidence { from: Status, to: Status },
    VerdictWithoutReason { from: Status, to: Status },
    ReopenWithoutReason { from: Status, to: Status },
}

impl TransitionError {
    pub fn from(&self) -> Status {
        self.statuses().0
    }

    pub fn to(&self) -> Status {
        self.statuses().1
    }

    fn statuses(&self) -> (Status, Status) {
        match *self {
            Self::SameStatus { from, to }
            | Self::VerdictToVerdict { from, to }
            | Self::VerdictToUnchecked { from, to }
            | Self::VerdictWithoutEvidence { from, to }
            | Self::VerdictWithoutReason { from, to }
            | Self::ReopenWithoutReason { from, to } => (from, to),
        }
    }
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (from, to) = (self.from(), self.to());
        let (step, why) = match self {
            Self::SameStatus { .. } => ("to", "it already has that status"),
            Self::VerdictToVerdict { .. } => (
                "straight to",
                "a verdict is never changed into another verdict; reopen it first",
            ),
            Self::VerdictToUnchecked { .. } => (
                "back to",
                "a checked claim never becomes unchecked again; reopen it instead",
            ),
            Self::VerdictWithoutEvidence { .. } => {
                ("to", "a verdict needs at least one evidence link")
            }
            Self::VerdictWithoutReason { .. } => ("to", "a verdict needs a reason"),
            Self::ReopenWithoutReason { .. } => ("to", "reopening a verdict needs a reason"),
        };
        write!(
            f,
            "cannot change a claim from `{from}` {step} `{to}`: {why}. Allowed from `{from}`: {}.",
            describe_allowed(from)
        )
    }
}

/// Targets reachable from `from` in principle (ignoring the facts), in `Status::ALL` order.
pub fn allowed_from(from: Status) -> Vec<Status> {
    Status::ALL
        .into_iter()
        .filter(|&to| check_transition(from, to, &ALL_MET).is_ok())
        .collect()
}

/// The one function that says whether a transition is allowed and why not.
pub fn check_transition(
    from: Status,
    to: Status,
    facts: &TransitionFacts,
) -> Result<(), TransitionError> {
    use TransitionError::*;

    // A blank reason explains nothing to the next reader of the history.
    let has_reason = facts.reason.is_some_and(|reason| !reason.trim().is_empty());
    let has_evidence = facts.evidence_count > 0;
    match (from.is_verdict(), to.is_verdict()) {
        _ if from == to => Err(SameStatus { from, to }),
        // Going through `in_progress` with a reason keeps every verdict change on the record.
        (true, true) => Err(VerdictToVerdict { from, to }),
        (true, false) if to == Status::Unchecked => Err(VerdictToUnchecked { from, to }),
        (true, false) if !has_reason => Err(ReopenWithoutReason { from, to }),
        (false, true) if !has_evidence => Err(VerdictWithoutEvidence { from, to }),
        (false, true) if !has_reason => Err(VerdictWithoutReason { from, to }),
        _ => Ok(()),
    }
}

/// What a move needs from the facts, found by asking the rules themselves.
fn requirement(from: Status, to: Status) -> Option<&'static str> {
    let refused = |facts| check_transition(from, to, &facts).is_err();
    let needs_evidence = refused(TransitionFacts {
        evidence_count: 0,
        ..ALL_MET
    });
    let needs_reason = refused(TransitionFacts {
        reason: None,
        ..ALL_MET
    });
    match (needs_evidence, needs_reason) {
        (true, true) => Some("with evidence and a reason"),
        (true, false) => Some("with evidence"),
        (false, true) => Some("with a reason"),
        (false, false) => None,
    }
}

/// E.g. "`in_progress`; `accurate`, `false` (each with evidence and a reason)".
fn describe_allowed(from: Status) -> String {
    let groups: Vec<String> = allowed_from(from)
        .chunk_by(|&a, &b| requirement(from, a) == requirement(from, b))
        .map(|group| {
            let names: Vec<String> = group.iter().map(|to| format!("`{to}`")).collect();
            let names = names.join(", ");
            match requirement(from, group[0]) {
                Some(needs) if group.len() > 1 => format!("{names} (each {needs})"),
                Some(needs) => format!("{names} ({needs})"),
                None => names,
            }
        })
        .collect();
    groups.join("; ")
}

/// Why a verdict cannot be signed off.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignOffError {
    #[error("only a verdict can be signed off; this claim is `{0}`")]
    NotAVerdict(Status),
    #[error("this verdict has already been signed off")]
    AlreadySignedOff,
    #[error("you set this verdict, and the two-person rule needs someone else to sign it off")]
    OwnVerdict,
}

/// The two-person rule: a verdict is signed off once, by someone other than who set it.
pub fn check_sign_off(
    status: Status,
    signed_off: bool,
    signer_set_it: bool,
) -> Result<(), SignOffError> {
    if !status.is_verdict() {
        return Err(SignOffError::NotAVerdict(status));
    }
    if signed_off {
        return Err(SignOffError::AlreadySignedOff);
    }
    if signer_set_it {
        return Err(SignOffError::OwnVerdict);
    }
    Ok(())
}

/// What a change to a claim touches, as far as a sign-off goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touches {
    Status,
    /// Its summary or claimant: the words the verdict is on.
    Wording,
    /// A link added or removed: what the verdict rests on.
    Evidence,
    /// Its priority or assignee: how the desk handles it, not what it says.
    Handling,
}

/// A sign-off is of one verdict, on these words, resting on this evidence: a change to any of
/// them voids a standing sign-off (which unpublishes the check); a change of handling does not.
pub fn voids_sign_off(signed_off: bool, touches: impl IntoIterator<Item = Touches>) -> bool {
    signed_off && touches.into_iter().any(|t| t != Touches::Handling)
}

/// Who set the verdict and when, once the status is `to` (set by `who` at `when`): a verdict is
/// stamped with its setter, for the two-person rule; any other status has no verdict to stamp.
pub fn verdict_stamp<W, T>(to: Status, who: W, when: T) -> (Option<W>, Option<T>) {
    if to.is_verdict() {
        (Some(who), Some(when))
    } else {
        (None, None)
    }
}

/// What the public may see: a verdict that someone signed off. Reopening or changing it voids
/// the sign-off, which unpublishes it (`store::published` asks the same of the database).
pub fn is_published(status: Status, signed_off: bool) -> bool {
    status.is_verdict() && signed_off
}

/// A verdict rests on evidence: its last link cannot go while it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "this is the last evidence the `{0}` verdict rests on; reopen the claim (status `in_progress`, with a reason) before removing it"
)]
pub struct LastEvidence(pub Status);

pub fn check_evidence_removal(status: Status, evidence_left: usize) -> Result<(), LastEvidence> {
    if status.is_verdict() && evidence_left == 0 {
        return Err(LastEvidence(status));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Status::*;
    use super::*;

    #[test]
    fn a_verdict_is_signed_off_once_by_someone_else() {
        assert_eq!(check_sign_off(False, false, false), Ok(()));
        assert_eq!(
            check_sign_off(InProgress, false, false),
            Err(SignOffError::NotAVerdict(InProgress))
        );
        assert_eq!(
            check_sign_off(Accurate, true, false),
            Err(SignOffError::AlreadySignedOff)
        );
        assert_eq!(
            check_sign_off(Misleading, false, true),
            Err(SignOffError::OwnVerdict)
        );
    }

    #[test]
    fn a_standing_verdict_keeps_at_least_one_piece_of_evidence() {
        assert_eq!(check_evidence_removal(False, 0), Err(LastEvidence(False)));
        assert_eq!(check_evidence_removal(False, 1), Ok(()));
        assert_eq!(check_evidence_removal(InProgress, 0), Ok(()));
        assert!(LastEvidence(False).to_string().contains("reopen the claim"));
    }

    /// The facts each cell of `EXPECTED` is checked against, in this order.
    const FACTS: [TransitionFacts<'static>; 4] = [
        TransitionFacts {
            evidence_count: 0,
            reason: None,
        },
        TransitionFacts {
            evidence_count: 1,
            reason: None,
        },
        TransitionFacts {
            evidence_count: 0,
            reason: Some("Bolton's title was wrong"),
        },
        TransitionFacts {
            evidence_count: 3,
            reason: Some("Bolton's title was wrong"),
        },
    ];

    // Outcomes per `FACTS`: none, evidence only, reason only, both.
    const SAME: [&str; 4] = ["same"; 4];
    const FREE: [&str; 4] = ["ok"; 4];
    const VERDICT: [&str; 4] = ["no evidence", "no reason", "no evidence", "ok"];
    const REOPEN: [&str; 4] = ["reopen without reason", "reopen without reason", "ok", "ok"];
    const CROSS: [&str; 4] = ["verdict to verdict"; 4];
    const UNDO: [&str; 4] = ["verdict to unchecked"; 4];

    /// Written out from the rules by hand, rows `from` and columns `to` in
    /// `Status::ALL` order, so it checks the code rather than restating it.
    const EXPECTED: [[[&str; 4]; 6]; 6] = [
        // unchecked in_progress accurate misleading false  unverifiable
        [SAME, FREE, VERDICT, VERDICT, VERDICT, VERDICT], // unchecked
        [FREE, SAME, VERDICT, VERDICT, VERDICT, VERDICT], // in_progress
        [UNDO, REOPEN, SAME, CROSS, CROSS, CROSS],        // accurate
        [UNDO, REOPEN, CROSS, SAME, CROSS, CROSS],        // misleading
        [UNDO, REOPEN, CROSS, CROSS, SAME, CROSS],        // false
        [UNDO, REOPEN, CROSS, CROSS, CROSS, SAME],        // unverifiable
    ];

    fn outcome(result: &Result<(), TransitionError>) -> &'static str {
        match result {
            Ok(()) => "ok",
            Err(TransitionError::SameStatus { .. }) => "same",
            Err(TransitionError::VerdictToVerdict { .. }) => "verdict to verdict",
            Err(TransitionError::VerdictToUnchecked { .. }) => "verdict to unchecked",
            Err(TransitionError::VerdictWithoutEvidence { .. }) => "no evidence",
            Err(TransitionError::VerdictWithoutReason { .. }) => "no reason",
            Err(TransitionError::ReopenWithoutReason { .. }) => "reopen without reason",
        }
    }

    #[test]
    fn every_transition_matches_the_expected_table() {
        assert_eq!(
            Status::ALL,
            [
                Unchecked,
                InProgress,
                Accurate,
                Misleading,
                False,
                Unverifiable
            ]
        );
        for (from, row) in Status::ALL.into_iter().zip(EXPECTED) {
            for (to, cell) in Status::ALL.into_iter().zip(row) {
                for (facts, expected) in FACTS.iter().zip(cell) {
                    let result = check_transition(from, to, facts);
                    assert_eq!(outcome(&result), expected, "{from} -> {to} with {facts:?}");
                    if let Err(err) = result {
                        assert_eq!((err.from(), err.to()), (from, to));
                    }
                }
            }
        }
    }

    #[test]
    fn a_blank_reason_is_no_reason() {
        for blank in ["", "   ", "\n\t", "\u{a0}"] {
            let facts = TransitionFacts {
                evidence_count: 2,
                reason: Some(blank),
            };
            assert_eq!(
                check_transition(InProgress, Misleading, &facts),
                Err(TransitionError::VerdictWithoutReason {
                    from: InProgress,
                    to: Misleading
                })
            );
            assert_eq!(
                check_transition(False, InProgress, &facts),
                Err(TransitionError::ReopenWithoutReason {
                    from: False,
                    to: InProgress
                })
            );
        }
    }

    #[test]
    fn allowed_targets_ignore_the_facts() {
        let anything_else = [InProgress, Accurate, Misleading, False, Unverifiable];
        assert_eq!(allowed_from(Unchecked), anything_else);
        let anything_else = [Unchecked, Accurate, Misleading, False, Unverifiable];
        assert_eq!(allowed_from(InProgress), anything_else);
        for verdict in [Accurate, Misleading, False, Unverifiable] {
            assert_eq!(allowed_from(verdict), [InProgress]);
        }
    }

    #[test]
    fn messages_say_why_and_what_is_allowed() {
        let no_facts = TransitionFacts::default();
        let message = |from, to| {
            check_transition(from, to, &no_facts)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            message(False, Accurate),
            "cannot change a claim from `false` straight to `accurate`: a verdict is never \
             changed into another verdict; reopen it first. Allowed from `false`: \
             `in_progress` (with a reason)."
        );
        assert_eq!(
            message(Unchecked, Accurate),
            "cannot change a claim from `unchecked` to `accurate`: a verdict needs at least one \
             evidence link. Allowed from `unchecked`: `in_progress`; `accurate`, `misleading`, \
             `false`, `unverifiable` (each with evidence and a reason)."
        );
        assert_eq!(
            message(Misleading, Unchecked),
            "cannot change a claim from `misleading` back to `unchecked`: a checked claim never \
             becomes unchecked again; reopen it instead. Allowed from `misleading`: \
             `in_progress` (with a reason)."
        );
        assert_eq!(
            message(Accurate, InProgress),
            "cannot change a claim from `accurate` to `in_progress`: reopening a verdict needs \
             a reason. Allowed from `accurate`: `in_progress` (with a reason)."
        );
        assert_eq!(
            message(InProgress, InProgress),
            "cannot change a claim from `in_progress` to `in_progress`: it already has that \
             status. Allowed from `in_progress`: `unchecked`; `accurate`, `misleading`, \
             `false`, `unverifiable` (each with evidence and a reason)."
        );
        let facts = TransitionFacts {
            evidence_count: 1,
            reason: None,
        };
        assert_eq!(
            check_transition(Unchecked, Unverifiable, &facts)
                .unwrap_err()
                .to_string(),
            "cannot change a claim from `unchecked` to `unverifiable`: a verdict needs a reason. \
             Allowed from `unchecked`: `in_progress`; `accurate`, `misleading`, `false`, \
             `unverifiable` (each with evidence and a reason)."
        );
    }

    #[test]
    fn every_message_names_exactly_the_allowed_targets() {
        for from in Status::ALL {
            for to in Status::ALL {
                for facts in &FACTS {
                    let Err(err) = check_transition(from, to, facts) else {
                        continue;
                    };
                    let message = err.to_string();
                    let (_, allowed) = message
                        .split_once(&format!("Allowed from `{from}`: "))
                        .unwrap_or_else(|| panic!("no allowed list in {message:?}"));
                    let named: Vec<&str> = allowed.split('`').skip(1).step_by(2).collect();
                    let expected: Vec<&str> =
                        allowed_from(from).into_iter().map(Status::as_str).collect();
                    assert_eq!(named, expected, "{message}");
                }
            }
        }
    }

    #[test]
    fn names_round_trip_and_labels_read_well() {
        let names = Status::ALL.map(Status::as_str);
        assert_eq!(
            names,
            [
                "unchecked",
                "in_progress",
                "accurate",
                "misleading",
                "false",
                "unverifiable"
            ]
        );
        assert_eq!(
            Status::ALL.map(Status::label),
            [
                "Unchecked",
                "In progress",
                "Accurate",
                "Misleading",
                "False",
                "Unverifiable"
            ]
        );
        assert_eq!(
            Priority::ALL.map(Priority::as_str),
            ["low", "normal", "high"]
        );
        assert_eq!(
            Stance::ALL.map(Stance::as_str),
            ["supports", "refutes", "context"]
        );
        assert_eq!(
            Stance::ALL.map(Stance::label),
            ["Supports", "Refutes", "Context"]
        );

        for status in Status::ALL {
            assert_eq!(status.to_string().parse(), Ok(status));
        }
        for priority in Priority::ALL {
            assert_eq!(priority.to_string().parse(), Ok(priority));
        }
        for stance in Stance::ALL {
            assert_eq!(stance.to_string().parse(), Ok(stance));
        }
        assert_eq!(Priority::default(), Priority::Normal);
    }

    #[test]
    fn only_verdicts_are_verdicts() {
        let verdicts: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_verdict()).collect();
        assert_eq!(verdicts, [Accurate, Misleading, False, Unverifiable]);
    }

    #[test]
    fn unknown_names_are_rejected_with_the_expected_ones() {
        for unknown in ["done", "", "Accurate", "in progress", " false", "FALSE"] {
            let err = unknown.parse::<Status>().unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "unknown status `{unknown}`; expected one of: `unchecked`, `in_progress`, \
                     `accurate`, `misleading`, `false`, `unverifiable`"
                )
            );
        }
        assert_eq!(
            "urgent".parse::<Priority>(),
            Err(UnknownValue {
                what: "priority",
                value: "urgent".into(),
                expected: "`low`, `normal`, `high`".into(),
            })
        );
        assert_eq!(
            "neutral".parse::<Stance>().unwrap_err().to_string(),
            "unknown stance `neutral`; expected one of: `supports`, `refutes`, `context`"
        );
    }

    #[test]
    fn a_sign_off_is_voided_by_what_the_verdict_is_on_and_not_by_its_handling() {
        for touched in [Touches::Status, Touches::Wording, Touches::Evidence] {
            assert!(voids_sign_off(true, [touched]), "{touched:?}");
            assert!(
                !voids_sign_off(false, [touched]),
                "nothing to void: {touched:?}"
            );
        }
        assert!(!voids_sign_off(true, [Touches::Handling]));
        assert!(voids_sign_off(true, [Touches::Handling, Touches::Wording]));
        assert!(!voids_sign_off(true, []));
    }

    #[test]
    fn only_a_verdict_is_stamped_and_only_a_signed_off_one_published() {
        for status in Status::ALL {
            let stamp = verdict_stamp(status, "ana", 7);
            let expected = if status.is_verdict() {
                (Some("ana"), Some(7))
            } else {
                (None, None)
            };
            assert_eq!(stamp, expected, "{status}");
            assert!(!is_published(status, false), "{status}");
            assert_eq!(is_published(status, true), status.is_verdict(), "{status}");
        }
    }
}
