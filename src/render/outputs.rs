//! Every file a build writes, each with the one thing that writes it.
//!
//! Pages, the files beside them, content assets, `static/` files, the theme's files and the
//! pages glia generates (search, references, tags, feeds…) all land in one output folder. If two
//! of them claim one path, one silently replaces the other, and a page vanishes. So once the
//! site is resolved, before anything is rendered, [`plan`] lists every output path once
//! ([`planned`]), from the rules of the render modules that write them (listing pages,
//! smaller image copies, search shards, feeds), and one rule ([`collisions`]) refuses any path
//! with two producers, and any file path that another output needs as a folder
//! (`slug: index.html`). The files `site.yaml` and front-matter name as published (`favicon`,
//! `og_image`, `image`) are checked against the list.
//!
//! Render checks in debug builds (every test) that each file it writes is on this list, so a
//! generated page added later without a line here fails the first test that builds a site.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{did_you_mean, display_name, Diagnostic};
use crate::load::Kind;
use crate::resolve::{key_span, relative_source, Site};

use super::citations::{BIBLIOGRAPHY_FILES, CITE_FILES};
use super::context::{favicon_path, og_image_path};

/// What writes an output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Producer {
    /// A page (an index into `Site::pages`).
    Page(usize),
    /// A content asset (an index into `Site::assets`).
    Asset(usize),
    /// A file under `static/` (an index into `Site::static_files`).
    Static(usize),
    /// A file written beside page `i` (its "Cite this page" downloads).
    BesidePage(usize),
    /// A file of the theme's `static/` folder.
    Theme,
    /// A page or file glia makes itself; says which.
    Generated(&'static str),
    /// The redirect page of an alias (an index into `Site::redirects`).
    Alias(usize),
    /// A smaller copy of a large image, for `srcset` (`render::figures`); names the image.
    ImageCopy(usize),
}

/// One output path and what writes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Output {
    pub path: String,
    pub producer: Producer,
}

/// The redirects file of Netlify and Cloudflare Pages, written when a page has `aliases:`.
pub const REDIRECTS: &str = "_redirects";

/// Generated files a site replaces with its own file of the same path in `static/`, as Zola and
/// Hugo users expect: the site's `static/robots.txt` or `static/404.html` is published and glia
/// does not write its own. (A `templates/404.html` restyles the generated page instead.) A
/// site's own `static/_redirects` (rules of its own) is published instead of the one aliases
/// make; the aliases' redirect pages are still written. Any other generated file clashes with
/// a `static/` file of its path.
pub const REPLACEABLE: [&str; 3] = ["404.html", "robots.txt", REDIRECTS];

/// Whether the generated file at `path` gives way to the site's `static/` file there.
pub fn replaced_by_static(site: &Site, path: &str) -> bool {
    REPLACEABLE.contains(&path) && site.static_files.iter().any(|f| f.out == path)
}

/// Lists the outputs of the resolved `site` into `site.outputs`: every file it writes, each
/// from one producer, and the files `site.yaml` and front-matter name as published among
/// them. `theme_files` are the theme's static files' paths, which must not clash with the
/// site's own.
pub fn plan(site: &mut Site, theme_files: &[String]) -> Vec<Diagnostic> {
    let planned = planned(site, theme_files);
    let mut diags = collisions(site, &planned);
    site.outputs = planned.into_iter().map(|o| o.path).collect();
    diags.extend(favicon_problem(site));
    diags.extend(image_problems(site));
    diags
}

/// Every file the build of `site` writes. `theme_files` are the theme's static files' paths.
/// The one list of generated outputs: a new generated page gets its line here.
pub fn planned(site: &Site, theme_files: &[String]) -> Vec<Output> {
    use Producer::*;
    let mut out = Vec::new();
    let mut add = |path: String, producer: Producer| out.push(Output { path, producer });
    use super::listing;
    for (i, p) in site.pages.iter().enumerate() {
        add(p.route.as_str().to_string(), Page(i));
        // The later pages of its listing: a section's pages, a term's "Appears in".
        let listed = match p.page.kind {
            Kind::Home | Kind::Section => p.children.len(),
            Kind::Term => (site.glossary.appears_in)
                .get(&crate::resolve::glossary::term_slug(&p.page.content_path))
                .map_or(0, Vec::len),
            _ => 0,
        };
        for n in 2..=listing::page_count(site, listed) {
            add(
                crate::url::Route::paged(p.route.dir(), n).as_str().into(),
                Page(i),
            );
        }
        if p.page.kind == Kind::Article {
            let dir = p.route.as_str().trim_end_matches("index.html");
            for f in CITE_FILES {
                add(format!("{dir}{f}"), BesidePage(i));
            }
        }
    }
    for (i, a) in site.assets.iter().enumerate() {
        add(a.out.clone(), Asset(i));
    }
    for (i, a) in site.static_files.iter().enumerate() {
        add(a.out.clone(), Static(i));
    }
    for f in theme_files {
        add(f.clone(), Theme);
    }
    let large = super::figures::large_images(site);
    for (n, (_, _, copies)) in large.iter().enumerate() {
        for (_, path) in copies {
            add(path.clone(), ImageCopy(n));
        }
    }
    if !replaced_by_static(site, "404.html") {
        add("404.html".into(), Generated("the “page not found” page"));
    }
    add(
        super::context::search_route().as_str().into(),
        Generated("the search page"),
    );
    let references = super::citations::search_doc_count(site);
    for f in super::search::planned_files(site, references) {
        add(f, Generated("the search index"));
    }
    if site.has_code {
        add(
            super::context::SYNTAX_CSS.into(),
            Generated("the code highlighting stylesheet"),
        );
    }
    if !site.citations.cited_in.is_empty() {
        let route = crate::resolve::citations::route();
        for n in 1..=listing::page_count(site, site.citations.cited_in.len()) {
            let page = crate::url::Route::paged(route.dir(), n);
            add(page.as_str().into(), Generated("the reference index"));
        }
        if !site.citations.bibliography.is_empty() {
            let dir = route.as_str().trim_end_matches("index.html");
            for f in BIBLIOGRAPHY_FILES {
                add(format!("{dir}{f}"), Generated("the bibliography download"));
            }
        }
    }
    let tags = listing::tags(site);
    if !tags.is_empty() {
        let index = listing::index_route();
        add(index.as_str().into(), Generated("the topics page"));
        for (slug, (_, pages)) in &tags {
            for n in 1..=listing::page_count(site, pages.len()) {
                let route = crate::url::Route::paged(&listing::tag_dir(slug), n);
                add(route.as_str().into(), Generated("a topic page"));
            }
        }
    }
    for a in listing::AUDIENCES {
        let articles = listing::audience_articles(site, a).len();
        if articles > 0 {
            for n in 1..=listing::page_count(site, articles) {
                let route = crate::url::Route::paged(&listing::audience_dir(a), n);
                add(route.as_str().into(), Generated("an audience page"));
            }
        }
    }
    for (r, redirect) in site.redirects.iter().enumerate() {
        add(redirect.from.as_str().into(), Alias(r));
    }
    if !site.offline {
        add("sitemap.xml".into(), Generated("the sitemap"));
        for feed in super::feeds::feeds(site) {
            add(feed.path.as_str().into(), Generated("an Atom feed"));
        }
        // Hosts read these at the root only: the default language's site writes them.
        if site.at_root() && !replaced_by_static(site, "robots.txt") {
            add("robots.txt".into(), Generated("robots.txt"));
        }
        if writes_redirects_file(site) {
            add(REDIRECTS.into(), Generated("the redirects file"));
        }
    }
    out
}

/// Whether `site` writes `_redirects`: a hosted build's site at the output root with old
/// addresses (its own or its translations') or other languages (whose 404 pages the file
/// names), unless the site publishes its own file.
pub fn writes_redirects_file(site: &Site) -> bool {
    site.at_root()
        && !site.offline
        && !replaced_by_static(site, REDIRECTS)
        && (!site.redirects.is_empty() || !site.config.languages.is_empty())
}

/// The one rule: every output path has exactly one producer (letter case aside), and no output
/// is written where another needs a folder. Each clash is an error on the source file behind it, naming the
/// other.
pub fn collisions(site: &Site, outputs: &[Output]) -> Vec<Diagnostic> {
    let mut by_path: BTreeMap<&str, Vec<Producer>> = BTreeMap::new();
    for o in outputs {
        by_path.entry(o.path.as_str()).or_default().push(o.producer);
    }
    let mut diags = Vec::new();
    // A clash between two sources is reported once, not again for each file beside them.
    let mut reported: BTreeSet<(Producer, Producer)> = BTreeSet::new();
    let mut report = |first: Producer, other: Producer| {
        let (a, b) = (owner(first), owner(other));
        reported.insert((a.min(b), a.max(b)))
    };
    for (path, producers) in &by_path {
        let mut producers = producers.clone();
        producers.sort_by_key(|p| rank(site, *p));
        producers.dedup();
        if let [first, rest @ ..] = &producers[..] {
            for other in rest {
                if report(*first, *other) {
                    diags.push(clash(
                        site,
                        *first,
                        *other,
                        format!("would both be written to {}", display_name(path)),
                    ));
                }
            }
        }
    }
    // Paths that differ only in letter case are one file on macOS and Windows (and in a zip
    // unpacked there): one page would silently replace the other.
    let mut by_folded: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for path in by_path.keys() {
        by_folded.entry(path.to_lowercase()).or_default().push(path);
    }
    for paths in by_folded.values().filter(|p| p.len() > 1) {
        let mut producers: Vec<(Producer, &str)> =
            paths.iter().map(|p| (by_path[p][0], *p)).collect();
        producers.sort_by_key(|(p, _)| rank(site, *p));
        let (first, first_path) = producers[0];
        for &(other, other_path) in &producers[1..] {
            if report(first, other) {
                diags.push(clash(
                    site,
                    first,
                    other,
                    format!(
                        "would be written to {} and {}, which are one file where letter case \
                         does not count (macOS, Windows)",
                        display_name(first_path),
                        display_name(other_path)
                    ),
                ));
            }
        }
    }
    // A file where another output needs a folder (`articles/index.html` as a file, and
    // `articles/index.html/index.html` for a page with `slug: index.html`).
    for (path, producers) in &by_path {
        let mut at = 0;
        while let Some(slash) = path[at..].find('/') {
            let folder = &path[..at + slash];
            at += slash + 1;
            let Some(file_producers) = by_path.get(folder) else {
                continue;
            };
            if !report(producers[0], file_producers[0]) {
                break;
            }
            diags.push(clash(
                site,
                producers[0],
                file_producers[0],
                format!(
                    "needs {} to be a folder, but it is a file",
                    display_name(folder)
                ),
            ));
            break;
        }
    }
    diags
}

/// The source a producer stands for: a page for the files beside it.
fn owner(p: Producer) -> Producer {
    match p {
        Producer::BesidePage(i) => Producer::Page(i),
        p => p,
    }
}

/// Which producer a clash is reported on: the one an editor can change, with a position if
/// possible (a page's `slug:` line first); between equals, the later file.
fn rank(site: &Site, p: Producer) -> (u8, std::cmp::Reverse<Producer>) {
    let r = match p {
        Producer::Page(i) if site.pages[i].page.fm.slug.is_some() => 0,
        Producer::Alias(_) => 0,
        Producer::Page(i) if !is_generated(site, i) => 1,
        Producer::Asset(_) | Producer::Static(_) => 2,
        Producer::BesidePage(_) | Producer::Page(_) | Producer::ImageCopy(_) => 3,
        Producer::Theme => 4,
        Producer::Generated(_) => 5,
    };
    (r, std::cmp::Reverse(p))
}

/// A page glia made because the content has none (the home page, the glossary page).
fn is_generated(site: &Site, i: usize) -> bool {
    site.pages[i].page.text.is_empty() && site.pages[i].page.yaml_offset == 0
}

fn describe(site: &Site, p: Producer) -> String {
    match p {
        Producer::Page(i) if is_generated(site, i) => {
            format!("the {} glia generates", kind_name(site.pages[i].page.kind))
        }
        Producer::Page(i) => display_name(&site.pages[i].page.file).into_owned(),
        Producer::Asset(i) => format!("content/{}", display_name(&site.assets[i].out)),
        Producer::Static(i) => format!("static/{}", display_name(&site.static_files[i].out)),
        Producer::BesidePage(i) => format!(
            "the “Cite this page” download of {}",
            display_name(&site.pages[i].page.file)
        ),
        Producer::Theme => "a file of the theme's static/ folder".into(),
        Producer::ImageCopy(n) => {
            let large = super::figures::large_images(site);
            let of = large.get(n).map_or("", |(rel, _, _)| rel.as_str());
            format!(
                "a smaller copy of {}, which glia makes for srcset",
                display_name(of)
            )
        }
        Producer::Generated(what) => format!("{what}, which glia generates"),
        Producer::Alias(r) => {
            let redirect = &site.redirects[r];
            let page = &site.pages[redirect.to].page;
            format!(
                "the alias `{}` of {}",
                display_name(page.fm.aliases[redirect.alias].trim()),
                display_name(&page.file)
            )
        }
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Home => "home page",
        Kind::Glossary => "glossary page",
        Kind::Section => "section page",
        _ => "page",
    }
}

/// The error for `first` clashing with `other`, placed on `first`'s file.
fn clash(site: &Site, first: Producer, other: Producer, what: String) -> Diagnostic {
    let message = format!(
        "{} and {} {what}",
        describe(site, first),
        describe(site, other)
    );
    let d = Diagnostic::error("duplicate-url", message);
    match first {
        Producer::Page(i) | Producer::BesidePage(i) if !is_generated(site, i) => {
            let page = &site.pages[i].page;
            let d = if page.fm.slug.is_some() {
                d.at(&page.file, &page.text, key_span(page, "slug"))
            } else {
                d.in_file(&page.file)
            };
            d.with_help(
                "give the page another `slug` in its front-matter, or rename or move its file",
            )
        }
        Producer::Alias(r) => {
            let redirect = &site.redirects[r];
            let page = &site.pages[redirect.to].page;
            let span = crate::resolve::aliases::alias_span(page, redirect.alias);
            d.at(&page.file, &page.text, span).with_help(
                "remove the alias: an old address still in use by a page or file cannot \
                 redirect",
            )
        }
        Producer::Asset(i) => d
            .in_file(format!("content/{}", site.assets[i].out))
            .with_help("rename or move one of them: an output path can have only one source"),
        Producer::Static(i) => {
            let help = match other {
                Producer::Generated(_) => format!(
                    "rename or move the file: glia writes this one itself (only {} can be \
                     replaced by a file of the same path in static/)",
                    {
                        let (last, rest) = REPLACEABLE.split_last().unwrap_or((&"", &[]));
                        format!("{} and {last}", rest.join(", "))
                    }
                ),
                _ => "rename or move the file; to replace a theme file, put it in \
                      themes/<name>/static/"
                    .into(),
            };
            d.in_file(format!("static/{}", site.static_files[i].out))
                .with_help(help)
        }
        _ => d.with_help("rename or move one of them: an output path can have only one source"),
    }
}
/// `favicon:` must name a file the site publishes: a missing icon is a broken link on every
/// page, which no page's link check would see.
fn favicon_problem(site: &Site) -> Option<Diagnostic> {
    let wanted = site.config.favicon.as_deref()?;
    let path = favicon_path(&site.config);
    let d = unpublished(site, "missing-favicon", "favicon", wanted, Some(path), "")?;
    Some(site.config.at_setting("favicon", d))
}

/// `og_image:` in site.yaml and each page's `image:` must name a file the site publishes, as
/// `favicon:` must: sites showing a link fetch the picture, and nothing else would notice it
/// missing. Errors point at the value.
fn image_problems(site: &Site) -> Vec<Diagnostic> {
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
