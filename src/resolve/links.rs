//! Links between pages, checked and rewritten: every `.md` link becomes the relative URL of
//! its target's route, every `#anchor` is checked against the target's headings, and a link
//! to a file must name one the site publishes. From the links parse recorded
//! (`Doc::link_events`), so a page's events need not be there; the new destinations are kept
//! beside them (`Doc::rewritten`).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::{mistyped, Site, SitePage};
use crate::diagnostics::{closest, did_you_mean, Diagnostic};
use crate::load::{Asset, Kind};
use crate::parse::ParsedPage;
use crate::url::{is_safe_url, join_relative, scheme, LinkStyle, Route};

/// What the whole site knows that a page's links are checked against, besides its pages.
pub(super) struct Known<'a> {
    pub by_path: &'a BTreeMap<String, usize>,
    pub drafts: &'a BTreeSet<String>,
    pub assets: &'a [Asset],
    pub static_files: &'a [Asset],
    /// See [`super::Options::unparsed`].
    pub unparsed: &'a BTreeSet<String>,
    /// See [`super::Options::translating`]: the default language's site and this
    /// language's folder.
    pub fallback: Option<(&'a Site, &'a str)>,
}

/// Checks and rewrites every page's links, in parallel: each page only reads the others'
/// routes and headings.
pub(super) fn relink_site(
    pages: &mut [SitePage],
    known: &Known<'_>,
    style: LinkStyle,
) -> Vec<Diagnostic> {
    let rewritten: Vec<(LinkChanges, Vec<Diagnostic>)> = {
        let index = LinkIndex {
            unparsed: known.unparsed,
            fallback: known.fallback.map(|(default, folder)| {
                let index = LinkIndex::new(
                    &default.pages,
                    &default.by_path,
                    &default.drafts,
                    &default.assets,
                    &default.static_files,
                    style,
                );
                (Box::new(index), folder)
            }),
            ..LinkIndex::new(
                pages,
                known.by_path,
                known.drafts,
                known.assets,
                known.static_files,
                style,
            )
        };
        (0..pages.len())
            .into_par_iter()
            .map(|i| index.rewrite_links(i))
            .collect()
    };
    let mut diags = Vec::new();
    for (i, (changes, d)) in rewritten.into_iter().enumerate() {
        diags.extend(d);
        apply_link_changes(&mut pages[i].page, changes);
    }
    diags
}

/// Checks and rewrites the links of page `i` alone, after `glia serve` swapped in a new
/// version of it. The rest of the site must be as the last full resolve left it.
pub fn relink_page(site: &mut Site, i: usize) -> Vec<Diagnostic> {
    let (changes, diags) = LinkIndex::new(
        &site.pages,
        &site.by_path,
        &site.drafts,
        &site.assets,
        &site.static_files,
        site.link_style,
    )
    .rewrite_links(i);
    apply_link_changes(&mut site.pages[i].page, changes);
    diags
}

fn apply_link_changes(page: &mut ParsedPage, changes: LinkChanges) {
    crate::parse::rewrite_links(&mut page.doc.events, &changes);
    page.doc.rewritten = changes;
}

/// (event index, new destination) pairs for one page.
type LinkChanges = Vec<(usize, String)>;

/// Why a link failed: code, message, help.
type LinkProblem = (&'static str, String, Option<String>);

struct LinkIndex<'a> {
    pages: &'a [SitePage],
    by_path: &'a BTreeMap<String, usize>,
    drafts: &'a BTreeSet<String>,
    /// See [`Options::unparsed`]; empty when one page is relinked (`glia serve`).
    unparsed: &'a BTreeSet<String>,
    /// The default language's pages and this language's folder, for a translation's links
    /// to pages with no translation; `None` for the default language and when one page is
    /// relinked (`glia serve` patches only sites in one language).
    fallback: Option<(Box<LinkIndex<'a>>, &'a str)>,
    files: BTreeSet<&'a str>,
    style: LinkStyle,
}

static NONE_UNPARSED: BTreeSet<String> = BTreeSet::new();

impl<'a> LinkIndex<'a> {
    fn new(
        pages: &'a [SitePage],
        by_path: &'a BTreeMap<String, usize>,
        drafts: &'a BTreeSet<String>,
        assets: &'a [Asset],
        static_files: &'a [Asset],
        style: LinkStyle,
    ) -> LinkIndex<'a> {
        LinkIndex {
            pages,
            by_path,
            drafts,
            unparsed: &NONE_UNPARSED,
            fallback: None,
            files: assets
                .iter()
                .chain(static_files)
                .map(|a| a.out.as_str())
                .collect(),
            style,
        }
    }

    /// Checks every link of page `i` and returns (event index, new destination) pairs.
    fn rewrite_links(&self, i: usize) -> (LinkChanges, Vec<Diagnostic>) {
        let from = &self.pages[i];
        let mut changes = Vec::new();
        let mut diags = Vec::new();
        for link in &from.page.doc.link_events {
            let (dest, image, span) = (link.dest.as_str(), link.image, &link.span);
            match self.resolve(from, dest, image) {
                Ok(Some(new)) => changes.push((link.event, new)),
                Ok(None) => {}
                Err((code, message, help)) => {
                    let text = &from.page.text;
                    let span = text
                        .get(span.clone())
                        .and_then(|s| s.find(dest))
                        .map(|at| span.start + at..span.start + at + dest.len())
                        .unwrap_or_else(|| span.clone());
                    let mut d = Diagnostic::error(code, message).at(&from.page.file, text, span);
                    d.help = help;
                    diags.push(d);
                }
            }
        }
        (changes, diags)
    }

    /// The term page a link to the glossary page at `t` with `#fragment` means: a term's
    /// entry once had only that anchor, and links written then still lead to it.
    fn term_page(&self, t: usize, fragment: Option<&str>) -> Option<usize> {
        let f = fragment?;
        if self.pages[t].page.doc.has_anchor(f) {
            return None;
        }
        self.term_entry(&self.pages[t], f)
    }

    /// The term whose entry has id `fragment` on page `p`, if `p` is the glossary page (its
    /// entries' ids are the terms' slugs, `ids::glossary_entry`).
    fn term_entry(&self, p: &SitePage, fragment: &str) -> Option<usize> {
        if p.page.kind != Kind::Glossary {
            return None;
        }
        let dir = p.page.content_path.trim_end_matches("_index.md");
        let &term = self.by_path.get(&format!("{dir}{fragment}.md"))?;
        (self.pages[term].page.kind == Kind::Term).then_some(term)
    }

    /// Whether page `p` will have an element with id `fragment`: a heading, an id render
    /// writes (known here only by its shape, `ids::is_generated`) or, on the glossary page, a
    /// term's entry.
    fn has_anchor(&self, p: &SitePage, fragment: &str) -> bool {
        p.page.doc.has_anchor(fragment)
            || crate::ids::is_generated(fragment, p.page.kind == Kind::Glossary)
            || self.term_entry(p, fragment).is_some()
    }

    /// The link from the page at `here` to the page `target` names (a content path: an `.md`
    /// file when `md`, else a folder whose `_index.md` is a section) with `#fragment`, checked;
    /// `None` when this site has no such page and it is not a draft.
    fn page_link(
        &self,
        target: &str,
        md: bool,
        fragment: Option<&str>,
        here: &Route,
        what: &str,
        dest: &str,
    ) -> Option<Result<String, LinkProblem>> {
        let frag = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        let key = match (md, target) {
            (true, _) => target.to_string(),
            (false, "") => "_index.md".to_string(),
            (false, dir) => format!("{dir}/_index.md"),
        };
        let Some(&t) = self.by_path.get(&key) else {
            return (md && self.drafts.contains(target)).then(|| {
                Err((
                    "link-to-draft",
                    format!("{what} to `{dest}`, a draft that is not published"),
                    Some("publish it (`draft: false`) or build with --drafts".into()),
                ))
            });
        };
        // `glossary/_index.md#term`: the term's entry moved to a page of its own.
        if let Some(term) = self.term_page(t, fragment) {
            return Some(Ok(self.pages[term].route.relative_from(here, self.style)));
        }
        let target_page = &self.pages[t];
        if let (true, Some(f)) = (md, fragment) {
            if !self.has_anchor(target_page, f) {
                return Some(Err(anchor_error(
                    f,
                    &target_page.page,
                    &target_page.page.file,
                )));
            }
        }
        let href = target_page.route.relative_from(here, self.style);
        Some(Ok(format!("{href}{frag}")))
    }

    fn resolve(
        &self,
        from: &SitePage,
        dest: &str,
        image: bool,
    ) -> Result<Option<String>, LinkProblem> {
        let what = if image { "image" } else { "link" };
        if dest.is_empty() {
            return Ok(None);
        }
        if scheme(dest).as_deref() == Some("glossary") {
            return Ok(None); // an explicit glossary link: the glossary step resolves it
        }
        if scheme(dest).is_some() || dest.starts_with("//") {
            if !is_safe_url(dest) {
                if let Some(fix) = mistyped::web_address(dest) {
                    return Err(mistyped_error(what, dest, fix));
                }
                return Err((
                    "unsafe-url",
                    format!("{what} to `{dest}` uses a scheme browsers would run or embed"),
                    Some("only http:, https:, mailto: and tel: links are allowed".into()),
                ));
            }
            return Ok(None);
        }
        let (path_q, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let path = path_q.split('?').next().unwrap_or("");
        if path.is_empty() {
            // `#anchor` within the page.
            if let Some(f) = fragment {
                if !self.has_anchor(from, f) {
                    return Err(anchor_error(f, &from.page, "this page"));
                }
            }
            return Ok(None);
        }
        let decoded = percent_decode(path);
        let Some(target) = join_relative(&from.page.content_path, &decoded) else {
            return Err((
                "broken-link",
                format!("{what} `{dest}` points outside the site"),
                Some("link only to files inside `content/` or `static/`".into()),
            ));
        };
        let frag = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        let md = decoded.ends_with(".md");
        if let Some(found) = self.page_link(&target, md, fragment, &from.route, what, dest) {
            return found.map(Some);
        }
        // A page with no translation: its version in the default language, checked there.
        if let Some((default, folder)) = &self.fallback {
            let here = from.route.under(folder);
            if let Some(found) = default.page_link(&target, md, fragment, &here, what, dest) {
                return found.map(Some);
            }
        }
        if md {
            if self.unparsed.contains(&target) {
                return Ok(None);
            }
            let help = did_you_mean(&target, self.by_path.keys().map(String::as_str))
                .map(|s| {
                    format!(
                        "did you mean `{}`?",
                        relative_source(&from.page.content_path, s)
                    )
                })
                .unwrap_or_else(|| "link to the .md file as it is named under content/".into());
            return Err((
                "broken-link",
                format!("{what} to `{dest}`: there is no page content/{target}"),
                Some(help),
            ));
        }
        if self.files.contains(target.as_str()) {
            let href = Route::file(target).relative_from(&from.route, self.style);
            return Ok(Some(format!("{href}{frag}")));
        }
        if let Some(fix) = mistyped::web_address(dest) {
            return Err(mistyped_error(what, dest, fix));
        }
        let help = did_you_mean(&target, self.files.iter().copied())
            .map(|s| {
                format!(
                    "did you mean `{}`?",
                    relative_source(&from.page.content_path, s)
                )
            })
            .unwrap_or_else(|| {
                "put the file beside the page under content/, or under static/".into()
            });
        Err((
            "broken-link",
            format!("{what} to `{dest}`: no such file in the site"),
            Some(help),
        ))
    }
}

fn mistyped_error(what: &str, dest: &str, fix: String) -> LinkProblem {
    (
        "mistyped-url",
        format!("{what} `{dest}` looks like a mistyped web address"),
        Some(format!("did you mean `{fix}`?")),
    )
}

fn anchor_error(fragment: &str, target: &ParsedPage, where_: &str) -> LinkProblem {
    let ids: Vec<&str> = target.doc.headings.iter().map(|h| h.id.as_str()).collect();
    let near = closest(fragment, ids.iter().copied(), 3);
    let help = if near.is_empty() {
        if ids.is_empty() {
            format!("{where_} has no headings to link to")
        } else {
            format!("headings there: #{}", ids.join(", #"))
        }
    } else {
        format!("did you mean #{}?", near.join(" or #"))
    };
    (
        "broken-anchor",
        format!("no heading with id `{fragment}` in {where_}"),
        Some(help),
    )
}

/// How `target` (a content path) is written relative to the page at `from` (for hints).
pub fn relative_source(from: &str, target: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to: Vec<&str> = target.split('/').collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; from_dir.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// Decodes `%20`-style escapes so `my%20file.pdf` finds `my file.pdf`.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("my%20file.pdf"), "my file.pdf");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn hints_are_relative_to_the_page() {
        assert_eq!(relative_source("articles/a.md", "about.md"), "../about.md");
        assert_eq!(relative_source("articles/a.md", "articles/b.md"), "b.md");
    }
}
