//! Citations on rendered pages: placeholders replaced by the style's in-text citations, the
//! reference list with identifier links and back-links, the site-wide reference index, and
//! the "Cite this page" and whole-bibliography downloads.
//!
//! Several Markdown bodies can share one reference list (the glossary page shows every
//! definition), so formatting works on a list of pages and numbers across all of them.

use pulldown_cmark::{CowStr, Event};
use serde::Serialize;

use super::escape;
use super::items::Link;
use crate::cite::{export, Citation, FormattedDoc, Name, Reference};
use crate::diagnostics::Diagnostic;
use crate::glossary::LinkPieces;
use crate::ids;
use crate::load::Kind;
use crate::parse::citations::placeholder_index;
use crate::resolve::{citations::route, Site};
use crate::url::Route;

/// The "Cite this page" files beside every article, by format: the one place they are named
/// ([`cite_files`] writes them, the article template links to them).
pub const CITE_BIB: &str = "cite.bib";
pub const CITE_RIS: &str = "cite.ris";
pub const CITE_JSON: &str = "cite.json";
pub const CITE_FILES: [&str; 3] = [CITE_BIB, CITE_RIS, CITE_JSON];
/// The whole bibliography beside the reference index, by format
/// ([`bibliography_files`]).
pub const BIBLIOGRAPHY_BIB: &str = "bibliography.bib";
pub const BIBLIOGRAPHY_JSON: &str = "bibliography.json";
pub const BIBLIOGRAPHY_FILES: [&str; 2] = [BIBLIOGRAPHY_BIB, BIBLIOGRAPHY_JSON];

/// Where the reference list goes when an article does not say (`<!-- references -->`).
const MARKER: &str = "<!-- references -->";

/// What replaces the citation placeholders of several bodies, and the reference list they
/// share. The bodies themselves are not copied: [`super::Renderer::body_html`] substitutes
/// while it writes them.
pub struct Cited {
    /// Per body, in the order given: the HTML of each of its citations, by placeholder number.
    pub citations: Vec<Vec<String>>,
    pub list_html: Option<String>,
    /// Whether `list_html` belongs at the body's `<!-- references -->` marker (a single body
    /// that has one) rather than after the body.
    pub list_at_marker: bool,
    /// Keys of the works listed, in list order.
    pub keys: Vec<String>,
}

/// What [`super::Renderer::body_html`] puts in place of one body's placeholders.
#[derive(Clone, Copy, Default)]
pub struct Substitutions<'a> {
    /// The body's citations, by placeholder number.
    pub citations: &'a [String],
    /// The reference list, for the `<!-- references -->` marker.
    pub list: Option<&'a str>,
    /// The body's glossary links and what writes them; `None` writes none.
    pub links: Option<LinkPieces<'a>>,
}

impl<'a> Substitutions<'a> {
    /// What the HTML writer gets instead of `event`, if it is a placeholder this body fills:
    /// a citation or the reference list.
    pub fn replace(&self, event: &Event<'_>) -> Option<Event<'a>> {
        match event {
            Event::InlineHtml(h) => placeholder_index(h)
                .and_then(|k| self.citations.get(k))
                .map(|c| match crate::parse::citations::is_in_link(h) {
                    // Inside a link's text: the citation's own links would nest.
                    true => Event::InlineHtml(CowStr::Boxed(without_links(c).into())),
                    false => Event::InlineHtml(CowStr::Borrowed(c)),
                }),
            Event::Html(h) if h.trim() == MARKER => {
                self.list.map(|list| Event::Html(CowStr::Borrowed(list)))
            }
            _ => None,
        }
    }
}

/// A formatted citation without its `<a …>`/`</a>` tags, for a citation written inside a
/// link's text. The HTML is glia's own (every reference string in it is escaped), so `<a`
/// only ever starts one of its links.
fn without_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = [rest.find("<a "), rest.find("</a>")]
        .into_iter()
        .flatten()
        .min()
    {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Formats the citations of `pages` (indexes into `site.pages`) as one document. `events`
/// are those of a single page, when the site no longer holds them (see
/// [`super::Renderer::render_site_to`]).
pub fn format_pages(
    site: &Site,
    pages: &[usize],
    events: Option<&[crate::parse::markdown::Spanned]>,
) -> Result<Cited, Vec<Diagnostic>> {
    let all: Vec<Citation> = pages
        .iter()
        .flat_map(|&i| {
            site.pages[i]
                .page
                .doc
                .citations
                .iter()
                .map(|m| m.item.clone())
        })
        .collect();
    let (Some(styler), false) = (&site.citations.styler, all.is_empty()) else {
        return Ok(Cited {
            citations: vec![Vec::new(); pages.len()],
            list_html: None,
            list_at_marker: false,
            keys: Vec::new(),
        });
    };
    let doc = styler.format_document_cached(
        &site.citations.bibliography,
        &all,
        &site.citations.entries,
        &site.citations.cites,
    )?;
    // Each entry's text, escaped once for all the citations of it on these pages.
    let texts: std::collections::HashMap<&str, String> = doc
        .entries
        .iter()
        .map(|e| (e.key.as_str(), escape(&e.text)))
        .collect();
    let mut citations = Vec::with_capacity(pages.len());
    let mut offset = 0;
    let mut tip = String::new();
    for &i in pages {
        let n = site.pages[i].page.doc.citations.len();
        citations.push(
            (offset..offset + n)
                .map(|g| {
                    let c = &doc.citations[g];
                    tip.clear();
                    let cited = c.keys.iter().filter_map(|k| texts.get(k.as_str()));
                    for (k, text) in cited.enumerate() {
                        if k > 0 {
                            tip.push(' ');
                        }
                        tip.push_str(text);
                    }
                    citation_html(g, &c.html, &tip)
                })
                .collect(),
        );
        offset += n;
    }
    let list_at_marker = match pages {
        [i] => (events.unwrap_or(&site.pages[*i].page.doc.events).iter())
            .any(|(ev, _)| matches!(ev, Event::Html(h) if h.trim() == MARKER)),
        _ => false,
    };
    let keys = doc.entries.iter().map(|e| e.key.clone()).collect();
    Ok(Cited {
        citations,
        list_html: Some(reference_list(site, &doc)),
        list_at_marker,
        keys,
    })
}

/// One in-text citation: the style's rendering, described by the formatted references (`tip`,
/// already escaped) so a hover or keyboard focus shows them without JavaScript.
fn citation_html(n: usize, html: &str, tip: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(html.len() + tip.len() + 160);
    let _ = write!(out, "<span class=\"cite\" id=\"{}\">", ids::citation(n));
    let mut links = html.split("<a href=");
    out.push_str(links.next().unwrap_or_default());
    for rest in links {
        let _ = write!(
            out,
            "<a aria-describedby=\"{}\" href=",
            ids::citation_tip(n)
        );
        out.push_str(rest);
    }
    let _ = write!(
        out,
        "<span class=\"cite-tip\" role=\"tooltip\" id=\"{}\">{tip}</span></span>",
        ids::citation_tip(n)
    );
    out
}

fn reference_list(site: &Site, doc: &FormattedDoc) -> String {
    use std::fmt::Write;
    let numeric = site
        .citations
        .styler
        .as_ref()
        .is_some_and(|s| s.is_numeric());
    let (open, close) = if numeric {
        ("<ol class=\"reference-list numeric\">", "</ol>")
    } else {
        ("<ul class=\"reference-list\">", "</ul>")
    };
    // Where each entry is cited, in one pass over the citations.
    let mut places: std::collections::HashMap<&str, Vec<usize>> =
        std::collections::HashMap::with_capacity(doc.entries.len());
    for (n, c) in doc.citations.iter().enumerate() {
        for key in &c.keys {
            let at = places.entry(key.as_str()).or_default();
            if at.last() != Some(&n) {
                at.push(n);
            }
        }
    }
    let mut out = String::with_capacity(
        256 + doc
            .entries
            .iter()
            .map(|e| e.html.len() + 400)
            .sum::<usize>(),
    );
    out.push_str(
        "<section class=\"references\" aria-labelledby=\"reference-list-title\">\n<h2 id=\"reference-list-title\">References</h2>\n",
    );
    out.push_str(open);
    out.push('\n');
    for e in &doc.entries {
        let _ = write!(out, "<li id=\"{}\"", escape(&ids::reference(&e.key)));
        if let Some(n) = e.number {
            let _ = write!(out, " value=\"{n}\"");
        }
        let _ = write!(out, "><span class=\"ref-text\">{}</span>", e.html);
        if let Some(r) = site.citations.bibliography.get(&e.key) {
            out.push_str(&identifier_links(r));
        }
        let backs = places.get(e.key.as_str()).map_or(&[][..], Vec::as_slice);
        out.push_str(&backlinks(backs));
        out.push_str("</li>\n");
    }
    out.push_str(close);
    out.push_str("\n</section>\n");
    out
}

/// DOI, PubMed and PMC links, from the identifiers themselves rather than from the style, so
/// every entry has them whatever the style prints.
pub fn identifier_links(r: &Reference) -> String {
    let mut links = Vec::new();
    if let Some(doi) = &r.doi {
        links.push(format!(
            "<a class=\"ref-doi\" href=\"https://doi.org/{}\">DOI</a>",
            escape(doi)
        ));
    }
    if let Some(pmid) = &r.pmid {
        links.push(format!(
            "<a class=\"ref-pubmed\" href=\"https://pubmed.ncbi.nlm.nih.gov/{}/\">PubMed</a>",
            escape(pmid)
        ));
    }
    if let Some(pmcid) = &r.pmcid {
        links.push(format!(
            "<a class=\"ref-pmc\" href=\"https://pmc.ncbi.nlm.nih.gov/articles/{}/\">PMC</a>",
            escape(pmcid)
        ));
    }
    if links.is_empty() {
        String::new()
    } else {
        format!(" <span class=\"ref-links\">{}</span>", links.join(" "))
    }
}

/// Up to this many places, an entry's back-links are shown inline (`↩ a b c`); beyond it they
/// are folded into "↩ cited 27 times", which opens to the list: a row of 27 letters reads as
/// noise, and a reader wants the count before the places.
const INLINE_BACKLINKS: usize = 5;

/// `↩` links back to each place the entry is cited: `↩ a b c` when there are several, folded
/// into a `<details>` when there are more than [`INLINE_BACKLINKS`].
fn backlinks(places: &[usize]) -> String {
    let letters = || {
        let links: Vec<String> = places
            .iter()
            .enumerate()
            .map(|(k, n)| {
                let l = letter(k);
                format!("<a href=\"#cite-{n}\" aria-label=\"Back to citation {l}\">{l}</a>")
            })
            .collect();
        links.join(" ")
    };
    match places {
        [] => String::new(),
        [one] => format!(
            " <span class=\"backlinks\"><a href=\"#cite-{one}\" aria-label=\"Back to the citation\">↩</a></span>"
        ),
        few if few.len() <= INLINE_BACKLINKS => {
            format!(" <span class=\"backlinks\">↩ {}</span>", letters())
        }
        many => format!(
            " <details class=\"backlinks\"><summary><span aria-hidden=\"true\">↩</span> cited {} times</summary>{}</details>",
            many.len(),
            letters()
        ),
    }
}

fn letter(k: usize) -> String {
    let mut s = String::new();
    let mut k = k;
    loop {
        s.insert(0, (b'a' + (k % 26) as u8) as char);
        if k < 26 {
            break;
        }
        k = k / 26 - 1;
    }
    s
}

/// One page of the reference index: its works A–Z by first author, each with "Cited in".
#[derive(Serialize)]
pub struct IndexCtx {
    /// Works cited on the whole site.
    pub works: usize,
    /// Articles citing them.
    pub articles: usize,
    /// The letters of the whole index, each linking to where its works begin (on this page or
    /// another).
    pub jump: Vec<Link>,
    /// This page's works, by the letter they are filed under.
    pub letters: Vec<IndexLetter>,
    /// The downloads of the whole bibliography, relative to this page.
    pub bibtex: String,
    pub csl_json: String,
}

#[derive(Serialize)]
pub struct IndexLetter {
    pub letter: String,
    pub id: String,
    pub entries: Vec<IndexEntry>,
}

#[derive(Serialize)]
pub struct IndexEntry {
    pub id: String,
    /// Formatted by the site's style, escaped HTML.
    pub html: String,
    /// DOI, PubMed and PMC links, HTML.
    pub links: String,
    pub cited_in: Vec<Link>,
}

/// The folder the reference index is paginated under.
fn index_dir() -> String {
    route().dir().to_string()
}

/// Every cited work's key, in the order the reference index shows them (A–Z by first author,
/// then year, then key), with the letter it is filed under. The one ordering both the index's
/// pages and every link to an entry of it (search) follow.
fn index_order(site: &Site) -> Vec<(&str, String)> {
    let cit = &site.citations;
    let mut works: Vec<(&str, (String, i32), String)> = (cit.cited_in.keys())
        .map(|key| {
            let r = cit.bibliography.get(key);
            // Folded, so Ávila sorts (and is filed) with the A's.
            let sort = crate::render::search::fold(
                &r.map(Reference::first_author_sort_key).unwrap_or_default(),
            );
            let year = r.and_then(|r| r.issued.map(|d| d.year)).unwrap_or(0);
            let letter = (sort.chars().next())
                .map(|c| c.to_uppercase().collect::<String>())
                .filter(|c| c.chars().all(char::is_alphabetic))
                .unwrap_or_else(|| "#".into());
            (key.as_str(), (sort, year), letter)
        })
        .collect();
    works.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
    works.into_iter().map(|(k, _, l)| (k, l)).collect()
}

/// The page of the reference index that holds work `key`'s entry, with its anchor, as a link
/// from `from`: what every link to an entry of the index uses.
pub fn index_entry_urls(site: &Site, from: &Route) -> std::collections::BTreeMap<String, String> {
    let dir = index_dir();
    index_order(site)
        .into_iter()
        .enumerate()
        .map(|(n, (key, _))| {
            let page = super::listing::page_holding(site, &dir, n);
            let url = page.relative_from(from, site.link_style);
            (key.to_string(), format!("{url}#{}", ids::reference(key)))
        })
        .collect()
}

/// The reference index: its works in order, formatted once for all its pages.
pub struct ReferenceIndex<'s> {
    /// Key, letter and formatted entry of each work, in order.
    works: Vec<(&'s str, String, String)>,
    articles: usize,
}

impl<'s> ReferenceIndex<'s> {
    pub fn new(site: &'s Site) -> ReferenceIndex<'s> {
        let cit = &site.citations;
        let order = index_order(site);
        let keys: Vec<&str> = order.iter().map(|(k, _)| *k).collect();
        let cached: Vec<_> = keys
            .iter()
            .filter_map(|k| cit.entries.get(k).cloned())
            .collect();
        let formatted = if cached.len() == keys.len() {
            cached
        } else {
            cit.styler
                .as_ref()
                .map(|s| s.format_entries(&cit.bibliography, &keys))
                .unwrap_or_default()
        };
        let html: std::collections::HashMap<&str, &str> = formatted
            .iter()
            .map(|e| (e.key.as_str(), e.html.as_str()))
            .collect();
        let articles = (cit.cited_in.values().flatten())
            .filter(|&&i| site.pages[i].page.kind == Kind::Article)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        ReferenceIndex {
            works: order
                .into_iter()
                .map(|(k, l)| {
                    let h = html.get(k).map_or_else(|| escape(k), |h| h.to_string());
                    (k, l, h)
                })
                .collect(),
            articles,
        }
    }

    /// The index's pages, at the site's page size.
    pub fn pages(&self, site: &Site) -> Vec<super::listing::Paged> {
        super::listing::paginate(site, &index_dir(), self.works.len())
    }

    /// The page at `from` showing works `items`.
    pub fn context(&self, site: &Site, from: &Route, items: std::ops::Range<usize>) -> IndexCtx {
        let cit = &site.citations;
        let dir = index_dir();
        let mut jump: Vec<Link> = Vec::new();
        for (n, (_, letter, _)) in self.works.iter().enumerate() {
            if jump.last().is_some_and(|l| &l.title == letter) {
                continue;
            }
            let page = super::listing::page_holding(site, &dir, n);
            let here = &page == from;
            let url = if here {
                String::new()
            } else {
                page.relative_from(from, site.link_style)
            };
            jump.push(Link {
                title: letter.clone(),
                url: format!("{url}#{}", ids::letter(letter)),
                current: here,
            });
        }
        let mut letters: Vec<IndexLetter> = Vec::new();
        for (key, letter, html) in self.works.get(items).unwrap_or_default() {
            let pages = cit.cited_in.get(*key).map_or(&[][..], Vec::as_slice);
            let cited_in = pages
                .iter()
                .map(|&i| {
                    let p = &site.pages[i];
                    let title = match p.page.kind {
                        Kind::Term => format!("Glossary: {}", p.page.fm.title),
                        _ => p.page.fm.title.clone(),
                    };
                    Link {
                        title,
                        url: p.route.relative_from(from, site.link_style),
                        current: false,
                    }
                })
                .collect();
            let entry = IndexEntry {
                id: ids::reference(key),
                html: html.clone(),
                links: cit
                    .bibliography
                    .get(key)
                    .map(identifier_links)
                    .unwrap_or_default(),
                cited_in,
            };
            match letters.last_mut() {
                Some(g) if &g.letter == letter => g.entries.push(entry),
                _ => letters.push(IndexLetter {
                    id: ids::letter(letter),
                    letter: letter.clone(),
                    entries: vec![entry],
                }),
            }
        }
        let download =
            |name: &str| Route::file(format!("{dir}/{name}")).relative_from(from, site.link_style);
        IndexCtx {
            works: self.works.len(),
            articles: self.articles,
            jump,
            letters,
            bibtex: download(BIBLIOGRAPHY_BIB),
            csl_json: download(BIBLIOGRAPHY_JSON),
        }
    }
}

/// A reference describing page `i` itself, for "Cite this page".
pub fn page_reference(site: &Site, i: usize) -> Reference {
    let p = &site.pages[i];
    let fm = &p.page.fm;
    let c = &site.config;
    let date = fm.updated.or(fm.date).map(|d| crate::cite::Date {
        year: d.0.year().into(),
        month: Some(d.0.month() as u8),
        day: Some(d.0.day() as u8),
    });
    let id = format!(
        "{}{}",
        p.route
            .pretty_path()
            .trim_end_matches('/')
            .replace('/', "-"),
        date.map(|d| d.year.to_string()).unwrap_or_default()
    );
    Reference {
        title: Some(fm.title.clone()),
        authors: fm
            .authors
            .iter()
            .map(|a| Name::Literal(a.clone()))
            .collect(),
        container: Some(c.title.clone()),
        issued: date,
        publisher: c.publisher.clone(),
        url: c.base_url.as_deref().map(|b| p.route.permalink(b)),
        ..Reference::empty(&id, "webpage")
    }
}

/// `cite.bib`, `cite.ris` and `cite.json` beside an article.
pub fn cite_files(site: &Site, i: usize) -> Vec<super::OutFile> {
    let r = page_reference(site, i);
    let dir = site.pages[i]
        .route
        .as_str()
        .trim_end_matches("index.html")
        .to_string();
    vec![
        super::OutFile {
            path: format!("{dir}{CITE_BIB}"),
            bytes: export::to_bibtex(&[&r]).into_bytes(),
        },
        super::OutFile {
            path: format!("{dir}{CITE_RIS}"),
            bytes: export::to_ris(&[&r]).into_bytes(),
        },
        super::OutFile {
            path: format!("{dir}{CITE_JSON}"),
            bytes: export::to_csl_json(&[&r]).into_bytes(),
        },
    ]
}

/// The whole bibliography as BibTeX and CSL-JSON, for importing into Zotero and the like.
pub fn bibliography_files(site: &Site) -> Vec<super::OutFile> {
    let refs: Vec<&Reference> = site.citations.bibliography.iter().map(|(_, r)| r).collect();
    if refs.is_empty() {
        return Vec::new();
    }
    let dir = index_dir();
    vec![
        super::OutFile {
            path: format!("{dir}/{BIBLIOGRAPHY_BIB}"),
            bytes: export::to_bibtex(&refs).into_bytes(),
        },
        super::OutFile {
            path: format!("{dir}/{BIBLIOGRAPHY_JSON}"),
            bytes: export::to_csl_json(&refs).into_bytes(),
        },
    ]
}

/// Search documents for the reference index: each work, findable by title and authors.
pub fn search_docs(site: &Site) -> Vec<super::search::SearchDoc> {
    let urls = index_entry_urls(site, &Route::page(""));
    indexed(site)
        .map(|(k, r)| {
            let authors: Vec<String> = r
                .authors
                .iter()
                .map(|n| match n {
                    Name::Person { family, given } => {
                        format!("{} {}", given.clone().unwrap_or_default(), family)
                    }
                    Name::Literal(l) => l.clone(),
                })
                .collect();
            super::search::SearchDoc {
                url: urls.get(k).cloned().unwrap_or_default(),
                title: "References".into(),
                heading: r
                    .title
                    .as_deref()
                    .map_or_else(|| k.clone(), crate::cite::rich::to_plain),
                text: format!(
                    "{}. {}",
                    authors.join(", "),
                    r.container.clone().unwrap_or_default()
                ),
                keywords: authors.join(" "),
            }
        })
        .collect()
}

/// How many documents [`search_docs`] makes, without making them (for the search index's
/// planned files).
pub fn search_doc_count(site: &Site) -> usize {
    indexed(site).count()
}

/// The entries of the reference index the search index holds: every cited key with an entry.
fn indexed(site: &Site) -> impl Iterator<Item = (&String, &Reference)> {
    site.citations
        .cited_in
        .keys()
        .filter_map(|k| site.citations.bibliography.get(k).map(|r| (k, r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backlink_letters() {
        assert_eq!(letter(0), "a");
        assert_eq!(letter(25), "z");
        assert_eq!(letter(26), "aa");
        assert!(backlinks(&[3]).contains("#cite-3"));
        assert!(backlinks(&[1, 2]).contains(">b</a>"));
    }
}
