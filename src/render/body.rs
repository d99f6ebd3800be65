//! A page's body: its events streamed, borrowed, to pulldown-cmark's HTML writer, with fenced
//! code highlighted, images written with their size, citation placeholders filled and the
//! glossary's links written on the way; and the highlighting's stylesheet.

use std::cell::RefCell;

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use super::highlight::Highlighter;
use crate::glossary::Linked;
use crate::parse::markdown::Spanned;

use super::citations::Substitutions;
use super::{figures, Renderer};

impl Renderer {
    /// The page body: fenced code highlighted, placeholders filled from `subs`, everything
    /// else as pulldown-cmark writes it. The events are streamed to the writer, borrowed, not
    /// collected or copied: a page with many citations and glossary links carries a lot of
    /// text in them.
    pub fn body_html(&self, events: &[Spanned], subs: Substitutions<'_>) -> String {
        let text: usize = events
            .iter()
            .map(|(e, _)| match e {
                Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) | Event::Code(t) => {
                    t.len() + 8
                }
                _ => 8,
            })
            .sum();
        // What the substitutions add: with citations' tooltips and a hundred glossary links,
        // a page body is several times its Markdown, and growing the buffer by doubling
        // copied it over and over.
        let links = subs.links.map_or(0, |l| l.size_hint());
        let citations: usize =
            subs.citations.iter().map(String::len).sum::<usize>() + subs.list.map_or(0, str::len);
        let out = RefCell::new(String::with_capacity(text + links + citations));
        let body = BodyEvents {
            events: events.iter().enumerate(),
            subs,
            highlighter: &self.highlighter,
        };
        let writer = crate::html::SharedString(&out);
        // Writing to a String cannot fail.
        let _ = match subs.links {
            Some(links) => {
                pulldown_cmark::html::write_html_fmt(writer, Linked::new(body, links, &out))
            }
            None => pulldown_cmark::html::write_html_fmt(writer, body.map(|(_, e)| e)),
        };
        out.into_inner()
    }
}

/// A body's events, borrowed, with code highlighted and citations filled in, each with its
/// index in the page's events (for [`Linked`], which writes the glossary links): see
/// [`Renderer::body_html`].
struct BodyEvents<'a, 'e> {
    events: std::iter::Enumerate<std::slice::Iter<'e, Spanned>>,
    subs: Substitutions<'a>,
    highlighter: &'a Highlighter,
}

impl<'a, 'e: 'a> Iterator for BodyEvents<'a, 'e> {
    type Item = (usize, Event<'a>);

    fn next(&mut self) -> Option<(usize, Event<'a>)> {
        let (i, (ev, _)) = self.events.next()?;
        if let Event::Start(Tag::CodeBlock(kind)) = ev {
            // The whole block is highlighted at once, as one piece of HTML.
            let info = match kind {
                CodeBlockKind::Fenced(i) => i.as_ref(),
                CodeBlockKind::Indented => "",
            };
            let mut body = String::new();
            for (_, (ev, _)) in self.events.by_ref() {
                match ev {
                    Event::Text(t) => body.push_str(t),
                    Event::End(TagEnd::CodeBlock) => break,
                    _ => {}
                }
            }
            return Some((i, Event::Html(self.highlighter.block(info, &body).into())));
        }
        if let Event::Start(Tag::Image { .. }) = ev {
            // Written whole, with its size and loading hints, which the writer cannot add.
            let img = figures::image_html(ev, &mut self.events);
            return Some((i, Event::InlineHtml(img.into())));
        }
        Some((
            i,
            self.subs
                .replace(ev)
                .unwrap_or_else(|| crate::html::lend(ev)),
        ))
    }
}

/// The highlighting stylesheet made to follow the theme toggle as well as the system: its dark
/// rules apply under `prefers-color-scheme: dark` unless `<html data-theme="light">`, and always
/// under `<html data-theme="dark">`.
pub(super) fn syntax_stylesheet(css: &str) -> String {
    const MEDIA: &str = "@media (prefers-color-scheme: dark) {\n";
    let Some(at) = css.find(MEDIA) else {
        return css.to_string();
    };
    let (light, rest) = css.split_at(at);
    let dark = rest[MEDIA.len()..].trim_end();
    let dark = dark.strip_suffix('}').unwrap_or(dark);
    let scoped = |scope: &str| {
        dark.lines()
            .map(|line| match line.strip_suffix('{') {
                Some(selectors) if !line.starts_with('@') => {
                    let s: Vec<String> = selectors
                        .split(',')
                        .map(|s| format!("{scope} {}", s.trim()))
                        .collect();
                    format!("{} {{\n", s.join(", "))
                }
                _ => format!("{line}\n"),
            })
            .collect::<String>()
    };
    format!(
        "{light}{MEDIA}{}}}\n{}",
        scoped(":root:not([data-theme=\"light\"])"),
        scoped(":root[data-theme=\"dark\"]")
    )
}
