//! The site-wide glossary step of resolve: build the glossary from the term files, link terms
//! in every page (in parallel), and record which pages use which term ("Appears in").
//!
//! It runs after links are rewritten, because it inserts events and would shift the indexes
//! that link rewriting records.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::SitePage;
use crate::config::GlossaryLink;
use crate::diagnostics::Diagnostic;
use crate::glossary::{
    link_terms, Glossary, GlossaryEntry, LinkContext, LinkMode, LinkOutcome, Matcher,
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
    /// Per page: the term slugs it uses.
    pub used_by_page: Vec<BTreeSet<String>>,
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
    let outcomes: Vec<(Vec<Diagnostic>, BTreeSet<String>)> = pages
        .par_iter_mut()
        .map(|p| link_page(p, &glossary, &matcher, mode, style))
        .collect();
    let mut appears_in: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut used_by_page = Vec::with_capacity(pages.len());
    for (i, (d, used)) in outcomes.into_iter().enumerate() {
        diags.extend(d);
        if !matches!(pages[i].page.kind, Kind::Term | Kind::Glossary) {
            for slug in &used {
                appears_in.entry(slug.clone()).or_default().push(i);
            }
        }
        used_by_page.push(used);
    }
    for list in appears_in.values_mut() {
        list.sort_by(|&a, &b| {
            pages[a]
                .page
                .fm
                .title
                .cmp(&pages[b].page.fm.title)
                .then(a.cmp(&b))
        });
    }
    GlossaryIndex {
        glossary,
        definitions,
        appears_in,
        used_by_page,
        matcher,
    }
}

/// Links the terms of one page. Returns its diagnostics and the slugs of the terms it uses.
pub fn link_page(
    p: &mut SitePage,
    glossary: &Glossary,
    matcher: &Matcher,
    mode: GlossaryLink,
    style: LinkStyle,
) -> (Vec<Diagnostic>, BTreeSet<String>) {
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
    let base = route().relative_from(&p.route, style);
    let on_glossary_page = matches!(p.page.kind, Kind::Term | Kind::Glossary);
    let href = |slug: &str| {
        if on_glossary_page {
            format!("#{slug}")
        } else {
            format!("{base}#{slug}")
        }
    };
    let events = std::mem::take(&mut p.page.doc.events);
    let ctx = LinkContext {
        glossary,
        matcher,
        mode,
        exclude_slug: own.as_deref(),
        href: &href,
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
