//! Finding glossary terms in running text.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use super::entry::Glossary;
use super::text::{is_word_char, looks_like_address, Folded};
use crate::diagnostics::Diagnostic;

/// One automaton for every term and alias of a glossary.
///
/// Unicode case-insensitivity is done by folding rather than by case variants: patterns are the
/// names' folded keys (lowercase, single spaces), and each text is folded the same way with a map
/// back to its original offsets (see `text::Folded`). That handles `DISSOCIATION`, `Ångest` and
/// `NMDA\nreceptor` alike, where variants would only cover the casings someone thought of.
///
/// Cost is linear in the text whatever the number of terms: one folding pass, one Aho–Corasick
/// scan (leftmost-longest, so "NMDA receptor" wins over "NMDA"), and per candidate a few O(1)
/// checks. When a candidate fails a check (it ends inside a word, or its capitals differ from an
/// abbreviation's), the next shorter name starting at the same place is tried with an anchored
/// search confined to the candidate, so the extra work is bounded by the length of the longest
/// name, not by the number of names.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    /// `None` for an empty glossary.
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    /// Whether every name begins with a word character, so no match can begin inside a word.
    names_start_words: bool,
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
    #[allow(
        clippy::result_large_err,
        reason = "built once per site; Diagnostic is the project's one error type"
    )]
    pub fn new(glossary: &Glossary) -> Result<Matcher, Diagnostic> {
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
        let ac = AhoCorasick::builder()
            // The contiguous NFA: its transitions for 500 terms fit in about 200 KiB, which
            // stays in cache while every page's text goes through it. A full DFA of the same
            // names takes 9 MiB and, missing the cache at nearly every byte, scanned the
            // benchmark corpus's articles at half the speed (instruction counts, which see no
            // cache misses, had said the opposite).
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            // Names are folded to lowercase; ignoring ASCII case here spares folding the text.
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
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
            names_start_words: keys
                .iter()
                .all(|k| k.chars().next().is_some_and(is_word_char)),
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
        let hay: &str = &folded.s;
        let mut token = TokenCache::default();
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < hay.len() {
            let Ok(Some(first)) = ac.try_find(Input::new(hay).range(pos..)) else {
                break;
            };
            if self.names_start_words && starts_inside_word(hay, first.start()) {
                // No name can start anywhere in the rest of this word: skip it whole rather
                // than rescanning from each of its characters.
                pos = hay[first.start()..]
                    .find(|c: char| !is_word_char(c))
                    .map_or(hay.len(), |i| first.start() + i);
                continue;
            }
            let mut candidate = Some(first);
            let mut accepted = None;
            while let Some(m) = candidate {
                if let Some(range) = self.accept(
                    text,
                    &folded,
                    &mut token,
                    m.start(),
                    m.end(),
                    m.pattern().as_usize(),
                ) {
                    accepted = Some((m, range));
                    break;
                }
                candidate = if m.end() - m.start() > 1 {
                    let shorter = Input::new(hay)
                        .range(m.start()..m.end() - 1)
                        .anchored(Anchored::Yes);
                    ac.try_find(shorter).ok().flatten()
                } else {
                    None
                };
            }
            match accepted {
                Some((m, range)) => {
                    let p = &self.patterns[m.pattern().as_usize()];
                    out.push(TermMatch {
                        range,
                        slug: &p.slug,
                        term: p.term,
                    });
                    pos = m.end();
                }
                None => {
                    pos = first.start()
                        + hay[first.start()..]
                            .chars()
                            .next()
                            .map_or(1, char::len_utf8);
                }
            }
        }
        out
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

fn starts_inside_word(s: &str, at: usize) -> bool {
    s[..at].chars().next_back().is_some_and(is_word_char)
        && s[at..].chars().next().is_some_and(is_word_char)
}

/// The runs of word characters in `s`.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}

/// A word written with capitals after its first letter (`NMDA`, `IV`, `mRNA`, `SSRIs`) is an
/// abbreviation and only matches as written: `tms` or `Iv` in prose are other words. A word that
/// is merely capitalised (`Parkinson`, `T`) matches in any case.
fn is_abbreviation(word: &str) -> bool {
    word.chars().skip(1).any(char::is_uppercase)
}

/// The whitespace-delimited token last looked at, so that many candidates inside one long token
/// do not rescan it (which would make a text without spaces quadratic).
#[derive(Default)]
struct TokenCache {
    range: Range<usize>,
    address: bool,
}

impl TokenCache {
    fn is_address(&mut self, text: &str, start: usize, end: usize) -> bool {
        if !(self.range.start <= start && end <= self.range.end && !self.range.is_empty()) {
            let from = text[..start]
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
                .map_or(0, |(i, c)| i + c.len_utf8());
            let to = text[end..]
                .find(char::is_whitespace)
                .map_or(text.len(), |i| end + i);
            self.range = from..to;
            self.address = looks_like_address(&text[from..to]);
        }
        self.address
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

    #[test]
    fn empty_glossary_finds_nothing() {
        let m = Matcher::new(&Glossary::default()).unwrap();
        assert!(m.is_empty());
        assert!(m.find("anything").is_empty());
    }
}
