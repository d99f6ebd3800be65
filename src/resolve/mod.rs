//! Stage 3, **resolve**: facts that need the whole site — routes, sections, links between pages.
//!
//! Single-threaded where it builds indexes (cheap: plain maps over every page's record), in
//! parallel where it rewrites each page's links. After this stage every page knows its output
//! route and every link in its events is final, so render needs no more lookups (glossary
//! links are places in the events, whose HTML render writes from the glossary's table).

use std::collections::{BTreeMap, BTreeSet};

pub mod aliases;
pub mod citations;
pub mod glossary;
pub mod languages;
mod links;
mod mistyped;
pub mod related;
pub mod unsafe_html;

use crate::config::SiteConfig;
use crate::diagnostics::{display_name, Diagnostic};
use crate::load::{Asset, Kind};
use crate::parse::frontmatter::Date;
use crate::parse::ParsedPage;
use crate::url::{slug_problem, LinkStyle, Route};

pub use links::{relative_source, relink_page};

/// A page placed in the site.
#[derive(Debug, Clone)]
pub struct SitePage {
    pub page: ParsedPage,
    pub route: Route,
    /// The section page this page is listed on (an index into `Site::pages`).
    pub section: Option<usize>,
    /// For the home page and sections: the pages listed, in display order.
    pub children: Vec<usize>,
    /// For articles: neighbours within their section, in display order.
    pub prev: Option<usize>,
    pub next: Option<usize>,
    /// The theme template this page is rendered with when not its kind's (`template:`, or
    /// its section's `page_template:`), checked to exist.
    pub template: Option<String>,
}

/// The whole site after resolving: what render reads, read-only.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub pages: Vec<SitePage>,
    pub assets: Vec<Asset>,
    pub static_files: Vec<Asset>,
    pub link_style: LinkStyle,
    /// An offline copy (opened from disk): no sitemap, feed or robots.txt.
    pub offline: bool,
    /// Content path (`articles/a.md`) → index into `pages`.
    pub by_path: BTreeMap<String, usize>,
    pub home: Option<usize>,
    /// All articles, in display order.
    pub articles: Vec<usize>,
    /// The top-level pages every page's header and footer link to, in [`menu`] order.
    pub menu: Vec<usize>,
    /// Date shown as "Last updated" in every footer: from `SOURCE_DATE_EPOCH`, else the newest content date, so
    /// identical input gives identical output.
    pub build_date: Option<Date>,
    /// The day the pages are rendered for ([`crate::review::today`]): which reviews are
    /// overdue. `glia check` measures against the same date.
    pub today: jiff::civil::Date,
    pub has_code: bool,
    pub glossary: glossary::GlossaryIndex,
    pub citations: citations::CitationIndex,
    /// Each page's "Related" pages (`related.rs`); empty for most pages that are not articles.
    pub related: Vec<Vec<usize>>,
    /// Content paths of drafts left out of this build (links to them get a precise error).
    pub drafts: BTreeSet<String>,
    /// Every output path this build writes (`render::outputs::planned`, filled in by
    /// `render::outputs::plan` once the site is resolved), each from one producer.
    pub outputs: BTreeSet<String>,
    /// Every page's old addresses (`aliases:`), in page order.
    pub redirects: Vec<aliases::Redirect>,
    /// The theme's words in the site's language, for what render writes itself (reference
    /// list headings, generated pages' titles, menu entries).
    pub strings: std::sync::Arc<crate::i18n::Strings>,
    /// The folder this language is published under: `""` for the site's `language`, `es/`
    /// for a language of `languages:`. Routes are the language's own, without it.
    pub folder: String,
    /// Every language of the site (empty for one language) and this site's index in it.
    pub languages: std::sync::Arc<languages::Languages>,
    pub language: usize,
}

impl Site {
    /// Whether this site is published at the output root (the site's `language`, not one of
    /// `languages:`): the one that writes the files hosts read only there (robots.txt,
    /// `_redirects`).
    pub fn at_root(&self) -> bool {
        self.folder.is_empty()
    }
}

pub struct Options<'a> {
    pub drafts: bool,
    /// Content paths of pages that failed to parse (already reported): links to them are not
    /// reported again as links to a page that does not exist.
    pub unparsed: BTreeSet<String>,
    pub link_style: LinkStyle,
    /// The theme's template names, which `template:` and `page_template:` choose from.
    pub templates: Vec<String>,
    /// The theme's words in the site's language (`i18n::Strings::load`).
    pub strings: std::sync::Arc<crate::i18n::Strings>,
    /// `None` for the site's `language`; for another language of `languages:`, what it
    /// takes from the default language's site.
    pub translating: Option<Translating<'a>>,
}

/// A language of `languages:` and the default language's site it translates.
pub struct Translating<'a> {
    /// Where this language is published (`es/`).
    pub folder: String,
    /// Its links to a page with no translation lead to the page here (checked here); a
    /// translation of a draft here is a draft too, and one of a page showing the crisis box
    /// shows it too.
    pub default: &'a Site,
}

pub fn resolve(
    config: SiteConfig,
    parsed: Vec<ParsedPage>,
    assets: Vec<Asset>,
    static_files: Vec<Asset>,
    preloaded: citations::Preloaded,
    terms: glossary::Prepared,
    opts: &Options<'_>,
) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let default = opts.translating.as_ref().map(|t| t.default);
    let drafts: BTreeSet<String> = parsed
        .iter()
        .filter(|p| {
            (p.fm.draft && !opts.drafts)
                || default.is_some_and(|d| d.drafts.contains(&p.content_path))
        })
        .map(|p| p.content_path.clone())
        .collect();
    let mut parsed = parsed;
    if let Some(d) = default {
        for p in &mut parsed {
            let original = d.by_path.get(&p.content_path).map(|&o| &d.pages[o].page.fm);
            if original.is_some_and(|fm| d.config.shows_crisis(fm.crisis, &fm.tags)) {
                p.fm.crisis = true;
            }
        }
    }
    if !parsed.iter().any(|p| p.kind == Kind::Home) {
        let summary = config.description.trim().to_string();
        parsed.push(generated_page(
            Kind::Home,
            "_index.md",
            &config.title,
            &summary,
        ));
    }
    let has_terms = parsed.iter().any(|p| p.kind == Kind::Term);
    if has_terms && !parsed.iter().any(|p| p.kind == Kind::Glossary) {
        parsed.push(generated_page(
            Kind::Glossary,
            "glossary/_index.md",
            opts.strings.get("glossary.title"),
            opts.strings.get("glossary.summary"),
        ));
    }
    let mut pages: Vec<SitePage> = parsed
        .into_iter()
        .filter(|p| !drafts.contains(&p.content_path))
        .map(|page| {
            let route = route_for(&page, &mut diags);
            SitePage {
                page,
                route,
                section: None,
                children: Vec::new(),
                prev: None,
                next: None,
                template: None,
            }
        })
        .collect();
    pages.sort_by(|a, b| a.page.content_path.cmp(&b.page.content_path));

    let by_path: BTreeMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.page.content_path.clone(), i))
        .collect();
    let home = by_path.get("_index.md").copied();

    // Each page belongs to the nearest folder above it that has an `_index.md`.
    let sections: Vec<Option<usize>> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| section_of(i, p, &by_path))
        .collect();
    for (p, s) in pages.iter_mut().zip(sections) {
        p.section = s;
    }
    let articles = arrange(&mut pages);
    let templates = aliases::templates(&pages, &opts.templates, &mut diags);
    for (p, t) in pages.iter_mut().zip(templates) {
        p.template = t;
    }
    let redirects = aliases::redirects(&pages, &mut diags);

    diags.extend(links::relink_site(
        &mut pages,
        &links::Known {
            by_path: &by_path,
            drafts: &drafts,
            assets: &assets,
            static_files: &static_files,
            unparsed: &opts.unparsed,
            fallback: (opts.translating.as_ref()).map(|t| (t.default, t.folder.as_str())),
        },
        opts.link_style,
    ));

    let build_date = build_date(&pages);
    let linked = (pages.iter_mut())
        .map(|p| p.page.glossary_links.take())
        .collect();
    // The pages' own `references:` become the bibliography's: taken, not copied, since
    // nothing reads them on the page afterwards.
    let references = (pages.iter_mut())
        .map(|p| p.page.take_references())
        .collect();
    // Glossary linking and the citation step only read the pages, and neither needs the
    // other: they run side by side.
    let (mut glossary_diags, mut citation_diags) = (Vec::new(), Vec::new());
    let (glossary, citations) = rayon::join(
        || {
            glossary::link_site(
                &pages,
                terms,
                linked,
                config.glossary.link,
                &mut glossary_diags,
            )
        },
        || citations::resolve(preloaded, &pages, references, &mut citation_diags),
    );
    diags.extend(glossary_diags);
    diags.extend(citation_diags);
    let (related, related_diags) = related::compute(
        &pages,
        &related::Inputs {
            articles: &articles,
            terms_by_page: &glossary.used_by_page,
            cited_in: &citations.cited_in,
            by_path: &by_path,
            drafts: &drafts,
        },
    );
    diags.extend(related_diags);
    let has_code = pages.iter().any(|p| p.page.doc.has_code);
    let menu = menu(&pages, home);
    let site = Site {
        config,
        pages,
        assets,
        static_files,
        link_style: opts.link_style,
        offline: opts.link_style == LinkStyle::Offline,
        by_path,
        home,
        articles,
        menu,
        build_date,
        today: crate::review::today(),
        has_code,
        glossary,
        citations,
        related,
        drafts,
        outputs: BTreeSet::new(),
        redirects,
        strings: opts.strings.clone(),
        folder: (opts.translating.as_ref()).map_or_else(String::new, |t| t.folder.clone()),
        languages: Default::default(),
        language: 0,
    };
    (site, diags)
}

/// The pages of the site's menu, in order: top-level sections, then the glossary, then
/// standalone pages (about, the disclaimer), each by weight, then title. Only front-matter
/// outside articles decides it, which `glia serve` never patches: computed once here rather
/// than on each of the site's pages.
fn menu(pages: &[SitePage], home: Option<usize>) -> Vec<usize> {
    let mut top: Vec<usize> = (0..pages.len())
        .filter(|&i| {
            let p = &pages[i];
            match p.page.kind {
                Kind::Section => p.section == home,
                Kind::Glossary => true,
                Kind::Page | Kind::Disclaimer => !p.page.content_path.contains('/'),
                _ => false,
            }
        })
        .collect();
    let rank = |k: Kind| match k {
        Kind::Section => 0,
        Kind::Glossary => 1,
        _ => 2,
    };
    top.sort_by(|&a, &b| {
        let (a, b) = (&pages[a].page, &pages[b].page);
        let wa = a.fm.weight.unwrap_or(i64::MAX);
        let wb = b.fm.weight.unwrap_or(i64::MAX);
        rank(a.kind)
            .cmp(&rank(b.kind))
            .then(wa.cmp(&wb))
            .then_with(|| a.fm.title.cmp(&b.fm.title))
    });
    top
}

/// Orders each section's pages and the site's articles (weight, then newest first, then
/// title) and links neighbouring articles. Returns all articles in that order. Reads only
/// front-matter, so `glia serve` runs it again after a front-matter edit.
pub fn arrange(pages: &mut [SitePage]) -> Vec<usize> {
    for p in pages.iter_mut() {
        p.children.clear();
        p.prev = None;
        p.next = None;
    }
    let order = |a: &SitePage, b: &SitePage| {
        let wa = a.page.fm.weight.unwrap_or(i64::MAX);
        let wb = b.page.fm.weight.unwrap_or(i64::MAX);
        wa.cmp(&wb)
            .then_with(|| b.page.fm.date.cmp(&a.page.fm.date))
            .then_with(|| a.page.fm.title.cmp(&b.page.fm.title))
            .then_with(|| a.page.content_path.cmp(&b.page.content_path))
    };
    let mut children: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(s) = p.section {
            if matches!(p.page.kind, Kind::Article | Kind::Section) {
                children.entry(s).or_default().push(i);
            }
        }
    }
    for (s, mut list) in children {
        list.sort_by(|&a, &b| order(&pages[a], &pages[b]));
        let articles: Vec<usize> = list
            .iter()
            .copied()
            .filter(|&i| pages[i].page.kind == Kind::Article)
            .collect();
        for w in articles.windows(2) {
            pages[w[0]].next = Some(w[1]);
            pages[w[1]].prev = Some(w[0]);
        }
        pages[s].children = list;
    }
    let mut articles: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].page.kind == Kind::Article)
        .collect();
    articles.sort_by(|&a, &b| order(&pages[a], &pages[b]));
    articles
}

/// The glossary page of a site that has terms but no `content/glossary/_index.md`.
/// A page every site has even when its content folder does not provide it: the home page
/// (without `content/_index.md`) and the glossary page (terms but no `glossary/_index.md`).
fn generated_page(kind: Kind, content_path: &str, title: &str, summary: &str) -> ParsedPage {
    ParsedPage {
        kind,
        content_path: content_path.into(),
        file: format!("content/{content_path}"),
        text: String::new(),
        fm: crate::parse::frontmatter::FrontMatter {
            title: title.into(),
            summary: (!summary.is_empty()).then(|| summary.to_string()),
            ..Default::default()
        },
        term: None,
        yaml_offset: 0,
        body_offset: 0,
        doc: Default::default(),
        glossary_links: None,
    }
}

/// The "Last updated" date every page shows: `SOURCE_DATE_EPOCH` if set, else the newest date in
/// the content, so identical input gives identical output.
pub fn build_date(pages: &[SitePage]) -> Option<Date> {
    crate::review::source_date_epoch().map(Date).or_else(|| {
        pages
            .iter()
            .flat_map(|p| [p.page.fm.date, p.page.fm.updated, p.page.fm.last_reviewed])
            .flatten()
            .max()
    })
}

/// The nearest folder above page `i` that has an `_index.md` (the home page at the top).
fn section_of(i: usize, p: &SitePage, by_path: &BTreeMap<String, usize>) -> Option<usize> {
    if matches!(p.page.kind, Kind::Home | Kind::Term) {
        return None;
    }
    let own_dir = parent_dir(&p.page.content_path);
    let mut dir = if p.page.kind == Kind::Section {
        parent_dir(&own_dir)
    } else {
        own_dir
    };
    loop {
        let index = if dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{dir}/_index.md")
        };
        if let Some(&s) = by_path.get(&index) {
            if s != i {
                return Some(s);
            }
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent_dir(&dir);
    }
}

fn parent_dir(path: &str) -> String {
    path.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// The pretty-URL route of a page: its content path without `.md`, the last segment replaced
/// by `slug` if one is given. Every segment must pass the slug rules ([`slug_problem`]),
/// whether it was written in `slug:` or taken from a file or folder name.
fn route_for(page: &ParsedPage, diags: &mut Vec<Diagnostic>) -> Route {
    let path = page.content_path.trim_end_matches(".md");
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    // The names from files that reach the URL: the folders, and the file's own name unless a
    // `slug:` replaces it (`_index` never does; glossary terms all share the glossary's URL).
    let fixed = matches!(page.kind, Kind::Term | Kind::Glossary);
    let own_name = matches!(page.kind, Kind::Article | Kind::Page | Kind::Disclaimer)
        && page.fm.slug.is_none();
    let from_files = dir
        .split('/')
        .filter(|s| !s.is_empty() && !fixed)
        .chain(own_name.then_some(name));
    for segment in from_files {
        if let Some(why) = slug_problem(segment) {
            diags.push(
                Diagnostic::error(
                    "invalid-file-name",
                    format!(
                        "`{}` cannot be part of a URL: {why}",
                        display_name(segment)
                    ),
                )
                .in_file(&page.file)
                .with_help(
                    "rename the file or folder with letters, digits and hyphens, e.g. `esketamine-nasal-spray.md`",
                ),
            );
            break;
        }
    }
    let name = match page.kind {
        Kind::Home => return Route::page(""),
        Kind::Section => return Route::page(dir),
        Kind::Glossary => return glossary::route(),
        Kind::Term => return glossary::term_route(&glossary::term_slug(&page.content_path)),
        _ => name,
    };
    let name = match &page.fm.slug {
        Some(slug) => match slug_problem(slug) {
            None => slug.clone(),
            Some(why) => {
                diags.push(
                    Diagnostic::error(
                        "invalid-slug",
                        format!(
                            "slug `{}` cannot be a URL segment: {why}",
                            display_name(slug)
                        ),
                    )
                    .at(&page.file, &page.text, key_span(page, "slug"))
                    .with_help(
                        "use letters, digits and hyphens, e.g. `slug: esketamine-nasal-spray`",
                    ),
                );
                name.to_string()
            }
        },
        None => name.to_string(),
    };
    if dir.is_empty() {
        Route::page(&name)
    } else {
        Route::page(&format!("{dir}/{name}"))
    }
}

/// The span of front-matter key `key` (for pointing at `slug:`), or the start of the YAML.
pub fn key_span(page: &ParsedPage, key: &str) -> std::ops::Range<usize> {
    let yaml_start = page.yaml_offset;
    let needle = format!("\n{key}:");
    match page.text[yaml_start.saturating_sub(1)..].find(&needle) {
        Some(i) => {
            let at = yaml_start.saturating_sub(1) + i + 1;
            at..at + key.len()
        }
        None => yaml_start..yaml_start,
    }
}
