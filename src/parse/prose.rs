//! The prose of a page as readers read it: blocks of text with their file positions, split
//! into sentences. One view of a page's text for everything that reads it as prose: `check`'s
//! readability and uncited-claim rules, the glossary's default tooltip (a definition's first
//! sentence), listings' summaries (a page's first paragraph), and the text of a page's sections
//! that search indexes and shows snippets of ([`sections`]).
//!
//! Code, headings and image descriptions are not prose; tables and list items are. Citations and
//! footnote markers, which readers see as superscript numbers, are left out with the space before
//! them. Code spans are kept for summaries, which a reader reads whole ([`blocks_as_read`]), and
//! left out for the checks, which grade and source prose, not code ([`blocks`]); search keeps
//! a little more and a little less than summaries (see [`Reader::Search`]).
//! Pulldown-cmark splits one run of text into several events, so text is joined per block and
//! every piece remembers where it came from in the file, to point diagnostics at a sentence.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::citations::placeholder_index;
use super::footnotes::is_reference_html;
use super::markdown::{Heading, Spanned};
use crate::cite::syntax::{bracketed_spans as citation_spans, without_spans};

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
    /// Whether the block is a paragraph (not a list item, table row or loose text).
    pub paragraph: bool,
    /// How many headings start before the block in the events: the page's section it is in
    /// is that of the last h2–h6 among them ([`sections`]).
    pub headings_before: usize,
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

/// Who reads a page's prose, which decides what besides its plain text is prose to them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// `check`'s rules, which grade and source prose: code spans are not prose, and an
    /// author-in-text citation (`@key says`) is a citation, not words.
    Checks,
    /// A summary or tooltip, shown as a reader reads the page: code spans are words, and an
    /// author-in-text citation, until it is formatted, stands as the editor wrote it.
    AsRead,
    /// Search, which indexes the words a reader may type to find a page and shows snippets of
    /// them:
    /// - code spans are words, as for [`Reader::AsRead`]: a drug's or a scale's name is often
    ///   written as code, and readers search for it;
    /// - an image's description (alt text) is indexed, as a block of its own: it says what the
    ///   image shows, in words a reader searches for (and screen readers read);
    /// - math is left out: its TeX source (`\frac{1}{2}`) is markup, whose words (`frac`) no
    ///   one searches for and which reads as noise in a snippet. The checks keep it, so that a
    ///   sentence around a formula stays one sentence;
    /// - an author-in-text citation is left out, as for the checks: its key
    ///   (`@cardoso1995neural`) is not what the page shows, and every key cited this way would
    ///   be a word of the index.
    Search,
}

/// The prose of a page's events as blocks, without code: what `check` grades and sources.
/// `source` is the page file, for the text that passes replaced by inline HTML.
pub fn blocks(events: &[Spanned], source: &str) -> Vec<Block> {
    view(events, source, Reader::Checks)
}

/// The prose of a page's events as blocks, code spans included: the text a reader reads, for
/// summaries and tooltips.
pub fn blocks_as_read(events: &[Spanned], source: &str) -> Vec<Block> {
    view(events, source, Reader::AsRead)
}

/// The prose under one heading, as plain text: what search indexes and cuts snippets from, and
/// what a page's word count counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionText {
    /// Id of the heading that starts the section; `None` for text before the first heading.
    pub id: Option<String>,
    pub heading: String,
    pub level: u8,
    pub text: String,
}

/// The page's prose as search reads it ([`Reader::Search`]), one section per h2–h6 heading
/// (`headings`, the page's headings in order) and one for the text before the first; an h1 starts
/// no section. A section under a heading is kept even when it holds no text (its heading is
/// searched); the one before the first heading only when it has text. Blocks are placed by
/// their order in the events, not their file position: footnotes, moved to the end of the
/// events, belong to the last section, under which readers see them.
pub fn sections(events: &[Spanned], headings: &[Heading], source: &str) -> Vec<SectionText> {
    let mut out = vec![SectionText::default()];
    let mut started = 0;
    let mut start_sections_until = |n: usize, out: &mut Vec<SectionText>| {
        for h in headings.get(started..n).unwrap_or_default() {
            if h.level > 1 {
                out.push(SectionText {
                    id: Some(h.id.clone()),
                    heading: h.title.clone(),
                    level: h.level,
                    text: String::new(),
                });
            }
        }
        started = started.max(n);
    };
    for b in view(events, source, Reader::Search) {
        start_sections_until(b.headings_before, &mut out);
        let Some(s) = out.last_mut() else { continue };
        // Blocks, and table cells, are words apart.
        if !s.text.is_empty() {
            s.text.push(' ');
        }
        if b.text.contains(BREAK) {
            s.text.push_str(b.text.replace(BREAK, " ").trim());
        } else {
            s.text.push_str(b.text.trim());
        }
    }
    start_sections_until(headings.len(), &mut out);
    out.retain(|s| s.id.is_some() || !s.text.is_empty());
    out
}

/// The first paragraph as a reader reads it, for a page's summary when none is written.
pub fn first_paragraph(events: &[Spanned], source: &str) -> Option<String> {
    let b = blocks_as_read(events, source)
        .into_iter()
        .find(|b| b.paragraph)?;
    let text = without_citations(&b.text);
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The first sentence of the first block, whitespace collapsed: a glossary definition's
/// default tooltip.
pub fn first_sentence(events: &[Spanned], source: &str) -> String {
    let Some(b) = blocks_as_read(events, source).into_iter().next() else {
        return String::new();
    };
    let text = without_citations(&b.text);
    let first = split_sentences(&text)
        .into_iter()
        .next()
        .unwrap_or_default();
    text[first].split_whitespace().collect::<Vec<_>>().join(" ")
}

fn view(events: &[Spanned], source: &str, reader: Reader) -> Vec<Block> {
    let code = reader != Reader::Checks;
    let in_text_citations = reader == Reader::AsRead;
    let search = reader == Reader::Search;
    let mut out = Vec::new();
    let mut cur = Block::default();
    let mut headings = 0;
    // Depth inside things whose text is not prose (code, headings, image descriptions).
    let mut skip = 0usize;
    // Ends the block being read and starts the next, `headings` headings into the page.
    let flush = |cur: &mut Block, out: &mut Vec<Block>, headings: usize| {
        let mut b = std::mem::replace(
            cur,
            Block {
                headings_before: headings,
                ..Block::default()
            },
        );
        if b.text.chars().any(char::is_alphanumeric) {
            // Whether a block is cited is a question of the checks, not search's.
            if !search {
                b.note_citations();
            }
            out.push(b);
        }
    };
    for (ev, range) in events {
        match ev {
            // An image's description is a block of its own for search (see `Reader::Search`).
            Event::Start(Tag::Image { .. }) if search && skip == 0 => {
                flush(&mut cur, &mut out, headings)
            }
            Event::End(TagEnd::Image) if search && skip == 0 => flush(&mut cur, &mut out, headings),
            Event::Start(Tag::Heading { .. }) => {
                headings += 1;
                flush(&mut cur, &mut out, headings);
                skip += 1;
            }
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. })
            | Event::Start(Tag::MetadataBlock(_)) => {
                flush(&mut cur, &mut out, headings);
                skip += 1;
            }
            Event::End(TagEnd::CodeBlock | TagEnd::Heading(_) | TagEnd::Image)
            | Event::End(TagEnd::MetadataBlock(_)) => {
                skip = skip.saturating_sub(1);
            }
            _ if skip > 0 => {}
            Event::Text(t) => cur.push(t, range.clone()),
            Event::Code(t) if code => cur.push(t, range.clone()),
            Event::SoftBreak | Event::HardBreak => cur.push(" ", range.clone()),
            Event::InlineHtml(h) => {
                let h = h.trim();
                let citation = placeholder_index(h).is_some();
                let src = source.get(range.clone()).unwrap_or("");
                // Written HTML starts with `<`; what a pass made from Markdown (math) does not.
                let made_by_a_pass = !src.is_empty() && !src.trim_start().starts_with('<');
                if citation && in_text_citations && !src.starts_with('[') {
                    // An author-in-text citation (`@key says`) is part of the sentence; until
                    // it is formatted, what the editor wrote stands for it.
                    cur.cited = true;
                    cur.push(src, range.clone());
                } else if citation || is_reference_html(h) || (search && made_by_a_pass) {
                    cur.cited |= citation;
                    // Readers see a superscript number, not the space before it. (Search
                    // leaves math out, and the space before it too.)
                    let kept = cur.text.trim_end().len();
                    cur.text.truncate(kept);
                } else if made_by_a_pass {
                    // Inline HTML that a pass made from something else (math) stands for
                    // prose: what the editor wrote is the prose. (Glossary links add no
                    // events: render writes them.)
                    cur.push(src, range.clone());
                }
            }
            // Block HTML is markup, whether written (`<div>`) or made by a pass from Markdown
            // whose own text events follow (a callout's box, a figure, the footnotes' list).
            Event::Html(_) => {}
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
            Event::Start(tag) => {
                flush(&mut cur, &mut out, headings);
                cur.paragraph = matches!(tag, Tag::Paragraph);
            }
            Event::End(_) => flush(&mut cur, &mut out, headings),
            _ => {}
        }
    }
    flush(&mut cur, &mut out, headings);
    out
}

/// Splits prose at `.`, `!`, `?` or `…` followed by a space and a word that does not start in
/// lower case (so `e.g. the` and `2.5 mg` stay whole), unless the full stop ends an
/// abbreviation or an initial, and at [`BREAK`]. Closing quotes and brackets stay with the
/// sentence they close.
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let end_here = if c == BREAK {
            Some((at, at + c.len_utf8()))
        } else if matches!(c, '.' | '!' | '?' | '…') {
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

/// Whether the word before a full stop is an abbreviation or an initial rather than a
/// sentence's end: `et al. (2020)` and `J. Smith` stay whole. `etc.` is not one: mid-sentence it
/// is followed by a comma or a lowercase word, which keep the sentence whole anyway, so
/// `etc. The` is a sentence ending with `etc.`.
fn is_abbreviation(before: &str) -> bool {
    const ABBREVIATIONS: &[&str] = &[
        "e.g", "i.e", "vs", "cf", "approx", "ca", "dr", "prof", "fig", "al", "no", "st", "mr",
        "mrs", "ms", "incl", "resp", "viz",
    ];
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let mut letters = word.chars();
    let initial = letters.next().is_some_and(char::is_alphabetic) && letters.next().is_none();
    initial || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
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

    fn sentences(t: &str) -> Vec<&str> {
        split_sentences(t).into_iter().map(|r| &t[r]).collect()
    }

    /// The sentences both former splitters (check's and the glossary's) knew, with one rule.
    #[test]
    fn one_splitter_knows_both_sides_sentences() {
        // The glossary's: abbreviations, initials of either case, the ellipsis.
        assert_eq!(
            sentences("Smith et al. (2020) found it. Next."),
            ["Smith et al. (2020) found it.", "Next."]
        );
        assert_eq!(
            sentences("Dose ca. 5 mg, incl. St. John's wort, resp. Viz. Others. Done."),
            [
                "Dose ca. 5 mg, incl. St. John's wort, resp. Viz. Others.",
                "Done."
            ]
        );
        assert_eq!(
            sentences("J. Smith and e. Coli. Then."),
            ["J. Smith and e. Coli.", "Then."]
        );
        assert_eq!(sentences("Wait… Then go."), ["Wait…", "Then go."]);
        // Check's: closing quotes and brackets, table cells, no split before lower case.
        assert_eq!(
            sentences("He said \u{201c}stop.\u{201d} Then (it ended.) Fine"),
            ["He said \u{201c}stop.\u{201d}", "Then (it ended.)", "Fine"]
        );
        assert_eq!(sentences("a\u{2029}b. c"), ["a", "b. c"]);
        // `etc.` before a capital ends the sentence; mid-sentence it is followed by a comma
        // or a lowercase word.
        assert_eq!(
            sentences("Pills, drops etc. The rest, etc., and so on etc. then."),
            ["Pills, drops etc.", "The rest, etc., and so on etc. then."]
        );
    }

    #[test]
    fn callouts_and_footnote_markers_are_not_prose() {
        let md = "> [!NOTE]\n> Take it with food.\n\nIt works[^1] well.\n\n[^1]: A note.\n";
        let texts: Vec<_> = blocks_of(md).into_iter().map(|b| b.text).collect();
        assert_eq!(texts, ["Take it with food.", "It works well.", "A note."]);
    }

    fn events(md: &str) -> Vec<Spanned> {
        crate::parse::body(md, 0, "a.md", md).0.events
    }

    #[test]
    fn first_sentence_is_plain_text_as_read_without_citations() {
        let md = "# Title\n\nAn *ionotropic* glutamate `receptor` [@smith2020; @doe]. It is \
                  blocked by ketamine, e.g. in depression.\n\nMore.";
        assert_eq!(
            first_sentence(&events(md), md),
            "An ionotropic glutamate receptor."
        );
        let md = "Blocked by \"drugs\", e.g. ketamine [see @a, p. 3][^1]. Next.\n\n[^1]: N.";
        // The page's smart punctuation is what readers read.
        assert_eq!(
            first_sentence(&events(md), md),
            "Blocked by \u{201c}drugs\u{201d}, e.g. ketamine."
        );
        assert_eq!(
            first_sentence(&events("No full stop"), "No full stop"),
            "No full stop"
        );
        let md = "Dose 2.5 mg.\nThen";
        assert_eq!(first_sentence(&events(md), md), "Dose 2.5 mg.");
        assert_eq!(first_sentence(&events(""), ""), "");
        // An author-in-text citation is part of the sentence.
        let md = "As @becker2012 argues, it helps. Next.";
        assert_eq!(
            first_sentence(&events(md), md),
            "As @becker2012 argues, it helps."
        );
    }

    #[test]
    fn sections_hold_what_search_reads_under_their_headings() {
        let md = "Intro with `code` [@a].\n\n# Title\n\nStill intro.\n\n## Dosing {#dose}\n\n\
                  Take ![a coil on the head](c.png) daily, $x^2$ twice.\n\n\
                  | a | b |\n|---|---|\n| c | d |\n\n```\nnot prose\n```\n\n## Empty\n\n\
                  ### Notes\n\nAs @smith says[^1].\n\n[^1]: A footnote.\n";
        let doc = crate::parse::body(md, 0, "a.md", md).0;
        let got: Vec<_> = doc
            .sections
            .iter()
            .map(|s| {
                (
                    s.id.as_deref(),
                    s.heading.as_str(),
                    s.level,
                    s.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                // An h1 starts no section.
                (None, "", 0, "Intro with code. Still intro."),
                // Image descriptions are searched, math is not; table cells are words apart.
                (
                    Some("dose"),
                    "Dosing",
                    2,
                    "Take a coil on the head daily, twice. a b c d"
                ),
                (Some("empty"), "Empty", 2, ""),
                // Footnotes, shown at the end, are the last section's.
                (Some("notes"), "Notes", 3, "As says. A footnote."),
            ]
        );
        assert_eq!(sections(&[], &[], ""), []);
    }

    #[test]
    fn first_paragraph_keeps_code_and_drops_citations_with_their_space() {
        let md = "- a list item\n\nAsk your `doctor` [@a].\nThen go.\n\nMore.\n";
        let p = first_paragraph(&events(md), md).unwrap_or_default();
        // Line breaks are kept as written (the citation pass may keep a `\n`): HTML shows
        // them as spaces.
        assert_eq!(
            p.split_whitespace().collect::<Vec<_>>(),
            ["Ask", "your", "doctor.", "Then", "go."]
        );
        assert_eq!(first_paragraph(&events("# Only\n"), "# Only\n"), None);
    }
}
