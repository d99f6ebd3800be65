//! `missing-alt`: an image without alt text says nothing to a reader who cannot see it.
//!
//! An image that only decorates is marked with the title `"decorative"`
//! (`![](divider.png "decorative")`) or the class `![](divider.png){.decorative}`, or the page lists `missing-alt` in its front-matter
//! `allow`. The rule is an error, which `allow` does not otherwise silence: the page's own
//! `allow` is read here, as the editor's statement that its images are decorative.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::diagnostics::Diagnostic;
use crate::parse::images::Meta;
use crate::parse::ParsedPage;

pub const CODE: &str = "missing-alt";

pub fn check(page: &ParsedPage, diags: &mut Vec<Diagnostic>) {
    if page
        .fm
        .allow
        .iter()
        .any(|a| a.trim() == CODE || a.trim() == "missing-alts")
    {
        return;
    }
    let events = &page.doc.events;
    let mut i = 0;
    while i < events.len() {
        let (Event::Start(Tag::Image { id, .. }), span) = &events[i] else {
            i += 1;
            continue;
        };
        let mut alt = String::new();
        i += 1;
        while let Some((ev, _)) = events.get(i) {
            i += 1;
            match ev {
                Event::End(TagEnd::Image) => break,
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                _ => {}
            }
        }
        if alt.trim().is_empty() && !Meta::decode(id).decorative {
            diags.push(
                Diagnostic::error(CODE, "this image has no alt text")
                    .at(&page.file, &page.text, span.clone())
                    .with_help(
                        "describe what the image shows for readers who cannot see it: \
                         `![A chart of response rates](chart.png)`; if it only decorates, \
                         give it the title \"decorative\": `![](divider.png \"decorative\")`",
                    ),
            );
        }
    }
}
