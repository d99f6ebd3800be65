//! Footnotes as GFM shows them: numbered in order of first reference, collected at the end of
//! the body in that order, each with a back-link (↩) to every place it is cited.
//!
//! pulldown-cmark leaves a definition where it was written and numbers by definition; this
//! pass moves the definitions' events to the end and replaces references and definition
//! boundaries with HTML. What is inside a note stays events (citations and glossary links work
//! there). A definition nobody cites is left out, as on GitHub, with a warning; a reference to
//! a note that does not exist is left as pulldown-cmark wrote it (plain text).

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::markdown::Spanned;
use crate::diagnostics::Diagnostic;
use crate::ids::{footnote as footnote_id, footnote_ref as footnote_ref_id};

/// How the HTML that stands for a footnote reference begins.
const REFERENCE_OPEN: &str = "<sup class=\"footnote-reference\">";

/// Whether inline HTML is a footnote reference this pass wrote (a marker, not prose).
pub fn is_reference_html(html: &str) -> bool {
    html.starts_with(REFERENCE_OPEN)
}

pub fn apply(events: &mut Vec<Spanned>, file: &str, text: &str, diags: &mut Vec<Diagnostic>) {
    if !events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_))
        )
    }) {
        return;
    }
    // Take the definitions out, keyed by label, with where each starts.
    let mut defs: BTreeMap<String, Vec<Spanned>> = BTreeMap::new();
    let mut def_spans: BTreeMap<String, std::ops::Range<usize>> = BTreeMap::new();
    let mut body = Vec::with_capacity(events.len());
    let mut current: Option<(String, Vec<Spanned>)> = None;
    let mut depth = 0usize;
    for (ev, span) in events.drain(..) {
        match (&ev, current.as_mut()) {
            (Event::Start(Tag::FootnoteDefinition(label)), None) => {
                def_spans
                    .entry(label.to_string())
                    .or_insert_with(|| span.clone());
                current = Some((label.to_string(), Vec::new()));
                depth = 0;
            }
            (Event::Start(Tag::FootnoteDefinition(_)), Some((_, inner))) => {
                depth += 1;
                inner.push((ev, span));
            }
            (Event::End(TagEnd::FootnoteDefinition), Some(_)) if depth == 0 => {
                if let Some((label, inner)) = current.take() {
                    // The first definition of a label wins, as in pulldown-cmark.
                    defs.entry(label).or_insert(inner);
                }
            }
            (Event::End(TagEnd::FootnoteDefinition), Some((_, inner))) => {
                depth -= 1;
                inner.push((ev, span));
            }
            (_, Some((_, inner))) => inner.push((ev, span)),
            (_, None) => body.push((ev, span)),
        }
    }
    // Number by first reference; count references per note for the back-links.
    let mut order: Vec<String> = Vec::new();
    let mut refs: Vec<usize> = Vec::new();
    for (ev, _) in body.iter_mut() {
        let Event::FootnoteReference(label) = ev else {
            continue;
        };
        if !defs.contains_key(label.as_ref()) {
            continue;
        }
        let n = match order.iter().position(|l| l == label.as_ref()) {
            Some(p) => p,
            None => {
                order.push(label.to_string());
                refs.push(0);
                order.len() - 1
            }
        };
        refs[n] += 1;
        let number = n + 1;
        *ev = Event::InlineHtml(
            format!(
                "{REFERENCE_OPEN}<a href=\"#{}\" id=\"{}\" role=\"doc-noteref\">{number}</a></sup>",
                footnote_id(number),
                footnote_ref_id(number, refs[n]),
            )
            .into(),
        );
    }
    *events = body;
    for (label, span) in &def_spans {
        if !order.contains(label) {
            diags.push(
                Diagnostic::warning(
                    "unused-footnote",
                    format!("footnote `[^{label}]` is never referred to, so it is not shown"),
                )
                .at(file, text, span.clone())
                .with_help(format!(
                    "add `[^{label}]` where the note belongs, or delete the note"
                )),
            );
        }
    }
    if order.is_empty() {
        return;
    }
    let end = events.last().map_or(0..0, |(_, s)| s.end..s.end);
    events.push((
        Event::Html(
            "<section class=\"footnotes\" role=\"doc-endnotes\" aria-label=\"Footnotes\">\n<ol>\n"
                .into(),
        ),
        end.clone(),
    ));
    for (n, label) in order.iter().enumerate() {
        let number = n + 1;
        let mut inner = defs.remove(label).unwrap_or_default();
        let back: String = (1..=refs[n])
            .map(|k| {
                let mark = if k == 1 {
                    "↩".to_string()
                } else {
                    format!("↩<sup>{k}</sup>")
                };
                format!(
                    " <a href=\"#{}\" class=\"footnote-back\" role=\"doc-backlink\" aria-label=\"Back to reference {number}{}\">{mark}</a>",
                    footnote_ref_id(number, k),
                    if refs[n] > 1 { format!("-{k}") } else { String::new() },
                )
            })
            .collect();
        // The back-links go inside the note's last paragraph, as on GitHub.
        let at = match inner.last() {
            Some((Event::End(TagEnd::Paragraph), _)) => inner.len() - 1,
            _ => inner.len(),
        };
        let span = inner
            .get(at.saturating_sub(1))
            .map_or(end.clone(), |(_, s)| s.end..s.end);
        inner.insert(at, (Event::InlineHtml(back.into()), span.clone()));
        events.push((
            Event::Html(
                format!(
                    "<li id=\"{}\" class=\"footnote-definition\">\n",
                    footnote_id(number)
                )
                .into(),
            ),
            span.clone(),
        ));
        events.extend(inner);
        events.push((Event::Html("</li>\n".into()), span));
    }
    events.push((Event::Html("</ol>\n</section>\n".into()), end));
}

#[cfg(test)]
mod tests {
    use crate::parse::body as parse;

    #[test]
    fn a_note_nobody_cites_is_a_warning_at_the_note() {
        let md = "Text.\n\n[^lost]: A note.\n";
        let (doc, diags) = parse(md, 0, "a.md", md);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "unused-footnote");
        assert_eq!(diags[0].location.as_ref().map(|l| l.line), Some(3));
        assert!(!doc
            .events
            .iter()
            .any(|(e, _)| matches!(e, pulldown_cmark::Event::Text(t) if t.contains("A note"))));
    }

    #[test]
    fn heading_ids_cannot_take_a_footnote_id() {
        let md = "## Notes {#fn:1}\n";
        let (_, diags) = parse(md, 0, "a.md", md);
        assert_eq!(diags[0].code, "duplicate-id");
        assert!(diags[0].message.contains("kept for footnotes"));
    }
}
