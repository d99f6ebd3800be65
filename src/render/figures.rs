//! An image's HTML: pulldown-cmark's writer knows only `src`, `alt` and `title`; pages also
//! need the intrinsic size (so the text does not jump while images load) and lazy loading for
//! every image but the first (likely above the fold). What parse learnt about the image comes
//! in its [`Meta`](crate::parse::images::Meta).

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::html::push_escaped;
use crate::parse::images::Meta;
use crate::parse::markdown::Spanned;

/// The `<img>` for the image whose start event is `start`; `rest` yields the events after it,
/// and is advanced past the image's end. The alt text is the plain text of what is inside.
pub fn image_html<'e>(
    start: &Event<'_>,
    rest: &mut impl Iterator<Item = (usize, &'e Spanned)>,
) -> String {
    let Event::Start(Tag::Image {
        dest_url,
        title,
        id,
        ..
    }) = start
    else {
        return String::new();
    };
    let mut alt = String::new();
    let mut depth = 0;
    for (_, (ev, _)) in rest.by_ref() {
        match ev {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) if depth == 0 => break,
            Event::End(TagEnd::Image) => depth -= 1,
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                alt.push_str(t)
            }
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    let meta = Meta::decode(id);
    let mut out = String::with_capacity(dest_url.len() + alt.len() + 96);
    out.push_str("<img src=\"");
    // Writing to a String cannot fail.
    let _ =
        pulldown_cmark_escape::escape_href(pulldown_cmark_escape::FmtWriter(&mut out), dest_url);
    out.push_str("\" alt=\"");
    if !meta.decorative {
        push_escaped(&mut out, &alt);
    }
    out.push('"');
    if !title.is_empty() {
        out.push_str(" title=\"");
        push_escaped(&mut out, title);
        out.push('"');
    }
    if let Some((w, h)) = meta.size {
        out.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    if !meta.eager {
        out.push_str(" loading=\"lazy\"");
    }
    out.push_str(" decoding=\"async\">");
    out
}
