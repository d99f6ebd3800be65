//! Review dates. Medical content goes out of date, so every article carries the date a
//! clinician last reviewed it, and is due again `review_interval_months` later.
//!
//! This module owns "today" and the due date, for `glia check` (`stale-review`) and for the
//! pages alike (the "Next review due" line, the overdue notice, the home page's "Recently
//! reviewed"): a page never says it is current while check says it is stale.

use jiff::civil::Date;
use jiff::ToSpan;

use crate::load::Kind;
use crate::parse::frontmatter::FrontMatter;

/// `SOURCE_DATE_EPOCH` as a UTC date, when set (reproducible builds and tests).
pub fn source_date_epoch() -> Option<Date> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let ts = jiff::Timestamp::from_second(secs).ok()?;
    Some(ts.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// The date reviews are measured against: `SOURCE_DATE_EPOCH` if set, else the clock (UTC).
/// Whether a review is overdue is the one thing in a build that depends on the day it runs;
/// set `SOURCE_DATE_EPOCH` for byte-identical rebuilds on another day.
pub fn today() -> Date {
    source_date_epoch().unwrap_or_else(|| {
        jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
    })
}

/// The date a review made on `reviewed` falls due, `interval` months later.
pub fn due(reviewed: Date, interval: u32) -> Option<Date> {
    reviewed.checked_add(i64::from(interval).months()).ok()
}

/// Whether pages of this kind are reviewed: articles, the explainers readers act on.
pub fn applies(kind: Kind) -> bool {
    kind == Kind::Article
}

/// Where a page's review stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub reviewed: Date,
    pub due: Date,
    /// The due date is past.
    pub overdue: bool,
}

/// The review status of a page of `kind` with front-matter `fm`: `None` when its kind is not
/// reviewed or it has no `last_reviewed` date.
pub fn status(kind: Kind, fm: &FrontMatter, interval: u32, today: Date) -> Option<Status> {
    if !applies(kind) {
        return None;
    }
    let reviewed = fm.last_reviewed?.0;
    let due = due(reviewed, interval)?;
    Some(Status {
        reviewed,
        due,
        overdue: due < today,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_adds_calendar_months() {
        let d: Date = "2025-01-31".parse().unwrap();
        assert_eq!(due(d, 12), Some("2026-01-31".parse().unwrap()));
        assert_eq!(due(d, 1), Some("2025-02-28".parse().unwrap()));
    }

    #[test]
    fn overdue_only_after_the_due_day() {
        let fm = FrontMatter {
            last_reviewed: Some(crate::parse::frontmatter::Date::parse("2025-11-27").unwrap()),
            ..FrontMatter::default()
        };
        let on = |d: &str| status(Kind::Article, &fm, 12, d.parse().unwrap()).unwrap();
        assert!(!on("2026-11-27").overdue);
        assert!(on("2026-11-28").overdue);
        assert_eq!(
            status(Kind::Page, &fm, 12, "2030-01-01".parse().unwrap()),
            None
        );
    }
}
