//! glia's YAML bibliography files (a list of entries or a map keyed by id), and locating
//! entries in YAML text for diagnostics.
//!
//! The file is read as a plain YAML value first and each entry is then decoded into a
//! [`RefInput`] on its own, so one entry's bad field does not hide the other entries' problems.
//! serde_yaml gives no positions inside a value, so each entry's region is found in the text
//! (its list dash, top-level key or `id:` line) to place the diagnostic.

use std::ops::Range;

use crate::diagnostics::{did_you_mean, Diagnostic, LineIndex};

use super::input::RefInput;
use super::{find_field, finish_input, LoadedRef};

/// Best-effort entry regions: from each entry's `id:` line (or list dash before it) to the
/// next entry's start.
pub(super) fn entry_spans_by_id<'a>(
    text: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Vec<Range<usize>> {
    let mut starts = Vec::new();
    let mut search_from = 0;
    for id in ids {
        let found = find_id_line(text, id, search_from).or_else(|| find_id_line(text, id, 0));
        if let Some(s) = found {
            search_from = s + 1;
        }
        starts.push(found);
    }
    let mut sorted: Vec<usize> = starts.iter().flatten().copied().collect();
    sorted.sort_unstable();
    starts
        .into_iter()
        .map(|s| match s {
            Some(s) => {
                let end = sorted
                    .iter()
                    .find(|&&n| n > s)
                    .copied()
                    .unwrap_or(text.len());
                s..end
            }
            None => 0..0,
        })
        .collect()
}

/// The start of the line holding `id: <id>` (quoted or not), at or after `from`.
fn find_id_line(text: &str, id: &str, from: usize) -> Option<usize> {
    let mut pos = from;
    while pos <= text.len() {
        let rel = text.get(pos..)?.find("id:")?;
        let at = pos + rel;
        pos = at + 3;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let lead = text[line_start..at].trim_start_matches([' ', '\t']);
        if !(lead.is_empty() || lead == "- ") {
            continue;
        }
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let value = text[at + 3..line_end]
            .split(" #")
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        if value == id {
            return Some(line_start);
        }
    }
    None
}

fn yaml_error(file: &str, text: &str, e: &serde_yaml::Error) -> Diagnostic {
    let d = Diagnostic::error("bibliography-syntax", format!("invalid YAML: {e}"));
    match e.location() {
        Some(loc) => d.at(file, text, loc.index()..loc.index() + 1),
        None => d.in_file(file),
    }
}

pub(super) fn load_yaml(file: &str, text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
    // Diagnostics locate every entry: count the file's lines once, not once per entry.
    let lines = LineIndex::new(text);
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => return (vec![], vec![yaml_error(file, text, &e)]),
    };
    // Collect (entry value, region) pairs for both accepted shapes.
    let mut entries: Vec<(serde_yaml::Value, Range<usize>, String)> = Vec::new();
    let mut diags = Vec::new();
    match value {
        serde_yaml::Value::Null => {}
        serde_yaml::Value::Sequence(items) => {
            let starts = top_level_starts(text, |line| line.starts_with('-'));
            let by_index = starts.len() == items.len();
            let ids: Vec<String> = items
                .iter()
                .map(|v| yaml_id(v.get("id")).unwrap_or_default())
                .collect();
            let by_id = entry_spans_by_id(text, ids.iter().map(String::as_str));
            for (i, item) in items.into_iter().enumerate() {
                let span = if by_index {
                    starts[i].clone()
                } else {
                    by_id[i].clone()
                };
                entries.push((item, span, ids[i].clone()));
            }
        }
        serde_yaml::Value::Mapping(map) => {
            let starts = top_level_starts(text, |line| {
                !line.starts_with(['#', ' ', '\t', '-']) && line.contains(':')
            });
            let by_index = starts.len() == map.len();
            for (i, (k, mut v)) in map.into_iter().enumerate() {
                let key = yaml_id(Some(&k)).unwrap_or_default();
                let span = if by_index { starts[i].clone() } else { 0..0 };
                if let serde_yaml::Value::Mapping(m) = &mut v {
                    let id_key = serde_yaml::Value::String("id".into());
                    match yaml_id(m.get(&id_key)) {
                        None => {
                            m.insert(id_key, serde_yaml::Value::String(key.clone()));
                        }
                        // Two names for one entry would make citations resolve unpredictably.
                        Some(inner) if inner != key => {
                            diags.push(
                                Diagnostic::error(
                                    "bad-reference",
                                    format!("reference `{key}` has a different `id: {inner}`"),
                                )
                                .at(file, text, span.clone())
                                .with_help("in a map of references the key is the id: drop `id:`"),
                            );
                            continue;
                        }
                        Some(_) => {}
                    }
                }
                entries.push((v, span, key));
            }
        }
        _ => diags.push(
            Diagnostic::error(
                "bibliography-syntax",
                "a YAML bibliography must be a list of references or a map from key to fields",
            )
            .in_file(file),
        ),
    }
    let mut refs = Vec::new();
    for (value, span, id) in entries {
        match serde_yaml::from_value::<RefInput>(value) {
            Ok(input) => finish_input((file, text, &lines), span, input, &mut refs, &mut diags),
            Err(e) => diags.push(serde_problem(file, text, span, &id, &e.to_string())),
        }
    }
    (refs, diags)
}

fn yaml_id(v: Option<&serde_yaml::Value>) -> Option<String> {
    match v? {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Regions of the top-level entries, from one start line to the next.
fn top_level_starts(text: &str, is_start: impl Fn(&str) -> bool) -> Vec<Range<usize>> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line != "---\n" && line != "---" && is_start(line) {
            starts.push(offset);
        }
        offset += line.len();
    }
    let mut spans = Vec::new();
    for (i, &s) in starts.iter().enumerate() {
        spans.push(s..starts.get(i + 1).copied().unwrap_or(text.len()));
    }
    spans
}

/// Turns serde's message for one entry into a diagnostic pointing at the offending field, with
/// a did-you-mean for unknown fields.
fn serde_problem(
    file: &str,
    text: &str,
    entry: Range<usize>,
    id: &str,
    message: &str,
) -> Diagnostic {
    let who = if id.is_empty() {
        "reference".to_string()
    } else {
        format!("reference `{id}`")
    };
    let message = message.split(" at line ").next().unwrap_or(message);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let span = find_field(text, entry.clone(), field, true).unwrap_or(entry.clone());
        let known: &[&str] = if message.contains("`family`") {
            &["family", "given", "literal"]
        } else {
            RefInput::FIELDS
        };
        let help = match did_you_mean(field, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known fields are: {}", known.join(", ")),
        };
        return Diagnostic::error("unknown-field", format!("{who}: unknown field `{field}`"))
            .at(file, text, span)
            .with_help(help);
    }
    Diagnostic::error("bad-reference", format!("{who}: {message}")).at(file, text, entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::model::{load_bibliography_file, Date, Name};

    fn yaml(text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
        load_bibliography_file("refs.yaml", text)
    }

    #[test]
    fn reads_glia_yaml_list() {
        let (refs, diags) = yaml(
            "- id: a\n  title: T\n  authors: [Smith JA, {family: Doe, given: Jane}, {literal: WHO}]\n  year: 2020\n  volume: 8\n  pmid: 123\n",
        );
        assert_eq!(diags, vec![]);
        let r = &refs[0].reference;
        assert_eq!(r.kind, "article-journal");
        assert_eq!(
            r.authors,
            vec![
                Name::Person {
                    family: "Smith".into(),
                    given: Some("J. A.".into())
                },
                Name::Person {
                    family: "Doe".into(),
                    given: Some("Jane".into())
                },
                Name::Literal("WHO".into()),
            ]
        );
        assert_eq!(r.volume.as_deref(), Some("8"));
        assert_eq!(r.pmid.as_deref(), Some("123"));
        assert_eq!(
            r.issued,
            Some(Date {
                year: 2020,
                month: None,
                day: None
            })
        );
    }

    #[test]
    fn reads_glia_yaml_map() {
        let (refs, diags) = yaml("a:\n  title: T\nb:\n  title: U\n  type: book\n");
        assert_eq!(diags, vec![]);
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].reference.id, "b");
        assert_eq!(refs[1].location.as_ref().map(|l| l.line), Some(3));
    }

    #[test]
    fn map_key_and_inner_id_must_agree() {
        let (refs, diags) = yaml("a:\n  id: b\n  title: T\n");
        assert!(refs.is_empty());
        assert_eq!(diags[0].message, "reference `a` has a different `id: b`");
    }
}
