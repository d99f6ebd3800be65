//! Pages that grow with the site are split: on a generated 2,000-article site no HTML page
//! is over 1 MB, listings are paginated with `rel="prev"`/`rel="next"`, every glossary term
//! has its own page with its "Appears in" list, and every link into the paginated reference
//! index reaches the page that holds the work. Every internal link of the output is followed.
//!
//! The site is made here by a small generator (synthetic words and works, no real studies),
//! so the test needs nothing outside the repository.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

const ARTICLES: usize = 2_000;
const TERMS: usize = 30;
const WORKS: usize = 400;
const TAGS: usize = 15;
/// The page size the generated site asks for (`paginate` in `site.yaml`).
const PER_PAGE: usize = 40;
const MAX_PAGE_BYTES: usize = 1024 * 1024;

fn term_name(t: usize) -> String {
    format!("Glossword{t}")
}

fn term_slug(t: usize) -> String {
    format!("glossword-{t}")
}

/// The works article `a` cites.
fn cites(a: usize) -> [usize; 3] {
    [(a * 7) % WORKS, (a * 13 + 1) % WORKS, (a * 29 + 2) % WORKS]
}

/// The glossary terms article `a` uses.
fn uses(a: usize) -> [usize; 2] {
    [a % TERMS, (a / TERMS + 5) % TERMS]
}

fn generate(fx: &Fixture) {
    fx.write(
        "site.yaml",
        format!("title: Scale\nbase_url: https://example.org/\npaginate: {PER_PAGE}\n"),
    );
    fx.write("content/_index.md", "---\ntitle: Scale\n---\n\nHome.\n");
    fx.write(
        "content/articles/_index.md",
        "---\ntitle: Articles\n---\n\nEvery article.\n",
    );
    fx.write(
        "content/glossary/_index.md",
        "---\ntitle: Glossary\n---\n\nTerms.\n",
    );
    for t in 0..TERMS {
        fx.write(
            &format!("content/glossary/{}.md", term_slug(t)),
            format!(
                "---\nterm: {}\nshort: Synthetic term number {t}.\n---\n\nA made-up word used to test the glossary [@work{t}].\n",
                term_name(t)
            ),
        );
    }
    let mut refs = String::new();
    for w in 0..WORKS {
        // Family names spread over the alphabet, so the index has many letters.
        let letter = (b'A' + (w % 26) as u8) as char;
        refs.push_str(&format!(
            "- id: \"work{w}\"\n  type: \"article-journal\"\n  title: \"Synthetic work {w}\"\n  authors:\n    - \"{letter}family{w}, A.\"\n  container: \"Journal of Examples\"\n  year: {}\n",
            2000 + w % 20
        ));
    }
    fx.write("content/references/works.yaml", refs);
    for a in 0..ARTICLES {
        let [c1, c2, c3] = cites(a);
        let [t1, t2] = uses(a);
        let audience = if a % 2 == 0 { "patients" } else { "clinicians" };
        // One article links to a term the way links were written before terms had pages.
        let old_link = if a == 0 {
            format!(" See [the entry](../glossary/_index.md#{}).", term_slug(3))
        } else {
            String::new()
        };
        fx.write(
            &format!("content/articles/a{a:04}.md"),
            format!(
                "---\ntitle: \"Article {a:04}\"\ndate: 2024-{:02}-{:02}\nsummary: \"Synthetic article {a}.\"\ntags: [topic{}]\naudience: [{audience}]\n---\n\n## Overview\n\nThis text mentions {} and {} [@work{c1}; @work{c2}].{old_link}\n\n## More\n\nA second paragraph [@work{c3}].\n",
                1 + a % 12,
                1 + a % 28,
                a % TAGS,
                term_name(t1),
                term_name(t2),
            ),
        );
    }
}

/// The pages of a paginated listing, following `rel="next"` from its first page; checks that
/// each page's `rel="prev"` leads back and returns every page's links selected by `items`.
fn walk_listing(out: &Out, first: &str, items: &str) -> (Vec<String>, Vec<String>) {
    let mut pages = Vec::new();
    let mut found = Vec::new();
    let mut at = Some(first.to_string());
    let mut prev: Option<String> = None;
    while let Some(page) = at.take() {
        let doc = out.html(&page);
        for a in select(&doc, items) {
            let href = attr(&a, "href");
            let (target, _) = resolve_relative(&page, &href).unwrap().unwrap();
            found.push(target);
        }
        let link_to = |rel: &str| {
            select(&doc, &format!("head link[rel=\"{rel}\"]"))
                .first()
                .map(|l| {
                    resolve_relative(&page, &attr(l, "href"))
                        .unwrap()
                        .unwrap()
                        .0
                })
        };
        assert_eq!(link_to("prev"), prev, "rel=prev of {page}");
        assert_eq!(
            select(&doc, "nav.listing-pager a[rel=\"next\"]").len(),
            usize::from(link_to("next").is_some()),
            "{page}: the pager shows a next link exactly when the head has one"
        );
        at = link_to("next");
        prev = Some(page.clone());
        pages.push(page);
        assert!(
            pages.len() <= ARTICLES,
            "the rel=next chain of {first} loops"
        );
    }
    (pages, found)
}

#[test]
fn a_large_site_is_split_into_small_linked_pages() {
    let fx = Fixture::empty();
    generate(&fx);
    let out = fx.build_ok();

    // No page over 1 MB.
    let html = out.html_files();
    let too_big: Vec<String> = html
        .iter()
        .map(|f| (f, out.read(f).len()))
        .filter(|(_, n)| *n > MAX_PAGE_BYTES)
        .map(|(f, n)| format!("{f}: {n} bytes"))
        .collect();
    assert!(too_big.is_empty(), "pages over 1 MB: {too_big:#?}");

    // Every internal link and fragment of every page resolves.
    let broken = broken_relative_links(&out);
    assert!(
        broken.is_empty(),
        "broken links: {:#?}",
        &broken[..broken.len().min(20)]
    );

    // The section lists every article exactly once over its pages, PER_PAGE at a time.
    let (pages, listed) = walk_listing(&out, "articles/index.html", "ul.cards h2 a");
    assert_eq!(pages.len(), ARTICLES.div_ceil(PER_PAGE));
    assert_eq!(pages[1], "articles/page/2/index.html");
    let unique: BTreeSet<&String> = listed.iter().collect();
    assert_eq!((listed.len(), unique.len()), (ARTICLES, ARTICLES));

    // The home page is bounded: it names the section and the audiences, not every article.
    let home = out.html("index.html");
    let home_links = select(&home, "main a[href]").len();
    assert!(home_links < 100, "the home page has {home_links} links");
    assert!(out.text("index.html").contains("audiences/patients/"));

    // Audience and topic listings are complete and paginated.
    let (_, patients) = walk_listing(&out, "audiences/patients/index.html", "ul.cards h2 a");
    assert_eq!(patients.len(), ARTICLES / 2);
    let (tag_pages, topic) = walk_listing(&out, "tags/topic3/index.html", "ul.cards h2 a");
    assert_eq!(
        topic.len(),
        ARTICLES.div_ceil(TAGS) - usize::from(3 >= ARTICLES % TAGS)
    );
    assert!(tag_pages.len() > 1);

    // Each term has its page, listing exactly the articles that use it.
    let mut users: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for a in 0..ARTICLES {
        for t in uses(a) {
            users
                .entry(t)
                .or_default()
                .insert(format!("articles/a{a:04}/index.html"));
        }
    }
    let az = out.html("glossary/index.html");
    let az_ids = ids(&az);
    for t in 0..TERMS {
        let slug = term_slug(t);
        assert!(
            az_ids.contains(&slug),
            "the A–Z page keeps the #{slug} anchor"
        );
        let first = format!("glossary/{slug}/index.html");
        let (_, appears) = walk_listing(&out, &first, "section.appears-in li a");
        let appears: BTreeSet<String> = appears.into_iter().collect();
        assert_eq!(appears, users[&t], "Appears in of {slug}");
    }
    assert!(az_ids.contains("letter-g"));
    // Tooltips and the terms panel lead to the term's page; so does an old `#term` link.
    let a0 = out.html("articles/a0000/index.html");
    let term_links: Vec<String> = select(&a0, "a.gloss-term, aside a[href*=glossary]")
        .iter()
        .map(|a| {
            resolve_relative("articles/a0000/index.html", &attr(a, "href"))
                .unwrap()
                .unwrap()
                .0
        })
        .collect();
    assert!(!term_links.is_empty());
    for l in &term_links {
        assert!(
            l.starts_with("glossary/glossword-") && l.ends_with("/index.html"),
            "a term link leads to {l}"
        );
    }
    let old = select(&a0, "a")
        .into_iter()
        .find(|a| text_of(a) == "the entry")
        .expect("the old-style link");
    assert_eq!(
        attr(&old, "href"),
        format!("../../glossary/{}/", term_slug(3))
    );

    // The reference index is paginated; each cited work is on exactly one of its pages, and
    // every `#ref-` link into it reaches that page (the link checker saw the anchors exist).
    let (ref_pages, _) = walk_listing(&out, "references/index.html", "nav.jump a");
    assert_eq!(ref_pages.len(), WORKS.div_ceil(PER_PAGE));
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for p in &ref_pages {
        for id in ids(&out.html(p))
            .into_iter()
            .filter(|i| i.starts_with("ref-"))
        {
            *seen.entry(id).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), WORKS);
    assert!(seen.values().all(|&n| n == 1));
    // Result URLs live in the snippet shards (`search-index/d<N>.js`).
    let search: String = (out.files().iter())
        .filter(|f| f.starts_with("search-index/d"))
        .map(|f| out.text(f))
        .collect();
    let ref_urls: Vec<&str> = search
        .match_indices("references/")
        .map(|(i, _)| {
            let rest = &search[i..];
            &rest[..rest.find('"').unwrap_or(rest.len())]
        })
        .filter(|u| u.contains("#ref-"))
        .collect();
    assert!(!ref_urls.is_empty(), "search finds works in the index");
    for u in ref_urls {
        let (file, frag) = resolve_relative("index.html", u).unwrap().unwrap();
        let frag = frag.unwrap();
        assert!(
            ids(&out.html(&file)).contains(&frag),
            "search's {u} does not reach the work's entry"
        );
    }
}
