//! What `glia serve` keeps between rebuilds, so that saving one article costs about one page's
//! work instead of a whole build.
//!
//! The last good build stays in memory: the resolved [`Site`] (every page's events, already
//! linked), the compiled templates and the search index. When only articles and pages changed,
//! each is parsed again, put through the same per-page steps of resolve (links, glossary
//! terms, citation keys) and rendered alone; the pages that depend on it are rendered with it.
//!
//! What else is rendered, and which edits compile the whole site again exactly as
//! `glia build` would, is [`touch`]'s to decide: its rules are pure functions of the page's
//! facts before and after the edit, each with a unit test; the session gathers the facts and
//! applies the answer.
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

pub mod touch;

use touch::{Patched, Reason, Showing};

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
    /// Why the last update compiled everything instead of patching ([`touch`]'s answer),
    /// whether or not that compile succeeded; `None` when it patched or the patch had errors.
    pub full_because: Option<Reason>,
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
    Full(Reason),
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
            full_because: None,
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
        let assets = c.assets();
        // A compile without a sink keeps its index.
        let search = (c.search).unwrap_or_else(|| {
            SearchIndex::of_site(&c.site, render_citations::search_docs(&c.site))
        });
        self.last = Some(Last {
            site: c.site,
            renderer: c.renderer,
            search,
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
        self.full_because = None;
        if self.broken {
            self.full_because = Some(Reason::NoBuild);
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
            Err(Refused::Full(why)) => {
                self.full_because = Some(why);
                self.full()
            }
        }
    }

    fn patch(
        &mut self,
        changed: &[PathBuf],
        warnings: &mut Diagnostics,
    ) -> Result<Vec<OutFile>, Refused> {
        let root = self.opts.root.clone();
        let Some(last) = self.last.as_mut() else {
            return Err(Refused::Full(Reason::NoBuild));
        };
        touch::day(last.site.today, crate::review::today()).map_err(Refused::Full)?;
        if last.site.languages.is_multilingual() {
            return Err(Refused::Full(Reason::Languages));
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
                Source::Other => return Err(Refused::Full(Reason::NotAPage)),
            }
        }
        let mut undo = Vec::new();
        // Every page is tried, so the errors of all of them are reported at once.
        let mut errors = Vec::new();
        for &i in &edits {
            match patch_page(&mut last.site, &root, i, warnings) {
                Ok(None) => {}
                Ok(Some(old)) => undo.push((i, old)),
                Err(Refused::Errors(d)) => errors.extend(d),
                Err(Refused::Full(why)) => {
                    for (i, old) in undo.into_iter().rev() {
                        old.restore(&mut last.site, i);
                    }
                    return Err(Refused::Full(why));
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
        if undo.is_empty() {
            return Ok(Vec::new());
        }
        let site = &last.site;
        let patched: Vec<Patched> = (undo.iter())
            .map(|(i, old)| Patched {
                page: *i,
                kind: site.pages[*i].page.kind,
                front_matter: old.front_matter,
                used_before: &old.used,
                used_now: &site.glossary.used_by_page[*i],
                neighbours: (old.neighbours.iter().copied())
                    .chain(site.pages[*i].prev)
                    .chain(site.pages[*i].next)
                    .collect(),
            })
            .collect();
        // The "Related" lists are computed again when they may change: cheap next to a
        // render, since it reads only inverted lists.
        let mut related = None;
        let mut related_changed = Vec::new();
        if touch::related_may_change(&patched) {
            let (lists, d) = resolve::related::compute(
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
                drop(patched);
                for (i, old) in undo.into_iter().rev() {
                    old.restore(&mut last.site, i);
                }
                let mut errors = d;
                errors.extend(std::mem::take(warnings).sorted());
                self.pending = edits;
                return Err(Refused::Errors(errors));
            }
            related_changed = touch::related_changed(&site.related, &lists, &patched);
            related = Some(lists);
        }
        let term_page = |t: usize| {
            let slug = site.glossary.glossary.terms().get(t)?.slug();
            site.glossary.definitions.get(slug).copied()
        };
        let touched = touch::touched(
            &patched,
            &related_changed,
            &Showing {
                full_content: site.config.feeds.full_content,
                listing_pages: (0..site.pages.len())
                    .filter(|&p| matches!(site.pages[p].page.kind, Kind::Home | Kind::Section))
                    .collect(),
                glossary: (site.pages.iter()).position(|p| p.page.kind == Kind::Glossary),
                term_page: &term_page,
            },
        );
        drop(patched);
        let related_before = related.map(|r| std::mem::replace(&mut last.site.related, r));
        mark("parse+resolve");
        let site = &last.site;
        let mut rendered_files = last.renderer.render_pages(site, &touched.pages);
        if touched.listings {
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
        let updated = (undo.iter()).all(|(i, _)| last.search.update_page(&last.site, *i));
        if !updated {
            last.search =
                SearchIndex::of_site(&last.site, render_citations::search_docs(&last.site));
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
        Some(i) if path.is_file() => match touch::source(site.pages[i].page.kind) {
            Ok(()) => Source::Page(i),
            Err(_) => Source::Other,
        },
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
        site.glossary.set_used(&site.pages, i, self.used);
        if self.front_matter {
            rearrange(site, i);
        }
    }
}

/// Orders sections, neighbours and "Appears in" lists again after page `i`'s front-matter
/// (its title, date or weight) changed.
fn rearrange(site: &mut Site, i: usize) {
    site.articles = resolve::arrange(&mut site.pages);
    site.glossary.reorder(&site.pages, i);
}

/// What a front-matter edit may change only through a full compile ([`touch::Shape`]): the
/// site's newest date, then each tag's slug, the name its pages show and how many pages its
/// listing has, then the same for each audience.
fn shape(site: &Site) -> touch::Shape {
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
    touch::Shape {
        newest: resolve::build_date(&site.pages),
        listings: tags.chain(audiences).collect(),
    }
}

/// Reads page `i` again and puts the new version in the site, linked by the per-page steps
/// of resolve, when [`touch`]'s rules allow. `Ok(None)` when its text did not change.
fn patch_page(
    site: &mut Site,
    root: &Path,
    i: usize,
    warnings: &mut Diagnostics,
) -> Result<Option<Old>, Refused> {
    let old = &site.pages[i].page;
    let path = root.join(&old.file);
    let bytes =
        load::read_bytes(&path, &old.file).map_err(|_| Refused::Full(Reason::Unreadable))?;
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
    let Some(mut new) = parsed else {
        return Err(Refused::Errors(diags));
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Refused::Errors(diags));
    }
    let front_matter =
        touch::page(&touch::Facts::of(old), &touch::Facts::of(&new)).map_err(Refused::Full)?;
    // Its references are those of the bibliography (or the edit compiles everything): the
    // page does not keep them, as after resolve.
    new.take_references();
    let shape_before = front_matter.then(|| shape(site));
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
    if let Some(before) = &shape_before {
        site.articles = resolve::arrange(&mut site.pages);
        if let Err(why) = touch::shape(before, &shape(site)) {
            site.pages[i].page = old_page;
            site.articles = resolve::arrange(&mut site.pages);
            return Err(Refused::Full(why));
        }
    }
    let site_ref: &Site = site;
    let g = &site_ref.glossary;
    let listed = |t: usize| {
        (g.glossary.terms().get(t))
            .and_then(|term| g.appears_in.get(term.slug()))
            .map_or(0, Vec::len)
    };
    let pages = |n: usize| crate::render::listing::page_count(site_ref, n);
    if let Err(why) = touch::term_listings(&g.used_by_page[i], &used, listed, pages) {
        site.pages[i].page = old_page;
        if front_matter {
            site.articles = resolve::arrange(&mut site.pages);
        }
        return Err(Refused::Full(why));
    }
    let old = Old {
        page: old_page,
        used: site.glossary.set_used(&site.pages, i, used),
        links: std::mem::replace(&mut site.glossary.links_by_page[i], links),
        front_matter,
        neighbours,
    };
    if front_matter {
        rearrange(site, i);
    }
    warnings.extend(diags);
    Ok(Some(old))
}
