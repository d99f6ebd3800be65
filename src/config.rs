//! `site.yaml`: the few settings a whole site shares.
//!
//! Unknown keys are errors (with a did-you-mean hint) rather than being ignored, because a
//! misspelt setting that silently does nothing is harder to find than any error message.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::parse::yaml;

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
    #[serde(default = "default_language")]
    pub language: String,
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
    /// large the site grows. The key Zola and Hugo users know.
    #[serde(default = "default_paginate")]
    pub paginate: usize,
}

/// Settings for `glia check`'s readability rule on pages written for patients.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReadabilityConfig {
    /// Highest Flesch–Kincaid grade level accepted; 8 is the usual target for patient material.
    #[serde(default = "default_max_grade")]
    pub max_grade: f64,
}

impl Default for ReadabilityConfig {
    fn default() -> Self {
        ReadabilityConfig {
            max_grade: default_max_grade(),
        }
    }
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
    /// Reads `<root>/site.yaml`. Problems come back as diagnostics pointing into the file.
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostic> {
        let path = root.join(FILE_NAME);
        let bytes = std::fs::read(&path).map_err(|e| {
            Diagnostic::error("missing-config", format!("cannot read {FILE_NAME}: {e}"))
                .in_file(FILE_NAME)
                .with_help(format!(
                    "run glia in a site folder (one with {FILE_NAME}), pass --root DIR"
                ))
        })?;
        let text = crate::load::decode_utf8(FILE_NAME, &bytes)?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<SiteConfig, Diagnostic> {
        if text.trim().is_empty() {
            return Err(
                Diagnostic::error("empty-file", format!("{FILE_NAME} is empty"))
                    .in_file(FILE_NAME)
                    .with_help("add at least `title: My site`"),
            );
        }
        let mut config: SiteConfig = yaml::from_str(text, FILE_NAME, text, 0, FILE_NAME)?;
        if let Some(url) = &config.base_url {
            let url = url.trim();
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                let at = text.find(url).unwrap_or(0);
                return Err(Diagnostic::error(
                    "invalid-value",
                    format!("base_url `{url}` is not an http(s) URL"),
                )
                .at(FILE_NAME, text, at..at + url.len())
                .with_help("write it in full, e.g. `base_url: https://example.org/`"));
            }
            config.base_url = Some(normalize_base_url(url));
        }
        if config.paginate == 0 {
            let at = text.find("paginate").unwrap_or(0);
            return Err(Diagnostic::error(
                "invalid-value",
                "paginate must be at least 1 (items per listing page)",
            )
            .at(FILE_NAME, text, at..at + "paginate".len())
            .with_help("write e.g. `paginate: 50`, or leave it out for 50"));
        }
        Ok(config)
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
        assert_eq!(d.location.unwrap().line, 2);
    }

    #[test]
    fn unknown_key_suggests() {
        let d = SiteConfig::parse("title: T\nbase_ulr: x\n").unwrap_err();
        assert_eq!(d.code, "unknown-key");
        assert!(d.help.unwrap().contains("`base_url`"));
        assert_eq!(d.location.unwrap().line, 2);
    }

    #[test]
    fn base_url_gets_one_slash() {
        let c = SiteConfig::parse("title: T\nbase_url: https://x.org/a//\n").unwrap();
        assert_eq!(c.base_url.as_deref(), Some("https://x.org/a/"));
    }
}
