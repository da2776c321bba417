//! A piece as people send it, from the API's JSON or the page's form, and its one validation:
//! both read it here, so they accept and refuse exactly the same pieces.
use crate::domain::dates::parse_datetime;
use crate::domain::fields::{FieldError, Fields, limits};
use crate::store::pieces::NewPiece;

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
        let outlet = fields.optional_text("outlet", self.outlet, limits::OUTLET);
        let url = fields.optional_url("url", self.url);
        if self.authors.len() > limits::AUTHORS {
            fields.error(
                "authors",
                format!(
                    "lists {} authors; the limit is {}",
                    self.authors.len(),
                    limits::AUTHORS
                ),
            );
        }
        let authors = self
            .authors
            .iter()
            .map(|author| fields.text("authors", author, limits::AUTHOR))
            .collect();
        let published_at = parse_datetime(self.published_at);
        if published_at.is_none() {
            fields.error(
                "published_at",
                "must be a date (2020-01-13) or an RFC 3339 time (2020-01-13T09:30:00-05:00)",
            );
        }
        fields.finish()?;
        Ok(NewPiece {
            title,
            body,
            outlet,
            url,
            authors,
            published_at: published_at.unwrap_or_default(),
        })
    }
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
