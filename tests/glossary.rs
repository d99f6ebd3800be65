//! The glossary in built sites (issue 4): automatic and explicit term links, the matching rules
//! (case, word boundaries, longest match), where terms are never linked, the glossary page,
//! tooltips, the "Terms used on this page" panel, and bad glossary entries.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use scraper::{ElementRef, Html};

// ---------------------------------------------------------------------------------------------
// Fixtures.
// ---------------------------------------------------------------------------------------------

const REFS_YAML: &str = "\
- id: walsh2021
  type: article-journal
  title: Ketamine for mental health
  authors:
    - {family: Walsh, given: Zach}
  container: BJPsych Open
  year: 2021
  doi: 10.1192/bjo.2021.1061
";

/// (file, contents) of every glossary term.
const TERMS: &[(&str, &str)] = &[
    (
        "content/glossary/nmda-receptor.md",
        "---\nterm: \"NMDA receptor\"\naliases: [\"NMDA receptors\", \"NMDA\"]\nshort: \"A receptor on nerve cells that responds to glutamate.\"\nsee_also: [\"ketamine\", \"esketamine\"]\n---\nThe NMDA receptor is a receptor on nerve cells. Ketamine blocks it.\n",
    ),
    (
        "content/glossary/ketamine.md",
        "---\nterm: ketamine\nshort: \"An anaesthetic medicine that blocks NMDA receptors.\"\nsee_also: [\"esketamine\", \"NMDA receptor\"]\n---\nKetamine is an anaesthetic medicine. At low doses ketamine is studied as a treatment.\n",
    ),
    (
        "content/glossary/esketamine.md",
        "---\nterm: esketamine\naliases: [\"S-ketamine\"]\n---\nOne half of the ketamine molecule, given as a nasal spray. It is licensed in many countries.\n",
    ),
    (
        "content/glossary/dissociation.md",
        "---\nterm: dissociation\n---\nFeeling detached from oneself or one's surroundings. It is common during ketamine treatment [@walsh2021].\n",
    ),
    (
        "content/glossary/post-traumatic-stress-disorder.md",
        "---\nterm: \"post-traumatic stress disorder\"\naliases: [\"PTSD\"]\n---\nA condition that can follow a frightening event. Nightmares are common.\n",
    ),
    (
        "content/glossary/transcranial-magnetic-stimulation.md",
        "---\nterm: \"transcranial magnetic stimulation\"\naliases: [\"TMS\"]\n---\nA treatment that uses magnetic pulses. It is given in a clinic.\n",
    ),
    (
        "content/glossary/depression.md",
        "---\nterm: depression\n---\nLow mood lasting weeks. It has many causes.\n",
    ),
    (
        "content/glossary/treatment-resistant-depression.md",
        "---\nterm: \"treatment-resistant depression\"\naliases: [\"treatment resistant depression\"]\n---\nDepression that has not improved after two treatments. It is common.\n",
    ),
];

/// Slug → tooltip text (the `short:` or the definition's first sentence).
fn shorts() -> BTreeMap<&'static str, &'static str> {
    [
        (
            "nmda-receptor",
            "A receptor on nerve cells that responds to glutamate.",
        ),
        (
            "ketamine",
            "An anaesthetic medicine that blocks NMDA receptors.",
        ),
        (
            "esketamine",
            "One half of the ketamine molecule, given as a nasal spray.",
        ),
        (
            "dissociation",
            // The definition's first sentence as its page shows it: smart punctuation.
            "Feeling detached from oneself or one\u{2019}s surroundings.",
        ),
        (
            "post-traumatic-stress-disorder",
            "A condition that can follow a frightening event.",
        ),
        (
            "transcranial-magnetic-stimulation",
            "A treatment that uses magnetic pulses.",
        ),
        ("depression", "Low mood lasting weeks."),
        (
            "treatment-resistant-depression",
            "Depression that has not improved after two treatments.",
        ),
    ]
    .into_iter()
    .collect()
}

const FIRST: &str = "\
---
title: First mentions
---
<span class=\"no-glossary\">ketamine</span> is named here without a link.

Ketamine blocks the NMDA receptor. Later, ketamine and the NMDA receptor again.

Dissociation may follow ketamine.
";

const SWITCHED_OFF: &str = "\
---
title: Switched off
glossary: false
---
Ketamine and the NMDA receptor are not linked here.

Explicit links still work: [the receptor](glossary:nmda-receptor) and [[ketamine]].
";

const MATCHING: &str = "\
---
title: Matching
---
Dissociation can happen. NMDA receptors are blocked; the NMDA receptor too.

Lower-case nmda and ptsd are ordinary words here, but PTSD is the abbreviation.

Visit www.TMS-info.org/TMS or www.tms-info.org/tms to read about TMS.

Esketamine differs from ketamine, and S-ketamine is esketamine.

Treatment-resistant depression is not plain depression; treatment resistant depression is.
";

const NEVER: &str = "\
---
title: Never here
---
## Ketamine in a heading

A [ketamine clinic](https://example.org/) link, `ketamine` code and an image ![ketamine vial](https://example.org/vial.png).

```
ketamine in a fence
```

<div class=\"raw-block\">ketamine in raw HTML</div>

Raw <a href=\"https://example.org/k\">ketamine raw link</a> and <code>ketamine raw code</code>.

A citation [see ketamine trials @walsh2021].

Finally plain ketamine.
";

fn site(link: Option<&str>, articles: &[(&str, &str)]) -> Fixture {
    let yaml = match link {
        Some(mode) => format!("{SITE_YAML}glossary:\n  link: {mode}\n"),
        None => SITE_YAML.to_string(),
    };
    let fx = Fixture::new(&[
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/articles/_index.md",
            "---\ntitle: Articles\n---\nAll articles.\n",
        ),
        ("content/references/refs.yaml", REFS_YAML),
    ]);
    fx.write("site.yaml", yaml);
    for (p, c) in TERMS {
        fx.write(p, c);
    }
    for (p, c) in articles {
        fx.write(&format!("content/articles/{p}.md"), c);
    }
    fx
}

fn default_site() -> Fixture {
    site(
        None,
        &[
            ("first", FIRST),
            ("switched-off", SWITCHED_OFF),
            (
                "tms",
                "---\ntitle: Rapid TMS\n---\nRapid TMS sessions may help some people with PTSD.\n",
            ),
        ],
    )
}

/// The term a glossary link goes to: the last folder of its `href`, the term's own page
/// (`../glossary/slug/`), or its fragment on the A–Z page (`#slug`).
fn term_of(a: &ElementRef) -> String {
    let href = attr(a, "href");
    let href = href.trim_end_matches("index.html").trim_end_matches('/');
    match href.rsplit_once('#') {
        Some((_, slug)) => slug.to_string(),
        None => href.rsplit('/').next().unwrap_or(href).to_string(),
    }
}

/// (slug, link text) of every glossary link in the page body, in order.
fn gloss_links(doc: &Html) -> Vec<(String, String)> {
    select(doc, ".prose a.gloss-term")
        .iter()
        .map(|a| (term_of(a), text_of(a)))
        .collect()
}

/// The text a reader sees in `e`, without the hidden tooltips of terms and citations.
fn visible_text(e: &ElementRef<'_>) -> String {
    e.descendants()
        .filter_map(|n| {
            let t = n.value().as_text()?;
            let hidden = n.ancestors().filter_map(ElementRef::wrap).any(|a| {
                a.value()
                    .classes()
                    .any(|c| c == "gloss-tip" || c == "cite-tip")
            });
            (!hidden).then(|| t.to_string())
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn assert_no_broken_links(out: &Out) {
    let problems = broken_relative_links(out);
    assert!(
        problems.is_empty(),
        "broken links in the built site:\n{}",
        problems.join("\n")
    );
}

fn assert_unique_ids(doc: &Html, page: &str) {
    let mut seen = BTreeSet::new();
    for e in select(doc, "[id]") {
        let id = attr(&e, "id");
        assert!(seen.insert(id.clone()), "{page}: id `{id}` is used twice");
    }
}

/// A relative link on `page` resolved to (file, fragment).
fn target(page: &str, href: &str) -> (String, Option<String>) {
    resolve_relative(page, href)
        .unwrap_or_else(|| panic!("`{href}` on {page} is not relative"))
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Which occurrences are linked.
// ---------------------------------------------------------------------------------------------

#[test]
fn first_occurrence_is_linked_and_later_ones_are_not() {
    let fx = default_site();
    let out = fx.build_ok();
    let doc = out.html("articles/first/index.html");
    assert_eq!(
        gloss_links(&doc),
        pairs(&[
            ("ketamine", "Ketamine"),
            ("nmda-receptor", "NMDA receptor"),
            ("dissociation", "Dissociation"),
        ])
    );
    for a in select(&doc, ".prose a.gloss-term") {
        let href = attr(&a, "href");
        let slug = term_of(&a);
        assert!(
            href.ends_with(&format!("glossary/{slug}/")),
            "{href} for {slug}"
        );
        assert_eq!(
            target("articles/first/index.html", &href),
            (format!("glossary/{slug}/index.html"), None)
        );
    }
    // The opted-out mention stays plain text and does not use up the first link.
    let opted_out = one(&doc, ".prose span.no-glossary");
    assert_eq!(text_of(&opted_out), "ketamine");
    assert!(opted_out.select(&sel("a")).next().is_none());
    assert_no_broken_links(&out);
}

#[test]
fn link_all_links_every_occurrence() {
    let fx = site(Some("all"), &[("first", FIRST)]);
    let out = fx.build_ok();
    let doc = out.html("articles/first/index.html");
    assert_eq!(
        gloss_links(&doc),
        pairs(&[
            ("ketamine", "Ketamine"),
            ("nmda-receptor", "NMDA receptor"),
            ("ketamine", "ketamine"),
            ("nmda-receptor", "NMDA receptor"),
            ("dissociation", "Dissociation"),
            ("ketamine", "ketamine"),
        ])
    );
    assert_eq!(
        select(&doc, ".prose span.no-glossary a").len(),
        0,
        "no-glossary still wins"
    );
    assert_unique_ids(&doc, "articles/first/index.html");
}

#[test]
fn link_none_links_nothing_automatically() {
    let fx = site(
        Some("none"),
        &[("first", FIRST), ("switched-off", SWITCHED_OFF)],
    );
    let out = fx.build_ok();
    let doc = out.html("articles/first/index.html");
    assert_eq!(gloss_links(&doc), []);
    assert!(select(&doc, "aside.terms-used").is_empty());
    // Explicit links are the editor's choice and stay.
    let doc = out.html("articles/switched-off/index.html");
    assert_eq!(
        gloss_links(&doc),
        pairs(&[("nmda-receptor", "the receptor"), ("ketamine", "ketamine")])
    );
}

#[test]
fn front_matter_glossary_false_turns_automatic_links_off() {
    let fx = default_site();
    let out = fx.build_ok();
    let doc = out.html("articles/switched-off/index.html");
    // Only the two explicit links; "Ketamine" and "NMDA receptor" in the first paragraph stay
    // plain.
    assert_eq!(
        gloss_links(&doc),
        pairs(&[("nmda-receptor", "the receptor"), ("ketamine", "ketamine")])
    );
    let first_para = text_of(&select(&doc, ".prose p")[0]);
    assert_eq!(
        first_para,
        "Ketamine and the NMDA receptor are not linked here."
    );
    assert!(select(&doc, ".prose p")[0]
        .select(&sel("a"))
        .next()
        .is_none());
    // The other articles are still linked.
    assert!(!gloss_links(&out.html("articles/first/index.html")).is_empty());
    assert_no_broken_links(&out);
}

// ---------------------------------------------------------------------------------------------
// Matching rules: case, word boundaries, longest match.
// ---------------------------------------------------------------------------------------------

#[test]
fn matching_respects_case_urls_and_longest_match() {
    let fx = site(Some("all"), &[("matching", MATCHING)]);
    let out = fx.build_ok();
    let doc = out.html("articles/matching/index.html");
    assert_eq!(
        gloss_links(&doc),
        pairs(&[
            // Ordinary words match whatever their case.
            ("dissociation", "Dissociation"),
            // The plural alias is one link, to the receptor, not "NMDA" + "receptors".
            ("nmda-receptor", "NMDA receptors"),
            ("nmda-receptor", "NMDA receptor"),
            // Abbreviations match only as written: "nmda" and "ptsd" stay plain.
            ("post-traumatic-stress-disorder", "PTSD"),
            // Never inside a web address.
            ("transcranial-magnetic-stimulation", "TMS"),
            // "esketamine" is its own term, not "es" + "ketamine".
            ("esketamine", "Esketamine"),
            ("ketamine", "ketamine"),
            // An alias containing another term's name wins as the longer match.
            ("esketamine", "S-ketamine"),
            ("esketamine", "esketamine"),
            // The longer term wins over "depression".
            (
                "treatment-resistant-depression",
                "Treatment-resistant depression"
            ),
            ("depression", "depression"),
            (
                "treatment-resistant-depression",
                "treatment resistant depression"
            ),
        ])
    );
    let para = select(&doc, ".prose p")
        .into_iter()
        .find(|p| text_of(p).starts_with("Visit"))
        .unwrap();
    assert_eq!(
        visible_text(&para),
        "Visit www.TMS-info.org/TMS or www.tms-info.org/tms to read about TMS.",
        "the addresses are left whole"
    );
}

#[test]
fn terms_with_an_apostrophe_match_prose_written_with_one() {
    // Prose apostrophes become typographic (’) through smart punctuation; the editor writes the
    // term with the apostrophe on their keyboard. Both spell the same name.
    let fx = site(
        None,
        &[(
            "memory",
            "---\ntitle: Memory\n---\nAlzheimer's disease affects memory.\n",
        )],
    );
    fx.write(
        "content/glossary/alzheimers-disease.md",
        "---\nterm: \"Alzheimer's disease\"\n---\nA disease that slowly destroys memory.\n",
    );
    let out = fx.build_ok();
    let doc = out.html("articles/memory/index.html");
    let links = gloss_links(&doc);
    assert_eq!(links.len(), 1, "the term is linked: {links:?}");
    assert_eq!(links[0].0, "alzheimers-disease");
    assert!(
        links[0].1 == "Alzheimer’s disease" || links[0].1 == "Alzheimer's disease",
        "{links:?}"
    );
}

#[test]
fn terms_are_never_linked_in_headings_links_code_images_citations_or_raw_html() {
    let fx = site(Some("all"), &[("never", NEVER)]);
    let out = fx.build_ok();
    let doc = out.html("articles/never/index.html");
    assert_eq!(
        gloss_links(&doc),
        pairs(&[("ketamine", "ketamine")]),
        "only the last, plain mention is linked"
    );
    let last = select(&doc, ".prose p").into_iter().last().unwrap();
    assert_eq!(visible_text(&last), "Finally plain ketamine.");
    assert_eq!(last.select(&sel("a.gloss-term")).count(), 1);

    assert_eq!(
        text_of(&one(&doc, ".prose h2")),
        "Ketamine in a heading",
        "heading text unchanged"
    );
    assert!(select(&doc, ".prose h2 .gloss, .prose h2 a").is_empty());
    let clinic = one(&doc, ".prose a[href=\"https://example.org/\"]");
    assert_eq!(text_of(&clinic), "ketamine clinic");
    assert!(clinic.select(&sel(".gloss")).next().is_none());
    assert!(select(&doc, ".prose code .gloss, .prose pre .gloss").is_empty());
    assert_eq!(
        attr(&one(&doc, ".prose img"), "alt"),
        "ketamine vial",
        "alt text unchanged"
    );
    let raw = one(&doc, ".prose div.raw-block");
    assert_eq!(text_of(&raw), "ketamine in raw HTML");
    assert!(raw.select(&sel(".gloss")).next().is_none());
    let raw_link = one(&doc, ".prose a[href=\"https://example.org/k\"]");
    assert!(raw_link.select(&sel(".gloss")).next().is_none());
    assert_eq!(text_of(&raw_link), "ketamine raw link");
    // The citation's prefix and its tooltip (which holds the reference title) stay as they are.
    let cite = one(&doc, ".prose span.cite");
    assert!(cite.select(&sel(".gloss, a.gloss-term")).next().is_none());
    assert!(
        text_of(&cite).contains("ketamine trials"),
        "{}",
        cite.html()
    );
}

#[test]
fn a_term_is_not_linked_inside_its_own_entry() {
    let fx = default_site();
    let out = fx.build_ok();
    let doc = out.html("glossary/index.html");
    for (slug, _) in shorts() {
        let entry = one(&doc, &format!("[id=\"{slug}\"]"));
        let own: Vec<String> = entry
            .select(&sel("a.gloss-term"))
            .filter(|a| term_of(a) == slug)
            .map(|a| text_of(&a))
            .collect();
        assert!(own.is_empty(), "{slug} links itself: {own:?}");
    }
    // Other terms in a definition are linked, within the page.
    let nmda = one(&doc, "#nmda-receptor .definition");
    let links: Vec<(String, String)> = nmda
        .select(&sel("a.gloss-term"))
        .map(|a| (term_of(&a), attr(&a, "href")))
        .collect();
    assert_eq!(links, pairs(&[("ketamine", "ketamine/")]));
    assert_unique_ids(&doc, "glossary/index.html");
}

// ---------------------------------------------------------------------------------------------
// Explicit links.
// ---------------------------------------------------------------------------------------------

#[test]
fn explicit_links_work_anywhere_and_by_alias() {
    let fx = site(
        None,
        &[(
            "explicit",
            "---\ntitle: Explicit\n---\nKetamine first. Then [[ketamine]] again, [the drug](glossary:ketamine), and [[NMDA receptors]].\n\n- In a list: [[PTSD]].\n",
        )],
    );
    let out = fx.build_ok();
    let page = "articles/explicit/index.html";
    let doc = out.html(page);
    assert_eq!(
        gloss_links(&doc),
        pairs(&[
            ("ketamine", "Ketamine"),
            ("ketamine", "ketamine"),
            ("ketamine", "the drug"),
            ("nmda-receptor", "NMDA receptors"),
            ("post-traumatic-stress-disorder", "PTSD"),
        ])
    );
    for a in select(&doc, ".prose a.gloss-term") {
        let href = attr(&a, "href");
        assert!(!href.starts_with("glossary:"), "{href}");
        let (file, frag) = target(page, &href);
        let slug = term_of(&a);
        assert_eq!((file, frag), (format!("glossary/{slug}/index.html"), None));
        assert!(shorts().contains_key(slug.as_str()), "{href}");
    }
    assert_no_broken_links(&out);
}

#[test]
fn an_explicit_link_in_an_image_description_stays_inside_its_alt_text() {
    // An image's description becomes its `alt` text, where a link cannot be: the words stay,
    // without the link's markup (escaped or not).
    let fx = site(
        None,
        &[(
            "figure",
            "---\ntitle: Figure\n---\nA figure.\n\n![Diagram of the [NMDA receptor](glossary:nmda-receptor)](diagram.png)\n",
        )],
    );
    fx.write("content/articles/diagram.png", "not really a png");
    let out = fx.build_ok();
    let doc = out.html("articles/figure/index.html");
    let imgs = select(&doc, ".prose img");
    assert_eq!(imgs.len(), 1);
    assert_eq!(attr(&imgs[0], "alt"), "Diagram of the NMDA receptor");
    assert!(gloss_links(&doc).is_empty(), "{:?}", gloss_links(&doc));
    assert!(select(&doc, ".prose .gloss-tip").is_empty());
}

fn fails(link: Option<&str>, extra: &[(&str, &str)]) -> String {
    let fx = site(link, &[]);
    for (p, c) in extra {
        fx.write(p, c);
    }
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

fn help(d: &str) -> &str {
    d.lines()
        .find(|l| l.contains("help:"))
        .unwrap_or_else(|| panic!("no help in:\n{d}"))
}

#[test]
fn unknown_explicit_term_is_an_error_with_a_suggestion() {
    let err = fails(
        None,
        &[(
            "content/articles/a.md",
            "---\ntitle: A\n---\nFine.\n\nSee [the receptor](glossary:nmda-recepter) here.\n",
        )],
    );
    // `See ` is 4 characters: the link starts at column 5 of line 6.
    let d = assert_error_at(
        &err,
        Some("glossary-unknown-term"),
        "content/articles/a.md:6:5",
    );
    assert!(d.lines().next().unwrap().contains("nmda-recepter"), "{d}");
    assert!(help(&d).contains("did you mean `nmda-receptor`"), "{d}");
}

#[test]
fn unknown_wiki_link_term_is_an_error_with_a_suggestion() {
    let err = fails(
        None,
        &[(
            "content/articles/a.md",
            "---\ntitle: A\n---\nThe drug [[ketamin]] is old.\n",
        )],
    );
    // `The drug ` is 9 characters.
    let d = assert_error_at(
        &err,
        Some("glossary-unknown-term"),
        "content/articles/a.md:4:10",
    );
    assert!(d.lines().next().unwrap().contains("`ketamin`"), "{d}");
    let h = help(&d);
    assert!(h.contains("did you mean `ketamine`"), "{h}");
}

// ---------------------------------------------------------------------------------------------
// The glossary page.
// ---------------------------------------------------------------------------------------------

#[test]
fn glossary_page_lists_every_term_with_its_slug_as_id() {
    let fx = default_site();
    let out = fx.build_ok();
    let doc = out.html("glossary/index.html");
    let entries: Vec<String> = select(&doc, ".term-entry")
        .iter()
        .map(|e| attr(e, "id"))
        .collect();
    let expected: BTreeSet<String> = shorts().keys().map(|s| s.to_string()).collect();
    assert_eq!(
        entries.iter().cloned().collect::<BTreeSet<_>>(),
        expected,
        "every term once"
    );
    assert_eq!(entries.len(), expected.len());
    // A–Z by term.
    let names: Vec<String> = select(&doc, ".term-entry dfn")
        .iter()
        .map(|d| text_of(d).to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(
        text_of(&one(&doc, "#nmda-receptor dfn")),
        "NMDA receptor",
        "the term as written"
    );
    assert!(text_of(&one(&doc, "article.glossary p.meta")).starts_with("8 terms"));
}

/// Links to ids glia writes itself (not headings) are checked like heading anchors: the ones
/// render writes are accepted and lead to an element with that id, the ones it never writes
/// (which link checking used to let through by prefix) are broken anchors.
#[test]
fn links_to_generated_ids_are_accepted_and_lead_somewhere() {
    let fx = site(
        None,
        &[
            (
                "cites",
                "---\ntitle: Cites\n---\nKetamine was studied [@walsh2021].\n",
            ),
            (
                "a",
                "---\ntitle: A\n---\nKetamine[^1] is studied [@walsh2021]. See [the entry](../glossary/_index.md#ketamine), [the tip](#gt_1), [the citation](#cite-0), [its tooltip](#cite-tip-0), [the note](#fn:1), [back](#fnref:1), [our list](#ref-walsh2021) and [theirs](cites.md#ref-walsh2021).\n\n[^1]: A note.\n",
            ),
        ],
    );
    fx.write(
        "content/glossary/_index.md",
        "---\ntitle: Glossary\n---\nJump to [ketamine](#ketamine), [the letter K](#letter-k) or [a tooltip](#nmda-receptor-gt_1).\n",
    );
    let out = fx.build_ok();
    assert_no_broken_links(&out);
    for (page, fragments) in [
        (
            "articles/a/index.html",
            &[
                "gt_1",
                "cite-0",
                "cite-tip-0",
                "fn:1",
                "fnref:1",
                "ref-walsh2021",
            ][..],
        ),
        (
            "glossary/index.html",
            &["ketamine", "letter-k", "nmda-receptor-gt_1"][..],
        ),
    ] {
        let doc = out.html(page);
        let linked: BTreeSet<String> = select(&doc, ".prose a[href]")
            .iter()
            .filter_map(|a| attr(a, "href").split_once('#').map(|(_, f)| f.to_string()))
            .collect();
        for f in fragments {
            assert!(linked.contains(*f), "{page} links to #{f}: {linked:?}");
        }
    }
    let doc = out.html("articles/a/index.html");
    let hrefs: Vec<String> = select(&doc, ".prose a[href]")
        .iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert!(
        hrefs.iter().any(|h| h.ends_with("cites/#ref-walsh2021")),
        "{hrefs:?}"
    );

    for never_written in ["fnord", "term-ketamine", "gloss-ketamine", "letter-k"] {
        let err = fails(
            None,
            &[(
                "content/articles/a.md",
                &format!("---\ntitle: A\n---\nSee [it](#{never_written}).\n"),
            )],
        );
        let d = assert_error_at(&err, Some("broken-anchor"), "content/articles/a.md:4:10");
        assert!(d.contains(never_written), "{d}");
    }
}

#[test]
fn glossary_jump_bar_links_resolve() {
    let fx = default_site();
    let out = fx.build_ok();
    let doc = out.html("glossary/index.html");
    let page_ids = ids(&doc);
    let jump: Vec<(String, String)> = select(&doc, "nav.jump a")
        .iter()
        .map(|a| (text_of(a), attr(a, "href")))
        .collect();
    let letters: Vec<&str> = jump.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(letters, ["D", "E", "K", "N", "P", "T"]);
    for (letter, href) in &jump {
        let id = href.strip_prefix('#').unwrap();
        assert!(page_ids.contains(id), "{href} has no target");
        // Each letter's section holds exactly the terms starting with it.
        let section = one(&doc, &format!("section[aria-labelledby=\"{id}\"]"));
        for dfn in section.select(&sel("dfn")) {
            assert!(
                text_of(&dfn).to_uppercase().starts_with(letter.as_str()),
                "{} under {letter}",
                text_of(&dfn)
            );
        }
    }
}

#[test]
fn glossary_page_shows_aliases_see_also_and_appears_in() {
    let fx = default_site();
    let out = fx.build_ok();
    let page = "glossary/index.html";
    let doc = out.html(page);
    let page_ids = ids(&doc);

    let aliases = text_of(&one(&doc, "#nmda-receptor .aliases"));
    assert!(aliases.contains("NMDA receptors, NMDA"), "{aliases}");
    assert!(select(&doc, "#ketamine .aliases").is_empty());

    let see_also: Vec<(String, String)> = select(&doc, "#ketamine .see-also a")
        .iter()
        .map(|a| (text_of(a), attr(a, "href")))
        .collect();
    assert_eq!(
        see_also,
        pairs(&[
            ("esketamine", "esketamine/"),
            ("NMDA receptor", "nmda-receptor/")
        ])
    );
    assert!(
        page_ids.contains("ketamine"),
        "the A–Z page keeps each term's anchor"
    );

    // Each term's page lists the pages using it; the A–Z entry links there with a count.
    let appears = |slug: &str| -> BTreeSet<String> {
        let term_page = format!("glossary/{slug}/index.html");
        let entry_link = select(&doc, &format!("[id=\"{slug}\"] .appears-in a"));
        let listed: BTreeSet<String> = select(&out.html(&term_page), ".appears-in li a")
            .iter()
            .map(|a| target(&term_page, &attr(a, "href")).0)
            .collect();
        assert_eq!(
            entry_link.first().map(|a| target(page, &attr(a, "href")).0),
            (!listed.is_empty()).then(|| term_page.clone()),
            "the A–Z entry of {slug} links to its page when it is used"
        );
        listed
    };
    let set = |v: &[&str]| -> BTreeSet<String> { v.iter().map(|s| s.to_string()).collect() };
    assert_eq!(
        appears("ketamine"),
        set(&[
            "articles/first/index.html",
            "articles/switched-off/index.html"
        ])
    );
    assert_eq!(appears("dissociation"), set(&["articles/first/index.html"]));
    assert_eq!(
        appears("transcranial-magnetic-stimulation"),
        set(&["articles/tms/index.html"])
    );
    assert_eq!(
        appears("post-traumatic-stress-disorder"),
        set(&["articles/tms/index.html"])
    );
    assert_eq!(appears("depression"), set(&[]), "used nowhere");
    for t in appears("ketamine") {
        assert!(out.exists(&t), "{t}");
    }
    assert_no_broken_links(&out);
}

#[test]
fn article_lists_the_terms_it_uses() {
    let fx = default_site();
    let out = fx.build_ok();
    let page = "articles/first/index.html";
    let doc = out.html(page);
    let panel = one(&doc, "aside.terms-used");
    assert_eq!(
        text_of(&panel.select(&sel("h2")).next().unwrap()),
        "Terms used on this page"
    );
    let terms: Vec<(String, (String, Option<String>))> = panel
        .select(&sel("ul > li > a"))
        .map(|a| (text_of(&a), target(page, &attr(&a, "href"))))
        .collect();
    let g = |s: &str| (format!("glossary/{s}/index.html"), None);
    assert_eq!(
        terms,
        [
            ("dissociation".to_string(), g("dissociation")),
            ("ketamine".to_string(), g("ketamine")),
            ("NMDA receptor".to_string(), g("nmda-receptor")),
        ]
    );
    // The definitions are in the tooltips, not repeated in the panel.
    assert!(!text_of(&panel).contains(shorts()["ketamine"]));
}

#[test]
fn every_term_link_has_a_tooltip_with_its_short_definition() {
    let fx = site(
        Some("all"),
        &[("first", FIRST), ("matching", MATCHING), ("never", NEVER)],
    );
    let out = fx.build_ok();
    let s = shorts();
    let mut checked = 0;
    for page in [
        "articles/first/index.html",
        "articles/matching/index.html",
        "articles/never/index.html",
        "glossary/index.html",
    ] {
        let doc = out.html(page);
        assert_unique_ids(&doc, page);
        for a in select(&doc, "a.gloss-term") {
            let slug = term_of(&a);
            let tip_id = attr(&a, "aria-describedby");
            let tip: Vec<ElementRef> = select(&doc, &format!("[id=\"{tip_id}\"]"));
            assert_eq!(tip.len(), 1, "{page}: tooltip {tip_id} of {slug}");
            assert_eq!(tip[0].value().attr("role"), Some("tooltip"));
            assert_eq!(text_of(&tip[0]), s[slug.as_str()], "{page}: {slug}");
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} term links checked");
}

#[test]
fn citations_in_definitions_get_a_reference_list_on_the_glossary_page() {
    let fx = default_site();
    let out = fx.build_ok();
    let doc = out.html("glossary/index.html");
    let cite_links: Vec<String> = select(&doc, "#dissociation .definition span.cite a[href]")
        .iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(cite_links, ["#ref-walsh2021"]);
    let list = one(&doc, "article.glossary section.references");
    let items: Vec<String> = list
        .select(&sel("li[id]"))
        .map(|l| attr(&l, "id"))
        .collect();
    assert_eq!(items, ["ref-walsh2021"]);
    // At the bottom: after every letter section.
    let children: Vec<ElementRef> = select(&doc, "article.glossary > *");
    let list_at = children
        .iter()
        .position(|e| e.value().classes().any(|c| c == "references"))
        .expect("the list is a child of the glossary article");
    let last_letter = children
        .iter()
        .rposition(|e| e.value().classes().any(|c| c == "letter"))
        .unwrap();
    assert!(list_at > last_letter, "the list follows the terms");
    assert_no_broken_links(&out);
}

// ---------------------------------------------------------------------------------------------
// Bad glossary entries.
// ---------------------------------------------------------------------------------------------

#[test]
fn two_entries_claiming_the_same_alias_name_both_files() {
    let err = fails(
        None,
        &[(
            "content/glossary/glutamate-blocker.md",
            "---\nterm: glutamate blocker\naliases: [\"NMDA\"]\n---\nA medicine that blocks glutamate receptors.\n",
        )],
    );
    let header = error_line(&err, "glossary-duplicate-name");
    assert!(header.contains("`NMDA`"), "{header}");
    assert!(
        header.contains("content/glossary/glutamate-blocker.md")
            && header.contains("content/glossary/nmda-receptor.md"),
        "names both files: {header}"
    );
    // At the `aliases:` line (3) of one of the two files.
    let pos = header.split_once("]: ").unwrap().1;
    assert!(
        pos.starts_with("content/glossary/glutamate-blocker.md:3:")
            || pos.starts_with("content/glossary/nmda-receptor.md:3:"),
        "{header}"
    );
}

#[test]
fn see_also_naming_an_unknown_term_suggests_one() {
    let err = fails(
        None,
        &[(
            "content/glossary/dissociation.md",
            "---\nterm: dissociation\nsee_also: [\"esketamin\"]\n---\nFeeling detached.\n",
        )],
    );
    let d = assert_error_on_line(
        &err,
        Some("glossary-unknown-term"),
        "content/glossary/dissociation.md",
        3,
    );
    assert!(d.lines().next().unwrap().contains("`esketamin`"), "{d}");
    assert!(help(&d).contains("did you mean `esketamine`"), "{d}");
}

#[test]
fn empty_definition_is_an_error() {
    let err = fails(
        None,
        &[(
            "content/glossary/depression.md",
            "---\nterm: depression\n---\n\n",
        )],
    );
    let header = error_line(&err, "glossary-empty-definition");
    assert!(header.contains("`depression`"), "{header}");
    let pos = header.split_once("]: ").unwrap().1;
    assert!(
        pos.starts_with("content/glossary/depression.md:"),
        "names the file with a position: {header}"
    );
    let rest = pos.strip_prefix("content/glossary/depression.md:").unwrap();
    let mut parts = rest.split(':');
    assert!(
        parts.next().unwrap().parse::<usize>().is_ok()
            && parts.next().unwrap().parse::<usize>().is_ok(),
        "file:line:col: {header}"
    );
}

#[test]
fn a_name_inside_another_terms_alias_is_not_a_clash() {
    // "depression" is a word of treatment-resistant depression's alias, and "ketamine" of
    // esketamine's "S-ketamine": longest match decides in prose, and the build is clean.
    let fx = site(Some("all"), &[("matching", MATCHING)]);
    let o = fx.cli(&[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("error[") && !err.contains("warning["),
        "no diagnostics expected:\n{err}"
    );
}
