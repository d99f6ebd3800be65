//! The prose of a page as editors wrote it: blocks of text with their file positions, split
//! into sentences.
//!
//! Both the readability and the uncited-claim rules read the same prose, so they agree on what
//! counts: code, headings and image descriptions are not prose; tables and list items are.
//! Pulldown-cmark splits one run of text into several events, so text is joined per block and
//! every piece remembers where it came from in the file, to point diagnostics at a sentence.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::cite::syntax::{bracketed_spans as citation_spans, without_spans};
use crate::parse::citations::placeholder_index;
use crate::parse::markdown::Spanned;

/// Marks a boundary no sentence runs across (between table cells), without adding words.
pub const BREAK: char = '\u{2029}';

/// One paragraph, list item or table row: the unit a citation covers.
#[derive(Debug, Default)]
pub struct Block {
    pub text: String,
    /// (start in `text`, byte range in the file) for each piece of text.
    pieces: Vec<(usize, Range<usize>)>,
    /// A citation placeholder, or a pandoc citation not yet replaced by the citation pass.
    pub cited: bool,
}

impl Block {
    fn push(&mut self, s: &str, file: Range<usize>) {
        self.pieces.push((self.text.len(), file));
        self.text.push_str(s);
    }

    /// The file position of byte `at` of `text`. Exact for text copied verbatim; for pieces
    /// that the parser rewrote (entities, smart quotes) it lands within the same piece.
    pub fn file_offset(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|(start, _)| *start <= at);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some((start, range)) => range.start + (at - start).min(range.len()),
            None => self.pieces.first().map_or(0, |(_, r)| r.start),
        }
    }

    /// Whether the block holds a citation: a placeholder left by the citation pass, or one still
    /// written in pandoc syntax (`[@key]`, `[see @key, p. 4]`, `[-@key]`).
    fn note_citations(&mut self) {
        if !self.cited {
            self.cited = citation_spans(&self.text).next().is_some();
        }
    }

    /// Sentences as byte ranges of `text`, with pandoc citations left inside.
    pub fn sentences(&self) -> Vec<Range<usize>> {
        split_sentences(&self.text)
    }
}

/// `text` as a reader sees it: pandoc citations removed, with the space before them.
pub fn without_citations(text: &str) -> String {
    without_spans(text, citation_spans(text))
}

/// Splits the prose of a page's events into blocks.
/// `source` is the page file, for the text that passes replaced by inline HTML.
pub fn blocks(events: &[Spanned], source: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur = Block::default();
    // Depth inside things whose text is not prose (code, headings, image descriptions).
    let mut skip = 0usize;
    let flush = |cur: &mut Block, out: &mut Vec<Block>| {
        let mut b = std::mem::take(cur);
        if b.text.chars().any(char::is_alphanumeric) {
            b.note_citations();
            out.push(b);
        }
    };
    for (ev, range) in events {
        match ev {
            Event::Start(Tag::CodeBlock(_) | Tag::Heading { .. } | Tag::Image { .. })
            | Event::Start(Tag::MetadataBlock(_)) => {
                flush(&mut cur, &mut out);
                skip += 1;
            }
            Event::End(TagEnd::CodeBlock | TagEnd::Heading(_) | TagEnd::Image)
            | Event::End(TagEnd::MetadataBlock(_)) => {
                skip = skip.saturating_sub(1);
            }
            _ if skip > 0 => {}
            Event::Text(t) => cur.push(t, range.clone()),
            Event::SoftBreak | Event::HardBreak => cur.push(" ", range.clone()),
            Event::InlineHtml(h) | Event::Html(h) => {
                if placeholder_index(h.trim()).is_some() {
                    cur.cited = true;
                    // Readers see a superscript number, not the space before the citation.
                    let kept = cur.text.trim_end().len();
                    cur.text.truncate(kept);
                } else if let Some(src) = source.get(range.clone()) {
                    // Inline HTML that is not a tag stands for prose: what the editor wrote
                    // is the prose. (Glossary links add no events: render writes them.)
                    if !src.trim_start().starts_with('<') {
                        cur.push(src, range.clone());
                    }
                }
            }
            Event::End(TagEnd::TableCell) => cur.push(&BREAK.to_string(), range.end..range.end),
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Superscript
                | Tag::Subscript
                | Tag::TableCell,
            )
            | Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {}
            Event::Start(_) | Event::End(_) => flush(&mut cur, &mut out),
            _ => {}
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// Splits prose at `.`, `!` or `?` followed by a space and a word that does not start in lower
/// case (so `e.g. the` and `2.5 mg` stay whole), and at [`BREAK`].
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let end_here = if c == BREAK {
            Some((at, at + c.len_utf8()))
        } else if matches!(c, '.' | '!' | '?') {
            // Closing quotes and brackets belong to the sentence they close.
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '’' | '”' | ')' | ']') {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |(a, _)| *a);
            let next_word = chars[j..]
                .iter()
                .map(|(_, c)| *c)
                .find(|c| !c.is_whitespace());
            let followed_by_space = chars.get(j).is_none_or(|(_, c)| c.is_whitespace());
            let abbreviation = c == '.' && is_abbreviation(&text[start..at]);
            (followed_by_space && !abbreviation && next_word.is_none_or(|n| !n.is_lowercase()))
                .then_some((end, end))
        } else {
            None
        };
        if let Some((end, next_start)) = end_here {
            push_trimmed(text, start..end, &mut out);
            start = next_start;
        }
        i += 1;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    let r = r.start + lead..r.end - trail.min(s.len() - lead);
    let s = &text[r.clone()];
    if s.chars().any(char::is_alphanumeric) {
        out.push(r);
    }
}

/// Whether the word before a full stop is an abbreviation rather than a sentence's end.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let lower = word.to_lowercase();
    matches!(
        lower.as_str(),
        "e.g" | "i.e" | "dr" | "mr" | "mrs" | "ms" | "prof" | "vs" | "approx" | "fig" | "no" | "cf"
    ) || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
}

/// Words in a piece of prose: runs between spaces holding a letter or digit. Pandoc citations
/// are not words a reader reads.
pub fn words(sentence: &str) -> Vec<&str> {
    let mut cleaned_ranges = Vec::new();
    let mut last = 0;
    for r in citation_spans(sentence) {
        cleaned_ranges.push(last..r.start);
        last = r.end;
    }
    cleaned_ranges.push(last..sentence.len());
    cleaned_ranges
        .into_iter()
        .flat_map(|r| sentence[r].split(|c: char| c.is_whitespace() || c == BREAK || c == '/'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks_of(md: &str) -> Vec<Block> {
        blocks(&crate::parse::body(md, 0, "a.md", md).0.events, md)
    }

    #[test]
    fn sentences_keep_abbreviations_and_decimals_whole() {
        let t = "Take 2.5 mg, e.g. with food. Then rest! Dr. Smith agrees? Yes.";
        let s: Vec<_> = split_sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            s,
            [
                "Take 2.5 mg, e.g. with food.",
                "Then rest!",
                "Dr. Smith agrees?",
                "Yes."
            ]
        );
    }

    #[test]
    fn code_and_headings_are_not_prose_but_tables_are() {
        let b = blocks_of(
            "# Head\n\nText `x` here.\n\n```\ncode\n```\n\n| a | b |\n|---|---|\n| c | d |\n",
        );
        let texts: Vec<_> = b.iter().map(|b| b.text.replace(BREAK, "|")).collect();
        assert_eq!(texts, ["Text  here.", "a|b|", "c|d|"]);
    }

    #[test]
    fn pandoc_citations_mark_the_block_and_are_not_words() {
        let b = blocks_of("It helps 40% of people [@smith2020; @lee2021].\n\nNo source 2 mg.\n");
        assert!(b[0].cited);
        assert!(!b[1].cited);
        assert_eq!(words(&b[0].text), ["It", "helps", "40", "of", "people"]);
        assert_eq!(b[0].text, "It helps 40% of people.");
        assert_eq!(without_citations("Helps [@a; @b]."), "Helps.");
    }

    #[test]
    fn html_standing_for_prose_counts_as_its_source_text() {
        let md = "Given IV here.\n";
        let mut events = crate::parse::body(md, 0, "a.md", md).0.events;
        // What glossary linking does: the word becomes inline HTML with the word's span.
        events[1] = (pulldown_cmark::Event::Text("Given ".into()), 0..6);
        events.insert(
            2,
            (
                pulldown_cmark::Event::InlineHtml("<a>IV<span>tip</span></a>".into()),
                6..8,
            ),
        );
        events.insert(3, (pulldown_cmark::Event::Text(" here.".into()), 8..14));
        events.truncate(4);
        let b = blocks(&events, md);
        assert_eq!(b[0].text, "Given IV here.");
    }

    #[test]
    fn maps_block_offsets_back_to_the_file() {
        let md = "First *one*. Second sentence here.\n";
        let b = &blocks_of(md)[0];
        let s = &b.sentences()[1];
        assert_eq!(&md[b.file_offset(s.start)..][..6], "Second");
    }
}
