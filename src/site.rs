//! The pipeline, end to end: load → parse → resolve → render → write.
//!
//! `build` runs all five stages; `compile` stops before writing, so `check` and `serve` reuse
//! exactly the same stages instead of a second implementation that could drift.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Diagnostics};
use rayon::prelude::*;

use crate::render::search::SearchIndex;
use crate::render::{OutFile, Renderer, Sink};
use crate::resolve::{self, Site};
use crate::url::LinkStyle;
use crate::{load, parse, render, write};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `site.yaml` (preview deployments).
    pub base_url: Option<String>,
    pub drafts: bool,
    pub offline: bool,
    /// Replace an existing output folder even if glia did not write it (`--force`).
    pub force: bool,
}

impl BuildOptions {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// Told how a build is going, so a front end can draw a progress bar. Called from several
/// threads; the default methods do nothing.
pub trait Progress: Sync {
    /// A stage starts; `total` is how many steps it has when that is known (pages to render).
    fn stage(&self, _name: &'static str, _total: Option<usize>) {}
    /// `n` more steps of the current stage are done.
    fn advance(&self, _n: usize) {}
}

/// No progress reporting.
pub struct Silent;
impl Progress for Silent {}

/// A compiled site held in memory: everything `write` needs.
pub struct Compiled {
    /// After [`compile_to`] with a sink, its articles hold their facts but not their events
    /// (`parse::drop_events`).
    pub site: Site,
    pub files: Vec<OutFile>,
    /// Kept for `glia serve`, which re-renders single pages after an edit.
    pub renderer: Renderer,
    /// The default language's search index, kept for `glia serve` to patch; none after
    /// [`compile_to`] with a sink, which writes it and keeps nothing.
    pub search: Option<SearchIndex>,
    /// Wall time of each stage, for `--timings` and the benchmarks.
    pub timings: Vec<(&'static str, Duration)>,
    /// The site in each other language of `languages:`, published under its folder; its
    /// files are in `files`.
    pub translations: Vec<Site>,
}

impl Compiled {
    /// Every language's site, the default language's first.
    pub fn sites(&self) -> impl Iterator<Item = &Site> {
        std::iter::once(&self.site).chain(&self.translations)
    }

    /// The files published as they are (`static/`, then `content/` assets), each language's
    /// in its folder: what write copies beside the rendered files.
    pub fn assets(&self) -> Vec<load::Asset> {
        let mut all = Vec::new();
        for site in self.sites() {
            for a in site.static_files.iter().chain(&site.assets) {
                let mut a = a.clone();
                a.out.insert_str(0, &site.folder);
                all.push(a);
            }
        }
        all
    }
}

#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub output: PathBuf,
    /// Written to open from disk (`--offline` or `offline: true`): links name `index.html`.
    pub offline: bool,
    /// Warnings and notes (a successful build has no errors).
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Runs every stage but writing. Returns the site only if there were no errors.
pub fn compile(opts: &BuildOptions) -> (Option<Compiled>, Diagnostics) {
    compile_to(opts, None, &Silent)
}

/// [`compile`], handing each rendered file to `sink` instead of keeping it (`files` is then
/// empty).
pub fn compile_to(
    opts: &BuildOptions,
    sink: Option<Sink<'_>>,
    progress: &dyn Progress,
) -> (Option<Compiled>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut timings = Vec::new();
    let mut lap = Instant::now();
    // A stage's time: each language parses and resolves in turn, and its times add up.
    let mut mark = |name: &'static str| {
        match timings.iter_mut().find(|(n, _)| *n == name) {
            Some((_, t)) => *t += lap.elapsed(),
            None => timings.push((name, lap.elapsed())),
        }
        lap = Instant::now();
    };
    progress.stage("loading", None);
    let Some(mut inputs) = load::load(&opts.root, &mut diags) else {
        return (None, diags);
    };
    if let Some(url) = &opts.base_url {
        inputs.config.base_url = Some(crate::config::normalize_base_url(url));
    }
    let theme = inputs.theme.take();
    let style = if opts.offline || inputs.config.offline {
        LinkStyle::Offline
    } else {
        LinkStyle::Pretty
    };
    mark("load");
    // Each language is a site of its own, made by the same stages: the default language's
    // first, since the others' links fall back to its pages.
    let translations = std::mem::take(&mut inputs.translations);
    let mut sites = Vec::new();
    let mut names = Vec::new();
    let default = Language {
        config: inputs.config.clone(),
        pages: std::mem::take(&mut inputs.pages),
    };
    let shared = Shared {
        opts,
        inputs: &inputs,
        theme: theme.as_ref(),
        style,
        sink,
        progress,
    };
    let (default_site, name) = prepare(&shared, default, None, &mut diags, &mut mark);
    for (code, pages) in translations {
        let folder = format!("{code}/");
        let lang = Language {
            config: inputs.config.for_language(&code),
            pages,
        };
        let translating = resolve::Translating {
            folder,
            default: &default_site,
        };
        let (site, name) = prepare(&shared, lang, Some(translating), &mut diags, &mut mark);
        sites.push(site);
        names.push(name);
    }
    sites.insert(0, default_site);
    names.insert(0, name);
    resolve::languages::Languages::connect(&mut sites, &names);
    diags.extend(languages_collide(&sites));
    let Some(theme) = theme else {
        return (None, diags);
    };
    if diags.has_errors() {
        return (None, diags);
    }
    progress.stage("rendering", Some(sites.iter().map(|s| s.pages.len()).sum()));
    let mut files = Vec::new();
    let mut compiled: Vec<(Site, Renderer, Option<SearchIndex>)> = Vec::new();
    let last = sites.len().saturating_sub(1);
    let mut theme = Some(theme);
    for (i, mut site) in sites.into_iter().enumerate() {
        // Each language renders with its own strings; the theme is copied only for the
        // languages before the last (none for a site in one language).
        let theme = match i == last {
            true => theme.take(),
            false => theme.clone(),
        };
        let Some(theme) = theme else { break };
        let renderer = match Renderer::new(theme, site.strings.clone()) {
            Ok(r) => r,
            Err(d) => {
                diags.extend(d);
                return (None, diags);
            }
        };
        // A language's files land in its folder.
        let folder = site.folder.clone();
        let in_folder = |f: &OutFile| match sink {
            Some(sink) if folder.is_empty() => sink(f),
            Some(sink) => sink(&OutFile {
                path: format!("{folder}{}", f.path),
                bytes: f.bytes.clone(),
            }),
            None => Ok(()),
        };
        // With a sink, the search index is written first: it is the last reader of the
        // pages' sections' text, which it drops, so the pages render without it.
        if sink.is_some() {
            diags.extend(render::write_search(&mut site, &in_folder));
        }
        let rendered = renderer.render_site_to(&site, sink.map(|_| &in_folder as Sink<'_>));
        diags.extend(rendered.diagnostics);
        files.extend(rendered.files.into_iter().map(|mut f| {
            f.path.insert_str(0, &folder);
            f
        }));
        compiled.push((site, renderer, rendered.search));
    }
    // The marker goes with the site's files, so every output has it: build, --offline and
    // serve's folder alike.
    match sink {
        Some(sink) => {
            if let Err(e) = sink(&write::marker()) {
                diags.push(write_failed(&opts.output_dir(), &e));
            }
        }
        None => files.push(write::marker()),
    }
    mark("render");
    if diags.has_errors() {
        return (None, diags);
    }
    let mut compiled = compiled.into_iter();
    let Some((site, renderer, search)) = compiled.next() else {
        return (None, diags);
    };
    (
        Some(Compiled {
            site,
            files,
            renderer,
            search,
            timings,
            translations: compiled.map(|(site, _, _)| site).collect(),
        }),
        diags,
    )
}

/// One language of the site, to be made into a site of its own.
struct Language {
    config: crate::config::SiteConfig,
    pages: Vec<load::Page>,
}

/// What every language of a site is made with.
struct Shared<'a> {
    opts: &'a BuildOptions,
    /// Bibliographies, style, files: the same for every language.
    inputs: &'a load::Inputs,
    theme: Option<&'a load::Theme>,
    style: LinkStyle,
    sink: Option<Sink<'a>>,
    progress: &'a dyn Progress,
}

/// One language of the site parsed and resolved, with its outputs planned, and the name of
/// its language in itself (for the language switcher).
fn prepare(
    shared: &Shared<'_>,
    lang: Language,
    translating: Option<resolve::Translating<'_>>,
    diags: &mut Diagnostics,
    mark: &mut dyn FnMut(&'static str),
) -> (Site, String) {
    let Shared {
        opts,
        inputs,
        theme,
        style,
        sink,
        progress,
    } = *shared;
    let Language { config, pages } = lang;
    let strings = std::sync::Arc::new(crate::i18n::Strings::load(
        &opts.root,
        &config.theme,
        &config.language,
        &|path| load::read_optional(&opts.root, path),
        diags,
    ));
    let name = strings.get("language.name").to_string();
    progress.stage("parsing", None);
    let all_pages: std::collections::BTreeSet<String> =
        pages.iter().map(|p| p.content_path.clone()).collect();
    // With a sink (`glia build`), each article keeps its facts but not its events, which
    // render makes again (`parse::events_again`): a large site's events are most of its
    // memory. Feeds with whole articles render them twice, so they keep theirs, and a page
    // with raw HTML keeps them for the unsafe-HTML scan below.
    let full_feeds = config.feeds.full_content && style != LinkStyle::Offline;
    let drop_events = sink.is_some() && !full_feeds;
    let mode = config.glossary.link;
    // The term files first: the glossary they make links each other page as soon as it is
    // parsed, while its events are there.
    let (terms, others): (Vec<_>, Vec<_>) =
        (pages.into_iter()).partition(|p| p.kind == load::Kind::Term);
    let sizes = parse::images::Sizes::of(&inputs.assets, &inputs.static_files);
    let pages_and_terms = || {
        let (mut parsed, mut d) = parse::parse_all(terms, &sizes, &strings);
        let prepared = resolve::glossary::prepare(parsed.iter(), style);
        let link = |p: &mut parse::ParsedPage| {
            let (g, m) = (&prepared.glossary, &prepared.matcher);
            p.glossary_links = Some(resolve::glossary::link_page(p, g, m, mode));
        };
        parsed.par_iter_mut().for_each(link);
        let (rest, d2) = parse::parse_all_then(others, &sizes, &strings, |p| {
            link(p);
            if drop_events && p.kind == load::Kind::Article && !p.doc.has_raw_html {
                parse::drop_events(p);
            }
        });
        parsed.extend(rest);
        d.extend(d2);
        ((parsed, d), prepared)
    };
    // Pages and the bibliography/style are independent: read them side by side.
    let (((parsed, d), prepared), preloaded) = rayon::join(pages_and_terms, || {
        resolve::citations::preload(
            inputs.style.as_ref(),
            &config.language,
            &inputs.bibliography,
        )
    });
    diags.extend(d);
    // Pages that failed to parse (already reported), so links to them are not errors too.
    let mut unparsed = all_pages;
    for p in &parsed {
        unparsed.remove(&p.content_path);
    }
    mark("parse");
    progress.stage("resolving", None);
    let (mut site, d) = resolve::resolve(
        config,
        parsed,
        inputs.assets.clone(),
        inputs.static_files.clone(),
        preloaded,
        prepared,
        &resolve::Options {
            drafts: opts.drafts,
            unparsed,
            link_style: style,
            templates: theme
                .map(|t| t.templates.keys().cloned().collect())
                .unwrap_or_default(),
            strings,
            translating,
        },
    );
    diags.extend(d);
    // Every output path has one producer: a page, a file or a page glia generates.
    let theme_files: Vec<String> = theme
        .map(|t| t.static_files.keys().cloned().collect())
        .unwrap_or_default();
    diags.extend(render::outputs::plan(&mut site, &theme_files));
    // Raw HTML that runs code: a warning here, an error in `glia check`.
    diags.extend(resolve::unsafe_html::scan_site(&site));
    mark("resolve");
    (site, name)
}

/// A page of the default language whose output would land in another language's folder
/// (`content/es/…` beside `languages: {es: …}`).
fn languages_collide(sites: &[Site]) -> Vec<Diagnostic> {
    let Some((default, others)) = sites.split_first() else {
        return Vec::new();
    };
    let mut diags = Vec::new();
    for other in others {
        let folder = &other.folder;
        if let Some(path) = default
            .outputs
            .iter()
            .find(|o| o.starts_with(folder.as_str()))
        {
            diags.push(
                Diagnostic::error(
                    "output-collision",
                    format!(
                        "`{path}` would be written into `{folder}`, the folder of the site in `{}`",
                        other.config.language
                    ),
                )
                .in_file(format!(
                    "{}{folder}",
                    if default.static_files.iter().any(|a| &a.out == path) {
                        "static/"
                    } else {
                        "content/"
                    }
                ))
                .with_help(
                    "rename that folder: each language of `languages:` is published in the \
                     folder named by its code",
                ),
            );
        }
    }
    diags
}

/// Builds the site into its output folder. On any error nothing is written and the previous
/// output stays as it was; the errors come back sorted by file and position.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
    build_with(opts, &Silent)
}

/// [`build`], telling `progress` how it goes.
pub fn build_with(
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, Vec<Diagnostic>> {
    let start = Instant::now();
    let output = opts.output_dir();
    let resolved = write::output_folder(&opts.root, &output, opts.force).map_err(|d| vec![d])?;
    // Pages are written into the staging folder as they are rendered; a failed build drops
    // it, and with it everything written so far.
    let staging = match write::Staging::new(&resolved) {
        Ok(s) => s,
        Err(e) => return Err(vec![write_failed(&output, &e)]),
    };
    let sink = |f: &OutFile| {
        staging.write(f)?;
        if f.path == "index.html" || f.path.ends_with("/index.html") {
            progress.advance(1);
        }
        Ok(())
    };
    let (compiled, diags) = compile_to(opts, Some(&sink), progress);
    let Some(compiled) = compiled else {
        return Err(diags.sorted());
    };
    let all_assets = compiled.assets();
    let write_start = Instant::now();
    progress.stage("writing", None);
    let (files, pages) = staging.counts();
    if let Err(e) = staging.commit(&all_assets) {
        let mut d = diags.sorted();
        d.push(write_failed(&output, &e));
        return Err(d);
    }
    Ok(BuildReport {
        pages,
        files: files + all_assets.len(),
        elapsed: start.elapsed(),
        output,
        offline: compiled.site.offline,
        diagnostics: diags.sorted(),
        timings: {
            let mut t = compiled.timings;
            t.push(("write", write_start.elapsed()));
            t
        },
    })
}

fn write_failed(output: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "write-failed",
        format!("could not write {}: {e}", output.display()),
    )
    .with_help(
        "check that the output folder's parent is writable; the previous output is unchanged",
    )
}
