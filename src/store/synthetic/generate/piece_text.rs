//! A piece's text: sentences of news words, numbers and names, claims' quotes planted in them,
//! and a headline.
use super::*;

impl Generator {
    pub(super) fn piece(&mut self, batch: &mut Batch) {
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

    pub(super) fn pick_recent(&mut self) -> String {
        let i = self.rng.random_range(0..self.recent.len());
        self.recent[i].clone()
    }

    /// At least 2,000 words (4,000 at most) in enough sentences for every claim to have its own.
    pub(super) fn sentences(&mut self, claims: usize) -> Vec<Vec<String>> {
        let target = self.rng.random_range(2_000..=4_000);
        let (mut words, mut sentences) = (0, Vec::new());
        while words < target || sentences.len() < claims + 1 {
            let sentence = self.sentence(8, 28);
            words += sentence.len();
            sentences.push(sentence);
        }
        sentences
    }

    pub(super) fn sentence(&mut self, shortest: usize, longest: usize) -> Vec<String> {
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

    pub(super) fn number(&mut self) -> String {
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
    pub(super) fn spans(&mut self, sentences: usize, claims: usize) -> Vec<(usize, usize)> {
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
    pub(super) fn plant(
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
    pub(super) fn body(&mut self, sentences: &[Vec<String>]) -> (String, Vec<Place>) {
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

    pub(super) fn headline(&mut self) -> String {
        let words: Vec<String> = (0..self.rng.random_range(5..=10))
            .map(|_| self.vocabulary.word(&mut self.rng).to_owned())
            .collect();
        let mut title = capitalised(&words.join(" "));
        if self.rng.random_bool(0.3) {
            title = format!("{title}: {}", self.pick(HEADLINE_ENDS));
        }
        title
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Place {
    pub(super) byte: usize,
    pub(super) char: usize,
    pub(super) len: usize,
}
