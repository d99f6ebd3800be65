//! Problems found while building, as plain values.
//!
//! Every stage reports problems by pushing a [`Diagnostic`] instead of returning early, so one
//! build shows an editor *all* of its mistakes at once. A diagnostic records where it happened as
//! a byte range in the source file and turns that into `line:col` when it is created (the text is
//! at hand then; later it may not be). Printing is deliberately hand-written rather than done with
//! codespan-reporting: the header must carry the location on its first line
//! (`error[unknown-key]: content/a.md:3:1: …`) so editors and CI logs can jump straight to it,
//! and that layout is not one codespan offers.

use std::fmt::{self, Write as _};
use std::ops::Range;

/// How bad a problem is. Ordered so that sorting puts errors first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// Where in a file a problem is. Lines and columns are 1-based; columns count characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    /// The whole source line, for the caret display. Absent when the file is not text.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters of `source_line` the caret underlines (at least one).
    #[serde(skip)]
    pub width: usize,
}

impl Location {
    /// Locates byte range `span` inside `text`. Offsets past the end or inside a character are
    /// clamped, so a slightly wrong span still points somewhere sensible instead of panicking.
    pub fn in_text(text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..start].matches('\n').count() + 1;
        Self::on_line(text, span, line, line_start)
    }

    /// As [`Location::in_text`] with a `lines` index of `text`, for many locations in one
    /// big file (a bibliography) without counting its lines again for each.
    pub fn in_indexed_text(text: &str, lines: &LineIndex, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line = lines.0.partition_point(|&s| s <= start);
        Self::on_line(text, span, line, lines.0[line - 1])
    }

    fn on_line(text: &str, span: Range<usize>, line: usize, line_start: usize) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let column = text[line_start..start].chars().count() + 1;
        let source_line = text[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let width = text[start..end.min(line_end)].chars().count().max(1);
        Location {
            line,
            column,
            source_line: Some(source_line),
            width,
        }
    }

    /// A location known only by line and column (for example inside a file that is not UTF-8).
    pub fn at(line: usize, column: usize) -> Location {
        Location {
            line,
            column,
            source_line: None,
            width: 1,
        }
    }
}

/// Where each line of a text starts (byte offsets; the first is 0).
pub struct LineIndex(Vec<usize>);

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1);
        LineIndex(std::iter::once(0).chain(starts).collect())
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem, with enough context for an editor to fix it without reading glia's source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable name (`unknown-key`, `broken-link`), usable in `--allow` and in JSON output.
    pub code: &'static str,
    /// Path as the editor knows it: relative to the site root, with `/` separators.
    pub file: Option<String>,
    pub location: Option<Location>,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            file: None,
            location: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, message)
    }

    /// Names the file without a position (a problem with the file as a whole).
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Names the file and the byte range `span` of `text`, the file's full contents.
    pub fn at(mut self, file: impl Into<String>, text: &str, span: Range<usize>) -> Self {
        self.file = Some(file.into());
        self.location = Some(Location::in_text(text, span));
        self
    }

    pub fn at_location(mut self, file: impl Into<String>, location: Location) -> Self {
        self.file = Some(file.into());
        self.location = Some(location);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, `file`, or nothing, as printed in the header.
    pub fn position(&self) -> Option<String> {
        match (&self.file, &self.location) {
            (Some(f), Some(l)) => Some(format!("{}:{}:{}", display_name(f), l.line, l.column)),
            (Some(f), None) => Some(display_name(f).into_owned()),
            _ => None,
        }
    }

    fn sort_key(&self) -> (Option<&str>, usize, usize, Severity, &str) {
        let (line, col) = self
            .location
            .as_ref()
            .map_or((0, 0), |l| (l.line, l.column));
        (
            self.file.as_deref(),
            line,
            col,
            self.severity,
            self.message.as_str(),
        )
    }
}

impl fmt::Display for Diagnostic {
    /// rustc-style: header with position, the source line with a caret, then `help:`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: ", self.severity, self.code)?;
        if let Some(pos) = self.position() {
            write!(f, "{pos}: ")?;
        }
        writeln!(f, "{}", self.message)?;
        if let Some(Location {
            line,
            column,
            source_line: Some(src),
            width,
        }) = &self.location
        {
            let num = line.to_string();
            let pad = " ".repeat(num.len());
            let shown: String = src.replace('\t', " ");
            writeln!(f, "{pad} |")?;
            writeln!(f, "{num} | {shown}")?;
            let mut caret = String::new();
            let _ = write!(
                caret,
                "{}{}",
                " ".repeat(column.saturating_sub(1)),
                "^".repeat(*width)
            );
            writeln!(f, "{pad} | {caret}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// A file name (or any name taken from one) as diagnostics print it: control characters and
/// the invisible Unicode format characters escaped (`\n`, `\u{202e}`), so a hostile name can
/// neither break a terminal line nor reorder what the editor reads.
pub fn display_name(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.chars().any(crate::url::unsafe_name_char) {
        return name.into();
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        if c.is_control() || (crate::url::unsafe_name_char(c) && !c.is_ascii()) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// The problems of one run, kept in a stable order so output never depends on thread timing.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, position, severity and message; exact duplicates removed.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// `2 errors, 5 warnings in 14 files`; with nothing to report, just `0 errors, 0 warnings`
    /// ("in 0 files" read as if nothing had been checked).
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let files: std::collections::BTreeSet<_> = self
            .items
            .iter()
            .filter_map(|d| d.file.as_deref())
            .collect();
        let mut parts = vec![
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
        ];
        let notes = self.count(Severity::Note);
        if notes > 0 {
            parts.push(plural(notes, "note"));
        }
        if files.is_empty() {
            parts.join(", ")
        } else {
            format!("{} in {}", parts.join(", "), plural(files.len(), "file"))
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The closest of `candidates` to `word`, if any is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_l, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Up to `n` candidates closest to `word`, best first (for "known keys are: …" hints).
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let word_l = word.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_l, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column_in_characters() {
        let text = "a\nbé tittle: x\n";
        let at = text.find("tittle").unwrap();
        let loc = Location::in_text(text, at..at + 6);
        assert_eq!((loc.line, loc.column, loc.width), (2, 4, 6));
        assert_eq!(loc.source_line.as_deref(), Some("bé tittle: x"));
    }

    #[test]
    fn prints_position_caret_and_help() {
        let text = "---\ntittle: x\n---\n";
        let d = Diagnostic::error("unknown-key", "unknown front-matter key `tittle`")
            .at("content/a.md", text, 4..10)
            .with_help("did you mean `title`?");
        let s = d.to_string();
        assert!(s.starts_with("error[unknown-key]: content/a.md:2:1: unknown"));
        assert!(s.contains("2 | tittle: x\n  | ^^^^^^\n"));
        assert!(s.contains("= help: did you mean `title`?"));
    }

    #[test]
    fn suggests_close_words_only() {
        let keys = ["title", "summary", "tags"];
        assert_eq!(did_you_mean("tittle", keys), Some("title"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }
}
