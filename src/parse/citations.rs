//! The citation pass: finds pandoc citations in a page's prose and swaps each for a
//! placeholder event, recording what was cited and where.
//!
//! Numbering and formatting need the whole bibliography and every citation of the page, which
//! parse does not have; so this pass only marks, and render replaces the placeholders. The
//! pass is generic over the recogniser (`find`) so it knows Markdown and nothing of citation
//! syntax, and the syntax knows citations and nothing of Markdown.
//!
//! Text is only scanned outside code, images and headings, and pulldown-cmark's split text
//! events (it splits around brackets and smart punctuation) are merged first, so `[@a; @b]` is
//! seen whole. Raw HTML is never scanned: it arrives as separate events. Link text is scanned,
//! as pandoc does (`[@nhanes](https://…)` is a link whose text is a citation): such a
//! citation's placeholder says so, and render writes it without links of its own.
//!
//! An `@` the author escaped (`\@ref(fig:x)`, bookdown's cross-references) or wrote as an entity
//! (`&#64;`) is never a citation: that is how a literal at-sign is written before a word.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use super::markdown::Spanned;

/// Something recognised in the text, with its byte range in the *file*.
#[derive(Debug, Clone, PartialEq)]
pub struct Marked<T> {
    pub item: T,
    pub span: Range<usize>,
}

const PREFIX: &str = "<!--glia-cite:";
const SUFFIX: &str = "-->";
/// Marks the placeholder of a citation inside a link's text.
const IN_LINK: &str = ":in-link";

/// The placeholder for the `n`th citation of a page: an HTML comment, so that if one ever
/// escaped replacement it would be invisible rather than garbage.
pub fn placeholder(n: usize) -> String {
    format!("{PREFIX}{n}{SUFFIX}")
}

/// The placeholder of a citation written inside a link's text.
fn placeholder_linked(n: usize) -> String {
    format!("{PREFIX}{n}{IN_LINK}{SUFFIX}")
}

/// The citation number of a placeholder written by [`placeholder`] (or for a citation in a
/// link's text, see [`is_in_link`]).
pub fn placeholder_index(html: &str) -> Option<usize> {
    let n = html.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    n.strip_suffix(IN_LINK).unwrap_or(n).parse().ok()
}

/// Whether a placeholder stands for a citation inside a link's text, whose own links must go.
pub fn is_in_link(html: &str) -> bool {
    html.starts_with(PREFIX) && html.ends_with(&format!("{IN_LINK}{SUFFIX}"))
}

/// `[[@a; @b]](https://…)`: pulldown-cmark reads `[[@a; @b]]` as a wiki link (glia's glossary
/// links), pandoc as a link to the URL whose text is the citation `[@a; @b]`. Such wiki links
/// are rewritten to what pandoc reads: an inline link with the URL that follows in
/// parentheses, or, without one, the plain text `[[@a; @b]]`. Must run before links are
/// recorded, so the URL gets the same checks as any other link.
pub fn unwiki_citations(events: Vec<Spanned>) -> Vec<Spanned> {
    let is_cite_wiki = |ev: &Event<'_>| {
        matches!(ev, Event::Start(Tag::Link { link_type: LinkType::WikiLink { .. }, dest_url, .. })
            if dest_url.trim_start().trim_start_matches('-').starts_with('@'))
    };
    if !events.iter().any(|(ev, _)| is_cite_wiki(ev)) {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut it = events.into_iter().peekable();
    while let Some((ev, range)) = it.next() {
        if !is_cite_wiki(&ev) {
            out.push((ev, range));
            continue;
        }
        // The wiki link's own events, up to its end.
        let mut inner = Vec::new();
        let mut end = range.end;
        for (e, r) in it.by_ref() {
            if matches!(e, Event::End(TagEnd::Link)) {
                end = r.end;
                break;
            }
            inner.push((e, r));
        }
        let text: String = inner
            .iter()
            .map(|(e, _)| match e {
                Event::Text(t) | Event::Code(t) => t.as_ref(),
                _ => "",
            })
            .collect();
        let dest = match it.peek() {
            Some((Event::Text(t), r)) if r.start == end && t.starts_with('(') => t[1..]
                .find(')')
                .map(|close| {
                    (
                        t[1..=close].to_string(),
                        t[close + 2..].to_string(),
                        r.clone(),
                    )
                })
                .filter(|(url, _, _)| !url.is_empty() && !url.contains(char::is_whitespace)),
            _ => None,
        };
        match dest {
            Some((url, after, next_range)) => {
                it.next();
                let close = next_range.start + url.len() + 2;
                out.push((
                    Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: url.into(),
                        title: "".into(),
                        id: "".into(),
                    }),
                    range.start..close,
                ));
                out.push((
                    Event::Text(format!("[{text}]").into()),
                    range.start + 1..end - 1,
                ));
                out.push((Event::End(TagEnd::Link), range.start..close));
                if !after.is_empty() {
                    out.push((Event::Text(after.into()), close..next_range.end));
                }
            }
            None => out.push((Event::Text(format!("[[{text}]]").into()), range.start..end)),
        }
    }
    out
}

/// Replaces every match of `find` in prose with a placeholder event. `find` returns byte
/// ranges in the string it is given. Every match contains the byte `trigger`, so runs of
/// prose without it (most of them) are neither merged nor given to `find`. `source` is the
/// file the events' ranges point into: a `trigger` written escaped (`\@`) or as an entity
/// (`&#64;`) there is hidden from `find`.
pub fn mark<T>(
    events: Vec<Spanned>,
    source: &str,
    trigger: u8,
    find: impl Fn(&str) -> Vec<(Range<usize>, T)>,
) -> (Vec<Spanned>, Vec<Marked<T>>) {
    let mut out = Vec::with_capacity(events.len());
    let mut found = Vec::new();
    let mut run: Vec<Spanned> = Vec::new();
    let mut skip = 0usize;
    // Depth inside links (not glossary wiki links), whose text pandoc also reads citations in.
    let mut links: Vec<bool> = Vec::new();
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
        let in_link = links.iter().any(|&l| l);
        let scan = Scan {
            source,
            trigger,
            in_link,
        };
        flush(&mut run, &mut out, &mut found, &scan, &find);
        match &ev {
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. } | Tag::Heading { .. }) => skip += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Image | TagEnd::Heading(_)) => {
                skip = skip.saturating_sub(1)
            }
            Event::Start(Tag::Link { link_type, .. }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                links.push(!wiki);
                // Glossary links' text is a term, never a citation.
                if wiki {
                    skip += 1;
                }
            }
            // Leaving a glossary link ends its skipped text.
            Event::End(TagEnd::Link) if links.pop() == Some(false) => skip = skip.saturating_sub(1),
            _ => {}
        }
        out.push((ev, range));
    }
    let scan = Scan {
        source,
        trigger,
        in_link: false,
    };
    flush(&mut run, &mut out, &mut found, &scan, &find);
    (out, found)
}

struct Scan<'a> {
    source: &'a str,
    trigger: u8,
    in_link: bool,
}

/// Whether the byte at `at` in `source` is the trigger as written: not escaped with an odd
/// number of backslashes, and not an entity or other replacement (then it is another byte).
fn literal_in_source(source: &[u8], at: usize, trigger: u8) -> bool {
    if source.get(at) != Some(&trigger) {
        return false;
    }
    let slashes = source[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    slashes % 2 == 0
}

/// Scans one run of adjacent text events as a single string.
fn flush<T>(
    run: &mut Vec<Spanned>,
    out: &mut Vec<Spanned>,
    found: &mut Vec<Marked<T>>,
    scan: &Scan<'_>,
    find: &impl Fn(&str) -> Vec<(Range<usize>, T)>,
) {
    let trigger = scan.trigger;
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
    let to_file = |at: usize| -> usize {
        let k = pieces
            .partition_point(|(start, _)| *start <= at)
            .saturating_sub(1);
        let (start, range) = &pieces[k];
        (range.start + (at - start)).min(range.end)
    };
    // What `find` sees: the text with every trigger that is not literal in the file hidden.
    let source = scan.source.as_bytes();
    let mut hidden = text.clone().into_bytes();
    for (at, b) in text.bytes().enumerate() {
        if b == trigger && !literal_in_source(source, to_file(at), trigger) {
            hidden[at] = 0;
        }
    }
    let matches = match String::from_utf8(hidden) {
        Ok(h) => find(&h),
        Err(_) => find(&text),
    };
    if matches.is_empty() {
        out.append(run);
        return;
    }
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
        let html = if scan.in_link {
            placeholder_linked(found.len())
        } else {
            placeholder(found.len())
        };
        out.push((Event::InlineHtml(html.into()), span.clone()));
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
        let (events, found) = mark(unwiki_citations(events), md, b'@', find);
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
    fn never_in_code_images_headings_or_glossary_links() {
        let md = "# T [@h]\n\n`[@code]` ![x [@img]](u) [[glossary [@w]]]\n\n```\n[@block]\n```\n";
        let (_, found) = run(md);
        assert!(found.is_empty(), "{found:?}");
    }

    /// pandoc reads `[@nhanes](https://…)` (EpiMethods, accessing1i.qmd) as a link whose text
    /// is a citation; its placeholder says so.
    #[test]
    fn link_text_is_scanned_and_marked_as_in_a_link() {
        let md = "Data from [[@nhanes]](https://www.cdc.gov/nchs/nhanes/index.htm).\n";
        let (html, found) = run(md);
        assert_eq!(found[0].item, "nhanes");
        assert!(
            html.contains("<a href=\"https://www.cdc.gov/nchs/nhanes/index.htm\">[<!--glia-cite:0:in-link-->]</a>")
                || html.contains("<a href=\"https://www.cdc.gov/nchs/nhanes/index.htm\"><!--glia-cite:0:in-link--></a>"),
            "{html}"
        );
        assert!(is_in_link("<!--glia-cite:0:in-link-->"));
        assert_eq!(placeholder_index("<!--glia-cite:0:in-link-->"), Some(0));
    }

    /// bookdown's `\@ref(fig:x)` and an `&#64;` entity are how an author writes a literal `@`.
    #[test]
    fn escaped_or_entity_at_signs_are_not_citations() {
        let md = "See Figure \\@ref(fig:x), [\\@a] and [&#64;b], but [@c].\n";
        let (html, found) = run(md);
        let keys: Vec<_> = found.iter().map(|m| m.item.as_str()).collect();
        assert_eq!(keys, ["c"]);
        assert!(html.contains("Figure @ref(fig:x), [@a] and [@b]"), "{html}");
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
