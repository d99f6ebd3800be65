//! What search finds and shows (issue 20, point 12): British and American medical spellings
//! meet in the index and in the query, and result snippets read as prose: no space left where
//! a citation was taken out, never a word cut in half, the matched word shown.
//!
//! The index is read from a built fixture site. The last test runs the theme's own
//! `js/search.js` under node against it (`scripts/search-bytes.mjs`), so the JavaScript's
//! folding is checked against the index the Rust wrote; it is ignored by default:
//!
//! ```sh
//! cargo test --test search_text -- --include-ignored
//! ```

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::process::Command;

use common::*;
use glia::render::search::tokens;

const REFS: &str = "\
- id: work1
  type: article-journal
  title: A test work
  authors:
    - {family: Tester, given: Tess}
  container: Test Journal
  year: 2020
";

/// Filler that pushes a word past the first 180 characters of its section.
const FILLER: &str = "Patients and families often ask many questions before a first appointment, \
and the team answers each of them in plain words so that everyone knows what happens next on \
the day and afterwards at home with support from the clinic staff.";

fn site() -> Fixture {
    let article = format!(
        "---\ntitle: Care on the ward\n---\n\
         General anaesthesia is given during treatment [@work1]. The team watches for oedema \
         of the oesophagus and records behaviour in randomised trials.\n\n\
         ## Later\n\n{FILLER} Rarely a haemorrhage needs a surgeon.\n"
    );
    Fixture::new(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/articles/_index.md",
            "---\ntitle: Articles\n---\nAll articles.\n",
        ),
        ("content/references/refs.yaml", REFS),
        ("content/articles/ward.md", &article),
    ])
}

/// The words of every term shard of the index.
fn index_words(out: &Out) -> Vec<String> {
    let mut words = Vec::new();
    for f in out.files() {
        if !(f.starts_with("search-index/t") && f.ends_with(".js")) {
            continue;
        }
        let js = out.text(&f);
        let body = js
            .split_once("]={")
            .and_then(|(_, b)| b.strip_suffix("};\n"))
            .unwrap_or_else(|| panic!("{f} is not a term shard: {js}"));
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&format!("{{{body}}}")).unwrap();
        words.extend(map.keys().cloned());
    }
    words
}

/// Every section row's text, from the snippet shards.
fn snippet_texts(out: &Out) -> Vec<String> {
    let mut texts = Vec::new();
    for f in out.files() {
        if !(f.starts_with("search-index/d") && f.ends_with(".js")) {
            continue;
        }
        let js = out.text(&f);
        let body = js
            .split_once("]=")
            .and_then(|(_, b)| b.strip_suffix(";\n"))
            .unwrap();
        let groups: serde_json::Value = serde_json::from_str(body).unwrap();
        for g in groups.as_array().unwrap() {
            for row in g[1].as_array().unwrap() {
                texts.push(row[2].as_str().unwrap().to_string());
            }
        }
    }
    texts
}

#[test]
fn american_spellings_find_british_ones_in_the_index() {
    let fx = site();
    let out = fx.build_ok();
    let words = index_words(&out);
    for query in [
        "anesthesia",
        "edema",
        "esophagus",
        "behavior",
        "randomized",
        "hemorrhage",
    ] {
        let key: Vec<String> = tokens(query).collect();
        assert!(
            words.contains(&key[0]),
            "\"{query}\" ({key:?}) is not in the index: {words:?}"
        );
    }
}

#[test]
fn snippets_have_no_space_where_a_citation_was() {
    let fx = site();
    let out = fx.build_ok();
    let texts = snippet_texts(&out);
    let first = texts
        .iter()
        .find(|t| t.contains("anaesthesia"))
        .unwrap_or_else(|| panic!("no snippet text with the first section: {texts:?}"));
    assert!(
        first.contains("during treatment. The team"),
        "stray space left by the citation: {first:?}"
    );
}

#[test]
fn long_section_text_is_cut_at_a_word() {
    let long = "word ".repeat(100) + &"ketamine ".repeat(100);
    let fx = site();
    fx.write(
        "content/articles/long.md",
        format!("---\ntitle: Long\n---\n{long}\n"),
    );
    let out = fx.build_ok();
    let texts = snippet_texts(&out);
    let t = texts
        .iter()
        .find(|t| t.starts_with("word word"))
        .unwrap_or_else(|| panic!("no snippet of the long page: {texts:?}"));
    let kept = t
        .strip_suffix('…')
        .unwrap_or_else(|| panic!("no ellipsis: {t:?}"));
    assert!(
        kept.split(' ').all(|w| w == "word" || w == "ketamine"),
        "a word was cut: {t:?}"
    );
}

/// Runs `scripts/search-bytes.mjs` for `queries` against `out`: one JSON value per query.
fn js_search(out: &Out, queries: &[&str]) -> Vec<serde_json::Value> {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "node not found ({node:?})\nhint: apt-get install -y nodejs"
    );
    let o = Command::new("node")
        .arg(repo_root().join("scripts/search-bytes.mjs"))
        .arg(&out.dir)
        .args(queries)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "search-bytes.mjs failed: {}",
        stderr(&o)
    );
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
#[ignore = "needs node"]
fn the_themes_search_folds_queries_as_the_index_does() {
    let fx = site();
    let out = fx.build_ok();
    let results = js_search(
        &out,
        &[
            "anesthesia",
            "edema esophagus",
            "behavior",
            "randomized",
            "hemorrhage",
        ],
    );
    for r in &results {
        assert!(r["results"].as_u64().unwrap() >= 1, "no result: {r}");
    }
    let snippet = |k: usize| results[k]["snippets"][0].as_str().unwrap().to_string();
    assert!(
        snippet(0).contains("<mark>anaesthesia</mark>"),
        "{}",
        snippet(0)
    );
    // "haemorrhage" is past the first 180 characters of its section: the snippet moves to it,
    // starting and ending between words.
    let later = snippet(4);
    assert!(later.contains("<mark>haemorrhage</mark>"), "{later}");
    let html = scraper::Html::parse_fragment(&later);
    let shown: String = one(&html, ".sr-snippet").text().collect();
    assert!(shown.starts_with('…'), "{shown}");
    let source = format!("{FILLER} Rarely a haemorrhage needs a surgeon.");
    let whole: Vec<&str> = source.split_whitespace().collect();
    for w in shown.split_whitespace() {
        let w = w.trim_matches('…');
        assert!(whole.contains(&w), "\"{w}\" is not a whole word: {shown}");
    }
}
