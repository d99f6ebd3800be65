//! The search index: built here at build time, searched by the theme's plain JavaScript.
//!
//! It must work opened from disk, where browsers refuse `fetch()`, so the index is a
//! JavaScript file (`search-index.js`) that the page adds as a `<script>` when the reader
//! first focuses the search box. It is an inverted index of folded, lightly stemmed words with
//! compact postings, plus a short snippet per section; the JavaScript applies the same
//! [`fold`] and [`stem`] rules to queries (keep them in step with `static/js/search.js`).
//!
//! Documents are sections of pages (so a result can link to the heading it came from),
//! glossary entries, and entries of the reference index.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use unicode_normalization::UnicodeNormalization;

use crate::load::Kind;
use crate::resolve::Site;
use crate::url::Route;

pub const INDEX_FILE: &str = "search-index.js";

/// Characters of text kept per section for result snippets.
const SNIPPET_CHARS: usize = 180;

/// Where a word was found, as bit flags; the JavaScript ranks title and heading hits first.
const IN_TITLE: u32 = 1;
const IN_HEADING: u32 = 2;

/// A document the index can return.
pub struct SearchDoc {
    /// Site-root-relative URL, with `#anchor` when the document is a section.
    pub url: String,
    pub title: String,
    pub heading: String,
    pub text: String,
    /// Extra words that count as title words (glossary aliases, reference authors).
    pub keywords: String,
}

/// The documents of the whole site, in a stable order.
pub fn documents(site: &Site, extra: Vec<SearchDoc>) -> Vec<SearchDoc> {
    let root = Route::page("");
    let mut docs = Vec::new();
    for p in &site.pages {
        if matches!(p.page.kind, Kind::Term | Kind::Glossary) {
            continue;
        }
        let url = p.route.relative_from(&root, site.link_style);
        let url = if url == "./" { String::new() } else { url };
        let title = p.page.fm.title.clone();
        let mut keywords = p.page.fm.tags.join(" ");
        if let Some(s) = &p.page.fm.summary {
            keywords.push(' ');
            keywords.push_str(s);
        }
        for (n, s) in p.page.doc.sections.iter().enumerate() {
            docs.push(SearchDoc {
                url: match &s.id {
                    Some(id) => format!("{url}#{id}"),
                    None => url.clone(),
                },
                title: title.clone(),
                heading: s.heading.clone(),
                text: s.text.clone(),
                keywords: if n == 0 {
                    keywords.clone()
                } else {
                    String::new()
                },
            });
        }
        if p.page.doc.sections.is_empty() {
            docs.push(SearchDoc {
                url: url.clone(),
                title: title.clone(),
                heading: String::new(),
                text: String::new(),
                keywords,
            });
        }
    }
    let glossary_url = crate::resolve::glossary::route().relative_from(&root, site.link_style);
    if let Some(&gp) = site.by_path.get("glossary/_index.md") {
        let title = site.pages[gp].page.fm.title.clone();
        for t in site.glossary.glossary.terms() {
            let definition = site
                .glossary
                .definitions
                .get(t.slug())
                .and_then(|&i| site.pages[i].page.doc.sections.first())
                .map(|s| s.text.clone())
                .unwrap_or_else(|| t.short.clone());
            docs.push(SearchDoc {
                url: format!("{glossary_url}#{}", t.slug()),
                title: title.clone(),
                heading: t.term().to_string(),
                text: definition,
                keywords: t.names.join(" "),
            });
        }
    }
    docs.extend(extra);
    docs
}

/// The index as a JavaScript file defining `window.gliaSearchIndex`.
pub fn index_js(docs: &[SearchDoc]) -> String {
    let mut postings: BTreeMap<String, Vec<(usize, u32)>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        let mut words: BTreeMap<String, u32> = BTreeMap::new();
        for w in tokens(&d.title).chain(tokens(&d.keywords)) {
            *words.entry(w).or_default() |= IN_TITLE;
        }
        for w in tokens(&d.heading) {
            *words.entry(w).or_default() |= IN_HEADING;
        }
        for w in tokens(&d.text) {
            words.entry(w).or_default();
        }
        for (w, flags) in words {
            postings.entry(w).or_default().push((i, flags));
        }
    }
    // Docs as [url, title, heading, snippet]; repeated titles are common, so titles are stored
    // once and referenced by number.
    let mut titles: Vec<&str> = Vec::new();
    let mut title_ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = String::from("window.gliaSearchIndex={\"titles\":");
    let mut doc_rows = Vec::with_capacity(docs.len());
    for d in docs {
        let id = *title_ids.entry(d.title.as_str()).or_insert_with(|| {
            titles.push(d.title.as_str());
            titles.len() - 1
        });
        let snippet: String = d.text.chars().take(SNIPPET_CHARS).collect();
        doc_rows.push(serde_json::json!([d.url, id, d.heading, snippet]));
    }
    out.push_str(&serde_json::to_string(&titles).unwrap_or_else(|_| "[]".into()));
    out.push_str(",\"docs\":");
    out.push_str(&serde_json::to_string(&doc_rows).unwrap_or_else(|_| "[]".into()));
    out.push_str(",\"terms\":{");
    for (n, (word, list)) in postings.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        // Delta-encoded doc numbers with the flags in the low two bits, base 36.
        let mut enc = String::new();
        let mut prev = 0;
        for (k, (doc, flags)) in list.iter().enumerate() {
            if k > 0 {
                enc.push(',');
            }
            let v = ((doc - prev) as u64) << 2 | u64::from(*flags);
            let _ = write!(enc, "{}", base36(v));
            prev = *doc;
        }
        let _ = write!(out, "{}:\"{enc}\"", serde_json::Value::from(word.as_str()));
    }
    out.push_str("}};\n");
    // Nothing in the data may end a script element.
    out.replace("</", "<\\/")
}

fn base36(mut v: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if v == 0 {
        return "0".into();
    }
    let mut buf = Vec::new();
    while v > 0 {
        buf.push(DIGITS[(v % 36) as usize]);
        v /= 36;
    }
    buf.reverse();
    String::from_utf8(buf).unwrap_or_default()
}

/// Words too common to help a search.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "in", "is", "it", "its",
    "of", "on", "or", "that", "the", "to", "was", "were", "with",
];

/// The searchable words of `s`: folded, stemmed, without stop words.
pub fn tokens(s: &str) -> impl Iterator<Item = String> + '_ {
    let folded = fold(s);
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(stem)
        .collect::<Vec<_>>()
        .into_iter()
}

/// Lower case without diacritics, so "Über" and "uber" meet.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A light English stemmer: enough that "infusions" finds "infusion" and "monitoring" finds
/// "monitored", simple enough to mirror exactly in the theme's JavaScript.
pub fn stem(w: &str) -> String {
    let n = w.chars().count();
    if n <= 3 || !w.is_ascii() {
        return w.to_string();
    }
    let mut s = if let Some(b) = w.strip_suffix("ies") {
        format!("{b}y")
    } else if let Some(b) = w.strip_suffix("sses") {
        format!("{b}ss")
    } else if w.ends_with("ches") || w.ends_with("shes") || w.ends_with("xes") {
        w[..w.len() - 2].to_string()
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    };
    if s.len() >= 7 && s.ends_with("ing") {
        s.truncate(s.len() - 3);
    } else if s.len() >= 6 && s.ends_with("ed") {
        s.truncate(s.len() - 2);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_plurals_and_endings() {
        assert_eq!(stem("infusions"), "infusion");
        assert_eq!(stem("infusion"), "infusion");
        assert_eq!(stem("therapies"), "therapy");
        assert_eq!(stem("monitoring"), "monitor");
        assert_eq!(stem("monitored"), "monitor");
        assert_eq!(stem("status"), "status");
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(fold("Über Café"), "uber cafe");
        let t: Vec<String> = tokens("The Ketamine infusions").collect();
        assert_eq!(t, ["ketamine", "infusion"]);
    }

    #[test]
    fn index_is_a_script_that_cannot_be_closed_early() {
        let docs = vec![SearchDoc {
            url: "a/".into(),
            title: "</script> Ketamine".into(),
            heading: String::new(),
            text: "infusions".into(),
            keywords: String::new(),
        }];
        let js = index_js(&docs);
        assert!(js.starts_with("window.gliaSearchIndex="));
        assert!(!js.contains("</script>"));
        assert!(js.contains("\"infusion\":\"0\""), "{js}");
        assert!(js.contains("\"ketamine\":\"1\""), "title flag: {js}");
    }
}
