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

/// The `references:` of a page's front-matter (`text` is the page's text, or its start up to
/// the body), read again: resolve moves them out of the page into the bibliography
/// ([`super::ParsedPage::take_references`]), and `glia serve` compares those an edit leaves
/// with those the page had. `None` when the front-matter cannot be read.
pub fn references(text: &str) -> Option<Vec<crate::cite::RefInput>> {
    /// Only `references:`: the page was read whole before, so the other keys are known good.
    #[derive(Deserialize)]
    struct Only {
        #[serde(default)]
        references: Vec<crate::cite::RefInput>,
    }
    let yaml = split("", text).ok()?.yaml;
    if yaml.trim().is_empty() {
        return Some(Vec::new());
    }
    serde_yaml::from_str::<Only>(yaml)
        .ok()
        .map(|o| o.references)
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
    /// Who reviewed the page: names (`Dr A. Rivera`) or `{name, role, credentials}`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub reviewed_by: Vec<Reviewer>,
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
    /// The picture shared with links to this page (`og:image`): a file the site publishes,
    /// written like an image in the page's Markdown (`hero.png` beside it, `/images/x.png`
    /// from the site root). Default: `og_image:` in site.yaml.
    #[serde(default)]
    pub image: Option<String>,
    /// Diagnostic codes `glia check` should not report for this page (`[uncited-claims]`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub allow: Vec<String>,
    /// The pages shown as "Related", by their Markdown files (`[other.md]`), instead of the
    /// automatic list (`resolve::related`).
    #[serde(default)]
    pub related: Option<Vec<String>>,
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

/// A clinician who reviewed a page: a name alone, or with their role and credentials.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Reviewer {
    pub name: String,
    /// `Consultant psychiatrist`.
    pub role: Option<String>,
    /// `MD, MRCPsych`.
    pub credentials: Option<String>,
}

impl Reviewer {
    /// `Dr A. Rivera, MRCPsych, Consultant psychiatrist`: the name, then whatever else is given.
    pub fn display(&self) -> String {
        let mut parts = vec![self.name.as_str()];
        parts.extend(self.credentials.as_deref());
        parts.extend(self.role.as_deref());
        parts.retain(|p| !p.trim().is_empty());
        parts.join(", ")
    }
}

/// The written form of a reviewer given in full; unknown keys are refused as everywhere.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewerFields {
    name: String,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    credentials: Option<String>,
}

impl OneItem for Reviewer {
    const EXPECTING: &'static str = "a name, `{name, role, credentials}`, or a list of them";
    const MAP: bool = true;
    fn from_text(s: String) -> Self {
        Reviewer {
            name: s,
            ..Reviewer::default()
        }
    }
}

impl<'de> Deserialize<'de> for Reviewer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Reviewer;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name or `{name, role, credentials}`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Reviewer, E> {
                Ok(Reviewer::from_text(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Reviewer, A::Error> {
                let f =
                    ReviewerFields::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Reviewer {
                    name: f.name,
                    role: f.role,
                    credentials: f.credentials,
                })
            }
        }
        d.deserialize_any(Visit)
    }
}

/// What [`one_or_many`] can collect: a text makes one item; a map makes one only when the
/// item itself is written as a map.
trait OneItem: Sized {
    const EXPECTING: &'static str;
    const MAP: bool = false;
    fn from_text(s: String) -> Self;
}

impl OneItem for String {
    const EXPECTING: &'static str = "a text or a list of texts";
    fn from_text(s: String) -> Self {
        s
    }
}

/// Accepts `authors: A` as well as `authors: [A, B]`: both are natural to write. A visitor
/// rather than an untagged enum, so a wrong shape (`tags: {a: 1}`) is reported at the value
/// and said plainly, not as "did not match any variant of untagged enum".
fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: OneItem + Deserialize<'de>,
{
    struct OneOrMany<T>(std::marker::PhantomData<T>);
    impl<'de, T: OneItem + Deserialize<'de>> serde::de::Visitor<'de> for OneOrMany<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Vec<T>, E> {
            Ok(vec![T::from_text(v.to_string())])
        }
        // `tags: 2026` is a tag named 2026, as it is in a list.
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Vec<T>, E> {
            Ok(vec![T::from_text(v.to_string())])
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Vec<T>, E> {
            Ok(vec![T::from_text(v.to_string())])
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Vec<T>, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            if !T::MAP {
                return Err(serde::de::Error::invalid_type(
                    serde::de::Unexpected::Map,
                    &self,
                ));
            }
            Ok(vec![T::deserialize(
                serde::de::value::MapAccessDeserializer::new(map),
            )?])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<T>()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(OneOrMany(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Dated {
        title: String,
        date: Date,
    }

    #[test]
    fn a_bad_value_is_located_at_the_value() {
        let text = "---\ntitle: A\ndate: 2026-02-30\n---\n";
        let d = crate::yaml::from_str::<Dated>(&text[4..30], "a.md", text, 4, "front-matter")
            .unwrap_err();
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.column), (3, 7), "{}", d.message);
        assert_eq!(d.code, "invalid-date");
    }

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
    fn reviewers_are_names_or_name_role_credentials() {
        let fm = |y: &str| serde_yaml::from_str::<FrontMatter>(y).map(|f| f.reviewed_by);
        assert_eq!(
            fm("title: A\nreviewed_by: Panel\n").unwrap()[0].display(),
            "Panel"
        );
        let full = "title: A\nreviewed_by:\n  - {name: Dr A. Rivera, role: Consultant psychiatrist}\n  - B\n";
        let r = fm(full).unwrap();
        assert_eq!(r[0].display(), "Dr A. Rivera, Consultant psychiatrist");
        assert_eq!(r[1].name, "B");
        let one = "title: A\nreviewed_by: {name: C, credentials: MD, role: Psychiatrist}\n";
        assert_eq!(fm(one).unwrap()[0].display(), "C, MD, Psychiatrist");
        let e = fm("title: A\nreviewed_by: [{name: C, rol: x}]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `rol`"), "{e}");
    }

    #[test]
    fn dates_are_real() {
        assert!(Date::parse("2026-02-28").is_ok());
        assert!(Date::parse("2026-02-30").is_err());
        assert!(Date::parse("26-2-3").is_err());
    }
}
