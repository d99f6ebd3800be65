//! The glossary's pages: the A–Z page's letters and terms, each term's own page with the
//! pages using it, and the "Terms used on this page" list of every other page.

use serde::Serialize;

use crate::load::Kind;
use crate::resolve::Site;
use crate::url::Route;

use super::items::{list_item, ListItem};

/// A glossary term as linked from a page.
#[derive(Serialize)]
pub struct TermRef {
    pub term: String,
    pub url: String,
    pub short: String,
}

/// The glossary's A–Z page: terms grouped by first letter.
#[derive(Serialize)]
pub struct GlossaryCtx {
    pub count: usize,
    pub letters: Vec<LetterGroup>,
}

#[derive(Serialize)]
pub struct LetterGroup {
    pub letter: String,
    /// Anchor id of the group (`letter-a`).
    pub id: String,
    pub terms: Vec<TermCtx>,
}

/// A term's entry on the A–Z page.
#[derive(Serialize)]
pub struct TermCtx {
    /// Also the entry's anchor id (`glossary/#nmda-receptor`), kept for links made before
    /// terms had pages of their own.
    pub slug: String,
    pub term: String,
    pub short: String,
    /// The full definition, rendered HTML.
    pub definition: String,
    pub aliases: Vec<String>,
    pub see_also: Vec<TermRef>,
    /// The term's own page, which lists the pages using it.
    pub url: String,
    /// How many pages use the term.
    pub appears_count: usize,
}

/// A term's own page (`glossary/<slug>/`): its definition is the page's `content`.
#[derive(Serialize)]
pub struct TermPageCtx {
    pub slug: String,
    pub term: String,
    pub aliases: Vec<String>,
    pub see_also: Vec<TermRef>,
    /// The term's entry on the A–Z page.
    pub glossary_url: String,
    /// How many pages use the term, on all pages of its listing.
    pub appears_count: usize,
    /// The pages using it shown on this page of the listing, by title.
    pub appears_in: Vec<ListItem>,
}

/// The "Terms used on this page" list: a link to each term's entry, A–Z. Names only: each
/// term's definition is already on the page, in the tooltip where the term is linked, and
/// repeating it here made term-heavy pages a third larger.
pub fn terms_html(site: &Site, i: usize) -> String {
    let g = &site.glossary;
    let Some(used) = g.used_by_page.get(i) else {
        return String::new();
    };
    if matches!(site.pages[i].page.kind, Kind::Glossary | Kind::Term) {
        return String::new();
    }
    let mut used = used.clone();
    g.sort_az(&mut used);
    // Each term's page: the way to the glossary's folder, then the term's own part.
    let (base, _) = crate::resolve::glossary::link_bases(&site.pages[i], &site.pages[i].route);
    let size = (used.iter())
        .map(|&t| 30 + base.len() + g.table.href(t).len() + g.table.term(t).len())
        .sum();
    let mut out = String::with_capacity(size);
    for t in used {
        out.push_str(r#"<li><a href=""#);
        out.push_str(&base);
        out.push_str(g.table.href(t));
        out.push_str(r#"">"#);
        out.push_str(g.table.term(t));
        out.push_str("</a></li>\n");
    }
    out
}

/// Every term (an index into `Glossary::terms`), in the A–Z order the glossary shows.
fn alpha_terms(site: &Site) -> Vec<usize> {
    let g = &site.glossary;
    let mut terms: Vec<usize> = (0..g.glossary.len()).collect();
    g.sort_az(&mut terms);
    terms
}

/// The pages defining glossary terms, in the order the A–Z page shows them.
pub fn glossary_order(site: &Site) -> Vec<usize> {
    let g = &site.glossary;
    alpha_terms(site)
        .into_iter()
        .filter_map(|t| g.definitions.get(g.glossary.terms()[t].slug()).copied())
        .collect()
}

/// Links from `from` to the pages of the terms `slugs` names (unknown ones left out).
fn see_also(site: &Site, from: &Route, slugs: &[String]) -> Vec<TermRef> {
    let g = &site.glossary.glossary;
    slugs
        .iter()
        .filter_map(|s| g.get(s))
        .map(|o| TermRef {
            term: o.term().to_string(),
            url: crate::resolve::glossary::term_route(o.slug())
                .relative_from(from, site.link_style),
            short: o.short.clone(),
        })
        .collect()
}

/// The A–Z page's terms. `definition_html` renders a term's definition page.
pub fn glossary_context(
    site: &Site,
    definition_html: &(dyn Fn(usize) -> String + Sync),
) -> GlossaryCtx {
    let g = &site.glossary;
    let from = crate::resolve::glossary::route();
    let mut letters: Vec<LetterGroup> = Vec::new();
    for t in alpha_terms(site) {
        let t = &g.glossary.terms()[t];
        let first = t
            .term()
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .filter(|c| c.chars().all(char::is_alphabetic))
            .unwrap_or_else(|| "#".into());
        let entry = TermCtx {
            slug: t.slug().to_string(),
            term: t.term().to_string(),
            short: t.short.clone(),
            definition: (g.definitions.get(t.slug()))
                .map(|&i| definition_html(i))
                .unwrap_or_default(),
            aliases: t.names.iter().skip(1).cloned().collect(),
            see_also: see_also(site, &from, &t.see_also),
            url: crate::resolve::glossary::term_route(t.slug())
                .relative_from(&from, site.link_style),
            appears_count: g.appears_in.get(t.slug()).map_or(0, Vec::len),
        };
        match letters.last_mut() {
            Some(group) if group.letter == first => group.terms.push(entry),
            _ => letters.push(LetterGroup {
                id: crate::ids::letter(&first),
                letter: first,
                terms: vec![entry],
            }),
        }
    }
    GlossaryCtx {
        count: g.glossary.len(),
        letters,
    }
}

/// The pages using the term defined on page `i`, by title: the listing its page paginates.
pub fn term_appears_in(site: &Site, i: usize) -> &[usize] {
    let slug = crate::resolve::glossary::term_slug(&site.pages[i].page.content_path);
    site.glossary
        .appears_in
        .get(&slug)
        .map_or(&[], Vec::as_slice)
}

/// The term page of the term defined on page `i`, as shown at `from` (a page of its listing),
/// listing the pages `items` of [`term_appears_in`].
pub fn term_page_context(
    site: &Site,
    i: usize,
    from: &Route,
    items: std::ops::Range<usize>,
) -> Option<TermPageCtx> {
    let slug = crate::resolve::glossary::term_slug(&site.pages[i].page.content_path);
    let t = site.glossary.glossary.get(&slug)?;
    let all = term_appears_in(site, i);
    let glossary = crate::resolve::glossary::route().relative_from(from, site.link_style);
    Some(TermPageCtx {
        glossary_url: format!("{glossary}#{}", crate::ids::glossary_entry(&slug)),
        term: t.term().to_string(),
        aliases: t.names.iter().skip(1).cloned().collect(),
        see_also: see_also(site, from, &t.see_also),
        appears_count: all.len(),
        appears_in: (all.get(items).unwrap_or_default().iter())
            .map(|&p| list_item(site, from, p))
            .collect(),
        slug,
    })
}
