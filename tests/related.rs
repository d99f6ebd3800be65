//! "Related" articles (issue 20, point 7): chosen from shared tags, glossary terms and cited
//! works, at most five, never the article itself or a draft, ties by source path; replaced by
//! front-matter `related: [other.md]`, whose unknown paths are errors at the value.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use common::*;

fn article(title: &str, tags: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ntags: [{tags}]\n---\n{body}\n")
}

fn site(extra: &[(&str, &str)]) -> Fixture {
    let mut files: Vec<(&str, String)> = vec![
        ("site.yaml", SITE_YAML.to_string()),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n".into()),
        (
            "content/articles/_index.md",
            "---\ntitle: Articles\n---\nAll articles.\n".into(),
        ),
        ("content/references/refs.yaml", ONE_WORK.into()),
        (
            "content/glossary/ketamine.md",
            "---\nterm: Ketamine\nshort: An anaesthetic also used for depression.\n---\nKetamine.\n"
                .into(),
        ),
        // a: tags x, y; cites work1.
        (
            "content/articles/a.md",
            article("A", "x, y", "About sleep [@work1]."),
        ),
        // b shares x and y with a (6).
        ("content/articles/b.md", article("B", "x, y", "About sleep.")),
        // c shares work1 with a (2).
        (
            "content/articles/c.md",
            article("C", "z", "About sleep [@work1]."),
        ),
        // d shares x with a (3).
        ("content/articles/d.md", article("D", "x", "About sleep.")),
        // e shares nothing with a.
        ("content/articles/e.md", article("E", "w", "About sleep.")),
        // f, g, h share y with a (3 each), like d: ties go by path.
        ("content/articles/f.md", article("F", "y", "About sleep.")),
        ("content/articles/g.md", article("G", "y", "About sleep.")),
        ("content/articles/h.md", article("H", "y", "About sleep.")),
        // A draft sharing everything is never listed.
        (
            "content/articles/draft.md",
            "---\ntitle: Draft\ntags: [x, y]\ndraft: true\n---\nAbout sleep [@work1].\n".into(),
        ),
    ];
    for (p, c) in extra {
        files.retain(|(q, _)| q != p);
        files.push((p, c.to_string()));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
    Fixture::new(&refs)
}

/// The titles of the "Related" list of `page`.
fn related(out: &Out, page: &str) -> Vec<String> {
    let doc = out.html(page);
    select(&doc, "nav.related li > a")
        .iter()
        .map(|a| text_of(a))
        .collect()
}

#[test]
fn related_articles_share_tags_works_and_terms() {
    let fx = site(&[]);
    let out = fx.build_ok();
    // b (6) first, then d, f, g, h (3 each, by path): five, c (2) left out.
    assert_eq!(
        related(&out, "articles/a/index.html"),
        ["B", "D", "F", "G", "H"]
    );
    // c shares only the cited work with a (and the draft, which never counts).
    assert_eq!(related(&out, "articles/c/index.html"), ["A"]);
    // Every link leads to the article it names.
    let doc = out.html("articles/a/index.html");
    let first = one(&doc, "nav.related li:first-child > a");
    assert_eq!(attr(&first, "href"), "../b/");
    // e shares nothing: no list at all.
    assert!(select(&out.html("articles/e/index.html"), "nav.related").is_empty());
}

#[test]
fn glossary_terms_count_too() {
    let fx = site(&[
        (
            "content/articles/e.md",
            &article("E", "w", "Ketamine helps some people."),
        ),
        (
            "content/articles/k.md",
            &article("K", "v", "Ketamine is given in clinic."),
        ),
    ]);
    let out = fx.build_ok();
    assert_eq!(related(&out, "articles/e/index.html"), ["K"]);
}

#[test]
fn drafts_are_never_related_even_when_built() {
    let fx = site(&[]);
    let out = fx.build_drafts_ok();
    for page in ["articles/a/index.html", "articles/b/index.html"] {
        assert!(
            !related(&out, page).contains(&"Draft".to_string()),
            "{page}: {:?}",
            related(&out, page)
        );
    }
}

#[test]
fn front_matter_related_replaces_the_list() {
    let fx = site(&[(
        "content/articles/a.md",
        "---\ntitle: A\ntags: [x, y]\nrelated: [e.md, ../articles/h.md]\n---\nAbout sleep.\n",
    )]);
    let out = fx.build_ok();
    assert_eq!(related(&out, "articles/a/index.html"), ["E", "H"]);
}

#[test]
fn an_unknown_related_path_is_an_error_at_the_value() {
    let fx = site(&[(
        "content/articles/a.md",
        "---\ntitle: A\ntags: [x, y]\nrelated: [e.md, bb.md]\n---\nAbout sleep.\n",
    )]);
    let diags = fx
        .build()
        .expect_err("an unknown related page must fail the build");
    let d = diags
        .iter()
        .find(|d| d.code == "broken-related")
        .unwrap_or_else(|| panic!("{}", render_diags(&diags)));
    assert!(d.message.contains("bb.md"), "{}", render_diags(&diags));
    let at = d.location.as_ref().map(|l| (l.line, l.column));
    assert_eq!(at, Some((4, 17)), "{}", render_diags(&diags));
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("b.md")),
        "{}",
        render_diags(&diags)
    );
}
