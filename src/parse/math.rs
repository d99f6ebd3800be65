//! `$…$` and `$$…$$` rendered to MathML while building: no JavaScript, so formulas work offline
//! and in print.
//!
//! pulldown-cmark finds the math (`ENABLE_MATH`); its rules keep prices in prose as text: an
//! opening `$` must not be followed by a space and a closing `$` must not follow one, so
//! "costs $5 and $10" has no math. pandoc adds one more rule, that a closing `$` is not
//! followed by a digit ("between $5 and 10$20"): that is applied here, so the two agree.
//! Math is an event of its own, never text, so citations and glossary links never reach inside.

use pulldown_cmark::Event;
use pulldown_latex::{config::DisplayMode, Parser, RenderConfig, Storage};

use super::markdown::Spanned;
use crate::diagnostics::Diagnostic;

/// Replaces math events with MathML; LaTeX that does not parse is an error at its place.
pub fn apply(events: &mut [Spanned], file: &str, text: &str, diags: &mut Vec<Diagnostic>) {
    for (event, span) in events.iter_mut() {
        let (latex, display) = match event {
            Event::InlineMath(m) => (m.clone(), false),
            Event::DisplayMath(m) => (m.clone(), true),
            _ => continue,
        };
        let span = span.clone();
        let followed_by_digit = text
            .get(span.end..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_digit());
        if !display && followed_by_digit {
            *event = Event::Text(text[span].to_string().into());
            continue;
        }
        match mathml(&latex, display) {
            Ok(html) => *event = Event::InlineHtml(html.into()),
            Err(e) => {
                diags.push(
                    Diagnostic::error("invalid-math", format!("this formula does not parse: {e}"))
                        .at(file, text, span.clone())
                        .with_help(
                            "check the LaTeX; to write a dollar sign in prose, escape it as `\\$`",
                        ),
                );
                *event = Event::Text(text[span].to_string().into());
            }
        }
    }
}

/// MathML for one formula, with the LaTeX kept as an annotation (copy and paste, and what a
/// screen reader without MathML support can fall back on).
pub fn mathml(latex: &str, display: bool) -> Result<String, String> {
    let storage = Storage::new();
    let source = percent_in_text_literal(latex);
    let events: Vec<_> = Parser::new(&source, &storage).collect();
    if let Some(Err(e)) = events.iter().find(|e| e.is_err()) {
        // The error's own text quotes the formula with a caret; its first line says what.
        let first = e.to_string();
        let first = first.lines().next().unwrap_or("").trim();
        return Err(first.trim_start_matches("parsing error: ").to_string());
    }
    // pulldown-latex writes the annotation as it is given: escape it (`a<b`).
    let annotation = crate::html::escape(latex);
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        annotation: Some(&annotation),
        ..RenderConfig::default()
    };
    let mut out = String::new();
    pulldown_latex::push_mathml(&mut out, events.into_iter(), config).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Text-mode commands whose argument is prose, not math.
const TEXT_COMMANDS: [&str; 8] = [
    "text", "textrm", "textbf", "textit", "textsf", "texttt", "mbox", "hbox",
];

/// `%` starts a comment in LaTeX, but inside `\text{…}` MathJax and pandoc (which render the
/// formulas of Quarto and R Markdown books) print it: `\text{Relative % error}`. Escaping it
/// there gives pulldown-latex the formula those authors saw.
fn percent_in_text_literal(latex: &str) -> std::borrow::Cow<'_, str> {
    if !latex.contains('%') {
        return latex.into();
    }
    let mut out = String::with_capacity(latex.len() + 4);
    let mut chars = latex.char_indices().peekable();
    // Brace depth inside a text command's argument; 0 outside one.
    let mut depth = 0usize;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                let rest = &latex[i + 1..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                if name.is_empty() {
                    // An escaped character (`\%`, `\{`) is copied as it is.
                    if let Some((_, next)) = chars.next() {
                        out.push(next);
                    }
                    continue;
                }
                out.push_str(&name);
                for _ in 0..name.chars().count() {
                    chars.next();
                }
                if depth == 0 && TEXT_COMMANDS.contains(&name.as_str()) {
                    while let Some(&(_, w)) = chars.peek() {
                        if !w.is_whitespace() {
                            break;
                        }
                        out.push(w);
                        chars.next();
                    }
                    if let Some(&(_, '{')) = chars.peek() {
                        out.push('{');
                        chars.next();
                        depth = 1;
                    }
                }
            }
            '{' if depth > 0 => {
                depth += 1;
                out.push(c);
            }
            '}' if depth > 0 => {
                depth -= 1;
                out.push(c);
            }
            '%' if depth > 0 => out.push_str("\\%"),
            _ => out.push(c),
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use crate::parse::body as parse;

    fn html(md: &str) -> String {
        let (doc, diags) = parse(md, 0, "a.md", md);
        assert!(diags.is_empty(), "{diags:?}");
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, doc.events.into_iter().map(|(e, _)| e));
        out
    }

    #[test]
    fn dollars_in_prose_stay_text_as_in_pandoc() {
        for prose in [
            "It costs $5 and $10 a month.",
            "Between $5 and 10$20 in total.",
            "From $20,000 to $30,000.",
            "A lone $ sign.",
            "Escaped \\$x$ dollars.",
        ] {
            let out = html(prose);
            assert!(!out.contains("<math"), "{prose} → {out}");
            assert!(out.contains('$'), "{prose} → {out}");
        }
        assert!(html("An NNT of $n = 5$ here.").contains("<math"));
    }

    /// EpiMethods (tests/realworld.rs) writes `\text{Relative % error in Model SE}`, which
    /// MathJax and pandoc print; outside `\text` a `%` is still a comment, as in pandoc.
    #[test]
    fn a_percent_sign_in_text_is_printed_as_in_pandoc() {
        let out = super::mathml(
            r"\text{Relative % error} = 100 \bigg(\frac{a}{b} - 1\bigg)",
            true,
        )
        .unwrap();
        assert!(out.contains("Relative % error"), "{out}");
        assert_eq!(
            super::percent_in_text_literal(r"a % b \text{c % {d % e}} f % g \text {\%}"),
            r"a % b \text{c \% {d \% e}} f % g \text {\%}"
        );
    }

    #[test]
    fn latex_source_in_the_annotation_is_escaped() {
        let out = super::mathml("a<b", false).unwrap();
        assert!(out.contains("a&lt;b</annotation>"), "{out}");
    }
}
