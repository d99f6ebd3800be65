//! glia: a static site generator for cited, reviewed medical explainer pages.
//!
//! Data flows one way, and the modules follow it (see ARCHITECTURE.md):
//! [`load`] → [`parse`] → [`resolve`] → [`render`] → [`write`], driven by [`site`].
//! A page is plain data handed from stage to stage; problems are [`diagnostics`] values
//! collected along the way, never early exits.

// The stages, in the order data flows through them.
/// Stage 1: the one reader of the site's files (site.yaml, pages, bibliographies, the CSL
/// style, the theme), under one set of rules (size caps, no symbolic links, inside the site).
pub mod load;

/// Stage 2: front-matter, YAML errors and Markdown events, page by page.
pub mod parse;

/// Stage 3: the site as a whole: routes, links, citations, glossary links, outputs.
pub mod resolve;

/// Stage 4: the output plan, then pages and site-wide files through the theme's templates.
pub mod render;

/// Stage 5: atomic output (staging folder, one-step swap, leftovers).
pub mod write;

/// The stages run in order for `build`, `check`, `bundle` and `serve`.
pub mod site;

// Engines the stages call (the search index's is `render::search`).
/// Citations: pandoc syntax, reference loaders, CSL formatting, exports.
pub mod cite;
/// Glossary: entries, the term matcher, the linking pass.
pub mod glossary;

// Commands beyond `build`.
/// `glia bundle`: the offline copy as one zip.
pub mod bundle;
/// `glia check`: editorial rules over the compiled site.
pub mod check;
/// `glia serve`'s rebuilds: what an edit touches, patched into the last good build.
pub mod incremental;
/// `glia init` and `glia new article`.
pub mod scaffold;
/// `glia serve`: file watching, the dev server, live reload.
pub mod serve;

// Utilities every stage uses.
/// `site.yaml`'s schema and defaults.
pub mod config;
/// Problems as values with a file, line and column.
pub mod diagnostics;
/// The one HTML escaper.
pub mod html;
/// The ids glia writes into pages (references, citations, tooltips, footnotes, letters) and
/// whether a `#fragment` is one of them.
pub mod ids;
/// "Today" (one reading per build) and when a page's review falls due.
pub mod review;
/// `Route`: the only code that spells URLs.
pub mod url;
/// YAML read into typed settings, its errors as diagnostics placed in the file.
pub mod yaml;

// Dependencies of the `glia` binary (src/main.rs), which shares the package's list.
use clap as _;
use indicatif as _;
use mimalloc as _;
// Dev-dependencies of the integration tests, which the library's unit tests see too.
#[cfg(test)]
use proptest as _;
