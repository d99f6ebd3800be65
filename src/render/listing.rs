//! The theme's listings beyond a section's own children: the home page's featured, topic,
//! audience, newest and recently-reviewed lists; the tag pages; and the medical-information
//! disclaimer shown on every article.

use std::collections::BTreeMap;

use serde::Serialize;

use super::items::{list_item, Link, ListItem};
use crate::parse::frontmatter::Audience;
use crate::parse::markdown::slugify;
use crate::resolve::Site;
use crate::url::Route;

/// How many articles the home page's short lists (featured, newest, reviewed) show.
const SHORT_LIST: usize = 5;

/// The disclaimer page's summary (or first paragraph) and a link to the whole page.
#[derive(Serialize)]
pub struct Disclaimer {
    pub title: String,
    pub text: String,
    pub url: String,
}

/// A named group of articles: one topic (tag) or one audience.
#[derive(Serialize)]
pub struct Group {
    /// The tag's slug or the audience key (`patients`).
    pub key: String,
    pub title: String,
    /// The group's own page (tag pages); `None` for audiences.
    pub url: Option<String>,
    pub items: Vec<ListItem>,
}

/// Extra lists on the home page. Each is bounded, whatever the size of the site: the full
/// listings are on the section, topic and audience pages, which are paginated.
#[derive(Serialize)]
pub struct HomeCtx {
    /// Articles with a front-matter `weight`, lowest first (else the first in display order).
    pub featured: Vec<ListItem>,
    /// The most used topics (at most [`HOME_TOPICS`]), A–Z, as links to their pages.
    pub topics: Vec<TagLink>,
    /// Audiences with articles, in the order patients, clinicians, students, researchers, as
    /// links to their pages.
    pub audiences: Vec<TagLink>,
    /// Newest first by `date`.
    pub newest: Vec<ListItem>,
    /// Most recently reviewed first by `last_reviewed`.
    pub reviewed: Vec<ListItem>,
}

/// How many topics the home page names; `tags/` lists them all.
const HOME_TOPICS: usize = 20;

/// Where a page sits in a paginated listing, with links (relative to it) to its neighbours.
#[derive(Serialize, Clone)]
pub struct Pager {
    /// This page's number, from 1.
    pub current: usize,
    pub total: usize,
    pub first: String,
    pub last: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// One page of a listing: where it is written, which items it shows and its pager (`None`
/// when the listing fits on one page).
pub struct Paged {
    pub route: Route,
    pub items: std::ops::Range<usize>,
    pub pager: Option<Pager>,
}

/// The pages of a listing of `len` items whose first page is the folder `dir`, at the site's
/// page size: `dir/`, `dir/page/2/`, … An empty listing still has its first page.
pub fn paginate(site: &Site, dir: &str, len: usize) -> Vec<Paged> {
    let per = page_size(site);
    let total = page_count(site, len);
    let rel = |from: &Route, n: usize| Route::paged(dir, n).relative_from(from, site.link_style);
    (1..=total)
        .map(|n| {
            let route = Route::paged(dir, n);
            let pager = (total > 1).then(|| Pager {
                current: n,
                total,
                first: rel(&route, 1),
                last: rel(&route, total),
                prev: (n > 1).then(|| rel(&route, n - 1)),
                next: (n < total).then(|| rel(&route, n + 1)),
            });
            Paged {
                items: (n - 1) * per..(n * per).min(len),
                route,
                pager,
            }
        })
        .collect()
}

/// How many items a page of a listing shows.
fn page_size(site: &Site) -> usize {
    site.config.paginate.max(1)
}

/// How many pages a listing of `len` items has (at least one).
pub fn page_count(site: &Site, len: usize) -> usize {
    len.div_ceil(page_size(site)).max(1)
}

/// The page of the listing under `dir` (see [`paginate`]) that shows its item `pos` (from 0).
pub fn page_holding(site: &Site, dir: &str, pos: usize) -> Route {
    Route::paged(dir, pos / page_size(site) + 1)
}

/// The audiences, in the order the site shows them.
pub const AUDIENCES: [Audience; 4] = [
    Audience::Patients,
    Audience::Clinicians,
    Audience::Students,
    Audience::Researchers,
];

/// An audience's key in URLs and ids (`patients`).
pub fn audience_key(a: Audience) -> String {
    a.label().to_lowercase()
}

/// The route of an audience's listing (`audiences/<key>/`).
pub fn audience_route(a: Audience) -> Route {
    Route::page(&audience_dir(a))
}

/// The folder an audience's listing is paginated under.
pub fn audience_dir(a: Audience) -> String {
    format!("audiences/{}", audience_key(a))
}

/// The articles written for audience `a`, in display order.
pub fn audience_articles(site: &Site, a: Audience) -> Vec<usize> {
    (site.articles.iter().copied())
        .filter(|&i| site.pages[i].page.fm.audience.contains(&a))
        .collect()
}

/// A tag as linked from a page or listed on the tag index.
#[derive(Serialize)]
pub struct TagLink {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub count: usize,
}

/// The tag pages: the index lists `all`; one tag's page also has `current` (the articles
/// of this page of its listing).
#[derive(Serialize)]
pub struct TagsCtx {
    pub all: Vec<TagLink>,
    pub current: Option<Group>,
}

/// The route of the tag index (`tags/`).
pub fn index_route() -> Route {
    Route::page("tags")
}

/// The route of one tag's page (`tags/<slug>/`).
pub fn tag_route(slug: &str) -> Route {
    Route::page(&tag_dir(slug))
}

/// The folder a tag's listing is paginated under.
pub fn tag_dir(slug: &str) -> String {
    format!("tags/{slug}")
}

/// Every tag used by an article: slug → (name as first written, articles in display order).
pub fn tags(site: &Site) -> Tags {
    let mut out = Tags::new();
    for &a in &site.articles {
        for t in &site.pages[a].page.fm.tags {
            let slug = slugify(t);
            if slug.is_empty() {
                continue;
            }
            let entry = out.entry(slug).or_insert_with(|| (t.clone(), Vec::new()));
            // Articles come one at a time, so a repeat of this one (a tag written twice, or
            // two spellings of one slug) can only be the last entry.
            if entry.1.last() != Some(&a) {
                entry.1.push(a);
            }
        }
    }
    out
}

/// Links to the tag pages of the tags `names`, in the order given.
pub fn tag_links(site: &Site, from: &Route, names: &[String]) -> Vec<Link> {
    names
        .iter()
        .map(|n| (n, slugify(n)))
        .filter(|(_, s)| !s.is_empty())
        .map(|(n, s)| {
            let r = tag_route(&s);
            Link {
                title: n.clone(),
                url: r.relative_from(from, site.link_style),
                current: &r == from,
            }
        })
        .collect()
}

/// Every tag by slug, as [`tags`] gives them.
pub type Tags = BTreeMap<String, (String, Vec<usize>)>;

/// The tag pages' context, from the site's [`tags`] (counted once for all tag pages); on one
/// tag's page, `current` is the tag and the articles of `items` (a range of its listing, from
/// [`paginate`]).
pub fn tags_context(
    site: &Site,
    all_tags: &Tags,
    from: &Route,
    current: Option<(&str, std::ops::Range<usize>)>,
) -> TagsCtx {
    let all = all_tags
        .iter()
        .map(|(slug, (name, pages))| TagLink {
            name: name.clone(),
            slug: slug.clone(),
            url: tag_route(slug).relative_from(from, site.link_style),
            count: pages.len(),
        })
        .collect();
    let current = current
        .and_then(|(c, items)| all_tags.get(c).map(|t| (c, t, items)))
        .map(|(slug, (name, pages), items)| Group {
            key: slug.to_string(),
            title: name.clone(),
            url: None,
            items: (pages.get(items).unwrap_or_default().iter())
                .map(|&i| list_item(site, from, i))
                .collect(),
        });
    TagsCtx { all, current }
}

pub fn home_context(site: &Site, from: &Route) -> HomeCtx {
    let item = |i: usize| list_item(site, from, i);
    let mut weighted: Vec<usize> = site
        .articles
        .iter()
        .copied()
        .filter(|&a| site.pages[a].page.fm.weight.is_some())
        .collect();
    weighted.sort_by_key(|&a| site.pages[a].page.fm.weight);
    if weighted.is_empty() {
        weighted = site.articles.clone();
    }
    let featured = weighted.into_iter().take(3).map(item).collect();
    let mut topics: Vec<TagLink> = tags(site)
        .into_iter()
        .map(|(slug, (name, pages))| TagLink {
            url: tag_route(&slug).relative_from(from, site.link_style),
            slug,
            name,
            count: pages.len(),
        })
        .collect();
    // The most used first (ties A–Z, the sort is stable), then the few kept A–Z again.
    topics.sort_by_key(|t| std::cmp::Reverse(t.count));
    topics.truncate(HOME_TOPICS);
    topics.sort_by(|a, b| a.slug.cmp(&b.slug));
    let audiences = AUDIENCES
        .into_iter()
        .map(|a| TagLink {
            name: format!("For {}", a.label().to_lowercase()),
            slug: audience_key(a),
            url: audience_route(a).relative_from(from, site.link_style),
            count: audience_articles(site, a).len(),
        })
        .filter(|g| g.count > 0)
        .collect();
    let by_date = |key: &dyn Fn(usize) -> Option<crate::parse::frontmatter::Date>| {
        let mut v: Vec<usize> = site
            .articles
            .iter()
            .copied()
            .filter(|&i| key(i).is_some())
            .collect();
        // Newest first; ties keep display order (the sort is stable).
        v.sort_by_key(|&i| std::cmp::Reverse(key(i)));
        v.into_iter().take(SHORT_LIST).map(item).collect::<Vec<_>>()
    };
    HomeCtx {
        featured,
        topics,
        audiences,
        newest: by_date(&|i| site.pages[i].page.fm.date),
        // Only reviews still in date: an overdue page is not "recently reviewed", however
        // recent its review is compared with the others'.
        reviewed: by_date(&|i| {
            let p = &site.pages[i].page;
            let interval = site.config.review_interval_months;
            crate::review::status(p.kind, &p.fm, interval, site.today)
                .filter(|s| !s.overdue)
                .and(p.fm.last_reviewed)
        }),
    }
}

/// The disclaimer from `content/disclaimer.md`: its summary, else its first paragraph.
pub fn disclaimer(site: &Site, url_for: &dyn Fn(&Route) -> String) -> Option<Disclaimer> {
    let &i = site.by_path.get(crate::load::DISCLAIMER)?;
    let p = &site.pages[i];
    let text = match &p.page.fm.summary {
        Some(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => crate::parse::prose::first_paragraph(&p.page.doc.events, &p.page.text)?,
    };
    Some(Disclaimer {
        title: p.page.fm.title.clone(),
        text,
        url: url_for(&p.route),
    })
}
