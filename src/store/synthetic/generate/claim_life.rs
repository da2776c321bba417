//! A claim's life: its quote, claimant and summary, then the steps it goes through (assigned,
//! checked, evidence, notes, verdicts and sign-offs), each played through `domain::workflow`'s
//! rules and written as the rows and events the app's own writes would leave.
use super::*;

impl Generator {
    /// One claim and its life; returns its text as the app compares it (`claim_text`).
    pub(super) fn claim(
        &mut self,
        batch: &mut Batch,
        piece: Uuid,
        selector: Selector,
        created: i64,
        original: Option<String>,
    ) -> String {
        let (claimant, claimant_kind) = if self.rng.random_bool(0.9) {
            self.claimant()
        } else {
            (String::new(), ClaimantKind::default())
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
                claimant_kind,
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
    pub(super) fn plan(&mut self) -> Vec<Step> {
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
    pub(super) fn times(&mut self, created: i64, steps: usize) -> Vec<i64> {
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

    pub(super) fn set_status(
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

    pub(super) fn reason(&mut self, from: Status, to: Status) -> Option<String> {
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

    pub(super) fn event(
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

    pub(super) fn evidence(&mut self, claim: Uuid, actor: Uuid, at: DateTime<Utc>) -> Evidence {
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

    pub(super) fn note_body(&mut self) -> String {
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

    /// Who made a claim: an institution about a third of the time, else a person with a title.
    pub(super) fn claimant(&mut self) -> (String, ClaimantKind) {
        if self.rng.random_bool(0.35) {
            let institution = self.pick(INSTITUTIONS).to_string();
            return (institution, ClaimantKind::Organization);
        }
        let person = format!(
            "{} {} {}",
            self.pick(TITLES),
            self.pick(FIRST_NAMES),
            self.pick(LAST_NAMES)
        );
        (person, ClaimantKind::Person)
    }

    /// A checkable restatement built from the quote's own words.
    pub(super) fn summary(&mut self, quote: &str) -> String {
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
pub(super) struct Life {
    claim: Claim,
    live_evidence: usize,
}

impl Life {
    /// Every write marks the claim changed; edits of the claim itself also give a new version
    /// (evidence and notes do not: see `claims::touch`).
    pub(super) fn changed(&mut self, actor: Uuid, at: DateTime<Utc>, new_version: bool) {
        self.claim.updated_at = at;
        self.claim.updated_by = actor;
        if new_version {
            self.claim.version += 1;
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Step {
    Assign,
    Status(Status),
    Evidence,
    Note,
    SignOff,
}
