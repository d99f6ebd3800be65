//! The pages at a page's old addresses (`aliases:`) and the `_redirects` file.
//!
//! A redirect page works wherever the site is opened: a `<meta http-equiv="refresh">` (which
//! browsers follow from file:// too), a canonical link to the new address for search engines,
//! and a visible link for readers whose browser does not refresh. Its links are relative like
//! every other link glia writes, so an offline copy spells them with `index.html`. Hosts that
//! read `_redirects` (Netlify, Cloudflare Pages) answer the old address with a real 301 instead.

use std::fmt::Write as _;

use super::outputs::REDIRECTS;
use crate::html::escape;
use crate::resolve::Site;

use super::OutFile;

/// Every redirect page, and `_redirects` unless the copy is offline, the site has its own or
/// this is a language of `languages:` (hosts read the file at the root only).
pub fn render(site: &Site) -> Vec<OutFile> {
    let mut out: Vec<OutFile> = (site.redirects.iter())
        .map(|r| {
            let target = &site.pages[r.to];
            let href = target.route.relative_from(&r.from, site.link_style);
            let canonical = match (&site.config.base_url, site.offline) {
                (Some(base), false) => target.route.permalink(base),
                _ => href.clone(),
            };
            let (href, canonical, title) = (
                escape(&href),
                escape(&canonical),
                escape(&target.page.fm.title),
            );
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
                 <title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n\
                 <link rel=\"canonical\" href=\"{canonical}\">\n\
                 <meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head>\n<body>\n\
                 <p>{moved} <a href=\"{href}\">{title}</a>.</p>\n</body>\n</html>\n",
                lang = escape(&site.config.language),
                moved = escape(site.strings.get("redirect.moved")),
            );
            OutFile {
                path: r.from.as_str().into(),
                bytes: html.into_bytes(),
            }
        })
        .collect();
    if super::outputs::writes_redirects_file(site) {
        out.push(OutFile {
            path: REDIRECTS.into(),
            bytes: redirects_file(site).into_bytes(),
        });
    }
    out
}

/// `_redirects` in the format Netlify and Cloudflare Pages share: `/old/ /new/ 301` a line,
/// paths from the host's root (under `base_url`'s path when the site lives below one).
fn redirects_file(site: &Site) -> String {
    let prefix = (site.config.base_url.as_deref())
        .and_then(|b| url::Url::parse(b).ok())
        .map_or_else(|| "/".to_string(), |u| u.path().to_string());
    let mut out = String::new();
    for r in &site.redirects {
        let to = &site.pages[r.to].route;
        let _ = writeln!(
            out,
            "{prefix}{} {prefix}{} 301",
            r.from.pretty_path(),
            to.pretty_path()
        );
    }
    for (from, to) in &site.languages.redirects {
        let _ = writeln!(
            out,
            "{prefix}{} {prefix}{} 301",
            from.pretty_path(),
            to.pretty_path()
        );
    }
    // A missing address under a language's folder gets that language's 404 page (Netlify's
    // rule for localized 404 pages; Cloudflare Pages finds the nearest 404.html itself).
    for code in site.config.languages.keys() {
        let _ = writeln!(out, "{prefix}{code}/* {prefix}{code}/404.html 404");
    }
    out
}
