//! What static hosting, crawlers and feed readers see: `sitemap.xml`, `atom.xml`,
//! `robots.txt`, the 404 page, canonical and social metadata, JSON-LD, `base_url` handling,
//! and that nothing in the output loads from another origin.
//!
//! Most tests build the network's own site (the repository root) with a `base_url` under a
//! sub-path, which is the hardest case for absolute URLs. One test is ignored: it validates the
//! sitemap against the sitemaps.org schema with `xmllint` (`apt-get install -y libxml2-utils`).

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use common::*;
use glia::site::{build, BuildOptions};
use serde_json::Value;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// A base URL under a sub-path, different from site.yaml's.
const BASE: &str = "https://hosting.example.net/medical/explainers/";

fn build_repo(base_url: Option<&str>, offline: bool) -> (tempfile::TempDir, Out) {
    let tmp = tempfile::Builder::new()
        .prefix("glia-hosting-")
        .tempdir()
        .unwrap();
    let dir = tmp.path().join("public");
    let opts = BuildOptions {
        root: repo_root(),
        output: Some(dir.clone()),
        base_url: base_url.map(str::to_string),
        offline,
        ..BuildOptions::default()
    };
    expect_ok(build(&opts));
    (tmp, Out { dir })
}

fn hosted() -> (tempfile::TempDir, Out) {
    build_repo(Some(BASE), false)
}

/// `base_url` from the repository's site.yaml.
fn site_yaml_base_url() -> String {
    let yaml = std::fs::read_to_string(repo_root().join("site.yaml")).unwrap();
    yaml.lines()
        .find_map(|l| l.strip_prefix("base_url:"))
        .map(|v| v.trim().trim_matches('"').trim_matches('\'').to_string())
        .expect("site.yaml has a base_url")
}

/// The output file an absolute URL under `base` names (`base/a/` → `a/index.html`), or `None`
/// when it is not under `base`.
fn file_for(base: &str, url: &str) -> Option<String> {
    let rel = url.strip_prefix(base)?;
    let rel = rel.split(['#', '?']).next().unwrap_or("");
    let rel = percent_decode(rel);
    Some(if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel
    })
}

/// The pretty URL of an output page (`a/index.html` → `base/a/`).
fn permalink(base: &str, page: &str) -> String {
    format!("{base}{}", page.strip_suffix("index.html").unwrap_or(page))
}

/// Article pages: `articles/<slug>/index.html`.
fn article_pages(out: &Out) -> Vec<String> {
    out.html_files()
        .into_iter()
        .filter(|f| {
            f.strip_prefix("articles/")
                .and_then(|r| r.strip_suffix("/index.html"))
                .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
        })
        .collect()
}

/// Articles in the repository's content in its default language (not `_index.md`, not
/// drafts, not translations, which are published under `es/`).
fn content_article_count() -> usize {
    std::fs::read_dir(repo_root().join("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !is_translation(p))
        .filter(|p| p.file_name().unwrap() != "_index.md")
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let front = text.split("\n---").next().unwrap_or("");
            !front.lines().any(|l| l.replace(' ', "") == "draft:true")
        })
        .count()
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && s.parse::<jiff::civil::Date>().is_ok()
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !is_date(&s[..10]) || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(11..13) && digits(14..16) && digits(17..19)) {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    let zone_ok = rest == "Z"
        || (rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && rest.as_bytes()[3] == b':'
            && rest[1..3].bytes().all(|c| c.is_ascii_digit())
            && rest[4..6].bytes().all(|c| c.is_ascii_digit()));
    zone_ok && s.parse::<jiff::Timestamp>().is_ok()
}

fn parse_xml<'a>(text: &'a str, name: &str) -> roxmltree::Document<'a> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name} is not XML: {e}\n{text}"))
}

fn children<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    ns: &str,
    name: &str,
) -> Vec<roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(|c| {
            c.is_element() && c.tag_name().name() == name && c.tag_name().namespace() == Some(ns)
        })
        .collect()
}

fn child_text(node: roxmltree::Node<'_, '_>, ns: &str, name: &str) -> Option<String> {
    children(node, ns, name)
        .first()
        .map(|c| c.text().unwrap_or("").trim().to_string())
}

// ---------------------------------------------------------------------------------------------
// sitemap.xml, atom.xml, robots.txt
// ---------------------------------------------------------------------------------------------

#[test]
fn sitemap_is_xml_with_absolute_locs_of_existing_pages_and_dates() {
    let (_tmp, out) = hosted();
    let text = out.text("sitemap.xml");
    let doc = parse_xml(&text, "sitemap.xml");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some(SITEMAP_NS),
        "urlset is not in the sitemaps namespace"
    );
    let urls = children(root, SITEMAP_NS, "url");
    assert!(!urls.is_empty(), "the sitemap lists no URL");
    assert_eq!(
        urls.len(),
        root.children().filter(|c| c.is_element()).count(),
        "urlset holds elements other than <url>"
    );
    let mut problems = Vec::new();
    let mut listed = BTreeSet::new();
    for u in &urls {
        let locs = children(*u, SITEMAP_NS, "loc");
        if locs.len() != 1 {
            problems.push(format!("a <url> has {} <loc>", locs.len()));
            continue;
        }
        let loc = locs[0].text().unwrap_or("").trim().to_string();
        match file_for(BASE, &loc) {
            None => problems.push(format!("<loc>{loc}</loc> is not under {BASE}")),
            Some(_) if loc.contains('#') || loc.contains('?') => {
                problems.push(format!("<loc>{loc}</loc> has a query or fragment"))
            }
            Some(file) if !out.exists(&file) => {
                problems.push(format!("<loc>{loc}</loc> → {file}, which was not built"))
            }
            Some(file) => {
                if !listed.insert(file.clone()) {
                    problems.push(format!("{loc} is listed twice"));
                }
            }
        }
        for lastmod in children(*u, SITEMAP_NS, "lastmod") {
            let d = lastmod.text().unwrap_or("").trim();
            if !is_date(d) {
                problems.push(format!("{loc}: <lastmod>{d}</lastmod> is not YYYY-MM-DD"));
            }
        }
    }
    let mut must_list = article_pages(&out);
    must_list.extend(["index.html".to_string(), "articles/index.html".to_string()]);
    for page in must_list {
        if !listed.contains(&page) {
            problems.push(format!("{page} is not in the sitemap"));
        }
    }
    assert!(problems.is_empty(), "sitemap.xml:\n{}", problems.join("\n"));
}

#[test]
fn atom_feed_has_feed_metadata_and_one_entry_per_article() {
    let (_tmp, out) = hosted();
    let text = out.text("atom.xml");
    let doc = parse_xml(&text, "atom.xml");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some(ATOM_NS),
        "feed is not in the Atom namespace"
    );
    let id = child_text(feed, ATOM_NS, "id").expect("feed has an <id>");
    assert!(id.starts_with("https://"), "feed id `{id}` is not absolute");
    let title = child_text(feed, ATOM_NS, "title").expect("feed has a <title>");
    assert!(!title.is_empty(), "feed title is empty");
    let updated = child_text(feed, ATOM_NS, "updated").expect("feed has <updated>");
    assert!(
        is_rfc3339(&updated),
        "feed <updated>{updated}</updated> is not RFC 3339"
    );
    let self_links: Vec<_> = children(feed, ATOM_NS, "link")
        .into_iter()
        .filter(|l| l.attribute("rel") == Some("self"))
        .collect();
    assert_eq!(self_links.len(), 1, "the feed needs one link rel=self");
    assert_eq!(
        self_links[0].attribute("href"),
        Some(&*format!("{BASE}atom.xml"))
    );

    let articles: BTreeSet<String> = article_pages(&out).into_iter().collect();
    assert_eq!(
        articles.len(),
        content_article_count(),
        "article pages built vs articles in content/articles: {articles:?}"
    );
    let entries = children(feed, ATOM_NS, "entry");
    assert_eq!(
        entries.len(),
        articles.len(),
        "one <entry> per article expected; articles: {articles:?}"
    );
    let mut problems = Vec::new();
    let mut linked = BTreeSet::new();
    for e in &entries {
        let title = child_text(*e, ATOM_NS, "title").unwrap_or_default();
        if title.is_empty() {
            problems.push("an entry has no title".to_string());
        }
        let id = child_text(*e, ATOM_NS, "id").unwrap_or_default();
        if !id.starts_with(BASE) {
            problems.push(format!(
                "{title}: entry id `{id}` is not an absolute URL under {BASE}"
            ));
        }
        let updated = child_text(*e, ATOM_NS, "updated").unwrap_or_default();
        if !is_rfc3339(&updated) {
            problems.push(format!(
                "{title}: <updated>{updated}</updated> is not RFC 3339"
            ));
        }
        if let Some(p) = child_text(*e, ATOM_NS, "published") {
            if !is_rfc3339(&p) {
                problems.push(format!(
                    "{title}: <published>{p}</published> is not RFC 3339"
                ));
            }
        }
        let alternate: Vec<_> = children(*e, ATOM_NS, "link")
            .into_iter()
            .filter(|l| l.attribute("rel").is_none_or(|r| r == "alternate"))
            .collect();
        let Some(href) = alternate.first().and_then(|l| l.attribute("href")) else {
            problems.push(format!("{title}: entry has no link"));
            continue;
        };
        match file_for(BASE, href) {
            Some(file) if articles.contains(&file) => {
                linked.insert(file.clone());
                let h1 = text_of(&one(&out.html(&file), "h1"));
                if h1.trim() != title {
                    problems.push(format!(
                        "{href}: entry title `{title}` but the page's <h1> is `{}`",
                        h1.trim()
                    ));
                }
            }
            _ => problems.push(format!(
                "{title}: entry link `{href}` is not an article page under {BASE}"
            )),
        }
    }
    assert_eq!(linked, articles, "the feed's entries link these articles");
    assert!(problems.is_empty(), "atom.xml:\n{}", problems.join("\n"));
}

#[test]
fn robots_txt_points_at_the_sitemap() {
    let (_tmp, out) = hosted();
    let robots = out.text("robots.txt");
    let sitemap_lines: Vec<&str> = robots
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("sitemap:"))
        .collect();
    // The site's own sitemap, then its Spanish pages' (`languages: es`).
    assert_eq!(
        sitemap_lines,
        [
            format!("Sitemap: {BASE}sitemap.xml").as_str(),
            format!("Sitemap: {BASE}es/sitemap.xml").as_str()
        ],
        "robots.txt:\n{robots}"
    );
    assert!(out.exists("sitemap.xml"));
    assert!(out.exists("es/sitemap.xml"));
    assert!(
        !robots
            .lines()
            .any(|l| l.trim().eq_ignore_ascii_case("disallow: /")),
        "robots.txt shuts crawlers out:\n{robots}"
    );
}

// ---------------------------------------------------------------------------------------------
// Pages: the 404 page, head metadata, JSON-LD.
// ---------------------------------------------------------------------------------------------

#[test]
fn not_found_page_links_are_absolute_from_base_url() {
    let (_tmp, out) = hosted();
    let doc = out.html("404.html");
    let mut problems = Vec::new();
    let mut checked = 0;
    for e in select(&doc, "[href], [src], form[action]") {
        for a in ["href", "src", "action"] {
            let Some(url) = e.value().attr(a) else {
                continue;
            };
            let tag = e.value().name();
            checked += 1;
            if url.starts_with('#') && tag == "a" {
                continue; // a fragment of the page itself (skip link) works at any depth
            }
            match scheme(url).as_deref() {
                Some("http" | "https") => {}
                Some("mailto" | "tel") => continue,
                _ => {
                    problems.push(format!("<{tag} {a}=\"{url}\"> is relative"));
                    continue;
                }
            }
            if let Some(file) = file_for(BASE, url) {
                if !out.exists(&file) {
                    problems.push(format!(
                        "<{tag} {a}=\"{url}\"> → {file}, which does not exist"
                    ));
                }
            } else if tag != "a" {
                problems.push(format!("<{tag} {a}=\"{url}\"> loads from outside {BASE}"));
            }
        }
    }
    assert!(checked >= 3, "404.html has almost no links");
    let root = one(&doc, "html");
    assert_eq!(
        root.value().attr("data-root"),
        Some(BASE),
        "the search script on 404.html must find search-index.js from any depth"
    );
    assert!(problems.is_empty(), "404.html:\n{}", problems.join("\n"));
}

#[test]
fn every_page_has_canonical_description_and_social_metadata() {
    let (_tmp, out) = hosted();
    let mut problems = Vec::new();
    for page in out.html_files() {
        if page == "404.html" || page.ends_with("/404.html") {
            continue; // served at whatever URL was missing: it has no canonical URL
        }
        let doc = out.html(&page);
        let canonical = select(&doc, "link[rel=canonical]");
        match canonical.as_slice() {
            [c] => {
                let href = c.value().attr("href").unwrap_or("");
                let want = permalink(BASE, &page);
                if href != want {
                    problems.push(format!("{page}: canonical `{href}`, expected `{want}`"));
                }
            }
            found => problems.push(format!(
                "{page}: {} <link rel=canonical> (expected one)",
                found.len()
            )),
        }
        for (selector, what) in [
            ("meta[name=description]", "meta description"),
            ("meta[property=\"og:title\"]", "og:title"),
            ("meta[name=\"twitter:card\"]", "twitter:card"),
        ] {
            let found = select(&doc, selector);
            match found.as_slice() {
                [m] if !m.value().attr("content").unwrap_or("").trim().is_empty() => {}
                [_] => problems.push(format!("{page}: {what} is empty")),
                _ => problems.push(format!("{page}: {} {what} (expected one)", found.len())),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "head metadata:\n{}",
        problems.join("\n")
    );
}

/// Every JSON-LD object on a page, parsed.
fn json_ld(out: &Out, page: &str) -> Vec<Value> {
    let doc = out.html(page);
    select(&doc, "script[type=\"application/ld+json\"]")
        .iter()
        .map(|s| {
            serde_json::from_str(&text_of(s))
                .unwrap_or_else(|e| panic!("{page}: JSON-LD is not JSON: {e}"))
        })
        .collect()
}

fn of_type<'a>(values: &'a [Value], t: &str) -> Option<&'a Value> {
    values.iter().find(|v| v["@type"] == t)
}

fn non_empty(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

#[test]
fn articles_have_medical_web_page_json_ld_with_review_metadata() {
    let (_tmp, out) = hosted();
    let articles = article_pages(&out);
    assert!(!articles.is_empty());
    let mut problems = Vec::new();
    for page in &articles {
        let values = json_ld(&out, page);
        let Some(m) = of_type(&values, "MedicalWebPage") else {
            problems.push(format!("{page}: no MedicalWebPage JSON-LD"));
            continue;
        };
        if m["@context"] != "https://schema.org" {
            problems.push(format!("{page}: @context is {}", m["@context"]));
        }
        for key in [
            "lastReviewed",
            "reviewedBy",
            "audience",
            "author",
            "datePublished",
            "dateModified",
            "about",
        ] {
            if !non_empty(&m[key]) {
                problems.push(format!("{page}: MedicalWebPage has no {key}"));
            }
        }
        for key in ["lastReviewed", "datePublished", "dateModified"] {
            if let Some(d) = m[key].as_str() {
                if !is_date(d) {
                    problems.push(format!("{page}: {key} `{d}` is not YYYY-MM-DD"));
                }
            }
        }
        let want = permalink(BASE, page);
        if m["url"] != want.as_str() {
            problems.push(format!("{page}: url {} instead of {want}", m["url"]));
        }
    }
    assert!(problems.is_empty(), "JSON-LD:\n{}", problems.join("\n"));
}

#[test]
fn home_has_website_with_search_action_and_glossary_a_defined_term_set() {
    let (_tmp, out) = hosted();
    let home = json_ld(&out, "index.html");
    let site = of_type(&home, "WebSite").expect("WebSite JSON-LD on the home page");
    assert_eq!(site["url"], BASE);
    let action = &site["potentialAction"];
    assert_eq!(action["@type"], "SearchAction", "{site}");
    let template = action["target"]["urlTemplate"]
        .as_str()
        .or(action["target"].as_str())
        .expect("SearchAction target has a urlTemplate");
    assert!(
        template.starts_with(BASE) && template.contains("{search_term_string}"),
        "{template}"
    );
    let page = file_for(BASE, template.split('?').next().unwrap()).unwrap();
    assert!(
        out.exists(&page),
        "the SearchAction target {page} was not built"
    );
    assert_eq!(action["query-input"], "required name=search_term_string");

    let glossary = json_ld(&out, "glossary/index.html");
    let set = of_type(&glossary, "DefinedTermSet").expect("DefinedTermSet JSON-LD on the glossary");
    let terms = set["hasDefinedTerm"]
        .as_array()
        .expect("hasDefinedTerm list");
    let term_files = std::fs::read_dir(repo_root().join("content/glossary"))
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name();
            let n = n.to_string_lossy();
            n.ends_with(".md") && n != "_index.md" && !is_translation(&e.as_ref().unwrap().path())
        })
        .count();
    assert_eq!(terms.len(), term_files, "one DefinedTerm per glossary file");
    let ids = ids(&out.html("glossary/index.html"));
    for t in terms {
        assert_eq!(t["@type"], "DefinedTerm", "{t}");
        assert!(non_empty(&t["name"]) && non_empty(&t["description"]), "{t}");
        let url = t["url"].as_str().expect("DefinedTerm url");
        let (page, frag) = url.split_once('#').expect("term url has an anchor");
        assert_eq!(page, format!("{BASE}glossary/"));
        assert!(ids.contains(frag), "no id `{frag}` on the glossary page");
    }
}

// ---------------------------------------------------------------------------------------------
// base_url and --offline
// ---------------------------------------------------------------------------------------------

const NO_BASE_URL_SITE: &[(&str, &str)] = &[
    (
        "site.yaml",
        "title: Test Site\ndescription: A fixture site\n",
    ),
    ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
    (
        "content/articles/_index.md",
        "---\ntitle: Articles\n---\nAll articles.\n",
    ),
    (
        "content/articles/foo.md",
        "---\ntitle: Foo article\ndate: 2026-01-02\n---\nFoo body.\n",
    ),
];

#[test]
fn missing_base_url_fails_a_hosted_build_naming_sitemap_and_feed() {
    let fx = Fixture::new(NO_BASE_URL_SITE);
    let o = fx.cli(&[]);
    let err = stderr(&o);
    assert!(
        !o.status.success(),
        "a hosted build without base_url succeeded:\n{err}"
    );
    assert!(
        err.contains("base_url"),
        "the error does not name base_url:\n{err}"
    );
    assert!(
        err.contains("sitemap"),
        "the error does not name the sitemap:\n{err}"
    );
    assert!(
        err.contains("atom.xml") || err.contains("feed"),
        "the error does not name the feed:\n{err}"
    );
    assert!(
        err.contains("--base-url") && err.contains("--offline"),
        "the error does not say how to go on (--base-url, --offline):\n{err}"
    );
    assert!(!fx.output().exists(), "a failed build wrote output");
}

#[test]
fn offline_builds_without_base_url() {
    let fx = Fixture::new(NO_BASE_URL_SITE);
    let o = fx.cli(&["--offline"]);
    assert!(o.status.success(), "offline build failed:\n{}", stderr(&o));
    let out = fx.out();
    assert!(out.exists("index.html") && out.exists("articles/foo/index.html"));
    for f in ["sitemap.xml", "atom.xml", "robots.txt"] {
        assert!(!out.exists(f), "{f} written without a base_url");
    }
}

#[test]
fn base_url_flag_overrides_site_yaml() {
    let from_yaml = site_yaml_base_url();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("public");
    // Without the trailing slash: glia adds it.
    let o = run_cli(
        &repo_root(),
        &dir,
        &["--base-url", BASE.trim_end_matches('/')],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = Out { dir };
    for f in [
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "index.html",
        "404.html",
    ] {
        let text = out.text(f);
        assert!(text.contains(BASE), "{f} does not use --base-url {BASE}");
        assert!(
            !text.contains(&from_yaml),
            "{f} still uses site.yaml's base_url {from_yaml}"
        );
    }
    for page in article_pages(&out) {
        let doc = out.html(&page);
        let canonical = attr(&one(&doc, "link[rel=canonical]"), "href");
        assert_eq!(canonical, permalink(BASE, &page));
    }
    // And without the flag, site.yaml's base_url is used.
    let (_tmp2, default) = build_repo(None, false);
    assert!(default.text("sitemap.xml").contains(&from_yaml));
}

// ---------------------------------------------------------------------------------------------
// Nothing is loaded from another origin; offline links name files.
// ---------------------------------------------------------------------------------------------

/// `rel` values of `<link>` that make the browser fetch nothing.
const NON_LOADING_RELS: &[&str] = &[
    "canonical",
    "alternate",
    "author",
    "license",
    "help",
    "me",
    "bookmark",
    "next",
    "prev",
    "search",
    "external",
    "nofollow",
    "noopener",
    "noreferrer",
    "tag",
    "shortlink",
];

/// An absolute (`http:`, `https:`) or protocol-relative (`//`) URL that is not under `allowed`.
fn foreign(url: &str, allowed: Option<&str>) -> bool {
    let u = url.trim().trim_matches(['"', '\'']).trim();
    let absolute = u.starts_with("//")
        || matches!(
            scheme(u).as_deref(),
            Some("http" | "https" | "ftp" | "ws" | "wss")
        );
    absolute && !allowed.is_some_and(|a| u.starts_with(a))
}

/// URLs loaded by CSS text: `url(…)` and `@import "…"`.
fn css_loads(css: &str) -> Vec<String> {
    let mut found = Vec::new();
    for needle in ["url(", "@import"] {
        let mut rest = css;
        while let Some(i) = rest.find(needle) {
            rest = &rest[i + needle.len()..];
            let arg = rest.trim_start();
            let arg = arg.strip_prefix("url(").unwrap_or(arg).trim_start();
            let end = arg
                .find(|c: char| c == ')' || c == ';' || c.is_whitespace())
                .unwrap_or(arg.len());
            found.push(arg[..end].to_string());
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Places where JavaScript text loads a URL: `src=`, `fetch(`, dynamic `import(`, a module's
/// `import … from`, `importScripts(`.
fn js_loads(js: &str) -> Vec<String> {
    let mut found = Vec::new();
    for needle in [
        "src=",
        "src =",
        "fetch(",
        "import(",
        " from ",
        "importScripts(",
    ] {
        let mut rest = js;
        while let Some(i) = rest.find(needle) {
            let line_start = rest[..i].rfind('\n').map_or(0, |n| n + 1);
            let statement = rest[line_start..i].trim_start();
            let is_module_import =
                statement.starts_with("import ") || statement.starts_with("export ");
            rest = &rest[i + needle.len()..];
            if needle == " from " && !is_module_import {
                continue;
            }
            let arg = rest.trim_start().trim_start_matches(['"', '\'', '`', '\\']);
            let end = arg
                .find(['"', '\'', '`', ')', ' ', ';', '\\'])
                .unwrap_or(arg.len());
            found.push(arg[..end].to_string());
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Every load from another origin in an output folder, one line each.
fn foreign_loads(out: &Out, allowed: Option<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    for (file, bytes) in out.snapshot() {
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        if file.ends_with(".html") {
            let doc = scraper::Html::parse_document(&text);
            for e in select(&doc, "[src], [srcset], [poster], object[data], link[href]") {
                let v = e.value();
                if v.name() == "link" {
                    let rels = v.attr("rel").unwrap_or("").to_ascii_lowercase();
                    let loads = rels
                        .split_whitespace()
                        .any(|r| !NON_LOADING_RELS.contains(&r));
                    if loads && foreign(v.attr("href").unwrap_or(""), allowed) {
                        problems.push(format!(
                            "{file}: <link rel=\"{rels}\" href=\"{}\">",
                            v.attr("href").unwrap_or("")
                        ));
                    }
                }
                for a in ["src", "poster", "data"] {
                    if let Some(u) = v.attr(a) {
                        if foreign(u, allowed) {
                            problems.push(format!("{file}: <{} {a}=\"{u}\">", v.name()));
                        }
                    }
                }
                if let Some(set) = v.attr("srcset") {
                    for candidate in set.split(',') {
                        let u = candidate.split_whitespace().next().unwrap_or("");
                        if foreign(u, allowed) {
                            problems.push(format!("{file}: <{} srcset> {u}", v.name()));
                        }
                    }
                }
            }
            let mut css = String::new();
            for s in select(&doc, "style") {
                css.push_str(&text_of(&s));
            }
            for e in select(&doc, "[style]") {
                css.push_str(e.value().attr("style").unwrap_or(""));
                css.push('\n');
            }
            for u in css_loads(&css) {
                if foreign(&u, allowed) {
                    problems.push(format!("{file}: inline CSS loads {u}"));
                }
            }
            for s in select(&doc, "script:not([type=\"application/ld+json\"])") {
                for u in js_loads(&text_of(&s)) {
                    if foreign(&u, allowed) {
                        problems.push(format!("{file}: inline script loads {u}"));
                    }
                }
            }
        } else if file.ends_with(".css") {
            for u in css_loads(&text) {
                if foreign(&u, allowed) {
                    problems.push(format!("{file}: loads {u}"));
                }
            }
        } else if file.ends_with(".js") || file.ends_with(".mjs") {
            for u in js_loads(&text) {
                if foreign(&u, allowed) {
                    problems.push(format!("{file}: loads {u}"));
                }
            }
        }
    }
    problems
}

#[test]
fn the_scanner_finds_loads_from_other_origins() {
    let tmp = tempfile::tempdir().unwrap();
    let files = [
        ("a.html", "<link rel=stylesheet href=\"https://cdn.example/x.css\"><link rel=canonical href=\"https://other.example/\"><a href=\"https://other.example/\">ok</a><img src=\"//cdn.example/i.png\"><p style=\"background:url(https://cdn.example/b.png)\">"),
        ("b.css", "@import url(\"https://fonts.example/f.css\");\nbody{background:url(../img/local.png)}"),
        ("c.js", "s.src = \"https://cdn.example/s.js\"; fetch('data.json');\nimport x from \"https://cdn.example/m.js\";\nvar t = \"taken from https://doi.org/10.1/x\";"),
    ];
    for (f, t) in files {
        std::fs::write(tmp.path().join(f), t).unwrap();
    }
    let found = foreign_loads(
        &Out {
            dir: tmp.path().to_path_buf(),
        },
        None,
    );
    assert_eq!(found.len(), 6, "{found:#?}");
    assert!(
        !found.iter().any(|f| f.contains("other.example")),
        "{found:#?}"
    );
}

#[test]
fn hosted_output_loads_nothing_from_another_origin() {
    let (_tmp, out) = hosted();
    // The 404 page loads its stylesheet and script from base_url: the site's own origin.
    let origin = BASE.split('/').take(3).collect::<Vec<_>>().join("/") + "/";
    let problems = foreign_loads(&out, Some(&origin));
    assert!(
        problems.is_empty(),
        "loads from other origins:\n{}",
        problems.join("\n")
    );
}

#[test]
fn offline_output_loads_nothing_over_the_network() {
    let (_tmp, out) = build_repo(None, true);
    let problems = foreign_loads(&out, None);
    assert!(
        problems.is_empty(),
        "network loads in the offline copy:\n{}",
        problems.join("\n")
    );
}

#[test]
fn offline_links_name_files() {
    let (_tmp, out) = build_repo(None, true);
    let files: BTreeSet<String> = out.files().into_iter().collect();
    let mut problems = Vec::new();
    let mut by_page: BTreeMap<String, usize> = BTreeMap::new();
    for page in out.html_files() {
        let doc = out.html(&page);
        for e in select(&doc, "[href], [src], form[action]") {
            for a in ["href", "src", "action"] {
                let Some(url) = e.value().attr(a) else {
                    continue;
                };
                if url.starts_with('#') || url.starts_with("//") || scheme(url).is_some() {
                    continue;
                }
                *by_page.entry(page.clone()).or_default() += 1;
                let path = url.split(['#', '?']).next().unwrap_or("");
                let tag = e.value().name();
                // An empty path is the page itself (`<form action="">`), which is a file.
                if path.ends_with('/') || path == "." || path == ".." {
                    problems.push(format!(
                        "{page}: <{tag} {a}=\"{url}\"> names a folder, not a file"
                    ));
                    continue;
                }
                match resolve_relative(&page, url) {
                    Some(Ok((target, _))) if files.contains(&target) => {}
                    Some(Ok((target, _))) => problems.push(format!(
                        "{page}: <{tag} {a}=\"{url}\"> → {target}, which does not exist"
                    )),
                    Some(Err(e)) => problems.push(e),
                    None => {
                        problems.push(format!("{page}: <{tag} {a}=\"{url}\"> is root-relative"))
                    }
                }
            }
        }
    }
    assert!(
        by_page.get("index.html").is_some_and(|&n| n > 5),
        "the offline home page has almost no internal links: {by_page:?}"
    );
    assert!(
        problems.is_empty(),
        "offline links:\n{}",
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// The sitemap against the published schema.
// ---------------------------------------------------------------------------------------------

#[test]
#[ignore = "needs xmllint"]
fn sitemap_validates_against_the_sitemaps_org_schema() {
    let version = Command::new("xmllint").arg("--version").output();
    assert!(
        version.is_ok(),
        "xmllint not found ({version:?})\nhint: apt-get install -y libxml2-utils"
    );
    let (_tmp, out) = hosted();
    // The sitemaps.org schema, with the `xhtml:link` alternates the network's Spanish pages
    // add (each language's sitemap).
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sitemap-with-alternates.xsd");
    let o = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(out.dir.join("sitemap.xml"))
        .arg(out.dir.join("es/sitemap.xml"))
        .output()
        .expect("run xmllint");
    assert!(
        o.status.success(),
        "sitemap.xml does not validate against {}:\n{}\n{}",
        schema.display(),
        stderr(&o),
        out.text("sitemap.xml")
    );
}
