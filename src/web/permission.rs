//! Routes refuse a role that may not use them before anything else is read: a reviewer sending
//! a malformed body to a route only editors may use learns that they may not (403), not what
//! was wrong with the body (400, 422) or its preconditions (428). `May<User, P>` is the signed-in
//! user, checked against the actions `P` names; put it before the route's other guards (the
//! body is always read last).
use super::auth::{ApiUser, PageUser, SignedIn};
use super::error::refuse_request;
use crate::domain::roles::Action;
use crate::store::ids::UserId;
use rocket::outcome::try_outcome;
use rocket::request::{self, FromRequest, Request};
use std::marker::PhantomData;
use std::ops::Deref;

/// The actions a route does; a role that may do none of them is refused at once. Which one a
/// request needs (when it depends on the body) is still checked by the handler with `may`.
pub trait Permission: Send + Sync + 'static {
    const ACTIONS: &'static [Action];
}

pub struct May<U, P>(U, PhantomData<fn() -> P>);

pub type ApiMay<P> = May<ApiUser, P>;
pub type PageMay<P> = May<PageUser, P>;

#[rocket::async_trait]
impl<'r, U, P> FromRequest<'r> for May<U, P>
where
    U: FromRequest<'r, Error = ()> + Deref<Target = SignedIn> + Send,
    P: Permission,
{
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let user = try_outcome!(request.guard::<U>().await);
        let role = user.user.role();
        if P::ACTIONS.iter().any(|&action| role.can(action)) {
            return request::Outcome::Success(May(user, PhantomData));
        }
        match user.may(P::ACTIONS[0]) {
            Ok(_) => unreachable!("the role may do none of the route's actions"),
            Err(error) => refuse_request(request, error),
        }
    }
}

impl<U: Deref<Target = SignedIn>, P> May<U, P> {
    /// The user's id, as the actor of what the route does (a route of one action).
    pub fn actor(&self) -> UserId {
        self.0.user.id
    }
}

impl<U: Deref<Target = SignedIn>, P> Deref for May<U, P> {
    type Target = SignedIn;
    fn deref(&self) -> &SignedIn {
        &self.0
    }
}

macro_rules! permissions {
    ($($(#[$doc:meta])* $name:ident: $($action:ident),+;)+) => {$(
        $(#[$doc])*
        pub struct $name;
        impl Permission for $name {
            const ACTIONS: &'static [Action] = &[$(Action::$action),+];
        }
    )+};
}

permissions! {
    /// A claim's status, wording or assignee: which of them a request needs depends on its body.
    ChangeClaim: EditClaim, Assign;
    EditClaim: EditClaim;
    Assign: Assign;
    SignOff: SignOff;
    AddNote: AddNote;
    AddEvidence: AddEvidence;
    RemoveEvidence: RemoveEvidence;
    AddPiece: AddPiece;
    EditPiece: EditPiece;
    AddClaim: AddClaim;
    Archive: Archive;
    ManageUsers: ManageUsers;
}
