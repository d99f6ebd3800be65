//! Markdown's events as every pass over them holds them ([`Spanned`]), the dialect
//! ([`options`]), and what the page *uses*: headings and their ids, links. (Its prose, sections
//! of text included, is `parse::prose`'s.)
//! The passes over the events (`callouts`, `footnotes`, `math`, `images`, `citations`) use
//! this module; `parse::body` runs them in order.
//!
//! The events are kept (not rendered yet) because the resolve stage still has to rewrite links,
//! and later passes (citations, glossary) need the whole site before they can emit HTML. Every
//! event keeps its byte range in the *file*, so any later pass can report `file:line:col`.

use std::collections::BTreeSet;
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Tag, TagEnd};

use crate::diagnostics::Diagnostic;

pub type Spanned = (Event<'static>, Range<usize>);

/// The Markdown dialect: CommonMark plus what editors of explainer pages reach for.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        // GitHub's alerts (`> [!NOTE]`), which become callouts.
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// Plain text of the heading, for the table of contents.
    pub title: String,
}

/// A link or image destination as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUse {
    pub dest: String,
    pub span: Range<usize>,
    pub image: bool,
}

/// Gives every heading an id: the explicit `{#id}` if written, else a slug of its text that is
/// unique within the page. Explicit ids are reserved first so an automatic one never takes them.
pub fn assign_heading_ids(
    events: &mut [Spanned],
    file: &str,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Heading> {
    /// A heading being collected: event index, level, explicit id, title text, span.
    type Found = (usize, u8, Option<String>, String, Range<usize>);
    let mut found: Vec<Found> = Vec::new();
    let mut open: Option<Found> = None;
    for (i, (ev, range)) in events.iter().enumerate() {
        match ev {
            Event::Start(Tag::Heading { level, id, .. }) => {
                open = Some((
                    i,
                    level_num(*level),
                    id.as_ref().map(|s| s.to_string()),
                    String::new(),
                    range.clone(),
                ));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = open.as_mut() {
                    h.3.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = open.take() {
                    found.push(h);
                }
            }
            _ => {}
        }
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (_, _, explicit, _, range) in &found {
        if let Some(id) = explicit {
            if crate::ids::is_footnote(id) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-id",
                        format!("heading id `{id}` is kept for footnotes"),
                    )
                    .at(file, text, range.clone())
                    .with_help("choose an id that does not start with `fn:` or `fnref:`"),
                );
            }
            if !taken.insert(id.clone()) {
                diags.push(
                    Diagnostic::error("duplicate-id", format!("heading id `{id}` is used twice"))
                        .at(file, text, range.clone())
                        .with_help("give each heading a different `{#id}`"),
                );
            }
        }
    }
    let mut headings = Vec::with_capacity(found.len());
    for (i, level, explicit, title, _) in found {
        let id = match explicit {
            Some(id) => id,
            None => {
                let base = slugify(&title);
                let base = if base.is_empty() {
                    "section".to_string()
                } else {
                    base
                };
                let mut id = base.clone();
                let mut n = 1;
                while taken.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                taken.insert(id.clone());
                if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i].0 {
                    *slot = Some(id.clone().into());
                }
                id
            }
        };
        headings.push(Heading {
            level,
            id,
            title: title.trim().to_string(),
        });
    }
    headings
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A URL-safe id from heading text: lower-case letters and digits (any script) joined by `-`.
/// The same rule as GitHub's, so links copied from a code host keep working.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    out
}

/// One entry of a page's table of contents (h2, with its h3 children).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// The table of contents from h2–h3 headings. An h3 before any h2 becomes a top-level entry.
pub fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    let mut out: Vec<TocEntry> = Vec::new();
    for h in headings {
        let entry = TocEntry {
            id: h.id.clone(),
            title: h.title.clone(),
            children: Vec::new(),
        };
        match h.level {
            2 => out.push(entry),
            3 => match out.last_mut() {
                Some(parent) => parent.children.push(entry),
                None => out.push(entry),
            },
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    // The passes and heading ids as a page's body gets them.
    use crate::parse::{body as parse, Doc};

    fn doc(md: &str) -> Doc {
        parse(md, 0, "a.md", md).0
    }

    #[test]
    fn heading_ids_are_unique_and_respect_explicit_ones() {
        let d = doc("## What it is\n\n## What it is\n\n## Other {#what-it-is-1}\n");
        let ids: Vec<_> = d.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["what-it-is", "what-it-is-2", "what-it-is-1"]);
    }

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(slugify("Ketamine: what’s new?"), "ketamine-whats-new");
        assert_eq!(slugify("Über  Äpfel"), "über-äpfel");
    }

    #[test]
    fn toc_nests_h3_under_h2() {
        let d = doc("# T\n## A\n### A1\n## B\n");
        let t = toc(&d.headings);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].children[0].id, "a1");
    }

    #[test]
    fn records_links_images_and_code_with_file_offsets() {
        let md = "See [b](b.md#x) ![i](img.png)\n\n```rust\nfn main() {}\n```\n";
        let (d, _) = parse(md, 10, "a.md", &format!("{}{md}", " ".repeat(10)));
        assert_eq!(d.links.len(), 2);
        assert_eq!(d.links[0].dest, "b.md#x");
        assert_eq!(d.links[0].span.start, 14);
        assert!(d.links[1].image);
        assert!(d.has_code);
    }
}
