//! The glossary: terms defined once in `glossary/*.md`, linked from every page that uses them.
//!
//! Three pieces, used in this order:
//!
//! 1. [`Glossary::build`] checks the loader's [`GlossaryEntry`]s (front-matter
//!    [`GlossaryFrontMatter`] plus Markdown body) and indexes them by slug and by every name.
//!    It reports clashing names, unknown `see_also` terms and empty definitions, and fills in
//!    each term's tooltip text ([`Term::short`]).
//! 2. [`Matcher::new`] compiles every term and alias into one automaton. Its rules: whole words
//!    only; ordinary words in any case, abbreviations (`NMDA`, `IV`, `mRNA`) only as written;
//!    never inside URLs, paths or e-mail addresses; the longest name wins.
//! 3. [`link_terms`] is the page pass over pulldown-cmark events with their byte ranges. It
//!    finds the terms to link in prose according to [`LinkMode`], honours explicit
//!    `[text](glossary:slug)` and `[[Term]]` links, and returns where each link begins and
//!    ends ([`LinkEdit`]s; the events are not changed), the terms used and any diagnostics as
//!    a [`LinkOutcome`]. Render writes the links while it writes the page ([`Linked`], in
//!    `render.rs`).
//!
//! A linked term is written as
//!
//! ```html
//! <span class="gloss"><a class="gloss-term" href="../glossary/#nmda-receptor"
//!   aria-describedby="gt_1">NMDA receptor</a><span
//!   class="gloss-tip" role="tooltip" id="gt_1">A glutamate receptor.</span></span>
//! ```
//!
//! The tooltip is a sibling of the link, not its child, so it never becomes part of the link's
//! accessible name; screen readers announce it as the link's description through
//! `aria-describedby`, which works while the tooltip is hidden. the default theme's stylesheet shows it on hover
//! of the wrapper (so the pointer can move onto it) and on keyboard focus of the link, without
//! JavaScript, and hides it in print, where the term reads as plain text.

mod entry;
mod link;
mod matcher;
mod render;
mod text;
mod words;

#[cfg(test)]
mod tests;

pub use entry::{Glossary, GlossaryEntry, GlossaryFrontMatter, Term};
pub use link::{link_terms, LinkContext, LinkEdit, LinkMode, LinkOutcome, Mark};
pub use matcher::{Matcher, TermMatch};
pub use render::{LinkPieces, LinkTable, Linked};
