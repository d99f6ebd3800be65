//! The validated [`Reference`] every format is read into, and the checks all formats share.
//!
//! The type is shaped like CSL's data model so it maps one to one onto CSL-JSON for formatting
//! and export. The checks (known CSL type, DOI/PMID/PMCID shape, http(s)-only URLs) live here
//! once, with each format's spelling of the field passed in, so a problem points at the key the
//! editor wrote whichever format it came from.

use crate::diagnostics::did_you_mean;

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
    /// A reference of type `kind` with nothing but its id: fill in what is known with
    /// struct update syntax.
    pub fn empty(id: &str, kind: &str) -> Reference {
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

/// A family name with CSL's particles (`dropping-particle`, `non-dropping-particle`) put in
/// front of it, where glia's names keep them (`van der Laan`): the one rule CSL-YAML and
/// CSL-JSON are read by.
pub(super) fn family_with_particles(
    family: String,
    dropping: Option<&str>,
    non_dropping: Option<&str>,
) -> String {
    let particles: Vec<&str> = [dropping, non_dropping]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if particles.is_empty() {
        family
    } else {
        format!("{} {family}", particles.join(" "))
    }
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
pub(super) struct FieldProblem {
    /// The field as the input format spells it (`doi`, `DOI`), to point at it in the file.
    pub(super) field: String,
    pub(super) code: &'static str,
    pub(super) message: String,
    pub(super) help: Option<String>,
}

impl FieldProblem {
    pub(super) fn new(field: &str, code: &'static str, message: String) -> Self {
        FieldProblem {
            field: field.to_string(),
            code,
            message,
            help: None,
        }
    }
    pub(super) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// How each input format spells the checked fields, so problems point at the right key.
pub(super) struct Spelling {
    kind: &'static str,
    doi: &'static str,
    pmid: &'static str,
    pmcid: &'static str,
    url: &'static str,
}

impl Spelling {
    pub(super) const GLIA: Spelling = Spelling {
        kind: "type",
        doi: "doi",
        pmid: "pmid",
        pmcid: "pmcid",
        url: "url",
    };
    pub(super) const CSL: Spelling = Spelling {
        kind: "type",
        doi: "DOI",
        pmid: "PMID",
        pmcid: "PMCID",
        url: "URL",
    };
    pub(super) const BIB: Spelling = Spelling {
        kind: "@",
        doi: "doi",
        pmid: "eprint",
        pmcid: "pmcid",
        url: "url",
    };
}

/// The checks shared by every input format.
pub(super) fn check_reference(r: &Reference, spell: &Spelling) -> Vec<FieldProblem> {
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

pub(super) fn doi_from_url(s: &str) -> Option<&str> {
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
pub(super) fn is_web_url(s: &str) -> bool {
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

// Field readers more than one format uses: CSL-YAML front-matter writes dates the CSL-JSON way.

pub(super) fn non_empty(s: Option<String>) -> Option<String> {
    let s = s?;
    match s.trim() {
        "" => None,
        t if t.len() == s.len() => Some(s),
        t => Some(t.to_string()),
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub(super) fn parse_iso_date(s: &str) -> Option<Date> {
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

pub(super) fn json_str(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => non_empty(Some(s.clone())),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn json_date(
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
