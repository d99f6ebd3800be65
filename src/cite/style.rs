//! Formatting citations and reference lists with a CSL style, through hayagriva.
//!
//! hayagriva's own HTML writer neither escapes text nor avoids inline `style=` attributes, so
//! this module walks hayagriva's result tree and writes HTML itself: every string from a
//! reference is escaped here, and formatting becomes elements and classes a theme can style.

use std::fmt::Write as _;

use crate::html::{escape, push_escaped};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use hayagriva::citationberg::{
    taxonomy::Locator, CitationFormat, Display, FontStyle, FontVariant, FontWeight,
    IndependentStyle, Locale, LocaleCode, StyleCategory, TextDecoration, VerticalAlign,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, Elem,
    ElemChild, ElemChildren, ElemMeta, LocatorPayload, SpecificLocator,
};

use super::bibliography::Bibliography;
use super::model::{Name, Reference};
use super::repair;
use super::syntax::{Citation, CiteItem};
use crate::diagnostics::{did_you_mean, Diagnostic};

const VANCOUVER: &str = include_str!("styles/vancouver.csl");
const AMA: &str = include_str!("styles/american-medical-association.csl");
const APA: &str = include_str!("styles/apa.csl");

/// A CSL style built into glia.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleChoice {
    Vancouver,
    Ama,
    Apa,
}

/// Which CSL style a site uses, as written in `site.yaml`: built in, or a `.csl` file, which
/// load reads (`load::read_named`: inside the site, size capped) before
/// [`Styler::from_xml`] parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StyleSource {
    Builtin(StyleChoice),
    /// A `.csl` file, path as written, relative to the site.
    File(PathBuf),
}

impl StyleSource {
    const NAMES: &'static [&'static str] = &["vancouver", "ama", "apa"];

    /// `vancouver` (also the default for an empty string), `ama`, `apa`, or a path ending in
    /// `.csl`. Anything else is an error with a suggestion, because a typo must not silently
    /// switch a medical site to another style.
    pub fn parse(s: &str) -> Result<StyleSource, Diagnostic> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "" | "vancouver" => Ok(StyleSource::Builtin(StyleChoice::Vancouver)),
            "ama" | "american-medical-association" => Ok(StyleSource::Builtin(StyleChoice::Ama)),
            "apa" => Ok(StyleSource::Builtin(StyleChoice::Apa)),
            lower if lower.ends_with(".csl") => Ok(StyleSource::File(PathBuf::from(t))),
            _ => {
                let d = Diagnostic::error("unknown-style", format!("unknown citation style `{t}`"));
                Err(match did_you_mean(t, Self::NAMES.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help("use vancouver, ama, apa, or the path of a .csl file"),
                })
            }
        }
    }
}

/// A loaded style, shared by all pages. Plain data (`Send + Sync`), so rayon workers can use
/// one `&Styler`; each call makes its own short-lived `BibliographyDriver`.
#[derive(Debug, Clone)]
pub struct Styler {
    style: IndependentStyle,
    locales: Vec<Locale>,
    numeric: bool,
    /// For numeric styles whose entries do not depend on the document (no bibliography sort,
    /// no author substitution): the style without its bibliography. Pages then format only
    /// their citations, and each entry is formatted once per site ([`EntryCache`]) rather
    /// than once per citing page — what keeps citations cheap on large sites.
    citations_only: Option<IndependentStyle>,
    /// The citation layout prints nothing but citation numbers, locators and fixed text (see
    /// [`numbers_only`]), so a citation's rendering depends only on its items' numbers and
    /// locators, never on the works themselves or on other citations: [`CiteCache`] can
    /// share renderings between pages.
    numbers_only: bool,
    /// For styles that disambiguate citations by adding names (APA): the style whose
    /// bibliography glia uses, with a citation that never does. See [`list_style`].
    list_style: Option<IndependentStyle>,
}

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

/// One in-text citation, ready to replace its placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormattedCitation {
    /// `<span class="citation …">` holding the style's rendering; each item links to its
    /// entry (`#ref-KEY`). Numeric styles add the class `citation-numeric`.
    pub html: String,
    /// Keys cited, in the order written.
    pub keys: Vec<String>,
}

/// One entry of a reference list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormattedEntry {
    pub key: String,
    /// The citation number in numeric styles (order of first citation in the document).
    pub number: Option<usize>,
    /// The formatted entry, escaped, formatting as elements and `csl-*` classes. Without the
    /// number: the theme shows [`FormattedEntry::number`] itself (e.g. as an `<ol>`).
    pub html: String,
    /// Plain text of the entry, number included for numeric styles (`1. Smith J. …`).
    pub text: String,
}

/// The citations and reference list of one article.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormattedDoc {
    /// One per input citation, same order.
    pub citations: Vec<FormattedCitation>,
    /// Numeric styles: in order of first citation. Others: in the style's sort order.
    pub entries: Vec<FormattedEntry>,
}

/// The `id` a reference list entry gets, which citations link to.
pub fn anchor_id(key: &str) -> String {
    format!("ref-{key}")
}

impl Styler {
    /// Loads a built-in style once per build. A `.csl` file is read by load and parsed with
    /// [`Styler::from_xml`], so no file is read here.
    pub fn load(choice: &StyleChoice) -> Result<Styler, Diagnostic> {
        let (xml, origin) = match choice {
            StyleChoice::Vancouver => (VANCOUVER, "vancouver"),
            StyleChoice::Ama => (AMA, "ama"),
            StyleChoice::Apa => (APA, "apa"),
        };
        Self::from_xml(xml, origin)
    }

    /// Parses CSL XML; `origin` names it in errors.
    pub fn from_xml(xml: &str, origin: &str) -> Result<Styler, Diagnostic> {
        let xml = repair::rewrite_style_xml(xml);
        let mut style = IndependentStyle::from_xml(&xml).map_err(|e| {
            let dependent = xml.contains("rel=\"independent-parent\"");
            let d = Diagnostic::error("style-file", format!("cannot use CSL style: {e}"))
                .in_file(origin);
            if dependent {
                d.with_help(
                    "this is a dependent style (an alias of another); point `citation_style` at \
                     the parent style's .csl file named in its `independent-parent` link",
                )
            } else {
                d
            }
        })?;
        repair::patch_style(&mut style);
        let numeric = style.info.category.iter().any(|c| {
            matches!(
                c,
                StyleCategory::CitationFormat {
                    format: CitationFormat::Numeric
                }
            )
        });
        // Only the locale glia formats in (and its fallback) is kept: every term lookup scans
        // this list, and the other 60-odd locales are never used.
        let wanted = style
            .default_locale
            .clone()
            .unwrap_or_else(LocaleCode::en_us);
        let keep = |code: &str| {
            code == wanted.0 || code == LocaleCode::en_us().0 || wanted.0.starts_with(code)
        };
        let mut locales: Vec<Locale> = hayagriva::archive::LOCALES
            .iter()
            // Decoding all of them took about 0.1 s a build: look at each one's language first.
            .filter(|bytes| archived_lang(bytes).is_none_or(keep))
            .filter_map(|bytes| ciborium::de::from_reader::<Locale, _>(*bytes).ok())
            .filter(|l| {
                l.lang.as_ref().is_some_and(|code| {
                    *code == wanted
                        || *code == LocaleCode::en_us()
                        || wanted.0.starts_with(code.0.as_str())
                })
            })
            .collect();
        repair::patch_locales(&mut locales);
        let citations_only = style
            .bibliography
            .as_ref()
            .filter(|b| numeric && b.sort.is_none() && b.subsequent_author_substitute.is_none())
            .map(|_| {
                let mut s = style.clone();
                s.bibliography = None;
                s
            });
        let numbers_only = citations_only.is_some() && numbers_only(&style);
        let list_style = list_style(&xml, &style);
        Ok(Styler {
            list_style,
            citations_only,
            style,
            locales,
            numeric,
            numbers_only,
        })
    }

    /// Numeric styles number works and the theme may superscript citations.
    pub fn is_numeric(&self) -> bool {
        self.numeric
    }

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

    fn locale(&self) -> Option<LocaleCode> {
        Some(
            self.style
                .default_locale
                .clone()
                .unwrap_or_else(LocaleCode::en_us),
        )
    }

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
                    .map(|(n, l)| (*n, super::rich::text_only(l)))
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

    /// One citation's HTML from hayagriva's trees: `names` for the names-only half of an
    /// author-in-text citation (author-date styles), `result` for the citation itself.
    fn citation(
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
            repair::repair_tree(&mut names, &data);
            write_children(&mut html, &names, Some(&ctx), false);
            html.push(' ');
        }
        if !self.numeric {
            // `-@key` and the second half of author-in-text: the citation without names.
            let suppress: Vec<bool> = used.iter().map(|i| in_text || i.suppress_author).collect();
            drop_suppressed_names(&mut result, &suppress);
        }
        repair::repair_tree(&mut result, &data);
        write_children(&mut html, &result, Some(&ctx), false);
        html.push_str("</span>");
        FormattedCitation { html, keys }
    }

    fn format_document_inner(
        &self,
        bib: &Bibliography,
        citations: &[Citation],
        style: &IndependentStyle,
    ) -> FormattedDoc {
        let mut driver: BibliographyDriver<hayagriva::citationberg::json::Item> =
            BibliographyDriver::new();
        // Which source items went into each request, so results map back to prefixes,
        // suffixes and keys (hayagriva reports items by their index in the request).
        let mut requested: Vec<Vec<&CiteItem>> = Vec::new();
        // The author's locators are text, never rich text (`p. <i>4</i>` prints as typed).
        let locators: Vec<Vec<String>> = citations
            .iter()
            .map(|c| {
                c.items
                    .iter()
                    .map(|i| super::rich::text_only(&i.locator))
                    .collect()
            })
            .collect();
        for (c, c_locators) in citations.iter().zip(&locators) {
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
                    driver.citation(CitationRequest::new(
                        list,
                        style,
                        self.locale(),
                        &self.locales,
                        None,
                    ));
                }
            }
            requested.push(used);
        }
        let rendered = driver.finish(BibliographyRequest::new(
            style,
            self.locale(),
            &self.locales,
        ));

        let mut formatted = Vec::new();
        let mut results = rendered.citations.into_iter();
        for (c, used) in citations.iter().zip(&requested) {
            if used.is_empty() {
                formatted.push(missing_citation(c));
                continue;
            }
            let names = if c.author_in_text && !self.numeric {
                let Some(names) = results.next() else {
                    break;
                };
                Some(names.citation)
            } else {
                None
            };
            let Some(result) = results.next() else {
                break;
            };
            formatted.push(self.citation(bib, c, used, names, result.citation));
        }

        let bibliography = match &self.list_style {
            Some(list) => {
                let keys = first_cited(bib, citations.iter());
                self.reference_list(list, &keys, bib)
            }
            None => rendered.bibliography,
        };
        let entries = bibliography
            .map(|b| {
                b.items
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut item)| {
                        let data = || bib.get(&item.key).map(data_strings).unwrap_or_default();
                        repair::repair_tree(&mut item.content, &data);
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

    /// The reference list of the works `keys` under `list`, the style of [`list_style`], each
    /// work cited once, on its own, in the order given. hayagriva hands out year suffixes in
    /// order of citation, so with the document's order of first citation the list's `2020a`
    /// is the citations' `2020a` (citeproc orders suffixes by the list instead).
    fn reference_list(
        &self,
        list: &IndependentStyle,
        keys: &[&str],
        bib: &Bibliography,
    ) -> Option<hayagriva::RenderedBibliography> {
        let mut driver: BibliographyDriver<hayagriva::citationberg::json::Item> =
            BibliographyDriver::new();
        for entry in keys.iter().filter_map(|k| bib.entry(k)) {
            driver.citation(CitationRequest::new(
                vec![CitationItem::with_entry(&entry.item)],
                list,
                self.locale(),
                &self.locales,
                None,
            ));
        }
        driver
            .finish(BibliographyRequest::new(list, self.locale(), &self.locales))
            .bibliography
    }

    /// Reference-list entries for the given keys (the site-wide index), in the order given,
    /// without numbers. Unknown keys are skipped.
    pub fn format_entries(&self, bib: &Bibliography, keys: &[&str]) -> Vec<FormattedEntry> {
        let run = || {
            let bibliography = match &self.list_style {
                Some(list) => self.reference_list(list, keys, bib),
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
                    repair::repair_tree(&mut item.content, &data);
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

/// hayagriva 0.10 lays out a bibliography entry with the name forms its citations were given
/// to tell them apart (`for_bibliography` keeps the citation's `NameDisambiguation` state), so
/// two APA works by "Cuijpers, Karyotaki, et al." and "Cuijpers, Smith, et al." of one year
/// were listed as "Cuijpers, Karyotaki, et al. (2019)" where a reference list must give every
/// author, as citeproc does. A reference list never depends on how citations are told apart
/// except for year suffixes, so for styles that add names or given names to citations, the
/// list comes from this copy of the style, whose citation is the author (initials, all names)
/// and year, disambiguated by year suffix only: works with the same authors and year still get
/// `2020a`/`2020b`, works that differ in any author do not, which is citeproc's outcome.
/// `None` for styles that do not add names (Vancouver, AMA), or when the copy fails to parse.
fn list_style(xml: &str, style: &IndependentStyle) -> Option<IndependentStyle> {
    let c = &style.citation;
    if style.bibliography.is_none() || !(c.disambiguate_add_names || c.disambiguate_add_givenname) {
        return None;
    }
    let start = xml.find("<citation")?;
    let end = xml[start..].find("</citation>")? + start + "</citation>".len();
    let citation = format!(
        "<citation disambiguate-add-year-suffix=\"{}\"><layout><group delimiter=\", \">\
         <names variable=\"author\"><name initialize-with=\". \"/><substitute>\
         <names variable=\"editor\"/><text variable=\"title\"/></substitute></names>\
         <date variable=\"issued\"><date-part name=\"year\"/></date></group></layout></citation>",
        c.disambiguate_add_year_suffix
    );
    let xml = format!("{}{citation}{}", &xml[..start], &xml[end..]);
    IndependentStyle::from_xml(&xml).ok()
}

/// The language of one of hayagriva's archived locales without decoding it: each is a CBOR
/// map whose first entry is `@xml:lang` with a short text string. `None` for anything else
/// (the caller then decodes it to find out).
fn archived_lang(bytes: &[u8]) -> Option<&str> {
    let (&map, rest) = bytes.split_first()?;
    if !(0xa0..0xb8).contains(&map) {
        return None;
    }
    let rest = rest.strip_prefix(b"\x69@xml:lang")?;
    let (&head, rest) = rest.split_first()?;
    let len = usize::from(head.checked_sub(0x60).filter(|n| *n < 24)?);
    std::str::from_utf8(rest.get(..len)?).ok()
}

/// Keys of `citations` known to `bib`, in order of first citation: numeric styles' numbers.
fn first_cited<'a>(
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

/// What a citation's rendering depends on in a [`numbers_only`] style. Empty when no item is
/// known (such a citation is not formatted).
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

/// A citation none of whose keys is known: its keys as written, marked.
fn missing_citation(c: &Citation) -> FormattedCitation {
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

/// Whether the style's citations print only citation numbers, locators (with their labels)
/// and fixed text — no names, dates, titles or conditions, no disambiguation, sorted (if at
/// all) by number. Then a citation's rendering is a function of its numbers and locators
/// alone, which is what lets [`CiteCache`] share it between pages. Vancouver and AMA qualify.
fn numbers_only(style: &IndependentStyle) -> bool {
    use hayagriva::citationberg::taxonomy::{NumberOrPageVariable, NumberVariable, Variable};
    use hayagriva::citationberg::{Collapse, LayoutRenderingElement as El, SortKey, TextTarget};
    fn allowed(v: &Variable) -> bool {
        matches!(
            v,
            Variable::Number(NumberVariable::CitationNumber | NumberVariable::Locator)
        )
    }
    fn ok(style: &IndependentStyle, els: &[El], depth: usize, seen_number: &mut bool) -> bool {
        // Macros may call macros; a cycle is the style's error, not a reason to loop.
        if depth > 16 {
            return false;
        }
        els.iter().all(|el| match el {
            El::Text(t) => match &t.target {
                TextTarget::Variable { var, .. } => {
                    *seen_number |= matches!(var, Variable::Number(NumberVariable::CitationNumber));
                    allowed(var)
                }
                TextTarget::Macro { name } => style
                    .macros
                    .iter()
                    .find(|m| &m.name == name)
                    .is_some_and(|m| ok(style, &m.children, depth + 1, seen_number)),
                TextTarget::Term { .. } | TextTarget::Value { .. } => true,
            },
            El::Number(n) => match &n.variable {
                NumberOrPageVariable::Number(v) => {
                    *seen_number |= matches!(v, NumberVariable::CitationNumber);
                    matches!(v, NumberVariable::CitationNumber | NumberVariable::Locator)
                }
                NumberOrPageVariable::Page(_) => false,
            },
            El::Label(l) => matches!(
                l.variable,
                NumberOrPageVariable::Number(NumberVariable::Locator)
            ),
            El::Group(g) => ok(style, &g.children, depth + 1, seen_number),
            El::Date(_) | El::Names(_) | El::Choose(_) => false,
        })
    }
    let c = &style.citation;
    let sorted_by_number = c.sort.as_ref().is_none_or(|s| {
        s.keys.iter().all(|k| {
            matches!(k, SortKey::Variable { variable, .. }
                if matches!(variable, Variable::Number(NumberVariable::CitationNumber)))
        })
    });
    let mut seen_number = false;
    !c.disambiguate_add_givenname
        && !c.disambiguate_add_names
        && !c.disambiguate_add_year_suffix
        && matches!(c.collapse, None | Some(Collapse::CitationNumber))
        && sorted_by_number
        && ok(style, &c.layout.elements, 0, &mut seen_number)
        && seen_number
}

/// Splits `p. 12` into a CSL locator; text that is no known locator becomes a suffix, as in
/// pandoc (`[@a, and passim]`).
fn split_locator(s: &str) -> (Option<SpecificLocator<'_>>, Option<&str>) {
    let s = s.trim();
    if s.is_empty() {
        return (None, None);
    }
    // The labels pandoc recognises with glia's en-US locale: each locator term's long and short
    // forms, singular and plural. Anything else (`ch. 2`, `and passim`) is a suffix, as there.
    const TERMS: &[(&str, Locator)] = &[
        ("pages", Locator::Page),
        ("page", Locator::Page),
        ("pp.", Locator::Page),
        ("p.", Locator::Page),
        ("chapters", Locator::Chapter),
        ("chapter", Locator::Chapter),
        ("chaps.", Locator::Chapter),
        ("chap.", Locator::Chapter),
        ("sections", Locator::Section),
        ("section", Locator::Section),
        ("secs.", Locator::Section),
        ("sec.", Locator::Section),
        ("§§", Locator::Section),
        ("§", Locator::Section),
        ("figures", Locator::Figure),
        ("figure", Locator::Figure),
        ("figs.", Locator::Figure),
        ("fig.", Locator::Figure),
        ("paragraphs", Locator::Paragraph),
        ("paragraph", Locator::Paragraph),
        ("paras.", Locator::Paragraph),
        ("para.", Locator::Paragraph),
        ("¶¶", Locator::Paragraph),
        ("¶", Locator::Paragraph),
        ("volumes", Locator::Volume),
        ("volume", Locator::Volume),
        ("vols.", Locator::Volume),
        ("vol.", Locator::Volume),
        ("lines", Locator::Line),
        ("line", Locator::Line),
        ("ll.", Locator::Line),
        ("l.", Locator::Line),
        ("notes", Locator::Note),
        ("note", Locator::Note),
        ("nn.", Locator::Note),
        ("n.", Locator::Note),
        ("books", Locator::Book),
        ("book", Locator::Book),
        ("bks.", Locator::Book),
        ("bk.", Locator::Book),
        ("columns", Locator::Column),
        ("column", Locator::Column),
        ("cols.", Locator::Column),
        ("col.", Locator::Column),
        ("parts", Locator::Part),
        ("part", Locator::Part),
        ("pts.", Locator::Part),
        ("pt.", Locator::Part),
        ("verses", Locator::Verse),
        ("verse", Locator::Verse),
        ("vv.", Locator::Verse),
        ("v.", Locator::Verse),
        ("opera", Locator::Opus),
        ("opus", Locator::Opus),
        ("opp.", Locator::Opus),
        ("op.", Locator::Opus),
        ("sub verbis", Locator::SubVerbo),
        ("sub verbo", Locator::SubVerbo),
        ("s.vv.", Locator::SubVerbo),
        ("s.v.", Locator::SubVerbo),
        ("folios", Locator::Folio),
        ("folio", Locator::Folio),
        ("fols.", Locator::Folio),
        ("fol.", Locator::Folio),
    ];
    let lower = s.to_lowercase();
    for (term, loc) in TERMS {
        if let Some(rest) = lower.strip_prefix(term) {
            let value = s[s.len() - rest.len()..].trim();
            if !value.is_empty()
                && (rest.starts_with(' ') || term.ends_with('.') || term.starts_with(['§', '¶']))
            {
                return (
                    Some(SpecificLocator(*loc, LocatorPayload::Str(value))),
                    None,
                );
            }
        }
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return (
            Some(SpecificLocator(Locator::Page, LocatorPayload::Str(s))),
            None,
        );
    }
    (None, Some(s))
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

/// What a citation needs to add around each item: link target, prefix and suffix.
struct CiteCtx<'a> {
    items: &'a [&'a CiteItem],
    /// The citation layout's formatting (AMA's superscript), which pandoc applies to
    /// prefixes and suffixes too.
    formatting: hayagriva::Formatting,
}

fn write_children(
    out: &mut String,
    children: &ElemChildren,
    cite: Option<&CiteCtx>,
    in_link: bool,
) {
    for child in &children.0 {
        write_child(out, child, cite, in_link);
    }
}

fn write_child(out: &mut String, child: &ElemChild, cite: Option<&CiteCtx>, in_link: bool) {
    match child {
        ElemChild::Text(t) => write_formatted(out, &t.text, &t.formatting),
        ElemChild::Markup(m) => push_escaped(out, m),
        ElemChild::Link { text, url } => {
            let safe = url.starts_with("https://") || url.starts_with("http://");
            if safe && !in_link {
                let _ = write!(out, "<a class=\"csl-link\" href=\"{}\">", escape(url));
                write_formatted(out, &text.text, &text.formatting);
                out.push_str("</a>");
            } else {
                write_formatted(out, &text.text, &text.formatting);
            }
        }
        ElemChild::Transparent { .. } => {}
        ElemChild::Elem(e) => write_elem(out, e, cite, in_link),
    }
}

fn write_elem(out: &mut String, e: &Elem, cite: Option<&CiteCtx>, in_link: bool) {
    // Inside a citation, block displays would break the paragraph: use spans there.
    let tag = if cite.is_some() { "span" } else { "div" };
    let class = e.display.map(|d| match d {
        Display::Block => "csl-block",
        Display::Indent => "csl-indent",
        Display::LeftMargin => "csl-left-margin",
        Display::RightInline => "csl-right-inline",
    });
    if let Some(class) = class {
        let _ = write!(out, "<{tag} class=\"{class}\">");
    }
    match (&e.meta, cite) {
        (Some(ElemMeta::Entry(i)), Some(ctx)) if !e.children.is_empty() => {
            if let Some(item) = ctx.items.get(*i) {
                if !item.prefix.is_empty() {
                    let prefix = super::rich::text_only(&item.prefix);
                    write_formatted(out, &format!("{prefix} "), &ctx.formatting);
                }
                let _ = write!(out, "<a href=\"#{}\">", escape(&anchor_id(&item.key)));
                write_children(out, &e.children, cite, true);
                out.push_str("</a>");
                if let (_, Some(suffix)) = split_locator(&item.locator) {
                    let suffix = super::rich::text_only(suffix);
                    write_formatted(out, &format!(", {suffix}"), &ctx.formatting);
                }
            } else {
                write_children(out, &e.children, cite, in_link);
            }
        }
        _ => write_children(out, &e.children, cite, in_link),
    }
    if class.is_some() {
        let _ = write!(out, "</{tag}>");
    }
}

fn write_formatted(out: &mut String, text: &str, f: &hayagriva::Formatting) {
    let mut close: Vec<&str> = Vec::new();
    let mut open = |out: &mut String, tag: &'static str, end: &'static str| {
        out.push_str(tag);
        close.push(end);
    };
    if f.font_style == FontStyle::Italic {
        open(out, "<i>", "</i>");
    }
    match f.font_weight {
        FontWeight::Bold => open(out, "<b>", "</b>"),
        FontWeight::Light => open(out, "<span class=\"csl-light\">", "</span>"),
        FontWeight::Normal => {}
    }
    if f.font_variant == FontVariant::SmallCaps {
        open(out, "<span class=\"csl-small-caps\">", "</span>");
    }
    if f.text_decoration == TextDecoration::Underline {
        open(out, "<span class=\"csl-underline\">", "</span>");
    }
    match f.vertical_align {
        VerticalAlign::Sup => open(out, "<sup>", "</sup>"),
        VerticalAlign::Sub => open(out, "<sub>", "</sub>"),
        _ => {}
    }
    // Reference strings may carry CSL rich text (`<i>`, `<sup>`…): those tags become
    // elements, everything else is escaped.
    super::rich::push_html(out, text);
    for end in close.iter().rev() {
        out.push_str(end);
    }
}

fn write_plain(out: &mut String, children: &[ElemChild]) {
    for child in children {
        match child {
            ElemChild::Text(t) => out.push_str(&super::rich::to_plain(&t.text)),
            ElemChild::Markup(m) => out.push_str(m),
            ElemChild::Link { text, .. } => out.push_str(&text.text),
            ElemChild::Transparent { .. } => {}
            ElemChild::Elem(e) => write_plain(out, &e.children.0),
        }
    }
}

fn normalise_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::bibliography::Bibliography;
    use crate::cite::model::load_bibliography_file;
    use crate::cite::syntax::find_citations;

    fn bib(yaml: &str) -> Bibliography {
        let (refs, diags) = load_bibliography_file("r.yaml", yaml);
        assert!(diags.is_empty(), "{diags:?}");
        let (bib, diags) = Bibliography::build(refs);
        assert!(diags.is_empty(), "{diags:?}");
        bib
    }

    const REFS: &str = "- id: a\n  title: First <script>alert(\"x\")</script> & more\n  authors: [Smith JA]\n  container: J Test\n  year: 2020\n  volume: 1\n  pages: 1-5\n- id: b\n  title: Second\n  authors: [Doe J, Roe R]\n  container: J Test\n  year: 2019\n";

    #[test]
    fn styler_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Styler>();
        check::<Bibliography>();
    }

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
    fn everything_from_references_is_escaped() {
        let styler = Styler::load(&StyleChoice::Apa).unwrap();
        let doc = styler
            .format_document(&bib(REFS), &find_citations("[see @a, p. 2]"))
            .unwrap();
        let html = &doc.entries[0].html;
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"),
            "{html}"
        );
        assert!(!html.contains("style="), "{html}");
        assert!(
            doc.citations[0]
                .html
                .contains("see <a href=\"#ref-a\">Smith, 2020, p. 2</a>"),
            "{}",
            doc.citations[0].html
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
        assert!(texts[0].contains("(2020a)"), "{texts:?}");
        assert!(texts[1].contains("(2020b)"), "{texts:?}");
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

    #[test]
    fn style_names_and_typos() {
        assert_eq!(
            StyleSource::parse("AMA").unwrap(),
            StyleSource::Builtin(StyleChoice::Ama)
        );
        assert_eq!(
            StyleSource::parse("styles/nejm.csl").unwrap(),
            StyleSource::File("styles/nejm.csl".into())
        );
        let e = StyleSource::parse("vancover").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `vancouver`?"));
    }

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

    #[test]
    fn archived_locales_are_recognised_without_decoding() {
        for bytes in hayagriva::archive::LOCALES {
            let locale: Locale = ciborium::de::from_reader(*bytes).unwrap();
            assert_eq!(
                archived_lang(bytes),
                locale.lang.as_ref().map(|l| l.0.as_str())
            );
        }
    }

    #[test]
    fn locators() {
        assert!(matches!(
            split_locator("p. 12"),
            (
                Some(SpecificLocator(Locator::Page, LocatorPayload::Str("12"))),
                None
            )
        ));
        assert!(matches!(
            split_locator("chap. 2"),
            (
                Some(SpecificLocator(Locator::Chapter, LocatorPayload::Str("2"))),
                None
            )
        ));
        // pandoc does not know `ch.`: it stays a suffix there, so here too.
        assert!(matches!(split_locator("ch. 2"), (None, Some("ch. 2"))));
        assert!(matches!(
            split_locator("33-35"),
            (Some(SpecificLocator(Locator::Page, _)), None)
        ));
        assert!(matches!(
            split_locator("and passim"),
            (None, Some("and passim"))
        ));
    }
}
