//! Workaround 11 (the list is in [`super::repair`]): the words citeproc's title case leaves in
//! lower case.
//!
//! A style's `text-case="title"` (AMA's book and journal titles, APA's journal names) means
//! different things to the two formatters. citeproc (pandoc) capitalises a lower-case word
//! only at the start of the title or of a sentence in it, or after a space or dash when the
//! word is longer than one letter and not one of its stop words (which add `de`, `d`, `l`,
//! `van`, `von` and `about` to CSL's). hayagriva 0.10.1 capitalises the first letter of every
//! word and lower-cases its stop words again unless they follow punctuation, a comma
//! included; it knows no `de`; and it capitalises one-letter words. So
//! "Validation, and Updating" became "Validation, And Updating", "Revue Internationale de
//! Statistique" "… De Statistique", and "Journal Canadien d’anesthésie" "… D’anesthésie".
//!
//! hayagriva keeps the case only of its own `Entry`'s verbatim chunks; a CSL-JSON string is
//! one chunk whose case it may change. So each word citeproc leaves alone is handed over
//! behind a mark, U+2064, which is not a letter and has no case: hayagriva's title case
//! "capitalises" the mark, and the word after it keeps its lower-case first letter (the rest
//! of a word hayagriva lower-cases anyway, and workaround 4 gives inner capitals back). The
//! formatted entry drops the marks ([`drop_marks`]). Case-protected text
//! (`<span class="nocase">`, which glia's BibTeX reader makes of braces) is handed over the
//! same way: each lower-case word in it is marked. Other text cases are unaffected, except
//! `capitalize-all`, which would leave a marked word in lower case (none of the bundled
//! styles uses it). Upstream, to report to typst/hayagriva: title case should not capitalise
//! stop words after a comma, and CSL-JSON strings should honour `<span class="nocase">`.

/// Put before a word whose case hayagriva's title case must leave alone.
const KEEP_CASE: char = '\u{2064}';

/// citeproc's stop words (`Citeproc.CaseTransform.isStopWord`): CSL's list, and the particles
/// and `about` its tests need.
const STOP_WORDS: &[&str] = &[
    "a", "about", "an", "and", "as", "at", "but", "by", "d", "de", "down", "for", "from", "in",
    "into", "l", "nor", "of", "on", "onto", "or", "over", "so", "the", "till", "to", "up", "van",
    "via", "von", "with", "yet",
];

/// Where citeproc's title case is in a string, as it steps from chunk to chunk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    StartSentence,
    AfterWordEnd,
    AfterWordChar,
    AfterSentenceEnd,
}

/// `text` with [`KEEP_CASE`] before each word that citeproc's title case leaves in lower case
/// and hayagriva's would capitalise, or `None` when there is none. `text` is a rich string:
/// its `<i>`… markup is stepped over, its spans (which hayagriva does not read) go, and case
/// protection (`<span class="nocase">`) becomes marks on the lower-case words inside.
pub(crate) fn mark_lowercase_words(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 8);
    let mut state = State::Start;
    let mut changed = false;
    // The spans open here; inside `<span class="nocase">`, every lower-case word is marked.
    let mut spans: Vec<&str> = Vec::new();
    // Whether hayagriva starts a word at the next letter: after a space or a dash, or after
    // an opening bracket or quote that follows one (its `CharClass::step`).
    let mut word_start = true;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some((closing, tag, len)) = crate::cite::rich::markup_at(rest) {
            if crate::cite::rich::is_span(tag) {
                // Spans go (hayagriva does not read them); case protection's words are marked.
                if closing {
                    spans.pop();
                } else {
                    spans.push(tag);
                }
                changed = true;
            } else {
                out.push_str(&rest[..len]);
            }
            rest = &rest[len..];
            continue;
        }
        if c.is_alphanumeric() {
            let end = rest
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(rest.len());
            let word = &rest[..end];
            let nocase = spans.contains(&"nocase");
            if word_start && c.is_lowercase() && (nocase || citeproc_keeps(state, word)) {
                out.push(KEEP_CASE);
                changed = true;
            }
            out.push_str(word);
            rest = &rest[end..];
            state = State::AfterWordChar;
            word_start = false;
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
        state = match c {
            '.' | '?' | '!' | ':' => State::AfterSentenceEnd,
            _ if c.is_whitespace() && state == State::AfterSentenceEnd => State::StartSentence,
            '-' | '/' | '\u{2013}' | '\u{2014}' => State::AfterWordEnd,
            _ if c.is_whitespace() => State::AfterWordEnd,
            _ => state,
        };
        word_start = match c {
            '-' | '\u{2013}' | '\u{2014}' => true,
            '(' | '[' | '{' | '"' | '\u{201c}' | '\u{201d}' | '\u{2018}' | '\'' | '«' | '»'
            | '‹' | '›' => word_start,
            _ => c.is_whitespace(),
        };
    }
    changed.then_some(out)
}

/// Whether citeproc's title case leaves `word` (which starts in lower case) as it is.
fn citeproc_keeps(state: State, word: &str) -> bool {
    match state {
        State::Start | State::StartSentence => false,
        State::AfterWordEnd => word.chars().nth(1).is_none() || STOP_WORDS.contains(&word),
        State::AfterWordChar | State::AfterSentenceEnd => true,
    }
}

/// After formatting: the marks of [`mark_lowercase_words`] come out of a text leaf.
pub(crate) fn drop_marks(leaf: &mut String) {
    if leaf.contains(KEEP_CASE) {
        leaf.retain(|c| c != KEEP_CASE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &str) -> String {
        mark_lowercase_words(s)
            .unwrap_or_else(|| s.to_string())
            .replace(KEEP_CASE, "|")
    }

    #[test]
    fn marks_the_words_citeproc_keeps_in_lower_case() {
        // EpiMethods' Steyerberg2019 and koch1975strategies, and pandoc 2.17's output for the
        // rest: `x` and `r` stay, `ray` after the hyphen is capitalised, `of` stays at the end.
        assert_eq!(
            marked("Development, validation, and updating"),
            "Development, validation, |and updating"
        );
        assert_eq!(
            marked("Revue Internationale de Statistique"),
            "Revue Internationale |de Statistique"
        );
        assert_eq!(
            marked("vital, la r of d\u{2019}anesthésie (and the) x-ray in/on: the end of"),
            "vital, la |r |of |d\u{2019}anesthésie (|and |the) |x-ray |in/on: the end |of"
        );
        // Start of the title and of a sentence in it: capitalised by both.
        assert_eq!(marked("the war: and so"), "the war: and |so");
        assert_eq!(mark_lowercase_words("Clinical Prediction Models"), None);
        // Markup is stepped over, never marked inside.
        assert_eq!(
            marked("<i>E. coli</i> in <i>vitro</i>"),
            "<i>E. coli</i> |in <i>vitro</i>"
        );
        // Case protection: every lower-case word in it, and the tags go (EpiMethods'
        // `{ehsanx/TMLEworkshop: R Guide…}` and `{{Extending the linear model with R…}}`).
        assert_eq!(
            marked("<span class=\"nocase\">ehsanx/TMLEworkshop: R guide</span> for all"),
            "|ehsanx/TMLEworkshop: R |guide |for all"
        );
        // Other spans go too; their words are read as any others.
        assert_eq!(
            marked("<span style=\"font-variant:small-caps;\">ssri</span> in depression"),
            "ssri |in depression"
        );
    }
}
