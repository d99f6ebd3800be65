//! Bad reference data must be reported with the entry's name, the right place and a hint.

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
    assert!(d.message.starts_with("invalid BibTeX: "), "{}", d.message);
    assert_eq!(d.file.as_deref(), Some("refs.bib"));
    assert!(line_col(d).0 >= 5, "{d}");
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
