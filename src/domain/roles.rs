//! Who may do what: least privilege per role, decided here and nowhere else.

/// A newsroom role. Each one can do everything the one before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Reads everything, adds notes, signs verdicts off.
    Reviewer,
    /// Also creates pieces and claims, changes statuses, handles evidence, assigns claims.
    Editor,
    /// Also manages users.
    Admin,
}

named_values!(Role, "role", {
    Reviewer => "reviewer", "Reviewer";
    Editor => "editor", "Editor";
    Admin => "admin", "Admin";
});

/// Everything a signed-in person can ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    AddNote,
    SignOff,
    AddPiece,
    /// A piece's details: title, outlet, address, authors, date (never its text).
    EditPiece,
    AddClaim,
    /// Status, summary, claimant, priority.
    EditClaim,
    Assign,
    AddEvidence,
    RemoveEvidence,
    /// Take a piece or a claim off the desk, and put it back.
    Archive,
    ManageUsers,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Action::Read,
        Action::AddNote,
        Action::SignOff,
        Action::AddPiece,
        Action::EditPiece,
        Action::AddClaim,
        Action::EditClaim,
        Action::Assign,
        Action::AddEvidence,
        Action::RemoveEvidence,
        Action::Archive,
        Action::ManageUsers,
    ];

    /// The least role that may do it.
    pub fn least_role(self) -> Role {
        match self {
            Action::Read | Action::AddNote | Action::SignOff => Role::Reviewer,
            Action::AddPiece
            | Action::EditPiece
            | Action::AddClaim
            | Action::EditClaim
            | Action::Assign
            | Action::AddEvidence
            | Action::RemoveEvidence
            | Action::Archive => Role::Editor,
            Action::ManageUsers => Role::Admin,
        }
    }

    /// What it is, in words, for refusals ("… cannot change a claim").
    pub fn describe(self) -> &'static str {
        match self {
            Action::Read => "read the desk",
            Action::AddNote => "add notes",
            Action::SignOff => "sign verdicts off",
            Action::AddPiece => "add pieces",
            Action::EditPiece => "edit a piece's details",
            Action::AddClaim => "add claims",
            Action::EditClaim => "change a claim's status or wording",
            Action::Assign => "assign claims",
            Action::AddEvidence => "add evidence",
            Action::RemoveEvidence => "remove evidence",
            Action::Archive => "archive or restore pieces and claims",
            Action::ManageUsers => "manage users",
        }
    }
}

impl Role {
    pub fn can(self, action: Action) -> bool {
        self >= action.least_role()
    }
}

#[cfg(test)]
mod tests {
    use super::{Action::*, Role::*, *};

    #[test]
    fn each_role_can_do_exactly_its_share() {
        let all = Action::ALL;
        let expected: [(Role, &[Action]); 3] = [
            (Reviewer, &[Read, AddNote, SignOff]),
            (
                Editor,
                &[
                    Read,
                    AddNote,
                    SignOff,
                    AddPiece,
                    EditPiece,
                    AddClaim,
                    EditClaim,
                    Assign,
                    AddEvidence,
                    RemoveEvidence,
                    Archive,
                ],
            ),
            (Admin, &all),
        ];
        for (role, allowed) in expected {
            for action in all {
                assert_eq!(
                    role.can(action),
                    allowed.contains(&action),
                    "{role} {action:?}"
                );
            }
        }
    }

    #[test]
    fn roles_read_from_their_names_only() {
        assert_eq!("editor".parse::<Role>(), Ok(Editor));
        let error = "owner".parse::<Role>().unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown role `owner`; expected one of: `reviewer`, `editor`, `admin`"
        );
    }
}
