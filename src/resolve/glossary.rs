//! The site-wide glossary step of resolve: build the glossary from the term files, link terms
//! in every page (in parallel), and record which pages use which term ("Appears in").
//!
//! The glossary is made from the term files before the other pages are parsed
//! ([`prepare`]), so each page's links are found as soon as it is parsed, in the events as
//! parse leaves them (link rewriting never changes an explicit `glossary:` link or a wiki
//! link, the only links the glossary reads). They are recorded by event index, so the events
//! themselves are never changed, and a page parsed again for render has them at the same
//! places.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::SitePage;
use crate::config::GlossaryLink;
use crate::diagnostics::Diagnostic;
use crate::glossary::{
    link_terms, Glossary, GlossaryEntry, LinkContext, LinkEdit, LinkMode, LinkOutcome, LinkPieces,
    LinkTable, Matcher,
};
use crate::load::Kind;
use crate::parse::ParsedPage;
use crate::url::{LinkStyle, Route};

/// What the rest of the build needs to know about the glossary.
#[derive(Debug, Default, Clone)]
pub struct GlossaryIndex {
    pub glossary: Glossary,
    /// Term slug → the page (index into `Site::pages`) holding its definition.
    pub definitions: BTreeMap<String, usize>,
    /// Term slug → pages that use it (articles and pages, not other definitions).
    pub appears_in: BTreeMap<String, Vec<usize>>,
    /// Per page: the terms it uses, as indexes into `glossary.terms()`, ascending.
    pub used_by_page: Vec<Vec<usize>>,
    /// Per page: where its glossary links begin and end in its events.
    pub links_by_page: Vec<Vec<LinkEdit>>,
    /// Every term's escaped HTML pieces, for the pages that list terms.
    pub table: LinkTable,
    /// Per term: its place in the A–Z order ([`alpha_key`]); sort with
    /// [`GlossaryIndex::sort_az`].
    alpha_rank: Vec<usize>,
    /// Kept so `glia serve` can link one edited page again.
    pub matcher: Matcher,
}

impl GlossaryIndex {
    /// What writes the glossary links of page `i`, whose [`link_bases`] are these.
    pub fn pieces<'a>(
        &'a self,
        i: usize,
        href_base: &'a str,
        id_prefix: &'a str,
    ) -> LinkPieces<'a> {
        LinkPieces {
            table: &self.table,
            href_base,
            id_prefix,
            edits: self.links_by_page.get(i).map_or(&[], Vec::as_slice),
        }
    }

    /// Puts the terms `terms` (indexes into `glossary.terms()`) in the A–Z order of the
    /// glossary page and the "Terms used" panels ([`alpha_key`]).
    pub fn sort_az(&self, terms: &mut [usize]) {
        terms.sort_unstable_by_key(|&t| self.alpha_rank.get(t).copied().unwrap_or(usize::MAX));
    }

    /// Records that page `i` (an article or page) now uses the terms `used` (ascending):
    /// takes it out of the "Appears in" lists of the terms it stopped using and puts it in
    /// its place ([`appears_in_key`]) in those of the terms it started using. Returns the
    /// terms it used before. For `glia serve`, which links one edited page again.
    pub fn set_used(&mut self, pages: &[SitePage], i: usize, used: Vec<usize>) -> Vec<usize> {
        let before = std::mem::replace(&mut self.used_by_page[i], used);
        let now = &self.used_by_page[i];
        let terms = self.glossary.terms();
        for &t in before.iter().filter(|t| !now.contains(t)) {
            let slug = terms[t].slug();
            if let Some(list) = self.appears_in.get_mut(slug) {
                list.retain(|&p| p != i);
                if list.is_empty() {
                    self.appears_in.remove(slug);
                }
            }
        }
        for &t in now.iter().filter(|t| !before.contains(t)) {
            let list = (self.appears_in)
                .entry(terms[t].slug().to_string())
                .or_default();
            let key = |p| appears_in_key(pages, p);
            let at = list.partition_point(|&p| key(p) < key(i));
            list.insert(at, i);
        }
        before
    }

    /// Puts page `i` back in its place in every "Appears in" list that has it, after its
    /// title changed. For `glia serve`.
    pub fn reorder(&mut self, pages: &[SitePage], i: usize) {
        for list in self.appears_in.values_mut() {
            if list.contains(&i) {
                list.sort_by_key(|&p| appears_in_key(pages, p));
            }
        }
    }
}

/// The folder of the glossary: its A–Z page, and each term's page inside it.
const DIR: &str = "glossary";

/// The route of the glossary's A–Z page.
pub fn route() -> Route {
    Route::page(DIR)
}

/// The route of one term's page (`glossary/<slug>/`), which carries its "Appears in" list.
pub fn term_route(slug: &str) -> Route {
    Route::page(&format!("{DIR}/{slug}"))
}

/// The order of every "Appears in" list: by page title, then by the page's place in `pages`.
/// [`link_site`] sorts by it, and `glia serve` keeps patched lists in it
/// ([`GlossaryIndex::set_used`], [`GlossaryIndex::reorder`]).
fn appears_in_key(pages: &[SitePage], p: usize) -> (&str, usize) {
    (pages[p].page.fm.title.as_str(), p)
}

/// The glossary as its term files make it, with what links terms: made before the other
/// pages are parsed, so each page is linked as soon as it is parsed ([`link_page`]) and its
/// events need not be kept for it.
#[derive(Default)]
pub struct Prepared {
    pub glossary: Glossary,
    pub matcher: Matcher,
    pub table: LinkTable,
    pub diagnostics: Vec<Diagnostic>,
}

/// Builds the glossary from the term files among `pages`, in the order of their paths.
pub fn prepare<'a>(pages: impl Iterator<Item = &'a ParsedPage>, style: LinkStyle) -> Prepared {
    let mut terms: Vec<&ParsedPage> = pages.filter(|p| p.term.is_some()).collect();
    terms.sort_by(|a, b| a.content_path.cmp(&b.content_path));
    let entries = (terms.iter())
        .filter_map(|p| {
            Some(GlossaryEntry {
                slug: term_slug(&p.content_path),
                file: p.file.clone(),
                text: p.text.clone(),
                fm: p.term.clone()?,
                fm_offset: p.yaml_offset,
                body: p.text[p.body_offset..].to_string(),
                first_sentence: crate::parse::prose::first_sentence(&p.doc.events, &p.text),
            })
        })
        .collect();
    let (glossary, mut diagnostics) = Glossary::build(entries);
    let matcher = match Matcher::new(&glossary) {
        Ok(m) => m,
        Err(d) => {
            diagnostics.push(d);
            Matcher::default()
        }
    };
    // Every link to a term leads to the term's own page: its URL from the glossary folder is
    // made once per term here, and each page adds its way to that folder (`link_bases`).
    let table = LinkTable::with_hrefs(&glossary, |slug| {
        term_route(slug).relative_from(&route(), style)
    });
    Prepared {
        glossary,
        matcher,
        table,
        diagnostics,
    }
}

/// Links every page to the `prepared` glossary and records which pages use which term.
/// `linked[i]`, when there, is page `i`'s [`link_page`], found when it was parsed.
pub fn link_site(
    pages: &[SitePage],
    prepared: Prepared,
    linked: Vec<Option<LinkOutcome>>,
    mode: GlossaryLink,
    diags: &mut Vec<Diagnostic>,
) -> GlossaryIndex {
    let Prepared {
        glossary,
        matcher,
        table,
        diagnostics,
    } = prepared;
    diags.extend(diagnostics);
    let definitions: BTreeMap<String, usize> = (pages.iter().enumerate())
        .filter(|(_, p)| p.page.term.is_some())
        .map(|(i, p)| (term_slug(&p.page.content_path), i))
        .collect();
    let outcomes: Vec<LinkOutcome> = (pages.par_iter().zip(linked))
        .map(|(p, linked)| linked.unwrap_or_else(|| link_page(&p.page, &glossary, &matcher, mode)))
        .collect();
    let mut links_by_page = Vec::with_capacity(pages.len());
    // Per term, by index: a site with many terms used on many pages makes ~100,000 entries,
    // too many to key by slug one at a time.
    let mut by_term: Vec<Vec<usize>> = vec![Vec::new(); glossary.len()];
    let mut used_by_page = Vec::with_capacity(pages.len());
    for (i, outcome) in outcomes.into_iter().enumerate() {
        let LinkOutcome {
            edits,
            used,
            diagnostics: d,
        } = outcome;
        links_by_page.push(edits);
        diags.extend(d);
        if !matches!(pages[i].page.kind, Kind::Term | Kind::Glossary) {
            for &t in &used {
                by_term[t].push(i);
            }
        }
        used_by_page.push(used);
    }
    // Each list is in `appears_in_key` order: rank every page once, then sort by rank.
    let mut by_title: Vec<usize> = (0..pages.len()).collect();
    by_title.sort_by_key(|&p| appears_in_key(pages, p));
    let mut rank = vec![0; pages.len()];
    for (r, &p) in by_title.iter().enumerate() {
        rank[p] = r;
    }
    let appears_in: BTreeMap<String, Vec<usize>> = by_term
        .into_iter()
        .enumerate()
        .filter(|(_, list)| !list.is_empty())
        .map(|(t, mut list)| {
            list.sort_unstable_by_key(|&p| rank[p]);
            (glossary.terms()[t].slug().to_string(), list)
        })
        .collect();
    let mut alpha: Vec<usize> = (0..glossary.len()).collect();
    alpha.sort_by_cached_key(|&t| alpha_key(&glossary.terms()[t]));
    let mut alpha_rank = vec![0; alpha.len()];
    for (r, &t) in alpha.iter().enumerate() {
        alpha_rank[t] = r;
    }
    GlossaryIndex {
        glossary,
        definitions,
        appears_in,
        used_by_page,
        links_by_page,
        table,
        alpha_rank,
        matcher,
    }
}

/// The A–Z order of terms: by name ignoring case, then by slug. [`link_site`] ranks every
/// term by it once ([`GlossaryIndex::sort_az`]).
fn alpha_key(term: &crate::glossary::Term) -> (String, String) {
    (term.term().to_lowercase(), term.slug().to_string())
}

/// Finds the glossary links of one page, from its events (as parse left them: link
/// rewriting never changes a `glossary:` or wiki link, the only ones the glossary reads).
pub fn link_page(
    p: &ParsedPage,
    glossary: &Glossary,
    matcher: &Matcher,
    mode: GlossaryLink,
) -> LinkOutcome {
    let mode = match mode {
        _ if p.fm.glossary == Some(false) => LinkMode::None,
        GlossaryLink::First => LinkMode::First,
        GlossaryLink::All => LinkMode::All,
        GlossaryLink::None => LinkMode::None,
    };
    let own = p.term.as_ref().map(|_| term_slug(&p.content_path));
    let ctx = LinkContext {
        glossary,
        matcher,
        mode,
        exclude_slug: own.as_deref(),
        file: &p.file,
        text: &p.text,
    };
    link_terms(&p.doc.events, &ctx)
}

/// Where page `p`'s glossary links point and how its tooltips are named, escaped, for
/// [`crate::glossary::LinkPieces`], when its body is shown on the page at `shown_on` (a
/// definition is shown on its own page and on the A–Z page): `(href_base, id_prefix)`.
pub fn link_bases(p: &SitePage, shown_on: &Route) -> (String, String) {
    // Links are written relative to the glossary's folder; folder links end in `/` in both
    // link styles, so this prefix is the same for both.
    let href_base = Route::folder_from(DIR, shown_on);
    // Tooltip ids must be unique on the A–Z page, where every definition is shown.
    let prefix = match &p.page.term {
        Some(_) => crate::ids::term_tip_prefix(&term_slug(&p.page.content_path)),
        None => String::new(),
    };
    (
        crate::html::escape(&href_base),
        crate::html::escape(&prefix),
    )
}

/// A term's slug is its file name: `glossary/nmda-receptor.md` → `nmda-receptor`.
pub fn term_slug(content_path: &str) -> String {
    let name = content_path.rsplit('/').next().unwrap_or(content_path);
    name.trim_end_matches(".md").to_string()
}
