//! The outputs static hosting expects beside the pages: `sitemap.xml`, the Atom feeds (the
//! site's `atom.xml`, each section's and each topic's beside its page) and `robots.txt`. All
//! need absolute URLs, so they need `base_url`; a build without one fails with a message that
//! names these outputs (and how to set it), rather than writing files that crawlers and feed
//! readers would misread. An offline copy has none of them.

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::load::Kind;
use crate::resolve::Site;
use crate::url::Route;

use super::{listing, OutFile};

/// The site's feed, and the name of each section's and topic's beside its page.
pub const FEED: &str = "atom.xml";

/// One Atom feed: the site's (`atom.xml`), a section's (`articles/atom.xml`) or a topic's
/// (`tags/<slug>/atom.xml`).
pub struct Feed {
    pub path: Route,
    /// The feed's title as readers' feed lists show it.
    pub title: String,
    /// The page the feed follows (its `alternate` link and its id).
    pub page: Route,
    /// Its articles, in display order.
    pub articles: Vec<usize>,
}

/// Whether the site has feeds at all: they need absolute URLs, and an offline copy has none.
pub fn has_feeds(site: &Site) -> bool {
    !site.offline && site.config.base_url.is_some()
}

/// The feed of section page `i`, if it has one: the articles anywhere below it.
fn section_articles(site: &Site, i: usize) -> Vec<usize> {
    (site.articles.iter().copied())
        .filter(|&a| {
            let mut s = site.pages[a].section;
            while let Some(si) = s {
                if si == i {
                    return true;
                }
                s = site.pages[si].section;
            }
            false
        })
        .collect()
}

/// Where section page `i`'s feed goes (beside its page), if the section has articles.
pub fn section_feed(site: &Site, i: usize) -> Option<Route> {
    let p = &site.pages[i];
    (p.page.kind == Kind::Section && !section_articles(site, i).is_empty())
        .then(|| feed_in(p.route.dir()))
}

/// Where a topic's feed goes: beside its page, `tags/<slug>/atom.xml`.
pub fn tag_feed(slug: &str) -> Route {
    feed_in(&listing::tag_dir(slug))
}

fn feed_in(dir: &str) -> Route {
    Route::file(format!("{dir}/{FEED}"))
}

/// Every feed the site has, the site's first; none offline. The one list `planned` and
/// [`render`] both read.
pub fn feeds(site: &Site) -> Vec<Feed> {
    if site.offline {
        return Vec::new();
    }
    let c = &site.config;
    let mut out = vec![Feed {
        path: Route::file(FEED),
        title: c.title.clone(),
        page: Route::page(""),
        articles: site.articles.clone(),
    }];
    for (i, p) in site.pages.iter().enumerate() {
        if p.page.kind != Kind::Section {
            continue;
        }
        let articles = section_articles(site, i);
        if !articles.is_empty() {
            out.push(Feed {
                path: feed_in(p.route.dir()),
                title: format!("{} — {}", p.page.fm.title, c.title),
                page: p.route.clone(),
                articles,
            });
        }
    }
    for (slug, (name, articles)) in listing::tags(site) {
        out.push(Feed {
            path: tag_feed(&slug),
            // "Topic: …" in the site's language, the words of the topic's own page.
            title: format!("{} — {}", topic_title(site, &name), c.title),
            page: listing::tag_route(&slug),
            articles,
        });
    }
    out
}

/// A topic's name as its page and feed title it (`Topic: name`, from the theme's strings).
fn topic_title(site: &Site, name: &str) -> String {
    let args = [("name", name.to_string())];
    (site.strings.format("topics.page_title", None, &args)).unwrap_or_else(|| name.to_string())
}

/// The sitemap, every feed and robots.txt, or the error explaining why they cannot be
/// written. `content(i)` is article `i`'s body HTML when feeds carry whole articles
/// (`feeds: {full_content: true}`).
pub fn render(
    site: &Site,
    content: Option<&(dyn Fn(usize) -> Option<String> + Sync)>,
) -> Result<Vec<OutFile>, Diagnostic> {
    let Some(base) = site.config.base_url.as_deref() else {
        return Err(Diagnostic::error(
            "missing-base-url",
            "site.yaml has no base_url, which sitemap.xml, atom.xml, robots.txt and canonical links need (they must be absolute URLs)",
        )
        .in_file(crate::config::FILE_NAME)
        .with_help(
            "add `base_url: https://your-site.example/` to site.yaml, pass --base-url URL, or build an offline copy with --offline",
        ));
    };
    let mut out = vec![OutFile {
        path: "sitemap.xml".into(),
        bytes: sitemap(site, base).into_bytes(),
    }];
    let feeds = feeds(site);
    out.extend(
        feeds
            .par_iter()
            .map(|f| OutFile {
                path: f.path.as_str().into(),
                bytes: atom(site, base, f, content).into_bytes(),
            })
            .collect::<Vec<_>>(),
    );
    // One robots.txt, at the root, naming every language's sitemap.
    if site.at_root() {
        let mut robots = format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n");
        for code in site.config.languages.keys() {
            let _ = writeln!(robots, "Sitemap: {base}{code}/sitemap.xml");
        }
        out.push(OutFile {
            path: "robots.txt".into(),
            bytes: robots.into_bytes(),
        });
    }
    Ok(out)
}

/// The sitemap's addresses, in order: every page (the first page of a listing; later ones
/// only repeat its list), the topics and audience pages, and every page of the reference
/// index (each lists different works). Redirect pages and the 404 and search pages are not
/// pages to index. Each with its last change where it has one.
fn sitemap_entries(site: &Site) -> Vec<(Route, Option<crate::parse::frontmatter::Date>)> {
    let mut entries: Vec<(Route, Option<crate::parse::frontmatter::Date>)> = (site.pages.iter())
        .map(|p| (p.route.clone(), p.page.fm.updated.or(p.page.fm.date)))
        .collect();
    let newest = |articles: &[usize]| {
        (articles.iter())
            .filter_map(|&a| site.pages[a].page.fm.updated.or(site.pages[a].page.fm.date))
            .max()
    };
    let tags = listing::tags(site);
    if !tags.is_empty() {
        entries.push((listing::index_route(), newest(&site.articles)));
        for (slug, (_, articles)) in &tags {
            entries.push((listing::tag_route(slug), newest(articles)));
        }
    }
    for a in listing::AUDIENCES {
        let articles = listing::audience_articles(site, a);
        if !articles.is_empty() {
            entries.push((Route::page(&listing::audience_dir(a)), newest(&articles)));
        }
    }
    if !site.citations.cited_in.is_empty() {
        let route = crate::resolve::citations::route();
        for n in 1..=listing::page_count(site, site.citations.cited_in.len()) {
            entries.push((Route::paged(route.dir(), n), None));
        }
    }
    entries.sort();
    entries.dedup_by(|a, b| a.0 == b.0);
    entries
}

fn sitemap(site: &Site, base: &str) -> String {
    let mut out = String::from(if site.languages.is_multilingual() {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n"
    } else {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
    });
    for (route, date) in sitemap_entries(site) {
        let _ = write!(
            out,
            "  <url>\n    <loc>{}</loc>\n",
            xml(&route.permalink(base))
        );
        if let Some(d) = date {
            let _ = writeln!(out, "    <lastmod>{d}</lastmod>");
        }
        // Its versions in the site's other languages, itself included, as Google reads them.
        let versions = site.languages.versions(site.language, &route);
        if versions.len() > 1 {
            for v in &versions {
                if let Some(url) = site.languages.permalink(v) {
                    let code = &site.languages.list[v.language].code;
                    let _ = writeln!(
                        out,
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        xml(code),
                        xml(&url)
                    );
                }
            }
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

fn atom(
    site: &Site,
    base: &str,
    feed: &Feed,
    content: Option<&(dyn Fn(usize) -> Option<String> + Sync)>,
) -> String {
    let c = &site.config;
    let mut articles: Vec<_> = feed.articles.iter().map(|&i| (i, &site.pages[i])).collect();
    // Newest first: what feed readers show first.
    articles.sort_by(|(_, a), (_, b)| {
        let da = a.page.fm.updated.or(a.page.fm.date);
        let db = b.page.fm.updated.or(b.page.fm.date);
        db.cmp(&da).then_with(|| a.route.cmp(&b.route))
    });
    let updated = articles
        .iter()
        .filter_map(|(_, p)| p.page.fm.updated.or(p.page.fm.date))
        .max()
        .or(site.build_date)
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let page_url = feed.page.permalink(base);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml(&c.language)
    );
    let _ = writeln!(out, "  <title>{}</title>", xml(&feed.title));
    if !c.description.is_empty() {
        let _ = writeln!(out, "  <subtitle>{}</subtitle>", xml(c.description.trim()));
    }
    let _ = writeln!(out, "  <id>{}</id>", xml(&page_url));
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml(&feed.path.permalink(base))
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml(&page_url)
    );
    let _ = writeln!(out, "  <updated>{updated}</updated>");
    let feed_author = c
        .author
        .as_deref()
        .or(c.publisher.as_deref())
        .unwrap_or(&c.title);
    let _ = writeln!(out, "  <author><name>{}</name></author>", xml(feed_author));
    let _ = writeln!(out, "  <generator>glia</generator>");
    for (i, p) in articles {
        let fm = &p.page.fm;
        let url = p.route.permalink(base);
        let entry_updated = fm
            .updated
            .or(fm.date)
            .map(|d| format!("{d}T00:00:00Z"))
            .unwrap_or_else(|| updated.clone());
        out.push_str("  <entry>\n");
        let _ = writeln!(out, "    <title>{}</title>", xml(&fm.title));
        let _ = writeln!(out, "    <id>{}</id>", xml(&url));
        let _ = writeln!(
            out,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml(&url)
        );
        let _ = writeln!(out, "    <updated>{entry_updated}</updated>");
        if let Some(d) = fm.date {
            let _ = writeln!(out, "    <published>{d}T00:00:00Z</published>");
        }
        for a in &fm.authors {
            let _ = writeln!(out, "    <author><name>{}</name></author>", xml(a));
        }
        if let Some(s) = &fm.summary {
            let _ = writeln!(out, "    <summary>{}</summary>", xml(s));
        }
        // The body's links are relative to the article: `xml:base` is what they resolve
        // against in a feed reader.
        if let Some(html) = content.and_then(|f| f(i)) {
            let _ = writeln!(
                out,
                "    <content type=\"html\" xml:base=\"{}\">{}</content>",
                xml(&url),
                xml(&html)
            );
        }
        for t in &fm.tags {
            let _ = writeln!(out, "    <category term=\"{}\"/>", xml(t));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// Escapes text and attribute values for XML.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
