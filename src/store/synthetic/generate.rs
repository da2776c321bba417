//! The synthetic newsroom as plain rows, made without a database: users, pieces with their
//! claims, evidence, notes and history, one batch of pieces at a time (memory stays bounded
//! whatever the number of pieces). Every claim's life is played through the rules of
//! `domain::workflow` as the app's writes would play it, so the rows are ones the app could have
//! written; `super` only inserts them.
//!
//! Everything comes from one ChaCha8 stream seeded with `Options::seed`, read in one order, so a
//! seed (and an `Options::now`) always gives the same rows, however they are batched.
use crate::domain::anchor::{Selector, anchor};
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

    fn piece(&mut self, batch: &mut Batch) {
        let index = i64::from(self.next_piece);
        let published =
            self.start + index * self.spacing + self.rng.random_range(0..self.spacing / 4);
        // Added to the desk a while after publication; the same offset keeps the order.
        let created = published + (self.spacing / 2).min(6 * HOUR);
        let id = self.id();
        let created_by = self.editor();
        let title = self.headline();
        let (outlet, domain) = *self.pick(OUTLETS);
        let outlet = self.rng.random_bool(0.9).then(|| outlet.to_owned());
        let day = time(published);
        let url = self.rng.random_bool(0.8).then(|| {
            format!(
                "https://{domain}/{}/{:02}/{:02}/{}",
                day.year(),
                day.month(),
                day.day(),
                slug(&title)
            )
        });
        let authors = (0..*self.pick(&[0, 1, 1, 1, 2, 2]))
            .map(|_| format!("{} {}", self.pick(FIRST_NAMES), self.pick(LAST_NAMES)))
            .collect();

        let claims = self.options.claims_per_piece as usize;
        let mut sentences = self.sentences(claims);
        let spans = self.spans(sentences.len(), claims);
        // What each claim is to be: a quote with the common word, with the rare one, a rewording.
        let mut plans = Vec::with_capacity(claims);
        for span in &spans {
            let common = self.rng.random_bool(COMMON_SHARE);
            let rare = self.claims_made % RARE_EVERY == self.rare_at;
            self.claims_made += 1;
            let mut used = HashSet::new();
            if common {
                self.plant(&mut sentences, *span, COMMON_WORD, &mut used);
            }
            if rare {
                self.plant(&mut sentences, *span, RARE_WORD, &mut used);
            }
            let duplicate = !self.recent.is_empty() && self.rng.random_bool(NEAR_DUPLICATE_SHARE);
            plans.push((common, rare, duplicate));
        }
        let (body, places) = self.body(&sentences);

        let step = (self.spacing / 4).min(3 * HOUR) / (claims as i64 + 1);
        let mut texts = Vec::with_capacity(claims);
        for (k, (&(first, count), &(common, rare, duplicate))) in
            spans.iter().zip(&plans).enumerate()
        {
            let from = places[first];
            let to = places[first + count - 1];
            let quote = &body[from.byte..to.byte + to.len];
            let selector =
                anchor(&body, quote, Some(from.char)).expect("a quote is cut from its own body");
            let original = duplicate.then(|| self.pick_recent());
            let claim_text = self.claim(
                batch,
                id,
                selector,
                created + (k as i64 + 1) * step,
                original,
            );
            batch.common_quotes += u64::from(common);
            batch.rare_quotes += u64::from(rare);
            batch.near_duplicates += u64::from(duplicate);
            // The rare word stays in one claim: no rewording repeats it.
            if !rare {
                texts.push(claim_text);
            }
        }
        for text in texts {
            if self.recent.len() == RECENT {
                self.recent.pop_front();
            }
            self.recent.push_back(text);
        }
        batch.pieces.push(Piece {
            id,
            title,
            outlet,
            url,
            authors,
            published_at: time(published),
            body,
            created_at: time(created),
            created_by,
        });
    }

    fn pick_recent(&mut self) -> String {
        let i = self.rng.random_range(0..self.recent.len());
        self.recent[i].clone()
    }

    /// At least 2,000 words (4,000 at most) in enough sentences for every claim to have its own.
    fn sentences(&mut self, claims: usize) -> Vec<Vec<String>> {
        let target = self.rng.random_range(2_000..=4_000);
        let (mut words, mut sentences) = (0, Vec::new());
        while words < target || sentences.len() < claims + 1 {
            let sentence = self.sentence(8, 28);
            words += sentence.len();
            sentences.push(sentence);
        }
        sentences
    }

    fn sentence(&mut self, shortest: usize, longest: usize) -> Vec<String> {
        let len = self.rng.random_range(shortest..=longest);
        (0..len)
            .map(|i| {
                let mut word = if i > 0 && self.rng.random_bool(0.03) {
                    self.number()
                } else {
                    self.vocabulary.word(&mut self.rng).to_owned()
                };
                if i + 1 < len && i > 1 && self.rng.random_bool(0.06) {
                    word.push(',');
                }
                word
            })
            .collect()
    }

    fn number(&mut self) -> String {
        match self.rng.random_range(0..4) {
            0 => format!("{}", self.rng.random_range(2..100)),
            1 => format!(
                "{}.{} percent",
                self.rng.random_range(0..60),
                self.rng.random_range(0..10)
            ),
            2 => format!("${} million", self.rng.random_range(1..900)),
            _ => format!(
                "{},{:03}",
                self.rng.random_range(1..100),
                self.rng.random_range(0..1000)
            ),
        }
    }

    /// `claims` runs of one or two sentences that do not overlap, in text order:
    /// (first sentence, count).
    fn spans(&mut self, sentences: usize, claims: usize) -> Vec<(usize, usize)> {
        let mut lens: Vec<usize> = (0..claims)
            .map(|_| if self.rng.random_bool(0.3) { 2 } else { 1 })
            .collect();
        let mut total: usize = lens.iter().sum();
        for len in lens.iter_mut() {
            if total <= sentences {
                break;
            }
            if *len == 2 {
                *len = 1;
                total -= 1;
            }
        }
        let free = sentences - total;
        let mut cuts: Vec<usize> = (0..claims)
            .map(|_| self.rng.random_range(0..=free))
            .collect();
        cuts.sort_unstable();
        let mut before = 0;
        cuts.iter()
            .zip(&lens)
            .map(|(&cut, &len)| {
                let span = (cut + before, len);
                before += len;
                span
            })
            .collect()
    }

    /// Puts `word` in place of a word (never the first) of one of the span's sentences.
    fn plant(
        &mut self,
        sentences: &mut [Vec<String>],
        (first, count): (usize, usize),
        word: &str,
        used: &mut HashSet<(usize, usize)>,
    ) {
        loop {
            let s = first + self.rng.random_range(0..count);
            let w = self.rng.random_range(1..sentences[s].len());
            if used.insert((s, w)) {
                sentences[s][w] = word.to_owned();
                return;
            }
        }
    }

    /// The text, and where each sentence sits in it.
    fn body(&mut self, sentences: &[Vec<String>]) -> (String, Vec<Place>) {
        let mut body = String::with_capacity(sentences.len() * 130);
        let mut places = Vec::with_capacity(sentences.len());
        let mut chars = 0;
        let mut left_in_paragraph = 0;
        for (i, words) in sentences.iter().enumerate() {
            if i == 0 {
                let city = *self.pick(CITIES);
                body.push_str(city);
                body.push_str(" — ");
                chars += city.chars().count() + 3;
            } else if left_in_paragraph == 0 {
                body.push_str("\n\n");
                chars += 2;
            } else {
                body.push(' ');
                chars += 1;
            }
            if left_in_paragraph == 0 {
                left_in_paragraph = self.rng.random_range(2..=5);
            }
            left_in_paragraph -= 1;
            let text = render(words);
            places.push(Place {
                byte: body.len(),
                char: chars,
                len: text.len(),
            });
            chars += text.chars().count();
            body.push_str(&text);
        }
        (body, places)
    }

    fn headline(&mut self) -> String {
        let words: Vec<String> = (0..self.rng.random_range(5..=10))
            .map(|_| self.vocabulary.word(&mut self.rng).to_owned())
            .collect();
        let mut title = capitalised(&words.join(" "));
        if self.rng.random_bool(0.3) {
            title = format!("{title}: {}", self.pick(HEADLINE_ENDS));
        }
        title
    }

    /// One claim and its life; returns its text as the app compares it (`claim_text`).
    fn claim(
        &mut self,
        batch: &mut Batch,
        piece: Uuid,
        selector: Selector,
        created: i64,
        original: Option<String>,
    ) -> String {
        let claimant = if self.rng.random_bool(0.9) {
            self.claimant()
        } else {
            String::new()
        };
        let summary = match original {
            Some(original) => reword(&original, &mut self.rng, &self.vocabulary),
            None if self.rng.random_bool(0.85) => self.summary(&selector.exact),
            None => String::new(),
        };
        let text = if summary.is_empty() {
            selector.exact.clone()
        } else {
            summary.clone()
        };
        let priority = *self.pick(&[
            Priority::Low,
            Priority::Normal,
            Priority::Normal,
            Priority::Normal,
            Priority::High,
        ]);
        let id = self.id();
        let created_by = self.editor();
        let at = time(created);
        let mut life = Life {
            claim: Claim {
                id,
                piece_id: piece,
                selector,
                claimant,
                summary,
                status: Status::Unchecked,
                status_reason: None,
                priority,
                assignee: None,
                version: 1,
                created_at: at,
                created_by,
                updated_at: at,
                updated_by: created_by,
                verdict_by: None,
                verdict_at: None,
                signed_off_by: None,
                signed_off_at: None,
                signoff_note: None,
            },
            live_evidence: 0,
        };
        self.event(
            batch,
            &life.claim,
            created_by,
            at,
            EventKind::Created,
            |e| {
                e.to = Some(Status::Unchecked.as_str().to_owned());
            },
        );
        let plan = self.plan();
        let times = self.times(created, plan.len());
        let worker = match self.rng.random_bool(0.5) {
            true => Some(self.anyone()),
            false => None,
        };
        let mut worker_editor = self.editor();
        for (step, at) in plan.into_iter().zip(times) {
            let at = time(at);
            match step {
                Step::Assign => {
                    let Some(assignee) = worker else { continue };
                    if self.is_editor(assignee) {
                        worker_editor = assignee;
                    }
                    let actor = self.editor();
                    life.claim.assignee = Some(assignee);
                    life.changed(actor, at, true);
                    self.event(batch, &life.claim, actor, at, EventKind::Edited, |e| {
                        e.field = Some("assignee");
                        e.to = Some(assignee.to_string());
                    });
                }
                Step::Status(to) => {
                    let reason = self.reason(life.claim.status, to);
                    self.set_status(batch, &mut life, worker_editor, at, to, reason);
                }
                Step::Evidence => {
                    let evidence = self.evidence(life.claim.id, worker_editor, at);
                    life.live_evidence += 1;
                    life.changed(worker_editor, at, false);
                    let (url, subject) = (evidence.url.clone(), evidence.id);
                    batch.evidence.push(evidence);
                    self.event(
                        batch,
                        &life.claim,
                        worker_editor,
                        at,
                        EventKind::EvidenceAdded,
                        |e| {
                            e.to = Some(url);
                            e.subject = Some(subject);
                        },
                    );
                }
                Step::Note => {
                    let author = self.anyone();
                    let note = Note {
                        id: self.id(),
                        claim_id: life.claim.id,
                        author_id: author,
                        body: self.note_body(),
                        created_at: at,
                    };
                    life.changed(author, at, false);
                    let subject = note.id;
                    batch.notes.push(note);
                    self.event(batch, &life.claim, author, at, EventKind::NoteAdded, |e| {
                        e.subject = Some(subject);
                    });
                }
                Step::SignOff => {
                    let signer = loop {
                        let signer = self.anyone();
                        if Some(signer) != life.claim.verdict_by {
                            break signer;
                        }
                    };
                    check_sign_off(
                        life.claim.status,
                        life.claim.signed_off_by.is_some(),
                        life.claim.verdict_by == Some(signer),
                    )
                    .expect("the plan signs off a verdict once, by someone else");
                    let note = self
                        .rng
                        .random_bool(0.5)
                        .then(|| self.pick(SIGN_OFF_NOTES).to_string());
                    life.claim.signed_off_by = Some(signer);
                    life.claim.signed_off_at = Some(at);
                    life.claim.signoff_note = note.clone();
                    life.changed(signer, at, true);
                    let status = life.claim.status.as_str().to_owned();
                    self.event(batch, &life.claim, signer, at, EventKind::SignedOff, |e| {
                        e.to = Some(status);
                        e.reason = note;
                    });
                }
            }
        }
        batch.claims.push(life.claim);
        text
    }

    /// What happens to a claim after it is created, in order.
    fn plan(&mut self) -> Vec<Step> {
        let roll: f64 = self.rng.random();
        let verdict = *self.pick(&[
            Status::Accurate,
            Status::Misleading,
            Status::False,
            Status::Unverifiable,
        ]);
        let final_status = match roll {
            r if r < 0.4 => Status::Unchecked,
            r if r < 0.6 => Status::InProgress,
            _ => verdict,
        };
        let mut plan = Vec::new();
        let assigned = match final_status {
            Status::Unchecked => 0.15,
            _ => 0.5,
        };
        if self.rng.random_bool(assigned) {
            plan.push(Step::Assign);
        }
        if final_status != Status::Unchecked {
            plan.push(Step::Status(Status::InProgress));
        }
        let evidence = match final_status {
            Status::Unchecked => *self.pick(&[0, 0, 0, 0, 0, 0, 1, 1, 2, 3]),
            Status::InProgress => *self.pick(&[0, 0, 0, 1, 1, 1, 2, 2, 3, 3]),
            _ => *self.pick(&[1, 1, 1, 1, 2, 2, 2, 3, 3, 3]),
        };
        plan.extend(std::iter::repeat_n(Step::Evidence, evidence));
        // A verdict set, perhaps signed off, then reopened: for some claims in progress and some
        // verdicts (whose final verdict may differ).
        let reopened = match final_status {
            Status::Unchecked => false,
            Status::InProgress => evidence > 0 && self.rng.random_bool(0.15),
            _ => self.rng.random_bool(0.1),
        };
        if reopened {
            let first = *self.pick(&[
                Status::Accurate,
                Status::Misleading,
                Status::False,
                Status::Unverifiable,
            ]);
            plan.push(Step::Status(first));
            if self.rng.random_bool(0.3) {
                plan.push(Step::SignOff);
            }
            plan.push(Step::Status(Status::InProgress));
        }
        if final_status.is_verdict() {
            plan.push(Step::Status(final_status));
            if self.rng.random_bool(0.5) {
                plan.push(Step::SignOff);
            }
        }
        for _ in 0..*self.pick(&[0, 0, 0, 1, 1, 1, 2]) {
            let at = self.rng.random_range(0..=plan.len());
            plan.insert(at, Step::Note);
        }
        plan
    }

    /// Strictly increasing times after `created`, within 30 days and before `now`.
    fn times(&mut self, created: i64, steps: usize) -> Vec<i64> {
        let room = (created + 30 * DAY).min(self.work_end) - created;
        let used = (room as f64 * self.rng.random_range(0.05..0.9)) as i64;
        let weights: Vec<f64> = (0..steps)
            .map(|_| self.rng.random_range(0.1..1.0))
            .collect();
        let total: f64 = weights.iter().sum();
        let mut at = created;
        weights
            .iter()
            .map(|w| {
                at += ((used as f64 * w / total) as i64).max(1_000);
                at
            })
            .collect()
    }

    fn set_status(
        &mut self,
        batch: &mut Batch,
        life: &mut Life,
        actor: Uuid,
        at: DateTime<Utc>,
        to: Status,
        reason: Option<String>,
    ) {
        let from = life.claim.status;
        check_transition(
            from,
            to,
            &TransitionFacts {
                evidence_count: life.live_evidence,
                reason: reason.as_deref(),
            },
        )
        .expect("the plan follows the workflow");
        // As `claims::apply`: a new status is a new verdict (or none) and voids a sign-off.
        let voided = life.claim.signed_off_by.take();
        life.claim.signed_off_at = None;
        life.claim.signoff_note = None;
        life.claim.status = to;
        life.claim.status_reason = reason.clone();
        life.claim.verdict_by = to.is_verdict().then_some(actor);
        life.claim.verdict_at = to.is_verdict().then_some(at);
        life.changed(actor, at, true);
        let why = reason.clone();
        self.event(
            batch,
            &life.claim,
            actor,
            at,
            EventKind::StatusChanged,
            |e| {
                e.from = Some(from.as_str().to_owned());
                e.to = Some(to.as_str().to_owned());
                e.reason = why;
            },
        );
        if let Some(signer) = voided {
            self.event(
                batch,
                &life.claim,
                actor,
                at,
                EventKind::SignoffVoided,
                |e| {
                    e.from = Some(signer.to_string());
                    e.reason = reason;
                },
            );
        }
    }

    fn reason(&mut self, from: Status, to: Status) -> Option<String> {
        match to {
            Status::Accurate => Some(self.pick(ACCURATE).to_string()),
            Status::Misleading => Some(self.pick(MISLEADING).to_string()),
            Status::False => Some(self.pick(FALSE).to_string()),
            Status::Unverifiable => Some(self.pick(UNVERIFIABLE).to_string()),
            Status::InProgress if from.is_verdict() => Some(self.pick(REOPENED).to_string()),
            _ => self
                .rng
                .random_bool(0.4)
                .then(|| self.pick(STARTED).to_string()),
        }
    }

    fn event(
        &mut self,
        batch: &mut Batch,
        claim: &Claim,
        actor: Uuid,
        at: DateTime<Utc>,
        kind: EventKind,
        fill: impl FnOnce(&mut Event),
    ) {
        let mut event = Event {
            id: self.id(),
            seq: self.next_seq,
            claim_id: claim.id,
            actor_id: actor,
            at,
            kind,
            field: None,
            from: None,
            to: None,
            reason: None,
            subject: None,
        };
        self.next_seq += 1;
        fill(&mut event);
        batch.events.push(event);
    }

    fn evidence(&mut self, claim: Uuid, actor: Uuid, at: DateTime<Utc>) -> Evidence {
        let (publisher, domain) = *self.pick(PUBLISHERS);
        let title = capitalised(
            &(0..self.rng.random_range(4..=9))
                .map(|_| self.vocabulary.word(&mut self.rng))
                .collect::<Vec<_>>()
                .join(" "),
        );
        let url = format!(
            "https://{domain}/{}/{}-{}",
            at.year() - self.rng.random_range(0..3),
            slug(&title),
            self.rng.random_range(1_000..99_999)
        );
        let archived_url = self.rng.random_bool(0.2).then(|| {
            format!(
                "https://web.archive.org/web/{}/{url}",
                at.format("%Y%m%d%H%M%S")
            )
        });
        let stance = *self.pick(&[
            Stance::Supports,
            Stance::Supports,
            Stance::Refutes,
            Stance::Refutes,
            Stance::Context,
        ]);
        let note = if self.rng.random_bool(0.3) {
            render(&self.sentence(5, 14))
        } else {
            String::new()
        };
        Evidence {
            id: self.id(),
            claim_id: claim,
            url,
            title,
            publisher: publisher.to_owned(),
            stance,
            note,
            archived_url,
            added_at: at,
            added_by: actor,
        }
    }

    fn note_body(&mut self) -> String {
        let sentences: Vec<String> = (0..self.rng.random_range(1..=3))
            .map(|_| render(&self.sentence(5, 18)))
            .collect();
        let body = sentences.join(" ");
        match self.rng.random_range(0..6) {
            0 => format!("**{}** {body}", self.pick(NOTE_LEADS)),
            1 => format!("{body}\n\n- {}", self.pick(NOTE_LEADS)),
            _ => body,
        }
    }

    fn claimant(&mut self) -> String {
        if self.rng.random_bool(0.35) {
            return self.pick(INSTITUTIONS).to_string();
        }
        format!(
            "{} {} {}",
            self.pick(TITLES),
            self.pick(FIRST_NAMES),
            self.pick(LAST_NAMES)
        )
    }

    /// A checkable restatement built from the quote's own words.
    fn summary(&mut self, quote: &str) -> String {
        let words: Vec<String> = quote
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect();
        let kept: Vec<&str> = words
            .iter()
            .filter(|_| self.rng.random_bool(0.6))
            .take(16)
            .map(String::as_str)
            .collect();
        let kept = if kept.len() < 3 {
            words.iter().take(8).map(String::as_str).collect()
        } else {
            kept
        };
        format!("{} {}.", self.pick(SUMMARY_LEADS), kept.join(" "))
    }
}

/// The state of a claim being played through, and what its rules need.
struct Life {
    claim: Claim,
    live_evidence: usize,
}

impl Life {
    /// Every write marks the claim changed; edits of the claim itself also give a new version
    /// (evidence and notes do not: see `claims::touch`).
    fn changed(&mut self, actor: Uuid, at: DateTime<Utc>, new_version: bool) {
        self.claim.updated_at = at;
        self.claim.updated_by = actor;
        if new_version {
            self.claim.version += 1;
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Assign,
    Status(Status),
    Evidence,
    Note,
    SignOff,
}

#[derive(Debug, Clone, Copy)]
struct Place {
    byte: usize,
    char: usize,
    len: usize,
}

fn time(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).expect("times within two years of now")
}

fn render(words: &[String]) -> String {
    let mut text = capitalised(&words.join(" "));
    if text.ends_with(',') {
        text.pop();
    }
    text.push('.');
    text
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

/// Says `text` again in other words: one word changed or dropped, so that pg_trgm's
/// `similarity` to it stays well above 0.5 (checked here with the same trigrams).
fn reword(text: &str, rng: &mut ChaCha8Rng, vocabulary: &Vocabulary) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    if words.len() >= 6 {
        let at = rng.random_range(1..words.len() - 1);
        let mut new: Vec<&str> = words.clone();
        if rng.random_bool(0.5) {
            new.remove(at);
        } else {
            new[at] = vocabulary.word(rng);
        }
        let candidate = capitalised(&new.join(" "));
        if similarity(&candidate, text) >= 0.6 {
            return candidate;
        }
    }
    format!("Again: {text}")
}

/// pg_trgm's `similarity`: shared trigrams over all trigrams, each word lower-cased and padded
/// with two spaces before and one after.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (trigrams(a), trigrams(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

fn trigrams(text: &str) -> HashSet<[char; 3]> {
    let mut set = HashSet::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let padded: Vec<char> = "  "
            .chars()
            .chain(word.to_lowercase().chars())
            .chain(" ".chars())
            .collect();
        for window in padded.windows(3) {
            set.insert([window[0], window[1], window[2]]);
        }
    }
    set
}

/// A few thousand words ranked from common to rare, drawn with Zipf–Mandelbrot weights
/// (1 / (rank + 2.7)^1.07), so text has a few very frequent words and a long tail.
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

const VOCABULARY_SIZE: usize = 4_000;

impl Vocabulary {
    fn new(rng: &mut ChaCha8Rng) -> Vocabulary {
        let mut seen = HashSet::new();
        let mut words = Vec::new();
        let mut add = |word: &str, words: &mut Vec<String>| {
            let word = word.to_lowercase();
            let special = word.contains(COMMON_WORD) || word.contains(RARE_WORD);
            if !special && !word.is_empty() && seen.insert(word.clone()) {
                words.push(word);
            }
        };
        for word in COMMON_WORDS.split_whitespace() {
            add(word, &mut words);
        }
        // The demo piece's words, most frequent first (a real newsroom's English).
        let mut counted: Vec<(String, usize)> = Vec::new();
        for token in DEMO_PIECE.split(|c: char| !(c.is_alphabetic() || c == '’')) {
            let token = token.trim_matches('’').to_lowercase();
            if token.chars().count() < 2 {
                continue;
            }
            match counted.iter_mut().find(|(w, _)| *w == token) {
                Some((_, n)) => *n += 1,
                None => counted.push((token, 1)),
            }
        }
        counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (word, _) in &counted {
            add(word, &mut words);
        }
        for word in NEWS_WORDS.split_whitespace() {
            add(word, &mut words);
        }
        // Made-up rarer words fill the long tail.
        while words.len() < VOCABULARY_SIZE {
            let syllables = rng.random_range(2..=3);
            let word: String = (0..syllables)
                .map(|_| {
                    format!(
                        "{}{}{}",
                        ONSETS[rng.random_range(0..ONSETS.len())],
                        VOWELS[rng.random_range(0..VOWELS.len())],
                        CODAS[rng.random_range(0..CODAS.len())]
                    )
                })
                .collect();
            add(&word, &mut words);
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64 + 2.7).powf(1.07);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn word(&self, rng: &mut ChaCha8Rng) -> &str {
        let total = *self.cumulative.last().expect("a vocabulary has words");
        let at = rng.random_range(0.0..total);
        let rank = self
            .cumulative
            .partition_point(|&c| c <= at)
            .min(self.words.len() - 1);
        &self.words[rank]
    }
}

const DEMO_PIECE: &str = include_str!("../../../demo/piece.txt");

const COMMON_WORDS: &str = "the of and to a in that is was for on it with as he said by at \
    from his be have an are has but not this they were had which who their been or its will \
    would more after one two new also about there up than other over into last year people \
    could some what first all her she we out when if government years time state most only \
    can may officials so any three since before them those such like just where million \
    percent against while public under most between during report told city country police \
    because how many both through then four week month day now even back well these several";

const NEWS_WORDS: &str = "council minister ministry election campaign vote voters poll \
    spending tax taxes revenue deficit debt economy inflation wages jobs unemployment \
    hospital hospitals health school schools teachers students university housing rent \
    prices energy electricity gas oil climate emissions carbon flood floods drought \
    transport rail railway bus roads bridge airport crime courts judge prison sentence \
    immigration border refugees asylum army defence troops police officers arrests \
    protest protesters strike union workers pension pensions benefits welfare contract \
    contracts company companies bank banks market markets trade tariff tariffs exports \
    imports growth recession survey study data figures statistics record records \
    increase decrease rise fall doubled halved highest lowest average median total \
    mayor governor senator parliament congress committee agency regulator inquiry \
    investigation audit auditor watchdog spokesperson spokeswoman spokesman statement \
    interview speech debate claim claims promise promised pledge pledged announced \
    introduced approved rejected passed funding funded grant grants program programme \
    scheme plan plans policy policies law laws bill bills rule rules regulation \
    district county region regional national federal local municipal provincial \
    water waste recycling pollution air quality crops farmers farming food supply \
    vaccine vaccines doctors nurses patients waiting treatment cases deaths births \
    population census residents households families children adults older younger \
    internet broadband phone online digital technology security cyber privacy";

const ONSETS: &[&str] = &[
    "b", "br", "c", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m", "n", "p", "pl",
    "pr", "r", "s", "st", "t", "tr", "v", "w",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou"];
const CODAS: &[&str] = &["", "n", "r", "l", "s", "t", "m", "nd", "st", "ck"];

const FIRST_NAMES: &[&str] = &[
    "Amina", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keiko",
    "Liam", "Maya", "Nikos", "Olga", "Priya", "Quentin", "Rosa", "Samir", "Tara", "Uma", "Victor",
    "Wen", "Ximena", "Yusuf", "Zoe",
];
const LAST_NAMES: &[&str] = &[
    "Abbott",
    "Banerjee",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hoffman",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Yilmaz",
    "Zhang",
];
const TITLES: &[&str] = &[
    "Senator",
    "Governor",
    "Mayor",
    "Minister",
    "Representative",
    "Councillor",
    "Professor",
    "Dr.",
    "Chief Executive",
    "Commissioner",
];
const INSTITUTIONS: &[&str] = &[
    "the finance ministry",
    "a senior administration official",
    "the city council",
    "the police department",
    "a campaign spokesperson",
    "the health authority",
    "the opposition party",
    "the central bank",
    "the teachers' union",
    "the transport agency",
];
const CITIES: &[&str] = &[
    "WASHINGTON",
    "LONDON",
    "BRUSSELS",
    "NAIROBI",
    "SÃO PAULO",
    "MONTRÉAL",
    "BERLIN",
    "MUMBAI",
    "SYDNEY",
    "CHICAGO",
];
const OUTLETS: &[(&str, &str)] = &[
    ("The Daily Ledger", "dailyledger.example"),
    ("Metro Gazette", "metrogazette.example"),
    ("The Evening Courier", "eveningcourier.example"),
    ("Harbour Times", "harbourtimes.example"),
    ("Northern Post", "northernpost.example"),
    ("Capital Wire", "capitalwire.example"),
    ("The Valley Herald", "valleyherald.example"),
    ("Riverside Tribune", "riversidetribune.example"),
];
const PUBLISHERS: &[(&str, &str)] = &[
    ("National Statistics Office", "stats.example.gov"),
    ("Court records", "courts.example.gov"),
    ("Parliamentary record", "parliament.example.org"),
    ("City budget office", "finance.city.example.gov"),
    ("Central Bank", "centralbank.example.org"),
    ("Health Authority", "health.example.gov"),
    ("University research", "research.example.edu"),
    ("Wire service", "wire.example.com"),
];
const HEADLINE_ENDS: &[&str] = &[
    "what we know",
    "the claims checked",
    "fact check",
    "the numbers behind it",
    "what was said",
];
const SUMMARY_LEADS: &[&str] = &[
    "That",
    "Claims that",
    "The speaker said",
    "Asserts",
    "States that",
];
const STARTED: &[&str] = &[
    "Assigned for checking",
    "Sources requested",
    "Started on the figures",
];
const ACCURATE: &[&str] = &[
    "Matches the official figures",
    "Confirmed by two independent sources",
    "The records say exactly this",
];
const MISLEADING: &[&str] = &[
    "The figure is right but leaves out the context",
    "Compares two different periods",
    "True only for part of the period",
];
const FALSE: &[&str] = &[
    "Contradicted by the public record",
    "The official data show the opposite",
    "No such decision was ever taken",
];
const UNVERIFIABLE: &[&str] = &[
    "No source could confirm or deny it",
    "The data needed are not published",
    "Relies on a private document nobody could see",
];
const REOPENED: &[&str] = &[
    "New figures were published",
    "A reader sent a correction",
    "The source revised its report",
];
const SIGN_OFF_NOTES: &[&str] = &[
    "Checked the sources again",
    "Agree with the reasoning",
    "Good to publish",
];
const NOTE_LEADS: &[&str] = &[
    "Call back:",
    "Ask the press office",
    "Compare with last year's figures",
    "Second source needed",
];

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
