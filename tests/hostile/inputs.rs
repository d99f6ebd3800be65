//! See `main.rs` for what this module covers: URL collisions between pages and generated
//! files (issue 15, point 3), names from files (7), symlinks and input size caps (8), raw HTML
//! that `check` reports (9), the theme's Content-Security-Policy and the smaller rules of 10.

use std::path::Path;

use crate::common::{
    self, assert_error_at, assert_error_on_line, glia, one, select, stderr, text_of, Fixture,
    SITE_YAML,
};

const HOME: (&str, &str) = ("content/_index.md", "---\ntitle: Home\n---\n\nWelcome.\n");
const REFS: (&str, &str) = (
    "content/references/refs.yaml",
    "smith2020:\n  type: article\n  title: A study\n  authors: [\"Smith, J\"]\n  year: 2020\n",
);

fn page(title: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n{extra}---\n\n{body}\n")
}

/// Builds through the CLI; must fail. Returns stderr.
fn build_fails(fx: &Fixture) -> String {
    let out = fx.cli(&[]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1; stderr:\n{err}"
    );
    err
}

fn build_passes(fx: &Fixture) -> String {
    let out = fx.cli(&[]);
    let err = stderr(&out);
    assert!(out.status.success(), "build failed:\n{err}");
    err
}

// ---- Point 3: every output path has exactly one producer ----

#[test]
fn a_page_at_a_generated_pages_url_is_an_error_naming_both() {
    let tagged = page(
        "Tagged",
        "tags: [Example]\n",
        "An article about [@smith2020].",
    );
    let cases: [(&str, &str); 5] = [
        ("content/search.md", "the search page"),
        ("content/references.md", "the reference index"),
        ("content/tags.md", "the topics page"),
        ("content/tags/example.md", "a topic page"),
        ("content/search/_index.md", "the search page"),
    ];
    for (file, generated) in cases {
        let fx = Fixture::new(&[
            ("site.yaml", SITE_YAML),
            HOME,
            REFS,
            ("content/articles/a.md", &tagged),
            (file, &page("Mine", "", "The editor's own page.")),
        ]);
        let err = build_fails(&fx);
        let d = assert_error_at(&err, Some("duplicate-url"), file);
        assert!(d.contains(generated), "{file}: {d}");
        assert!(
            !fx.output().exists(),
            "{file}: nothing may be written when a page would vanish"
        );
    }
}

#[test]
fn a_static_file_or_asset_at_a_pages_url_is_an_error_naming_both() {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        ("content/about.md", &page("About", "", "Who we are.")),
        ("static/about/index.html", "<p>old about page</p>"),
        ("content/articles/a.md", &page("A", "", "Text.")),
        ("content/articles/a/index.html", "<p>stray export</p>"),
    ]);
    let err = build_fails(&fx);
    let names_both = |a: &str, b: &str| {
        err.lines()
            .any(|l| l.starts_with("error[duplicate-url]") && l.contains(a) && l.contains(b))
    };
    assert!(
        names_both("static/about/index.html", "content/about.md"),
        "{err}"
    );
    assert!(
        names_both("content/articles/a/index.html", "content/articles/a.md"),
        "{err}"
    );
}

#[test]
fn a_sites_own_robots_txt_and_404_page_replace_the_generated_ones() {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        ("static/robots.txt", "User-agent: *\nDisallow: /drafts/\n"),
        ("static/404.html", "<p>our own missing page</p>"),
    ]);
    build_passes(&fx);
    assert_eq!(
        read_in(&fx, "robots.txt"),
        "User-agent: *\nDisallow: /drafts/\n"
    );
    assert_eq!(read_in(&fx, "404.html"), "<p>our own missing page</p>");

    // A site's template restyles the generated page instead.
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        ("templates/404.html", "<p>styled {{ page.title }}</p>"),
    ]);
    build_passes(&fx);
    assert!(read_in(&fx, "404.html").contains("<p>styled "));
}

fn read_in(fx: &Fixture, p: &str) -> String {
    std::fs::read_to_string(fx.output().join(p)).unwrap()
}

#[test]
fn a_static_file_at_another_generated_files_path_says_what_can_be_replaced() {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        ("static/sitemap.xml", "<urlset/>"),
    ]);
    let err = build_fails(&fx);
    let d = assert_error_at(&err, Some("duplicate-url"), "static/sitemap.xml");
    assert!(d.contains("the sitemap"), "{d}");
    assert!(
        d.contains("only 404.html, robots.txt and _redirects can be replaced"),
        "{d}"
    );
}

#[test]
fn pages_whose_urls_differ_only_in_case_are_an_error_naming_both() {
    // One file on macOS and Windows, and in the bundle's zip unpacked there.
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        ("content/About.md", &page("About us", "", "Who we are.")),
        ("content/about.md", &page("About", "", "What we do.")),
    ]);
    let err = build_fails(&fx);
    let line = err
        .lines()
        .find(|l| l.starts_with("error[duplicate-url]"))
        .unwrap_or_else(|| panic!("no duplicate-url error:\n{err}"));
    assert!(
        line.contains("content/About.md") && line.contains("content/about.md"),
        "{line}"
    );
    assert!(line.contains("letter case"), "{line}");
    assert!(!fx.output().exists());
}

#[test]
fn slug_index_html_reports_the_front_matter_line() {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        (
            "content/articles/_index.md",
            &page("Articles", "", "All articles."),
        ),
        (
            "content/articles/a.md",
            &page("A", "slug: index.html\n", "Text."),
        ),
    ]);
    let err = build_fails(&fx);
    let d = assert_error_at(&err, Some("duplicate-url"), "content/articles/a.md:3:1");
    assert!(d.contains("content/articles/_index.md"), "{d}");
    assert!(!err.contains("File exists"), "{err}");
}

// ---- Point 7: names from files follow the slug rules; diagnostics escape them ----

#[test]
fn page_names_from_files_follow_the_slug_rules() {
    for name in [
        "a\"b",
        "a\u{202e}lmth.exe",
        "a\\..\\b",
        "line\nbreak",
        "tab\tname",
    ] {
        let file = format!("content/articles/{name}.md");
        let fx = Fixture::new(&[("site.yaml", SITE_YAML), HOME]);
        fx.write(&file, page("A", "", "Text."));
        let err = build_fails(&fx);
        let header = common::error_line(&err, "invalid-file-name");
        assert!(
            !header.contains('\u{202e}') && !header.contains('\t'),
            "control and bidi characters are escaped: {header:?}"
        );
        assert!(header.contains("content/articles/"), "{header}");
        assert!(
            err.lines().all(|l| !l.starts_with("break")),
            "a newline in a name must not start a line:\n{err}"
        );
    }
}

#[test]
fn folder_names_and_asset_names_are_checked_too() {
    let fx = Fixture::new(&[("site.yaml", SITE_YAML), HOME]);
    fx.write("content/bad\u{202e}dir/a.md", page("A", "", "Text."));
    fx.write("content/articles/fig\\..\\x.png", "png");
    fx.write("static/ok name.pdf", "pdf"); // spaces are fine in a copied file's name
    let err = build_fails(&fx);
    assert!(err.contains("content/bad\\u{202e}dir/a.md"), "{err}");
    common::error_line(&err, "invalid-file-name");
    assert!(
        err.contains("content/articles/fig\\..\\x.png") || err.contains("fig\\\\..\\\\x.png"),
        "{err}"
    );
    assert!(!err.contains("ok name.pdf"), "{err}");
}

// ---- Point 8: symlinks, themes outside the site, input size caps ----

#[test]
fn a_symlinked_content_folder_is_refused() {
    let fx = Fixture::new(&[("site.yaml", SITE_YAML)]);
    let elsewhere = fx.tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("_index.md"), page("Private", "", "Secret.")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, fx.root().join("content")).unwrap();
    let err = build_fails(&fx);
    common::error_line(&err, "symlink-refused");
    assert!(!fx.output().exists());
}

#[test]
fn a_symlinked_themes_folder_is_refused() {
    // `themes/` itself linked elsewhere: the theme `default` found through it would publish an
    // outside folder's files, just as a linked `content/` would.
    let fx = Fixture::new(&[("site.yaml", SITE_YAML), HOME]);
    let elsewhere = fx.tmp.path().join("elsewhere");
    std::fs::create_dir_all(elsewhere.join("default/static")).unwrap();
    std::fs::write(elsewhere.join("default/static/private.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(&elsewhere, fx.root().join("themes")).unwrap();
    let err = build_fails(&fx);
    let line = common::error_line(&err, "symlink-refused");
    assert!(line.contains("themes"), "{line}");
    assert!(!fx.output().exists());
}

#[test]
fn a_theme_outside_the_site_is_refused() {
    for theme in ["/etc", "../outside", "a/../../b"] {
        let fx = Fixture::new(&[("site.yaml", &format!("{SITE_YAML}theme: {theme}\n")), HOME]);
        let err = build_fails(&fx);
        assert_error_on_line(&err, Some("invalid-value"), "site.yaml", 4);
    }
}

#[test]
fn a_style_linked_to_dev_zero_is_not_read() {
    let fx = Fixture::new(&[
        (
            "site.yaml",
            &format!("{SITE_YAML}citation_style: style.csl\n"),
        ),
        HOME,
    ]);
    std::os::unix::fs::symlink("/dev/zero", fx.root().join("style.csl")).unwrap();
    let err = build_fails(&fx);
    let line = common::error_line(&err, "symlink-refused");
    assert!(line.contains("style.csl"), "{line}");
}

/// A FIFO named like a page, a bibliography in `content/` or one named in `site.yaml`: each
/// is refused as not a regular file, and the build ends instead of waiting for a writer.
#[test]
fn fifos_named_like_a_page_or_a_bibliography_are_refused_without_hanging() {
    use rustix::fs::{mknodat, FileType, Mode, CWD};
    let named = format!("{SITE_YAML}bibliography: [refs.bib]\n");
    for (site_yaml, fifos) in [
        (
            SITE_YAML,
            &["content/articles/pipe.md", "content/references/more.yaml"][..],
        ),
        (named.as_str(), &["refs.bib"][..]),
    ] {
        let fx = Fixture::new(&[("site.yaml", site_yaml), HOME]);
        for f in fifos {
            let p = fx.root().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            mknodat(CWD, &p, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
        }
        let err = build_fails(&fx);
        for f in fifos {
            assert!(
                err.lines()
                    .any(|l| l.contains("error[not-a-file]") && l.contains(f)),
                "{f} is refused as not a regular file: {err}"
            );
        }
    }
}

#[test]
fn a_style_or_bibliography_outside_the_site_is_refused() {
    let fx = Fixture::new(&[
        (
            "site.yaml",
            &format!("{SITE_YAML}citation_style: ../x.csl\nbibliography: [/etc/passwd]\n"),
        ),
        HOME,
    ]);
    let err = build_fails(&fx);
    assert!(err.matches("error[outside-site]").count() == 2, "{err}");
}

#[test]
fn input_files_over_the_size_cap_are_refused() {
    let fx = Fixture::new(&[("site.yaml", SITE_YAML), HOME]);
    let big = |rel: &str| {
        let p = fx.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let f = std::fs::File::create(&p).unwrap();
        // Sparse: 17 MiB of zero bytes take no disk space.
        f.set_len(17 * 1024 * 1024).unwrap();
    };
    big("content/articles/huge.md");
    big("content/references/huge.bib");
    let err = build_fails(&fx);
    assert!(err.matches("error[file-too-large]").count() == 2, "{err}");
}

// ---- Point 9: raw HTML that runs code is reported ----

fn check(root: &Path) -> std::process::Output {
    glia(&["check", "--root", root.to_str().unwrap()])
}

const UNSAFE_BODY: &str = "Intro.\n\n<script>alert(1)</script>\n\n\
Text <img src=x onerror=\"alert(1)\"> and <a href=\"javascript:alert(1)\">x</a>.\n\n\
<iframe src=\"https://example.org\"></iframe>\n\n\
<object data=\"x.swf\"></object> <embed src=\"x.swf\">\n\n\
<a href=\"data:text/html,<b>x</b>\">d</a> <a href=\" VBScript:x\">v</a>\n\n\
```html\n<script>in code: not HTML</script>\n```\n";

#[test]
fn check_reports_unsafe_raw_html_with_positions() {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        ("content/about.md", &page("About", "", UNSAFE_BODY)),
    ]);
    let out = check(&fx.root());
    let err = format!("{}{}", common::stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{err}");
    let file = "content/about.md";
    assert_error_at(&err, Some("unsafe-html"), &format!("{file}:7:1")); // <script>
    assert_error_at(&err, Some("unsafe-html"), &format!("{file}:9:17")); // onerror=
    assert_error_at(&err, Some("unsafe-html"), &format!("{file}:9:50")); // href=javascript:
    assert_error_at(&err, Some("unsafe-html"), &format!("{file}:11:1")); // <iframe>
    assert_error_at(&err, Some("unsafe-html"), &format!("{file}:13:1")); // <object>
    assert_error_at(&err, Some("unsafe-html"), &format!("{file}:13:32")); // <embed>
    assert_error_at(&err, Some("unsafe-html"), &format!("{file}:15:10")); // data:text/html
    assert_error_at(&err, Some("unsafe-html"), &format!("{file}:15:50")); // vbscript:
    assert_eq!(err.matches("error[unsafe-html]").count(), 8, "{err}");

    // A build keeps the editor's HTML but warns.
    let built = build_passes(&fx);
    assert!(built.contains("warning[unsafe-html]"), "{built}");
}

/// Raw HTML that a hand-written scanner reads differently from a browser: each trick hides a
/// tag that runs code (or, `<base>`, redirects every link), and each is reported where it is.
const TRICKY_BODY: &str = "Intro.\n\n\
<!--><script>alert(1)</script>\n\n\
<div>x<!-- a --!><iframe src=\"https://example.org\"></iframe></div>\n\n\
<noscript><p title=\"</noscript><img src=x onerror=alert(2)>\"></noscript>\n\n\
A <svg>b<style><img src=y onerror=alert(3)></style></svg> inline.\n\n\
<base href=\"https://elsewhere.example/\">\n\n\
<svg><a><set attributeName=\"href\" to=\"javascript:alert(4)\"/><text>t</text></a></svg>\n";

/// `file:line:col` of the first `needle` in `text` after `after`.
fn position_of(file: &str, text: &str, after: &str, needle: &str) -> String {
    let at = text.find(after).unwrap() + text[text.find(after).unwrap()..].find(needle).unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
    format!("{file}:{line}:{col}")
}

#[test]
fn check_reads_raw_html_as_a_browser_does() {
    let text = page("About", "", TRICKY_BODY);
    let fx = Fixture::new(&[("site.yaml", SITE_YAML), HOME, ("content/about.md", &text)]);
    let out = check(&fx.root());
    let err = format!("{}{}", common::stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{err}");
    let file = "content/about.md";
    for (after, needle) in [
        ("<!-->", "<script>"),
        ("--!>", "<iframe"),
        ("</noscript><img", "onerror"),
        ("<style><img", "onerror"),
        ("<base", "<base"),
        ("<set", "javascript:"),
    ] {
        assert_error_at(
            &err,
            Some("unsafe-html"),
            &position_of(file, &text, after, needle),
        );
    }
    assert_eq!(err.matches("error[unsafe-html]").count(), 6, "{err}");
    assert!(
        err.contains("`<base>` changes where every relative link"),
        "{err}"
    );
}

#[test]
fn a_page_may_allow_its_raw_html() {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        (
            "content/about.md",
            &page("About", "allow: [unsafe-html]\n", UNSAFE_BODY),
        ),
    ]);
    let out = check(&fx.root());
    let all = format!("{}{}", common::stdout(&out), stderr(&out));
    assert!(out.status.success(), "{all}");
    assert!(!all.contains("unsafe-html"), "{all}");
    let built = build_passes(&fx);
    assert!(!built.contains("unsafe-html"), "{built}");
}

#[test]
fn safe_raw_html_is_not_reported() {
    let body = "<details><summary>More</summary>\n\n<a href=\"https://x.org\" title=\"online\">x</a> \
                <span data-note=\"javascript:\">y</span> <img src=\"a.png\" alt=\"onerror=\">\n\n</details>\n";
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        ("content/about.md", &page("About", "", body)),
        ("content/a.png", "png"),
    ]);
    let out = check(&fx.root());
    let all = format!("{}{}", common::stdout(&out), stderr(&out));
    assert!(!all.contains("unsafe-html"), "{all}");
}

#[test]
fn raw_html_in_a_citations_prefix_locator_and_suffix_is_escaped_alike() {
    // APA prints locators and suffixes in the citation (Vancouver's numbers do not).
    let body = "One [see <b>pre</b> @smith2020, p. <i>loc</i>].\n\n\
                Two [@smith2020, and <u>suf</u>].\n\n\
                Three [<script>alert(1)</script> @smith2020].\n";
    let fx = Fixture::new(&[
        ("site.yaml", &format!("{SITE_YAML}citation_style: apa\n")),
        HOME,
        REFS,
        ("content/articles/a.md", &page("A", "", body)),
    ]);
    build_passes(&fx);
    let doc = fx.out().html("articles/a/index.html");
    let article = one(&doc, "article");
    for tag in ["b", "i", "u", "script"] {
        assert!(
            select(&doc, &format!(".citation {tag}")).is_empty(),
            "<{tag}> from a citation must be text, not an element:\n{}",
            article.html()
        );
    }
    let text = text_of(&article);
    for shown in [
        "<b>pre</b>",
        "<i>loc</i>",
        "<u>suf</u>",
        "<script>alert(1)</script>",
    ] {
        assert!(text.contains(shown), "`{shown}` shown as text in: {text}");
    }
    assert_eq!(select(&doc, "article .citation").len(), 3);
}

// ---- Point 10: Content-Security-Policy, bundle modes, DOI and base_url shapes ----

#[test]
fn every_default_theme_page_declares_a_csp_without_inline_scripts() {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        REFS,
        (
            "content/articles/a.md",
            &page(
                "A",
                "tags: [Example]\n",
                "Cited [@smith2020].\n\n```rust\nfn main() {}\n```",
            ),
        ),
        ("content/about.md", &page("About", "", "About us.")),
        (
            "content/glossary/tms.md",
            "---\nterm: TMS\n---\n\nMagnetic stimulation.\n",
        ),
    ]);
    build_passes(&fx);
    let out = fx.out();
    let pages = out.html_files();
    assert!(pages.len() >= 8, "{pages:?}");
    for p in pages {
        let doc = out.html(&p);
        let meta = one(&doc, "meta[http-equiv=\"Content-Security-Policy\"]");
        let csp = common::attr(&meta, "content");
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src "))
            .unwrap_or_else(|| panic!("{p}: no script-src in {csp}"));
        assert_eq!(script_src, "script-src 'self'", "{p}");
        for s in select(&doc, "script") {
            let v = s.value();
            assert!(
                v.attr("src").is_some() || v.attr("type") == Some("application/ld+json"),
                "{p}: inline script {}",
                s.html()
            );
        }
        for e in select(&doc, "*") {
            for (name, _) in e.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{p}: <{} {name}>",
                    e.value().name()
                );
            }
        }
    }
}

#[test]
fn bundle_entries_are_mode_0644() {
    let fx = Fixture::new(&[("site.yaml", SITE_YAML), HOME]);
    let zip_path = fx.tmp.path().join("b.zip");
    let out = glia(&[
        "bundle",
        "--root",
        fx.root().to_str().unwrap(),
        "--output",
        zip_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    for i in 0..zip.len() {
        let f = zip.by_index(i).unwrap();
        if f.is_file() {
            assert_eq!(f.unix_mode(), Some(0o100644), "{:?}", f.name());
        }
    }
}

#[test]
fn dois_must_have_the_doi_shape() {
    let bib = "@article{jones2021,\n  title = {T},\n  author = {Jones, A},\n  year = {2021},\n  doi = {javascript:alert(1)}\n}\n";
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        HOME,
        ("content/references/b.bib", bib),
        (
            "content/articles/a.md",
            &page("A", "", "Cited [@jones2021]."),
        ),
    ]);
    let err = build_fails(&fx);
    assert_error_at(&err, Some("bad-doi"), "content/references/b.bib:5:9");
}

#[test]
fn base_url_must_parse_as_a_web_url() {
    for bad in [
        "https://exa mple.org/",
        "https://",
        "https://example.org/\"><script>",
        "https://example.org/?q=1",
    ] {
        let fx = Fixture::new(&[
            ("site.yaml", &format!("title: T\nbase_url: '{bad}'\n")),
            HOME,
        ]);
        let err = build_fails(&fx);
        assert_error_at(&err, Some("invalid-value"), "site.yaml:2:12");
    }
}
