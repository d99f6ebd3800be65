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

#[derive(Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: Option<&'a str>,
    pub author: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub build_date: Option<DateCtx>,
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
}

#[derive(Serialize)]
pub struct Urls {
    pub home: String,
    pub css: String,
    /// Present only on pages with highlighted code.
    pub syntax_css: Option<String>,
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

fn list_item(site: &Site, from: &Route, i: usize) -> ListItem {
    let p = &site.pages[i];
    ListItem {
        title: p.page.fm.title.clone(),
        url: p.route.relative_from(from, site.link_style),
        summary: p.page.fm.summary.clone(),
        date: p.page.fm.updated.or(p.page.fm.date).map(DateCtx::from),
        kind: p.page.kind,
        audience: audience(p),
        tags: p.page.fm.tags.clone(),
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
        .filter(|p| !p.page.content_path.contains('/') || p.page.kind == Kind::Section)
        .filter(|p| {
            p.page.kind == Kind::Page || (p.page.kind == Kind::Section && p.section == site.home)
        })
        .collect();
    top.sort_by(|a, b| {
        let wa = a.page.fm.weight.unwrap_or(i64::MAX);
        let wb = b.page.fm.weight.unwrap_or(i64::MAX);
        (a.page.kind != Kind::Section)
            .cmp(&(b.page.kind != Kind::Section))
            .then(wa.cmp(&wb))
            .then_with(|| a.page.fm.title.cmp(&b.page.fm.title))
    });
    let mk = |p: &SitePage| Link {
        title: p.page.fm.title.clone(),
        url: url_for(&p.route),
        current: &p.route == from,
    };
    let nav = top
        .iter()
        .filter(|p| p.page.content_path != "disclaimer.md")
        .map(|p| mk(p))
        .collect();
    let footer = top
        .iter()
        .filter(|p| p.page.kind == Kind::Page)
        .map(|p| mk(p))
        .collect();
    (nav, footer)
}

fn urls(site: &Site, from: &Route, has_code: bool) -> Urls {
    Urls {
        home: Route::page("").relative_from(from, site.link_style),
        css: Route::file(SITE_CSS).relative_from(from, site.link_style),
        syntax_css: has_code.then(|| Route::file(SYNTAX_CSS).relative_from(from, site.link_style)),
    }
}

pub fn page_context(site: &Site, i: usize, content: String) -> Context<'_> {
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
    };
    let articles = if p.page.kind == Kind::Home {
        site.articles
            .iter()
            .map(|&a| list_item(site, from, a))
            .collect()
    } else {
        Vec::new()
    };
    Context {
        site: site_ctx(site),
        urls: urls(site, from, p.page.doc.has_code),
        page,
        nav,
        footer,
        articles,
    }
}

/// The 404 page is served for missing URLs at any depth, so relative links would break: its
/// links are absolute from `base_url` when one is set, and root-relative otherwise.
pub fn not_found_context(site: &Site) -> Context<'_> {
    let base = site
        .config
        .base_url
        .clone()
        .unwrap_or_else(|| "/".to_string());
    let abs = |r: &Route| format!("{base}{}", r.pretty_path());
    let (nav, footer) = nav_and_footer(site, &Route::file("404.html"), &abs);
    let page = PageCtx {
        kind: Kind::Page,
        title: "Page not found".into(),
        summary: Some("The page you asked for does not exist or has moved.".into()),
        content: String::new(),
        toc: Vec::new(),
        date: None,
        updated: None,
        last_reviewed: None,
        authors: Vec::new(),
        reviewed_by: Vec::new(),
        audience: Vec::new(),
        tags: Vec::new(),
        word_count: 0,
        reading_time: 1,
        permalink: None,
        section: None,
        prev: None,
        next: None,
        children: Vec::new(),
        has_code: false,
    };
    Context {
        site: site_ctx(site),
        page,
        urls: Urls {
            home: base.clone(),
            css: format!("{base}{SITE_CSS}"),
            syntax_css: None,
        },
        nav,
        footer,
        articles: Vec::new(),
    }
}
