//! The explainer features of issue 20 together, on one small site that uses every one of them
//! (`tests/fixtures/features/`): callouts and care cards, the site's crisis box, footnotes,
//! figures and decorative images, math, review status with structured reviewers, print and
//! `og:image`, redirects, section and topic feeds, another template, "Related" articles, and the
//! sitemap.
//!
//! The same site goes through axe-core, the CSP and reflow checks in chromium and through the
//! Nu Html Checker (ignored without those tools, like tests/theme.rs).

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::process::Command;

use common::*;

/// 2026-12-01T00:00:00Z: the fixture's day, so which reviews are overdue never changes.
const TODAY: &str = "1764547200";

/// The fixture, with the network's verified bibliography copied in (one owner of each
/// reference: `content/references/network.json`).
fn fixture() -> Fixture {
    let fx = Fixture::from_dir(&repo_root().join("tests/fixtures/features"));
    let refs = std::fs::read(repo_root().join("content/references/network.json")).unwrap();
    fx.write("content/references/network.json", refs);
    fx
}

/// Builds the fixture through the CLI on the fixture's day, with `extra` arguments.
fn build(fx: &Fixture, extra: &[&str]) -> Out {
    let out = run_cli(
        &fx.root(),
        &fx.output(),
        extra,
        &[("SOURCE_DATE_EPOCH", TODAY)],
    );
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    fx.out()
}

#[test]
fn every_feature_renders_on_the_fixture_site() {
    let fx = fixture();
    let out = build(&fx, &[]);
    let page = out.html("articles/every-feature/index.html");

    // Callouts, the health kinds among them, each a labelled box; and the site's crisis box,
    // from the page's tag, with its tel: link.
    for kind in [
        "note",
        "tip",
        "important",
        "warning",
        "caution",
        "urgent",
        "crisis",
    ] {
        let boxes = select(&page, &format!(".prose .callout-{kind}"));
        assert!(!boxes.is_empty(), "no {kind} callout");
        let title = text_of(&one(
            &page,
            &format!(".prose .callout-{kind} .callout-title"),
        ));
        assert!(!title.trim().is_empty(), "the {kind} callout has no label");
    }
    let crisis = one(&page, ".crisis-box");
    assert!(text_of(&crisis).contains("get help now"));
    assert!(select(&page, ".crisis-box a[href='tel:988']").len() == 1);

    // Footnotes at the end, with a way back; their ids cannot be a heading's.
    let note = one(&page, "section.footnotes li");
    assert!(
        attr(&note, "id").starts_with("fn:"),
        "{}",
        attr(&note, "id")
    );
    let back = one(&page, "section.footnotes a.footnote-back");
    assert_eq!(attr(&back, "href"), "#fnref:1");
    assert!(ids(&page).contains("fnref:1"));

    // A figure with its caption and size; a decorative image with empty alt text.
    let img = one(&page, "figure img");
    assert_eq!(
        (attr(&img, "width"), attr(&img, "height")),
        ("640".into(), "360".into())
    );
    assert!(text_of(&one(&page, "figure figcaption")).starts_with("Figure 1"));
    let divider = one(&page, "img[src$='divider.png']");
    assert_eq!(attr(&divider, "alt"), "");
    assert_eq!(attr(&divider, "loading"), "lazy");

    // A large image: smaller copies beside it, named in a srcset with their widths.
    let chart = one(&page, "img[src='../chart.png']");
    assert_eq!(
        attr(&chart, "srcset"),
        "../chart-480w.png 480w, ../chart-960w.png 960w, ../chart-1440w.png 1440w, \
         ../chart.png 1600w"
    );
    assert!(!attr(&chart, "sizes").is_empty());
    for (w, h) in [(480, 270), (960, 540), (1440, 810)] {
        let copy = out.read(&format!("articles/chart-{w}w.png"));
        let size = imagesize::blob_size(&copy).expect("a PNG");
        assert_eq!((size.width, size.height), (w, h), "chart-{w}w.png");
    }
    // Small images keep their one file.
    assert!(!out.exists("articles/timeline-480w.png"));
    assert!(select(&page, "img[src='../timeline.png'][srcset]").is_empty());

    // Math as MathML, no script.
    assert!(select(&page, "math[display='inline'] mfrac").len() == 1);
    assert!(select(&page, "math[display='block']").len() == 1);

    // Review status, the reviewers in words and in JSON-LD, the print button, og:image.
    let status = text_of(&one(&page, ".review-status"));
    assert!(
        status.contains("Last reviewed 20 November 2026")
            && status.contains("Next review due November 2027"),
        "{status}"
    );
    assert!(
        select(&page, ".review-due").is_empty(),
        "a fresh page says it is due"
    );
    let by = text_of(&one(&page, ".reviewed-by"));
    assert!(by.contains("A. Reviewer, PhD, Fixture reviewer"), "{by}");
    let json_ld = text_of(&one(&page, "script[type='application/ld+json']"));
    assert!(
        json_ld.contains(r#""jobTitle":"Fixture reviewer""#),
        "{json_ld}"
    );
    assert!(select(&page, "button.print-button[hidden]").len() == 1);
    let og = one(&page, "meta[property='og:image']");
    assert_eq!(
        attr(&og, "content"),
        "https://example.org/fixture/articles/timeline.png"
    );

    // Citations and the glossary link to their pages.
    assert!(!select(&page, "a[href$='#ref-walsh2021ketamine']").is_empty());
    assert!(!select(&page, ".prose a.gloss-term[href='../../glossary/placebo/']").is_empty());

    // An overdue page says so, through another template.
    let overdue = out.html("articles/overdue/index.html");
    assert!(text_of(&one(&overdue, ".review-status")).contains("Review was due January 2020"));
    assert!(text_of(&one(&overdue, ".review-due")).contains("due for review"));

    // The old address redirects, on the page and in _redirects.
    let old = out.html("old/every-feature/index.html");
    let refresh = one(&old, "meta[http-equiv='refresh']");
    assert_eq!(
        attr(&refresh, "content"),
        "0; url=../../articles/every-feature/"
    );
    assert!(out
        .text("_redirects")
        .contains("/fixture/old/every-feature/ /fixture/articles/every-feature/ 301"));

    // Feeds for the site, the section and each topic, with full content.
    for feed in ["atom.xml", "articles/atom.xml", "tags/fixtures/atom.xml"] {
        let xml = out.text(feed);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{feed}: {e}"));
        assert!(
            doc.descendants().any(|n| n.has_tag_name("content")),
            "{feed} has no full content"
        );
    }
    let section = out.html("articles/index.html");
    assert!(!select(&section, "link[rel='alternate'][href='atom.xml']").is_empty());

    // Listings are paginated (paginate: 2) and the sitemap lists topics and references but
    // not the redirect.
    assert!(out.exists("articles/page/2/index.html"));
    let sitemap = out.text("sitemap.xml");
    for url in [
        "tags/fixtures/",
        "references/",
        "glossary/placebo/",
        "about/",
    ] {
        assert!(
            sitemap.contains(&format!("https://example.org/fixture/{url}<")),
            "the sitemap leaves out {url}"
        );
    }
    assert!(!sitemap.contains("old/every-feature"));

    // "Related": the pages front-matter names, in its order; automatic on the others (the
    // third article shares a tag and a glossary term with this one).
    let related = |doc: &scraper::Html| -> Vec<String> {
        select(doc, "nav.related li > a")
            .iter()
            .map(|a| attr(a, "href"))
            .collect()
    };
    assert_eq!(related(&page), ["../third/", "../../about/"]);
    let third = out.html("articles/third/index.html");
    assert!(
        related(&third).contains(&"../every-feature/".to_string()),
        "{:?}",
        related(&third)
    );

    assert!(
        broken_relative_links(&out).is_empty(),
        "{:?}",
        broken_relative_links(&out)
    );
}

/// An image whose header says it is large but whose data is broken: its copies cannot be
/// made, so the build stops with an error at the file instead of publishing a srcset that
/// names missing files.
#[test]
fn a_large_image_that_cannot_be_decoded_is_an_error_at_its_file() {
    let fx = fixture();
    let mut png = fx_bytes("content/articles/chart.png");
    png.truncate(40); // the header (1600 × 900) and no pixel data
    fx.write("content/articles/chart.png", png);
    let out = run_cli(
        &fx.root(),
        &fx.output(),
        &[],
        &[("SOURCE_DATE_EPOCH", TODAY)],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("error[unreadable-image]: content/articles/chart.png"),
        "{err}"
    );
    assert!(!fx.output().exists(), "nothing was published");
}

fn fx_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("tests/fixtures/features").join(rel)).unwrap()
}

#[test]
fn the_fixture_site_passes_glia_check_except_its_overdue_page() {
    let fx = fixture();
    let out = Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(["check", "--root"])
        .arg(fx.root())
        .env("SOURCE_DATE_EPOCH", TODAY)
        .output()
        .unwrap();
    let err = stderr(&out) + &stdout(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("0 errors, 1 warning"), "{err}");
    assert!(
        err.contains("warning[stale-review]: content/articles/overdue.md:7:1: "),
        "{err}"
    );
}

#[test]
#[ignore = "needs java and vnu-jar"]
fn the_fixture_site_passes_the_nu_html_checker() {
    let fx = fixture();
    build(&fx, &[]);
    assert_valid_html(&html_files(&fx.output()));
}

#[test]
#[ignore = "needs chromium and npm packages (tests/browser)"]
fn the_fixture_site_is_accessible_in_both_colour_schemes() {
    let port = free_port();
    let fx = fixture();
    let base = format!("http://127.0.0.1:{port}/");
    build(&fx, &["--base-url", &base]);
    let pages = [
        "feature=/articles/every-feature/",
        "overdue=/articles/overdue/",
        "section=/articles/",
        "section-2=/articles/page/2/",
        "term=/glossary/placebo/",
        "topic=/tags/fixtures/",
        "audience=/audiences/students/",
        "about=/about/",
    ]
    .join(",");
    run_theme_checks(&fx.output(), port, &["--pages".as_ref(), pages.as_ref()]);
}
