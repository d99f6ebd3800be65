//! glia: a static site generator for cited, reviewed medical explainer pages.
//!
//! Data flows one way: load → parse → resolve → render → write. See ARCHITECTURE.md.

pub mod cite;
pub mod diagnostics;
