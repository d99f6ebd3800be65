//! Pandoc's citation syntax, recognised in one run of plain text.
//!
//! The Markdown pass hands over merged text events only, so code spans, link destinations and raw
//! HTML never reach this scanner; it therefore need not know Markdown at all. The rules follow
//! pandoc's manual (section "Citation syntax") so that a page written for pandoc cites the same
//! works under glia.

use std::ops::Range;

/// One citation as written: `[see @a, p. 3; -@b]` or author-in-text `@a [p. 3]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// Byte range of the whole citation in the text given to [`find_citations`], brackets
    /// included, so the caller can replace it with a placeholder.
    pub range: Range<usize>,
    pub items: Vec<CiteItem>,
    /// `@key` in running text ("Smith et al. found…") rather than inside brackets.
    pub author_in_text: bool,
}

/// One cited work inside a [`Citation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteItem {
    pub key: String,
    /// Text before the key, e.g. `see`; empty when absent.
    pub prefix: String,
    /// Text after the key without the separating comma, e.g. `p. 12` or `ch. 2`; empty when
    /// absent.
    pub locator: String,
    /// Written `-@key`: the reader already knows the author, so only the year is wanted.
    pub suppress_author: bool,
}

/// Finds every citation in `text`, in order.
///
/// Anything that does not parse completely is left alone as ordinary text: a stray `[` or an
/// e-mail address must never turn into a broken citation.
pub fn find_citations(text: &str) -> Vec<Citation> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => {
                if let Some((citation, end)) = bracketed(text, i) {
                    found.push(citation);
                    i = end;
                    continue;
                }
            }
            b'@' if at_may_start_citation(text, i) => {
                if let Some((citation, end)) = in_text(text, i) {
                    found.push(citation);
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The byte ranges of the bracketed citations in `text` (`[@key]`, `[see @a, p. 4; -@b]`):
/// what a reader of the page sees as a superscript or a parenthesis, not as words of the
/// sentence. Author-in-text citations (`@key says`) stay: their author's name is prose.
pub fn bracketed_spans(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    find_citations(text)
        .into_iter()
        .filter(|c| !c.author_in_text)
        .map(|c| c.range)
}

/// `text` without `cut` (byte ranges in order; one overlapping an earlier one is skipped),
/// each with the white space before it: `Helps [@a].` reads `Helps.`.
pub fn without_spans(text: &str, cut: impl IntoIterator<Item = Range<usize>>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in cut {
        if r.start < last {
            continue;
        }
        out.push_str(text[last..r.start].trim_end());
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Pandoc ignores `@` glued to a word (`name@example.org`, `a@b`).
fn at_may_start_citation(text: &str, at: usize) -> bool {
    match text[..at].chars().next_back() {
        None => true,
        Some(c) => !(c.is_alphanumeric() || c == '_'),
    }
}

/// The end (exclusive) of the bracket opened at `open`, allowing nested brackets as pandoc does
/// for prefixes like `[see [the review] @a]`.
fn closing_bracket(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (off, b) in text.as_bytes()[open..].iter().enumerate() {
        match b {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + off + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn bracketed(text: &str, open: usize) -> Option<(Citation, usize)> {
    let end = closing_bracket(text, open)?;
    let inner = &text[open + 1..end - 1];
    let mut items = Vec::new();
    for part in inner.split(';').flat_map(split_glued_keys) {
        items.push(bracket_item(part)?);
    }
    Some((
        Citation {
            range: open..end,
            items,
            author_in_text: false,
        },
        end,
    ))
}

/// `@a,@b` (a comma where pandoc wants `;`): pandoc reads the second key as a citation inside
/// the first one's suffix, so both works are cited; glia cites them side by side, which is
/// what the author meant. A comma before anything but a key is a locator's (`@a, p. 3`).
fn split_glued_keys(part: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in part.match_indices(',') {
        let next = part[i + 1..].trim_start();
        let next = next.strip_prefix('-').unwrap_or(next);
        if next.starts_with('@') && part[start..i].contains('@') {
            out.push(&part[start..i]);
            start = i + 1;
        }
    }
    out.push(&part[start..]);
    out
}

/// One `;`-separated part of a bracketed citation; `None` when it holds no key, which makes the
/// whole bracket ordinary text, as in pandoc.
fn bracket_item(part: &str) -> Option<CiteItem> {
    let mut search = 0;
    while let Some(rel) = part[search..].find('@') {
        let at = search + rel;
        search = at + 1;
        let suppress = at > 0 && part.as_bytes()[at - 1] == b'-';
        let before = if suppress { at - 1 } else { at };
        if !at_may_start_citation(part, before) {
            continue;
        }
        let Some((key, key_end)) = parse_key(part, at + 1) else {
            continue;
        };
        let rest = part[key_end..].trim_start();
        let rest = rest.strip_prefix(',').unwrap_or(rest);
        return Some(CiteItem {
            key,
            prefix: part[..before].trim().to_string(),
            locator: rest.trim().to_string(),
            suppress_author: suppress,
        });
    }
    None
}

fn in_text(text: &str, at: usize) -> Option<(Citation, usize)> {
    let (key, key_end) = parse_key(text, at + 1)?;
    let mut end = key_end;
    let mut locator = String::new();
    // `@key [p. 33]`: the bracket is this citation's locator unless it is a citation itself.
    let after_space = key_end + (text.len() - key_end - text[key_end..].trim_start().len());
    let space_only = text[key_end..after_space]
        .chars()
        .all(|c| c == ' ' || c == '\t');
    if space_only && text[after_space..].starts_with('[') {
        if let Some(close) = closing_bracket(text, after_space) {
            let inner = &text[after_space + 1..close - 1];
            if bracket_item(inner).is_none() && !inner.contains('[') {
                locator = inner.trim().to_string();
                end = close;
            }
        }
    }
    Some((
        Citation {
            range: at..end,
            items: vec![CiteItem {
                key,
                prefix: String::new(),
                locator,
                suppress_author: false,
            }],
            author_in_text: true,
        },
        end,
    ))
}

/// Punctuation pandoc allows inside a key, but not at its end.
fn is_internal_punct(c: char) -> bool {
    matches!(
        c,
        ':' | '.' | '#' | '$' | '%' | '&' | '-' | '+' | '?' | '<' | '>' | '~' | '/' | '_'
    )
}

/// Parses a key starting at byte `start` (just after `@`): `key` or `{key}`. Returns the key and
/// the byte just after it.
fn parse_key(text: &str, start: usize) -> Option<(String, usize)> {
    let rest = &text[start..];
    if let Some(braced) = rest.strip_prefix('{') {
        let close = braced.find('}')?;
        let key = braced[..close].trim();
        if key.is_empty() {
            return None;
        }
        return Some((key.to_string(), start + 1 + close + 1));
    }
    let mut chars = rest.char_indices();
    let (_, first) = chars.next()?;
    if !(first.is_alphanumeric() || first == '_') {
        return None;
    }
    // Greedy over key characters, then give back trailing punctuation ("see @a." ends at `a`).
    let mut last_good = first.len_utf8();
    for (off, c) in chars {
        if c.is_alphanumeric() || c == '_' {
            last_good = off + c.len_utf8();
        } else if !is_internal_punct(c) {
            break;
        }
    }
    Some((rest[..last_good].to_string(), start + last_good))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracketed_citations_are_cut_with_the_space_before_them() {
        let text = "Helps [@a; @b], as @c says [see @d, p. 3].";
        assert_eq!(
            without_spans(text, bracketed_spans(text)),
            "Helps, as @c says."
        );
    }

    fn item(key: &str, prefix: &str, locator: &str, suppress: bool) -> CiteItem {
        CiteItem {
            key: key.into(),
            prefix: prefix.into(),
            locator: locator.into(),
            suppress_author: suppress,
        }
    }

    fn one(text: &str) -> Citation {
        let mut found = find_citations(text);
        assert_eq!(found.len(), 1, "in {text:?}: {found:?}");
        found.remove(0)
    }

    #[test]
    fn single_key_in_brackets() {
        let text = "Ketamine helps [@walsh2021].";
        let c = one(text);
        assert_eq!(&text[c.range.clone()], "[@walsh2021]");
        assert_eq!(c.items, vec![item("walsh2021", "", "", false)]);
        assert!(!c.author_in_text);
    }

    #[test]
    fn several_keys_separated_by_semicolons() {
        let c = one("x [@a; @b;@c2] y");
        let keys: Vec<_> = c.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c2"]);
    }

    #[test]
    fn locator_after_comma() {
        assert_eq!(
            one("[@key, p. 12]").items,
            vec![item("key", "", "p. 12", false)]
        );
    }

    #[test]
    fn prefix_and_locator() {
        assert_eq!(
            one("[see @key, ch. 2]").items,
            vec![item("key", "see", "ch. 2", false)]
        );
        assert_eq!(
            one("[see @a, p. 1; also @b]").items,
            vec![
                item("a", "see", "p. 1", false),
                item("b", "also", "", false)
            ]
        );
    }

    #[test]
    fn suppressed_author() {
        assert_eq!(
            one("Smith says [-@smith04].").items,
            vec![item("smith04", "", "", true)]
        );
    }

    #[test]
    fn author_in_text_with_and_without_locator() {
        let text = "As @smith04 showed, and @doe99 [p. 33] agreed.";
        let found = find_citations(text);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|c| c.author_in_text));
        assert_eq!(&text[found[0].range.clone()], "@smith04");
        assert_eq!(found[0].items, vec![item("smith04", "", "", false)]);
        assert_eq!(&text[found[1].range.clone()], "@doe99 [p. 33]");
        assert_eq!(found[1].items, vec![item("doe99", "", "p. 33", false)]);
    }

    #[test]
    fn author_in_text_followed_by_a_real_citation_keeps_both() {
        let found = find_citations("@a [@b]");
        assert_eq!(found.len(), 2);
        assert!(found[0].author_in_text && !found[1].author_in_text);
    }

    #[test]
    fn key_syntax_internal_and_trailing_punctuation() {
        let text = "See @doi:10.1/abc-d. Then @a_b+c, and @_x?";
        let keys: Vec<_> = find_citations(text)
            .into_iter()
            .map(|c| c.items[0].key.clone())
            .collect();
        assert_eq!(keys, ["doi:10.1/abc-d", "a_b+c", "_x"]);
        assert_eq!(one("[@{weird key}]").items[0].key, "weird key");
        assert_eq!(one("(@1999report)").items[0].key, "1999report");
    }

    #[test]
    fn not_citations() {
        for text in [
            "write to name@example.org today",
            "[text without at-sign]",
            "[@]",
            "an @ alone",
            "@-x",
        ] {
            assert_eq!(find_citations(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn broken_brackets_leave_author_in_text_keys() {
        // As in pandoc: the bracket is text, but `@a` inside it still cites in running text.
        for text in ["unclosed [@a", "[@a; no key here]"] {
            let found = find_citations(text);
            assert_eq!(found.len(), 1, "{text:?}");
            assert!(found[0].author_in_text);
            assert_eq!(found[0].items[0].key, "a");
        }
    }

    #[test]
    fn real_world_key_shapes_from_epimethods() {
        // `[@a,@b]` without a space (machinelearning6a.qmd): both works are cited.
        let c = one("[@steyerberg2001internal,@steyerberg2019overfitting]");
        let keys: Vec<_> = c.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            ["steyerberg2001internal", "steyerberg2019overfitting"]
        );
        assert_eq!(one("[@a, p. 3]").items, vec![item("a", "", "p. 3", false)]);
        // A key followed by a colon, a hyphenated capitalised key, a cite glued to a period.
        let text = "@hossain2022association: [DOI: 10.1/x]. See @Cross-validation. Extensions.[@vinny2021critical]";
        let keys: Vec<_> = find_citations(text)
            .into_iter()
            .map(|c| c.items[0].key.clone())
            .collect();
        assert_eq!(
            keys,
            [
                "hossain2022association",
                "Cross-validation",
                "vinny2021critical"
            ]
        );
    }

    #[test]
    fn byte_ranges_survive_multibyte_text() {
        let text = "Prävalenz — [@müller2020, S. 4] und @ōta";
        let found = find_citations(text);
        assert_eq!(&text[found[0].range.clone()], "[@müller2020, S. 4]");
        assert_eq!(found[1].items[0].key, "ōta");
    }
}
