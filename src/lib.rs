//! glia: a static site generator for cited, reviewed medical explainer pages.
//!
//! Data flows one way, and the modules follow it (see ARCHITECTURE.md):
//! [`load`] → [`parse`] → [`resolve`] → [`render`] → [`write`], driven by [`site`].
//! A page is plain data handed from stage to stage; problems are [`diagnostics`] values
//! collected along the way, never early exits.

pub mod bundle;
pub mod check;
pub mod cite;
pub mod config;
pub mod diagnostics;
pub mod glossary;
pub mod html;
pub mod incremental;
pub mod load;
pub mod parse;
pub mod render;
pub mod resolve;
pub mod review;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod url;
pub mod write;
