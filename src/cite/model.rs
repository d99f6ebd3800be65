//! Reference data: glia's YAML shape, the validated [`Reference`], loading of bibliography files
//! and the merged [`Bibliography`].
//!
//! Every input format (glia YAML, BibTeX/BibLaTeX, CSL-JSON) is turned into the same plain
//! [`Reference`] before anything is formatted, so a work looks the same whichever file it came
//! from, and the safety checks (DOI shape, http(s)-only URLs) run once for all of them.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::diagnostics::{did_you_mean, Diagnostic, LineIndex, Location};

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
                let mut particles: Vec<String> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: String = map.next_value()?;
                    match key.as_str() {
                        "family" => family = Some(value),
                        "given" => given = Some(value),
                        "literal" => literal = Some(value),
                        // CSL-YAML's particles (`van`, `de`) belong before the family name.
                        "dropping-particle" => particles.insert(0, value),
                        "non-dropping-particle" => particles.push(value),
                        other => return Err(de::Error::unknown_field(other, KEYS)),
                    }
                }
                if let Some(f) = family.as_mut().filter(|_| !particles.is_empty()) {
                    *f = format!("{} {f}", particles.join(" "));
                }
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

/// A validated reference, shaped like CSL's data model so that it maps one to one onto
/// CSL-JSON for formatting and export.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    pub id: String,
    /// CSL item type: `article-journal`, `book`, `chapter`, `report`, `webpage`, `thesis`, …
    pub kind: String,
    pub title: Option<String>,
    pub authors: Vec<Name>,
    pub editors: Vec<Name>,
    /// Journal for an article, book for a chapter, site for a web page.
    pub container: Option<String>,
    /// The container's abbreviation (`Am J Psychiatry`), which Vancouver and AMA print.
    pub container_short: Option<String>,
    pub issued: Option<Date>,
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub publisher: Option<String>,
    pub place: Option<String>,
    pub edition: Option<String>,
    /// A report's or trial registration's number (`NCT05057702`).
    pub number: Option<String>,
    /// Software's or a data set's version (`v1.0.0`).
    pub version: Option<String>,
    /// The kind of work within its type (`preprint`, `Clinical trial registration`).
    pub genre: Option<String>,
    pub doi: Option<String>,
    pub pmid: Option<String>,
    pub pmcid: Option<String>,
    /// Always http or https: anything else is refused when loading.
    pub url: Option<String>,
    pub accessed: Option<Date>,
}

impl Reference {
    fn empty(id: &str, kind: &str) -> Reference {
        Reference {
            id: id.to_string(),
            kind: kind.to_string(),
            title: None,
            authors: vec![],
            editors: vec![],
            container: None,
            container_short: None,
            issued: None,
            volume: None,
            issue: None,
            pages: None,
            publisher: None,
            place: None,
            edition: None,
            number: None,
            version: None,
            genre: None,
            doi: None,
            pmid: None,
            pmcid: None,
            url: None,
            accessed: None,
        }
    }

    /// The first author's family name (or organisation), for sorting the site-wide index.
    pub fn first_author_sort_key(&self) -> String {
        self.authors
            .first()
            .or(self.editors.first())
            .map(|n| match n {
                Name::Person { family, .. } => family.to_lowercase(),
                Name::Literal(l) => l.to_lowercase(),
            })
            .unwrap_or_default()
    }
}

/// A person or an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Name {
    Person {
        family: String,
        given: Option<String>,
    },
    Literal(String),
}

/// A calendar date; month and day are optional because most references give only a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// The CSL 1.0.2 item types, so a misspelt `type:` is caught with a suggestion instead of
/// silently formatting as a generic document.
pub const CSL_TYPES: &[&str] = &[
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "event",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
];

/// A problem with one field of one entry, before it has a file position.
#[derive(Debug, Clone, PartialEq)]
struct FieldProblem {
    /// The field as the input format spells it (`doi`, `DOI`), to point at it in the file.
    field: String,
    code: &'static str,
    message: String,
    help: Option<String>,
}

impl FieldProblem {
    fn new(field: &str, code: &'static str, message: String) -> Self {
        FieldProblem {
            field: field.to_string(),
            code,
            message,
            help: None,
        }
    }
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    let s = s?;
    match s.trim() {
        "" => None,
        t if t.len() == s.len() => Some(s),
        t => Some(t.to_string()),
    }
}

fn scalar(s: Option<Scalar>) -> Option<String> {
    non_empty(s.map(|s| s.0))
}

impl RefInput {
    /// Checks and converts; every problem is returned, not only the first.
    fn into_reference(self) -> Result<Reference, Vec<FieldProblem>> {
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
                problems.push(
                    FieldProblem::new(csl, "bad-reference", format!("both `{glia}` and `{csl}`"))
                        .help(format!("keep one list of names: `{glia}` or `{csl}`")),
                );
            }
            let (field, list) = if a.is_empty() { (csl, b) } else { (glia, a) };
            names(field, list, &mut problems)
        };
        r.authors = either("authors", "author", self.authors, self.author);
        r.editors = either("editors", "editor", self.editors, self.editor);
        r.container = non_empty(self.container).or(non_empty(self.container_title));
        r.container_short = non_empty(self.container_short);
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
        r.pages = scalar(self.pages).or(scalar(self.page));
        r.publisher = non_empty(self.publisher);
        r.place = non_empty(self.place).or(non_empty(self.publisher_place));
        r.edition = scalar(self.edition);
        r.number = scalar(self.number);
        r.version = scalar(self.version);
        r.genre = non_empty(self.genre);
        r.doi = scalar(self.doi).or(scalar(self.csl_doi));
        r.pmid = scalar(self.pmid).or(scalar(self.csl_pmid));
        r.pmcid = scalar(self.pmcid).or(scalar(self.csl_pmcid));
        r.url = non_empty(self.url).or(non_empty(self.csl_url));
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

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn parse_iso_date(s: &str) -> Option<Date> {
    let mut parts = s.trim().split('-');
    let year = parts.next()?.parse::<i32>().ok()?;
    let month = parts.next().map(|m| m.parse::<u8>().ok()).unwrap_or(None);
    let day = parts.next().map(|d| d.parse::<u8>().ok()).unwrap_or(None);
    if parts.next().is_some()
        || month.is_some_and(|m| !(1..=12).contains(&m))
        || day.is_some_and(|d| !(1..=31).contains(&d))
        || (day.is_some() && month.is_none())
    {
        return None;
    }
    Some(Date { year, month, day })
}

/// How each input format spells the checked fields, so problems point at the right key.
struct Spelling {
    kind: &'static str,
    doi: &'static str,
    pmid: &'static str,
    pmcid: &'static str,
    url: &'static str,
}

impl Spelling {
    const GLIA: Spelling = Spelling {
        kind: "type",
        doi: "doi",
        pmid: "pmid",
        pmcid: "pmcid",
        url: "url",
    };
    const CSL: Spelling = Spelling {
        kind: "type",
        doi: "DOI",
        pmid: "PMID",
        pmcid: "PMCID",
        url: "URL",
    };
    const BIB: Spelling = Spelling {
        kind: "@",
        doi: "doi",
        pmid: "eprint",
        pmcid: "pmcid",
        url: "url",
    };
}

/// The checks shared by every input format.
fn check_reference(r: &Reference, spell: &Spelling) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if !CSL_TYPES.contains(&r.kind.as_str()) {
        let mut p = FieldProblem::new(
            spell.kind,
            "bad-type",
            format!("unknown reference type `{}`", r.kind),
        );
        p = match did_you_mean(&r.kind, CSL_TYPES.iter().copied()) {
            Some(s) => p.help(format!("did you mean `{s}`?")),
            None => p.help(
                "use a CSL type such as article-journal, book, chapter, report, webpage or thesis",
            ),
        };
        problems.push(p);
    }
    if let Some(doi) = &r.doi {
        if !is_doi(doi) {
            let mut p = FieldProblem::new(spell.doi, "bad-doi", format!("malformed DOI `{doi}`"));
            p = match doi_from_url(doi) {
                Some(bare) => p.help(format!("write the bare DOI: `{bare}`")),
                None => p.help(
                    "a DOI looks like `10.1192/bjo.2021.1061`: `10.`, digits, `/`, then the suffix",
                ),
            };
            problems.push(p);
        }
    }
    if let Some(pmid) = &r.pmid {
        if pmid.is_empty() || !pmid.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(
                FieldProblem::new(spell.pmid, "bad-pmid", format!("malformed PMID `{pmid}`"))
                    .help("a PubMed ID is digits only, e.g. `35048815`"),
            );
        }
    }
    if let Some(pmcid) = &r.pmcid {
        let digits = pmcid.strip_prefix("PMC").unwrap_or("");
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(
                FieldProblem::new(
                    spell.pmcid,
                    "bad-pmcid",
                    format!("malformed PMCID `{pmcid}`"),
                )
                .help("a PubMed Central ID is `PMC` followed by digits, e.g. `PMC8715255`"),
            );
        }
    }
    if let Some(url) = &r.url {
        if !is_web_url(url) {
            problems.push(
                FieldProblem::new(
                    spell.url,
                    "bad-url",
                    format!("`{url}` is not an http(s) URL"),
                )
                .help("only http:// and https:// links are allowed in references"),
            );
        }
    }
    problems
}

/// `10.` + registrant (digits and dots) + `/` + a suffix without spaces.
fn is_doi(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("10.") else {
        return false;
    };
    let Some((registrant, suffix)) = rest.split_once('/') else {
        return false;
    };
    !registrant.is_empty()
        && registrant.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && registrant.as_bytes()[0].is_ascii_digit()
        && !registrant.ends_with('.')
        && !suffix.is_empty()
        && !suffix.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn doi_from_url(s: &str) -> Option<&str> {
    [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find_map(|p| s.strip_prefix(p))
    .map(str::trim)
    .filter(|d| is_doi(d))
}

/// http(s) with a host, and nothing a browser would reinterpret (spaces, quotes, controls).
fn is_web_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
}

/// A reference together with where it was defined, for diagnostics about duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedRef {
    pub reference: Reference,
    /// Display path of the defining file (a bibliography file or an article).
    pub file: String,
    /// Byte range where the entry starts in that file, best effort (`0..0` when unknown).
    pub span: Range<usize>,
    /// `span` as line and column, computed while the file's text was at hand.
    pub location: Option<Location>,
}

fn problems_to_diagnostics(
    file: &str,
    text: &str,
    entry: Range<usize>,
    id: &str,
    problems: Vec<FieldProblem>,
) -> Vec<Diagnostic> {
    problems
        .into_iter()
        .map(|p| {
            let span = find_field(text, entry.clone(), &p.field, false).unwrap_or(entry.clone());
            let mut d = Diagnostic::error(p.code, format!("reference `{id}`: {}", p.message))
                .at(file, text, span);
            if let Some(h) = p.help {
                d = d.with_help(h);
            }
            d
        })
        .collect()
}

/// Where `field` is written inside the entry at `entry` (`field:`, `"field":` or
/// `field = `), pointing at the value when there is one on the same line, unless `at_key`.
fn find_field(text: &str, entry: Range<usize>, field: &str, at_key: bool) -> Option<Range<usize>> {
    let region = text.get(entry.start..entry.end.max(entry.start))?;
    let mut from = 0;
    while let Some(rel) = region[from..].find(field) {
        let start = from + rel;
        from = start + field.len();
        let before = region[..start].chars().next_back();
        let boundary_before = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let after = region[from..].trim_start_matches('"').trim_start();
        let key_like = after.starts_with(':') || after.starts_with('=');
        if !(boundary_before && key_like) || field.is_empty() {
            continue;
        }
        let value_start = from + (region[from..].len() - after.len()) + 1;
        let line_end = region[value_start..]
            .find('\n')
            .map_or(region.len(), |i| value_start + i);
        let value = region[value_start..line_end].trim();
        let abs = entry.start;
        if at_key || value.is_empty() || value == "[" || value == "{" {
            return Some(abs + start..abs + start + field.len());
        }
        let vstart = value_start + region[value_start..line_end].find(value).unwrap_or(0);
        return Some(abs + vstart..abs + vstart + value.len());
    }
    None
}

/// Loads one bibliography file, choosing the reader by extension.
///
/// Problems never abort the file: every good entry is returned along with a diagnostic per bad
/// one, so an editor sees all mistakes at once.
pub fn load_bibliography_file(display_path: &str, text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
    let ext = display_path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "yaml" | "yml" => load_yaml(display_path, text),
        "bib" | "bibtex" => load_bib(display_path, text),
        "json" => load_csl_json(display_path, text),
        _ => (
            vec![],
            vec![Diagnostic::error(
                "bibliography-format",
                format!("cannot read `{display_path}` as a bibliography"),
            )
            .in_file(display_path)
            .with_help(
                "use a .yaml/.yml (glia's shape), .bib (BibTeX/BibLaTeX) or .json (CSL-JSON) file",
            )],
        ),
    }
}

/// Validates references written in an article's front-matter. `text` is the whole file, used
/// only to locate each entry (by its `id:` line) for diagnostics.
pub fn load_inline_references(
    file: &str,
    text: &str,
    inputs: Vec<RefInput>,
) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
    let spans = entry_spans_by_id(text, inputs.iter().map(|r| r.id()));
    let lines = LineIndex::new(text);
    let mut refs = Vec::new();
    let mut diags = Vec::new();
    for (input, span) in inputs.into_iter().zip(spans) {
        finish_input((file, text, &lines), span, input, &mut refs, &mut diags);
    }
    (refs, diags)
}

fn finish_input(
    (file, text, lines): (&str, &str, &LineIndex),
    span: Range<usize>,
    input: RefInput,
    refs: &mut Vec<LoadedRef>,
    diags: &mut Vec<Diagnostic>,
) {
    let id = input.id().to_string();
    match input.into_reference() {
        Ok(reference) => refs.push(loaded(file, text, lines, span, reference)),
        Err(problems) => diags.extend(problems_to_diagnostics(file, text, span, &id, problems)),
    }
}

fn loaded(
    file: &str,
    text: &str,
    lines: &LineIndex,
    span: Range<usize>,
    reference: Reference,
) -> LoadedRef {
    let start = span.start;
    LoadedRef {
        reference,
        file: file.to_string(),
        location: Some(Location::in_indexed_text(text, lines, start..start)),
        span,
    }
}

/// Best-effort entry regions: from each entry's `id:` line (or list dash before it) to the
/// next entry's start.
fn entry_spans_by_id<'a>(text: &str, ids: impl Iterator<Item = &'a str>) -> Vec<Range<usize>> {
    let mut starts = Vec::new();
    let mut search_from = 0;
    for id in ids {
        let found = find_id_line(text, id, search_from).or_else(|| find_id_line(text, id, 0));
        if let Some(s) = found {
            search_from = s + 1;
        }
        starts.push(found);
    }
    let mut sorted: Vec<usize> = starts.iter().flatten().copied().collect();
    sorted.sort_unstable();
    starts
        .into_iter()
        .map(|s| match s {
            Some(s) => {
                let end = sorted
                    .iter()
                    .find(|&&n| n > s)
                    .copied()
                    .unwrap_or(text.len());
                s..end
            }
            None => 0..0,
        })
        .collect()
}

/// The start of the line holding `id: <id>` (quoted or not), at or after `from`.
fn find_id_line(text: &str, id: &str, from: usize) -> Option<usize> {
    let mut pos = from;
    while pos <= text.len() {
        let rel = text.get(pos..)?.find("id:")?;
        let at = pos + rel;
        pos = at + 3;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let lead = text[line_start..at].trim_start_matches([' ', '\t']);
        if !(lead.is_empty() || lead == "- ") {
            continue;
        }
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let value = text[at + 3..line_end]
            .split(" #")
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        if value == id {
            return Some(line_start);
        }
    }
    None
}

fn yaml_error(file: &str, text: &str, e: &serde_yaml::Error) -> Diagnostic {
    let d = Diagnostic::error("bibliography-syntax", format!("invalid YAML: {e}"));
    match e.location() {
        Some(loc) => d.at(file, text, loc.index()..loc.index() + 1),
        None => d.in_file(file),
    }
}

fn load_yaml(file: &str, text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
    // Diagnostics locate every entry: count the file's lines once, not once per entry.
    let lines = LineIndex::new(text);
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => return (vec![], vec![yaml_error(file, text, &e)]),
    };
    // Collect (entry value, region) pairs for both accepted shapes.
    let mut entries: Vec<(serde_yaml::Value, Range<usize>, String)> = Vec::new();
    let mut diags = Vec::new();
    match value {
        serde_yaml::Value::Null => {}
        serde_yaml::Value::Sequence(items) => {
            let starts = top_level_starts(text, |line| line.starts_with('-'));
            let by_index = starts.len() == items.len();
            let ids: Vec<String> = items
                .iter()
                .map(|v| yaml_id(v.get("id")).unwrap_or_default())
                .collect();
            let by_id = entry_spans_by_id(text, ids.iter().map(String::as_str));
            for (i, item) in items.into_iter().enumerate() {
                let span = if by_index {
                    starts[i].clone()
                } else {
                    by_id[i].clone()
                };
                entries.push((item, span, ids[i].clone()));
            }
        }
        serde_yaml::Value::Mapping(map) => {
            let starts = top_level_starts(text, |line| {
                !line.starts_with(['#', ' ', '\t', '-']) && line.contains(':')
            });
            let by_index = starts.len() == map.len();
            for (i, (k, mut v)) in map.into_iter().enumerate() {
                let key = yaml_id(Some(&k)).unwrap_or_default();
                let span = if by_index { starts[i].clone() } else { 0..0 };
                if let serde_yaml::Value::Mapping(m) = &mut v {
                    let id_key = serde_yaml::Value::String("id".into());
                    match yaml_id(m.get(&id_key)) {
                        None => {
                            m.insert(id_key, serde_yaml::Value::String(key.clone()));
                        }
                        // Two names for one entry would make citations resolve unpredictably.
                        Some(inner) if inner != key => {
                            diags.push(
                                Diagnostic::error(
                                    "bad-reference",
                                    format!("reference `{key}` has a different `id: {inner}`"),
                                )
                                .at(file, text, span.clone())
                                .with_help("in a map of references the key is the id: drop `id:`"),
                            );
                            continue;
                        }
                        Some(_) => {}
                    }
                }
                entries.push((v, span, key));
            }
        }
        _ => diags.push(
            Diagnostic::error(
                "bibliography-syntax",
                "a YAML bibliography must be a list of references or a map from key to fields",
            )
            .in_file(file),
        ),
    }
    let mut refs = Vec::new();
    for (value, span, id) in entries {
        match serde_yaml::from_value::<RefInput>(value) {
            Ok(input) => finish_input((file, text, &lines), span, input, &mut refs, &mut diags),
            Err(e) => diags.push(serde_problem(file, text, span, &id, &e.to_string())),
        }
    }
    (refs, diags)
}

fn yaml_id(v: Option<&serde_yaml::Value>) -> Option<String> {
    match v? {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Regions of the top-level entries, from one start line to the next.
fn top_level_starts(text: &str, is_start: impl Fn(&str) -> bool) -> Vec<Range<usize>> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line != "---\n" && line != "---" && is_start(line) {
            starts.push(offset);
        }
        offset += line.len();
    }
    let mut spans = Vec::new();
    for (i, &s) in starts.iter().enumerate() {
        spans.push(s..starts.get(i + 1).copied().unwrap_or(text.len()));
    }
    spans
}

/// Turns serde's message for one entry into a diagnostic pointing at the offending field, with
/// a did-you-mean for unknown fields.
fn serde_problem(
    file: &str,
    text: &str,
    entry: Range<usize>,
    id: &str,
    message: &str,
) -> Diagnostic {
    let who = if id.is_empty() {
        "reference".to_string()
    } else {
        format!("reference `{id}`")
    };
    let message = message.split(" at line ").next().unwrap_or(message);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let span = find_field(text, entry.clone(), field, true).unwrap_or(entry.clone());
        let known: &[&str] = if message.contains("`family`") {
            &["family", "given", "literal"]
        } else {
            RefInput::FIELDS
        };
        let help = match did_you_mean(field, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known fields are: {}", known.join(", ")),
        };
        return Diagnostic::error("unknown-field", format!("{who}: unknown field `{field}`"))
            .at(file, text, span)
            .with_help(help);
    }
    Diagnostic::error("bad-reference", format!("{who}: {message}")).at(file, text, entry)
}

/// Brace nesting deeper than this is refused before parsing: no real field needs more than a
/// few levels, and the `biblatex` crate takes quadratic time on deep nesting (100,000 levels ran
/// for over 30 s).
const MAX_BIB_DEPTH: usize = 64;

/// Checks a `.bib` file's brace structure the way the `biblatex` crate reads it, for the two
/// faults that crate passes over silently or slowly: nesting deeper than [`MAX_BIB_DEPTH`], and
/// an extra `}` that closes an entry early, after which BibTeX treats the rest of the entry
/// (`year = {2020},`) as a comment between entries and drops it.
fn check_bib_braces(file: &str, text: &str) -> Vec<Diagnostic> {
    let bytes = text.as_bytes();
    let mut diags = Vec::new();
    // Where the entry that ended last was closed, and its key, for "closed early" messages.
    let mut last_close: Option<(usize, String)> = None;
    let mut top_depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
            b'@' => {
                let start = i;
                // `@type{`: the `biblatex` crate accepts no other opener.
                let Some(open) = text[i..].find('{').map(|n| i + n).filter(|&o| {
                    text[start + 1..o]
                        .trim()
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric())
                }) else {
                    i += 1;
                    continue;
                };
                let kind = text[start + 1..open].trim().to_ascii_lowercase();
                let key_end = text[open + 1..]
                    .find([',', '}', '\n'])
                    .map_or(text.len(), |n| open + 1 + n);
                let key = text[open + 1..key_end].trim().to_string();
                // Depth 1 is the entry itself. A `"…"` value at depth 1 holds braces that
                // cannot close the entry, as in the `biblatex` crate; `@comment` ends at its
                // first `}`, as there too.
                let mut depth = 1usize;
                let mut quoted = false;
                let mut j = open + 1;
                let mut closed = None;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' => j += 1,
                        b'}' if kind == "comment" => {
                            closed = Some(j);
                            break;
                        }
                        b'"' if depth == 1 => quoted = !quoted,
                        b'{' => {
                            depth += 1;
                            if depth > MAX_BIB_DEPTH + 1 {
                                diags.push(
                                    Diagnostic::error(
                                        "bibliography-syntax",
                                        format!(
                                            "braces nested more than {MAX_BIB_DEPTH} deep in \
                                             entry `{key}`"
                                        ),
                                    )
                                    .at(file, text, j..j + 1)
                                    .with_help(
                                        "no field needs this many `{`; look for braces that \
                                         are opened and never closed",
                                    ),
                                );
                                // The rest of the file cannot be read sensibly (or quickly).
                                return diags;
                            }
                        }
                        b'}' if !(quoted && depth == 1) => {
                            depth -= 1;
                            if depth == 0 {
                                closed = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                match closed {
                    Some(c) => {
                        last_close = Some((c, key));
                        i = c + 1;
                    }
                    // An unclosed entry is reported by the parser itself.
                    None => return diags,
                }
            }
            b'{' => {
                // Top-level text is a comment to BibTeX; braces in it only need to pair up.
                if let Some(d) = entry_without_at(file, text, i) {
                    diags.push(d);
                }
                top_depth += 1;
                i += 1;
            }
            b'}' if top_depth > 0 => {
                top_depth -= 1;
                i += 1;
            }
            b'}' => {
                let mut d = Diagnostic::error(
                    "bibliography-syntax",
                    "an extra `}`: it closes nothing, and what comes before it up to here is \
                     ignored",
                )
                .at(file, text, i..i + 1);
                if let Some((c, key)) = &last_close {
                    let lines = LineIndex::new(text);
                    let at = Location::in_indexed_text(text, &lines, *c..*c);
                    d = Diagnostic::error(
                        "bibliography-syntax",
                        format!(
                            "entry `{key}` is closed early by the `}}` at {}:{}, so the fields \
                             after it are lost",
                            at.line, at.column
                        ),
                    )
                    .at(file, text, *c..*c + 1);
                }
                diags.push(d.with_help(
                    "every `{` in a field needs its own `}`: remove the extra `}` after the value",
                ));
                last_close = None;
                // One error per fault: the rest up to the next entry is the same lost text.
                i = memchr::memchr(b'@', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            }
            _ => i += 1,
        }
    }
    diags
}

/// `article{key,` at the start of a line with no `@`: BibTeX (and pandoc) read it as a comment
/// and skip the whole entry, so a citation of it finds nothing. `open` is the `{`.
fn entry_without_at(file: &str, text: &str, open: usize) -> Option<Diagnostic> {
    let line_start = text[..open].rfind('\n').map_or(0, |n| n + 1);
    let kind = text[line_start..open].trim();
    let rest = &text[open + 1..];
    let key = rest[..rest.find(['\n', ',', '}'])?].trim();
    let shaped = !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_alphabetic())
        && rest[key.len()..].trim_start().starts_with(',')
        && !key.is_empty()
        && !key.contains(char::is_whitespace);
    shaped.then(|| {
        Diagnostic::warning(
            "bibliography-syntax",
            format!("`{kind}{{{key},` is not read as an entry: it has no `@`"),
        )
        .at(file, text, line_start..open + 1)
        .with_help(format!(
            "write `@{kind}{{{key},`; until then BibTeX and pandoc skip this entry too"
        ))
    })
}

fn load_bib(file: &str, text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
    let structure = check_bib_braces(file, text);
    if structure.iter().any(Diagnostic::is_error) {
        return (vec![], structure);
    }
    // Diagnostics locate every entry: count the file's lines once, not once per entry.
    let lines = LineIndex::new(text);
    let syntax = |span: Range<usize>, msg: String| {
        Diagnostic::error("bibliography-syntax", format!("invalid BibTeX: {msg}"))
            .at(file, text, span)
    };
    let mut raw = match biblatex::RawBibliography::parse(text) {
        Ok(raw) => raw,
        Err(e) => return (vec![], vec![syntax(e.span.clone(), e.kind.to_string())]),
    };
    let mut diags = structure;
    // A key defined twice: the `biblatex` crate refuses the whole file, pandoc silently uses
    // the last definition. glia uses the last too (so a site renders as under pandoc) and says
    // so when the two differ.
    let mut last: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, e) in raw.entries.iter().enumerate() {
        if let Some(prev) = last.insert(e.v.key.v, i) {
            let a = &text[raw.entries[prev].span.clone()];
            let b = &text[e.span.clone()];
            let same = |t: &str| t.split_whitespace().collect::<String>();
            if same(a) != same(b) {
                let first = Location::in_indexed_text(text, &lines, raw.entries[prev].span.clone());
                diags.push(
                    Diagnostic::warning(
                        "duplicate-reference",
                        format!(
                            "reference `{}` is defined twice with different fields (also at \
                             line {}); this later definition is used, as pandoc does",
                            e.v.key.v, first.line
                        ),
                    )
                    .at(file, text, e.span.start..e.span.start + 1)
                    .with_help("delete the definition you do not want, or give it its own key"),
                );
            }
        }
    }
    let keep: std::collections::BTreeSet<usize> = last.values().copied().collect();
    let mut index = 0;
    raw.entries.retain(|_| {
        index += 1;
        keep.contains(&(index - 1))
    });
    let spans: BTreeMap<String, Range<usize>> = raw
        .entries
        .iter()
        .map(|e| (e.v.key.v.to_string(), e.span.clone()))
        .collect();
    let bib = match biblatex::Bibliography::from_raw(raw) {
        Ok(bib) => bib,
        Err(e) => return (vec![], vec![syntax(e.span.clone(), e.kind.to_string())]),
    };
    let library = match hayagriva::io::from_biblatex(&bib) {
        Ok(lib) => lib,
        Err(errors) => {
            let diags = errors
                .into_iter()
                .map(|e| syntax(e.span.clone(), e.kind.to_string()))
                .collect();
            return (vec![], diags);
        }
    };
    let mut refs = Vec::new();
    for entry in library.iter() {
        let span = spans.get(entry.key()).cloned().unwrap_or(0..0);
        let mut reference = from_hayagriva(entry);
        if let Some(fields) = bib.get(entry.key()) {
            bib_fields(&mut reference, fields);
        }
        let problems = check_reference(&reference, &Spelling::BIB);
        if problems.is_empty() {
            refs.push(loaded(file, text, &lines, span, reference));
        } else {
            diags.extend(problems_to_diagnostics(
                file,
                text,
                span,
                entry.key(),
                problems,
            ));
        }
    }
    (refs, diags)
}

/// Reads the fields hayagriva's mapping loses or changes straight from the BibTeX, as pandoc
/// reads them: text with its LaTeX converted (titles in sentence case), issue and volume as
/// written (`7-8`, not `7–8`), `pmid`/`pmcid` fields, and `and others`.
fn bib_fields(r: &mut Reference, e: &biblatex::Entry) {
    use super::latex::{to_plain, to_rich};
    let field = |name: &str| e.fields.get(name).map(Vec::as_slice);
    // pandoc converts titles to sentence case unless the entry says it is not in English.
    let english = match field("langid").or(field("hyphenation")) {
        None => true,
        Some(l) => {
            let l = to_plain(l).to_ascii_lowercase();
            l.starts_with("en")
                || [
                    "american",
                    "british",
                    "usenglish",
                    "ukenglish",
                    "canadian",
                    "australian",
                    "newzealand",
                ]
                .contains(&l.as_str())
        }
    };
    let text = |name: &str, sentence: bool| {
        field(name)
            .map(|c| to_rich(c, sentence && english))
            .filter(|s| !s.is_empty())
    };
    // pandoc reads BibLaTeX's `@software` and `@manual` as books (with their version).
    if matches!(
        e.entry_type,
        biblatex::EntryType::Software | biblatex::EntryType::Manual
    ) {
        r.kind = "book".to_string();
    }
    if let Some(title) = text("title", true) {
        r.title = Some(match text("subtitle", true) {
            Some(sub) => format!("{title}: {sub}"),
            None => title,
        });
    }
    let in_book = matches!(r.kind.as_str(), "chapter" | "paper-conference");
    let container = if in_book {
        text("booktitle", true)
    } else {
        text("journaltitle", false).or_else(|| text("journal", false))
    };
    if container.is_some() {
        r.container = container;
    }
    let plain = |name: &str| {
        field(name)
            .map(to_plain)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    if let Some(short) = plain("shortjournal") {
        r.container_short = Some(short);
    }
    if let Some(version) = plain("version") {
        r.version = Some(version);
    }
    // `number` is the issue; BibLaTeX's `issue` is a season ("Spring"), which pandoc ignores.
    r.issue = plain("number");
    // pandoc reads a BibTeX publisher as written ("Chapman and Hall/CRC", where hayagriva's
    // BibLaTeX list gives "Chapman, Hall/CRC"), and falls back on the organisation.
    if let Some(publisher) = plain("publisher")
        .or_else(|| plain("institution"))
        .or_else(|| plain("organization"))
        .or_else(|| plain("school"))
    {
        r.publisher = Some(publisher);
    }
    if let Some(volume) = plain("volume") {
        r.volume = Some(volume);
    }
    let eprint_type = plain("eprinttype").map(|t| t.to_ascii_lowercase());
    let eprint = |kind: &str| plain("eprint").filter(|_| eprint_type.as_deref() == Some(kind));
    if let Some(pmid) = plain("pmid").or_else(|| eprint("pubmed")) {
        r.pmid = Some(pmid);
    }
    if let Some(pmcid) = plain("pmcid").or_else(|| eprint("pmc")) {
        r.pmcid = Some(pmcid);
    }
    // As written: hayagriva's URL type lower-cases the host (`CRAN.R-project.org`).
    if let Some(url) = plain("url").filter(|u| is_web_url(u)) {
        r.url = Some(url);
    }
    // Reference managers (Zotero, Google Scholar) put the DOI's URL in `doi`; the DOI is what
    // the field means, and every style adds the resolver itself.
    if let Some(bare) = r.doi.as_deref().and_then(doi_from_url) {
        r.doi = Some(bare.to_string());
    }
    // `and others` means the list goes on. pandoc makes it `{literal: "others"}`, which
    // citeproc prints as "et al." in Vancouver and AMA; glia has no such name, so it writes the
    // English term itself.
    for list in [&mut r.authors, &mut r.editors] {
        for n in list.iter_mut() {
            if matches!(n, Name::Person { family, given: None } if family == "others") {
                *n = Name::Literal("et al.".to_string());
            }
        }
    }
}

/// Maps hayagriva's entry tree (an article whose parent is the periodical, a chapter whose
/// parent is the book) back onto flat CSL-like fields.
fn from_hayagriva(e: &hayagriva::Entry) -> Reference {
    use hayagriva::types::EntryType as T;
    let parent = e.parents().first();
    let kind = match e.entry_type() {
        T::Article => match parent.map(|p| p.entry_type()) {
            Some(T::Proceedings) => "paper-conference",
            Some(T::Newspaper) => "article-newspaper",
            _ => "article-journal",
        },
        T::Book | T::Anthology => "book",
        T::Chapter | T::Anthos => "chapter",
        T::Report => "report",
        T::Thesis => "thesis",
        T::Web => "webpage",
        T::Manuscript => "manuscript",
        T::Patent => "patent",
        T::Proceedings => "book",
        T::Reference => "book",
        T::Entry => "entry",
        T::Repository => "dataset",
        _ => "document",
    };
    let mut r = Reference::empty(e.key(), kind);
    let text = |f: Option<&hayagriva::types::FormatString>| {
        f.map(|s| s.value.to_string())
            .filter(|s| !s.trim().is_empty())
    };
    let person = |p: &hayagriva::types::Person| {
        if p.given_name.is_none() && p.prefix.is_none() && p.name.contains(' ') {
            Name::Literal(p.name.clone())
        } else {
            let family = match &p.prefix {
                Some(prefix) => format!("{prefix} {}", p.name),
                None => p.name.clone(),
            };
            let family = match &p.suffix {
                Some(s) => format!("{family} {s}"),
                None => family,
            };
            Name::Person {
                family,
                given: p.given_name.clone(),
            }
        }
    };
    r.title = text(e.title());
    r.authors = e.authors().unwrap_or_default().iter().map(person).collect();
    let editors = e
        .editors()
        .or_else(|| parent.and_then(|p| p.editors()))
        .unwrap_or_default();
    r.editors = editors.iter().map(person).collect();
    r.container = text(parent.and_then(|p| p.title()));
    r.issued = e.date_any().map(|d| Date {
        year: d.year,
        month: d.month.map(|m| m + 1),
        day: d.day.map(|d| d + 1),
    });
    let either =
        |f: &dyn Fn(&hayagriva::Entry) -> Option<String>| f(e).or_else(|| parent.and_then(f));
    r.volume = either(&|x| x.volume().map(|v| v.to_string()));
    r.issue = either(&|x| x.issue().map(|v| v.to_string()));
    r.pages = e.page_range().map(|p| p.to_string().replace('–', "-"));
    r.edition = either(&|x| x.edition().map(|v| v.to_string()));
    let publisher = e.publisher().or_else(|| parent.and_then(|p| p.publisher()));
    r.publisher = text(publisher.and_then(|p| p.name()));
    r.place = text(publisher.and_then(|p| p.location())).or_else(|| text(e.location()));
    if r.publisher.is_none() && matches!(kind, "report" | "thesis") {
        r.publisher = text(e.organization());
    }
    r.doi = e.doi().map(str::to_string);
    r.pmid = e.keyed_serial_number("pmid").map(str::to_string);
    r.pmcid = e.keyed_serial_number("pmcid").map(str::to_string);
    if let Some(url) = e.url() {
        r.url = Some(url.value.to_string());
        r.accessed = url.visit_date.as_ref().map(|d| Date {
            year: d.year,
            month: d.month.map(|m| m + 1),
            day: d.day.map(|d| d + 1),
        });
    }
    r
}

fn load_csl_json(file: &str, text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
    // Diagnostics locate every entry: count the file's lines once, not once per entry.
    let lines = LineIndex::new(text);
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let at = offset_of(text, e.line(), e.column());
            return (
                vec![],
                vec![
                    Diagnostic::error("bibliography-syntax", format!("invalid JSON: {e}")).at(
                        file,
                        text,
                        at..at + 1,
                    ),
                ],
            );
        }
    };
    let items = match value {
        serde_json::Value::Array(items) => items,
        // Some tools export `{"items": [...]}`.
        serde_json::Value::Object(mut o) if o.get("items").is_some_and(|v| v.is_array()) => {
            match o.remove("items") {
                Some(serde_json::Value::Array(items)) => items,
                _ => vec![],
            }
        }
        _ => {
            return (
                vec![],
                vec![Diagnostic::error(
                    "bibliography-syntax",
                    "a CSL-JSON bibliography must be an array of items",
                )
                .in_file(file)],
            )
        }
    };
    let ids: Vec<String> = items
        .iter()
        .map(|i| json_str(i.get("id")).unwrap_or_default())
        .collect();
    let mut refs = Vec::new();
    let mut diags = Vec::new();
    let mut from = 0;
    let starts: Vec<usize> = ids
        .iter()
        .map(|id| {
            let found = find_json_id(text, id, from);
            if let Some(f) = found {
                from = f + 1;
            }
            found.unwrap_or(0)
        })
        .collect();
    for (i, item) in items.iter().enumerate() {
        let start = starts[i];
        let end = starts[i + 1..]
            .iter()
            .copied()
            .find(|&s| s > start)
            .unwrap_or(text.len());
        let span = start..end;
        let (reference, mut problems) = from_csl_json(item);
        if ids[i].is_empty() {
            diags.push(
                Diagnostic::error(
                    "bad-reference",
                    format!("CSL-JSON item {} has no `id`", i + 1),
                )
                .at(file, text, span),
            );
            continue;
        }
        problems.extend(check_reference(&reference, &Spelling::CSL));
        // An exported file may carry a type outside CSL (Manubot's `website`): citeproc
        // formats it as a work of no particular type, and so does hayagriva. The editor did
        // not write it, so it is a warning here, not a reason to lose the work.
        let (types, problems): (Vec<FieldProblem>, Vec<FieldProblem>) =
            problems.into_iter().partition(|p| p.code == "bad-type");
        if problems.is_empty() {
            for d in problems_to_diagnostics(file, text, span.clone(), &ids[i], types) {
                diags.push(Diagnostic {
                    severity: crate::diagnostics::Severity::Warning,
                    ..d
                });
            }
            refs.push(loaded(file, text, &lines, span, reference));
        } else {
            let all = types.into_iter().chain(problems).collect();
            diags.extend(problems_to_diagnostics(file, text, span, &ids[i], all));
        }
    }
    (refs, diags)
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn find_json_id(text: &str, id: &str, from: usize) -> Option<usize> {
    let needle = serde_json::to_string(id).ok()?;
    let mut pos = from;
    while let Some(rel) = text.get(pos..)?.find("\"id\"") {
        let at = pos + rel;
        pos = at + 4;
        let rest = text[pos..].trim_start();
        if let Some(v) = rest.strip_prefix(':') {
            if v.trim_start().starts_with(&needle) {
                // The item starts at the `{` before its `"id"`.
                return Some(text[..at].rfind('{').unwrap_or(at));
            }
        }
    }
    None
}

fn json_str(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => non_empty(Some(s.clone())),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads the CSL-JSON fields glia uses; everything else (`custom`, `abstract`, Zotero's extras)
/// is ignored on purpose, since exports from reference managers are full of them.
fn from_csl_json(item: &serde_json::Value) -> (Reference, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let get = |k: &str| json_str(item.get(k));
    let id = get("id").unwrap_or_default();
    let kind = get("type").unwrap_or_else(|| "article-journal".into());
    let mut r = Reference::empty(&id, &kind);
    r.title = get("title");
    r.authors = json_names(item.get("author"));
    r.editors = json_names(item.get("editor"));
    r.container = get("container-title");
    // Zotero's `journalAbbreviation` is the same field under its older name (pandoc renames it).
    r.container_short = get("container-title-short").or_else(|| get("journalAbbreviation"));
    r.issued = json_date(item.get("issued"), "issued", &mut problems);
    r.volume = get("volume");
    r.issue = get("issue");
    r.pages = get("page");
    r.publisher = get("publisher");
    r.place = get("publisher-place");
    r.edition = get("edition");
    r.number = get("number");
    r.version = get("version");
    r.genre = get("genre");
    r.doi = get("DOI");
    r.pmid = get("PMID");
    r.pmcid = get("PMCID");
    r.url = get("URL");
    r.accessed = json_date(item.get("accessed"), "accessed", &mut problems);
    (r, problems)
}

fn json_names(v: Option<&serde_json::Value>) -> Vec<Name> {
    let Some(serde_json::Value::Array(list)) = v else {
        return vec![];
    };
    list.iter()
        .filter_map(|n| {
            if let Some(l) = json_str(n.get("literal")) {
                return Some(Name::Literal(l));
            }
            let family = json_str(n.get("family"))?;
            let family = match json_str(n.get("non-dropping-particle")) {
                Some(p) => format!("{p} {family}"),
                None => family,
            };
            Some(Name::Person {
                family,
                given: json_str(n.get("given")),
            })
        })
        .collect()
}

fn json_date(
    v: Option<&serde_json::Value>,
    field: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<Date> {
    let v = v?;
    // CSL-YAML also writes plain `issued: 2021` or `issued: 2021-03-01` (EDTF).
    let plain = match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if let Some(plain) = plain {
        let d = parse_iso_date(&plain);
        if d.is_none() {
            problems.push(
                FieldProblem::new(
                    field,
                    "bad-date",
                    format!("`{field}: {plain}` is not a date"),
                )
                .help("write the date as YYYY-MM-DD or as `{date-parts: [[2021, 3, 1]]}`"),
            );
        }
        return d;
    }
    let num = |x: &serde_json::Value| match x {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    if let Some(first) = v
        .get("date-parts")
        .and_then(|p| p.get(0))
        .and_then(|p| p.as_array())
    {
        let year = first
            .first()
            .and_then(num)
            .and_then(|y| i32::try_from(y).ok());
        if let Some(year) = year {
            let small = |i: usize| {
                first
                    .get(i)
                    .and_then(num)
                    .and_then(|n| u8::try_from(n).ok())
            };
            return Some(Date {
                year,
                month: small(1).filter(|m| (1..=12).contains(m)),
                day: small(2).filter(|d| (1..=31).contains(d)),
            });
        }
    }
    if let Some(raw) = json_str(v.get("raw")) {
        if let Some(d) = parse_iso_date(&raw) {
            return Some(d);
        }
    }
    problems.push(FieldProblem::new(
        field,
        "bad-date",
        format!("cannot read the `{field}` date"),
    ));
    None
}

/// All references of a site, merged from bibliography files and front-matter, by key.
#[derive(Debug, Clone, Default)]
pub struct Bibliography {
    entries: BTreeMap<String, BibEntry>,
}

#[derive(Debug, Clone)]
pub(crate) struct BibEntry {
    pub(crate) loaded: LoadedRef,
    /// The CSL-JSON form hayagriva formats, built once here rather than on every page.
    pub(crate) item: hayagriva::citationberg::json::Item,
}

impl Bibliography {
    /// Merges references; conflicting duplicates are reported, identical ones merged silently
    /// (two articles may carry the same front-matter reference).
    ///
    /// Input order does not matter: entries are considered sorted by file and position, so the
    /// result and its diagnostics are the same however the caller gathered them.
    pub fn build(mut refs: Vec<LoadedRef>) -> (Bibliography, Vec<Diagnostic>) {
        refs.sort_by(|a, b| (&a.file, a.span.start).cmp(&(&b.file, b.span.start)));
        let mut entries: BTreeMap<String, BibEntry> = BTreeMap::new();
        let mut diags = Vec::new();
        let mut by_doi: BTreeMap<String, String> = BTreeMap::new();
        let mut by_pmid: BTreeMap<String, String> = BTreeMap::new();
        for r in refs {
            let key = r.reference.id.clone();
            if let Some(first) = entries.get(&key) {
                if first.loaded.reference != r.reference {
                    diags.push(
                        place(
                            Diagnostic::error(
                                "duplicate-reference",
                                format!(
                                    "reference `{key}` is defined twice with different metadata: \
                                     in {} and in {}",
                                    where_(&first.loaded),
                                    where_(&r)
                                ),
                            ),
                            &r,
                        )
                        .with_help("keep one definition, or give the second work its own key"),
                    );
                }
                continue;
            }
            let same_work =
                |index: &mut BTreeMap<String, String>, id: Option<&String>, what: &str| {
                    let id = id?;
                    let norm = id.to_lowercase();
                    match index.get(&norm) {
                        Some(other) => Some(format!("{what} {id} is also cited as `{other}`")),
                        None => {
                            index.insert(norm, key.clone());
                            None
                        }
                    }
                };
            let dup = same_work(&mut by_doi, r.reference.doi.as_ref(), "DOI")
                .or_else(|| same_work(&mut by_pmid, r.reference.pmid.as_ref(), "PMID"));
            if let Some(msg) = dup {
                diags.push(
                    place(
                        Diagnostic::warning(
                            "duplicate-work",
                            format!("reference `{key}`: the same work under two keys: {msg}"),
                        ),
                        &r,
                    )
                    .with_help("cite one key everywhere so the work is numbered and listed once"),
                );
            }
            let item = crate::cite::export::csl_item(&r.reference);
            entries.insert(key, BibEntry { loaded: r, item });
        }
        (Bibliography { entries }, diags)
    }

    pub fn get(&self, key: &str) -> Option<&Reference> {
        self.entries.get(key).map(|e| &e.loaded.reference)
    }

    /// Where `key` was defined, for "cited here, defined there" messages.
    pub fn source(&self, key: &str) -> Option<&LoadedRef> {
        self.entries.get(key).map(|e| &e.loaded)
    }

    /// Sorted keys.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// References in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Reference)> {
        self.entries
            .iter()
            .map(|(k, e)| (k.as_str(), &e.loaded.reference))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn entry(&self, key: &str) -> Option<&BibEntry> {
        self.entries.get(key)
    }

    /// Keys close to a misspelt one, for "unknown citation key" hints.
    pub fn suggest(&self, key: &str) -> Option<&str> {
        did_you_mean(key, self.keys())
    }
}

fn where_(r: &LoadedRef) -> String {
    match &r.location {
        Some(l) => format!("{}:{}:{}", r.file, l.line, l.column),
        None => r.file.clone(),
    }
}

fn place(d: Diagnostic, r: &LoadedRef) -> Diagnostic {
    match &r.location {
        Some(l) => d.at_location(r.file.clone(), l.clone()),
        None => d.in_file(r.file.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
        load_bibliography_file("refs.yaml", text)
    }

    #[test]
    fn reads_glia_yaml_list() {
        let (refs, diags) = yaml(
            "- id: a\n  title: T\n  authors: [Smith JA, {family: Doe, given: Jane}, {literal: WHO}]\n  year: 2020\n  volume: 8\n  pmid: 123\n",
        );
        assert_eq!(diags, vec![]);
        let r = &refs[0].reference;
        assert_eq!(r.kind, "article-journal");
        assert_eq!(
            r.authors,
            vec![
                Name::Person {
                    family: "Smith".into(),
                    given: Some("J. A.".into())
                },
                Name::Person {
                    family: "Doe".into(),
                    given: Some("Jane".into())
                },
                Name::Literal("WHO".into()),
            ]
        );
        assert_eq!(r.volume.as_deref(), Some("8"));
        assert_eq!(r.pmid.as_deref(), Some("123"));
        assert_eq!(
            r.issued,
            Some(Date {
                year: 2020,
                month: None,
                day: None
            })
        );
    }

    #[test]
    fn reads_glia_yaml_map() {
        let (refs, diags) = yaml("a:\n  title: T\nb:\n  title: U\n  type: book\n");
        assert_eq!(diags, vec![]);
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].reference.id, "b");
        assert_eq!(refs[1].location.as_ref().map(|l| l.line), Some(3));
    }

    #[test]
    fn map_key_and_inner_id_must_agree() {
        let (refs, diags) = yaml("a:\n  id: b\n  title: T\n");
        assert!(refs.is_empty());
        assert_eq!(diags[0].message, "reference `a` has a different `id: b`");
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
    fn doi_shapes() {
        assert!(is_doi("10.1192/bjo.2021.1061"));
        assert!(is_doi("10.1000.10/a(b)c"));
        for bad in ["10.1192", "10./x", "11.1/x", "10.1a/x", "10.1/", "10.1/a b"] {
            assert!(!is_doi(bad), "{bad}");
        }
    }

    #[test]
    fn web_urls_only() {
        assert!(is_web_url("https://example.org/a?b#c"));
        assert!(is_web_url("HTTP://EXAMPLE.ORG"));
        for bad in [
            "javascript:alert(1)",
            "https://",
            "ftp://x.org",
            "data:text/html,x",
            "https://a b",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
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

    #[test]
    fn csl_json_with_extra_fields() {
        let text = r#"[{"id":"x","type":"book","title":"B","custom":{"a":1},"issued":{"date-parts":[["2001",2]]},"author":[{"family":"Roe","given":"R"}]}]"#;
        let (refs, diags) = load_bibliography_file("x.json", text);
        assert_eq!(diags, vec![]);
        assert_eq!(
            refs[0].reference.issued,
            Some(Date {
                year: 2001,
                month: Some(2),
                day: None
            })
        );
    }

    #[test]
    fn identical_duplicates_merge_silently() {
        let (a, _) = yaml("- id: a\n  title: T\n");
        let mut b = a.clone();
        b[0].file = "other.yaml".into();
        let (bib, diags) = Bibliography::build(a.into_iter().chain(b).collect());
        assert!(diags.is_empty());
        assert_eq!(bib.keys().collect::<Vec<_>>(), ["a"]);
    }
}
