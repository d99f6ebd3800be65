//! Citations in built sites (issue 3): in-text citations and numbered reference lists, the
//! places citations are and are not recognised, author–date styles, the site-wide reference
//! index, "Cite this page" downloads, JSON-LD, and bad reference data.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use scraper::{ElementRef, Html};

// ---------------------------------------------------------------------------------------------
// Fixtures.
// ---------------------------------------------------------------------------------------------

/// The shared bibliography: two works by Walsh (2019, 2021), one by Cole, one never cited, and
/// a second key for Walsh 2021 (same DOI).
const REFS_YAML: &str = "\
- id: walsh2021
  type: article-journal
  title: Ketamine for mental health
  authors:
    - {family: Walsh, given: Zach}
    - {family: Nutt, given: David}
    - {family: Morgan, given: Celia}
  container: BJPsych Open
  year: 2021
  volume: 8
  pages: e19
  doi: 10.1192/bjo.2021.1061
  pmid: 35048815
  pmcid: PMC8715255
- id: walsh2019
  type: article-journal
  title: An earlier review by Walsh
  authors:
    - {family: Walsh, given: Zach}
  container: J Psychopharmacol
  year: 2019
- id: cole2020
  type: article-journal
  title: Accelerated magnetic stimulation
  authors:
    - {family: Cole, given: Eleanor}
  container: Am J Psychiatry
  year: 2020
  volume: 177
  pages: 716-726
  doi: 10.1176/appi.ajp.2019.19070720
- id: zed2000
  type: book
  title: A work nobody cites
  authors:
    - {family: Zed, given: Quentin}
  publisher: Nobody Press
  year: 2000
";

/// The same DOI as `walsh2021`, under another key (a warning, not an error).
const DUP_DOI_YAML: &str = "\
- id: walsh2021dup
  type: article-journal
  title: Ketamine for mental health (duplicate entry)
  authors:
    - {family: Walsh, given: Zach}
  container: BJPsych Open
  year: 2021
  doi: 10.1192/BJO.2021.1061
";

/// Cites every form once: `[@a]`, `[@a; @b]`, `[@b, p. 12]`, `[see @c, ch. 2]`, `[-@a]` and
/// `@b` in running text. `adams2019` comes from the front-matter, the others from refs.yaml.
const ARTICLE_ONE: &str = "\
---
title: One
references:
  - id: adams2019
    type: book
    title: A book on psychiatry
    authors: [{family: Adams, given: Ann}]
    publisher: Pub
    year: 2019
---
First [@walsh2021]. Both [@walsh2021; @cole2020]. Page [@cole2020, p. 12].

See [see @adams2019, ch. 2]. Year [-@walsh2021]. And @cole2020 said so.

## After

Text after.
";

const ARTICLE_TWO: &str = "---\ntitle: Two\n---\nOnly this work [@cole2020].\n";

fn base_site() -> Vec<(&'static str, &'static str)> {
    vec![
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/articles/_index.md",
            "---\ntitle: Articles\n---\nAll articles.\n",
        ),
        ("content/references/refs.yaml", REFS_YAML),
    ]
}

fn main_site() -> Fixture {
    let mut files = base_site();
    files.push(("content/articles/one.md", ARTICLE_ONE));
    files.push(("content/articles/two.md", ARTICLE_TWO));
    Fixture::new(&files)
}

/// One in-text citation as rendered: its id, and the (key, text) of each link it holds.
#[derive(Debug, PartialEq)]
struct InText {
    id: String,
    links: Vec<(String, String)>,
}

fn in_text_citations(doc: &Html) -> Vec<InText> {
    select(doc, "span.cite")
        .iter()
        .map(|c| {
            let links = c
                .select(&sel(".citation a"))
                .map(|a| {
                    let href = attr(&a, "href");
                    let key = href
                        .strip_prefix("#ref-")
                        .unwrap_or_else(|| panic!("citation link `{href}` is not #ref-<key>"))
                        .to_string();
                    (key, text_of(&a).trim().to_string())
                })
                .collect();
            InText {
                id: attr(c, "id"),
                links,
            }
        })
        .collect()
}

/// The visible in-text citation (without its tooltip).
fn citation_text(c: &ElementRef<'_>) -> String {
    let inner = c
        .select(&sel(".citation"))
        .next()
        .unwrap_or_else(|| panic!("no .citation in {}", c.html()));
    text_of(&inner)
}

fn list_ids(doc: &Html, s: &str) -> Vec<String> {
    select(doc, s).iter().map(|e| attr(e, "id")).collect()
}

fn hrefs(e: &ElementRef<'_>, s: &str) -> Vec<String> {
    e.select(&sel(s)).map(|a| attr(&a, "href")).collect()
}

fn assert_no_broken_links(out: &Out) {
    let problems = broken_relative_links(out);
    assert!(
        problems.is_empty(),
        "broken links in the built site:\n{}",
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Vancouver (the default): numbering, links, the reference list.
// ---------------------------------------------------------------------------------------------

#[test]
fn vancouver_numbers_follow_first_citation_and_repeat_for_the_same_work() {
    let fx = main_site();
    let out = fx.build_ok();
    let doc = out.html("articles/one/index.html");
    let cites = in_text_citations(&doc);
    let got: Vec<Vec<(&str, &str)>> = cites
        .iter()
        .map(|c| {
            c.links
                .iter()
                .map(|(k, t)| (k.as_str(), t.as_str()))
                .collect()
        })
        .collect();
    assert_eq!(
        got,
        vec![
            vec![("walsh2021", "1")],
            vec![("walsh2021", "1"), ("cole2020", "2")],
            vec![("cole2020", "2")],
            vec![("adams2019", "3")],
            vec![("walsh2021", "1")],
            vec![("cole2020", "2")],
        ],
        "in-text citations, in page order"
    );
    // Visible forms: brackets of the style, the prefix and the suffix kept.
    let spans = select(&doc, "span.cite");
    assert_eq!(citation_text(&spans[0]), "(1)");
    assert_eq!(citation_text(&spans[1]), "(1,2)");
    assert_eq!(citation_text(&spans[3]), "(see 3, ch. 2)");

    // The list: one entry per work, in first-citation order, numbered 1, 2, 3.
    let items = select(&doc, "section.references ol.reference-list > li");
    let listed: Vec<(String, String)> = items
        .iter()
        .map(|li| (attr(li, "id"), attr(li, "value")))
        .collect();
    assert_eq!(
        listed,
        [
            ("ref-walsh2021".to_string(), "1".to_string()),
            ("ref-cole2020".to_string(), "2".to_string()),
            ("ref-adams2019".to_string(), "3".to_string()),
        ]
    );
    // Each in-text link targets an entry of this page's reference list.
    let list_ids: BTreeSet<String> = list_ids(&doc, "section.references li[id]")
        .into_iter()
        .collect();
    for c in &cites {
        for (key, _) in &c.links {
            assert!(
                list_ids.contains(&format!("ref-{key}")),
                "citation {} links #ref-{key}, which is not in the list {list_ids:?}",
                c.id
            );
        }
    }
    // The entry text is the formatted reference.
    let walsh = one(&doc, "li#ref-walsh2021 .ref-text");
    let t = text_of(&walsh);
    assert!(
        t.contains("Walsh Z") && t.contains("Ketamine for mental health"),
        "{t}"
    );
}

#[test]
fn reference_list_has_identifier_links_where_known() {
    let fx = main_site();
    let out = fx.build_ok();
    let doc = out.html("articles/one/index.html");
    let walsh = one(&doc, "section.references li#ref-walsh2021");
    assert_eq!(
        hrefs(&walsh, "a.ref-doi"),
        ["https://doi.org/10.1192/bjo.2021.1061"]
    );
    assert_eq!(
        hrefs(&walsh, "a.ref-pubmed"),
        ["https://pubmed.ncbi.nlm.nih.gov/35048815/"]
    );
    assert_eq!(
        hrefs(&walsh, "a.ref-pmc"),
        ["https://pmc.ncbi.nlm.nih.gov/articles/PMC8715255/"]
    );
    let cole = one(&doc, "section.references li#ref-cole2020");
    assert_eq!(
        hrefs(&cole, "a.ref-doi"),
        ["https://doi.org/10.1176/appi.ajp.2019.19070720"]
    );
    assert!(hrefs(&cole, "a.ref-pubmed, a.ref-pmc").is_empty());
    let adams = one(&doc, "section.references li#ref-adams2019");
    assert!(
        hrefs(&adams, "a.ref-doi, a.ref-pubmed, a.ref-pmc").is_empty(),
        "a work without identifiers gets no identifier links"
    );
}

#[test]
fn reference_list_back_links_reach_every_citation_of_the_entry() {
    let fx = main_site();
    let out = fx.build_ok();
    let doc = out.html("articles/one/index.html");
    let page_ids = ids(&doc);
    let cites = in_text_citations(&doc);
    for li in select(&doc, "section.references li[id]") {
        let key = attr(&li, "id").strip_prefix("ref-").unwrap().to_string();
        let expected: BTreeSet<String> = cites
            .iter()
            .filter(|c| c.links.iter().any(|(k, _)| k == &key))
            .map(|c| format!("#{}", c.id))
            .collect();
        let back: Vec<String> = hrefs(&li, ".backlinks a");
        let back_set: BTreeSet<String> = back.iter().cloned().collect();
        assert_eq!(back.len(), back_set.len(), "repeated back-link: {back:?}");
        assert_eq!(back_set, expected, "back-links of {key}");
        for b in &back {
            let id = b.strip_prefix('#').unwrap();
            assert!(page_ids.contains(id), "back-link {b} has no target");
        }
    }
    // walsh2021 is cited three times (first, in the pair, and author-suppressed).
    let walsh = one(&doc, "li#ref-walsh2021");
    assert_eq!(hrefs(&walsh, ".backlinks a").len(), 3);
    assert_no_broken_links(&out);
}

#[test]
fn in_text_citations_have_a_tooltip_with_the_reference() {
    let fx = main_site();
    let out = fx.build_ok();
    let doc = out.html("articles/one/index.html");
    for a in select(&doc, "span.cite .citation a") {
        let tip_id = attr(&a, "aria-describedby");
        let tip = one(&doc, &format!("[id=\"{tip_id}\"]"));
        assert_eq!(tip.value().attr("role"), Some("tooltip"));
        let key = attr(&a, "href").trim_start_matches("#ref-").to_string();
        let title = match key.as_str() {
            "walsh2021" => "Ketamine for mental health",
            "cole2020" => "Accelerated magnetic stimulation",
            "adams2019" => "A book on psychiatry",
            other => panic!("unexpected key {other}"),
        };
        assert!(
            text_of(&tip).contains(title),
            "tooltip of a citation of {key}: {}",
            text_of(&tip)
        );
    }
}

#[test]
fn numbering_is_per_article() {
    let fx = main_site();
    let out = fx.build_ok();
    let doc = out.html("articles/two/index.html");
    let cites = in_text_citations(&doc);
    assert_eq!(cites.len(), 1);
    assert_eq!(
        cites[0].links,
        [("cole2020".to_string(), "1".to_string())],
        "the only work cited on the page is number 1 there"
    );
    let listed: Vec<(String, String)> = select(&doc, "section.references li")
        .iter()
        .map(|li| (attr(li, "id"), attr(li, "value")))
        .collect();
    assert_eq!(listed, [("ref-cole2020".to_string(), "1".to_string())]);
}

#[test]
fn references_marker_places_the_list() {
    let mut files = base_site();
    files.push((
        "content/articles/placed.md",
        "---\ntitle: Placed\n---\nClaim [@walsh2021].\n\n<!-- references -->\n\n## After the list\n\nMore text [@cole2020].\n",
    ));
    files.push(("content/articles/one.md", ARTICLE_ONE));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();

    let doc = out.html("articles/placed/index.html");
    let lists = select(&doc, "section.references");
    assert_eq!(lists.len(), 1, "exactly one reference list");
    // Inside the body, between the paragraph before the marker and the heading after it.
    let children: Vec<ElementRef> = select(&doc, ".prose > *");
    let pos = |pred: &dyn Fn(&ElementRef) -> bool| {
        children
            .iter()
            .position(pred)
            .unwrap_or_else(|| panic!("not found among .prose children"))
    };
    let list_at = pos(&|e| e.value().classes().any(|c| c == "references"));
    let heading_at = pos(&|e| e.value().id() == Some("after-the-list"));
    let first_para = pos(&|e| e.value().name() == "p");
    assert!(
        first_para < list_at && list_at < heading_at,
        "list at {list_at}, first paragraph at {first_para}, heading at {heading_at}"
    );
    // The list still holds every work the page cites, even those after the marker.
    assert_eq!(
        list_ids(&doc, "section.references li"),
        ["ref-walsh2021", "ref-cole2020"]
    );
    assert!(!doc.html().contains("<!-- references -->"));

    // Without the marker, the list follows the body.
    let doc = out.html("articles/one/index.html");
    assert!(select(&doc, ".prose section.references").is_empty());
    let list = one(&doc, "article section.references");
    assert_eq!(
        list.parent()
            .and_then(ElementRef::wrap)
            .map(|p| p.value().name().to_string()),
        Some("article".to_string())
    );
}

// ---------------------------------------------------------------------------------------------
// Where citations are and are not recognised.
// ---------------------------------------------------------------------------------------------

const CONTEXTS: &str = "\
---
title: Contexts
---
Code `[@walsh2021]` here.

```
[@walsh2021] in a fence
```

A [link](https://example.org/@walsh2021) whose address has an at-sign.

<div class=\"raw-block\">[@walsh2021] in raw HTML</div>

Inline <abbr title=\"[@walsh2021]\">raw</abbr> attribute.

Write to name@example.org or to name@walsh2021 please.

A footnote[^n].

[^n]: As shown [@cole2020].
";

#[test]
fn citations_are_not_recognised_in_code_link_addresses_raw_html_or_email() {
    let mut files = base_site();
    files.push(("content/articles/contexts.md", CONTEXTS));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let doc = out.html("articles/contexts/index.html");

    assert_eq!(text_of(&one(&doc, ".prose p code")), "[@walsh2021]");
    assert!(text_of(&one(&doc, ".prose pre")).contains("[@walsh2021] in a fence"));
    let links: Vec<(String, String)> = select(&doc, ".prose a[href^=\"https://example.org/\"]")
        .iter()
        .map(|a| (attr(a, "href"), text_of(a)))
        .collect();
    assert_eq!(
        links,
        [(
            "https://example.org/@walsh2021".to_string(),
            "link".to_string()
        )]
    );
    assert_eq!(
        text_of(&one(&doc, ".prose div.raw-block")),
        "[@walsh2021] in raw HTML"
    );
    assert_eq!(attr(&one(&doc, ".prose abbr"), "title"), "[@walsh2021]");
    let mail = select(&doc, ".prose p")
        .into_iter()
        .find(|p| text_of(p).starts_with("Write to"))
        .expect("the e-mail paragraph");
    assert_eq!(
        text_of(&mail),
        "Write to name@example.org or to name@walsh2021 please."
    );

    // The only citation is the one in the footnote.
    let cites = in_text_citations(&doc);
    assert_eq!(
        cites.len(),
        1,
        "only the footnote's citation is recognised: {cites:?}"
    );
    assert_eq!(cites[0].links, [("cole2020".to_string(), "1".to_string())]);
    let in_footnote = select(&doc, ".footnote-definition span.cite");
    assert_eq!(in_footnote.len(), 1, "the citation sits in the footnote");
    assert_eq!(
        list_ids(&doc, "section.references li"),
        ["ref-cole2020"],
        "walsh2021 is never cited on this page"
    );
    assert_no_broken_links(&out);
}

/// pandoc reads a citation in a link's text as a citation inside the link (EpiMethods writes
/// `[@nhanes](https://www.cdc.gov/…)`; a bookdown book `[[@a; @b]](https://…)`, which used to
/// fail as "`@a; @b` is not a glossary term"). The citation keeps the outer link and has no
/// links of its own, so anchors never nest.
#[test]
fn citations_in_link_text_are_recognised_as_pandoc_does() {
    let mut files = base_site();
    files.push((
        "content/articles/linked.md",
        "---\ntitle: Linked\nsummary: S\n---\nData from [@walsh2021](https://example.org/a) and \
         [[@walsh2021; @cole2020]](https://example.org/b).\n",
    ));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let doc = out.html("articles/linked/index.html");
    let links: Vec<String> = select(&doc, ".prose a[href^=\"https://example.org/\"]")
        .iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(links, ["https://example.org/a", "https://example.org/b"]);
    assert_eq!(select(&doc, ".prose a a").len(), 0, "no nested links");
    assert_eq!(select(&doc, ".prose a span.cite").len(), 2);
    assert_eq!(
        list_ids(&doc, "section.references li"),
        ["ref-walsh2021", "ref-cole2020"]
    );
}

#[test]
fn citations_in_glossary_definitions_are_recognised() {
    let mut files = base_site();
    files.push((
        "content/glossary/ketamine.md",
        "---\nterm: ketamine\n---\nAn anaesthetic that also treats depression [@walsh2021].\n",
    ));
    files.push(("content/articles/two.md", ARTICLE_TWO));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let doc = out.html("glossary/index.html");
    let entry = one(&doc, "#ketamine");
    let cites: Vec<String> = hrefs(&entry, "span.cite .citation a");
    assert_eq!(cites, ["#ref-walsh2021"]);
    let list = one(&doc, "section.references");
    assert_eq!(
        list.select(&sel("li[id]"))
            .map(|l| attr(&l, "id"))
            .collect::<Vec<_>>(),
        ["ref-walsh2021"]
    );
    assert_no_broken_links(&out);
}

// ---------------------------------------------------------------------------------------------
// Author–date styles.
// ---------------------------------------------------------------------------------------------

#[test]
fn apa_gives_author_date_citations() {
    let mut files = base_site();
    files[0] = (
        "site.yaml",
        "title: Test Site\nbase_url: https://example.org/\ncitation_style: apa\n",
    );
    files.push((
        "content/articles/apa.md",
        "---\ntitle: APA\n---\nFirst [@walsh2021]. Then [@cole2020, p. 12]. As @walsh2021 found.\n",
    ));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let doc = out.html("articles/apa/index.html");
    let spans = select(&doc, "span.cite");
    assert_eq!(spans.len(), 3);
    assert_eq!(citation_text(&spans[0]), "(Walsh et al., 2021)");
    assert_eq!(citation_text(&spans[1]), "(Cole, 2020, p. 12)");
    assert_eq!(
        citation_text(&spans[2]),
        "Walsh et al. (2021)",
        "author in text"
    );
    // Each in-text citation still links its entry.
    assert_eq!(hrefs(&spans[0], ".citation a"), ["#ref-walsh2021"]);
    // Author–date lists are not numbered.
    assert!(select(&doc, "section.references ol").is_empty());
    assert_eq!(
        list_ids(&doc, "section.references ul.reference-list > li"),
        ["ref-cole2020", "ref-walsh2021"],
        "APA lists the works cited by author, not in citation order"
    );
}

// ---------------------------------------------------------------------------------------------
// The reference index.
// ---------------------------------------------------------------------------------------------

fn index_site() -> Fixture {
    let mut files = base_site();
    files.push(("content/references/more.yaml", DUP_DOI_YAML));
    files.push(("content/articles/one.md", ARTICLE_ONE));
    files.push((
        "content/articles/two.md",
        "---\ntitle: Two\n---\nAgain [@walsh2021dup] and [@cole2020].\n",
    ));
    files.push((
        "content/glossary/ketamine.md",
        "---\nterm: ketamine\n---\nAn anaesthetic studied for depression [@walsh2019].\n",
    ));
    Fixture::new(&files)
}

#[test]
fn reference_index_lists_every_cited_work_once_sorted_by_author_then_year() {
    let fx = index_site();
    let out = fx.build_ok();
    let doc = out.html("references/index.html");
    let entries = list_ids(&doc, "ul.reference-list li[id]");
    assert_eq!(
        entries,
        [
            "ref-adams2019",
            "ref-cole2020",
            "ref-walsh2019",
            "ref-walsh2021"
        ],
        "each cited work once (walsh2021dup shares walsh2021's DOI), A–Z by first author then year; zed2000 is never cited"
    );
    assert!(
        !text_of(&one(&doc, "article")).contains("A work nobody cites"),
        "a work never cited is absent"
    );
    // Entries carry the formatted reference and identifier links.
    let walsh = one(&doc, "li#ref-walsh2021");
    assert!(text_of(&walsh).contains("Ketamine for mental health"));
    assert_eq!(
        hrefs(&walsh, "a.ref-pubmed"),
        ["https://pubmed.ncbi.nlm.nih.gov/35048815/"]
    );
}

#[test]
fn reference_index_jump_bar_and_counts() {
    let fx = index_site();
    let out = fx.build_ok();
    let doc = out.html("references/index.html");
    let page_ids = ids(&doc);
    let jump: Vec<String> = select(&doc, "nav.jump a")
        .iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(jump.len(), 3, "letters A, C and W: {jump:?}");
    for h in &jump {
        let id = h.strip_prefix('#').unwrap_or_else(|| panic!("{h}"));
        assert!(page_ids.contains(id), "jump link {h} has no target");
        // The letter's section holds the entries starting with it.
        let heading = one(&doc, &format!("[id=\"{id}\"]"));
        assert_eq!(heading.value().name(), "h2");
    }
    let meta = text_of(&one(&doc, "article.reference-index p.meta"));
    assert!(
        meta.starts_with("4 works cited in 2 articles"),
        "counts at the top: {meta}"
    );
    // Every link on the page resolves, downloads included.
    assert_no_broken_links(&out);
}

#[test]
fn reference_index_jump_bar_letters_are_capitals() {
    let fx = index_site();
    let out = fx.build_ok();
    let doc = out.html("references/index.html");
    let letters: Vec<String> = select(&doc, "nav.jump a")
        .iter()
        .map(|a| text_of(a).trim().to_string())
        .collect();
    assert_eq!(
        letters,
        ["A", "C", "W"],
        "an A–Z jump bar, written like the glossary's"
    );
    let headings: Vec<String> = select(&doc, "section.letter h2")
        .iter()
        .map(|h| text_of(h).trim().to_string())
        .collect();
    assert_eq!(headings, ["A", "C", "W"]);
}

#[test]
fn reference_index_sorts_accented_authors_with_their_letter() {
    let mut files = base_site();
    files.push((
        "content/articles/accents.md",
        "---\ntitle: Accents\nreferences:\n  - id: avila2018\n    title: A work by an accented author\n    authors: [{family: Ávila, given: Ana}]\n    container: J Accents\n    year: 2018\n---\nOne [@avila2018], two [@walsh2021], three [@cole2020].\n",
    ));
    files.push(("content/articles/one.md", ARTICLE_ONE));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let doc = out.html("references/index.html");
    // Ávila files under A, between Adams and Cole, as readers (and the jump bar) expect.
    assert_eq!(
        list_ids(&doc, "ul.reference-list li[id]"),
        [
            "ref-adams2019",
            "ref-avila2018",
            "ref-cole2020",
            "ref-walsh2021"
        ]
    );
    let jump: Vec<String> = select(&doc, "nav.jump a")
        .iter()
        .map(|a| attr(a, "href"))
        .collect();
    let unique: BTreeSet<&String> = jump.iter().collect();
    assert_eq!(
        jump.len(),
        unique.len(),
        "a letter twice in the jump bar: {jump:?}"
    );
    let mut seen = BTreeSet::new();
    for e in select(&doc, "[id]") {
        let id = attr(&e, "id");
        assert!(seen.insert(id.clone()), "id `{id}` is used twice");
    }
}

#[test]
fn reference_index_cited_in_links_reach_articles_and_glossary_entries() {
    let fx = index_site();
    let out = fx.build_ok();
    let page = "references/index.html";
    let doc = out.html(page);
    let cited_in = |key: &str| -> Vec<(String, Option<String>)> {
        let li = one(&doc, &format!("li#ref-{key}"));
        hrefs(&li, ".cited-in a")
            .iter()
            .map(|h| {
                resolve_relative(page, h)
                    .unwrap_or_else(|| panic!("`{h}` is not relative"))
                    .unwrap()
            })
            .collect()
    };
    assert_eq!(
        cited_in("walsh2021"),
        [
            ("articles/one/index.html".to_string(), None),
            ("articles/two/index.html".to_string(), None),
        ],
        "both keys of the work count for it"
    );
    assert_eq!(
        cited_in("cole2020"),
        [
            ("articles/one/index.html".to_string(), None),
            ("articles/two/index.html".to_string(), None),
        ]
    );
    assert_eq!(
        cited_in("adams2019"),
        [("articles/one/index.html".to_string(), None)]
    );
    assert_eq!(
        cited_in("walsh2019"),
        [("glossary/ketamine/index.html".to_string(), None)],
        "a definition is cited on its term's page"
    );
    // And those targets exist.
    for (target, frag) in ["walsh2021", "walsh2019"].iter().flat_map(|k| cited_in(k)) {
        assert!(out.exists(&target), "{target}");
        if let Some(f) = frag {
            assert!(ids(&out.html(&target)).contains(&f), "{target}#{f}");
        }
    }
}

#[test]
fn reference_index_is_in_the_navigation() {
    let fx = index_site();
    let out = fx.build_ok();
    let doc = out.html("articles/one/index.html");
    let targets: Vec<String> = select(&doc, "header a[href], nav a[href]")
        .iter()
        .filter_map(|a| resolve_relative("articles/one/index.html", &attr(a, "href")))
        .filter_map(Result::ok)
        .map(|(t, _)| t)
        .collect();
    assert!(
        targets.iter().any(|t| t == "references/index.html"),
        "no link to the reference index in {targets:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Downloads: "Cite this page" and the whole bibliography.
// ---------------------------------------------------------------------------------------------

#[test]
fn cite_this_page_files_exist_and_parse() {
    let fx = main_site();
    let out = fx.build_ok();
    for (slug, title) in [("one", "One"), ("two", "Two")] {
        let dir = format!("articles/{slug}");
        for f in ["cite.bib", "cite.ris", "cite.json"] {
            assert!(out.exists(&format!("{dir}/{f}")), "{dir}/{f} missing");
        }
        let json: serde_json::Value =
            serde_json::from_str(&out.text(&format!("{dir}/cite.json"))).expect("cite.json");
        let items = json.as_array().expect("CSL-JSON is an array");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["title"], title);
        assert_eq!(
            items[0]["URL"],
            format!("https://example.org/articles/{slug}/")
        );

        let bib = out.text(&format!("{dir}/cite.bib"));
        let lib = hayagriva::io::from_biblatex_str(&bib)
            .unwrap_or_else(|e| panic!("{dir}/cite.bib does not parse: {e:?}\n{bib}"));
        assert_eq!(lib.len(), 1);
        let entry = lib.iter().next().unwrap();
        assert_eq!(entry.title().map(|t| t.to_string()).as_deref(), Some(title));

        let ris = out.text(&format!("{dir}/cite.ris"));
        let lines: Vec<&str> = ris.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(lines.first().unwrap().starts_with("TY  - "), "{ris}");
        assert_eq!(lines.last().unwrap().trim_end(), "ER  -", "{ris}");
        assert!(lines.contains(&format!("TI  - {title}").as_str()), "{ris}");

        // The page links its downloads.
        let page = format!("{dir}/index.html");
        let doc = out.html(&page);
        let section = one(&doc, "section.cite-this");
        let targets: BTreeSet<String> = hrefs(&section, "a[download]")
            .iter()
            .map(|h| resolve_relative(&page, h).unwrap().unwrap().0)
            .collect();
        let expected: BTreeSet<String> = ["cite.bib", "cite.ris", "cite.json"]
            .iter()
            .map(|f| format!("{dir}/{f}"))
            .collect();
        assert_eq!(targets, expected);
    }
}

#[test]
fn whole_bibliography_downloads_parse_and_hold_every_entry() {
    let fx = index_site();
    let out = fx.build_ok();
    let all: BTreeSet<&str> = [
        "walsh2021",
        "walsh2019",
        "cole2020",
        "zed2000",
        "walsh2021dup",
        "adams2019",
    ]
    .into_iter()
    .collect();

    let bib = out.text("references/bibliography.bib");
    let lib = hayagriva::io::from_biblatex_str(&bib)
        .unwrap_or_else(|e| panic!("bibliography.bib does not parse: {e:?}"));
    let keys: BTreeSet<&str> = lib.keys().collect();
    assert_eq!(keys, all);
    let walsh = lib.get("walsh2021").unwrap();
    assert_eq!(
        walsh.title().map(|t| t.to_string()).as_deref(),
        Some("Ketamine for mental health")
    );
    assert_eq!(walsh.doi(), Some("10.1192/bjo.2021.1061"));

    let json: serde_json::Value =
        serde_json::from_str(&out.text("references/bibliography.json")).unwrap();
    let items = json.as_array().expect("CSL-JSON array");
    let ids: BTreeSet<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(ids, all);
    let by_id: BTreeMap<&str, &serde_json::Value> = items
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i))
        .collect();
    assert_eq!(by_id["walsh2021"]["title"], "Ketamine for mental health");
    assert_eq!(by_id["walsh2021"]["PMID"], "35048815");
    assert_eq!(by_id["adams2019"]["type"], "book");

    // The index links exactly the files written (their names have one owner,
    // `render::citations`, which the template reads through its context).
    let page = "references/index.html";
    let doc = out.html(page);
    let targets: BTreeSet<String> = hrefs(&doc.root_element(), "a[download]")
        .iter()
        .map(|h| resolve_relative(page, h).unwrap().unwrap().0)
        .collect();
    let expected: BTreeSet<String> = glia::render::citations::BIBLIOGRAPHY_FILES
        .iter()
        .map(|f| format!("references/{f}"))
        .collect();
    assert_eq!(targets, expected);
    for f in &expected {
        assert!(!out.text(f).is_empty(), "{f} is written");
    }
}

#[test]
fn article_json_ld_names_the_cited_works() {
    let fx = main_site();
    let out = fx.build_ok();
    let doc = out.html("articles/one/index.html");
    let script = one(&doc, "script[type=\"application/ld+json\"]");
    let v: serde_json::Value = serde_json::from_str(&text_of(&script)).expect("JSON-LD parses");
    assert_eq!(v["@type"], "MedicalWebPage");
    let cited = v["citation"].as_array().expect("a citation array");
    let names: Vec<&str> = cited.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "Ketamine for mental health",
            "Accelerated magnetic stimulation",
            "A book on psychiatry"
        ]
    );
    assert_eq!(cited[0]["sameAs"], "https://doi.org/10.1192/bjo.2021.1061");
}

/// BibTeX titles with braces and math (EpiMethods' `faraway2016extending`; the issue's
/// `{$I^2$}` title of von Hippel 2015, identifiers left out): JSON-LD names the works in plain
/// text. Before, it carried the reference's rich text (`I<sup>2</sup>`), and case protection
/// (`<span class="nocase">`) would have joined it.
#[test]
fn article_json_ld_names_cited_works_in_plain_text() {
    let bib = r"@book{faraway2016extending,
  title={{Extending the linear model with R: generalized linear, mixed effects and nonparametric regression models}},
  author={Faraway, Julian J}, year={2016}, publisher={CRC press}
}
@article{vonhippel2015,
  title = {The heterogeneity statistic {$I^2$} can be biased in small meta-analyses},
  author = {von Hippel, Paul T.},
  journal = {BMC Medical Research Methodology}, volume = {15}, pages = {35}, year = {2015}
}
";
    let mut files = base_site();
    files.push(("content/references/epi.bib", bib));
    files.push((
        "content/articles/one.md",
        "---\ntitle: One\n---\nModels [@faraway2016extending] and I² [@vonhippel2015].\n",
    ));
    let fx = Fixture::new(&files);
    let out = fx.build_ok();
    let doc = out.html("articles/one/index.html");
    let script = one(&doc, "script[type=\"application/ld+json\"]");
    let v: serde_json::Value = serde_json::from_str(&text_of(&script)).expect("JSON-LD parses");
    let names: Vec<&str> = v["citation"]
        .as_array()
        .expect("a citation array")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Extending the linear model with R: generalized linear, mixed effects and \
             nonparametric regression models",
            "The heterogeneity statistic I2 can be biased in small meta-analyses",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Bad input.
// ---------------------------------------------------------------------------------------------

/// Builds `files` (added to the base site) with the CLI and expects exit status 1.
fn fails(files: &[(&str, &str)]) -> String {
    let mut all = base_site();
    all.extend_from_slice(files);
    let fx = Fixture::new(&all);
    let o = fx.cli(&[]);
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "expected exit status 1; stdout:\n{}\nstderr:\n{err}",
        stdout(&o)
    );
    err
}

/// Builds `files` (added to the base site) with the CLI and expects success; returns stderr.
fn succeeds(files: &[(&str, &str)]) -> (Fixture, String) {
    let mut all = base_site();
    all.extend_from_slice(files);
    let fx = Fixture::new(&all);
    let o = fx.cli(&[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "expected success; stderr:\n{err}");
    (fx, err)
}

/// The `warning[code]: …` diagnostic of stderr (header to the next header).
fn warning(stderr: &str, code: &str) -> String {
    let prefix = format!("warning[{code}]: ");
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` in stderr:\n{stderr}"));
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with("error[") || l.starts_with("warning["))
        .map_or(lines.len(), |i| start + 1 + i);
    lines[start..end].join("\n")
}

/// `file:line:col` of a diagnostic header `severity[code]: file:line:col: message`.
fn position(header: &str) -> (String, usize, usize) {
    let after = header.split_once("]: ").expect("a header").1;
    let mut parts = after.splitn(4, ':');
    let file = parts.next().unwrap().to_string();
    let line = parts.next().and_then(|s| s.parse().ok());
    let col = parts.next().and_then(|s| s.parse().ok());
    match (line, col) {
        (Some(l), Some(c)) => (file, l, c),
        _ => panic!("no file:line:col in `{header}`"),
    }
}

fn help(d: &str) -> &str {
    d.lines()
        .find(|l| l.contains("help:"))
        .unwrap_or_else(|| panic!("no help in:\n{d}"))
}

#[test]
fn unknown_citation_key_points_at_the_citation_and_suggests_the_closest() {
    let err = fails(&[(
        "content/articles/a.md",
        "---\ntitle: A\n---\nFine [@walsh2021].\n\nThe evidence is strong [@walsh2012].\n",
    )]);
    // `The evidence is strong ` is 23 characters: the citation starts at column 24 of line 6.
    let d = assert_error_at(&err, Some("unknown-citation"), "content/articles/a.md:6:24");
    assert!(d.lines().next().unwrap().contains("`walsh2012`"), "{d}");
    let h = help(&d);
    assert!(h.contains("`@walsh2021`"), "{h}");
    assert!(
        !h.contains("cole2020"),
        "only close keys are suggested: {h}"
    );
}

#[test]
fn unknown_citation_key_in_a_glossary_definition_points_into_its_file() {
    let err = fails(&[(
        "content/glossary/ketamine.md",
        "---\nterm: ketamine\n---\nAn anaesthetic.\n\nStudied for depression [@walsh2012].\n",
    )]);
    // `Studied for depression ` is 23 characters.
    let d = assert_error_at(
        &err,
        Some("unknown-citation"),
        "content/glossary/ketamine.md:6:24",
    );
    assert!(help(&d).contains("`@walsh2021`"), "{d}");
}

/// An article whose front-matter reference `bad` has `field: value` on line 6.
fn article_with_bad_field(field: &str, value: &str) -> String {
    format!(
        "---\ntitle: A\nreferences:\n  - id: bad\n    title: A title\n    {field}: {value}\n---\nCites [@bad].\n"
    )
}

fn bad_field_error(field: &str, value: &str, code: &str) -> String {
    let text = article_with_bad_field(field, value);
    let err = fails(&[("content/articles/a.md", &text)]);
    // `    field: ` then the value, on line 6.
    let col = 4 + field.len() + 2 + 1;
    let d = assert_error_at(&err, Some(code), &format!("content/articles/a.md:6:{col}"));
    let header = d.lines().next().unwrap().to_string();
    assert!(
        header.contains("reference `bad`"),
        "the message names the entry: {header}"
    );
    d
}

#[test]
fn malformed_doi_in_front_matter() {
    let d = bad_field_error("doi", "10.1192", "bad-doi");
    assert!(d.contains("`10.1192`"), "{d}");
}

#[test]
fn malformed_pmid_in_front_matter() {
    let d = bad_field_error("pmid", "3504x", "bad-pmid");
    assert!(d.contains("`3504x`"), "{d}");
}

#[test]
fn malformed_pmcid_in_front_matter() {
    let d = bad_field_error("pmcid", "8715255", "bad-pmcid");
    assert!(d.contains("`8715255`"), "{d}");
}

#[test]
fn javascript_url_in_front_matter() {
    let d = bad_field_error("url", "javascript:alert(1)", "bad-url");
    assert!(d.contains("javascript:alert(1)"), "{d}");
}

#[test]
fn non_numeric_year_in_front_matter() {
    let d = bad_field_error("year", "2021a", "bad-year");
    assert!(d.contains("2021a"), "{d}");
}

#[test]
fn bibtex_syntax_error_names_the_bib_file_line() {
    let bib = "@article{good,\n  title = {Fine},\n  year = {2020},\n}\n\n@article{broken\n  title = {No comma after the key},\n}\n";
    let err = fails(&[
        ("content/references/extra.bib", bib),
        (
            "content/articles/a.md",
            "---\ntitle: A\n---\nFine [@walsh2021].\n",
        ),
    ]);
    let header = error_line(&err, "bibliography-syntax");
    let (file, line, _) = position(header);
    assert_eq!(file, "content/references/extra.bib", "{header}");
    assert!(
        (6..=8).contains(&line),
        "the error is on the broken entry (lines 6–8): {header}"
    );
}

#[test]
fn same_key_with_different_metadata_names_both_files() {
    let err = fails(&[(
        "content/articles/a.md",
        "---\ntitle: A\nreferences:\n  - id: walsh2021\n    title: Something else entirely\n    year: 2021\n---\nCites [@walsh2021].\n",
    )]);
    let header = error_line(&err, "duplicate-reference");
    assert!(header.contains("`walsh2021`"), "{header}");
    assert!(
        header.contains("content/articles/a.md") && header.contains("content/references/refs.yaml"),
        "the message names both files: {header}"
    );
    let (file, line, _) = position(header);
    assert!(
        file == "content/articles/a.md" || file == "content/references/refs.yaml",
        "{header}"
    );
    if file == "content/articles/a.md" {
        assert_eq!(line, 4, "at the entry's `id:` line: {header}");
    } else {
        assert_eq!(line, 1, "at the entry's `id:` line: {header}");
    }
}

#[test]
fn same_doi_under_two_keys_is_a_warning() {
    let (fx, err) = succeeds(&[
        ("content/references/more.yaml", DUP_DOI_YAML),
        (
            "content/articles/a.md",
            "---\ntitle: A\n---\nOne [@walsh2021] and two [@walsh2021dup].\n",
        ),
    ]);
    let w = warning(&err, "duplicate-work");
    let header = w.lines().next().unwrap();
    assert!(
        header.contains("walsh2021dup") && header.contains("`walsh2021`"),
        "{header}"
    );
    // Reported at the `- id:` line of whichever entry is read second, naming the other.
    let (file, line, _) = position(header);
    assert!(
        file == "content/references/more.yaml" || file == "content/references/refs.yaml",
        "{header}"
    );
    assert_eq!(line, 1, "{header}");
    assert!(
        header.contains("10.1192/"),
        "the message names the DOI: {header}"
    );
    assert!(fx.out().exists("articles/a/index.html"));
}

#[test]
fn inline_reference_never_cited_is_a_warning() {
    let (fx, err) = succeeds(&[(
        "content/articles/a.md",
        "---\ntitle: A\nreferences:\n  - id: leftover2020\n    title: Forgotten\n    year: 2020\n---\nCites only [@walsh2021].\n",
    )]);
    let w = warning(&err, "uncited-reference");
    let header = w.lines().next().unwrap();
    assert!(header.contains("`leftover2020`"), "{header}");
    let (file, line, _) = position(header);
    assert_eq!((file.as_str(), line), ("content/articles/a.md", 4));
    // The leftover is not listed on the page.
    let doc = fx.out().html("articles/a/index.html");
    assert_eq!(list_ids(&doc, "section.references li"), ["ref-walsh2021"]);
}

const EVIL_TITLE: &str = "Evil <script>alert(1)</script> \"quoted\" title";

#[test]
fn reference_titles_are_escaped_everywhere() {
    let refs = format!(
        "{REFS_YAML}- id: evil2022\n  type: article-journal\n  title: '{EVIL_TITLE}'\n  authors: [{{family: Evil, given: Eve}}]\n  container: J Tests\n  year: 2022\n"
    );
    let mut files = base_site();
    files.retain(|(p, _)| *p != "content/references/refs.yaml");
    let fx = Fixture::new(&files);
    fx.write("content/references/refs.yaml", &refs);
    fx.write(
        "content/articles/a.md",
        "---\ntitle: A\n---\nA claim [@evil2022].\n",
    );
    let out = fx.build_ok();

    let doc = out.html("articles/a/index.html");
    assert!(
        select(&doc, ".references script, .cite script, .cite-tip script").is_empty(),
        "a script element came from a reference title"
    );
    let entry = text_of(&one(&doc, "section.references li#ref-evil2022"));
    assert!(
        entry.contains(EVIL_TITLE),
        "the title is shown as text: {entry}"
    );
    let tip = text_of(&one(&doc, "span.cite .cite-tip"));
    assert!(tip.contains(EVIL_TITLE), "tooltip: {tip}");
    // The JSON-LD must survive the `</script>` in the title.
    let script = one(&doc, "script[type=\"application/ld+json\"]");
    let v: serde_json::Value = serde_json::from_str(&text_of(&script))
        .unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{}", text_of(&script)));
    assert_eq!(v["citation"][0]["name"], EVIL_TITLE);

    let index = out.html("references/index.html");
    assert!(select(&index, ".reference-list script").is_empty());
    let entry = text_of(&one(&index, "li#ref-evil2022"));
    assert!(entry.contains(EVIL_TITLE), "index: {entry}");
    // Only the site's own scripts on either page.
    for page in ["articles/a/index.html", "references/index.html"] {
        let d = out.html(page);
        for s in select(&d, "script") {
            assert!(
                !text_of(&s).contains("alert(1)")
                    || s.value().attr("type") == Some("application/ld+json"),
                "{page}: a script runs the title: {}",
                s.html()
            );
        }
    }
}
