//! Citations: pandoc's `[@key]` syntax, reference data, CSL formatting and export.
//!
//! The whole public surface, in the order a build uses it:
//!
//! ```text
//! // phase 1, per page (parallel): find citations in merged Markdown text events
//! syntax::find_citations(text: &str) -> Vec<Citation>
//!
//! // phase 2, once: load and merge references
//! model::load_bibliography_file(display_path: &str, text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>)
//! model::load_inline_references(file: &str, text: &str, Vec<RefInput>) -> (Vec<LoadedRef>, Vec<Diagnostic>)
//! Bibliography::build(Vec<LoadedRef>) -> (Bibliography, Vec<Diagnostic>)
//! bib.get(key) / bib.source(key) / bib.keys() / bib.iter() / bib.suggest(key)
//!
//! // phase 3, per page (parallel, sharing one &Styler)
//! StyleSource::parse(&str) -> Result<StyleSource, Diagnostic>
//! Styler::load(&StyleChoice) -> Result<Styler, Diagnostic>
//! styler.format_document(&bib, &[Citation]) -> Result<FormattedDoc, Vec<Diagnostic>>
//! styler.format_entries(&bib, &[&str]) -> Vec<FormattedEntry>      // site-wide index
//!
//! // downloads
//! export::to_csl_json / to_bibtex / to_ris (&[&Reference]) -> String
//! ```
//!
//! Why it is shaped this way:
//! - Every input format becomes one plain [`Reference`], validated once (DOI/PMID/PMCID shape,
//!   http(s)-only URLs), so the formatter and exporters never see unchecked data.
//! - hayagriva does the CSL work, but its HTML is neither escaped nor class-based, so
//!   [`style`] writes HTML from hayagriva's result tree itself.
//! - The module graph runs one way: [`model`] (types and readers) ← [`export`] (writers) ←
//!   [`bibliography`] (the merge, which keeps each work's CSL-JSON for formatting) ← [`style`].
//! - The bundled Vancouver, AMA and APA styles are the CSL project's files (see
//!   `styles/LICENSE.md`): hayagriva's own Vancouver prints no authors.
//! - Unknown citation keys are the caller's to report (check [`Bibliography::get`] first);
//!   the formatter skips them instead of failing.

pub mod bibliography;
pub mod export;
mod latex;
pub mod model;
mod repair;
pub mod rich;
pub mod style;
pub mod syntax;
mod title_case;

pub use bibliography::Bibliography;
pub use model::{
    declared_keys, load_bibliography_file, load_inline_references, Date, LoadedRef, Name, RefInput,
    Reference,
};
pub use style::{
    CiteCache, EntryCache, FormattedCitation, FormattedDoc, FormattedEntry, StyleChoice,
    StyleSource, Styler,
};
pub use syntax::{find_citations, Citation, CiteItem};
