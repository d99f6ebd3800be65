//! LaTeX in BibTeX fields, turned into the text a reader sees, the way pandoc's BibTeX reader
//! does it.
//!
//! The `biblatex` crate (hayagriva's parser) already resolves accents and escapes (`{\'e}`,
//! `\~n`, `\&`, `{\textbar}`, `{\textless}`), turns `--`/`---` into dashes, and splits a field
//! into chunks: plain text, brace-protected text (`{NASA}`) and `$…$` math. What it leaves is
//! handled here:
//! - commands it does not know stay in its text as `\name{argument}`: `\emph`, `\textit`,
//!   `\textbf`, `\textsuperscript`, `\textsubscript` become markup, and any other (`\textsf{R}`,
//!   `\url{…}`, `\texttt{…}`) its argument's text;
//! - math becomes plain text with superscripts and subscripts (`$I^2$` → I<sup>2</sup>) and
//!   spaced relations (`$p<.05$` → p < .05, as citeproc prints it);
//! - titles are put in sentence case (pandoc's rule, below), leaving protected text and math as
//!   written; straight apostrophes become ’;
//! - protected text and math with a lower-case word are marked as such
//!   (`<span class="nocase">`), so a style's title case leaves them as written too.
//!
//! The result is CSL rich text: plain text with `<i>`, `<b>`, `<sup>` and `<sub>` (the markup
//! CSL-JSON allows in a string), which [`super::rich`] writes as HTML or plain text.

use biblatex::{Chunk, Spanned};

/// Converts one field's chunks. `sentence_case` applies pandoc's conversion of English titles.
pub fn to_rich(chunks: &[Spanned<Chunk>], sentence_case: bool) -> String {
    let mut pieces = Vec::new();
    for chunk in chunks {
        match &chunk.v {
            Chunk::Normal(s) => commands(s, false, &mut pieces),
            Chunk::Verbatim(s) => commands(s, true, &mut pieces),
            Chunk::Math(m) => math(m, &mut pieces),
        }
    }
    if sentence_case {
        sentence_case_pieces(&mut pieces);
    }
    let mut out = String::new();
    for p in &pieces {
        match p {
            // Protected text with a lower-case word keeps it from a style's title case too,
            // as citeproc keeps pandoc's braces (`{ehsanx/TMLEworkshop…}`); capitals need no
            // protection there, so `{NASA}` and `{B}ayes` stay plain text.
            Piece::Text {
                text,
                protected: true,
            } if lowercase_word(out.chars().next_back(), text) => {
                out.push_str(super::rich::NOCASE_OPEN);
                out.push_str(text);
                out.push_str(super::rich::SPAN_CLOSE);
            }
            Piece::Text { text, .. } => out.push_str(text),
            Piece::Open(tag) => {
                out.push('<');
                out.push_str(tag);
                out.push('>');
            }
            Piece::Close(tag) => {
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
        }
    }
    // The crate turns every run of whitespace, line breaks included, into one space already.
    apostrophes(out.trim())
}

/// Whether `text`, after `before`, has a word that starts with a lower-case letter.
fn lowercase_word(before: Option<char>, text: &str) -> bool {
    let mut prev = before;
    for c in text.chars() {
        let starts = prev.is_none_or(|p| !p.is_alphanumeric() && !matches!(p, '\'' | '’'));
        if starts && c.is_lowercase() {
            return true;
        }
        prev = Some(c);
    }
    false
}

/// Plain text of a field (names, publishers, places): LaTeX resolved, no case change, no markup.
pub fn to_plain(chunks: &[Spanned<Chunk>]) -> String {
    super::rich::to_plain(&to_rich(chunks, false))
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    /// `protected`: written in braces or math, so its case is the author's.
    Text {
        text: String,
        protected: bool,
    },
    Open(&'static str),
    Close(&'static str),
}

fn push_text(pieces: &mut Vec<Piece>, text: &str, protected: bool) {
    if text.is_empty() {
        return;
    }
    if let Some(Piece::Text {
        text: t,
        protected: p,
    }) = pieces.last_mut()
    {
        if *p == protected {
            t.push_str(text);
            return;
        }
    }
    pieces.push(Piece::Text {
        text: text.to_string(),
        protected,
    });
}

/// The markup a text command stands for; `None` for commands whose argument is plain text.
fn command_tag(name: &str) -> Option<&'static str> {
    match name {
        "emph" | "textit" | "textsl" | "mkbibemph" | "mkbibitalic" | "itshape" | "em" => Some("i"),
        "textbf" | "mkbibbold" | "bfseries" => Some("b"),
        "textsuperscript" | "mkbibsuperscript" => Some("sup"),
        "textsubscript" | "mkbibsubscript" => Some("sub"),
        _ => None,
    }
}

/// Splits text the `biblatex` crate left with unknown commands (`\emph{x}`, `\textsf{R}`,
/// `\relax `) into text and markup.
fn commands(s: &str, protected: bool, pieces: &mut Vec<Piece>) {
    let mut rest = s;
    while let Some(at) = rest.find('\\') {
        push_text(pieces, &rest[..at], protected);
        let after = &rest[at + 1..];
        let name_len = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        if name_len == 0 {
            // A lone backslash (or `\\`): keep the character after it.
            let mut chars = after.chars();
            if let Some(c) = chars.next() {
                push_text(pieces, &c.to_string(), protected);
            }
            rest = chars.as_str();
            continue;
        }
        let name = &after[..name_len];
        let tail = &after[name_len..];
        match tail
            .strip_prefix('{')
            .and_then(|t| matching_brace(t).map(|e| (t, e)))
        {
            Some((t, end)) => {
                let arg = &t[..end];
                match command_tag(name) {
                    Some(tag) => {
                        pieces.push(Piece::Open(tag));
                        commands(arg, protected, pieces);
                        pieces.push(Piece::Close(tag));
                    }
                    None => commands(arg, protected, pieces),
                }
                rest = &t[end + 1..];
            }
            // `\relax ` and the like: the crate wrote them with one trailing space.
            None => rest = tail.strip_prefix(' ').unwrap_or(tail),
        }
    }
    push_text(pieces, rest, protected);
}

/// The byte index of the `}` closing a group whose `{` came just before `s`.
fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// TeX math as text: `^`/`_` become superscript/subscript, known symbols their characters,
/// relations get a space on each side, other spaces go (TeX ignores them in math).
fn math(m: &str, pieces: &mut Vec<Piece>) {
    let mut out = Vec::new();
    math_into(m, &mut out);
    pieces.extend(out);
}

fn math_into(m: &str, pieces: &mut Vec<Piece>) {
    let mut rest = m;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '^' | '_' => {
                let tag = if c == '^' { "sup" } else { "sub" };
                let (arg, after) = math_argument(rest);
                pieces.push(Piece::Open(tag));
                math_into(arg, pieces);
                pieces.push(Piece::Close(tag));
                rest = after;
            }
            '{' | '}' => {}
            '\\' => {
                let len = rest
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(rest.len());
                if len == 0 {
                    // `\%`, `\,`, `\{`: the character, or a space for spacing commands.
                    let mut chars = rest.chars();
                    match chars.next() {
                        Some(',' | ';' | ':' | '!' | ' ') => push_text(pieces, " ", true),
                        Some(c) => push_text(pieces, &c.to_string(), true),
                        None => {}
                    }
                    rest = chars.as_str();
                    continue;
                }
                let name = &rest[..len];
                rest = &rest[len..];
                if matches!(
                    name,
                    "text" | "mathrm" | "textrm" | "mathit" | "mathbf" | "mbox"
                ) {
                    let (arg, after) = math_argument(rest);
                    push_text(pieces, arg, true);
                    rest = after;
                } else if let Some(sym) = math_symbol(name) {
                    if is_relation(sym) {
                        relation(pieces, sym);
                    } else {
                        push_text(pieces, sym, true);
                    }
                } else {
                    push_text(pieces, name, true);
                }
            }
            '<' | '>' | '=' => relation(pieces, &c.to_string()),
            c if c.is_whitespace() => {}
            c => push_text(pieces, &c.to_string(), true),
        }
    }
}

/// A relation with one space on each side (`p < .05`), as citeproc's plain text shows math.
fn relation(pieces: &mut Vec<Piece>, sym: &str) {
    if let Some(Piece::Text { text, .. }) = pieces.last_mut() {
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
    }
    push_text(pieces, &format!(" {sym} "), true);
}

fn is_relation(sym: &str) -> bool {
    matches!(sym, "≤" | "≥" | "≠" | "≈" | "∼" | "≡" | "∝")
}

/// `{…}` or a single character or command after `^`/`_`.
fn math_argument(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    if let Some(t) = s.strip_prefix('{') {
        return match matching_brace(t) {
            Some(end) => (&t[..end], &t[end + 1..]),
            None => (t, ""),
        };
    }
    if let Some(t) = s.strip_prefix('\\') {
        let len = t
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(t.len())
            .max(1)
            .min(t.len());
        return (&s[..len + 1], &t[len..]);
    }
    match s.chars().next() {
        Some(c) => (&s[..c.len_utf8()], &s[c.len_utf8()..]),
        None => ("", ""),
    }
}

fn math_symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" | "varepsilon" => "ε",
        "zeta" => "ζ",
        "eta" => "η",
        "theta" => "θ",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "nu" => "ν",
        "xi" => "ξ",
        "pi" => "π",
        "rho" => "ρ",
        "sigma" => "σ",
        "tau" => "τ",
        "phi" | "varphi" => "φ",
        "chi" => "χ",
        "psi" => "ψ",
        "omega" => "ω",
        "Gamma" => "Γ",
        "Delta" => "Δ",
        "Theta" => "Θ",
        "Lambda" => "Λ",
        "Sigma" => "Σ",
        "Phi" => "Φ",
        "Psi" => "Ψ",
        "Omega" => "Ω",
        "leq" | "le" => "≤",
        "geq" | "ge" => "≥",
        "neq" | "ne" => "≠",
        "approx" => "≈",
        "sim" => "∼",
        "equiv" => "≡",
        "propto" => "∝",
        "pm" => "±",
        "mp" => "∓",
        "times" => "×",
        "cdot" => "⋅",
        "infty" => "∞",
        "prime" => "′",
        "ldots" | "dots" | "cdots" => "…",
        "sqrt" => "√",
        "to" | "rightarrow" => "→",
        "%" => "%",
        _ => return None,
    })
}

/// Straight apostrophes become ’, as pandoc's reader does (so citeproc prints "Italy’s", and
/// pandoc 2.17 also "Package ’tmle’").
fn apostrophes(text: &str) -> String {
    text.replace('\'', "’")
}

/// Where a sentence-case walk is (citeproc's `withSentenceCase`, which pandoc's BibTeX reader
/// applies to English titles).
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Before the first word of the title.
    Start,
    /// After `.`, `?`, `!` or `:` and a space.
    StartSentence,
    /// Just after `.`, `?`, `!` or `:`.
    AfterPunct,
    Other,
}

/// pandoc's rule: a word (a run of letters and digits) that is capitalised — one upper-case
/// letter, then only lower-case ones ("Treatment", "R", "A") — is lower-cased, unless it starts
/// the title or a sentence, where the first letter is upper-cased instead. Any other word
/// ("USA", "iPhone", "McDonald", "2nd") and protected text are left as written.
fn sentence_case_pieces(pieces: &mut [Piece]) {
    let mut state = State::Start;
    for p in pieces.iter_mut() {
        let Piece::Text { text, protected } = p else {
            continue;
        };
        if *protected {
            if text.chars().any(char::is_alphanumeric) {
                state = State::Other;
            }
            continue;
        }
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String, state: &mut State| {
            if word.is_empty() {
                return;
            }
            let mut chars = word.chars();
            let first = chars.next().unwrap_or(' ');
            let rest = chars.as_str();
            let capitalised = first.is_uppercase() && rest.chars().all(char::is_lowercase);
            let starts = matches!(*state, State::Start | State::StartSentence);
            if starts && (capitalised || word.chars().all(char::is_lowercase)) {
                out.extend(first.to_uppercase());
                out.push_str(rest);
            } else if !starts && capitalised {
                out.push_str(&word.to_lowercase());
            } else {
                out.push_str(word);
            }
            word.clear();
            *state = State::Other;
        };
        for c in text.chars() {
            if c.is_alphanumeric() {
                word.push(c);
                continue;
            }
            flush(&mut word, &mut out, &mut state);
            out.push(c);
            state = match (c, state) {
                ('.' | '?' | '!' | ':', State::Start) => State::Start,
                ('.' | '?' | '!' | ':', _) => State::AfterPunct,
                (c, State::AfterPunct) if c.is_whitespace() => State::StartSentence,
                (_, State::AfterPunct) => State::Other,
                (_, s) => s,
            };
        }
        flush(&mut word, &mut out, &mut state);
        *text = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A field as the `biblatex` crate reads it, then converted.
    fn rich(raw: &str, sentence: bool) -> String {
        let bib = biblatex::Bibliography::parse(&format!("@article{{k, title = {{{raw}}}}}"))
            .expect("parses");
        let entry = bib.get("k").expect("entry");
        to_rich(entry.fields.get("title").expect("title"), sentence)
    }

    /// [`rich`] without case protection, which pandoc keeps inside but its CSL-JSON omits.
    fn field(raw: &str, sentence: bool) -> String {
        crate::cite::rich::without_spans(&rich(raw, sentence)).into_owned()
    }

    // Each expected value is what `pandoc -f bibtex -t csljson` (2.17) gives, unless noted.

    #[test]
    fn protected_lower_case_words_are_marked_as_such() {
        assert_eq!(
            rich("{ehsanx/TMLEworkshop: R Guide}", true),
            "<span class=\"nocase\">ehsanx/TMLEworkshop: R Guide</span>"
        );
        assert_eq!(
            rich("X-Ray and {mice} {R} {NASA} {B}ayes anesth{\\'e}sie", true),
            "X-ray and <span class=\"nocase\">mice</span> R NASA Bayes anesthésie"
        );
    }

    #[test]
    fn accents_and_escapes_become_unicode() {
        assert_eq!(
            field(
                r"Mu{\~n}oz Bald{\'e} Genevi{\`e}ve S{\o}ren \c{c} \ss{} Taylor \& Francis",
                false
            ),
            "Muñoz Baldé Geneviève Søren ç ß Taylor & Francis"
        );
        assert_eq!(field(r"{\textless}p{\textgreater}x", false), "<p>x");
        // pandoc 2.17 drops `\textbar` (raw LaTeX it does not know); glia prints the bar.
        assert_eq!(
            field(r"What is {Vibe} {Coding}? {\textbar} {IBM}", true),
            "What is Vibe Coding? | IBM"
        );
    }

    #[test]
    fn math_becomes_text_with_sub_and_superscripts() {
        // pandoc: "The I² statistic … H₂ … (p < .05)" in plain text.
        assert_eq!(
            field(r"The $I^2$ statistic and $H_2$ ($p<.05$)", true),
            "The I<sup>2</sup> statistic and H<sub>2</sub> (p < .05)"
        );
        assert_eq!(
            field(r"$\chi^{2}$ and $\alpha \leq 0.05$", false),
            "χ<sup>2</sup> and α ≤ 0.05"
        );
    }

    #[test]
    fn text_commands_become_markup_or_their_text() {
        assert_eq!(
            field(
                r"\emph{a} \textit{b} \textbf{c} \textsuperscript{2} \textsubscript{x} \texttt{mice}",
                false
            ),
            "<i>a</i> <i>b</i> <b>c</b> <sup>2</sup> <sub>x</sub> mice"
        );
        // pandoc lower-cases unprotected command arguments too: "with r".
        assert_eq!(
            field(r"Meta-Analysis with \textsf{R}", true),
            "Meta-analysis with r"
        );
        assert_eq!(
            field(r"Meta-Analysis with {\textsf{R}}", true),
            "Meta-analysis with R"
        );
    }

    #[test]
    fn dashes() {
        assert_eq!(field("1--10 a---b", false), "1–10 a—b");
    }

    #[test]
    fn sentence_case_as_pandoc() {
        // The issue's entry: brace-protected capitals stay, the rest is sentence case.
        assert_eq!(
            field(
                "{Number-Needed-to-Treat (NNT)}--Needs Treatment with Care",
                true
            ),
            "Number-Needed-to-Treat (NNT)–needs treatment with care"
        );
        assert_eq!(
            field(
                "Number-Needed-to-Treat ({NNT})--Needs Treatment with Care",
                true
            ),
            "Number-needed-to-treat (NNT)–needs treatment with care"
        );
        assert_eq!(
            field(
                "The USA and R: NNT in iPhone Users, McDonald's DNA-Based Trial. Part Two: A New Hope? Yes! the End",
                true
            ),
            "The USA and r: NNT in iPhone users, McDonald’s DNA-based trial. Part two: A new hope? Yes! The end"
        );
        assert_eq!(
            field(
                "Italy's Patients and O'Brien (Statistics in Society) ehsanx/TMLEworkshop",
                true
            ),
            "Italy’s patients and o’brien (statistics in society) ehsanx/TMLEworkshop"
        );
        assert_eq!(
            field("ehsanx/TMLEworkshop: v1.0", true),
            "Ehsanx/TMLEworkshop: v1.0"
        );
        assert_eq!(
            field(
                "X-Ray and {mice} {R} Package: Ab, {Face} {Hub} Über Élan",
                true
            ),
            "X-ray and mice R package: Ab, Face Hub über élan"
        );
        assert_eq!(
            field("{{Extending the Linear Model with R}}", true),
            "Extending the Linear Model with R"
        );
        assert_eq!(
            field("Was {Eysenck} right after all? {A} reassessment", true),
            "Was Eysenck right after all? A reassessment"
        );
    }

    #[test]
    fn without_sentence_case_words_keep_their_case() {
        assert_eq!(
            field("Statistics in Medicine", false),
            "Statistics in Medicine"
        );
    }
}
