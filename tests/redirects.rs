//! Old addresses (`aliases:` → redirect pages and `_redirects`), feeds per section and topic,
//! a page's template (`template:`, a section's `page_template:`) and what the sitemap lists.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use common::*;

const ARTICLE_A: &str = "---\ntitle: Esketamine nasal spray\ndate: 2026-01-02\nsummary: How it works.\ntags: [ketamine]\naliases: [/old/esketamine/, /esk.html]\n---\n\nBody of A, see [B](b.md).\n";
const ARTICLE_B: &str =
    "---\ntitle: ECT & you\ndate: 2026-02-03\nsummary: Plain words.\ntags: [ect, ketamine]\n---\n\nBody of B.\n";

fn site(extra: &[(&'static str, &'static str)]) -> Fixture {
    let mut files = vec![
        ("site.yaml", SITE_YAML),
        ("content/articles/_index.md", "---\ntitle: Articles\n---\n"),
        ("content/articles/a.md", ARTICLE_A),
        ("content/articles/b.md", ARTICLE_B),
    ];
    files.extend_from_slice(extra);
    Fixture::new(&files)
}

fn build_errors(fx: &Fixture) -> String {
    match fx.build() {
        Ok(_) => panic!("the build should fail"),
        Err(d) => render_diags(&d),
    }
}

// ---- aliases ----

#[test]
fn an_alias_writes_a_redirect_page_and_a_redirects_line() {
    let fx = site(&[]);
    let out = fx.build_ok();
    let doc = out.html("old/esketamine/index.html");
    let refresh = one(&doc, "meta[http-equiv=refresh]");
    assert_eq!(attr(&refresh, "content"), "0; url=../../articles/a/");
    let canonical = one(&doc, "link[rel=canonical]");
    assert_eq!(attr(&canonical, "href"), "https://example.org/articles/a/");
    let link = one(&doc, "body a");
    assert_eq!(attr(&link, "href"), "../../articles/a/");
    assert_eq!(text_of(&link), "Esketamine nasal spray");
    one(&doc, "meta[name=robots][content=noindex]");
    // A file alias is the file itself.
    let doc = out.html("esk.html");
    assert_eq!(attr(&one(&doc, "body a"), "href"), "articles/a/");
    assert_eq!(
        out.text("_redirects"),
        "/old/esketamine/ /articles/a/ 301\n/esk.html /articles/a/ 301\n"
    );
    // Redirect pages are not pages to index.
    let sitemap = out.text("sitemap.xml");
    assert!(!sitemap.contains("old/esketamine"), "{sitemap}");
    assert!(!sitemap.contains("esk.html"), "{sitemap}");
    assert!(broken_relative_links(&out).is_empty());
}

#[test]
fn an_offline_redirect_names_index_html_and_there_is_no_redirects_file() {
    let fx = site(&[]);
    let opts = glia::site::BuildOptions {
        offline: true,
        ..fx.options()
    };
    expect_ok(glia::site::build(&opts));
    let out = fx.out();
    let doc = out.html("old/esketamine/index.html");
    let refresh = one(&doc, "meta[http-equiv=refresh]");
    assert_eq!(
        attr(&refresh, "content"),
        "0; url=../../articles/a/index.html"
    );
    assert_eq!(
        attr(&one(&doc, "link[rel=canonical]"), "href"),
        "../../articles/a/index.html"
    );
    assert!(!out.exists("_redirects"));
}

#[test]
fn a_site_without_aliases_has_no_redirects_file() {
    let fx = site(&[]);
    fx.write(
        "content/articles/a.md",
        ARTICLE_A.replace("aliases: [/old/esketamine/, /esk.html]\n", ""),
    );
    assert!(!fx.build_ok().exists("_redirects"));
}

#[test]
fn the_sites_own_redirects_file_wins() {
    let fx = site(&[("static/_redirects", "/x /y 302\n")]);
    let out = fx.build_ok();
    assert_eq!(out.text("_redirects"), "/x /y 302\n");
    assert!(out.exists("old/esketamine/index.html"));
}

#[test]
fn an_alias_onto_a_page_is_an_error_at_the_alias() {
    let fx = site(&[]);
    fx.write(
        "content/articles/a.md",
        ARTICLE_A.replace("/old/esketamine/", "/articles/b/"),
    );
    let err = build_errors(&fx);
    let d = assert_error_at(&err, Some("duplicate-url"), "content/articles/a.md:6:11");
    assert!(d.contains("the alias `/articles/b/`"), "{d}");
    assert!(d.contains("content/articles/b.md"), "{d}");
    assert!(d.contains("remove the alias"), "{d}");
}

#[test]
fn two_pages_with_one_alias_is_an_error_at_the_later_alias() {
    let fx = site(&[]);
    fx.write(
        "content/articles/b.md",
        ARTICLE_B.replace(
            "tags: [ect, ketamine]\n",
            "tags: [ect]\naliases: /esk.html\n",
        ),
    );
    let err = build_errors(&fx);
    let d = assert_error_at(&err, Some("duplicate-url"), "content/articles/b.md:6:10");
    assert!(d.contains("content/articles/a.md"), "{d}");
}

#[test]
fn an_alias_onto_a_static_file_is_an_error_at_the_alias() {
    let fx = site(&[("static/esk.html", "<p>old</p>")]);
    let err = build_errors(&fx);
    let d = assert_error_at(&err, Some("duplicate-url"), "content/articles/a.md:6:29");
    assert!(d.contains("static/esk.html"), "{d}");
}

#[test]
fn aliases_that_leave_the_site_are_refused() {
    for (alias, why, col) in [
        ("/a/../b/", "contains `..`", 11),
        ("https://old.example.org/a/", "has a scheme", 11),
        ("//old.example.org/a/", "names a host", 11),
        ("/a?id=3", "query or fragment", 11),
    ] {
        let fx = site(&[]);
        fx.write(
            "content/articles/a.md",
            ARTICLE_A.replace("/old/esketamine/", alias),
        );
        let err = build_errors(&fx);
        let d = assert_error_at(
            &err,
            Some("invalid-alias"),
            &format!("content/articles/a.md:6:{col}"),
        );
        assert!(d.contains(why), "{alias}: {d}");
        assert!(d.contains("aliases: [/articles/old-name/]"), "{d}");
    }
}

// ---- feeds per section and topic ----

fn atom_entries(text: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(text).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| {
            e.children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn sections_and_topics_have_their_own_feeds_linked_from_their_pages() {
    let fx = site(&[
        ("content/articles/tms/_index.md", "---\ntitle: TMS\n---\n"),
        (
            "content/articles/tms/t.md",
            "---\ntitle: About TMS\ndate: 2026-03-01\n---\n\nTMS.\n",
        ),
        ("content/about.md", "---\ntitle: About us\n---\n\nUs.\n"),
    ]);
    let out = fx.build_ok();
    // A section's feed has the articles anywhere below it, newest first.
    assert_eq!(
        atom_entries(&out.text("articles/atom.xml")),
        ["About TMS", "ECT & you", "Esketamine nasal spray"]
    );
    assert_eq!(
        atom_entries(&out.text("articles/tms/atom.xml")),
        ["About TMS"]
    );
    assert_eq!(
        atom_entries(&out.text("tags/ketamine/atom.xml")),
        ["ECT & you", "Esketamine nasal spray"]
    );
    assert_eq!(atom_entries(&out.text("tags/ect/atom.xml")), ["ECT & you"]);
    assert_eq!(atom_entries(&out.text("atom.xml")).len(), 3);
    let feed = out.text("tags/ect/atom.xml");
    assert!(
        feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/tags/ect/atom.xml\"/>"),
        "{feed}"
    );
    assert!(!feed.contains("<content"), "summaries by default: {feed}");
    let alt = "link[rel=alternate][type='application/atom+xml']";
    let hrefs = |page: &str| -> Vec<String> {
        select(&out.html(page), alt)
            .iter()
            .map(|e| attr(e, "href"))
            .collect()
    };
    assert_eq!(hrefs("articles/index.html"), ["../atom.xml", "atom.xml"]);
    assert_eq!(hrefs("tags/ect/index.html"), ["../../atom.xml", "atom.xml"]);
    assert_eq!(hrefs("articles/a/index.html"), ["../../atom.xml"]);
    assert!(broken_relative_links(&out).is_empty());
}

#[test]
fn full_content_feeds_carry_the_article() {
    let fx = site(&[]);
    fx.write(
        "site.yaml",
        format!("{SITE_YAML}feeds:\n  full_content: true\n"),
    );
    let out = fx.build_ok();
    let text = out.text("articles/atom.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let content: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("content"))
        .collect();
    assert_eq!(content.len(), 2, "{text}");
    let a = content
        .iter()
        .find(|c| c.text().unwrap_or_default().contains("Body of A"))
        .expect("A's body in the feed");
    assert_eq!(a.attribute("type"), Some("html"));
    assert_eq!(
        a.attribute(("http://www.w3.org/XML/1998/namespace", "base")),
        Some("https://example.org/articles/a/")
    );
    assert!(a.text().unwrap().contains("href=\"../b/\""), "{text}");
}

#[test]
fn an_offline_copy_has_no_feeds() {
    let fx = site(&[]);
    let opts = glia::site::BuildOptions {
        offline: true,
        ..fx.options()
    };
    expect_ok(glia::site::build(&opts));
    let out = fx.out();
    assert!(!out.exists("articles/atom.xml"));
    assert!(!out.exists("tags/ect/atom.xml"));
    let doc = out.html("articles/index.html");
    assert!(select(&doc, "link[type='application/atom+xml']").is_empty());
}

#[test]
fn an_unknown_feeds_setting_is_an_error() {
    let fx = site(&[]);
    fx.write(
        "site.yaml",
        format!("{SITE_YAML}feeds:\n  full_text: true\n"),
    );
    let err = build_errors(&fx);
    assert!(err.contains("full_content"), "{err}");
}

// ---- templates ----

const WIDE: &str = "{% extends \"base.html\" %}{% block main %}<div class=\"wide\">{{ page.content | safe }}</div>{% endblock main %}";

#[test]
fn a_page_picks_another_template_of_the_theme() {
    let fx = site(&[("templates/wide.html", WIDE)]);
    fx.write(
        "content/articles/b.md",
        ARTICLE_B.replace("date:", "template: wide.html\ndate:"),
    );
    let out = fx.build_ok();
    let b = out.html("articles/b/index.html");
    assert!(text_of(&one(&b, "div.wide")).contains("Body of B."));
    let a = out.html("articles/a/index.html");
    assert!(select(&a, "div.wide").is_empty());
}

#[test]
fn a_sections_page_template_applies_to_its_pages() {
    let fx = site(&[("templates/wide.html", WIDE)]);
    fx.write(
        "content/articles/_index.md",
        "---\ntitle: Articles\npage_template: wide.html\n---\n",
    );
    fx.write(
        "content/articles/b.md",
        ARTICLE_B.replace("date:", "template: article.html\ndate:"),
    );
    let out = fx.build_ok();
    assert!(!select(&out.html("articles/a/index.html"), "div.wide").is_empty());
    // The page's own `template:` wins; the section itself keeps its template.
    assert!(select(&out.html("articles/b/index.html"), "div.wide").is_empty());
    assert!(select(&out.html("articles/index.html"), "div.wide").is_empty());
}

#[test]
fn an_unknown_template_is_an_error_at_the_value_with_the_closest_name() {
    let fx = site(&[("templates/wide.html", WIDE)]);
    fx.write(
        "content/articles/b.md",
        ARTICLE_B.replace("date:", "template: wid.html\ndate:"),
    );
    fx.write(
        "content/articles/_index.md",
        "---\ntitle: Articles\npage_template: artcle.html\n---\n",
    );
    let err = build_errors(&fx);
    let d = assert_error_at(&err, Some("unknown-template"), "content/articles/b.md:3:11");
    assert!(d.contains("the theme has no template `wid.html`"), "{d}");
    assert!(d.contains("did you mean `wide.html`?"), "{d}");
    assert!(d.contains("article.html, audience.html"), "{d}");
    let d = assert_error_at(
        &err,
        Some("unknown-template"),
        "content/articles/_index.md:3:16",
    );
    assert!(d.contains("did you mean `article.html`?"), "{d}");
    // Reported once, on the section, not again on each of its pages.
    assert_eq!(err.matches("error[unknown-template]").count(), 2, "{err}");
}

#[test]
fn page_template_on_a_page_that_is_not_a_section_is_an_error() {
    let fx = site(&[]);
    fx.write(
        "content/articles/b.md",
        ARTICLE_B.replace("date:", "page_template: article.html\ndate:"),
    );
    let err = build_errors(&fx);
    let d = assert_error_at(&err, Some("misplaced-key"), "content/articles/b.md:3:1");
    assert!(
        d.contains("use `template: article.html` for this page alone"),
        "{d}"
    );
}

// ---- the sitemap ----

#[test]
fn the_sitemap_lists_topics_audiences_and_every_page_of_the_reference_index() {
    let bib = (1..=5)
        .map(|n| format!("@article{{w{n}, title={{Work {n}}}, author={{Doe, J.}}, year={{2020}}, journal={{J}}}}\n"))
        .collect::<String>();
    let fx = site(&[(
        "content/references/refs.bib",
        Box::leak(bib.into_boxed_str()),
    )]);
    fx.write("site.yaml", format!("{SITE_YAML}paginate: 2\n"));
    fx.write(
        "content/articles/b.md",
        ARTICLE_B
            .replace("Body of B.", "Cites [@w1; @w2; @w3; @w4; @w5].")
            .replace("tags:", "audience: [patients]\ntags:"),
    );
    let out = fx.build_ok();
    let text = out.text("sitemap.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for want in [
        "https://example.org/",
        "https://example.org/articles/a/",
        "https://example.org/tags/",
        "https://example.org/tags/ect/",
        "https://example.org/tags/ketamine/",
        "https://example.org/audiences/patients/",
        "https://example.org/references/",
        "https://example.org/references/page/2/",
        "https://example.org/references/page/3/",
    ] {
        assert!(locs.contains(&want), "{want} missing from\n{text}");
    }
    for loc in &locs {
        let file = loc.strip_prefix("https://example.org/").unwrap();
        assert!(
            out.exists(&format!("{file}index.html")),
            "{loc} was not built"
        );
    }
    let mut sorted = locs.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), locs.len(), "a URL is listed twice");
}
