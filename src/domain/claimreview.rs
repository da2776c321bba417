//! A signed-off verdict as schema.org `ClaimReview` JSON-LD, and the `DataFeed` of them all.
//! Pure: it is given plain values and builds JSON; reading them is `store::published`'s job.
use super::workflow::Status;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use unicode_segmentation::UnicodeSegmentation;
use uuid::Uuid;

/// The one mapping of verdicts to the numeric rating crawlers read beside `alternateName`, on a
/// scale from [`WORST_RATING`] (false) to [`BEST_RATING`] (accurate). `unverifiable` is its
/// middle: shown neither true nor false. 4 is unused (Factdesk has no "mostly accurate").
///
/// | verdict        | ratingValue |
/// | ---            | ---         |
/// | `false`        | 1           |
/// | `misleading`   | 2           |
/// | `unverifiable` | 3           |
/// | `accurate`     | 5           |
pub const RATINGS: [(Status, u8); 4] = [
    (Status::False, 1),
    (Status::Misleading, 2),
    (Status::Unverifiable, 3),
    (Status::Accurate, 5),
];
pub const WORST_RATING: u8 = 1;
pub const BEST_RATING: u8 = 5;

/// How long `claimReviewed` may be, in characters (Google's guidance for the field).
pub const CLAIM_REVIEWED_MAX: usize = 75;

/// The rating of a verdict; none for a status that is not one.
pub fn rating_value(status: Status) -> Option<u8> {
    RATINGS
        .iter()
        .find(|(verdict, _)| *verdict == status)
        .map(|(_, value)| *value)
}

/// `text` in at most `max` characters: whole if it fits, else cut after the last grapheme that
/// fits with an ellipsis after it (so an accent or an emoji sequence is never split). Spaces
/// before the ellipsis are dropped.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let room = max.saturating_sub(1);
    let mut kept = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let size = grapheme.chars().count();
        if used + size > room {
            break;
        }
        kept.push_str(grapheme);
        used += size;
    }
    let mut kept = kept.trim_end().to_owned();
    kept.push('…');
    kept
}

/// Who made a claim: a person, or a body (a ministry, a company, a campaign). ClaimReview's
/// `itemReviewed.author` is a schema.org `Person` or `Organization` accordingly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ClaimantKind {
    #[default]
    Person,
    Organization,
}

named_values!(ClaimantKind, "claimant kind", {
    Person => "person", "A person";
    Organization => "organization", "An organisation";
});

impl ClaimantKind {
    /// The schema.org type of the claim's author.
    pub fn schema_type(self) -> &'static str {
        match self {
            ClaimantKind::Person => "Person",
            ClaimantKind::Organization => "Organization",
        }
    }
}

/// Who publishes: the configured newsroom, and where its pages are reached.
#[derive(Debug, Clone, Copy)]
pub struct Publisher<'a> {
    pub public_url: &'a str,
    pub name: &'a str,
    pub url: &'a str,
}

impl Publisher<'_> {
    /// The public page of a check, which is its ClaimReview's `url`.
    pub fn check_url(&self, claim: Uuid) -> String {
        format!("{}/checks/{claim}", self.public_url.trim_end_matches('/'))
    }

    pub fn feed_url(&self) -> String {
        format!("{}/claimreview.json", self.public_url.trim_end_matches('/'))
    }

    fn organization(&self) -> Value {
        json!({ "@type": "Organization", "name": self.name, "url": self.url })
    }
}

/// What a ClaimReview says about one signed-off verdict.
#[derive(Debug, Clone)]
pub struct Review<'a> {
    pub claim: Uuid,
    pub summary: &'a str,
    pub quote: &'a str,
    pub claimant: &'a str,
    pub claimant_kind: ClaimantKind,
    pub verdict: Status,
    pub reason: &'a str,
    pub signed_off_at: DateTime<Utc>,
    pub piece_title: &'a str,
    pub piece_url: Option<&'a str>,
    pub piece_published_at: DateTime<Utc>,
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// The ClaimReview of `review`; none when its status is not a verdict (nothing to publish).
pub fn claim_review(review: &Review, publisher: &Publisher) -> Option<Value> {
    let rating = rating_value(review.verdict)?;
    let reviewed = if review.summary.trim().is_empty() {
        review.quote
    } else {
        review.summary
    };
    let mut appearance = json!({ "@type": "CreativeWork", "headline": review.piece_title });
    if let Some(url) = review.piece_url {
        appearance["url"] = url.into();
    }
    let mut claim = json!({
        "@type": "Claim",
        "datePublished": day(review.piece_published_at),
        "appearance": appearance,
    });
    if !review.claimant.trim().is_empty() {
        let kind = review.claimant_kind.schema_type();
        claim["author"] = json!({ "@type": kind, "name": review.claimant.trim() });
    }
    Some(json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": publisher.check_url(review.claim),
        "claimReviewed": shorten(reviewed, CLAIM_REVIEWED_MAX),
        "datePublished": day(review.signed_off_at),
        "author": publisher.organization(),
        "reviewRating": {
            "@type": "Rating",
            "alternateName": review.verdict.label(),
            "ratingValue": rating,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "ratingExplanation": review.reason,
        },
        "itemReviewed": claim,
    }))
}

/// The schema.org DataFeed of `reviews` (each a [`claim_review`]), for crawlers.
pub fn data_feed(
    reviews: Vec<Value>,
    modified: Option<DateTime<Utc>>,
    publisher: &Publisher,
) -> Value {
    let elements: Vec<Value> = reviews
        .into_iter()
        .map(|mut review| {
            // The feed's context covers its elements.
            if let Some(fields) = review.as_object_mut() {
                fields.remove("@context");
            }
            review
        })
        .collect();
    let mut feed = json!({
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": format!("Fact checks by {}", publisher.name),
        "url": publisher.feed_url(),
        "author": publisher.organization(),
        "dataFeedElement": elements,
    });
    if let Some(at) = modified {
        feed["dateModified"] = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true).into();
    }
    feed
}

/// `value` as JSON safe inside `<script type="application/ld+json">`: `<`, `>`, `&` and `'` are
/// written as `\u003c` …, so no text in it can close the element (`</script>`), open a comment,
/// or read as markup; JSON parsers read the same value back.
pub fn script_json(value: &Value) -> String {
    let mut out = String::new();
    for c in value.to_string().chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\'' => out.push_str("\\u0027"),
            // Line and paragraph separators end a line in older JavaScript parsers.
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_has_a_rating_on_the_scale_and_nothing_else_has_one() {
        for status in Status::ALL {
            let rating = rating_value(status);
            assert_eq!(rating.is_some(), status.is_verdict(), "{status}");
            if let Some(value) = rating {
                assert!((WORST_RATING..=BEST_RATING).contains(&value), "{status}");
            }
        }
        assert_eq!(rating_value(Status::False), Some(WORST_RATING));
        assert_eq!(rating_value(Status::Accurate), Some(BEST_RATING));
        let mut values: Vec<u8> = RATINGS.iter().map(|(_, v)| *v).collect();
        values.dedup();
        assert_eq!(values.len(), RATINGS.len(), "one value per verdict");
    }

    #[test]
    fn short_texts_are_kept_whole() {
        assert_eq!(shorten("  Unemployment fell.  ", 75), "Unemployment fell.");
        let exact = "x".repeat(75);
        assert_eq!(shorten(&exact, 75), exact);
    }

    #[test]
    fn long_texts_are_cut_to_75_characters_with_an_ellipsis() {
        let long = "a".repeat(100);
        let cut = shorten(&long, 75);
        assert_eq!(cut.chars().count(), 75);
        assert!(cut.ends_with("a…"));
        // The space before the cut is not kept before the ellipsis.
        let words = format!("{} next", "b".repeat(73));
        assert_eq!(shorten(&words, 75), format!("{}…", "b".repeat(73)));
    }

    #[test]
    fn multibyte_text_is_cut_between_graphemes() {
        // "é" as e + combining acute: two characters, one grapheme, never split.
        let accented = "e\u{301}".repeat(50);
        let cut = shorten(&accented, 75);
        assert_eq!(cut, format!("{}…", "e\u{301}".repeat(37)));
        // A family emoji is five characters joined by ZWJ: kept whole or not at all.
        let family = "👨\u{200d}👩\u{200d}👧";
        let text = format!("{}{family}{family}", "ü".repeat(70));
        let cut = shorten(&text, 75);
        assert_eq!(cut, format!("{}…", "ü".repeat(70)));
        assert!(cut.chars().count() <= 75);
        let cjk = "事实核查".repeat(30);
        assert_eq!(shorten(&cjk, 75).chars().count(), 75);
    }

    #[test]
    fn the_script_form_cannot_close_its_element() {
        let hostile = json!({ "a": "</script><script>alert(1)</script> & 'x' <!--" });
        let text = script_json(&hostile);
        for raw in ['<', '>', '&', '\''] {
            assert!(!text.contains(raw), "{raw} in {text}");
        }
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, hostile);
    }

    #[test]
    fn a_status_that_is_no_verdict_publishes_nothing() {
        let at = DateTime::parse_from_rfc3339("2020-01-14T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let publisher = Publisher {
            public_url: "https://checks.example/",
            name: "The Desk",
            url: "https://news.example",
        };
        let mut review = Review {
            claim: Uuid::nil(),
            summary: "",
            quote: "the quote",
            claimant: " ",
            claimant_kind: ClaimantKind::Organization,
            verdict: Status::InProgress,
            reason: "r",
            signed_off_at: at,
            piece_title: "T",
            piece_url: None,
            piece_published_at: at,
        };
        assert_eq!(claim_review(&review, &publisher), None);
        review.verdict = Status::Misleading;
        let made = claim_review(&review, &publisher).unwrap();
        assert_eq!(
            made["url"],
            "https://checks.example/checks/00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(made["claimReviewed"], "the quote", "no summary: the quote");
        assert!(made["itemReviewed"].get("author").is_none(), "no claimant");
        assert!(made["itemReviewed"]["appearance"].get("url").is_none());
        assert_eq!(made["reviewRating"]["ratingValue"], 2);
        review.claimant = "Ministry of Defence";
        let made = claim_review(&review, &publisher).unwrap();
        assert_eq!(
            made["itemReviewed"]["author"],
            json!({ "@type": "Organization", "name": "Ministry of Defence" })
        );
        review.claimant_kind = ClaimantKind::Person;
        let made = claim_review(&review, &publisher).unwrap();
        assert_eq!(made["itemReviewed"]["author"]["@type"], "Person");
    }
}
