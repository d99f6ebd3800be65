//! The site-wide citation step of resolve: one bibliography from the shared files and every
//! page's inline references, every citation key checked, the style loaded once, and the
//! reference index (work → pages citing it) built.
//!
//! Formatting itself happens per page in render, in parallel, with the `Styler` built here.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::SitePage;
use crate::cite::{
    load_bibliography_file, load_inline_references, Bibliography, CiteCache, EntryCache, LoadedRef,
    RefInput, Styler,
};
use crate::diagnostics::{closest, Diagnostic};
use crate::load::{SourceFile, Style};
use crate::url::Route;

/// Everything render needs to format citations and the reference index.
#[derive(Debug, Clone, Default)]
pub struct CitationIndex {
    pub bibliography: Bibliography,
    /// `None` only when the style failed to load (the build then stops with that error).
    pub styler: Option<Styler>,
    /// Work (its first key, after merging keys that share a DOI or PMID) → pages citing it,
    /// in page order. Works never cited are absent.
    pub cited_in: BTreeMap<String, Vec<usize>>,
    /// Key → the work it is merged into in the index (itself, unless a DOI/PMID repeats).
    pub canonical: BTreeMap<String, String>,
    /// Entries of every cited work, formatted once (numeric styles; empty otherwise).
    pub entries: EntryCache,
    /// In-text citations rendered once per distinct shape (numeric styles that allow it).
    pub cites: CiteCache,
    /// Keys declared in bibliography files that have errors: citing one is not reported
    /// again as an unknown key, the file's own error explains it.
    pub unread: BTreeSet<String>,
}

/// The route of the reference index.
pub fn route() -> Route {
    Route::page("references")
}

/// What can be read before any page is parsed: the CSL style and the bibliography files.
/// `site::compile` reads them while pages are being parsed, since neither needs the other.
pub struct Preloaded {
    /// `None` when load could not read the style (and said why).
    styler: Option<Result<Styler, Diagnostic>>,
    refs: Vec<LoadedRef>,
    diags: Vec<Diagnostic>,
    unread: BTreeSet<String>,
}

/// `style` is `None` when it could not be read (load reported why).
pub fn preload(style: Option<&Style>, language: &str, bib_files: &[SourceFile]) -> Preloaded {
    // The style's locale archive and a large bibliography file are each a noticeable share
    // of a build: read them side by side.
    let (styler, (refs, diags, unread)) = rayon::join(
        || style.map(|s| make_styler(s, language)),
        || load_files(bib_files),
    );
    Preloaded {
        styler,
        refs,
        diags,
        unread,
    }
}

/// `references` are each page's own `references:`, taken from it
/// ([`crate::parse::ParsedPage::take_references`]).
pub fn resolve(
    preloaded: Preloaded,
    pages: &[SitePage],
    references: Vec<Vec<RefInput>>,
    diags: &mut Vec<Diagnostic>,
) -> CitationIndex {
    let Preloaded {
        styler,
        mut refs,
        diags: load_diags,
        unread,
    } = preloaded;
    diags.extend(load_diags);
    let (inline_refs, inline_keys, inline_diags) = load_inline(pages, references);
    refs.extend(inline_refs);
    diags.extend(inline_diags);
    let (bibliography, d) = Bibliography::build(refs);
    diags.extend(d);

    // Every cited key must exist.
    let mut cited_in: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let canonical = merge_same_works(&bibliography);
    let works: Vec<(BTreeSet<&str>, Vec<Diagnostic>)> = pages
        .par_iter()
        .map(|p| page_works(&bibliography, &canonical, &unread, p))
        .collect();
    let mut by_work: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (works, d)) in works.into_iter().enumerate() {
        diags.extend(d);
        for work in works {
            by_work.entry(work).or_default().push(i);
        }
    }
    cited_in.extend(by_work.into_iter().map(|(w, pages)| (w.to_string(), pages)));
    for (i, keys) in inline_keys {
        let p = &pages[i];
        let cited: BTreeSet<&str> = p
            .page
            .doc
            .citations
            .iter()
            .flat_map(|c| c.item.items.iter().map(|it| it.key.as_str()))
            .collect();
        for key in keys.iter().filter(|k| !cited.contains(k.as_str())) {
            let at = p
                .page
                .text
                .find(&format!("id: {key}"))
                .or_else(|| p.page.text.find(key.as_str()));
            let d = Diagnostic::warning(
                "uncited-reference",
                format!("reference `{key}` is defined here but never cited"),
            )
            .with_help(format!(
                "cite it with [@{key}] or remove it from `references:`"
            ));
            diags.push(match at {
                Some(a) => d.at(&p.page.file, &p.page.text, a..a + key.len()),
                None => d.in_file(&p.page.file),
            });
        }
    }
    for list in cited_in.values_mut() {
        list.sort_unstable();
    }

    let styler = match styler {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(d)) => {
            let mut d = d;
            if d.file.is_none() {
                d = d.in_file(crate::config::FILE_NAME);
            }
            diags.push(d);
            None
        }
    };
    // The in-text shapes and the entries are formatted independently: side by side.
    let (cites, entries) = match &styler {
        Some(s) => rayon::join(
            || {
                let docs: Vec<Vec<&crate::cite::Citation>> = pages
                    .iter()
                    .map(|p| p.page.doc.citations.iter().map(|m| &m.item).collect())
                    .collect();
                s.cite_cache(&bibliography, &docs)
            },
            || {
                let mut keys: Vec<&str> = pages
                    .iter()
                    .flat_map(|p| p.page.doc.citations.iter())
                    .flat_map(|c| c.item.items.iter().map(|i| i.key.as_str()))
                    .filter(|k| bibliography.get(k).is_some())
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                s.entry_cache(&bibliography, &keys)
            },
        ),
        None => (CiteCache::default(), EntryCache::default()),
    };
    CitationIndex {
        bibliography,
        styler,
        cited_in,
        canonical,
        entries,
        cites,
        unread,
    }
}

/// The works a page cites (by canonical key), and an error for each key the bibliography lacks.
pub fn page_works<'a>(
    bibliography: &Bibliography,
    canonical: &'a BTreeMap<String, String>,
    unread: &BTreeSet<String>,
    p: &'a SitePage,
) -> (BTreeSet<&'a str>, Vec<Diagnostic>) {
    let mut works = BTreeSet::new();
    let mut diags = Vec::new();
    for c in &p.page.doc.citations {
        for item in &c.item.items {
            if bibliography.get(&item.key).is_some() {
                works.insert(canonical.get(&item.key).unwrap_or(&item.key).as_str());
                continue;
            }
            if unread.contains(&item.key) {
                continue;
            }
            let near = closest(&item.key, bibliography.keys(), 3);
            let help = if near.is_empty() {
                "add the work to a file in content/references/ or to this page's `references:`"
                    .to_string()
            } else {
                format!(
                    "did you mean {}?",
                    near.iter()
                        .map(|k| format!("`@{k}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )
            };
            diags.push(
                Diagnostic::error(
                    "unknown-citation",
                    format!("no reference with key `{}`", item.key),
                )
                .at(&p.page.file, &p.page.text, c.span.clone())
                .with_help(help),
            );
        }
    }
    (works, diags)
}

/// The styler for the style load found. An error inside a `.csl` file keeps that file's own
/// place (`resolve` places one without a file at `site.yaml`).
/// Its terms are those of the site's `language` (the CSL locale, `Styler::load_in`).
fn make_styler(style: &Style, language: &str) -> Result<Styler, Diagnostic> {
    match style {
        Style::File(src) => Styler::from_xml_in(&src.text, &src.rel, Some(language)),
        Style::Builtin(choice) => Styler::load_in(choice, Some(language)),
    }
}

/// Every reference from the bibliography files, read in parallel.
/// Also returns the keys declared in files with errors (see [`CitationIndex::unread`]).
fn load_files(bib_files: &[SourceFile]) -> (Vec<LoadedRef>, Vec<Diagnostic>, BTreeSet<String>) {
    let from_files: Vec<(Vec<LoadedRef>, Vec<Diagnostic>)> = bib_files
        .par_iter()
        .map(|f| load_bibliography_file(&f.rel, &f.text))
        .collect();
    let mut refs = Vec::new();
    let mut diags = Vec::new();
    let mut unread = BTreeSet::new();
    for (f, (r, d)) in bib_files.iter().zip(from_files) {
        if d.iter().any(Diagnostic::is_error) {
            unread.extend(crate::cite::declared_keys(&f.rel, &f.text));
        }
        refs.extend(r);
        diags.extend(d);
    }
    (refs, diags, unread)
}

/// The pages' own `references:` (`references[i]` is page `i`'s), read in parallel, plus
/// which keys each page defines (to warn about unused ones).
#[allow(clippy::type_complexity)]
fn load_inline(
    pages: &[SitePage],
    references: Vec<Vec<RefInput>>,
) -> (Vec<LoadedRef>, Vec<(usize, Vec<String>)>, Vec<Diagnostic>) {
    let from_pages: Vec<(usize, Vec<String>, Vec<LoadedRef>, Vec<Diagnostic>)> = pages
        .par_iter()
        .zip(references)
        .enumerate()
        .filter_map(|(i, (p, inputs))| {
            if inputs.is_empty() {
                return None;
            }
            let keys = inputs.iter().map(|r| r.id().to_string()).collect();
            let (r, d) = load_inline_references(&p.page.file, &p.page.text, inputs);
            Some((i, keys, r, d))
        })
        .collect();
    let mut refs = Vec::new();
    let mut diags = Vec::new();
    let mut inline_keys = Vec::new();
    for (i, keys, r, d) in from_pages {
        refs.extend(r);
        diags.extend(d);
        inline_keys.push((i, keys));
    }
    (refs, inline_keys, diags)
}

/// Maps every key to the first key (in key order) of the same work, where works are the same
/// when they share a DOI or a PMID: the index lists each work once.
fn merge_same_works(bib: &Bibliography) -> BTreeMap<String, String> {
    let mut by_id: BTreeMap<String, String> = BTreeMap::new();
    let mut canonical = BTreeMap::new();
    for (key, r) in bib.iter() {
        let ids: Vec<String> = [
            r.doi.as_ref().map(|d| format!("doi:{}", d.to_lowercase())),
            r.pmid.as_ref().map(|p| format!("pmid:{p}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let existing = ids.iter().find_map(|id| by_id.get(id).cloned());
        let work = existing.unwrap_or_else(|| key.to_string());
        for id in ids {
            by_id.entry(id).or_insert_with(|| work.clone());
        }
        canonical.insert(key.to_string(), work);
    }
    canonical
}
