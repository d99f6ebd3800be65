//! The linking pass: glossary terms in a page's events are found and recorded as
//! [`LinkEdit`]s, and render writes each as a link with a tooltip ([`Linked`]).

use std::cell::RefCell;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::entry::Glossary;
use super::matcher::Matcher;
use crate::diagnostics::Diagnostic;
use crate::html::escape;
use crate::html::push_escaped;

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

/// The escaped pieces of HTML every link to a term repeats, made once per glossary: a large
/// site links each term thousands of times (and lists it in as many "Terms used" panels).
#[derive(Debug, Default, Clone)]
pub struct LinkTable {
    /// Per term, in `Glossary::terms` order.
    terms: Vec<TermHtml>,
}

#[derive(Debug, Clone)]
struct TermHtml {
    slug: String,
    /// The term's display name.
    term: String,
    /// The tooltip text; empty when the term has no short definition (then there is no tooltip).
    short: String,
    /// What a link to the term writes after the glossary folder's URL, up to the tooltip id:
    /// `slug/"` (or `#slug"`).
    open_tail: String,
    /// What its tooltip writes after its id: `">short</span></span>`.
    close_tail: String,
}

impl LinkTable {
    /// Links to `#slug`, each term's entry on one page.
    pub fn new(glossary: &Glossary) -> LinkTable {
        LinkTable::with_hrefs(glossary, |slug| format!("#{slug}"))
    }

    /// Links to `href(slug)`, a URL relative to the glossary's folder (each term's own page).
    pub fn with_hrefs(glossary: &Glossary, href: impl Fn(&str) -> String) -> LinkTable {
        LinkTable {
            terms: glossary
                .terms()
                .iter()
                .map(|t| {
                    let slug = escape(t.slug());
                    let short = escape(&t.short);
                    TermHtml {
                        open_tail: format!(r#"{}""#, escape(&href(t.slug()))),
                        close_tail: format!(r#"">{short}</span></span>"#),
                        term: escape(t.term()),
                        slug,
                        short,
                    }
                })
                .collect(),
        }
    }

    /// Term `t`'s slug, escaped. `t` indexes `Glossary::terms`, like every argument here.
    pub fn slug(&self, t: usize) -> &str {
        self.terms.get(t).map_or("", |h| h.slug.as_str())
    }

    /// The URL of term `t` relative to the glossary's folder, escaped (what a link writes
    /// after [`LinkPieces::href_base`]).
    pub fn href(&self, t: usize) -> &str {
        (self.terms.get(t)).map_or("", |h| h.open_tail.strip_suffix('"').unwrap_or_default())
    }

    /// Term `t`'s display name, escaped.
    pub fn term(&self, t: usize) -> &str {
        self.terms.get(t).map_or("", |h| h.term.as_str())
    }

    /// Term `t`'s short definition, escaped; empty if it has none.
    pub fn short(&self, t: usize) -> &str {
        self.terms.get(t).map_or("", |h| h.short.as_str())
    }
}

/// One end of a glossary link, at a place in a page's events: what the linking pass records
/// and render writes ([`Linked`]).
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

/// What turns a page's [`LinkEdit`]s into HTML: the glossary's pieces and where the page is.
#[derive(Clone, Copy)]
pub struct LinkPieces<'a> {
    pub table: &'a LinkTable,
    /// The URL of the glossary's folder relative to the page, escaped (`../glossary/`), or
    /// empty on the glossary page itself: a link to a term is `href_base` followed by the
    /// table's href of the term (its own page, `slug/`).
    pub href_base: &'a str,
    /// Prepended to tooltip ids, escaped. Empty for a page linked in one call; when several
    /// bodies are linked separately onto one page (the glossary page itself), each has its
    /// own, so the ids stay unique as `aria-describedby` requires.
    pub id_prefix: &'a str,
    /// The body's links, in event order.
    pub edits: &'a [LinkEdit],
}

impl LinkPieces<'_> {
    /// Writes the HTML `mark` stands for to `out`; always ends in `>`. Nothing for `Drop` or
    /// a term the table does not have.
    ///
    /// A link is a wrapper (so hovering the tooltip keeps it open) holding the link, which is
    /// described by the tooltip right after it.
    pub fn write(&self, mark: Mark, out: &mut String) {
        let (Mark::Open { term, tip } | Mark::Close { term, tip }) = mark else {
            return;
        };
        let Some(h) = self.table.terms.get(term as usize) else {
            return;
        };
        // A link is written from a few pieces, most of them made once per term (a site
        // writes ~100,000 links): the wrapper and link, the glossary page's URL as seen from
        // this page, the term's own part, and the tooltip's id.
        match mark {
            Mark::Open { .. } => {
                out.push_str(r#"<span class="gloss"><a class="gloss-term" href=""#);
                out.push_str(self.href_base);
                out.push_str(&h.open_tail);
                if tip > 0 {
                    out.push_str(r#" aria-describedby=""#);
                    self.push_id(tip, out);
                    out.push_str(r#"">"#);
                } else {
                    out.push('>');
                }
            }
            Mark::Close { .. } if tip > 0 => {
                out.push_str(r#"</a><span class="gloss-tip" role="tooltip" id=""#);
                self.push_id(tip, out);
                out.push_str(&h.close_tail);
            }
            _ => out.push_str("</a></span>"),
        }
    }

    /// A tooltip id, unique among the page's tooltips: `{id_prefix}gt_{n}`. The heading ids
    /// glia makes from words and dashes never contain `_`, so they cannot collide with it
    /// (`gt-slug-n` could); an id an author writes (`{#gt_1}`, a footnote `[^gt_1]`) still
    /// can, as any id an author chooses can collide with a generated one.
    fn push_id(&self, n: u32, out: &mut String) {
        out.push_str(self.id_prefix);
        out.push_str("gt_");
        push_digits(out, n);
    }

    /// About how many bytes the links add to the body, to size its buffer.
    pub fn size_hint(&self) -> usize {
        (self.edits.iter())
            .map(|e| match e.mark {
                Mark::Open { term, .. } => self
                    .table
                    .terms
                    .get(term as usize)
                    .map_or(0, |h| 100 + self.href_base.len() + h.open_tail.len()),
                Mark::Close { term, .. } => {
                    (self.table.terms.get(term as usize)).map_or(0, |h| 70 + h.close_tail.len())
                }
                Mark::Drop => 0,
            })
            .sum()
    }
}

/// Writes `n` in decimal. (`write!` would go through the formatting machinery for each of a
/// site's ~100,000 links.)
fn push_digits(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[k..] {
        out.push(char::from(d));
    }
}

/// A body's events, each with its index in the page's events, with the page's glossary links
/// written in: what render hands pulldown-cmark's HTML writer.
///
/// A mark's HTML is written straight into `out`, the writer's buffer, all but its final `>`,
/// which is handed on as an event: the writer then knows the last character written, as if
/// it had written the link itself. A text event a link starts or ends in is handed on in
/// pieces, borrowed. Inside an image the writer turns everything into the `alt` text, where a
/// link cannot be: there a link leaves its words only.
pub struct Linked<'a, I> {
    events: I,
    pieces: LinkPieces<'a>,
    out: &'a RefCell<String>,
    /// The text event being cut: its index, its text, and how much of it is handed on.
    split: Option<(usize, CowStr<'a>, usize)>,
    /// Inside a link the pass found in text (not an explicit one): its words are escaped as
    /// glia escapes the text of HTML it writes, quotes included.
    auto: bool,
    images: usize,
}

impl<'a, I> Linked<'a, I> {
    pub fn new(events: I, pieces: LinkPieces<'a>, out: &'a RefCell<String>) -> Self {
        Linked {
            events,
            pieces,
            out,
            split: None,
            auto: false,
            images: 0,
        }
    }

    /// The next edit, if it is for event `i`.
    fn edit_for(&self, i: usize) -> Option<LinkEdit> {
        self.pieces
            .edits
            .first()
            .filter(|e| e.event as usize == i)
            .copied()
    }

    fn take_edit(&mut self) {
        self.pieces.edits = self.pieces.edits.get(1..).unwrap_or_default();
    }

    fn mark(&mut self, mark: Mark) -> Event<'a> {
        if self.images > 0 {
            return Event::InlineHtml(CowStr::Borrowed(""));
        }
        let mut out = self.out.borrow_mut();
        let before = out.len();
        self.pieces.write(mark, &mut out);
        if out.len() == before {
            return Event::InlineHtml(CowStr::Borrowed(""));
        }
        out.pop();
        Event::InlineHtml(CowStr::Borrowed(">"))
    }

    fn piece(&self, text: CowStr<'a>) -> Event<'a> {
        if self.auto && memchr::memchr2(b'\'', b'"', text.as_bytes()).is_some() {
            let mut html = String::with_capacity(text.len() + 8);
            push_escaped(&mut html, &text);
            Event::InlineHtml(html.into())
        } else {
            Event::Text(text)
        }
    }
}

/// `text[range]`, borrowed when `text` is; `None` off a character boundary.
fn cut<'a>(text: &CowStr<'a>, range: Range<usize>) -> Option<CowStr<'a>> {
    match text {
        CowStr::Borrowed(s) => s.get(range).map(CowStr::Borrowed),
        other => other.get(range).map(|s| CowStr::from(s.to_string())),
    }
}

impl<'a, I: Iterator<Item = (usize, Event<'a>)>> Iterator for Linked<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some((i, text, pos)) = self.split.take() {
                let Some(edit) = self.edit_for(i) else {
                    // The rest of the text, after the last mark in it.
                    match cut(&text, pos..text.len()) {
                        Some(rest) if !rest.is_empty() => return Some(self.piece(rest)),
                        _ => continue,
                    }
                };
                let at = edit.at as usize;
                if at > pos {
                    if let Some(before) = cut(&text, pos..at) {
                        self.split = Some((i, text, at));
                        return Some(self.piece(before));
                    }
                    // Not a place in this text: its marks are skipped, its words kept.
                    while self.edit_for(i).is_some() {
                        self.take_edit();
                    }
                    self.split = Some((i, text, pos));
                    continue;
                }
                self.take_edit();
                self.split = Some((i, text, pos));
                self.auto = matches!(edit.mark, Mark::Open { .. });
                return Some(self.mark(edit.mark));
            }
            let (i, event) = self.events.next()?;
            while self
                .pieces
                .edits
                .first()
                .is_some_and(|e| (e.event as usize) < i)
            {
                self.take_edit();
            }
            match &event {
                Event::Start(Tag::Image { .. }) => self.images += 1,
                Event::End(TagEnd::Image) => self.images = self.images.saturating_sub(1),
                _ => {}
            }
            let Some(edit) = self.edit_for(i) else {
                return Some(match event {
                    // A text event wholly inside a link (one spanning several events).
                    Event::Text(text) if self.auto => self.piece(text),
                    other => other,
                });
            };
            if let Event::Text(text) = event {
                self.split = Some((i, text, 0));
                continue;
            }
            self.take_edit();
            match edit.mark {
                Mark::Drop => continue,
                mark => return Some(self.mark(mark)),
            }
        }
    }
}

/// HTML for `events` as pulldown-cmark writes it, with glossary links written by `pieces`
/// as render writes them (render also highlights code and fills citations).
#[cfg(test)]
pub fn to_html(events: &[(Event<'static>, Range<usize>)], pieces: LinkPieces<'_>) -> String {
    let out = RefCell::new(String::new());
    let events = events
        .iter()
        .enumerate()
        .map(|(i, (e, _))| (i, crate::render::lend(e)));
    let linked = Linked::new(events, pieces, &out);
    let _ = pulldown_cmark::html::write_html_fmt(crate::html::SharedString(&out), linked);
    out.into_inner()
}

/// What the pass needs to know about the page it links.
pub struct LinkContext<'a> {
    pub glossary: &'a Glossary,
    pub matcher: &'a Matcher,
    /// Made from `glossary` by [`LinkTable::new`].
    pub table: &'a LinkTable,
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
        let tip = if self.ctx.table.terms[t].short.is_empty() {
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
