//! The big HTML strings of a page (its body, panels, reference list; on the glossary page
//! every definition and "Appears in" list) are put into tera's output after it renders,
//! instead of going through it.
//!
//! tera copies every string of the context into a value of its own, then again into the
//! output. For a page body of 30–100 KB, and a glossary page of several MB, those copies (and
//! the fresh memory they need) cost more than rendering the template. So render hands tera a
//! short stand-in for each such string and, once tera is done, writes the string where the
//! stand-in came out: one copy.
//!
//! That gives the same page only where the template prints the string whole or tests
//! whether it is empty, so it is done only for a field every template uses as
//! `{{ x.field | safe }}` or `{% if x.field %}` (a stand-in is never empty, like the string
//! it stands for; empty strings are passed as they are), and only in a theme that never
//! changes text after printing it: no `{% filter %}` section, no capturing
//! `{% set x %}…{% endset %}`, no components (which get their body as a value) and no filter
//! on what a call (a macro, `super()`) prints. A theme that does any of these, or uses a field
//! any other way (a filter, a `set`, a loop), gets the strings themselves, as before; see
//! [`Splicer::new`]. A stand-in carries a random number drawn for the page, so no text can
//! pose as one; if the output holds the stand-ins' marker character anywhere else (a page
//! could contain it), the page is rendered again with the strings themselves. The random
//! number never reaches the output, which stays byte-identical from build to build.

use memchr::memmem;

/// The context fields that may be spliced: each names one big HTML string.
const FIELDS: [&str; 6] = [
    "content",
    "terms_html",
    "references",
    "json_ld",
    "definition",
    "appears_in",
];

/// Brackets a stand-in: `\u{E001}3-5f0c…\u{E001}` stands for the fourth string kept (the
/// page's random number follows the dash). A private-use character, which no text of glia's
/// own contains.
const MARK: &str = "\u{E001}";

/// Which fields the theme's templates allow splicing.
#[derive(Debug, Clone, Default)]
pub struct Splicer {
    allowed: [bool; FIELDS.len()],
}

impl Splicer {
    /// Reads every template: a field may be spliced if each place a tera tag names it is
    /// `{{ name.field | safe }}` or `{% if name.field %}` (with any `-` trimming), and no
    /// tag of any template rewrites printed text ([`rewrites_output`]).
    pub fn new<'t>(templates: impl IntoIterator<Item = &'t str>) -> Splicer {
        let mut allowed = [true; FIELDS.len()];
        for text in templates {
            for (kind, tag) in tags(text) {
                if rewrites_output(kind, tag) {
                    return Splicer::default();
                }
                for (k, field) in FIELDS.iter().enumerate() {
                    if allowed[k] && mentions(tag, field) && !plain_use(tag, field) {
                        allowed[k] = false;
                    }
                }
            }
        }
        Splicer { allowed }
    }

    /// Whether `field` may be spliced.
    pub fn allows(&self, field: &str) -> bool {
        FIELDS
            .iter()
            .position(|f| *f == field)
            .is_some_and(|k| self.allowed[k])
    }
}

/// Which kind of tag: `{{ … }}` prints, `{% … %}` is a statement.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Print,
    Statement,
}

/// Every `{{ … }}` and `{% … %}` tag of a template: its kind and its inside, trimming marks
/// and all.
fn tags(text: &str) -> impl Iterator<Item = (Tag, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || loop {
        let open = rest.find('{')?;
        let after = &rest[open + 1..];
        let (kind, close) = match after.as_bytes().first() {
            Some(b'{') => (Tag::Print, "}}"),
            Some(b'%') => (Tag::Statement, "%}"),
            _ => {
                rest = after;
                continue;
            }
        };
        let body = &after[1..];
        let Some(end) = body.find(close) else {
            rest = "";
            return Some((kind, body));
        };
        rest = &body[end + 2..];
        return Some((kind, &body[..end]));
    })
}

/// Whether a tag can change text after it was printed, stand-ins included: a filter section,
/// a capturing `set`, a component (its body is handed over as a value), or a filter on what
/// a call prints (`{{ m::card(p=page) | upper }}`, `{{ super() | trim }}`).
fn rewrites_output(kind: Tag, tag: &str) -> bool {
    let tag = tag.trim_matches('-').trim();
    match kind {
        Tag::Statement => {
            let first = tag.split_whitespace().next().unwrap_or("");
            matches!(first, "filter" | "component" | "endcomponent")
                || tag.starts_with('<')
                || (matches!(first, "set" | "set_global") && !tag.contains('='))
        }
        Tag::Print => tag
            .split_once('|')
            .is_some_and(|(value, _)| value.contains(['(', '<'])),
    }
}

/// Whether the tag names `field` as a word.
fn mentions(tag: &str, field: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    tag.match_indices(field).any(|(i, _)| {
        !tag[..i].chars().next_back().is_some_and(word)
            && !tag[i + field.len()..].chars().next().is_some_and(word)
    })
}

/// Whether the tag (inside its braces) is `{{ name.field | safe }}` or `{% if name.field %}`.
fn plain_use(tag: &str, field: &str) -> bool {
    let tag = tag.trim_matches('-').trim();
    let (expr, tail) = if let Some(e) = tag.strip_prefix("if ") {
        (e.trim(), None)
    } else {
        match tag.split_once('|') {
            Some((e, filter)) => (e.trim(), Some(filter.trim())),
            None => return false,
        }
    };
    if tail.is_some_and(|f| f != "safe") {
        return false;
    }
    let Some((name, f)) = expr.split_once('.') else {
        return false;
    };
    f == field && !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The strings taken out of one page's context, by stand-in number.
#[derive(Debug)]
pub struct Stash {
    kept: Vec<String>,
    /// The page's random number as 16 hex digits, written into every stand-in.
    nonce: String,
}

impl Default for Stash {
    fn default() -> Self {
        use std::hash::{BuildHasher, Hasher};
        // The standard library's hasher is keyed with random bits: a cheap random number.
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let nonce = format!("{random:016x}");
        Stash {
            kept: Vec::new(),
            nonce,
        }
    }
}

impl Stash {
    /// Takes `text` out of a context field, leaving its stand-in, if `field` may be spliced
    /// and the text is not empty.
    pub fn keep(&mut self, splicer: &Splicer, field: &str, text: &mut String) {
        if text.is_empty() || !splicer.allows(field) {
            return;
        }
        let stand_in = format!("{MARK}{}-{}{MARK}", self.kept.len(), self.nonce);
        self.kept.push(std::mem::replace(text, stand_in));
    }

    /// Puts back a kept string where its stand-in is: for rendering again without splicing.
    pub fn put_back(&mut self, text: &mut String) {
        if let Some((n, _)) = self.stand_in(text.as_bytes()) {
            if let Some(kept) = self.kept.get_mut(n) {
                *text = std::mem::take(kept);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// `rendered` with every stand-in replaced by its string; `None` if the marker character
    /// appears anywhere but in a stand-in (then render again with the strings put back).
    pub fn splice(&self, rendered: &[u8]) -> Option<Vec<u8>> {
        let mark = MARK.as_bytes();
        let size = rendered.len() + self.kept.iter().map(String::len).sum::<usize>();
        let mut out = Vec::with_capacity(size);
        let mut from = 0;
        let finder = memmem::Finder::new(mark);
        while let Some(at) = finder.find(&rendered[from..]).map(|i| from + i) {
            let (n, len) = self.stand_in(&rendered[at..])?;
            let text = self.kept.get(n)?;
            out.extend_from_slice(&rendered[from..at]);
            out.extend_from_slice(text.as_bytes());
            from = at + len;
        }
        out.extend_from_slice(&rendered[from..]);
        Some(out)
    }
}

impl Stash {
    /// The number and length of the stand-in `bytes` start with, if they start with one of
    /// this page's.
    fn stand_in(&self, bytes: &[u8]) -> Option<(usize, usize)> {
        let mark = MARK.as_bytes();
        let rest = bytes.strip_prefix(mark)?;
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let n = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
        let rest = rest[digits..].strip_prefix(b"-")?;
        let rest = rest.strip_prefix(self.nonce.as_bytes())?;
        rest.starts_with(mark)
            .then_some((n, 2 * mark.len() + digits + 1 + self.nonce.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fields_printed_whole_or_tested_are_spliced() {
        let s = Splicer::new([
            "<div>{{ page.content | safe }}</div>{%- if page.references -%}{{page.references|safe}}{% endif %}",
            "{% for t in terms %}{{ t.definition | safe }}{% if t.appears_in %}{{ t.appears_in | striptags }}{% endif %}{% endfor %}",
            "<meta name=\"description\" content=\"{{ page.summary }}\">{% set x = page.json_ld %}",
        ]);
        assert!(s.allows("content"));
        assert!(s.allows("references"));
        assert!(s.allows("definition"));
        assert!(!s.allows("appears_in"));
        assert!(!s.allows("json_ld"));
        // Never mentioned: nothing to get wrong.
        assert!(s.allows("terms_html"));
        assert!(!s.allows("summary"));
    }

    #[test]
    fn a_theme_that_rewrites_printed_text_gets_no_splicing() {
        let plain = "{{ page.content | safe }}";
        for rewriting in [
            "{% filter lower %}x{% endfilter %}",
            "{%- set body -%}{{ page.content | safe }}{% endset %}{{ body | length }}",
            "{% set_global all %}x{% endset_global %}",
            "{{ macros::card(p=page) | upper }}",
            "{{ super() | trim }}",
            "{{ <Card title=\"x\" /> | lower }}",
            "{% <Card title=\"x\"> %}{{ page.content | safe }}{% </Card> %}",
            "{% component Card(title) %}{{ body | upper }}{% endcomponent %}",
        ] {
            let s = Splicer::new([plain, rewriting]);
            assert!(!s.allows("content"), "{rewriting}");
        }
        // A value set with `=`, a filter on a variable and a call without a filter are fine.
        let s = Splicer::new([
            plain,
            "{% set x = page.title | upper %}{{ page.date | date(format=\"%Y\") }}{{ m::f(p=page) }}",
        ]);
        assert!(s.allows("content"));
    }

    #[test]
    fn stand_ins_are_replaced_and_stray_marks_refused() {
        let s = Splicer::new(["{{ page.content | safe }}"]);
        let mut stash = Stash::default();
        let mut body = "<p>body</p>".to_string();
        let mut empty = String::new();
        stash.keep(&s, "content", &mut body);
        stash.keep(&s, "content", &mut empty);
        assert!(body.starts_with("\u{E001}0-"), "{body}");
        assert_eq!(empty, "");
        let out = stash.splice(format!("<main>{body}</main>{body}").as_bytes());
        assert_eq!(
            out.as_deref(),
            Some(&b"<main><p>body</p></main><p>body</p>"[..])
        );
        assert_eq!(stash.splice("a \u{E001} b".as_bytes()), None);
        // Text shaped like a stand-in, without the page's random number, is not one.
        assert_eq!(stash.splice("\u{E001}0\u{E001}".as_bytes()), None);
        let other = if stash.nonce.starts_with('0') {
            '1'
        } else {
            '0'
        };
        let forged = format!("\u{E001}0-{other}{}\u{E001}", &stash.nonce[1..]);
        assert_eq!(stash.splice(forged.as_bytes()), None);
        stash.put_back(&mut body);
        assert_eq!(body, "<p>body</p>");
    }
}
