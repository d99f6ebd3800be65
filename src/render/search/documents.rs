//! The documents of the search index: each page's sections and the glossary's terms (the
//! reference index adds its entries, `render::citations::search_docs`).

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
