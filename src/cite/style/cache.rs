//! The per-site caches of numeric styles: each reference-list entry ([`EntryCache`]) and each
//! distinct citation shape ([`CiteCache`]) formatted once per build instead of once per citing
//! page.
//!
//! They are used only where loading the style found the output independent of the page (the
//! [`Styler`]'s `citations_only` and `numbers_only`), and
//! [`Styler::format_document_cached`] takes the per-page path for anything missing, so the
//! result is [`Styler::format_document`]'s; a test compares the two.

use std::panic::{catch_unwind, AssertUnwindSafe};

use hayagriva::citationberg::IndependentStyle;
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChildren,
};

use super::format::{first_cited, missing_citation};
use super::locator::split_locator;
use super::{FormattedDoc, FormattedEntry, Styler};
use crate::cite::bibliography::Bibliography;
use crate::cite::syntax::{Citation, CiteItem};
use crate::diagnostics::Diagnostic;

/// In-text citations of numeric styles, rendered once per site for each distinct shape
/// (the cited numbers and locators, in order) instead of once per page. Holds hayagriva's
/// tree before glia's repairs, which depend on the page's references and run per page.
#[derive(Debug, Clone, Default)]
pub struct CiteCache(std::collections::HashMap<Shape, ElemChildren>);

/// The citation numbers and locators of one citation's known items, in written order.
type Shape = Vec<(usize, String)>;

/// Reference-list entries formatted once for the whole site (numeric styles only).
#[derive(Debug, Clone, Default)]
pub struct EntryCache(std::collections::BTreeMap<String, FormattedEntry>);

impl EntryCache {
    pub fn get(&self, key: &str) -> Option<&FormattedEntry> {
        self.0.get(key)
    }
}

impl Styler {
    /// Formats the entries of `keys` once, for [`Styler::format_document_cached`]. Empty (and
    /// unused) for styles whose entries depend on the document.
    pub fn entry_cache(&self, bib: &Bibliography, keys: &[&str]) -> EntryCache {
        if self.citations_only.is_none() {
            return EntryCache::default();
        }
        // Entries of these styles are independent of each other, so chunks format in parallel.
        use rayon::prelude::*;
        let chunk = keys
            .len()
            .div_ceil(rayon::current_num_threads().max(1) * 4)
            .max(16);
        let parts: Vec<Vec<FormattedEntry>> = keys
            .par_chunks(chunk)
            .map(|part| self.format_entries(bib, part))
            .collect();
        EntryCache(
            parts
                .into_iter()
                .flatten()
                .map(|e| (e.key.clone(), e))
                .collect(),
        )
    }

    /// Renders every distinct citation shape of `docs` (each a document's citations, in
    /// order) once, for [`Styler::format_document_cached`]. Empty unless the style allows it.
    pub fn cite_cache(&self, bib: &Bibliography, docs: &[Vec<&Citation>]) -> CiteCache {
        let Some(style) = self.citations_only.as_ref().filter(|_| self.numbers_only) else {
            return CiteCache::default();
        };
        use rayon::prelude::*;
        let shapes: std::collections::BTreeSet<Shape> = docs
            .par_iter()
            .map(|doc| {
                let order = first_cited(bib, doc.iter().copied());
                doc.iter()
                    .map(|c| shape(bib, c, &order))
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<Shape>>()
            })
            .collect::<Vec<_>>()
            .into_iter()
            .flatten()
            .collect();
        // The layout never reads a work's data, so any distinct works stand in for the cited
        // ones; only their numbers (order of first citation) and the locators matter.
        let Some(max) = shapes.iter().flatten().map(|(n, _)| *n).max() else {
            return CiteCache::default();
        };
        let stand_ins: Vec<&hayagriva::citationberg::json::Item> = bib
            .keys()
            .filter_map(|k| bib.entry(k))
            .map(|e| &e.item)
            .take(max)
            .collect();
        if stand_ins.len() < max {
            return CiteCache::default();
        }
        let shapes: Vec<Shape> = shapes.into_iter().collect();
        let parts: Vec<Vec<(Shape, ElemChildren)>> = shapes
            .par_chunks(64)
            .map(|part| {
                let run = || self.render_shapes(style, &stand_ins, part);
                // A panic leaves these shapes out: their pages then take the full path,
                // which reports it.
                catch_unwind(AssertUnwindSafe(run)).unwrap_or_default()
            })
            .collect();
        CiteCache(parts.into_iter().flatten().collect())
    }

    fn render_shapes(
        &self,
        style: &IndependentStyle,
        stand_ins: &[&hayagriva::citationberg::json::Item],
        shapes: &[Shape],
    ) -> Vec<(Shape, ElemChildren)> {
        let max = shapes.iter().flatten().map(|(n, _)| *n).max().unwrap_or(0);
        let mut driver: BibliographyDriver<hayagriva::citationberg::json::Item> =
            BibliographyDriver::new();
        let request =
            |items| CitationRequest::new(items, style, self.locale(), &self.locales, None);
        // Cite works 1..=max once each first, so they get those numbers.
        for &item in &stand_ins[..max] {
            driver.citation(request(vec![CitationItem::new(
                item, None, None, false, None,
            )]));
        }
        // The author's locators are text, never rich text (`p. <i>4</i>` prints as typed).
        let text_only: Vec<Shape> = shapes
            .iter()
            .map(|s| {
                s.iter()
                    .map(|(n, l)| (*n, crate::cite::rich::text_only(l)))
                    .collect()
            })
            .collect();
        for shape in &text_only {
            let items = shape
                .iter()
                .map(|(n, locator)| {
                    let (locator, _) = split_locator(locator);
                    CitationItem::new(stand_ins[n - 1], locator, None, false, None)
                })
                .collect();
            driver.citation(request(items));
        }
        let rendered = driver.finish(BibliographyRequest::new(
            style,
            self.locale(),
            &self.locales,
        ));
        if rendered.citations.len() != max + shapes.len() {
            return Vec::new();
        }
        shapes
            .iter()
            .cloned()
            .zip(rendered.citations.into_iter().skip(max).map(|c| c.citation))
            .collect()
    }

    /// As [`Styler::format_document`], taking reference-list entries from `cache` and
    /// in-text citations from `cites` where the style allows. The result is the same; only
    /// the work is shared between pages.
    pub fn format_document_cached(
        &self,
        bib: &Bibliography,
        citations: &[Citation],
        cache: &EntryCache,
        cites: &CiteCache,
    ) -> Result<FormattedDoc, Vec<Diagnostic>> {
        let Some(style) = &self.citations_only else {
            return self.format_document(bib, citations);
        };
        // Numbers follow first citation, as the style's unsorted bibliography would.
        let order = first_cited(bib, citations.iter());
        if order.iter().any(|k| !cache.0.contains_key(*k)) {
            return self.format_document(bib, citations);
        }
        let run = || {
            let mut doc = self
                .citations_from_cache(bib, citations, &order, cites)
                .unwrap_or_else(|| self.format_document_inner(bib, citations, style));
            doc.entries = order
                .iter()
                .enumerate()
                .filter_map(|(i, k)| {
                    let mut e = cache.0.get(*k)?.clone();
                    e.number = Some(i + 1);
                    e.text = format!("{}. {}", i + 1, e.text);
                    Some(e)
                })
                .collect();
            doc
        };
        catch_unwind(AssertUnwindSafe(run)).map_err(|_| {
            vec![Diagnostic::error(
                "citation-format",
                "the citation formatter (hayagriva) failed on this page's references",
            )
            .with_help("please report this with the page's references; as a workaround, simplify the failing reference")]
        })
    }

    /// The citations of a document from `cites`, or `None` if any shape is missing.
    fn citations_from_cache(
        &self,
        bib: &Bibliography,
        citations: &[Citation],
        order: &[&str],
        cites: &CiteCache,
    ) -> Option<FormattedDoc> {
        if cites.0.is_empty() {
            return None;
        }
        let mut trees = Vec::with_capacity(citations.len());
        for c in citations {
            let s = shape(bib, c, order);
            trees.push(if s.is_empty() {
                None
            } else {
                Some(cites.0.get(&s)?)
            });
        }
        let citations = citations
            .iter()
            .zip(trees)
            .map(|(c, tree)| {
                let used: Vec<&CiteItem> = c
                    .items
                    .iter()
                    .filter(|i| bib.entry(&i.key).is_some())
                    .collect();
                match tree {
                    Some(tree) => self.citation(bib, c, &used, None, tree.clone()),
                    None => missing_citation(c),
                }
            })
            .collect();
        Some(FormattedDoc {
            citations,
            entries: Vec::new(),
        })
    }
}

/// What a citation's rendering depends on in a style whose citations print numbers only (see
/// `numbers_only` in [`super::load`]). Empty when no item is known (such a citation is not
/// formatted).
fn shape(bib: &Bibliography, c: &Citation, order: &[&str]) -> Shape {
    c.items
        .iter()
        .filter(|i| bib.entry(&i.key).is_some())
        .filter_map(|i| {
            let n = order.iter().position(|k| *k == i.key)?;
            Some((n + 1, i.locator.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::style::tests::{bib, REFS};
    use crate::cite::style::StyleChoice;
    use crate::cite::syntax::find_citations;

    #[test]
    fn shared_citations_match_per_page_formatting() {
        let refs = format!(
            "{REFS}- id: c\n  title: Third\n  authors: [Poe E]\n  year: 2018\n- id: d\n  title: Fourth\n  year: 2017\n"
        );
        let bib = bib(&refs);
        let pages = [
            "x [@b] y [@a; @b] z [@b, p. 3]",
            "[see @c; @d, chap. 2] then [@a, and passim] and @b [-@c] [@zzz] [@d; @zzz]",
            "[@a; @b; @c; @d] [@d, pp. 33-35] [@a]",
        ];
        let cites: Vec<Vec<Citation>> = pages.iter().map(|t| find_citations(t)).collect();
        for choice in [StyleChoice::Vancouver, StyleChoice::Ama, StyleChoice::Apa] {
            let styler = Styler::load(&choice).unwrap();
            assert_eq!(styler.numbers_only, choice != StyleChoice::Apa);
            let keys: Vec<&str> = bib.keys().collect();
            let entries = styler.entry_cache(&bib, &keys);
            // Shapes from the first two pages only: the third takes the full path.
            let docs: Vec<Vec<&Citation>> = cites[..2].iter().map(|c| c.iter().collect()).collect();
            let shared = styler.cite_cache(&bib, &docs);
            assert_eq!(shared.0.is_empty(), choice == StyleChoice::Apa);
            for c in &cites {
                assert_eq!(
                    styler
                        .format_document_cached(&bib, c, &entries, &shared)
                        .unwrap(),
                    styler.format_document(&bib, c).unwrap(),
                    "{choice:?}"
                );
            }
        }
    }
}
