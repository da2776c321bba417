//! How a page answers a form it was sent, the one way every form does: on to where the change
//! shows (303), or, when the change is refused for something the person can mend, the form's
//! page again, made by the form's own `refill`, with what they typed and why, at the refusal's
//! status. Anything else (the database gone, a fault, an unknown address) is the error page's.
use crate::domain::fields::FieldError;
use crate::store::Existing;
use crate::web::error::AppError;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::response::content::RawHtml;

/// A form's answer: 303 on, or its page again at the refusal's status.
pub(super) type FormAnswer = Result<Result<Redirect, (Status, RawHtml<String>)>, AppError>;

/// Refusals a person can mend on the form they sent: not allowed now (the two-person rule), a
/// conflict with the claim's state, gone, changed since they loaded it, or invalid.
fn mendable(error: &AppError) -> bool {
    matches!(error.status().code, 403 | 409 | 410 | 412 | 422)
}

/// Answers with 303 to `sent`'s address, or with `refill`'s page for a mendable refusal.
pub(super) async fn answer(
    sent: Result<String, AppError>,
    refill: impl AsyncFnOnce(AppError) -> Result<RawHtml<String>, AppError>,
) -> FormAnswer {
    match sent {
        Ok(to) => Ok(Ok(Redirect::to(to))),
        Err(refused) if mendable(&refused) => {
            let status = refused.status();
            Ok(Err((status, refill(refused).await?)))
        }
        Err(other) => Err(other),
    }
}

/// The refusals a form shows beside its fields: a validation's, or the one field whose value
/// repeats something already there (a duplicate's 409). None for any other refusal.
pub(super) fn field_errors(refused: &AppError) -> Option<Vec<FieldError>> {
    match refused {
        AppError::Validation(_, errors) => Some(errors.clone()),
        AppError::Duplicate(existing) => {
            let field = match existing {
                Existing::Piece { .. } => "body",
                Existing::Claim { .. } => "quote",
                Existing::Evidence { .. } => "url",
            };
            Some(vec![FieldError {
                field: field.to_owned(),
                message: existing.to_string(),
            }])
        }
        _ => None,
    }
}

/// The page of what a refused form would have repeated, for the form to offer it.
pub(crate) struct OpenExisting {
    pub(crate) href: String,
    pub(crate) label: &'static str,
}

impl OpenExisting {
    pub(super) fn of(refused: &AppError) -> Option<OpenExisting> {
        let AppError::Duplicate(existing) = refused else {
            return None;
        };
        Some(match existing {
            Existing::Piece { id, .. } => OpenExisting {
                href: format!("/pieces/{id}"),
                label: "Open the piece already on the desk",
            },
            Existing::Claim { id } => OpenExisting {
                href: format!("/claims/{id}"),
                label: "Open the claim already over these words",
            },
            Existing::Evidence { id, claim } => OpenExisting {
                href: format!("/claims/{claim}#evidence-{id}"),
                label: "See the evidence already added",
            },
        })
    }
}
