//! What an edit to an article or page touches: the rules `glia serve` patches by, as pure
//! functions of what the page was and what it is now, so each rule has a unit test. The
//! session ([`super::Session`]) gathers the facts, asks these functions, and applies the
//! answer: a patch of the pages named, or a full compile for a [`Reason`].
//!
//! What else is rendered follows from what changed:
//! - the body only: the page itself, the search index, and, if the set of terms the page uses
//!   changed, the glossary's A–Z page (its counts) and the pages of the terms it started or
//!   stopped using (their "Appears in" lists name the page);
//! - an article's front-matter (title, dates, weight, summary, …): also the home page and
//!   section listings (every page of them), the article's old and new neighbours, the tag
//!   and audience pages, the reference index, the glossary's A–Z page, the pages of the
//!   terms it uses, and the feeds, all of which show it (with `feeds: {full_content: true}`
//!   the feeds show an article's body too, so a body edit renders all of these as well);
//! - either of the two above when they can change "Related" lists (`resolve::related`: an
//!   article's tags, `related:` or glossary terms): every list is computed again, which is
//!   cheap next to a render since it reads only inverted lists, and the pages whose list
//!   changed are rendered, with every page listing the article when its front-matter
//!   changed (its title and summary show there). A `related:` value naming no page is an
//!   error of the patch, as it is of a build.
//!
//! Everything else compiles the whole site again, exactly as `glia build` would ([`Reason`]):
//! a change to headings (other pages link to them), citation keys, code blocks (the site's
//! highlighting stylesheet), a slug, a draft flag, inline references, aliases or a template;
//! a page's front-matter (its title is in every page's navigation); an article's front-matter
//! edit that changes the site's newest date ("Last updated" on every page), its set of tags
//! (a tag page comes or goes) or its `image:`, or adds or removes a page of a topic's or an
//! audience's listing; an edit on a later day than the last build (reviews fall due); a
//! change in the terms a page uses that adds or removes a page of a term's "Appears in"; and
//! any change outside articles and pages — a template, `site.yaml`, a glossary term, a
//! bibliography, the disclaimer (in every footer), a file added or removed.

use std::collections::BTreeSet;

use crate::load::Kind;
use crate::parse::frontmatter::{references, Date, FrontMatter};
use crate::parse::markdown::Heading;
use crate::parse::ParsedPage;

/// Why an edit needs the whole site compiled again, as `glia build` would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The last full compile failed (or there is none): its errors may lie anywhere, so only
    /// another full compile can tell whether they are fixed.
    NoBuild,
    /// A file other than an article's or a page's source: a template, `site.yaml`, a glossary
    /// term, a bibliography, the disclaimer (in every footer), a file added or removed.
    NotAPage,
    /// The edited file could not be read (removed as it was saved?): a build reports why.
    Unreadable,
    /// The edit is on a later day than the last build: reviews may have fallen due.
    LaterDay,
    /// The site has several languages (`languages:`), whose pages link to each other: serve
    /// patches only a site in one language.
    Languages,
    /// A page's front-matter (not an article's): its title is in every page's navigation.
    PageFrontMatter,
    /// A slug moves the page.
    Slug,
    /// A draft flag adds or removes the page.
    Draft,
    /// Inline references change the bibliography.
    References,
    /// An `image:` must name a published file (resolve's check).
    Image,
    /// Aliases add or remove redirect pages, which show the title.
    Aliases,
    /// A template changes what the page is rendered with.
    Template,
    /// Other pages link to headings.
    Headings,
    /// Code blocks decide the site's highlighting stylesheet.
    Code,
    /// Citation keys decide the reference index and its numbering.
    Citations,
    /// The site's newest date is the "Last updated" date of every page.
    NewestDate,
    /// A tag page comes or goes, or a listing grows or shrinks by a page.
    Listings,
    /// A term's "Appears in" listing grows or shrinks by a page.
    TermListing,
}

/// Only the sources of articles and pages can be patched in.
pub fn source(kind: Kind) -> Result<(), Reason> {
    match kind {
        Kind::Article | Kind::Page => Ok(()),
        _ => Err(Reason::NotAPage),
    }
}

/// Which reviews are overdue depends on the day: once it has changed, every page showing a
/// review (articles, the home page) may differ from the last build.
pub fn day(built: jiff::civil::Date, today: jiff::civil::Date) -> Result<(), Reason> {
    if built == today {
        Ok(())
    } else {
        Err(Reason::LaterDay)
    }
}

/// What decides, from the page alone, whether an edit to it can be patched in.
pub struct Facts<'a> {
    pub kind: Kind,
    /// The front-matter as written (the text before the body).
    pub front_matter: &'a str,
    pub fm: &'a FrontMatter,
    pub headings: &'a [Heading],
    pub has_code: bool,
    pub citation_keys: BTreeSet<&'a str>,
}

impl<'a> Facts<'a> {
    pub fn of(p: &'a ParsedPage) -> Facts<'a> {
        Facts {
            kind: p.kind,
            front_matter: &p.text[..p.body_offset],
            fm: &p.fm,
            headings: &p.doc.headings,
            has_code: p.doc.has_code,
            citation_keys: (p.doc.citations.iter())
                .flat_map(|c| c.item.items.iter().map(|it| it.key.as_str()))
                .collect(),
        }
    }
}

/// Whether the edit from `old` to `new` can be patched in, judging by the page alone: `Ok`
/// with whether its front-matter changed (so it shows wherever the article is listed).
/// Only an article's title, dates, tags, summary and the like can change; the site-wide
/// consequences are [`shape`]'s and [`term_listings`]'s to judge.
pub fn page(old: &Facts, new: &Facts) -> Result<bool, Reason> {
    let front_matter = new.front_matter != old.front_matter;
    if front_matter {
        let (o, n) = (old.fm, new.fm);
        let rules = [
            (old.kind != Kind::Article, Reason::PageFrontMatter),
            (n.slug != o.slug, Reason::Slug),
            (n.draft != o.draft, Reason::Draft),
            // Read from the text: a page holds its references only until resolve takes them.
            (
                !same_references(old.front_matter, new.front_matter),
                Reason::References,
            ),
            (n.image != o.image, Reason::Image),
            (
                !n.aliases.is_empty() || !o.aliases.is_empty(),
                Reason::Aliases,
            ),
            (
                n.template != o.template || n.page_template != o.page_template,
                Reason::Template,
            ),
        ];
        if let Some(&(_, why)) = rules.iter().find(|(refused, _)| *refused) {
            return Err(why);
        }
    }
    if new.headings != old.headings {
        return Err(Reason::Headings);
    }
    if new.has_code != old.has_code {
        return Err(Reason::Code);
    }
    if new.citation_keys != old.citation_keys {
        return Err(Reason::Citations);
    }
    Ok(front_matter)
}

/// Whether two front-matters, as written, give the same `references:` (either unreadable
/// counts as a change).
fn same_references(old: &str, new: &str) -> bool {
    match (references(old), references(new)) {
        (Some(o), Some(n)) => o == n,
        _ => false,
    }
}

/// What of the whole site a front-matter edit may change only through a full compile: the
/// newest date and, per tag then per audience, its slug, the name its pages show and how
/// many pages its listing has (a page that comes or goes is written or deleted by a build).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub newest: Option<Date>,
    pub listings: Vec<(String, String, usize)>,
}

/// Whether the site's [`Shape`] stayed the same after a front-matter edit.
pub fn shape(before: &Shape, after: &Shape) -> Result<(), Reason> {
    if before.newest != after.newest {
        Err(Reason::NewestDate)
    } else if before.listings != after.listings {
        Err(Reason::Listings)
    } else {
        Ok(())
    }
}

/// Whether a page that used the terms `before` and now uses `now` leaves every term's
/// "Appears in" listing with as many pages as it had: `len(t)` is how many pages term `t`'s
/// list has now, `pages(n)` how many listing pages `n` items take. A term's page lists the
/// pages using it, paginated, and only a full compile writes or deletes a listing page.
pub fn term_listings(
    before: &[usize],
    now: &[usize],
    len: impl Fn(usize) -> usize,
    pages: impl Fn(usize) -> usize,
) -> Result<(), Reason> {
    let gained = now.iter().filter(|t| !before.contains(t));
    let lost = before.iter().filter(|t| !now.contains(t));
    let changes = gained
        .map(|&t| (t, len(t) + 1))
        .chain(lost.map(|&t| (t, len(t).saturating_sub(1))))
        .any(|(t, after)| pages(after) != pages(len(t)));
    if changes {
        Err(Reason::TermListing)
    } else {
        Ok(())
    }
}

/// One page a patch put in, as the choice of what else to render needs it.
pub struct Patched<'a> {
    pub page: usize,
    pub kind: Kind,
    pub front_matter: bool,
    /// The glossary terms it used before the edit and uses now (indexes, ascending).
    pub used_before: &'a [usize],
    pub used_now: &'a [usize],
    /// Its previous and next pages, before the edit and after it.
    pub neighbours: Vec<usize>,
}

impl Patched<'_> {
    fn terms_changed(&self) -> bool {
        self.used_before != self.used_now
    }
}

/// Whether the "Related" lists must be computed again: they follow tags, glossary terms and
/// cited works (citation keys are fixed in a patch, [`page`]).
pub fn related_may_change(edits: &[Patched]) -> bool {
    edits.iter().any(|e| e.front_matter || e.terms_changed())
}

/// The pages whose "Related" list must be rendered again, given every list `before` and
/// `after` the edits: those whose list changed, and those listing an article whose
/// front-matter changed (its title and summary show there).
pub fn related_changed(
    before: &[Vec<usize>],
    after: &[Vec<usize>],
    edits: &[Patched],
) -> Vec<usize> {
    (0..after.len())
        .filter(|&p| {
            before.get(p) != after.get(p)
                || edits
                    .iter()
                    .any(|e| e.front_matter && after[p].contains(&e.page))
        })
        .collect()
}

/// The pages of the site that show other pages, as [`touched`] needs them.
pub struct Showing<'a> {
    /// Whether the feeds carry whole articles (`feeds: {full_content: true}`): then they
    /// show an article's body too.
    pub full_content: bool,
    /// The home page and the section indexes.
    pub listing_pages: Vec<usize>,
    /// The glossary's A–Z page, which counts each term's pages.
    pub glossary: Option<usize>,
    /// The page of term `t` (an index into the glossary's terms).
    pub term_page: &'a dyn Fn(usize) -> Option<usize>,
}

/// What a patch renders again.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Touched {
    /// Pages, ascending.
    pub pages: Vec<usize>,
    /// Whether every listing is rendered again too (every page of the home page's, the
    /// sections', the tags' and audiences', the reference index and the feeds).
    pub listings: bool,
}

/// What the patched pages `edits` touch, with the pages whose "Related" list changed
/// ([`related_changed`]).
pub fn touched(edits: &[Patched], related: &[usize], site: &Showing) -> Touched {
    let mut pages: BTreeSet<usize> = edits.iter().map(|e| e.page).collect();
    // A front-matter edit shows wherever the article is listed or named; with whole articles
    // in the feeds, a body edit does too.
    let listings = edits
        .iter()
        .any(|e| e.front_matter || (site.full_content && e.kind == Kind::Article));
    // The A–Z page counts each term's pages, and names nothing else.
    let mut glossary = edits.iter().any(Patched::terms_changed);
    if listings {
        for e in edits {
            pages.extend(e.neighbours.iter().copied());
            glossary |= !e.used_now.is_empty();
        }
        pages.extend(site.listing_pages.iter().copied());
    }
    if glossary {
        pages.extend(site.glossary);
    }
    // A term's page lists the pages using it, by title: those of the terms a page stopped or
    // started using, and of every term it uses when its title or summary changed.
    for e in edits {
        let terms = (e.used_before.iter().chain(e.used_now))
            .filter(|t| e.front_matter || e.used_before.contains(t) != e.used_now.contains(t));
        pages.extend(terms.filter_map(|&t| (site.term_page)(t)));
    }
    pages.extend(related.iter().copied());
    Touched {
        pages: pages.into_iter().collect(),
        listings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(kind: Kind, written: &'a str, fm: &'a FrontMatter) -> Facts<'a> {
        Facts {
            kind,
            front_matter: written,
            fm,
            headings: &[],
            has_code: false,
            citation_keys: BTreeSet::new(),
        }
    }

    fn fm(title: &str) -> FrontMatter {
        FrontMatter {
            title: title.to_string(),
            ..FrontMatter::default()
        }
    }

    #[test]
    fn only_articles_and_pages_on_the_day_of_the_build_can_be_patched() {
        assert_eq!(source(Kind::Article), Ok(()));
        assert_eq!(source(Kind::Page), Ok(()));
        for kind in [
            Kind::Disclaimer,
            Kind::Home,
            Kind::Section,
            Kind::Term,
            Kind::Glossary,
        ] {
            assert_eq!(source(kind), Err(Reason::NotAPage), "{kind:?}");
        }
        let d = jiff::civil::date(2026, 3, 1);
        assert_eq!(day(d, d), Ok(()));
        assert_eq!(day(d, d.tomorrow().unwrap()), Err(Reason::LaterDay));
    }

    #[test]
    fn a_body_edit_is_patched_without_its_front_matter() {
        let f = fm("A");
        let old = facts(Kind::Page, "---\ntitle: A\n---\n", &f);
        let new = facts(Kind::Page, "---\ntitle: A\n---\n", &f);
        assert_eq!(page(&old, &new), Ok(false));
    }

    #[test]
    fn an_articles_title_is_patched_a_pages_is_not() {
        let (a, b) = (fm("A"), fm("B"));
        let old = facts(Kind::Article, "---\ntitle: A\n---\n", &a);
        let new = facts(Kind::Article, "---\ntitle: B\n---\n", &b);
        assert_eq!(page(&old, &new), Ok(true));
        let old = facts(Kind::Page, "---\ntitle: A\n---\n", &a);
        let new = facts(Kind::Page, "---\ntitle: B\n---\n", &b);
        assert_eq!(page(&old, &new), Err(Reason::PageFrontMatter));
    }

    #[test]
    fn front_matter_that_moves_adds_or_redirects_a_page_compiles_everything() {
        let old_fm = fm("A");
        type Change = fn(&mut FrontMatter);
        let cases: [(Change, Reason); 6] = [
            (|f| f.slug = Some("b".into()), Reason::Slug),
            (|f| f.draft = true, Reason::Draft),
            (|f| f.image = Some("x.png".into()), Reason::Image),
            (|f| f.aliases = vec!["old/".into()], Reason::Aliases),
            (|f| f.template = Some("wide.html".into()), Reason::Template),
            (
                |f| f.page_template = Some("p.html".into()),
                Reason::Template,
            ),
        ];
        for (change, why) in cases {
            let mut new_fm = fm("A");
            change(&mut new_fm);
            let old = facts(Kind::Article, "---\ntitle: A\n---\n", &old_fm);
            let new = facts(
                Kind::Article,
                "---\ntitle: A\nchanged: true\n---\n",
                &new_fm,
            );
            assert_eq!(page(&old, &new), Err(why));
        }
        // Aliases kept as they were still redirect under the old title.
        let mut aliased = fm("A");
        aliased.aliases = vec!["old/".into()];
        let old = facts(Kind::Article, "---\ntitle: A\n---\n", &aliased);
        let new = facts(Kind::Article, "---\ntitle: B\n---\n", &aliased);
        assert_eq!(page(&old, &new), Err(Reason::Aliases));
    }

    #[test]
    fn references_are_compared_as_written_since_resolve_takes_them_from_the_page() {
        // The old page's `fm` no longer holds its references; the text still does.
        let f = fm("A");
        let written =
            "---\ntitle: A\nreferences:\n  - id: smith2020\n    title: T\n    year: 2020\n---\n";
        let old = facts(Kind::Article, written, &f);
        let retitled = written.replace("title: A", "title: B");
        assert_eq!(page(&old, &facts(Kind::Article, &retitled, &f)), Ok(true));
        // Same references, written differently.
        let quoted = retitled.replace("year: 2020", "year: \"2020\"  # checked");
        assert_eq!(page(&old, &facts(Kind::Article, &quoted, &f)), Ok(true));
        let changed = written.replace("year: 2020", "year: 2021");
        let new = facts(Kind::Article, &changed, &f);
        assert_eq!(page(&old, &new), Err(Reason::References));
        let dropped = "---\ntitle: A\n---\n";
        let new = facts(Kind::Article, dropped, &f);
        assert_eq!(page(&old, &new), Err(Reason::References));
    }

    #[test]
    fn headings_code_and_citation_keys_compile_everything() {
        let f = fm("A");
        let heading = [Heading {
            level: 2,
            id: "h".into(),
            title: "H".into(),
        }];
        let old = facts(Kind::Page, "", &f);
        let mut new = facts(Kind::Page, "", &f);
        new.headings = &heading;
        assert_eq!(page(&old, &new), Err(Reason::Headings));
        let mut new = facts(Kind::Page, "", &f);
        new.has_code = true;
        assert_eq!(page(&old, &new), Err(Reason::Code));
        let mut new = facts(Kind::Page, "", &f);
        new.citation_keys.insert("smith2020");
        assert_eq!(page(&old, &new), Err(Reason::Citations));
    }

    #[test]
    fn a_new_newest_date_or_listing_page_compiles_everything() {
        let shape_of = |day: i8, pages: usize| Shape {
            newest: Some(Date(jiff::civil::date(2026, 1, day))),
            listings: vec![("ketamine".into(), "Ketamine".into(), pages)],
        };
        assert_eq!(shape(&shape_of(1, 1), &shape_of(1, 1)), Ok(()));
        assert_eq!(
            shape(&shape_of(1, 1), &shape_of(2, 1)),
            Err(Reason::NewestDate)
        );
        assert_eq!(
            shape(&shape_of(1, 1), &shape_of(1, 2)),
            Err(Reason::Listings)
        );
    }

    #[test]
    fn a_term_listing_that_gains_or_loses_a_page_compiles_everything() {
        // Ten items a listing page; term 0 is used by 10 pages, term 1 by 11, term 2 by 3.
        let len = |t: usize| [10, 11, 3][t];
        let pages = |n: usize| n.div_ceil(10).max(1);
        assert_eq!(term_listings(&[], &[2], len, pages), Ok(()));
        assert_eq!(term_listings(&[2], &[], len, pages), Ok(()));
        assert_eq!(term_listings(&[0], &[0], len, pages), Ok(()));
        assert_eq!(
            term_listings(&[], &[0], len, pages),
            Err(Reason::TermListing)
        );
        assert_eq!(
            term_listings(&[1, 2], &[2], len, pages),
            Err(Reason::TermListing)
        );
    }

    fn edit<'a>(
        page: usize,
        front_matter: bool,
        before: &'a [usize],
        now: &'a [usize],
    ) -> Patched<'a> {
        Patched {
            page,
            kind: Kind::Article,
            front_matter,
            used_before: before,
            used_now: now,
            neighbours: vec![page - 1, page + 1],
        }
    }

    /// Pages 0 home, 1 section, 2 glossary, 10 + t term t's page; articles from 20.
    fn showing(full_content: bool) -> Showing<'static> {
        fn term_page(t: usize) -> Option<usize> {
            Some(10 + t)
        }
        const TERM_PAGE: &dyn Fn(usize) -> Option<usize> = &term_page;
        Showing {
            full_content,
            listing_pages: vec![0, 1],
            glossary: Some(2),
            term_page: TERM_PAGE,
        }
    }

    #[test]
    fn a_body_edit_touches_only_the_page() {
        let e = [edit(21, false, &[3], &[3])];
        assert!(!related_may_change(&e));
        let t = touched(&e, &[], &showing(false));
        assert_eq!(
            t,
            Touched {
                pages: vec![21],
                listings: false
            }
        );
    }

    #[test]
    fn with_whole_articles_in_the_feeds_a_body_edit_touches_the_listings() {
        let e = [edit(21, false, &[], &[])];
        let t = touched(&e, &[], &showing(true));
        assert_eq!(t.pages, vec![0, 1, 20, 21, 22]);
        assert!(t.listings);
    }

    #[test]
    fn a_new_term_touches_its_page_and_the_glossary() {
        let e = [edit(21, false, &[3], &[3, 4])];
        assert!(related_may_change(&e));
        let t = touched(&e, &[], &showing(false));
        assert_eq!(t.pages, vec![2, 14, 21]);
        assert!(!t.listings);
        let e = [edit(21, false, &[3, 4], &[4])];
        assert_eq!(touched(&e, &[], &showing(false)).pages, vec![2, 13, 21]);
    }

    #[test]
    fn a_title_edit_touches_listings_neighbours_the_glossary_and_its_terms() {
        let e = [edit(21, true, &[3], &[3])];
        assert!(related_may_change(&e));
        let t = touched(&e, &[30], &showing(false));
        assert_eq!(t.pages, vec![0, 1, 2, 13, 20, 21, 22, 30]);
        assert!(t.listings);
        // No terms: the A–Z page names no page, so it stays.
        let e = [edit(21, true, &[], &[])];
        assert_eq!(
            touched(&e, &[], &showing(false)).pages,
            vec![0, 1, 20, 21, 22]
        );
    }

    #[test]
    fn related_lists_that_changed_or_name_an_edited_title_are_rendered() {
        let before = vec![vec![21], vec![22], vec![23], vec![]];
        let after = vec![vec![21], vec![23], vec![23], vec![]];
        let body = [edit(21, false, &[], &[1])];
        assert_eq!(related_changed(&before, &after, &body), vec![1]);
        let title = [edit(21, true, &[], &[])];
        assert_eq!(related_changed(&before, &after, &title), vec![0, 1]);
    }
}
