//! Building whole sites: the network's own site, the CLI, themes, URLs and Markdown features.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::collections::BTreeSet;

use common::*;
use glia::site::{build, BuildOptions};

// ---------------------------------------------------------------------------------------------
// The network's own site (the repository root).
// ---------------------------------------------------------------------------------------------

fn build_repo_site() -> (tempfile::TempDir, Out) {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("public");
    let opts = BuildOptions {
        root: repo_root(),
        output: Some(out_dir.clone()),
        ..BuildOptions::default()
    };
    expect_ok(build(&opts));
    (tmp, Out { dir: out_dir })
}

/// The output page of `content/articles/<name>.md`, honouring a `slug:` in its front-matter.
fn article_route(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let front = text.split("\n---").next().unwrap_or("");
    let slug = front.lines().find_map(|l| {
        l.strip_prefix("slug:")
            .map(|s| s.trim().trim_matches('"').trim_matches('\'').to_string())
    });
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    // A translation (`a.es.md`) is published under its language's folder.
    match stem.rsplit_once('.') {
        Some((base, lang)) if is_translation(path) => {
            format!(
                "{lang}/articles/{}/index.html",
                slug.unwrap_or(base.to_string())
            )
        }
        _ => format!("articles/{}/index.html", slug.unwrap_or(stem)),
    }
}

#[test]
fn repo_site_builds_and_home_links_every_article() {
    let (_tmp, out) = build_repo_site();
    // Each language's home page links its articles.
    let targets: BTreeSet<String> = ["index.html", "es/index.html"]
        .iter()
        .flat_map(|home| {
            let doc = out.html(home);
            select(&doc, "a[href]")
                .iter()
                .filter_map(|a| resolve_relative(home, &attr(a, "href")))
                .filter_map(Result::ok)
                .map(|(t, _)| t)
                .collect::<Vec<_>>()
        })
        .collect();

    let mut articles = Vec::new();
    for e in std::fs::read_dir(repo_root().join("content/articles")).unwrap() {
        let p = e.unwrap().path();
        let index = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("_index."));
        if p.extension().is_some_and(|x| x == "md") && !index {
            articles.push(p);
        }
    }
    assert!(
        articles.len() >= 4,
        "expected the network's articles, found {articles:?}"
    );
    for a in &articles {
        let route = article_route(a);
        assert!(
            out.exists(&route),
            "{} was not built at {route}",
            a.display()
        );
        assert!(
            targets.contains(&route),
            "the home page does not link {} ({route}); it links {targets:?}",
            a.display()
        );
    }
}

#[test]
fn repo_site_relative_links_all_resolve() {
    let (_tmp, out) = build_repo_site();
    let pages = out.html_files();
    assert!(pages.len() >= 8, "too few pages built: {pages:?}");
    let problems = broken_relative_links(&out);
    assert!(
        problems.is_empty(),
        "broken links in the built site:\n{}",
        problems.join("\n")
    );
}

/// Issue 20, "what it must show" 2: the network's site uses care cards where its content
/// already gives the advice: urgent advice on suicidal ideation (the glossary entry, and the
/// articles' "Need help now?"), and a warning on driving after esketamine, with its citation.
#[test]
fn repo_site_shows_care_cards_for_urgent_advice_and_driving() {
    let (_tmp, out) = build_repo_site();
    let text = |e: &scraper::ElementRef| e.text().collect::<String>();
    let glossary = out.html("glossary/index.html");
    let entry = one(&glossary, "#suicidal-ideation");
    let urgent: Vec<_> = entry
        .select(&sel(".callout.callout-urgent[role=note]"))
        .collect();
    assert_eq!(urgent.len(), 1, "{}", entry.html());
    assert!(
        text(&urgent[0]).contains("Urgent advice"),
        "{}",
        urgent[0].html()
    );
    assert!(
        text(&urgent[0]).contains("emergency services"),
        "{}",
        urgent[0].html()
    );

    let page = out.html("articles/esketamine-nasal-spray/index.html");
    let urgent = one(&page, ".callout-urgent");
    assert!(
        text(&urgent).contains("emergency services"),
        "{}",
        urgent.html()
    );
    let warning = one(&page, ".callout-warning");
    let words = text(&warning);
    assert!(words.trim_start().starts_with("Warning"), "{words}");
    assert!(words.contains("Do not drive"), "{words}");
    assert_eq!(
        warning
            .select(&sel("a[href='#ref-fda2026spravato']"))
            .count(),
        1,
        "the warning keeps its citation: {}",
        warning.html()
    );
    let monitoring = out.html("articles/safety-monitoring/index.html");
    assert!(text(&one(&monitoring, ".callout-warning")).contains("do not drive"));
    one(&monitoring, ".callout-urgent");
}

/// Issue 20, point 13: the footer's date is the newest content date, not the build's: it says
/// "Last updated", not "Built on".
#[test]
fn footer_says_last_updated() {
    let (_tmp, out) = build_repo_site();
    let page = out.html("articles/esketamine-nasal-spray/index.html");
    let footer: String = one(&page, "footer.site-footer").text().collect();
    assert!(footer.contains("Last updated"), "{footer}");
    assert!(!footer.contains("Built on"), "{footer}");
    let time = one(&page, "footer.site-footer time[datetime]");
    assert_eq!(attr(&time, "datetime").len(), "2026-12-03".len());
}

#[test]
fn repo_site_has_no_javascript_urls() {
    let (_tmp, out) = build_repo_site();
    let mut checked = 0;
    for page in out.html_files() {
        for (tag, url) in urls(&out.html(&page)) {
            checked += 1;
            assert_ne!(
                scheme(&url).as_deref(),
                Some("javascript"),
                "{page}: <{tag}> uses `{url}`"
            );
        }
    }
    assert!(
        checked > 50,
        "only {checked} URLs found; is the site empty?"
    );
}

#[test]
fn cli_build_prints_a_one_line_summary_and_exits_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("public");
    let o = run_cli(&repo_root(), &out_dir, &[], &[]);
    assert!(
        o.status.success(),
        "glia build failed ({:?}):\n{}",
        o.status,
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(0));
    let stdout = stdout(&o);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "expected one summary line, got:\n{stdout}");
    let line = lines[0];
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[0], "built", "summary: {line}");
    let pages: usize = words[1]
        .parse()
        .unwrap_or_else(|_| panic!("no page count: {line}"));
    assert_eq!(words[2], "pages", "summary: {line}");
    assert!(line.contains(" in "), "summary has no duration: {line}");
    let secs_at = words
        .iter()
        .position(|w| *w == "s")
        .unwrap_or_else(|| panic!("no `… s` duration: {line}"));
    assert!(
        words[secs_at - 1].parse::<f64>().is_ok(),
        "duration is not a number: {line}"
    );
    let out = Out { dir: out_dir };
    let built_pages = out
        .files()
        .iter()
        .filter(|f| f.ends_with("index.html"))
        .count();
    assert_eq!(
        pages, built_pages,
        "summary says {pages} pages; the output has {built_pages}"
    );
}

// ---------------------------------------------------------------------------------------------
// Themes.
// ---------------------------------------------------------------------------------------------

fn small_site() -> Vec<(&'static str, &'static str)> {
    vec![
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/about.md",
            "---\ntitle: About us\n---\n## Who we are\n\nA network.\n",
        ),
        (
            "content/articles/_index.md",
            "---\ntitle: Articles\n---\nAll articles.\n",
        ),
        (
            "content/articles/foo.md",
            "---\ntitle: Foo article\ndate: 2026-01-02\n---\nFoo body.\n",
        ),
    ]
}

/// The `href`s of a page's stylesheets, resolved to output files.
fn stylesheets(out: &Out, page: &str) -> Vec<String> {
    let doc = out.html(page);
    select(&doc, "link[rel=stylesheet]")
        .iter()
        .map(|l| {
            resolve_relative(page, &attr(l, "href"))
                .expect("stylesheet link is relative")
                .expect("stylesheet link stays in the output")
                .0
        })
        .collect()
}

#[test]
fn embedded_theme_is_used_without_a_themes_folder() {
    let fx = Fixture::new(&small_site());
    assert!(!fx.root().join("themes").exists());
    let out = fx.build_ok();
    for page in [
        "index.html",
        "about/index.html",
        "articles/index.html",
        "articles/foo/index.html",
    ] {
        let doc = out.html(page);
        one(&doc, "header.site-header");
        one(&doc, "main#main");
        let css = stylesheets(&out, page);
        assert!(
            css.contains(&"css/site.css".to_string()),
            "{page} does not link css/site.css: {css:?}"
        );
    }
    assert!(out.exists("css/site.css"));
    let css = out.text("css/site.css");
    assert!(!css.trim().is_empty(), "css/site.css is empty");
    let article = out.html("articles/foo/index.html");
    assert_eq!(text_of(&one(&article, "article.article h1")), "Foo article");
}

#[test]
fn theme_folder_template_overrides_the_default() {
    let mut files = small_site();
    files.push((
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<div class=\"custom-page\">{{ page.title }}</div>{% endblock main %}",
    ));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let about = out.html("about/index.html");
    assert_eq!(text_of(&one(&about, "div.custom-page")), "About us");
    // The other templates are still the default theme's.
    let article = out.html("articles/foo/index.html");
    one(&article, "article.article");
    assert!(select(&article, "div.custom-page").is_empty());
    one(&article, "header.site-header");
}

#[test]
fn site_templates_folder_overrides_only_that_template() {
    let mut files = small_site();
    files.push((
        "templates/article.html",
        "{% extends \"base.html\" %}{% block main %}<section class=\"my-article\"><h1>{{ page.title }}</h1>{{ page.content | safe }}</section>{% endblock main %}",
    ));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let article = out.html("articles/foo/index.html");
    assert_eq!(
        text_of(&one(&article, "section.my-article h1")),
        "Foo article"
    );
    assert!(select(&article, "article.article").is_empty());
    one(&article, "header.site-header");
    // Pages, sections and the home page keep the default templates.
    let about = out.html("about/index.html");
    one(&about, "article.page");
    assert!(select(&about, "section.my-article").is_empty());
    one(&out.html("articles/index.html"), "article.section");
    one(&out.html("index.html"), "article.intro");
}

#[test]
fn a_template_that_filters_the_body_gets_the_body_itself() {
    // render hands tera stand-ins for big strings only where every template prints them
    // whole; this template also measures the body, so it must see the real one.
    let mut files = small_site();
    files.push((
        "templates/article.html",
        "{% extends \"base.html\" %}{% block main %}<p class=\"size\">{{ page.content | length }}</p><div class=\"body\">{{ page.content | safe }}</div>{% endblock main %}",
    ));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let article = out.html("articles/foo/index.html");
    let body = one(&article, "div.body").inner_html();
    assert_eq!(body, "<p>Foo body.</p>\n");
    assert_eq!(text_of(&one(&article, "p.size")), body.len().to_string());
    assert!(!out.text("articles/foo/index.html").contains('\u{E001}'));
}

#[test]
fn a_page_containing_the_stand_in_marker_renders_whole() {
    // U+E001 marks render's stand-ins; a title that contains it (and a stand-in's shape)
    // makes render fall back to giving tera the strings themselves.
    let mut files = small_site();
    files.push((
        "content/articles/odd.md",
        "---\ntitle: \"Odd \\uE0010\\uE001 title\"\ndate: 2026-01-03\n---\nOdd body with \u{E001} in it.\n",
    ));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let page = out.html("articles/odd/index.html");
    assert_eq!(
        text_of(&one(&page, "article.article h1")),
        "Odd \u{E001}0\u{E001} title"
    );
    assert_eq!(
        text_of(&one(&page, "div.prose p")),
        "Odd body with \u{E001} in it."
    );
}

// ---------------------------------------------------------------------------------------------
// URLs, links and assets.
// ---------------------------------------------------------------------------------------------

#[test]
fn pages_get_pretty_urls() {
    let fx = Fixture::new(&small_site());
    let out = fx.build_ok();
    let files = out.files();
    for f in [
        "index.html",
        "about/index.html",
        "articles/index.html",
        "articles/foo/index.html",
    ] {
        assert!(files.contains(&f.to_string()), "no {f} in {files:?}");
    }
    for f in ["about.html", "articles/foo.html", "articles/foo.md"] {
        assert!(!files.contains(&f.to_string()), "unexpected {f}");
    }
    assert!(broken_relative_links(&out).is_empty());
}

#[test]
fn slug_replaces_the_last_url_segment() {
    let mut files = small_site();
    files.push((
        "content/articles/long-file-name.md",
        "---\ntitle: Renamed\nslug: short\n---\nBody.\n",
    ));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    assert!(out.exists("articles/short/index.html"));
    assert!(!out.exists("articles/long-file-name/index.html"));
    let doc = out.html("articles/short/index.html");
    assert_eq!(text_of(&one(&doc, "h1")), "Renamed");
    // Listings link the new URL.
    let home = out.html("index.html");
    let linked = select(&home, "a[href]").iter().any(|a| {
        resolve_relative("index.html", &attr(a, "href"))
            .and_then(Result::ok)
            .is_some_and(|(t, _)| t == "articles/short/index.html")
    });
    assert!(linked, "home page does not link articles/short/");
}

#[test]
fn assets_beside_an_article_are_copied_and_image_src_resolves() {
    let fx = Fixture::new(&small_site());
    // A 2 × 2 PNG's header (small: no smaller copies are made) and no real pixel data.
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x02\0\0\0\x02not really pixels";
    fx.write("content/articles/fig.png", png);
    fx.write(
        "content/articles/foo.md",
        "---\ntitle: Foo article\n---\nA figure:\n\n![x](fig.png)\n",
    );
    let out = fx.build_ok();
    let page = "articles/foo/index.html";
    let doc = out.html(page);
    let img = one(&doc, "img[alt=x]");
    let src = attr(&img, "src");
    let (target, _) = resolve_relative(page, &src)
        .expect("image src is relative")
        .expect("image src stays inside the output");
    assert!(out.exists(&target), "img src `{src}` → {target} missing");
    assert_eq!(out.read(&target), png, "the copied asset differs");
    assert_eq!(target, "articles/fig.png");
}

#[test]
fn static_folder_is_copied_as_is() {
    let fx = Fixture::new(&small_site());
    fx.write("static/humans.txt", "Made by the network.\n");
    fx.write(
        "static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    fx.write("static/files/a b.pdf", b"%PDF-1.4 \xff\x00 binary");
    let out = fx.build_ok();
    assert_eq!(out.read("humans.txt"), b"Made by the network.\n");
    assert_eq!(
        out.read("img/logo.svg"),
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
    assert_eq!(out.read("files/a b.pdf"), b"%PDF-1.4 \xff\x00 binary");
}

#[test]
fn links_to_md_files_become_relative_urls_that_resolve() {
    let mut files = small_site();
    files.push((
        "content/articles/bar.md",
        "---\ntitle: Bar\n---\nSee [foo](foo.md), [who we are](../about.md#who-we-are) \
         and [the list](./_index.md).\n",
    ));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let page = "articles/bar/index.html";
    let doc = out.html(page);
    let prose = one(&doc, ".prose");
    let hrefs: Vec<String> = prose
        .select(&sel("a[href]"))
        .map(|a| attr(&a, "href"))
        .collect();
    assert_eq!(hrefs.len(), 3, "links in the body: {hrefs:?}");
    let expected = [
        ("articles/foo/index.html", None),
        ("about/index.html", Some("who-we-are")),
        ("articles/index.html", None),
    ];
    for (href, (want_target, want_frag)) in hrefs.iter().zip(expected) {
        assert!(!href.contains(".md"), "`{href}` still names a .md file");
        let (target, frag) = resolve_relative(page, href)
            .expect("relative")
            .expect("inside the output");
        assert_eq!(target, want_target, "`{href}` resolves to {target}");
        assert_eq!(frag.as_deref(), want_frag, "fragment of `{href}`");
        assert!(out.exists(&target), "`{href}` → missing {target}");
        if let Some(f) = frag {
            assert!(ids(&out.html(&target)).contains(&f), "no #{f} in {target}");
        }
    }
    assert!(broken_relative_links(&out).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Markdown rendering.
// ---------------------------------------------------------------------------------------------

fn site_with_article(body: &str) -> (Fixture, Out) {
    let fx = Fixture::new(&small_site());
    fx.write(
        "content/articles/foo.md",
        format!("---\ntitle: Foo article\n---\n{body}"),
    );
    let out = fx.build_ok();
    (fx, out)
}

#[test]
fn heading_ids_are_unique_and_custom_ids_are_kept() {
    let (_fx, out) = site_with_article("## A\n\nx\n\n## A\n\ny\n\n## Named {#custom}\n\nz\n");
    let doc = out.html("articles/foo/index.html");
    let h2: Vec<String> = select(&doc, ".prose h2")
        .iter()
        .map(|h| attr(h, "id"))
        .collect();
    assert_eq!(h2, ["a", "a-1", "custom"]);
    let all: Vec<String> = select(&doc, "[id]").iter().map(|e| attr(e, "id")).collect();
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(
        unique.len(),
        all.len(),
        "duplicate ids on the page: {all:?}"
    );
}

#[test]
fn table_of_contents_lists_h2_and_h3() {
    let (_fx, out) = site_with_article(
        "## One\n\n### One A\n\n#### Deep\n\n## Two\n\n## Three\n\n### Three A\n",
    );
    let page = "articles/foo/index.html";
    let doc = out.html(page);
    let toc = one(&doc, "nav.toc");
    let hrefs: Vec<String> = toc
        .select(&sel("a[href]"))
        .map(|a| attr(&a, "href"))
        .collect();
    assert_eq!(hrefs, ["#one", "#one-a", "#two", "#three", "#three-a"]);
    let page_ids = ids(&doc);
    for h in &hrefs {
        assert!(page_ids.contains(&h[1..]), "TOC entry {h} has no target");
    }
    // h3 entries are nested under their h2.
    let nested: Vec<String> = toc
        .select(&sel("ol ol a"))
        .map(|a| attr(&a, "href"))
        .collect();
    assert_eq!(nested, ["#one-a", "#three-a"]);
}

#[test]
fn known_language_code_is_highlighted_with_classes_and_links_syntax_css() {
    let (_fx, out) =
        site_with_article("Code:\n\n```rust\nfn main() {\n    let x = \"<tag>\";\n}\n```\n");
    let page = "articles/foo/index.html";
    let doc = out.html(page);
    let pre = one(&doc, ".prose pre");
    let classed = pre
        .select(&sel("span[class]"))
        .filter(|s| {
            attr(s, "class")
                .split_whitespace()
                .all(|c| c.starts_with("hl-"))
        })
        .count();
    assert!(classed > 0, "no hl- classes in:\n{}", pre.html());
    assert!(
        select(&doc, "[style]").is_empty(),
        "inline style attributes found"
    );
    assert!(
        text_of(&pre).contains("let x = \"<tag>\";"),
        "code text was altered: {}",
        text_of(&pre)
    );
    let css = stylesheets(&out, page);
    assert!(
        css.contains(&"css/syntax.css".to_string()),
        "{page} does not link css/syntax.css: {css:?}"
    );
    assert!(out.exists("css/syntax.css"));
    assert!(out.text("css/syntax.css").contains(".hl-"));
    // A page without code does not load the syntax stylesheet.
    let about = stylesheets(&out, "about/index.html");
    assert!(
        !about.contains(&"css/syntax.css".to_string()),
        "about links syntax.css: {about:?}"
    );
    assert!(!stylesheets(&out, "index.html").contains(&"css/syntax.css".to_string()));
}

#[test]
fn site_without_code_has_no_syntax_css() {
    let fx = Fixture::new(&small_site());
    let out = fx.build_ok();
    for page in out.html_files() {
        let doc = out.html(&page);
        for l in select(&doc, "link[rel=stylesheet]") {
            assert!(
                !attr(&l, "href").contains("syntax"),
                "{page} links {}",
                attr(&l, "href")
            );
        }
    }
}

#[test]
fn unknown_fence_language_renders_as_plain_escaped_code() {
    let (_fx, out) = site_with_article("```nosuchlang\n<b>bold?</b> & <script>x()</script>\n```\n");
    let doc = out.html("articles/foo/index.html");
    let pre = one(&doc, ".prose pre");
    assert_eq!(
        text_of(&pre),
        "<b>bold?</b> & <script>x()</script>\n",
        "code text"
    );
    assert!(
        pre.select(&sel("b, script, span")).next().is_none(),
        "code was not escaped: {}",
        pre.html()
    );
    assert!(
        select(&doc, ".prose script").is_empty(),
        "a <script> escaped from the code block"
    );
    let classes = pre.value().attr("class").unwrap_or("");
    assert!(!classes.contains("hl-"), "plain code got hl- classes");
}

#[test]
fn tables_footnotes_strikethrough_tasks_and_smart_punctuation_render() {
    let body = "\
| Drug | Route |
|------|-------|
| ketamine | IV |
| esketamine | nasal |

A claim.[^src]

~~withdrawn~~ text.

- [x] assessed
- [ ] reviewed

\"Quoted\" -- it's here...

[^src]: The source.
";
    let (_fx, out) = site_with_article(body);
    let page = "articles/foo/index.html";
    let doc = out.html(page);
    let prose = one(&doc, ".prose");
    let q = |s: &str| prose.select(&sel(s)).collect::<Vec<_>>();

    assert_eq!(q("table").len(), 1);
    assert_eq!(q("table thead th").len(), 2);
    assert_eq!(q("table tbody tr").len(), 2);

    let refs = q("sup.footnote-reference a[href]");
    assert_eq!(refs.len(), 1, "footnote reference");
    let href = attr(&refs[0], "href");
    let (_, frag) = resolve_relative(page, &href).unwrap().unwrap();
    let frag = frag.expect("footnote link has a fragment");
    let def = one(&doc, ".footnote-definition");
    assert_eq!(
        attr(&def, "id"),
        frag,
        "footnote link and definition differ"
    );
    assert!(text_of(&def).contains("The source."));

    let del = q("del");
    assert_eq!(del.len(), 1);
    assert_eq!(text_of(&del[0]), "withdrawn");

    let boxes = q("input[type=checkbox]");
    assert_eq!(boxes.len(), 2);
    assert!(boxes[0].value().attr("checked").is_some());
    assert!(boxes[1].value().attr("checked").is_none());

    let text = text_of(&prose);
    assert!(
        text.contains("\u{201c}Quoted\u{201d} \u{2013} it\u{2019}s here\u{2026}"),
        "no smart punctuation in: {text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Drafts.
// ---------------------------------------------------------------------------------------------

fn site_with_draft() -> Fixture {
    let mut files = small_site();
    files.push((
        "content/articles/wip.md",
        "---\ntitle: Work in progress\ndraft: true\n---\nNot yet.\n",
    ));
    Fixture::new(&files)
}

fn home_links(out: &Out, target: &str) -> bool {
    let home = out.html("index.html");
    select(&home, "a[href]").iter().any(|a| {
        resolve_relative("index.html", &attr(a, "href"))
            .and_then(Result::ok)
            .is_some_and(|(t, _)| t == target)
    })
}

#[test]
fn drafts_are_excluded_by_default() {
    let fx = site_with_draft();
    let out = fx.build_ok();
    assert!(!out.exists("articles/wip/index.html"));
    assert!(out.exists("articles/foo/index.html"));
    assert!(!home_links(&out, "articles/wip/index.html"));
    assert!(!out.text("articles/index.html").contains("Work in progress"));
}

#[test]
fn drafts_are_built_with_the_drafts_option() {
    let fx = site_with_draft();
    let out = fx.build_drafts_ok();
    assert!(out.exists("articles/wip/index.html"));
    assert!(home_links(&out, "articles/wip/index.html"));
}

#[test]
fn drafts_are_built_with_the_drafts_flag() {
    let fx = site_with_draft();
    let o = fx.cli(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!fx.out().exists("articles/wip/index.html"));
    let o = fx.cli(&["--drafts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fx.out().exists("articles/wip/index.html"));
}

// ---------------------------------------------------------------------------------------------
// The link checker used above must itself be able to fail.
// ---------------------------------------------------------------------------------------------

#[test]
fn link_checker_reports_missing_files_and_fragments() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Out {
        dir: tmp.path().to_path_buf(),
    };
    std::fs::create_dir_all(tmp.path().join("a")).unwrap();
    std::fs::write(
        tmp.path().join("index.html"),
        "<a href=\"a/\">ok</a><a href=\"a/#here\">ok</a><a href=\"b/\">missing</a>\
         <a href=\"a/#nope\">bad fragment</a><img src=\"../outside.png\">\
         <a href=\"https://example.org/x\">external</a><a href=\"#top\" id=\"top\">self</a>",
    )
    .unwrap();
    std::fs::write(tmp.path().join("a/index.html"), "<h2 id=\"here\">Here</h2>").unwrap();
    let problems = broken_relative_links(&out);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].contains("`b/`"), "{problems:#?}");
    assert!(problems[1].contains("no id `nope`"), "{problems:#?}");
    assert!(problems[2].contains("../outside.png"), "{problems:#?}");
}

/// Issue 20, point 13: every page links an icon: the theme's by default, or the file
/// `favicon:` in site.yaml names; a name that is no file of the site is an error at its value.
#[test]
fn favicon_is_the_themes_or_the_one_site_yaml_names() {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/articles/a.md",
            "---\ntitle: Article A\n---\nText.\n",
        ),
    ]);
    let icon = |out: &Out, page: &str| attr(&one(&out.html(page), "head link[rel=icon]"), "href");
    let out = fx.build_ok();
    assert_eq!(icon(&out, "index.html"), "img/favicon.svg");
    assert_eq!(icon(&out, "articles/a/index.html"), "../../img/favicon.svg");
    assert!(out.read("img/favicon.svg").starts_with(b"<svg"));

    fx.write("static/images/logo.png", "not really a PNG");
    fx.write(
        "site.yaml",
        format!("{SITE_YAML}favicon: images/logo.png\n"),
    );
    let out = fx.build_ok();
    assert_eq!(icon(&out, "articles/a/index.html"), "../../images/logo.png");

    fx.write(
        "site.yaml",
        format!("{SITE_YAML}favicon: images/logo.pgn\n"),
    );
    let run = fx.cli(&[]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    let d = assert_error_at(&err, Some("missing-favicon"), "site.yaml:4:10");
    assert!(
        d.contains("favicon `images/logo.pgn` is not a file the site publishes"),
        "{d}"
    );
    assert!(d.contains("did you mean `images/logo.png`?"), "{d}");
}

/// The disclaimer's first paragraph, shown in every article's footer when it has no summary,
/// reads as the page does: code text kept, a citation or footnote marker gone with the space
/// before it (it used to leave "doctor ." behind).
#[test]
fn the_disclaimer_summary_is_its_first_paragraph_as_read() {
    let fx = Fixture::new(&[
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/references/refs.yaml",
            "- id: walsh2021\n  type: article-journal\n  title: Ketamine for mental health\n  authors:\n    - {family: Walsh, given: Zach}\n  container: BJPsych Open\n  year: 2021\n  doi: 10.1192/bjo.2021.1061\n",
        ),
        (
            "content/disclaimer.md",
            "---\ntitle: Disclaimer\n---\n# Disclaimer\n\nAsk your `doctor` [@walsh2021], \"always\"[^1].\n\nMore.\n\n[^1]: A note.\n",
        ),
        ("content/articles/a.md", "---\ntitle: A\n---\nText.\n"),
    ]);
    fx.write("site.yaml", SITE_YAML);
    let out = fx.build_ok();
    let doc = out.html("articles/a/index.html");
    let footer = select(&doc, "p.disclaimer");
    assert_eq!(footer.len(), 1);
    let text = text_of(&footer[0]);
    assert!(
        text.contains("Ask your doctor, \u{201c}always\u{201d}. Read"),
        "{text}"
    );
}
