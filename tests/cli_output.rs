//! What `glia build` prints (issue 6, "long work"): one summary line when stderr is not a
//! terminal (no progress bar, no control characters), nothing but errors with `--quiet`, and
//! stage timings with `--verbose`.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use common::*;

const UNCITED: &str = "---\ntitle: Ketamine\nreferences:\n  - id: walsh2021\n    type: article-journal\n    title: Ketamine for mental health\n    authors: [\"Walsh Z\"]\n    container: BJPsych Open\n    year: 2021\n---\nKetamine is an anaesthetic.\n";

fn fixture(article: &str) -> Fixture {
    Fixture::new(&[
        ("site.yaml", SITE_YAML),
        ("content/articles/ketamine.md", article),
    ])
}

#[test]
fn a_build_outside_a_terminal_prints_one_summary_line_and_no_progress_bar() {
    let fx = fixture(UNCITED);
    let out = fx.cli(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = stdout(&out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].starts_with("built "), "{stdout}");
    assert!(lines[0].contains(" pages ("), "{stdout}");
    let stderr = stderr(&out);
    assert!(stderr.contains("warning[uncited-reference]"), "{stderr}");
    assert!(
        !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "a progress bar was drawn into a pipe: {stderr:?}"
    );
}

#[test]
fn the_summary_line_says_which_build_opens_from_disk() {
    // Pretty URLs (`articles/a/`) show a folder listing from file://: the line tells an editor
    // that only --offline gives a copy to open from disk, and that an --offline copy does.
    let fx = fixture(UNCITED);
    let pretty = stdout(&fx.cli(&[]));
    assert!(
        pretty.contains("for a copy to open from disk, build with --offline"),
        "{pretty}"
    );
    let offline = stdout(&fx.cli(&["--offline"]));
    assert!(offline.contains("(open index.html from disk)"), "{offline}");
    assert!(!offline.contains("build with --offline"), "{offline}");
}

#[test]
fn quiet_prints_nothing_on_success_and_only_errors_on_failure() {
    let fx = fixture(UNCITED);
    let out = fx.cli(&["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "", "warnings are not printed with --quiet");
    let broken = UNCITED.replace("anaesthetic.", "anaesthetic [@nobody].");
    fx.write("content/articles/ketamine.md", broken);
    let out = fx.cli(&["-q"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr(&out);
    assert!(stderr.contains("error[unknown-citation]"), "{stderr}");
    assert!(!stderr.contains("warning["), "{stderr}");
}

#[test]
fn verbose_adds_the_time_of_each_stage() {
    let fx = fixture(UNCITED);
    let out = fx.cli(&["--verbose"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stderr = stderr(&out);
    for stage in ["load", "parse", "resolve", "render", "write"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{stage}:"))),
            "no {stage} time in {stderr}"
        );
    }
}
