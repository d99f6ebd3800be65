//! Stage 3, **resolve**: facts that need the whole site — routes, sections, links between pages.
//!
//! Single-threaded where it builds indexes (cheap: plain maps over every page's record), in
//! parallel where it rewrites each page's links. After this stage every page knows its output
//! route and every link in its events is final, so render needs no more lookups (glossary
//! links are places in the events, whose HTML render writes from the glossary's table).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

pub mod aliases;
pub mod citations;
pub mod glossary;
mod mistyped;
pub mod outputs;
pub mod related;

use crate::config::SiteConfig;
use crate::diagnostics::{closest, did_you_mean, display_name, Diagnostic};
use crate::load::{Asset, Kind};
use crate::parse::frontmatter::Date;
use crate::parse::ParsedPage;
use crate::url::{is_safe_url, join_relative, scheme, slug_problem, LinkStyle, Route};

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
    /// Every output path this build writes ([`outputs::planned`]), each from one producer.
    pub outputs: BTreeSet<String>,
    /// Every page's old addresses (`aliases:`), in page order.
    pub redirects: Vec<aliases::Redirect>,
}

pub struct Options {
    pub drafts: bool,
    /// Content paths of pages that failed to parse (already reported): links to them are not
    /// reported again as links to a page that does not exist.
    pub unparsed: BTreeSet<String>,
    pub link_style: LinkStyle,
    /// The theme's static files' output paths, which must not clash with the site's own.
    pub theme_files: Vec<String>,
    /// The theme's template names, which `template:` and `page_template:` choose from.
    pub templates: Vec<String>,
}

pub fn resolve(
    config: SiteConfig,
    parsed: Vec<ParsedPage>,
    assets: Vec<Asset>,
    static_files: Vec<Asset>,
    preloaded: citations::Preloaded,
    terms: glossary::Prepared,
    opts: &Options,
) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let drafts: BTreeSet<String> = parsed
        .iter()
        .filter(|p| p.fm.draft && !opts.drafts)
        .map(|p| p.content_path.clone())
        .collect();
    let mut parsed = parsed;
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
            "Glossary",
            "Terms used on this site, explained in plain words.",
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

    // Links are rewritten in parallel: each page only reads the others' routes and headings.
    let rewritten: Vec<(LinkChanges, Vec<Diagnostic>)> = {
        let index = LinkIndex {
            unparsed: &opts.unparsed,
            ..LinkIndex::new(
                &pages,
                &by_path,
                &drafts,
                &assets,
                &static_files,
                opts.link_style,
            )
        };
        (0..pages.len())
            .into_par_iter()
            .map(|i| index.rewrite_links(i))
            .collect()
    };
    for (i, (changes, d)) in rewritten.into_iter().enumerate() {
        diags.extend(d);
        apply_link_changes(&mut pages[i].page, changes);
    }

    let build_date = build_date(&pages);
    let linked = (pages.iter_mut())
        .map(|p| p.page.glossary_links.take())
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
        || citations::resolve(preloaded, &pages, &mut citation_diags),
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
    let mut site = Site {
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
    };
    // Every output path has one producer: a page, a file or a page glia generates.
    let planned = outputs::planned(&site, &opts.theme_files);
    diags.extend(outputs::collisions(&site, &planned));
    site.outputs = planned.into_iter().map(|o| o.path).collect();
    diags.extend(favicon_problem(&site));
    diags.extend(image_problems(&site));
    (site, diags)
}

/// `favicon:` must name a file the site publishes: a missing icon is a broken link on every
/// page, which no page's link check would see.
fn favicon_problem(site: &Site) -> Option<Diagnostic> {
    let wanted = site.config.favicon.as_deref()?;
    let path = crate::render::context::favicon_path(&site.config);
    let d = unpublished(site, "missing-favicon", "favicon", wanted, Some(path), "")?;
    Some(site.config.at_setting("favicon", d))
}

/// `og_image:` in site.yaml and each page's `image:` must name a file the site publishes, as
/// `favicon:` must: sites showing a link fetch the picture, and nothing else would notice it
/// missing. Errors point at the value.
fn image_problems(site: &Site) -> Vec<Diagnostic> {
    use crate::render::context::og_image_path;
    let mut diags = Vec::new();
    if let Some(wanted) = site.config.og_image.as_deref() {
        let path = og_image_path(&site.config, None);
        if let Some(d) = unpublished(
            site,
            "missing-image",
            "og_image",
            wanted,
            path.as_deref(),
            "",
        ) {
            diags.push(site.config.at_setting("og_image", d));
        }
    }
    for p in &site.pages {
        let Some(wanted) = p.page.fm.image.as_deref() else {
            continue;
        };
        let path = og_image_path(&site.config, Some(&p.page));
        let from = &p.page.content_path;
        if let Some(d) = unpublished(
            site,
            "missing-image",
            "image",
            wanted,
            path.as_deref(),
            from,
        ) {
            let yaml = &p.page.text[p.page.yaml_offset..p.page.body_offset];
            let at = crate::config::value_span(yaml, "image", wanted.trim());
            let span = p.page.yaml_offset + at.start..p.page.yaml_offset + at.end;
            diags.push(d.at(&p.page.file, &p.page.text, span));
        }
    }
    diags
}

/// Why setting `key`, written `wanted` and naming the output file `path` (`None`: it leads
/// out of the site), is not a file the site publishes, or `None` when it is. `from` is the
/// content path suggestions are written relative to (`""`: the site root).
fn unpublished(
    site: &Site,
    code: &'static str,
    key: &str,
    wanted: &str,
    path: Option<&str>,
    from: &str,
) -> Option<Diagnostic> {
    if path.is_some_and(|p| site.outputs.contains(p)) {
        return None;
    }
    let images = site.outputs.iter().map(String::as_str).filter(|p| {
        let ext = p.rsplit_once('.').map_or("", |(_, e)| e);
        ["png", "svg", "ico", "gif", "jpg", "jpeg", "webp"].contains(&ext)
    });
    let near = path.and_then(|p| did_you_mean(p, images));
    let help = match near {
        Some(near) if from.is_empty() => format!("did you mean `{near}`?"),
        Some(near) => format!("did you mean `{}`?", relative_source(from, near)),
        None if from.is_empty() => {
            let shown = path.unwrap_or("images/x.png");
            format!(
                "put the file in `static/` and give its address in the site: `static/{shown}` \
                 is `{key}: {shown}`"
            )
        }
        None => format!(
            "put the file beside the page (`{key}: picture.png`), or in `static/` and give its \
             address from the site root (`{key}: /images/picture.png`)"
        ),
    };
    Some(
        Diagnostic::error(
            code,
            format!(
                "{key} `{}` is not a file the site publishes",
                display_name(wanted)
            ),
        )
        .with_help(help),
    )
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
                Kind::Page => !p.page.content_path.contains('/'),
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

/// Checks and rewrites the links of page `i` alone, after `glia serve` swapped in a new
/// version of it. The rest of the site must be as the last full resolve left it.
pub fn relink_page(site: &mut Site, i: usize) -> Vec<Diagnostic> {
    let (changes, diags) = LinkIndex::new(
        &site.pages,
        &site.by_path,
        &site.drafts,
        &site.assets,
        &site.static_files,
        site.link_style,
    )
    .rewrite_links(i);
    apply_link_changes(&mut site.pages[i].page, changes);
    diags
}

fn apply_link_changes(page: &mut ParsedPage, changes: LinkChanges) {
    crate::parse::rewrite_links(&mut page.doc.events, &changes);
    page.doc.rewritten = changes;
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
    let own_name = matches!(page.kind, Kind::Article | Kind::Page) && page.fm.slug.is_none();
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
fn key_span(page: &ParsedPage, key: &str) -> std::ops::Range<usize> {
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

/// (event index, new destination) pairs for one page.
type LinkChanges = Vec<(usize, String)>;

/// Why a link failed: code, message, help.
type LinkProblem = (&'static str, String, Option<String>);

struct LinkIndex<'a> {
    pages: &'a [SitePage],
    by_path: &'a BTreeMap<String, usize>,
    drafts: &'a BTreeSet<String>,
    /// See [`Options::unparsed`]; empty when one page is relinked (`glia serve`).
    unparsed: &'a BTreeSet<String>,
    files: BTreeSet<&'a str>,
    style: LinkStyle,
}

static NONE_UNPARSED: BTreeSet<String> = BTreeSet::new();

impl<'a> LinkIndex<'a> {
    fn new(
        pages: &'a [SitePage],
        by_path: &'a BTreeMap<String, usize>,
        drafts: &'a BTreeSet<String>,
        assets: &'a [Asset],
        static_files: &'a [Asset],
        style: LinkStyle,
    ) -> LinkIndex<'a> {
        LinkIndex {
            pages,
            by_path,
            drafts,
            unparsed: &NONE_UNPARSED,
            files: assets
                .iter()
                .chain(static_files)
                .map(|a| a.out.as_str())
                .collect(),
            style,
        }
    }

    /// Checks every link of page `i` and returns (event index, new destination) pairs.
    fn rewrite_links(&self, i: usize) -> (LinkChanges, Vec<Diagnostic>) {
        let from = &self.pages[i];
        let mut changes = Vec::new();
        let mut diags = Vec::new();
        for link in &from.page.doc.link_events {
            let (dest, image, span) = (link.dest.as_str(), link.image, &link.span);
            match self.resolve(from, dest, image) {
                Ok(Some(new)) => changes.push((link.event, new)),
                Ok(None) => {}
                Err((code, message, help)) => {
                    let text = &from.page.text;
                    let span = text
                        .get(span.clone())
                        .and_then(|s| s.find(dest))
                        .map(|at| span.start + at..span.start + at + dest.len())
                        .unwrap_or_else(|| span.clone());
                    let mut d = Diagnostic::error(code, message).at(&from.page.file, text, span);
                    d.help = help;
                    diags.push(d);
                }
            }
        }
        (changes, diags)
    }

    /// The term page a link to the glossary page at `t` with `#fragment` means: a term's
    /// entry once had only that anchor, and links written then still lead to it.
    fn term_page(&self, t: usize, fragment: Option<&str>) -> Option<usize> {
        let glossary = &self.pages[t].page;
        let f = fragment?;
        if glossary.kind != Kind::Glossary || glossary.doc.has_anchor(f) {
            return None;
        }
        let dir = glossary.content_path.trim_end_matches("_index.md");
        let &term = self.by_path.get(&format!("{dir}{f}.md"))?;
        (self.pages[term].page.kind == Kind::Term).then_some(term)
    }

    fn resolve(
        &self,
        from: &SitePage,
        dest: &str,
        image: bool,
    ) -> Result<Option<String>, LinkProblem> {
        let what = if image { "image" } else { "link" };
        if dest.is_empty() {
            return Ok(None);
        }
        if scheme(dest).as_deref() == Some("glossary") {
            return Ok(None); // an explicit glossary link: the glossary step resolves it
        }
        if scheme(dest).is_some() || dest.starts_with("//") {
            if !is_safe_url(dest) {
                if let Some(fix) = mistyped::web_address(dest) {
                    return Err(mistyped_error(what, dest, fix));
                }
                return Err((
                    "unsafe-url",
                    format!("{what} to `{dest}` uses a scheme browsers would run or embed"),
                    Some("only http:, https:, mailto: and tel: links are allowed".into()),
                ));
            }
            return Ok(None);
        }
        let (path_q, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let path = path_q.split('?').next().unwrap_or("");
        if path.is_empty() {
            // `#anchor` within the page. Ids made by later stages (references, footnotes,
            // glossary) are not known here, so only heading-like anchors are checked.
            if let Some(f) = fragment {
                let generated = ["ref-", "fn", "cite-", "gloss-", "term-"]
                    .iter()
                    .any(|p| f.starts_with(p));
                if !generated && !from.page.doc.has_anchor(f) {
                    return Err(anchor_error(f, &from.page, "this page"));
                }
            }
            return Ok(None);
        }
        let decoded = percent_decode(path);
        let Some(target) = join_relative(&from.page.content_path, &decoded) else {
            return Err((
                "broken-link",
                format!("{what} `{dest}` points outside the site"),
                Some("link only to files inside `content/` or `static/`".into()),
            ));
        };
        let frag = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        if decoded.ends_with(".md") {
            let Some(&t) = self.by_path.get(&target) else {
                if self.unparsed.contains(&target) {
                    return Ok(None);
                }
                if self.drafts.contains(&target) {
                    return Err((
                        "link-to-draft",
                        format!("{what} to `{dest}`, a draft that is not published"),
                        Some("publish it (`draft: false`) or build with --drafts".into()),
                    ));
                }
                let help = did_you_mean(&target, self.by_path.keys().map(String::as_str))
                    .map(|s| {
                        format!(
                            "did you mean `{}`?",
                            relative_source(&from.page.content_path, s)
                        )
                    })
                    .unwrap_or_else(|| "link to the .md file as it is named under content/".into());
                return Err((
                    "broken-link",
                    format!("{what} to `{dest}`: there is no page content/{target}"),
                    Some(help),
                ));
            };
            // `glossary/_index.md#term`: the term's entry moved to a page of its own.
            if let Some(term) = self.term_page(t, fragment) {
                let href = self.pages[term]
                    .route
                    .relative_from(&from.route, self.style);
                return Ok(Some(href));
            }
            let target_page = &self.pages[t];
            if let Some(f) = fragment {
                if !target_page.page.doc.has_anchor(f) {
                    return Err(anchor_error(f, &target_page.page, &target_page.page.file));
                }
            }
            let href = target_page.route.relative_from(&from.route, self.style);
            return Ok(Some(format!("{href}{frag}")));
        }
        // A folder that is a section: `articles/` or `articles`.
        let section_index = if target.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{target}/_index.md")
        };
        if let Some(&t) = self.by_path.get(&section_index) {
            if let Some(term) = self.term_page(t, fragment) {
                let href = self.pages[term]
                    .route
                    .relative_from(&from.route, self.style);
                return Ok(Some(href));
            }
            let href = self.pages[t].route.relative_from(&from.route, self.style);
            return Ok(Some(format!("{href}{frag}")));
        }
        if self.files.contains(target.as_str()) {
            let href = Route::file(target).relative_from(&from.route, self.style);
            return Ok(Some(format!("{href}{frag}")));
        }
        if let Some(fix) = mistyped::web_address(dest) {
            return Err(mistyped_error(what, dest, fix));
        }
        let help = did_you_mean(&target, self.files.iter().copied())
            .map(|s| {
                format!(
                    "did you mean `{}`?",
                    relative_source(&from.page.content_path, s)
                )
            })
            .unwrap_or_else(|| {
                "put the file beside the page under content/, or under static/".into()
            });
        Err((
            "broken-link",
            format!("{what} to `{dest}`: no such file in the site"),
            Some(help),
        ))
    }
}

fn mistyped_error(what: &str, dest: &str, fix: String) -> LinkProblem {
    (
        "mistyped-url",
        format!("{what} `{dest}` looks like a mistyped web address"),
        Some(format!("did you mean `{fix}`?")),
    )
}

fn anchor_error(fragment: &str, target: &ParsedPage, where_: &str) -> LinkProblem {
    let ids: Vec<&str> = target.doc.headings.iter().map(|h| h.id.as_str()).collect();
    let near = closest(fragment, ids.iter().copied(), 3);
    let help = if near.is_empty() {
        if ids.is_empty() {
            format!("{where_} has no headings to link to")
        } else {
            format!("headings there: #{}", ids.join(", #"))
        }
    } else {
        format!("did you mean #{}?", near.join(" or #"))
    };
    (
        "broken-anchor",
        format!("no heading with id `{fragment}` in {where_}"),
        Some(help),
    )
}

/// How `target` (a content path) is written relative to the page at `from` (for hints).
fn relative_source(from: &str, target: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to: Vec<&str> = target.split('/').collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; from_dir.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// Decodes `%20`-style escapes so `my%20file.pdf` finds `my file.pdf`.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("my%20file.pdf"), "my file.pdf");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn hints_are_relative_to_the_page() {
        assert_eq!(relative_source("articles/a.md", "about.md"), "../about.md");
        assert_eq!(relative_source("articles/a.md", "articles/b.md"), "b.md");
    }
}
