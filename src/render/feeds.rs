//! The outputs static hosting expects beside the pages: `sitemap.xml`, the Atom feed
//! `atom.xml` and `robots.txt`. All three need absolute URLs, so they need `base_url`; a build
//! without one fails with a message that names these outputs (and how to set it), rather than
//! writing files that crawlers and feed readers would misread.

use std::fmt::Write as _;

use crate::diagnostics::Diagnostic;
use crate::resolve::Site;

use super::OutFile;

/// The three files, or the error explaining why they cannot be written.
pub fn render(site: &Site) -> Result<Vec<OutFile>, Diagnostic> {
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
    Ok(vec![
        OutFile {
            path: "sitemap.xml".into(),
            bytes: sitemap(site, base).into_bytes(),
        },
        OutFile {
            path: "atom.xml".into(),
            bytes: atom(site, base).into_bytes(),
        },
        OutFile {
            path: "robots.txt".into(),
            bytes: format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n").into_bytes(),
        },
    ])
}

/// The pages in the sitemap: every page, glossary terms included (each has its own page);
/// the later pages of a paginated listing are left out, as Hugo and Zola leave them out.
fn listed(site: &Site) -> impl Iterator<Item = &crate::resolve::SitePage> {
    site.pages.iter()
}

fn sitemap(site: &Site, base: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut entries: Vec<_> = listed(site).collect();
    entries.sort_by(|a, b| a.route.cmp(&b.route));
    for p in entries {
        let _ = write!(
            out,
            "  <url>\n    <loc>{}</loc>\n",
            xml(&p.route.permalink(base))
        );
        if let Some(d) = p.page.fm.updated.or(p.page.fm.date) {
            let _ = writeln!(out, "    <lastmod>{d}</lastmod>");
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

fn atom(site: &Site, base: &str) -> String {
    let c = &site.config;
    let mut articles: Vec<_> = site.articles.iter().map(|&i| &site.pages[i]).collect();
    // Newest first: what feed readers show first.
    articles.sort_by(|a, b| {
        let da = a.page.fm.updated.or(a.page.fm.date);
        let db = b.page.fm.updated.or(b.page.fm.date);
        db.cmp(&da).then_with(|| a.route.cmp(&b.route))
    });
    let updated = articles
        .iter()
        .filter_map(|p| p.page.fm.updated.or(p.page.fm.date))
        .max()
        .or(site.build_date)
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml(&c.language)
    );
    let _ = writeln!(out, "  <title>{}</title>", xml(&c.title));
    if !c.description.is_empty() {
        let _ = writeln!(out, "  <subtitle>{}</subtitle>", xml(c.description.trim()));
    }
    let _ = writeln!(out, "  <id>{}</id>", xml(base));
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}atom.xml\"/>",
        xml(base)
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml(base)
    );
    let _ = writeln!(out, "  <updated>{updated}</updated>");
    let feed_author = c
        .author
        .as_deref()
        .or(c.publisher.as_deref())
        .unwrap_or(&c.title);
    let _ = writeln!(out, "  <author><name>{}</name></author>", xml(feed_author));
    let _ = writeln!(out, "  <generator>glia</generator>");
    for p in articles {
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
