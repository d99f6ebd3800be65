//! CSL rich text: reference strings may hold `<i>`, `<b>`, `<sup>` and `<sub>`, the markup
//! CSL-JSON allows inside a string (citeproc-js and pandoc read it; Zotero writes it), and
//! CSL-JSON's spans, which print as their text: `<span class="nocase">…</span>`, text whose
//! case a style's text case must not change (Zotero's CSL-JSON holds it), small capitals and
//! `nodecor`. The BibTeX reader
//! produces it from LaTeX (`\emph{…}`, `$I^2$`, braces; see [`super::latex`]).
//!
//! Only those exact tags are markup; any other `<` is text. Everything else is escaped
//! when written as HTML, so a reference can never inject an element of its own.

/// A `<` that is text and never starts markup: what [`text_only`] puts in place of `<` in
/// strings the author wrote in a citation (prefix, locator, suffix), which are never rich text.
/// A private-use character, so no reference or style produces it.
const LT: char = '\u{E000}';

/// `s` with every `<` made text for [`push_html`] (which then writes `&lt;`).
pub fn text_only(s: &str) -> String {
    s.replace('<', &LT.to_string())
}

/// The tags that are markup, as written in the string and as written in HTML.
const TAGS: &[&str] = &["i", "b", "sup", "sub"];

/// The opening tag of case-protected text, named `nocase`; `</span>` (named `span`) closes it.
pub(crate) const NOCASE_OPEN: &str = "<span class=\"nocase\">";
pub(crate) const SPAN_CLOSE: &str = "</span>";

/// CSL-JSON's spans (the `nocase` one above, small capitals, no decoration): each prints as
/// its text, and `</span>` closes the last one opened.
const SPANS: &[(&str, &str)] = &[
    (NOCASE_OPEN, "nocase"),
    ("<span style=\"font-variant:small-caps;\">", "smallcaps"),
    ("<span class=\"nodecor\">", "nodecor"),
];

/// A tag at the start of `s`: (`true` for a closing tag, its name, its length in bytes).
fn tag_at(s: &str) -> Option<(bool, &'static str, usize)> {
    if let Some((open, name)) = SPANS.iter().find(|(open, _)| s.starts_with(open)) {
        return Some((false, name, open.len()));
    }
    if s.starts_with(SPAN_CLOSE) {
        return Some((true, "span", SPAN_CLOSE.len()));
    }
    let rest = s.strip_prefix('<')?;
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    TAGS.iter().find_map(|&t| {
        rest.strip_prefix(t)
            .filter(|r| r.starts_with('>'))
            .map(|_| (closing, t, 1 + usize::from(closing) + t.len() + 1))
    })
}

/// The markup tag `s` starts with, if it starts with one: (`true` for a closing tag, its name,
/// its length in bytes), for a reader of a rich string that must step over markup.
pub(crate) fn markup_at(s: &str) -> Option<(bool, &'static str, usize)> {
    tag_at(s)
}

/// Whether a tag named `name` (from [`markup_at`]) opens or closes a span.
pub(crate) fn is_span(name: &str) -> bool {
    name == "span" || SPANS.iter().any(|(_, n)| *n == name)
}

/// `text` without its spans (their text stays): for strings handed to a formatter that does
/// not read them.
pub(crate) fn without_spans(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<span") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match tag_at(rest) {
            Some((_, name, len)) if is_span(name) => rest = &rest[len..],
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Appends `text` as HTML: markup tags become elements, everything else is escaped, and any
/// element left open at the end is closed (a style may cut a string), so the output always nests.
pub fn push_html(out: &mut String, text: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        crate::html::push_escaped(out, &rest[..at].replace(LT, "<"));
        let here = &rest[at..];
        match tag_at(here) {
            // Spans print as their text (case protection is for the formatter).
            Some((_, name, len)) if is_span(name) => rest = &here[len..],
            Some((false, tag, len)) => {
                out.push('<');
                out.push_str(tag);
                out.push('>');
                open.push(tag);
                rest = &here[len..];
            }
            Some((true, tag, len)) if open.last() == Some(&tag) => {
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
                open.pop();
                rest = &here[len..];
            }
            // A closing tag that closes nothing is dropped.
            Some((true, _, len)) => rest = &here[len..],
            None => {
                crate::html::push_escaped(out, "<");
                rest = &here[1..];
            }
        }
    }
    crate::html::push_escaped(out, &rest.replace(LT, "<"));
    while let Some(tag) = open.pop() {
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
}

/// The text without its markup, for plain-text outputs (RIS, search, metadata).
pub fn to_plain(text: &str) -> String {
    if !text.contains('<') {
        return text.replace(LT, "<");
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let here = &rest[at..];
        match tag_at(here) {
            Some((_, _, len)) => rest = &here[len..],
            None => {
                out.push('<');
                rest = &here[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace(LT, "<")
}

/// The markup as LaTeX commands, for BibTeX downloads; `escape` escapes the text between.
pub fn to_latex(text: &str, escape: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut plain = String::new();
    while let Some(at) = rest.find('<') {
        plain.push_str(&rest[..at]);
        let here = &rest[at..];
        match tag_at(here) {
            Some((closing, tag, len)) => {
                out.push_str(&escape(&plain));
                plain.clear();
                if closing {
                    out.push('}');
                } else {
                    out.push_str(match tag {
                        // Braces are BibTeX's case protection.
                        "nocase" | "nodecor" => "{",
                        "smallcaps" => "\\textsc{",
                        "i" => "\\textit{",
                        "b" => "\\textbf{",
                        "sup" => "\\textsuperscript{",
                        _ => "\\textsubscript{",
                    });
                }
                rest = &here[len..];
            }
            None => {
                plain.push('<');
                rest = &here[1..];
            }
        }
    }
    plain.push_str(rest);
    out.push_str(&escape(&plain));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_elements_and_the_rest_is_escaped() {
        let mut out = String::new();
        push_html(
            &mut out,
            "I<sup>2</sup> & <i>E. coli</i> (p < .05) <script>x</script>",
        );
        assert_eq!(
            out,
            "I<sup>2</sup> &amp; <i>E. coli</i> (p &lt; .05) &lt;script&gt;x&lt;/script&gt;"
        );
    }

    #[test]
    fn text_only_strings_never_become_markup() {
        let mut out = String::new();
        push_html(&mut out, &text_only("p. <i>4</i>"));
        assert_eq!(out, "p. &lt;i&gt;4&lt;/i&gt;");
        assert_eq!(to_plain(&text_only("<b>")), "<b>");
    }

    #[test]
    fn unbalanced_markup_still_nests() {
        let mut out = String::new();
        push_html(&mut out, "</b>a <i>b <b>c");
        assert_eq!(out, "a <i>b <b>c</b></i>");
    }

    #[test]
    fn case_protection_prints_as_its_text() {
        let s = "A <span class=\"nocase\">ehsanx/TMLEworkshop <i>in</i> R</span> guide";
        let mut out = String::new();
        push_html(&mut out, s);
        assert_eq!(out, "A ehsanx/TMLEworkshop <i>in</i> R guide");
        assert_eq!(to_plain(s), "A ehsanx/TMLEworkshop in R guide");
        assert_eq!(without_spans(s), "A ehsanx/TMLEworkshop <i>in</i> R guide");
        assert_eq!(
            to_latex(s, str::to_string),
            "A {ehsanx/TMLEworkshop \\textit{in} R} guide"
        );
        // A `</span>` outside protection is markup that closes nothing: dropped.
        assert_eq!(to_plain("a</span>b"), "ab");
        // Zotero's small capitals print as their text.
        let sc = "<span style=\"font-variant:small-caps;\">Ssri</span> use";
        let mut out = String::new();
        push_html(&mut out, sc);
        assert_eq!(out, "Ssri use");
        assert_eq!(to_latex(sc, str::to_string), "\\textsc{Ssri} use");
    }

    #[test]
    fn plain_and_latex() {
        assert_eq!(to_plain("I<sup>2</sup> p < .05"), "I2 p < .05");
        assert_eq!(
            to_latex("<i>a</i> & I<sup>2</sup>", |s| s.replace('&', "\\&")),
            "\\textit{a} \\& I\\textsuperscript{2}"
        );
    }
}
