//! Callouts: GitHub's alert syntax (`> [!NOTE]`) as labelled boxes, plus the two kinds a health
//! site needs, `> [!URGENT]` (urgent advice, the NHS red care card) and `> [!CRISIS]`.
//!
//! pulldown-cmark (with `ENABLE_GFM`) recognises GitHub's five kinds itself; the two health kinds
//! are found here, in the same shape: a block quote whose first line is the marker alone. The
//! quote's start and end become the box's HTML; what is inside stays events, so citations,
//! glossary links and link checking work in a callout as anywhere else.

use pulldown_cmark::{BlockQuoteKind, Event, Tag, TagEnd};

use super::markdown::Spanned;

/// The kinds of callout, in the order README lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
    Urgent,
    Crisis,
}

impl Kind {
    /// The class suffix (`callout-urgent`), also the marker's word in lower case.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Note => "note",
            Kind::Tip => "tip",
            Kind::Important => "important",
            Kind::Warning => "warning",
            Kind::Caution => "caution",
            Kind::Urgent => "urgent",
            Kind::Crisis => "crisis",
        }
    }

    /// The visible label, which is also what a screen reader announces first.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Note => "Note",
            Kind::Tip => "Tip",
            Kind::Important => "Important",
            Kind::Warning => "Warning",
            Kind::Caution => "Caution",
            Kind::Urgent => "Urgent advice",
            Kind::Crisis => "Crisis support",
        }
    }

    fn from_gfm(k: BlockQuoteKind) -> Kind {
        match k {
            BlockQuoteKind::Note => Kind::Note,
            BlockQuoteKind::Tip => Kind::Tip,
            BlockQuoteKind::Important => Kind::Important,
            BlockQuoteKind::Warning => Kind::Warning,
            BlockQuoteKind::Caution => Kind::Caution,
        }
    }
}

/// The opening HTML of a callout box. `role="note"` makes it a labelled group for assistive
/// technology without adding a landmark (an `<aside>` inside `<main>` would be one).
pub fn open_html(kind: Kind) -> String {
    format!(
        "<div class=\"callout callout-{}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
        kind.key(),
        kind.label()
    )
}

pub const CLOSE_HTML: &str = "</div>\n";

/// Turns alert block quotes in `events` into callout boxes.
pub fn apply(events: &mut Vec<Spanned>) {
    // For each open block quote: whether it became a callout.
    let mut open: Vec<bool> = Vec::new();
    let mut drop: Vec<std::ops::Range<usize>> = Vec::new();
    for i in 0..events.len() {
        match &events[i].0 {
            Event::Start(Tag::BlockQuote(kind)) => {
                let found = match kind {
                    Some(k) => Some(Kind::from_gfm(*k)),
                    None => health_marker(events, i).map(|(k, range)| {
                        drop.push(range);
                        k
                    }),
                };
                open.push(found.is_some());
                if let Some(k) = found {
                    events[i].0 = Event::Html(open_html(k).into());
                }
            }
            Event::End(TagEnd::BlockQuote(_)) if open.pop() == Some(true) => {
                events[i].0 = Event::Html(CLOSE_HTML.into());
            }
            _ => {}
        }
    }
    // Remove the markers' events, last first so earlier ranges stay valid.
    for range in drop.into_iter().rev() {
        events.drain(range);
    }
}

/// `[!URGENT]` or `[!CRISIS]` alone on the first line of the quote starting at `i`: the kind,
/// and the events to remove (the marker and its line break, or its whole paragraph).
fn health_marker(events: &[Spanned], i: usize) -> Option<(Kind, std::ops::Range<usize>)> {
    if !matches!(events.get(i + 1), Some((Event::Start(Tag::Paragraph), _))) {
        return None;
    }
    let mut line = String::new();
    let mut j = i + 2;
    while let Some((Event::Text(t), _)) = events.get(j) {
        line.push_str(t);
        j += 1;
    }
    // Same spelling rule as GitHub's own kinds: any letter case.
    let kind = match line.trim().to_ascii_uppercase().as_str() {
        "[!URGENT]" => Kind::Urgent,
        "[!CRISIS]" => Kind::Crisis,
        _ => return None,
    };
    match events.get(j) {
        Some((Event::SoftBreak | Event::HardBreak, _)) => Some((kind, i + 2..j + 1)),
        Some((Event::End(TagEnd::Paragraph), _)) => Some((kind, i + 1..j + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    fn html(md: &str) -> String {
        let (doc, _) = crate::parse::body(md, 0, "a.md", md);
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, doc.events.into_iter().map(|(e, _)| e));
        out
    }

    #[test]
    fn a_marker_must_be_alone_on_the_first_line() {
        let out = html("> [!URGENT] call now\n");
        assert!(!out.contains("callout"), "{out}");
        let out = html("> Not [!URGENT]\n> later\n");
        assert!(!out.contains("callout"), "{out}");
    }

    #[test]
    fn nested_quotes_close_the_right_element() {
        let out = html("> [!urgent]\n> Call now.\n>\n> > A quote inside.\n\nAfter.\n");
        assert_eq!(
            out.matches("<div class=\"callout callout-urgent\"").count(),
            1,
            "{out}"
        );
        assert!(out.contains("<blockquote>"), "{out}");
        let inner_end = out.find("</blockquote>").unwrap();
        let box_end = out.find("</div>").unwrap();
        assert!(inner_end < box_end, "{out}");
        assert!(out.trim_end().ends_with("<p>After.</p>"), "{out}");
    }

    #[test]
    fn a_marker_with_nothing_after_it_is_an_empty_box() {
        let out = html("> [!CRISIS]\n");
        assert!(out.contains("callout-crisis"), "{out}");
        assert!(!out.contains("[!CRISIS]"), "{out}");
    }
}
