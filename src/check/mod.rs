//! `glia check`: the build's own checks plus editorial rules that a build should not fail on.
//!
//! Check compiles the site exactly as a build does (`site::compile`), so anything that would
//! break a build is an error here too; then it reads the compiled [`Site`] for problems that
//! are matters of editorial judgement — stale reviews, hard reading, figures without a source —
//! and reports them as warnings or notes. Each rule is a small module working on plain data.

mod claims;
mod incomplete_reference;
mod missing_alt;
mod moved;
mod placeholder;
mod readability;
mod translations;
mod urls;

// The page's prose is a parse-stage view; the rules read it as `super::prose`.
use crate::parse::prose;

use std::collections::BTreeSet;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::parse::frontmatter::Audience;
use crate::parse::ParsedPage;
use crate::resolve::Site;
use crate::review;
use crate::site::{self, BuildOptions};

#[derive(Debug, Clone)]
pub struct Options {
    /// Codes not to report (`uncited-claim`; a plural such as `uncited-claims` works too).
    /// Reviews are measured against the compiled site's `today` (`review::today`), the date
    /// its pages were rendered with.
    pub allow: Vec<String>,
}

/// Everything check found, sorted by file and position.
pub struct Outcome {
    pub diagnostics: Diagnostics,
    /// Whether the site compiled; the editorial rules only run on a site that did.
    pub compiled: bool,
}

/// Compiles the site at `build.root` and runs every rule on it.
pub fn check(build: &BuildOptions, opts: &Options) -> Outcome {
    let (compiled, diags) = site::compile(build);
    // The build only warns about raw HTML that runs code; check makes it an error.
    let mut diags: Vec<Diagnostic> = diags
        .into_iter()
        .map(|mut d| {
            if d.code == crate::resolve::unsafe_html::CODE {
                d.severity = Severity::Error;
            }
            d
        })
        .collect();
    let compiled_ok = compiled.is_some();
    if let Some(c) = &compiled {
        for site in c.sites() {
            diags.extend(run(site));
        }
        for translation in &c.translations {
            translations::check(&c.site, translation, &mut diags);
        }
        // The previous build's sitemaps (each language's in its folder), if the output
        // folder still has them.
        for site in c.sites() {
            let output = build.output_dir().join(&site.folder);
            diags.extend(moved::check(site, &build.root, &output));
        }
    }
    let pages: Vec<&crate::resolve::SitePage> = (compiled.iter())
        .flat_map(|c| c.sites().flat_map(|s| &s.pages))
        .collect();
    let kept = diags
        .into_iter()
        .filter(|d| !is_allowed(d, &opts.allow, &pages));
    // Sorted, and each once: every language's site reads the same bibliographies, so their
    // problems come once per language.
    let mut all = Diagnostics::new();
    all.extend(kept);
    let mut out = Diagnostics::new();
    out.extend(all.sorted());
    Outcome {
        diagnostics: out,
        compiled: compiled_ok,
    }
}

/// Runs the editorial rules on a compiled site.
pub fn run(site: &Site) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for p in &site.pages {
        let page = &p.page;
        external_urls(page, &mut diags);
        uncited_claims(page, &mut diags);
        missing_alt::check(page, &mut diags);
        placeholder::check(page, &mut diags);
        if review::applies(page.kind) {
            review_freshness(page, site, &mut diags);
        }
        // Every page written for patients, whatever its kind: the about page and the home
        // page's introduction are read by the same readers as the articles.
        if page.fm.audience.contains(&Audience::Patients) {
            readability(page, &site.config, &mut diags);
        }
    }
    unused_terms(site, &mut diags);
    incomplete_references(site, &mut diags);
    diags
}

/// Errors are never allowed away: they would break the build anyway.
fn is_allowed(d: &Diagnostic, global: &[String], pages: &[&crate::resolve::SitePage]) -> bool {
    if d.severity == Severity::Error {
        return false;
    }
    let matches = |a: &String| {
        let a = a.trim();
        a == d.code || a.strip_suffix('s') == Some(d.code)
    };
    if global.iter().any(matches) {
        return true;
    }
    let Some(file) = &d.file else { return false };
    pages
        .iter()
        .find(|p| &p.page.file == file)
        .is_some_and(|p| p.page.fm.allow.iter().any(matches))
}

fn external_urls(page: &ParsedPage, diags: &mut Vec<Diagnostic>) {
    for link in &page.doc.links {
        if let Some(why) = urls::problem(&link.dest) {
            diags.push(
                Diagnostic::warning(
                    "malformed-url",
                    format!("`{}` is not a well-formed web address: {why}", link.dest),
                )
                .at(&page.file, &page.text, link.span.clone())
                .with_help("write it in full, e.g. `https://example.org/page`"),
            );
        }
    }
}

fn review_freshness(page: &ParsedPage, site: &Site, diags: &mut Vec<Diagnostic>) {
    let interval = site.config.review_interval_months;
    if page.fm.last_reviewed.is_none() {
        diags.push(
            Diagnostic::warning("unreviewed", "this article has no `last_reviewed` date")
                .at(&page.file, &page.text, key_span(page, "title"))
                .with_help(
                    "once a clinician has reviewed it, add `last_reviewed: YYYY-MM-DD` \
                     (and `reviewed_by`) to the front-matter",
                ),
        );
    }
    let Some(status) = review::status(page.kind, &page.fm, interval, site.today) else {
        return;
    };
    if status.overdue {
        let (reviewed, due) = (status.reviewed, status.due);
        diags.push(
            Diagnostic::warning(
                "stale-review",
                format!(
                    "last reviewed on {reviewed}, more than {interval} months ago \
                     (the next review was due on {due})"
                ),
            )
            .at(&page.file, &page.text, key_span(page, "last_reviewed"))
            .with_help(
                "have the article reviewed again and update `last_reviewed`; the \
                 interval is `review_interval_months` in site.yaml",
            ),
        );
    }
}

fn readability(page: &ParsedPage, config: &crate::config::SiteConfig, diags: &mut Vec<Diagnostic>) {
    let blocks = prose::blocks(&page.doc.events, &page.text);
    let lang = readability::Language::of(&config.language);
    let Some(r) = readability::measure(&blocks, lang) else {
        return;
    };
    let limits = &config.readability;
    let message = match lang {
        readability::Language::English if r.grade > limits.max_grade => format!(
            "reading grade {:.1} is above {} for a page written for patients \
             ({} words in {} sentences)",
            r.grade, limits.max_grade, r.words, r.sentences
        ),
        readability::Language::Spanish if r.inflesz() < limits.min_inflesz => format!(
            "INFLESZ score {:.1} is below {} for a page written for patients \
             (Fernández-Huerta {:.1}; {} words in {} sentences)",
            r.inflesz(),
            limits.min_inflesz,
            r.fernandez_huerta(),
            r.words,
            r.sentences
        ),
        _ => return,
    };
    let longest: Vec<String> = r
        .longest
        .iter()
        .map(|s| {
            let words = prose::words(s).len();
            format!(
                "\n    - ({words} words) {}",
                ellipsize(&prose::without_citations(s), 160)
            )
        })
        .collect();
    diags.push(
        Diagnostic::warning("readability", message)
            .at(&page.file, &page.text, key_span(page, "audience"))
            .with_help(format!(
                "use shorter sentences and everyday words; the longest sentences are:{}",
                longest.concat()
            )),
    );
}

fn uncited_claims(page: &ParsedPage, diags: &mut Vec<Diagnostic>) {
    for block in prose::blocks(&page.doc.events, &page.text) {
        if block.cited {
            continue;
        }
        for s in block.sentences() {
            let sentence = &block.text[s.clone()];
            let Some(figure) = claims::find_claim(sentence) else {
                continue;
            };
            let start = block.file_offset(s.start);
            let end = block.file_offset(s.end).max(start);
            diags.push(
                Diagnostic::warning(
                    "uncited-claim",
                    format!("`{figure}` is stated without a citation in its paragraph"),
                )
                .at(&page.file, &page.text, start..end)
                .with_help(
                    "cite the source in the same paragraph, e.g. `[@key]`; if no source is \
                     needed, add `allow: [uncited-claims]` to the front-matter",
                ),
            );
        }
    }
}

fn unused_terms(site: &Site, diags: &mut Vec<Diagnostic>) {
    let used: BTreeSet<&str> = site
        .glossary
        .appears_in
        .iter()
        .filter(|(_, pages)| !pages.is_empty())
        .map(|(slug, _)| slug.as_str())
        .collect();
    for (slug, &i) in &site.glossary.definitions {
        if used.contains(slug.as_str()) {
            continue;
        }
        let Some(p) = site.pages.get(i) else { continue };
        diags.push(
            Diagnostic::note(
                "unused-term",
                format!("the glossary term `{}` is not used by any page", p.page.fm.title),
            )
            .at(&p.page.file, &p.page.text, key_span(&p.page, "term"))
            .with_help("use it in an article, add the word readers meet as an `aliases` entry, or remove it"),
        );
    }
}

fn incomplete_references(site: &Site, diags: &mut Vec<Diagnostic>) {
    let index = &site.citations;
    for (key, r) in index.bibliography.iter() {
        let work = index.canonical.get(key).map_or(key, String::as_str);
        if !index.cited_in.contains_key(work) {
            continue;
        }
        let Some(gaps) = incomplete_reference::missing(r) else {
            continue;
        };
        let Some(source) = index.bibliography.source(key) else {
            continue;
        };
        let d = Diagnostic::warning(
            "incomplete-reference",
            format!("reference `{key}` has no {gaps}, so a reader cannot find the work"),
        )
        .with_help(
            "add the missing details from the publisher's or PubMed's record; if the work \
             cannot be found there, cite another source",
        );
        diags.push(match &source.location {
            Some(l) => d.at_location(source.file.clone(), l.clone()),
            None => d.in_file(source.file.clone()),
        });
    }
}

/// The byte range of front-matter key `key`, or the opening `---` when it is absent.
fn key_span(page: &ParsedPage, key: &str) -> std::ops::Range<usize> {
    let yaml = page.yaml_offset.min(page.text.len());
    let front = &page.text[..page.body_offset.clamp(yaml, page.text.len())];
    let found = front[yaml..]
        .match_indices(&format!("{key}:"))
        .map(|(i, _)| yaml + i)
        .find(|&at| at == yaml || front.as_bytes()[at - 1] == b'\n');
    match found {
        Some(at) => at..at + key.len(),
        None => 0..3,
    }
}

fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}
