//! Sentences that state a figure — a percentage or an amount with a unit — in a paragraph that
//! cites nothing.
//!
//! On a medical page a dose, a duration or a response rate is exactly the kind of statement a
//! reader may act on, so it should be traceable to a source. Plain numbers (years, counts of
//! pages) are left alone: they are rarely claims and would drown the warnings that matter.

/// Units that turn a number into a clinical claim. Compared in lower case.
const UNITS: &[&str] = &[
    "mg",
    "mcg",
    "µg",
    "μg",
    "g",
    "kg",
    "ng",
    "ml",
    "l",
    "dl",
    "mg/kg",
    "mg/kg/h",
    "mg/kg/hr",
    "mg/day",
    "mg/ml",
    "mmol",
    "mmol/l",
    "mmhg",
    "bpm",
    "hz",
    "iu",
    "units",
    "unit",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "min",
    "mins",
    "minute",
    "minutes",
    "s",
    "sec",
    "seconds",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "session",
    "sessions",
    "dose",
    "doses",
    "infusion",
    "infusions",
    "treatment",
    "treatments",
    "pulse",
    "pulses",
    "times",
    "percent",
    "per",
];

/// The first figure in `sentence` that makes it a claim (`40%`, `0.5 mg/kg`, `12 weeks`).
pub fn find_claim(sentence: &str) -> Option<&str> {
    let b = sentence.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit()
            || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'@'))
        {
            i += 1;
            continue;
        }
        let start = i;
        // The number, with decimals, thousands and ranges (`0.5`, `1,000`, `2–4`, `2-4`).
        let mut end = i;
        loop {
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            let rest = &sentence[end..];
            let joiner = [".", ",", "-", "–", " to "].iter().find(|j| {
                rest.starts_with(**j) && rest[j.len()..].starts_with(|c: char| c.is_ascii_digit())
            });
            match joiner {
                Some(j) => end += j.len(),
                None => break,
            }
        }
        let rest = &sentence[end..];
        let after = rest
            .strip_prefix(' ')
            .or_else(|| rest.strip_prefix('\u{a0}'))
            .or_else(|| rest.strip_prefix('-'))
            .unwrap_or(rest);
        if after.starts_with('%') {
            let len = sentence.len() - after.len() + 1;
            return Some(&sentence[start..len]);
        }
        let unit_len = after
            .find(|c: char| !(c.is_alphabetic() || c == '/'))
            .unwrap_or(after.len());
        let unit = after[..unit_len].trim_end_matches('/').to_lowercase();
        let is_unit = UNITS.contains(&unit.as_str())
            && (unit != "per" || after[unit_len..].trim_start().starts_with("cent"));
        if is_unit {
            let mut unit_end = sentence.len() - after.len() + unit_len;
            if unit == "per" {
                let tail = &sentence[unit_end..];
                unit_end += tail.len() - tail.trim_start().len() + "cent".len();
            }
            return Some(&sentence[start..unit_end]);
        }
        i = end.max(i + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_percentages_and_amounts_with_units() {
        assert_eq!(find_claim("About 40% respond."), Some("40%"));
        assert_eq!(
            find_claim("About 40 per cent respond."),
            Some("40 per cent")
        );
        assert_eq!(
            find_claim("A dose of 0.5 mg/kg is given"),
            Some("0.5 mg/kg")
        );
        assert_eq!(find_claim("over 2–4 weeks"), Some("2–4 weeks"));
        assert_eq!(find_claim("a 40-minute infusion"), Some("40-minute"));
        assert_eq!(find_claim("56mg or 84mg"), Some("56mg"));
        assert_eq!(find_claim("10 sessions a day"), Some("10 sessions"));
    }

    #[test]
    fn leaves_plain_numbers_alone() {
        assert_eq!(find_claim("In 2019 the FDA approved it."), None);
        assert_eq!(find_claim("See section 3 and step 2."), None);
        assert_eq!(find_claim("Phase 3 trials [@smith2020] showed"), None);
        assert_eq!(find_claim("covid19 mg"), None);
    }
}
