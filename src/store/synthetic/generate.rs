//! The synthetic newsroom as plain rows, made without a database: users, pieces with their
//! claims, evidence, notes and history, one batch of pieces at a time (memory stays bounded
//! whatever the number of pieces). Every claim's life is played through the rules of
//! `domain::workflow` as the app's writes would play it, so the rows are ones the app could have
//! written; `super` only inserts them.
//!
//! Everything comes from one ChaCha8 stream seeded with `Options::seed`, read in one order, so a
//! seed (and an `Options::now`) always gives the same rows, however they are batched.
use crate::domain::anchor::{Selector, anchor};
use crate::domain::claimreview::ClaimantKind;
use crate::domain::history::EventKind;
use crate::domain::roles::Role;
use crate::domain::workflow::{
    Priority, Stance, Status, TransitionFacts, check_sign_off, check_transition,
};
use chrono::{DateTime, Datelike, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{HashSet, VecDeque};
use uuid::Uuid;

mod claim_life;
mod piece_text;
mod words;

use words::*;

/// A common word: in about `COMMON_SHARE` of all claims' quotes (search finds many).
pub const COMMON_WORD: &str = "budget";
pub const COMMON_SHARE: f64 = 0.25;
/// A rare word: in the quote of one claim in `RARE_EVERY` (at least one claim as soon as there
/// are 1,000), and nowhere else: no body sentence, summary, note or evidence title has it.
pub const RARE_WORD: &str = "zeppelin";
pub const RARE_EVERY: u64 = 10_000;
/// Share of claims (of every piece but the first) that reword a claim of an earlier piece.
pub const NEAR_DUPLICATE_SHARE: f64 = 0.05;
/// Bounds of the options, so that every body has room for its claims and every time fits.
pub const MAX_PIECES: u32 = 1_000_000;
pub const MAX_CLAIMS_PER_PIECE: u32 = 100;
/// The desk's people: one admin, editors, reviewers.
pub const EDITORS: usize = 8;
pub const REVIEWERS: usize = 11;

const MINUTE: i64 = 60_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Claims of earlier pieces kept as candidates for near-duplicates.
const RECENT: usize = 4_096;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub pieces: u32,
    pub claims_per_piece: u32,
    pub seed: u64,
    /// Every time written is before it: pieces are published over the two years before.
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub id: Uuid,
    pub title: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub authors: Vec<String>,
    pub published_at: DateTime<Utc>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Uuid,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub id: Uuid,
    pub piece_id: Uuid,
    pub selector: Selector,
    pub claimant: String,
    pub claimant_kind: ClaimantKind,
    pub summary: String,
    pub status: Status,
    pub status_reason: Option<String>,
    pub priority: Priority,
    pub assignee: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: Uuid,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Uuid,
    pub verdict_by: Option<Uuid>,
    pub verdict_at: Option<DateTime<Utc>>,
    pub signed_off_by: Option<Uuid>,
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signoff_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub id: Uuid,
    pub claim_id: Uuid,
    pub url: String,
    pub title: String,
    pub publisher: String,
    pub stance: Stance,
    pub note: String,
    pub archived_url: Option<String>,
    pub added_at: DateTime<Utc>,
    pub added_by: Uuid,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub id: Uuid,
    pub claim_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: Uuid,
    pub seq: i64,
    pub claim_id: Uuid,
    pub actor_id: Uuid,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub field: Option<&'static str>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    pub subject: Option<Uuid>,
}

/// Some consecutive pieces with everything that hangs off them.
#[derive(Debug, Default)]
pub struct Batch {
    pub pieces: Vec<Piece>,
    pub claims: Vec<Claim>,
    pub evidence: Vec<Evidence>,
    pub notes: Vec<Note>,
    pub events: Vec<Event>,
    /// Claims whose quote has `COMMON_WORD`, `RARE_WORD`, and claims rewording an earlier one.
    pub common_quotes: u64,
    pub rare_quotes: u64,
    pub near_duplicates: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    #[error("--pieces must be between 1 and {MAX_PIECES}")]
    Pieces,
    #[error("--claims-per-piece must be between 1 and {MAX_CLAIMS_PER_PIECE}")]
    ClaimsPerPiece,
}

pub struct Generator {
    options: Options,
    rng: ChaCha8Rng,
    vocabulary: Vocabulary,
    users: Vec<User>,
    /// Indices in `users` of those who may change claims (editors and the admin).
    editors: Vec<usize>,
    start: i64,
    spacing: i64,
    /// Work on claims stops here (a minute before `now`).
    work_end: i64,
    next_piece: u32,
    claims_made: u64,
    next_seq: i64,
    rare_at: u64,
    recent: VecDeque<String>,
}

impl Generator {
    pub fn new(options: Options) -> Result<Generator, OptionsError> {
        if !(1..=MAX_PIECES).contains(&options.pieces) {
            return Err(OptionsError::Pieces);
        }
        if !(1..=MAX_CLAIMS_PER_PIECE).contains(&options.claims_per_piece) {
            return Err(OptionsError::ClaimsPerPiece);
        }
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        let vocabulary = Vocabulary::new(&mut rng);
        let now = options.now.timestamp_micros();
        // Pieces are published from two years before `now` to a day before it.
        let start = now - 730 * DAY;
        let spacing = (729 * DAY) / i64::from(options.pieces);
        let rare_at = rng.random_range(0..1_000);
        let mut generator = Generator {
            options,
            rng,
            vocabulary,
            users: Vec::new(),
            editors: Vec::new(),
            start,
            spacing,
            work_end: now - MINUTE,
            next_piece: 0,
            claims_made: 0,
            next_seq: 1,
            rare_at,
            recent: VecDeque::new(),
        };
        generator.make_users();
        Ok(generator)
    }

    pub fn users(&self) -> &[User] {
        &self.users
    }

    fn id(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.random()).into_uuid()
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    fn make_users(&mut self) {
        let roles = std::iter::once(Role::Admin)
            .chain(std::iter::repeat_n(Role::Editor, EDITORS))
            .chain(std::iter::repeat_n(Role::Reviewer, REVIEWERS));
        let mut taken = HashSet::new();
        for (i, role) in roles.enumerate() {
            let (first, last) = loop {
                let pair = (*self.pick(FIRST_NAMES), *self.pick(LAST_NAMES));
                if taken.insert(pair) {
                    break pair;
                }
            };
            let id = self.id();
            self.users.push(User {
                id,
                name: format!("{first} {last}"),
                email: format!(
                    "{}.{}@synthetic.factdesk.invalid",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
                role,
                created_at: time(self.start - 30 * DAY + i as i64 * HOUR),
            });
            if role >= Role::Editor {
                self.editors.push(i);
            }
        }
    }

    fn editor(&mut self) -> Uuid {
        let i = self.editors[self.rng.random_range(0..self.editors.len())];
        self.users[i].id
    }

    fn anyone(&mut self) -> Uuid {
        self.users[self.rng.random_range(0..self.users.len())].id
    }

    fn is_editor(&self, id: Uuid) -> bool {
        self.users
            .iter()
            .any(|user| user.id == id && user.role >= Role::Editor)
    }

    /// The next `pieces` pieces (fewer at the end), or none once all are made.
    pub fn next_batch(&mut self, pieces: u32) -> Option<Batch> {
        if self.next_piece >= self.options.pieces {
            return None;
        }
        let mut batch = Batch::default();
        let end = self
            .next_piece
            .saturating_add(pieces)
            .min(self.options.pieces);
        while self.next_piece < end {
            self.piece(&mut batch);
            self.next_piece += 1;
        }
        Some(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(seed: u64) -> Options {
        Options {
            pieces: 30,
            claims_per_piece: 40,
            seed,
            now: DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
        }
    }

    fn all(seed: u64) -> Vec<Batch> {
        let mut generator = Generator::new(options(seed)).unwrap();
        std::iter::from_fn(|| generator.next_batch(7)).collect()
    }

    #[test]
    fn quotes_are_whole_sentences_of_their_body_anchored_by_the_domain() {
        for batch in all(3) {
            for claim in &batch.claims {
                let piece = batch
                    .pieces
                    .iter()
                    .find(|p| p.id == claim.piece_id)
                    .unwrap();
                let s = &claim.selector;
                let slice: String = piece
                    .body
                    .chars()
                    .skip(s.start)
                    .take(s.end - s.start)
                    .collect();
                assert_eq!(slice, s.exact);
                assert_eq!(anchor(&piece.body, &s.exact, Some(s.start)).unwrap(), *s);
                assert!(s.exact.ends_with('.'));
                assert!(!s.exact.contains(RARE_WORD) || batch.rare_quotes > 0);
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_rows_however_batched() {
        let mut generator = Generator::new(options(9)).unwrap();
        let one = generator.next_batch(1_000).unwrap();
        let batches = all(9);
        let claims: Vec<&Claim> = batches.iter().flat_map(|b| &b.claims).collect();
        assert_eq!(claims, one.claims.iter().collect::<Vec<_>>());
        let events: Vec<&Event> = batches.iter().flat_map(|b| &b.events).collect();
        assert_eq!(events, one.events.iter().collect::<Vec<_>>());
        let other = all(10);
        assert_ne!(other[0].claims, batches[0].claims);
    }

    #[test]
    fn the_common_and_rare_words_are_where_promised() {
        let batches = all(1);
        let claims: Vec<&Claim> = batches.iter().flat_map(|b| &b.claims).collect();
        assert_eq!(claims.len(), 1_200);
        let common = claims
            .iter()
            .filter(|c| c.selector.exact.contains(COMMON_WORD))
            .count();
        assert!((240..=360).contains(&common), "{common}");
        let rare = claims
            .iter()
            .filter(|c| c.selector.exact.contains(RARE_WORD))
            .count();
        assert_eq!(rare, 1);
        for batch in &batches {
            for piece in &batch.pieces {
                let words = piece.body.split_whitespace().count();
                assert!((2_000..4_100).contains(&words), "{words}");
            }
        }
    }

    #[test]
    fn pieces_are_in_time_order_and_every_time_is_before_now() {
        let now = options(1).now;
        let batches = all(1);
        let pieces: Vec<&Piece> = batches.iter().flat_map(|b| &b.pieces).collect();
        for pair in pieces.windows(2) {
            assert!(pair[0].published_at < pair[1].published_at);
            assert!(pair[0].created_at < pair[1].created_at);
        }
        assert!(pieces[0].published_at >= now - chrono::Duration::days(730));
        for batch in &batches {
            assert!(batch.events.iter().all(|e| e.at < now));
        }
    }

    #[test]
    fn rewordings_stay_similar() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let vocabulary = Vocabulary::new(&mut rng);
        let text = "Claims that the council spent four million on the new bridge last year.";
        for _ in 0..50 {
            let new = reword(text, &mut rng, &vocabulary);
            assert_ne!(new, text);
            assert!(similarity(&new, text) >= 0.6, "{new}");
        }
        assert_eq!(similarity("word", "word"), 1.0);
    }
}
