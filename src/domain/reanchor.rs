//! Following a claim's words through a correction of its piece's text (issue 12).
//!
//! Hypothesis re-anchors an annotation by searching the new page for its quote, and its tracker
//! shows what that costs: short quotes land on another instance of the same words (h #2634), a
//! correction moves an annotation to a different occurrence of a word (h #2798). Here the diff
//! of the old text to the new one says where each claim's words went, and the rules only ever
//! accept words that the evidence puts there:
//!
//! 1. **Untouched**: no edit falls inside the claim's span. The words moved with the text
//!    around them: `exact`, at the shifted position.
//! 2. **Edited in place**: the edit replaced part or all of the span with other words. If the
//!    words now in that place are close enough to the quote, they are the claim's new words:
//!    `changed`. The text elsewhere is not searched for the old quote, since an occurrence in
//!    text the correction did not touch was there before it: another instance (h #2798).
//! 3. **Moved**: the span's words were deleted where they were. They can only have gone into
//!    text the correction added: the quote is looked for there, with its context choosing
//!    between occurrences (`exact`), then approximately (`changed`) with a stricter threshold,
//!    since no position vouches for the match.
//! 4. Otherwise the words are gone: `orphaned`, the claim keeping its last quote. A false
//!    re-anchor is worse than an orphan.
//!
//! Positions are in chars, as in `anchor`. The diff is word-level (`similar`'s Myers over words
//! and the whitespace between them), so an edit is seen as the words it changed.
use super::anchor::{self, Selector};
use similar::{Algorithm, DiffTag};
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::time::{Duration, Instant};

/// How alike the words now in a claim's place must be to its quote to be taken as its words
/// corrected (1 - edit distance / the longer length). A fixed typo or date scores above 0.9; a
/// phrase replaced inside a long quote ("countrywide safety adviser" → "national security
/// adviser") about 0.8; a sentence rewritten around a few surviving words under 0.5.
pub const REWORDED_AT_LEAST: f64 = 0.5;
/// The same, for words found in text the correction added elsewhere (moved and edited): no
/// position vouches for them, so they must be closer.
pub const MOVED_AT_LEAST: f64 = 0.8;
/// Quotes shorter than this are never matched approximately away from their place: a short
/// phrase is near-equal to too many others.
pub const MOVED_MIN_CHARS: usize = 20;
/// Added stretches longer than this (a rewrite, not a move) are not searched approximately: the
/// search costs their length times the quote's, for each claim.
const MOVED_SEARCH_MAX_CHARS: usize = 20_000;
/// A diff of two long, wholly different texts takes time in proportion to their lengths'
/// product: past this it settles for a coarser one (more words counted as changed), which
/// these rules turn into more `changed` and `orphaned` claims, never a wrong `exact`.
const DIFF_TIMEOUT: Duration = Duration::from_secs(1);

/// What a correction did to a claim's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// Its words are in the new text as they were (perhaps moved).
    Exact,
    /// Found, but its words differ: the quote becomes the new words.
    Changed,
    /// Its words are gone: the claim keeps its last quote until someone re-attaches it.
    Orphaned,
}

named_values!(Anchor, "anchor", {
    Exact => "exact", "Its words as they were";
    Changed => "changed", "Its words changed by a correction";
    Orphaned => "orphaned", "Its words gone from the text";
});

/// How a claim was followed, for its history and for whoever checks the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundBy {
    /// No edit touched its span.
    Untouched,
    /// Its span was edited; the words now there are close to the quote.
    EditedInPlace,
    /// Its words were deleted where they were and found in text the correction added.
    Moved,
    /// An orphan of an earlier correction whose words this one put back (a revert).
    Restored,
    /// Not found: orphaned.
    Lost,
    /// An editor chose its words in the text (re-attaching it), outside any correction.
    Chosen,
}

/// One claim through one correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followed {
    pub anchor: Anchor,
    pub found_by: FoundBy,
    /// Where the claim now sits in the new text (`exact` and `changed`), its context taken
    /// from the new text; an orphan's is its selector as it was.
    pub selector: Selector,
}

/// A stretch of the old text and what it became.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    old: Range<usize>,
    new: Range<usize>,
    same: bool,
}

/// A correction of a piece's text: the word-level diff of the old text to the new, in chars,
/// computed once for all its claims.
pub struct Correction<'a> {
    old: &'a str,
    new: &'a str,
    new_chars: Vec<char>,
    /// In order, covering both texts end to end.
    segments: Vec<Segment>,
}

impl<'a> Correction<'a> {
    pub fn new(old: &'a str, new: &'a str) -> Correction<'a> {
        let (old_tokens, new_tokens) = (tokens(old), tokens(new));
        let deadline = Instant::now().checked_add(DIFF_TIMEOUT);
        let ops = similar::capture_diff_slices_deadline(
            Algorithm::Myers,
            &old_tokens,
            &new_tokens,
            deadline,
        );
        let mut segments = Segments::default();
        for op in ops {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            let olds = &old_tokens[old_range];
            let news = &new_tokens[new_range];
            if tag != DiffTag::Equal {
                let chars = |t: &[Token]| t.iter().map(Token::chars).sum::<usize>();
                segments.push(chars(olds), chars(news), false);
                continue;
            }
            // Equal words; the whitespace after each may still differ (a line break for a
            // space), and is then an edit of its own.
            for (o, n) in olds.iter().zip(news) {
                let word = o.word.chars().count();
                segments.push(word, word, true);
                let (os, ns) = (o.space.chars().count(), n.space.chars().count());
                segments.push(os, ns, o.space == n.space);
            }
        }
        Correction {
            old,
            new,
            new_chars: new.chars().collect(),
            segments: segments.list,
        }
    }

    /// Where `selector` (anchored in the old text) is in the new one, and what happened to it.
    pub fn follow(&self, selector: &Selector) -> Followed {
        let orphan = || Followed {
            anchor: Anchor::Orphaned,
            found_by: FoundBy::Lost,
            selector: selector.clone(),
        };
        let quote = selector.exact.as_str();
        // The stored position is where the words were in the old text; where an earlier
        // correction left it stale, the old text itself says where they were.
        let Some((start, end)) = anchor::locate(self.old, selector) else {
            // Not in the old text: an orphan of an earlier correction. Its words can only come
            // back in text this one added (a revert), with their context vouching for them.
            let chars: Vec<char> = quote.chars().collect();
            let added: Vec<Range<usize>> = self
                .segments
                .iter()
                .filter(|s| !s.same && !s.new.is_empty())
                .map(|s| s.new.clone())
                .collect();
            return match self.moved_exactly(&added, selector, &chars) {
                Some(at) => self.found(quote, Anchor::Exact, FoundBy::Restored, at),
                None => orphan(),
            };
        };
        let found = |kind, found_by, at| self.found(quote, kind, found_by, at);
        if let Some(moved_to) = self.untouched(start, end) {
            return found(Anchor::Exact, FoundBy::Untouched, moved_to);
        }
        let chars: Vec<char> = quote.chars().collect();
        let place = self.map(start, end);
        if !place.is_empty()
            && similarity(&chars, &self.new_chars[place.clone()]) >= REWORDED_AT_LEAST
        {
            return found(Anchor::Changed, FoundBy::EditedInPlace, place);
        }
        // Text added in the span's own place is no evidence that its words moved: only what
        // the correction added elsewhere is searched.
        let elsewhere: Vec<Range<usize>> = self
            .segments
            .iter()
            .filter(|s| !s.same && !s.new.is_empty())
            .filter(|s| !overlaps(&s.old, start, end) && !overlaps(&s.new, place.start, place.end))
            .map(|s| s.new.clone())
            .collect();
        if let Some(at) = self.moved_exactly(&elsewhere, selector, &chars) {
            return found(Anchor::Exact, FoundBy::Moved, at);
        }
        if let Some(at) = self.moved_approximately(&elsewhere, &chars) {
            return found(Anchor::Changed, FoundBy::Moved, at);
        }
        orphan()
    }

    /// The claim at `at` in the new text, anchored there with the new text's context. Words
    /// that came out equal to the quote were not changed, however they were found.
    fn found(&self, quote: &str, kind: Anchor, found_by: FoundBy, at: Range<usize>) -> Followed {
        let words: String = self.new_chars[at.clone()].iter().collect();
        let selector = anchor::anchor(self.new, &words, Some(at.start))
            .expect("the words were read from the new text at this position");
        Followed {
            anchor: if words == quote { Anchor::Exact } else { kind },
            found_by,
            selector,
        }
    }

    /// The span's new place when one stretch the correction left alone holds all of it.
    fn untouched(&self, start: usize, end: usize) -> Option<Range<usize>> {
        self.segments
            .iter()
            .find(|s| s.same && s.old.start <= start && end <= s.old.end)
            .map(|s| {
                let shift = |at: usize| s.new.start + (at - s.old.start);
                shift(start)..shift(end)
            })
    }

    /// Where the old span's words went: each end carried through the diff. An end inside an
    /// edit goes to that edit's new words (a start to where they begin, an end to where they
    /// end), so the place holds every word that replaced part of the span. Empty when the
    /// correction deleted the span's words and put nothing in their place.
    fn map(&self, start: usize, end: usize) -> Range<usize> {
        let from = self
            .segments
            .iter()
            .find(|s| s.old.start <= start && start < s.old.end)
            .map(|s| {
                if s.same {
                    s.new.start + (start - s.old.start)
                } else {
                    s.new.start
                }
            });
        let to = self
            .segments
            .iter()
            .find(|s| s.old.start < end && end <= s.old.end)
            .map(|s| {
                if s.same {
                    s.new.start + (end - s.old.start)
                } else {
                    s.new.end
                }
            });
        match (from, to) {
            (Some(from), Some(to)) if from < to => from..to,
            _ => 0..0,
        }
    }

    /// The quote, whole, inside text the correction added elsewhere, where its old context
    /// vouches for it: at least half of its stored prefix or of its suffix, read outward from
    /// the quote, still beside it (a moved paragraph brings the words around a claim with it,
    /// except at the edge it was cut at). The most context wins.
    fn moved_exactly(
        &self,
        elsewhere: &[Range<usize>],
        selector: &Selector,
        quote: &[char],
    ) -> Option<Range<usize>> {
        let stored = (
            selector.prefix.chars().count(),
            selector.suffix.chars().count(),
        );
        let half = |stored: usize, agreed: usize| stored > 0 && agreed * 2 >= stored;
        let mut best: Option<(usize, Range<usize>)> = None;
        for added in elsewhere {
            let text = &self.new_chars[added.clone()];
            for at in find_chars(text, quote) {
                let at = added.start + at..added.start + at + quote.len();
                let (before, after) = self.context_agreement(selector, &at);
                let vouched = half(stored.0, before) || half(stored.1, after) || stored == (0, 0);
                let agreement = before + after;
                if vouched && best.as_ref().is_none_or(|(b, _)| agreement > *b) {
                    best = Some((agreement, at));
                }
            }
        }
        best.map(|(_, at)| at)
    }

    /// How many chars of the stored prefix and of the suffix agree with the text beside `at`.
    fn context_agreement(&self, selector: &Selector, at: &Range<usize>) -> (usize, usize) {
        let before = self.new_chars[..at.start].iter().rev();
        let after = self.new_chars[at.end..].iter();
        let prefix = selector.prefix.chars().rev();
        let suffix = selector.suffix.chars();
        (
            prefix.zip(before).take_while(|(a, b)| a == *b).count(),
            suffix.zip(after).take_while(|(a, b)| a == *b).count(),
        )
    }

    /// The closest stretch of added text to a long quote, if it is close enough.
    fn moved_approximately(
        &self,
        elsewhere: &[Range<usize>],
        quote: &[char],
    ) -> Option<Range<usize>> {
        if quote.len() < MOVED_MIN_CHARS {
            return None;
        }
        elsewhere
            .iter()
            .filter(|added| added.len() <= MOVED_SEARCH_MAX_CHARS)
            .filter_map(|added| {
                let text = &self.new_chars[added.clone()];
                let (start, end, _) = closest_window(text, quote)?;
                let at = added.start + start..added.start + end;
                let score = similarity(quote, &self.new_chars[at.clone()]);
                Some((score, at))
            })
            .filter(|(score, _)| *score >= MOVED_AT_LEAST)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, at)| at)
    }
}

/// Whether `range` shares a char with `start..end`, or is empty and sits inside it.
fn overlaps(range: &Range<usize>, start: usize, end: usize) -> bool {
    if range.is_empty() {
        start < range.start && range.start < end
    } else {
        range.start < end && start < range.end
    }
}

/// A word and the whitespace after it: what the diff compares, by the word alone. Diffing
/// whitespace as tokens of its own lets the diff match spaces instead of words (one space is
/// like any other), which turns a deletion next to a claim into an edit of it.
#[derive(Debug, Clone, Copy)]
struct Token<'t> {
    /// Empty only for whitespace at the very start of the text.
    word: &'t str,
    space: &'t str,
}

impl Token<'_> {
    fn chars(&self) -> usize {
        self.word.chars().count() + self.space.chars().count()
    }
}

impl PartialEq for Token<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.word == other.word
    }
}
impl Eq for Token<'_> {}
impl PartialOrd for Token<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Token<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.word.cmp(other.word)
    }
}
impl Hash for Token<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.word.hash(state);
    }
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let after = &rest[word_end..];
        let space_end = word_end
            + after
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(after.len());
        tokens.push(Token {
            word: &rest[..word_end],
            space: &rest[word_end..space_end],
        });
        rest = &rest[space_end..];
    }
    tokens
}

/// Segments built end to end, neighbours of the same kind merged.
#[derive(Default)]
struct Segments {
    list: Vec<Segment>,
    old: usize,
    new: usize,
}

impl Segments {
    fn push(&mut self, old_chars: usize, new_chars: usize, same: bool) {
        if old_chars == 0 && new_chars == 0 {
            return;
        }
        let (old, new) = (self.old + old_chars, self.new + new_chars);
        match self.list.last_mut() {
            Some(last) if last.same == same => {
                last.old.end = old;
                last.new.end = new;
            }
            _ => self.list.push(Segment {
                old: self.old..old,
                new: self.new..new,
                same,
            }),
        }
        (self.old, self.new) = (old, new);
    }
}

/// Offsets of every occurrence of `quote` in `text`, in chars.
fn find_chars<'t>(text: &'t [char], quote: &'t [char]) -> impl Iterator<Item = usize> + 't {
    let last = text.len().saturating_sub(quote.len().max(1) - 1);
    (0..last).filter(move |&at| !quote.is_empty() && text[at..].starts_with(quote))
}

/// 1 minus the edit distance over the longer length: 1 for equal texts, 0 for nothing in common.
pub fn similarity(a: &[char], b: &[char]) -> f64 {
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 1.0;
    }
    1.0 - edit_distance(a, b) as f64 / longer as f64
}

/// Levenshtein distance (insertions, deletions, substitutions of one char each).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The stretch of `text` closest to `quote` (Sellers' approximate substring match: an edit
/// distance that may start and end anywhere in the text), as (start, end, distance); the
/// shortest of equals, then the first.
fn closest_window(text: &[char], quote: &[char]) -> Option<(usize, usize, usize)> {
    if text.is_empty() || quote.is_empty() {
        return None;
    }
    // Row i holds, for each end j in the text, the distance of quote[..i] to the best stretch
    // ending at j, and where that stretch starts.
    let mut cost: Vec<usize> = vec![0; text.len() + 1];
    let mut from: Vec<usize> = (0..=text.len()).collect();
    for (i, q) in quote.iter().enumerate() {
        let mut diagonal = (cost[0], from[0]);
        cost[0] = i + 1;
        from[0] = 0;
        for (j, t) in text.iter().enumerate() {
            let above = (cost[j + 1] + 1, from[j + 1]);
            let left = (cost[j] + 1, from[j]);
            let across = (diagonal.0 + usize::from(q != t), diagonal.1);
            diagonal = (cost[j + 1], from[j + 1]);
            let best = [across, above, left]
                .into_iter()
                .min_by_key(|(c, _)| *c)
                .expect("three candidates");
            cost[j + 1] = best.0;
            from[j + 1] = best.1;
        }
    }
    (1..=text.len())
        .map(|end| (from[end], end, cost[end]))
        .min_by_key(|(start, end, distance)| (*distance, end - start))
}

#[cfg(test)]
mod tests;
