//! Stage 4, **render**: each page's events → HTML, then into its tera template.
//!
//! Runs in parallel over pages with read-only access to the resolved [`Site`]. Each template
//! receives plain data whose URLs are already relative to the page being rendered, so templates
//! never build paths themselves (see `themes/README.md` for the variables).

mod body;
pub mod citations;
pub mod context;
pub mod feeds;
pub mod figures;
mod highlight;
pub mod items;
pub mod jsonld;
pub mod languages;
pub mod listing;
pub mod outputs;
pub mod redirects;
pub mod search;
mod templates;
pub mod terms;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::load::Kind;
use crate::load::Theme;
use crate::parse::markdown::Spanned;
use crate::resolve::glossary::link_bases;
use crate::resolve::Site;
use crate::url::Route;
use citations::Substitutions;
use highlight::Highlighter;
use templates::PAGE_MARKUP_HINT;
pub use templates::REQUIRED_TEMPLATES;

/// A file of the finished site, relative to the output root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where [`Renderer::render_site_to`] puts files as they are rendered.
pub type Sink<'a> = &'a (dyn Fn(&OutFile) -> std::io::Result<()> + Sync);

/// Gives `files` to the sink, if there is one (returning nothing), else returns them.
fn hand_over(files: Vec<OutFile>, sink: Option<Sink<'_>>) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    let Some(sink) = sink else {
        return Ok(files);
    };
    for f in &files {
        sink(f).map_err(|e| {
            vec![Diagnostic::error(
                "write-failed",
                format!("could not write {}: {e}", f.path),
            )
            .with_help("check that the output folder's parent is writable; the previous output is unchanged")]
        })?;
    }
    Ok(Vec::new())
}

/// Hands one rendered file to the sink, if there is one, and keeps nothing (a failed write
/// comes back as an error); without a sink, keeps it.
fn pass_on(
    r: Result<OutFile, Diagnostic>,
    sink: Option<Sink<'_>>,
) -> Option<Result<OutFile, Diagnostic>> {
    match (r, sink) {
        (Ok(f), Some(sink)) => match sink(&f) {
            Ok(()) => None,
            Err(e) => Some(Err(Diagnostic::error(
                "write-failed",
                format!("could not write {}: {e}", f.path),
            )
            .with_help("check that the output folder's parent is writable; the previous output is unchanged"))),
        },
        (r, _) => Some(r),
    }
}

/// Everything [`Renderer::render_site`] produces.
pub struct Rendered {
    pub files: Vec<OutFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Kept so `glia serve` can patch the index after an edit instead of rebuilding it; none
    /// with a sink (`glia build` writes it with [`write_search`]).
    pub search: Option<search::SearchIndex>,
}

pub struct Renderer {
    tera: tera::Tera,
    theme: Theme,
    /// The theme's words in the site's language (templates reach them through `t`).
    strings: std::sync::Arc<crate::i18n::Strings>,
    highlighter: Highlighter,
}

impl Renderer {
    /// Renders every page plus the theme's static files and the 404 page, kept in memory.
    pub fn render_site(&self, site: &Site) -> Rendered {
        self.render_all(site, None)
    }

    /// Like [`Renderer::render_site`], but with a sink every file is handed to as soon as it
    /// is rendered and then dropped: `glia build` writes pages while others render, so the
    /// whole site is never in memory at once (the returned `files` are then empty).
    ///
    /// A page whose events the build dropped after parsing is parsed again for its page
    /// (`parse::events_again`), and those events are dropped once it is written.
    pub fn render_site_to(&self, site: &Site, sink: Option<Sink<'_>>) -> Rendered {
        self.render_all(site, sink)
    }

    /// Renders the site.
    fn render_all(&self, site: &Site, sink: Option<Sink<'_>>) -> Rendered {
        // Every file written must be on resolve's list of outputs, or the collision check
        // there would not have seen it (`outputs::planned`).
        let planned = |f: &OutFile| {
            debug_assert!(
                site.outputs.contains(&f.path),
                "render wrote {}, which render::outputs::planned does not list",
                f.path
            );
        };
        let checked = |f: &OutFile| {
            planned(f);
            sink.map_or(Ok(()), |s| s(f))
        };
        let sink: Option<Sink<'_>> = sink.is_some().then_some(&checked as Sink<'_>);
        // The articles are many small tasks; the glossary page and the listings are a few
        // large ones, each mostly sequential. Started first, on a thread of their own, they
        // finish while the articles are still being shared out, instead of leaving one core
        // idle at the end.
        let glossary = site
            .pages
            .iter()
            .position(|p| p.page.kind == Kind::Glossary);
        let terms = jsonld::DefinedTerms::new(site);
        let page = |i: usize| {
            let files = self.render_page(site, i, &terms);
            (i, files.and_then(|f| hand_over(f, sink)))
        };
        let (mut results, (glossary, (listings, not_found))) = rayon::join(
            || {
                (0..site.pages.len())
                    .into_par_iter()
                    .filter(|i| Some(*i) != glossary)
                    .map(page)
                    .collect::<Vec<_>>()
            },
            || {
                let glossary = glossary.map(page);
                let rest = rayon::join(
                    || self.render_listings_to(site, sink),
                    || self.render_404(site),
                );
                (glossary, rest)
            },
        );
        // The search page, and without a sink the index (`glia build` wrote it before the
        // pages, `write_search`).
        let (search_files, search) = self.render_search(site, sink);
        if let Some(g) = glossary {
            let at = results.partition_point(|(i, _)| *i < g.0);
            results.insert(at, g);
        }
        let mut files = Vec::with_capacity(results.len() + 8);
        let mut diags = Vec::new();
        for (_, r) in results {
            match r {
                Ok(f) => files.extend(f),
                Err(d) => diags.extend(d),
            }
        }
        match listings {
            Ok(f) => files.extend(f),
            Err(d) => diags.extend(d),
        }
        match not_found {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
        for r in search_files {
            match r {
                Ok(f) => files.push(f),
                Err(d) => diags.push(d),
            }
        }
        for r in figures::copy_files(site) {
            match r {
                Ok(f) => files.push(f),
                Err(d) => diags.push(d),
            }
        }
        for (path, bytes) in &self.theme.static_files {
            files.push(OutFile {
                path: path.clone(),
                bytes: bytes.clone(),
            });
        }
        files.extend(redirects::render(site));
        if site.has_code {
            files.push(OutFile {
                path: context::SYNTAX_CSS.into(),
                bytes: body::syntax_stylesheet(&highlight::stylesheet()).into_bytes(),
            });
        }
        // The site's own `static/404.html` or `static/robots.txt` is published instead.
        files.retain(|f| !outputs::replaced_by_static(site, &f.path));
        let files = match hand_over(files, sink) {
            Ok(f) => {
                f.iter().for_each(planned);
                f
            }
            Err(d) => {
                diags.extend(d);
                Vec::new()
            }
        };
        Rendered {
            files,
            diagnostics: diags,
            search,
        }
    }

    /// Renders only pages `which` (and their "Cite this page" files): what `glia serve` redoes
    /// after an edit that no other page depends on.
    pub fn render_pages(
        &self,
        site: &Site,
        which: &[usize],
    ) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
        let terms = jsonld::DefinedTerms::new(site);
        let results: Vec<Result<Vec<OutFile>, Vec<Diagnostic>>> = which
            .par_iter()
            .map(|&i| self.render_page(site, i, &terms))
            .collect();
        let mut files = Vec::new();
        for r in results {
            files.extend(r?);
        }
        Ok(files)
    }

    /// The pages made from every article's front-matter rather than from a content file: the
    /// reference index (its "cited in" lists name articles), the tag and audience pages and
    /// the feeds and sitemap. What `glia serve` renders again after an article's front-matter changed.
    pub fn render_listings(&self, site: &Site) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
        self.render_listings_to(site, None)
    }

    /// [`Renderer::render_listings`], each file handed to `sink` as soon as it is rendered
    /// (then none are returned): on a large site they are thousands of pages.
    fn render_listings_to(
        &self,
        site: &Site,
        sink: Option<Sink<'_>>,
    ) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
        let mut results = self.render_reference_index(site, sink);
        results.extend(self.render_tags(site, sink));
        results.extend(self.render_audiences(site, sink));
        if !site.offline {
            let content = |i: usize| self.feed_content(site, i);
            let content: Option<&(dyn Fn(usize) -> Option<String> + Sync)> =
                site.config.feeds.full_content.then_some(&content as _);
            match feeds::render(site, content) {
                Ok(f) => results.extend(f.into_iter().filter_map(|f| pass_on(Ok(f), sink))),
                Err(d) => results.push(Err(d)),
            }
        }
        let (files, diags): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
        if diags.is_empty() {
            Ok(files.into_iter().flatten().collect())
        } else {
            Err(diags.into_iter().filter_map(Result::err).collect())
        }
    }

    /// A page, with its citations formatted; articles also get their "Cite this page" files.
    fn render_page(
        &self,
        site: &Site,
        i: usize,
        terms: &jsonld::DefinedTerms,
    ) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
        let page = &site.pages[i];
        let mut files = Vec::new();
        let (html, refs, keys, glossary) = if page.page.kind == Kind::Glossary {
            // Every definition is on this page, so they share one reference list.
            let order = terms::glossary_order(site);
            let cited = citations::format_pages(site, &order, None)?;
            let defs: std::collections::BTreeMap<usize, String> = order
                .par_iter()
                .zip(cited.citations.par_iter())
                .map(|(&d, cites)| {
                    let (href_base, id_prefix) = link_bases(&site.pages[d], &page.route);
                    let subs = Substitutions {
                        citations: cites,
                        // Only a page of one definition can place the list at its marker.
                        list: cited.list_html.as_deref().filter(|_| cited.list_at_marker),
                        links: Some(site.glossary.pieces(d, &href_base, &id_prefix)),
                    };
                    let events = crate::parse::events_again(&site.pages[d].page, &site.strings);
                    (d, self.body_html(&events, subs))
                })
                .collect();
            let g = terms::glossary_context(site, &|d| defs.get(&d).cloned().unwrap_or_default());
            let (href_base, id_prefix) = link_bases(page, &page.route);
            let subs = Substitutions {
                links: Some(site.glossary.pieces(i, &href_base, &id_prefix)),
                ..Substitutions::default()
            };
            let html = self.body_html(&crate::parse::events_again(&page.page, &site.strings), subs);
            let after = if cited.list_at_marker {
                None
            } else {
                cited.list_html
            };
            (html, after, cited.keys, Some(g))
        } else {
            // Made again here when the build dropped them after parsing, and dropped again
            // as soon as the page is written.
            let events = crate::parse::events_again(&page.page, &site.strings);
            let (html, after, keys) = self.page_body(site, i, &events)?;
            (html, after, keys, None)
        };
        let template = page.template.as_deref().unwrap_or(match page.page.kind {
            Kind::Home => "index.html",
            Kind::Section => "section.html",
            Kind::Article => "article.html",
            Kind::Glossary => "glossary.html",
            Kind::Term => "term.html",
            Kind::Page | Kind::Disclaimer => "page.html",
        });
        // The listing the page shows, paginated: a section's pages, a term's "Appears in".
        let listing: &[usize] = match page.page.kind {
            Kind::Home | Kind::Section => &page.children,
            Kind::Term => terms::term_appears_in(site, i),
            _ => &[],
        };
        let pages = match page.page.kind {
            Kind::Home | Kind::Section | Kind::Term => {
                listing::paginate(site, page.route.dir(), listing.len())
            }
            _ => vec![listing::Paged {
                route: page.route.clone(),
                items: 0..0,
                pager: None,
            }],
        };
        let mut body = Some((html, refs));
        let mut glossary = glossary;
        for paged in pages {
            // Later pages of a listing show only the listing.
            let (content, references) = body.take().unwrap_or_default();
            let mut ctx = context::page_context_at(site, i, &paged.route, content, glossary.take());
            ctx.page.references = references;
            if page.page.kind == Kind::Article {
                ctx.page.json_ld = jsonld::for_page(site, i, &keys, terms);
                files.extend(citations::cite_files(site, i));
                ctx.page.cite = Some(context::CiteLinks::default());
            }
            let items = listing.get(paged.items.clone()).unwrap_or_default();
            match page.page.kind {
                Kind::Home | Kind::Section => {
                    ctx.page.children = (items.iter())
                        .map(|&c| items::list_item(site, &paged.route, c))
                        .collect();
                }
                Kind::Term => {
                    ctx.term = terms::term_page_context(site, i, &paged.route, paged.items);
                }
                _ => {}
            }
            ctx.pager = paged.pager;
            files.push(
                self.render_template_sized(template, &ctx, &paged.route, PAGE_MARKUP_HINT)
                    .map_err(|d| vec![d])?,
            );
        }
        Ok(files)
    }

    /// Page `i`'s body HTML with its citations filled in, the reference list when the page
    /// did not place it itself, and the keys it cites.
    fn page_body(
        &self,
        site: &Site,
        i: usize,
        events: &[Spanned],
    ) -> Result<(String, Option<String>, Vec<String>), Vec<Diagnostic>> {
        let page = &site.pages[i];
        let cited = citations::format_pages(site, &[i], Some(events))?;
        let (href_base, id_prefix) = link_bases(page, &page.route);
        let subs = Substitutions {
            citations: cited.citations.first().map_or(&[], Vec::as_slice),
            list: cited.list_html.as_deref().filter(|_| cited.list_at_marker),
            links: Some(site.glossary.pieces(i, &href_base, &id_prefix)),
        };
        let html = self.body_html(events, subs);
        let after = if cited.list_at_marker {
            None
        } else {
            cited.list_html
        };
        Ok((html, after, cited.keys))
    }

    /// An article's whole text for a feed entry (`feeds: {full_content: true}`): its body and
    /// reference list, links relative to the article as on its page.
    fn feed_content(&self, site: &Site, i: usize) -> Option<String> {
        let events = crate::parse::events_again(&site.pages[i].page, &site.strings);
        let (mut html, after, _) = self.page_body(site, i, &events).ok()?;
        html.push_str(after.as_deref().unwrap_or_default());
        Some(html)
    }

    /// The reference index (paginated) and the whole bibliography, if anything is cited.
    fn render_reference_index(
        &self,
        site: &Site,
        sink: Option<Sink<'_>>,
    ) -> Vec<Result<OutFile, Diagnostic>> {
        if site.citations.cited_in.is_empty() {
            return Vec::new();
        }
        let index = citations::ReferenceIndex::new(site);
        let mut out: Vec<Result<OutFile, Diagnostic>> = index
            .pages(site)
            .into_par_iter()
            .filter_map(|paged| {
                let spec = context::Synthetic {
                    route: paged.route.clone(),
                    title: self.strings.get("references.title"),
                    summary: self.strings.get("references.summary"),
                    absolute: false,
                };
                let mut ctx = context::synthetic_context(site, &spec);
                ctx.reference_index = Some(index.context(site, &paged.route, paged.items));
                ctx.pager = paged.pager;
                pass_on(
                    self.render_template("references.html", &ctx, &spec.route),
                    sink,
                )
            })
            .collect();
        out.extend(
            (citations::bibliography_files(site).into_iter()).filter_map(|f| pass_on(Ok(f), sink)),
        );
        out
    }

    /// The tag index (`tags/`) and each tag's listing (`tags/<slug>/`, paginated), if any
    /// article has tags.
    fn render_tags(&self, site: &Site, sink: Option<Sink<'_>>) -> Vec<Result<OutFile, Diagnostic>> {
        let tags = listing::tags(site);
        if tags.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(tags.len() + 1);
        let spec = context::Synthetic {
            route: listing::index_route(),
            title: self.strings.get("topics.title"),
            summary: self.strings.get("topics.summary"),
            absolute: false,
        };
        let mut ctx = context::synthetic_context(site, &spec);
        ctx.tags = Some(listing::tags_context(site, &tags, &spec.route, None));
        out.extend(pass_on(
            self.render_template("tags.html", &ctx, &spec.route),
            sink,
        ));
        for (slug, (name, pages)) in &tags {
            let named = [("name", name.to_string())];
            let title = self.text("topics.page_title", None, &named);
            let summary = self.text("topics.page_summary", Some(pages.len()), &named);
            for paged in listing::paginate(site, &listing::tag_dir(slug), pages.len()) {
                let spec = context::Synthetic {
                    route: paged.route,
                    title: &title,
                    summary: &summary,
                    absolute: false,
                };
                let mut ctx = context::synthetic_context(site, &spec);
                if feeds::has_feeds(site) {
                    let feed = feeds::tag_feed(slug);
                    ctx.urls.page_feed = Some(feed.relative_from(&spec.route, site.link_style));
                }
                ctx.tags = Some(listing::tags_context(
                    site,
                    &tags,
                    &spec.route,
                    Some((slug, paged.items)),
                ));
                ctx.pager = paged.pager;
                out.extend(pass_on(
                    self.render_template("tag.html", &ctx, &spec.route),
                    sink,
                ));
            }
        }
        out
    }

    /// One listing per audience with articles (`audiences/<key>/`, paginated).
    fn render_audiences(
        &self,
        site: &Site,
        sink: Option<Sink<'_>>,
    ) -> Vec<Result<OutFile, Diagnostic>> {
        let mut out = Vec::new();
        for a in listing::AUDIENCES {
            let articles = listing::audience_articles(site, a);
            if articles.is_empty() {
                continue;
            }
            let named = [("audience", listing::audience_label(site, a).to_lowercase())];
            let title = listing::audience_title(site, a);
            let summary = self.text("audience.page_summary", Some(articles.len()), &named);
            for paged in listing::paginate(site, &listing::audience_dir(a), articles.len()) {
                let spec = context::Synthetic {
                    route: paged.route,
                    title: &title,
                    summary: &summary,
                    absolute: false,
                };
                let mut ctx = context::synthetic_context(site, &spec);
                ctx.listing = Some(listing::Group {
                    key: listing::audience_key(a),
                    title: title.clone(),
                    url: None,
                    items: (articles.get(paged.items).unwrap_or_default().iter())
                        .map(|&i| items::list_item(site, &spec.route, i))
                        .collect(),
                });
                ctx.pager = paged.pager;
                out.extend(pass_on(
                    self.render_template("audience.html", &ctx, &spec.route),
                    sink,
                ));
            }
        }
        out
    }

    /// The theme's string `key` in the site's language, `{name}`s filled in, the plural form
    /// chosen by `count`.
    fn text(&self, key: &str, count: Option<usize>, args: &[(&str, String)]) -> String {
        let count = count.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        self.strings
            .format(key, count, args)
            .unwrap_or_else(|| key.to_string())
    }

    fn render_404(&self, site: &Site) -> Result<OutFile, Diagnostic> {
        let spec = context::Synthetic {
            route: Route::file("404.html"),
            title: self.strings.get("not_found.title"),
            summary: self.strings.get("not_found.summary"),
            absolute: !site.offline,
        };
        let ctx = context::synthetic_context(site, &spec);
        self.render_template("404.html", &ctx, &spec.route)
    }

    /// The search page and the index it (and every page's search box) loads.
    /// The search page and the index's files (handed to `sink` one by one, if there is one:
    /// then the index is not kept patchable either, as only `glia serve` patches it).
    /// The search page and, without a sink, the index, kept for `glia serve` to patch. With
    /// a sink (`glia build`) the index is written afterwards by [`write_search`].
    fn render_search(
        &self,
        site: &Site,
        sink: Option<Sink<'_>>,
    ) -> (
        Vec<Result<OutFile, Diagnostic>>,
        Option<search::SearchIndex>,
    ) {
        let spec = context::Synthetic {
            route: context::search_route(),
            title: self.strings.get("search.title"),
            summary: self.strings.get("search.summary"),
            absolute: false,
        };
        let ctx = context::synthetic_context(site, &spec);
        let page = self.render_template("search.html", &ctx, &spec.route);
        if sink.is_some() {
            return (Vec::from_iter(pass_on(page, sink)), None);
        }
        let index = search::SearchIndex::of_site(site, citations::search_docs(site));
        let mut files = vec![page];
        index.each_file(&mut |f| files.push(Ok(f)));
        (files, Some(index))
    }

    #[cfg(test)]
    pub fn highlighter(&self) -> &Highlighter {
        &self.highlighter
    }
}

/// Writes `site`'s search index to `sink`, dropping its pages' sections' text on the way
/// ([`search::SearchIndex::write_site`]): what `glia build` does before it renders the
/// pages, since nothing else reads that text.
pub fn write_search(site: &mut Site, sink: Sink<'_>) -> Vec<Diagnostic> {
    let extra = citations::search_docs(site);
    let mut diags = Vec::new();
    #[cfg(debug_assertions)]
    let planned = site.outputs.clone();
    search::SearchIndex::write_site(site, extra, &mut |f| {
        #[cfg(debug_assertions)]
        debug_assert!(planned.contains(&f.path), "{} is not planned", f.path);
        if let Some(Err(d)) = pass_on(Ok(f), Some(sink)) {
            diags.push(d);
        }
    });
    diags
}

pub use highlight::escape;
