//! Finding glossary terms in running text.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use super::entry::Glossary;
use super::text::{is_word_char, Folded};
use super::words::{
    is_abbreviation, starts_inside_word, word_char_at, word_end, words, TokenCache, BYTE_CLASS,
    NOT_WORD,
};
use crate::diagnostics::Diagnostic;

/// One automaton for every term and alias of a glossary.
///
/// Unicode case-insensitivity is done by folding rather than by case variants: patterns are the
/// names' folded keys (lowercase, single spaces), and each text is folded the same way with a map
/// back to its original offsets (see `text::Folded`). That handles `DISSOCIATION`, `Ångest` and
/// `NMDA\nreceptor` alike, where variants would only cover the casings someone thought of.
///
/// Cost is linear in the text whatever the number of terms: one folding pass, one walk over the
/// words, an anchored leftmost-longest Aho–Corasick search at each word start (so "NMDA
/// receptor" wins over "NMDA"), and per candidate a few O(1) checks. A glossary with a name that begins with
/// punctuation is searched by the automaton over every byte instead. When a candidate fails a check (it ends inside a word, or its capitals differ from an
/// abbreviation's), the next shorter name starting at the same place is tried with an anchored
/// search confined to the candidate, so the extra work is bounded by the length of the longest
/// name, not by the number of names.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    /// `None` for an empty glossary.
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    /// Whether every name begins with a word character, so that no match can begin inside a
    /// word and the search runs only at word starts.
    word_starts: bool,
}

#[derive(Debug, Clone)]
struct Pattern {
    slug: String,
    /// Index of the term in `Glossary::terms`.
    term: usize,
    /// The name's words as written, when at least one of them is an abbreviation whose capitals
    /// must match exactly; `None` when the whole name matches regardless of case.
    exact_words: Option<Vec<String>>,
}

/// A term found in a text: the byte range in that text and the term's slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermMatch<'m> {
    pub range: Range<usize>,
    pub slug: &'m str,
    /// Index of the term in `Glossary::terms`, so callers can keep per-term tables.
    pub term: usize,
}

impl Matcher {
    /// Builds the automaton. Fails only if the names are too many for the automaton's state
    /// space, which no real glossary reaches; the error says so rather than panicking.
    pub fn new(glossary: &Glossary) -> Result<Matcher, Diagnostic> {
        Matcher::build(glossary, true)
    }

    /// `walk_word_starts`: search only at word starts when every name begins a word (tests turn it off to compare with the automaton's search over every byte).
    fn build(glossary: &Glossary, walk_word_starts: bool) -> Result<Matcher, Diagnostic> {
        let mut keys = Vec::new();
        let mut patterns = Vec::new();
        for (key, name) in glossary.names() {
            let slug = glossary.terms()[name.term].slug().to_string();
            let words: Vec<String> = words(&name.name).map(str::to_string).collect();
            let exact_words = words.iter().any(|w| is_abbreviation(w)).then_some(words);
            keys.push(key.as_str());
            patterns.push(Pattern {
                slug,
                term: name.term,
                exact_words,
            });
        }
        if keys.is_empty() {
            return Ok(Matcher::default());
        }
        let word_starts = walk_word_starts
            && keys
                .iter()
                .all(|k| k.chars().next().is_some_and(is_word_char));
        let ac = AhoCorasick::builder()
            // The contiguous NFA: small enough to stay in cache. A DFA or a denser NFA takes
            // fewer instructions per search but is many times larger, and was no faster on the
            // benchmark corpus (BENCHMARKS.md, ledger).
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            // Names are folded to lowercase; ignoring ASCII case here spares folding the text.
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            // Walking from word starts needs only anchored searches, so only anchored starts
            // are built; the search over every byte needs both.
            .start_kind(if word_starts {
                StartKind::Anchored
            } else {
                StartKind::Both
            })
            .build(&keys)
            .map_err(|e| {
                Diagnostic::error(
                    "glossary-too-large",
                    format!("cannot build the glossary matcher: {e}"),
                )
            })?;
        Ok(Matcher {
            ac: Some(ac),
            patterns,
            word_starts,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.ac.is_none()
    }

    /// Heap bytes used by the automaton, for `--timings`-style reports.
    pub fn memory_usage(&self) -> usize {
        self.ac.as_ref().map_or(0, AhoCorasick::memory_usage)
    }

    /// Every term in `text`, left to right, without overlaps, longest first at each position.
    pub fn find<'m>(&'m self, text: &str) -> Vec<TermMatch<'m>> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let folded = Folded::for_search(text);
        let mut search = Search {
            matcher: self,
            ac,
            text,
            folded: &folded,
            token: TokenCache::default(),
            out: Vec::new(),
        };
        if self.word_starts {
            search.walk_word_starts();
        } else {
            search.everywhere();
        }
        search.out
    }

    /// The original range of a folded candidate, if it is a whole word (or words), is not part of
    /// an address, and has the capitals its abbreviations require.
    fn accept(
        &self,
        text: &str,
        folded: &Folded,
        token: &mut TokenCache,
        start: usize,
        end: usize,
        pattern: usize,
    ) -> Option<Range<usize>> {
        let (start, end) = (folded.orig(start)?, folded.orig(end)?);
        let found = text.get(start..end)?;
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let starts_word = found.chars().next().is_some_and(is_word_char);
        let ends_word = found.chars().next_back().is_some_and(is_word_char);
        if (starts_word && before.is_some_and(is_word_char))
            || (ends_word && after.is_some_and(is_word_char))
        {
            return None;
        }
        if let Some(exact) = &self.patterns[pattern].exact_words {
            let mut written = words(found);
            for want in exact {
                let got = written.next()?;
                if is_abbreviation(want) && got != want {
                    return None;
                }
            }
            if written.next().is_some() {
                return None;
            }
        }
        if token.is_address(text, start, end) {
            return None;
        }
        Some(start..end)
    }
}

/// One call of [`Matcher::find`]: the text, its folded form, and the matches so far.
struct Search<'m, 's> {
    matcher: &'m Matcher,
    ac: &'m AhoCorasick,
    text: &'s str,
    folded: &'s Folded<'s>,
    token: TokenCache,
    out: Vec<TermMatch<'m>>,
}

impl<'m> Search<'m, '_> {
    /// When every name begins a word, a match can only begin at a word start. The text is
    /// walked word by word and the automaton runs anchored at each word start, where it
    /// mostly stops at the first byte. The unanchored search it replaces stepped the
    /// automaton at every byte of prose.
    fn walk_word_starts(&mut self) {
        let hay = self.folded.s.as_bytes();
        let mut i = 0;
        while i < hay.len() {
            // To the next word start: past non-word characters (ASCII ones in a tight loop).
            match hay[i..]
                .iter()
                .position(|&b| BYTE_CLASS[usize::from(b)] != NOT_WORD)
            {
                Some(k) => i += k,
                None => break,
            }
            if !hay[i].is_ascii() {
                let (word, len) = word_char_at(hay, i);
                if !word {
                    i += len;
                    continue;
                }
            }
            let start = i;
            i = word_end(hay, i);
            let at = Input::new(hay).range(start..).anchored(Anchored::Yes);
            let Ok(Some(longest)) = self.ac.try_find(at) else {
                continue;
            };
            if let Some(end) = self.try_at(longest) {
                if end > i {
                    // A name of several words: on after it, and past the rest of a word it
                    // ends in the middle of (one ending in punctuation, say), as no name can
                    // begin there.
                    i = end;
                    if self.folded.s[..end]
                        .chars()
                        .next_back()
                        .is_some_and(is_word_char)
                    {
                        i = word_end(hay, i);
                    }
                }
            }
        }
    }

    /// The automaton's leftmost-longest search over the whole text, for names that may begin
    /// with punctuation.
    fn everywhere(&mut self) {
        let hay: &str = &self.folded.s;
        let names_start_words = self.matcher.word_starts;
        let mut pos = 0;
        while pos < hay.len() {
            let Ok(Some(first)) = self.ac.try_find(Input::new(hay).range(pos..)) else {
                break;
            };
            if names_start_words && starts_inside_word(hay, first.start()) {
                // No name can start anywhere in the rest of this word: skip it whole rather
                // than rescanning from each of its characters.
                pos = hay[first.start()..]
                    .find(|c: char| !is_word_char(c))
                    .map_or(hay.len(), |i| first.start() + i);
                continue;
            }
            pos = match self.try_at(first) {
                Some(end) => end,
                None => {
                    first.start()
                        + hay[first.start()..]
                            .chars()
                            .next()
                            .map_or(1, char::len_utf8)
                }
            };
        }
    }

    /// Tries the longest name found at a place, then each shorter one starting there, and
    /// records the first one [`Matcher::accept`]s. Returns where it ends in the folded text.
    fn try_at(&mut self, longest: aho_corasick::Match) -> Option<usize> {
        let hay: &str = &self.folded.s;
        let mut candidate = Some(longest);
        while let Some(m) = candidate {
            if let Some(range) = self.matcher.accept(
                self.text,
                self.folded,
                &mut self.token,
                m.start(),
                m.end(),
                m.pattern().as_usize(),
            ) {
                let p = &self.matcher.patterns[m.pattern().as_usize()];
                self.out.push(TermMatch {
                    range,
                    slug: &p.slug,
                    term: p.term,
                });
                return Some(m.end());
            }
            candidate = if m.end() - m.start() > 1 {
                let shorter = Input::new(hay)
                    .range(m.start()..m.end() - 1)
                    .anchored(Anchored::Yes);
                self.ac.try_find(shorter).ok().flatten()
            } else {
                None
            };
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::entry::tests::entry;

    fn glossary(entries: &[(&str, &str)]) -> Glossary {
        let entries = entries
            .iter()
            .map(|(slug, front)| entry(slug, front, "Definition."))
            .collect();
        let (g, d) = Glossary::build(entries);
        assert!(d.is_empty(), "{d:?}");
        g
    }

    /// `text` with every match shown as `[found|slug]`.
    fn marked(m: &Matcher, text: &str) -> String {
        let mut out = String::new();
        let mut at = 0;
        for t in m.find(text) {
            out.push_str(&text[at..t.range.start]);
            out.push_str(&format!("[{}|{}]", &text[t.range.clone()], t.slug));
            at = t.range.end;
        }
        out.push_str(&text[at..]);
        out
    }

    fn matcher(entries: &[(&str, &str)]) -> Matcher {
        Matcher::new(&glossary(entries)).unwrap()
    }

    #[test]
    fn ordinary_words_ignore_case() {
        let m = matcher(&[
            ("dissociation", "term: dissociation"),
            ("angest", "term: Ångest"),
        ]);
        assert_eq!(
            marked(&m, "Dissociation, DISSOCIATION; ÅNGEST and ångest."),
            "[Dissociation|dissociation], [DISSOCIATION|dissociation]; \
             [ÅNGEST|angest] and [ångest|angest]."
        );
    }

    #[test]
    fn abbreviations_match_only_as_written() {
        let m = matcher(&[
            ("tms", "term: TMS"),
            ("iv", "term: IV"),
            ("mrna", "term: mRNA"),
            ("nmda-receptor", "term: NMDA receptor"),
        ]);
        assert_eq!(
            marked(&m, "TMS, tms, Tms; IV, iv, Iv; mRNA, MRNA"),
            "[TMS|tms], tms, Tms; [IV|iv], iv, Iv; [mRNA|mrna], MRNA"
        );
        // Only the abbreviation within a longer name is held to its capitals.
        assert_eq!(
            marked(&m, "NMDA Receptor, nmda receptor"),
            "[NMDA Receptor|nmda-receptor], nmda receptor"
        );
    }

    #[test]
    fn whole_words_only() {
        let m = matcher(&[("ketamine", "term: ketamine")]);
        assert_eq!(
            marked(
                &m,
                "esketamine ketamines ketamine_x ketamine's ketamine-induced (ketamine)"
            ),
            "esketamine ketamines ketamine_x [ketamine|ketamine]'s \
             [ketamine|ketamine]-induced ([ketamine|ketamine])"
        );
        let m = matcher(&[("ketamine", "term: ketamine\naliases: [ketamines]")]);
        assert_eq!(marked(&m, "Ketamines"), "[Ketamines|ketamine]");
    }

    #[test]
    fn longest_name_wins() {
        let m = matcher(&[
            ("nmda", "term: NMDA"),
            (
                "nmda-receptor",
                "term: NMDA receptor\naliases: [NMDA receptors]",
            ),
            ("depression", "term: depression"),
            ("trd", "term: treatment-resistant depression"),
        ]);
        assert_eq!(
            marked(
                &m,
                "NMDA receptors, NMDA receptor, NMDA; treatment-resistant depression"
            ),
            "[NMDA receptors|nmda-receptor], [NMDA receptor|nmda-receptor], [NMDA|nmda]; \
             [treatment-resistant depression|trd]"
        );
    }

    #[test]
    fn a_longer_name_that_fails_falls_back_to_a_shorter_one() {
        let m = matcher(&[
            ("nmda", "term: NMDA"),
            ("nmda-receptor", "term: NMDA receptor"),
        ]);
        assert_eq!(
            marked(&m, "NMDA receptorology"),
            "[NMDA|nmda] receptorology"
        );
        // Capitals: `nmda receptor` is not the abbreviation, nor is `nmda`.
        assert_eq!(marked(&m, "nmda receptor"), "nmda receptor");
    }

    #[test]
    fn a_term_inside_another_terms_alias() {
        let m = matcher(&[
            ("ketamine", "term: ketamine"),
            (
                "esketamine",
                "term: esketamine\naliases: [S-ketamine, ketamine nasal spray]",
            ),
        ]);
        assert_eq!(
            marked(&m, "S-ketamine, ketamine nasal spray, ketamine"),
            "[S-ketamine|esketamine], [ketamine nasal spray|esketamine], [ketamine|ketamine]"
        );
    }

    #[test]
    fn never_inside_addresses() {
        let m = matcher(&[
            ("tms", "term: TMS\naliases: [tms-info]"),
            ("x", "term: ketamine"),
        ]);
        let text = "See www.tms-info.org/tms, https://x.org/TMS and TMS@x.org or /srv/TMS, \
                    (https://a.org/ketamine). TMS and ketamine.";
        assert_eq!(
            marked(&m, text),
            "See www.tms-info.org/tms, https://x.org/TMS and TMS@x.org or /srv/TMS, \
             (https://a.org/ketamine). [TMS|tms] and [ketamine|x]."
        );
    }

    #[test]
    fn spacing_and_offsets_survive_folding() {
        let m = matcher(&[
            ("nmda-receptor", "term: NMDA receptor"),
            ("k", "term: ketamine"),
        ]);
        assert_eq!(
            marked(&m, "İ NMDA\n  receptor, ẞ KETAMINE"),
            "İ [NMDA\n  receptor|nmda-receptor], ẞ [KETAMINE|k]"
        );
    }

    /// The word-start walk finds exactly what the automaton's search over every byte finds.
    #[test]
    fn walking_word_starts_finds_what_the_full_search_finds() {
        let entries = [
            ("nmda", "term: NMDA"),
            (
                "nmda-receptor",
                "term: NMDA receptor\naliases: [NMDA receptors]",
            ),
            (
                "ketamine",
                "term: ketamine\naliases: [Ketamine's, KETAMINE-X]",
            ),
            ("esketamine", "term: esketamine\naliases: [S-ketamine]"),
            ("angest", "term: Ångest"),
            ("tms", "term: TMS\naliases: [rTMS, tms-info]"),
            ("k", "term: K"),
            ("us", "term: U.S.\naliases: [U.S. FDA]"),
            ("ttt", "term: treatment-resistant depression"),
        ];
        let m = matcher(&entries);
        assert!(m.word_starts);
        let everywhere = Matcher::build(&glossary(&entries), false).unwrap();
        assert!(!everywhere.word_starts);
        let pieces = [
            "NMDA",
            "nmda",
            "receptor",
            "receptors",
            "Receptor",
            " ",
            "  ",
            "\n",
            "-",
            ".",
            ",",
            "'",
            "’",
            "ketamine",
            "Ketamine",
            "KETAMINE",
            "s",
            "S",
            "es",
            "x",
            "X",
            "Ångest",
            "ÅNGEST",
            "ångest",
            "İ",
            "ẞ",
            "K",
            "k",
            "\u{212a}",
            "TMS",
            "rTMS",
            "tms",
            "info",
            "www.",
            "/",
            "@",
            "https://",
            "U",
            "u",
            "FDA",
            "é",
            "e\u{301}",
            "_",
            "1",
            "—",
            "treatment",
            "resistant",
            "depression",
            "(",
            ")",
        ];
        let mut next = crate::glossary::text::xorshift(0x2545_f491_4f6c_dd1du64);
        let mut found = 0;
        for _ in 0..20_000 {
            let len = 1 + next(12);
            // Half the pieces are followed by a space, so that most are words of their own.
            let text: String = (0..len)
                .map(|_| [pieces[next(pieces.len())], [" ", ""][next(2)]].concat())
                .collect();
            let want = everywhere.find(&text);
            assert_eq!(m.find(&text), want, "text: {text:?}");
            found += want.len();
        }
        assert!(
            found > 10_000,
            "the texts hold too few terms to compare: {found}"
        );
    }

    #[test]
    fn empty_glossary_finds_nothing() {
        let m = Matcher::new(&Glossary::default()).unwrap();
        assert!(m.is_empty());
        assert!(m.find("anything").is_empty());
    }
}
