//! What editors write beyond plain prose: callouts and care cards, footnotes, images and
//! figures, math. Each test builds a real site and reads the HTML with a parser.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use common::*;

/// The header of a PNG of `w`×`h` pixels: all a size reader looks at.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    v.extend(w.to_be_bytes());
    v.extend(h.to_be_bytes());
    v.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    v
}

fn article(body: &str) -> Fixture {
    Fixture::new(&[
        ("site.yaml", SITE_YAML),
        (
            "content/articles/a.md",
            &format!("---\ntitle: Article A\n---\n{body}"),
        ),
    ])
}

fn article_html(body: &str) -> scraper::Html {
    article(body).build_ok().html("articles/a/index.html")
}

// ── 1. Callouts and care cards ─────────────────────────────────────────────────────────────

#[test]
fn github_alerts_and_health_kinds_are_labelled_boxes() {
    let doc = article_html(
        "> [!NOTE]\n> A note.\n\n> [!warning]\n> Do not drive until the next day.\n\n\
         > [!URGENT]\n> Call 999 if you feel unsafe.\n\n> [!CRISIS]\n> Talk to someone now.\n\n\
         > An ordinary quote.\n",
    );
    let boxes = select(&doc, ".prose .callout");
    let kinds: Vec<(String, String, String)> = boxes
        .iter()
        .map(|b| {
            (
                attr(b, "class"),
                attr(b, "role"),
                text_of(&one_in(b, ".callout-title")),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("callout callout-note", "note", "Note"),
            ("callout callout-warning", "note", "Warning"),
            ("callout callout-urgent", "note", "Urgent advice"),
            ("callout callout-crisis", "note", "Crisis support"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    // The marker itself is gone; the content stays.
    let urgent = text_of(&boxes[2]);
    assert!(!urgent.contains("[!URGENT]"), "{urgent}");
    assert!(urgent.contains("Call 999 if you feel unsafe."), "{urgent}");
    assert_eq!(select(&doc, ".prose blockquote").len(), 1);
    // No inline styles: the theme runs under a strict CSP.
    assert!(select(&doc, ".prose [style]").is_empty());
}

fn one_in<'a>(e: &scraper::ElementRef<'a>, s: &str) -> scraper::ElementRef<'a> {
    e.select(&sel(s)).next().unwrap_or_else(|| panic!("no {s}"))
}

#[test]
fn crisis_box_on_pages_marked_or_tagged() {
    let fx = Fixture::new(&[
        (
            "site.yaml",
            &format!(
                "{SITE_YAML}crisis:\n  text: If you are thinking about suicide, help is available now.\n  links:\n    - text: Call 988\n      url: tel:988\n    - text: Samaritans\n      url: https://www.samaritans.org/\ncrisis_tags: [suicide]\n"
            ),
        ),
        ("content/articles/a.md", "---\ntitle: A\ncrisis: true\n---\nText.\n"),
        ("content/articles/b.md", "---\ntitle: B\ntags: [suicide]\n---\nText.\n"),
        ("content/articles/c.md", "---\ntitle: C\ntags: [ect]\n---\nText.\n"),
    ]);
    let out = fx.build_ok();
    for page in ["articles/a/index.html", "articles/b/index.html"] {
        let doc = out.html(page);
        let b = one(&doc, ".crisis-box");
        assert!(text_of(&b).contains("help is available now"), "{page}");
        let links: Vec<String> = b.select(&sel("a")).map(|a| attr(&a, "href")).collect();
        assert_eq!(links, ["tel:988", "https://www.samaritans.org/"]);
    }
    assert!(select(&out.html("articles/c/index.html"), ".crisis-box").is_empty());
}

// ── 2. Footnotes ──────────────────────────────────────────────────────────────────────────

#[test]
fn footnotes_are_numbered_by_first_reference_collected_at_the_end_with_back_links() {
    let doc = article_html(
        "## 1\n\nFirst[^b] then[^a] and again[^b].\n\n[^a]: Note A.\n\n[^b]: Note B.\n\nLast paragraph.\n",
    );
    let refs: Vec<(String, String, String)> = select(&doc, ".prose sup.footnote-reference a")
        .iter()
        .map(|a| (text_of(a), attr(a, "href"), attr(a, "id")))
        .collect();
    assert_eq!(
        refs,
        [
            ("1", "#fn:1", "fnref:1"),
            ("2", "#fn:2", "fnref:2"),
            ("1", "#fn:1", "fnref:1:2"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    let notes = select(&doc, ".prose section.footnotes li");
    assert_eq!(attr(&notes[0], "id"), "fn:1");
    assert!(text_of(&notes[0]).contains("Note B."));
    assert!(text_of(&notes[1]).contains("Note A."));
    let back: Vec<String> = notes[0]
        .select(&sel("a.footnote-back"))
        .map(|a| attr(&a, "href"))
        .collect();
    assert_eq!(back, ["#fnref:1", "#fnref:1:2"]);
    // Collected after everything else in the body.
    let prose = text_of(&one(&doc, ".prose"));
    assert!(prose.find("Last paragraph").unwrap() < prose.find("Note B.").unwrap());
    // A heading titled "1" keeps its own id and no id is used twice.
    assert_eq!(attr(&one(&doc, ".prose h2"), "id"), "1");
    let all: Vec<String> = select(&doc, "[id]").iter().map(|e| attr(e, "id")).collect();
    let unique: std::collections::BTreeSet<&String> = all.iter().collect();
    assert_eq!(all.len(), unique.len(), "{all:?}");
}

// ── 3. Images ─────────────────────────────────────────────────────────────────────────────

fn image_site(body: &str, front: &str) -> Fixture {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        (
            "content/articles/a.md",
            &format!("---\ntitle: Article A\n{front}---\n{body}"),
        ),
    ]);
    fx.write("content/articles/wide.png", png(640, 480));
    fx.write("content/articles/small.png", png(30, 20));
    fx.write("static/logo.png", png(12, 10));
    fx
}

#[test]
fn images_get_size_lazy_loading_and_figures() {
    let fx = image_site(
        "![A wide chart](wide.png)\n\n![Small](small.png \"Figure 1: a caption\")\n\n\
         Inline ![logo](/logo.png \"tip\") here.\n",
        "",
    );
    let doc = fx.build_ok().html("articles/a/index.html");
    let imgs = select(&doc, ".prose img");
    let got: Vec<[String; 5]> = imgs
        .iter()
        .map(|i| {
            ["src", "width", "height", "loading", "decoding"]
                .map(|a| i.value().attr(a).unwrap_or("").to_string())
        })
        .collect();
    assert_eq!(
        got,
        [
            ["../wide.png", "640", "480", "", "async"],
            ["../small.png", "30", "20", "lazy", "async"],
            ["../../logo.png", "12", "10", "lazy", "async"],
        ]
        .map(|r| r.map(String::from))
    );
    let fig = one(&doc, ".prose figure");
    assert_eq!(attr(&one_in(&fig, "img"), "alt"), "Small");
    assert_eq!(text_of(&one_in(&fig, "figcaption")), "Figure 1: a caption");
    // An image inside a sentence keeps its title and is no figure.
    assert_eq!(attr(&imgs[2], "title"), "tip");
    assert_eq!(select(&doc, ".prose figure").len(), 1);
}

#[test]
fn raw_img_tag_to_a_colocated_file_is_rewritten() {
    let fx = image_site(
        "<img src=\"wide.png\" alt=\"Chart\">\n\nText <img src=\"small.png\" alt=\"s\"> inline.\n",
        "",
    );
    let doc = fx.build_ok().html("articles/a/index.html");
    let imgs = select(&doc, ".prose img");
    assert_eq!(attr(&imgs[0], "src"), "../wide.png");
    assert_eq!(attr(&imgs[0], "width"), "640");
    assert_eq!(attr(&imgs[0], "alt"), "Chart");
    assert_eq!(attr(&imgs[1], "src"), "../small.png");
}

#[test]
fn missing_alt_is_a_check_error_unless_decorative_or_allowed() {
    let fx = image_site(
        "Intro.\n\n![](wide.png)\n\n![](small.png \"decorative\")\n\n![](small.png){.decorative} after.\n",
        "",
    );
    let o = glia_check(&fx);
    let err = format!("{}{}", stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error[missing-alt]"), "{err}");
    assert!(err.contains("content/articles/a.md:6:1"), "{err}");
    assert_eq!(err.matches("missing-alt]").count(), 1, "{err}");
    // The decorative image is written with an empty alt and no title.
    let doc = fx.build_ok().html("articles/a/index.html");
    let dec = &select(&doc, ".prose img")[1];
    assert_eq!(attr(dec, "alt"), "");
    assert!(dec.value().attr("title").is_none());
    // `{.decorative}`, pandoc's class syntax, marks it too and is not printed.
    let marked = &select(&doc, ".prose img")[2];
    assert_eq!(attr(marked, "alt"), "");
    let html = doc.root_element().html();
    assert!(!html.contains("{.decorative}"), "{html}");
    assert!(html.contains("> after."), "{html}");

    let allowed = image_site("![](wide.png)\n", "allow: [missing-alt]\n");
    let o = glia_check(&allowed);
    assert!(
        !format!("{}{}", stdout(&o), stderr(&o)).contains("missing-alt"),
        "{}",
        stderr(&o)
    );
}

/// Runs `glia check` on the fixture.
fn glia_check(fx: &Fixture) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(["check", "--root"])
        .arg(fx.root())
        .output()
        .expect("run glia check")
}

// ── 4. Math ───────────────────────────────────────────────────────────────────────────────

#[test]
fn math_is_mathml_and_prices_stay_prose() {
    let doc = article_html(
        "The NNT is $\\frac{1}{ARR}$ here.\n\n$$d = \\frac{M_1 - M_2}{s}$$\n\n\
         It costs $5 and $10 a month.\n\nBetween $5 and 10$20 too.\n",
    );
    let maths = select(&doc, ".prose math");
    assert_eq!(maths.len(), 2);
    assert_eq!(attr(&maths[1], "display"), "block");
    assert!(maths[0].select(&sel("mfrac")).next().is_some());
    let prose = text_of(&one(&doc, ".prose"));
    assert!(prose.contains("It costs $5 and $10 a month."), "{prose}");
    assert!(prose.contains("Between $5 and 10$20 too."), "{prose}");
}

#[test]
fn citations_and_glossary_do_not_reach_into_math() {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        (
            "content/glossary/nnt.md",
            "---\nterm: NNT\nshort: Number needed to treat.\n---\nHow many patients need treatment for one to benefit.\n",
        ),
        (
            "content/articles/a.md",
            "---\ntitle: A\n---\nThe NNT is $NNT = 1/ARR$ and $x@y$ too.\n",
        ),
    ]);
    let doc = fx.build_ok().html("articles/a/index.html");
    // Only the prose NNT is a glossary link; nothing inside the math is a link.
    assert_eq!(select(&doc, ".prose a").len(), 1);
    assert!(select(&doc, ".prose math a").is_empty());
    assert_eq!(select(&doc, ".prose math").len(), 2);
}

#[test]
fn a_citation_after_display_math_is_still_a_citation() {
    // As in the real-world corpus (`$$ [@key]` closing a display formula).
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        (
            "content/articles/a.md",
            "---\ntitle: A\nreferences:\n  - id: gasparini2024\n    title: A simulation study\n    authors: [{family: Gasparini, given: A}]\n    container: J Sim\n    year: 2024\n---\n$$\nx = \\frac{1}{2}\n$$ [@gasparini2024]\n",
        ),
    ]);
    let doc = fx.build_ok().html("articles/a/index.html");
    assert_eq!(select(&doc, ".prose math").len(), 1);
    assert!(!text_of(&one(&doc, ".prose")).contains("@gasparini2024"));
    assert_eq!(select(&doc, "#ref-gasparini2024").len(), 1);
}

#[test]
fn bad_latex_is_an_error_at_the_formula() {
    let fx = article("Text $x^^2$ end.\n");
    let diags = fx.build().unwrap_err();
    let text = render_diags(&diags);
    assert!(text.contains("invalid-math"), "{text}");
    assert!(text.contains("this formula does not parse: "), "{text}");
    assert!(!text.contains("parsing error"), "{text}");
    assert!(text.contains("content/articles/a.md:4:6"), "{text}");
}
