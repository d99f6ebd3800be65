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
    /// The page's glossary links, when they were found as soon as it was parsed (before its
    /// events were dropped); resolve takes them (`resolve::glossary::link_site`).
    pub glossary_links: Option<crate::glossary::LinkOutcome>,
}

impl ParsedPage {
    /// Moves the page's own `references:` (a term's, for a glossary term file) out of it.
    /// Resolve takes them into the bibliography, and nothing reads them on the page after:
    /// `glia serve` reads an edited page's again from its text
    /// ([`frontmatter::references`]).
    pub fn take_references(&mut self) -> Vec<crate::cite::RefInput> {
        std::mem::take(match &mut self.term {
            Some(t) => &mut t.references,
            None => &mut self.fm.references,
        })
    }
}

/// Parses every page in parallel; the result keeps the input order (sorted by path).
/// `sizes` are the site's images' sizes, for the pages' `<img>`s; `strings` the theme's words in
/// the site's language, for what parse adds to the prose.
pub fn parse_all(
    pages: Vec<Page>,
    sizes: &images::Sizes,
    strings: &crate::i18n::Strings,
) -> (Vec<ParsedPage>, Vec<Diagnostic>) {
    parse_all_then(pages, sizes, strings, |_| {})
}

/// [`parse_all`], with `then` run on each page as soon as it is parsed, on the same thread:
/// what is done there while the page's events are fresh (and maybe dropped after).
pub fn parse_all_then(
    pages: Vec<Page>,
    sizes: &images::Sizes,
    strings: &crate::i18n::Strings,
    then: impl Fn(&mut ParsedPage) + Sync,
) -> (Vec<ParsedPage>, Vec<Diagnostic>) {
    let results: Vec<(Option<ParsedPage>, Vec<Diagnostic>)> = pages
        .into_par_iter()
        .map(|p| {
            let (mut page, d) = parse_page(p, sizes, strings);
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
            Event::Start(Tag::Image { id, .. }) => Some((i, id.to_string())),
            _ => None,
        })
        .collect();
    doc.events = Vec::new();
    doc.dropped = true;
}

/// The events of a page whose events were dropped ([`drop_events`]), as parse and resolve
/// left them: parsed again, with the image sizes found then and resolve's link destinations.
/// The events of any other page, as they are.
/// `strings` are the site's words, as [`parse_all`] had them.
pub fn events_again<'a>(
    page: &'a ParsedPage,
    strings: &crate::i18n::Strings,
) -> std::borrow::Cow<'a, [Spanned]> {
    if !page.doc.dropped {
        return std::borrow::Cow::Borrowed(&page.doc.events);
    }
    let text = &page.text[page.body_offset..];
    let mut events = read_body(
        text,
        page.body_offset,
        &page.file,
        &page.text,
        strings,
        false,
    )
    .0
    .events;
    for (i, new_id) in &page.doc.image_ids {
        if let Some((Event::Start(Tag::Image { id, .. }), _)) = events.get_mut(*i) {
            *id = new_id.clone().into();
        }
    }
    rewrite_links(&mut events, &page.doc.rewritten);
    std::borrow::Cow::Owned(events)
}

/// Gives the links and images at the events `changes` names their new destinations.
pub fn rewrite_links(events: &mut [Spanned], changes: &[(usize, String)]) {
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
            glossary_links: None,
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
    /// The links left in `events` once citations are marked (wiki links are the glossary's).
    pub link_events: Vec<LinkAt>,
    /// Resolve's new destinations for links of `events`: (event index, destination). Kept
    /// beside the events so a page parsed again ([`events_again`]) gets them too.
    pub rewritten: Vec<(usize, String)>,
    /// Images' `id`s (where their sizes ride) as parse left them: (event index, `id`), for
    /// the same reason.
    pub image_ids: Vec<(usize, String)>,
    /// `glia build` dropped `events` after parse to hold only the page's facts; render parses
    /// the page again ([`events_again`]).
    pub dropped: bool,
    pub has_code: bool,
    /// The editor wrote raw HTML (pulldown-cmark found some before glia's passes added their
    /// own markup: footnotes, callouts, figures, MathML, citation placeholders). Only such a
    /// page needs reading for HTML that runs code (`unsafe_html`).
    pub has_raw_html: bool,
    pub word_count: usize,
    /// Plain text by section ([`prose::sections`]), for search and the word count.
    pub sections: Vec<prose::SectionText>,
    /// Citations in document order; each is a placeholder event in `events`.
    pub citations: Vec<citations::Marked<crate::cite::Citation>>,
}

impl Doc {
    pub fn has_anchor(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id)
    }
}

/// A link or image as it stands in the page's final events: what resolve checks and rewrites
/// without reading the events (which a build may already have dropped, see [`Doc::dropped`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkAt {
    /// Index of its `Start` event.
    pub event: usize,
    pub dest: String,
    pub span: std::ops::Range<usize>,
    pub image: bool,
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
    read_body(body, offset, file, text, strings, true)
}

/// [`body`], recording the page's facts beside its events (sections' text, word count,
/// links) only if `facts`: a page parsed again for render needs only its events.
fn read_body(
    body: &str,
    offset: usize,
    file: &str,
    text: &str,
    strings: &crate::i18n::Strings,
    facts: bool,
) -> (Doc, Vec<Diagnostic>) {
    let events: Vec<Spanned> = Parser::new_ext(body, markdown::options())
        .into_offset_iter()
        .map(|(ev, r)| (ev.into_static(), r.start + offset..r.end + offset))
        .collect();
    let has_raw_html = events
        .iter()
        .any(|(ev, _)| matches!(ev, Event::Html(_) | Event::InlineHtml(_)));
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
        has_raw_html,
        ..Doc::default()
    };
    for (ev, range) in events.iter().filter(|_| facts) {
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
    if facts {
        doc.sections = prose::sections(&events, &doc.headings, text);
        doc.word_count = doc
            .sections
            .iter()
            .map(|s| s.text.split_whitespace().count())
            .sum();
        doc.citations = citations;
        doc.link_events = link_events(&events);
    }
    doc.events = events;
    (doc, diags)
}

/// Every link and image start in `events`, wiki links (the glossary's) aside.
fn link_events(events: &[Spanned]) -> Vec<LinkAt> {
    let mut out = Vec::new();
    for (event, (ev, span)) in events.iter().enumerate() {
        let (dest, image) = match ev {
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) if !matches!(link_type, LinkType::WikiLink { .. }) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            _ => continue,
        };
        out.push(LinkAt {
            event,
            dest: dest.to_string(),
            span: span.clone(),
            image,
        });
    }
    out
}
