//! `glia init` and `glia new article`.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use common::{glia, stdout};

#[test]
fn the_starter_site_builds_and_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let s = site.to_str().unwrap();
    let out = glia(&["init", s]);
    assert!(out.status.success(), "{out:?}");
    let out = glia(&["build", "--root", s]);
    assert!(out.status.success(), "{out:?}");
    let html =
        std::fs::read_to_string(site.join("public/articles/first-article/index.html")).unwrap();
    assert!(html.contains("Our first article"));
    assert!(html.contains("placebo"), "the glossary term is linked");
    let out = glia(&["check", "--root", s, "--deny-warnings"]);
    assert!(out.status.success(), "{}", stdout(&out));
}

#[test]
fn init_refuses_a_folder_with_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = glia(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert!(!dir.path().join("site.yaml").exists());
}

#[test]
fn new_article_fills_the_front_matter_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let s = site.to_str().unwrap();
    assert!(glia(&["init", s]).status.success());
    let new = |title: &str, section: &[&str]| {
        let mut args = vec!["new", "article", title, "--root", s];
        args.extend_from_slice(section);
        glia(&args)
    };
    let out = new("Ketamine: what's new?", &["--section", "treatments"]);
    assert!(out.status.success(), "{out:?}");
    let path = site.join("content/articles/treatments/ketamine-whats-new.md");
    let text = std::fs::read_to_string(&path).unwrap();
    for key in [
        "title: \"Ketamine: what's new?\"",
        "summary:",
        "date: ",
        "authors: [\"Editorial Team\"]",
        "# reviewed_by:",
        "# last_reviewed:",
        "audience: [patients]",
        "tags: []",
        "references: []",
    ] {
        assert!(text.contains(key), "missing {key} in\n{text}");
    }
    // It builds as it is; check asks for a review date.
    assert!(glia(&["build", "--root", s]).status.success());
    let out = glia(&["check", "--root", s]);
    assert!(
        stdout(&out).contains("warning[unreviewed]"),
        "{}",
        stdout(&out)
    );

    std::fs::write(&path, "edited").unwrap();
    let out = new("Ketamine: what's new?", &["--section", "treatments"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited");

    let out = new("Escape", &["--section", "../../outside"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("outside").exists());
}

/// Issue 20, point 13: the placeholder summary and opening line of `glia new article` are
/// `glia check` warnings until the editor replaces them.
#[test]
fn new_articles_placeholder_text_is_a_check_warning_until_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let s = site.to_str().unwrap();
    assert!(glia(&["init", s]).status.success());
    assert!(glia(&["new", "article", "Ketamine aftercare", "--root", s])
        .status
        .success());
    let out = glia(&["check", "--root", s, "--format", "json"]);
    let found: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|d: &serde_json::Value| d["code"] == "placeholder-text")
        .collect();
    let at = |d: &serde_json::Value| {
        (
            d["file"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap(),
            d["column"].as_u64().unwrap(),
            d["severity"].as_str().unwrap().to_string(),
            d["message"].as_str().unwrap().to_string(),
        )
    };
    let file = "content/articles/ketamine-aftercare.md".to_string();
    let warning = "warning".to_string();
    assert_eq!(
        found.iter().map(at).collect::<Vec<_>>(),
        [
            (
                file.clone(),
                3,
                10,
                warning.clone(),
                "the summary is still the placeholder from `glia new`".to_string()
            ),
            (
                file,
                21,
                1,
                warning,
                "this line is still the placeholder from `glia new`".to_string()
            ),
        ],
        "{}",
        stdout(&out)
    );

    // Replaced, the warnings go.
    let path = site.join("content/articles/ketamine-aftercare.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replace(
            glia::scaffold::PLACEHOLDER_SUMMARY,
            "What to expect after a ketamine session.",
        )
        .replace(
            glia::scaffold::PLACEHOLDER_BODY,
            "Rest for the rest of the day.",
        );
    std::fs::write(&path, text).unwrap();
    let out = glia(&["check", "--root", s, "--format", "json"]);
    assert!(
        !stdout(&out).contains("placeholder-text"),
        "{}",
        stdout(&out)
    );
}
