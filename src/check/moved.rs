//! `moved-without-alias`: an address the previous build listed in its sitemap that this build
//! no longer has (a slug renamed, a file moved), with no alias to lead readers and search
//! engines from it to the page. Read only when the output folder still holds that build's
//! `sitemap.xml`; without one there is nothing to compare, and nothing is said.

use std::collections::BTreeSet;
use std::path::Path;

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::load;
use crate::render::listing;
use crate::resolve::Site;
use crate::url::Route;

use super::key_span;

pub const CODE: &str = "moved-without-alias";

/// The warnings for `site` against the sitemap in `output`, if there is one.
pub fn check(site: &Site, root: &Path, output: &Path) -> Vec<Diagnostic> {
    let Some(base) = site.config.base_url.as_deref() else {
        return Vec::new();
    };
    let path = output.join("sitemap.xml");
    if std::fs::symlink_metadata(&path).is_err() {
        return Vec::new();
    }
    let rel = path
        .strip_prefix(root)
        .unwrap_or(&path)
        .to_string_lossy()
        .replace('\\', "/");
    // Through the one reader of input files: no symlinks, a size cap. A sitemap that cannot
    // be read or parsed is not this build's problem: it is only compared when it can be.
    let Ok(text) = load::read_bytes(&path, &rel).and_then(|b| load::decode_utf8(&rel, &b)) else {
        return Vec::new();
    };
    let Ok(doc) = roxmltree::Document::parse(&text) else {
        return Vec::new();
    };
    // Every address this build has: its pages, redirect pages and files.
    let now: BTreeSet<String> = (site.outputs.iter())
        .map(|o| Route::file(o.as_str()).pretty_path().to_string())
        .collect();
    // Listings glia makes come and go with tags, audiences and citations; no alias can be
    // written for them (nor for glossary terms, which have no `aliases:`).
    let generated = [
        listing::index_route().dir().to_string(),
        Route::page(&listing::audience_dir(listing::AUDIENCES[0]))
            .dir()
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string(),
        crate::resolve::citations::route().dir().to_string(),
        crate::resolve::glossary::route().dir().to_string(),
    ];
    // The pages an old address may have moved to: their last folder name.
    let names: Vec<(&str, usize)> = (site.pages.iter().enumerate())
        .filter(|(_, p)| !p.page.text.is_empty())
        .map(|(i, p)| (p.route.dir().rsplit('/').next().unwrap_or_default(), i))
        .collect();
    let mut diags = Vec::new();
    let locs = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text());
    for loc in locs {
        let Some(old) = loc.trim().strip_prefix(base) else {
            continue;
        };
        let first = old.split('/').next().unwrap_or_default();
        if now.contains(old) || generated.iter().any(|g| g == first) {
            continue;
        }
        let old_name = old.trim_end_matches('/').rsplit('/').next().unwrap_or(old);
        let near = did_you_mean(old_name, names.iter().map(|(n, _)| *n))
            .and_then(|n| names.iter().find(|(m, _)| *m == n));
        let message = format!(
            "/{old} was in the previous build's sitemap, but no page or alias is there now"
        );
        let d = Diagnostic::warning(CODE, message);
        diags.push(match near {
            Some(&(_, i)) => {
                let page = &site.pages[i].page;
                let at = if page.fm.slug.is_some() {
                    "slug"
                } else {
                    "title"
                };
                d.at(&page.file, &page.text, key_span(page, at))
                    .with_help(format!(
                        "if this page moved from there, add `aliases: [/{old}]` to its \
                     front-matter, so old links and search results still reach it"
                    ))
            }
            None => d.in_file(rel.clone()).with_help(format!(
                "add `aliases: [/{old}]` to the front-matter of the page that replaced it, so \
                 old links and search results still reach it"
            )),
        });
    }
    diags
}
