//! The documents of the search index: each page's sections and the glossary's terms (the
//! reference index adds its entries, `render::citations::search_docs`), and what the index
//! takes from each: its words ([`doc_words`]) and its row of URL, heading and snippet ([`row`]).

use super::encode::script_safe;
use super::tokens;
use crate::i18n::text::SearchLanguage;
use crate::load::Kind;
use crate::resolve::Site;
use crate::url::Route;

/// A document the index can return.
#[derive(Clone)]
pub struct SearchDoc {
    /// Site-root-relative URL, with `#anchor` when the document is a section.
    pub url: String,
    pub title: String,
    pub heading: String,
    pub text: String,
    /// Extra words that count as title words (glossary aliases, reference authors).
    pub keywords: String,
}

/// The documents of page `i`: one per section (none for glossary definitions, which are
/// indexed as entries of the glossary page).
pub fn page_documents(site: &Site, i: usize) -> Vec<SearchDoc> {
    let p = &site.pages[i];
    if page_document_count(site, i) == 0 {
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

/// How many documents [`page_documents`] makes of page `i`: one per section, or one for a page
/// without sections; none for the glossary and its definitions.
pub(super) fn page_document_count(site: &Site, i: usize) -> usize {
    let p = &site.pages[i];
    if matches!(p.page.kind, Kind::Term | Kind::Glossary) {
        0
    } else {
        p.page.doc.sections.len().max(1)
    }
}

/// The glossary's page and its terms, each one document, when the site has a glossary.
pub(super) fn glossary_terms(site: &Site) -> Option<(usize, &[crate::glossary::Term])> {
    let &gp = site.by_path.get("glossary/_index.md")?;
    Some((gp, site.glossary.glossary.terms()))
}

pub(super) fn glossary_documents(site: &Site) -> Vec<SearchDoc> {
    let glossary_url =
        crate::resolve::glossary::route().relative_from(&Route::page(""), site.link_style);
    let Some((gp, terms)) = glossary_terms(site) else {
        return Vec::new();
    };
    let title = &site.pages[gp].page.fm.title;
    terms
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
                url: format!("{glossary_url}#{}", crate::ids::glossary_entry(t.slug())),
                title: title.clone(),
                heading: t.term().to_string(),
                text: definition,
                keywords: t.names.join(" "),
            }
        })
        .collect()
}

/// Characters of text kept per section, cut at a word, from which the JavaScript shows a
/// snippet around the first word the query matched: a word further into a long section than
/// this is found but not shown.
const SNIPPET_SOURCE_CHARS: usize = 600;

/// Where a word was found, as bit flags; the JavaScript ranks title and heading hits first.
pub(super) const IN_TITLE: u32 = 1;
pub(super) const IN_HEADING: u32 = 2;

/// Words of one document with where they were found, sorted by word.
pub(super) type DocWords = Vec<(String, u32)>;

pub(super) fn doc_words(lang: SearchLanguage, d: &SearchDoc) -> DocWords {
    // Sorted once and merged, rather than kept in an ordered map word by word.
    let mut words: Vec<(String, u32)> = tokens(lang, &d.title)
        .chain(tokens(lang, &d.keywords))
        .map(|w| (w, IN_TITLE))
        .chain(tokens(lang, &d.heading).map(|w| (w, IN_HEADING)))
        .chain(tokens(lang, &d.text).map(|w| (w, 0)))
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

/// One document's row: `[url, heading, text]` (its group holds the title), the text cut at
/// a word boundary with "…" when longer than [`SNIPPET_SOURCE_CHARS`].
pub(super) fn row(d: &SearchDoc) -> String {
    let snippet = cut_at_word(&d.text, SNIPPET_SOURCE_CHARS);
    let json = serde_json::json!([d.url, d.heading, snippet]).to_string();
    script_safe(json)
}

/// `text` cut to at most `chars` characters (plus "…") at the last whitespace before the
/// limit, never inside a word; unchanged when it is short enough.
fn cut_at_word(text: &str, chars: usize) -> std::borrow::Cow<'_, str> {
    let Some((limit, _)) = text.char_indices().nth(chars) else {
        return text.into();
    };
    // The limit itself may fall on a space, which ends the last whole word.
    let head = &text[..limit];
    let end = if text[limit..].starts_with(char::is_whitespace) {
        limit
    } else {
        head.rfind(char::is_whitespace).unwrap_or(0)
    };
    let kept = text[..end].trim_end();
    if kept.is_empty() {
        // One word longer than the limit: cut it at a character rather than show nothing.
        return format!("{head}…").into();
    }
    format!("{kept}…").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_text_is_cut_between_words() {
        assert_eq!(cut_at_word("short text", 600), "short text");
        assert_eq!(cut_at_word("ketamine infusions help", 14), "ketamine…");
        assert_eq!(cut_at_word("ketamine infusions help", 8), "ketamine…");
        assert_eq!(cut_at_word("ketamine", 4), "keta…");
    }
}
