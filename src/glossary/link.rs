//! The linking pass: glossary terms in a page's events are marked as links, and render writes
//! each as a link with a tooltip ([`LinkPieces::write`]).

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::entry::Glossary;
use super::matcher::Matcher;
use super::text::escape_html;
use crate::diagnostics::Diagnostic;
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
}

impl LinkTable {
    pub fn new(glossary: &Glossary) -> LinkTable {
        LinkTable {
            terms: glossary
                .terms()
                .iter()
                .map(|t| TermHtml {
                    slug: escape_html(t.slug()),
                    term: escape_html(t.term()),
                    short: escape_html(&t.short),
                })
                .collect(),
        }
    }

    /// Term `t`'s slug, escaped. `t` indexes `Glossary::terms`, like every argument here.
    pub fn slug(&self, t: usize) -> &str {
        self.terms.get(t).map_or("", |h| h.slug.as_str())
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

/// Where a glossary link opens or closes in a page's events.
///
/// The pass does not write the link's HTML: with a tooltip it is some 400 bytes, made for
/// every linked term of every page and held until render, which then copied it twice more.
/// It leaves a marker of a few bytes instead (stored inline in the event, so no allocation),
/// and render writes the HTML straight into the page from the [`LinkTable`]
/// ([`LinkPieces::write`]). A marker starts with a private-use character, which neither raw
/// HTML (always `<…`) nor a citation placeholder (an HTML comment) can start with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open,
    Close,
}

const MARK: char = '\u{E000}';

/// The marker for term `t` and tooltip number `id` (0: none): `\u{E000}o12.3`.
fn marker(mark: Mark, t: usize, id: usize) -> CowStr<'static> {
    let mut buf = [0u8; 48];
    let mut len = MARK.encode_utf8(&mut buf).len();
    buf[len] = if mark == Mark::Open { b'o' } else { b'c' };
    len += 1;
    len = push_digits(&mut buf, len, t);
    buf[len] = b'.';
    len = push_digits(&mut buf, len + 1, id);
    // Only ASCII digits were added to a character: always UTF-8.
    let s = std::str::from_utf8(&buf[..len]).unwrap_or_default();
    match pulldown_cmark::InlineStr::try_from(s) {
        Ok(inline) => CowStr::Inlined(inline),
        Err(_) => s.to_string().into(),
    }
}

/// Writes `n` in decimal at `buf[at..]`; returns the end. (`write!` would go through the
/// formatting machinery for each of a site's ~100,000 links.)
fn push_digits(buf: &mut [u8; 48], at: usize, mut n: usize) -> usize {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let d = &digits[k..];
    buf[at..at + d.len()].copy_from_slice(d);
    at + d.len()
}

/// Reads a marker: which end, the term, and the tooltip number's digits ("0" for none).
fn read_marker(html: &str) -> Option<(Mark, usize, &str)> {
    let rest = html.strip_prefix(MARK)?;
    let (mark, rest) = match rest.as_bytes().first()? {
        b'o' => (Mark::Open, &rest[1..]),
        b'c' => (Mark::Close, &rest[1..]),
        _ => return None,
    };
    let (t, id) = rest.split_once('.')?;
    Some((mark, t.parse().ok()?, id))
}

/// What turns a page's link markers into HTML: the glossary's pieces and where the page is.
#[derive(Clone, Copy)]
pub struct LinkPieces<'a> {
    pub table: &'a LinkTable,
    /// The URL of the glossary page relative to the page, escaped (`../glossary/`), or empty
    /// on the glossary page itself: a term's entry is at `{href_base}#{slug}`.
    pub href_base: &'a str,
    /// Prepended to tooltip ids, escaped. Empty for a page linked in one call; when several
    /// bodies are linked separately onto one page (the glossary page itself), each has its
    /// own, so the ids stay unique as `aria-describedby` requires.
    pub id_prefix: &'a str,
}

impl LinkPieces<'_> {
    /// If `html` is a link marker, writes the HTML it stands for to `out` and returns true.
    /// The HTML always ends in `>`.
    ///
    /// A link is a wrapper (so hovering the tooltip keeps it open) holding the link, which is
    /// described by the tooltip right after it.
    pub fn write(&self, html: &str, out: &mut String) -> bool {
        let Some((mark, t, id)) = read_marker(html) else {
            return false;
        };
        let Some(h) = self.table.terms.get(t) else {
            return false;
        };
        let tip = id != "0";
        match mark {
            Mark::Open => {
                out.push_str(r#"<span class="gloss"><a class="gloss-term" href=""#);
                out.push_str(self.href_base);
                out.push('#');
                out.push_str(&h.slug);
                out.push_str(r#"" data-term=""#);
                out.push_str(&h.slug);
                if tip {
                    out.push_str(r#"" aria-describedby=""#);
                    self.push_id(h, id, out);
                }
                out.push_str(r#"">"#);
            }
            Mark::Close if tip => {
                out.push_str(r#"</a><span class="gloss-tip" role="tooltip" id=""#);
                self.push_id(h, id, out);
                out.push_str(r#"">"#);
                out.push_str(&h.short);
                out.push_str("</span></span>");
            }
            Mark::Close => out.push_str("</a></span>"),
        }
        true
    }

    /// A tooltip id, unique on the page: `{id_prefix}gt-{slug}-{n}`.
    fn push_id(&self, h: &TermHtml, n: &str, out: &mut String) {
        out.push_str(self.id_prefix);
        out.push_str("gt-");
        out.push_str(&h.slug);
        out.push('-');
        out.push_str(n);
    }

    /// What the HTML writer gets instead of `html`, if it is a link marker. The link's HTML
    /// is written straight into `out`, the writer's buffer, all but its final `>`, which is
    /// handed on as the event: the writer then knows the last character written, as if it
    /// had written the link itself. Inside an image (`in_alt`) the writer turns everything
    /// into the `alt` text, where a link cannot be: there the link leaves its words only.
    pub fn replace(
        &self,
        html: &str,
        out: &std::cell::RefCell<String>,
        in_alt: bool,
    ) -> Option<Event<'static>> {
        if in_alt {
            let (_, t, _) = read_marker(html)?;
            self.table.terms.get(t)?;
            return Some(Event::InlineHtml(CowStr::Borrowed("")));
        }
        let mut out = out.borrow_mut();
        if !self.write(html, &mut out) {
            return None;
        }
        out.pop();
        Some(Event::InlineHtml(CowStr::Borrowed(">")))
    }

    /// About how many bytes the links in `events` add to a page, to size its buffer.
    pub fn size_hint<'e>(&self, events: impl Iterator<Item = &'e Event<'e>>) -> usize {
        events
            .filter_map(|e| match e {
                Event::InlineHtml(h) => read_marker(h),
                _ => None,
            })
            .filter_map(|(mark, t, _)| Some((mark, self.table.terms.get(t)?)))
            .map(|(mark, h)| match mark {
                Mark::Open => 100 + self.href_base.len() + 3 * h.slug.len(),
                Mark::Close => 90 + h.slug.len() + h.short.len(),
            })
            .sum()
    }
}

/// HTML for `events` as pulldown-cmark writes it, with glossary links written by `pieces`
/// as render writes them (render also highlights code and fills citations).
#[cfg(test)]
pub fn to_html(events: &[(Event<'static>, Range<usize>)], pieces: LinkPieces<'_>) -> String {
    let out = std::cell::RefCell::new(String::new());
    let mut images = 0usize;
    let events = events.iter().map(|(e, _)| {
        match e {
            Event::Start(Tag::Image { .. }) => images += 1,
            Event::End(TagEnd::Image) => images = images.saturating_sub(1),
            Event::InlineHtml(h) => {
                if let Some(replaced) = pieces.replace(h, &out, images > 0) {
                    return replaced;
                }
            }
            _ => {}
        }
        e.clone()
    });
    let _ = pulldown_cmark::html::write_html_fmt(crate::html::SharedString(&out), events);
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

/// The page's events with links inserted, and what the pass learnt.
#[derive(Debug, Default)]
pub struct LinkOutcome {
    pub events: Vec<(Event<'static>, Range<usize>)>,
    /// The terms linked on this page, automatically or explicitly (for "appears in"), as
    /// indexes into `Glossary::terms`, ascending (so in slug order).
    pub used: Vec<usize>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Links glossary terms in `events` (from `Parser::into_offset_iter`, made `'static`).
///
/// Text is linked only where a link makes sense: not in headings, links, code, image alt text,
/// metadata, raw HTML (citations arrive as raw HTML placeholders and are skipped that way), nor
/// inside raw `<a>`, `<code>`, `<kbd>`, … or `<span class="no-glossary">`. Explicit links
/// `[text](glossary:slug-or-name)` and `[[Name]]` link anywhere; an unknown target is an error
/// with a suggestion, and the link is dropped so no dead `glossary:` URL reaches the page.
pub fn link_terms(events: Vec<(Event<'static>, Range<usize>)>, ctx: &LinkContext) -> LinkOutcome {
    let mut pass = Pass {
        ctx,
        exclude: ctx.exclude_slug.and_then(|s| ctx.glossary.position(s)),
        out: Vec::with_capacity(events.len() + 16),
        run: Vec::new(),
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
    for (event, range) in events {
        pass.feed(event, range);
    }
    pass.flush();
    LinkOutcome {
        events: pass.out,
        used: (pass.used.iter().enumerate())
            .filter_map(|(i, &u)| u.then_some(i))
            .collect(),
        diagnostics: pass.diagnostics,
    }
}

enum LinkFrame {
    /// An explicit glossary link: its closing marker replaces `End(Link)`.
    Glossary(CowStr<'static>),
    /// An explicit link to an unknown term: its `End(Link)` is dropped like its start.
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

struct Pass<'c, 'a> {
    ctx: &'c LinkContext<'a>,
    /// The term of `ctx.exclude_slug`.
    exclude: Option<usize>,
    out: Vec<(Event<'static>, Range<usize>)>,
    /// Consecutive `Text` and `SoftBreak` events not yet matched.
    run: Vec<(Event<'static>, Range<usize>)>,
    /// Per term, whether it was linked; in `First` mode also the terms not to link again.
    used: Vec<bool>,
    diagnostics: Vec<Diagnostic>,
    heading: usize,
    code: usize,
    image: usize,
    metadata: usize,
    links: Vec<LinkFrame>,
    raw: Vec<RawTag>,
    next_id: usize,
}

impl Pass<'_, '_> {
    fn feed(&mut self, event: Event<'static>, range: Range<usize>) {
        if matches!(event, Event::Text(_) | Event::SoftBreak) {
            self.run.push((event, range));
            return;
        }
        self.flush();
        match &event {
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
                        self.explicit(&target, range);
                        return;
                    }
                    None => self.links.push(LinkFrame::Other),
                }
            }
            Event::End(TagEnd::Link) => match self.links.pop() {
                Some(LinkFrame::Glossary(close)) => {
                    self.out.push((Event::InlineHtml(close), range));
                    return;
                }
                Some(LinkFrame::Dropped) => return,
                _ => {}
            },
            Event::InlineHtml(html) => self.raw_html(html),
            _ => {}
        }
        // Unclosed raw HTML must not switch linking off for the rest of the page.
        if let Event::End(
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
        ) = &event
        {
            self.raw.clear();
        }
        if let Event::End(TagEnd::Heading(_) | TagEnd::DefinitionListTitle) = &event {
            self.heading = self.heading.saturating_sub(1);
        }
        self.out.push((event, range));
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

    fn explicit(&mut self, target: &str, range: Range<usize>) {
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
            self.links.push(LinkFrame::Dropped);
            return;
        };
        let id = self.open_link(t);
        self.out
            .push((Event::InlineHtml(marker(Mark::Open, t, id)), range));
        self.links
            .push(LinkFrame::Glossary(marker(Mark::Close, t, id)));
    }

    /// Marks term `t` as used and numbers its tooltip. Returns the number, or 0 when the term
    /// has no short definition (then there is no tooltip).
    fn open_link(&mut self, t: usize) -> usize {
        self.used[t] = true;
        if self.ctx.table.terms[t].short.is_empty() {
            return 0;
        }
        self.next_id += 1;
        self.next_id
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

    /// Matches the pending run of text and emits it, with links where terms were found.
    fn flush(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let run = std::mem::take(&mut self.run);
        if !self.linkable() {
            self.out.extend(run);
            return;
        }
        let mut starts = Vec::with_capacity(run.len());
        let merged: Cow<str> = match run.as_slice() {
            [(Event::Text(t), _)] => {
                starts.push(0);
                Cow::Borrowed(t.as_ref())
            }
            _ => {
                let mut merged = String::new();
                for (event, _) in &run {
                    starts.push(merged.len());
                    match event {
                        Event::Text(t) => merged.push_str(t),
                        _ => merged.push('\n'),
                    }
                }
                Cow::Owned(merged)
            }
        };
        let pieces = Pieces {
            run: &run,
            starts: &starts,
            len: merged.len(),
        };
        let ctx = self.ctx;
        let mut cursor = 0;
        for m in ctx.matcher.find(&merged) {
            if self.exclude == Some(m.term) || (ctx.mode == LinkMode::First && self.used[m.term]) {
                continue;
            }
            pieces.emit(cursor..m.range.start, &mut self.out);
            let id = self.open_link(m.term);
            let range = pieces.source(m.range.clone());
            let (at, end) = (range.start..range.start, range.end..range.end);
            self.out
                .push((Event::InlineHtml(marker(Mark::Open, m.term, id)), at));
            let found = &merged[m.range.clone()];
            let event = if found.contains(['\'', '"']) {
                // Written as glia escapes text in HTML it writes itself (quotes included),
                // as the link's text always was.
                let mut html = String::with_capacity(found.len() + 8);
                push_escaped(&mut html, found);
                Event::InlineHtml(html.into())
            } else {
                match pulldown_cmark::InlineStr::try_from(found) {
                    Ok(inline) => Event::Text(CowStr::Inlined(inline)),
                    Err(_) => Event::Text(found.to_string().into()),
                }
            };
            self.out.push((event, range));
            self.out
                .push((Event::InlineHtml(marker(Mark::Close, m.term, id)), end));
            cursor = m.range.end;
        }
        if cursor == 0 {
            self.out.extend(run);
        } else {
            pieces.emit(cursor..merged.len(), &mut self.out);
        }
    }
}

/// The events of a text run and where each starts in the merged text.
struct Pieces<'r> {
    run: &'r [(Event<'static>, Range<usize>)],
    starts: &'r [usize],
    len: usize,
}

impl Pieces<'_> {
    fn bounds(&self, i: usize) -> Range<usize> {
        self.starts[i]..self.starts.get(i + 1).copied().unwrap_or(self.len)
    }

    /// The source range of a piece's sub-slice: exact when the event's text is the source
    /// verbatim (same length), else the whole event (an entity, an escape, smart punctuation).
    fn sub_source(&self, i: usize, within: Range<usize>) -> Range<usize> {
        let b = self.bounds(i);
        let r = &self.run[i].1;
        if r.len() == b.len() {
            r.start + within.start - b.start..r.start + within.end - b.start
        } else {
            r.clone()
        }
    }

    fn source(&self, span: Range<usize>) -> Range<usize> {
        let first = self
            .starts
            .partition_point(|&s| s <= span.start)
            .saturating_sub(1);
        let last = self
            .starts
            .partition_point(|&s| s < span.end)
            .saturating_sub(1);
        let start = self.sub_source(first, span.start..span.start).start;
        let end = self.sub_source(last, span.end..span.end).end;
        start..end.max(start)
    }

    /// Re-emits merged text `span` as the original events, cut where a link took part of one.
    fn emit(&self, span: Range<usize>, out: &mut Vec<(Event<'static>, Range<usize>)>) {
        for (i, (event, range)) in self.run.iter().enumerate() {
            let b = self.bounds(i);
            let (s, e) = (span.start.max(b.start), span.end.min(b.end));
            if s >= e {
                continue;
            }
            match event {
                Event::Text(t) if s > b.start || e < b.end => {
                    let sub = t[s - b.start..e - b.start].to_string();
                    out.push((Event::Text(CowStr::from(sub)), self.sub_source(i, s..e)));
                }
                _ => out.push((event.clone(), range.clone())),
            }
        }
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
