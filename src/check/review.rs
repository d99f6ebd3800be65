//! Review freshness: medical content goes out of date, so every article carries the date a
//! clinician last reviewed it, and check warns once that is older than the site's interval.

use jiff::civil::Date;
use jiff::ToSpan;

/// The date a review made on `reviewed` falls due, `interval` months later.
pub fn due(reviewed: Date, interval: u32) -> Option<Date> {
    reviewed.checked_add(i64::from(interval).months()).ok()
}

/// "Today" for check: `SOURCE_DATE_EPOCH` if set (reproducible runs and tests), else the
/// clock. Check produces no output files, so reading the clock here breaks no reproducibility.
pub fn today() -> Date {
    let from_env = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok());
    from_env
        .unwrap_or_else(jiff::Timestamp::now)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
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
}
