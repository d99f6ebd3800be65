//! Stage 2, **parse**: each page's front-matter and Markdown, independently of every other page.
//!
//! Pages are parsed in parallel; nothing here looks at another page. What a page *uses* (links,
//! headings, code) is recorded next to its events for the resolve stage.

pub mod callouts;
pub mod citations;
pub mod footnotes;
pub mod frontmatter;
pub mod images;
pub mod markdown;
pub mod math;
pub mod yaml;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::glossary::GlossaryFrontMatter;
use crate::load::{Kind, Page};
use frontmatter::FrontMatter;
use markdown::Doc;

/// One page after parsing: plain data, passed on to resolve and render.
#[derive(Debug, Clone)]
pub struct ParsedPage {
    pub kind: Kind,
    pub content_path: String,
    /// Path as editors know it (`content/articles/a.md`).
    pub file: String,
    pub text: String,
    pub fm: FrontMatter,
    /// For glossary term files: their own front-matter (`fm` then only carries the title).
    pub term: Option<GlossaryFrontMatter>,
    pub yaml_offset: usize,
    /// Where the Markdown body starts in `text`.
    pub body_offset: usize,
    pub doc: Doc,
}

/// Parses every page in parallel; the result keeps the input order (sorted by path).
/// `strings` are the theme's words in the site's language, for what parse adds to the prose.
pub fn parse_all(
    pages: Vec<Page>,
    strings: &crate::i18n::Strings,
) -> (Vec<ParsedPage>, Vec<Diagnostic>) {
    let results: Vec<(Option<ParsedPage>, Vec<Diagnostic>)> = pages
        .into_par_iter()
        .map(|p| parse_page(p, strings))
        .collect();
    let mut parsed = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for (p, d) in results {
        parsed.extend(p);
        diags.extend(d);
    }
    (parsed, diags)
}

pub fn parse_page(
    page: Page,
    strings: &crate::i18n::Strings,
) -> (Option<ParsedPage>, Vec<Diagnostic>) {
    let file = page.source.rel;
    let text = page.source.text;
    let split = match frontmatter::split(&file, &text) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let (fm, term) = if page.kind == Kind::Term {
        match yaml::from_str_all::<GlossaryFrontMatter>(
            split.yaml,
            &file,
            &text,
            split.yaml_offset,
            "glossary front-matter",
        ) {
            Ok(t) => (
                FrontMatter {
                    title: t.term.clone(),
                    ..FrontMatter::default()
                },
                Some(t),
            ),
            Err(d) => return (None, d),
        }
    } else {
        match yaml::from_str_all(split.yaml, &file, &text, split.yaml_offset, "front-matter") {
            Ok(fm) => (fm, None),
            Err(d) => return (None, d),
        }
    };
    let mut diags = Vec::new();
    if fm.title.trim().is_empty() {
        let at = text.find("title").unwrap_or(0);
        diags.push(
            Diagnostic::error("missing-key", "the page's `title` is empty")
                .at(&file, &text, at..at + 5)
                .with_help(
                    "write the title readers should see, e.g. `title: Esketamine nasal spray`",
                ),
        );
    }
    let (mut doc, d) = markdown::parse_in(split.body, split.body_offset, &file, &text, strings);
    diags.extend(d);
    // The site root is the page's path less its path from the root (`content/…/a.md`).
    if let Some(root) = page.source.path.ancestors().nth(file.split('/').count()) {
        images::read_sizes(&mut doc.events, root, &page.content_path);
    }
    let yaml_offset = split.yaml_offset;
    let body_offset = split.body_offset;
    (
        Some(ParsedPage {
            kind: page.kind,
            content_path: page.content_path,
            file,
            fm,
            term,
            yaml_offset,
            body_offset,
            doc,
            text,
        }),
        diags,
    )
}
