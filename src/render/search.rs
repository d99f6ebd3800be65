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

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use rayon::prelude::*;
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
    let mut docs = Vec::new();
    for i in 0..site.pages.len() {
        docs.extend(page_documents(site, i));
    }
    docs.extend(glossary_documents(site));
    docs.extend(extra);
    docs
}

/// The documents of page `i`: one per section (none for glossary definitions, which are
/// indexed as entries of the glossary page).
pub fn page_documents(site: &Site, i: usize) -> Vec<SearchDoc> {
    let p = &site.pages[i];
    if matches!(p.page.kind, Kind::Term | Kind::Glossary) {
        return Vec::new();
    }
    let url = p.route.relative_from(&Route::page(""), site.link_style);
    let url = if url == "./" { String::new() } else { url };
    let title = &p.page.fm.title;
    let mut keywords = p.page.fm.tags.join(" ");
    if let Some(s) = &p.page.fm.summary {
        keywords.push(' ');
        keywords.push_str(s);
    }
    let mut docs = Vec::with_capacity(p.page.doc.sections.len().max(1));
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
    if docs.is_empty() {
        docs.push(SearchDoc {
            url,
            title: title.clone(),
            heading: String::new(),
            text: String::new(),
            keywords,
        });
    }
    docs
}

fn glossary_documents(site: &Site) -> Vec<SearchDoc> {
    let glossary_url =
        crate::resolve::glossary::route().relative_from(&Route::page(""), site.link_style);
    let Some(&gp) = site.by_path.get("glossary/_index.md") else {
        return Vec::new();
    };
    let title = &site.pages[gp].page.fm.title;
    site.glossary
        .glossary
        .terms()
        .iter()
        .map(|t| {
            let definition = site
                .glossary
                .definitions
                .get(t.slug())
                .and_then(|&i| site.pages[i].page.doc.sections.first())
                .map(|s| s.text.clone())
                .unwrap_or_else(|| t.short.clone());
            SearchDoc {
                url: format!("{glossary_url}#{}", t.slug()),
                title: title.clone(),
                heading: t.term().to_string(),
                text: definition,
                keywords: t.names.join(" "),
            }
        })
        .collect()
}

/// The index as the file the theme loads.
pub fn index_file(index: &SearchIndex) -> super::OutFile {
    super::OutFile {
        path: INDEX_FILE.into(),
        bytes: index.to_js().into_bytes(),
    }
}

/// The index as the JavaScript the theme loads.
pub fn index_js(docs: &[SearchDoc]) -> String {
    SearchIndex::new(docs).to_js()
}

/// Words of one document with where they were found, sorted by word.
type DocWords = Vec<(String, u32)>;

/// The index in a form that can be patched: `glia serve` replaces one page's documents after
/// an edit and writes the file again without re-reading the other pages.
///
/// Every piece of the output is kept ready-made (each document's row, each word's postings),
/// so a patch re-encodes only the words and rows the edit touched and the rest is copied.
pub struct SearchIndex {
    titles_json: String,
    /// Title → position in the titles table (documents refer to titles by position).
    title_ids: BTreeMap<String, usize>,
    rows: Vec<String>,
    /// Each document's title, by position in the titles table.
    title_of: Vec<usize>,
    words: Vec<DocWords>,
    /// Word → (document, flags), by document.
    postings: BTreeMap<String, Vec<(usize, u32)>>,
    /// Word → its `"word":"postings"` entry.
    encoded: BTreeMap<String, String>,
    /// Page index → its documents (empty for pages without any, and when built from a bare
    /// list of documents).
    page_docs: Vec<std::ops::Range<usize>>,
}

impl SearchIndex {
    /// The index of a whole site: its pages' sections, the glossary and the references.
    pub fn of_site(site: &Site, extra: Vec<SearchDoc>) -> SearchIndex {
        let per_page: Vec<Vec<SearchDoc>> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| page_documents(site, i))
            .collect();
        let mut docs = Vec::new();
        let mut page_docs = Vec::with_capacity(per_page.len());
        for d in per_page {
            page_docs.push(docs.len()..docs.len() + d.len());
            docs.extend(d);
        }
        docs.extend(glossary_documents(site));
        docs.extend(extra);
        let mut index = SearchIndex::new(&docs);
        index.page_docs = page_docs;
        index
    }

    /// Re-reads page `i` after an edit. Returns false, changing nothing, when the edit cannot
    /// be patched in (its number of sections or its title changed): rebuild the index then.
    pub fn update_page(&mut self, site: &Site, i: usize) -> bool {
        let Some(range) = self.page_docs.get(i).cloned() else {
            return false;
        };
        let docs = page_documents(site, i);
        docs.len() == range.len() && self.replace(range.start, &docs)
    }

    pub fn new(docs: &[SearchDoc]) -> SearchIndex {
        let words: Vec<DocWords> = docs.par_iter().map(doc_words).collect();
        // Gathered in a hash map, borrowing the words, then sorted once: a site has millions
        // of (word, document) pairs, and finding each in an ordered map of tens of thousands
        // of words compared strings some fifteen times per pair (a fifth of a whole build).
        let mut by_word: HashMap<&str, Vec<(usize, u32)>> = HashMap::new();
        for (i, words) in words.iter().enumerate() {
            for (w, flags) in words {
                by_word.entry(w.as_str()).or_default().push((i, *flags));
            }
        }
        let mut sorted: Vec<(&str, Vec<(usize, u32)>)> = by_word.into_iter().collect();
        sorted.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        let postings: BTreeMap<String, Vec<(usize, u32)>> = sorted
            .into_iter()
            .map(|(w, list)| (w.to_string(), list))
            .collect();
        let mut titles: Vec<&str> = Vec::new();
        let mut title_ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut rows = Vec::with_capacity(docs.len());
        let mut title_of = Vec::with_capacity(docs.len());
        for d in docs {
            let id = match title_ids.get(d.title.as_str()) {
                Some(&id) => id,
                None => {
                    titles.push(d.title.as_str());
                    title_ids.insert(d.title.clone(), titles.len() - 1);
                    titles.len() - 1
                }
            };
            rows.push(row(d, id));
            title_of.push(id);
        }
        let titles_json =
            script_safe(serde_json::to_string(&titles).unwrap_or_else(|_| "[]".into()));
        let encoded = postings
            .par_iter()
            .map(|(w, list)| (w.clone(), encode(w, list)))
            .collect();
        SearchIndex {
            titles_json,
            title_ids,
            rows,
            title_of,
            words,
            postings,
            encoded,
            page_docs: Vec::new(),
        }
    }

    /// Replaces documents `at..at + docs.len()` with `docs`. Returns false, changing nothing,
    /// when that cannot be a patch: the range is out of bounds or a title changed (titles are
    /// numbered in order of first use, so a changed one could renumber others).
    fn replace(&mut self, at: usize, docs: &[SearchDoc]) -> bool {
        let same_titles = self.title_of.get(at..at + docs.len()).is_some_and(|ids| {
            ids.iter()
                .zip(docs)
                .all(|(&id, d)| self.title_ids.get(&d.title) == Some(&id))
        });
        if !same_titles {
            return false;
        }
        // Only words whose postings change are re-encoded: an edit that adds a sentence
        // touches a few words, while re-encoding every word of the page would re-encode the
        // site-long postings of its most common words.
        let mut touched: Vec<String> = Vec::new();
        for (k, d) in docs.iter().enumerate() {
            let n = at + k;
            let new_words = doc_words(d);
            let old_words = std::mem::replace(&mut self.words[n], new_words);
            let (old_words, new_words) = (&old_words, &self.words[n]);
            for (w, _) in old_words {
                if new_words.binary_search_by(|(x, _)| x.cmp(w)).is_err() {
                    if let Some(list) = self.postings.get_mut(w) {
                        if let Ok(pos) = list.binary_search_by_key(&n, |&(doc, _)| doc) {
                            list.remove(pos);
                        }
                    }
                    touched.push(w.clone());
                }
            }
            for (w, flags) in new_words {
                if old_words.binary_search(&(w.clone(), *flags)).is_ok() {
                    continue;
                }
                let list = self.postings.entry(w.clone()).or_default();
                match list.binary_search_by_key(&n, |&(doc, _)| doc) {
                    Ok(pos) => list[pos].1 = *flags,
                    Err(pos) => list.insert(pos, (n, *flags)),
                }
                touched.push(w.clone());
            }
            self.rows[n] = row(d, self.title_ids[&d.title]);
        }
        touched.sort_unstable();
        touched.dedup();
        for w in touched {
            match self.postings.get(&w) {
                Some(list) if !list.is_empty() => {
                    let e = encode(&w, list);
                    self.encoded.insert(w, e);
                }
                _ => {
                    self.postings.remove(&w);
                    self.encoded.remove(&w);
                }
            }
        }
        true
    }

    pub fn to_js(&self) -> String {
        const HEAD: &str = "window.gliaSearchIndex={\"titles\":";
        let len = HEAD.len()
            + self.titles_json.len()
            + 32
            + self.rows.iter().map(|r| r.len() + 1).sum::<usize>()
            + self.encoded.values().map(|e| e.len() + 1).sum::<usize>();
        let mut out = String::with_capacity(len);
        out.push_str(HEAD);
        out.push_str(&self.titles_json);
        out.push_str(",\"docs\":[");
        for (n, r) in self.rows.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(r);
        }
        out.push_str("],\"terms\":{");
        for (n, e) in self.encoded.values().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(e);
        }
        out.push_str("}};\n");
        out
    }
}

fn doc_words(d: &SearchDoc) -> DocWords {
    // Sorted once and merged, rather than kept in an ordered map word by word.
    let mut words: Vec<(String, u32)> = tokens(&d.title)
        .chain(tokens(&d.keywords))
        .map(|w| (w, IN_TITLE))
        .chain(tokens(&d.heading).map(|w| (w, IN_HEADING)))
        .chain(tokens(&d.text).map(|w| (w, 0)))
        .collect();
    words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut merged: DocWords = Vec::with_capacity(words.len());
    for (w, flags) in words {
        match merged.last_mut() {
            Some((last, f)) if *last == w => *f |= flags,
            _ => merged.push((w, flags)),
        }
    }
    merged
}

/// One document's row: `[url, title id, heading, snippet]`.
fn row(d: &SearchDoc, title_id: usize) -> String {
    let snippet: String = d.text.chars().take(SNIPPET_CHARS).collect();
    let json = serde_json::json!([d.url, title_id, d.heading, snippet]).to_string();
    script_safe(json)
}

/// One word's entry: postings as base-36 gaps between document numbers, each shifted left by
/// two with the title/heading flags in the low bits.
fn encode(word: &str, list: &[(usize, u32)]) -> String {
    let mut out = serde_json::Value::from(word).to_string();
    out.push_str(":\"");
    let mut prev = 0;
    for (k, (doc, flags)) in list.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let v = ((doc - prev) as u64) << 2 | u64::from(*flags);
        let _ = write!(out, "{}", base36(v));
        prev = *doc;
    }
    out.push('"');
    script_safe(out)
}

/// `</` cannot appear in a script, or `</script>` inside a title would end it early. Applied
/// per piece: no piece ends in `<`, so no `</` can straddle two.
fn script_safe(s: String) -> String {
    if s.contains("</") {
        s.replace("</", "<\\/")
    } else {
        s
    }
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
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
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

    #[test]
    fn a_patched_index_is_the_index_of_the_patched_documents() {
        let doc = |title: &str, heading: &str, text: &str| SearchDoc {
            url: format!("{}/", title.to_lowercase()),
            title: title.into(),
            heading: heading.into(),
            text: text.into(),
            keywords: String::new(),
        };
        let mut docs = vec![
            doc("Ketamine", "", "Ketamine infusions for depression."),
            doc("Ketamine", "Safety", "Blood pressure is checked."),
            doc("TMS", "", "Magnetic pulses </script> for depression."),
        ];
        let mut index = SearchIndex::new(&docs);
        // Words leave (pressure), arrive (pulse, safety as text) and change flags (safety).
        let patch = [
            doc("Ketamine", "Monitoring", "Pulse and safety are checked."),
            doc(
                "TMS",
                "",
                "Magnetic pulses for depression </script>, daily.",
            ),
        ];
        assert!(index.replace(1, &patch));
        docs.splice(1.., patch);
        assert_eq!(index.to_js(), SearchIndex::new(&docs).to_js());
        // A title that would renumber the titles table is not patched.
        assert!(!index.replace(0, &[doc("Esketamine", "", "Nasal spray.")]));
        assert_eq!(index.to_js(), SearchIndex::new(&docs).to_js());
    }
}
