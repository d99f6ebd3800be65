//! The same works written as glia YAML, BibTeX and CSL-JSON must format identically: editors
//! may bring references from any reference manager without the output changing.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

use std::path::Path;

use glia::cite::{
    find_citations, load_bibliography_file, Bibliography, FormattedDoc, Name, Reference,
    StyleChoice, Styler,
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cite");

fn bib(file: &str) -> Bibliography {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join(file)).expect("fixture");
    let (refs, diags) = load_bibliography_file(file, &text);
    assert!(diags.is_empty(), "{file}: {diags:?}");
    let (bib, diags) = Bibliography::build(refs);
    assert!(diags.is_empty(), "{file}: {diags:?}");
    bib
}

fn format(bib: &Bibliography, keys: &[&str], choice: StyleChoice) -> FormattedDoc {
    let markdown: String = keys.iter().map(|k| format!("[@{k}] ")).collect();
    Styler::load(&choice)
        .expect("style")
        .format_document(bib, &find_citations(&markdown))
        .expect("formatted")
}

fn styles() -> [StyleChoice; 3] {
    [StyleChoice::Vancouver, StyleChoice::Ama, StyleChoice::Apa]
}

#[test]
fn bibtex_formats_like_yaml() {
    let yaml = bib("refs.yaml");
    let bibtex = bib("refs.bib");
    let keys: Vec<&str> = bibtex.keys().collect();
    assert_eq!(keys.len(), 5);
    for style in styles() {
        assert_eq!(
            format(&bibtex, &keys, style),
            format(&yaml, &keys, style),
            "{style:?}"
        );
    }
}

#[test]
fn csl_json_formats_like_yaml() {
    let yaml = bib("refs.yaml");
    let json = bib("refs.json");
    let keys: Vec<&str> = yaml.keys().collect();
    assert_eq!(json.keys().collect::<Vec<_>>(), keys);
    for style in styles() {
        assert_eq!(
            format(&json, &keys, style),
            format(&yaml, &keys, style),
            "{style:?}"
        );
    }
}

/// refs.yaml writes two works' authors compactly (`Okafor C`), so only initials are known
/// there; the other formats carry full given names. Those formatted identically above; here the
/// given names are set aside for them.
fn comparable(r: &Reference) -> Reference {
    let mut r = r.clone();
    if ["fixture-one-author", "fixture-two-authors"].contains(&r.id.as_str()) {
        for n in &mut r.authors {
            if let Name::Person { given, .. } = n {
                *given = None;
            }
        }
    }
    r
}

#[test]
fn the_three_readers_agree_on_the_data() {
    let yaml = bib("refs.yaml");
    let json = bib("refs.json");
    let bibtex = bib("refs.bib");
    for (key, r) in json.iter().chain(bibtex.iter()) {
        let y = yaml.get(key).expect("same key in YAML");
        assert_eq!(comparable(r), comparable(y), "{key}");
    }
}

// ---------------------------------------------------------------------------------------------
// Real entries (issue 16). `realworld.json` holds five items of OpenPBTA's
// `output/references.json` as Manubot wrote them (CC0/CC BY 4.0; abstracts and notes left out):
// Northcott et al. 2012 twice (`4wYR62jK`, 135 authors; `ynFGewrs`), Merkel 2014 (`1CJTmbOqr`,
// only Zotero's `journalAbbreviation`), Wu et al. 2014 (`1CpnMVmIN`, `journalAbbreviation`
// and an organisation as last author), Qaddoumi et al. 2016 (`107ZjoLxM`,
// `container-title-short`); and two works as their publishers cite them: Steele, Diamond &
// Amin 1996 (JRSS Series A) and the PRISMA-P 2015 statement (eight authors and the PRISMA-P
// Group).
// ---------------------------------------------------------------------------------------------

fn entry_text(doc: &FormattedDoc, key: &str) -> String {
    doc.entries
        .iter()
        .find(|e| e.key == key)
        .unwrap_or_else(|| panic!("no entry {key}"))
        .text
        .clone()
}

#[test]
fn vancouver_and_ama_print_journal_abbreviations() {
    let bib = bib("realworld.json");
    let keys = ["1CJTmbOqr", "1CpnMVmIN", "107ZjoLxM"];
    let vancouver = format(&bib, &keys, StyleChoice::Vancouver);
    assert!(entry_text(&vancouver, "1CJTmbOqr").contains(" Linux J [Internet]. 2014"));
    assert!(entry_text(&vancouver, "1CpnMVmIN").contains(" Nat Genet [Internet]. 2014"));
    assert!(entry_text(&vancouver, "107ZjoLxM").contains(" Acta Neuropathol [Internet]. 2016"));
    let ama = format(&bib, &keys, StyleChoice::Ama);
    assert!(entry_text(&ama, "1CJTmbOqr").contains(" Linux J. 2014;"));
    assert!(entry_text(&ama, "107ZjoLxM").contains(" Acta Neuropathol. 2016;"));
    // APA prints the journal's full name.
    let apa = format(&bib, &keys, StyleChoice::Apa);
    assert!(entry_text(&apa, "1CJTmbOqr").contains(" Linux Journal, 2014"));
}

#[test]
fn apa_reference_lists_never_abbreviate_authors() {
    // Two works "Northcott et al., 2012": citations tell them apart by adding names, which
    // the reference list must not copy ("Northcott, Shih, et al. (2012)").
    let bib = bib("realworld.json");
    let keys = ["4wYR62jK", "ynFGewrs"];
    let apa = Styler::load(&StyleChoice::Apa).expect("style");
    let doc = format(&bib, &keys, StyleChoice::Apa);
    let index = apa.format_entries(&bib, &keys);
    for text in [entry_text(&doc, "4wYR62jK"), index[0].text.clone()] {
        assert!(
            text.starts_with(
                "Northcott, P. A., Shih, D. J. H., Peacock, J., Garzia, L., Sorana Morrissy, A.,"
            ),
            "{text}"
        );
        assert!(
            text.contains("… Taylor, M. D. (2012). Subgroup-specific"),
            "{text}"
        );
    }
    assert!(
        entry_text(&doc, "ynFGewrs").starts_with("Northcott, P. A., Jones, D. T. W., Kool, M.,")
    );
    // The citations still tell the two apart, as citeproc does.
    assert!(
        doc.citations[0]
            .html
            .contains("Northcott, Shih, et al., 2012"),
        "{}",
        doc.citations[0].html
    );
}

#[test]
fn organisation_authors_stay_organisations() {
    let json = bib("realworld.json");
    let yaml_text = "- id: moher2015\n  title: Preferred reporting items for systematic review and meta-analysis protocols (PRISMA-P) 2015 statement\n  authors: [Moher D, Shamseer L, Clarke M, Ghersi D, Liberati A, Petticrew M, Shekelle P, Stewart LA, {literal: PRISMA-P Group}]\n  container: Systematic Reviews\n  year: 2015\n  volume: 4\n  issue: 1\n  pages: 1\n  doi: 10.1186/2046-4053-4-1\n";
    let (refs, diags) = load_bibliography_file("r.yaml", yaml_text);
    assert!(diags.is_empty(), "{diags:?}");
    let (yaml, _) = Bibliography::build(refs);
    for bib in [json, yaml] {
        let apa = format(&bib, &["moher2015"], StyleChoice::Apa);
        assert!(
            entry_text(&apa, "moher2015")
                .starts_with("Moher, D., Shamseer, L., Clarke, M., Ghersi, D., Liberati, A., Petticrew, M., Shekelle, P., Stewart, L. A., & PRISMA-P Group. (2015)."),
            "{}",
            entry_text(&apa, "moher2015")
        );
        let vancouver = format(&bib, &["moher2015"], StyleChoice::Vancouver);
        assert!(entry_text(&vancouver, "moher2015").contains(
            "Moher D, Shamseer L, Clarke M, Ghersi D, Liberati A, Petticrew M, et al. Preferred"
        ));
    }
}

#[test]
fn title_case_keeps_capitals_of_the_data() {
    let apa = format(&bib("realworld.json"), &["steele1996"], StyleChoice::Apa);
    assert!(
        entry_text(&apa, "steele1996")
            .contains("Journal of the Royal Statistical Society: Series A (Statistics in Society), 159(2), 289–299."),
        "{}",
        entry_text(&apa, "steele1996")
    );
}

/// typst/hayagriva#413 ("Rework Citation Disambiguation") adds given names only under the
/// `by-cite` rule; APA asks for `primary-name-with-initials`. The two works of the issue
/// (`Smith B`, `Smith C`, 2021) must read as citeproc prints them.
#[test]
fn same_family_name_and_year_are_told_apart_by_initials() {
    let text = "- id: smithb\n  title: Other\n  authors: [Smith B]\n  container: J\n  year: 2021\n- id: smithc\n  title: More\n  authors: [Smith C]\n  container: J\n  year: 2021\n";
    let (refs, _) = load_bibliography_file("r.yaml", text);
    let (bib, _) = Bibliography::build(refs);
    let doc = format(&bib, &["smithb", "smithc"], StyleChoice::Apa);
    assert!(
        doc.citations[0].html.contains(">B. Smith, 2021<"),
        "{}",
        doc.citations[0].html
    );
    assert!(
        doc.citations[1].html.contains(">C. Smith, 2021<"),
        "{}",
        doc.citations[1].html
    );
    assert_eq!(entry_text(&doc, "smithb"), "Smith, B. (2021). Other. J.");
    assert_eq!(entry_text(&doc, "smithc"), "Smith, C. (2021). More. J.");
}

/// The same as a real pair: two single-author works of 2021 in EpiMethods' `ref.bib`
/// (shared/realworld/epimethods, from the book's repository ehsanx/EpiMethods), entered as
/// `Karim, Ehsan` and `Karim, ME`, as written there. pandoc 2.17 prints `(E. Karim, 2021)`,
/// `(M. Karim, 2021)` and `Karim, E. (2021).`, `Karim, M. (2021).` (BibTeX's `ME` is one given
/// name, so one initial).
#[test]
fn real_pair_with_same_family_name_and_year_is_told_apart_as_citeproc_does() {
    let text = "@online{karim2021,
    author = {Karim, Ehsan},
    title = {Understanding Basics and Usage of Machine Learning in Medical Literature},
    year = {2021},
    url = {https://ehsanx.github.io/into2ML/},
    version = {v1.1}
}

@online{karim2021psm,
  author    = {Karim, ME},
  title     = {Understanding Propensity Score Matching},
  year      = {2021},
  url       = {https://ehsanx.github.io/psw/}
}
";
    let (refs, _) = load_bibliography_file("ref.bib", text);
    let (bib, _) = Bibliography::build(refs);
    let doc = format(&bib, &["karim2021", "karim2021psm"], StyleChoice::Apa);
    let cites: Vec<&str> = doc.citations.iter().map(|c| c.html.as_str()).collect();
    assert!(cites[0].contains(">E. Karim, 2021<"), "{}", cites[0]);
    assert!(cites[1].contains(">M. Karim, 2021<"), "{}", cites[1]);
    assert!(
        entry_text(&doc, "karim2021").starts_with("Karim, E. (2021). Understanding basics"),
        "{}",
        entry_text(&doc, "karim2021")
    );
    assert!(
        entry_text(&doc, "karim2021psm").starts_with("Karim, M. (2021). Understanding propensity"),
        "{}",
        entry_text(&doc, "karim2021psm")
    );
}

/// Page values hayagriva cannot read as page ranges, from OpenPBTA's PubMed/Crossref data
/// (Kleihues 2002, Campbell 2017): citeproc prints a part that is not one range as written
/// and joins a one-hyphen part with the style's range delimiter (AMA's is a hyphen).
/// hayagriva printed an en dash for every hyphen (`215–25; discussion 226–9`, AMA's
/// `1042–1056.e10`); repair.rs workaround 10, typst/hayagriva#529.
#[test]
fn text_page_values_print_as_citeproc_prints_them() {
    let json = r#"[
{"id": "kleihues2002", "type": "article-journal", "title": "The WHO classification of tumors of the nervous system",
 "author": [{"family": "Kleihues", "given": "Paul"}], "container-title": "Journal of Neuropathology and Experimental Neurology",
 "volume": "61", "issue": "3", "page": "215-25; discussion 226-9", "issued": {"date-parts": [[2002, 3]]}},
{"id": "campbell2017", "type": "article-journal", "title": "Comprehensive Analysis of Hypermutation in Human Cancer",
 "author": [{"family": "Campbell", "given": "Brittany B."}], "container-title": "Cell",
 "volume": "171", "issue": "5", "page": "1042-1056.e10", "issued": {"date-parts": [[2017, 11]]}}
]"#;
    let (refs, diags) = load_bibliography_file("refs.json", json);
    assert!(diags.is_empty(), "{diags:?}");
    let (bib, diags) = Bibliography::build(refs);
    assert!(diags.is_empty(), "{diags:?}");
    for (style, range) in [
        (StyleChoice::Vancouver, "1042\u{2013}1056.e10"),
        (StyleChoice::Ama, "1042-1056.e10"),
        (StyleChoice::Apa, "1042\u{2013}1056.e10"),
    ] {
        let doc = format(&bib, &["kleihues2002", "campbell2017"], style);
        let text = |key: &str| entry_text(&doc, key);
        assert!(
            text("kleihues2002").contains("215-25; discussion 226-9"),
            "{style:?}: {}",
            text("kleihues2002")
        );
        assert!(
            text("campbell2017").contains(range),
            "{style:?}: {}",
            text("campbell2017")
        );
    }
}

/// Works of one author and year, from the EpiMethods book's `ref.bib` (`../shared/realworld/`):
/// four groups of them, cited in an order that is not the reference list's. citeproc gives
/// each group's suffixes in the list's order (by title: "Available models" 2023a), in the
/// citations and in the list alike. hayagriva 0.10.1 handed them out in order of citation
/// (typst/hayagriva#330) and to at most three groups a document (typst/hayagriva#507, fixed
/// upstream by #517, not yet released), so Karim's two 2025 works both read "(2025)".
#[test]
fn year_suffixes_follow_the_reference_list_in_every_group() {
    let bibtex = r#"
@misc{tuning,
	title={Model Training and Tuning},
	url={https://topepo.github.io/caret/model-training-and-tuning.html},
	author={Kuhn, Max},
	note={[Online; accessed 2023-05-15]},
	date=2023,
	year=2019,
}
@misc{models,
	title={Available Models},
	url={https://topepo.github.io/caret/available-models.html},
	author={Kuhn, Max},
	note={[Online; accessed 2023-05-15]},
	date=2023,
	year=2019,
}
@misc{anova,
	title={One-way analysis of variance},
	url={https://en.wikipedia.org/wiki/One-way_analysis_of_variance},
	author={Wikipedia},
	note={[Online; accessed 2023-05-15]},
	date=2023,
	year=2023,
}
@misc{coefd,
	title={Coefficient of determination},
	url={https://en.wikipedia.org/wiki/Coefficient_of_determination},
	author={Wikipedia},
	note={[Online; accessed 2023-05-15]},
	date=2023,
	year=2023,
}
@incollection{vittinghoff2011predictor,
  author    = {Vittinghoff, Eric and Glidden, David V. and Shiboski, Stephen C. and McCulloch, Charles E.},
  title     = {Predictor Selection},
  booktitle = {Regression Methods in Biostatistics: Linear, Logistic, Survival, and Repeated Measures Models},
  year      = {2011},
  chapter   = {10},
  publisher = {Springer}
}
@book{vittinghoff2011regression,
  title={Regression methods in biostatistics: linear, logistic, survival, and repeated measures models},
  author={Vittinghoff, Eric and Glidden, David V and Shiboski, Stephen C and McCulloch, Charles E},
  year={2011},
  publisher={Springer Science \& Business Media}
}
@Misc{svyTable1,
  author = {Karim, Mohammad Ehsanul},
  title = {svyTable1: Table 1 and diagnostics from complex survey designs},
  year = {2025},
  version = {0.1.0},
  note = {R package},
  url = {https://github.com/ehsanx/svyTable1},
  accessed = {2025-10-13}
}
@article{karim2025high,
  title={High-dimensional propensity score and its machine learning extensions in residual confounding control},
  author={Karim, Mohammad Ehsanul},
  journal={The American Statistician},
  volume={79},
  number={1},
  pages={72--90},
  year={2025},
  publisher={Taylor \& Francis}
}
"#;
    let (refs, diags) = load_bibliography_file("ref.bib", bibtex);
    assert!(diags.is_empty(), "{diags:?}");
    let (bib, diags) = Bibliography::build(refs);
    assert!(diags.is_empty(), "{diags:?}");
    let want = [
        ("tuning", "2023b"),
        ("anova", "2023b"),
        ("vittinghoff2011regression", "2011b"),
        ("svyTable1", "2025b"),
        ("models", "2023a"),
        ("coefd", "2023a"),
        ("vittinghoff2011predictor", "2011a"),
        ("karim2025high", "2025a"),
    ];
    let keys: Vec<&str> = want.iter().map(|(k, _)| *k).collect();
    let doc = format(&bib, &keys, StyleChoice::Apa);
    for ((key, year), citation) in want.iter().zip(&doc.citations) {
        assert!(
            citation.html.contains(year),
            "{key}: {year} in the citation {}",
            citation.html
        );
        let entry = doc.entries.iter().find(|e| e.key == *key).expect("entry");
        assert!(
            entry.text.contains(&format!("({year})")),
            "{key}: {year} in the entry {}",
            entry.text
        );
    }
}

/// BibTeX fields pandoc reads and glia dropped, from real exports: EndNote's `type = {Journal
/// Article}` (`RN10758` of `tests/fixtures/realworld/hypertension-jabref.bib`) is CSL's genre,
/// which APA prints in brackets; Google Scholar's `howpublished = {\url{…}}` (EpiMethods'
/// `CDCfaq`) is where a web page was published, printed as its publisher.
#[test]
fn bibtex_type_and_howpublished_are_read_as_pandoc_reads_them() {
    let text = format!(
        "{}\n{}",
        include_str!("fixtures/realworld/hypertension-jabref.bib"),
        r#"@misc{CDCfaq,
  author = {CDC},
  title = {NHANES Web Tutorial Frequently Asked Questions (FAQs)},
  year = 2023,
  howpublished = {\url{https://wwwn.cdc.gov/nchs/nhanes/continuousnhanes/faq.aspx}},
  note = {Online; accessed 2023-05-26}
}"#
    );
    let (refs, _) = load_bibliography_file("refs.bib", &text);
    let (bib, _) = Bibliography::build(refs);
    let doc = format(&bib, &["RN10758", "CDCfaq"], StyleChoice::Apa);
    let text = |key: &str| entry_text(&doc, key);
    assert!(
        text("RN10758").contains("whitehall II study [Journal Article]. Hypertension, 55(4)"),
        "{}",
        text("RN10758")
    );
    assert_eq!(
        text("CDCfaq"),
        "CDC. (2023). NHANES web tutorial frequently asked questions (FAQs). \
         https://wwwn.cdc.gov/nchs/nhanes/continuousnhanes/faq.aspx."
    );
}

/// A title written with Unicode superscripts (OpenPBTA's Duchemann et al. 2022, "CD8⁺PD-1⁺ to
/// CD4⁺PD-1⁺ ratio (PERLS)…"): citeproc reads them as superscript markup, so the entry reads
/// "CD8+PD-1+" and shows the `+` raised; glia printed the characters.
#[test]
fn unicode_superscripts_in_titles_become_superscript_markup() {
    let json = r#"[{"id": "duchemann2022", "type": "article-journal",
 "title": "CD8⁺PD-1⁺ to CD4⁺PD-1⁺ ratio (PERLS) is associated with prognosis of patients with advanced NSCLC treated with PD-(L)1 blockers",
 "author": [{"family": "Duchemann", "given": "Boris"}], "container-title": "Journal for ImmunoTherapy of Cancer",
 "container-title-short": "J Immunother Cancer", "volume": "10", "issue": "2", "page": "e004012",
 "issued": {"date-parts": [[2022, 2]]}}]"#;
    let (refs, diags) = load_bibliography_file("refs.json", json);
    assert!(diags.is_empty(), "{diags:?}");
    let (bib, _) = Bibliography::build(refs);
    for style in styles() {
        let doc = format(&bib, &["duchemann2022"], style);
        let html = &doc.entries[0].html;
        assert!(
            html.contains(
                "CD8<sup>+</sup>PD-1<sup>+</sup> to CD4<sup>+</sup>PD-1<sup>+</sup> ratio"
            ),
            "{style:?}: {html}"
        );
    }
}
