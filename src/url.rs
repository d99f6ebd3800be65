//! Where a page lands in the output, and how any page links to any other.
//!
//! Every link glia writes is relative (`../../css/site.css`), so one build works at a domain
//! root, under a sub-path and opened from disk. This type is the only place that spells a URL;
//! nothing else concatenates path strings. The offline flavour differs only in writing
//! `…/index.html` instead of `…/`, because file:// does not serve a folder's index.

use std::fmt;

/// An output file, relative to the output root, with `/` separators (`articles/a/index.html`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Route(String);

/// How folder links are written: pretty (`a/`) for hosting, explicit files for file://.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkStyle {
    #[default]
    Pretty,
    Offline,
}

impl Route {
    /// A file route, e.g. `css/site.css`.
    pub fn file(path: impl Into<String>) -> Route {
        Route(path.into().trim_start_matches('/').to_string())
    }

    /// The pretty-URL route of a page whose folder is `dir` (`""` for the home page).
    pub fn page(dir: &str) -> Route {
        let dir = dir.trim_matches('/');
        if dir.is_empty() {
            Route("index.html".into())
        } else {
            Route(format!("{dir}/index.html"))
        }
    }

    /// Page `n` (from 1) of a listing whose first page is the folder `dir`: `dir/` itself,
    /// then `dir/page/2/`, `dir/page/3/`, … (the scheme Hugo and Zola use).
    pub fn paged(dir: &str, n: usize) -> Route {
        let dir = dir.trim_matches('/');
        match (n, dir) {
            (0 | 1, _) => Route::page(dir),
            (_, "") => Route::page(&format!("page/{n}")),
            _ => Route::page(&format!("{dir}/page/{n}")),
        }
    }

    /// This route under `folder` (`""`, or a folder ending in `/`): a language's route seen
    /// from the output root (`es/` + `articles/a/index.html`).
    pub fn under(&self, folder: &str) -> Route {
        Route(format!("{folder}{}", self.0))
    }

    /// The folder this file sits in (`articles/a` for `articles/a/index.html`, `""` at the
    /// root): what [`Route::paged`] continues a page's listing under.
    pub fn dir(&self) -> &str {
        self.0.rsplit_once('/').map_or("", |(d, _)| d)
    }

    /// The path from the page at `from` to the folder `dir`, ending in `/`, or empty when
    /// `from` is in that folder: a prefix for links written relative to that folder, made
    /// once per page where thousands of such links are written (glossary terms).
    pub fn folder_from(dir: &str, from: &Route) -> String {
        let from_segs = from.segments();
        let from_dir = &from_segs[..from_segs.len().saturating_sub(1)];
        let to: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        let common = from_dir
            .iter()
            .zip(to.iter())
            .take_while(|(a, b)| a == b)
            .count();
        let mut out = "../".repeat(from_dir.len() - common);
        for seg in &to[common..] {
            out.push_str(seg);
            out.push('/');
        }
        out
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn segments(&self) -> Vec<&str> {
        self.0.split('/').filter(|s| !s.is_empty()).collect()
    }

    /// The path as a site-absolute URL path, pretty (`articles/a/`), for `base_url + path`.
    pub fn pretty_path(&self) -> &str {
        if self.0 == "index.html" {
            ""
        } else {
            self.0.strip_suffix("index.html").unwrap_or(&self.0)
        }
    }

    /// `base_url` joined with this route; `base_url` must end with `/`.
    pub fn permalink(&self, base_url: &str) -> String {
        format!("{base_url}{}", self.pretty_path())
    }

    /// A relative link from the page at `from` to this route.
    pub fn relative_from(&self, from: &Route, style: LinkStyle) -> String {
        let from_segs = from.segments();
        let from_dir = &from_segs[..from_segs.len().saturating_sub(1)];
        let to = self.segments();
        let common = from_dir
            .iter()
            .zip(to.iter())
            .take_while(|(a, b)| a == b)
            .count();
        let mut parts: Vec<&str> = Vec::new();
        parts.extend(std::iter::repeat_n("..", from_dir.len() - common));
        parts.extend(&to[common..]);
        let pretty = style == LinkStyle::Pretty && to.last() == Some(&"index.html");
        if pretty {
            parts.pop();
            if parts.is_empty() {
                return "./".into();
            }
            let mut s = parts.join("/");
            s.push('/');
            s
        } else if parts.is_empty() {
            to.last().map(|s| s.to_string()).unwrap_or_default()
        } else {
            parts.join("/")
        }
    }

    /// How many folders deep this file sits (`articles/a/index.html` → 2).
    pub fn depth(&self) -> usize {
        self.segments().len().saturating_sub(1)
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Joins a relative reference onto the folder of a path inside `content/`, resolving `.` and
/// `..`. Returns `None` when the result would climb out of `content/`.
pub fn join_relative(base_file: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = if reference.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = base_file.split('/').collect();
        p.pop();
        p
    };
    for seg in reference.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Whether a URL is safe to put in an `href`/`src`: relative, or one of a few known schemes.
/// `javascript:`, `data:` and `vbscript:` run code or smuggle content and are refused.
pub fn is_safe_url(url: &str) -> bool {
    match scheme(url) {
        None => true,
        Some(s) => matches!(s.as_str(), "http" | "https" | "mailto" | "tel"),
    }
}

/// The lower-cased scheme of `url` if it has one (`https:`), ignoring leading spaces and
/// control characters that browsers also ignore.
pub fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start()
        .chars()
        .filter(|c| !c.is_control() && *c != ' ')
        .collect();
    let colon = cleaned.find(':')?;
    let (s, _) = cleaned.split_at(colon);
    if !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        Some(s.to_ascii_lowercase())
    } else {
        None
    }
}

/// Characters that make a name unsafe anywhere it is printed or used as a path: control
/// characters (newlines reach the sitemap and terminals), backslashes (a `\..\` zip entry climbs
/// out of its folder on Windows), quotes and angle brackets, and the invisible Unicode format
/// characters (bidi overrides such as U+202E make `gpj.exe` look like `exe.jpg`).
pub fn unsafe_name_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\\' | '"' | '<' | '>')
        || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0xFEFF)
}

/// Why `name` cannot be one segment of a page's URL, or `None` if it can. The one rule for
/// an explicit `slug:` and for the file and folder names a page's URL is taken from: letters
/// (any script), digits, `-`, `_` and `.`, not starting with `.`.
pub fn slug_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if name.starts_with('.') {
        return Some("it starts with `.`".into());
    }
    let bad: Vec<String> = name
        .chars()
        .filter(|&c| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .map(|c| format!("{}", c.escape_debug()))
        .collect();
    if bad.is_empty() {
        None
    } else {
        let mut bad = bad;
        bad.dedup();
        Some(format!("it contains `{}`", bad.join("`, `")))
    }
}

/// Why a file name under `content/` or `static/` that is copied as it is (an image, a PDF)
/// cannot be published, or `None`. Looser than [`slug_problem`]: spaces and other printable
/// characters are fine in a file's name (links spell them `%20`), but not [`unsafe_name_char`]s.
pub fn file_name_problem(path: &str) -> Option<String> {
    let bad: Vec<String> = path
        .chars()
        .filter(|&c| unsafe_name_char(c))
        .map(|c| format!("{}", c.escape_unicode()))
        .collect();
    (!bad.is_empty()).then(|| format!("its name contains {}", bad.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_between_pages() {
        let home = Route::page("");
        let a = Route::page("articles/a");
        let css = Route::file("css/site.css");
        assert_eq!(
            css.relative_from(&a, LinkStyle::Pretty),
            "../../css/site.css"
        );
        assert_eq!(home.relative_from(&a, LinkStyle::Pretty), "../../");
        assert_eq!(
            home.relative_from(&a, LinkStyle::Offline),
            "../../index.html"
        );
        assert_eq!(a.relative_from(&home, LinkStyle::Pretty), "articles/a/");
        assert_eq!(a.relative_from(&a, LinkStyle::Pretty), "./");
        assert_eq!(a.relative_from(&a, LinkStyle::Offline), "index.html");
        let b = Route::page("articles/b");
        assert_eq!(b.relative_from(&a, LinkStyle::Pretty), "../b/");
        assert_eq!(home.relative_from(&home, LinkStyle::Pretty), "./");
    }

    #[test]
    fn paged_listings_and_folders() {
        assert_eq!(Route::paged("articles", 1), Route::page("articles"));
        assert_eq!(
            Route::paged("articles", 2).as_str(),
            "articles/page/2/index.html"
        );
        assert_eq!(Route::paged("", 3).as_str(), "page/3/index.html");
        assert_eq!(Route::page("tags/x").dir(), "tags/x");
        assert_eq!(Route::page("").dir(), "");
        let a = Route::page("articles/a");
        assert_eq!(Route::folder_from("glossary", &a), "../../glossary/");
        assert_eq!(Route::folder_from("glossary", &Route::page("glossary")), "");
        assert_eq!(
            Route::folder_from("glossary", &Route::page("glossary/x")),
            "../"
        );
        assert_eq!(
            Route::folder_from("glossary", &Route::page("")),
            "glossary/"
        );
    }

    #[test]
    fn permalinks() {
        assert_eq!(
            Route::page("a/b").permalink("https://x.org/"),
            "https://x.org/a/b/"
        );
        assert_eq!(
            Route::page("").permalink("https://x.org/"),
            "https://x.org/"
        );
    }

    #[test]
    fn joins_and_refuses_escape() {
        assert_eq!(
            join_relative("articles/a.md", "b.md").as_deref(),
            Some("articles/b.md")
        );
        assert_eq!(
            join_relative("articles/a.md", "../about.md").as_deref(),
            Some("about.md")
        );
        assert_eq!(join_relative("a.md", "../../etc/passwd"), None);
    }

    #[test]
    fn slug_rules() {
        assert_eq!(slug_problem("esketamine-nasal_spray.v2"), None);
        assert_eq!(slug_problem("électroconvulsivothérapie"), None);
        for bad in [
            "",
            ".hidden",
            "a b",
            "a\nb",
            "a\"b",
            "a\\b",
            "a\u{202e}b",
            "a/b",
        ] {
            assert!(slug_problem(bad).is_some(), "{bad:?}");
        }
        assert_eq!(file_name_problem("articles/fig 1 (a).png"), None);
        assert!(file_name_problem("articles/a\\..\\b.png").is_some());
        assert!(file_name_problem("a\u{202e}gnp.exe").is_some());
    }

    #[test]
    fn unsafe_schemes() {
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url(" JaVa\tScript:alert(1)"));
        assert!(!is_safe_url("data:text/html,x"));
        assert!(is_safe_url("https://doi.org/10.1/x"));
        assert!(is_safe_url("../a.md#x"));
    }
}
