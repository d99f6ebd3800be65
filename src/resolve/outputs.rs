//! Every file a build writes, each with the one thing that writes it.
//!
//! Pages, the files beside them, content assets, `static/` files, the theme's files and the
//! pages glia generates (search, references, tags, feeds…) all land in one output folder. If two
//! of them claim one path, one silently replaces the other, and a page vanishes. So resolve lists
//! every output path once ([`planned`]) and one rule ([`collisions`]) refuses any path with two
//! producers, and any file path that another output needs as a folder (`slug: index.html`).
//!
//! Render checks in debug builds (every test) that each file it writes is on this list, so a
//! generated page added later without a line here fails the first test that builds a site.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{display_name, Diagnostic};
use crate::load::Kind;

use super::{key_span, Site};

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

/// The "Cite this page" files beside every article, by format: the one place they are named
/// (`render::citations::cite_files` writes them, the article template links to them).
pub const CITE_BIB: &str = "cite.bib";
pub const CITE_RIS: &str = "cite.ris";
pub const CITE_JSON: &str = "cite.json";
pub const CITE_FILES: [&str; 3] = [CITE_BIB, CITE_RIS, CITE_JSON];
/// The whole bibliography beside the reference index, by format
/// (`render::citations::bibliography_files`).
pub const BIBLIOGRAPHY_BIB: &str = "bibliography.bib";
pub const BIBLIOGRAPHY_JSON: &str = "bibliography.json";
pub const BIBLIOGRAPHY_FILES: [&str; 2] = [BIBLIOGRAPHY_BIB, BIBLIOGRAPHY_JSON];

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

/// Every file the build of `site` writes. `theme_files` are the theme's static files' paths.
/// The one list of generated outputs: a new generated page gets its line here.
pub fn planned(site: &Site, theme_files: &[String]) -> Vec<Output> {
    use Producer::*;
    let mut out = Vec::new();
    let mut add = |path: String, producer: Producer| out.push(Output { path, producer });
    use crate::render::listing;
    for (i, p) in site.pages.iter().enumerate() {
        add(p.route.as_str().to_string(), Page(i));
        // The later pages of its listing: a section's pages, a term's "Appears in".
        let listed = match p.page.kind {
            Kind::Home | Kind::Section => p.children.len(),
            Kind::Term => (site.glossary.appears_in)
                .get(&super::glossary::term_slug(&p.page.content_path))
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
    let large = crate::render::figures::large_images(site);
    for (n, (_, _, copies)) in large.iter().enumerate() {
        for (_, path) in copies {
            add(path.clone(), ImageCopy(n));
        }
    }
    if !replaced_by_static(site, "404.html") {
        add("404.html".into(), Generated("the “page not found” page"));
    }
    add(
        crate::render::context::search_route().as_str().into(),
        Generated("the search page"),
    );
    let references = crate::render::citations::search_doc_count(site);
    for f in crate::render::search::planned_files(site, references) {
        add(f, Generated("the search index"));
    }
    if site.has_code {
        add(
            crate::render::context::SYNTAX_CSS.into(),
            Generated("the code highlighting stylesheet"),
        );
    }
    if !site.citations.cited_in.is_empty() {
        let route = super::citations::route();
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
        for feed in crate::render::feeds::feeds(site) {
            add(feed.path.as_str().into(), Generated("an Atom feed"));
        }
        if !replaced_by_static(site, "robots.txt") {
            add("robots.txt".into(), Generated("robots.txt"));
        }
        if !site.redirects.is_empty() && !replaced_by_static(site, REDIRECTS) {
            add(REDIRECTS.into(), Generated("the redirects file"));
        }
    }
    out
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
            let large = crate::render::figures::large_images(site);
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
            let span = super::aliases::alias_span(page, redirect.alias);
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
