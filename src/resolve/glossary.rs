//! The site-wide glossary step of resolve: build the glossary from the term files, link terms
//! in every page (in parallel), and record which pages use which term ("Appears in").
//!
//! It runs after links are rewritten, because it inserts events and would shift the indexes
//! that link rewriting records.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::SitePage;
use crate::config::GlossaryLink;
use crate::diagnostics::Diagnostic;
use crate::glossary::{
    link_terms, Glossary, GlossaryEntry, LinkContext, LinkMode, LinkOutcome, LinkTable, Matcher,
};
use crate::load::Kind;
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
    /// Every term's escaped HTML pieces, for the pages that list terms.
    pub table: LinkTable,
    /// Per term: its place in the A–Z order the glossary page and "Terms used" panels show
    /// (by name ignoring case, then by slug).
    pub alpha_rank: Vec<usize>,
    /// Kept so `glia serve` can link one edited page again.
    pub matcher: Matcher,
}

/// The route of the glossary page.
pub fn route() -> Route {
    Route::page("glossary")
}

pub fn link_site(
    pages: &mut [SitePage],
    mode: GlossaryLink,
    style: LinkStyle,
    diags: &mut Vec<Diagnostic>,
) -> GlossaryIndex {
    let mut entries = Vec::new();
    let mut definitions = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        let Some(fm) = &p.page.term else { continue };
        let slug = term_slug(&p.page.content_path);
        definitions.insert(slug.clone(), i);
        entries.push(GlossaryEntry {
            slug,
            file: p.page.file.clone(),
            text: p.page.text.clone(),
            fm: fm.clone(),
            fm_offset: p.page.yaml_offset,
            body: p.page.text[p.page.body_offset..].to_string(),
        });
    }
    let (glossary, d) = Glossary::build(entries);
    diags.extend(d);
    let matcher = match Matcher::new(&glossary) {
        Ok(m) => m,
        Err(d) => {
            diags.push(d);
            Matcher::default()
        }
    };
    let table = LinkTable::new(&glossary);
    let outcomes: Vec<(Vec<Diagnostic>, Vec<usize>)> = pages
        .par_iter_mut()
        .map(|p| link_page(p, &glossary, &matcher, &table, mode, style))
        .collect();
    // Per term, by index: a site with many terms used on many pages makes ~100,000 entries,
    // too many to key by slug one at a time.
    let mut by_term: Vec<Vec<usize>> = vec![Vec::new(); glossary.len()];
    let mut used_by_page = Vec::with_capacity(pages.len());
    for (i, (d, used)) in outcomes.into_iter().enumerate() {
        diags.extend(d);
        if !matches!(pages[i].page.kind, Kind::Term | Kind::Glossary) {
            for &t in &used {
                by_term[t].push(i);
            }
        }
        used_by_page.push(used);
    }
    // Each list is sorted by page title: rank the pages by title once, then sort by rank.
    let mut by_title: Vec<usize> = (0..pages.len()).collect();
    by_title.sort_by(|&a, &b| pages[a].page.fm.title.cmp(&pages[b].page.fm.title));
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
    alpha.sort_by_cached_key(|&t| {
        let term = &glossary.terms()[t];
        (term.term().to_lowercase(), term.slug().to_string())
    });
    let mut alpha_rank = vec![0; alpha.len()];
    for (r, &t) in alpha.iter().enumerate() {
        alpha_rank[t] = r;
    }
    GlossaryIndex {
        glossary,
        definitions,
        appears_in,
        used_by_page,
        table,
        alpha_rank,
        matcher,
    }
}

/// Links the terms of one page. Returns its diagnostics and the terms it uses (indexes into
/// `glossary.terms()`, ascending).
pub fn link_page(
    p: &mut SitePage,
    glossary: &Glossary,
    matcher: &Matcher,
    table: &LinkTable,
    mode: GlossaryLink,
    style: LinkStyle,
) -> (Vec<Diagnostic>, Vec<usize>) {
    let mode = match mode {
        _ if p.page.fm.glossary == Some(false) => LinkMode::None,
        GlossaryLink::First => LinkMode::First,
        GlossaryLink::All => LinkMode::All,
        GlossaryLink::None => LinkMode::None,
    };
    let own = p
        .page
        .term
        .as_ref()
        .map(|_| term_slug(&p.page.content_path));
    // Tooltip ids must be unique on the glossary page, where every definition is shown.
    let prefix = own.as_ref().map(|s| format!("{s}-")).unwrap_or_default();
    // Definitions are shown on the glossary page, so their links stay on it.
    let href_base = if matches!(p.page.kind, Kind::Term | Kind::Glossary) {
        String::new()
    } else {
        route().relative_from(&p.route, style)
    };
    let events = std::mem::take(&mut p.page.doc.events);
    let ctx = LinkContext {
        glossary,
        matcher,
        table,
        mode,
        exclude_slug: own.as_deref(),
        href_base: &href_base,
        file: &p.page.file,
        text: &p.page.text,
        id_prefix: &prefix,
    };
    let LinkOutcome {
        events,
        used,
        diagnostics,
    } = link_terms(events, &ctx);
    p.page.doc.events = events;
    (diagnostics, used)
}

/// A term's slug is its file name: `glossary/nmda-receptor.md` → `nmda-receptor`.
pub fn term_slug(content_path: &str) -> String {
    let name = content_path.rsplit('/').next().unwrap_or(content_path);
    name.trim_end_matches(".md").to_string()
}
