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
pub mod prose;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::glossary::GlossaryFrontMatter;
use crate::load::{Kind, Page};
use crate::yaml;
use frontmatter::FrontMatter;
use markdown::Spanned;
use pulldown_cmark::{CodeBlockKind, Event, LinkType, Parser, Tag};

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
/// `sizes` are the site's images' sizes, for the pages' `<img>`s; `strings` the theme's words in
/// the site's language, for what parse adds to the prose.
pub fn parse_all(
    pages: Vec<Page>,
    sizes: &images::Sizes,
    strings: &crate::i18n::Strings,
) -> (Vec<ParsedPage>, Vec<Diagnostic>) {
    let results: Vec<(Option<ParsedPage>, Vec<Diagnostic>)> = pages
        .into_par_iter()
        .map(|p| parse_page(p, sizes, strings))
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
    sizes: &images::Sizes,
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
    let (mut doc, d) = body_in(split.body, split.body_offset, &file, &text, strings);
    diags.extend(d);
    images::read_sizes(&mut doc.events, sizes, &page.content_path);
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

/// A page's body after parsing: its events and what it uses.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub events: Vec<Spanned>,
    pub headings: Vec<markdown::Heading>,
    pub links: Vec<markdown::LinkUse>,
    pub has_code: bool,
    pub word_count: usize,
    /// Plain text by section, recorded before later passes wrap words in HTML.
    pub sections: Vec<markdown::SectionText>,
    /// Citations in document order; each is a placeholder event in `events`.
    pub citations: Vec<citations::Marked<crate::cite::Citation>>,
}

impl Doc {
    pub fn has_anchor(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id)
    }
}

/// Parses the body of a page: Markdown to events, then every pass over them in order. `offset` is where the body starts in `text`, the whole file.
/// The words glia adds (callout titles, footnote labels) are English: see [`body_in`].
pub fn body(body: &str, offset: usize, file: &str, text: &str) -> (Doc, Vec<Diagnostic>) {
    body_in(body, offset, file, text, crate::i18n::Strings::english())
}

/// [`body`] with the words glia adds in the site's language.
pub fn body_in(
    body: &str,
    offset: usize,
    file: &str,
    text: &str,
    strings: &crate::i18n::Strings,
) -> (Doc, Vec<Diagnostic>) {
    let events: Vec<Spanned> = Parser::new_ext(body, markdown::options())
        .into_offset_iter()
        .map(|(ev, r)| (ev.into_static(), r.start + offset..r.end + offset))
        .collect();
    // `[[@a; @b]](url)` is pandoc's link around a citation, not a glossary link.
    let mut events = citations::unwiki_citations(events);
    let mut diags = Vec::new();
    callouts::apply(&mut events, strings);
    footnotes::apply(&mut events, file, text, strings, &mut diags);
    math::apply(&mut events, file, text, &mut diags);
    images::apply(&mut events);
    let headings = markdown::assign_heading_ids(&mut events, file, text, &mut diags);
    let mut doc = Doc {
        headings,
        ..Doc::default()
    };
    for (ev, range) in &events {
        match ev {
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) if !matches!(link_type, LinkType::WikiLink { .. }) => {
                doc.links.push(markdown::LinkUse {
                    dest: dest_url.to_string(),
                    span: range.clone(),
                    image: false,
                })
            }
            Event::Start(Tag::Image { dest_url, .. }) => doc.links.push(markdown::LinkUse {
                dest: dest_url.to_string(),
                span: range.clone(),
                image: true,
            }),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => doc.has_code = true,
            _ => {}
        }
    }
    // Citations become placeholders before anything records text, so `[@key]` is never
    // counted, searched or linked as prose.
    // Every pandoc citation, `[@key]` or `@key`, has an `@`.
    let (events, citations) = citations::mark(events, text, b'@', |text| {
        crate::cite::find_citations(text)
            .into_iter()
            .map(|c| (c.range.clone(), c))
            .collect()
    });
    doc.sections = markdown::sections(&events, &doc.headings);
    doc.word_count = doc
        .sections
        .iter()
        .map(|s| s.text.split_whitespace().count())
        .sum();
    doc.citations = citations;
    doc.events = events;
    (doc, diags)
}
