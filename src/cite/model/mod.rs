//! Reference data: every bibliography format read into the same validated [`Reference`],
//! each entry with the file and place it was written.
//!
//! Every input format (glia YAML, BibTeX/BibLaTeX, CSL-JSON) is turned into the same plain
//! [`Reference`] before anything is formatted, so a work looks the same whichever file it came
//! from, and the safety checks (DOI shape, http(s)-only URLs) run once for all of them. Each
//! format has its own reader because each goes wrong in its own way (a misspelt YAML key, a
//! BibTeX brace too many, a JSON type outside CSL); this module picks the reader by extension
//! and turns every reader's field problems into diagnostics at the field's place in the file.
//! Merging the files of a site into one set is [`super::bibliography`]'s, which keeps this
//! module free of the CSL-JSON writer the merge needs.

mod bibtex;
mod csl_json;
mod input;
mod reference;
mod yaml;

use std::ops::Range;

use crate::diagnostics::{Diagnostic, LineIndex, Location};

pub use input::RefInput;
pub use reference::{Date, Name, Reference, CSL_TYPES};

use bibtex::load_bib;
use csl_json::load_csl_json;
use reference::FieldProblem;
use yaml::{entry_spans_by_id, load_yaml};

/// A reference together with where it was defined, for diagnostics about duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedRef {
    pub reference: Reference,
    /// Display path of the defining file (a bibliography file or an article).
    pub file: String,
    /// Byte range where the entry starts in that file, best effort (`0..0` when unknown).
    pub span: Range<usize>,
    /// `span` as line and column, computed while the file's text was at hand.
    pub location: Option<Location>,
}

fn problems_to_diagnostics(
    file: &str,
    text: &str,
    entry: Range<usize>,
    id: &str,
    problems: Vec<FieldProblem>,
) -> Vec<Diagnostic> {
    problems
        .into_iter()
        .map(|p| {
            let span = find_field(text, entry.clone(), &p.field, false).unwrap_or(entry.clone());
            let mut d = Diagnostic::error(p.code, format!("reference `{id}`: {}", p.message))
                .at(file, text, span);
            if let Some(h) = p.help {
                d = d.with_help(h);
            }
            d
        })
        .collect()
}

/// Where `field` is written inside the entry at `entry` (`field:`, `"field":` or
/// `field = `), pointing at the value when there is one on the same line, unless `at_key`.
fn find_field(text: &str, entry: Range<usize>, field: &str, at_key: bool) -> Option<Range<usize>> {
    let region = text.get(entry.start..entry.end.max(entry.start))?;
    let mut from = 0;
    while let Some(rel) = region[from..].find(field) {
        let start = from + rel;
        from = start + field.len();
        let before = region[..start].chars().next_back();
        let boundary_before = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let after = region[from..].trim_start_matches('"').trim_start();
        let key_like = after.starts_with(':') || after.starts_with('=');
        if !(boundary_before && key_like) || field.is_empty() {
            continue;
        }
        let value_start = from + (region[from..].len() - after.len()) + 1;
        let line_end = region[value_start..]
            .find('\n')
            .map_or(region.len(), |i| value_start + i);
        let value = region[value_start..line_end].trim();
        let abs = entry.start;
        if at_key || value.is_empty() || value == "[" || value == "{" {
            return Some(abs + start..abs + start + field.len());
        }
        let vstart = value_start + region[value_start..line_end].find(value).unwrap_or(0);
        return Some(abs + vstart..abs + vstart + value.len());
    }
    None
}

/// The keys a bibliography file means to define, read leniently from its text (`@type{key,`,
/// `id: key`, `"id": "key"`, a YAML map's top-level keys): for a file that could not be read,
/// so a citation of one of its works is not also reported as unknown, an error whose help
/// would send the editor to add a work that is there.
pub fn declared_keys(display_path: &str, text: &str) -> Vec<String> {
    let ext = display_path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let word = |s: &str| -> String {
        s.trim()
            .trim_matches(['"', '\''])
            .split([',', '"', '\'', '}', ' ', '\t'])
            .next()
            .unwrap_or("")
            .to_string()
    };
    let mut keys: Vec<String> = match ext.as_str() {
        "bib" | "bibtex" => text
            .split('@')
            .skip(1)
            .filter_map(|entry| {
                let (kind, rest) = entry.split_once(['{', '('])?;
                let kind = kind.trim().to_ascii_lowercase();
                let plain = !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_alphabetic());
                (plain && !matches!(kind.as_str(), "comment" | "string" | "preamble"))
                    .then(|| word(rest.split(['\n', ',']).next().unwrap_or("")))
            })
            .collect(),
        "json" => text
            .split("\"id\"")
            .skip(1)
            .filter_map(|rest| rest.trim_start().strip_prefix(':'))
            .map(word)
            .collect(),
        _ => text
            .lines()
            .filter_map(|line| {
                let id = line.trim_start().trim_start_matches('-').trim_start();
                if let Some(v) = id.strip_prefix("id:") {
                    return Some(word(v));
                }
                let top = !line.starts_with([' ', '\t', '#', '-']);
                top.then(|| line.split_once(':').map(|(k, _)| word(k)))
                    .flatten()
            })
            .collect(),
    };
    keys.retain(|k| !k.is_empty());
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Loads one bibliography file, choosing the reader by extension.
///
/// Problems never abort the file: every good entry is returned along with a diagnostic per bad
/// one, so an editor sees all mistakes at once.
pub fn load_bibliography_file(display_path: &str, text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
    let ext = display_path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "yaml" | "yml" => load_yaml(display_path, text),
        "bib" | "bibtex" => load_bib(display_path, text),
        "json" => load_csl_json(display_path, text),
        _ => (
            vec![],
            vec![Diagnostic::error(
                "bibliography-format",
                format!("cannot read `{display_path}` as a bibliography"),
            )
            .in_file(display_path)
            .with_help(
                "use a .yaml/.yml (glia's shape), .bib (BibTeX/BibLaTeX) or .json (CSL-JSON) file",
            )],
        ),
    }
}

/// Validates references written in an article's front-matter. `text` is the whole file, used
/// only to locate each entry (by its `id:` line) for diagnostics.
pub fn load_inline_references(
    file: &str,
    text: &str,
    inputs: Vec<RefInput>,
) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
    let spans = entry_spans_by_id(text, inputs.iter().map(|r| r.id()));
    let lines = LineIndex::new(text);
    let mut refs = Vec::new();
    let mut diags = Vec::new();
    for (input, span) in inputs.into_iter().zip(spans) {
        finish_input((file, text, &lines), span, input, &mut refs, &mut diags);
    }
    (refs, diags)
}

fn finish_input(
    (file, text, lines): (&str, &str, &LineIndex),
    span: Range<usize>,
    input: RefInput,
    refs: &mut Vec<LoadedRef>,
    diags: &mut Vec<Diagnostic>,
) {
    let id = input.id().to_string();
    match input.into_reference() {
        Ok(reference) => refs.push(loaded(file, text, lines, span, reference)),
        Err(problems) => diags.extend(problems_to_diagnostics(file, text, span, &id, problems)),
    }
}

fn loaded(
    file: &str,
    text: &str,
    lines: &LineIndex,
    span: Range<usize>,
    reference: Reference,
) -> LoadedRef {
    let start = span.start;
    LoadedRef {
        reference,
        file: file.to_string(),
        location: Some(Location::in_indexed_text(text, lines, start..start)),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_keys_are_read_from_files_that_do_not_parse() {
        assert_eq!(
            declared_keys(
                "r.bib",
                "@comment{x}\n@article{a2020,\n title = {T\n@book( b ,\n@string{s = 1}\n"
            ),
            ["a2020", "b"]
        );
        assert_eq!(
            declared_keys(
                "r.json",
                "[{\"id\": \"a\", \"title\": \"T\"}, {\"id\":\"b\""
            ),
            ["a", "b"]
        );
        assert_eq!(
            declared_keys("r.yaml", "- id: a\n  title: \"T\n- id: 'b'\n"),
            ["a", "b"]
        );
        assert_eq!(
            declared_keys("r.yml", "# refs\nsmith2020:\n  title: [T\njones:\n"),
            ["jones", "smith2020"]
        );
    }
}
