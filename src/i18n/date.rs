//! Dates as readers see them, in the page's language: the one place that spells a date out
//! (`5 November 2026`, `27 de noviembre de 2026`). The month names and the order of day,
//! month and year are strings of the language's file (`month.1`…, `date.long`,
//! `date.month_year`).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::Strings;

/// Dates spelt out with one language's strings, by form (the strings' key) and date. A site
/// names few distinct dates but spells them wherever a page is listed (each listing item, each
/// page's dates and footer), so each is spelt once per [`Strings`] and copied after that. The
/// strings never change once loaded, so neither does a date spelt with them.
#[derive(Debug, Default)]
pub(super) struct Spelt(Mutex<HashMap<(&'static str, jiff::civil::Date), String>>);

impl Clone for Spelt {
    /// A copy of the strings starts with nothing spelt: the memo is only a cache.
    fn clone(&self) -> Spelt {
        Spelt::default()
    }
}

/// `2026-11-05` → `5 November 2026` / `5 de noviembre de 2026`.
pub fn long(d: jiff::civil::Date, strings: &Strings) -> String {
    fill(strings, "date.long", d)
}

/// `2027-11-27` → `November 2027` / `noviembre de 2027`, for dates readers need only roughly
/// (a review due).
pub fn month_year(d: jiff::civil::Date, strings: &Strings) -> String {
    fill(strings, "date.month_year", d)
}

fn fill(strings: &Strings, key: &'static str, d: jiff::civil::Date) -> String {
    // A poisoned lock only means another thread panicked while holding it; the map holds
    // finished entries only.
    let spelt = || {
        strings
            .dates
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    };
    if let Some(s) = spelt().get(&(key, d)) {
        return s.clone();
    }
    let s = spell(strings, key, d);
    spelt().insert((key, d), s.clone());
    s
}

fn spell(strings: &Strings, key: &str, d: jiff::civil::Date) -> String {
    let month = strings.get(&format!("month.{}", d.month())).to_string();
    strings
        .format(
            key,
            None,
            &[
                ("day", d.day().to_string()),
                ("month", month),
                ("year", d.year().to_string()),
            ],
        )
        .unwrap_or_else(|| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;

    #[test]
    fn english_matches_the_old_strftime_forms() {
        let en = Strings::english();
        for s in ["2026-11-05", "2027-06-30", "2024-02-29", "1999-12-01"] {
            let d: jiff::civil::Date = s.parse().unwrap();
            assert_eq!(long(d, en), d.strftime("%-d %B %Y").to_string());
            assert_eq!(month_year(d, en), d.strftime("%B %Y").to_string());
        }
    }

    #[test]
    fn spanish() {
        let dir = tempfile::tempdir().unwrap();
        let read = |_: &std::path::Path| None;
        let es = Strings::load(dir.path(), "default", "es", &read, &mut Diagnostics::new());
        let d: jiff::civil::Date = "2026-11-27".parse().unwrap();
        assert_eq!(long(d, &es), "27 de noviembre de 2026");
        assert_eq!(month_year(d, &es), "noviembre de 2026");
    }
}
