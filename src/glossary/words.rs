//! Where words and whitespace-delimited tokens begin and end in running text, as the
//! matcher asks at every candidate: byte-wise for ASCII, which is nearly all of prose.

use std::ops::Range;

use super::text::{is_word_char, looks_like_address};

/// Where the word characters from byte `i` of `s` end.
pub(super) fn word_end(s: &[u8], mut i: usize) -> usize {
    while let Some(&b) = s.get(i) {
        match BYTE_CLASS[usize::from(b)] {
            WORD => i += 1,
            NOT_WORD => break,
            _ => {
                let (word, len) = word_char_at(s, i);
                if !word {
                    break;
                }
                i += len;
            }
        }
    }
    i
}

/// Whether the character at byte `i` of `s` (valid UTF-8, `i` on a boundary) is a word
/// character, and its length. ASCII, nearly all of prose, goes through a table.
pub(super) fn word_char_at(s: &[u8], i: usize) -> (bool, usize) {
    let b = s[i];
    if b.is_ascii() {
        return (BYTE_CLASS[usize::from(b)] == WORD, 1);
    }
    let len = match b {
        0xf0.. => 4,
        0xe0.. => 3,
        _ => 2,
    };
    let c = std::str::from_utf8(&s[i..(i + len).min(s.len())])
        .ok()
        .and_then(|c| c.chars().next());
    (c.is_some_and(is_word_char), len)
}

/// What a byte says about the character it begins or continues: an ASCII word character,
/// an ASCII character of no word, or part of a non-ASCII character (to be decoded).
const WORD: u8 = 0;
pub(super) const NOT_WORD: u8 = 1;
const NON_ASCII: u8 = 2;
pub(super) const BYTE_CLASS: [u8; 256] = {
    let mut t = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = if (b as u8).is_ascii_alphanumeric() || b == b'_' as usize {
            WORD
        } else {
            NOT_WORD
        };
        b += 1;
    }
    t
};

pub(super) fn starts_inside_word(s: &str, at: usize) -> bool {
    s[..at].chars().next_back().is_some_and(is_word_char)
        && s[at..].chars().next().is_some_and(is_word_char)
}

/// The runs of word characters in `s`.
pub(super) fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}

/// A word written with capitals after its first letter (`NMDA`, `IV`, `mRNA`, `SSRIs`) is an
/// abbreviation and only matches as written: `tms` or `Iv` in prose are other words. A word that
/// is merely capitalised (`Parkinson`, `T`) matches in any case.
pub(super) fn is_abbreviation(word: &str) -> bool {
    word.chars().skip(1).any(char::is_uppercase)
}

/// The whitespace-delimited token last looked at, so that many candidates inside one long token
/// do not rescan it (which would make a text without spaces quadratic).
#[derive(Default)]
pub(super) struct TokenCache {
    range: Range<usize>,
    address: bool,
}

impl TokenCache {
    pub(super) fn is_address(&mut self, text: &str, start: usize, end: usize) -> bool {
        if !(self.range.start <= start && end <= self.range.end && !self.range.is_empty()) {
            let from = token_start(text, start);
            let to = token_end(text, end);
            self.range = from..to;
            self.address = looks_like_address(&text[from..to]);
        }
        self.address
    }
}

/// Where the whitespace-delimited token holding byte `at` of `text` begins. Bytes are looked
/// at one by one, as nearly all are ASCII; a non-ASCII character is decoded to ask whether it
/// is white space (a no-break space is).
pub(super) fn token_start(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at.min(bytes.len());
    while i > 0 {
        let b = bytes[i - 1];
        if b.is_ascii() {
            if is_ascii_space(b) {
                return i;
            }
            i -= 1;
        } else {
            let Some((k, c)) = text[..i].char_indices().next_back() else {
                return 0;
            };
            if c.is_whitespace() {
                return i;
            }
            i = k;
        }
    }
    0
}

/// Where the whitespace-delimited token holding the byte before `at` of `text` ends.
pub(super) fn token_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if is_ascii_space(b) {
                return i;
            }
            i += 1;
        } else {
            let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else {
                return bytes.len();
            };
            if c.is_whitespace() {
                return i;
            }
            i += c.len_utf8();
        }
    }
    bytes.len()
}

/// `char::is_whitespace` for an ASCII byte.
pub(super) fn is_ascii_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_bounds_agree_with_char_by_char_search() {
        let text = "a\u{a0}bc d\te\u{2003}f’g\n\u{85}h İi  j\x0bk";
        for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let start = text[..at]
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
                .map_or(0, |(i, c)| i + c.len_utf8());
            let end = text[at..]
                .find(char::is_whitespace)
                .map_or(text.len(), |i| at + i);
            assert_eq!(token_start(text, at), start, "start at {at}");
            assert_eq!(token_end(text, at), end, "end at {at}");
        }
    }
}
