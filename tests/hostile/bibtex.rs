//! BibTeX that would lose data or time: an extra `}` that silently drops the rest of an entry,
//! and brace nesting deep enough to stall the parser.

use glia::cite::load_bibliography_file;

use crate::common::{render_diags, Fixture};

fn line_col(d: &glia::diagnostics::Diagnostic) -> (usize, usize) {
    let l = d.location.as_ref().expect("a location");
    (l.line, l.column)
}

/// `title = {Closing}}},` closes the entry after the title: BibTeX reads `year = {2020},` as a
/// comment between entries. It used to build with exit 0 and the year gone.
#[test]
fn an_extra_closing_brace_is_an_error_at_its_line() {
    let bib = "@article{a,\n  title = {Closing}}},\n  year = {2020},\n}\n\n@article{b,\n  title = {Fine},\n  year = {2021}\n}\n";
    let (_, diags) = load_bibliography_file("refs.bib", bib);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert!(d.is_error());
    assert_eq!(d.file.as_deref(), Some("refs.bib"));
    assert_eq!(line_col(d), (2, 20), "{d:?}");
    assert!(
        d.message.contains("entry `a` is closed early"),
        "{}",
        d.message
    );

    let site = Fixture::new(&[
        ("site.yaml", "title: T\nbibliography: [refs.bib]\n"),
        ("refs.bib", bib),
        ("content/articles/x.md", "---\ntitle: X\n---\nText [@a].\n"),
    ]);
    let err = site.build().expect_err("the build must fail");
    let shown = render_diags(&err);
    assert!(shown.contains("refs.bib:2:20"), "{shown}");
}

/// 100,000 nested braces (a 200 KB file) ran for over 30 s inside the BibTeX parser.
#[test]
fn absurd_brace_nesting_is_refused_before_parsing() {
    let depth = 100_000;
    let bib = format!(
        "@article{{a,\n  year = {{2020}},\n  title = {}x{}\n}}\n",
        "{".repeat(depth),
        "}".repeat(depth)
    );
    let (refs, diags) = load_bibliography_file("deep.bib", &bib);
    assert!(refs.is_empty());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, "bibliography-syntax");
    assert!(
        diags[0].message.contains("nested more than 64"),
        "{}",
        diags[0].message
    );
    assert_eq!(line_col(&diags[0]).0, 3);
}

/// Depth up to the limit, quoted values with braces, `@comment` and `%` lines stay fine.
#[test]
fn ordinary_nesting_and_comments_still_load() {
    let bib = format!(
        "% a comment with a }} brace\n@comment{{jabref-meta: x}}\n@article{{a,\n  title = \"Quoted {{NASA}} value\",\n  note = {}x{},\n  year = {{2020}}\n}}\n",
        "{".repeat(60),
        "}".repeat(60)
    );
    let (refs, diags) = load_bibliography_file("ok.bib", &bib);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(refs.len(), 1);
}
