//! The linking pass, at resolve time: glossary terms in a page's events are found and
//! recorded as [`LinkEdit`]s. Render writes each as a link with a tooltip
//! ([`super::Linked`], in `render.rs`).

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use super::entry::Glossary;
use super::matcher::Matcher;
use crate::diagnostics::Diagnostic;

/// Which occurrences of a term are linked automatically. Explicit links are honoured in every
/// mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkMode {
    /// The first occurrence of each term on the page: enough to help, few enough not to turn
    /// every sentence blue.
    #[default]
    First,
    All,
    None,
}

/// One end of a glossary link, at a place in a page's events: what the linking pass records
/// and render writes ([`super::Linked`]).
///
/// The pass changes no event. A page's events stay as parsed, and its links are a short list
/// of these, in event order, 20 bytes each. Inserting links into the events instead meant
/// rebuilding every page's event list at more than twice its length, with the text around each
/// of ~100,000 links on the benchmark corpus cut into new strings; that was most of what
/// linking cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkEdit {
    /// Index of the event in the page's events.
    pub event: u32,
    /// In a `Text` event, the byte offset in its text where the mark goes. Any other event (an
    /// explicit link's start or end) is replaced by the mark, and `at` is 0.
    pub at: u32,
    pub mark: Mark,
}

/// What a [`LinkEdit`] puts in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A link to term `term` (an index into `Glossary::terms`) opens. `tip` numbers its
    /// tooltip on the page, from 1; 0 when the term has no short definition (no tooltip).
    Open { term: u32, tip: u32 },
    /// The link opened with the same `term` and `tip` closes.
    Close { term: u32, tip: u32 },
    /// An explicit link to an unknown term: the event goes, the link's words stay.
    Drop,
}

/// What the pass needs to know about the page it links.
pub struct LinkContext<'a> {
    pub glossary: &'a Glossary,
    pub matcher: &'a Matcher,
    pub mode: LinkMode,
    /// A term never linked automatically: the one a glossary entry itself defines.
    pub exclude_slug: Option<&'a str>,
    /// Display path of the page, for diagnostics.
    pub file: &'a str,
    /// The page's full text: the event ranges are byte offsets into it.
    pub text: &'a str,
}

/// What the pass found on a page: its links, the terms it uses, and any errors.
#[derive(Debug, Default, Clone)]
pub struct LinkOutcome {
    /// Where the page's glossary links begin and end, in event order.
    pub edits: Vec<LinkEdit>,
    /// The terms linked on this page, automatically or explicitly (for "appears in"), as
    /// indexes into `Glossary::terms`, ascending (so in slug order).
    pub used: Vec<usize>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Finds the glossary links of a page whose events are `events` (from
/// `Parser::into_offset_iter`).
///
/// Text is linked only where a link makes sense: not in headings, links, code, image alt text,
/// metadata, raw HTML (citations arrive as raw HTML placeholders and are skipped that way), nor
/// inside raw `<a>`, `<code>`, `<kbd>`, … or `<span class="no-glossary">`. Explicit links
/// `[text](glossary:slug-or-name)` and `[[Name]]` link anywhere; an unknown target is an error
/// with a suggestion, and the link is dropped so no dead `glossary:` URL reaches the page.
pub fn link_terms(events: &[(Event<'_>, Range<usize>)], ctx: &LinkContext) -> LinkOutcome {
    let mut pass = Pass {
        ctx,
        events,
        exclude: ctx.exclude_slug.and_then(|s| ctx.glossary.position(s)),
        edits: Vec::new(),
        run: 0..0,
        merged: String::new(),
        starts: Vec::new(),
        used: vec![false; ctx.glossary.len()],
        diagnostics: Vec::new(),
        heading: 0,
        code: 0,
        image: 0,
        metadata: 0,
        links: Vec::new(),
        raw: Vec::new(),
        next_id: 0,
    };
    for (i, (event, range)) in events.iter().enumerate() {
        pass.feed(i, event, range);
    }
    pass.flush();
    LinkOutcome {
        edits: pass.edits,
        used: (pass.used.iter().enumerate())
            .filter_map(|(i, &u)| u.then_some(i))
            .collect(),
        diagnostics: pass.diagnostics,
    }
}

enum LinkFrame {
    /// An explicit glossary link: its end is replaced by this closing mark.
    Glossary(Mark),
    /// An explicit link to an unknown term: its end is dropped like its start.
    Dropped,
    Other,
}

/// An open raw inline HTML element the pass cares about.
struct RawTag {
    name: String,
    /// Whether text inside it must not be linked.
    blocks: bool,
}

/// Raw inline elements whose text is not prose to link: links, code, and the like.
const BLOCKING_TAGS: &[&str] = &[
    "a", "abbr", "button", "code", "dfn", "kbd", "pre", "samp", "script", "style", "textarea",
    "var",
];

struct Pass<'c, 'a, 'e> {
    ctx: &'c LinkContext<'a>,
    events: &'e [(Event<'e>, Range<usize>)],
    /// The term of `ctx.exclude_slug`.
    exclude: Option<usize>,
    edits: Vec<LinkEdit>,
    /// Consecutive `Text` and `SoftBreak` events not yet matched (indexes into `events`).
    run: Range<usize>,
    /// A run of several events, as one text (a `SoftBreak` as a space, which the matcher
    /// would fold it to anyway), and where each event starts in it. Kept between runs so
    /// their buffers are reused.
    merged: String,
    starts: Vec<usize>,
    /// Per term, whether it was linked; in `First` mode also the terms not to link again.
    used: Vec<bool>,
    diagnostics: Vec<Diagnostic>,
    heading: usize,
    code: usize,
    image: usize,
    metadata: usize,
    links: Vec<LinkFrame>,
    raw: Vec<RawTag>,
    next_id: u32,
}

impl Pass<'_, '_, '_> {
    fn feed(&mut self, i: usize, event: &Event<'_>, range: &Range<usize>) {
        if matches!(event, Event::Text(_) | Event::SoftBreak) {
            if self.run.is_empty() {
                self.run = i..i;
            }
            self.run.end = i + 1;
            return;
        }
        self.flush();
        match event {
            // A definition list's term is a heading of sorts: the word being defined.
            Event::Start(Tag::Heading { .. } | Tag::DefinitionListTitle) => self.heading += 1,
            Event::Start(Tag::CodeBlock(_)) => self.code += 1,
            Event::End(TagEnd::CodeBlock) => self.code = self.code.saturating_sub(1),
            Event::Start(Tag::Image { .. }) => self.image += 1,
            Event::End(TagEnd::Image) => self.image = self.image.saturating_sub(1),
            Event::Start(Tag::MetadataBlock(_)) => self.metadata += 1,
            Event::End(TagEnd::MetadataBlock(_)) => self.metadata = self.metadata.saturating_sub(1),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let target = match link_type {
                    LinkType::WikiLink { .. } => Some(dest_url.as_ref()),
                    _ => dest_url.strip_prefix("glossary:"),
                };
                match target {
                    Some(target) => {
                        let target = target.replace("%20", " ");
                        self.explicit(i, &target, range.clone());
                    }
                    None => self.links.push(LinkFrame::Other),
                }
            }
            Event::End(TagEnd::Link) => match self.links.pop() {
                Some(LinkFrame::Glossary(close)) => self.edit(i, 0, close),
                Some(LinkFrame::Dropped) => self.edit(i, 0, Mark::Drop),
                _ => {}
            },
            Event::InlineHtml(html) => self.raw_html(html),
            _ => {}
        }
        // Unclosed raw HTML must not switch linking off for the rest of the page.
        if let Event::End(
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
        ) = event
        {
            self.raw.clear();
        }
        if let Event::End(TagEnd::Heading(_) | TagEnd::DefinitionListTitle) = event {
            self.heading = self.heading.saturating_sub(1);
        }
    }

    fn edit(&mut self, event: usize, at: usize, mark: Mark) {
        // A page of more than 4 GiB is not read in the first place.
        let (Ok(event), Ok(at)) = (u32::try_from(event), u32::try_from(at)) else {
            return;
        };
        self.edits.push(LinkEdit { event, at, mark });
    }

    /// Whether automatic links may go where the pass is now.
    fn linkable(&self) -> bool {
        self.ctx.mode != LinkMode::None
            && self.heading == 0
            && self.code == 0
            && self.image == 0
            && self.metadata == 0
            && self.links.is_empty()
            && !self.raw.iter().any(|t| t.blocks)
            && !self.ctx.matcher.is_empty()
    }

    fn explicit(&mut self, i: usize, target: &str, range: Range<usize>) {
        let g = self.ctx.glossary;
        let Some(t) = g.lookup(target).and_then(|term| g.position(term.slug())) else {
            let mut d = Diagnostic::error(
                "glossary-unknown-term",
                format!("`{target}` is not a glossary term"),
            )
            .at(self.ctx.file, self.ctx.text, range);
            d = match self.ctx.glossary.suggest(target) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help("add a glossary entry for it, or remove the link"),
            };
            self.diagnostics.push(d);
            self.edit(i, 0, Mark::Drop);
            self.links.push(LinkFrame::Dropped);
            return;
        };
        let (open, close) = self.open_link(t);
        self.edit(i, 0, open);
        self.links.push(LinkFrame::Glossary(close));
    }

    /// Marks term `t` as used and numbers its tooltip: the link's two marks.
    fn open_link(&mut self, t: usize) -> (Mark, Mark) {
        self.used[t] = true;
        let tip = if self.ctx.glossary.terms()[t].short.is_empty() {
            0
        } else {
            self.next_id += 1;
            self.next_id
        };
        // Terms are counted in the thousands at most.
        let term = u32::try_from(t).unwrap_or(u32::MAX);
        (Mark::Open { term, tip }, Mark::Close { term, tip })
    }

    /// Tracks raw inline elements that switch automatic linking off.
    fn raw_html(&mut self, html: &str) {
        let Some(rest) = html.strip_prefix('<') else {
            return;
        };
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        if name.is_empty() {
            return;
        }
        if closing {
            if let Some(i) = self.raw.iter().rposition(|t| t.name == name) {
                self.raw.truncate(i);
            }
            return;
        }
        if html.trim_end().ends_with("/>") {
            return;
        }
        let blocks = if name == "span" {
            has_class(&rest[name_len..], "no-glossary")
        } else if BLOCKING_TAGS.contains(&name.as_str()) {
            true
        } else {
            return;
        };
        self.raw.push(RawTag { name, blocks });
    }
    /// Matches the pending run of text and records a link's two marks wherever one goes.
    fn flush(&mut self) {
        let run = std::mem::replace(&mut self.run, 0..0);
        if run.is_empty() || !self.linkable() {
            return;
        }
        let events = self.events;
        let mut merged = std::mem::take(&mut self.merged);
        let mut starts = std::mem::take(&mut self.starts);
        merged.clear();
        starts.clear();
        let text: &str = match &events[run.clone()] {
            [(Event::Text(t), _)] => {
                starts.push(0);
                t
            }
            several => {
                for (event, _) in several {
                    starts.push(merged.len());
                    match event {
                        Event::Text(t) => merged.push_str(t),
                        _ => merged.push(' '),
                    }
                }
                &merged
            }
        };
        let ctx = self.ctx;
        for m in ctx.matcher.find(text) {
            if self.exclude == Some(m.term) || (ctx.mode == LinkMode::First && self.used[m.term]) {
                continue;
            }
            // The events the link starts and ends in: text, since names start and end with
            // something other than white space (a soft break).
            let first = starts
                .partition_point(|&s| s <= m.range.start)
                .saturating_sub(1);
            let last = starts
                .partition_point(|&s| s < m.range.end)
                .saturating_sub(1);
            let is_text = |k: usize| matches!(events.get(run.start + k), Some((Event::Text(_), _)));
            if !is_text(first) || !is_text(last) {
                continue;
            }
            let (open, close) = self.open_link(m.term);
            self.edit(run.start + first, m.range.start - starts[first], open);
            self.edit(run.start + last, m.range.end - starts[last], close);
        }
        self.merged = merged;
        self.starts = starts;
    }
}

/// Whether the attributes in `attrs` give the element class `class`.
fn has_class(attrs: &str, class: &str) -> bool {
    let lower = attrs.to_ascii_lowercase();
    let Some(at) = lower.find("class") else {
        return false;
    };
    let rest = attrs[at + 5..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else {
        return false;
    };
    let rest = rest.trim_start();
    let value = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
        _ => rest
            .split(|c: char| c.is_whitespace() || c == '>')
            .next()
            .unwrap_or(""),
    };
    value.split_whitespace().any(|c| c == class)
}
