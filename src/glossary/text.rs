//! Small text helpers shared by the glossary: case folding with an offset map, word and address
//! tests and HTML escaping.

use std::borrow::Cow;

/// A word character for whole-word matching. Combining diacritics count as part of a word so that
/// a decomposed "é" does not end a word in the middle; `_` counts so that identifiers stay whole.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || ('\u{300}'..='\u{36f}').contains(&c)
}

/// `text` lowercased with every whitespace run collapsed to one space, plus a map back to `text`.
///
/// Lowercasing can change byte lengths (`İ` becomes two characters, the Kelvin sign `K` shrinks
/// from three bytes to one), and so do collapsing whitespace and plain punctuation (`’` → `'`),
/// so a match found in the folded text is mapped back through the units whose length changed.
/// Prose has few of them (smart punctuation's apostrophes, the odd double space), so only those
/// are recorded, not every byte; ordinary ASCII prose without double spaces is not even copied.
pub(crate) struct Folded<'t> {
    /// Borrowed when folding changes nothing, as for most lowercase prose.
    pub(crate) s: Cow<'t, str>,
    /// The units whose folded form differs in length from the original, in order. Between
    /// them, folded and original offsets differ by a constant.
    units: Vec<Unit>,
}

/// A folding unit (a character, or a whitespace run) whose offsets do not carry over.
#[derive(Debug, Clone, Copy)]
struct Unit {
    folded: usize,
    folded_len: usize,
    orig: usize,
    orig_len: usize,
}

impl<'t> Folded<'t> {
    pub(crate) fn new(text: &'t str) -> Folded<'t> {
        Folded::fold(text, true)
    }

    /// Like [`Folded::new`], except that ASCII letters may keep their case: for a searcher
    /// that ignores ASCII case itself (the matcher's automaton), so that ordinary prose is
    /// searched where it lies instead of being copied lowercased first.
    pub(crate) fn for_search(text: &'t str) -> Folded<'t> {
        Folded::fold(text, false)
    }

    fn fold(text: &'t str, ascii_case: bool) -> Folded<'t> {
        let bytes = text.as_bytes();
        let is_space = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
        // Whether folding may change the byte at `i`. A single space before an ASCII
        // non-space stays as it is; anything else white may start a run to collapse.
        let changes = |i: usize| {
            let b = bytes[i];
            !b.is_ascii()
                || (ascii_case && b.is_ascii_uppercase())
                || (is_space(b)
                    && (b != b' '
                        || bytes
                            .get(i + 1)
                            .is_some_and(|&n| !n.is_ascii() || is_space(n))))
        };
        let next_change = |from: usize| (from..bytes.len()).find(|&i| changes(i));
        let Some(first) = next_change(0) else {
            return Folded {
                s: Cow::Borrowed(text),
                units: Vec::new(),
            };
        };
        let mut s = String::with_capacity(text.len() + 8);
        let mut units = Vec::new();
        s.push_str(&text[..first]);
        let mut i = first;
        while i < bytes.len() {
            // A run of bytes that stay as they are (lowercased, for `ascii_case`), in one go.
            let run = next_change(i).unwrap_or(bytes.len());
            if ascii_case {
                s.extend(
                    bytes[i..run]
                        .iter()
                        .map(|&b| char::from(b.to_ascii_lowercase())),
                );
            } else {
                s.push_str(&text[i..run]);
            }
            i = run;
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            let (folded, orig) = (s.len(), i);
            let mut end = i + c.len_utf8();
            if c.is_whitespace() {
                for d in text[end..].chars() {
                    if !d.is_whitespace() {
                        break;
                    }
                    end += d.len_utf8();
                }
                s.push(' ');
            } else if c.is_ascii() {
                s.push(c.to_ascii_lowercase());
            } else if let Some(plain) = plain_punctuation(c) {
                s.push(plain);
            } else if c.is_alphabetic() {
                s.extend(c.to_lowercase());
            } else {
                // Quotes, dashes and other symbols have no case: spare the case tables.
                s.push(c);
            }
            if s.len() - folded != end - orig {
                units.push(Unit {
                    folded,
                    folded_len: s.len() - folded,
                    orig,
                    orig_len: end - orig,
                });
            }
            i = end;
        }
        Folded {
            s: Cow::Owned(s),
            units,
        }
    }

    /// The original offset of folded offset `i`, if `i` falls between folding units.
    pub(crate) fn orig(&self, i: usize) -> Option<usize> {
        if i > self.s.len() {
            return None;
        }
        let k = self.units.partition_point(|u| u.folded <= i);
        let Some(u) = k.checked_sub(1).map(|k| self.units[k]) else {
            return Some(i);
        };
        if i == u.folded {
            Some(u.orig)
        } else if i < u.folded + u.folded_len {
            // Inside a unit (`İ` folds to two characters): no original offset corresponds.
            // Inside units of unchanged length, the offset returned is inside the original
            // character, which no caller can slice at either.
            None
        } else {
            Some(u.orig + u.orig_len + (i - u.folded - u.folded_len))
        }
    }
}

/// Typographic apostrophes and hyphens, as smart punctuation or a careful author writes them,
/// stand for the ASCII ones names are usually written with (`Alzheimer’s`, `treatment‑resistant`).
fn plain_punctuation(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02bc}' => Some('\''),
        '\u{2010}' | '\u{2011}' => Some('-'),
        _ => None,
    }
}

/// The key two names are compared by: what [`Folded`] makes of them, trimmed.
pub(crate) fn fold_name(name: &str) -> String {
    Folded::new(name.trim()).s.into_owned()
}

/// Whether a whitespace-delimited token is a URL, a file path or an e-mail address, in which a
/// term must never be linked (`https://x.org/tms`, `www.tms-info.org/tms`, `tms@x.org`).
pub(crate) fn looks_like_address(token: &str) -> bool {
    // Every test below needs one of these; most tokens are plain words. A full stop or colon
    // that ends the token and is its only one (a sentence's last word) is trimmed below, which
    // leaves a plain word.
    let bytes = token.as_bytes();
    match bytes
        .iter()
        .position(|b| matches!(b, b'.' | b'/' | b'@' | b':' | b'\\'))
    {
        None => return false,
        Some(k) if k + 1 == bytes.len() && matches!(bytes[k], b'.' | b':') => return false,
        Some(_) => {}
    }
    let t = token.trim_matches(|c: char| {
        matches!(
            c,
            '(' | ')' | '[' | ']' | '{' | '}' | '<' | '>' | '"' | '\'' | ',' | ';' | '!' | '?'
        ) || matches!(c, '“' | '”' | '‘' | '’' | '«' | '»')
    });
    let t = t.trim_end_matches(['.', ':']);
    if t.contains("://") || t.starts_with("www.") || t.starts_with("mailto:") {
        return true;
    }
    if let Some(at) = t.find('@') {
        if at > 0 && t[at + 1..].contains('.') {
            return true;
        }
    }
    if ["/", "./", "../", "~/"].iter().any(|p| t.starts_with(p)) || t.contains('\\') {
        return true;
    }
    if t.contains('/') && t.contains('.') {
        return true;
    }
    looks_like_domain(t)
}

/// `tms-info.org`, but not `e.g`, `U.S` or a sentence missing the space after its full stop.
fn looks_like_domain(t: &str) -> bool {
    let Some((host, tld)) = t.rsplit_once('.') else {
        return false;
    };
    (2..=6).contains(&tld.len())
        && tld.bytes().all(|b| b.is_ascii_lowercase())
        && host.starts_with(|c: char| c.is_ascii_alphanumeric())
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// A deterministic stream of indexes below `n` (xorshift), for tests that compare two ways of
/// doing a thing on many generated texts. Here, in the module every other glossary module
/// uses, so their tests share it without a cycle.
#[cfg(test)]
pub(super) fn xorshift(mut state: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_maps_offsets_back_through_length_changes() {
        let text = "Straße  İKETAMINE x";
        let f = Folded::new(text);
        assert_eq!(f.s, "straße i\u{307}ketamine x");
        let at = f.s.find("ketamine").unwrap();
        let start = f.orig(at).unwrap();
        let end = f.orig(at + "ketamine".len()).unwrap();
        assert_eq!(&text[start..end], "KETAMINE");
        // The combining dot produced by `İ` is inside a unit: no offset there.
        assert_eq!(f.orig(f.s.find('\u{307}').unwrap()), None);
    }

    /// Folding as first written: character by character, with an offset per folded byte
    /// (`None` inside a unit).
    fn reference_fold(text: &str) -> (String, Vec<Option<usize>>) {
        let (mut s, mut map) = (String::new(), Vec::new());
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let before = s.len();
            if c.is_whitespace() {
                while chars.peek().is_some_and(|(_, d)| d.is_whitespace()) {
                    chars.next();
                }
                s.push(' ');
            } else if let Some(plain) = plain_punctuation(c) {
                s.push(plain);
            } else {
                s.extend(c.to_lowercase());
            }
            map.push(Some(i));
            map.extend(std::iter::repeat_n(None, s.len() - before - 1));
        }
        map.push(Some(text.len()));
        (s, map)
    }

    #[test]
    fn offsets_agree_with_character_by_character_folding() {
        let texts = [
            "Straße  İKETAMINE x",
            "Alzheimer’s  NMDA\n\treceptor\u{a0}\u{a0}blocker ‘x’ K ẞ",
            "plain lowercase prose",
            " lead and trail ",
            "x \u{2003}y\r\n\r\nz İİ’’",
            "é and É and İstanbul",
            "“Quoted” – dashes — ‘single’ Ⅻ Ⓐ ǅ ΣΑΣ",
        ];
        for text in texts {
            let (want, map) = reference_fold(text);
            let f = Folded::new(text);
            assert_eq!(f.s, want, "{text:?}");
            for (i, o) in map.iter().enumerate() {
                match o {
                    Some(o) => assert_eq!(f.orig(i), Some(*o), "{text:?} at {i}"),
                    None => assert!(
                        f.orig(i).is_none_or(|o| !text.is_char_boundary(o)),
                        "{text:?} at {i}"
                    ),
                }
            }
            assert_eq!(f.orig(want.len() + 1), None);
            // The search form differs only in ASCII case.
            assert_eq!(Folded::for_search(text).s.to_ascii_lowercase(), want);
        }
    }

    /// The search form against folding one character at a time, on generated texts with
    /// spaces, controls and non-ASCII characters anywhere.
    #[test]
    fn search_folding_agrees_with_character_by_character_folding() {
        let pieces = [
            "a", "B", "word", "Prose", " ", "  ", "\t", "\n", "\r\n", "\u{a0}", "\u{2003}", "’",
            "İ", "é", ".", "!", "\x1f", "K", "ẞ", "\u{212a}",
        ];
        let mut next = super::xorshift(0x9e37_79b9_7f4a_7c15u64);
        for _ in 0..5_000 {
            let text: String = (0..1 + next(30))
                .map(|_| pieces[next(pieces.len())])
                .collect();
            let (want, map) = reference_fold(&text);
            let f = Folded::for_search(&text);
            assert_eq!(f.s.to_ascii_lowercase(), want, "{text:?}");
            for (i, o) in map.iter().enumerate() {
                if let Some(o) = o {
                    assert_eq!(f.orig(i), Some(*o), "{text:?} at {i}");
                }
            }
        }
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_general_one() {
        for text in ["A\tB\x0bC\rD", "A \t B", "x\u{a0}Y", "\x1fZ"] {
            let f = Folded::new(text);
            let expected: String = text
                .split(char::is_whitespace)
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            assert_eq!(f.s, expected, "{text:?}");
        }
    }

    #[test]
    fn typographic_apostrophes_and_hyphens_fold_to_ascii() {
        assert_eq!(
            Folded::new("Alzheimer’s treatment‑resistant").s,
            "alzheimer's treatment-resistant"
        );
        assert_eq!(fold_name("Alzheimer's"), Folded::new("ALZHEIMER’S").s);
    }

    #[test]
    fn identity_folding_keeps_no_map() {
        let f = Folded::new("NMDA receptor\nblocker");
        assert_eq!(f.s, "nmda receptor blocker");
        assert!(f.units.is_empty());
        assert_eq!(f.orig(4), Some(4));
    }

    #[test]
    fn addresses() {
        for t in [
            "https://x.org/tms",
            "www.tms-info.org/tms",
            "(www.tms-info.org).",
            "tms@example.org",
            "/usr/share/tms",
            "docs/tms.md",
            "tms-info.org",
        ] {
            assert!(looks_like_address(t), "{t}");
        }
        for t in [
            "TMS",
            "and/or",
            "e.g.",
            "U.S.",
            "ketamine's",
            "(TMS)",
            "i.e.,",
        ] {
            assert!(!looks_like_address(t), "{t}");
        }
    }
}
