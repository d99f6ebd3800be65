//! Structured data (schema.org JSON-LD) for search engines and health-information aggregators:
//! `MedicalWebPage` for articles (with review metadata, which is what distinguishes a reviewed
//! medical page), `WebSite` with a `SearchAction` on the home page, and a `DefinedTermSet` on
//! the glossary page.
//!
//! Built with serde_json, never by string concatenation, and made safe to embed in a
//! `<script>` element by escaping `<`, so content can never close the element early.

use serde_json::{json, Map, Value};

use crate::load::Kind;
use crate::resolve::Site;

/// The JSON-LD for page `i`, ready to place inside `<script type="application/ld+json">`.
/// `citations` are the works the page cites (schema.org `citation` entries).
pub fn for_page(site: &Site, i: usize, citations: Vec<Value>) -> Option<String> {
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
            let mut m = Map::new();
            m.insert("@context".into(), json!("https://schema.org"));
            m.insert("@type".into(), json!("MedicalWebPage"));
            m.insert("headline".into(), json!(fm.title));
            m.insert("name".into(), json!(fm.title));
            insert_opt(&mut m, "url", url.map(Value::from));
            insert_opt(&mut m, "description", fm.summary.clone().map(Value::from));
            m.insert("inLanguage".into(), json!(c.language));
            insert_opt(
                &mut m,
                "datePublished",
                fm.date.map(|d| json!(d.to_string())),
            );
            insert_opt(
                &mut m,
                "dateModified",
                fm.updated.or(fm.date).map(|d| json!(d.to_string())),
            );
            insert_opt(
                &mut m,
                "lastReviewed",
                fm.last_reviewed.map(|d| json!(d.to_string())),
            );
            if !fm.authors.is_empty() {
                m.insert("author".into(), people(&fm.authors));
            }
            if !fm.reviewed_by.is_empty() {
                m.insert("reviewedBy".into(), people(&fm.reviewed_by));
            }
            if !fm.audience.is_empty() {
                let aud: Vec<Value> = fm
                    .audience
                    .iter()
                    .map(|a| json!({"@type": "Audience", "audienceType": a.label()}))
                    .collect();
                m.insert("audience".into(), Value::Array(aud));
            }
            let about: Vec<Value> = site
                .glossary
                .used_by_page
                .get(i)
                .into_iter()
                .flatten()
                .filter_map(|&t| site.glossary.glossary.terms().get(t))
                .map(|t| json!({"@type": "DefinedTerm", "name": t.term()}))
                .collect();
            if !about.is_empty() {
                m.insert("about".into(), Value::Array(about));
            }
            if !fm.tags.is_empty() {
                m.insert("keywords".into(), json!(fm.tags.join(", ")));
            }
            if !citations.is_empty() {
                m.insert("citation".into(), Value::Array(citations));
            }
            insert_opt(&mut m, "publisher", publisher);
            Value::Object(m)
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
    Some(script_safe(&value.to_string()))
}

fn insert_opt(m: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(key.into(), v);
    }
}

/// People named in front-matter; an entry naming a panel or team is an organisation.
fn people(names: &[String]) -> Value {
    Value::Array(
        names
            .iter()
            .map(|n| {
                let org = ["team", "panel", "network", "committee", "board", "group"]
                    .iter()
                    .any(|w| n.to_lowercase().contains(w));
                json!({"@type": if org { "Organization" } else { "Person" }, "name": n})
            })
            .collect(),
    )
}

/// `<` becomes `\u003c`, so no string in the data can end the `<script>` element.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_breakout_is_impossible() {
        let v = json!({"name": "</script><script>alert(1)</script>"});
        let s = script_safe(&v.to_string());
        assert!(!s.contains('<'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
