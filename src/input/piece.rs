//! A piece as people send it, from the API's JSON or the page's form, and its one validation:
//! both read it here, so they accept and refuse exactly the same pieces.
use crate::domain::dates::parse_datetime;
use crate::domain::fields::{Checked, FieldError, Fields, limits};
use crate::store::piece_edits::PieceChanges;
use crate::store::pieces::NewPiece;
use chrono::{DateTime, Utc};

/// The fields of a new piece, as typed (`None` where a field was not sent).
#[derive(Debug, Clone, Copy)]
pub struct PieceFields<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub outlet: Option<&'a str>,
    pub url: Option<&'a str>,
    pub authors: &'a [String],
    pub published_at: &'a str,
}

impl PieceFields<'_> {
    /// The piece ready to store, or every field's problem at once.
    pub fn validate(&self) -> Result<NewPiece, Vec<FieldError>> {
        let mut fields = Fields::default();
        let title = fields.text("title", self.title, limits::TITLE);
        let body = fields.verbatim("body", self.body, limits::BODY);
        let details = self.details(&mut fields);
        let valid = fields.finish()?;
        Ok(NewPiece {
            title,
            body,
            outlet: details.outlet,
            url: details.url,
            authors: details.authors,
            published_at: valid.open(details.published_at),
        })
    }

    /// The details besides title and text, checked into `fields`.
    fn details(&self, fields: &mut Fields) -> Details {
        let outlet = fields.optional_text("outlet", self.outlet, limits::OUTLET);
        let url = fields.optional_url("url", self.url);
        let authors = authors(fields, self.authors);
        let published_at = published_at(fields, self.published_at);
        Details {
            outlet,
            url,
            authors,
            published_at,
        }
    }

    /// A whole new set of details from the edit form (every field sent; an empty optional one
    /// clears it), as changes to store. The text (`body`) is not among them.
    pub fn validate_details(&self) -> Result<PieceChanges, Vec<FieldError>> {
        let mut fields = Fields::default();
        let title = fields.text("title", self.title, limits::TITLE);
        let details = self.details(&mut fields);
        let valid = fields.finish()?;
        Ok(PieceChanges {
            title: Some(title),
            outlet: Some(details.outlet),
            url: Some(details.url),
            authors: Some(details.authors),
            published_at: Some(valid.open(details.published_at)),
            body: None,
            reason: None,
        })
    }
}

struct Details {
    outlet: Option<String>,
    url: Option<String>,
    authors: Vec<String>,
    published_at: Checked<DateTime<Utc>>,
}

/// A correction of a piece's text, from the API or the correction page: the new text, kept as
/// sent (as a new piece's is), and why it changed. Both are checked into `fields`; that a changed
/// text needs a reason is the store's to say, which alone knows whether it changed.
pub fn correction(
    fields: &mut Fields,
    body: &str,
    reason: Option<&str>,
) -> (String, Option<String>) {
    let body = fields.verbatim("body", body, limits::BODY);
    let reason = reason.map(|r| fields.text("reason", r, limits::REASON));
    (body, reason)
}

pub fn authors(fields: &mut Fields, names: &[String]) -> Vec<String> {
    if names.len() > limits::AUTHORS {
        fields.error(
            "authors",
            format!(
                "lists {} authors; the limit is {}",
                names.len(),
                limits::AUTHORS
            ),
        );
    }
    names
        .iter()
        .map(|author| fields.text("authors", author, limits::AUTHOR))
        .collect()
}

pub fn published_at(fields: &mut Fields, value: &str) -> Checked<DateTime<Utc>> {
    let at = parse_datetime(value).ok_or_else(|| {
        "must be a date (2020-01-13) or an RFC 3339 time (2020-01-13T09:30:00-05:00)".to_owned()
    });
    fields.check("published_at", at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(title: &'a str, published_at: &'a str) -> PieceFields<'a> {
        PieceFields {
            title,
            body: "The minister said crime fell.",
            outlet: None,
            url: None,
            authors: &[],
            published_at,
        }
    }

    #[test]
    fn accepts_a_plain_piece_and_trims_its_title() {
        let piece = fields("  A title ", "2020-01-13").validate().unwrap();
        assert_eq!(piece.title, "A title");
        assert_eq!(piece.published_at.to_rfc3339(), "2020-01-13T00:00:00+00:00");
    }

    #[test]
    fn names_every_bad_field() {
        let errors = fields(" ", "yesterday").validate().unwrap_err();
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["title", "published_at"]);
    }
}
