//! The citation pass: finds pandoc citations in a page's prose and swaps each for a
//! placeholder event, recording what was cited and where.
//!
//! Numbering and formatting need the whole bibliography and every citation of the page, which
//! parse does not have; so this pass only marks, and render replaces the placeholders. The
//! pass is generic over the recogniser (`find`) so it knows Markdown and nothing of citation
//! syntax, and the syntax knows citations and nothing of Markdown.
//!
//! Text is only scanned outside code, links, images and headings, and pulldown-cmark's split
//! text events (it splits around brackets and smart punctuation) are merged first, so
//! `[@a; @b]` is seen whole. Raw HTML is never scanned: it arrives as separate events.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::markdown::Spanned;

/// Something recognised in the text, with its byte range in the *file*.
#[derive(Debug, Clone, PartialEq)]
pub struct Marked<T> {
    pub item: T,
    pub span: Range<usize>,
}

const PREFIX: &str = "<!--glia-cite:";
const SUFFIX: &str = "-->";

/// The placeholder for the `n`th citation of a page: an HTML comment, so that if one ever
/// escaped replacement it would be invisible rather than garbage.
pub fn placeholder(n: usize) -> String {
    format!("{PREFIX}{n}{SUFFIX}")
}

/// The citation number of a placeholder written by [`placeholder`].
pub fn placeholder_index(html: &str) -> Option<usize> {
    html.strip_prefix(PREFIX)?
        .strip_suffix(SUFFIX)?
        .parse()
        .ok()
}

/// Replaces every match of `find` in prose with a placeholder event. `find` returns byte
/// ranges in the string it is given. Every match contains the byte `trigger`, so runs of
/// prose without it (most of them) are neither merged nor given to `find`.
pub fn mark<T>(
    events: Vec<Spanned>,
    trigger: u8,
    find: impl Fn(&str) -> Vec<(Range<usize>, T)>,
) -> (Vec<Spanned>, Vec<Marked<T>>) {
    let mut out = Vec::with_capacity(events.len());
    let mut found = Vec::new();
    let mut run: Vec<Spanned> = Vec::new();
    let mut skip = 0usize;
    for (ev, range) in events {
        // Inline HTML joins the run so that a citation around it (`[see <b>x</b> @a]`) is
        // still one citation, whose prefix, locator and suffix then show the HTML as text,
        // all three alike. A match may not begin or end inside it (see `flush`).
        let prose =
            skip == 0 && matches!(ev, Event::Text(_) | Event::SoftBreak | Event::InlineHtml(_));
        if prose {
            run.push((ev, range));
            continue;
        }
        flush(&mut run, &mut out, &mut found, trigger, &find);
        match &ev {
            Event::Start(
                Tag::CodeBlock(_) | Tag::Link { .. } | Tag::Image { .. } | Tag::Heading { .. },
            ) => skip += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Link | TagEnd::Image | TagEnd::Heading(_)) => {
                skip = skip.saturating_sub(1)
            }
            _ => {}
        }
        out.push((ev, range));
    }
    flush(&mut run, &mut out, &mut found, trigger, &find);
    (out, found)
}

/// Scans one run of adjacent text events as a single string.
fn flush<T>(
    run: &mut Vec<Spanned>,
    out: &mut Vec<Spanned>,
    found: &mut Vec<Marked<T>>,
    trigger: u8,
    find: &impl Fn(&str) -> Vec<(Range<usize>, T)>,
) {
    let may_match = |ev: &Event<'_>| matches!(ev, Event::Text(t) if memchr::memchr(trigger, t.as_bytes()).is_some());
    if !run.iter().any(|(ev, _)| may_match(ev)) {
        out.append(run);
        return;
    }
    // Merged text, and for each piece: (offset in merged text, its file range).
    let mut text = String::new();
    let mut pieces: Vec<(usize, Range<usize>)> = Vec::with_capacity(run.len());
    for (ev, range) in run.iter() {
        pieces.push((text.len(), range.clone()));
        match ev {
            Event::Text(t) | Event::InlineHtml(t) => text.push_str(t),
            _ => text.push('\n'),
        }
    }
    let matches = find(&text);
    if matches.is_empty() {
        out.append(run);
        return;
    }
    let to_file = |at: usize| -> usize {
        let k = pieces
            .partition_point(|(start, _)| *start <= at)
            .saturating_sub(1);
        let (start, range) = &pieces[k];
        (range.start + (at - start)).min(range.end)
    };
    // A match must start and end in text, never inside a piece of raw HTML (`<a title="[@a]">`
    // is the editor's attribute, not a citation).
    let html_pieces: Vec<Range<usize>> = run
        .iter()
        .zip(&pieces)
        .filter(|((ev, _), _)| matches!(ev, Event::InlineHtml(_)))
        .map(|((ev, _), (start, _))| *start..start + event_len(ev))
        .collect();
    let inside_html = |at: usize| html_pieces.iter().any(|r| r.start < at && at < r.end);
    let whole_end = run.last().map_or(0, |r| r.1.end);
    let mut last = 0;
    for (r, item) in matches {
        if r.start < last
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
            || inside_html(r.start)
            || inside_html(r.end)
        {
            continue;
        }
        emit_between(run, &pieces, &text, last..r.start, out, &to_file);
        let span = to_file(r.start)..to_file(r.end).max(to_file(r.start));
        out.push((
            Event::InlineHtml(placeholder(found.len()).into()),
            span.clone(),
        ));
        found.push(Marked { item, span });
        last = r.end;
    }
    if last < text.len() {
        emit_between(run, &pieces, &text, last..text.len(), out, &to_file);
        if let Some(end) = out.last_mut() {
            end.1.end = end.1.end.max(whole_end);
        }
    }
    run.clear();
}

/// How many bytes an event of a run takes in the merged text.
fn event_len(ev: &Event<'_>) -> usize {
    match ev {
        Event::Text(t) | Event::InlineHtml(t) => t.len(),
        _ => 1,
    }
}

/// Puts back the merged text's `range` that no match covered: text as one text event per
/// stretch between raw HTML pieces, and each raw HTML piece as the event it was.
fn emit_between(
    run: &[Spanned],
    pieces: &[(usize, Range<usize>)],
    text: &str,
    range: Range<usize>,
    out: &mut Vec<Spanned>,
    to_file: &impl Fn(usize) -> usize,
) {
    let mut from = range.start;
    for ((ev, file), (start, _)) in run.iter().zip(pieces) {
        let end = start + event_len(ev);
        if !matches!(ev, Event::InlineHtml(_)) || end <= range.start || *start >= range.end {
            continue;
        }
        if *start > from {
            out.push((
                Event::Text(text[from..*start].to_string().into()),
                to_file(from)..to_file(*start),
            ));
        }
        out.push((ev.clone(), file.clone()));
        from = end;
    }
    if from < range.end {
        out.push((
            Event::Text(text[from..range.end].to_string().into()),
            to_file(from)..to_file(range.end),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown::options;

    /// A stand-in recogniser: `[@word]`.
    fn find(text: &str) -> Vec<(Range<usize>, String)> {
        let mut v = Vec::new();
        let mut from = 0;
        while let Some(i) = text[from..].find("[@") {
            let start = from + i;
            let Some(j) = text[start..].find(']') else {
                break;
            };
            v.push((start..start + j + 1, text[start + 2..start + j].to_string()));
            from = start + j + 1;
        }
        v
    }

    fn run(md: &str) -> (String, Vec<Marked<String>>) {
        let events: Vec<Spanned> = pulldown_cmark::Parser::new_ext(md, options())
            .into_offset_iter()
            .map(|(e, r)| (e.into_static(), r))
            .collect();
        let (events, found) = mark(events, b'@', find);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        (html, found)
    }

    #[test]
    fn marks_prose_with_file_positions() {
        let md = "Ketamine acts fast [@walsh].\n";
        let (html, found) = run(md);
        assert_eq!(found.len(), 1);
        assert_eq!(&md[found[0].span.clone()], "[@walsh]");
        assert!(html.contains("fast <!--glia-cite:0-->."));
    }

    #[test]
    fn never_in_code_links_or_headings() {
        let md = "# T [@h]\n\n`[@code]` [x [@link]](u)\n\n```\n[@block]\n```\n";
        let (_, found) = run(md);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn finds_citations_split_across_events_and_in_footnotes() {
        let md = "Text[^1].\n\n[^1]: As shown [@a].\n";
        let (_, found) = run(md);
        assert_eq!(found[0].item, "a");
    }

    #[test]
    fn placeholders_round_trip() {
        assert_eq!(placeholder_index(&placeholder(12)), Some(12));
        assert_eq!(placeholder_index("<!-- other -->"), None);
    }
}
