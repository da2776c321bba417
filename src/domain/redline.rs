//! A correction as an editor reads it: the old text and the new, word by word, with what was
//! taken out and what was put in (a redline). Long unchanged stretches are shortened to the
//! words around each change.
use similar::{Algorithm, ChangeTag, TextDiff};
use std::time::Duration;

/// A diff of two whole pieces is given a second at most (a text rewritten wholesale): past it
/// the changes found are coarser, never wrong.
const DIFF_TIMEOUT: Duration = Duration::from_secs(1);

/// Unchanged words shown on each side of a change; more than twice that between two changes
/// are elided.
const CONTEXT_WORDS: usize = 25;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Same(String),
    Removed(String),
    Added(String),
    /// Unchanged words left out, how many.
    Elided(usize),
}

/// The word-level redline from `old` to `new`.
pub fn redline(old: &str, new: &str) -> Vec<Part> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .timeout(DIFF_TIMEOUT)
        .diff_words(old, new);
    let mut parts: Vec<(ChangeTag, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        match parts.last_mut() {
            Some((last, text)) if *last == tag => text.push_str(change.value()),
            _ => parts.push((tag, change.value().to_owned())),
        }
    }
    // A space between two changed words is part of the change: "countrywide safety" is read
    // as one phrase replaced, not two words replaced one by one.
    let changed = |i: usize| {
        parts
            .get(i)
            .is_some_and(|(tag, _)| *tag != ChangeTag::Equal)
    };
    let mut out = Vec::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let count = parts.len();
    for (i, (tag, text)) in parts.iter().enumerate() {
        let joins = *tag == ChangeTag::Equal
            && text.chars().all(char::is_whitespace)
            && i > 0
            && changed(i - 1)
            && changed(i + 1);
        match tag {
            ChangeTag::Delete => removed.push_str(text),
            ChangeTag::Insert => added.push_str(text),
            ChangeTag::Equal if joins => {
                removed.push_str(text);
                added.push_str(text);
            }
            ChangeTag::Equal => {
                flush(&mut out, &mut removed, &mut added);
                shorten(&mut out, text, i > 0, i + 1 < count);
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

fn flush(out: &mut Vec<Part>, removed: &mut String, added: &mut String) {
    if !removed.is_empty() {
        out.push(Part::Removed(std::mem::take(removed)));
    }
    if !added.is_empty() {
        out.push(Part::Added(std::mem::take(added)));
    }
}

/// An unchanged stretch, with only the words next to a change kept (`after_change`: the
/// stretch follows one; `before_change`: one follows it).
fn shorten(out: &mut Vec<Part>, text: &str, after_change: bool, before_change: bool) {
    if !after_change && !before_change {
        out.push(Part::Same(text.to_owned()));
        return;
    }
    let words: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
    let keep_head = if after_change { CONTEXT_WORDS } else { 0 };
    let keep_tail = if before_change { CONTEXT_WORDS } else { 0 };
    if words.len() <= keep_head + keep_tail + 1 {
        out.push(Part::Same(text.to_owned()));
        return;
    }
    if keep_head > 0 {
        out.push(Part::Same(words[..keep_head].concat()));
    }
    out.push(Part::Elided(words.len() - keep_head - keep_tail));
    if keep_tail > 0 {
        out.push(Part::Same(words[words.len() - keep_tail..].concat()));
    }
}

#[cfg(test)]
mod tests {
    use super::{Part, redline};

    fn told(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Part::Same(t) => t.clone(),
                Part::Removed(t) => format!("[-{t}-]"),
                Part::Added(t) => format!("{{+{t}+}}"),
                Part::Elided(n) => format!("<{n}>"),
            })
            .collect()
    }

    #[test]
    fn a_fixed_word_is_shown_taken_out_and_put_in() {
        let parts = redline(
            "the countrywide safety adviser said",
            "the national security adviser said",
        );
        assert_eq!(
            told(&parts),
            "the [-countrywide safety-]{+national security+} adviser said"
        );
    }

    #[test]
    fn long_unchanged_stretches_keep_only_the_words_around_a_change() {
        let long: String = (0..200).map(|i| format!("w{i} ")).collect();
        let old = format!("{long}old {long}");
        let new = format!("{long}new {long}");
        let parts = redline(&old, &new);
        // 175 words left out before the change (200 less 25 kept) and 174 after it (its last
        // word joins the trailing space the change leaves).
        assert!(
            matches!(parts.first(), Some(Part::Elided(175))),
            "{parts:?}"
        );
        assert!(
            told(&parts).contains("w199 [-old-]{+new+} w0 "),
            "{}",
            told(&parts)
        );
        assert!(matches!(parts.last(), Some(Part::Elided(_))));
    }

    #[test]
    fn the_same_text_has_no_change() {
        let parts = redline("one two", "one two");
        assert_eq!(parts, vec![Part::Same("one two".into())]);
    }
}
