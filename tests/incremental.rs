//! `glia serve`'s incremental rebuilds (issue 6): after each kind of edit, the site the session
//! holds must be byte for byte what a full `glia build` of the same sources writes, and an
//! edit to an article's body must be a patch of that article (plus what depends on it), not a
//! whole build.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::*;
use glia::incremental::touch::Reason;
use glia::incremental::{Rebuild, Session};

const REFS: &str = "\
- id: walsh2021
  type: article-journal
  title: Ketamine for mental health
  authors: [\"Walsh Z\", \"Mollaahmetoglu OM\"]
  container: BJPsych Open
  year: 2021
  doi: 10.1192/bjo.2021.1061
- id: kim2023
  type: article-journal
  title: Esketamine for treatment-resistant depression
  authors: [\"Kim J\"]
  container: Psychiatry Research
  year: 2023
";

fn article(title: &str, tags: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: 2026-01-10\nlast_reviewed: 2026-06-01\ntags: [{tags}]\nsummary: \"About {title}.\"\n---\n{body}"
    )
}

const A_BODY: &str = "\
Ketamine is an anaesthetic [@walsh2021].

## How it works

It blocks the NMDA receptor. See [the other article](b.md#what-it-is).

## Safety

Blood pressure is checked [@kim2023].
";

const B_BODY: &str = "\
## What it is

Esketamine is given as a nasal spray [@kim2023].

```python
print(\"dose\")
```
";

fn fixture() -> Fixture {
    Fixture::new(&[
        (
            "site.yaml",
            &format!("{SITE_YAML}glossary:\n  link: first\n"),
        ),
        ("content/references/refs.yaml", REFS),
        (
            "content/glossary/ketamine.md",
            "---\nterm: ketamine\nshort: \"An anaesthetic medicine.\"\n---\nAn anaesthetic medicine used at low doses for depression.\n",
        ),
        (
            "content/glossary/nmda-receptor.md",
            "---\nterm: \"NMDA receptor\"\naliases: [\"NMDA\"]\n---\nA receptor for glutamate on nerve cells.\n",
        ),
        (
            "content/glossary/dissociation.md",
            "---\nterm: dissociation\n---\nFeeling detached from oneself.\n",
        ),
        ("content/articles/a.md", &article("Ketamine", "ketamine", A_BODY)),
        ("content/articles/b.md", &article("Esketamine", "esketamine", B_BODY)),
        (
            "content/disclaimer.md",
            "---\ntitle: Disclaimer\n---\nThis site does not give medical advice.\n",
        ),
        (
            "content/about.md",
            "---\ntitle: About\n---\nWho we are.\n",
        ),
    ])
}

/// The served folder as the session's rebuilds leave it, kept in memory.
struct Served {
    session: Session,
    files: BTreeMap<String, Vec<u8>>,
}

#[derive(Debug, PartialEq)]
enum Kind {
    Full,
    /// The paths of the files the patch wrote.
    Patch(Vec<String>),
}

impl Served {
    fn start(fx: &Fixture) -> Served {
        let mut s = Served {
            session: Session::new(fx.options()),
            files: BTreeMap::new(),
        };
        let (r, d) = s.session.full();
        s.apply(r.unwrap_or_else(|| panic!("{}", render_diags(&d.sorted()))));
        s
    }

    fn apply(&mut self, r: Rebuild) -> Kind {
        match r {
            Rebuild::Full { files, assets } => {
                self.files = files.into_iter().map(|f| (f.path, f.bytes)).collect();
                for a in assets {
                    self.files.insert(a.out, std::fs::read(&a.path).unwrap());
                }
                Kind::Full
            }
            Rebuild::Patch(files) => {
                let mut paths: Vec<String> = Vec::new();
                for f in files {
                    if self.files.get(&f.path) != Some(&f.bytes) {
                        paths.push(f.path.clone());
                    }
                    self.files.insert(f.path, f.bytes);
                }
                Kind::Patch(paths)
            }
        }
    }

    /// Writes `contents` to `path` in the fixture and rebuilds as serve would.
    fn edit(&mut self, fx: &Fixture, path: &str, contents: &str) -> Result<Kind, String> {
        fx.write(path, contents);
        self.update(fx, path)
    }

    fn update(&mut self, fx: &Fixture, path: &str) -> Result<Kind, String> {
        let changed: Vec<PathBuf> = vec![fx.root().join(path)];
        let (r, d) = self.session.update(&changed);
        match r {
            Some(r) => Ok(self.apply(r)),
            None => Err(render_diags(&d.sorted())),
        }
    }

    /// Panics unless the session's site equals a fresh full build of the same sources.
    fn assert_same_as_build(&self, fx: &Fixture, after: &str) {
        let built = fx.build_ok().snapshot();
        let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            names(&self.files),
            names(&built),
            "file lists differ after {after}"
        );
        for (path, bytes) in &built {
            assert!(
                self.files[path] == *bytes,
                "{path} differs from a full build after {after}:\n--- served\n{}\n--- built\n{}",
                String::from_utf8_lossy(&self.files[path]),
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

fn a_with(body: &str) -> String {
    article("Ketamine", "ketamine", body)
}

#[test]
fn a_body_edit_patches_the_article_and_the_search_index_only() {
    let fx = fixture();
    let mut s = Served::start(&fx);
    s.assert_same_as_build(&fx, "the first build");
    let body = A_BODY.replace(
        "is an anaesthetic",
        "is an anaesthetic medicine, first made in 1962,",
    );
    let kind = s
        .edit(&fx, "content/articles/a.md", &a_with(&body))
        .unwrap();
    assert_eq!(
        kind,
        Kind::Patch(vec![
            "articles/a/index.html".to_string(),
            // The search index's term and snippet shards; its manifest is unchanged.
            "search-index/t0.js".to_string(),
            "search-index/d0.js".to_string()
        ])
    );
    s.assert_same_as_build(&fx, "a body edit");
    let html = s.files["articles/a/index.html"].clone();
    assert!(String::from_utf8(html)
        .unwrap()
        .contains("first made in 1962"));
}

#[test]
fn an_edit_that_changes_the_terms_used_also_renders_the_glossary_page() {
    let fx = fixture();
    let mut s = Served::start(&fx);
    // Start using "dissociation", which no page used: it gains an "Appears in" entry.
    let body = format!("{A_BODY}\nSome people feel dissociation.\n");
    let kind = s
        .edit(&fx, "content/articles/a.md", &a_with(&body))
        .unwrap();
    let Kind::Patch(paths) = kind else {
        panic!("expected a patch, got {kind:?}")
    };
    assert!(
        paths.contains(&"glossary/index.html".to_string()),
        "{paths:?}"
    );
    s.assert_same_as_build(&fx, "an edit adding a term");
    // And stop using "NMDA receptor" on b's neighbour a: it leaves that list.
    let body = body.replace("It blocks the NMDA receptor.", "It blocks a receptor.");
    s.edit(&fx, "content/articles/a.md", &a_with(&body))
        .unwrap();
    s.assert_same_as_build(&fx, "an edit removing a term");
}

#[test]
fn front_matter_edits_render_the_listings_not_the_whole_site() {
    let fx = fixture();
    let mut s = Served::start(&fx);
    let retitled = article("Ketamine infusions", "ketamine", A_BODY);
    let Kind::Patch(paths) = s.edit(&fx, "content/articles/a.md", &retitled).unwrap() else {
        panic!("a new title should be patched in")
    };
    for listed in [
        "articles/a/index.html",
        "index.html",
        "tags/ketamine/index.html",
        "references/index.html",
        // The term's page lists the article by its title.
        "glossary/ketamine/index.html",
        "atom.xml",
    ] {
        assert!(
            paths.contains(&listed.to_string()),
            "{listed} not in {paths:?}"
        );
    }
    s.assert_same_as_build(&fx, "a new title");
    // An older date moves the article after b: both neighbours' links change.
    let older = retitled.replace("date: 2026-01-10", "date: 2025-03-01");
    assert!(matches!(
        s.edit(&fx, "content/articles/a.md", &older).unwrap(),
        Kind::Patch(_)
    ));
    s.assert_same_as_build(&fx, "an older date");
    // A tag another article already has.
    let b = article("Esketamine", "esketamine, ketamine", B_BODY);
    assert!(matches!(
        s.edit(&fx, "content/articles/b.md", &b).unwrap(),
        Kind::Patch(_)
    ));
    s.assert_same_as_build(&fx, "a shared tag");
    // The newest date of the site is the "Last updated" date of every page.
    let newest = older.replace("date: 2025-03-01", "date: 2026-09-01");
    assert_eq!(
        s.edit(&fx, "content/articles/a.md", &newest).unwrap(),
        Kind::Full
    );
    s.assert_same_as_build(&fx, "a new newest date");
}

/// Issue 20, point 5: a review date edited into the past shows the overdue notice and leaves
/// the home page's "Recently reviewed", as a full build of the same day would.
#[test]
fn a_review_falling_due_is_patched_like_a_full_build() {
    let fx = fixture();
    let mut s = Served::start(&fx);
    let reviewed = |html: &[u8]| {
        String::from_utf8_lossy(html).contains(">Ketamine</a> <span class=\"meta-inline\">reviewed")
    };
    assert!(reviewed(&s.files["index.html"]));
    let overdue = a_with(A_BODY).replace("last_reviewed: 2026-06-01", "last_reviewed: 2020-06-01");
    let Kind::Patch(paths) = s.edit(&fx, "content/articles/a.md", &overdue).unwrap() else {
        panic!("a new review date should be patched in")
    };
    assert!(paths.contains(&"index.html".to_string()), "{paths:?}");
    s.assert_same_as_build(&fx, "a review date in the past");
    let page = String::from_utf8_lossy(&s.files["articles/a/index.html"]).into_owned();
    assert!(page.contains("This page is due for review"), "{page}");
    assert!(!reviewed(&s.files["index.html"]));
    // A picture to share (`og:image`) must be a published file, which resolve checks: a
    // missing one is reported, an existing one compiled in full.
    let missing = overdue.replace("tags:", "image: nope.png\ntags:");
    let err = s.edit(&fx, "content/articles/a.md", &missing).unwrap_err();
    assert!(
        err.contains("error[missing-image]: content/articles/a.md:5:8"),
        "{err}"
    );
    assert_eq!(s.session.full_because, Some(Reason::Image));
    let image = overdue.replace("tags:", "image: /img/favicon.svg\ntags:");
    assert_eq!(
        s.edit(&fx, "content/articles/a.md", &image).unwrap(),
        Kind::Full
    );
    // The compile with the missing image failed, so this one compiles everything too.
    assert_eq!(s.session.full_because, Some(Reason::NoBuild));
    s.assert_same_as_build(&fx, "an image");
}

/// Resolve takes an article's own `references:` into the bibliography, so the page no longer
/// holds them: serve still tells an edit beside them (patched) from an edit of them (the
/// reference index and every citing page change: a full compile).
#[test]
fn an_articles_own_references_compile_everything_only_when_they_change() {
    let fx = fixture();
    let own = |title: &str, year: &str| {
        article(
            title,
            "ketamine",
            &format!("{A_BODY}\nA small trial followed [@own2020].\n"),
        )
        .replace(
            "tags:",
            &format!(
                "references:\n  - id: own2020\n    title: \"A placeholder work\"\n    \
                 authors: [\"Doe J\"]\n    container: A journal\n    year: {year}\ntags:"
            ),
        )
    };
    fx.write("content/articles/a.md", own("Ketamine", "2020"));
    let mut s = Served::start(&fx);
    let retitled = own("Ketamine infusions", "2020");
    assert!(matches!(
        s.edit(&fx, "content/articles/a.md", &retitled).unwrap(),
        Kind::Patch(_)
    ));
    s.assert_same_as_build(&fx, "a new title beside references");
    let redated = own("Ketamine infusions", "2021");
    assert_eq!(
        s.edit(&fx, "content/articles/a.md", &redated).unwrap(),
        Kind::Full
    );
    assert_eq!(s.session.full_because, Some(Reason::References));
    s.assert_same_as_build(&fx, "a reference's new year");
    let html = String::from_utf8_lossy(&s.files["articles/a/index.html"]).into_owned();
    assert!(html.contains("2021"), "{html}");
}

#[test]
fn edits_beyond_the_body_compile_the_whole_site() {
    let fx = fixture();
    let mut s = Served::start(&fx);
    // Each case changes one thing against the one before it.
    let safety_checks = A_BODY.replace("## Safety", "## Safety checks");
    let cases: Vec<(&str, String, Reason)> = vec![
        // A new tag: a tag page appears.
        (
            "content/articles/a.md",
            article("Ketamine infusions", "ketamine, infusion", A_BODY),
            Reason::Listings,
        ),
        // A page's title is in every page's navigation.
        (
            "content/about.md",
            "---\ntitle: About us\n---\nWho we are.\n".to_string(),
            Reason::PageFrontMatter,
        ),
        // A heading: other pages may link to its anchor.
        (
            "content/articles/a.md",
            a_with(&safety_checks),
            Reason::Headings,
        ),
        // A work no longer cited: the reference index drops it.
        (
            "content/articles/a.md",
            a_with(&safety_checks.replace(
                "Ketamine is an anaesthetic [@walsh2021].",
                "Ketamine is an anaesthetic.",
            )),
            Reason::Citations,
        ),
        // The disclaimer's first paragraph is in every page's footer.
        (
            "content/disclaimer.md",
            "---\ntitle: Disclaimer\n---\nThis site gives no medical advice at all.\n".to_string(),
            Reason::NotAPage,
        ),
        // A glossary definition.
        (
            "content/glossary/dissociation.md",
            "---\nterm: dissociation\n---\nFeeling detached from oneself or the world.\n"
                .to_string(),
            Reason::NotAPage,
        ),
        // The site's settings.
        (
            "site.yaml",
            format!("{SITE_YAML}glossary:\n  link: all\n"),
            Reason::NotAPage,
        ),
        // A new page.
        (
            "content/articles/c.md",
            article("TMS", "tms", "Magnetic pulses.\n"),
            Reason::NotAPage,
        ),
    ];
    for (path, contents, why) in cases {
        let kind = s.edit(&fx, path, &contents).unwrap();
        assert_eq!(kind, Kind::Full, "editing {path}");
        assert_eq!(s.session.full_because, Some(why), "editing {path}");
        s.assert_same_as_build(&fx, &format!("editing {path}"));
    }
    fx.remove("content/articles/c.md");
    assert_eq!(s.update(&fx, "content/articles/c.md").unwrap(), Kind::Full);
    s.assert_same_as_build(&fx, "removing a page");
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_a_fix_patches_it() {
    let fx = fixture();
    let mut s = Served::start(&fx);
    let before = s.files.clone();
    let broken = A_BODY.replace("b.md#what-it-is", "missing.md");
    let err = s
        .edit(&fx, "content/articles/a.md", &a_with(&broken))
        .unwrap_err();
    assert!(err.contains("content/articles/a.md:"), "{err}");
    assert!(err.contains("missing.md"), "{err}");
    assert_eq!(s.files, before, "a failed rebuild must change nothing");
    // A Markdown body is never malformed, but a body that is not UTF-8 is.
    fx.write(
        "content/articles/a.md",
        b"---\ntitle: Ketamine\n---\n\xff\n",
    );
    let err = s.update(&fx, "content/articles/a.md").unwrap_err();
    assert!(err.contains("UTF-8"), "{err}");
    let fixed = A_BODY.replace("Blood pressure", "Blood pressure and pulse");
    let kind = s
        .edit(&fx, "content/articles/a.md", &a_with(&fixed))
        .unwrap();
    assert!(matches!(kind, Kind::Patch(_)), "{kind:?}");
    s.assert_same_as_build(&fx, "fixing the page");
}

#[test]
fn an_editors_swap_file_that_comes_and_goes_is_ignored() {
    let fx = fixture();
    let mut s = Served::start(&fx);
    fx.write("content/articles/.a.md.swp", "x");
    fx.remove("content/articles/.a.md.swp");
    assert_eq!(
        s.update(&fx, "content/articles/.a.md.swp").unwrap(),
        Kind::Patch(Vec::new())
    );
    s.assert_same_as_build(&fx, "a swap file");
}

#[test]
fn term_pages_follow_edits_and_a_listing_page_that_comes_or_goes_needs_a_full_build() {
    let fx = fixture();
    // One item a page, so each listing has as many pages as items.
    fx.write(
        "site.yaml",
        format!("{SITE_YAML}glossary:\n  link: first\npaginate: 1\n"),
    );
    let mut s = Served::start(&fx);
    // A term nobody used gets its first page: its listing keeps one page.
    let b = article(
        "Esketamine",
        "esketamine",
        &format!("{B_BODY}\nIt may cause dissociation.\n"),
    );
    let Kind::Patch(paths) = s.edit(&fx, "content/articles/b.md", &b).unwrap() else {
        panic!("a term used on one more page, still one page of listing, is patched in")
    };
    assert!(
        paths.contains(&"glossary/dissociation/index.html".to_string()),
        "{paths:?}"
    );
    s.assert_same_as_build(&fx, "a newly used term");
    // A second page using ketamine adds `glossary/ketamine/page/2/`.
    let b = article(
        "Esketamine",
        "esketamine",
        &format!("{B_BODY}\nIt may cause dissociation, like ketamine.\n"),
    );
    assert_eq!(
        s.edit(&fx, "content/articles/b.md", &b).unwrap(),
        Kind::Full
    );
    assert_eq!(s.session.full_because, Some(Reason::TermListing));
    s.assert_same_as_build(&fx, "a term's listing grows by a page");
    // A new title reorders the term's listing over its pages.
    let a = article("Zeta ketamine", "ketamine", A_BODY);
    assert!(matches!(
        s.edit(&fx, "content/articles/a.md", &a).unwrap(),
        Kind::Patch(_)
    ));
    s.assert_same_as_build(&fx, "a retitled article on a term's pages");
}

/// "Related" lists name other articles by title and follow their tags and terms: an edit to
/// one article's title or tags changes the pages of articles that are not its neighbours or
/// listings, and a patch renders them as a full build does.
#[test]
fn related_lists_follow_title_and_tag_edits() {
    let fx = fixture();
    // Articles sharing the tag `ketamine` with a, dated so that some are not a's neighbours.
    for (name, date) in [
        ("c", "2026-02-01"),
        ("d", "2026-03-01"),
        ("e", "2026-04-01"),
    ] {
        fx.write(
            &format!("content/articles/{name}.md"),
            format!("---\ntitle: \"Article {name}\"\ndate: {date}\ntags: [ketamine]\n---\nText.\n"),
        );
    }
    let mut s = Served::start(&fx);
    let listed_in_e = s.files["articles/e/index.html"].clone();
    assert!(
        String::from_utf8_lossy(&listed_in_e).contains(">Ketamine</a>"),
        "e's related list should name a"
    );
    let retitled = article("Ketamine infusions", "ketamine", A_BODY);
    assert!(matches!(
        s.edit(&fx, "content/articles/a.md", &retitled).unwrap(),
        Kind::Patch(_)
    ));
    s.assert_same_as_build(&fx, "a new title of a related article");
    // b takes the tag: the lists of c, d and e now have b.
    let b = article("Esketamine", "esketamine, ketamine", B_BODY);
    assert!(matches!(
        s.edit(&fx, "content/articles/b.md", &b).unwrap(),
        Kind::Patch(_)
    ));
    s.assert_same_as_build(&fx, "a tag shared with related articles");
    // `related:` naming no page is an error of the patch; naming one replaces the list.
    let chosen = |list: &str| retitled.replacen("---\n", &format!("---\nrelated: [{list}]\n"), 1);
    let err = s
        .edit(&fx, "content/articles/a.md", &chosen("nope.md"))
        .unwrap_err();
    assert!(err.contains("broken-related"), "{err}");
    assert!(matches!(
        s.edit(&fx, "content/articles/a.md", &chosen("e.md"))
            .unwrap(),
        Kind::Patch(_)
    ));
    s.assert_same_as_build(&fx, "a related: list");
}

#[test]
fn aliases_and_templates_compile_the_whole_site_and_feeds_follow_edits() {
    let fx = fixture();
    fx.write(
        "site.yaml",
        format!("{SITE_YAML}glossary:\n  link: first\nfeeds:\n  full_content: true\n"),
    );
    fx.write(
        "templates/wide.html",
        "{% extends \"base.html\" %}{% block main %}<div class=\"wide\">{{ page.content | safe }}</div>{% endblock main %}",
    );
    let mut s = Served::start(&fx);
    s.assert_same_as_build(&fx, "the first build");
    // With whole articles in the feeds, a body edit shows in them too.
    let body = A_BODY.replace("is an anaesthetic", "is an anaesthetic medicine");
    let Kind::Patch(paths) = s
        .edit(&fx, "content/articles/a.md", &a_with(&body))
        .unwrap()
    else {
        panic!("a body edit should be patched in")
    };
    for feed in ["atom.xml", "tags/ketamine/atom.xml"] {
        assert!(paths.contains(&feed.to_string()), "{feed} not in {paths:?}");
    }
    s.assert_same_as_build(&fx, "a body edit with full-content feeds");
    let front = |extra: &str| a_with(&body).replacen("date:", &format!("{extra}date:"), 1);
    for (what, contents) in [
        ("an alias", front("aliases: [/old-ketamine/]\n")),
        // The redirect page shows the title it leads to.
        (
            "a new title of an aliased page",
            front("aliases: [/old-ketamine/]\n").replace("\"Ketamine\"", "\"Ketamine infusions\""),
        ),
        ("a template", front("template: wide.html\n")),
    ] {
        let kind = s.edit(&fx, "content/articles/a.md", &contents).unwrap();
        assert_eq!(kind, Kind::Full, "{what}");
        s.assert_same_as_build(&fx, what);
    }
    // The alias is gone again, and so is its redirect page.
    assert!(!s.files.contains_key("old-ketamine/index.html"));
    let kind = s
        .edit(
            &fx,
            "content/articles/_index.md",
            "---\ntitle: Articles\npage_template: wide.html\n---\n",
        )
        .unwrap();
    assert_eq!(kind, Kind::Full);
    s.assert_same_as_build(&fx, "a section's page_template");
}

#[test]
fn a_site_in_two_languages_is_compiled_in_full_on_every_edit() {
    let fx = fixture();
    fx.write(
        "site.yaml",
        format!("{SITE_YAML}languages:\n  es:\n    title: Red\n"),
    );
    fx.write(
        "content/articles/a.es.md",
        article("Ketamina", "ketamine", "La ketamina [@walsh2021].\n"),
    );
    let mut s = Served::start(&fx);
    s.assert_same_as_build(&fx, "the first build");
    // A translation's body, and the original's: the other language's switcher, hreflang and
    // sitemap name the page, so everything is compiled again.
    for (path, contents) in [
        (
            "content/articles/a.es.md",
            article("Ketamina", "ketamine", "La ketamina ayuda [@walsh2021].\n"),
        ),
        (
            "content/articles/a.md",
            a_with(&A_BODY.replace("anaesthetic", "anesthetic")),
        ),
    ] {
        assert_eq!(s.edit(&fx, path, &contents).unwrap(), Kind::Full, "{path}");
        assert_eq!(s.session.full_because, Some(Reason::Languages), "{path}");
        s.assert_same_as_build(&fx, &format!("editing {path}"));
    }
    assert!(s.files.contains_key("es/articles/a/index.html"));
}
