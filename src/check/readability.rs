//! Flesch–Kincaid grade level of the prose on pages written for patients.
//!
//! The grade is a blunt measure, but it is the one patient-information guidelines quote, and a
//! rising grade is an early sign that a page drifted from plain language. The warning lists the
//! longest sentences because they are the quickest to fix.

use super::prose::{self, Block};

pub struct Readability {
    pub grade: f64,
    pub words: usize,
    pub sentences: usize,
    /// The longest sentences (by words), longest first, as written.
    pub longest: Vec<String>,
}

pub fn measure(blocks: &[Block]) -> Option<Readability> {
    let mut words = 0usize;
    let mut syllables = 0usize;
    let mut all: Vec<(usize, String)> = Vec::new();
    for b in blocks {
        for r in b.sentences() {
            let s = &b.text[r];
            let w = prose::words(s);
            if w.is_empty() {
                continue;
            }
            words += w.len();
            syllables += w.iter().map(|w| count_syllables(w)).sum::<usize>();
            all.push((w.len(), s.replace(prose::BREAK, " ")));
        }
    }
    if words == 0 {
        return None;
    }
    let sentences = all.len();
    let grade =
        0.39 * words as f64 / sentences as f64 + 11.8 * syllables as f64 / words as f64 - 15.59;
    // Stable sort: among equally long sentences the earlier one comes first.
    all.sort_by_key(|s| std::cmp::Reverse(s.0));
    Some(Readability {
        grade,
        words,
        sentences,
        longest: all.into_iter().take(3).map(|(_, s)| s).collect(),
    })
}

/// Syllables of an English word by the usual vowel-group rule, with a silent final `e`.
/// Numbers count as one.
pub fn count_syllables(word: &str) -> usize {
    let w: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if w.is_empty() {
        return 1;
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'é' | 'ä' | 'ö' | 'ü');
    let mut count: usize = 0;
    let mut prev = false;
    for &c in &w {
        let v = vowel(c);
        if v && !prev {
            count += 1;
        }
        prev = v;
    }
    let n = w.len();
    if n > 2 && w[n - 1] == 'e' && !vowel(w[n - 2]) {
        // `-le` after a consonant is a syllable of its own (ta-ble); other final `e`s are silent.
        let le_syllable = w[n - 2] == 'l' && !vowel(w[n - 3]);
        if !le_syllable {
            count = count.saturating_sub(1);
        }
    }
    if n > 3 && w.ends_with(&['e', 'd']) && !matches!(w[n - 3], 't' | 'd') && !vowel(w[n - 3]) {
        count = count.saturating_sub(1);
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_follow_the_usual_rule() {
        let cases = [
            ("cat", 1),
            ("make", 1),
            ("table", 2),
            ("ketamine", 3),
            ("depression", 3),
            ("jumped", 1),
            ("treated", 2),
            ("interventional", 5),
            ("2026", 1),
        ];
        for (w, n) in cases {
            assert_eq!(count_syllables(w), n, "{w}");
        }
    }

    #[test]
    fn plain_text_scores_low_and_dense_text_high() {
        let md = |s: &str| {
            let d = crate::parse::body(s, 0, "a.md", s).0;
            measure(&super::prose::blocks(&d.events, s)).unwrap().grade
        };
        assert!(md("The cat sat on the mat. It was a good day. We had fun.\n") < 3.0);
        assert!(
            md("Interventional psychiatric methodologies necessitate comprehensive multidisciplinary evaluation, individualised pharmacological optimisation and longitudinal neurocognitive surveillance.\n")
                > 16.0
        );
    }
}
