//! The data each template receives. All URLs are relative to the page being rendered (or
//! absolute from `base_url` on the 404 page, which is served at any depth).

use serde::Serialize;

use crate::load::Kind;
use crate::parse::frontmatter::Reviewer;
use crate::parse::markdown::{toc, TocEntry};
use crate::resolve::{Site, SitePage};
use crate::url::Route;

use super::feeds::FEED;
use super::items::{audience, link, list_item, AudienceCtx, DateCtx, Link, ListItem, ReviewCtx};
use super::terms::{terms_html, GlossaryCtx, TermPageCtx};

pub const SITE_CSS: &str = "css/site.css";
pub const SYNTAX_CSS: &str = "css/syntax.css";
pub const SEARCH_JS: &str = "js/search.js";
pub const THEME_JS: &str = "js/theme.js";
/// The default theme's icon, used unless `site.yaml` names another (`favicon:`).
pub const FAVICON: &str = "img/favicon.svg";

/// The output path of the site's icon.
pub fn favicon_path(config: &crate::config::SiteConfig) -> &str {
    config.favicon.as_deref().map_or(FAVICON, |f| {
        f.trim().trim_start_matches("./").trim_start_matches('/')
    })
}

/// The output path of the picture shared with links to page `page` (`og:image`): its
/// front-matter `image:`, read like an image in its Markdown (beside the page, or from the
/// site root with a leading `/`), else site.yaml's `og_image:`. `None` when neither is set, or
/// the address leads out of the site (an error resolve reports).
pub fn og_image_path(
    config: &crate::config::SiteConfig,
    page: Option<&crate::parse::ParsedPage>,
) -> Option<String> {
    match page.and_then(|p| Some((p, p.fm.image.as_deref()?))) {
        Some((p, image)) => crate::url::join_relative(&p.content_path, image.trim()),
        None => crate::url::join_relative("", config.og_image.as_deref()?.trim()),
    }
}

/// `og:image`'s URL on a page at `from`: absolute from `base_url` when there is one (sites
/// reading it fetch it from anywhere), else relative.
fn og_image_url(
    site: &Site,
    page: Option<&crate::parse::ParsedPage>,
    from: &Route,
) -> Option<String> {
    let path = Route::file(og_image_path(&site.config, page)?);
    Some(match site.config.base_url.as_deref() {
        Some(base) => path.permalink(base),
        None => path.relative_from(from, site.link_style),
    })
}

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
    /// Each reviewer as readers see them: `Dr A. Rivera, Consultant psychiatrist`.
    pub reviewed_by: Vec<String>,
    /// The same reviewers, each `{ name, role, credentials }` (the last two may be absent).
    pub reviewers: Vec<Reviewer>,
    /// On reviewed pages (articles) with a `last_reviewed` date: when the review falls due.
    pub review: Option<ReviewCtx>,
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
    /// The "Related" pages (`resolve::related`), on the page's first listing page only.
    pub related: Vec<ListItem>,
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
    /// The picture shared with links to the page (`og:image`): front-matter `image:`, else
    /// site.yaml `og_image:`; absolute with `base_url`.
    pub image: Option<String>,
    /// The site's crisis box, on pages marked `crisis: true` or tagged with a crisis tag.
    pub crisis: Option<crate::config::CrisisConfig>,
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
            bibtex: super::citations::CITE_BIB,
            ris: super::citations::CITE_RIS,
            csl_json: super::citations::CITE_JSON,
        }
    }
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
    /// The site's icon (`favicon:` in site.yaml, else the theme's).
    pub favicon: String,
    /// The tag index (`tags/`); absent when no article has a tag (then there is no index).
    pub tags: Option<String>,
    /// The Atom feed; absent in offline builds, which have none.
    pub feed: Option<String>,
    /// The feed of this page's own list, on a section or topic page with one
    /// (`articles/atom.xml`, `tags/<slug>/atom.xml`).
    pub page_feed: Option<String>,
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
    /// Only on the glossary's A–Z page.
    pub glossary: Option<GlossaryCtx>,
    /// Only on a term's page.
    pub term: Option<TermPageCtx>,
    /// On every page of a listing longer than the site's page size (`paginate`).
    pub pager: Option<super::listing::Pager>,
    /// Only on an audience's page: the audience and this page's articles.
    pub listing: Option<super::listing::Group>,
    /// Only on the reference index.
    pub reference_index: Option<super::citations::IndexCtx>,
    /// The medical-information disclaimer (from `content/disclaimer.md`), on every page.
    pub disclaimer: Option<super::listing::Disclaimer>,
    /// Only on the home page: featured, by topic, by audience, newest, recently reviewed.
    pub home: Option<super::listing::HomeCtx>,
    /// Only on the tag index and tag pages.
    pub tags: Option<super::listing::TagsCtx>,
    /// The site's languages, for the switcher and `hreflang` (empty for one language).
    pub languages: Vec<super::languages::LanguageLink>,
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
        build_date: site.build_date.map(|d| DateCtx::new(site, d)),
        offline: site.offline,
    }
}

/// Top-level sections, then top-level pages, in their weight order (the disclaimer is in the
/// footer only).
fn nav_and_footer(
    site: &Site,
    from: &Route,
    url_for: &dyn Fn(&Route) -> String,
) -> (Vec<Link>, Vec<Link>) {
    let top: Vec<&SitePage> = site.menu.iter().map(|&i| &site.pages[i]).collect();
    let mk = |p: &SitePage| Link {
        title: p.page.fm.title.clone(),
        url: url_for(&p.route),
        current: &p.route == from,
    };
    let nav: Vec<Link> = top
        .iter()
        .filter(|p| p.page.kind != Kind::Disclaimer)
        .map(|p| mk(p))
        .collect();
    let mut nav: Vec<Link> = nav;
    if !site.citations.cited_in.is_empty() {
        let r = crate::resolve::citations::route();
        nav.push(Link {
            title: site.strings.get("references.title").into(),
            url: url_for(&r),
            current: &r == from,
        });
    }
    let footer = top
        .iter()
        .filter(|p| matches!(p.page.kind, Kind::Page | Kind::Disclaimer))
        .map(|p| mk(p))
        .collect();
    (nav, footer)
}

/// The route of the search page.
pub fn search_route() -> Route {
    Route::page("search")
}

fn has_feed(site: &Site) -> bool {
    super::feeds::has_feeds(site)
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
        favicon: Route::file(favicon_path(&site.config)).relative_from(from, site.link_style),
        tags: has_tags(site)
            .then(|| super::listing::index_route().relative_from(from, site.link_style)),
        feed: has_feed(site).then(|| Route::file(FEED).relative_from(from, site.link_style)),
        page_feed: None,
    }
}

pub fn page_context(
    site: &Site,
    i: usize,
    content: String,
    glossary: Option<GlossaryCtx>,
) -> Context<'_> {
    page_context_at(site, i, &site.pages[i].route, content, glossary)
}

/// The context of page `i` as shown at `from`: its own route, or a later page of its listing
/// (`page/2/`), which gets no `content` (the body's links are relative to the first page).
pub fn page_context_at<'s>(
    site: &'s Site,
    i: usize,
    from: &Route,
    content: String,
    glossary: Option<GlossaryCtx>,
) -> Context<'s> {
    let p = &site.pages[i];
    let fm = &p.page.fm;
    let first = from == &p.route;
    let (nav, footer) = nav_and_footer(site, from, &|r| r.relative_from(from, site.link_style));
    let page = PageCtx {
        kind: p.page.kind,
        title: fm.title.clone(),
        summary: fm.summary.clone(),
        content,
        toc: if first {
            toc(&p.page.doc.headings)
        } else {
            Vec::new()
        },
        date: fm.date.map(|d| DateCtx::new(site, d)),
        updated: fm.updated.map(|d| DateCtx::new(site, d)),
        last_reviewed: fm.last_reviewed.map(|d| DateCtx::new(site, d)),
        authors: fm.authors.clone(),
        reviewed_by: fm.reviewed_by.iter().map(Reviewer::display).collect(),
        reviewers: fm.reviewed_by.clone(),
        review: if first { ReviewCtx::of(site, p) } else { None },
        audience: audience(site, p),
        tags: fm.tags.clone(),
        tag_links: super::listing::tag_links(site, from, &fm.tags),
        word_count: p.page.doc.word_count,
        reading_time: p.page.doc.word_count.div_ceil(200).max(1),
        permalink: site.config.base_url.as_deref().map(|b| from.permalink(b)),
        section: p.section.map(|s| link(site, from, s)),
        prev: p.prev.map(|s| link(site, from, s)),
        next: p.next.map(|s| link(site, from, s)),
        related: match site.related.get(i) {
            Some(list) if first => list.iter().map(|&r| list_item(site, from, r)).collect(),
            _ => Vec::new(),
        },
        // Render fills in the listing's page.
        children: Vec::new(),
        has_code: p.page.doc.has_code,
        terms_html: if first {
            terms_html(site, i)
        } else {
            String::new()
        },
        // Articles get theirs in render, once their citations are known.
        json_ld: if p.page.kind == Kind::Article || !first {
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
        image: og_image_url(site, Some(&p.page), from),
        crisis: (site.config.crisis.clone())
            .filter(|_| site.config.shows_crisis(p.page.fm.crisis, &p.page.fm.tags))
            .map(|mut c| {
                // Templates always get a title: the site's, else the theme's words for it.
                c.title
                    .get_or_insert_with(|| site.strings.get("crisis.title").to_string());
                c
            }),
    };
    let rel = |r: &Route| r.relative_from(from, site.link_style);
    let mut urls = urls(site, from, p.page.doc.has_code);
    if has_feed(site) {
        urls.page_feed = super::feeds::section_feed(site, i).map(|f| rel(&f));
    }
    Context {
        site: site_ctx(site),
        urls,
        page,
        nav,
        footer,
        glossary,
        term: None,
        pager: None,
        listing: None,
        reference_index: None,
        disclaimer: super::listing::disclaimer(site, &rel),
        home: (p.page.kind == Kind::Home && first)
            .then(|| super::listing::home_context(site, from)),
        tags: None,
        languages: super::languages::links(site, from, false),
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
        .unwrap_or_else(|| format!("/{}", site.folder));
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
        reviewers: Vec::new(),
        review: None,
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
        related: Vec::new(),
        children: Vec::new(),
        has_code: false,
        terms_html: String::new(),
        json_ld: None,
        references: None,
        cite: None,
        og_type: "website",
        image: if spec.absolute {
            og_image_path(&site.config, None).map(|p| format!("{base}{p}"))
        } else {
            og_image_url(site, None, from)
        },
        crisis: None,
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
            favicon: format!("{base}{}", favicon_path(&site.config)),
            tags: has_tags(site).then(|| abs(&super::listing::index_route())),
            feed: has_feed(site).then(|| format!("{base}{FEED}")),
            page_feed: None,
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
        glossary: None,
        term: None,
        pager: None,
        listing: None,
        reference_index: None,
        disclaimer: super::listing::disclaimer(site, url_for),
        home: None,
        tags: None,
        languages: super::languages::links(site, from, spec.absolute),
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
