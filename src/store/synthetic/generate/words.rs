//! The words of the synthetic newsroom: a vocabulary of made-up and news words (common and rare
//! ones for search), names, outlets, the phrases of reasons and notes, and the rewording that
//! makes "checked before" find near-duplicates.
use super::*;

pub(super) fn time(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).expect("times within two years of now")
}

pub(super) fn render(words: &[String]) -> String {
    let mut text = capitalised(&words.join(" "));
    if text.ends_with(',') {
        text.pop();
    }
    text.push('.');
    text
}

pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) fn slug(title: &str) -> String {
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
pub(super) fn reword(text: &str, rng: &mut ChaCha8Rng, vocabulary: &Vocabulary) -> String {
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
pub(super) fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (trigrams(a), trigrams(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

pub(super) fn trigrams(text: &str) -> HashSet<[char; 3]> {
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
pub(super) struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

pub(super) const VOCABULARY_SIZE: usize = 4_000;

impl Vocabulary {
    pub(super) fn new(rng: &mut ChaCha8Rng) -> Vocabulary {
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

    pub(super) fn word(&self, rng: &mut ChaCha8Rng) -> &str {
        let total = *self.cumulative.last().expect("a vocabulary has words");
        let at = rng.random_range(0.0..total);
        let rank = self
            .cumulative
            .partition_point(|&c| c <= at)
            .min(self.words.len() - 1);
        &self.words[rank]
    }
}

pub(super) const DEMO_PIECE: &str = include_str!("../../../../demo/piece.txt");

pub(super) const COMMON_WORDS: &str = "the of and to a in that is was for on it with as he said by at \
    from his be have an are has but not this they were had which who their been or its will \
    would more after one two new also about there up than other over into last year people \
    could some what first all her she we out when if government years time state most only \
    can may officials so any three since before them those such like just where million \
    percent against while public under most between during report told city country police \
    because how many both through then four week month day now even back well these several";

pub(super) const NEWS_WORDS: &str = "council minister ministry election campaign vote voters poll \
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

pub(super) const ONSETS: &[&str] = &[
    "b", "br", "c", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m", "n", "p", "pl",
    "pr", "r", "s", "st", "t", "tr", "v", "w",
];
pub(super) const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou"];
pub(super) const CODAS: &[&str] = &["", "n", "r", "l", "s", "t", "m", "nd", "st", "ck"];

pub(super) const FIRST_NAMES: &[&str] = &[
    "Amina", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keiko",
    "Liam", "Maya", "Nikos", "Olga", "Priya", "Quentin", "Rosa", "Samir", "Tara", "Uma", "Victor",
    "Wen", "Ximena", "Yusuf", "Zoe",
];
pub(super) const LAST_NAMES: &[&str] = &[
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
pub(super) const TITLES: &[&str] = &[
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
pub(super) const INSTITUTIONS: &[&str] = &[
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
pub(super) const CITIES: &[&str] = &[
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
pub(super) const OUTLETS: &[(&str, &str)] = &[
    ("The Daily Ledger", "dailyledger.example"),
    ("Metro Gazette", "metrogazette.example"),
    ("The Evening Courier", "eveningcourier.example"),
    ("Harbour Times", "harbourtimes.example"),
    ("Northern Post", "northernpost.example"),
    ("Capital Wire", "capitalwire.example"),
    ("The Valley Herald", "valleyherald.example"),
    ("Riverside Tribune", "riversidetribune.example"),
];
pub(super) const PUBLISHERS: &[(&str, &str)] = &[
    ("National Statistics Office", "stats.example.gov"),
    ("Court records", "courts.example.gov"),
    ("Parliamentary record", "parliament.example.org"),
    ("City budget office", "finance.city.example.gov"),
    ("Central Bank", "centralbank.example.org"),
    ("Health Authority", "health.example.gov"),
    ("University research", "research.example.edu"),
    ("Wire service", "wire.example.com"),
];
pub(super) const HEADLINE_ENDS: &[&str] = &[
    "what we know",
    "the claims checked",
    "fact check",
    "the numbers behind it",
    "what was said",
];
pub(super) const SUMMARY_LEADS: &[&str] = &[
    "That",
    "Claims that",
    "The speaker said",
    "Asserts",
    "States that",
];
pub(super) const STARTED: &[&str] = &[
    "Assigned for checking",
    "Sources requested",
    "Started on the figures",
];
pub(super) const ACCURATE: &[&str] = &[
    "Matches the official figures",
    "Confirmed by two independent sources",
    "The records say exactly this",
];
pub(super) const MISLEADING: &[&str] = &[
    "The figure is right but leaves out the context",
    "Compares two different periods",
    "True only for part of the period",
];
pub(super) const FALSE: &[&str] = &[
    "Contradicted by the public record",
    "The official data show the opposite",
    "No such decision was ever taken",
];
pub(super) const UNVERIFIABLE: &[&str] = &[
    "No source could confirm or deny it",
    "The data needed are not published",
    "Relies on a private document nobody could see",
];
pub(super) const REOPENED: &[&str] = &[
    "New figures were published",
    "A reader sent a correction",
    "The source revised its report",
];
pub(super) const SIGN_OFF_NOTES: &[&str] = &[
    "Checked the sources again",
    "Agree with the reasoning",
    "Good to publish",
];
pub(super) const NOTE_LEADS: &[&str] = &[
    "Call back:",
    "Ask the press office",
    "Compare with last year's figures",
    "Second source needed",
];
