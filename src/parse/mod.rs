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
    /// The page's glossary links, when they were found as soon as it was parsed (before its
    /// events were dropped); resolve takes them (`resolve::glossary::link_site`).
    pub glossary_links: Option<crate::glossary::LinkOutcome>,
}

/// Parses every page in parallel; the result keeps the input order (sorted by path).
pub fn parse_all(pages: Vec<Page>) -> (Vec<ParsedPage>, Vec<Diagnostic>) {
    parse_all_then(pages, |_| {})
}

/// [`parse_all`], with `then` run on each page as soon as it is parsed, on the same thread:
/// what is done there while the page's events are fresh (and maybe dropped after).
pub fn parse_all_then(
    pages: Vec<Page>,
    then: impl Fn(&mut ParsedPage) + Sync,
) -> (Vec<ParsedPage>, Vec<Diagnostic>) {
    let results: Vec<(Option<ParsedPage>, Vec<Diagnostic>)> = pages
        .into_par_iter()
        .map(|p| {
            let (mut page, d) = parse_page(p);
            if let Some(page) = &mut page {
                then(page);
            }
            (page, d)
        })
        .collect();
    let mut parsed = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for (p, d) in results {
        parsed.extend(p);
        diags.extend(d);
    }
    (parsed, diags)
}

/// Drops page `page`'s events, keeping what it takes to make them again
/// ([`events_again`]): `glia build` holds a page's facts (headings, links, sections,
/// citations, glossary links) between the stages, not its events, which are most of a large
/// site's memory.
pub fn drop_events(page: &mut ParsedPage) {
    let doc = &mut page.doc;
    doc.image_ids = (doc.events.iter().enumerate())
        .filter_map(|(i, (ev, _))| match ev {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { id, .. }) => {
                Some((i, id.to_string()))
            }
            _ => None,
        })
        .collect();
    doc.events = Vec::new();
    doc.dropped = true;
}

/// The events of a page whose events were dropped ([`drop_events`]), as parse and resolve
/// left them: parsed again, with the image sizes read then and resolve's link destinations.
/// The events of any other page, as they are.
pub fn events_again(page: &ParsedPage) -> std::borrow::Cow<'_, [markdown::Spanned]> {
    if !page.doc.dropped {
        return std::borrow::Cow::Borrowed(&page.doc.events);
    }
    let body = &page.text[page.body_offset..];
    let mut events = markdown::events(body, page.body_offset, &page.file, &page.text);
    for (i, new_id) in &page.doc.image_ids {
        if let Some((pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { id, .. }), _)) =
            events.get_mut(*i)
        {
            *id = new_id.clone().into();
        }
    }
    rewrite_links(&mut events, &page.doc.rewritten);
    std::borrow::Cow::Owned(events)
}

/// Gives the links and images at the events `changes` names their new destinations.
pub fn rewrite_links(events: &mut [markdown::Spanned], changes: &[(usize, String)]) {
    use pulldown_cmark::{Event, Tag};
    for (i, dest) in changes {
        if let Some((
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }),
            _,
        )) = events.get_mut(*i)
        {
            *dest_url = dest.clone().into();
        }
    }
}

pub fn parse_page(page: Page) -> (Option<ParsedPage>, Vec<Diagnostic>) {
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
    let (mut doc, d) = markdown::parse(split.body, split.body_offset, &file, &text);
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
            glossary_links: None,
        }),
        diags,
    )
}
