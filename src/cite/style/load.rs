//! Making a [`Styler`] from a CSL style: the built-in styles, or a site's `.csl` file (read by
//! load, parsed here).
//!
//! Everything that depends only on the style is worked out here once per build rather than
//! per page: the locale kept (hayagriva archives 60-odd; only the wanted one is decoded),
//! whether entries and citations are independent of the page (what [`super::cache`] relies
//! on), and the copy of the style a reference list is made with when citations are told apart
//! by adding names.

use std::path::PathBuf;

use hayagriva::citationberg::{
    CitationFormat, IndependentStyle, Locale, LocaleCode, StyleCategory,
};

use super::Styler;
use crate::cite::repair;
use crate::diagnostics::{did_you_mean, Diagnostic};

const VANCOUVER: &str = include_str!("../styles/vancouver.csl");
const AMA: &str = include_str!("../styles/american-medical-association.csl");
const APA: &str = include_str!("../styles/apa.csl");

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
fn list_style(xml: &str, style: &IndependentStyle) -> Option<ListStyle> {
    let c = &style.citation;
    if style.bibliography.is_none() || !(c.disambiguate_add_names || c.disambiguate_add_givenname) {
        return None;
    }
    let start = xml.find("<citation")?;
    let end = xml[start..].find("</citation>")? + start + "</citation>".len();
    let with_suffix = |suffix: bool| {
        let citation = format!(
            "<citation disambiguate-add-year-suffix=\"{suffix}\"><layout><group delimiter=\", \">\
             <names variable=\"author\"><name initialize-with=\". \"/><substitute>\
             <names variable=\"editor\"/><text variable=\"title\"/></substitute></names>\
             <date variable=\"issued\"><date-part name=\"year\"/></date></group></layout></citation>"
        );
        let xml = format!("{}{citation}{}", &xml[..start], &xml[end..]);
        IndependentStyle::from_xml(&xml).ok()
    };
    let suffixes = c.disambiguate_add_year_suffix;
    Some(ListStyle {
        style: with_suffix(suffixes)?,
        unsuffixed: if suffixes {
            Some(with_suffix(false)?)
        } else {
            None
        },
        // A style whose citations test their position (`ibid`, `subsequent`) would print
        // differently once the works were cited beforehand (see `ListStyle::prime`).
        prime: suffixes && !xml.contains("position="),
    })
}

/// The style a reference list is formatted with (see [`list_style`]), and what year suffixes
/// need. hayagriva 0.10.1 hands out suffixes in order of first citation, where CSL (and
/// citeproc) follow the reference list's order (typst/hayagriva#330, #469), and it gives them
/// to at most three groups of works a document (typst/hayagriva#507, fixed by #517 after the
/// 0.10.1 release): in a long list, "Van Buuren (2018)" was printed for two works. So the list
/// is formatted once with `unsuffixed` to learn its order and which works read alike, and each
/// such group again on its own, in the list's order (`reference_list` in `format`).
#[derive(Debug, Clone)]
pub(super) struct ListStyle {
    pub(super) style: IndependentStyle,
    /// The same with no year suffixes, or `None` when the style adds none.
    pub(super) unsuffixed: Option<IndependentStyle>,
    /// Whether a page's citations may be preceded by one citation of each work, in the list's
    /// order, so that they get the list's suffixes.
    pub(super) prime: bool,
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

/// Whether the style's citations print only citation numbers, locators (with their labels)
/// and fixed text — no names, dates, titles or conditions, no disambiguation, sorted (if at
/// all) by number. Then a citation's rendering is a function of its numbers and locators
/// alone, which is what lets [`super::CiteCache`] share it between pages. Vancouver and AMA
/// qualify.
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn archived_locales_are_recognised_without_decoding() {
        for bytes in hayagriva::archive::LOCALES {
            let locale: Locale = ciborium::de::from_reader(*bytes).unwrap();
            assert_eq!(
                archived_lang(bytes),
                locale.lang.as_ref().map(|l| l.0.as_str())
            );
        }
    }
}
