//! Claims highlighted in place: a piece's text cut at every claim boundary, so a page can wrap
//! each piece of text in the marks of the claims covering it, outermost first, and never write
//! overlapping elements however the claims overlap or nest.
//!
//! Positions count Unicode characters (as the API's selectors do), end exclusive.

/// A claim's place in the text: its id, and its first and one-past-last characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span<I> {
    pub id: I,
    pub start: usize,
    pub end: usize,
}

/// A run of text between two claim boundaries, with the claims that cover all of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<I> {
    pub text: String,
    /// Where the run starts and ends, in characters of the body.
    pub start: usize,
    pub end: usize,
    /// The claims covering the run, outermost first: by start, then the longer first, then in
    /// the order given. A claim that contains another always comes before it.
    pub claims: Vec<I>,
}

/// Cuts `body` at every boundary of `claims` (ranges are clamped to the body; empty ones cover
/// nothing). The segments' texts, in order, are the body; an empty body gives no segment, a body
/// without claims one.
pub fn segments<I: Copy>(body: &str, claims: &[Span<I>]) -> Vec<Segment<I>> {
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    let len = chars.len();
    let byte_at = |c: usize| chars.get(c).map_or(body.len(), |(b, _)| *b);

    // Outermost first: the order every segment lists its claims in.
    let mut order: Vec<(usize, usize, usize)> = claims
        .iter()
        .enumerate()
        .map(|(i, s)| (s.start.min(len), s.end.min(len), i))
        .filter(|(start, end, _)| start < end)
        .collect();
    order.sort_by_key(|&(start, end, i)| (start, std::cmp::Reverse(end), i));

    let mut cuts: Vec<usize> = vec![0, len];
    for (start, end, _) in &order {
        cuts.push(*start);
        cuts.push(*end);
    }
    cuts.sort_unstable();
    cuts.dedup();

    cuts.windows(2)
        .map(|w| {
            let (start, end) = (w[0], w[1]);
            Segment {
                text: body[byte_at(start)..byte_at(end)].to_owned(),
                start,
                end,
                claims: order
                    .iter()
                    .filter(|(s, e, _)| *s <= start && end <= *e)
                    .map(|(_, _, i)| claims[*i].id)
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn span(id: u32, start: usize, end: usize) -> Span<u32> {
        Span { id, start, end }
    }

    fn shape(segments: &[Segment<u32>]) -> Vec<(&str, Vec<u32>)> {
        segments
            .iter()
            .map(|s| (s.text.as_str(), s.claims.clone()))
            .collect()
    }

    #[test]
    fn no_claims_gives_the_body_as_one_segment() {
        let got = segments::<u32>("The minister said so.", &[]);
        assert_eq!(shape(&got), vec![("The minister said so.", vec![])]);
        assert_eq!((got[0].start, got[0].end), (0, 21));
        assert!(segments::<u32>("", &[]).is_empty());
    }

    #[test]
    fn cuts_at_every_boundary_and_lists_who_covers_what() {
        // "crime fell by a third" (0..21) overlaps "a third in 2019" (14..29).
        let body = "crime fell by a third in 2019.";
        let got = segments(body, &[span(1, 0, 21), span(2, 14, 29)]);
        assert_eq!(
            shape(&got),
            vec![
                ("crime fell by ", vec![1]),
                ("a third", vec![1, 2]),
                (" in 2019", vec![2]),
                (".", vec![]),
            ]
        );
    }

    #[test]
    fn nested_claims_list_the_outer_one_first() {
        let body = "He said unemployment fell to 4%.";
        // Given inner first: the order comes from the ranges, not the input.
        let got = segments(body, &[span(2, 21, 31), span(1, 8, 31), span(3, 8, 31)]);
        assert_eq!(
            shape(&got),
            vec![
                ("He said ", vec![]),
                ("unemployment ", vec![1, 3]),
                ("fell to 4%", vec![1, 3, 2]),
                (".", vec![]),
            ]
        );
    }

    #[test]
    fn positions_are_characters_not_bytes() {
        // ’ “ ” are three bytes each, the emoji four: byte offsets would cut inside them.
        let body = "It’s “the best” 🎉 year, he said.";
        let quote = "“the best” 🎉";
        let start = body.chars().position(|c| c == '“').unwrap();
        let end = start + quote.chars().count();
        let got = segments(body, &[span(7, start, end)]);
        assert_eq!(
            shape(&got),
            vec![
                ("It’s ", vec![]),
                ("“the best” 🎉", vec![7]),
                (" year, he said.", vec![]),
            ]
        );
        assert_eq!((got[1].start, got[1].end), (5, 17));
    }

    #[test]
    fn ranges_past_the_end_are_clamped_and_empty_ones_ignored() {
        let got = segments("abc", &[span(1, 1, 99), span(2, 2, 2), span(3, 50, 60)]);
        assert_eq!(shape(&got), vec![("a", vec![]), ("bc", vec![1])]);
    }

    fn body_and_claims() -> impl Strategy<Value = (String, Vec<Span<u32>>)> {
        "[a-z ’“”🎉é\n]{0,40}".prop_flat_map(|body| {
            let len = body.chars().count();
            let claim = (0..=len, 0..=len).prop_map(|(a, b)| (a.min(b), a.max(b)));
            (Just(body), prop::collection::vec(claim, 0..8)).prop_map(|(body, ranges)| {
                let claims = ranges
                    .into_iter()
                    .enumerate()
                    .map(|(i, (start, end))| span(i as u32, start, end))
                    .collect();
                (body, claims)
            })
        })
    }

    proptest! {
        #[test]
        fn the_segments_concatenate_to_the_body((body, claims) in body_and_claims()) {
            let got = segments(&body, &claims);
            let joined: String = got.iter().map(|s| s.text.as_str()).collect();
            prop_assert_eq!(joined, body.clone());
            // Contiguous, non-empty, in order.
            let mut at = 0;
            for s in &got {
                prop_assert_eq!(s.start, at);
                prop_assert!(s.end > s.start);
                prop_assert_eq!(s.text.chars().count(), s.end - s.start);
                at = s.end;
            }
            prop_assert_eq!(at, body.chars().count());
        }

        #[test]
        fn every_char_is_covered_by_exactly_the_claims_around_it((body, claims) in body_and_claims()) {
            let got = segments(&body, &claims);
            let chars: Vec<char> = body.chars().collect();
            for s in &got {
                for (c, ch) in chars.iter().enumerate().take(s.end).skip(s.start) {
                    let mut around: Vec<u32> = claims
                        .iter()
                        .filter(|k| k.start <= c && c < k.end)
                        .map(|k| k.id)
                        .collect();
                    let mut listed = s.claims.clone();
                    around.sort_unstable();
                    listed.sort_unstable();
                    prop_assert_eq!(&listed, &around, "char {} ({:?})", c, ch);
                }
            }
            // So each claim's segments, joined, are its quote.
            for k in &claims {
                let joined: String = got
                    .iter()
                    .filter(|s| s.claims.contains(&k.id))
                    .map(|s| s.text.as_str())
                    .collect();
                let quote: String = chars[k.start..k.end].iter().collect();
                prop_assert_eq!(joined, quote);
            }
        }

        #[test]
        fn nested_claims_nest((body, claims) in body_and_claims()) {
            let got = segments(&body, &claims);
            for s in &got {
                for (i, outer) in s.claims.iter().enumerate() {
                    for inner in &s.claims[i + 1..] {
                        let (o, n) = (&claims[*outer as usize], &claims[*inner as usize]);
                        // Listed outside means it starts no later, and ends no earlier when
                        // it starts at the same place.
                        prop_assert!(o.start < n.start || (o.start == n.start && o.end >= n.end));
                    }
                }
                // Where one claim strictly contains another, it is listed outside it.
                for a in &s.claims {
                    for b in &s.claims {
                        let (ka, kb) = (&claims[*a as usize], &claims[*b as usize]);
                        if ka.start <= kb.start && kb.end <= ka.end && (ka.start, ka.end) != (kb.start, kb.end) {
                            let pa = s.claims.iter().position(|x| x == a);
                            let pb = s.claims.iter().position(|x| x == b);
                            prop_assert!(pa < pb);
                        }
                    }
                }
            }
        }
    }
}
