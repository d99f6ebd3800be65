//! glia's formatted citations and reference lists against pandoc's citeproc, the reference
//! implementation editors compare with.
//!
//! `tests/fixtures/cite/refs.yaml` (glia's shape) and `refs.json` (CSL-JSON, fed to pandoc)
//! hold the same works: journal articles with 1, 2, 6, 7, 8 and 30 authors (the et-al rules),
//! with and without DOI, a book, a chapter with an editor, a report by an organisation and a web
//! page. Both sides use the same CSL files (`src/cite/styles`). Only whitespace is normalised;
//! any other difference fails.
//!
//! Run with `cargo test --test cite_pandoc -- --ignored` after `apt-get install -y pandoc`.

use std::path::Path;
use std::process::Command;

use glia::cite::{find_citations, load_bibliography_file, Bibliography, StyleChoice, Styler};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cite");
const STYLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/cite/styles");

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// pandoc's plain output: the paragraph of citations, then one paragraph per entry.
fn pandoc(markdown: &str, csl: &str) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.md");
    std::fs::write(&input, markdown).expect("write input");
    let out = Command::new("pandoc")
        .arg(&input)
        .args(["--citeproc", "-t", "plain", "--wrap=none", "--bibliography"])
        .arg(Path::new(FIXTURES).join("refs.json"))
        .arg("--csl")
        .arg(Path::new(STYLES).join(csl))
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!(
            "this test needs pandoc (with citeproc) and could not run it: {e}\n\
             hint: apt-get install -y pandoc"
        ),
    };
    assert!(
        out.status.success(),
        "pandoc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut paras = text
        .split("\n\n")
        .map(norm)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .into_iter();
    let cites = paras.next().unwrap_or_default();
    (cites, paras.collect())
}

fn glia(markdown: &str, choice: StyleChoice) -> (String, Vec<String>) {
    let path = Path::new(FIXTURES).join("refs.yaml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let (refs, diags) = load_bibliography_file("refs.yaml", &text);
    assert!(diags.is_empty(), "{diags:?}");
    let (bib, diags) = Bibliography::build(refs);
    assert!(diags.is_empty(), "{diags:?}");
    let styler = Styler::load(&choice).expect("style");
    let doc = styler
        .format_document(&bib, &find_citations(markdown))
        .expect("formatted");
    let cites = doc
        .citations
        .iter()
        .map(|c| strip_tags(&c.html))
        .collect::<Vec<_>>()
        .join(" ");
    let entries = doc.entries.iter().map(|e| norm(&e.text)).collect();
    (norm(&cites), entries)
}

fn all_keys_markdown() -> String {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("refs.json")).expect("fixture");
    let items: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
    let cites: Vec<String> = items
        .iter()
        .filter_map(|i| i.get("id").and_then(|v| v.as_str()))
        .map(|id| format!("[@{id}]"))
        .collect();
    cites.join(" ") + "\n"
}

fn compare(markdown: &str, choice: StyleChoice, csl: &str) {
    let (p_cites, p_entries) = pandoc(markdown, csl);
    let (g_cites, g_entries) = glia(markdown, choice);
    let mut diffs = Vec::new();
    if p_cites != g_cites {
        diffs.push(format!(
            "citations:\n  pandoc: {p_cites}\n  glia:   {g_cites}"
        ));
    }
    if p_entries.len() != g_entries.len() {
        diffs.push(format!(
            "{} entries from pandoc, {} from glia",
            p_entries.len(),
            g_entries.len()
        ));
    }
    for (p, g) in p_entries.iter().zip(&g_entries) {
        if p != g {
            diffs.push(format!("entry:\n  pandoc: {p}\n  glia:   {g}"));
        }
    }
    assert!(
        diffs.is_empty(),
        "{csl}: {} difference(s) from pandoc:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
#[ignore = "needs pandoc"]
fn vancouver_matches_pandoc() {
    compare(
        &all_keys_markdown(),
        StyleChoice::Vancouver,
        "vancouver.csl",
    );
}

#[test]
#[ignore = "needs pandoc"]
fn apa_matches_pandoc() {
    compare(&all_keys_markdown(), StyleChoice::Apa, "apa.csl");
}

#[test]
#[ignore = "needs pandoc"]
fn vancouver_numbers_in_order_of_first_citation_like_pandoc() {
    compare(
        "[@fixture-book] [@walsh2021ketamine; @fixture-book] [@cole2022snt, p. 133] [@fixture-book]\n",
        StyleChoice::Vancouver,
        "vancouver.csl",
    );
}
