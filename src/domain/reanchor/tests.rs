//! The rules of `reanchor` on the demo piece and its claims, and on random edits.
use super::*;
use proptest::prelude::*;

const PIECE: &str = include_str!("../../../demo/piece.txt");
const CLAIMS: &str = include_str!("../../../demo/claims.json");

/// The demo piece's claims, anchored in its text as the desk anchors them.
fn demo_claims() -> Vec<Selector> {
    let claims: Vec<serde_json::Value> = serde_json::from_str(CLAIMS).unwrap();
    claims
        .iter()
        .map(|claim| {
            let quote = claim["quote"].as_str().unwrap();
            let start = anchor::occurrences(PIECE, quote)[0];
            anchor::anchor(PIECE, quote, Some(start)).unwrap()
        })
        .collect()
}

fn text_at(body: &str, selector: &Selector) -> String {
    body.chars()
        .skip(selector.start)
        .take(selector.end - selector.start)
        .collect()
}

/// Every claim followed through `old` → `new`, each checked to sit on its words.
fn follow_all(old: &str, new: &str, claims: &[Selector]) -> Vec<Followed> {
    let correction = Correction::new(old, new);
    claims
        .iter()
        .map(|claim| {
            let followed = correction.follow(claim);
            if followed.anchor != Anchor::Orphaned {
                assert_eq!(text_at(new, &followed.selector), followed.selector.exact);
            }
            followed
        })
        .collect()
}

#[test]
fn a_paragraph_inserted_at_the_top_moves_every_claim_with_its_words() {
    let added = "Editor’s note: this article was updated on Jan. 14.\n\n";
    let new = format!("{added}{PIECE}");
    let claims = demo_claims();
    let shift = added.chars().count();
    for (claim, followed) in claims.iter().zip(follow_all(PIECE, &new, &claims)) {
        assert_eq!(followed.anchor, Anchor::Exact, "{}", claim.exact);
        assert_eq!(followed.found_by, FoundBy::Untouched);
        assert_eq!(followed.selector.exact, claim.exact);
        assert_eq!(
            (followed.selector.start, followed.selector.end),
            (claim.start + shift, claim.end + shift)
        );
    }
}

#[test]
fn a_phrase_corrected_inside_one_claim_changes_that_claim_alone() {
    let wrong = "John Bolton, Trump’s countrywide safety adviser at the time";
    assert_eq!(anchor::occurrences(PIECE, wrong).len(), 1);
    let new = PIECE.replace(
        wrong,
        "John Bolton, Trump’s national security adviser at the time",
    );
    let claims = demo_claims();
    let mut changed = Vec::new();
    for (claim, followed) in claims.iter().zip(follow_all(PIECE, &new, &claims)) {
        if claim.exact.contains(wrong) {
            assert_eq!(followed.anchor, Anchor::Changed);
            assert_eq!(followed.found_by, FoundBy::EditedInPlace);
            assert_eq!(
                followed.selector.exact,
                claim
                    .exact
                    .replace("countrywide safety", "national security")
            );
            assert_eq!(followed.selector.start, claim.start);
            changed.push(followed);
        } else {
            assert_eq!(followed.anchor, Anchor::Exact, "{}", claim.exact);
            assert_eq!(followed.selector.exact, claim.exact);
        }
    }
    assert_eq!(changed.len(), 1);
}

#[test]
fn a_deleted_sentence_orphans_its_claims_and_shifts_the_rest() {
    let claims = demo_claims();
    let sentence = "The presidential directive in June came with the problem that Trump would have remaining signoff on any particular operation to kill Soleimani, officers mentioned.\n\n";
    assert!(PIECE.contains(sentence));
    let new = PIECE.replace(sentence, "");
    let cut = PIECE.find(sentence).unwrap();
    let cut_chars = PIECE[..cut].chars().count();
    let mut orphans = 0;
    for (claim, followed) in claims.iter().zip(follow_all(PIECE, &new, &claims)) {
        if sentence.contains(&claim.exact) {
            assert_eq!(followed.anchor, Anchor::Orphaned, "{}", claim.exact);
            assert_eq!(&followed.selector, claim, "an orphan keeps its last quote");
            orphans += 1;
        } else {
            assert_eq!(followed.anchor, Anchor::Exact, "{}", claim.exact);
            let shift = if claim.start > cut_chars {
                sentence.chars().count()
            } else {
                0
            };
            assert_eq!(followed.selector.start, claim.start - shift);
        }
    }
    assert!(orphans >= 1);
}

#[test]
fn a_moved_paragraph_takes_its_claims_along() {
    let paragraphs: Vec<&str> = PIECE.split("\n\n").collect();
    // The second paragraph moved to the end.
    let mut moved = paragraphs.clone();
    let second = moved.remove(1);
    moved.push(second);
    let new = moved.join("\n\n");
    let claims = demo_claims();
    let followed = follow_all(PIECE, &new, &claims);
    for (claim, followed) in claims.iter().zip(&followed) {
        assert_eq!(followed.anchor, Anchor::Exact, "{}", claim.exact);
        assert_eq!(followed.selector.exact, claim.exact);
        assert!(anchor::occurrences(&new, &claim.exact).contains(&followed.selector.start));
    }
    let in_second: Vec<&Followed> = claims
        .iter()
        .zip(&followed)
        .filter(|(claim, _)| second.contains(&claim.exact))
        .map(|(_, followed)| followed)
        .collect();
    assert!(!in_second.is_empty());
    let moved_start = new.rfind(second).unwrap();
    let moved_start = new[..moved_start].chars().count();
    for followed in in_second {
        assert!(
            followed.selector.start >= moved_start,
            "followed to the paragraph's new place, whichever way the diff saw it"
        );
    }
}

#[test]
fn where_the_quote_occurs_twice_after_a_move_its_context_chooses() {
    let old = "Officials said the strike was legal. Later that week, critics said the strike was reckless.";
    let claim = anchor::anchor(old, "the strike was", Some(15)).unwrap();
    // The first sentence moved to the end; the other "the strike was" stayed where it was.
    let new = "Later that week, critics said the strike was reckless. Officials said the strike was legal.";
    let followed = Correction::new(old, new).follow(&claim);
    assert_eq!(followed.anchor, Anchor::Exact);
    assert_eq!(followed.found_by, FoundBy::Moved);
    assert_eq!(text_at(new, &followed.selector), "the strike was");
    assert_eq!(followed.selector.suffix, " legal.");
}

#[test]
fn an_edit_of_a_short_quote_never_lands_on_another_instance_of_its_words() {
    // Hypothesis h #2798: the corrected word also occurs elsewhere, in text the correction
    // did not touch. That is another instance, not where the claim went.
    let old = "The attack killed 4 people. Officials counted 3 drones and 3 missiles.";
    let claim = anchor::anchor(old, "3 drones", None).unwrap();
    let new = "The attack killed 4 people. Officials counted 2 drones and 3 missiles. Earlier reports said 3 drones.";
    let followed = Correction::new(old, new).follow(&claim);
    assert_eq!(followed.anchor, Anchor::Changed);
    assert_eq!(followed.selector.exact, "2 drones");
    assert_eq!(followed.selector.start, claim.start);
    // Rewritten beyond recognition: an orphan, not the untouched "3 drones" at the end.
    let rewritten = "The attack killed 4 people. Officials gave no count of the weapons. Earlier reports said 3 drones.";
    let followed = Correction::new(old, rewritten).follow(&claim);
    assert_eq!(followed.anchor, Anchor::Orphaned);
    // Its sentence deleted, and the same words added in another sentence elsewhere: their
    // context does not vouch for them, so they are not where the claim went.
    let elsewhere = "Earlier reports said 3 drones were used. The attack killed 4 people.";
    let followed = Correction::new(old, elsewhere).follow(&claim);
    assert_eq!(followed.anchor, Anchor::Orphaned);
}

#[test]
fn words_moved_and_corrected_are_found_if_close_and_orphaned_if_not() {
    // The moved paragraph is the shorter one, so the diff sees it as deleted and added.
    let long = "The longest paragraph of the piece tells of the strike at Baghdad airport, the convoy, the drones, the hours before and the days after, in more words than any other.";
    let old = format!(
        "First paragraph.\n\nJohn Bolton, then the national security adviser, urged a response.\n\n{long}"
    );
    let claim = anchor::anchor(
        &old,
        "John Bolton, then the national security adviser",
        None,
    )
    .unwrap();
    let near = format!(
        "First paragraph.\n\n{long}\n\nJohn Bolton, then national security adviser, urged a response."
    );
    let followed = Correction::new(&old, &near).follow(&claim);
    assert_eq!(followed.anchor, Anchor::Changed);
    assert_eq!(followed.found_by, FoundBy::Moved);
    assert_eq!(
        followed.selector.exact,
        "John Bolton, then national security adviser"
    );
    let far = format!("First paragraph.\n\n{long}\n\nBolton urged a response.");
    assert_eq!(
        Correction::new(&old, &far).follow(&claim).anchor,
        Anchor::Orphaned
    );
}

#[test]
fn a_correction_and_its_revert_put_every_claim_back() {
    let wrong = "countrywide safety adviser at the time, urged";
    let corrected = PIECE.replace(wrong, "national security adviser at the time, urged");
    let claims = demo_claims();
    let there = follow_all(PIECE, &corrected, &claims);
    let moved: Vec<Selector> = there.iter().map(|f| f.selector.clone()).collect();
    let back = follow_all(&corrected, PIECE, &moved);
    for (claim, followed) in claims.iter().zip(back) {
        assert_ne!(followed.anchor, Anchor::Orphaned);
        assert_eq!(&followed.selector, claim);
    }
}

#[test]
fn reverting_a_deleted_sentence_brings_its_orphan_back_exactly() {
    let sentence =
        " Bolton and the Point out Department also did not answer to requests for comment.";
    let cut = PIECE.replace(sentence, "");
    let claims = demo_claims();
    let there = follow_all(PIECE, &cut, &claims);
    let orphans = there
        .iter()
        .filter(|f| f.anchor == Anchor::Orphaned)
        .count();
    assert_eq!(orphans, 1);
    // The orphan keeps its selector from the first text: stale in the second.
    let kept: Vec<Selector> = there.iter().map(|f| f.selector.clone()).collect();
    let back = follow_all(&cut, PIECE, &kept);
    for ((claim, was), followed) in claims.iter().zip(&there).zip(back) {
        assert_eq!(followed.anchor, Anchor::Exact, "{}", claim.exact);
        assert_eq!(&followed.selector, claim);
        if was.anchor == Anchor::Orphaned {
            assert_eq!(followed.found_by, FoundBy::Restored);
        }
    }
    // Put back with other words around it, its context does not vouch: it stays orphaned.
    let elsewhere = format!(
        "{cut}

The Point out Department also did not answer to requests for comment."
    );
    let orphan = there.iter().find(|f| f.anchor == Anchor::Orphaned).unwrap();
    assert_eq!(
        Correction::new(&cut, &elsewhere)
            .follow(&orphan.selector)
            .anchor,
        Anchor::Orphaned
    );
}

#[test]
fn a_stale_position_is_found_again_in_the_old_text_first() {
    let old = "One. Two three. Four.";
    let mut claim = anchor::anchor(old, "Two three", None).unwrap();
    claim.start += 3;
    claim.end += 3;
    let followed = Correction::new(old, "Zero. One. Two three. Four.").follow(&claim);
    assert_eq!(followed.anchor, Anchor::Exact);
    assert_eq!(
        text_at("Zero. One. Two three. Four.", &followed.selector),
        "Two three"
    );
}

#[test]
fn the_closest_window_is_the_best_approximate_substring() {
    let text: Vec<char> = "xx the nationl security adviser yy".chars().collect();
    let quote: Vec<char> = "national security adviser".chars().collect();
    let (start, end, distance) = closest_window(&text, &quote).unwrap();
    assert_eq!(
        text[start..end].iter().collect::<String>(),
        "nationl security adviser"
    );
    assert_eq!(distance, 1);
    assert_eq!(edit_distance(&['a', 'b'], &['b']), 1);
    assert_eq!(similarity(&[], &[]), 1.0);
}

/// A text of distinct words, so that which words an edit touched is never in doubt.
fn words(n: usize, tag: &str) -> Vec<String> {
    (0..n).map(|i| format!("{tag}{i}")).collect()
}

proptest! {
    #[test]
    fn edits_outside_a_span_leave_it_exact_at_its_shifted_place(
        len in 8usize..60,
        span in (0usize..60, 1usize..6),
        edits in proptest::collection::vec((0usize..100, 0usize..3, 0usize..4), 1..6),
    ) {
        let old_words = words(len, "w");
        let first = span.0 % (len - 1);
        let last = (first + span.1).min(len);
        let old = old_words.join(" ");
        let quote = old_words[first..last].join(" ");
        let start = old_words[..first].iter().map(|w| w.chars().count() + 1).sum::<usize>();
        let claim = anchor::anchor(&old, &quote, Some(start)).unwrap();
        // Edits before or after the span's words: insert, delete or replace words.
        let mut before: Vec<String> = old_words[..first].to_vec();
        let mut after: Vec<String> = old_words[last..].to_vec();
        for (n, (at, kind, count)) in edits.into_iter().enumerate() {
            let side = if at % 2 == 0 { &mut before } else { &mut after };
            let at = if side.is_empty() { 0 } else { at % (side.len() + 1) };
            let fresh = words(count, &format!("n{n}x"));
            match kind {
                0 => { side.splice(at..at, fresh); }
                1 => { let end = (at + count).min(side.len()); side.drain(at..end); }
                _ => { let end = (at + 1).min(side.len()); side.splice(at..end, fresh); }
            }
        }
        let new_words: Vec<String> = before.iter().chain(&old_words[first..last]).chain(&after).cloned().collect();
        let new = new_words.join(" ");
        let shifted = before.iter().map(|w| w.chars().count() + 1).sum::<usize>();
        let followed = Correction::new(&old, &new).follow(&claim);
        prop_assert_eq!(followed.anchor, Anchor::Exact);
        prop_assert_eq!(followed.found_by, FoundBy::Untouched);
        prop_assert_eq!(followed.selector.start, shifted);
        prop_assert_eq!(followed.selector.exact, quote);
    }

    #[test]
    fn an_edit_inside_a_span_is_never_exact(
        len in 8usize..60,
        span in (0usize..60, 2usize..8),
        at in 0usize..8,
        kind in 0usize..3,
        count in 1usize..3,
    ) {
        let old_words = words(len, "w");
        let first = span.0 % (len - 2);
        let last = (first + span.1).min(len);
        let old = old_words.join(" ");
        let quote = old_words[first..last].join(" ");
        let start = old_words[..first].iter().map(|w| w.chars().count() + 1).sum::<usize>();
        let claim = anchor::anchor(&old, &quote, Some(start)).unwrap();
        let mut inside: Vec<String> = old_words[first..last].to_vec();
        let at = at % inside.len();
        let fresh = words(count, "edit");
        match kind {
            // Inserted between two of its words.
            0 => { let at = at.max(1); inside.splice(at..at, fresh); }
            1 => { let end = (at + count).min(inside.len()); inside.drain(at..end); }
            _ => { inside.splice(at..at + 1, fresh); }
        }
        let new_words: Vec<String> = old_words[..first].iter().chain(&inside).chain(&old_words[last..]).cloned().collect();
        let new = new_words.join(" ");
        let followed = Correction::new(&old, &new).follow(&claim);
        prop_assert_ne!(followed.anchor, Anchor::Exact);
    }
}
