//! How a page appears where another page names it: a link (navigation, previous/next, tag
//! links) or an item of a listing, with its dates and review. Every listing and context uses
//! these; they use none of them.

use serde::Serialize;

use crate::load::Kind;
use crate::parse::frontmatter::Date;
use crate::resolve::{Site, SitePage};
use crate::url::Route;

#[derive(Serialize, Clone)]
pub struct DateCtx {
    /// `2026-11-05`, for `<time datetime>`.
    pub iso: String,
    /// `5 November 2026`, for readers.
    pub long: String,
}

impl From<Date> for DateCtx {
    fn from(d: Date) -> Self {
        DateCtx {
            iso: d.to_string(),
            long: d.long(),
        }
    }
}

/// Where a page's review stands ([`crate::review::status`]).
#[derive(Serialize)]
pub struct ReviewCtx {
    pub last: DateCtx,
    pub due: DateCtx,
    /// `November 2027`, the due date as readers are told it.
    pub due_month: String,
    /// The due date is past: the page says it may be out of date.
    pub overdue: bool,
}

impl ReviewCtx {
    pub fn of(site: &Site, p: &SitePage) -> Option<ReviewCtx> {
        let fm = &p.page.fm;
        let s = crate::review::status(
            p.page.kind,
            fm,
            site.config.review_interval_months,
            site.today,
        )?;
        Some(ReviewCtx {
            last: Date(s.reviewed).into(),
            due: Date(s.due).into(),
            due_month: Date(s.due).month_year(),
            overdue: s.overdue,
        })
    }
}

#[derive(Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub current: bool,
}

#[derive(Serialize)]
pub struct AudienceCtx {
    pub key: String,
    pub label: &'static str,
}

/// A page as it appears in a listing.
#[derive(Serialize)]
pub struct ListItem {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    pub date: Option<DateCtx>,
    pub kind: Kind,
    pub audience: Vec<AudienceCtx>,
    pub tags: Vec<String>,
    pub last_reviewed: Option<DateCtx>,
}

/// A link from `from` to the page at index `to`.
pub fn link(site: &Site, from: &Route, to: usize) -> Link {
    let p = &site.pages[to];
    Link {
        title: p.page.fm.title.clone(),
        url: p.route.relative_from(from, site.link_style),
        current: &p.route == from,
    }
}

pub fn list_item(site: &Site, from: &Route, i: usize) -> ListItem {
    let p = &site.pages[i];
    ListItem {
        title: p.page.fm.title.clone(),
        url: p.route.relative_from(from, site.link_style),
        summary: p.page.fm.summary.clone(),
        date: p.page.fm.updated.or(p.page.fm.date).map(DateCtx::from),
        kind: p.page.kind,
        audience: audience(p),
        tags: p.page.fm.tags.clone(),
        last_reviewed: p.page.fm.last_reviewed.map(DateCtx::from),
    }
}

pub fn audience(p: &SitePage) -> Vec<AudienceCtx> {
    p.page
        .fm
        .audience
        .iter()
        .map(|a| AudienceCtx {
            key: format!("{a:?}").to_lowercase(),
            label: a.label(),
        })
        .collect()
}
