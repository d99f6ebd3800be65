//! Writing references out for "Cite this page" downloads and the site-wide bibliography.
//!
//! All three writers take references in the caller's order and produce the same bytes for the
//! same input, so downloads do not change between builds of unchanged content.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use super::model::{Date, Name, Reference};

/// The CSL-JSON object for one reference: the shape pandoc, Zotero and hayagriva all read.
pub(crate) fn csl_value(r: &Reference) -> Value {
    csl_value_as(r, |s| s.to_string(), |s| s.to_string())
}

/// The CSL-JSON glia hands hayagriva: [`csl_value`] with text as citeproc reads it. pandoc's
/// citeproc prints a straight apostrophe in the data as ’ ("Child’s Nervous System"), Unicode
/// superscripts as superscript markup ([`superscripts_as_markup`]), and
/// splits initials written together ("Mark T.A." is "M. T. A."; "C.‐A." with a U+2010 hyphen
/// is "C. ‐A.") where hayagriva keeps "T.A." as one word and prints one initial for it; the data
/// is given to hayagriva in that form. An issue or volume with a
/// hyphen (`7-8`, `1-2`) is handed over as text (see [`super::repair::number_as_written`]), and a page value
/// hayagriva cannot read as ranges with its hyphens marked ([`super::repair::pages_as_written`]);
/// the words of a title that citeproc's title case leaves in lower case, or that are
/// case-protected, are marked so hayagriva's leaves them too ([`super::title_case`]), and
/// CSL-JSON's spans, which hayagriva does not read, are taken out of every other string.
fn csl_value_for_formatting(r: &Reference) -> Value {
    let text = |s: &str| superscripts_as_markup(&s.replace('\'', "\u{2019}"));
    let given = |s: &str| {
        let mut out = String::with_capacity(s.len() + 4);
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            if c == '.'
                && chars
                    .peek()
                    .is_some_and(|n| n.is_uppercase() || *n == '\u{2010}')
            {
                out.push(' ');
            }
        }
        text(&out)
    };
    let mut v = csl_value_as(r, text, given);
    for variable in ["issue", "volume"] {
        if let Some(Value::String(number)) = v.get_mut(variable) {
            if let Some(as_text) = super::repair::number_as_written(number) {
                *number = as_text;
            }
        }
    }
    for variable in ["title", "container-title", "container-title-short"] {
        if let Some(Value::String(title)) = v.get_mut(variable) {
            if let Some(marked) = super::title_case::mark_lowercase_words(title) {
                *title = marked;
            }
        }
    }
    // hayagriva does not read CSL-JSON's spans (it would print the tags, title-cased): every
    // other string is handed over without them.
    drop_spans(&mut v);
    if let Some(Value::String(pages)) = v.get_mut("page") {
        if let Some(marked) = super::repair::pages_as_written(pages) {
            *pages = marked;
        }
    }
    v
}

/// Every string in `v` without its span tags (`<span class="nocase">` and the like).
fn drop_spans(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(plain) = super::rich::without_spans(s) {
                *s = plain;
            }
        }
        Value::Array(list) => list.iter_mut().for_each(drop_spans),
        Value::Object(map) => map.values_mut().for_each(drop_spans),
        _ => {}
    }
}

/// What a Unicode superscript character (`⁺` in `CD8⁺`) stands for.
fn superscript(c: char) -> Option<char> {
    Some(match c {
        '\u{2070}' => '0',
        '\u{00B9}' => '1',
        '\u{00B2}' => '2',
        '\u{00B3}' => '3',
        '\u{2074}'..='\u{2079}' => char::from_u32(c as u32 - 0x2074 + '4' as u32)?,
        '\u{207A}' => '+',
        '\u{207B}' => '\u{2212}',
        '\u{207C}' => '=',
        '\u{207D}' => '(',
        '\u{207E}' => ')',
        '\u{207F}' => 'n',
        '\u{2071}' => 'i',
        _ => return None,
    })
}

/// Runs of Unicode superscript characters as CSL rich text (`CD8⁺` → `CD8<sup>+</sup>`), as
/// pandoc's citeproc reads a string: the entry prints the same, and its text reads `CD8+`.
fn superscripts_as_markup(s: &str) -> String {
    if !s.chars().any(|c| superscript(c).is_some()) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut open = false;
    for c in s.chars() {
        match superscript(c) {
            Some(plain) => {
                if !open {
                    out.push_str("<sup>");
                    open = true;
                }
                out.push(plain);
            }
            None => {
                if open {
                    out.push_str("</sup>");
                    open = false;
                }
                out.push(c);
            }
        }
    }
    if open {
        out.push_str("</sup>");
    }
    out
}

fn csl_value_as(
    r: &Reference,
    text: impl Fn(&str) -> String,
    given_: impl Fn(&str) -> String,
) -> Value {
    let mut o = Map::new();
    let mut put = |k: &str, v: Option<&String>| {
        if let Some(v) = v {
            o.insert(k.to_string(), Value::String(v.clone()));
        }
    };
    put("id", Some(&r.id));
    put("type", Some(&r.kind));
    let t = |v: &Option<String>| v.as_deref().map(&text);
    put("title", t(&r.title).as_ref());
    put("container-title", t(&r.container).as_ref());
    put("container-title-short", t(&r.container_short).as_ref());
    put("volume", r.volume.as_ref());
    put("issue", r.issue.as_ref());
    put("page", r.pages.as_ref());
    put("publisher", t(&r.publisher).as_ref());
    put("publisher-place", r.place.as_ref());
    put("edition", r.edition.as_ref());
    put("number", r.number.as_ref());
    put("version", r.version.as_ref());
    put("genre", t(&r.genre).as_ref());
    put("DOI", r.doi.as_ref());
    put("PMID", r.pmid.as_ref());
    put("PMCID", r.pmcid.as_ref());
    put("URL", r.url.as_ref());
    let names = |list: &[Name]| {
        Value::Array(
            list.iter()
                .map(|n| match n {
                    Name::Person { family, given } => {
                        let mut name = Map::new();
                        // `van Sluis`, `von Deimling`: leading lower-case words are the
                        // particle, which citeproc keeps in front ("van Sluis P"); hayagriva
                        // moves a particle it finds inside `family` behind the given names.
                        // A lower-case word further in (`Duhil de Benaze`) would be read as a
                        // particle too: everything up to it is handed over as the particle,
                        // which keeps the name whole and in its order.
                        let words: Vec<&str> = family.split(' ').collect();
                        let lower = words
                            .iter()
                            .rposition(|w| w.starts_with(|c: char| c.is_lowercase()))
                            .map_or(0, |i| i + 1);
                        if lower > 0 && lower < words.len() {
                            name.insert(
                                "non-dropping-particle".into(),
                                json!(words[..lower].join(" ")),
                            );
                            name.insert("family".into(), json!(text(&words[lower..].join(" "))));
                        } else {
                            name.insert("family".into(), json!(text(family)));
                        }
                        if let Some(g) = given {
                            name.insert("given".into(), json!(given_(g)));
                        }
                        Value::Object(name)
                    }
                    Name::Literal(l) => json!({ "literal": text(l) }),
                })
                .collect(),
        )
    };
    if !r.authors.is_empty() {
        o.insert("author".into(), names(&r.authors));
    }
    if !r.editors.is_empty() {
        o.insert("editor".into(), names(&r.editors));
    }
    let date = |d: &Date| {
        let mut parts = vec![json!(d.year)];
        if let Some(m) = d.month {
            parts.push(json!(m));
            if let Some(day) = d.day {
                parts.push(json!(day));
            }
        }
        json!({ "date-parts": [parts] })
    };
    if let Some(d) = &r.issued {
        o.insert("issued".into(), date(d));
    }
    if let Some(d) = &r.accessed {
        o.insert("accessed".into(), date(d));
    }
    Value::Object(o)
}

/// The typed CSL-JSON item hayagriva formats. Built from [`csl_value`], which only ever holds
/// strings, name lists and single dates, so it always converts; an empty item is the fallback
/// rather than a panic.
pub(crate) fn csl_item(r: &Reference) -> hayagriva::citationberg::json::Item {
    serde_json::from_value(csl_value_for_formatting(r)).unwrap_or_else(|_| {
        hayagriva::citationberg::json::Item(std::collections::BTreeMap::from([(
            "id".to_string(),
            hayagriva::citationberg::json::Value::String(r.id.clone()),
        )]))
    })
}

/// CSL-JSON, as Zotero, Mendeley and pandoc read it.
pub fn to_csl_json(refs: &[&Reference]) -> String {
    let list = Value::Array(refs.iter().map(|r| csl_value(r)).collect());
    let mut out = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// BibLaTeX (which BibTeX tools mostly read too).
pub fn to_bibtex(refs: &[&Reference]) -> String {
    let mut out = String::new();
    for r in refs {
        let (kind, container_field) = match r.kind.as_str() {
            "article-journal" | "article-magazine" | "article-newspaper" | "article" => {
                ("article", "journaltitle")
            }
            "book" => ("book", "booktitle"),
            "chapter" => ("incollection", "booktitle"),
            "paper-conference" => ("inproceedings", "booktitle"),
            "report" => ("report", "booktitle"),
            "thesis" => ("thesis", "booktitle"),
            "webpage" | "post-weblog" | "post" => ("online", "organization"),
            _ => ("misc", "howpublished"),
        };
        let _ = writeln!(out, "@{kind}{{{},", bib_key(&r.id));
        let mut field = |name: &str, value: Option<String>| {
            if let Some(v) = value {
                let _ = writeln!(out, "  {name} = {{{v}}},");
            }
        };
        field("author", bib_names(&r.authors));
        field("editor", bib_names(&r.editors));
        let rich = |t: &str| super::rich::to_latex(t, bib_text);
        field("title", r.title.as_deref().map(rich));
        field(container_field, r.container.as_deref().map(rich));
        if let Some(d) = &r.issued {
            field("date", Some(iso_date(d)));
        }
        field("volume", r.volume.as_deref().map(bib_text));
        field("number", r.issue.as_deref().map(bib_text));
        field(
            "pages",
            r.pages.as_deref().map(|p| bib_text(&p.replace('-', "--"))),
        );
        let publisher_field = match kind {
            "report" => "institution",
            "thesis" => "institution",
            _ => "publisher",
        };
        field(publisher_field, r.publisher.as_deref().map(bib_text));
        field("location", r.place.as_deref().map(bib_text));
        field("edition", r.edition.as_deref().map(bib_text));
        field("doi", r.doi.as_deref().map(bib_verbatim));
        if let Some(pmid) = &r.pmid {
            field("eprint", Some(bib_verbatim(pmid)));
            field("eprinttype", Some("pubmed".into()));
        }
        field("pmcid", r.pmcid.as_deref().map(bib_verbatim));
        field("url", r.url.as_deref().map(bib_verbatim));
        if let Some(d) = &r.accessed {
            field("urldate", Some(iso_date(d)));
        }
        out.push_str("}\n\n");
    }
    out
}

/// BibTeX keys cannot hold spaces, commas or braces; pandoc keys can. Replace the few that
/// would break the file rather than refuse to export.
fn bib_key(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_whitespace()
                || matches!(
                    c,
                    ',' | '{' | '}' | '"' | '#' | '%' | '\'' | '(' | ')' | '='
                )
            {
                '_'
            } else {
                c
            }
        })
        .collect()
}

fn iso_date(d: &Date) -> String {
    let mut s = format!("{:04}", d.year);
    if let Some(m) = d.month {
        let _ = write!(s, "-{m:02}");
        if let Some(day) = d.day {
            let _ = write!(s, "-{day:02}");
        }
    }
    s
}

/// Escapes TeX's special characters so a title such as `5% & more` survives a round trip.
fn bib_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c => out.push(c),
        }
    }
    out
}

/// Verbatim fields (DOI, URL) are not TeX-interpreted, but braces must still balance.
fn bib_verbatim(s: &str) -> String {
    s.replace(['{', '}'], "")
}

fn bib_names(names: &[Name]) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    Some(
        names
            .iter()
            .map(|n| match n {
                Name::Person { family, given } => match given {
                    Some(g) => format!("{}, {}", bib_text(family), bib_text(g)),
                    None => bib_text(family),
                },
                // Double braces keep an organisation from being split into family and given.
                Name::Literal(l) => format!("{{{}}}", bib_text(l)),
            })
            .collect::<Vec<_>>()
            .join(" and "),
    )
}

/// RIS, the format EndNote and most reference managers import.
pub fn to_ris(refs: &[&Reference]) -> String {
    let mut out = String::new();
    for r in refs {
        let ty = match r.kind.as_str() {
            "article-journal" | "article" => "JOUR",
            "article-magazine" => "MGZN",
            "article-newspaper" => "NEWS",
            "book" => "BOOK",
            "chapter" => "CHAP",
            "report" => "RPRT",
            "thesis" => "THES",
            "webpage" | "post-weblog" | "post" => "ELEC",
            "paper-conference" => "CPAPER",
            "dataset" => "DATA",
            _ => "GEN",
        };
        let mut line = |tag: &str, value: &str| {
            // RIS is line-based: a newline inside a value would start a bogus tag.
            let v: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = write!(out, "{tag}  - {v}\r\n");
        };
        line("TY", ty);
        line("ID", &r.id);
        for n in &r.authors {
            line("AU", &ris_name(n));
        }
        for n in &r.editors {
            line("ED", &ris_name(n));
        }
        let opt = |v: &Option<String>| v.as_deref().map(super::rich::to_plain);
        if let Some(t) = opt(&r.title) {
            line("TI", &t);
        }
        if let Some(c) = opt(&r.container) {
            line("T2", &c);
        }
        if let Some(d) = &r.issued {
            line("PY", &d.year.to_string());
            line("DA", &ris_date(d));
        }
        for (tag, v) in [
            ("VL", &r.volume),
            ("IS", &r.issue),
            ("PB", &r.publisher),
            ("CY", &r.place),
            ("ET", &r.edition),
            ("DO", &r.doi),
            ("UR", &r.url),
        ] {
            if let Some(v) = v {
                line(tag, v);
            }
        }
        if let Some(p) = &r.pages {
            match p.split_once('-') {
                Some((sp, ep)) => {
                    line("SP", sp.trim());
                    line("EP", ep.trim_start_matches('-').trim());
                }
                None => line("SP", p),
            }
        }
        if let Some(pmid) = &r.pmid {
            line("AN", &format!("PMID:{pmid}"));
        }
        if let Some(pmcid) = &r.pmcid {
            line("C2", pmcid);
        }
        if let Some(d) = &r.accessed {
            line("Y2", &ris_date(d));
        }
        line("ER", "");
        out.push_str("\r\n");
    }
    out
}

fn ris_name(n: &Name) -> String {
    match n {
        Name::Person {
            family,
            given: Some(g),
        } => format!("{family}, {g}"),
        Name::Person {
            family,
            given: None,
        } => family.clone(),
        Name::Literal(l) => l.clone(),
    }
}

fn ris_date(d: &Date) -> String {
    let two = |v: Option<u8>| v.map(|v| format!("{v:02}")).unwrap_or_default();
    format!("{:04}/{}/{}/", d.year, two(d.month), two(d.day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::model::load_bibliography_file;

    fn sample() -> Vec<Reference> {
        let (refs, diags) = load_bibliography_file(
            "r.yaml",
            "- id: walsh2021\n  title: 'Ketamine & {mental} health: 50% of \"cases\"'\n  authors: [Walsh Z, Nutt DJ, {literal: World Health Organization}]\n  container: BJPsych Open\n  year: 2021\n  month: 12\n  volume: 8\n  issue: 1\n  pages: 12-19\n  doi: 10.1192/bjo.2021.1061\n  pmid: 35048815\n  url: https://example.org/a?b=1&c=2\n- id: who2023\n  type: report\n  title: Report_1\n  authors: [{literal: WHO}]\n  publisher: WHO\n  place: Geneva\n  year: 2023\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        refs.into_iter().map(|l| l.reference).collect()
    }

    #[test]
    fn csl_json_round_trips_through_hayagriva_reader() {
        let refs = sample();
        let all: Vec<&Reference> = refs.iter().collect();
        let text = to_csl_json(&all);
        let items: Vec<hayagriva::citationberg::json::Item> =
            serde_json::from_str(&text).expect("valid CSL-JSON");
        assert_eq!(items.len(), 2);
        let (back, diags) = load_bibliography_file("x.json", &text);
        assert!(diags.is_empty());
        let back: Vec<Reference> = back.into_iter().map(|l| l.reference).collect();
        assert_eq!(back, refs);
    }

    #[test]
    fn bibtex_round_trips_through_hayagriva() {
        let refs = sample();
        let all: Vec<&Reference> = refs.iter().collect();
        let text = to_bibtex(&all);
        let lib = hayagriva::io::from_biblatex_str(&text).expect("hayagriva parses our BibTeX");
        let e = lib.get("walsh2021").expect("entry");
        assert_eq!(
            e.title().map(|t| t.value.to_string()).as_deref(),
            refs[0].title.as_deref()
        );
        let authors: Vec<String> = e
            .authors()
            .unwrap_or_default()
            .iter()
            .map(|p| p.name.clone())
            .collect();
        assert_eq!(authors, ["Walsh", "Nutt", "World Health Organization"]);
        assert_eq!(e.doi(), Some("10.1192/bjo.2021.1061"));
        // And glia's own reader gets the same references back.
        let (back, diags) = load_bibliography_file("x.bib", &text);
        assert!(diags.is_empty(), "{diags:?}");
        let back: Vec<Reference> = back.into_iter().map(|l| l.reference).collect();
        assert_eq!(back[0].title, refs[0].title);
        assert_eq!(back[0].authors, refs[0].authors);
        assert_eq!(back[0].doi, refs[0].doi);
        assert_eq!(back[0].pmid, refs[0].pmid);
        assert_eq!(back[0].pages, refs[0].pages);
        assert_eq!(back[1].publisher, refs[1].publisher);
    }

    #[test]
    fn case_protection_round_trips_as_braces() {
        let (refs, diags) = load_bibliography_file(
            "x.bib",
            "@article{k, title = {Welcome to the {tidyverse}}, year = {2019}}",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let title = refs[0].reference.title.as_deref();
        assert_eq!(
            title,
            Some("Welcome to the <span class=\"nocase\">tidyverse</span>")
        );
        let text = to_bibtex(&[&refs[0].reference]);
        assert!(
            text.contains("title = {Welcome to the {tidyverse}},"),
            "{text}"
        );
        let (back, _) = load_bibliography_file("y.bib", &text);
        assert_eq!(back[0].reference.title.as_deref(), title);
        let ris = to_ris(&[&refs[0].reference]);
        assert!(ris.contains("TI  - Welcome to the tidyverse\r\n"), "{ris}");
    }

    #[test]
    fn ris_has_one_tag_per_line() {
        let refs = sample();
        let text = to_ris(&[&refs[0]]);
        assert!(text.starts_with("TY  - JOUR\r\nID  - walsh2021\r\nAU  - Walsh, Z.\r\n"));
        assert!(text.contains("SP  - 12\r\nEP  - 19\r\n"));
        assert!(text.contains("AN  - PMID:35048815\r\n"));
        assert!(text.ends_with("ER  - \r\n\r\n"));
    }
}
