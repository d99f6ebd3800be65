//! CSL-JSON files, as Zotero, Mendeley and Manubot export them.
//!
//! Only the fields glia prints are read and everything else is ignored on purpose, since
//! reference managers' exports are full of extras. serde_json gives no positions inside a
//! value, so each item is located by its `"id"` in the text, and its problems point into the
//! file like the other formats'.

use crate::diagnostics::{Diagnostic, LineIndex};

use super::reference::{
    check_reference, json_date, json_str, FieldProblem, Name, Reference, Spelling,
};
use super::{loaded, problems_to_diagnostics, LoadedRef};

pub(super) fn load_csl_json(file: &str, text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
    // Diagnostics locate every entry: count the file's lines once, not once per entry.
    let lines = LineIndex::new(text);
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let at = offset_of(text, e.line(), e.column());
            return (
                vec![],
                vec![
                    Diagnostic::error("bibliography-syntax", format!("invalid JSON: {e}")).at(
                        file,
                        text,
                        at..at + 1,
                    ),
                ],
            );
        }
    };
    let items = match value {
        serde_json::Value::Array(items) => items,
        // Some tools export `{"items": [...]}`.
        serde_json::Value::Object(mut o) if o.get("items").is_some_and(|v| v.is_array()) => {
            match o.remove("items") {
                Some(serde_json::Value::Array(items)) => items,
                _ => vec![],
            }
        }
        _ => {
            return (
                vec![],
                vec![Diagnostic::error(
                    "bibliography-syntax",
                    "a CSL-JSON bibliography must be an array of items",
                )
                .in_file(file)],
            )
        }
    };
    let ids: Vec<String> = items
        .iter()
        .map(|i| json_str(i.get("id")).unwrap_or_default())
        .collect();
    let mut refs = Vec::new();
    let mut diags = Vec::new();
    let mut from = 0;
    let starts: Vec<usize> = ids
        .iter()
        .map(|id| {
            let found = find_json_id(text, id, from);
            if let Some(f) = found {
                from = f + 1;
            }
            found.unwrap_or(0)
        })
        .collect();
    for (i, item) in items.iter().enumerate() {
        let start = starts[i];
        let end = starts[i + 1..]
            .iter()
            .copied()
            .find(|&s| s > start)
            .unwrap_or(text.len());
        let span = start..end;
        let (reference, mut problems) = from_csl_json(item);
        if ids[i].is_empty() {
            diags.push(
                Diagnostic::error(
                    "bad-reference",
                    format!("CSL-JSON item {} has no `id`", i + 1),
                )
                .at(file, text, span),
            );
            continue;
        }
        problems.extend(check_reference(&reference, &Spelling::CSL));
        // An exported file may carry a type outside CSL (Manubot's `website`): citeproc
        // formats it as a work of no particular type, and so does hayagriva. The editor did
        // not write it, so it is a warning here, not a reason to lose the work.
        let (types, problems): (Vec<FieldProblem>, Vec<FieldProblem>) =
            problems.into_iter().partition(|p| p.code == "bad-type");
        if problems.is_empty() {
            for d in problems_to_diagnostics(file, text, span.clone(), &ids[i], types) {
                diags.push(Diagnostic {
                    severity: crate::diagnostics::Severity::Warning,
                    ..d
                });
            }
            refs.push(loaded(file, text, &lines, span, reference));
        } else {
            let all = types.into_iter().chain(problems).collect();
            diags.extend(problems_to_diagnostics(file, text, span, &ids[i], all));
        }
    }
    (refs, diags)
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn find_json_id(text: &str, id: &str, from: usize) -> Option<usize> {
    let needle = serde_json::to_string(id).ok()?;
    let mut pos = from;
    while let Some(rel) = text.get(pos..)?.find("\"id\"") {
        let at = pos + rel;
        pos = at + 4;
        let rest = text[pos..].trim_start();
        if let Some(v) = rest.strip_prefix(':') {
            if v.trim_start().starts_with(&needle) {
                // The item starts at the `{` before its `"id"`.
                return Some(text[..at].rfind('{').unwrap_or(at));
            }
        }
    }
    None
}

/// Reads the CSL-JSON fields glia uses; everything else (`custom`, `abstract`, Zotero's extras)
/// is ignored on purpose, since exports from reference managers are full of them.
fn from_csl_json(item: &serde_json::Value) -> (Reference, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let get = |k: &str| json_str(item.get(k));
    let id = get("id").unwrap_or_default();
    let kind = get("type").unwrap_or_else(|| "article-journal".into());
    let mut r = Reference::empty(&id, &kind);
    r.title = get("title");
    r.authors = json_names(item.get("author"));
    r.editors = json_names(item.get("editor"));
    r.container = get("container-title");
    // Zotero's `journalAbbreviation` is the same field under its older name (pandoc renames it).
    r.container_short = get("container-title-short").or_else(|| get("journalAbbreviation"));
    r.issued = json_date(item.get("issued"), "issued", &mut problems);
    r.volume = get("volume");
    r.issue = get("issue");
    r.pages = get("page");
    r.publisher = get("publisher");
    r.place = get("publisher-place");
    r.edition = get("edition");
    r.number = get("number");
    r.version = get("version");
    r.genre = get("genre");
    r.doi = get("DOI");
    r.pmid = get("PMID");
    r.pmcid = get("PMCID");
    r.url = get("URL");
    r.accessed = json_date(item.get("accessed"), "accessed", &mut problems);
    (r, problems)
}

fn json_names(v: Option<&serde_json::Value>) -> Vec<Name> {
    let Some(serde_json::Value::Array(list)) = v else {
        return vec![];
    };
    list.iter()
        .filter_map(|n| {
            if let Some(l) = json_str(n.get("literal")) {
                return Some(Name::Literal(l));
            }
            // Both particles before the family name, as in CSL-YAML: a `dropping-particle`
            // was left out before (OpenPBTA's `Auwera … der`).
            let family = super::reference::family_with_particles(
                json_str(n.get("family"))?,
                json_str(n.get("dropping-particle")).as_deref(),
                json_str(n.get("non-dropping-particle")).as_deref(),
            );
            Some(Name::Person {
                family,
                given: json_str(n.get("given")),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::cite::model::{load_bibliography_file, Date};

    /// OpenPBTA's Poplin et al. 2018 (Manubot CSL-JSON, README trap C2): the `der` of
    /// `dropping-particle` was left out of the name.
    #[test]
    fn dropping_particle_is_kept_before_the_family_name() {
        let text = r#"[{"id":"x","type":"article","title":"T","author":[{"family":"Auwera","given":"Geraldine A. Van","dropping-particle":"der"},{"family":"Laan","non-dropping-particle":"van der","given":"Mark"}]}]"#;
        let (refs, diags) = load_bibliography_file("x.json", text);
        assert_eq!(diags, vec![]);
        let families: Vec<String> = refs[0]
            .reference
            .authors
            .iter()
            .map(|n| match n {
                crate::cite::model::Name::Person { family, .. } => family.clone(),
                crate::cite::model::Name::Literal(l) => l.clone(),
            })
            .collect();
        assert_eq!(families, ["der Auwera", "van der Laan"]);
    }

    #[test]
    fn csl_json_with_extra_fields() {
        let text = r#"[{"id":"x","type":"book","title":"B","custom":{"a":1},"issued":{"date-parts":[["2001",2]]},"author":[{"family":"Roe","given":"R"}]}]"#;
        let (refs, diags) = load_bibliography_file("x.json", text);
        assert_eq!(diags, vec![]);
        assert_eq!(
            refs[0].reference.issued,
            Some(Date {
                year: 2001,
                month: Some(2),
                day: None
            })
        );
    }
}
