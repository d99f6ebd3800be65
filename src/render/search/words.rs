//! The words the search index is made of: text folded (lower case, no diacritics), cut into
//! words, stop words left out, each lightly stemmed with British spellings folded to American
//! ones. `static/js/search.js` applies the same rules to queries: keep them in step
//! (`tests/search_text.rs` runs it against a built index).

use unicode_normalization::UnicodeNormalization;

use crate::i18n::text::SearchLanguage;

/// English words too common to help a search (other languages: [`SearchLanguage`]).
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "in", "is", "it", "its",
    "of", "on", "or", "that", "the", "to", "was", "were", "with",
];

/// The searchable words of `s` in `lang`: folded, stemmed, without stop words.
pub fn tokens(lang: SearchLanguage, s: &str) -> impl Iterator<Item = String> + '_ {
    let folded = fold(s);
    words_of(lang, &folded)
        .map(|w| stem_in(lang, w))
        .collect::<Vec<_>>()
        .into_iter()
}

/// The words of folded text, without `lang`'s stop words (not yet stemmed).
pub(super) fn words_of(lang: SearchLanguage, folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(move |w| !w.is_empty() && !lang.is_stop(w).unwrap_or_else(|| STOP.contains(w)))
}

/// The stem of the folded word `w` in `lang`: its own stemmer, or English's [`stem`].
pub fn stem_in(lang: SearchLanguage, w: &str) -> String {
    lang.stem(w).unwrap_or_else(|| stem(w))
}

/// Lower case without diacritics, so "Über" and "uber" meet.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A light English stemmer: enough that "infusions" finds "infusion" and "monitoring" finds
/// "monitored", simple enough to mirror exactly in the theme's JavaScript.
pub fn stem(w: &str) -> String {
    let n = w.chars().count();
    if n <= 3 || !w.is_ascii() {
        return w.to_string();
    }
    let mut s = if let Some(b) = w.strip_suffix("ies") {
        format!("{b}y")
    } else if let Some(b) = w.strip_suffix("sses") {
        format!("{b}ss")
    } else if w.ends_with("ches") || w.ends_with("shes") || w.ends_with("xes") {
        w[..w.len() - 2].to_string()
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    };
    if s.len() >= 7 && s.ends_with("ing") {
        s.truncate(s.len() - 3);
    } else if s.len() >= 6 && s.ends_with("ed") {
        s.truncate(s.len() - 2);
    }
    spelling(&s)
}

/// Endings after "our" that keep the British spelling a variant of the American one:
/// "behavioural", "favourable", "colourful"; "our" alone ends "tumour" (plurals and "-ed",
/// "-ing" are stemmed off first).
const OUR_ENDINGS: &[&str] = &[
    "", "al", "ally", "able", "ably", "ite", "ful", "less", "hood", "er", "ism", "ist", "y",
];

/// British medical spellings folded to the American ones, on a stemmed ASCII word, so
/// "anaesthesia" and "anesthesia" meet. Each rule is narrow enough to leave unrelated words
/// apart:
/// - "ae" → "e" everywhere: haem-, paediatric, aetiology, leukaemia (and "aerial" → "erial",
///   which meets nothing);
/// - "oe" → "e" at the start (oedema, oesophagus, oestrogen), before "a" or "o" (diarrhoea,
///   dyspnoea, homoeopathy) and in "coel", "foet" (coeliac, foetal), so "does", "shoe",
///   "poet" stay apart from "des", "she", "pet";
/// - "iz"/"yz" → "is"/"ys" after at least three letters, before "e", "a", "i" or at the end
///   (organize, organization, randomized → "randomiz", analyze), so "size" and "prize" stay;
/// - "our" → "or" after at least two letters at the end or before an ending of
///   `OUR_ENDINGS` (behaviour, behavioural, tumour, odour), so "four", "hour", "your",
///   "pour" and "journal" stay.
///
/// `search.js`'s `spelling` is the same rules: keep them in step.
pub fn spelling(w: &str) -> String {
    let b = w.as_bytes();
    let mut out = String::with_capacity(w.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let after = b.get(i + 2).copied();
        if c == b'a' && next == Some(b'e') {
            out.push('e');
            i += 2;
            continue;
        }
        if c == b'o' && next == Some(b'e') {
            let fold = i == 0
                || matches!(after, Some(b'a' | b'o'))
                || (i == 1 && matches!((b[0], after), (b'c', Some(b'l')) | (b'f', Some(b't'))));
            if fold {
                out.push('e');
                i += 2;
                continue;
            }
        }
        if (c == b'i' || c == b'y')
            && next == Some(b'z')
            && i >= 3
            && matches!(after, None | Some(b'e' | b'a' | b'i'))
        {
            out.push(c as char);
            out.push('s');
            i += 2;
            continue;
        }
        if c == b'o'
            && next == Some(b'u')
            && after == Some(b'r')
            && i >= 2
            && OUR_ENDINGS.contains(&&w[i + 3..])
        {
            out.push_str("or");
            out.push_str(&w[i + 3..]);
            return out;
        }
        out.push(c as char);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_plurals_and_endings() {
        assert_eq!(stem("infusions"), "infusion");
        assert_eq!(stem("infusion"), "infusion");
        assert_eq!(stem("therapies"), "therapy");
        assert_eq!(stem("monitoring"), "monitor");
        assert_eq!(stem("monitored"), "monitor");
        assert_eq!(stem("status"), "status");
    }

    #[test]
    fn british_spellings_meet_american_ones() {
        let same = [
            ("anaesthesia", "anesthesia"),
            ("haemorrhage", "hemorrhage"),
            ("paediatric", "pediatric"),
            ("oesophagus", "esophagus"),
            ("oedema", "edema"),
            ("diarrhoea", "diarrhea"),
            ("coeliac", "celiac"),
            ("foetal", "fetal"),
            ("homoeopathy", "homeopathy"),
            ("organise", "organize"),
            ("organised", "organized"),
            ("organising", "organizing"),
            ("organisation", "organization"),
            ("randomisations", "randomizations"),
            ("analyse", "analyze"),
            ("behaviour", "behavior"),
            ("behavioural", "behavioral"),
            ("tumours", "tumors"),
            ("favourite", "favorite"),
            ("odour", "odor"),
        ];
        for (gb, us) in same {
            assert_eq!(stem(gb), stem(us), "{gb} / {us}");
        }
        // Unrelated words stay apart.
        let apart = [
            ("does", "des"),
            ("shoe", "she"),
            ("poet", "pet"),
            ("four", "for"),
            ("hour", "hor"),
            ("pour", "por"),
            ("journal", "jornal"),
            ("size", "sise"),
            ("prize", "prise"),
        ];
        for (a, b) in apart {
            assert_ne!(stem(a), stem(b), "{a} / {b}");
        }
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(fold("Über Café"), "uber cafe");
        let t: Vec<String> = tokens(SearchLanguage::English, "The Ketamine infusions").collect();
        assert_eq!(t, ["ketamine", "infusion"]);
    }
}
