//! What `glia serve` keeps between rebuilds, so that saving one article costs about one page's
//! work instead of a whole build.
//!
//! The last good build stays in memory: the resolved [`Site`] (every page's events, already
//! linked), the compiled templates and the search index. When only articles and pages changed,
//! each is parsed again, put through the same per-page steps of resolve (links, glossary
//! terms, citation keys) and rendered alone; the pages that depend on it are rendered with it.
//!
//! What else is rendered follows from what changed:
//! - the body only: the page itself, the search index, and, if the set of terms the page uses
//!   changed, the glossary's A–Z page (its counts) and the pages of the terms it started or
//!   stopped using (their "Appears in" lists name the page);
//! - an article's front-matter (title, dates, weight, summary, …): also the home page and
//!   section listings (every page of them), the article's old and new neighbours, the tag
//!   and audience pages, the reference index, the glossary's A–Z page, the pages of the
//!   terms it uses, and the feeds, all of which show it (with `feeds: {full_content: true}`
//!   the feeds show an article's body too, so a body edit renders all of these as well);
//! - either of the two above when they can change "Related" lists (`resolve::related`: an
//!   article's tags, `related:` or glossary terms): every list is computed again, which is
//!   cheap next to a render since it reads only inverted lists, and the pages whose list
//!   changed are rendered, with every page listing the article when its front-matter
//!   changed (its title and summary show there). A `related:` value naming no page is an
//!   error of the patch, as it is of a build.
//!
//! Everything else compiles the whole site again, exactly as `glia build` would: a change to
//! headings (other pages link to them), citation keys, code blocks (the site's highlighting
//! stylesheet), a slug, a draft flag, inline references, aliases or a template; a
//! front-matter edit that changes the site's newest date ("Last updated" on every page), its
//! set of tags (a tag page comes or goes) or an article's `image:`, or adds or removes a page
//! of a topic's or an audience's listing; an edit on a later day than the last build (reviews
//! fall due); or a change in the
//! terms a page uses that adds or removes a page of a term's "Appears in"; and any change
//! outside articles and pages — a template, `site.yaml`, a glossary term, a bibliography, the
//! disclaimer (in every footer), a file added or removed.
//! `tests/incremental.rs` compares patched output with a full build, byte for byte.
//!
//! Errors are the whole site's, never only the last edit's: what serve reports is what
//! `glia build` would report for the files as they are now. A patch that fails leaves the last
//! good build untouched, and the pages it tried stay *pending*: every later update patches
//! them again along with what changed (so a valid edit to another page cannot hide them),
//! and reports the errors of every pending page, not only the first. Once a full compile has
//! failed, every update compiles everything until one succeeds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{self, Asset, Kind, SourceFile};
use crate::parse;
use crate::render::search::SearchIndex;
use crate::render::{citations as render_citations, OutFile, Renderer};
use crate::resolve::{self, Site};
use crate::site::{self, BuildOptions};

/// The output of one rebuild.
pub enum Rebuild {
    /// The whole site, as `glia build` would write it.
    Full {
        files: Vec<OutFile>,
        assets: Vec<Asset>,
    },
    /// Only these files changed; every other file of the last build is still right.
    Patch(Vec<OutFile>),
}

pub struct Session {
    opts: BuildOptions,
    last: Option<Last>,
    /// Pages whose files differ from `last` because a patch that included them failed. Their
    /// errors are the site's only errors, since the patch checks reach no other page.
    pending: BTreeSet<usize>,
    /// The last full compile failed: its errors may lie anywhere, so only another full
    /// compile can tell whether they are fixed.
    broken: bool,
    /// Wall time of each step of the last rebuild, for serve's report and the benchmark.
    pub timings: Vec<(&'static str, Duration)>,
}

/// The last good build.
struct Last {
    site: Site,
    renderer: Renderer,
    search: SearchIndex,
}

/// Why a page could not be patched.
enum Refused {
    /// The edit reaches beyond the page: compile everything.
    Full,
    /// The page has errors; the last good build stays.
    Errors(Vec<Diagnostic>),
}

impl Session {
    pub fn new(opts: BuildOptions) -> Session {
        Session {
            opts,
            last: None,
            pending: BTreeSet::new(),
            broken: false,
            timings: Vec::new(),
        }
    }

    /// Compiles the whole site and remembers it. `None` when it has errors.
    pub fn full(&mut self) -> (Option<Rebuild>, Diagnostics) {
        let (compiled, diags) = site::compile(&self.opts);
        // A full compile sees every file as it is now, so nothing is pending after it.
        self.pending.clear();
        let Some(c) = compiled else {
            self.broken = true;
            return (None, diags);
        };
        self.broken = false;
        self.timings = c.timings.clone();
        let mut assets = c.site.static_files.clone();
        assets.extend(c.site.assets.iter().cloned());
        self.last = Some(Last {
            site: c.site,
            renderer: c.renderer,
            search: c.search,
        });
        (
            Some(Rebuild::Full {
                files: c.files,
                assets,
            }),
            diags,
        )
    }

    /// Rebuilds after the files `changed` (absolute paths) were edited: a patch where the
    /// edits allow one, else a full compile. `None` when the sources have errors (every
    /// error of the site, as `glia build` would report them); the last good build is then
    /// kept for the next attempt.
    pub fn update(&mut self, changed: &[PathBuf]) -> (Option<Rebuild>, Diagnostics) {
        self.timings.clear();
        if self.broken {
            return self.full();
        }
        let mut warnings = Diagnostics::new();
        match self.patch(changed, &mut warnings) {
            Ok(files) => {
                self.pending.clear();
                (Some(Rebuild::Patch(files)), warnings)
            }
            Err(Refused::Errors(d)) => {
                let mut diags = Diagnostics::new();
                diags.extend(d);
                (None, diags)
            }
            Err(Refused::Full) => self.full(),
        }
    }

    fn patch(
        &mut self,
        changed: &[PathBuf],
        warnings: &mut Diagnostics,
    ) -> Result<Vec<OutFile>, Refused> {
        let root = self.opts.root.clone();
        let Some(last) = self.last.as_mut() else {
            return Err(Refused::Full);
        };
        // Which reviews are overdue depends on the day: once it has changed, every page
        // showing a review (articles, the home page) may differ from the last build.
        if crate::review::today() != last.site.today {
            return Err(Refused::Full);
        }
        let timings = &mut self.timings;
        let mut lap = Instant::now();
        let mut mark = |name: &'static str| {
            timings.push((name, lap.elapsed()));
            lap = Instant::now();
        };
        // The pages a failed patch left pending are read again with the new edits.
        let mut edits = self.pending.clone();
        for path in changed {
            match source_of(&last.site, &root, path) {
                Source::Page(i) => {
                    edits.insert(i);
                }
                Source::Nothing => {}
                Source::Other => return Err(Refused::Full),
            }
        }
        let mut undo = Vec::new();
        let mut glossary_dirty = false;
        let mut rendered = Vec::new();
        // Every page is tried, so the errors of all of them are reported at once.
        let mut errors = Vec::new();
        for &i in &edits {
            match patch_page(&mut last.site, &root, i, warnings) {
                Ok(None) => {}
                Ok(Some(old)) => {
                    glossary_dirty |= last.site.glossary.used_by_page[i] != old.used;
                    rendered.push(i);
                    undo.push((i, old));
                }
                Err(Refused::Errors(d)) => errors.extend(d),
                Err(Refused::Full) => {
                    for (i, old) in undo.into_iter().rev() {
                        old.restore(&mut last.site, i);
                    }
                    return Err(Refused::Full);
                }
            }
        }
        if !errors.is_empty() {
            for (i, old) in undo.into_iter().rev() {
                old.restore(&mut last.site, i);
            }
            // Warnings of the pages that did patch are the build's too.
            errors.extend(std::mem::take(warnings).sorted());
            self.pending = edits;
            return Err(Refused::Errors(errors));
        }
        if rendered.is_empty() {
            return Ok(Vec::new());
        }
        // Related lists follow tags, glossary terms and cited works (citation keys are fixed
        // in a patch): after a front-matter edit or a change in the terms used, every list is
        // computed again, and the pages whose list changed are rendered, with the pages that
        // list an edited article by title when its front-matter changed.
        let mut related_before = None;
        let mut related_changed = Vec::new();
        if undo
            .iter()
            .any(|(i, old)| old.front_matter || last.site.glossary.used_by_page[*i] != old.used)
        {
            let site = &last.site;
            let (related, d) = resolve::related::compute(
                &site.pages,
                &resolve::related::Inputs {
                    articles: &site.articles,
                    terms_by_page: &site.glossary.used_by_page,
                    cited_in: &site.citations.cited_in,
                    by_path: &site.by_path,
                    drafts: &site.drafts,
                },
            );
            if d.iter().any(Diagnostic::is_error) {
                for (i, old) in undo.into_iter().rev() {
                    old.restore(&mut last.site, i);
                }
                let mut errors = d;
                errors.extend(std::mem::take(warnings).sorted());
                self.pending = edits;
                return Err(Refused::Errors(errors));
            }
            related_changed = (0..related.len())
                .filter(|&p| {
                    related[p] != site.related[p]
                        || undo
                            .iter()
                            .any(|(i, old)| old.front_matter && related[p].contains(i))
                })
                .collect();
            related_before = Some(std::mem::replace(&mut last.site.related, related));
        }
        mark("parse+resolve");
        let site = &last.site;
        // A front-matter edit shows wherever the article is listed or named.
        // Feeds with whole articles show an article's body too.
        let full_content = site.config.feeds.full_content;
        let listings = undo.iter().any(|(i, old)| {
            old.front_matter || (full_content && site.pages[*i].page.kind == Kind::Article)
        });
        let mut which: BTreeSet<usize> = rendered.iter().copied().collect();
        if listings {
            for (i, old) in &undo {
                which.extend(old.neighbours.iter().copied());
                which.extend(site.pages[*i].prev);
                which.extend(site.pages[*i].next);
                glossary_dirty |= !site.glossary.used_by_page[*i].is_empty();
            }
            which.extend(
                (0..site.pages.len())
                    .filter(|&p| matches!(site.pages[p].page.kind, Kind::Home | Kind::Section)),
            );
        }
        if glossary_dirty {
            which.extend(site.by_path.get("glossary/_index.md").copied());
        }
        // A term's page lists the pages using it, by title: those of the terms a page stopped
        // or started using, and of every term it uses when its title or summary changed.
        for (i, old) in &undo {
            let now = &site.glossary.used_by_page[*i];
            let terms = (old.used.iter().chain(now))
                .filter(|t| old.front_matter || old.used.contains(t) != now.contains(t));
            which.extend(terms.filter_map(|&t| {
                let slug = site.glossary.glossary.terms().get(t)?.slug();
                site.glossary.definitions.get(slug).copied()
            }));
        }
        which.extend(related_changed);
        let which: Vec<usize> = which.into_iter().collect();
        let mut rendered_files = last.renderer.render_pages(site, &which);
        if listings {
            rendered_files = rendered_files.and_then(|mut f| {
                f.extend(last.renderer.render_listings(site)?);
                Ok(f)
            });
        }
        let mut files = match rendered_files {
            Ok(f) => f,
            Err(d) => {
                for (i, old) in undo.into_iter().rev() {
                    old.restore(&mut last.site, i);
                }
                if let Some(related) = related_before {
                    last.site.related = related;
                }
                self.pending = edits;
                return Err(Refused::Errors(d));
            }
        };
        mark("render");
        let patched = rendered
            .iter()
            .all(|&i| last.search.update_page(&last.site, i));
        if !patched {
            last.search =
                SearchIndex::of_site(&last.site, render_citations::search_docs(&last.site), true);
        }
        files.extend(last.search.files());
        mark("search");
        Ok(files)
    }
}

/// What a changed path is to the site.
enum Source {
    /// The source of page `i`, an article or page whose edits can be patched in.
    Page(usize),
    /// Nothing, before or now: a file that came and went, such as an editor's swap file.
    Nothing,
    /// Anything else, which a full compile handles.
    Other,
}

fn source_of(site: &Site, root: &Path, path: &Path) -> Source {
    let content_path = path
        .strip_prefix(root.join("content"))
        .ok()
        .and_then(|rel| {
            rel.components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<Vec<_>>>()
                .map(|parts| parts.join("/"))
        });
    let page = content_path
        .as_ref()
        .and_then(|p| site.by_path.get(p).copied());
    match page {
        Some(i) if path.is_file() => {
            // Not the disclaimer: its first paragraph is in every page's footer.
            if matches!(site.pages[i].page.kind, Kind::Article | Kind::Page) {
                Source::Page(i)
            } else {
                Source::Other
            }
        }
        None if !path.exists() && !is_asset(site, path) => Source::Nothing,
        _ => Source::Other,
    }
}

fn is_asset(site: &Site, path: &Path) -> bool {
    site.assets
        .iter()
        .chain(&site.static_files)
        .any(|a| a.path == path)
}

/// What a patch replaced, to put back if a later step fails.
struct Old {
    page: parse::ParsedPage,
    /// The glossary terms it used (indexes, ascending).
    used: Vec<usize>,
    /// Its glossary links.
    links: Vec<crate::glossary::LinkEdit>,
    /// Whether the front-matter changed (so listings were arranged again).
    front_matter: bool,
    /// The page's neighbours before the edit, whose "previous/next" links may now change.
    neighbours: Vec<usize>,
}

impl Old {
    fn restore(self, site: &mut Site, i: usize) {
        site.pages[i].page = self.page;
        site.glossary.links_by_page[i] = self.links;
        let now = std::mem::replace(&mut site.glossary.used_by_page[i], self.used);
        if now != site.glossary.used_by_page[i] {
            set_appears_in(site, i, &now);
        }
        if self.front_matter {
            rearrange(site, i);
        }
    }
}

/// Orders sections, neighbours and "Appears in" lists again after page `i`'s front-matter
/// (its title, date or weight) changed.
fn rearrange(site: &mut Site, i: usize) {
    site.articles = resolve::arrange(&mut site.pages);
    let pages = &site.pages;
    for list in site.glossary.appears_in.values_mut() {
        if list.contains(&i) {
            list.sort_by_key(|&p| resolve::glossary::appears_in_key(pages, p));
        }
    }
}

/// Each tag's slug, the name its pages show and how many pages its listing has, then the
/// same for each audience: a patch may change what these listings show, not which pages
/// they have (a page that comes or goes needs a full compile, which writes or deletes it).
fn listing_shape(site: &Site) -> Vec<(String, String, usize)> {
    use crate::render::listing;
    let tags = listing::tags(site)
        .into_iter()
        .map(|(slug, (name, pages))| (slug, name, listing::page_count(site, pages.len())));
    let audiences = listing::AUDIENCES.into_iter().map(|a| {
        let n = listing::audience_articles(site, a).len();
        (
            listing::audience_key(a),
            String::new(),
            listing::page_count(site, n) * usize::from(n > 0),
        )
    });
    tags.chain(audiences).collect()
}

/// Reads page `i` again and puts the new version in the site. `Ok(None)` when its text did
/// not change.
fn patch_page(
    site: &mut Site,
    root: &Path,
    i: usize,
    warnings: &mut Diagnostics,
) -> Result<Option<Old>, Refused> {
    let old = &site.pages[i].page;
    let path = root.join(&old.file);
    let bytes = load::read_bytes(&path, &old.file).map_err(|_| Refused::Full)?;
    let text = load::decode_utf8(&old.file, &bytes).map_err(|d| Refused::Errors(vec![d]))?;
    if text == old.text {
        return Ok(None);
    }
    let source = load::Page {
        kind: old.kind,
        content_path: old.content_path.clone(),
        source: SourceFile {
            rel: old.file.clone(),
            path,
            text,
        },
    };
    let sizes = parse::images::Sizes::of(&site.assets, &site.static_files);
    let (parsed, mut diags) = parse::parse_page(source, &sizes, &site.strings);
    let Some(new) = parsed else {
        return Err(Refused::Errors(diags));
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Refused::Errors(diags));
    }
    let front_matter = new.text[..new.body_offset] != old.text[..old.body_offset];
    // Only an article's title, dates, tags, summary and the like can be patched in: they
    // show in listings, which are rendered again. A slug or draft flag moves or removes the
    // page, inline references change the bibliography, a page's title is in every
    // page's navigation, and an `image:` must name a published file (resolve's check).
    // Aliases add or remove redirect pages (which show the title), and a template changes
    // what the page is rendered with: both compile everything.
    let fm_patchable = !front_matter
        || (old.kind == Kind::Article
            && new.fm.slug == old.fm.slug
            && new.fm.draft == old.fm.draft
            && new.fm.references == old.fm.references
            && new.fm.image == old.fm.image
            && new.fm.aliases.is_empty()
            && old.fm.aliases.is_empty()
            && new.fm.template == old.fm.template
            && new.fm.page_template == old.fm.page_template);
    let same_shape = fm_patchable
        && new.doc.headings == old.doc.headings
        && new.doc.has_code == old.doc.has_code
        && citation_keys(&new) == citation_keys(old);
    if !same_shape {
        return Err(Refused::Full);
    }
    let shape_before = front_matter.then(|| listing_shape(site));
    let neighbours: Vec<usize> = site.pages[i]
        .prev
        .into_iter()
        .chain(site.pages[i].next)
        .collect();
    let old_page = std::mem::replace(&mut site.pages[i].page, new);
    diags.extend(resolve::relink_page(site, i));
    let crate::glossary::LinkOutcome {
        edits: links,
        used,
        diagnostics: d,
    } = resolve::glossary::link_page(
        &site.pages[i].page,
        &site.glossary.glossary,
        &site.glossary.matcher,
        site.config.glossary.link,
    );
    diags.extend(d);
    let (_, d) = resolve::citations::page_works(
        &site.citations.bibliography,
        &site.citations.canonical,
        &site.citations.unread,
        &site.pages[i],
    );
    diags.extend(d);
    if diags.iter().any(Diagnostic::is_error) {
        site.pages[i].page = old_page;
        return Err(Refused::Errors(diags));
    }
    if front_matter {
        // A new newest date changes the "Last updated" date of every page; a tag that appears
        // or disappears, or a listing that grows or shrinks by a page, adds or removes a page.
        site.articles = resolve::arrange(&mut site.pages);
        if resolve::build_date(&site.pages) != site.build_date
            || shape_before.as_ref() != Some(&listing_shape(site))
        {
            site.pages[i].page = old_page;
            site.articles = resolve::arrange(&mut site.pages);
            return Err(Refused::Full);
        }
    }
    // A term's page lists the pages using it, paginated: a page more or fewer can add or
    // remove a page of that listing, which only a full compile writes or deletes.
    if term_pages_change(site, &site.glossary.used_by_page[i], &used) {
        site.pages[i].page = old_page;
        if front_matter {
            site.articles = resolve::arrange(&mut site.pages);
        }
        return Err(Refused::Full);
    }
    let old = Old {
        page: old_page,
        used: std::mem::replace(&mut site.glossary.used_by_page[i], used),
        links: std::mem::replace(&mut site.glossary.links_by_page[i], links),
        front_matter,
        neighbours,
    };
    if site.glossary.used_by_page[i] != old.used {
        set_appears_in(site, i, &old.used);
    }
    if front_matter {
        rearrange(site, i);
    }
    warnings.extend(diags);
    Ok(Some(old))
}

/// Whether a page that used the terms `before` and now uses `now` changes how many pages the
/// "Appears in" listing of one of them has.
fn term_pages_change(site: &Site, before: &[usize], now: &[usize]) -> bool {
    let pages = |n: usize| crate::render::listing::page_count(site, n);
    let terms = site.glossary.glossary.terms();
    let len = |t: usize| {
        (terms.get(t)).map_or(0, |term| {
            site.glossary
                .appears_in
                .get(term.slug())
                .map_or(0, Vec::len)
        })
    };
    let gained = now.iter().filter(|t| !before.contains(t));
    let lost = before.iter().filter(|t| !now.contains(t));
    gained
        .map(|&t| (t, len(t) + 1))
        .chain(lost.map(|&t| (t, len(t).saturating_sub(1))))
        .any(|(t, after)| pages(after) != pages(len(t)))
}

/// Moves page `i` between "Appears in" lists: out of those of the terms in `before`, into
/// those of the terms it uses now, keeping each list in the order the full build gives it.
fn set_appears_in(site: &mut Site, i: usize, before: &[usize]) {
    let now = site.glossary.used_by_page[i].clone();
    let pages = &site.pages;
    let terms = site.glossary.glossary.terms();
    let appears_in = &mut site.glossary.appears_in;
    for &t in before.iter().filter(|t| !now.contains(t)) {
        let slug = terms[t].slug();
        if let Some(list) = appears_in.get_mut(slug) {
            list.retain(|&p| p != i);
            if list.is_empty() {
                appears_in.remove(slug);
            }
        }
    }
    for &t in now.iter().filter(|t| !before.contains(t)) {
        let list = appears_in.entry(terms[t].slug().to_string()).or_default();
        let key = |p| resolve::glossary::appears_in_key(pages, p);
        let at = list.partition_point(|&p| key(p) < key(i));
        list.insert(at, i);
    }
}

fn citation_keys(p: &parse::ParsedPage) -> BTreeSet<&str> {
    p.doc
        .citations
        .iter()
        .flat_map(|c| c.item.items.iter().map(|it| it.key.as_str()))
        .collect()
}
