//! Reading what an author writes after a key (`[@a, p. 12]`) as pandoc does: a known locator
//! term, or a bare page number, becomes a CSL locator hayagriva formats; anything else is a
//! suffix printed as written, so `[@a, and passim]` is not misread as a locator.

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::{LocatorPayload, SpecificLocator};

/// Splits `p. 12` into a CSL locator; text that is no known locator becomes a suffix, as in
/// pandoc (`[@a, and passim]`).
pub(super) fn split_locator(s: &str) -> (Option<SpecificLocator<'_>>, Option<&str>) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
