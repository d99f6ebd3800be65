//! Turning serde_yaml errors into diagnostics that point into the *file*.
//!
//! YAML is parsed from a slice of a larger file (the front-matter of a Markdown page), so the
//! byte index serde_yaml reports is shifted by where that slice starts. serde's own messages
//! ("unknown field `tittle`, expected one of …") are rewritten into a shorter message plus a
//! did-you-mean hint, because a typo that passes silently is the worst outcome for an editor.

use crate::diagnostics::{did_you_mean, Diagnostic};

/// Deserializes `yaml` (which starts at byte `offset` of `text`, the whole file) into `T`.
pub fn from_str<T: serde::de::DeserializeOwned>(
    yaml: &str,
    file: &str,
    text: &str,
    offset: usize,
    what: &str,
) -> Result<T, Diagnostic> {
    serde_yaml::from_str(yaml).map_err(|e| to_diagnostic(&e, file, text, offset, what))
}

/// `what` names the thing being read ("front-matter", "site.yaml") for the messages.
pub fn to_diagnostic(
    err: &serde_yaml::Error,
    file: &str,
    text: &str,
    offset: usize,
    what: &str,
) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C"; the diagnostic carries the position itself.
    let msg = match raw.rfind(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let mut at = err.location().map_or(offset, |l| offset + l.index());
    let mut span = at..at + word_len(text, at);
    // Errors raised while checking a value (a date that does not exist) carry the position of
    // the enclosing mapping, not of the value; the message quotes the value, so find it.
    if let Some(value) = msg.split('`').nth(1).filter(|v| !v.is_empty()) {
        let yaml_end = text[offset..]
            .find("\n---")
            .map_or(text.len(), |i| offset + i);
        if let Some(i) = text.get(offset..yaml_end).and_then(|y| y.find(value)) {
            if !msg.starts_with("unknown field") && !msg.starts_with("missing field") {
                at = offset + i;
                span = at..at + value.len();
            }
        }
    }

    let (code, message, help) =
        if let Some((field, expected)) = parse_unknown(&msg, "unknown field") {
            let help = match did_you_mean(&field, expected.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`? Known keys: {}", expected.join(", ")),
                None => format!("remove it, or use one of: {}", expected.join(", ")),
            };
            (
                "unknown-key",
                format!("unknown {what} key `{field}`"),
                Some(help),
            )
        } else if let Some((variant, expected)) = parse_unknown(&msg, "unknown variant") {
            let help = match did_you_mean(&variant, expected.iter().map(String::as_str)) {
                Some(s) => format!(
                    "did you mean `{s}`? Allowed values: {}",
                    expected.join(", ")
                ),
                None => format!("allowed values: {}", expected.join(", ")),
            };
            (
                "invalid-value",
                format!("`{variant}` is not an allowed value"),
                Some(help),
            )
        } else if let Some(field) = msg.strip_prefix("missing field ") {
            let field = field.trim_matches('`');
            (
                "missing-key",
                format!("{what} has no `{field}`"),
                Some(format!("add `{field}: …` to the {what}")),
            )
        } else {
            let help = if msg.contains("did not find expected") || msg.contains("mapping values") {
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
    let mut d = Diagnostic::error(code, message).at(file, text, span);
    d.help = help;
    d
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

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Dated {
        title: String,
        date: crate::parse::frontmatter::Date,
    }

    #[test]
    fn a_bad_value_is_located_at_the_value() {
        let text = "---\ntitle: A\ndate: 2026-02-30\n---\n";
        let d = from_str::<Dated>(&text[4..30], "a.md", text, 4, "front-matter").unwrap_err();
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.column), (3, 7), "{}", d.message);
        assert_eq!(d.code, "invalid-date");
    }

    #[test]
    fn missing_title_is_named() {
        let text = "---\nsummary: x\n---\n";
        let d = from_str::<Fm>(&text[4..15], "a.md", text, 4, "front-matter").unwrap_err();
        assert_eq!(d.code, "missing-key");
        assert!(d.message.contains("`title`"));
        assert_eq!(d.location.unwrap().line, 2);
    }
}
