//! Glossary entries and the checked, indexed [`Glossary`] built from them.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;

use super::text::{fold_name, is_word_char};
use crate::diagnostics::{did_you_mean, Diagnostic};

/// The front-matter of one glossary file. Unknown keys are refused so that a typo such as
/// `alias:` is reported instead of silently producing a term without aliases.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryFrontMatter {
    pub term: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Tooltip text. When absent, the first sentence of the definition is used.
    #[serde(default)]
    pub short: Option<String>,
    /// Other terms, by name or slug.
    #[serde(default)]
    pub see_also: Vec<String>,
    /// Works the definition cites, defined inline (see `cite::RefInput`).
    #[serde(default)]
    pub references: Vec<crate::cite::RefInput>,
}

/// One glossary file as the loader hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct GlossaryEntry {
    pub slug: String,
    /// Display path, as diagnostics should print it.
    pub file: String,
    /// The whole file, so diagnostics can point into the front-matter.
    pub text: String,
    pub fm: GlossaryFrontMatter,
    /// Byte offset of the YAML inside `text`.
    pub fm_offset: usize,
    /// The Markdown definition.
    pub body: String,
    /// The definition's first sentence as its page reads ([`crate::parse::prose::first_sentence`]):
    /// the tooltip when `short` is not written.
    pub first_sentence: String,
}

/// A checked glossary entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub entry: GlossaryEntry,
    /// The term and its aliases, trimmed, without repeats; the term first.
    pub names: Vec<String>,
    /// Plain-text tooltip: `short` from the front-matter or the definition's first sentence.
    pub short: String,
    /// Slugs of the `see_also` terms that exist, in the order written.
    pub see_also: Vec<String>,
}

impl Term {
    pub fn slug(&self) -> &str {
        &self.entry.slug
    }

    /// The name to display, as written in `term:`.
    pub fn term(&self) -> &str {
        &self.entry.fm.term
    }
}

/// Which term a name leads to, and the name as written (its capitals matter for matching).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NameRef {
    pub(crate) term: usize,
    pub(crate) name: String,
}

/// All glossary terms, indexed by slug and by every name.
///
/// Names are keyed by their folded form (lowercase, single spaces), so lookups and explicit links
/// are case-insensitive and two names differing only in case are reported as a clash: a page
/// writing either form could not say which entry it meant.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    /// Sorted by slug.
    terms: Vec<Term>,
    by_slug: BTreeMap<String, usize>,
    by_name: BTreeMap<String, NameRef>,
}

impl Glossary {
    /// Checks and indexes `entries`. Problems are returned rather than fatal: a term with a bad
    /// `see_also` or an empty body is still usable, so pages keep linking to it while the editor
    /// fixes the entry. A name claimed twice stays with the entry that has it as its `term`, or
    /// else with the entry whose slug sorts first, so the outcome never depends on load order.
    pub fn build(mut entries: Vec<GlossaryEntry>) -> (Glossary, Vec<Diagnostic>) {
        entries.sort_by(|a, b| (&a.slug, &a.file).cmp(&(&b.slug, &b.file)));
        let mut g = Glossary::default();
        let mut diags = Vec::new();

        for entry in entries {
            if let Some(&other) = g.by_slug.get(&entry.slug) {
                diags.push(
                    Diagnostic::error(
                        "glossary-duplicate-slug",
                        format!(
                            "glossary slug `{}` is used by both `{}` and `{}`",
                            entry.slug, g.terms[other].entry.file, entry.file
                        ),
                    )
                    .in_file(entry.file.clone())
                    .with_help("rename one of the files"),
                );
                continue;
            }
            let idx = g.terms.len();
            if entry.body.trim().is_empty() {
                diags.push(
                    Diagnostic::error(
                        "glossary-empty-definition",
                        format!(
                            "glossary entry `{}` has no definition",
                            entry.fm.term.trim()
                        ),
                    )
                    .at(&entry.file, &entry.text, entry.text.len()..entry.text.len())
                    .with_help("write the definition below the front-matter"),
                );
            }
            let short = match &entry.fm.short {
                Some(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
                None => entry.first_sentence.clone(),
            };
            g.by_slug.insert(entry.slug.clone(), idx);
            g.terms.push(Term {
                entry,
                names: Vec::new(),
                short,
                see_also: Vec::new(),
            });
        }

        // Terms claim their names before any alias does, so an alias can never take a name
        // away from the entry that is about it.
        for aliases in [false, true] {
            for idx in 0..g.terms.len() {
                let fm = &g.terms[idx].entry.fm;
                let written: Vec<(&str, String)> = if aliases {
                    fm.aliases.iter().map(|a| ("aliases", a.clone())).collect()
                } else {
                    vec![("term", fm.term.clone())]
                };
                for (key, name) in written {
                    diags.extend(g.claim(idx, key, name.trim()));
                }
            }
        }

        for idx in 0..g.terms.len() {
            let mut resolved = Vec::new();
            let entry = &g.terms[idx].entry;
            for wanted in &entry.fm.see_also {
                match g.lookup(wanted) {
                    Some(t) => {
                        if !resolved.iter().any(|s: &String| s == t.slug()) {
                            resolved.push(t.slug().to_string());
                        }
                    }
                    None => {
                        let mut d = Diagnostic::error(
                            "glossary-unknown-term",
                            format!("`see_also` names `{wanted}`, which is not a glossary term"),
                        )
                        .at(
                            &entry.file,
                            &entry.text,
                            locate(entry, "see_also", wanted),
                        );
                        if let Some(s) = g.suggest(wanted) {
                            d = d.with_help(format!("did you mean `{s}`?"));
                        }
                        diags.push(d);
                    }
                }
            }
            g.terms[idx].see_also = resolved;
        }
        (g, diags)
    }

    /// Gives the name to term `idx`, or explains why it cannot have it.
    fn claim(&mut self, idx: usize, key: &str, name: &str) -> Option<Diagnostic> {
        let entry = &self.terms[idx].entry;
        let folded = fold_name(name);
        if !folded.chars().any(is_word_char) {
            return Some(
                Diagnostic::error(
                    "glossary-empty-name",
                    format!("a glossary name in `{key}` has no letters or digits"),
                )
                .at(&entry.file, &entry.text, locate(entry, key, name))
                .with_help("write the term as it appears in prose, or remove it"),
            );
        }
        match self.by_name.get(&folded) {
            Some(prev) if prev.term == idx => None,
            Some(prev) => {
                let owner = &self.terms[prev.term].entry;
                Some(
                    Diagnostic::error(
                        "glossary-duplicate-name",
                        format!(
                            "the name `{name}` is claimed by both `{}` (as `{}`) and `{}`",
                            owner.file, prev.name, entry.file
                        ),
                    )
                    .at(&entry.file, &entry.text, locate(entry, key, name))
                    .with_help(
                        "a name must lead to one entry: remove it from one of them \
                     (names are compared ignoring case)",
                    ),
                )
            }
            None => {
                self.by_name.insert(
                    folded,
                    NameRef {
                        term: idx,
                        name: name.to_string(),
                    },
                );
                self.terms[idx].names.push(name.to_string());
                None
            }
        }
    }

    /// The index in [`Glossary::terms`] of the term whose file has this slug.
    pub fn position(&self, slug: &str) -> Option<usize> {
        self.by_slug.get(slug).copied()
    }

    /// The term whose file has this slug.
    pub fn get(&self, slug: &str) -> Option<&Term> {
        self.by_slug.get(slug).map(|&i| &self.terms[i])
    }

    /// The term one of whose names is `name` (ignoring case and spacing), or failing that whose
    /// slug is `name`: authors write both in `see_also`, `[[…]]` and `glossary:` links.
    pub fn lookup(&self, name: &str) -> Option<&Term> {
        self.by_name
            .get(&fold_name(name))
            .map(|r| &self.terms[r.term])
            .or_else(|| self.get(name.trim()))
    }

    /// Every term, in slug order.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The closest name or slug to a mistyped `word`, for "did you mean" hints.
    pub fn suggest(&self, word: &str) -> Option<&str> {
        let names = self.by_name.values().map(|r| r.name.as_str());
        let slugs = self.by_slug.keys().map(String::as_str);
        did_you_mean(word, names.chain(slugs))
    }

    pub(crate) fn names(&self) -> &BTreeMap<String, NameRef> {
        &self.by_name
    }
}

/// Where `needle` is written after `key:` in the entry's front-matter, so a diagnostic can point
/// at the offending value; falls back to the key, then to the start of the front-matter.
fn locate(entry: &GlossaryEntry, key: &str, needle: &str) -> Range<usize> {
    let text = &entry.text;
    let start = entry.fm_offset.min(text.len());
    let Some(fm) = text.get(start..) else {
        return start..start;
    };
    let key_at = fm.find(&format!("{key}:")).map(|i| start + i);
    let base = key_at.unwrap_or(start);
    match text.get(base..).and_then(|rest| rest.find(needle)) {
        Some(i) if !needle.is_empty() => base + i..base + i + needle.len(),
        _ => base..base + key_at.map_or(0, |_| key.len()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An entry as the loader would produce it from `front` (YAML) and `body`.
    pub(crate) fn entry(slug: &str, front: &str, body: &str) -> GlossaryEntry {
        let text = format!("---\n{front}\n---\n{body}");
        GlossaryEntry {
            // What resolve hands over from the page's parsed prose (`parse::prose`, tested
            // there); a line is enough for the rules here.
            first_sentence: body.lines().next().unwrap_or("").to_string(),
            slug: slug.to_string(),
            file: format!("glossary/{slug}.md"),
            fm: serde_yaml::from_str(front).expect("test front-matter"),
            fm_offset: 4,
            body: body.to_string(),
            text,
        }
    }

    fn codes(d: &[Diagnostic]) -> Vec<&str> {
        d.iter().map(|d| d.code).collect()
    }

    #[test]
    fn refuses_unknown_front_matter_keys() {
        let r: Result<GlossaryFrontMatter, _> = serde_yaml::from_str("term: x\nalias: [y]\n");
        assert!(r.is_err());
        let ok: GlossaryFrontMatter = serde_yaml::from_str("term: x\n").unwrap();
        assert!(ok.aliases.is_empty() && ok.short.is_none() && ok.references.is_empty());
    }

    #[test]
    fn looks_up_by_slug_and_any_name() {
        let (g, d) = Glossary::build(vec![entry(
            "nmda-receptor",
            "term: NMDA receptor\naliases: [NMDA receptors, NMDAR]",
            "A glutamate receptor.",
        )]);
        assert!(d.is_empty(), "{d:?}");
        for q in ["NMDA receptors", "nmda  receptor", "NMDAR", "nmda-receptor"] {
            assert_eq!(g.lookup(q).map(Term::slug), Some("nmda-receptor"), "{q}");
        }
        assert!(g.get("NMDA receptor").is_none());
        assert!(g.lookup("NMDA").is_none());
        assert_eq!(
            g.terms()[0].names,
            ["NMDA receptor", "NMDA receptors", "NMDAR"]
        );
    }

    #[test]
    fn duplicate_name_across_files_names_both() {
        let (g, d) = Glossary::build(vec![
            entry("dissociation", "term: Dissociation", "A state."),
            entry(
                "depersonalisation",
                "term: depersonalisation\naliases: [dissociation]",
                "B.",
            ),
        ]);
        assert_eq!(codes(&d), ["glossary-duplicate-name"]);
        let msg = d[0].to_string();
        assert!(msg.contains("glossary/dissociation.md"), "{msg}");
        assert!(msg.contains("glossary/depersonalisation.md:3:"), "{msg}");
        // A term keeps its name against another entry's alias, whatever the file order.
        assert_eq!(
            g.lookup("dissociation").map(Term::slug),
            Some("dissociation")
        );
    }

    #[test]
    fn same_name_twice_in_one_entry_is_fine() {
        let (g, d) = Glossary::build(vec![entry("tms", "term: TMS\naliases: [TMS, tms]", "x.")]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(g.terms()[0].names, ["TMS"]);
    }

    #[test]
    fn unknown_see_also_suggests() {
        let (g, d) = Glossary::build(vec![
            entry(
                "ketamine",
                "term: ketamine\nsee_also: [esketamine, NMDA receptr]",
                "Drug.",
            ),
            entry("esketamine", "term: esketamine", "Drug."),
            entry("nmda-receptor", "term: NMDA receptor", "Receptor."),
        ]);
        assert_eq!(codes(&d), ["glossary-unknown-term"]);
        let msg = d[0].to_string();
        assert!(msg.contains("glossary/ketamine.md:3:24"), "{msg}");
        assert!(msg.contains("did you mean `NMDA receptor`?"), "{msg}");
        assert_eq!(g.get("ketamine").unwrap().see_also, ["esketamine"]);
    }

    #[test]
    fn empty_definition_is_an_error() {
        let (g, d) = Glossary::build(vec![entry("tms", "term: TMS", "  \n")]);
        assert_eq!(codes(&d), ["glossary-empty-definition"]);
        assert!(d[0].to_string().contains("glossary/tms.md:"));
        assert!(g.lookup("TMS").is_some());
    }

    #[test]
    fn short_defaults_to_first_sentence() {
        let (g, _) = Glossary::build(vec![
            entry("ketamine", "term: ketamine", "An anaesthetic."),
            entry(
                "tms",
                "term: TMS\nshort: \" Magnetic\n  stimulation \"",
                "Long text.",
            ),
        ]);
        assert_eq!(g.get("ketamine").unwrap().short, "An anaesthetic.");
        assert_eq!(g.get("tms").unwrap().short, "Magnetic stimulation");
    }

    #[test]
    fn empty_names_are_reported() {
        let (_, d) = Glossary::build(vec![entry("x", "term: x\naliases: [\"\", \"--\"]", "y.")]);
        assert_eq!(codes(&d), ["glossary-empty-name", "glossary-empty-name"]);
    }
}
