//! Turning serde_yaml errors into diagnostics that point into the *file*: for `site.yaml`
//! (`config`), pages' front-matter (`parse`) and glossary terms alike.
//!
//! YAML is parsed from a slice of a larger file (the front-matter of a Markdown page), so the
//! byte index serde_yaml reports is shifted by where that slice starts. serde's own messages
//! ("unknown field `tittle`, expected one of …") are rewritten into a shorter message plus a
//! did-you-mean hint, because a typo that passes silently is the worst outcome for an editor.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::diagnostics::{did_you_mean, Diagnostic};

/// Deserializes `yaml` (which starts at byte `offset` of `text`, the whole file) into `T`.
/// On failure, the first problem (in file order).
pub fn from_str<T: serde::de::DeserializeOwned>(
    yaml: &str,
    file: &str,
    text: &str,
    offset: usize,
    what: &str,
) -> Result<T, Diagnostic> {
    from_str_all(yaml, file, text, offset, what).map_err(|mut d| d.swap_remove(0))
}

/// Like [`from_str`], but reports every independent problem: after each error the top-level
/// key it is in is blanked out (offsets kept) and the YAML read again, so one file's typos
/// all show at once. A key blanked that way is not then reported as missing. Never empty.
pub fn from_str_all<T: serde::de::DeserializeOwned>(
    yaml: &str,
    file: &str,
    text: &str,
    offset: usize,
    what: &str,
) -> Result<T, Vec<Diagnostic>> {
    let mut work = yaml.to_string();
    let mut diags: Vec<(usize, Diagnostic)> = Vec::new();
    let mut blanked: BTreeSet<String> = BTreeSet::new();
    // A bound, in case a problem's key cannot be found and blanked (then the loop stops anyway).
    for _ in 0..50 {
        let err = match serde_yaml::from_str::<T>(&work) {
            Ok(v) if diags.is_empty() => return Ok(v),
            Ok(_) => break,
            Err(e) => e,
        };
        let (d, span, understood) = to_diagnostic_in(&err, &work, file, text, offset, what);
        if d.code == "missing-key"
            && blanked
                .iter()
                .any(|k| d.message.contains(&format!("`{k}`")))
        {
            break; // follows from a problem already reported in that key
        }
        let block = top_level_block(&work, span.start);
        diags.push((span.start, d));
        // After a syntax error whose cause is not known, where YAML resumes is a guess: more
        // errors would likely repeat this one.
        let Some((key, block)) = block.filter(|_| understood) else {
            break;
        };
        if work[block.clone()].trim().is_empty() {
            break;
        }
        blanked.insert(key);
        // Replace char by char with ASCII so byte offsets stay those of the file.
        let spaces: String = work[block.clone()]
            .chars()
            .map(|c| {
                if c == '\n' {
                    "\n".to_string()
                } else {
                    " ".repeat(c.len_utf8())
                }
            })
            .collect();
        work.replace_range(block, &spaces);
    }
    diags.sort_by_key(|(at, _)| *at);
    Err(diags.into_iter().map(|(_, d)| d).collect())
}

/// The top-level key whose block holds byte `at` of `yaml`, and the block (its first line
/// up to the next line that starts another top-level key).
fn top_level_block(yaml: &str, at: usize) -> Option<(String, Range<usize>)> {
    let mut start: Option<(String, usize)> = None;
    let mut pos = 0;
    for line in yaml.split_inclusive('\n') {
        let is_key = line
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-')
            && line.contains(':');
        if is_key {
            if pos > at {
                return start.map(|(k, s)| (k, s..pos));
            }
            let key = line.split(':').next().unwrap_or("").trim().to_string();
            start = Some((key, pos));
        }
        pos += line.len();
    }
    start
        .filter(|(_, s)| *s <= at)
        .map(|(k, s)| (k, s..yaml.len()))
}

/// The diagnostic for `err`, raised reading `yaml` (the front-matter as read, which starts at
/// `offset` of `text`), the span in `yaml` of what it points at, and whether its cause is
/// known (false for a syntax error glia cannot explain).
fn to_diagnostic_in(
    err: &serde_yaml::Error,
    yaml: &str,
    file: &str,
    text: &str,
    offset: usize,
    what: &str,
) -> (Diagnostic, Range<usize>, bool) {
    let raw = err.to_string();
    // serde_yaml writes positions into its message (" at line L column C", counted from the
    // front-matter, not the file); the diagnostic carries the position itself.
    let msg = strip_positions(&raw);
    // A problem inside a value is prefixed with its path (`audience[0]: unknown variant …`).
    let (path, msg) = split_path(&msg);
    let mut at = err.location().map_or(0, |l| l.index()).min(yaml.len());
    let mut span = at..at + word_len(yaml, at);
    // Errors raised while checking a value (a date that does not exist) carry the position of
    // the enclosing mapping, not of the value; the message quotes the value, so find it.
    if let Some(value) = msg.split('`').nth(1).filter(|v| !v.is_empty()) {
        let from = path
            .and_then(|p| key_line(yaml, p.split(['[', '.']).next().unwrap_or(p)))
            .unwrap_or(0);
        if let Some(i) = yaml[from..].find(value) {
            if !msg.starts_with("unknown field") && !msg.starts_with("missing field") {
                at = from + i;
                span = at..at + value.len();
            }
        }
    }
    let syntax = syntax_error(msg);
    let mistake = syntax.then(|| editor_mistake(yaml, at)).flatten();
    let understood = !syntax || mistake.is_some();
    let (code, message, help) = if let Some((cause, message, help)) = mistake {
        span = cause;
        ("invalid-yaml", message, Some(help))
    } else if let Some((field, expected)) = parse_unknown(msg, "unknown field") {
        let help = match did_you_mean(&field, expected.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`? Known keys: {}", expected.join(", ")),
            None => format!("remove it, or use one of: {}", expected.join(", ")),
        };
        (
            "unknown-key",
            format!("unknown {what} key `{field}`"),
            Some(help),
        )
    } else if let Some((variant, expected)) = parse_unknown(msg, "unknown variant") {
        let help = match did_you_mean(&variant, expected.iter().map(String::as_str)) {
            Some(s) => format!(
                "did you mean `{s}`? Allowed values: {}",
                expected.join(", ")
            ),
            None => format!("allowed values: {}", expected.join(", ")),
        };
        let whose = path
            .map(|p| format!(" for `{}`", p.split('[').next().unwrap_or(p)))
            .unwrap_or_default();
        (
            "invalid-value",
            format!("`{variant}` is not an allowed value{whose}"),
            Some(help),
        )
    } else if let Some(field) = msg.strip_prefix("missing field ") {
        let field = field.trim_matches('`');
        (
            "missing-key",
            format!("{what} has no `{field}`"),
            Some(format!("add `{field}: …` to the {what}")),
        )
    } else if let Some((found, expected)) = invalid_type(msg) {
        let key = path.unwrap_or("this value");
        let key = if path.is_some() {
            format!("`{key}`")
        } else {
            key.to_string()
        };
        (
            "invalid-value",
            format!("{key} must be {expected}, not {found}"),
            Some(match expected {
                e if e.contains("list of texts") => {
                    "write one value (`tags: depression`) or a list (`tags: [depression, ketamine]`)".to_string()
                }
                e => format!("write {e} here"),
            }),
        )
    } else {
        let help = if syntax {
            Some("check the indentation and quote values that contain `:` or `#`".to_string())
        } else {
            None
        };
        let code = if msg.contains("date") {
            "invalid-date"
        } else {
            "invalid-yaml"
        };
        (code, format!("invalid {what}: {msg}"), help)
    };
    let mut d =
        Diagnostic::error(code, message).at(file, text, offset + span.start..offset + span.end);
    d.help = help;
    (d, span, understood)
}

/// Removes every " at line L column C" serde_yaml writes into a message.
fn strip_positions(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let skip = after
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || "column".contains(c)))
            .unwrap_or(after.len());
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

/// `audience[0]: unknown variant …` → (`audience[0]`, `unknown variant …`).
fn split_path(msg: &str) -> (Option<&str>, &str) {
    match msg.split_once(": ") {
        Some((p, rest))
            if !p.is_empty()
                && p.chars()
                    .all(|c| c.is_alphanumeric() || "_-.[]".contains(c)) =>
        {
            (Some(p), rest)
        }
        _ => (None, msg),
    }
}

/// Where the line of top-level key `key` starts in `yaml`.
fn key_line(yaml: &str, key: &str) -> Option<usize> {
    let mut pos = 0;
    for line in yaml.split_inclusive('\n') {
        if line
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
        {
            return Some(pos);
        }
        pos += line.len();
    }
    None
}

/// serde's "invalid type: map, expected a text or a list of texts" → (found, expected).
fn invalid_type(msg: &str) -> Option<(String, &str)> {
    let rest = msg.strip_prefix("invalid type: ")?;
    let (found, expected) = rest.split_once(", expected ")?;
    let found = match found {
        "map" => "a mapping (`{…}` or indented `key: value` lines)".to_string(),
        "sequence" => "a list".to_string(),
        f => f
            .strip_prefix("string ")
            .map_or_else(|| f.to_string(), |t| format!("the text {t}")),
    };
    // serde names Rust types; an editor knows numbers and yes/no.
    let expected = match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number (such as 12)",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        e => e,
    };
    Some((found, expected))
}

/// Whether serde_yaml's message is about the YAML's syntax, not about a value.
fn syntax_error(msg: &str) -> bool {
    [
        "did not find expected",
        "while scanning",
        "while parsing",
        "cannot start any token",
        "mapping values are not allowed",
        "found unexpected end of stream",
        "could not find expected",
    ]
    .iter()
    .any(|m| msg.contains(m))
}

/// The usual editing mistakes behind a YAML syntax error reported at `at`, said in an editor's
/// words and pointed at where they start (YAML's own position is where it gave up, often lines
/// later): a tab used to indent, a quote or a `[`/`{` not closed on its line. The first such
/// mistake at or before `at` wins.
fn editor_mistake(yaml: &str, at: usize) -> Option<(Range<usize>, String, String)> {
    let mut pos = 0;
    for line in yaml.split_inclusive('\n') {
        if pos > at {
            break;
        }
        let start = pos;
        pos += line.len();
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(tab) = line[..indent].find('\t') {
            return Some((
                start + tab..start + tab + 1,
                "this line is indented with a tab".into(),
                "use spaces, not tabs, to indent: YAML does not allow tabs".into(),
            ));
        }
        let Some(v) = value_start(line) else { continue };
        let value = line[v..].trim_end();
        let opener = value.chars().next();
        match opener {
            Some(q @ ('"' | '\'')) if !quote_closed(&value[1..], q) => {
                return Some((
                    start + v..start + v + 1,
                    "this quote is never closed".into(),
                    format!("end the value with `{q}` on the same line, e.g. `key: {q}text{q}`"),
                ));
            }
            Some(b @ ('[' | '{')) if !brackets_closed(value) => {
                let close = if b == '[' { ']' } else { '}' };
                let what = if b == '[' { "list" } else { "mapping" };
                return Some((
                    start + v..start + v + 1,
                    format!("this `{b}` is never closed"),
                    format!("end the {what} with `{close}` on the same line, e.g. `tags: [depression, ketamine]`"),
                ));
            }
            _ => {}
        }
    }
    None
}

/// Where the value starts on a `key: value` or `- value` line, if it has one.
fn value_start(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let lead = line.len() - trimmed.len();
    let after = if let Some(rest) = trimmed.strip_prefix("- ") {
        lead + 2 + (rest.len() - rest.trim_start().len())
    } else {
        let colon = trimmed.find(": ")?;
        let key = &trimmed[..colon];
        if key.starts_with(['"', '\'', '[', '{', '#']) {
            return None;
        }
        let rest = &trimmed[colon + 2..];
        lead + colon + 2 + (rest.len() - rest.trim_start().len())
    };
    (after < line.trim_end().len()).then_some(after)
}

/// Whether a quoted value (after its opening quote) closes on the line.
fn quote_closed(rest: &str, q: char) -> bool {
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if q == '"' && c == '\\' {
            chars.next();
        } else if c == q {
            // `''` is an escaped quote inside single quotes.
            if q == '\'' && chars.peek() == Some(&'\'') {
                chars.next();
                continue;
            }
            return true;
        }
    }
    false
}

/// Whether the `[`/`{` nesting of a flow value closes on the line (quoted parts skipped).
fn brackets_closed(value: &str) -> bool {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in value.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, '#') => break,
            _ => {}
        }
    }
    depth <= 0
}

/// Splits serde's `unknown field `x`, expected one of `a`, `b`` (or `expected `a``) message.
fn parse_unknown(msg: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix(prefix)?.trim_start();
    let mut ticks = rest.split('`');
    ticks.next()?;
    let name = ticks.next()?.to_string();
    let expected: Vec<String> = ticks
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect();
    Some((name, expected))
}

/// Length of the word at `at`, so the caret underlines the offending key, not one letter.
fn word_len(text: &str, at: usize) -> usize {
    text.get(at..)
        .map(|rest| {
            rest.find(|c: char| c == ':' || c.is_whitespace())
                .unwrap_or(rest.len())
        })
        .unwrap_or(0)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        summary: Option<String>,
    }

    #[test]
    fn unknown_key_points_into_the_file_with_a_suggestion() {
        let text = "---\ntitle: A\ntittle: B\n---\n";
        let yaml = &text[4..22];
        let d = from_str::<Fm>(yaml, "a.md", text, 4, "front-matter").unwrap_err();
        assert_eq!(d.code, "unknown-key");
        let loc = d.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (3, 1));
        assert!(d.help.unwrap().contains("did you mean `title`?"));
    }

    #[test]
    fn missing_title_is_named() {
        let text = "---\nsummary: x\n---\n";
        let d = from_str::<Fm>(&text[4..15], "a.md", text, 4, "front-matter").unwrap_err();
        assert_eq!(d.code, "missing-key");
        assert!(d.message.contains("`title`"));
        assert_eq!(d.location.unwrap().line, 2);
    }

    fn all(text: &str) -> Vec<Diagnostic> {
        let end = text.rfind("---").unwrap();
        from_str_all::<Fm>(&text[4..end], "a.md", text, 4, "front-matter").unwrap_err()
    }

    #[test]
    fn every_independent_error_is_reported_in_file_order() {
        let d = all("---\ntittle: A\nsumary: B\ntitle: C\n---\n");
        let got: Vec<(&str, usize)> = d
            .iter()
            .map(|d| (d.code, d.location.as_ref().unwrap().line))
            .collect();
        assert_eq!(got, [("unknown-key", 2), ("unknown-key", 3)]);
    }

    #[test]
    fn an_unexplained_syntax_error_is_reported_once() {
        let d = all("---\ntitle: A\nsummary: \"He said \"hi\"\"\n---\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "invalid-yaml");
        assert!(!d[0].message.contains(" at line "), "{}", d[0].message);
    }

    #[test]
    fn a_quoted_value_closed_on_its_line_is_no_mistake() {
        assert!(editor_mistake("title: \"A: b\"\ntags: ['it''s', x]\n", 40).is_none());
        assert!(editor_mistake("title: 'it''s\n", 14).is_some());
    }
}
