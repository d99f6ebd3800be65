//! `glia check`: each rule in human and JSON form, `--allow`, and exit codes.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use common::{glia, repo_root, site, stdout, SMALL_SITE_YAML};
use serde_json::Value;

const REVIEWED: &str = "last_reviewed: 2026-10-01\n";

fn article(front: &str, body: &str) -> String {
    format!("---\ntitle: A\n{front}---\n\n{body}\n")
}

fn check(root: &std::path::Path, extra: &[&str]) -> (std::process::Output, String) {
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = glia(&args);
    let s = stdout(&out);
    (out, s)
}

fn json(root: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let (_, s) = check(root, &args);
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn codes(diags: &[Value]) -> Vec<&str> {
    diags.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

#[test]
fn a_clean_site_passes_even_with_deny_warnings() {
    let s = site(&[(
        "content/articles/a.md",
        &article(REVIEWED, "A short page. It says little."),
    )]);
    let (out, text) = check(s.path(), &["--deny-warnings"]);
    assert!(out.status.success(), "{text}");
    assert_eq!(text.trim(), "0 errors, 0 warnings", "{text}");
}

#[test]
fn malformed_urls_are_warnings_and_deny_warnings_fails() {
    let s = site(&[(
        "content/articles/a.md",
        &article(
            REVIEWED,
            "See [one](http:/example.org) and [two](https://example.org/ok).",
        ),
    )]);
    let (out, text) = check(s.path(), &[]);
    assert!(out.status.success(), "warnings alone do not fail: {text}");
    assert!(
        text.contains("warning[malformed-url]: content/articles/a.md:6:5: `http:/example.org`"),
        "{text}"
    );
    assert!(text.contains("0 errors, 1 warning in 1 file"), "{text}");
    let (out, _) = check(s.path(), &["--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
    let d = json(s.path(), &[]);
    assert_eq!(codes(&d), ["malformed-url"]);
    assert_eq!(d[0]["severity"], "warning");
    assert_eq!(d[0]["file"], "content/articles/a.md");
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(6), Some(5))
    );
    assert!(d[0]["help"].as_str().unwrap().contains("https://"));
}

#[test]
fn stale_and_missing_reviews_are_reported() {
    let s = site(&[
        (
            "content/articles/old.md",
            &article("last_reviewed: 2025-10-01\n", "Old page."),
        ),
        ("content/articles/never.md", &article("", "New page.")),
        ("content/about.md", &article("", "Pages need no review.")),
    ]);
    let d = json(s.path(), &[]);
    assert_eq!(codes(&d), ["unreviewed", "stale-review"]);
    assert_eq!(d[0]["file"], "content/articles/never.md");
    assert_eq!(d[1]["line"], 3);
    assert!(
        d[1]["message"].as_str().unwrap().contains("2026-10-01"),
        "{}",
        d[1]
    );
    let (_, text) = check(s.path(), &[]);
    assert!(
        text.contains("warning[stale-review]: content/articles/old.md:3:1:"),
        "{text}"
    );
    // A longer interval in site.yaml makes the old review fresh again.
    common::write(
        s.path(),
        "site.yaml",
        &format!("{SMALL_SITE_YAML}review_interval_months: 24\n"),
    );
    assert_eq!(codes(&json(s.path(), &[])), ["unreviewed"]);
}

const DENSE: &str = "Interventional psychiatric methodologies necessitate comprehensive \
     multidisciplinary evaluation, individualised pharmacological optimisation and longitudinal \
     neurocognitive surveillance throughout the administration of dissociative anaesthetic \
     agents. Practitioners should additionally contemplate contraindications, concomitant \
     medications and cardiovascular comorbidities.";

#[test]
fn hard_reading_on_patient_pages_is_reported_with_the_longest_sentences() {
    let s = site(&[
        (
            "content/articles/p.md",
            &article(&format!("{REVIEWED}audience: [patients]\n"), DENSE),
        ),
        (
            "content/articles/c.md",
            &article(&format!("{REVIEWED}audience: [clinicians]\n"), DENSE),
        ),
    ]);
    let d = json(s.path(), &[]);
    assert_eq!(codes(&d), ["readability"]);
    assert_eq!(d[0]["file"], "content/articles/p.md");
    let msg = d[0]["message"].as_str().unwrap();
    assert!(msg.starts_with("reading grade "), "{msg}");
    let help = d[0]["help"].as_str().unwrap();
    assert!(
        help.contains("(21 words) Interventional psychiatric"),
        "{help}"
    );
    assert!(help.contains("Practitioners should"), "{help}");
    let (_, text) = check(s.path(), &[]);
    assert!(
        text.contains("warning[readability]: content/articles/p.md:4:1:"),
        "{text}"
    );
    common::write(
        s.path(),
        "site.yaml",
        &format!("{SMALL_SITE_YAML}readability:\n  max_grade: 40\n"),
    );
    assert!(json(s.path(), &[]).is_empty());
}

/// Issue 20, point 13: readability applies to every page whose audience includes patients, as
/// README says, not only to articles: the about page and a section's introduction too.
#[test]
fn readability_applies_to_every_page_written_for_patients() {
    let page =
        |audience: &str| format!("---\ntitle: About\naudience: [{audience}]\n---\n\n{DENSE}\n");
    let s = site(&[
        ("content/about.md", &page("patients")),
        ("content/articles/_index.md", &page("patients, clinicians")),
        ("content/team.md", &page("clinicians")),
    ]);
    let d = json(s.path(), &[]);
    let found: Vec<(&str, &str)> = d
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("readability", "content/about.md"),
            ("readability", "content/articles/_index.md")
        ]
    );
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(3), Some(1))
    );
}

#[test]
fn figures_need_a_citation_in_their_paragraph() {
    let body = "Most people feel better.\nAbout 40% respond within 2 weeks.\n\n\
                A dose of 0.5 mg/kg is usual [@smith2020].\n\n\
                The clinic opened in 2019 and has 3 rooms.";
    let refs = r#"[{"id": "smith2020", "type": "article-journal", "title": "A trial",
        "volume": "3", "page": "1-9",
        "author": [{"family": "Smith", "given": "Ann"}], "issued": {"date-parts": [[2020]]}}]"#;
    let s = site(&[
        ("content/articles/a.md", &article(REVIEWED, body)),
        ("content/references/refs.json", refs),
    ]);
    let d = json(s.path(), &[]);
    assert_eq!(codes(&d), ["uncited-claim"]);
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(7), Some(1))
    );
    assert!(d[0]["message"].as_str().unwrap().contains("`40%`"));
    let (out, text) = check(s.path(), &[]);
    assert!(out.status.success());
    assert!(
        text.contains("7 | About 40% respond within 2 weeks."),
        "{text}"
    );
    assert!(
        text.contains("  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"),
        "{text}"
    );
    assert!(json(s.path(), &["--allow", "uncited-claims"]).is_empty());
    assert!(json(s.path(), &["--allow", "uncited-claim"]).is_empty());
    common::write(
        s.path(),
        "content/articles/a.md",
        &article(&format!("{REVIEWED}allow: [uncited-claims]\n"), body),
    );
    assert!(json(s.path(), &[]).is_empty());
}

/// A cited work a reader cannot find (issue 16): the network's own `kuo2023interventional` was
/// such an entry, rendered as "…Frontiers in Psychiatry. 2023;".
#[test]
fn incomplete_cited_references_are_warnings_at_their_entry() {
    let refs = r#"[
  {"id": "bare", "type": "article-journal", "title": "A field", "container-title": "Front Psychiatry",
   "author": [{"family": "Kuo", "given": "J."}], "issued": {"date-parts": [[2023]]}},
  {"id": "found", "type": "article-journal", "title": "A review", "container-title": "BJPsych Open",
   "author": [{"family": "Walsh", "given": "Zach"}], "issued": {"date-parts": [[2021]]},
   "DOI": "10.1192/bjo.2021.1061"},
  {"id": "undated", "type": "book", "title": "A book", "author": [{"family": "Roe", "given": "R"}]},
  {"id": "unused", "type": "article-journal", "title": "Never cited",
   "issued": {"date-parts": [[2020]]}}
]"#;
    let s = site(&[
        (
            "content/articles/a.md",
            &article(REVIEWED, "One [@bare]. Two [@found]. Three [@undated]."),
        ),
        ("content/references/refs.json", refs),
    ]);
    let d = json(s.path(), &[]);
    assert_eq!(
        codes(&d),
        ["incomplete-reference", "incomplete-reference"],
        "{d:#?}"
    );
    assert_eq!(d[0]["severity"], "warning");
    assert_eq!(d[0]["file"], "content/references/refs.json");
    assert_eq!(
        (d[0]["line"].as_u64(), d[1]["line"].as_u64()),
        (Some(2), Some(7))
    );
    let bare = d[0]["message"].as_str().unwrap();
    assert!(
        bare.contains("`bare`") && bare.contains("volume, pages (or article number), DOI or PMID"),
        "{bare}"
    );
    assert!(d[1]["message"]
        .as_str()
        .unwrap()
        .contains("`undated` has no year"));
    let (out, _) = check(s.path(), &["--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(json(s.path(), &["--allow", "incomplete-references"]).is_empty());
}

#[test]
fn unused_glossary_terms_are_notes() {
    let s = site(&[
        (
            "content/articles/a.md",
            &article(REVIEWED, "Ketamine is a medicine."),
        ),
        (
            "content/glossary/ketamine.md",
            "---\nterm: ketamine\nshort: A medicine.\n---\n\nA medicine.\n",
        ),
        (
            "content/glossary/placebo.md",
            "---\nterm: placebo\nshort: A dummy pill.\n---\n\nA dummy pill.\n",
        ),
    ]);
    let d = json(s.path(), &["--deny-warnings"]);
    assert_eq!(codes(&d), ["unused-term"]);
    assert_eq!(d[0]["severity"], "note");
    assert_eq!(d[0]["file"], "content/glossary/placebo.md");
    let (out, text) = check(s.path(), &["--deny-warnings"]);
    assert!(out.status.success(), "notes never fail: {text}");
    assert!(
        text.contains("0 errors, 0 warnings, 1 note in 1 file"),
        "{text}"
    );
}

#[test]
fn build_errors_are_errors_and_exit_1() {
    let s = site(&[(
        "content/articles/a.md",
        &article(REVIEWED, "See [missing](nope.md)."),
    )]);
    let (out, text) = check(s.path(), &["--allow", "broken-link"]);
    assert_eq!(out.status.code(), Some(1), "errors cannot be allowed away");
    assert!(
        text.contains("error[broken-link]: content/articles/a.md:6:15"),
        "{text}"
    );
    assert!(text.contains("1 error, 0 warnings in 1 file"), "{text}");
    let d = json(s.path(), &[]);
    assert_eq!(d[0]["severity"], "error");
}

/// The network's own site has no errors, and its warnings are exactly the known content
/// findings below (reported in issue #6 rather than silenced by weakening a rule). When the
/// content is fixed, shrink this list; a new finding fails the test.
#[test]
fn the_network_site_passes_check_with_warnings_denied() {
    let d = json(&repo_root(), &[]);
    let found: Vec<(String, String)> = d
        .iter()
        .filter(|d| d["severity"] != "note")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(found.is_empty(), "{d:#?}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(["check", "--deny-warnings", "--root"])
        .arg(repo_root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "glia check --deny-warnings failed on the network's site:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_renamed_slug_without_an_alias_is_a_warning_when_the_last_build_listed_it() {
    let s = site(&[
        (
            "content/articles/esketamine.md",
            &article(REVIEWED, "A short page. It says little."),
        ),
        (
            "content/articles/gone.md",
            &article(REVIEWED, "A short page. It says little."),
        ),
    ]);
    let root = s.path().to_str().unwrap();
    // No previous build: nothing to compare, nothing said.
    let (out, text) = check(s.path(), &["--deny-warnings"]);
    assert!(out.status.success(), "{text}");
    let built = glia(&["build", "--root", root]);
    assert!(built.status.success(), "{}", common::stderr(&built));
    // The slug changes; another page is removed.
    common::write(
        s.path(),
        "content/articles/esketamine.md",
        &article(
            &format!("{REVIEWED}slug: esketamine-nasal-spray\n"),
            "A short page. It says little.",
        ),
    );
    std::fs::remove_file(s.path().join("content/articles/gone.md")).unwrap();
    let (out, text) = check(s.path(), &["--deny-warnings"]);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains(
            "warning[moved-without-alias]: content/articles/esketamine.md:4:1: /articles/esketamine/ \
             was in the previous build's sitemap, but no page or alias is there now"
        ),
        "{text}"
    );
    assert!(
        text.contains("add `aliases: [/articles/esketamine/]` to its front-matter"),
        "{text}"
    );
    assert!(
        text.contains("warning[moved-without-alias]: public/sitemap.xml: /articles/gone/"),
        "{text}"
    );
    // With the alias, the old address still leads somewhere.
    common::write(
        s.path(),
        "content/articles/esketamine.md",
        &article(
            &format!("{REVIEWED}slug: esketamine-nasal-spray\naliases: [/articles/esketamine/]\n"),
            "A short page. It says little.",
        ),
    );
    let (_, text) = check(s.path(), &["--allow", "moved-without-alias"]);
    assert!(!text.contains("moved-without-alias"), "{text}");
    let (_, text) = check(s.path(), &[]);
    assert!(!text.contains("/articles/esketamine/ was"), "{text}");
    assert!(text.contains("/articles/gone/ was"), "{text}");
}
