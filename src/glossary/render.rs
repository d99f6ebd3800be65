//! The render-time half of glossary links: the HTML each link repeats ([`LinkTable`], made
//! once per glossary), and [`Linked`], which writes a page's [`LinkEdit`]s (found by the
//! linking pass in `link.rs`, at resolve time) as links with tooltips while render streams the
//! page's events to pulldown-cmark's HTML writer.

use std::cell::RefCell;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::entry::Glossary;
use super::link::{LinkEdit, Mark};
use crate::html::escape;
use crate::html::push_escaped;

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
        LinkTable::with_hrefs(glossary, |slug| {
            format!("#{}", crate::ids::glossary_entry(slug))
        })
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
                    crate::ids::push_term_tip(self.id_prefix, tip, out);
                    out.push_str(r#"">"#);
                } else {
                    out.push('>');
                }
            }
            Mark::Close { .. } if tip > 0 => {
                out.push_str(r#"</a><span class="gloss-tip" role="tooltip" id=""#);
                crate::ids::push_term_tip(self.id_prefix, tip, out);
                out.push_str(&h.close_tail);
            }
            _ => out.push_str("</a></span>"),
        }
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
