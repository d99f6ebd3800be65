//! The data each template receives. All URLs are relative to the page being rendered (or
//! absolute from `base_url` on the 404 page, which is served at any depth).

use serde::Serialize;

use crate::load::Kind;
use crate::parse::frontmatter::Date;
use crate::parse::markdown::{toc, TocEntry};
use crate::resolve::{Site, SitePage};
use crate::url::Route;

pub const SITE_CSS: &str = "css/site.css";
pub const SYNTAX_CSS: &str = "css/syntax.css";
pub const SEARCH_JS: &str = "js/search.js";
pub const THEME_JS: &str = "js/theme.js";
pub const FEED: &str = "atom.xml";

#[derive(Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: Option<&'a str>,
    pub author: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub build_date: Option<DateCtx>,
    /// Built to be opened from disk.
    pub offline: bool,
}

#[derive(Serialize, Clone)]
pub struct DateCtx {
    /// `2026-11-05`, for `<time datetime>`.
    pub iso: String,
    /// `5 November 2026`, for readers.
    pub long: String,
}

impl From<Date> for DateCtx {
    fn from(d: Date) -> Self {
        DateCtx {
            iso: d.to_string(),
            long: d.long(),
        }
    }
}

#[derive(Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub current: bool,
}

#[derive(Serialize)]
pub struct AudienceCtx {
    pub key: String,
    pub label: &'static str,
}

/// A page as it appears in a listing.
#[derive(Serialize)]
pub struct ListItem {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    pub date: Option<DateCtx>,
    pub kind: Kind,
    pub audience: Vec<AudienceCtx>,
    pub tags: Vec<String>,
    pub last_reviewed: Option<DateCtx>,
}

#[derive(Serialize)]
pub struct PageCtx {
    pub kind: Kind,
    pub title: String,
    pub summary: Option<String>,
    /// The rendered body, already safe HTML.
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub date: Option<DateCtx>,
    pub updated: Option<DateCtx>,
    pub last_reviewed: Option<DateCtx>,
    pub authors: Vec<String>,
    pub reviewed_by: Vec<String>,
    pub audience: Vec<AudienceCtx>,
    pub tags: Vec<String>,
    /// The tags again, each linking to its tag page.
    pub tag_links: Vec<Link>,
    pub word_count: usize,
    /// Minutes, at 200 words a minute, at least 1.
    pub reading_time: usize,
    pub permalink: Option<String>,
    pub section: Option<Link>,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    /// For the home page and sections: the pages listed.
    pub children: Vec<ListItem>,
    pub has_code: bool,
    /// Glossary terms this page uses, A–Z, for the side panel: already safe HTML, one
    /// `<div><dt><a href="…">term</a></dt><dd>short</dd></div>` line per term (the items of a
    /// `<dl>`). Written in Rust because an article uses ~100 terms and a template loop over
    /// that many values, on every page, costs more than the rest of the page.
    pub terms_html: String,
    /// schema.org JSON-LD, already safe to place in a `<script>` element.
    pub json_ld: Option<String>,
    /// The reference list (HTML), when the page cites and did not place it itself.
    pub references: Option<String>,
    /// "Cite this page" downloads, on articles.
    pub cite: Option<CiteLinks>,
    /// `article` or `website`, for OpenGraph.
    pub og_type: &'static str,
}

/// The "Cite this page" files written beside an article (same folder, so plain names).
#[derive(Serialize)]
pub struct CiteLinks {
    pub bibtex: &'static str,
    pub ris: &'static str,
    pub csl_json: &'static str,
}

impl Default for CiteLinks {
    fn default() -> Self {
        CiteLinks {
            bibtex: "cite.bib",
            ris: "cite.ris",
            csl_json: "cite.json",
        }
    }
}

/// A glossary term as linked from a page.
#[derive(Serialize)]
pub struct TermRef {
    pub term: String,
    pub url: String,
    pub short: String,
}

/// The glossary page: terms grouped by first letter.
#[derive(Serialize)]
pub struct GlossaryCtx {
    pub count: usize,
    pub letters: Vec<LetterGroup>,
}

#[derive(Serialize)]
pub struct LetterGroup {
    pub letter: String,
    /// Anchor id of the group (`letter-a`).
    pub id: String,
    pub terms: Vec<TermCtx>,
}

#[derive(Serialize)]
pub struct TermCtx {
    /// Also the entry's anchor id (`glossary/#nmda-receptor`).
    pub slug: String,
    pub term: String,
    pub short: String,
    /// The full definition, rendered HTML.
    pub definition: String,
    pub aliases: Vec<String>,
    pub see_also: Vec<TermRef>,
    /// The pages using the term, as safe HTML: links separated by commas. Built in Rust
    /// because on a large site the lists hold ~100,000 links in all.
    pub appears_in: String,
}

#[derive(Serialize)]
pub struct Urls {
    pub home: String,
    /// The site root relative to this page (`../../`), for scripts that build URLs.
    pub root: String,
    pub search: String,
    pub search_js: String,
    pub css: String,
    /// Present only on pages with highlighted code.
    pub syntax_css: Option<String>,
    /// The colour-scheme toggle.
    pub theme_js: String,
    /// The tag index (`tags/`); absent when no article has a tag (then there is no index).
    pub tags: Option<String>,
    /// The Atom feed; absent in offline builds, which have none.
    pub feed: Option<String>,
}

/// Everything a page template receives.
#[derive(Serialize)]
pub struct Context<'a> {
    pub site: SiteCtx<'a>,
    pub page: PageCtx,
    pub urls: Urls,
    /// Header navigation: top-level sections and pages.
    pub nav: Vec<Link>,
    /// Footer links: about, disclaimer, and other top-level pages.
    pub footer: Vec<Link>,
    /// Every article of the site (for the home page), in display order.
    pub articles: Vec<ListItem>,
    /// Only on the glossary page.
    pub glossary: Option<GlossaryCtx>,
    /// Only on the reference index.
    pub reference_index: Option<super::citations::IndexCtx>,
    /// The medical-information disclaimer (from `content/disclaimer.md`), on every page.
    pub disclaimer: Option<super::listing::Disclaimer>,
    /// Only on the home page: featured, by topic, by audience, newest, recently reviewed.
    pub home: Option<super::listing::HomeCtx>,
    /// Only on the tag index and tag pages.
    pub tags: Option<super::listing::TagsCtx>,
}

fn site_ctx(site: &Site) -> SiteCtx<'_> {
    let c = &site.config;
    SiteCtx {
        title: &c.title,
        description: &c.description,
        language: &c.language,
        base_url: c.base_url.as_deref(),
        author: c.author.as_deref(),
        publisher: c.publisher.as_deref(),
        build_date: site.build_date.map(DateCtx::from),
        offline: site.offline,
    }
}

/// A link from `from` to the page at index `to`.
fn link(site: &Site, from: &Route, to: usize) -> Link {
    let p = &site.pages[to];
    Link {
        title: p.page.fm.title.clone(),
        url: p.route.relative_from(from, site.link_style),
        current: &p.route == from,
    }
}

pub fn list_item(site: &Site, from: &Route, i: usize) -> ListItem {
    let p = &site.pages[i];
    ListItem {
        title: p.page.fm.title.clone(),
        url: p.route.relative_from(from, site.link_style),
        summary: p.page.fm.summary.clone(),
        date: p.page.fm.updated.or(p.page.fm.date).map(DateCtx::from),
        kind: p.page.kind,
        audience: audience(p),
        tags: p.page.fm.tags.clone(),
        last_reviewed: p.page.fm.last_reviewed.map(DateCtx::from),
    }
}

fn audience(p: &SitePage) -> Vec<AudienceCtx> {
    p.page
        .fm
        .audience
        .iter()
        .map(|a| AudienceCtx {
            key: format!("{a:?}").to_lowercase(),
            label: a.label(),
        })
        .collect()
}

/// Top-level sections, then top-level pages, in their weight order (the disclaimer is in the
/// footer only).
fn nav_and_footer(
    site: &Site,
    from: &Route,
    url_for: &dyn Fn(&Route) -> String,
) -> (Vec<Link>, Vec<Link>) {
    let mut top: Vec<&SitePage> = site
        .pages
        .iter()
        .filter(|p| {
            !p.page.content_path.contains('/')
                || matches!(p.page.kind, Kind::Section | Kind::Glossary)
        })
        .filter(|p| {
            matches!(p.page.kind, Kind::Page | Kind::Glossary)
                || (p.page.kind == Kind::Section && p.section == site.home)
        })
        .collect();
    // Sections first, then the glossary, then standalone pages (about), each by weight.
    let rank = |k: Kind| match k {
        Kind::Section => 0,
        Kind::Glossary => 1,
        _ => 2,
    };
    top.sort_by(|a, b| {
        let wa = a.page.fm.weight.unwrap_or(i64::MAX);
        let wb = b.page.fm.weight.unwrap_or(i64::MAX);
        rank(a.page.kind)
            .cmp(&rank(b.page.kind))
            .then(wa.cmp(&wb))
            .then_with(|| a.page.fm.title.cmp(&b.page.fm.title))
    });
    let mk = |p: &SitePage| Link {
        title: p.page.fm.title.clone(),
        url: url_for(&p.route),
        current: &p.route == from,
    };
    let nav: Vec<Link> = top
        .iter()
        .filter(|p| p.page.content_path != "disclaimer.md")
        .map(|p| mk(p))
        .collect();
    let mut nav: Vec<Link> = nav;
    if !site.citations.cited_in.is_empty() {
        let r = crate::resolve::citations::route();
        nav.push(Link {
            title: "References".into(),
            url: url_for(&r),
            current: &r == from,
        });
    }
    let footer = top
        .iter()
        .filter(|p| p.page.kind == Kind::Page)
        .map(|p| mk(p))
        .collect();
    (nav, footer)
}

/// The route of the search page.
pub fn search_route() -> Route {
    Route::page("search")
}

fn has_feed(site: &Site) -> bool {
    !site.offline && site.config.base_url.is_some()
}

fn urls(site: &Site, from: &Route, has_code: bool) -> Urls {
    let home = Route::page("");
    let root = home.relative_from(from, crate::url::LinkStyle::Pretty);
    Urls {
        home: home.relative_from(from, site.link_style),
        root,
        search: search_route().relative_from(from, site.link_style),
        search_js: Route::file(SEARCH_JS).relative_from(from, site.link_style),
        css: Route::file(SITE_CSS).relative_from(from, site.link_style),
        syntax_css: has_code.then(|| Route::file(SYNTAX_CSS).relative_from(from, site.link_style)),
        theme_js: Route::file(THEME_JS).relative_from(from, site.link_style),
        tags: has_tags(site)
            .then(|| super::listing::index_route().relative_from(from, site.link_style)),
        feed: has_feed(site).then(|| Route::file(FEED).relative_from(from, site.link_style)),
    }
}

pub fn page_context(
    site: &Site,
    i: usize,
    content: String,
    glossary: Option<GlossaryCtx>,
) -> Context<'_> {
    let p = &site.pages[i];
    let fm = &p.page.fm;
    let from = &p.route;
    let (nav, footer) = nav_and_footer(site, from, &|r| r.relative_from(from, site.link_style));
    let page = PageCtx {
        kind: p.page.kind,
        title: fm.title.clone(),
        summary: fm.summary.clone(),
        content,
        toc: toc(&p.page.doc.headings),
        date: fm.date.map(DateCtx::from),
        updated: fm.updated.map(DateCtx::from),
        last_reviewed: fm.last_reviewed.map(DateCtx::from),
        authors: fm.authors.clone(),
        reviewed_by: fm.reviewed_by.clone(),
        audience: audience(p),
        tags: fm.tags.clone(),
        tag_links: super::listing::tag_links(site, from, &fm.tags),
        word_count: p.page.doc.word_count,
        reading_time: p.page.doc.word_count.div_ceil(200).max(1),
        permalink: site.config.base_url.as_deref().map(|b| from.permalink(b)),
        section: p.section.map(|s| link(site, from, s)),
        prev: p.prev.map(|s| link(site, from, s)),
        next: p.next.map(|s| link(site, from, s)),
        children: p
            .children
            .iter()
            .map(|&c| list_item(site, from, c))
            .collect(),
        has_code: p.page.doc.has_code,
        terms_html: terms_html(site, i),
        // Articles get theirs in render, once their citations are known.
        json_ld: if p.page.kind == Kind::Article {
            None
        } else {
            super::jsonld::for_page(site, i, &[], &super::jsonld::DefinedTerms::default())
        },
        references: None,
        cite: None,
        og_type: if p.page.kind == Kind::Article {
            "article"
        } else {
            "website"
        },
    };
    let articles = if p.page.kind == Kind::Home {
        site.articles
            .iter()
            .map(|&a| list_item(site, from, a))
            .collect()
    } else {
        Vec::new()
    };
    let rel = |r: &Route| r.relative_from(from, site.link_style);
    Context {
        site: site_ctx(site),
        urls: urls(site, from, p.page.doc.has_code),
        page,
        nav,
        footer,
        articles,
        glossary,
        reference_index: None,
        disclaimer: super::listing::disclaimer(site, &rel),
        home: (p.page.kind == Kind::Home).then(|| super::listing::home_context(site, from)),
        tags: None,
    }
}

/// The "Terms used on this page" list: a link to each term's entry, A–Z. Names only: each
/// term's definition is already on the page, in the tooltip where the term is linked, and
/// repeating it here made term-heavy pages a third larger.
fn terms_html(site: &Site, i: usize) -> String {
    let g = &site.glossary;
    let Some(used) = g.used_by_page.get(i) else {
        return String::new();
    };
    if matches!(site.pages[i].page.kind, Kind::Glossary | Kind::Term) {
        return String::new();
    }
    let mut used = used.clone();
    used.sort_unstable_by_key(|&t| g.alpha_rank.get(t).copied().unwrap_or(usize::MAX));
    let base = crate::html::escape(
        &crate::resolve::glossary::route().relative_from(&site.pages[i].route, site.link_style),
    );
    let size = (used.iter())
        .map(|&t| 30 + base.len() + g.table.slug(t).len() + g.table.term(t).len())
        .sum();
    let mut out = String::with_capacity(size);
    for t in used {
        out.push_str(r#"<li><a href=""#);
        out.push_str(&base);
        out.push('#');
        out.push_str(g.table.slug(t));
        out.push_str(r#"">"#);
        out.push_str(g.table.term(t));
        out.push_str("</a></li>\n");
    }
    out
}

/// The pages defining glossary terms, in the order the glossary page shows them.
pub fn glossary_order(site: &Site) -> Vec<usize> {
    let g = &site.glossary;
    let mut terms: Vec<_> = g.glossary.terms().iter().collect();
    terms.sort_by_key(|t| (t.term().to_lowercase(), t.slug().to_string()));
    terms
        .iter()
        .filter_map(|t| g.definitions.get(t.slug()).copied())
        .collect()
}

/// The glossary page's terms, A–Z. `definition_html` renders a term's definition page.
pub fn glossary_context(
    site: &Site,
    definition_html: &(dyn Fn(usize) -> String + Sync),
) -> GlossaryCtx {
    use rayon::prelude::*;
    let g = &site.glossary;
    let from = crate::resolve::glossary::route();
    let mut terms: Vec<_> = g.glossary.terms().iter().collect();
    terms.sort_by_key(|t| (t.term().to_lowercase(), t.slug().to_string()));
    // On a large site every term's "Appears in" list is long: build the entries in parallel,
    // then group them in order.
    // Each page is linked from many lists: make its link once.
    let page_links: Vec<String> = (0..site.pages.len())
        .into_par_iter()
        .map(|p| {
            let page = &site.pages[p];
            let mut a = String::from(r#"<a href=""#);
            crate::html::push_escaped(&mut a, &page.route.relative_from(&from, site.link_style));
            a.push_str(r#"">"#);
            crate::html::push_escaped(&mut a, &page.page.fm.title);
            a.push_str("</a>");
            a
        })
        .collect();
    let entries: Vec<(String, TermCtx)> = terms
        .par_iter()
        .map(|t| {
            let first = t
                .term()
                .chars()
                .next()
                .map(|c| c.to_uppercase().collect::<String>())
                .filter(|c| c.chars().all(char::is_alphabetic))
                .unwrap_or_else(|| "#".into());
            let definition = g
                .definitions
                .get(t.slug())
                .map(|&i| definition_html(i))
                .unwrap_or_default();
            let see_also = t
                .see_also
                .iter()
                .filter_map(|s| g.glossary.get(s))
                .map(|o| TermRef {
                    term: o.term().to_string(),
                    url: format!("#{}", o.slug()),
                    short: o.short.clone(),
                })
                .collect();
            let pages = g.appears_in.get(t.slug()).map_or(&[][..], Vec::as_slice);
            let links = pages.iter().filter_map(|&p| page_links.get(p));
            let mut appears_in = String::with_capacity(links.map(|l| l.len() + 2).sum());
            for (n, &p) in pages.iter().enumerate() {
                if n > 0 {
                    appears_in.push_str(", ");
                }
                appears_in.push_str(page_links.get(p).map_or("", String::as_str));
            }
            let entry = TermCtx {
                slug: t.slug().to_string(),
                term: t.term().to_string(),
                short: t.short.clone(),
                definition,
                aliases: t.names.iter().skip(1).cloned().collect(),
                see_also,
                appears_in,
            };
            (first, entry)
        })
        .collect();
    let mut letters: Vec<LetterGroup> = Vec::new();
    for (first, entry) in entries {
        match letters.last_mut() {
            Some(group) if group.letter == first => group.terms.push(entry),
            _ => letters.push(LetterGroup {
                id: format!("letter-{}", first.to_lowercase()),
                letter: first,
                terms: vec![entry],
            }),
        }
    }
    GlossaryCtx {
        count: g.glossary.len(),
        letters,
    }
}

/// A page glia makes itself (404, search, tags), with no content file behind it.
pub struct Synthetic<'a> {
    pub route: Route,
    pub title: &'a str,
    pub summary: &'a str,
    /// The 404 page is served for missing URLs at any depth, so relative links would break:
    /// its links are absolute from `base_url` when one is set, and root-relative otherwise.
    pub absolute: bool,
}

pub fn synthetic_context<'s>(site: &'s Site, spec: &Synthetic<'_>) -> Context<'s> {
    let from = &spec.route;
    let base = site
        .config
        .base_url
        .clone()
        .unwrap_or_else(|| "/".to_string());
    let abs = |r: &Route| format!("{base}{}", r.pretty_path());
    let rel = |r: &Route| r.relative_from(from, site.link_style);
    let url_for: &dyn Fn(&Route) -> String = if spec.absolute { &abs } else { &rel };
    let (nav, footer) = nav_and_footer(site, from, url_for);
    let page = PageCtx {
        kind: Kind::Page,
        title: spec.title.to_string(),
        summary: Some(spec.summary.to_string()),
        content: String::new(),
        toc: Vec::new(),
        date: None,
        updated: None,
        last_reviewed: None,
        authors: Vec::new(),
        reviewed_by: Vec::new(),
        audience: Vec::new(),
        tags: Vec::new(),
        tag_links: Vec::new(),
        word_count: 0,
        reading_time: 1,
        // The 404 page has no address of its own; every other generated page does.
        permalink: if spec.route.as_str() == "404.html" {
            None
        } else {
            site.config.base_url.as_deref().map(|b| from.permalink(b))
        },
        section: None,
        prev: None,
        next: None,
        children: Vec::new(),
        has_code: false,
        terms_html: String::new(),
        json_ld: None,
        references: None,
        cite: None,
        og_type: "website",
    };
    let urls = if spec.absolute {
        Urls {
            home: base.clone(),
            root: base.clone(),
            search: abs(&search_route()),
            search_js: format!("{base}{SEARCH_JS}"),
            css: format!("{base}{SITE_CSS}"),
            syntax_css: None,
            theme_js: format!("{base}{THEME_JS}"),
            tags: has_tags(site).then(|| abs(&super::listing::index_route())),
            feed: has_feed(site).then(|| format!("{base}{FEED}")),
        }
    } else {
        urls(site, from, false)
    };
    Context {
        site: site_ctx(site),
        page,
        urls,
        nav,
        footer,
        articles: Vec::new(),
        glossary: None,
        reference_index: None,
        disclaimer: super::listing::disclaimer(site, url_for),
        home: None,
        tags: None,
    }
}

/// Whether the tag pages exist: the same rule `render_tags` uses.
fn has_tags(site: &Site) -> bool {
    site.articles.iter().any(|&a| {
        site.pages[a]
            .page
            .fm
            .tags
            .iter()
            .any(|t| !crate::parse::markdown::slugify(t).is_empty())
    })
}
