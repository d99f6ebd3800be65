//! The merged [`Bibliography`]: all references of a site, from bibliography files and
//! front-matter, by key.
//!
//! Merging is where a key defined twice, or one work under two keys, becomes visible, so those
//! diagnostics live here; the result is independent of the order files were read in. Each entry
//! also carries the CSL-JSON item hayagriva formats, built once per build rather than once per
//! page — which is why this sits beside the reference model rather than inside it: it needs the
//! CSL-JSON writer of [`super::export`], which itself reads the model.

use std::collections::BTreeMap;

use crate::diagnostics::{did_you_mean, Diagnostic};

use super::model::{LoadedRef, Reference};

/// All references of a site, merged from bibliography files and front-matter, by key.
#[derive(Debug, Clone, Default)]
pub struct Bibliography {
    entries: BTreeMap<String, BibEntry>,
}

#[derive(Debug, Clone)]
pub(crate) struct BibEntry {
    pub(crate) loaded: LoadedRef,
    /// The CSL-JSON form hayagriva formats, built once here rather than on every page.
    pub(crate) item: hayagriva::citationberg::json::Item,
}

impl Bibliography {
    /// Merges references; conflicting duplicates are reported, identical ones merged silently
    /// (two articles may carry the same front-matter reference).
    ///
    /// Input order does not matter: entries are considered sorted by file and position, so the
    /// result and its diagnostics are the same however the caller gathered them.
    pub fn build(mut refs: Vec<LoadedRef>) -> (Bibliography, Vec<Diagnostic>) {
        refs.sort_by(|a, b| (&a.file, a.span.start).cmp(&(&b.file, b.span.start)));
        let mut entries: BTreeMap<String, BibEntry> = BTreeMap::new();
        let mut diags = Vec::new();
        let mut by_doi: BTreeMap<String, String> = BTreeMap::new();
        let mut by_pmid: BTreeMap<String, String> = BTreeMap::new();
        for r in refs {
            let key = r.reference.id.clone();
            if let Some(first) = entries.get(&key) {
                if first.loaded.reference != r.reference {
                    diags.push(
                        place(
                            Diagnostic::error(
                                "duplicate-reference",
                                format!(
                                    "reference `{key}` is defined twice with different metadata: \
                                     in {} and in {}",
                                    where_(&first.loaded),
                                    where_(&r)
                                ),
                            ),
                            &r,
                        )
                        .with_help("keep one definition, or give the second work its own key"),
                    );
                }
                continue;
            }
            let same_work =
                |index: &mut BTreeMap<String, String>, id: Option<&String>, what: &str| {
                    let id = id?;
                    let norm = id.to_lowercase();
                    match index.get(&norm) {
                        Some(other) => Some(format!("{what} {id} is also cited as `{other}`")),
                        None => {
                            index.insert(norm, key.clone());
                            None
                        }
                    }
                };
            let dup = same_work(&mut by_doi, r.reference.doi.as_ref(), "DOI")
                .or_else(|| same_work(&mut by_pmid, r.reference.pmid.as_ref(), "PMID"));
            if let Some(msg) = dup {
                diags.push(
                    place(
                        Diagnostic::warning(
                            "duplicate-work",
                            format!("reference `{key}`: the same work under two keys: {msg}"),
                        ),
                        &r,
                    )
                    .with_help("cite one key everywhere so the work is numbered and listed once"),
                );
            }
            let item = crate::cite::export::csl_item(&r.reference);
            entries.insert(key, BibEntry { loaded: r, item });
        }
        (Bibliography { entries }, diags)
    }

    pub fn get(&self, key: &str) -> Option<&Reference> {
        self.entries.get(key).map(|e| &e.loaded.reference)
    }

    /// Where `key` was defined, for "cited here, defined there" messages.
    pub fn source(&self, key: &str) -> Option<&LoadedRef> {
        self.entries.get(key).map(|e| &e.loaded)
    }

    /// Sorted keys.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// References in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Reference)> {
        self.entries
            .iter()
            .map(|(k, e)| (k.as_str(), &e.loaded.reference))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn entry(&self, key: &str) -> Option<&BibEntry> {
        self.entries.get(key)
    }

    /// Keys close to a misspelt one, for "unknown citation key" hints.
    pub fn suggest(&self, key: &str) -> Option<&str> {
        did_you_mean(key, self.keys())
    }
}

fn where_(r: &LoadedRef) -> String {
    match &r.location {
        Some(l) => format!("{}:{}:{}", r.file, l.line, l.column),
        None => r.file.clone(),
    }
}

fn place(d: Diagnostic, r: &LoadedRef) -> Diagnostic {
    match &r.location {
        Some(l) => d.at_location(r.file.clone(), l.clone()),
        None => d.in_file(r.file.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::model::load_bibliography_file;

    fn yaml(text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
        load_bibliography_file("refs.yaml", text)
    }

    #[test]
    fn identical_duplicates_merge_silently() {
        let (a, _) = yaml("- id: a\n  title: T\n");
        let mut b = a.clone();
        b[0].file = "other.yaml".into();
        let (bib, diags) = Bibliography::build(a.into_iter().chain(b).collect());
        assert!(diags.is_empty());
        assert_eq!(bib.keys().collect::<Vec<_>>(), ["a"]);
    }
}
