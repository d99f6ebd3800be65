//! The shape an editor writes a reference in — front-matter `references:` and glia's `.yaml`
//! files — and its conversion into a checked [`Reference`].
//!
//! The YAML is deserialized strictly (unknown fields refused, names and numbers in the forms
//! editors actually write) so that a typo is reported at its key rather than silently dropping
//! a field; glia's spellings and CSL-YAML's are both accepted, and an entry that gives both for
//! one field is a problem, because the two can disagree.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::reference::{
    check_reference, json_date, non_empty, Date, FieldProblem, Name, Reference, Spelling,
};

/// One reference as an editor writes it, in front-matter `references:` or a `.yaml` file.
///
/// Unknown fields are refused so that a typo (`tittle:`) is reported instead of silently
/// dropping the title. Numbers may be written bare (`volume: 8`) or quoted.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefInput {
    id: Scalar,
    #[serde(rename = "type")]
    kind: Option<String>,
    title: Option<String>,
    #[serde(default)]
    authors: Vec<NameInput>,
    #[serde(default)]
    editors: Vec<NameInput>,
    container: Option<String>,
    year: Option<Scalar>,
    month: Option<Scalar>,
    day: Option<Scalar>,
    volume: Option<Scalar>,
    issue: Option<Scalar>,
    pages: Option<Scalar>,
    publisher: Option<String>,
    place: Option<String>,
    edition: Option<Scalar>,
    number: Option<Scalar>,
    version: Option<Scalar>,
    genre: Option<String>,
    doi: Option<Scalar>,
    pmid: Option<Scalar>,
    pmcid: Option<Scalar>,
    url: Option<String>,
    /// `2024-03-01` in glia's shape, `{date-parts: [[2024, 3, 1]]}` in CSL-YAML.
    accessed: Option<serde_json::Value>,
    // The same fields as pandoc's CSL-YAML spells them, so a pandoc or Quarto document's
    // `references:` move over unchanged.
    #[serde(default)]
    author: Vec<NameInput>,
    #[serde(default)]
    editor: Vec<NameInput>,
    #[serde(rename = "container-title")]
    container_title: Option<String>,
    #[serde(rename = "container-title-short")]
    container_short: Option<String>,
    /// pandoc renames Zotero's `journalAbbreviation` in CSL-JSON only; in YAML it is unused.
    #[serde(rename = "journalAbbreviation")]
    _journal_abbreviation: Option<de::IgnoredAny>,
    issued: Option<serde_json::Value>,
    page: Option<Scalar>,
    #[serde(rename = "publisher-place")]
    publisher_place: Option<String>,
    #[serde(rename = "DOI")]
    csl_doi: Option<Scalar>,
    #[serde(rename = "PMID")]
    csl_pmid: Option<Scalar>,
    #[serde(rename = "PMCID")]
    csl_pmcid: Option<Scalar>,
    #[serde(rename = "URL")]
    csl_url: Option<String>,
    /// CSL variables glia does not print, accepted so that exported references load as they
    /// are (reference managers fill them in).
    #[serde(rename = "abstract")]
    _abstract: Option<de::IgnoredAny>,
    #[serde(rename = "title-short", alias = "shortTitle")]
    _title_short: Option<de::IgnoredAny>,
    #[serde(rename = "language")]
    _language: Option<de::IgnoredAny>,
    #[serde(rename = "ISSN")]
    _issn: Option<de::IgnoredAny>,
    #[serde(rename = "ISBN")]
    _isbn: Option<de::IgnoredAny>,
    #[serde(rename = "note")]
    _note: Option<de::IgnoredAny>,
    #[serde(rename = "source")]
    _source: Option<de::IgnoredAny>,
    #[serde(rename = "keyword")]
    _keyword: Option<de::IgnoredAny>,
    #[serde(rename = "citation-key")]
    _citation_key: Option<de::IgnoredAny>,
}

impl RefInput {
    /// The field names, for did-you-mean hints on typos.
    pub const FIELDS: &'static [&'static str] = &[
        "id",
        "type",
        "title",
        "authors",
        "editors",
        "container",
        "year",
        "month",
        "day",
        "volume",
        "issue",
        "pages",
        "publisher",
        "place",
        "edition",
        "number",
        "version",
        "genre",
        "doi",
        "pmid",
        "pmcid",
        "url",
        "accessed",
        "author",
        "editor",
        "container-title",
        "container-title-short",
        "journalAbbreviation",
        "issued",
        "page",
        "publisher-place",
        "DOI",
        "PMID",
        "PMCID",
        "URL",
        "abstract",
        "title-short",
        "language",
        "ISSN",
        "ISBN",
        "note",
        "source",
        "keyword",
        "citation-key",
    ];

    pub fn id(&self) -> &str {
        &self.id.0
    }
}

/// A string or a number: YAML turns `volume: 8` and `pmid: 35048815` into numbers, and editors
/// should not have to quote them.
#[derive(Debug, Clone, PartialEq)]
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.trim().to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A name as written: `"Smith JA"`, `{family, given}` or `{literal}`. Deserialized by hand so a
/// misspelt key (`{famliy: …}`) gets a precise "unknown field" error rather than serde's
/// "data did not match any variant".
#[derive(Debug, Clone, PartialEq)]
enum NameInput {
    Compact(String),
    Parts {
        family: String,
        given: Option<String>,
    },
    Literal(String),
}

impl<'de> Deserialize<'de> for NameInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        const KEYS: &[&str] = &[
            "family",
            "given",
            "literal",
            "non-dropping-particle",
            "dropping-particle",
        ];
        impl<'de> Visitor<'de> for V {
            type Value = NameInput;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name like \"Smith JA\", {family, given} or {literal}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NameInput, E> {
                Ok(NameInput::Compact(v.trim().to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NameInput, A::Error> {
                let (mut family, mut given, mut literal) = (None, None, None);
                let (mut dropping, mut non_dropping): (Option<String>, Option<String>) =
                    (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    let value: String = map.next_value()?;
                    match key.as_str() {
                        "family" => family = Some(value),
                        "given" => given = Some(value),
                        "literal" => literal = Some(value),
                        "dropping-particle" => dropping = Some(value),
                        "non-dropping-particle" => non_dropping = Some(value),
                        other => return Err(de::Error::unknown_field(other, KEYS)),
                    }
                }
                // CSL-YAML's particles (`van`, `de`) belong before the family name.
                let family = family.map(|f| {
                    super::reference::family_with_particles(
                        f,
                        dropping.as_deref(),
                        non_dropping.as_deref(),
                    )
                });
                match (family, literal) {
                    (Some(_), Some(_)) => Err(de::Error::custom(
                        "a name has either `family` (a person) or `literal` (an organisation), not both",
                    )),
                    (Some(family), None) => Ok(NameInput::Parts { family, given }),
                    (None, Some(literal)) if given.is_none() => Ok(NameInput::Literal(literal)),
                    (None, Some(_)) => Err(de::Error::custom(
                        "`given` makes no sense with `literal`; use `family` and `given` for a person",
                    )),
                    (None, None) => Err(de::Error::missing_field("family")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

fn scalar(s: Option<Scalar>) -> Option<String> {
    non_empty(s.map(|s| s.0))
}

impl RefInput {
    /// Checks and converts; every problem is returned, not only the first.
    pub(super) fn into_reference(self) -> Result<Reference, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let id = self.id.0.clone();
        // CSL-YAML spells the identifiers in capitals: problems point at the key as written.
        let csl = self.csl_doi.is_some()
            || self.csl_pmid.is_some()
            || self.csl_pmcid.is_some()
            || self.csl_url.is_some();
        let spelling = if csl { &Spelling::CSL } else { &Spelling::GLIA };
        let kind = non_empty(self.kind).unwrap_or_else(|| "article-journal".to_string());
        let mut r = Reference::empty(&id, &kind);
        r.title = non_empty(self.title);
        let mut either = |glia: &str, csl: &str, a: Vec<NameInput>, b: Vec<NameInput>| {
            if !a.is_empty() && !b.is_empty() {
                problems.push(both_spellings(glia, csl));
            }
            let (field, list) = if a.is_empty() { (csl, b) } else { (glia, a) };
            names(field, list, &mut problems)
        };
        r.authors = either("authors", "author", self.authors, self.author);
        r.editors = either("editors", "editor", self.editors, self.editor);
        r.container = one_spelling(
            ("container", non_empty(self.container)),
            ("container-title", non_empty(self.container_title)),
            &mut problems,
        );
        r.container_short = non_empty(self.container_short);
        let has_year_parts = self.year.is_some() || self.month.is_some() || self.day.is_some();
        if has_year_parts && self.issued.is_some() {
            problems.push(both_spellings("year", "issued"));
        }
        r.issued = match self.issued {
            Some(v) => json_date(Some(&v), "issued", &mut problems),
            None => date_from_parts(
                scalar(self.year),
                scalar(self.month),
                scalar(self.day),
                &mut problems,
            ),
        };
        r.volume = scalar(self.volume);
        r.issue = scalar(self.issue);
        r.pages = one_spelling(
            ("pages", scalar(self.pages)),
            ("page", scalar(self.page)),
            &mut problems,
        );
        r.publisher = non_empty(self.publisher);
        r.place = one_spelling(
            ("place", non_empty(self.place)),
            ("publisher-place", non_empty(self.publisher_place)),
            &mut problems,
        );
        r.edition = scalar(self.edition);
        r.number = scalar(self.number);
        r.version = scalar(self.version);
        r.genre = non_empty(self.genre);
        r.doi = one_spelling(
            ("doi", scalar(self.doi)),
            ("DOI", scalar(self.csl_doi)),
            &mut problems,
        );
        r.pmid = one_spelling(
            ("pmid", scalar(self.pmid)),
            ("PMID", scalar(self.csl_pmid)),
            &mut problems,
        );
        r.pmcid = one_spelling(
            ("pmcid", scalar(self.pmcid)),
            ("PMCID", scalar(self.csl_pmcid)),
            &mut problems,
        );
        r.url = one_spelling(
            ("url", non_empty(self.url)),
            ("URL", non_empty(self.csl_url)),
            &mut problems,
        );
        r.accessed = match self.accessed {
            None => None,
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => json_date(Some(&v), "accessed", &mut problems),
        };
        problems.extend(check_reference(&r, spelling));
        if problems.is_empty() {
            Ok(r)
        } else {
            Err(problems)
        }
    }
}

/// An entry that spells one field both ways (glia's `year` and CSL's `issued`): neither may be
/// dropped silently, since the two can disagree.
fn both_spellings(glia: &str, csl: &str) -> FieldProblem {
    FieldProblem::new(csl, "bad-reference", format!("both `{glia}` and `{csl}`"))
        .help(format!("keep one of `{glia}` and `{csl}`"))
}

/// The value of a field that glia's shape and CSL-YAML spell differently; both given is a
/// problem pointing at the CSL spelling.
fn one_spelling<T>(
    (glia, a): (&str, Option<T>),
    (csl, b): (&str, Option<T>),
    problems: &mut Vec<FieldProblem>,
) -> Option<T> {
    if a.is_some() && b.is_some() {
        problems.push(both_spellings(glia, csl));
    }
    a.or(b)
}

fn names(field: &str, input: Vec<NameInput>, problems: &mut Vec<FieldProblem>) -> Vec<Name> {
    let mut out = Vec::new();
    for n in input {
        match n {
            NameInput::Parts { family, given } => out.push(Name::Person {
                family: family.trim().to_string(),
                given: non_empty(given),
            }),
            NameInput::Literal(l) => out.push(Name::Literal(l.trim().to_string())),
            NameInput::Compact(s) => match parse_compact_name(&s) {
                Some(name) => out.push(name),
                None => problems.push(
                    FieldProblem::new(
                        field,
                        "bad-name",
                        format!("cannot tell the family name from the initials in `{s}`"),
                    )
                    .help(
                        "write `Family GN` (e.g. `Smith JA`), `{family: Smith, given: Jane}`, \
                         or `{literal: World Health Organization}` for an organisation",
                    ),
                ),
            },
        }
    }
    out
}

/// `Smith JA`, `van der Berg A-M` or `Smith, Jane`; `None` when the last word is not initials.
fn parse_compact_name(s: &str) -> Option<Name> {
    if let Some((family, given)) = s.split_once(',') {
        return Some(Name::Person {
            family: family.trim().to_string(),
            given: non_empty(Some(given.to_string())),
        });
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    match words.as_slice() {
        [] => None,
        [family] => Some(Name::Person {
            family: family.to_string(),
            given: None,
        }),
        [family @ .., initials] => {
            let is_initials = initials.chars().count() <= 4
                && initials.chars().any(char::is_uppercase)
                && initials
                    .chars()
                    .all(|c| c.is_uppercase() || c == '-' || c == '.');
            is_initials.then(|| Name::Person {
                family: family.join(" "),
                given: Some(expand_initials(initials)),
            })
        }
    }
}

/// `JA` → `J. A.` and `J-P` → `J.-P.`: CSL processors initialise given names word by word, so
/// compact initials must become separate words or `JA` would print as plain `J`.
fn expand_initials(initials: &str) -> String {
    let mut out = String::new();
    for c in initials.chars() {
        match c {
            '.' => {}
            '-' => out.push('-'),
            c => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push(' ');
                }
                out.push(c);
                out.push('.');
            }
        }
    }
    out
}

fn date_from_parts(
    year: Option<String>,
    month: Option<String>,
    day: Option<String>,
    problems: &mut Vec<FieldProblem>,
) -> Option<Date> {
    let year_text = year?;
    let Ok(year) = year_text.parse::<i32>() else {
        problems.push(
            FieldProblem::new(
                "year",
                "bad-year",
                format!("`year: {year_text}` is not a number"),
            )
            .help("write the year of publication as digits, e.g. `year: 2021`"),
        );
        return None;
    };
    let mut part = |name: &str, v: Option<String>, max: u8| -> Option<u8> {
        let v = v?;
        match v.parse::<u8>() {
            Ok(n) if (1..=max).contains(&n) => Some(n),
            _ => {
                problems.push(FieldProblem::new(
                    name,
                    "bad-date",
                    format!("`{name}: {v}` is not a number from 1 to {max}"),
                ));
                None
            }
        }
    };
    let month = part("month", month, 12);
    let day = part("day", day, 31);
    Some(Date { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::model::load_bibliography_file;
    use crate::cite::model::LoadedRef;
    use crate::diagnostics::Diagnostic;

    fn yaml(text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
        load_bibliography_file("refs.yaml", text)
    }

    #[test]
    fn compact_names() {
        assert_eq!(
            parse_compact_name("van der Berg A-M"),
            Some(Name::Person {
                family: "van der Berg".into(),
                given: Some("A.-M.".into())
            })
        );
        assert_eq!(parse_compact_name("World Health Organization"), None);
    }

    #[test]
    fn every_problem_of_an_entry_is_reported() {
        let (refs, diags) = yaml("- id: a\n  doi: 10.1/\n  pmid: PM1\n  year: soon\n");
        assert!(refs.is_empty());
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["bad-year", "bad-doi", "bad-pmid"]);
    }

    #[test]
    fn unknown_type_suggests() {
        let (_, diags) = yaml("- id: a\n  type: artcle-journal\n");
        assert_eq!(
            diags[0].help.as_deref(),
            Some("did you mean `article-journal`?")
        );
        assert_eq!(
            diags[0].location.as_ref().map(|l| (l.line, l.column)),
            Some((2, 9))
        );
    }
}
