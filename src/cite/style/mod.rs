//! Formatting citations and reference lists with a CSL style, through hayagriva.
//!
//! One [`Styler`] is made per build ([`load`]) and shared by all pages. Formatting a page
//! ([`format`]) runs hayagriva and then glia's repairs; for numeric styles, whose entries and
//! citations do not depend on the rest of the page, [`cache`] formats each entry and each
//! citation shape once per site instead of once per page, with the same result. hayagriva's
//! own HTML writer neither escapes text nor avoids inline `style=` attributes, so [`html`]
//! walks hayagriva's result tree and writes HTML itself: every string from a reference is
//! escaped there, and formatting becomes elements and classes a theme can style.

mod cache;
mod format;
mod html;
mod load;
mod locator;

use hayagriva::citationberg::{IndependentStyle, Locale, LocaleCode};

pub use cache::{CiteCache, EntryCache};
pub use load::{StyleChoice, StyleSource};

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
    /// `numbers_only` in [`load`]), so a citation's rendering depends only on its items'
    /// numbers and locators, never on the works themselves or on other citations:
    /// [`CiteCache`] can share renderings between pages.
    numbers_only: bool,
    /// For styles that disambiguate citations by adding names (APA): the style whose
    /// bibliography glia uses, with a citation that never does. See `list_style` in [`load`].
    list_style: Option<load::ListStyle>,
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

impl Styler {
    /// Numeric styles number works and the theme may superscript citations.
    pub fn is_numeric(&self) -> bool {
        self.numeric
    }

    /// The dash between the two pages of a range the style formats (its `page-range-format`;
    /// the `page-range-delimiter` term, an en dash unless the style says otherwise), or `None`
    /// when the style formats no page ranges and prints them as written. It decides how a
    /// page value hayagriva keeps as text is printed (`repair`, workaround 10).
    pub(super) fn page_range_delimiter(&self) -> Option<&str> {
        use hayagriva::citationberg::taxonomy::{OtherTerm, Term};
        use hayagriva::citationberg::TermForm;
        self.style.settings.page_range_format?;
        let term = Term::Other(OtherTerm::PageRangeDelimiter);
        Some(
            self.style
                .locale
                .iter()
                .chain(&self.locales)
                .find_map(|l| l.term(term, TermForm::Long))
                .and_then(|t| t.single())
                .unwrap_or("\u{2013}"),
        )
    }

    pub(super) fn locale(&self) -> Option<LocaleCode> {
        Some(
            self.style
                .default_locale
                .clone()
                .unwrap_or_else(LocaleCode::en_us),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::bibliography::Bibliography;
    use crate::cite::model::load_bibliography_file;

    /// A checked bibliography from glia YAML, for the tests of every part of the styler.
    pub(super) fn bib(yaml: &str) -> Bibliography {
        let (refs, diags) = load_bibliography_file("r.yaml", yaml);
        assert!(diags.is_empty(), "{diags:?}");
        let (bib, diags) = Bibliography::build(refs);
        assert!(diags.is_empty(), "{diags:?}");
        bib
    }

    pub(super) const REFS: &str = "- id: a\n  title: First <script>alert(\"x\")</script> & more\n  authors: [Smith JA]\n  container: J Test\n  year: 2020\n  volume: 1\n  pages: 1-5\n- id: b\n  title: Second\n  authors: [Doe J, Roe R]\n  container: J Test\n  year: 2019\n";

    #[test]
    fn styler_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Styler>();
        check::<Bibliography>();
    }
}
