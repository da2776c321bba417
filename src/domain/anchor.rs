//! Tying a claim's quote to a place in a piece's text, the way W3C Web
//! Annotation selectors (and Hypothesis) do: a `TextQuoteSelector` (`exact`,
//! `prefix`, `suffix`) plus a `TextPositionSelector` (`start`, `end`).
//!
//! Positions count Unicode scalar values (`char`s), end exclusive, as the W3C
//! model asks, so they mean the same thing whatever encoding stores the text.
//! Browsers count UTF-16 units instead; that conversion belongs at the edge.

use std::cmp::Reverse;

/// How much text on each side of the quote is kept to re-find it after edits.
pub const CONTEXT_CHARS: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Selector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    #[error("the quote is empty")]
    Empty,
    #[error("the quote does not occur in the piece's text")]
    NotFound,
    #[error(
        "the quote occurs {} times (at {}); give `start` to say which",
        .starts.len(),
        at_characters(.starts)
    )]
    Ambiguous { starts: Vec<usize> },
    #[error(
        "the quote does not start at character {start}; `start` must be where it occurs: {}",
        at_characters(.starts)
    )]
    StartMismatch { start: usize, starts: Vec<usize> },
}

fn at_characters(starts: &[usize]) -> String {
    let noun = if starts.len() == 1 {
        "character"
    } else {
        "characters"
    };
    let list: Vec<String> = starts.iter().map(usize::to_string).collect();
    format!("{noun} {}", list.join(", "))
}

/// Char offsets of every (possibly overlapping) occurrence of `quote` in `body`, ascending.
pub fn occurrences(body: &str, quote: &str) -> Vec<usize> {
    find_all(body, quote).map(|hit| hit.char).collect()
}

/// Anchor a new claim. The quote must occur in `body`; if it occurs more than
/// once, `start` is required, and a given `start` must be exactly where an
/// occurrence begins. The context is up to [`CONTEXT_CHARS`] chars each side,
/// fewer at the text's edges.
pub fn anchor(body: &str, quote: &str, start: Option<usize>) -> Result<Selector, AnchorError> {
    if quote.is_empty() {
        return Err(AnchorError::Empty);
    }
    let hits: Vec<Hit> = find_all(body, quote).collect();
    let hit = choose(&hits, start)?;
    let after = hit.byte + quote.len();
    Ok(Selector {
        exact: quote.to_owned(),
        prefix: context_before(&body[..hit.byte]).to_owned(),
        suffix: context_after(&body[after..]).to_owned(),
        start: hit.char,
        end: hit.char + quote.chars().count(),
    })
}

/// Which occurrence the caller means, or why that cannot be told.
fn choose(hits: &[Hit], start: Option<usize>) -> Result<Hit, AnchorError> {
    let starts = || hits.iter().map(|hit| hit.char).collect();
    match (start, hits) {
        (_, []) => Err(AnchorError::NotFound),
        (None, [only]) => Ok(*only),
        (None, _) => Err(AnchorError::Ambiguous { starts: starts() }),
        (Some(start), _) => hits
            .iter()
            .copied()
            .find(|hit| hit.char == start)
            .ok_or_else(|| AnchorError::StartMismatch {
                start,
                starts: starts(),
            }),
    }
}

/// Re-find a stored selector in a (possibly edited) body: the quote is the
/// truth, the position is the fast path, the context breaks ties.
///
/// If the quote is still at `start..end`, that is the answer. Otherwise every
/// occurrence is scored by how many chars of `prefix` and `suffix` still sit
/// next to it, and the best wins; equal scores go to the one nearest the old
/// `start`. `None` when the quote no longer occurs.
pub fn locate(body: &str, selector: &Selector) -> Option<(usize, usize)> {
    let exact = selector.exact.as_str();
    // An empty quote "occurs" everywhere, so it pins nothing down.
    if exact.is_empty() {
        return None;
    }
    if still_in_place(body, selector) {
        return Some((selector.start, selector.end));
    }
    let len = exact.chars().count();
    // `min_by_key` keeps the first of equals, so a tie in distance goes to the earlier one.
    find_all(body, exact)
        .min_by_key(|&hit| {
            let distance = hit.char.abs_diff(selector.start);
            (Reverse(context_score(body, selector, hit)), distance)
        })
        .map(|hit| (hit.char, hit.char + len))
}

/// One occurrence at both offsets: bytes to slice the body, chars to report.
#[derive(Debug, Clone, Copy)]
struct Hit {
    byte: usize,
    char: usize,
}

/// Byte search with char offsets counted incrementally from the previous hit,
/// so a long body with many hits costs one pass rather than one per hit.
fn find_all<'a>(body: &'a str, quote: &'a str) -> impl Iterator<Item = Hit> + 'a {
    // Stepping past one char, not the whole quote, finds overlapping hits too.
    let step = quote.chars().next().map_or(0, char::len_utf8);
    let mut search_from = 0;
    let mut last = Hit { byte: 0, char: 0 };
    std::iter::from_fn(move || {
        if quote.is_empty() {
            return None;
        }
        let byte = search_from + body[search_from..].find(quote)?;
        let char = last.char + body[last.byte..byte].chars().count();
        last = Hit { byte, char };
        search_from = byte + step;
        Some(last)
    })
}

fn still_in_place(body: &str, selector: &Selector) -> bool {
    let len = selector.exact.chars().count();
    selector.end.checked_sub(selector.start) == Some(len)
        && body
            .char_indices()
            .nth(selector.start)
            .is_some_and(|(byte, _)| body[byte..].starts_with(&selector.exact))
}

/// How many chars of the stored context agree with the text around `hit`,
/// read outward from the quote, where the context is most telling.
fn context_score(body: &str, selector: &Selector, hit: Hit) -> usize {
    let before = body[..hit.byte].chars().rev();
    let after = body[hit.byte + selector.exact.len()..].chars();
    common_run(selector.prefix.chars().rev(), before) + common_run(selector.suffix.chars(), after)
}

fn common_run(a: impl Iterator<Item = char>, b: impl Iterator<Item = char>) -> usize {
    a.zip(b).take_while(|(x, y)| x == y).count()
}

fn context_before(text: &str) -> &str {
    let cut = text
        .char_indices()
        .rev()
        .take(CONTEXT_CHARS)
        .last()
        .map_or(text.len(), |(byte, _)| byte);
    &text[cut..]
}

fn context_after(text: &str) -> &str {
    let cut = text
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(text.len(), |(byte, _)| byte);
    &text[..cut]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::Index;

    const PASSAGE: &str = "WASHINGTON — Just after Iran shot down a U.S. drone in June, \
        John Bolton, Trump’s countrywide safety adviser at the time, pressed for a \
        “proportional” response, officials said.";

    #[test]
    fn anchors_a_quote_after_multibyte_text_by_char_offset() {
        let quote = "Trump’s countrywide safety adviser at the time";
        let selector = anchor(PASSAGE, quote, None).unwrap();
        assert_eq!(
            selector,
            Selector {
                exact: quote.to_owned(),
                prefix: ".S. drone in June, John Bolton, ".to_owned(),
                suffix: ", pressed for a “proportional” r".to_owned(),
                start: 74,
                end: 120,
            }
        );
        assert_eq!(locate(PASSAGE, &selector), Some((74, 120)));
    }

    #[test]
    fn quote_at_the_start_of_the_body_has_no_prefix() {
        let selector = anchor(PASSAGE, "WASHINGTON", Some(0)).unwrap();
        assert_eq!((selector.start, selector.end), (0, 10));
        assert_eq!(selector.prefix, "");
        assert_eq!(selector.suffix, " — Just after Iran shot down a U");
    }

    #[test]
    fn quote_at_the_end_of_the_body_has_no_suffix() {
        let selector = anchor(PASSAGE, "officials said.", None).unwrap();
        let len = PASSAGE.chars().count();
        assert_eq!((selector.start, selector.end), (len - 15, len));
        assert_eq!(selector.prefix, " for a “proportional” response, ");
        assert_eq!(selector.suffix, "");
    }

    #[test]
    fn whole_body_as_quote() {
        let selector = anchor("é🦀", "é🦀", None).unwrap();
        assert_eq!((selector.start, selector.end), (0, 2));
        assert_eq!(
            (selector.prefix.as_str(), selector.suffix.as_str()),
            ("", "")
        );
    }

    #[test]
    fn empty_and_missing_quotes_are_rejected() {
        assert_eq!(anchor(PASSAGE, "", None), Err(AnchorError::Empty));
        assert_eq!(anchor(PASSAGE, "", Some(3)), Err(AnchorError::Empty));
        assert_eq!(anchor(PASSAGE, "Trump's", None), Err(AnchorError::NotFound));
        assert_eq!(
            anchor(PASSAGE, "Pompeo", Some(5)),
            Err(AnchorError::NotFound)
        );
        assert_eq!(anchor("", "x", None), Err(AnchorError::NotFound));
    }

    #[test]
    fn a_repeated_quote_needs_a_start() {
        let body = "the strike was legal; later, the strike was called reckless; the strike";
        let err = anchor(body, "the strike", None).unwrap_err();
        assert_eq!(
            err,
            AnchorError::Ambiguous {
                starts: vec![0, 29, 61]
            }
        );
        assert_eq!(
            err.to_string(),
            "the quote occurs 3 times (at characters 0, 29, 61); give `start` to say which"
        );
        let selector = anchor(body, "the strike", Some(29)).unwrap();
        assert_eq!((selector.start, selector.end), (29, 39));
        assert_eq!(selector.prefix, "the strike was legal; later, ");
        assert_eq!(selector.suffix, " was called reckless; the strike");
    }

    #[test]
    fn a_start_that_is_not_an_occurrence_lists_the_real_ones() {
        let err = anchor(PASSAGE, "Bolton", Some(60)).unwrap_err();
        assert_eq!(
            err,
            AnchorError::StartMismatch {
                start: 60,
                starts: vec![66]
            }
        );
        assert_eq!(
            err.to_string(),
            "the quote does not start at character 60; `start` must be where it occurs: character 66"
        );
        let err = anchor("ab ab", "ab", Some(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the quote does not start at character 1; `start` must be where it occurs: characters 0, 3"
        );
    }

    #[test]
    fn overlapping_occurrences_are_all_found() {
        assert_eq!(occurrences("aaaa", "aaa"), vec![0, 1]);
        assert_eq!(occurrences("aaaa", "a"), vec![0, 1, 2, 3]);
        assert_eq!(occurrences("🦀🦀🦀", "🦀🦀"), vec![0, 1]);
        assert_eq!(occurrences("éaéaé", "éaé"), vec![0, 2]);
        assert_eq!(
            anchor("aaaa", "aaa", None),
            Err(AnchorError::Ambiguous { starts: vec![0, 1] })
        );
        let selector = anchor("aaaa", "aaa", Some(1)).unwrap();
        assert_eq!(
            (selector.start, selector.end, selector.prefix.as_str()),
            (1, 4, "a")
        );
    }

    #[test]
    fn empty_quote_or_body_has_no_occurrences() {
        assert_eq!(occurrences("abc", ""), Vec::<usize>::new());
        assert_eq!(occurrences("", ""), Vec::<usize>::new());
        assert_eq!(occurrences("", "a"), Vec::<usize>::new());
    }

    #[test]
    fn locate_keeps_an_unmoved_quote_in_place() {
        let selector = anchor(PASSAGE, "Bolton", None).unwrap();
        let edited = PASSAGE.replace("officials said", "three officials said");
        assert_eq!(locate(&edited, &selector), Some((66, 72)));
    }

    #[test]
    fn locate_follows_a_quote_moved_by_an_edit_before_it() {
        let selector = anchor(PASSAGE, "Trump’s countrywide", None).unwrap();
        let edited = PASSAGE.replace("WASHINGTON", "WASHINGTON (Reuters)");
        assert_eq!(locate(&edited, &selector), Some((84, 103)));
    }

    #[test]
    fn locate_gives_up_when_the_quote_is_gone() {
        let selector = anchor(PASSAGE, "Trump’s countrywide", None).unwrap();
        let edited = PASSAGE.replace("Trump’s", "Trump's");
        assert_eq!(locate(&edited, &selector), None);
    }

    #[test]
    fn locate_trusts_context_over_proximity() {
        let before = "A: the strike was legal. B: the strike was reckless.";
        let selector = anchor(before, "the strike", Some(3)).unwrap();
        let after = "Update. B: the strike was reckless. A: the strike was legal.";
        // The B occurrence (11) is nearer the old start (3) but only A's context matches.
        assert_eq!(locate(after, &selector), Some((39, 49)));
    }

    #[test]
    fn locate_breaks_context_ties_by_distance_then_position() {
        let selector = |start| Selector {
            exact: "ab".into(),
            prefix: String::new(),
            suffix: String::new(),
            start,
            end: start + 2,
        };
        let body = "ab, ab, ab";
        assert_eq!(locate(body, &selector(5)), Some((4, 6)));
        assert_eq!(locate(body, &selector(7)), Some((8, 10)));
        // Equally far from 4 and 8: the earlier one wins, so the answer is stable.
        assert_eq!(locate("ab, ab, ab", &selector(6)), Some((4, 6)));
    }

    #[test]
    fn locate_ignores_a_stored_range_that_disagrees_with_the_quote() {
        let mut selector = anchor("xx ab", "ab", None).unwrap();
        selector.end = 4;
        assert_eq!(locate("xx ab", &selector), Some((3, 5)));
        selector.exact.clear();
        assert_eq!(locate("xx ab", &selector), None);
    }

    #[test]
    fn long_multibyte_body_stays_linear() {
        let body = "é".repeat(200_000);
        assert_eq!(occurrences(&body, "éé").len(), 199_999);
        let stale = Selector {
            exact: "éé".into(),
            prefix: String::new(),
            suffix: String::new(),
            start: 250_000,
            end: 250_002,
        };
        assert_eq!(locate(&body, &stale), Some((199_998, 200_000)));
        let body = format!("{body}🦀 end");
        assert_eq!(anchor(&body, "🦀", None).unwrap().start, 200_000);
    }

    /// Few distinct chars, so quotes repeat and overlap often; several are multi-byte.
    const TEXT: &str = "[ab é’“🦀]{0,100}";

    fn naive_occurrences(body: &str, quote: &str) -> Vec<usize> {
        let body: Vec<char> = body.chars().collect();
        let quote: Vec<char> = quote.chars().collect();
        if quote.is_empty() {
            return Vec::new();
        }
        (0..body.len())
            .filter(|&i| body[i..].starts_with(&quote))
            .collect()
    }

    fn chars(text: &[char]) -> String {
        text.iter().collect()
    }

    proptest! {
        #[test]
        fn occurrences_match_a_char_by_char_search(body in "[ab🦀é]{0,40}", quote in "[ab🦀é]{0,4}") {
            prop_assert_eq!(occurrences(&body, &quote), naive_occurrences(&body, &quote));
        }

        #[test]
        fn any_slice_round_trips(body in TEXT, a in any::<Index>(), b in any::<Index>()) {
            let text: Vec<char> = body.chars().collect();
            let (a, b) = (a.index(text.len() + 1), b.index(text.len() + 1));
            let (start, end) = (a.min(b), a.max(b));
            prop_assume!(start < end);
            let quote = chars(&text[start..end]);

            let selector = anchor(&body, &quote, Some(start)).unwrap();
            prop_assert_eq!(&selector.exact, &quote);
            prop_assert_eq!((selector.start, selector.end), (start, end));
            prop_assert_eq!(&selector.prefix, &chars(&text[start.saturating_sub(CONTEXT_CHARS)..start]));
            prop_assert_eq!(&selector.suffix, &chars(&text[end..(end + CONTEXT_CHARS).min(text.len())]));
            prop_assert_eq!(locate(&body, &selector), Some((start, end)));
        }

        #[test]
        fn start_is_required_exactly_when_the_quote_repeats(
            body in TEXT,
            quote in "[ab é’“🦀]{1,3}",
            start in 0usize..110,
        ) {
            let starts = naive_occurrences(&body, &quote);
            let found = anchor(&body, &quote, None).map(|selector| selector.start);
            match starts.as_slice() {
                [] => prop_assert_eq!(found, Err(AnchorError::NotFound)),
                [only] => prop_assert_eq!(found, Ok(*only)),
                _ => prop_assert_eq!(found, Err(AnchorError::Ambiguous { starts: starts.clone() })),
            }
            let found = anchor(&body, &quote, Some(start)).map(|selector| selector.start);
            if starts.is_empty() {
                prop_assert_eq!(found, Err(AnchorError::NotFound));
            } else if starts.contains(&start) {
                prop_assert_eq!(found, Ok(start));
            } else {
                prop_assert_eq!(found, Err(AnchorError::StartMismatch { start, starts }));
            }
        }

        #[test]
        fn locate_follows_a_unique_quote_when_text_is_inserted_before_it(
            before in TEXT,
            quote_head in "[ab é’🦀]{0,5}",
            quote_tail in "[ab é’🦀]{0,5}",
            after in TEXT,
            inserted in TEXT,
            at in any::<Index>(),
        ) {
            // `§` occurs nowhere else, which keeps the quote unique however text is inserted.
            let quote = format!("{quote_head}§{quote_tail}");
            let body = format!("{before}{quote}{after}");
            let selector = anchor(&body, &quote, None).unwrap();

            let text: Vec<char> = body.chars().collect();
            let at = at.index(selector.start + 1);
            let edited = format!("{}{inserted}{}", chars(&text[..at]), chars(&text[at..]));
            let shift = inserted.chars().count();
            prop_assert_eq!(
                locate(&edited, &selector),
                Some((selector.start + shift, selector.end + shift))
            );
        }
    }
}
