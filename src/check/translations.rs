//! Translations that fell behind their original: `stale-translation`, a warning, when the
//! original was updated after the translation was (a reader of the translation may be
//! missing a correction), and `translation-citations`, a note, when the two cite different
//! works (a translation normally says what the original says, from the same sources).

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostic;
use crate::parse::ParsedPage;
use crate::resolve::Site;

/// Compares each page of `translation` (a language of `languages:`) with its original in
/// `default`, the site's `language`.
pub fn check(default: &Site, translation: &Site, diags: &mut Vec<Diagnostic>) {
    for p in &translation.pages {
        let page = &p.page;
        if page.text.is_empty() {
            continue; // a page glia made (a home page or glossary page nobody wrote)
        }
        let Some(&o) = default.by_path.get(&page.content_path) else {
            continue; // a page only this language has
        };
        let original = &default.pages[o].page;
        if original.text.is_empty() {
            continue;
        }
        let changed = |p: &ParsedPage| p.fm.updated.or(p.fm.date);
        if let (Some(theirs), Some(ours)) = (changed(original), changed(page)) {
            if theirs > ours {
                let at = if page.fm.updated.is_some() {
                    "updated"
                } else {
                    "date"
                };
                diags.push(
                    Diagnostic::warning(
                        "stale-translation",
                        format!(
                            "{} was updated on {theirs}, after this translation ({ours})",
                            original.file
                        ),
                    )
                    .at(&page.file, &page.text, super::key_span(page, at))
                    .with_help(
                        "bring the translation up to date with the original and set its \
                         `updated:` date",
                    ),
                );
            }
        }
        let (theirs, ours) = (cited(default, original), cited(translation, page));
        if theirs != ours {
            let list = |keys: Vec<&&str>| {
                (keys.iter().map(|k| format!("`{k}`")))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut parts = Vec::new();
            let missing: Vec<_> = theirs.difference(&ours).collect();
            if !missing.is_empty() {
                parts.push(format!("does not cite {}", list(missing)));
            }
            let extra: Vec<_> = ours.difference(&theirs).collect();
            if !extra.is_empty() {
                parts.push(format!("cites {} that the original does not", list(extra)));
            }
            diags.push(
                Diagnostic::note(
                    "translation-citations",
                    format!(
                        "this translation {} ({})",
                        parts.join(" and "),
                        original.file
                    ),
                )
                .at(&page.file, &page.text, super::key_span(page, "title"))
                .with_help("a translation should rest on the same sources as its original"),
            );
        }
    }
}

/// The works a page cites, each by its key in the reference index (keys of one work, merged
/// by DOI or PMID, are one: `CitationIndex::canonical`).
fn cited<'a>(site: &'a Site, page: &'a ParsedPage) -> BTreeSet<&'a str> {
    (page.doc.citations.iter())
        .flat_map(|c| &c.item.items)
        .map(|i| {
            let key = i.key.as_str();
            site.citations
                .canonical
                .get(key)
                .map_or(key, String::as_str)
        })
        .collect()
}
