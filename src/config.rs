//! `site.yaml`: the few settings a whole site shares.
//!
//! Unknown keys are errors (with a did-you-mean hint) rather than being ignored, because a
//! misspelt setting that silently does nothing is harder to find than any error message.

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::yaml;

pub const FILE_NAME: &str = "site.yaml";

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is served from. Only outputs that need absolute URLs (canonical
    /// links, feed, sitemap) require it; relative links work without it.
    #[serde(default)]
    pub base_url: Option<String>,
    /// The site's language, and with `languages` its default one: its pages are at the root.
    #[serde(default = "default_language")]
    pub language: String,
    /// The site's other languages (`es: { title: …, description: … }`), each published under
    /// its own folder (`/es/`) from the translations beside the pages (`a.es.md`).
    #[serde(default)]
    pub languages: std::collections::BTreeMap<String, LanguageConfig>,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Who writes the pages; also the default author of articles that name none.
    #[serde(default)]
    pub author: Option<String>,
    /// Who publishes the site (the network), for metadata.
    #[serde(default)]
    pub publisher: Option<String>,
    /// `vancouver` (default), `ama`, `apa`, or a path to a `.csl` file.
    #[serde(default = "default_citation_style")]
    pub citation_style: String,
    /// The site's icon: the address of a file the site publishes (from `static/` or
    /// `content/`), e.g. `images/logo.png`. Default: the theme's `img/favicon.svg`.
    #[serde(default)]
    pub favicon: Option<String>,
    /// The picture shared with links to the site's pages (`og:image`), unless a page names its
    /// own (`image:`): the address of a file the site publishes, e.g. `images/share.png`.
    #[serde(default)]
    pub og_image: Option<String>,
    /// Where the values of settings checked later are written (`citation_style`, `favicon`,
    /// `og_image`),
    /// so errors found when `site.yaml` is no longer at hand still point at them.
    #[serde(skip)]
    pub value_at: std::collections::BTreeMap<&'static str, crate::diagnostics::Location>,
    /// Bibliography files, relative to the site root. Default: every file in `content/references/`.
    #[serde(default)]
    pub bibliography: Option<Vec<String>>,
    #[serde(default)]
    pub glossary: GlossaryConfig,
    /// Always build an offline copy (links spelt `…/index.html`, for opening from disk).
    #[serde(default)]
    pub offline: bool,
    /// `glia check` warns when an article's `last_reviewed` is older than this.
    #[serde(default = "default_review_interval")]
    pub review_interval_months: u32,
    #[serde(default)]
    pub readability: ReadabilityConfig,
    /// How many items a listing page shows (sections, topics, audiences, a term's "Appears
    /// in", the reference index) before it continues on `page/2/`: pages stay small however
    /// large the site grows.
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    /// A crisis box (e.g. a crisis line) shown on pages with `crisis: true` or a tag in
    /// `crisis_tags`.
    #[serde(default)]
    pub crisis: Option<CrisisConfig>,
    #[serde(default)]
    pub crisis_tags: Vec<String>,
    #[serde(default)]
    pub feeds: FeedsConfig,
}

/// One of the site's other languages: what its pages say about the site.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// The site's title in this language (default: the site's `title`).
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The crisis box in this language (default: the site's `crisis`), e.g. the country's
    /// crisis line in its language.
    #[serde(default)]
    pub crisis: Option<CrisisConfig>,
}

/// The Atom feeds: the site's (`atom.xml`), each section's and each topic's.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedsConfig {
    /// Entries carry the article's whole text, not only its summary.
    #[serde(default)]
    pub full_content: bool,
}

/// What the crisis box says and where it sends readers.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CrisisConfig {
    /// Default: the theme's `crisis.title` in the site's language ("Need help now?").
    #[serde(default)]
    pub title: Option<String>,
    pub text: String,
    #[serde(default)]
    pub links: Vec<CrisisLink>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CrisisLink {
    pub text: String,
    /// `tel:`, `https:` and the other schemes links may use.
    pub url: String,
}

/// Settings for `glia check`'s readability rule on pages written for patients.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReadabilityConfig {
    /// Highest Flesch–Kincaid grade level accepted on an English site; 8 is the usual target
    /// for patient material.
    #[serde(default = "default_max_grade")]
    pub max_grade: f64,
    /// Lowest INFLESZ score accepted on a Spanish site (`language: es`); 55 is where the scale
    /// reads "normal", the least patient information should reach.
    #[serde(default = "default_min_inflesz")]
    pub min_inflesz: f64,
}

impl Default for ReadabilityConfig {
    fn default() -> Self {
        ReadabilityConfig {
            max_grade: default_max_grade(),
            min_inflesz: default_min_inflesz(),
        }
    }
}

fn default_min_inflesz() -> f64 {
    55.0
}

fn default_review_interval() -> u32 {
    12
}
fn default_paginate() -> usize {
    50
}
fn default_max_grade() -> f64 {
    8.0
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct GlossaryConfig {
    #[serde(default)]
    pub link: GlossaryLink,
}

/// Which occurrences of a glossary term an article links.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum GlossaryLink {
    #[default]
    First,
    All,
    None,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_citation_style() -> String {
    "vancouver".into()
}

impl SiteConfig {
    /// [`Self::parse_all`]'s first problem.
    pub fn parse(text: &str) -> Result<SiteConfig, Diagnostic> {
        Self::parse_all(text).map_err(|mut ds| ds.swap_remove(0))
    }

    /// The settings in `text`, or every independent problem with them.
    pub fn parse_all(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        if text.trim().is_empty() {
            return Err(vec![Diagnostic::error(
                "empty-file",
                format!("{FILE_NAME} is empty"),
            )
            .in_file(FILE_NAME)
            .with_help("add at least `title: My site`")]);
        }
        let mut config: SiteConfig = yaml::from_str_all(text, FILE_NAME, text, 0, FILE_NAME)?;
        let mut errors = Vec::new();
        let later = [
            ("citation_style", Some(config.citation_style.clone())),
            ("favicon", config.favicon.clone()),
            ("og_image", config.og_image.clone()),
        ];
        for (key, value) in later {
            let span = value_span(text, key, value.as_deref().unwrap_or("").trim());
            if !span.is_empty() {
                let at = crate::diagnostics::Location::in_text(text, span);
                config.value_at.insert(key, at);
            }
        }
        if let Some(url) = &config.base_url {
            let url = url.trim();
            if let Some(why) = base_url_problem(url) {
                errors.push(
                    Diagnostic::error(
                        "invalid-value",
                        format!("base_url `{url}` is not an http(s) URL: {why}"),
                    )
                    .at(FILE_NAME, text, value_span(text, "base_url", url))
                    .with_help("write it in full, e.g. `base_url: https://example.org/`"),
                );
            } else {
                config.base_url = Some(normalize_base_url(url));
            }
        }
        for link in config.crisis.iter().flat_map(|c| &c.links) {
            if !crate::url::is_safe_url(&link.url) {
                let at = text.find(link.url.as_str()).unwrap_or(0);
                errors.push(
                    Diagnostic::error(
                        "unsafe-url",
                        format!(
                            "crisis link `{}` uses a scheme browsers would run or embed",
                            link.url
                        ),
                    )
                    .at(FILE_NAME, text, at..at + link.url.len())
                    .with_help("only http:, https:, mailto: and tel: links are allowed"),
                );
            }
        }
        if config.paginate == 0 {
            errors.push(
                Diagnostic::error(
                    "invalid-value",
                    "paginate must be at least 1 (items per listing page)",
                )
                .at(FILE_NAME, text, value_span(text, "paginate", "0"))
                .with_help("write e.g. `paginate: 50`, or leave it out for 50"),
            );
        }
        // A theme is a folder under `themes/`, named by one plain name: an absolute path or
        // `..` would publish a folder outside the site.
        if let Some(why) = crate::url::slug_problem(&config.theme) {
            errors.push(
                Diagnostic::error(
                    "invalid-value",
                    format!(
                        "theme `{}` is not a theme name: {why}",
                        crate::diagnostics::display_name(&config.theme)
                    ),
                )
                .at(FILE_NAME, text, value_span(text, "theme", &config.theme))
                .with_help("name a folder under `themes/`, e.g. `theme: default`"),
            );
        }
        for code in config.languages.keys() {
            let problem = if !is_language_code(code) {
                Some(format!("`{code}` is not a language code"))
            } else if code.eq_ignore_ascii_case(config.language.trim()) {
                Some(format!("`{code}` is the site's own `language`"))
            } else {
                None
            };
            if let Some(problem) = problem {
                let at = text.find(&format!("\n  {code}:")).map_or(0, |i| i + 3);
                errors.push(
                    Diagnostic::error("invalid-value", format!("languages: {problem}"))
                        .at(FILE_NAME, text, at..at + code.len())
                        .with_help(
                            "name each other language by its lower-case code, e.g. `es` or \
                             `pt-br`; `language:` is the default language, published at the root",
                        ),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(config)
    }
}

impl SiteConfig {
    /// `d`, an error about setting `key` found after loading, pointed at the setting's value
    /// in site.yaml (unless it already points somewhere, e.g. inside a `.csl` file).
    pub fn at_setting(&self, key: &str, d: Diagnostic) -> Diagnostic {
        let unplaced = d.location.is_none() && d.file.as_deref().is_none_or(|f| f == FILE_NAME);
        match self.value_at.get(key) {
            Some(at) if unplaced => d.at_location(FILE_NAME, at.clone()),
            _ if d.file.is_none() => d.in_file(FILE_NAME),
            _ => d,
        }
    }
}

/// Whether `code` can name a language folder and a file's language (`a.es.md`): a BCP 47
/// tag in lower case, a primary language of two or three letters and optional subtags
/// (`es`, `pt-br`).
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| {
            (2..=8).contains(&p.len())
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

impl SiteConfig {
    /// Whether a page whose front-matter has `crisis` and `tags` shows the crisis box:
    /// `crisis: true`, or a tag of `crisis_tags`, on a site with a `crisis:` box.
    pub fn shows_crisis(&self, crisis: bool, tags: &[String]) -> bool {
        self.crisis.is_some()
            && (crisis
                || (tags.iter())
                    .any(|t| self.crisis_tags.iter().any(|c| c.eq_ignore_ascii_case(t))))
    }

    /// The settings of the site in its other language `code`: the same site, with that
    /// language, its title and description, and its `base_url` under `<code>/`, where its pages
    /// are published.
    pub fn for_language(&self, code: &str) -> SiteConfig {
        let mut c = self.clone();
        let lang = self.languages.get(code).cloned().unwrap_or_default();
        c.language = code.to_string();
        if let Some(t) = lang.title {
            c.title = t;
        }
        if let Some(d) = lang.description {
            c.description = d;
        }
        if let Some(crisis) = lang.crisis {
            c.crisis = Some(crisis);
        }
        c.base_url = self.base_url.as_ref().map(|b| format!("{b}{code}/"));
        c
    }
}

/// Why `url` cannot be the site's `base_url`, or `None`: it must parse as an absolute http(s)
/// URL with a host, and carry no query, fragment or credentials (pages are appended to it).
pub fn base_url_problem(url: &str) -> Option<&'static str> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Some("it does not parse as a URL");
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some("the scheme must be http or https");
    }
    let after_scheme = url.split_once("://").map_or("", |(_, rest)| rest);
    if parsed.host_str().is_none_or(str::is_empty) || after_scheme.starts_with('/') {
        return Some("it has no host name");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("it must not carry a user name or password");
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Some("it must not have a `?query` or `#fragment`");
    }
    // The parser forgives what it can fix (spaces, quotes): what is written must already be
    // the URL, since it is copied into pages as it is.
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"<>\\`{}|^".contains(c))
    {
        return Some("it contains a space, quote or other character URLs cannot hold");
    }
    None
}

/// The span of the value of top-level key `key` in `text` (site.yaml, or a page's
/// front-matter), for pointing at it.
pub fn value_span(text: &str, key: &str, value: &str) -> std::ops::Range<usize> {
    let line_start = text
        .match_indices(&format!("{key}:"))
        .map(|(i, _)| i)
        .find(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n');
    match line_start {
        Some(at) => {
            let from = at + key.len() + 1;
            match text[from..].find(value) {
                Some(off) if !value.is_empty() => from + off..from + off + value.len(),
                _ => at..at + key.len(),
            }
        }
        None => 0..0,
    }
}

/// Ensures exactly one trailing slash, so `base_url + route` never doubles or drops one.
pub fn normalize_base_url(url: &str) -> String {
    format!("{}/", url.trim().trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply() {
        let c = SiteConfig::parse("title: T\n").unwrap();
        assert_eq!(c.language, "en");
        assert_eq!(c.theme, "default");
        assert_eq!(c.citation_style, "vancouver");
        assert_eq!(c.glossary.link, GlossaryLink::First);
        assert_eq!(c.review_interval_months, 12);
        assert_eq!(c.readability.max_grade, 8.0);
        assert_eq!(c.paginate, 50);
    }

    #[test]
    fn paginate_zero_is_refused() {
        let d = SiteConfig::parse("title: T\npaginate: 0\n").unwrap_err();
        assert_eq!(d.code, "invalid-value");
        assert_eq!(d.location.as_ref().unwrap().line, 2);
    }

    #[test]
    fn unknown_key_suggests() {
        let d = SiteConfig::parse("title: T\nbase_ulr: x\n").unwrap_err();
        assert_eq!(d.code, "unknown-key");
        assert!(d.help.unwrap().contains("`base_url`"));
        assert_eq!(d.location.unwrap().line, 2);
    }

    #[test]
    fn base_url_must_be_a_web_url() {
        assert_eq!(base_url_problem("https://example.org/a/"), None);
        assert_eq!(base_url_problem("http://localhost:8080"), None);
        for bad in [
            "https://",
            "https:///x",
            "ftp://example.org/",
            "https://exa mple.org/",
            "https://example.org/\"><script>",
            "https://u:p@example.org/",
            "https://example.org/?a=1",
            "example.org",
        ] {
            assert!(base_url_problem(bad).is_some(), "{bad}");
        }
        let d = SiteConfig::parse("title: T\nbase_url: \"https://exa mple.org/\"\n").unwrap_err();
        let l = d.location.unwrap();
        assert_eq!((l.line, l.column), (2, 12));
    }

    #[test]
    fn theme_is_a_plain_name() {
        for bad in ["/etc", "../other", "a/b", ".."] {
            let d = SiteConfig::parse(&format!("title: T\ntheme: {bad}\n")).unwrap_err();
            assert_eq!(d.location.unwrap().line, 2, "{bad}");
        }
    }

    #[test]
    fn base_url_gets_one_slash() {
        let c = SiteConfig::parse("title: T\nbase_url: https://x.org/a//\n").unwrap();
        assert_eq!(c.base_url.as_deref(), Some("https://x.org/a/"));
    }
}
