//! A search result's text with the words that matched marked, as `ts_headline` writes it.
//!
//! The database marks a match with two private-use characters (never HTML), which the source
//! text is stripped of first; this module turns the marked text into fragments, so that a page
//! escapes every fragment as text and only then wraps the matched ones in `<mark>`.
use serde::Serialize;

/// Opens a match in a headline (U+E000, a private-use character).
pub const START: char = '\u{E000}';
/// Closes a match in a headline (U+E001).
pub const STOP: char = '\u{E001}';

/// A run of a headline: matched words, or the text between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fragment {
    pub text: String,
    #[serde(rename = "match")]
    pub matched: bool,
}

/// Splits a marked headline into fragments, leaving out empty runs.
pub fn fragments(marked: &str) -> Vec<Fragment> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut matched = false;
    for c in marked.chars() {
        let opens = match c {
            START => true,
            STOP => false,
            _ => {
                text.push(c);
                continue;
            }
        };
        if !text.is_empty() {
            out.push(Fragment {
                text: std::mem::take(&mut text),
                matched,
            });
        }
        matched = opens;
    }
    if !text.is_empty() {
        out.push(Fragment { text, matched });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(fragments: &[Fragment]) -> String {
        fragments
            .iter()
            .map(|f| {
                if f.matched {
                    format!("[{}]", f.text)
                } else {
                    f.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn marked_words_become_matched_fragments() {
        let marked = format!("He {START}killed{STOP} it, {START}killing{STOP} more");
        let parts = fragments(&marked);
        assert_eq!(shown(&parts), "He [killed] it, [killing] more");
        assert_eq!(parts.len(), 5);
        assert!(parts[1].matched && !parts[2].matched);
    }

    #[test]
    fn text_without_marks_is_one_plain_fragment_and_markup_is_kept_as_text() {
        let parts = fragments("<b>a</b> & «b»");
        assert_eq!(
            parts,
            [Fragment {
                text: "<b>a</b> & «b»".into(),
                matched: false
            }]
        );
        assert!(fragments("").is_empty());
        assert_eq!(shown(&fragments(&format!("{START}x{STOP}"))), "[x]");
    }
}
