//! Tests of the linking pass, from Markdown to HTML, checked structurally with `scraper`.

use pulldown_cmark::{Event, Options, Parser};
use scraper::{Html, Selector};

use super::entry::tests::entry;
use super::*;

const OPTS: Options = Options::ENABLE_WIKILINKS
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_TABLES)
    .union(Options::ENABLE_SMART_PUNCTUATION)
    .union(Options::ENABLE_DEFINITION_LIST);

/// HTML for `events` as pulldown-cmark writes it, with glossary links written by `pieces`
/// as render writes them (render also highlights code and fills citations).
fn to_html(events: &[(Event<'static>, std::ops::Range<usize>)], pieces: LinkPieces<'_>) -> String {
    let out = std::cell::RefCell::new(String::new());
    let events = events.iter().enumerate().map(|(i, (e, _))| (i, e.clone()));
    let linked = Linked::new(events, pieces, &out);
    let _ = pulldown_cmark::html::write_html_fmt(crate::html::SharedString(&out), linked);
    out.into_inner()
}

fn glossary() -> Glossary {
    let (g, d) = Glossary::build(vec![
        entry(
            "nmda-receptor",
            "term: NMDA receptor\naliases: [NMDA receptors, NMDAR]",
            "An ionotropic glutamate receptor.\nBlocked by ketamine.",
        ),
        entry("nmda", "term: NMDA", "N-methyl-D-aspartate."),
        entry(
            "ketamine",
            "term: ketamine\nshort: 'An anaesthetic <drug> & \"antidepressant\"'",
            "Text.",
        ),
        entry("tms", "term: TMS", "Transcranial magnetic stimulation."),
        entry("dissociation", "term: dissociation", "Feeling detached."),
        entry("alzheimer", "term: Alzheimer's disease", "A dementia."),
    ]);
    assert!(d.is_empty(), "{d:?}");
    g
}

struct Run {
    html: String,
    events: Vec<(Event<'static>, std::ops::Range<usize>)>,
    outcome: LinkOutcome,
}

fn run_with(md: &str, mode: LinkMode, exclude: Option<&str>) -> Run {
    let g = glossary();
    let m = Matcher::new(&g).unwrap();
    let events: Vec<_> = Parser::new_ext(md, OPTS)
        .into_offset_iter()
        .map(|(e, r)| (e.into_static(), r))
        .collect();
    let table = LinkTable::new(&g);
    let ctx = LinkContext {
        glossary: &g,
        matcher: &m,
        mode,
        exclude_slug: exclude,
        file: "content/page.md",
        text: md,
    };
    let outcome = link_terms(&events, &ctx);
    let pieces = LinkPieces {
        table: &table,
        href_base: "../glossary/",
        id_prefix: "",
        edits: &outcome.edits,
    };
    let out = to_html(&events, pieces);
    Run {
        html: out,
        events,
        outcome,
    }
}

fn run(md: &str) -> Run {
    run_with(md, LinkMode::First, None)
}

/// `(term slug, link text)` of every glossary link in the HTML, in order.
fn links(html: &str) -> Vec<(String, String)> {
    let doc = Html::parse_fragment(html);
    let sel = Selector::parse("a.gloss-term").unwrap();
    doc.select(&sel)
        .map(|a| {
            let href = a.value().attr("href").unwrap_or("");
            let slug = href.rsplit_once('#').map_or("", |(_, s)| s).to_string();
            (slug, a.text().collect())
        })
        .collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn link_markup_is_accessible_and_escaped() {
    let r = run("Ketamine blocks the NMDA receptor.");
    let doc = Html::parse_fragment(&r.html);
    let a_sel = Selector::parse("p > span.gloss > a.gloss-term").unwrap();
    let anchors: Vec<_> = doc.select(&a_sel).collect();
    assert_eq!(anchors.len(), 2, "{}", r.html);
    for a in &anchors {
        let id = a.value().attr("aria-describedby").unwrap();
        let tip_sel = Selector::parse(&format!("span.gloss > #{id}")).unwrap();
        let tip = doc.select(&tip_sel).next().expect("tooltip sibling");
        assert_eq!(tip.value().attr("role"), Some("tooltip"));
        assert_eq!(tip.value().attr("class"), Some("gloss-tip"));
        // The tooltip is not inside the link, so it is not part of the link's name.
        assert!(a.select(&Selector::parse("span").unwrap()).next().is_none());
    }
    assert_eq!(
        anchors[0].value().attr("href"),
        Some("../glossary/#ketamine")
    );
    assert_eq!(anchors[0].text().collect::<String>(), "Ketamine");
    let tip = doc
        .select(&Selector::parse(".gloss-tip").unwrap())
        .next()
        .unwrap();
    assert_eq!(
        tip.text().collect::<String>(),
        r#"An anaesthetic <drug> & "antidepressant""#
    );
    assert!(r
        .html
        .contains("&lt;drug&gt; &amp; &quot;antidepressant&quot;"));
    let second = doc
        .select(&Selector::parse(".gloss-tip").unwrap())
        .nth(1)
        .unwrap();
    assert_eq!(
        second.text().collect::<String>(),
        "An ionotropic glutamate receptor."
    );
    assert_eq!(
        (r.outcome.used.iter())
            .map(|&t| glossary().terms()[t].slug().to_string())
            .collect::<Vec<_>>(),
        ["ketamine", "nmda-receptor"]
    );
    assert!(r.outcome.diagnostics.is_empty());
}

#[test]
fn first_mode_links_each_term_once() {
    let r = run("Ketamine and NMDA. Ketamine again, NMDA again.\n\nKetamine.");
    assert_eq!(
        links(&r.html),
        pairs(&[("ketamine", "Ketamine"), ("nmda", "NMDA")])
    );
    // Unlinked occurrences stay plain text.
    assert!(r.html.contains("Ketamine again, NMDA again."), "{}", r.html);
}

#[test]
fn all_mode_links_every_occurrence_with_unique_ids() {
    let r = run_with("Ketamine, ketamine.\n\nKETAMINE.", LinkMode::All, None);
    assert_eq!(links(&r.html).len(), 3);
    let doc = Html::parse_fragment(&r.html);
    let ids: std::collections::BTreeSet<_> = doc
        .select(&Selector::parse("[role=tooltip]").unwrap())
        .filter_map(|e| e.value().attr("id"))
        .collect();
    assert_eq!(ids.len(), 3);
}

#[test]
fn none_mode_links_only_explicitly() {
    let r = run_with("Ketamine and [[TMS]].", LinkMode::None, None);
    assert_eq!(links(&r.html), pairs(&[("tms", "TMS")]));
}

#[test]
fn excluded_term_is_not_linked_but_longer_names_still_win() {
    let r = run_with(
        "NMDA receptor and NMDA and ketamine.",
        LinkMode::First,
        Some("nmda-receptor"),
    );
    // "NMDA" inside "NMDA receptor" is not linked on the receptor's own entry.
    assert_eq!(
        links(&r.html),
        pairs(&[("nmda", "NMDA"), ("ketamine", "ketamine")])
    );
}

#[test]
fn never_in_headings_links_code_or_images() {
    let md = "# Ketamine\n\n[ketamine](https://x.org) `ketamine` ![ketamine](k.png)\n\n\
              ```\nketamine\n```\n\n    ketamine\n\nTMS.";
    let r = run(md);
    assert_eq!(links(&r.html), pairs(&[("tms", "TMS")]));
    let doc = Html::parse_fragment(&r.html);
    let img = doc.select(&Selector::parse("img").unwrap()).next().unwrap();
    assert_eq!(img.value().attr("alt"), Some("ketamine"));
}

#[test]
fn never_in_raw_html_or_opt_out_spans() {
    let md = "<a href=\"x\">ketamine</a> <code>TMS</code> \
              <span class=\"note no-glossary\">ketamine <b>TMS</b> <span>NMDA</span> TMS</span> \
              <span class=\"other\">dissociation</span> TMS\n\n\
              <div>ketamine</div>\n\nketamine";
    let r = run(md);
    assert_eq!(
        links(&r.html),
        pairs(&[
            ("dissociation", "dissociation"),
            ("tms", "TMS"),
            ("ketamine", "ketamine")
        ])
    );
    assert!(r.html.contains("<div>ketamine</div>"));
}

#[test]
fn unclosed_opt_out_span_ends_with_its_paragraph() {
    let r = run("<span class=\"no-glossary\">ketamine\n\nketamine");
    assert_eq!(links(&r.html), pairs(&[("ketamine", "ketamine")]));
}

#[test]
fn footnote_definitions_are_linked() {
    let r = run("Text.[^1]\n\n[^1]: See ketamine.");
    assert_eq!(links(&r.html), pairs(&[("ketamine", "ketamine")]));
    let doc = Html::parse_fragment(&r.html);
    let sel = Selector::parse(".footnote-definition a.gloss-term").unwrap();
    assert_eq!(doc.select(&sel).count(), 1);
}

#[test]
fn text_split_by_the_parser_is_merged_before_matching() {
    // Brackets, entities, a line break and a non-breaking space all split text events.
    let r = run_with(
        "The [NMDA receptor] and NMDA&nbsp;receptors, the NMDA\nreceptor, \"dissociation\".",
        LinkMode::All,
        None,
    );
    assert_eq!(
        links(&r.html),
        pairs(&[
            ("nmda-receptor", "NMDA receptor"),
            ("nmda-receptor", "NMDA\u{a0}receptors"),
            ("nmda-receptor", "NMDA\nreceptor"),
            ("dissociation", "dissociation"),
        ])
    );
    assert!(r.html.contains("“<span class=\"gloss\">"), "{}", r.html);
}

/// The words each link spans, read from the events the way render cuts them.
fn linked_words(r: &Run) -> Vec<String> {
    let text = |k: u32| match &r.events[k as usize].0 {
        Event::Text(t) => Some(t.to_string()),
        _ => None,
    };
    let mut words = Vec::new();
    let mut open = None;
    for e in &r.outcome.edits {
        match e.mark {
            Mark::Open { .. } => open = Some(*e),
            Mark::Close { .. } => {
                let o = open.take().expect("a close mark after its open mark");
                for end in [o.event, e.event] {
                    assert!(
                        text(end).is_some(),
                        "a link mark in {:?}",
                        r.events[end as usize]
                    );
                }
                let mut w = String::new();
                for k in o.event..=e.event {
                    let t = text(k).unwrap_or_else(|| "\n".to_string());
                    let from = if k == o.event { o.at as usize } else { 0 };
                    let to = if k == e.event { e.at as usize } else { t.len() };
                    w.push_str(&t[from..to]);
                }
                words.push(w);
            }
            Mark::Drop => {}
        }
    }
    words
}

#[test]
fn links_are_places_in_the_events_which_stay_as_parsed() {
    let md = "Some *emphasis* then ketamine &amp; TMS.";
    let r = run(md);
    assert_eq!(linked_words(&r), ["ketamine", "TMS"]);
    let parsed: Vec<_> = Parser::new_ext(md, OPTS)
        .into_offset_iter()
        .map(|(e, r)| (e.into_static(), r))
        .collect();
    assert_eq!(r.events, parsed);
    assert_eq!(
        links(&r.html),
        pairs(&[("ketamine", "ketamine"), ("tms", "TMS")])
    );
    assert!(r.html.contains("</span></span> &amp; <span"), "{}", r.html);

    // A name broken over two lines starts in one text event and ends in another.
    let r = run("The NMDA\nreceptor binds.");
    assert_eq!(linked_words(&r), ["NMDA\nreceptor"]);
    assert_eq!(
        links(&r.html),
        pairs(&[("nmda-receptor", "NMDA\nreceptor")])
    );
    let [open, close] = r.outcome.edits[..] else {
        panic!("{:?}", r.outcome.edits)
    };
    assert_eq!((open.at, close.event - open.event), (4, 2));

    // An entity splits the text: the link spans three events, and its quote is escaped in
    // the middle one as in the others, as glia escapes text in HTML it writes.
    let r = run("People with Alzheimer&#39;s disease.");
    assert_eq!(linked_words(&r), ["Alzheimer's disease"]);
    assert!(
        r.html.contains(">Alzheimer&#39;s disease</a>"),
        "{}",
        r.html
    );
}

#[test]
fn explicit_links_by_slug_name_and_wiki_link() {
    let md = "# About [[ketamine]]\n\n[the receptor](glossary:nmda-receptor), \
              [*it*](glossary:NMDA%20receptors) and [[TMS|magnetic stimulation]] and \
              [[dissociation]] then dissociation.";
    let r = run(md);
    assert!(
        r.outcome.diagnostics.is_empty(),
        "{:?}",
        r.outcome.diagnostics
    );
    assert_eq!(
        links(&r.html),
        pairs(&[
            ("ketamine", "ketamine"),
            ("nmda-receptor", "the receptor"),
            ("nmda-receptor", "it"),
            ("tms", "magnetic stimulation"),
            ("dissociation", "dissociation"),
        ])
    );
    let doc = Html::parse_fragment(&r.html);
    assert_eq!(
        doc.select(&Selector::parse("a.gloss-term > em").unwrap())
            .count(),
        1
    );
    assert!(!r.html.contains("glossary:"));
    // The explicit link counts as the first use: the later mention stays plain.
    assert!(
        r.html.ends_with("</span></span> then dissociation.</p>\n"),
        "{}",
        r.html
    );
}

#[test]
fn unknown_explicit_term_is_an_error_with_suggestion_and_position() {
    let md = "Intro.\n\nSee [[ketamin]] and [x](glossary:nmda-recepter) and [[zzzz]].";
    let r = run(md);
    let d = &r.outcome.diagnostics;
    assert_eq!(d.len(), 3, "{d:?}");
    let first = d[0].to_string();
    assert!(
        first.starts_with("error[glossary-unknown-term]: content/page.md:3:5: "),
        "{first}"
    );
    assert!(first.contains("did you mean `ketamine`?"), "{first}");
    assert!(
        d[1].to_string().contains("content/page.md:3:21"),
        "{}",
        d[1]
    );
    assert!(
        d[1].to_string().contains("did you mean `nmda-receptor`?"),
        "{}",
        d[1]
    );
    assert!(d[2]
        .help
        .as_deref()
        .is_some_and(|h| !h.contains("did you mean")));
    // The dead links are dropped and their text is not linked automatically either.
    assert!(links(&r.html).is_empty(), "{}", r.html);
    assert!(r.html.contains("See ketamin and x and zzzz."), "{}", r.html);
}

#[test]
fn url_like_words_and_abbreviation_case_in_pages() {
    let r = run_with(
        "Visit www.tms-info.org/tms or <https://x.org/TMS>; tms is not TMS.",
        LinkMode::All,
        None,
    );
    assert_eq!(links(&r.html), pairs(&[("tms", "TMS")]));
}

#[test]
fn citation_placeholders_are_left_alone() {
    // The citation pass runs first and leaves raw HTML where `[@key]` was.
    let g = glossary();
    let m = Matcher::new(&g).unwrap();
    let md = "Ketamine [@ketamine2020] works.";
    let mut events: Vec<_> = Parser::new_ext(md, OPTS)
        .into_offset_iter()
        .map(|(e, r)| (e.into_static(), r))
        .collect();
    let at = md.find('[').unwrap();
    let cite = at..at + "[@ketamine2020]".len();
    events.retain(|(_, r)| !(cite.start <= r.start && r.end <= cite.end));
    let placeholder =
        Event::InlineHtml("<sup class=\"cite\" data-key=\"ketamine2020\">ketamine</sup>".into());
    let pos = events
        .iter()
        .position(|(_, r)| r.start > cite.start)
        .unwrap();
    events.insert(pos, (placeholder, cite));
    let table = LinkTable::new(&g);
    let ctx = LinkContext {
        glossary: &g,
        matcher: &m,
        mode: LinkMode::All,
        exclude_slug: None,
        file: "p.md",
        text: md,
    };
    let out = link_terms(&events, &ctx);
    let pieces = LinkPieces {
        table: &table,
        href_base: "",
        id_prefix: "p-",
        edits: &out.edits,
    };
    let html_out = to_html(&events, pieces);
    assert_eq!(links(&html_out), pairs(&[("ketamine", "Ketamine")]));
    assert!(
        html_out.contains("<sup class=\"cite\" data-key=\"ketamine2020\">ketamine</sup> works.")
    );
    assert!(html_out.contains("id=\"p-gt_1\""), "{html_out}");
}

#[test]
fn link_mode_reads_from_configuration() {
    let modes: Vec<LinkMode> = serde_yaml::from_str("[first, all, none]").unwrap();
    assert_eq!(modes, [LinkMode::First, LinkMode::All, LinkMode::None]);
    assert_eq!(LinkMode::default(), LinkMode::First);
}

#[test]
fn smart_apostrophes_match_plain_ones() {
    let r = run("Alzheimer's disease and Alzheimer\u{2019}s disease.");
    // Smart punctuation turns the first into a curly apostrophe too; both match the name.
    assert_eq!(
        links(&r.html),
        pairs(&[("alzheimer", "Alzheimer\u{2019}s disease")])
    );
    let r = run_with(
        "Alzheimer\u{2019}s disease, Alzheimer's disease.",
        LinkMode::All,
        None,
    );
    assert_eq!(links(&r.html).len(), 2);
}

#[test]
fn not_in_definition_list_terms() {
    let r = run("Ketamine\n: An anaesthetic, like ketamine.");
    assert_eq!(links(&r.html), pairs(&[("ketamine", "ketamine")]));
    let doc = Html::parse_fragment(&r.html);
    assert_eq!(
        doc.select(&Selector::parse("dd a.gloss-term").unwrap())
            .count(),
        1
    );
}
