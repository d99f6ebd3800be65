//! Formatting one page's citations and reference list, and the site-wide index's entries,
//! with hayagriva, and bringing its results in line with pandoc's: author-in-text and
//! suppress-author citations, locators as the author typed them, reference lists that give
//! every author.
//!
//! hayagriva panics on some odd input; the entry points here catch that and return an error
//! (or no entries) instead of taking the whole build down.

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};

use hayagriva::citationberg::IndependentStyle;
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, ElemChild,
    ElemChildren, ElemMeta,
};

use super::html::{normalise_space, write_children, write_plain, CiteCtx};
use super::load::ListStyle;
use super::locator::split_locator;
use super::{FormattedCitation, FormattedDoc, FormattedEntry, Styler};
use crate::cite::bibliography::Bibliography;
use crate::cite::model::{Name, Reference};
use crate::cite::repair;
use crate::cite::syntax::{Citation, CiteItem};
use crate::diagnostics::Diagnostic;
use crate::html::escape;

impl Styler {
    /// Formats one article's citations (in document order) and its reference list.
    ///
    /// Keys missing from `bib` are skipped (the caller reports them); a citation with no known
    /// key renders as its keys marked `citation-missing`. hayagriva has internal panics on odd
    /// input; they become an error here instead of taking the whole build down.
    pub fn format_document(
        &self,
        bib: &Bibliography,
        citations: &[Citation],
    ) -> Result<FormattedDoc, Vec<Diagnostic>> {
        catch_unwind(AssertUnwindSafe(|| {
            self.format_document_inner(bib, citations, &self.style)
        }))
        .map_err(
            |_| {
                vec![Diagnostic::error(
                    "citation-format",
                    "the citation formatter (hayagriva) failed on this page's references",
                )
                .with_help("please report this with the page's references; as a workaround, simplify the failing reference")]
            },
        )
    }

    /// One citation's HTML from hayagriva's trees: `names` for the names-only half of an
    /// author-in-text citation (author-date styles), `result` for the citation itself.
    pub(super) fn citation(
        &self,
        bib: &Bibliography,
        c: &Citation,
        used: &[&CiteItem],
        names: Option<ElemChildren>,
        mut result: ElemChildren,
    ) -> FormattedCitation {
        let keys: Vec<String> = c.items.iter().map(|i| i.key.clone()).collect();
        let data = || -> Vec<&str> {
            used.iter()
                .filter_map(|i| bib.get(&i.key))
                .flat_map(data_strings)
                .collect()
        };
        let layout = &self.style.citation.layout;
        let ctx = CiteCtx {
            items: used,
            formatting: hayagriva::Formatting {
                font_style: layout.font_style.unwrap_or_default(),
                font_variant: layout.font_variant.unwrap_or_default(),
                font_weight: layout.font_weight.unwrap_or_default(),
                text_decoration: layout.text_decoration.unwrap_or_default(),
                vertical_align: layout.vertical_align.unwrap_or_default(),
            },
        };
        let in_text = c.author_in_text && !self.numeric;
        let mut html = String::new();
        let class = match (self.numeric, c.author_in_text) {
            (true, false) => "citation citation-numeric",
            (true, true) => "citation citation-numeric citation-in-text",
            (false, false) => "citation",
            (false, true) => "citation citation-in-text",
        };
        let _ = write!(html, "<span class=\"{class}\">");
        if let Some(mut names) = names {
            repair::repair_tree(&mut names, &data, self.page_range_delimiter());
            write_children(&mut html, &names, Some(&ctx), false);
            html.push(' ');
        }
        if !self.numeric {
            // `-@key` and the second half of author-in-text: the citation without names.
            let suppress: Vec<bool> = used.iter().map(|i| in_text || i.suppress_author).collect();
            drop_suppressed_names(&mut result, &suppress);
        }
        repair::repair_tree(&mut result, &data, self.page_range_delimiter());
        write_children(&mut html, &result, Some(&ctx), false);
        html.push_str("</span>");
        FormattedCitation { html, keys }
    }

    pub(super) fn format_document_inner(
        &self,
        bib: &Bibliography,
        citations: &[Citation],
        style: &IndependentStyle,
    ) -> FormattedDoc {
        // The reference list first: it decides the year suffixes (see `ListStyle`).
        let list = self
            .list_style
            .as_ref()
            .map(|list| self.reference_list(list, &first_cited(bib, citations.iter()), bib));
        // Which source items went into each request, so results map back to prefixes,
        // suffixes and keys (hayagriva reports items by their index in the request).
        let mut requested: Vec<Vec<&CiteItem>> = Vec::new();
        // The author's locators are text, never rich text (`p. <i>4</i>` prints as typed).
        let locators: Vec<Vec<String>> = citations
            .iter()
            .map(|c| {
                c.items
                    .iter()
                    .map(|i| crate::cite::rich::text_only(&i.locator))
                    .collect()
            })
            .collect();
        // The requests hayagriva gets, each with the index of its citation.
        let mut requests: Vec<(usize, Vec<CitationItem<_>>)> = Vec::new();
        for (n, (c, c_locators)) in citations.iter().zip(&locators).enumerate() {
            let mut items = Vec::new();
            let mut names_only = Vec::new();
            let mut used = Vec::new();
            for (ci, ci_locator) in c.items.iter().zip(c_locators) {
                let Some(entry) = bib.entry(&ci.key) else {
                    continue;
                };
                let (locator, _) = split_locator(ci_locator);
                // pandoc's author-in-text form is "Smith et al. (2020, p. 3)" in author-date
                // styles: the names alone, then the citation without them. Numeric styles
                // print no names in citations, so there it is just the citation, as in pandoc.
                if c.author_in_text && !self.numeric {
                    names_only.push(CitationItem::new(
                        &entry.item,
                        None,
                        None,
                        false,
                        Some(CitePurpose::Author),
                    ));
                }
                items.push(CitationItem::new(&entry.item, locator, None, false, None));
                used.push(ci);
            }
            for list in [names_only, items] {
                if !list.is_empty() {
                    requests.push((n, list));
                }
            }
            requested.push(used);
        }
        // The works the list gives year suffixes, a group of them (same author and year)
        // at a time. hayagriva hands out suffixes in order of citation and to at most three
        // groups a document (typst/hayagriva#507): each run cites up to three groups' works
        // once, in the list's order, before the page's citations, and a citation is taken
        // from the run that gave its works their suffixes. One plain run when there is none.
        let groups: &[Vec<String>] = match (&list, &self.list_style) {
            (Some((_, groups)), Some(l)) if l.prime => groups,
            _ => &[],
        };
        let chunks: Vec<&[Vec<String>]> = if groups.is_empty() {
            vec![&[]]
        } else {
            groups.chunks(3).collect()
        };
        let mut runs: Vec<std::iter::Skip<std::vec::IntoIter<hayagriva::RenderedCitation>>> =
            Vec::new();
        let mut last = None;
        for chunk in &chunks {
            let mut driver: BibliographyDriver<hayagriva::citationberg::json::Item> =
                BibliographyDriver::new();
            let primed: Vec<_> = chunk
                .iter()
                .flatten()
                .filter_map(|k| bib.entry(k))
                .collect();
            for entry in &primed {
                driver.citation(CitationRequest::new(
                    vec![CitationItem::with_entry(&entry.item)],
                    style,
                    self.locale(),
                    &self.locales,
                    None,
                ));
            }
            for (_, items) in &requests {
                driver.citation(CitationRequest::new(
                    items.clone(),
                    style,
                    self.locale(),
                    &self.locales,
                    None,
                ));
            }
            let rendered = driver.finish(BibliographyRequest::new(
                style,
                self.locale(),
                &self.locales,
            ));
            runs.push(rendered.citations.into_iter().skip(primed.len()));
            last = Some(rendered.bibliography);
        }
        // The run that gave most of the citation's works their suffixes (a citation of works
        // from groups of two runs, rare, has one run's suffixes).
        let run_of = |c: &Citation| -> usize {
            let covered = |chunk: &&[Vec<String>]| {
                c.items
                    .iter()
                    .filter(|i| chunk.iter().any(|g| g.contains(&i.key)))
                    .count()
            };
            let most = chunks.iter().map(covered).max().unwrap_or(0);
            chunks
                .iter()
                .position(|ch| covered(ch) == most)
                .unwrap_or(0)
        };

        let mut formatted = Vec::new();
        for (c, used) in citations.iter().zip(&requested) {
            if used.is_empty() {
                formatted.push(missing_citation(c));
                continue;
            }
            // Every run has every request: take this citation's from the run chosen, and
            // step the others past it.
            let chosen = run_of(c);
            let requests_of_c = if c.author_in_text && !self.numeric {
                2
            } else {
                1
            };
            let mut taken = Vec::new();
            for (r, results) in runs.iter_mut().enumerate() {
                for _ in 0..requests_of_c {
                    let next = results.next();
                    if r == chosen {
                        taken.extend(next);
                    }
                }
            }
            let mut taken = taken.into_iter();
            let names = if requests_of_c == 2 {
                let Some(names) = taken.next() else {
                    break;
                };
                Some(names.citation)
            } else {
                None
            };
            let Some(result) = taken.next() else {
                break;
            };
            formatted.push(self.citation(bib, c, used, names, result.citation));
        }

        let bibliography = match list {
            Some((list, _)) => list,
            None => last.flatten(),
        };
        let entries = bibliography
            .map(|b| {
                b.items
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut item)| {
                        let data = || bib.get(&item.key).map(data_strings).unwrap_or_default();
                        repair::repair_tree(&mut item.content, &data, self.page_range_delimiter());
                        let mut html = String::new();
                        write_children(&mut html, &item.content, None, false);
                        let mut text = String::new();
                        if let Some(first) = &item.first_field {
                            write_plain(&mut text, std::slice::from_ref(first));
                            text.push(' ');
                        }
                        write_plain(&mut text, &item.content.0);
                        FormattedEntry {
                            number: self.numeric.then_some(i + 1),
                            key: item.key,
                            html: html.trim().to_string(),
                            text: normalise_space(&text),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        FormattedDoc {
            citations: formatted,
            entries,
        }
    }

    /// The reference list of the works `keys` under `list` (see [`ListStyle`]), each work cited
    /// once, on its own, and the works it gives year suffixes: groups of works that read alike,
    /// each in the list's order, the groups in the order of their first work in the list.
    /// Works that read alike in a citation are formatted again as a group of their own, cited
    /// in the list's order, which gives them their suffixes as citeproc does (`2018a` first in
    /// the list) however many such groups the list has.
    fn reference_list(
        &self,
        list: &ListStyle,
        keys: &[&str],
        bib: &Bibliography,
    ) -> (Option<hayagriva::RenderedBibliography>, Vec<Vec<String>>) {
        let Some(unsuffixed) = &list.unsuffixed else {
            return (
                self.cite_each(&list.style, keys, bib).bibliography,
                Vec::new(),
            );
        };
        let keys: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| bib.entry(k).is_some())
            .collect();
        let rendered = self.cite_each(unsuffixed, &keys, bib);
        let Some(mut bibliography) = rendered.bibliography else {
            return (None, Vec::new());
        };
        // Works whose citations read the same: hayagriva's own test of ambiguity.
        let mut alike: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
        for (key, c) in keys.iter().zip(&rendered.citations) {
            let mut text = String::new();
            write_plain(&mut text, &c.citation.0);
            let group = alike.entry(text).or_default();
            if !group.contains(key) {
                group.push(key);
            }
        }
        let mut suffixed = Vec::new();
        for group in alike.values().filter(|g| g.len() > 1) {
            let ordered: Vec<String> = bibliography
                .items
                .iter()
                .map(|i| i.key.clone())
                .filter(|k| group.contains(&k.as_str()))
                .collect();
            let ordered_keys: Vec<&str> = ordered.iter().map(String::as_str).collect();
            let again = self.cite_each(&list.style, &ordered_keys, bib);
            for item in again.bibliography.into_iter().flat_map(|b| b.items) {
                if let Some(slot) = bibliography.items.iter_mut().find(|i| i.key == item.key) {
                    *slot = item;
                }
            }
            suffixed.push(ordered);
        }
        let position = |g: &Vec<String>| {
            g.first()
                .and_then(|k| bibliography.items.iter().position(|i| &i.key == k))
        };
        suffixed.sort_by_key(position);
        (Some(bibliography), suffixed)
    }

    /// One citation of each of `keys` under `style`, in the order given.
    fn cite_each(
        &self,
        style: &IndependentStyle,
        keys: &[&str],
        bib: &Bibliography,
    ) -> hayagriva::Rendered {
        let mut driver: BibliographyDriver<hayagriva::citationberg::json::Item> =
            BibliographyDriver::new();
        for entry in keys.iter().filter_map(|k| bib.entry(k)) {
            driver.citation(CitationRequest::new(
                vec![CitationItem::with_entry(&entry.item)],
                style,
                self.locale(),
                &self.locales,
                None,
            ));
        }
        driver.finish(BibliographyRequest::new(
            style,
            self.locale(),
            &self.locales,
        ))
    }

    /// Reference-list entries for the given keys (the site-wide index), in the order given,
    /// without numbers. Unknown keys are skipped.
    pub fn format_entries(&self, bib: &Bibliography, keys: &[&str]) -> Vec<FormattedEntry> {
        let run = || {
            let bibliography = match &self.list_style {
                Some(list) => self.reference_list(list, keys, bib).0,
                None => {
                    let mut driver: BibliographyDriver<hayagriva::citationberg::json::Item> =
                        BibliographyDriver::new();
                    let items = keys
                        .iter()
                        .filter_map(|key| bib.entry(key))
                        .map(|e| CitationItem::with_entry(&e.item));
                    let request = |items| {
                        CitationRequest::new(items, &self.style, self.locale(), &self.locales, None)
                    };
                    if self.citations_only.is_some() {
                        // Entries that depend on nothing else (numeric styles): one citation of
                        // them all puts every entry in the bibliography in this order, with one
                        // citation to lay out instead of one per entry, which are thrown away.
                        driver.citation(request(items.collect()));
                    } else {
                        // hayagriva disambiguates (2020a, 2020b) only between separate citations.
                        for item in items {
                            driver.citation(request(vec![item]));
                        }
                    }
                    driver
                        .finish(BibliographyRequest::new(
                            &self.style,
                            self.locale(),
                            &self.locales,
                        ))
                        .bibliography
                }
            };
            let mut by_key: std::collections::BTreeMap<String, FormattedEntry> = bibliography
                .map(|b| b.items)
                .unwrap_or_default()
                .into_iter()
                .map(|mut item| {
                    let data = || bib.get(&item.key).map(data_strings).unwrap_or_default();
                    repair::repair_tree(&mut item.content, &data, self.page_range_delimiter());
                    let mut html = String::new();
                    write_children(&mut html, &item.content, None, false);
                    let mut text = String::new();
                    write_plain(&mut text, &item.content.0);
                    (
                        item.key.clone(),
                        FormattedEntry {
                            key: item.key,
                            number: None,
                            html: html.trim().to_string(),
                            text: normalise_space(&text),
                        },
                    )
                })
                .collect();
            keys.iter().filter_map(|k| by_key.remove(*k)).collect()
        };
        catch_unwind(AssertUnwindSafe(run)).unwrap_or_default()
    }
}

/// Keys of `citations` known to `bib`, in order of first citation: numeric styles' numbers.
pub(super) fn first_cited<'a>(
    bib: &Bibliography,
    citations: impl Iterator<Item = &'a Citation>,
) -> Vec<&'a str> {
    let mut order: Vec<&str> = Vec::new();
    for item in citations.flat_map(|c| &c.items) {
        if bib.get(&item.key).is_some() && !order.contains(&item.key.as_str()) {
            order.push(&item.key);
        }
    }
    order
}

/// A citation none of whose keys is known: its keys as written, marked.
pub(super) fn missing_citation(c: &Citation) -> FormattedCitation {
    let keys: Vec<String> = c.items.iter().map(|i| i.key.clone()).collect();
    let missing: Vec<String> = keys.iter().map(|k| escape(k)).collect();
    FormattedCitation {
        html: format!(
            "<span class=\"citation citation-missing\">[{}]</span>",
            missing.join("; ")
        ),
        keys,
    }
}

/// Removes the names from the items marked in `suppress` (by index in the request), with the
/// delimiter that followed them, as citeproc does for suppress-author.
fn drop_suppressed_names(children: &mut ElemChildren, suppress: &[bool]) {
    for child in &mut children.0 {
        if let ElemChild::Elem(e) = child {
            match e.meta {
                Some(ElemMeta::Entry(i)) => {
                    if suppress.get(i).copied().unwrap_or(false) && remove_names(&mut e.children) {
                        strip_leading_delimiter(&mut e.children);
                    }
                }
                _ => drop_suppressed_names(&mut e.children, suppress),
            }
        }
    }
}

fn remove_names(children: &mut ElemChildren) -> bool {
    if let Some(pos) = children
        .0
        .iter()
        .position(|c| matches!(c, ElemChild::Elem(e) if matches!(e.meta, Some(ElemMeta::Names(_)))))
    {
        children.0.remove(pos);
        return true;
    }
    children.0.iter_mut().any(|c| match c {
        ElemChild::Elem(e) => remove_names(&mut e.children),
        _ => false,
    })
}

/// Trims `, ` (or `; `, `: `) left at the start once the names before it are gone.
fn strip_leading_delimiter(children: &mut ElemChildren) -> bool {
    for child in &mut children.0 {
        match child {
            ElemChild::Text(t) => {
                let kept = t.text.trim_start_matches(|c: char| {
                    c.is_whitespace() || matches!(c, ',' | ';' | ':')
                });
                t.text = kept.to_string();
                if !t.text.is_empty() {
                    return true;
                }
            }
            ElemChild::Elem(e) => {
                if strip_leading_delimiter(&mut e.children) {
                    return true;
                }
            }
            _ => return true,
        }
    }
    false
}

/// Every string of a reference, so punctuation repairs leave the data itself alone.
fn data_strings(r: &Reference) -> Vec<&str> {
    let mut out: Vec<&str> = [
        &r.title,
        &r.container,
        &r.volume,
        &r.issue,
        &r.pages,
        &r.publisher,
        &r.place,
        &r.edition,
        &r.number,
        &r.version,
        &r.genre,
        &r.doi,
        &r.url,
    ]
    .into_iter()
    .filter_map(|v| v.as_deref())
    .collect();
    for n in r.authors.iter().chain(&r.editors) {
        match n {
            Name::Person { family, given } => {
                out.push(family);
                out.extend(given.as_deref());
            }
            Name::Literal(l) => out.push(l),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::style::tests::{bib, REFS};
    use crate::cite::style::StyleChoice;
    use crate::cite::syntax::find_citations;

    #[test]
    fn numeric_numbers_follow_first_citation_and_repeat() {
        let styler = Styler::load(&StyleChoice::Vancouver).unwrap();
        let text = "x [@b] y [@a; @b] z [@b, p. 3]";
        let doc = styler
            .format_document(&bib(REFS), &find_citations(text))
            .unwrap();
        let keys: Vec<_> = doc
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.number))
            .collect();
        assert_eq!(keys, [("b", Some(1)), ("a", Some(2))]);
        assert_eq!(
            doc.citations[0].html,
            "<span class=\"citation citation-numeric\">(<a href=\"#ref-b\">1</a>)</span>"
        );
        assert!(
            doc.citations[1].html.contains("<a href=\"#ref-a\">2</a>"),
            "{}",
            doc.citations[1].html
        );
        assert!(
            doc.citations[2].html.contains(">1"),
            "{}",
            doc.citations[2].html
        );
        assert!(
            doc.entries[0].text.starts_with("1. Doe J, Roe R. Second."),
            "{}",
            doc.entries[0].text
        );
    }

    #[test]
    fn site_index_entries_keep_the_callers_order_without_numbers() {
        let styler = Styler::load(&StyleChoice::Vancouver).unwrap();
        let entries = styler.format_entries(&bib(REFS), &["b", "missing", "a"]);
        let got: Vec<_> = entries.iter().map(|e| (e.key.as_str(), e.number)).collect();
        assert_eq!(got, [("b", None), ("a", None)]);
        assert!(
            entries[0].text.starts_with("Doe J, Roe R. Second."),
            "{}",
            entries[0].text
        );
        assert!(!entries[0].html.contains("csl-left-margin"));
    }

    #[test]
    fn site_index_entries_of_the_same_author_and_year_are_told_apart() {
        let same = "- id: a\n  title: Zeta\n  authors: [Smith JA]\n  container: J\n  year: 2020\n  month: 9\n\
                    - id: b\n  title: Alpha\n  authors: [Smith JA]\n  container: J\n  year: 2020\n  month: 1\n\
                    - id: c\n  title: Other\n  authors: [Smith B]\n  container: J\n  year: 2021\n\
                    - id: d\n  title: More\n  authors: [Smith C]\n  container: J\n  year: 2021\n";
        let apa = Styler::load(&StyleChoice::Apa).unwrap();
        let entries = apa.format_entries(&bib(same), &["a", "b", "c", "d"]);
        let texts: Vec<&str> = entries.iter().map(|e| e.text.as_str()).collect();
        // Suffixes follow the list's order (January's Alpha first), not the order given.
        assert!(texts[0].contains("(2020b)"), "{texts:?}");
        assert!(texts[1].contains("(2020a)"), "{texts:?}");
        // Same family name, other initials: no suffix, every author in full (hayagriva#413).
        assert_eq!(texts[2], "Smith, B. (2021). Other. J.");
        assert_eq!(texts[3], "Smith, C. (2021). More. J.");
    }

    #[test]
    fn author_in_text_and_suppressed_author() {
        let apa = Styler::load(&StyleChoice::Apa).unwrap();
        let doc = apa
            .format_document(&bib(REFS), &find_citations("@a [p. 3] and [-@b]"))
            .unwrap();
        assert_eq!(
            doc.citations[0].html,
            "<span class=\"citation citation-in-text\"><a href=\"#ref-a\">Smith</a> (<a href=\"#ref-a\">2020, p. 3</a>)</span>"
        );
        assert_eq!(
            doc.citations[1].html,
            "<span class=\"citation\">(<a href=\"#ref-b\">2019</a>)</span>"
        );
    }

    #[test]
    fn unknown_keys_do_not_panic() {
        let styler = Styler::load(&StyleChoice::Ama).unwrap();
        let doc = styler
            .format_document(&bib(REFS), &find_citations("[@nope] [@a; @nope2]"))
            .unwrap();
        assert_eq!(doc.citations.len(), 2);
        assert!(doc.citations[0].html.contains("citation-missing"));
        assert_eq!(doc.entries.len(), 1);
    }
}
