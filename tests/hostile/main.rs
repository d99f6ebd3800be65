//! The standing hostile-input suite: every way a careless or hostile user has broken (or tried
//! to break) glia stays here as a test, so none of them can come back.
//!
//! One module per area, each owned by the code it attacks:
//! - `output`: `--output`/`bundle --output` paths that must never touch the sources, the atomic
//!   swap, leftovers of killed builds;
//! - `inputs`: URL collisions between pages and generated files, names from files, symlinks,
//!   input size caps, raw HTML that `check` reports, the theme's Content-Security-Policy;
//! - `serve`: the dev server's error state and slow clients;
//! - `bibtex`: BibTeX that would lose data or time;
//! - `payloads`: script payloads, link schemes, YAML alias bombs and deep nesting, and the
//!   property tests (generated inputs) for each parser.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

#[path = "../common/mod.rs"]
mod common;

mod bibtex;
mod inputs;
mod output;
mod payloads;
mod serve;
