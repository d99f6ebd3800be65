//! Structured data (schema.org JSON-LD) for search engines and health-information aggregators:
//! `MedicalWebPage` for articles (with review metadata, which is what distinguishes a reviewed
//! medical page), `WebSite` with a `SearchAction` on the home page, and a `DefinedTermSet` on
//! the glossary page.
//!
//! Built with serde_json, never by string concatenation, and made safe to embed in a
//! `<script>` element by escaping `<`, so content can never close the element early.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

use crate::cite::Name;
use crate::load::Kind;
use crate::resolve::Site;

/// Every glossary term as a schema.org `DefinedTerm`, serialized once per site: an article's
/// `about` lists the terms it uses, about a hundred on a page of the benchmark corpus, and
/// escaping their names again for every page was a large part of writing its JSON-LD.
#[derive(Default)]
pub struct DefinedTerms(Vec<Option<Box<RawValue>>>);

impl DefinedTerms {
    pub fn new(site: &Site) -> DefinedTerms {
        let terms = site.glossary.glossary.terms();
        // One entry per term, in term order, as pages look them up by term index.
        DefinedTerms(
            terms
                .iter()
                .map(|t| {
                    serde_json::value::to_raw_value(&DefinedTerm {
                        kind: "DefinedTerm",
                        name: t.term(),
                    })
                    .ok()
                })
                .collect(),
        )
    }
}

/// The JSON-LD for page `i`, ready to place inside `<script type="application/ld+json">`.
/// `cited` are the keys of the works the page cites (schema.org `citation` entries); `terms`
/// are the site's [`DefinedTerms`], for an article's `about`.
pub fn for_page(site: &Site, i: usize, cited: &[String], terms: &DefinedTerms) -> Option<String> {
    let p = &site.pages[i];
    let fm = &p.page.fm;
    let c = &site.config;
    let url = c.base_url.as_deref().map(|b| p.route.permalink(b));
    let publisher = c
        .publisher
        .as_deref()
        .map(|name| json!({"@type": "Organization", "name": name}));
    let value = match p.page.kind {
        Kind::Article => {
            let date = |d: Option<crate::parse::frontmatter::Date>| d.map(|d| d.to_string());
            let about: Vec<&RawValue> = site
                .glossary
                .used_by_page
                .get(i)
                .into_iter()
                .flatten()
                .filter_map(|&t| terms.0.get(t)?.as_deref())
                .collect();
            let article = Article {
                context: "https://schema.org",
                kind: "MedicalWebPage",
                about,
                audience: fm
                    .audience
                    .iter()
                    .map(|&a| {
                        let name = super::items::audience_label(site, a);
                        json!({"@type": "Audience", "audienceType": name})
                    })
                    .collect(),
                author: (!fm.authors.is_empty()).then(|| people(&fm.authors)),
                citation: citations(site, cited),
                date_modified: date(fm.updated.or(fm.date)),
                date_published: date(fm.date),
                description: fm.summary.as_deref(),
                headline: &fm.title,
                in_language: &c.language,
                keywords: (!fm.tags.is_empty()).then(|| fm.tags.join(", ")),
                last_reviewed: date(fm.last_reviewed),
                name: &fm.title,
                publisher,
                reviewed_by: (!fm.reviewed_by.is_empty()).then(|| reviewers(&fm.reviewed_by)),
                url,
            };
            // Serializing a typed value writes straight into the string; a `Value` tree would
            // allocate a map for each of the ~100 terms a long article uses.
            return serde_json::to_string(&article).ok().map(script_safe);
        }
        Kind::Home => {
            let mut m = Map::new();
            m.insert("@context".into(), json!("https://schema.org"));
            m.insert("@type".into(), json!("WebSite"));
            m.insert("name".into(), json!(c.title));
            insert_opt(&mut m, "url", url.clone().map(Value::from));
            if !c.description.is_empty() {
                m.insert("description".into(), json!(c.description.trim()));
            }
            m.insert("inLanguage".into(), json!(c.language));
            insert_opt(&mut m, "publisher", publisher);
            if let Some(base) = c.base_url.as_deref() {
                m.insert(
                    "potentialAction".into(),
                    json!({
                        "@type": "SearchAction",
                        "target": {"@type": "EntryPoint", "urlTemplate": format!("{base}search/?q={{search_term_string}}")},
                        "query-input": "required name=search_term_string"
                    }),
                );
            }
            Value::Object(m)
        }
        Kind::Glossary => {
            let base = url.clone().unwrap_or_default();
            let terms: Vec<Value> = site
                .glossary
                .glossary
                .terms()
                .iter()
                .map(|t| {
                    let mut term = Map::new();
                    term.insert("@type".into(), json!("DefinedTerm"));
                    term.insert("name".into(), json!(t.term()));
                    term.insert("description".into(), json!(t.short));
                    if !base.is_empty() {
                        term.insert("url".into(), json!(format!("{base}#{}", t.slug())));
                    }
                    let aliases: Vec<&String> = t.names.iter().skip(1).collect();
                    if !aliases.is_empty() {
                        term.insert("alternateName".into(), json!(aliases));
                    }
                    Value::Object(term)
                })
                .collect();
            let mut m = Map::new();
            m.insert("@context".into(), json!("https://schema.org"));
            m.insert("@type".into(), json!("DefinedTermSet"));
            m.insert("name".into(), json!(fm.title));
            insert_opt(&mut m, "url", url.map(Value::from));
            m.insert("hasDefinedTerm".into(), Value::Array(terms));
            Value::Object(m)
        }
        _ => return None,
    };
    serde_json::to_string(&value).ok().map(script_safe)
}

/// An article's `MedicalWebPage`. Fields are in the order serde_json writes a map's keys
/// (sorted), as the other page kinds are written.
#[derive(Serialize)]
struct Article<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<&'a RawValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    audience: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citation: Vec<CitedWork<'a>>,
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    headline: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<String>,
    #[serde(rename = "lastReviewed", skip_serializing_if = "Option::is_none")]
    last_reviewed: Option<String>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Value>,
    #[serde(rename = "reviewedBy", skip_serializing_if = "Option::is_none")]
    reviewed_by: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct DefinedTerm<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

fn insert_opt(m: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(key.into(), v);
    }
}

/// People named in front-matter; an entry naming a panel or team is an organisation.
fn people(names: &[String]) -> Value {
    Value::Array(names.iter().map(|n| person(n)).collect())
}

fn person(name: &str) -> Value {
    let org = ["team", "panel", "network", "committee", "board", "group"]
        .iter()
        .any(|w| name.to_lowercase().contains(w));
    json!({"@type": if org { "Organization" } else { "Person" }, "name": name})
}

/// Reviewers, with their role (`jobTitle`) and credentials (`honorificSuffix`, schema.org's
/// place for "MD, MRCPsych") when given.
fn reviewers(list: &[crate::parse::frontmatter::Reviewer]) -> Value {
    Value::Array(
        list.iter()
            .map(|r| {
                let given = |s: &Option<String>| {
                    s.as_deref()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(Value::from)
                };
                let (role, credentials) = (given(&r.role), given(&r.credentials));
                if role.is_none() && credentials.is_none() {
                    return person(&r.name);
                }
                // A role or credentials are a person's, whatever the name says.
                let mut m = Map::new();
                m.insert("@type".into(), json!("Person"));
                m.insert("name".into(), json!(r.name));
                insert_opt(&mut m, "jobTitle", role);
                insert_opt(&mut m, "honorificSuffix", credentials);
                Value::Object(m)
            })
            .collect(),
    )
}

/// `<` becomes `\u003c`, so no string in the data can end the `<script>` element (and `>`
/// and `&` likewise, as HTML-aware JSON encoders do).
fn script_safe(json: String) -> String {
    let special = |s: &str| memchr::memchr3(b'<', b'>', b'&', s.as_bytes());
    if special(&json).is_none() {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    let mut rest = json.as_str();
    while let Some(at) = special(rest) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            _ => "\\u0026",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// schema.org `citation` entries for the works a page cites.
fn citations<'s>(site: &'s Site, keys: &[String]) -> Vec<CitedWork<'s>> {
    keys.iter()
        .filter_map(|k| site.citations.bibliography.get(k))
        .map(|r| CitedWork {
            kind: match r.kind.as_str() {
                "book" => "Book",
                "chapter" => "Chapter",
                "report" => "Report",
                "webpage" => "WebPage",
                _ => "ScholarlyArticle",
            },
            author: r
                .authors
                .iter()
                .map(|n| match n {
                    Name::Person { family, given } => CitedName::Person {
                        family,
                        given: given.as_deref(),
                    },
                    Name::Literal(l) => CitedName::Organization { name: l },
                })
                .collect(),
            date_published: r.issued.map(|d| d.year.to_string()),
            is_part_of: r.container.as_deref().map(|name| Periodical {
                kind: "Periodical",
                name: plain(name),
            }),
            name: r.title.as_deref().map(plain),
            same_as: r.doi.as_ref().map(|doi| format!("https://doi.org/{doi}")),
            url: r.url.as_deref().filter(|_| r.doi.is_none()),
        })
        .collect()
}

/// A title as JSON-LD text: without the rich-text markup a reference string may hold
/// (`<i>`, `<sup>`, case protection).
fn plain(text: &str) -> Cow<'_, str> {
    if text.contains('<') {
        Cow::Owned(crate::cite::rich::to_plain(text))
    } else {
        Cow::Borrowed(text)
    }
}

/// A cited work in JSON-LD, serialized straight from the reference: a `Value` tree would
/// allocate a map per work and per author on every page that cites it. Fields are in the order
/// serde_json writes a map's keys (sorted), as the rest of the page's JSON-LD is written.
#[derive(Serialize)]
struct CitedWork<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<CitedName<'a>>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(rename = "isPartOf", skip_serializing_if = "Option::is_none")]
    is_part_of: Option<Periodical<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<Cow<'a, str>>,
    #[serde(rename = "sameAs", skip_serializing_if = "Option::is_none")]
    same_as: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(tag = "@type")]
enum CitedName<'a> {
    Person {
        #[serde(rename = "familyName")]
        family: &'a str,
        #[serde(rename = "givenName")]
        given: Option<&'a str>,
    },
    Organization {
        name: &'a str,
    },
}

#[derive(Serialize)]
struct Periodical<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: Cow<'a, str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_breakout_is_impossible() {
        let v = json!({"name": "</script><script>alert(1)</script>"});
        let s = script_safe(v.to_string());
        assert!(!s.contains('<'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }

    #[test]
    fn cited_works_are_written_as_schema_org_would_read_them() {
        let work = CitedWork {
            kind: "ScholarlyArticle",
            author: vec![
                CitedName::Person {
                    family: "Walsh",
                    given: None,
                },
                CitedName::Organization { name: "WHO" },
            ],
            date_published: Some("2021".into()),
            is_part_of: Some(Periodical {
                kind: "Periodical",
                name: "J Test".into(),
            }),
            name: Some("A title".into()),
            same_as: None,
            url: Some("https://example.org/a"),
        };
        // Keys sorted, as serde_json writes the rest of the page's JSON-LD.
        assert_eq!(
            serde_json::to_string(&work).unwrap(),
            r#"{"@type":"ScholarlyArticle","author":[{"@type":"Person","familyName":"Walsh","givenName":null},{"@type":"Organization","name":"WHO"}],"datePublished":"2021","isPartOf":{"@type":"Periodical","name":"J Test"},"name":"A title","url":"https://example.org/a"}"#
        );
    }
}
