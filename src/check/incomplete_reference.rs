//! `incomplete-reference`: a cited work a reader could not find from its entry.
//!
//! A reference list is there so that a reader can look the work up. An entry with no year or
//! no title, or a journal article with no volume, no pages (or article number) and no DOI or
//! PMID, prints as something like "Frontiers in Psychiatry. 2023;" and leads nowhere. Only
//! cited works are checked: an unused entry in a large bibliography file is never shown.

use crate::cite::model::Reference;

/// What is missing from `r`, as the words to print after "has no", or `None` when a reader
/// can find the work.
pub fn missing(r: &Reference) -> Option<String> {
    let mut gaps = Vec::new();
    if r.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        gaps.push("title");
    }
    if r.issued.is_none() {
        gaps.push("year");
    }
    let unlocated = r.volume.is_none() && r.pages.is_none() && r.doi.is_none() && r.pmid.is_none();
    if r.kind == "article-journal" && unlocated {
        gaps.push("volume, pages (or article number), DOI or PMID");
    }
    if gaps.is_empty() {
        None
    } else {
        Some(gaps.join(", and no "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::model::load_bibliography_file;

    fn one(json: &str) -> Reference {
        let (refs, diags) = load_bibliography_file("refs.json", json);
        assert!(diags.is_empty(), "{diags:?}");
        refs.into_iter().next().unwrap().reference
    }

    #[test]
    fn an_article_needs_a_locator_or_an_identifier() {
        let bare = r#"[{"id":"k","type":"article-journal","title":"T","container-title":"J","issued":{"date-parts":[[2023]]}}]"#;
        assert_eq!(
            missing(&one(bare)).as_deref(),
            Some("volume, pages (or article number), DOI or PMID")
        );
        for extra in [
            r#""volume":"14""#,
            r#""page":"e19""#,
            r#""DOI":"10.1/x""#,
            r#""PMID":"1""#,
        ] {
            let with = bare.replace(r#""title""#, &format!(r#"{extra},"title""#));
            assert_eq!(missing(&one(&with)), None, "{extra}");
        }
    }

    #[test]
    fn any_work_needs_a_year_and_a_title() {
        let r = one(r#"[{"id":"k","type":"book","author":[{"family":"Roe"}]}]"#);
        assert_eq!(missing(&r).as_deref(), Some("title, and no year"));
        let r = one(r#"[{"id":"k","type":"report","title":"R","issued":{"date-parts":[[2020]]}}]"#);
        assert_eq!(missing(&r), None, "only journal articles need a locator");
    }
}
