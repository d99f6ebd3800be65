//! Images: captions, decorative images, raw `<img>` tags and each image's size.
//!
//! Everything here keeps images as pulldown-cmark image events, so the resolve stage checks
//! and rewrites their addresses like any link (a raw `<img src="x.png">` is turned into one
//! for that reason: left as HTML, its relative address would point beside the page's folder,
//! not beside its file). What render needs besides the address — the size read from the
//! file, whether the image is the first of the page, whether it is decorative — travels in the
//! image event's `id` field, which only names a reference label and which the HTML writer
//! never reads; [`Meta`] owns that encoding.
//!
//! Syntax: `![alt](x.png "A caption")` alone in its paragraph is a `<figure>` with the title
//! as its `<figcaption>`; the title `"decorative"` marks an image that needs no alt text.

use std::collections::BTreeMap;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::markdown::Spanned;
use crate::load::Asset;

/// The title that marks an image as decorative (`![](divider.png "decorative")`).
pub const DECORATIVE: &str = "decorative";

/// What render needs to know about an image besides its address, alt text and title.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Meta {
    /// Intrinsic size in pixels, from the file's header, when it could be read.
    pub size: Option<(u32, u32)>,
    /// The page's first image, loaded at once: it is likely above the fold.
    pub eager: bool,
    pub decorative: bool,
}

impl Meta {
    const PREFIX: &'static str = "glia-img:";

    fn encode(self) -> String {
        let (w, h) = self.size.unwrap_or((0, 0));
        format!(
            "{}{w}:{h}:{}:{}",
            Self::PREFIX,
            u8::from(self.eager),
            u8::from(self.decorative)
        )
    }

    /// The meta stored in an image event's `id` by the parse stage.
    pub fn decode(id: &str) -> Meta {
        let Some(rest) = id.strip_prefix(Self::PREFIX) else {
            return Meta::default();
        };
        let f: Vec<u32> = rest.split(':').filter_map(|s| s.parse().ok()).collect();
        match f[..] {
            [w, h, eager, decorative] => Meta {
                size: (w > 0 && h > 0).then_some((w, h)),
                eager: eager == 1,
                decorative: decorative == 1,
            },
            _ => Meta::default(),
        }
    }
}

/// The structural pass, on the events alone: raw `<img>` tags become image events, a titled
/// image alone in a paragraph becomes a figure, and every image gets its [`Meta`] (without
/// a size: [`read_sizes`] adds it from the sizes load read).
pub fn apply(events: &mut Vec<Spanned>) {
    raw_img_tags(events);
    let mut first = true;
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Image { title, .. }) = &mut events[i].0 else {
            i += 1;
            continue;
        };
        let by_title = title.trim().eq_ignore_ascii_case(DECORATIVE);
        if by_title {
            *title = CowStr::Borrowed("");
        }
        let caption = (!by_title && !title.trim().is_empty()).then(|| title.to_string());
        let decorative = by_title || take_decorative_class(events, i);
        if let Event::Start(Tag::Image { id, .. }) = &mut events[i].0 {
            *id = Meta {
                size: None,
                eager: first,
                decorative,
            }
            .encode()
            .into();
        }
        first = false;
        if let Some(caption) = caption {
            figure(events, i, &caption);
        }
        i += 1;
    }
}

/// The class syntax of pandoc and Hugo, `![](divider.png){.decorative}`:
/// pulldown-cmark has no attributes, so the `{.decorative}` right after the image's end is
/// text; it is removed here and marks the image at `i` decorative.
fn take_decorative_class(events: &mut [Spanned], i: usize) -> bool {
    const CLASS: &str = "{.decorative}";
    let Some(end) = events[i..]
        .iter()
        .position(|(e, _)| matches!(e, Event::End(TagEnd::Image)))
        .map(|p| p + i)
    else {
        return false;
    };
    let Some((Event::Text(text), span)) = events.get_mut(end + 1) else {
        return false;
    };
    let Some(rest) = text.strip_prefix(CLASS) else {
        return false;
    };
    *text = rest.to_string().into();
    span.start = (span.start + CLASS.len()).min(span.end);
    true
}

/// Makes the paragraph around the image at `i` a figure, if the image is all it holds.
fn figure(events: &mut [Spanned], i: usize, caption: &str) {
    if i == 0 || !matches!(events[i - 1].0, Event::Start(Tag::Paragraph)) {
        return;
    }
    let Some(end) = events[i..]
        .iter()
        .position(|(e, _)| matches!(e, Event::End(TagEnd::Image)))
        .map(|p| p + i)
    else {
        return;
    };
    if !matches!(
        events.get(end + 1),
        Some((Event::End(TagEnd::Paragraph), _))
    ) {
        return;
    }
    events[i - 1].0 = Event::Html("<figure>\n".into());
    events[end + 1].0 = Event::Html(
        format!(
            "\n<figcaption>{}</figcaption>\n</figure>\n",
            crate::html::escape(caption)
        )
        .into(),
    );
    // The caption is shown; as a title too it would be read twice.
    if let Event::Start(Tag::Image { title, .. }) = &mut events[i].0 {
        *title = CowStr::Borrowed("");
    }
}

/// Replaces each HTML event that is exactly one `<img>` tag with only src, alt and title with
/// image events, so its address is checked and rewritten like a Markdown image's.
fn raw_img_tags(events: &mut Vec<Spanned>) {
    let mut i = 0;
    while i < events.len() {
        let (html, block) = match &events[i].0 {
            Event::Html(h) => (h, true),
            Event::InlineHtml(h) => (h, false),
            _ => {
                i += 1;
                continue;
            }
        };
        let Some(attrs) = img_attributes(html) else {
            i += 1;
            continue;
        };
        let get = |name: &str| {
            attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let span = events[i].1.clone();
        let mut replacement = Vec::new();
        if block {
            replacement.push((Event::Start(Tag::Paragraph), span.clone()));
        }
        replacement.push((
            Event::Start(Tag::Image {
                link_type: LinkType::Inline,
                dest_url: get("src").into(),
                title: get("title").into(),
                id: CowStr::Borrowed(""),
            }),
            span.clone(),
        ));
        let alt = get("alt");
        if !alt.is_empty() {
            replacement.push((Event::Text(alt.into()), span.clone()));
        }
        replacement.push((Event::End(TagEnd::Image), span.clone()));
        if block {
            replacement.push((Event::End(TagEnd::Paragraph), span));
        }
        let n = replacement.len();
        events.splice(i..i + 1, replacement);
        i += n;
    }
}

/// The attributes of `html` if it is one `<img …>` tag (with or without `/`) and nothing else,
/// with entities in values left as written but for `&amp;`/`&quot;`. `None` for anything
/// else, or for attributes beyond src/alt/title, which are then left as the editor wrote them.
fn img_attributes(html: &str) -> Option<Vec<(String, String)>> {
    let s = html.trim();
    let inner = s
        .strip_prefix("<img")
        .or_else(|| s.strip_prefix("<IMG"))?
        .strip_suffix('>')?;
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if !inner.starts_with(char::is_whitespace) || inner.contains(['<', '>']) {
        return None;
    }
    let mut attrs = Vec::new();
    let mut rest = inner.trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q)? + 1;
                    (&after[1..close], &after[close + 1..])
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = tail.trim_start();
            value.replace("&quot;", "\"").replace("&amp;", "&")
        } else {
            String::new()
        };
        if !matches!(name.as_str(), "src" | "alt" | "title") {
            return None;
        }
        attrs.push((name, value));
    }
    attrs.iter().any(|(n, _)| n == "src").then_some(attrs)
}

/// The sizes of the site's image files (read by load), by the path a page's link lands on:
/// `content/…` beside the page, or `static/…`.
#[derive(Debug, Default)]
pub struct Sizes(BTreeMap<String, (u32, u32)>);

impl Sizes {
    pub fn of(assets: &[Asset], static_files: &[Asset]) -> Sizes {
        let named = |dir: &str, list: &[Asset]| {
            list.iter()
                .filter_map(|a| Some((format!("{dir}/{}", a.out), a.size?)))
                .collect::<Vec<_>>()
        };
        let mut map: BTreeMap<String, (u32, u32)> = named("content", assets).into_iter().collect();
        map.extend(named("static", static_files));
        Sizes(map)
    }

    /// The size of the file `target` (a path inside `content/` or `static/`), the one in
    /// `content/` first.
    fn get(&self, target: &str) -> Option<(u32, u32)> {
        ["content", "static"]
            .iter()
            .find_map(|dir| self.0.get(&format!("{dir}/{target}")).copied())
    }
}

/// Gives every image that is a file of the site (beside the page under `content/`, or under
/// `static/`) its size. A file that is missing or not an image is left without a size: the
/// resolve stage reports a missing file.
pub fn read_sizes(events: &mut [Spanned], sizes: &Sizes, content_path: &str) {
    for (ev, _) in events.iter_mut() {
        let Event::Start(Tag::Image { dest_url, id, .. }) = ev else {
            continue;
        };
        if crate::url::scheme(dest_url).is_some() || dest_url.starts_with("//") {
            continue;
        }
        let path = dest_url.split(['#', '?']).next().unwrap_or("");
        let Some(target) = crate::url::join_relative(content_path, path) else {
            continue;
        };
        let mut meta = Meta::decode(id);
        meta.size = sizes.get(&target);
        *id = meta.encode().into();
    }
}
