//! Splitting a Markdown file into its YAML front-matter and its body.
//!
//! The split is done by hand rather than with pulldown-cmark's metadata-block option, which
//! accepts a `---` block anywhere in a document and turns an unclosed block into a rule. Doing
//! it here keeps the byte offset of the YAML, so a YAML error points at the right line of the
//! file rather than of the snippet.

use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::diagnostics::Diagnostic;

/// The pieces of a page file, as byte ranges of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Where `yaml` starts in the file.
    pub yaml_offset: usize,
    pub body: &'a str,
    /// Where `body` starts in the file.
    pub body_offset: usize,
}

/// Splits `text` at its `---` fences. Every page must have front-matter (it carries `title`).
pub fn split<'a>(file: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error("empty-file", "the file is empty")
            .at(file, text, 0..0)
            .with_help("start it with front-matter:\n---\ntitle: Page title\n---"));
    }
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if text[start..first_end].trim_end() != "---" {
        return Err(Diagnostic::error(
            "missing-front-matter",
            "the file does not start with front-matter (a `---` line)",
        )
        .at(file, text, start..first_end)
        .with_help("begin the file with:\n---\ntitle: Page title\n---"));
    }
    let yaml_offset = (first_end + 1).min(text.len());
    // Only lines starting with `-` or `.` can close the block: look at those alone. Front-matter
    // with reference lists runs to thousands of lines.
    let bytes = text.as_bytes();
    let line_starts = std::iter::once(yaml_offset)
        .chain(memchr::memchr_iter(b'\n', &bytes[yaml_offset..]).map(|i| yaml_offset + i + 1));
    for pos in line_starts {
        if !matches!(bytes.get(pos), Some(b'-' | b'.')) {
            continue;
        }
        let line_end = memchr::memchr(b'\n', &bytes[pos..]).map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end();
        if line == "---" || line == "..." {
            let body_offset = (line_end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_offset..pos],
                yaml_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
    }
    Err(Diagnostic::error(
        "unclosed-front-matter",
        "the front-matter opened here is never closed",
    )
    .at(file, text, start..first_end)
    .with_help("add a line with only `---` after the last front-matter key"))
}

/// A calendar date written `YYYY-MM-DD`, checked to exist (no 30 February).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let ok_shape = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !ok_shape {
            return Err(format!("`{s}` is not a date: write dates as YYYY-MM-DD"));
        }
        s.parse::<jiff::civil::Date>()
            .map(Date)
            .map_err(|_| format!("`{s}` is not a real calendar date"))
    }

    /// `2026-11-05` → `5 November 2026`, the form readers see.
    pub fn long(&self) -> String {
        self.0.strftime("%-d %B %Y").to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Who a page is written for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Patients,
    Clinicians,
    Students,
    Researchers,
}

impl Audience {
    pub fn label(self) -> &'static str {
        match self {
            Audience::Patients => "Patients",
            Audience::Clinicians => "Clinicians",
            Audience::Students => "Students",
            Audience::Researchers => "Researchers",
        }
    }
}

/// Front-matter of articles, pages and section indexes.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub updated: Option<Date>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub authors: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub reviewed_by: Vec<String>,
    #[serde(default)]
    pub last_reviewed: Option<Date>,
    #[serde(default)]
    pub audience: Vec<Audience>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    /// `false` turns off automatic glossary links on this page (explicit ones still work).
    #[serde(default)]
    pub glossary: Option<bool>,
    /// Works cited by this page, defined inline (CSL-like fields; see `cite::RefInput`).
    #[serde(default)]
    pub references: Vec<crate::cite::RefInput>,
    /// Shows the site's crisis box (`site.yaml` `crisis:`) on this page.
    #[serde(default)]
    pub crisis: bool,
    /// Diagnostic codes `glia check` should not report for this page (`[uncited-claims]`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub allow: Vec<String>,
    /// Old addresses of this page (`/old/path/`): each gets a redirect page, and the site a
    /// `_redirects` line (`resolve::aliases`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub aliases: Vec<String>,
    /// Another template of the theme for this page (`template: wide.html`).
    #[serde(default)]
    pub template: Option<String>,
    /// On a section's `_index.md`: the template of the pages in it (and in its subsections
    /// that set none), as Zola names it.
    #[serde(default)]
    pub page_template: Option<String>,
}

/// Accepts `authors: A` as well as `authors: [A, B]`: both are natural to write. A visitor
/// rather than an untagged enum, so a wrong shape (`tags: {a: 1}`) is reported at the value
/// and said plainly, not as "did not match any variant of untagged enum".
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct OneOrMany;
    impl<'de> serde::de::Visitor<'de> for OneOrMany {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a text or a list of texts")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        // `tags: 2026` is a tag named 2026, as it is in a list.
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Vec<String>, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(OneOrMany)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_keeps_offsets() {
        let text = "---\ntitle: A\n---\nbody\n";
        let s = split("a.md", text).unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(&text[s.yaml_offset..s.yaml_offset + 5], "title");
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn bom_is_tolerated() {
        let text = "\u{feff}---\ntitle: A\n---\n";
        assert_eq!(split("a.md", text).unwrap().yaml, "title: A\n");
    }

    #[test]
    fn unclosed_is_an_error_on_line_one() {
        let d = split("a.md", "---\ntitle: A\nbody\n").unwrap_err();
        assert_eq!(d.code, "unclosed-front-matter");
        assert_eq!(d.location.unwrap().line, 1);
    }

    #[test]
    fn a_rule_later_in_the_body_is_not_front_matter() {
        let d = split("a.md", "# Hi\n\n---\ntitle: x\n---\n").unwrap_err();
        assert_eq!(d.code, "missing-front-matter");
    }

    #[test]
    fn one_or_many_takes_a_text_a_number_or_a_list() {
        let fm = |y: &str| serde_yaml::from_str::<FrontMatter>(y).map(|f| f.tags);
        assert_eq!(fm("title: A\ntags: ect\n").unwrap(), ["ect"]);
        assert_eq!(fm("title: A\ntags: 2026\n").unwrap(), ["2026"]);
        assert_eq!(fm("title: A\ntags: [a, 2026]\n").unwrap(), ["a", "2026"]);
        assert!(fm("title: A\ntags:\n").unwrap().is_empty());
        let e = fm("title: A\ntags: {a: 1}\n").unwrap_err().to_string();
        assert!(e.contains("expected a text or a list of texts"), "{e}");
    }

    #[test]
    fn dates_are_real() {
        assert!(Date::parse("2026-02-28").is_ok());
        assert!(Date::parse("2026-02-30").is_err());
        assert!(Date::parse("26-2-3").is_err());
        assert_eq!(Date::parse("2026-11-05").unwrap().long(), "5 November 2026");
    }
}
