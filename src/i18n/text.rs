//! How each language's words are searched: its stop words and its stemmer. English keeps the
//! light stemmer of `render/search/words.rs`; Spanish uses Snowball's Spanish stemmer
//! (`rust-stemmers`), which the theme's `js/stem-es.js` mirrors step for step (the test in
//! `tests/search_text.rs` runs both over the same words).
//!
//! Words reach these rules already folded (lower case, no diacritics: search's `fold`), so a
//! query typed without accents ("depresion") meets the accented text ("depresión") and its
//! plural ("depresiones"): both sides stem the same folded spelling.

use rust_stemmers::{Algorithm, Stemmer};

/// The search rules of one language; English for any language without its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchLanguage {
    #[default]
    English,
    Spanish,
}

/// Spanish words too common to help a search, folded: articles, prepositions, conjunctions
/// and the commonest pronouns. Kept short, as the English list is: a word left out only costs
/// a longer list of postings. `search.js` has the same list (`STOP_ES`).
const STOP_ES: &[&str] = &[
    "a", "al", "con", "de", "del", "e", "el", "en", "es", "la", "las", "le", "les", "lo", "los",
    "o", "para", "por", "que", "se", "su", "sus", "u", "un", "una", "unas", "unos", "y",
];

impl SearchLanguage {
    /// The rules for `language` as written in `site.yaml` (`es`, `es-ES`, `en`).
    pub fn of(language: &str) -> SearchLanguage {
        match super::base_language(language).to_ascii_lowercase().as_str() {
            "es" => SearchLanguage::Spanish,
            _ => SearchLanguage::English,
        }
    }

    /// Whether the folded word `w` is one of this language's stop words; `None` for English,
    /// whose list is search's own (`render/search/words.rs`).
    pub fn is_stop(self, w: &str) -> Option<bool> {
        match self {
            SearchLanguage::English => None,
            SearchLanguage::Spanish => Some(STOP_ES.contains(&w)),
        }
    }

    /// The stem of the folded word `w`; `None` for English, whose light stemmer is search's
    /// own (`render/search/words.rs`).
    pub fn stem(self, w: &str) -> Option<String> {
        match self {
            SearchLanguage::English => None,
            SearchLanguage::Spanish => {
                Some(Stemmer::create(Algorithm::Spanish).stem(w).into_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn es(w: &str) -> String {
        SearchLanguage::Spanish.stem(w).unwrap()
    }

    #[test]
    fn spanish_plurals_and_accents_meet() {
        assert_eq!(es("depresión"), es("depresiones"));
        assert_eq!(es("depresion"), es("depresión"));
        assert_eq!(es("tratamiento"), es("tratamientos"));
        assert_eq!(es("psiquiátrico"), es("psiquiátricos"));
        assert_ne!(es("ketamina"), es("depresión"));
    }

    #[test]
    fn language_codes() {
        assert_eq!(SearchLanguage::of("es-ES"), SearchLanguage::Spanish);
        assert_eq!(SearchLanguage::of("es"), SearchLanguage::Spanish);
        assert_eq!(SearchLanguage::of("en"), SearchLanguage::English);
        assert_eq!(SearchLanguage::of("de"), SearchLanguage::English);
    }
}
