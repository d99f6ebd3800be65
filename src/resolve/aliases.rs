//! A page's old addresses (`aliases:`) and its template (`template:`, a section's
//! `page_template:`): front-matter values checked against the site, each error at the value.
//!
//! An alias becomes a redirect page at the old address and a line of `_redirects`
//! (`render::redirects`); both are outputs like any other, so an alias that lands on a page,
//! another alias or a file is refused by `outputs::collisions`, at the alias.

use crate::diagnostics::{did_you_mean, display_name, Diagnostic};
use crate::load::Kind;
use crate::parse::ParsedPage;
use crate::url::{scheme, slug_problem, Route};

use super::{key_span, SitePage};

/// An old address of a page: a redirect page is written at `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub from: Route,
    /// The page it leads to (an index into `Site::pages`).
    pub to: usize,
    /// Which of the page's `aliases` it is, for errors placed at its value.
    pub alias: usize,
}

/// The spans of the values of front-matter key `key` (a text or a list of texts), in order:
/// each value is looked for after the previous one, between the key and the end of the
/// front-matter. A value not found (written with escapes) falls back to the key.
pub fn value_spans(page: &ParsedPage, key: &str, values: &[String]) -> Vec<std::ops::Range<usize>> {
    let key_at = key_span(page, key);
    let end = page.body_offset.max(key_at.end).min(page.text.len());
    let mut from = key_at.end;
    values
        .iter()
        .map(|v| {
            let v = v.trim();
            match page.text.get(from..end).and_then(|t| t.find(v)) {
                Some(i) if !v.is_empty() => {
                    let at = from + i;
                    from = at + v.len();
                    at..at + v.len()
                }
                _ => key_at.clone(),
            }
        })
        .collect()
}

/// The span of alias `j` of `page`.
pub fn alias_span(page: &ParsedPage, j: usize) -> std::ops::Range<usize> {
    value_spans(page, "aliases", &page.fm.aliases)
        .get(j)
        .cloned()
        .unwrap_or_else(|| key_span(page, "aliases"))
}

/// Every page's aliases as redirects, in page order; an alias that is not a plain path on
/// this site is an error at its value.
pub fn redirects(pages: &[SitePage], diags: &mut Vec<Diagnostic>) -> Vec<Redirect> {
    let mut out = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let page = &p.page;
        if page.fm.aliases.is_empty() {
            continue;
        }
        let spans = value_spans(page, "aliases", &page.fm.aliases);
        for (j, alias) in page.fm.aliases.iter().enumerate() {
            match alias_route(alias) {
                Ok(from) => out.push(Redirect {
                    from,
                    to: i,
                    alias: j,
                }),
                Err(why) => diags.push(
                    Diagnostic::error(
                        "invalid-alias",
                        format!("alias `{}` {why}", display_name(alias.trim())),
                    )
                    .at(&page.file, &page.text, spans[j].clone())
                    .with_help(
                        "write the old address as a path on this site, from its root: \
                         `aliases: [/articles/old-name/]`",
                    ),
                ),
            }
        }
    }
    out
}

/// Where the redirect page for `alias` goes: `/old/path/` (or `old/path`) is the folder
/// `old/path/`, `/old.html` the file itself. Anything that is not a path on this site is
/// refused: a redirect leads from this site's old addresses only.
pub fn alias_route(alias: &str) -> Result<Route, String> {
    let a = alias.trim();
    if scheme(a).is_some() {
        return Err("has a scheme: an alias is a path on this site, not an address".into());
    }
    if a.starts_with("//") {
        return Err("names a host: an alias is a path on this site, not an address".into());
    }
    if a.contains(['?', '#']) {
        return Err("has a query or fragment, which a redirect page cannot be found by".into());
    }
    let path = a.trim_matches('/');
    if path.is_empty() {
        return Err("is the site's root, where the home page is".into());
    }
    for seg in path.split('/') {
        if seg == ".." || seg == "." {
            return Err(format!(
                "contains `{seg}`: aliases are written from the site's root"
            ));
        }
        if let Some(why) = slug_problem(seg) {
            return Err(format!("cannot be an address: `{seg}`: {why}"));
        }
    }
    let is_file = !a.ends_with('/')
        && path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.ends_with(".html") || last.ends_with(".htm"));
    Ok(if is_file {
        Route::file(path)
    } else {
        Route::page(path)
    })
}

/// Each page's template, if not its kind's: its own `template:`, else the `page_template:` of
/// the nearest section above it that sets one. Names the theme does not have are errors at
/// the value, with the closest name and the list of the theme's templates.
pub fn templates(
    pages: &[SitePage],
    known: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Option<String>> {
    let check = |page: &ParsedPage, key: &str, name: &str, diags: &mut Vec<Diagnostic>| -> bool {
        if known.iter().any(|k| k == name) {
            return true;
        }
        let near = did_you_mean(name, known.iter().map(String::as_str));
        let listed: Vec<&str> = known
            .iter()
            .map(String::as_str)
            .filter(|t| *t != "base.html" && *t != "pager.html")
            .collect();
        let mut help = match near {
            Some(n) => format!("did you mean `{n}`? "),
            None => String::new(),
        };
        help.push_str(&format!("the theme has: {}", listed.join(", ")));
        let span = value_spans(page, key, &[name.to_string()])[0].clone();
        diags.push(
            Diagnostic::error(
                "unknown-template",
                format!("the theme has no template `{}`", display_name(name)),
            )
            .at(&page.file, &page.text, span)
            .with_help(help),
        );
        false
    };
    // A misspelt `page_template:` is reported once, on the section, not on each page.
    let section_template: Vec<Option<&str>> = pages
        .iter()
        .map(|p| {
            let t = p.page.fm.page_template.as_deref()?;
            if p.page.kind != Kind::Section && p.page.kind != Kind::Home {
                // It would silently do nothing: say where it belongs.
                diags.push(
                    Diagnostic::error(
                        "misplaced-key",
                        "`page_template` sets the template of a section's pages, and this is \
                         not a section",
                    )
                    .at(
                        &p.page.file,
                        &p.page.text,
                        key_span(&p.page, "page_template"),
                    )
                    .with_help(format!(
                        "use `template: {}` for this page alone, or move `page_template` to \
                         its section's `_index.md`",
                        display_name(t)
                    )),
                );
                return None;
            }
            check(&p.page, "page_template", t, diags).then_some(t)
        })
        .collect();
    pages
        .iter()
        .map(|p| {
            if let Some(t) = p.page.fm.template.as_deref() {
                return check(&p.page, "template", t, diags).then(|| t.to_string());
            }
            if p.page.kind == Kind::Section || p.page.kind == Kind::Home {
                return None;
            }
            let mut s = p.section;
            while let Some(si) = s {
                if let Some(t) = section_template[si] {
                    return Some(t.to_string());
                }
                s = pages[si].section;
            }
            None
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_routes() {
        assert_eq!(
            alias_route("/old/path/").unwrap().as_str(),
            "old/path/index.html"
        );
        assert_eq!(
            alias_route("old/path").unwrap().as_str(),
            "old/path/index.html"
        );
        assert_eq!(alias_route("/old.html").unwrap().as_str(), "old.html");
        for bad in [
            "/",
            "https://example.org/a/",
            "//example.org/a/",
            "/a/../b/",
            "/a/./b/",
            "/a?x=1",
            "/a#b",
            "/a b/",
            "javascript:alert(1)",
        ] {
            assert!(alias_route(bad).is_err(), "{bad}");
        }
    }
}
