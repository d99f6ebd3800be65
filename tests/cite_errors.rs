//! Bad reference data must be reported with the entry's name, the right place and a hint.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

use glia::cite::{load_bibliography_file, load_inline_references, Bibliography, RefInput};
use glia::diagnostics::{Diagnostic, Severity};

fn only(diags: &[Diagnostic]) -> &Diagnostic {
    assert_eq!(diags.len(), 1, "{diags:#?}");
    &diags[0]
}

fn line_col(d: &Diagnostic) -> (usize, usize) {
    let l = d.location.as_ref().expect("a location");
    (l.line, l.column)
}

#[test]
fn unknown_field_typo_suggests_the_field() {
    let text = "- id: good\n  title: Fine\n- id: smith2020\n  tittle: Oops\n";
    let (refs, diags) = load_bibliography_file("refs.yaml", text);
    assert_eq!(refs.len(), 1, "the good entry still loads");
    let d = only(&diags);
    assert_eq!(d.code, "unknown-field");
    assert_eq!(d.message, "reference `smith2020`: unknown field `tittle`");
    assert_eq!(d.file.as_deref(), Some("refs.yaml"));
    assert_eq!(line_col(d), (4, 3));
    assert_eq!(d.help.as_deref(), Some("did you mean `title`?"));
}

#[test]
fn unknown_name_field_suggests_too() {
    let text = "- id: a\n  authors:\n    - {famly: Smith, given: Jo}\n";
    let (_, diags) = load_bibliography_file("refs.yaml", text);
    let d = only(&diags);
    assert_eq!(d.message, "reference `a`: unknown field `famly`");
    assert_eq!(d.help.as_deref(), Some("did you mean `family`?"));
    assert_eq!(line_col(d).0, 3);
}

#[test]
fn malformed_identifiers_point_at_their_values() {
    let text = "- id: a\n  doi: 10.1192\n  pmid: 3504x\n  pmcid: 8715255\n";
    let (refs, diags) = load_bibliography_file("refs.yaml", text);
    assert!(refs.is_empty());
    let got: Vec<(&str, &str, (usize, usize))> = diags
        .iter()
        .map(|d| (d.code, d.message.as_str(), line_col(d)))
        .collect();
    assert_eq!(
        got,
        [
            ("bad-doi", "reference `a`: malformed DOI `10.1192`", (2, 8)),
            ("bad-pmid", "reference `a`: malformed PMID `3504x`", (3, 9)),
            (
                "bad-pmcid",
                "reference `a`: malformed PMCID `8715255`",
                (4, 10)
            ),
        ]
    );
    assert!(diags.iter().all(|d| d.is_error() && d.help.is_some()));
}

#[test]
fn doi_written_as_url_gets_the_bare_form_as_help() {
    let (_, diags) = load_bibliography_file("r.yaml", "- id: a\n  doi: https://doi.org/10.1/x\n");
    assert_eq!(
        only(&diags).help.as_deref(),
        Some("write the bare DOI: `10.1/x`")
    );
}

#[test]
fn javascript_url_is_refused_in_every_format() {
    let (_, d1) = load_bibliography_file("r.yaml", "- id: a\n  url: javascript:alert(1)\n");
    let d = only(&d1);
    assert_eq!(d.code, "bad-url");
    assert_eq!(
        d.message,
        "reference `a`: `javascript:alert(1)` is not an http(s) URL"
    );
    assert_eq!(line_col(d), (2, 8));
    let (refs, d2) = load_bibliography_file(
        "r.json",
        "[{\"id\": \"a\", \"URL\": \"javascript:alert(1)\"}]",
    );
    assert!(refs.is_empty());
    assert_eq!(only(&d2).code, "bad-url");
}

#[test]
fn non_numeric_year() {
    let (_, diags) = load_bibliography_file("r.yaml", "- id: a\n  title: T\n  year: 2021a\n");
    let d = only(&diags);
    assert_eq!(d.code, "bad-year");
    assert_eq!(d.message, "reference `a`: `year: 2021a` is not a number");
    assert_eq!(line_col(d), (3, 9));
}

#[test]
fn bibtex_syntax_error_has_its_line() {
    let text =
        "@article{a,\n  title = {Fine},\n}\n\n@article{b,\n  title = {Unclosed,\n  year = 2020\n";
    let (refs, diags) = load_bibliography_file("refs.bib", text);
    assert!(refs.is_empty());
    let d = only(&diags);
    assert_eq!(d.code, "bibliography-syntax");
    // Where the unclosed `{` opens, not where the file ends (issue 20, point 15).
    assert_eq!(d.message, "this `{` is never closed");
    assert_eq!(d.file.as_deref(), Some("refs.bib"));
    assert_eq!(line_col(d), (6, 11), "{d}");
}

#[test]
fn json_syntax_error_has_its_line() {
    let (_, diags) = load_bibliography_file("refs.json", "[\n {\"id\": \"a\",}\n]");
    let d = only(&diags);
    assert_eq!(d.code, "bibliography-syntax");
    assert_eq!(line_col(d).0, 2);
}

#[test]
fn duplicate_key_with_different_metadata_names_both_places() {
    let (mut refs, _) = load_bibliography_file("refs.yaml", "- id: a\n  title: One\n");
    let md = "---\ntitle: Page\nreferences:\n  - id: a\n    title: Two\n---\nText\n";
    #[derive(serde::Deserialize)]
    struct Front {
        references: Vec<RefInput>,
    }
    let front: Front = serde_yaml::from_str(&md[4..md.len() - 10]).expect("front-matter");
    let (inline, diags) = load_inline_references("content/page.md", md, front.references);
    assert!(diags.is_empty());
    refs.extend(inline);
    let (bib, diags) = Bibliography::build(refs);
    let d = only(&diags);
    assert_eq!(d.code, "duplicate-reference");
    assert_eq!(
        d.message,
        "reference `a` is defined twice with different metadata: in content/page.md:4:1 and in refs.yaml:1:1"
    );
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(bib.get("a").and_then(|r| r.title.as_deref()), Some("Two"));
}

#[test]
fn same_doi_under_two_keys_is_a_warning() {
    let text = "- id: a\n  doi: 10.1/X\n- id: b\n  doi: 10.1/x\n";
    let (refs, diags) = load_bibliography_file("refs.yaml", text);
    assert!(diags.is_empty());
    let (bib, diags) = Bibliography::build(refs);
    let d = only(&diags);
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.code, "duplicate-work");
    assert_eq!(
        d.message,
        "reference `b`: the same work under two keys: DOI 10.1/x is also cited as `a`"
    );
    assert_eq!(line_col(d), (3, 1));
    assert_eq!(bib.len(), 2);
}

#[test]
fn inline_reference_problems_point_into_the_article() {
    let md = "---\nreferences:\n  - id: x\n    pmid: abc\n---\n";
    let inputs: Vec<RefInput> =
        serde_yaml::from_str("- id: x\n  pmid: abc\n").expect("front-matter list");
    let (refs, diags) = load_inline_references("content/a.md", md, inputs);
    assert!(refs.is_empty());
    let d = only(&diags);
    assert_eq!(d.code, "bad-pmid");
    assert_eq!(d.file.as_deref(), Some("content/a.md"));
    assert_eq!(line_col(d), (4, 11));
}

#[test]
fn both_spellings_of_one_field_in_csl_yaml_front_matter_are_reported() {
    // A pandoc document's CSL-YAML entry edited by hand in glia's shape: each pair used to keep
    // one value and silently drop the other.
    let entry = "- id: x
  title: T
  year: 2020
  issued: {date-parts: [[2021]]}
  container: A
  container-title: B
  pages: 1-2
  page: 3-4
  doi: 10.1/a
  DOI: 10.1/b
  url: https://a.example
  URL: https://b.example
  place: Here
  publisher-place: There
";
    let md = format!("---\nreferences:\n{}---\n", indent(entry));
    let inputs: Vec<RefInput> = serde_yaml::from_str(entry).expect("front-matter list");
    let (refs, diags) = load_inline_references("content/a.md", &md, inputs);
    assert!(
        refs.is_empty(),
        "an entry with two values for a field is not used"
    );
    let got: Vec<(&str, &str, (usize, usize))> = diags
        .iter()
        .map(|d| (d.code, d.message.as_str(), line_col(d)))
        .collect();
    assert_eq!(
        got,
        [
            (
                "bad-reference",
                "reference `x`: both `container` and `container-title`",
                (8, 22)
            ),
            (
                "bad-reference",
                "reference `x`: both `year` and `issued`",
                (6, 13)
            ),
            (
                "bad-reference",
                "reference `x`: both `pages` and `page`",
                (10, 11)
            ),
            (
                "bad-reference",
                "reference `x`: both `place` and `publisher-place`",
                (16, 22)
            ),
            (
                "bad-reference",
                "reference `x`: both `doi` and `DOI`",
                (12, 10)
            ),
            (
                "bad-reference",
                "reference `x`: both `url` and `URL`",
                (14, 10)
            ),
        ]
    );
    assert!(diags
        .iter()
        .all(|d| d.file.as_deref() == Some("content/a.md")));
    assert_eq!(
        diags[1].help.as_deref(),
        Some("keep one of `year` and `issued`")
    );
}

fn indent(yaml: &str) -> String {
    yaml.lines().map(|l| format!("  {l}\n")).collect()
}

// BibTeX as reference managers write it (issue 16): each entry below is real (EpiMethods'
// `ref.bib`, the PRISMA-P statement, the network's own Walsh 2021) unless it says otherwise.

fn apa_entries(bib: &str) -> Vec<(String, String)> {
    entries_in(bib, glia::cite::StyleChoice::Apa)
}

fn entries_in(bib: &str, style: glia::cite::StyleChoice) -> Vec<(String, String)> {
    use glia::cite::{find_citations, Styler};
    let (refs, diags) = load_bibliography_file("refs.bib", bib);
    assert!(diags.is_empty(), "{diags:#?}");
    let keys: Vec<String> = refs.iter().map(|r| r.reference.id.clone()).collect();
    let (bib, _) = Bibliography::build(refs);
    let styler = Styler::load(&style).expect("style");
    let md: String = keys.iter().map(|k| format!("[@{k}]\n\n")).collect();
    let doc = styler
        .format_document(&bib, &find_citations(&md))
        .expect("formatted");
    doc.entries.into_iter().map(|e| (e.html, e.text)).collect()
}

#[test]
fn bibtex_latex_accents_and_escapes_become_unicode() {
    let bib = r"@article{balde2023reader,
  title={Reader reaction to “Outcome-adaptive lasso: Variable selection for causal inference” by Shortreed and Ertefaie (2017)},
  author={Bald{\'e}, Ismaila and Yang, Yi Archer and Lefebvre, Genevi{\`e}ve},
  journal={Biometrics}, volume={79}, number={1}, pages={514--520}, year={2023},
  publisher={Wiley Online Library}
}
@misc{IBM,
	title = {What is {Vibe} {Coding}? {\textbar} {IBM}},
	url = {https://www.ibm.com/think/topics/vibe-coding},
	month = apr, year = {2025},
}
";
    let entries = apa_entries(bib);
    let texts: Vec<&str> = entries.iter().map(|e| e.1.as_str()).collect();
    // pandoc: "Baldé, I., Yang, Y. A., & Lefebvre, G. (2023). Reader reaction to “outcome-adaptive
    // lasso: …” by shortreed and ertefaie (2017)." (its sentence case reaches the quoted title
    // and the names in it too).
    assert!(
        texts[0].starts_with("Baldé, I., Yang, Y. A., & Lefebvre, G. (2023). Reader reaction to “outcome-adaptive lasso: Variable selection for causal inference” by shortreed and ertefaie (2017). Biometrics, 79(1), 514–520."),
        "{texts:?}"
    );
    assert!(texts[1].contains("What is Vibe Coding? | IBM"), "{texts:?}");
}

#[test]
fn bibtex_math_becomes_superscript_and_relations_are_spaced() {
    // von Hippel, BMC Med Res Methodol 2015; identifiers left out on purpose.
    let bib = r"@article{vonhippel2015,
  title = {The heterogeneity statistic {$I^2$} can be biased in small meta-analyses},
  author = {von Hippel, Paul T.},
  journal = {BMC Medical Research Methodology}, volume = {15}, pages = {35}, year = {2015}
}";
    let entries = apa_entries(bib);
    assert!(
        entries[0]
            .0
            .contains("The heterogeneity statistic I<sup>2</sup> can be biased"),
        "{entries:?}"
    );
    // A fixture, not a study: the `($p<.05$)` of the issue, as citeproc prints it.
    let (refs, _) = load_bibliography_file(
        "x.bib",
        r"@article{fixture, title = {Effects ($p<.05$) in {BMI}}, year = {2020}}",
    );
    // Math keeps its case in a style's title case too: it is case-protected.
    assert_eq!(
        refs[0].reference.title.as_deref(),
        Some("Effects (<span class=\"nocase\">p < .05</span>) in BMI")
    );
}

#[test]
fn bibtex_titles_get_pandocs_sentence_case_with_braces_protecting() {
    // The title as the issue quotes it; a fixture (no authors or identifiers).
    let (refs, diags) = load_bibliography_file(
        "x.bib",
        "@article{nnt, title = {The {Number-Needed-to-Treat (NNT)}--Needs Treatment with Care}, year = {2006}}\n\
         @article{lanz, title = {Meet {HuggingChat}: {The} {Free} {Open}-{Source} {Chatbot} {That}'s {Ready}}, year = {2024}}\n\
         @article{de, title = {Die Behandlung der Depression}, langid = {german}, year = {2020}}",
    );
    assert!(diags.is_empty(), "{diags:#?}");
    let titles: Vec<String> = refs
        .iter()
        .filter_map(|r| r.reference.title.as_deref())
        .map(glia::cite::rich::to_plain)
        .collect();
    // Braces with a lower-case word in them stay case-protected for the style's title case.
    assert_eq!(
        refs[0].reference.title.as_deref(),
        Some("The <span class=\"nocase\">Number-Needed-to-Treat (NNT)</span>–needs treatment with care")
    );
    assert_eq!(
        titles,
        [
            "The Number-Needed-to-Treat (NNT)–needs treatment with care",
            "Meet HuggingChat: The Free Open-Source Chatbot That’s Ready",
            "Die Behandlung der Depression",
        ]
    );
}

#[test]
fn bibtex_pmid_field_issue_ranges_organisations_and_others() {
    let bib = r"@article{walsh2021ketamine,
  title = {Ketamine for the treatment of mental health and substance use disorders: comprehensive systematic review},
  author = {Walsh, Zach and Mollaahmetoglu, Ozden Merve and Rootman, Joseph and Golsof, Shannon and Keeler, Johanna and Marsh, Beth and Nutt, David J. and Morgan, Celia J. A.},
  journal = {BJPsych Open}, volume = {8}, number = {1}, year = {2021},
  doi = {10.1192/bjo.2021.1061}, pmid = {35048815}, pmcid = {PMC8715255}
}
@article{moher2015prisma,
  title = {Preferred reporting items for systematic review and meta-analysis protocols ({PRISMA-P}) 2015 statement},
  author = {Moher, David and Shamseer, Larissa and Clarke, Mike and Ghersi, Davina and Liberati, Alessandro and Petticrew, Mark and Shekelle, Paul and Stewart, Lesley A. and {PRISMA-P Group}},
  journal = {Systematic Reviews}, volume = {4}, number = {1}, pages = {1}, year = {2015},
  doi = {https://doi.org/10.1186/2046-4053-4-1}
}
@article{range, title = {Fixture: an issue written as a range}, author = {Li, Meng and Yan, Shoumeng and others}, journal = {J}, volume = {29}, number = {7-8}, year = {2020}}
";
    let (refs, diags) = load_bibliography_file("refs.bib", bib);
    assert!(diags.is_empty(), "{diags:#?}");
    let by = |k: &str| {
        &refs
            .iter()
            .find(|r| r.reference.id == k)
            .expect("loaded")
            .reference
    };
    assert_eq!(by("walsh2021ketamine").pmid.as_deref(), Some("35048815"));
    assert_eq!(by("walsh2021ketamine").pmcid.as_deref(), Some("PMC8715255"));
    assert_eq!(by("range").issue.as_deref(), Some("7-8"));
    // Zotero writes the DOI's URL; the DOI is kept.
    assert_eq!(
        by("moher2015prisma").doi.as_deref(),
        Some("10.1186/2046-4053-4-1")
    );
    let texts: Vec<String> = apa_entries(bib).into_iter().map(|e| e.1).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Stewart, L. A., & PRISMA-P Group. (2015)")),
        "{texts:?}"
    );
    // pandoc (citeproc), Vancouver: "1. Li M, Yan S, et al. Fixture: … J. 2020;29(7-8)."
    // The issue is printed as written, not as a number range with an en dash (`29(7–8)`,
    // hayagriva's; `cite::repair` workaround 9).
    let vancouver: Vec<String> = entries_in(bib, glia::cite::StyleChoice::Vancouver)
        .into_iter()
        .map(|e| e.1)
        .collect();
    assert!(
        vancouver
            .iter()
            .any(|t| t.contains("Li M, Yan S, et al. Fixture") && t.contains("J. 2020;29(7-8).")),
        "{vancouver:?}"
    );
    let apa = apa_entries(bib);
    let (html, text) = apa
        .iter()
        .find(|e| e.1.contains("Fixture"))
        .expect("listed");
    assert!(text.contains("J, 29(7-8)."), "{text}");
    assert!(
        !html.contains('\u{2060}') && !text.contains('\u{2060}'),
        "{html}"
    );
}

/// EndNote's `url` (an entry of `tests/fixtures/realworld/hypertension-jabref.bib`): an
/// `<Go to ISI>://` address and a second one on the next line, not one web address. It was
/// left out without a word; now a warning points at it, and the entry still loads.
#[test]
fn bibtex_url_that_is_not_a_web_address_is_left_out_with_a_warning() {
    let text = "@Article{RN10758,\n  author  = {Kivimaki, M. and Tabak, A. G.},\n  journal = {Hypertension},\n  title   = {Incremental Predictive Value of Adding Past Blood Pressure Measurements to the Framingham Hypertension Risk Equation The Whitehall II Study},\n  year    = {2010},\n  volume  = {55},\n  type    = {Journal Article},\n  url     = {<Go to ISI>://WOS:000275701600039\nhttps://www.ahajournals.org/doi/pdf/10.1161/HYPERTENSIONAHA.109.144220?download=true},\n}\n";
    let (refs, diags) = load_bibliography_file("refs.bib", text);
    assert_eq!(refs.len(), 1, "the entry still loads");
    assert_eq!(refs[0].reference.url, None);
    let d = only(&diags);
    assert_eq!(d.code, "bad-url");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        d.message,
        "reference `RN10758`: `url` is not one http(s) address (`<Go to ISI>://WOS:000275701600039 \
         https://www.ahajournals.or…`); it is left out"
    );
    assert_eq!(line_col(d), (8, 13));
}
