//! The JSON API under /api/v1.
mod answers;
mod archive;
pub(crate) mod claimreview;
mod claims;
mod evidence;
mod export;
mod notes;
mod pieces;
mod tokens;
mod users;

use rocket::http::Header;
use rocket::response::{self, Responder};
use rocket::{Request, Route};
use serde::{Deserialize, Deserializer};

pub fn routes() -> Vec<Route> {
    [
        pieces::routes(),
        claims::routes(),
        claimreview::routes(),
        export::routes(),
        evidence::routes(),
        notes::routes(),
        archive::routes(),
        tokens::routes(),
        users::routes(),
    ]
    .concat()
}

/// An answer that carries the version of what it shows as a strong ETag.
pub struct Tagged<R>(pub R, pub i32);

impl<'r, R: Responder<'r, 'static>> Responder<'r, 'static> for Tagged<R> {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let mut response = self.0.respond_to(request)?;
        response.set_header(Header::new("ETag", super::guards::etag(self.1)));
        Ok(response)
    }
}

/// Tells "absent" (leave as is) from `null` (clear it), for optional fields of a PATCH.
pub(super) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
