//! What readers see to judge a page (issue 20, points 5, 9 and 13): its review status and
//! whether the review is overdue, who reviewed it, a print button, the picture shared with
//! links to it (`og:image`), and back-links of works cited many times. Each test builds a
//! real site and reads the HTML with a parser.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use common::*;

/// An article reviewed on `reviewed` by `reviewers` (YAML for `reviewed_by:`).
fn reviewed(title: &str, reviewed: &str, reviewers: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2026-01-10\nreviewed_by: {reviewers}\nlast_reviewed: {reviewed}\n---\nText.\n"
    )
}

fn review_site() -> Fixture {
    Fixture::new(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/articles/fresh.md",
            &reviewed(
                "Fresh",
                "2026-11-27",
                "\n  - {name: \"Dr A. Rivera <b>\", role: Consultant psychiatrist}\n  - {name: B. Chen, credentials: \"MD, MRCPsych\", role: Anaesthetist}\n  - Clinical Review Panel",
            ),
        ),
        (
            "content/articles/old.md",
            &reviewed("Old", "2025-10-01", "Clinical Review Panel"),
        ),
        (
            "content/about.md",
            "---\ntitle: About\nlast_reviewed: 2020-01-01\n---\nWho we are.\n",
        ),
    ])
}

/// Builds with "today" fixed at `epoch` (the CLI, so the variable reaches only that build).
fn build_on(fx: &Fixture, epoch: &str) -> Out {
    let run = run_cli(
        &fx.root(),
        &fx.output(),
        &["--quiet"],
        &[("SOURCE_DATE_EPOCH", epoch)],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    fx.out()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Point 5: "Last reviewed … · Next review due …" from `review_interval_months`, a notice once
/// the review is overdue, measured against the same "today" as `glia check`.
#[test]
fn articles_show_their_review_status_and_a_notice_once_overdue() {
    let fx = review_site();
    let out = build_on(&fx, TODAY_EPOCH); // 29 November 2026
    let fresh = out.html("articles/fresh/index.html");
    assert_eq!(
        squash(&text_of(&one(&fresh, ".review-status"))),
        "Last reviewed 27 November 2026 · Next review due November 2027"
    );
    let due = one(&fresh, ".review-status time:last-child");
    assert_eq!(attr(&due, "datetime"), "2027-11-27");
    assert!(select(&fresh, ".review-due").is_empty());

    let old = out.html("articles/old/index.html");
    let notice = one(&old, ".review-due");
    assert_eq!(attr(&notice, "role"), "note");
    assert!(
        text_of(&notice).contains("This page is due for review; information may be out of date"),
        "{}",
        text_of(&notice)
    );
    assert!(
        squash(&text_of(&one(&old, ".review-status"))).contains("Review was due October 2026"),
        "{}",
        text_of(&one(&old, ".review-status"))
    );
    // Pages are not reviewed as articles are: no notice on them.
    assert!(select(&out.html("about/index.html"), ".review-due").is_empty());

    // The home page's "Recently reviewed" never lists an overdue page as fresh.
    let home = out.html("index.html");
    let listed: Vec<String> = select(&home, "#reviewed + ul a")
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(listed, ["Fresh"]);

    // The same day, the same bytes; a year later the fresh article is due too.
    let before = out.snapshot();
    assert_same_tree(&build_on(&fx, TODAY_EPOCH).snapshot(), &before);
    let later = build_on(&fx, "1830000000"); // 28 December 2027
    assert_eq!(
        select(&later.html("articles/fresh/index.html"), ".review-due").len(),
        1
    );
    assert!(select(&later.html("index.html"), "#reviewed").is_empty());
    // A longer interval in site.yaml makes the old review current again.
    fx.write(
        "site.yaml",
        format!("{SITE_YAML}review_interval_months: 24\n"),
    );
    let out = build_on(&fx, TODAY_EPOCH);
    assert!(select(&out.html("articles/old/index.html"), ".review-due").is_empty());
    assert_eq!(
        squash(&text_of(&one(
            &out.html("articles/old/index.html"),
            ".review-status"
        ))),
        "Last reviewed 1 October 2025 · Next review due October 2027"
    );
}

/// Point 5: check's `stale-review` and the page's notice agree, both measured against
/// `SOURCE_DATE_EPOCH`.
#[test]
fn check_and_the_page_agree_on_which_reviews_are_overdue() {
    let fx = review_site();
    let run = |epoch: &str| {
        let out = std::process::Command::new(GLIA)
            .args(["check", "--format", "json", "--root"])
            .arg(fx.root())
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        let stale: Vec<String> = stdout(&out)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|d| d["code"] == "stale-review")
            .map(|d| d["file"].as_str().unwrap().to_string())
            .collect();
        stale
    };
    for epoch in [TODAY_EPOCH, "1830000000"] {
        let out = build_on(&fx, epoch);
        let noticed: Vec<String> = ["fresh", "old"]
            .into_iter()
            .filter(|a| {
                !select(
                    &out.html(&format!("articles/{a}/index.html")),
                    ".review-due",
                )
                .is_empty()
            })
            .map(|a| format!("content/articles/{a}.md"))
            .collect();
        assert_eq!(run(epoch), noticed, "on {epoch}");
    }
}

/// Point 5: `reviewed_by` takes `{name, role, credentials}` as well as a name, shown escaped,
/// and JSON-LD `reviewedBy` carries them.
#[test]
fn reviewers_show_their_role_and_credentials() {
    let fx = review_site();
    let out = build_on(&fx, TODAY_EPOCH);
    let page = out.html("articles/fresh/index.html");
    assert_eq!(
        text_of(&one(&page, ".reviewed-by")),
        "Reviewed by Dr A. Rivera <b>, Consultant psychiatrist; B. Chen, MD, MRCPsych, \
         Anaesthetist; Clinical Review Panel"
    );
    assert!(select(&page, ".reviewed-by b").is_empty());
    let ld: serde_json::Value = serde_json::from_str(&text_of(&one(
        &page,
        "script[type=\"application/ld+json\"]",
    )))
    .unwrap();
    assert_eq!(
        ld["reviewedBy"],
        serde_json::json!([
            {"@type": "Person", "name": "Dr A. Rivera <b>", "jobTitle": "Consultant psychiatrist"},
            {"@type": "Person", "name": "B. Chen", "jobTitle": "Anaesthetist", "honorificSuffix": "MD, MRCPsych"},
            {"@type": "Organization", "name": "Clinical Review Panel"}
        ])
    );
    assert_eq!(ld["lastReviewed"], "2026-11-27");
    // A misspelt key is an error at its line, with the keys allowed.
    fx.write(
        "content/articles/old.md",
        "---\ntitle: Old\nreviewed_by:\n  - {name: X, rol: Nurse}\n---\nText.\n",
    );
    let run = fx.cli(&[]);
    assert_eq!(run.status.code(), Some(1));
    let d = assert_error_on_line(&stderr(&run), None, "content/articles/old.md", 4);
    assert!(d.contains("rol"), "{d}");
}

/// Point 9: a print button on articles, wired by the theme's script (the page's CSP forbids
/// inline handlers), hidden without JavaScript and in print.
#[test]
fn articles_have_a_print_button_the_theme_script_wires() {
    let fx = review_site();
    let out = fx.build_ok();
    let page = out.html("articles/fresh/index.html");
    let button = one(&page, "button.print-button");
    assert_eq!(attr(&button, "type"), "button");
    assert!(button.value().attr("hidden").is_some(), "shown without JS");
    assert!(button.value().attrs().all(|(a, _)| !a.starts_with("on")));
    assert!(select(&out.html("about/index.html"), ".print-button").is_empty());
    let js = out.text("js/theme.js");
    assert!(js.contains(".print-button") && js.contains("window.print()"));
    let css = out.text("css/site.css");
    let print = &css[css.find("@media print {\n  :root").unwrap()..];
    let hidden = &print[..print.find("display: none !important").unwrap()];
    assert!(hidden.contains(".print-button"), "{hidden}");
}

/// Point 9: `og:image` from site.yaml's `og_image:`, or a page's own `image:` (beside it, or
/// from the site root), absolute with `base_url`; a file the site does not publish is an
/// error at the value.
#[test]
fn og_image_is_the_sites_or_the_pages_own() {
    let fx = Fixture::new(&[
        (
            "site.yaml",
            &format!("{SITE_YAML}og_image: images/share.png\n"),
        ),
        ("static/images/share.png", "png"),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/articles/a.md",
            "---\ntitle: A\nimage: hero.png\n---\nText.\n",
        ),
        ("content/articles/hero.png", "png"),
        (
            "content/articles/b.md",
            "---\ntitle: B\nimage: /images/share.png\n---\nText.\n",
        ),
        ("content/articles/c.md", "---\ntitle: C\n---\nText.\n"),
    ]);
    let og = |out: &Out, page: &str| {
        select(&out.html(page), "meta[property=\"og:image\"]")
            .iter()
            .map(|m| attr(m, "content"))
            .collect::<Vec<_>>()
    };
    let out = fx.build_ok();
    assert_eq!(
        og(&out, "articles/a/index.html"),
        ["https://example.org/articles/hero.png"]
    );
    assert_eq!(
        og(&out, "articles/b/index.html"),
        ["https://example.org/images/share.png"]
    );
    assert_eq!(
        og(&out, "articles/c/index.html"),
        ["https://example.org/images/share.png"]
    );
    assert_eq!(
        og(&out, "index.html"),
        ["https://example.org/images/share.png"]
    );
    assert_eq!(
        og(&out, "search/index.html"),
        ["https://example.org/images/share.png"]
    );
    // Without base_url (an offline copy), relative to the page.
    fx.write(
        "site.yaml",
        "title: T\noffline: true\nog_image: images/share.png\n",
    );
    let out = fx.build_ok();
    assert_eq!(og(&out, "articles/a/index.html"), ["../hero.png"]);
    assert_eq!(
        og(&out, "articles/c/index.html"),
        ["../../images/share.png"]
    );
    // Names of files the site does not publish: errors at each value, with the likely fix.
    fx.write(
        "site.yaml",
        format!("{SITE_YAML}og_image: images/shar.png\n"),
    );
    fx.write(
        "content/articles/a.md",
        "---\ntitle: A\nimage: heros.png\n---\nText.\n",
    );
    let run = fx.cli(&[]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    let d = assert_error_at(&err, Some("missing-image"), "site.yaml:4:11");
    assert!(
        d.contains("og_image `images/shar.png` is not a file the site publishes"),
        "{d}"
    );
    assert!(d.contains("did you mean `images/share.png`?"), "{d}");
    let d = assert_error_at(&err, Some("missing-image"), "content/articles/a.md:3:8");
    assert!(d.contains("did you mean `hero.png`?"), "{d}");
}

/// Point 13: a work cited many times on a page gets "↩ cited N times", opening to its
/// back-links, rather than a row of tiny letters; a few stay inline. Each is a 24 px target.
#[test]
fn many_back_links_are_folded_under_a_count() {
    let refs = "- id: often\n  type: book\n  title: Often cited\n  authors: [\"Doe J\"]\n  year: 2020\n\
                - id: twice\n  type: book\n  title: Twice cited\n  authors: [\"Roe R\"]\n  year: 2021\n";
    let body: String = (0..8)
        .map(|i| format!("Claim {i} [@often].\n\n"))
        .chain(["One [@twice].\n\nTwo [@twice].\n".to_string()])
        .collect();
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        ("content/references/refs.yaml", refs),
        (
            "content/articles/a.md",
            &format!("---\ntitle: A\n---\n{body}"),
        ),
    ]);
    let out = fx.build_ok();
    let page = out.html("articles/a/index.html");
    let folded = one(&page, "#ref-often details.backlinks");
    assert_eq!(
        text_of(&folded.select(&sel("summary")).next().unwrap()).trim(),
        "↩ cited 8 times"
    );
    let links: Vec<String> = folded.select(&sel("a")).map(|a| attr(&a, "href")).collect();
    assert_eq!(links.len(), 8);
    assert!(links.iter().all(|l| l.starts_with("#cite-")));
    let ids = ids(&page);
    assert!(links.iter().all(|l| ids.contains(&l[1..])), "{links:?}");
    assert!(select(&page, "#ref-twice details").is_empty());
    assert_eq!(select(&page, "#ref-twice span.backlinks a").len(), 2);
    let css = out.text("css/site.css");
    assert!(
        css.contains(".backlinks a { display: inline-block; min-width: 24px; min-height: 24px;"),
        "back-links must be 24 px targets"
    );
}
