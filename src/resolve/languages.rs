//! A site in several languages (`languages:` in `site.yaml`): which pages are versions of each
//! other, and where each version is.
//!
//! Each language is a whole site of its own, made by the same stages from its pages (the
//! default language's at the output root, each other language's under its folder, `es/`), so
//! glossary, search, feeds and listings stay within one language with no rule knowing about
//! languages. What joins them is here, decided once every language is resolved: a page's
//! versions are the pages with the same content path (`a.md` and its translation `a.es.md`);
//! a page glia makes (search, reference index, tag pages) is the same route in each language
//! that has it. Routes here are *global*, from the output root (`es/articles/a/index.html`),
//! so a link between languages is an ordinary relative link between two global routes.
//!
//! A site with one language has an empty [`Languages`]: no switcher, no `hreflang`, no
//! alternates, nothing changed.

use std::collections::{BTreeMap, BTreeSet};

use super::Site;
use crate::url::Route;

/// One language of the site.
#[derive(Debug, Clone)]
pub struct Language {
    /// As written in `site.yaml` (`en`, `es`): the `hreflang` value and the folder name.
    pub code: String,
    /// The language's name in itself ("English", "Español"), from its theme strings.
    pub name: String,
    /// The folder its pages are published under: `""` for the default language, `es/`.
    pub folder: String,
    /// Its `base_url` (with the folder), for absolute links (`hreflang`, sitemaps).
    pub base_url: Option<String>,
}

/// Every language of a site and the pages each has. Empty for a site in one language.
#[derive(Debug, Clone, Default)]
pub struct Languages {
    /// The default language first, then the others in code order.
    pub list: Vec<Language>,
    /// Per language: content path (`articles/a.md`, the original's) → its route there.
    by_path: Vec<BTreeMap<String, Route>>,
    /// Per language: route → content path, to find a page's content path from its route.
    by_route: Vec<BTreeMap<Route, String>>,
    /// Per language: every path it writes, for the pages glia makes.
    outputs: Vec<BTreeSet<String>>,
    /// The old addresses (`aliases:`) of the other languages' pages, and where each leads,
    /// globally: the root's `_redirects` lists them with its own.
    pub redirects: Vec<(Route, Route)>,
}

/// One version of a page: the language (an index into [`Languages::list`]) and its global
/// route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub language: usize,
    pub route: Route,
}

impl Languages {
    /// Joins the languages' sites, `sites[0]` the default language's, and hands each its
    /// place: every site gets the whole set and its index in it.
    pub fn connect(sites: &mut [Site], names: &[String]) {
        if sites.len() < 2 {
            return;
        }
        let mut all = Languages::default();
        for (site, name) in sites.iter().zip(names) {
            all.list.push(Language {
                code: site.config.language.clone(),
                name: name.clone(),
                folder: site.folder.clone(),
                base_url: site.config.base_url.clone(),
            });
            all.by_path.push(
                (site.pages.iter())
                    .map(|p| (p.page.content_path.clone(), p.route.clone()))
                    .collect(),
            );
            all.by_route.push(
                (site.pages.iter())
                    .map(|p| (p.route.clone(), p.page.content_path.clone()))
                    .collect(),
            );
            all.outputs.push(site.outputs.clone());
            if !site.at_root() {
                all.redirects.extend(site.redirects.iter().map(|r| {
                    let to = &site.pages[r.to].route;
                    (r.from.under(&site.folder), to.under(&site.folder))
                }));
            }
        }
        let all = std::sync::Arc::new(all);
        for (i, site) in sites.iter_mut().enumerate() {
            site.languages = all.clone();
            site.language = i;
        }
    }

    /// Whether the site has more than one language.
    pub fn is_multilingual(&self) -> bool {
        self.list.len() > 1
    }

    /// The versions of the page at `route` (in language `language`'s own routes) in every
    /// language, itself included, in [`Languages::list`] order; empty for a one-language site.
    pub fn versions(&self, language: usize, route: &Route) -> Vec<Version> {
        if !self.is_multilingual() {
            return Vec::new();
        }
        let path = self.by_route[language].get(route);
        (0..self.list.len())
            .filter_map(|l| {
                let local = match path {
                    Some(p) => self.by_path[l].get(p)?.clone(),
                    None if self.outputs[l].contains(route.as_str()) => route.clone(),
                    None => return None,
                };
                Some(Version {
                    language: l,
                    route: self.global(l, &local),
                })
            })
            .collect()
    }

    /// The home page of language `l`, globally.
    pub fn home(&self, l: usize) -> Route {
        self.global(l, &Route::page(""))
    }

    /// Language `l`'s route `local` seen from the output root.
    pub fn global(&self, l: usize, local: &Route) -> Route {
        local.under(&self.list[l].folder)
    }

    /// `route`'s absolute URL in language `l`, when the site has a `base_url`.
    pub fn permalink(&self, version: &Version) -> Option<String> {
        let lang = &self.list[version.language];
        let base = lang.base_url.as_deref()?;
        let local = version.route.as_str().strip_prefix(&lang.folder)?;
        Some(Route::file(local).permalink(base))
    }
}
