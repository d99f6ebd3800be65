//! The theme's templates: compiled once ([`Renderer::new`], every required one present),
//! filled with a context into a file, and their errors placed in the template's file.

use super::highlight::Highlighter;
use crate::diagnostics::{Diagnostic, Location};
use crate::load::Theme;
use crate::url::Route;

use super::{OutFile, Renderer};

pub const REQUIRED_TEMPLATES: [&str; 14] = [
    "base.html",
    "index.html",
    "article.html",
    "section.html",
    "page.html",
    "404.html",
    "glossary.html",
    "search.html",
    "references.html",
    "tags.html",
    "tag.html",
    "term.html",
    "audience.html",
    "pager.html",
];

/// Room for what a template adds around the content it is given (head, navigation, footer):
/// the default theme's pages carry about 10 KiB of it.
pub(super) const PAGE_MARKUP_HINT: usize = 16 * 1024;

impl Renderer {
    /// Compiles the theme's templates; syntax errors name the template file and line.
    pub fn new(theme: Theme) -> Result<Renderer, Vec<Diagnostic>> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let mut diags = Vec::new();
        for name in REQUIRED_TEMPLATES {
            if !theme.templates.contains_key(name) {
                diags.push(
                    Diagnostic::error("missing-template", format!("the theme has no `{name}`"))
                        .in_file("themes")
                        .with_help("copy it from glia's default theme (themes/default/templates/)"),
                );
            }
        }
        let all: Vec<(&str, &str)> = theme
            .templates
            .iter()
            .map(|(n, t)| (n.as_str(), t.text.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(all) {
            diags.push(template_error(&e, &theme));
        }
        if diags.is_empty() {
            Ok(Renderer {
                tera,
                theme,
                highlighter: Highlighter::new(),
            })
        } else {
            Err(diags)
        }
    }

    pub(super) fn render_template<T: serde::Serialize>(
        &self,
        template: &str,
        ctx: &T,
        route: &Route,
    ) -> Result<OutFile, Diagnostic> {
        self.render_template_sized(template, ctx, route, PAGE_MARKUP_HINT)
    }

    /// [`Renderer::render_template`] into a buffer of `size_hint` bytes.
    pub(super) fn render_template_sized<T: serde::Serialize>(
        &self,
        template: &str,
        ctx: &T,
        route: &Route,
        size_hint: usize,
    ) -> Result<OutFile, Diagnostic> {
        let ctx =
            tera::Context::from_serialize(ctx).map_err(|e| template_error(&e, &self.theme))?;
        let mut bytes = Vec::with_capacity(size_hint);
        self.tera
            .render_to(template, &ctx, &mut bytes)
            .map_err(|e| template_error(&e, &self.theme))?;
        Ok(OutFile {
            path: route.as_str().to_string(),
            bytes,
        })
    }
}

/// A tera error as a diagnostic naming the template file and line.
pub(super) fn template_error(e: &tera::Error, theme: &Theme) -> Diagnostic {
    use std::error::Error as _;
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    match report {
        Some(r) => {
            let origin = theme
                .templates
                .get(r.filename())
                .map(|t| t.origin.clone())
                .unwrap_or_else(|| r.filename().to_string());
            let loc = theme.templates.get(r.filename()).map_or_else(
                || Location::at(r.span().start_line, r.span().start_col + 1),
                |t| Location::in_text(&t.text, r.span().range.clone()),
            );
            Diagnostic::error("template", format!("template error: {}", r.message()))
                .at_location(origin, loc)
                .with_help("fix the template, or remove the override to use the default theme's")
        }
        None => Diagnostic::error("template", format!("template error: {message}"))
            .in_file("themes")
            .with_help("check the theme's templates"),
    }
}
