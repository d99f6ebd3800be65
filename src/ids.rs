//! The `id`s glia writes into pages, beside the heading ids (`parse::markdown`: an author's
//! `{#id}` or a slug of the heading's text), and the one answer to "is this fragment one glia
//! makes?" that link checking asks ([`is_generated`]).
//!
//! Every writer of these ids calls this module, so the shapes [`is_generated`] accepts are the
//! shapes written. Resolve checks `#fragment`s before render writes most of them, so it can
//! only know them by shape:
//!
//! | id | on | written by |
//! |---|---|---|
//! | `ref-KEY` | a page's reference list and the reference index | `cite::style::html`, `render::citations` |
//! | `cite-N`, `cite-tip-N` | each in-text citation and its tooltip | `render::citations` |
//! | `gt_N`, `SLUG-gt_N` | a glossary link's tooltip (`SLUG-` in a term's definition, which the A–Z page also shows) | `glossary::LinkPieces` |
//! | `fn:N`, `fnref:N`, `fnref:N:K` | footnotes and their back-links | `parse::footnotes` |
//! | `letter-x` | the A–Z page's and the reference index's letters | `render::context`, `render::citations` |
//! | `SLUG` | a term's entry on the A–Z page | the theme, from `t.slug` (its documented anchor); linked to by `glossary::LinkTable::new`, the search index and a term page's `glossary_url` |
//!
//! Heading ids made from text are slugs (letters, digits and `-`), so they never contain the
//! `:` of a footnote id or the `_` of a tooltip id; an explicit heading id may not start like
//! a footnote's ([`is_footnote`]).

/// The id of work `key`'s entry in a reference list, which its citations link to.
pub fn reference(key: &str) -> String {
    format!("ref-{key}")
}

/// The id of the `n`-th in-text citation on a page (from 0, counted over every body the page
/// shows).
pub fn citation(n: usize) -> String {
    format!("cite-{n}")
}

/// The id of the tooltip of the `n`-th in-text citation, which describes its links.
pub fn citation_tip(n: usize) -> String {
    format!("cite-tip-{n}")
}

/// Writes the id of the `n`-th glossary tooltip of a body: `{prefix}gt_{n}`, `prefix` from
/// [`term_tip_prefix`] or empty. Pushed rather than returned: a site writes ~100,000 of them.
pub fn push_term_tip(prefix: &str, n: u32, out: &mut String) {
    out.push_str(prefix);
    out.push_str("gt_");
    push_digits(out, n);
}

/// What the tooltip ids in term `slug`'s definition start with, so they stay unique on the
/// A–Z page, where every definition is shown.
pub fn term_tip_prefix(slug: &str) -> String {
    format!("{slug}-")
}

/// The id of term `slug`'s entry on the A–Z page: the slug itself, which themes are told is
/// the anchor (`themes/README.md`) and resolve looks terms up by.
pub fn glossary_entry(slug: &str) -> String {
    slug.to_string()
}

/// The id of a letter's group on the A–Z page and the reference index: `letter-k`.
pub fn letter(letter: &str) -> String {
    format!("letter-{}", letter.to_lowercase())
}

/// The id of footnote `n` (numbered from 1 in order of first reference).
pub fn footnote(n: usize) -> String {
    format!("fn:{n}")
}

/// The id of the `k`-th reference (from 1) to footnote `n`, which its back-link points to.
pub fn footnote_ref(n: usize, k: usize) -> String {
    if k == 1 {
        format!("fnref:{n}")
    } else {
        format!("fnref:{n}:{k}")
    }
}

/// Whether `id` is kept for footnotes, so a heading may not take it.
pub fn is_footnote(id: &str) -> bool {
    id.starts_with("fn:") || id.starts_with("fnref:")
}

/// Whether `fragment` has the shape of an id glia writes on a page, besides its headings;
/// `glossary_page` says whether the page is the glossary's A–Z page (a `bool`, not
/// `load::Kind`, so this leaf module depends on nothing: cite and load both use it). A term's entry on the A–Z page (`#slug`) is not known by shape: resolve looks
/// the term up.
pub fn is_generated(fragment: &str, glossary_page: bool) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if fragment.strip_prefix("ref-").is_some_and(|k| !k.is_empty()) {
        return true;
    }
    if let Some(n) = fragment.strip_prefix("cite-") {
        return digits(n.strip_prefix("tip-").unwrap_or(n));
    }
    if let Some(n) = fragment.strip_prefix("fn:") {
        return digits(n);
    }
    if let Some(rest) = fragment.strip_prefix("fnref:") {
        return match rest.split_once(':') {
            Some((n, k)) => digits(n) && digits(k),
            None => digits(rest),
        };
    }
    if let Some((prefix, n)) = fragment.rsplit_once("gt_") {
        if digits(n) && (prefix.is_empty() || prefix.ends_with('-')) {
            return true;
        }
    }
    glossary_page
        && fragment
            .strip_prefix("letter-")
            .is_some_and(|l| l.chars().count() == 1)
}

/// Writes `n` in decimal without the allocation `format!` would make.
fn push_digits(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[k..] {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_written_is_generated_and_no_other() {
        let mut tip = String::new();
        push_term_tip("", 12, &mut tip);
        let mut term_tip = String::new();
        push_term_tip(&term_tip_prefix("nmda-receptor"), 3, &mut term_tip);
        for id in [
            reference("smith2020"),
            citation(1),
            citation_tip(10),
            tip,
            term_tip,
            footnote(2),
            footnote_ref(2, 1),
            footnote_ref(2, 3),
        ] {
            assert!(is_generated(&id, false), "{id}");
            assert!(is_generated(&id, true), "{id}");
        }
        assert!(is_generated(&letter("K"), true));
        assert!(!is_generated(&letter("K"), false));
        for id in [
            "fnord",
            "fn1",
            "ref-",
            "cite-x",
            "cite-tip-",
            "gloss-x",
            "term-x",
            "gt_",
            "gt_x",
            "agt_1",
            "fnref:1:",
            "letter-ab",
            "section",
        ] {
            assert!(!is_generated(id, true), "{id}");
        }
    }

    /// Every id is spelt here only: a format string making one anywhere else in `src/` is a
    /// second owner, which `is_generated` would not know about.
    #[test]
    fn no_other_module_spells_these_ids() {
        let needles = [
            "\"ref-{",
            "\"cite-{",
            "cite-tip-{",
            "\"gt_\"",
            "\"letter-{",
            "\"fn:{",
            "\"fnref:{",
            "id=\\\"cite-",
            "id=\\\"ref-",
            "id=\\\"gt_",
        ];
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
        let mut found = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("src/ids.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for n in needles.iter().filter(|n| text.contains(*n)) {
                        found.push(format!("{}: {n}", path.display()));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "ids spelt outside src/ids.rs:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn footnote_ids_are_kept_for_footnotes() {
        assert!(is_footnote(&footnote(1)));
        assert!(is_footnote(&footnote_ref(1, 2)));
        assert!(!is_footnote("fnord"));
    }
}
