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
    pub search: SearchIndex,
    /// Wall time of each stage, for `--timings` and the benchmarks.
    pub timings: Vec<(&'static str, Duration)>,
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
    let mut mark = |name: &'static str| {
        timings.push((name, lap.elapsed()));
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
    let strings = std::sync::Arc::new(crate::i18n::Strings::load(
        &opts.root,
        &inputs.config.theme,
        &inputs.config.language,
        &|path| load::read_optional(&opts.root, path),
        &mut diags,
    ));
    mark("load");
    progress.stage("parsing", None);
    let all_pages: std::collections::BTreeSet<String> = inputs
        .pages
        .iter()
        .map(|p| p.content_path.clone())
        .collect();
    let style = if opts.offline || inputs.config.offline {
        LinkStyle::Offline
    } else {
        LinkStyle::Pretty
    };
    // With a sink (`glia build`), each article keeps its facts but not its events, which
    // render makes again (`parse::events_again`): a large site's events are most of its
    // memory. Feeds with whole articles render them twice, so they keep theirs, and a page
    // with raw HTML keeps them for the unsafe-HTML scan below.
    let full_feeds = inputs.config.feeds.full_content && style != LinkStyle::Offline;
    let drop_events = sink.is_some() && !full_feeds;
    let mode = inputs.config.glossary.link;
    // The term files first: the glossary they make links each other page as soon as it is
    // parsed, while its events are there.
    let (terms, others): (Vec<_>, Vec<_>) =
        (inputs.pages.into_iter()).partition(|p| p.kind == load::Kind::Term);
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
            &inputs.config.language,
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
        inputs.config,
        parsed,
        inputs.assets,
        inputs.static_files,
        preloaded,
        prepared,
        &resolve::Options {
            drafts: opts.drafts,
            unparsed,
            link_style: style,
            templates: theme
                .as_ref()
                .map(|t| t.templates.keys().cloned().collect())
                .unwrap_or_default(),
            strings: strings.clone(),
        },
    );
    diags.extend(d);
    // Every output path has one producer: a page, a file or a page glia generates.
    let theme_files: Vec<String> = theme
        .as_ref()
        .map(|t| t.static_files.keys().cloned().collect())
        .unwrap_or_default();
    diags.extend(render::outputs::plan(&mut site, &theme_files));
    // Raw HTML that runs code: a warning here, an error in `glia check`.
    diags.extend(resolve::unsafe_html::scan_site(&site));
    mark("resolve");
    let Some(theme) = theme else {
        return (None, diags);
    };
    let renderer = match Renderer::new(theme, strings) {
        Ok(r) => r,
        Err(d) => {
            diags.extend(d);
            return (None, diags);
        }
    };
    if diags.has_errors() {
        return (None, diags);
    }
    progress.stage("rendering", Some(site.pages.len()));
    let rendered = renderer.render_site_to(&site, sink);
    diags.extend(rendered.diagnostics);
    let mut files = rendered.files;
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
    (
        Some(Compiled {
            site,
            files,
            renderer,
            search: rendered.search,
            timings,
        }),
        diags,
    )
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
    let mut all_assets = compiled.site.static_files.clone();
    all_assets.extend(compiled.site.assets.iter().cloned());
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
