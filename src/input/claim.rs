//! A new claim as people send it, from the API's JSON or the piece page's form, and its one
//! validation: both read it here, so they accept and refuse exactly the same claims.
use crate::domain::fields::{FieldError, Fields, limits};
use crate::store::claims::NewClaim;

/// The fields of a new claim, as typed (`None` where a field was not sent).
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaimFields<'a> {
    pub quote: &'a str,
    pub start: Option<usize>,
    pub claimant: Option<&'a str>,
    /// `person` (the default) or `organization`.
    pub claimant_kind: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub priority: Option<&'a str>,
}

impl ClaimFields<'_> {
    /// The claim ready to anchor and store, or every field's problem at once. (Whether the quote
    /// occurs in the piece is the store's to say: it reads the text in the same transaction.)
    pub fn validate(&self) -> Result<NewClaim, Vec<FieldError>> {
        let mut fields = Fields::default();
        let quote = fields.verbatim("quote", self.quote, limits::QUOTE);
        let claimant = fields.optional_text("claimant", self.claimant, limits::CLAIMANT);
        let summary = fields.optional_text("summary", self.summary, limits::SUMMARY);
        let claimant_kind = self.claimant_kind.map(|k| fields.parse("claimant_kind", k));
        let priority = self.priority.map(|p| fields.parse("priority", p));
        let valid = fields.finish()?;
        Ok(NewClaim {
            quote,
            start: self.start,
            claimant: claimant.unwrap_or_default(),
            claimant_kind: valid.open_sent(claimant_kind).unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            priority: valid.open_sent(priority).unwrap_or_default(),
        })
    }
}
