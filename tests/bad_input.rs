//! Bad input: every mistake fails the build with exit status 1, names the file, line and column
//! on stderr, and leaves the previous output exactly as it was.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use common::*;

/// A small site that builds cleanly.
fn good_site() -> Vec<(&'static str, &'static str)> {
    vec![
        ("site.yaml", SITE_YAML),
        (
            "content/_index.md",
            "---\ntitle: Home\n---\nWelcome. Read [about us](about.md).\n",
        ),
        (
            "content/about.md",
            "---\ntitle: About\n---\n## Who we are\n\nA network.\n",
        ),
        (
            "content/articles/_index.md",
            "---\ntitle: Articles\n---\nAll articles.\n",
        ),
        (
            "content/articles/a.md",
            "---\ntitle: Article A\n---\nSee [B](b.md).\n",
        ),
        (
            "content/articles/b.md",
            "---\ntitle: Article B\n---\n## Evidence\n\nText.\n",
        ),
    ]
}

const MARKER: &str = "marker.txt";

/// Builds the good site with the CLI, leaves a marker in the output, applies `changes`, builds
/// again and checks that the second build failed with exit status 1 and changed nothing in the
/// output (marker kept, every old file byte-identical, no staging folder beside it).
/// Returns the failed build's stderr.
fn fails_and_keeps_output(changes: &[(&str, &[u8])]) -> String {
    let fx = Fixture::new(&good_site());
    let first = fx.cli(&[]);
    assert!(
        first.status.success(),
        "the good site should build:\n{}",
        stderr(&first)
    );
    let out = fx.out();
    std::fs::write(out.dir.join(MARKER), "left by the test").unwrap();
    let before = out.snapshot();
    let old_page = out.read("articles/a/index.html");

    for (path, contents) in changes {
        fx.write(path, contents);
    }
    let second = fx.cli(&[]);
    let err = stderr(&second);
    assert_eq!(
        second.status.code(),
        Some(1),
        "the broken site should fail with status 1; stdout:\n{}\nstderr:\n{err}",
        stdout(&second)
    );
    assert!(err.contains("error["), "stderr names no error:\n{err}");
    assert!(
        stdout(&second).trim().is_empty(),
        "a failed build printed a summary: {}",
        stdout(&second)
    );
    assert_eq!(
        std::fs::read_to_string(out.dir.join(MARKER))
            .ok()
            .as_deref(),
        Some("left by the test"),
        "the marker file in the previous output is gone"
    );
    assert_eq!(
        out.read("articles/a/index.html"),
        old_page,
        "an old page changed"
    );
    assert_same_tree(&before, &out.snapshot());
    let leftovers = fx.leftovers_beside_output();
    assert!(
        leftovers
            .iter()
            .all(|n| !n.starts_with(".public.glia-new-")),
        "staging folder left beside the output: {leftovers:?}"
    );
    assert!(
        leftovers.is_empty(),
        "unexpected files beside the output: {leftovers:?}"
    );
    err
}

#[test]
fn malformed_yaml_front_matter() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\nsummary: one\n  nested: two\n---\nBody.\n",
    )]);
    // The second key's `:` is where YAML gives up: line 4 of the file, not of the snippet.
    let d = assert_error_at(&err, Some("invalid-yaml"), "content/articles/a.md:4:9");
    assert!(d.contains("front-matter"), "{d}");
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\ntittle: typo\n---\nBody.\n",
    )]);
    let d = assert_error_at(&err, Some("unknown-key"), "content/articles/a.md:3:1");
    let header = d.lines().next().unwrap();
    assert!(header.contains("`tittle`"), "message names the key: {d}");
    let help = d
        .lines()
        .find(|l| l.contains("help:"))
        .unwrap_or_else(|| panic!("no help: {d}"));
    assert!(help.contains("did you mean `title`"), "{help}");
}

#[test]
fn missing_title() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\nsummary: no title here\n---\nBody.\n",
    )]);
    let d = assert_error_at(&err, Some("missing-key"), "content/articles/a.md:2:1");
    assert!(d.lines().next().unwrap().contains("`title`"), "{d}");
}

#[test]
fn empty_file() {
    let err = fails_and_keeps_output(&[("content/articles/a.md", b"")]);
    assert_error_at(&err, Some("empty-file"), "content/articles/a.md:1:1");
}

#[test]
fn front_matter_without_closing_fence() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\n\nBody without the closing fence.\n",
    )]);
    assert_error_at(
        &err,
        Some("unclosed-front-matter"),
        "content/articles/a.md:1:1",
    );
}

#[test]
fn file_that_is_not_utf8() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\nsummary: caf\xff\xfe\n---\nBody.\n",
    )]);
    // `summary: caf` is 12 characters, so the first bad byte is column 13 of line 3.
    let d = assert_error_at(&err, Some("not-utf8"), "content/articles/a.md:3:13");
    assert!(d.contains("0xff"), "{d}");
}

#[test]
fn date_that_does_not_exist() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\ndate: 2026-02-30\n---\nBody.\n",
    )]);
    // Line 3 is `date: 2026-02-30`; the column may be the key's or the value's.
    let d = assert_error_on_line(&err, None, "content/articles/a.md", 3);
    assert!(d.contains("2026-02-30"), "message names the date: {d}");
}

#[test]
fn two_articles_with_the_same_slug() {
    let err = fails_and_keeps_output(&[
        (
            "content/articles/a.md",
            b"---\ntitle: Article A\nslug: same\n---\nSee [B](b.md).\n",
        ),
        (
            "content/articles/b.md",
            b"---\ntitle: Article B\nslug: same\n---\n## Evidence\n",
        ),
    ]);
    // Reported at the second file's `slug:`, naming the first.
    let d = assert_error_at(&err, None, "content/articles/b.md:3:1");
    let header = d.lines().next().unwrap();
    assert!(
        header.contains("content/articles/a.md"),
        "message names the other file: {header}"
    );
    assert!(
        header.contains("articles/same"),
        "message names the URL: {header}"
    );
}

#[test]
fn link_to_a_missing_page() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\n---\nSee [B](b.md).\n\nAnd [gone](missing.md) too.\n",
    )]);
    // `And [gone](` is 11 characters: the destination starts at column 12 of line 6.
    let d = assert_error_at(&err, Some("broken-link"), "content/articles/a.md:6:12");
    assert!(d.contains("missing.md"), "{d}");
}

#[test]
fn link_to_a_missing_anchor_suggests_the_nearest() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\n---\nSee [the evidence](b.md#evidense).\n",
    )]);
    // `See [the evidence](` is 19 characters.
    let d = assert_error_at(&err, Some("broken-anchor"), "content/articles/a.md:4:20");
    assert!(d.contains("evidense"), "{d}");
    let help = d
        .lines()
        .find(|l| l.contains("help:"))
        .unwrap_or_else(|| panic!("no help: {d}"));
    assert!(help.contains("did you mean #evidence"), "{help}");
}

#[test]
fn javascript_link_is_refused() {
    let err = fails_and_keeps_output(&[(
        "content/about.md",
        b"---\ntitle: About\n---\n## Who we are\n\nClick [here](javascript:alert(1)).\n",
    )]);
    // `Click [here](` is 13 characters.
    let d = assert_error_at(&err, Some("unsafe-url"), "content/about.md:6:14");
    assert!(d.contains("javascript:"), "{d}");
}

#[test]
fn unknown_site_yaml_key() {
    let err = fails_and_keeps_output(&[(
        "site.yaml",
        b"title: Test Site\nbase_ulr: https://example.org/\n",
    )]);
    let d = assert_error_at(&err, Some("unknown-key"), "site.yaml:2:1");
    assert!(d.contains("`base_ulr`"), "{d}");
    assert!(d.contains("did you mean `base_url`"), "{d}");
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let err = fails_and_keeps_output(&[
        (
            "content/articles/a.md",
            b"---\ntitle: Article A\ntittle: typo\n---\nBody.\n",
        ),
        (
            "content/about.md",
            b"---\ntitle: About\n---\n## Who we are\n\nSee [nothing](nowhere.md).\n",
        ),
    ]);
    assert_error_at(&err, Some("unknown-key"), "content/articles/a.md:3:1");
    assert_error_at(&err, Some("broken-link"), "content/about.md:6:15");
    assert!(
        err.contains("2 errors"),
        "the summary counts both errors:\n{err}"
    );
}

// ---- Front-matter mistakes said in an editor's words, where they start (issue 20, point 14) ----

/// The header line of the error at `position`, and its help line.
fn message_and_help(err: &str, code: &str, position: &str) -> (String, String) {
    let d = assert_error_at(err, Some(code), position);
    let header = d.lines().next().unwrap_or("").to_string();
    let help = d
        .lines()
        .find(|l| l.contains("help:"))
        .unwrap_or_else(|| panic!("no help: {d}"))
        .to_string();
    (header, help)
}

#[test]
fn unclosed_quote_is_reported_where_it_opens() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: \"Esketamine nasal spray\nsummary: \"What to expect.\"\ndate: 2026-01-05\n---\nBody.\n",
    )]);
    let (header, help) = message_and_help(&err, "invalid-yaml", "content/articles/a.md:2:8");
    assert!(header.ends_with("this quote is never closed"), "{header}");
    assert!(help.contains("on the same line"), "{help}");
    // One mistake, one error: the swallowed keys and the title are not reported again.
    assert_eq!(err.matches("error[").count(), 1, "{err}");
}

#[test]
fn tab_indentation_says_use_spaces() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\ntags:\n\t- ketamine\n---\nBody.\n",
    )]);
    let (header, help) = message_and_help(&err, "invalid-yaml", "content/articles/a.md:4:1");
    assert!(header.contains("indented with a tab"), "{header}");
    assert!(help.contains("use spaces, not tabs, to indent"), "{help}");
}

#[test]
fn unclosed_list_points_at_its_bracket_and_quotes_no_other_position() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\nsummary: S\ndate: 2026-01-01\nauthors: [A]\nreviewed_by: B\naudience: [patients]\nweight: 1\ntags: [esketamine\n---\nBody.\n",
    )]);
    let (header, help) = message_and_help(&err, "invalid-yaml", "content/articles/a.md:9:7");
    assert!(header.ends_with("this `[` is never closed"), "{header}");
    assert!(
        !header.contains("line "),
        "no second, different position: {header}"
    );
    assert!(help.contains("`]`"), "{help}");
}

#[test]
fn a_mapping_where_a_list_belongs_is_said_plainly_at_the_value() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\ntags: {a: 1}\n---\nBody.\n",
    )]);
    let (header, help) = message_and_help(&err, "invalid-value", "content/articles/a.md:3:7");
    assert!(
        header.contains("`tags` must be a text or a list of texts"),
        "{header}"
    );
    assert!(!header.contains("untagged"), "{header}");
    assert!(help.contains("tags: [depression, ketamine]"), "{help}");
}

#[test]
fn unknown_value_suggests_the_closest_and_every_error_in_a_file_is_reported() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\naudience: [patient]\ntittle: B\ndate: 2026-02-30\n---\nBody.\n",
    )]);
    let (header, help) = message_and_help(&err, "invalid-value", "content/articles/a.md:3:12");
    assert!(
        header.contains("`patient` is not an allowed value for `audience`"),
        "{header}"
    );
    assert!(help.contains("did you mean `patients`?"), "{help}");
    assert_error_at(&err, Some("unknown-key"), "content/articles/a.md:4:1");
    assert_error_at(&err, Some("invalid-date"), "content/articles/a.md:5:7");
    assert!(err.contains("3 errors"), "{err}");
}

// ---- Mistyped addresses, and links to a page that failed to parse (issue 20, point 16) ----

#[test]
fn mistyped_web_addresses_show_the_likely_fix() {
    let err = fails_and_keeps_output(&[(
        "content/articles/a.md",
        b"---\ntitle: Article A\n---\nSee [x](htps://example.com) and\n[FDA](https//www.fda.gov/drugs/safety).\n",
    )]);
    let (header, help) = message_and_help(&err, "mistyped-url", "content/articles/a.md:4:9");
    assert!(
        header.contains("looks like a mistyped web address"),
        "{header}"
    );
    assert!(
        help.contains("did you mean `https://example.com`?"),
        "{help}"
    );
    let (_, help) = message_and_help(&err, "mistyped-url", "content/articles/a.md:5:7");
    assert!(
        help.contains("`https://www.fda.gov/drugs/safety`"),
        "{help}"
    );
    assert!(!err.contains("scheme browsers would run"), "{err}");
    assert!(!err.contains("no such file"), "{err}");
}

#[test]
fn a_page_that_fails_to_parse_is_not_also_missing_for_its_links() {
    // a.md links to b.md; b.md's front-matter is broken.
    let err = fails_and_keeps_output(&[(
        "content/articles/b.md",
        b"---\ntitle: \"Article B\n---\nText.\n",
    )]);
    assert_error_at(&err, Some("invalid-yaml"), "content/articles/b.md:2:8");
    assert!(!err.contains("there is no page"), "{err}");
    assert_eq!(err.matches("error[").count(), 1, "{err}");
}

// ---- Citation style and bibliography errors where they are (issue 20, point 15) ----

#[test]
fn a_mistyped_citation_style_is_reported_at_its_value() {
    let yaml = format!("{SITE_YAML}citation_style: vancuver\n");
    let err = fails_and_keeps_output(&[("site.yaml", yaml.as_bytes())]);
    let (header, help) = message_and_help(&err, "unknown-style", "site.yaml:4:17");
    assert!(
        header.ends_with("unknown citation style `vancuver`"),
        "{header}"
    );
    assert!(help.contains("did you mean `vancouver`?"), "{help}");
}

/// Article A cites both works of `refs.bib` and one that is nowhere.
const CITING: &[u8] =
    b"---\ntitle: Article A\n---\nSee [B](b.md) [@smith2020; @jones2021] and [@nosuch2020].\n";

/// The bibliography's error comes first; the works it defines are not also called unknown
/// (with help to add them), only the key that is in no file.
fn bib_error_first_and_alone(err: &str) {
    let first = err.lines().find(|l| l.starts_with("error[")).unwrap_or("");
    assert!(first.starts_with("error[bibliography-syntax]"), "{err}");
    for key in ["smith2020", "jones2021"] {
        assert!(
            !err.contains(&format!("no reference with key `{key}`")),
            "{err}"
        );
    }
    assert_error_at(err, Some("unknown-citation"), "content/articles/a.md:4:44");
    assert_eq!(err.matches("error[").count(), 2, "{err}");
}

#[test]
fn a_missing_comma_in_bibtex_is_said_where_it_belongs_and_first() {
    let err = fails_and_keeps_output(&[
        (
            "content/references/refs.bib",
            b"@article{smith2020,\n  title = {A trial},\n  author = {Smith, Ann}\n  journal = {J},\n  year = {2020}\n}\n\n@article{jones2021,\n  title = {Another},\n  year = {2021}\n}\n",
        ),
        ("content/articles/a.md", CITING),
    ]);
    let (header, help) = message_and_help(
        &err,
        "bibliography-syntax",
        "content/references/refs.bib:3:23",
    );
    assert!(
        header.ends_with("a `,` is missing after this value"),
        "{header}"
    );
    assert!(help.contains("before the field `journal`"), "{help}");
    bib_error_first_and_alone(&err);
}

#[test]
fn an_unclosed_brace_in_bibtex_is_reported_where_it_opens() {
    let err = fails_and_keeps_output(&[
        (
            "content/references/refs.bib",
            b"@article{smith2020,\n  title = {A trial,\n  author = {Smith, Ann},\n  year = {2020}\n}\n\n@article{jones2021,\n  title = {Another},\n  year = {2021}\n}\n",
        ),
        ("content/articles/a.md", CITING),
    ]);
    let (header, help) = message_and_help(
        &err,
        "bibliography-syntax",
        "content/references/refs.bib:2:11",
    );
    assert!(header.ends_with("this `{` is never closed"), "{header}");
    assert!(help.contains("end the value with `}`"), "{help}");
    assert!(!err.contains("expected comma"), "{err}");
    bib_error_first_and_alone(&err);
}

#[test]
fn an_unclosed_bibtex_entry_or_last_value_is_reported_where_it_opens() {
    // The entry's own `}` is missing: the next entry starts inside it.
    let err = fails_and_keeps_output(&[
        (
            "content/references/refs.bib",
            b"@article{smith2020,\n  title = {A trial},\n  year = {2020}\n\n@article{jones2021,\n  title = {Another},\n  year = {2021}\n}\n",
        ),
        ("content/articles/a.md", CITING),
    ]);
    let (header, help) = message_and_help(
        &err,
        "bibliography-syntax",
        "content/references/refs.bib:1:9",
    );
    assert!(
        header.ends_with("entry `smith2020` is never closed"),
        "{header}"
    );
    assert!(help.contains("end the entry with `}`"), "{help}");
    bib_error_first_and_alone(&err);

    // The last value's `}` is missing: the entry's `}` closes the value instead.
    let err = fails_and_keeps_output(&[
        (
            "content/references/refs.bib",
            b"@article{jones2021,\n  title = {Another},\n  year = {2021}\n}\n\n@article{smith2020,\n  title = {A trial},\n  year = {2020\n}\n",
        ),
        ("content/articles/a.md", CITING),
    ]);
    let (header, _) = message_and_help(
        &err,
        "bibliography-syntax",
        "content/references/refs.bib:8:10",
    );
    assert!(header.ends_with("this `{` is never closed"), "{header}");
    bib_error_first_and_alone(&err);
}

/// Issue 20, point 14 for site.yaml too: every independent mistake at once, in an editor's
/// words (a whole number, true or false: not serde's `u32` and `a boolean`).
#[test]
fn every_independent_site_yaml_error_is_reported_in_an_editors_words() {
    let yaml = format!("{SITE_YAML}titel: x\nreview_interval_months: twelve\noffline: maybe\n");
    let err = fails_and_keeps_output(&[("site.yaml", yaml.as_bytes())]);
    let (_, help) = message_and_help(&err, "unknown-key", "site.yaml:4:1");
    assert!(help.contains("did you mean `title`?"), "{help}");
    let (header, help) = message_and_help(&err, "invalid-value", "site.yaml:5:25");
    assert!(
        header.ends_with(
            "`review_interval_months` must be a whole number (such as 12), not the text \"twelve\""
        ),
        "{header}"
    );
    assert!(!help.contains("u32"), "{help}");
    let (header, _) = message_and_help(&err, "invalid-value", "site.yaml:6:10");
    assert!(
        header.ends_with("`offline` must be true or false, not the text \"maybe\""),
        "{header}"
    );
    assert!(err.contains("3 errors"), "{err}");
}
