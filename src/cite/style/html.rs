//! Writing hayagriva's result tree as HTML.
//!
//! hayagriva's own HTML writer neither escapes text nor avoids inline `style=` attributes, so
//! every string is escaped here, formatting becomes elements and `csl-*` classes a theme can
//! style, only http(s) links become links, and in a citation each item links to its entry.

use std::fmt::Write as _;

use hayagriva::citationberg::{
    Display, FontStyle, FontVariant, FontWeight, TextDecoration, VerticalAlign,
};
use hayagriva::{Elem, ElemChild, ElemChildren, ElemMeta};

use super::locator::split_locator;
use crate::cite::syntax::CiteItem;
use crate::html::{escape, push_escaped};

/// What a citation needs to add around each item: link target, prefix and suffix.
pub(super) struct CiteCtx<'a> {
    pub(super) items: &'a [&'a CiteItem],
    /// The citation layout's formatting (AMA's superscript), which pandoc applies to
    /// prefixes and suffixes too.
    pub(super) formatting: hayagriva::Formatting,
}

pub(super) fn write_children(
    out: &mut String,
    children: &ElemChildren,
    cite: Option<&CiteCtx>,
    in_link: bool,
) {
    for child in &children.0 {
        write_child(out, child, cite, in_link);
    }
}

fn write_child(out: &mut String, child: &ElemChild, cite: Option<&CiteCtx>, in_link: bool) {
    match child {
        ElemChild::Text(t) => write_formatted(out, &t.text, &t.formatting),
        ElemChild::Markup(m) => push_escaped(out, m),
        ElemChild::Link { text, url } => {
            let safe = url.starts_with("https://") || url.starts_with("http://");
            if safe && !in_link {
                let _ = write!(out, "<a class=\"csl-link\" href=\"{}\">", escape(url));
                write_formatted(out, &text.text, &text.formatting);
                out.push_str("</a>");
            } else {
                write_formatted(out, &text.text, &text.formatting);
            }
        }
        ElemChild::Transparent { .. } => {}
        ElemChild::Elem(e) => write_elem(out, e, cite, in_link),
    }
}

fn write_elem(out: &mut String, e: &Elem, cite: Option<&CiteCtx>, in_link: bool) {
    // Inside a citation, block displays would break the paragraph: use spans there.
    let tag = if cite.is_some() { "span" } else { "div" };
    let class = e.display.map(|d| match d {
        Display::Block => "csl-block",
        Display::Indent => "csl-indent",
        Display::LeftMargin => "csl-left-margin",
        Display::RightInline => "csl-right-inline",
    });
    if let Some(class) = class {
        let _ = write!(out, "<{tag} class=\"{class}\">");
    }
    match (&e.meta, cite) {
        (Some(ElemMeta::Entry(i)), Some(ctx)) if !e.children.is_empty() => {
            if let Some(item) = ctx.items.get(*i) {
                if !item.prefix.is_empty() {
                    let prefix = crate::cite::rich::text_only(&item.prefix);
                    write_formatted(out, &format!("{prefix} "), &ctx.formatting);
                }
                let _ = write!(
                    out,
                    "<a href=\"#{}\">",
                    escape(&crate::ids::reference(&item.key))
                );
                write_children(out, &e.children, cite, true);
                out.push_str("</a>");
                if let (_, Some(suffix)) = split_locator(&item.locator) {
                    let suffix = crate::cite::rich::text_only(suffix);
                    write_formatted(out, &format!(", {suffix}"), &ctx.formatting);
                }
            } else {
                write_children(out, &e.children, cite, in_link);
            }
        }
        _ => write_children(out, &e.children, cite, in_link),
    }
    if class.is_some() {
        let _ = write!(out, "</{tag}>");
    }
}

fn write_formatted(out: &mut String, text: &str, f: &hayagriva::Formatting) {
    let mut close: Vec<&str> = Vec::new();
    let mut open = |out: &mut String, tag: &'static str, end: &'static str| {
        out.push_str(tag);
        close.push(end);
    };
    if f.font_style == FontStyle::Italic {
        open(out, "<i>", "</i>");
    }
    match f.font_weight {
        FontWeight::Bold => open(out, "<b>", "</b>"),
        FontWeight::Light => open(out, "<span class=\"csl-light\">", "</span>"),
        FontWeight::Normal => {}
    }
    if f.font_variant == FontVariant::SmallCaps {
        open(out, "<span class=\"csl-small-caps\">", "</span>");
    }
    if f.text_decoration == TextDecoration::Underline {
        open(out, "<span class=\"csl-underline\">", "</span>");
    }
    match f.vertical_align {
        VerticalAlign::Sup => open(out, "<sup>", "</sup>"),
        VerticalAlign::Sub => open(out, "<sub>", "</sub>"),
        _ => {}
    }
    // Reference strings may carry CSL rich text (`<i>`, `<sup>`…): those tags become
    // elements, everything else is escaped.
    crate::cite::rich::push_html(out, text);
    for end in close.iter().rev() {
        out.push_str(end);
    }
}

pub(super) fn write_plain(out: &mut String, children: &[ElemChild]) {
    for child in children {
        match child {
            ElemChild::Text(t) => out.push_str(&crate::cite::rich::to_plain(&t.text)),
            ElemChild::Markup(m) => out.push_str(m),
            ElemChild::Link { text, .. } => out.push_str(&text.text),
            ElemChild::Transparent { .. } => {}
            ElemChild::Elem(e) => write_plain(out, &e.children.0),
        }
    }
}

pub(super) fn normalise_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use crate::cite::style::tests::{bib, REFS};
    use crate::cite::style::{StyleChoice, Styler};
    use crate::cite::syntax::find_citations;

    #[test]
    fn everything_from_references_is_escaped() {
        let styler = Styler::load(&StyleChoice::Apa).unwrap();
        let doc = styler
            .format_document(&bib(REFS), &find_citations("[see @a, p. 2]"))
            .unwrap();
        let html = &doc.entries[0].html;
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"),
            "{html}"
        );
        assert!(!html.contains("style="), "{html}");
        assert!(
            doc.citations[0]
                .html
                .contains("see <a href=\"#ref-a\">Smith, 2020, p. 2</a>"),
            "{}",
            doc.citations[0].html
        );
    }
}
