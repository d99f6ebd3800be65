//! What a page says about its other languages: the language switcher in its header and its
//! `<link rel="alternate" hreflang>`s, from the versions `resolve::languages` found. Empty on
//! a site in one language, which shows neither.

use serde::Serialize;

use crate::resolve::languages::Version;
use crate::resolve::Site;
use crate::url::Route;

/// One language of the site as the page at some route shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageLink {
    /// `hreflang` and `lang` (`en`, `es`).
    pub code: String,
    /// The language's name in itself ("Español").
    pub name: String,
    /// Where the switcher leads: this page in that language, or, when it has no version
    /// there, that language's home page (never a broken link).
    pub href: String,
    /// The absolute address of this page's version in that language (relative when the site
    /// has no `base_url`), for `hreflang`; `None` when it has none.
    pub alternate: Option<String>,
    /// The language of the page itself.
    pub current: bool,
}

/// The languages of the site seen from the page at `from` (a route of `site`'s own), each
/// with where it leads; `absolute` writes `href`s from the site's root (the 404 page, served
/// at any depth).
pub fn links(site: &Site, from: &Route, absolute: bool) -> Vec<LanguageLink> {
    let all = &site.languages;
    if !all.is_multilingual() {
        return Vec::new();
    }
    // The 404 page is the answer to any missing address, not a page with versions: its
    // switcher leads to each language's home page.
    let versions = match from.as_str() {
        "404.html" => Vec::new(),
        _ => all.versions(site.language, from),
    };
    // A page in one language has no alternates to name.
    let alternates = versions.len() > 1;
    let here = all.global(site.language, from);
    let root = all.list[0].base_url.as_deref().unwrap_or("/");
    let href = |route: &Route| match absolute {
        true => format!("{root}{}", route.pretty_path()),
        false => route.relative_from(&here, site.link_style),
    };
    (all.list.iter().enumerate())
        .map(|(l, lang)| {
            let version = versions.iter().find(|v| v.language == l);
            let alternate = (version.filter(|_| alternates))
                .map(|v: &Version| all.permalink(v).unwrap_or_else(|| href(&v.route)));
            LanguageLink {
                code: lang.code.clone(),
                name: lang.name.clone(),
                href: href(&version.map_or_else(|| all.home(l), |v| v.route.clone())),
                alternate,
                current: l == site.language,
            }
        })
        .collect()
}
