//! `placeholder-text`: the summary and first line `glia new article` writes are there to be
//! replaced; published as they are, they read as if the page were unfinished.

use super::key_span;
use crate::diagnostics::Diagnostic;
use crate::parse::ParsedPage;
use crate::scaffold::{PLACEHOLDER_BODY, PLACEHOLDER_SUMMARY};

pub const CODE: &str = "placeholder-text";

pub fn check(page: &ParsedPage, diags: &mut Vec<Diagnostic>) {
    if page.fm.summary.as_deref().map(str::trim) == Some(PLACEHOLDER_SUMMARY) {
        diags.push(
            Diagnostic::warning(CODE, "the summary is still the placeholder from `glia new`")
                .at(&page.file, &page.text, summary_span(page))
                .with_help(
                    "write one or two sentences on what the page tells its reader; listings \
                     and search results show them",
                ),
        );
    }
    let body = page.body_offset.min(page.text.len());
    if let Some(at) = page.text[body..].find(PLACEHOLDER_BODY) {
        let at = body + at;
        diags.push(
            Diagnostic::warning(CODE, "this line is still the placeholder from `glia new`")
                .at(&page.file, &page.text, at..at + PLACEHOLDER_BODY.len())
                .with_help("replace it with the page's opening"),
        );
    }
}

/// The summary's value on its line, or its key when the value is written otherwise.
fn summary_span(page: &ParsedPage) -> std::ops::Range<usize> {
    let key = key_span(page, "summary");
    let line = page.text[key.end..].split('\n').next().unwrap_or("");
    match line.find(PLACEHOLDER_SUMMARY) {
        Some(i) => key.end + i..key.end + i + PLACEHOLDER_SUMMARY.len(),
        None => key,
    }
}
