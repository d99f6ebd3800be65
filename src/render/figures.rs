//! An image's HTML: pulldown-cmark's writer knows only `src`, `alt` and `title`; pages also
//! need the intrinsic size (so the text does not jump while images load) and lazy loading for
//! every image but the first (likely above the fold). What parse learnt about the image comes
//! in its [`Meta`](crate::parse::images::Meta).
//!
//! A large PNG or JPEG (wider than [`LARGE`]) also gets smaller copies beside it
//! (`chart-480w.png`, `chart-960w.png`, …) and a `srcset` naming them, so a phone loads a copy
//! near its screen's width. [`smaller_copies`] is the one rule for which copies exist: the
//! output plan (`outputs.rs`), the files written ([`copy_files`]) and the `srcset`
//! follow it.

use pulldown_cmark::{Event, Tag, TagEnd};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::html::push_escaped;
use crate::load::Asset;
use crate::parse::images::Meta;
use crate::parse::markdown::Spanned;
use crate::resolve::Site;

/// Images at most this wide are published as they are.
pub const LARGE: u32 = 1000;
/// The widths of the smaller copies, those below the image's own width.
const WIDTHS: [u32; 3] = [480, 960, 1440];
/// What `srcset` tells the browser about the image's displayed width: the theme's text column
/// (`--measure`, 42rem) at most, the whole viewport on a phone.
const SIZES: &str = "(min-width: 44rem) 42rem, 100vw";

/// The smaller copies of the image at `path` (an output path, or the URL a page links it by)
/// of intrinsic size `size`: each copy's width and its path, `name-<width>w.ext` beside it.
/// None for images that are not PNG or JPEG, not wider than [`LARGE`], or of unknown size.
pub fn smaller_copies(path: &str, size: Option<(u32, u32)>) -> Vec<(u32, String)> {
    let Some((width, _)) = size else {
        return Vec::new();
    };
    let name_at = path.rfind('/').map_or(0, |i| i + 1);
    let Some(dot) = path[name_at..].rfind('.').map(|d| name_at + d) else {
        return Vec::new();
    };
    let ext = path[dot + 1..].to_ascii_lowercase();
    if width <= LARGE
        || !matches!(ext.as_str(), "png" | "jpg" | "jpeg")
        || path.contains(['?', '#'])
    {
        return Vec::new();
    }
    WIDTHS
        .iter()
        .filter(|&&w| w < width)
        .map(|&w| (w, format!("{}-{w}w{}", &path[..dot], &path[dot..])))
        .collect()
}

/// A large image: the name editors know it by (`content/articles/chart.png`), the file, and
/// its [`smaller_copies`].
pub type LargeImage<'s> = (String, &'s Asset, Vec<(u32, String)>);

/// The site's image files that get smaller copies: content assets and `static/` files.
pub fn large_images<'s>(site: &'s Site) -> Vec<LargeImage<'s>> {
    let named = |dir: &'static str, assets: &'s [Asset]| {
        assets.iter().map(move |a| (format!("{dir}/{}", a.out), a))
    };
    named("content", &site.assets)
        .chain(named("static", &site.static_files))
        .map(|(rel, a)| {
            let copies = smaller_copies(&a.out, a.size);
            (rel, a, copies)
        })
        .filter(|(_, _, copies)| !copies.is_empty())
        .collect()
}

/// The smaller copies of every large image, resized from the file (Catmull-Rom, the height
/// in proportion) and encoded in its own format. An image that cannot be decoded is an error
/// at its file: the pages' `srcset` would name copies that are not there.
pub fn copy_files(site: &Site) -> Vec<Result<super::OutFile, Diagnostic>> {
    large_images(site)
        .par_iter()
        .flat_map_iter(|(rel, asset, copies)| match resized(rel, asset, copies) {
            Ok(files) => files.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(d) => vec![Err(d)],
        })
        .collect()
}

fn resized(
    rel: &str,
    asset: &Asset,
    copies: &[(u32, String)],
) -> Result<Vec<super::OutFile>, Diagnostic> {
    let fail = |what: String| {
        Diagnostic::error(
            "unreadable-image",
            format!("cannot make the smaller copies of this image: {what}"),
        )
        .in_file(rel)
        .with_help("save it again as a PNG or JPEG from an image editor, or replace it")
    };
    let bytes = crate::load::read_bytes(&asset.path, rel)?;
    let format = image::guess_format(&bytes).map_err(|e| fail(e.to_string()))?;
    let img =
        image::load_from_memory_with_format(&bytes, format).map_err(|e| fail(e.to_string()))?;
    copies
        .iter()
        .map(|(w, path)| {
            let h = (u64::from(img.height()) * u64::from(*w)).div_ceil(u64::from(img.width()));
            let small = img.resize_exact(
                *w,
                u32::try_from(h).unwrap_or(1).max(1),
                image::imageops::FilterType::CatmullRom,
            );
            let mut out = std::io::Cursor::new(Vec::new());
            small
                .write_to(&mut out, format)
                .map_err(|e| fail(e.to_string()))?;
            Ok(super::OutFile {
                path: path.clone(),
                bytes: out.into_inner(),
            })
        })
        .collect()
}

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
        let copies = smaller_copies(dest_url, meta.size);
        if !copies.is_empty() {
            out.push_str(" srcset=\"");
            for (cw, url) in &copies {
                let _ = pulldown_cmark_escape::escape_href(
                    pulldown_cmark_escape::FmtWriter(&mut out),
                    url,
                );
                out.push_str(&format!(" {cw}w, "));
            }
            let _ = pulldown_cmark_escape::escape_href(
                pulldown_cmark_escape::FmtWriter(&mut out),
                dest_url,
            );
            out.push_str(&format!(" {w}w\" sizes=\"{SIZES}\""));
        }
    }
    if !meta.eager {
        out.push_str(" loading=\"lazy\"");
    }
    out.push_str(" decoding=\"async\">");
    out
}
