//! The theme's listings beyond a section's own children: the home page's featured, topic,
//! audience, newest and recently-reviewed lists; the tag pages; and the medical-information
//! disclaimer shown on every article.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Tag, TagEnd};
use serde::Serialize;

use super::context::{list_item, Link, ListItem};
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

/// Extra lists on the home page.
#[derive(Serialize)]
pub struct HomeCtx {
    /// Articles with a front-matter `weight`, lowest first (else the first in display order).
    pub featured: Vec<ListItem>,
    /// Articles by tag, tags A–Z.
    pub topics: Vec<Group>,
    /// Articles by audience, in the order patients, clinicians, students, researchers.
    pub audiences: Vec<Group>,
    /// Newest first by `date`.
    pub newest: Vec<ListItem>,
    /// Most recently reviewed first by `last_reviewed`.
    pub reviewed: Vec<ListItem>,
}

/// A tag as linked from a page or listed on the tag index.
#[derive(Serialize)]
pub struct TagLink {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub count: usize,
}

/// The tag pages: the index lists `all`; one tag's page also has `current`.
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
    Route::page(&format!("tags/{slug}"))
}

/// Every tag used by an article: slug → (name as first written, articles in display order).
pub fn tags(site: &Site) -> BTreeMap<String, (String, Vec<usize>)> {
    let mut out: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for &a in &site.articles {
        for t in &site.pages[a].page.fm.tags {
            let slug = slugify(t);
            if slug.is_empty() {
                continue;
            }
            let entry = out.entry(slug).or_insert_with(|| (t.clone(), Vec::new()));
            if !entry.1.contains(&a) {
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

pub fn tags_context(site: &Site, from: &Route, current: Option<&str>) -> TagsCtx {
    let all_tags = tags(site);
    let all = all_tags
        .iter()
        .map(|(slug, (name, pages))| TagLink {
            name: name.clone(),
            slug: slug.clone(),
            url: tag_route(slug).relative_from(from, site.link_style),
            count: pages.len(),
        })
        .collect();
    let current =
        current
            .and_then(|c| all_tags.get(c).map(|t| (c, t)))
            .map(|(slug, (name, pages))| Group {
                key: slug.to_string(),
                title: name.clone(),
                url: None,
                items: pages.iter().map(|&i| list_item(site, from, i)).collect(),
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
    let topics = tags(site)
        .into_iter()
        .map(|(slug, (name, pages))| Group {
            url: Some(tag_route(&slug).relative_from(from, site.link_style)),
            key: slug,
            title: name,
            items: pages.into_iter().map(item).collect(),
        })
        .collect();
    let audiences = [
        Audience::Patients,
        Audience::Clinicians,
        Audience::Students,
        Audience::Researchers,
    ]
    .into_iter()
    .map(|a| Group {
        key: a.label().to_lowercase(),
        title: format!("For {}", a.label().to_lowercase()),
        url: None,
        items: site
            .articles
            .iter()
            .copied()
            .filter(|&i| site.pages[i].page.fm.audience.contains(&a))
            .map(item)
            .collect(),
    })
    .filter(|g| !g.items.is_empty())
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
        reviewed: by_date(&|i| site.pages[i].page.fm.last_reviewed),
    }
}

/// The disclaimer from `content/disclaimer.md`: its summary, else its first paragraph.
pub fn disclaimer(site: &Site, url_for: &dyn Fn(&Route) -> String) -> Option<Disclaimer> {
    let &i = site.by_path.get("disclaimer.md")?;
    let p = &site.pages[i];
    let text = match &p.page.fm.summary {
        Some(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => first_paragraph(&p.page.doc.events)?,
    };
    Some(Disclaimer {
        title: p.page.fm.title.clone(),
        text,
        url: url_for(&p.route),
    })
}

fn first_paragraph(events: &[crate::parse::markdown::Spanned]) -> Option<String> {
    let mut text = String::new();
    let mut inside = false;
    for (ev, _) in events {
        match ev {
            Event::Start(Tag::Paragraph) => inside = true,
            Event::End(TagEnd::Paragraph) if inside => break,
            Event::Text(t) | Event::Code(t) if inside => text.push_str(t),
            Event::SoftBreak | Event::HardBreak if inside => text.push(' '),
            _ => {}
        }
    }
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}
