//! What the API answers where it shows more than the store read: a note's Markdown rendered
//! and sanitised (`body_html`), here at the edge, once the store's transaction is over.
use crate::domain::markdown::render_note;
use crate::store::claims::{Claim, ClaimDetail};
use crate::store::evidence::Evidence;
use crate::store::notes::Note;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct NoteAnswer {
    #[serde(flatten)]
    pub note: Note,
    /// The Markdown rendered and sanitised: safe to put in a page.
    pub body_html: String,
}

impl From<Note> for NoteAnswer {
    fn from(note: Note) -> Self {
        NoteAnswer {
            body_html: render_note(&note.body),
            note,
        }
    }
}

/// A claim with its current evidence and its notes.
#[derive(Debug, Serialize)]
pub struct ClaimAnswer {
    #[serde(flatten)]
    pub claim: Claim,
    pub evidence: Vec<Evidence>,
    pub notes: Vec<NoteAnswer>,
}

impl From<ClaimDetail> for ClaimAnswer {
    fn from(detail: ClaimDetail) -> Self {
        ClaimAnswer {
            claim: detail.claim,
            evidence: detail.evidence,
            notes: detail.notes.into_iter().map(NoteAnswer::from).collect(),
        }
    }
}
