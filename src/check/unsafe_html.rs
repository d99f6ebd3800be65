//! Raw HTML that runs code: `<script>`, `on*=` event handlers, `javascript:`, `vbscript:` and
//! `data:text/html` URLs, and `<iframe>`/`<object>`/`<embed>`.
//!
//! Raw HTML in Markdown is the editor's own and passes through (as in Zola). But on a medical
//! site a pasted snippet that runs code is far more likely a mistake or an attack than intent,
//! so `glia build` warns and `glia check` reports an error (`unsafe-html`, file:line:col). A
//! page that means it says so with `allow: [unsafe-html]` in its front-matter.
//!
//! glia has no HTML tokenizer among its dependencies (html5ever comes only with the tests'
//! `scraper`), so this is a small scanner that follows the HTML tokenizer's rules for what it
//! needs — tags, attributes (quoted, unquoted, valueless), comments, `<!…>`/`<?…>`, and the
//! raw text of `<script>`/`<style>` — over pulldown-cmark's `Html` and `InlineHtml` events,
//! which carry the raw HTML with its place in the file.

use std::ops::Range;

use pulldown_cmark::Event;

use crate::diagnostics::{Diagnostic, Severity};
use crate::parse::ParsedPage;
use crate::resolve::Site;

pub const CODE: &str = "unsafe-html";

/// Elements that run code or embed another document.
const ELEMENTS: [&str; 4] = ["script", "iframe", "object", "embed"];

/// Attributes whose value a browser loads or follows as a URL.
const URL_ATTRIBUTES: [&str; 12] = [
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "codebase",
    "xlink:href",
    "srcdoc",
    "longdesc",
];

/// The problems of every page, as warnings (`glia check` makes them errors).
pub fn scan_site(site: &Site) -> Vec<Diagnostic> {
    site.pages
        .iter()
        .flat_map(|p| scan_page(&p.page, Severity::Warning))
        .collect()
}

/// The problems of one page, unless it allows them.
pub fn scan_page(page: &ParsedPage, severity: Severity) -> Vec<Diagnostic> {
    if page.fm.allow.iter().any(|a| a.trim() == CODE) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (html, map) in html_runs(&page.doc.events) {
        for (at, what) in scan(&html) {
            let file_at = map.to_file(at).min(page.text.len());
            out.push(
                Diagnostic::new(severity, CODE, format!("raw HTML {what}"))
                    .at(&page.file, &page.text, file_at..file_at + 1)
                    .with_help(
                        "remove it, or if this page really needs it add `allow: [unsafe-html]` \
                         to its front-matter",
                    ),
            );
        }
    }
    out
}

/// Where each piece of a run of HTML events starts, in the run and in the file.
struct OffsetMap(Vec<(usize, usize)>);

impl OffsetMap {
    fn to_file(&self, at: usize) -> usize {
        let k = self
            .0
            .partition_point(|(start, _)| *start <= at)
            .saturating_sub(1);
        let (start, file) = self.0[k];
        file + (at - start)
    }
}

/// Adjacent `Html`/`InlineHtml` events joined (a tag may be split over several lines of an HTML
/// block), each with its offset map. Citation placeholders are comments and scan as such.
fn html_runs(events: &[(Event<'_>, Range<usize>)]) -> Vec<(String, OffsetMap)> {
    let mut runs = Vec::new();
    let mut html = String::new();
    let mut map = Vec::new();
    for (ev, range) in events {
        match ev {
            Event::Html(h) | Event::InlineHtml(h) => {
                map.push((html.len(), range.start));
                html.push_str(h);
            }
            _ if !html.is_empty() => {
                runs.push((
                    std::mem::take(&mut html),
                    OffsetMap(std::mem::take(&mut map)),
                ));
            }
            _ => {}
        }
    }
    if !html.is_empty() {
        runs.push((html, OffsetMap(map)));
    }
    runs
}

/// Each problem in `html`: its byte offset and what it is.
pub fn scan(html: &str) -> Vec<(usize, String)> {
    let b = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + off;
        i = lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i + 3..].find("-->").map_or(b.len(), |e| i + 3 + e + 3);
            continue;
        }
        match b.get(i) {
            Some(b'!' | b'?') => {
                i = skip_to_gt(b, i);
                continue;
            }
            Some(b'/') => {
                i = skip_to_gt(b, i);
                continue;
            }
            Some(c) if c.is_ascii_alphabetic() => {}
            _ => continue,
        }
        let name_end = i + b[i..]
            .iter()
            .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
            .unwrap_or(b.len() - i);
        let name = html[i..name_end].to_ascii_lowercase();
        if ELEMENTS.contains(&name.as_str()) {
            found.push((lt, format!("`<{name}>` runs code or embeds another page")));
        }
        let (attrs, end) = attributes(html, name_end);
        for a in attrs {
            let lname = a.name.to_ascii_lowercase();
            if lname.len() > 2 && lname.starts_with("on") {
                found.push((a.name_at, format!("event handler `{}=` runs code", a.name)));
            } else if URL_ATTRIBUTES.contains(&lname.as_str()) {
                if let Some(scheme) = a.value.as_deref().and_then(dangerous_url) {
                    found.push((
                        a.value_at,
                        format!("`{}` URL `{scheme}` runs code or carries a page", a.name),
                    ));
                }
            }
        }
        i = end;
        // The text of these elements is raw: no tags inside, up to their end tag.
        if matches!(
            name.as_str(),
            "script" | "style" | "textarea" | "title" | "xmp"
        ) {
            let close = format!("</{name}");
            i = find_ci(html, i, &close).unwrap_or(b.len());
        }
    }
    found
}

fn skip_to_gt(b: &[u8], from: usize) -> usize {
    memchr::memchr(b'>', &b[from..]).map_or(b.len(), |e| from + e + 1)
}

/// Case-insensitive search for ASCII `needle` in `hay[from..]`.
fn find_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (from..h.len().saturating_sub(n.len() - 1)).find(|&k| h[k..k + n.len()].eq_ignore_ascii_case(n))
}

struct Attribute<'a> {
    name: &'a str,
    name_at: usize,
    value: Option<String>,
    value_at: usize,
}

/// The attributes of a start tag whose name ends at `at`, and where the tag ends.
fn attributes(html: &str, mut at: usize) -> (Vec<Attribute<'_>>, usize) {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    loop {
        while at < b.len() && (b[at].is_ascii_whitespace() || b[at] == b'/') {
            at += 1;
        }
        if at >= b.len() {
            return (attrs, at);
        }
        if b[at] == b'>' {
            return (attrs, at + 1);
        }
        // A name runs to whitespace, `/`, `>` or `=` (an `=` first is part of the name).
        let name_at = at;
        at += 1;
        while at < b.len() && !b[at].is_ascii_whitespace() && !matches!(b[at], b'/' | b'>' | b'=') {
            at += 1;
        }
        let name = &html[name_at..at];
        let mut k = at;
        while k < b.len() && b[k].is_ascii_whitespace() {
            k += 1;
        }
        let (mut value, mut value_at) = (None, at);
        if k < b.len() && b[k] == b'=' {
            k += 1;
            while k < b.len() && b[k].is_ascii_whitespace() {
                k += 1;
            }
            match b.get(k) {
                Some(&q @ (b'"' | b'\'')) => {
                    value_at = k + 1;
                    let end = memchr::memchr(q, &b[k + 1..]).map_or(b.len(), |e| k + 1 + e);
                    value = Some(decode_entities(&html[k + 1..end]));
                    at = (end + 1).min(b.len());
                }
                _ => {
                    value_at = k;
                    let end = k + b[k..]
                        .iter()
                        .position(|c| c.is_ascii_whitespace() || *c == b'>')
                        .unwrap_or(b.len() - k);
                    value = Some(decode_entities(&html[k..end]));
                    at = end;
                }
            }
        }
        attrs.push(Attribute {
            name,
            name_at,
            value,
            value_at,
        });
    }
}

/// Character references in an attribute value, as a browser decodes them before it reads the
/// URL (`javascript&colon;`, `&#106;avascript:`). Only what can hide a scheme is decoded.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(rest.len());
        let body = &rest[..end];
        let decoded = if let Some(num) = body.strip_prefix("#x").or(body.strip_prefix("#X")) {
            u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
        } else if let Some(num) = body.strip_prefix('#') {
            num.parse().ok().and_then(char::from_u32)
        } else {
            match body.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = rest[end..].strip_prefix(';').unwrap_or(&rest[end..]);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// The dangerous scheme a URL starts with, the way a browser reads it (blanks and control
/// characters ignored, any case): `javascript:`, `vbscript:` or `data:text/html`.
fn dangerous_url(url: &str) -> Option<&'static str> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if cleaned.starts_with("javascript:") {
        Some("javascript:")
    } else if cleaned.starts_with("vbscript:") {
        Some("vbscript:")
    } else if cleaned.starts_with("data:text/html") {
        Some("data:")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets(html: &str) -> Vec<usize> {
        scan(html).into_iter().map(|(at, _)| at).collect()
    }

    #[test]
    fn finds_elements_handlers_and_urls() {
        assert_eq!(offsets("<script>x</script>"), [0]);
        assert_eq!(offsets("<SCRIPT src=a.js></SCRIPT>"), [0]);
        assert_eq!(offsets("a <img src=x onerror=alert(1)>"), [13]);
        assert_eq!(offsets("<div\nONCLICK='x'>"), [5]);
        assert_eq!(offsets("<a href=\"javascript:x\">"), [9]);
        assert_eq!(offsets("<a href=' JaVa\tScRiPt:x'>"), [9]);
        assert_eq!(offsets("<a href=javascript&colon;x>"), [8]);
        assert_eq!(offsets("<a href=\"&#106;avascript:x\">"), [9]);
        assert_eq!(offsets("<a href=\"&#x6A;avascript:x\">"), [9]);
        assert_eq!(
            offsets("<iframe></iframe><object></object><embed>"),
            [0, 17, 34]
        );
        assert_eq!(offsets("<a href=\"data:text/html,<b>x</b>\">"), [9]);
        assert_eq!(offsets("<form action=\"vbscript:x\">"), [14]);
    }

    #[test]
    fn leaves_safe_html_alone() {
        for safe in [
            "<a href=\"https://x.org\" title=\"online\">x</a>",
            "<span data-note=\"javascript:\">y</span>",
            "<img src=\"a.png\" alt=\"onerror=\">",
            "<!-- <script>alert(1)</script> -->",
            "<p title='<script>'>x</p>",
            "<a href=\"data:image/png;base64,AAAA\">",
            "<on>x</on>",
            "1 < 2 and 3 > 2",
            "<style>a[onclick] { color: red }</style>",
            "</script>",
            "<",
            "<a href",
            "<a href=",
            "<a href='javascript",
        ] {
            assert!(scan(safe).is_empty(), "{safe}: {:?}", scan(safe));
        }
    }

    #[test]
    fn script_text_is_not_scanned_for_tags() {
        // One problem: the script itself, not the `<iframe>` text inside it.
        assert_eq!(
            offsets("<script>document.write('<iframe>')</script><b>"),
            [0]
        );
    }

    #[test]
    fn decodes_only_references() {
        assert_eq!(decode_entities("a&amp;b"), "a&amp;b");
        assert_eq!(decode_entities("&#58;&#x3a;&colon"), ":::");
        assert_eq!(decode_entities("&"), "&");
    }
}
