//! "Related" articles: the few articles that share most with each article, or the ones its
//! front-matter names (`related: [other.md]`).
//!
//! Automatic lists are for articles only, and only name articles: never the article itself,
//! never a draft (`glia serve --drafts` and `glia build --drafts` publish drafts, which still
//! do not appear in other articles' lists). Two articles share a *feature* when both carry a
//! tag (compared as tag pages compare them, by slug), use a glossary term, or cite a work
//! (after keys with one DOI or PMID are merged). The score of a candidate is the sum of the
//! weights of the features it shares: [`TAG_WEIGHT`], [`WORK_WEIGHT`], [`TERM_WEIGHT`]. The list
//! holds the [`MAX_RELATED`] best, by score (highest first), ties going to the article whose
//! source path sorts first; an article sharing nothing gets no list.
//!
//! Scale: the candidates come from inverted lists (feature → articles), never from all pairs.
//! A feature shared by more than [`LIST_CAP`] articles (a site-wide tag, the most common
//! terms) says little about any two of them, and scanning it from each of its articles would
//! cost its length squared; from such a list an article takes only the [`LIST_CAP`] articles
//! beside it in the list (page order). The work per article is then at most its number of
//! features times [`LIST_CAP`], whatever the size of the site.
//!
//! `related:` in front-matter replaces the automatic list, in the order written (`related: []`
//! shows none). Each entry is the path of a page's Markdown file, resolved as a Markdown link
//! to it is (relative to the page, or from `content/` with a leading `/`); a path that names
//! no page, or a draft, is an error at that value.

use std::collections::HashMap;

use rayon::prelude::*;

use super::links::relative_source;
use super::SitePage;
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::parse::markdown::slugify;
use crate::url::join_relative;

/// The longest automatic list.
pub const MAX_RELATED: usize = 5;
/// A shared tag: an editor's own statement that two articles are about the same thing.
pub const TAG_WEIGHT: u32 = 3;
/// A shared cited work: the same evidence.
pub const WORK_WEIGHT: u32 = 2;
/// A shared glossary term: the same vocabulary, the weakest sign.
pub const TERM_WEIGHT: u32 = 1;
/// How many articles of one feature's list an article looks at (see the module's doc).
pub const LIST_CAP: usize = 64;

/// What the related lists are computed from, beside the pages.
pub struct Inputs<'a> {
    /// Published articles, in page order.
    pub articles: &'a [usize],
    /// Glossary terms each page uses (page index → term indexes).
    pub terms_by_page: &'a [Vec<usize>],
    /// Each cited work's citing pages, in page order.
    pub cited_in: &'a std::collections::BTreeMap<String, Vec<usize>>,
    /// Content path → page index.
    pub by_path: &'a std::collections::BTreeMap<String, usize>,
    /// Content paths of drafts left out of the build.
    pub drafts: &'a std::collections::BTreeSet<String>,
}

/// Each page's related pages (empty for pages without any), and the errors of `related:`
/// values.
pub fn compute(pages: &[SitePage], inputs: &Inputs<'_>) -> (Vec<Vec<usize>>, Vec<Diagnostic>) {
    let candidates: Vec<usize> = (inputs.articles.iter().copied())
        .filter(|&a| !pages[a].page.fm.draft)
        .collect();
    let mut is_candidate = vec![false; pages.len()];
    for &a in &candidates {
        is_candidate[a] = true;
    }
    // Feature → articles having it, ascending; each article's features as (weight, list).
    let mut tags: HashMap<String, Vec<usize>> = HashMap::new();
    let mut terms: HashMap<usize, Vec<usize>> = HashMap::new();
    for &a in &candidates {
        let mut slugs: Vec<String> = (pages[a].page.fm.tags.iter())
            .map(|t| slugify(t))
            .filter(|s| !s.is_empty())
            .collect();
        slugs.sort_unstable();
        slugs.dedup();
        for s in slugs {
            tags.entry(s).or_default().push(a);
        }
        for &t in inputs.terms_by_page.get(a).map_or(&[][..], Vec::as_slice) {
            terms.entry(t).or_default().push(a);
        }
    }
    let works: Vec<Vec<usize>> = (inputs.cited_in.values())
        .map(|list| {
            let mut l: Vec<usize> = list.iter().copied().filter(|&p| is_candidate[p]).collect();
            l.dedup();
            l
        })
        .filter(|l| l.len() > 1)
        .collect();
    let mut features: Vec<Vec<(u32, &[usize])>> = vec![Vec::new(); pages.len()];
    let lists = (tags.values().map(|l| (TAG_WEIGHT, l)))
        .chain(terms.values().map(|l| (TERM_WEIGHT, l)))
        .chain(works.iter().map(|l| (WORK_WEIGHT, l)));
    for (w, list) in lists {
        if list.len() > 1 {
            for &a in list {
                features[a].push((w, list.as_slice()));
            }
        }
    }

    let mut related: Vec<Vec<usize>> = (0..pages.len())
        .into_par_iter()
        .map_init(
            || Scratch::new(pages.len()),
            |scratch, a| {
                if is_candidate[a] {
                    best_in(a, &features[a], scratch)
                } else {
                    Vec::new()
                }
            },
        )
        .collect();
    let mut diags = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(written) = &p.page.fm.related {
            related[i] = chosen(pages, i, written, inputs, &mut diags);
        }
    }
    (related, diags)
}

/// Per-thread scores by page index, and the pages scored, reset after each article: adding
/// to an array slot is much cheaper than hashing, and an article touches thousands.
struct Scratch {
    score: Vec<u32>,
    touched: Vec<usize>,
}

impl Scratch {
    fn new(pages: usize) -> Scratch {
        Scratch {
            score: vec![0; pages],
            touched: Vec::new(),
        }
    }
}

/// The [`MAX_RELATED`] best-scoring articles sharing a feature with `a`.
#[cfg(test)]
fn best(a: usize, features: &[(u32, &[usize])]) -> Vec<usize> {
    let pages = features
        .iter()
        .flat_map(|(_, l)| l.iter())
        .max()
        .map_or(0, |m| m + 1);
    best_in(a, features, &mut Scratch::new(pages.max(a + 1)))
}

fn best_in(a: usize, features: &[(u32, &[usize])], s: &mut Scratch) -> Vec<usize> {
    for &(w, list) in features {
        let window = if list.len() <= LIST_CAP {
            list
        } else {
            // The LIST_CAP articles around `a` in the list.
            let at = list.partition_point(|&x| x < a);
            let start = at.saturating_sub(LIST_CAP / 2).min(list.len() - LIST_CAP);
            &list[start..start + LIST_CAP]
        };
        for &b in window {
            if b != a {
                if s.score[b] == 0 {
                    s.touched.push(b);
                }
                s.score[b] += w;
            }
        }
    }
    let score = &s.score;
    // Highest score first, then the first page in page order (source paths, sorted).
    let order = |x: &usize, y: &usize| score[*y].cmp(&score[*x]).then(x.cmp(y));
    if s.touched.len() > MAX_RELATED {
        s.touched.select_nth_unstable_by(MAX_RELATED - 1, order);
    }
    let mut out = s.touched[..s.touched.len().min(MAX_RELATED)].to_vec();
    out.sort_unstable_by(order);
    // Every slot the article touched is reset for the next one.
    for &b in &s.touched {
        s.score[b] = 0;
    }
    s.touched.clear();
    out
}

/// The pages page `i`'s `related:` names, in order; an error for each that is no page.
fn chosen(
    pages: &[SitePage],
    i: usize,
    written: &[String],
    inputs: &Inputs<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let page = &pages[i].page;
    let mut out = Vec::new();
    let mut from = super::key_span(page, "related").end;
    for value in written {
        // The value's place in the front-matter, for the error (the key's when not found).
        let span = match page.text[from..page.body_offset].find(value.as_str()) {
            Some(at) if !value.is_empty() => {
                from += at + value.len();
                from - value.len()..from
            }
            _ => super::key_span(page, "related"),
        };
        let target = join_relative(&page.content_path, value);
        let found = target.as_ref().and_then(|t| inputs.by_path.get(t).copied());
        match (found, target) {
            (Some(t), _) if t == i => diags.push(
                Diagnostic::error("broken-related", "a page cannot be related to itself")
                    .at(&page.file, &page.text, span)
                    .with_help("name other pages' files in `related:`"),
            ),
            (Some(t), _) => {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
            (None, Some(target)) if inputs.drafts.contains(&target) => diags.push(
                Diagnostic::error(
                    "link-to-draft",
                    format!("related page `{value}` is a draft that is not published"),
                )
                .at(&page.file, &page.text, span)
                .with_help("publish it (`draft: false`), build with --drafts, or remove it"),
            ),
            (None, target) => {
                let near = target.as_deref().and_then(|t| {
                    let pages = inputs.by_path.keys().map(String::as_str);
                    did_you_mean(t, pages.filter(|p| p.ends_with(".md")))
                });
                let help = match near {
                    Some(s) => {
                        format!("did you mean `{}`?", relative_source(&page.content_path, s))
                    }
                    None => "name the page's .md file, relative to this page as a Markdown link \
                             to it would be"
                        .into(),
                };
                let what = match &target {
                    Some(t) => format!("there is no page content/{t}"),
                    None => "it points outside the site".into(),
                };
                diags.push(
                    Diagnostic::error("broken-related", format!("related page `{value}`: {what}"))
                        .at(&page.file, &page.text, span)
                        .with_help(help),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_is_read_only_around_the_article() {
        // One tag on 1,000 articles: article 500 scores only the LIST_CAP around it, and
        // the ties go to the first of those.
        let list: Vec<usize> = (0..1000).collect();
        let got = best(500, &[(TAG_WEIGHT, &list)]);
        let start = 500 - LIST_CAP / 2;
        assert_eq!(got, (start..start + MAX_RELATED).collect::<Vec<_>>());
        // At the ends the window stays LIST_CAP wide.
        assert_eq!(best(0, &[(TAG_WEIGHT, &list)]), [1, 2, 3, 4, 5]);
        let last = best(999, &[(TAG_WEIGHT, &list)]);
        assert_eq!(last[0], 1000 - LIST_CAP);
    }

    #[test]
    fn scores_add_up_and_ties_go_to_the_first_page() {
        let tag = [1, 2, 3];
        let work = [1, 3];
        let term = [1, 2, 3, 4];
        let got = best(
            1,
            &[
                (TAG_WEIGHT, &tag),
                (WORK_WEIGHT, &work),
                (TERM_WEIGHT, &term),
            ],
        );
        // 3: 3 + 2 + 1; 2: 3 + 1; 4: 1.
        assert_eq!(got, [3, 2, 4]);
    }
}
