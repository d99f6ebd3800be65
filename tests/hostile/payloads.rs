//! Hostile payloads, and property tests (generated inputs) for every parser that reads what
//! an editor or a bibliography manager wrote.
//!
//! Standing cases: script payloads in front-matter, references, the glossary and `site.yaml`
//! come out inert; `javascript:`/`data:` links are refused with file:line:col; YAML alias
//! bombs and deep nesting end in an error or a page, never a hang or a crash.
//!
//! Property tests: front-matter, the citation scanner, BibTeX and CSL-JSON import, glossary
//! matching and a whole-page render. Each never panics, gives the same output for the same
//! input, keeps escaped output escaped, and puts its errors at real positions of the file.
//! `cargo test` runs a few dozen cases each; `PROPTEST_CASES=N` runs N, and
//! `GLIA_FUZZ_SECS=S` repeats batches for S seconds and prints how many cases ran:
//!
//! ```text
//! GLIA_FUZZ_SECS=600 nice -n 10 cargo test --release --test hostile payloads::fuzz_ -- --nocapture
//! ```

use std::fmt::Debug;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use glia::diagnostics::Diagnostic;
use glia::load::{Kind, Page, SourceFile};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestError, TestRunner};
use scraper::{Html, Selector};

use crate::common::{Fixture, SITE_YAML};

// ---------------------------------------------------------------------------------------
// Shared checks
// ---------------------------------------------------------------------------------------

/// The marker every payload carries, so a payload that escaped can be recognised.
const MARK: &str = "glia-xss";
/// Closes an attribute and a tag, then opens a script and an event handler.
const PAYLOAD: &str =
    r#""'><script>alert('glia-xss')</script><img src=x onerror="alert('glia-xss')">"#;

/// `PAYLOAD` as a YAML double-quoted scalar.
fn yaml_payload() -> String {
    serde_json::to_string(PAYLOAD).unwrap()
}

/// Compiles the fixture in memory, as `glia build` would before writing.
fn compile(fx: &Fixture) -> (Option<Vec<glia::render::OutFile>>, Vec<Diagnostic>) {
    let (compiled, diags) = glia::site::compile(&fx.options());
    (compiled.map(|c| c.files), diags.sorted())
}

/// Every diagnostic with a position points inside the file it names: its line exists, its
/// column is on that line, and the line it quotes is that line.
fn positions_are_real(diags: &[Diagnostic], files: &[(&str, &str)]) -> Result<(), String> {
    for d in diags {
        let Some(loc) = &d.location else { continue };
        let Some(file) = &d.file else {
            return Err(format!("a position without a file: {d}"));
        };
        let Some((_, text)) = files.iter().find(|(name, _)| name == file) else {
            continue; // a file the test did not write (a theme template, say)
        };
        let lines: Vec<&str> = text.split('\n').collect();
        if loc.line == 0 || loc.line > lines.len() {
            return Err(format!(
                "line {} of a {}-line file: {d}",
                loc.line,
                lines.len()
            ));
        }
        // The column may point just past a `\r` (an error at the very end of a file).
        let raw = lines[loc.line - 1];
        let line = raw.trim_end_matches('\r');
        if loc.column == 0 || loc.column > raw.chars().count() + 1 {
            return Err(format!(
                "column {} on a line of {} characters: {d}",
                loc.column,
                line.chars().count()
            ));
        }
        if let Some(quoted) = &loc.source_line {
            if quoted != line {
                return Err(format!(
                    "quotes {quoted:?}, but line {} is {line:?}",
                    loc.line
                ));
            }
        }
    }
    Ok(())
}

/// No payload became markup: no script (other than JSON data blocks, which must still parse)
/// mentions the marker, no element has an event-handler attribute, no image was injected.
fn inert(path: &str, html: &str) -> Result<(), String> {
    let doc = Html::parse_document(html);
    for script in doc.select(&Selector::parse("script").unwrap()) {
        let body: String = script.text().collect();
        let json = script
            .value()
            .attr("type")
            .is_some_and(|t| t.contains("json"));
        if json && serde_json::from_str::<serde_json::Value>(&body).is_err() {
            return Err(format!("{path}: a JSON block that does not parse: {body}"));
        }
        if !json && body.contains(MARK) {
            return Err(format!("{path}: an injected script: {body}"));
        }
    }
    for el in doc.select(&Selector::parse("*").unwrap()) {
        for (name, value) in el.value().attrs() {
            if name.starts_with("on") {
                return Err(format!("{path}: an event handler {name}={value:?}"));
            }
            if (name == "href" || name == "src")
                && value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:")
            {
                return Err(format!("{path}: a javascript: URL in {name}"));
            }
        }
    }
    if doc
        .select(&Selector::parse("img[src=x]").unwrap())
        .next()
        .is_some()
    {
        return Err(format!("{path}: an injected <img>"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Standing cases
// ---------------------------------------------------------------------------------------

#[test]
fn script_payloads_from_every_source_come_out_inert() {
    let p = yaml_payload();
    let fx = Fixture::new(&[
        (
            "site.yaml",
            &format!(
                "title: {p}\ndescription: {p}\nbase_url: https://example.org/\nauthor: {p}\npublisher: {p}\n"
            ),
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/articles/a.md",
            &format!(
                "---\ntitle: {p}\nsummary: {p}\ntags: [{p}]\nauthors: [{p}]\nreviewed_by: [{p}]\n\
                 references:\n  - id: inline\n    type: article-journal\n    title: {p}\n    \
                 container: {p}\n    authors: [{{family: {p}, given: {p}}}]\n    year: 2020\n---\n\
                 Ketamine is studied [@evil; @inline].\n\n## A heading\n\nMore text.\n"
            ),
        ),
        (
            "content/glossary/ketamine.md",
            &format!("---\nterm: ketamine\nshort: {p}\n---\nAn anaesthetic.\n"),
        ),
        (
            "content/references/refs.bib",
            &format!(
                "@article{{evil,\n  title = {{{PAYLOAD}}},\n  author = {{Payload, {PAYLOAD}}},\n  \
                 journal = {{{PAYLOAD}}},\n  year = 2020,\n}}\n"
            ),
        ),
    ]);
    let (files, diags) = compile(&fx);
    let files = files.unwrap_or_else(|| panic!("{}", crate::common::render_diags(&diags)));
    let mut shown = false;
    for f in &files {
        let text = String::from_utf8_lossy(&f.bytes);
        if f.path.ends_with(".html") {
            if let Err(e) = inert(&f.path, &text) {
                panic!("{e}");
            }
            // The payload is shown as text, so it was really rendered.
            let doc = Html::parse_document(&text);
            shown |= doc
                .root_element()
                .text()
                .any(|t| t.contains("<script>alert('glia-xss')"));
        }
        if f.path.ends_with(".xml") {
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{}: not well-formed: {e}", f.path));
        }
    }
    assert!(shown, "the payload should appear as text somewhere");
}

/// `(link as written, what the error must mention)`.
const UNSAFE_LINKS: &[&str] = &[
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](javascript&#58;alert(1))",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
];

#[test]
fn unsafe_link_schemes_are_refused_with_file_line_and_column() {
    for link in UNSAFE_LINKS {
        let text = format!("---\ntitle: A\n---\nIntro.\n\nSee {link}\n");
        let fx = Fixture::new(&[("site.yaml", SITE_YAML), ("content/articles/a.md", &text)]);
        let (files, diags) = compile(&fx);
        assert!(files.is_none(), "{link} was accepted");
        let d = diags
            .iter()
            .find(|d| d.is_error() && d.file.as_deref() == Some("content/articles/a.md"))
            .unwrap_or_else(|| panic!("{link}: no error in the page: {diags:?}"));
        let loc = d
            .location
            .as_ref()
            .unwrap_or_else(|| panic!("{link}: no position: {d}"));
        assert!(loc.line >= 6, "{link}: {d}");
        positions_are_real(&diags, &[("content/articles/a.md", &text)]).unwrap();
    }
}

#[test]
fn unsafe_urls_in_references_and_the_glossary_are_refused_with_their_line() {
    let cases: [(&str, String); 3] = [
        (
            "content/references/refs.bib",
            "@article{k,\n  title = {T},\n  url = {javascript:alert(1)},\n  year = 2020,\n}\n".into(),
        ),
        (
            "content/references/refs.json",
            "[\n  {\"id\": \"k\", \"type\": \"article-journal\", \"title\": \"T\",\n   \"URL\": \"javascript:alert(1)\"}\n]\n".into(),
        ),
        (
            "content/glossary/ketamine.md",
            "---\nterm: ketamine\n---\nAn anaesthetic, [see](javascript:alert(1)).\n".into(),
        ),
    ];
    for (file, text) in &cases {
        let fx = Fixture::new(&[
            ("site.yaml", SITE_YAML),
            (
                "content/articles/a.md",
                "---\ntitle: A\n---\nKetamine [@k].\n",
            ),
            (file, text),
        ]);
        let (files, diags) = compile(&fx);
        assert!(files.is_none(), "{file}: accepted");
        let d = diags
            .iter()
            .find(|d| d.is_error() && d.file.as_deref() == Some(*file))
            .unwrap_or_else(|| panic!("{file}: no error in the file: {diags:?}"));
        assert!(
            d.location.as_ref().is_some_and(|l| l.line >= 2),
            "{file}: {d}"
        );
        positions_are_real(&diags, &[(file, text)]).unwrap();
    }
}

/// The "billion laughs": nine aliases of nine aliases of …, 9^9 strings if expanded.
fn alias_bomb(top: &str) -> String {
    let mut s = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        s.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    s.push_str(&format!("{top}: *i\n"));
    s
}

#[test]
fn yaml_alias_bombs_end_in_an_error_at_their_file() {
    let bomb = alias_bomb("title");
    let cases: [(&str, String); 4] = [
        ("content/articles/a.md", format!("---\n{bomb}---\nText.\n")),
        (
            "content/glossary/lol.md",
            format!("---\n{}---\nText.\n", alias_bomb("term")),
        ),
        (
            "site.yaml",
            format!("{SITE_YAML}{}", alias_bomb("language")),
        ),
        (
            "content/references/refs.yaml",
            format!("references:\n  - id: x\n    title: *i\n{}", alias_bomb("z")),
        ),
    ];
    for (file, text) in &cases {
        let mut files = vec![
            ("site.yaml", SITE_YAML),
            ("content/articles/b.md", "---\ntitle: B\n---\nB.\n"),
        ];
        files.retain(|(f, _)| f != file);
        files.push((file, text));
        let fx = Fixture::new(&files);
        let (out, diags) = compile(&fx);
        assert!(out.is_none(), "{file}: accepted");
        assert!(
            diags
                .iter()
                .any(|d| d.is_error() && d.file.as_deref() == Some(*file)),
            "{file}: {diags:?}"
        );
        positions_are_real(&diags, &[(file, text)]).unwrap();
    }
}

#[test]
fn deep_nesting_ends_in_an_error_or_a_page_never_a_crash() {
    let deep = 20_000;
    let cases: Vec<(&str, String)> = vec![
        (
            "content/articles/a.md",
            format!("---\ntitle: {}\n---\nText.\n", "[".repeat(deep)),
        ),
        (
            "content/articles/a.md",
            format!("---\ntitle: A\ntags: {}\n---\nText.\n", "{a: ".repeat(deep)),
        ),
        (
            "content/articles/a.md",
            format!("---\ntitle: A\n---\n{}x\n", "> ".repeat(deep)),
        ),
        (
            "content/articles/a.md",
            format!("---\ntitle: A\n---\n{}x\n", "- ".repeat(deep)),
        ),
        (
            "content/articles/a.md",
            format!(
                "---\ntitle: A\n---\n{}x{}\n",
                "*".repeat(deep),
                "*".repeat(deep)
            ),
        ),
        (
            "content/articles/a.md",
            format!(
                "---\ntitle: A\n---\n{}x{}\n",
                "[".repeat(deep),
                "]".repeat(deep)
            ),
        ),
        (
            "content/articles/a.md",
            format!(
                "---\ntitle: A\n---\n{}@k{}\n",
                "[".repeat(deep),
                "]".repeat(deep)
            ),
        ),
        (
            "content/articles/a.md",
            format!("---\ntitle: A\n---\n{}\n", "<div>".repeat(deep)),
        ),
        ("content/references/refs.json", "[".repeat(deep)),
        (
            "content/references/refs.yaml",
            format!("references: {}", "[".repeat(deep)),
        ),
        (
            "site.yaml",
            format!("{SITE_YAML}glossary: {}", "{a: ".repeat(deep)),
        ),
    ];
    for (file, text) in &cases {
        let mut files = vec![
            ("site.yaml", SITE_YAML),
            ("content/articles/b.md", "---\ntitle: B\n---\nB.\n"),
        ];
        files.retain(|(f, _)| f != file);
        files.push((file, text));
        let fx = Fixture::new(&files);
        let (out, diags) = compile(&fx);
        if out.is_none() {
            assert!(
                diags
                    .iter()
                    .any(|d| d.is_error() && d.file.as_deref() == Some(*file)),
                "{file} ({}…): {diags:?}",
                &text[..text.len().min(40)]
            );
        }
        positions_are_real(&diags, &[(file, text)]).unwrap();
    }
}

// ---------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------

/// Runs `test` on inputs drawn from `strategy`: `PROPTEST_CASES` of them (32 unless set), or,
/// with `GLIA_FUZZ_SECS` set, batch after batch until that many seconds have passed. Prints
/// the number of cases run. A failure is shrunk to a minimal input, which the panic shows.
fn fuzz<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let secs: Option<u64> = std::env::var("GLIA_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok());
    let mut config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 32;
    }
    let start = Instant::now();
    let mut total: u64 = 0;
    loop {
        let mut runner = TestRunner::new(config.clone());
        match runner.run(&strategy, &test) {
            Ok(()) => {}
            Err(TestError::Fail(why, input)) => {
                panic!("fuzz {name}: {why}\nminimal failing input: {input:#?}")
            }
            Err(TestError::Abort(why)) => panic!("fuzz {name}: aborted: {why}"),
        }
        total += u64::from(config.cases);
        if secs.is_none_or(|s| start.elapsed().as_secs() >= s) {
            break;
        }
    }
    eprintln!(
        "fuzz {name}: {total} cases in {:.0} s",
        start.elapsed().as_secs_f64()
    );
}

fn check(r: Result<(), String>) -> Result<(), TestCaseError> {
    r.map_err(TestCaseError::fail)
}

/// Text made of `pieces` (the syntax the parser cares about) and arbitrary characters.
fn text_of(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(pieces).prop_map(str::to_string),
        1 => "[a-zA-Z0-9 ]{1,6}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop_oneof![
        6 => proptest::collection::vec(piece, 0..max).prop_map(|v| v.concat()),
        1 => any::<String>(),
    ]
}

const FM_PIECES: &[&str] = &[
    "---\n",
    "---",
    "\n",
    "\r\n",
    "\r",
    "\u{feff}",
    "title: ",
    "summary: ",
    "date: ",
    "updated: ",
    "last_reviewed: ",
    "tags: ",
    "authors: ",
    "audience: ",
    "slug: ",
    "draft: ",
    "weight: ",
    "glossary: ",
    "allow: ",
    "references:\n  - id: ",
    "  ",
    "- ",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "&a ",
    "*a",
    "!!str ",
    "|\n",
    ">\n",
    "#",
    "2024-01-31",
    "2024-13-45",
    "true",
    "9999999999999999999999",
    "-1",
    "~",
    "null",
    "<script>alert(1)</script>",
    "é",
    "\t",
    "\\",
    "patients",
    "clinicians",
    "x: y",
    "? ",
    "%YAML 1.2\n",
    "...\n",
];

fn page(text: &str) -> Page {
    Page {
        kind: Kind::Article,
        content_path: "articles/a.md".into(),
        source: SourceFile {
            rel: "content/articles/a.md".into(),
            path: "content/articles/a.md".into(),
            text: text.to_string(),
        },
    }
}

const FM_KEYS: &[&str] = &[
    "title",
    "summary",
    "date",
    "updated",
    "last_reviewed",
    "authors",
    "reviewed_by",
    "audience",
    "tags",
    "draft",
    "slug",
    "weight",
    "glossary",
    "allow",
    "references",
    "titel",
];
const FM_VALUES: &[&str] = &[
    "A",
    "\"<script>alert(1)</script>\"",
    "'it''s'",
    "2024-02-29",
    "2023-02-29",
    "2024-1-5",
    "[patients, clinicians]",
    "[public]",
    "true",
    "no",
    "7",
    "-3",
    "1e3",
    "~",
    "[]",
    "{}",
    "[a, [b]]",
    "{a: b}",
    "\n  - x\n  - y",
    "\n  - id: k\n    title: T\n    year: 2020",
    "\n  - id: k\n    url: javascript:alert(1)",
    "\n  - id: k\n    doi: 10.1000/x",
    "unsafe-html",
    "|\n  two\n  lines",
    "&x 1",
    "*x",
    "!!binary aGk=",
    "\"\\u0000\"",
    "\"a\\\"b\"",
    "é",
    "../..",
    "a/b",
    "\"\"",
    "'",
];

/// Front-matter plus a body: known keys with plausible or broken values, or pieces of YAML,
/// usually `---`-fenced, sometimes not.
fn page_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        4 => (
            proptest::sample::select(FM_KEYS),
            proptest::sample::select(FM_VALUES)
        )
            .prop_map(|(k, v)| format!("{k}: {v}\n")),
        1 => text_of(FM_PIECES, 4),
    ];
    let fm = proptest::collection::vec(line, 0..10).prop_map(|v| v.concat());
    prop_oneof![
        3 => (fm, text_of(MD_PIECES, 16)).prop_map(|(fm, body)| format!("---\n{fm}---\n{body}")),
        2 => (text_of(FM_PIECES, 24), text_of(MD_PIECES, 16))
            .prop_map(|(fm, body)| format!("---\n{fm}\n---\n{body}")),
        1 => text_of(FM_PIECES, 32),
    ]
}

#[test]
fn fuzz_front_matter() {
    fuzz("front-matter", page_text(), |text| {
        let sizes = glia::parse::images::Sizes::default();
        let (parsed, diags) = glia::parse::parse_page(page(&text), &sizes);
        let (again, diags2) = glia::parse::parse_page(page(&text), &sizes);
        let show = |d: &[Diagnostic]| d.iter().map(ToString::to_string).collect::<Vec<_>>();
        prop_assert_eq!(show(&diags), show(&diags2));
        prop_assert_eq!(parsed.is_some(), again.is_some());
        if parsed.is_none() {
            prop_assert!(
                diags.iter().any(Diagnostic::is_error),
                "no page and no error"
            );
        }
        check(positions_are_real(
            &diags,
            &[("content/articles/a.md", &text)],
        ))
    });
}

const CITE_PIECES: &[&str] = &[
    "[",
    "]",
    "@",
    "-@",
    "@{",
    "}",
    ";",
    ",",
    " ",
    "see ",
    "p. 3",
    "pp. 3-4",
    "smith2020",
    "doe:2021",
    "a_b",
    "key.",
    "é",
    "\\",
    "`",
    "a@b.com",
    "[@",
    "[-@",
    "\n",
    "*",
    "{",
    ":",
    "chap. 2",
    "<b>",
    "&amp;",
];

#[test]
fn fuzz_citation_scanner() {
    fuzz("citation scanner", text_of(CITE_PIECES, 40), |text| {
        let found = glia::cite::syntax::find_citations(&text);
        prop_assert_eq!(&found, &glia::cite::syntax::find_citations(&text));
        let mut end = 0;
        for c in &found {
            prop_assert!(
                c.range.start >= end && c.range.start < c.range.end && c.range.end <= text.len()
            );
            prop_assert!(
                text.is_char_boundary(c.range.start) && text.is_char_boundary(c.range.end)
            );
            end = c.range.end;
            let written = &text[c.range.clone()];
            prop_assert!(!c.items.is_empty());
            for item in &c.items {
                prop_assert!(
                    !item.key.is_empty() && written.contains(item.key.as_str()),
                    "{:?} in {:?}",
                    item.key,
                    written
                );
            }
        }
        Ok(())
    });
}

const BIB_PIECES: &[&str] = &[
    "@article{",
    "@book{",
    "@misc{",
    "@string{",
    "@comment{",
    "@preamble{",
    "@",
    "key",
    "smith2020",
    ",",
    ",\n",
    "\n",
    "title = ",
    "author = ",
    "year = ",
    "doi = ",
    "url = ",
    "pmid = ",
    "journal = ",
    "pages = ",
    "month = ",
    "{",
    "}",
    "\"",
    "#",
    "=",
    "%",
    "\\'e",
    "\\",
    "and",
    "Smith, J.",
    "Doe, Jane",
    "2020",
    "10.1000/xyz",
    "javascript:alert(1)",
    "<script>",
    "jan",
    "--",
    "~",
    "$x$",
    "é",
    "\r\n",
    "  ",
];

fn bib_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text_of(BIB_PIECES, 48),
        // A well-formed entry with one field's value replaced.
        1 => text_of(BIB_PIECES, 8).prop_map(|v| {
            format!("@article{{k,\n  title = {{{v}}},\n  author = {{Smith, J.}},\n  year = 2020,\n}}\n")
        }),
    ]
}

fn csl_json() -> impl Strategy<Value = String> {
    let key = proptest::sample::select(
        &[
            "id",
            "type",
            "title",
            "author",
            "editor",
            "issued",
            "DOI",
            "URL",
            "PMID",
            "PMCID",
            "container-title",
            "page",
            "volume",
            "issue",
            "family",
            "given",
            "literal",
            "date-parts",
            "accessed",
            "publisher",
            "x",
        ][..],
    );
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (0.0f64..1e6).prop_map(serde_json::Value::from),
        text_of(CITE_PIECES, 6).prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("article-journal")),
        Just(serde_json::Value::from(PAYLOAD)),
    ];
    let value = leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(key.clone(), inner, 0..6).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    });
    (
        proptest::collection::vec(value, 0..4),
        any::<bool>(),
        any::<usize>(),
    )
        .prop_map(|(items, pretty, cut)| {
            let v = serde_json::Value::from(items);
            let s = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                serde_json::to_string(&v).unwrap()
            };
            // Sometimes cut short, as a file saved half-way.
            if cut % 4 == 0 {
                let mut at = cut % (s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                s[..at].to_string()
            } else {
                s
            }
        })
}

fn check_bibliography(file: &str, text: &str) -> Result<(), TestCaseError> {
    let (refs, diags) = glia::cite::model::load_bibliography_file(file, text);
    let (refs2, diags2) = glia::cite::model::load_bibliography_file(file, text);
    prop_assert_eq!(format!("{refs:?}"), format!("{refs2:?}"));
    prop_assert_eq!(format!("{diags:?}"), format!("{diags2:?}"));
    for d in &diags {
        prop_assert!(
            d.file.as_deref() == Some(file),
            "a diagnostic about another file: {}",
            d
        );
    }
    check(positions_are_real(&diags, &[(file, text)]))
}

#[test]
fn fuzz_bibtex_import() {
    fuzz("BibTeX import", bib_text(), |text| {
        check_bibliography("content/references/r.bib", &text)
    });
}

#[test]
fn fuzz_csl_json_import() {
    fuzz("CSL-JSON import", csl_json(), |text| {
        check_bibliography("content/references/r.json", &text)
    });
}

const WORDS: &[&str] = &[
    "tms",
    "TMS",
    "NMDA",
    "ketamine",
    "Ketamine",
    "depression",
    "major",
    "a",
    "é",
    "x-y",
    "C++",
    "ECT",
    "s",
    "treatment",
    "resistant",
    "treatment-resistant",
    "rTMS",
    "İ",
    "ß",
    "SS",
    "ﬁ",
];
const SEPARATORS: &[&str] = &[
    " ", "  ", "-", ".", ",", "\n", "'s", "(", ")", "/", "_", "é", "", "https://", "www.", "@",
    "\u{a0}", "\u{200b}",
];

fn name() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(WORDS), 1..4).prop_map(|w| w.join(" "))
}

fn glossary_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(
            (proptest::sample::select(WORDS), proptest::sample::select(SEPARATORS)),
            0..40,
        )
        .prop_map(|v| v.into_iter().map(|(w, s)| format!("{w}{s}")).collect::<String>()),
        1 => any::<String>(),
    ]
}

fn entries() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
    proptest::collection::vec((name(), proptest::collection::vec(name(), 0..3)), 1..8)
}

#[test]
fn fuzz_glossary_matching() {
    fuzz(
        "glossary matching",
        (entries(), glossary_text()),
        |(entries, text)| {
            let entries: Vec<glia::glossary::GlossaryEntry> = entries
                .into_iter()
                .enumerate()
                .map(|(i, (term, aliases))| glia::glossary::GlossaryEntry {
                    slug: format!("t{i}"),
                    file: format!("content/glossary/t{i}.md"),
                    text: String::new(),
                    fm: glia::glossary::GlossaryFrontMatter {
                        term,
                        aliases,
                        ..Default::default()
                    },
                    fm_offset: 0,
                    body: "A definition.".into(),
                    first_sentence: "A definition.".into(),
                })
                .collect();
            let (glossary, _) = glia::glossary::Glossary::build(entries);
            let Ok(matcher) = glia::glossary::Matcher::new(&glossary) else {
                return Ok(());
            };
            let found = matcher.find(&text);
            prop_assert_eq!(&found, &matcher.find(&text));
            let mut end = 0;
            for m in &found {
                prop_assert!(
                    m.range.start >= end
                        && m.range.start < m.range.end
                        && m.range.end <= text.len(),
                    "{:?}",
                    found
                );
                prop_assert!(
                    text.is_char_boundary(m.range.start) && text.is_char_boundary(m.range.end)
                );
                end = m.range.end;
                let term = &glossary.terms()[m.term];
                prop_assert_eq!(term.slug(), m.slug);
            }
            Ok(())
        },
    );
}

const MD_PIECES: &[&str] = &[
    "\n",
    "\n\n",
    "# ",
    "## ",
    "### ",
    "- ",
    "1. ",
    "> ",
    "```\n",
    "```rust\n",
    "`",
    "*",
    "_",
    "**",
    "[",
    "]",
    "(",
    ")",
    "[@smith2020]",
    "[see @smith2020, p. 3]",
    "@smith2020",
    "[-@smith2020]",
    "ketamine",
    "TMS",
    "[ketamine](glossary:ketamine)",
    "[link](other.md)",
    "[link](other.md#evidence)",
    "<https://example.org>",
    "| a | b |\n|---|---|\n| c | d |\n",
    "&lt;script&gt;",
    "&amp;",
    "\\",
    "<",
    ">",
    "&",
    "\"",
    "'",
    "$",
    "{{ x }}",
    "{% raw %}",
    "<!-- ",
    " -->",
    "---",
    "***",
    "[^1]",
    "[^1]: note\n",
    "é",
    "\t",
    "    code\n",
    "30%",
    "p < 0.05",
];

/// A page's title, summary and body for the whole-site property.
fn article() -> impl Strategy<Value = (String, String, String)> {
    let line = prop_oneof![
        3 => text_of(FM_PIECES, 6),
        1 => Just(PAYLOAD.to_string()),
        1 => "[a-zA-Z ]{1,20}",
    ];
    (line.clone(), line, text_of(MD_PIECES, 40))
}

/// How many generated pages built (the others stopped at an error), for the figures.
static BUILT: AtomicUsize = AtomicUsize::new(0);

#[test]
fn fuzz_whole_page_render() {
    fuzz("whole-page render", article(), |(title, summary, body)| {
        let text = format!(
            "---\ntitle: {}\nsummary: {}\ntags: [{}]\n---\n{body}",
            serde_json::to_string(&title).unwrap(),
            serde_json::to_string(&summary).unwrap(),
            serde_json::to_string(&summary).unwrap(),
        );
        let fx = Fixture::new(&[
            ("site.yaml", SITE_YAML),
            ("content/articles/a.md", &text),
            (
                "content/articles/other.md",
                "---\ntitle: Other\n---\n## Evidence\n\nText.\n",
            ),
            ("content/glossary/ketamine.md", "---\nterm: ketamine\naliases: [TMS]\n---\nA drug.\n"),
            (
                "content/references/refs.bib",
                "@article{smith2020,\n  title = {A trial},\n  author = {Smith, J.},\n  journal = {J},\n  year = 2020,\n}\n",
            ),
        ]);
        let (files, diags) = compile(&fx);
        check(positions_are_real(
            &diags,
            &[("content/articles/a.md", &text)],
        ))?;
        let Some(files) = files else {
            prop_assert!(
                diags.iter().any(Diagnostic::is_error),
                "no site and no error"
            );
            return Ok(());
        };
        BUILT.fetch_add(1, Ordering::Relaxed);
        let (again, _) = compile(&fx);
        let again = again.expect("the same sources built once");
        prop_assert_eq!(files.len(), again.len());
        for (a, b) in files.iter().zip(&again) {
            prop_assert!(
                a.path == b.path && a.bytes == b.bytes,
                "{} differs between two builds",
                a.path
            );
        }
        for f in files.iter().filter(|f| f.path.ends_with(".html")) {
            // Raw HTML in the body is the editor's own, so only pages without it are checked
            // for markup that the title or summary could have injected.
            if !body.contains('<') || f.path != "articles/a/index.html" {
                check(inert(&f.path, &String::from_utf8_lossy(&f.bytes)))?;
            }
        }
        Ok(())
    });
    eprintln!(
        "fuzz whole-page render: {} of them built",
        BUILT.load(Ordering::Relaxed)
    );
}

/// The syntax raw HTML is read by: comment and raw-text tricks, foreign content, attributes.
const HTML_PIECES: &[&str] = &[
    "<!--",
    "-->",
    "--!>",
    "<!-->",
    "<!",
    "<?",
    "<![CDATA[",
    "]]>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<noscript>",
    "</noscript>",
    "<noembed>",
    "<textarea>",
    "<title>",
    "<xmp>",
    "<plaintext>",
    "<template>",
    "</template>",
    "<svg>",
    "</svg>",
    "<math>",
    "<mtext>",
    "<annotation-xml encoding=\"text/html\">",
    "<table>",
    "<tr>",
    "<td>",
    "<p>",
    "</p>",
    "<a href=\"",
    "javascript:alert(1)",
    "&#106;avascript&colon;",
    "\"",
    "'",
    "=",
    " onerror=",
    " ONCLICK",
    "<img src=x",
    "<iframe>",
    "<base href=x>",
    "<body onload=x>",
    "<set attributeName=href to=",
    " values=\"a;",
    ">",
    "/>",
    "<",
    "</",
    " ",
    "\n",
    "&",
];

#[test]
fn fuzz_unsafe_html_scanner() {
    fuzz("unsafe-html scanner", text_of(HTML_PIECES, 40), |html| {
        let found = glia::resolve::unsafe_html::scan(&html);
        for (at, what) in &found {
            prop_assert!(
                *at < html.len() && html.is_char_boundary(*at),
                "{what} placed at {at}, outside {html:?}"
            );
        }
        prop_assert_eq!(&found, &glia::resolve::unsafe_html::scan(&html));
        Ok(())
    });
}

/// Inputs the property tests once failed on, each run through the same checks for good.
#[test]
fn fuzz_findings_stay_fixed() {
    // An entry with an empty key after a multi-byte character: the search for where the
    // entry starts stepped into the character and panicked.
    check_bibliography("content/references/r.bib", "¡@article{,}").unwrap();
    // …and, with no entry start to find, the search ran past the end of the text.
    check_bibliography("content/references/r.bib", "@article{,}\n¡").unwrap();
    check_bibliography("content/references/r.bib", "@misc{ ,\n  title = {T}}\n").unwrap();
}
