//! Stage 1, **load**: find and read every input of a site.
//!
//! The only stage that reads the site's files: `site.yaml`, the pages under `content/`, the
//! bibliographies, the CSL style `citation_style` names, the theme and the site's
//! `templates/` (`theme.rs`), all through one reader with one set of rules (`read.rs`). Later
//! stages get bytes with the paths they came from, and are functions of them. The exception is
//! the files published as they are (`content/` assets, `static/`): only their headers are read
//! here (images' sizes); they stay paths, copied by write and read by render only for the
//! smaller copies of large images, because holding a large site's images in memory would cost
//! more than the whole rest of a build.
//!
//! Walks `content/` and `static/` in sorted order (never in directory order, so output cannot
//! depend on the file system) and classifies each file. Reading is all this stage does: nothing
//! here understands Markdown or YAML beyond `site.yaml`'s settings (which say what else to
//! read), so `serve` can re-run it for a single file cheaply.

mod read;
pub mod theme;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::cite::{StyleChoice, StyleSource};
use crate::config::{self, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};

use read::not_a_file;
pub use read::{
    decode_utf8, image_size, read_bytes, read_named, read_optional, read_source,
    refuse_symlinked_dir, rel_path, MAX_INPUT_BYTES,
};
pub use theme::Theme;

/// What a Markdown file under `content/` is, decided by where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `content/_index.md`: the home page's introduction.
    Home,
    /// `<folder>/_index.md`: a section with its own listing page.
    Section,
    /// `content/articles/**/*.md`.
    Article,
    /// Any other Markdown page (about, privacy).
    Page,
    /// `content/disclaimer.md` ([`DISCLAIMER`]): a page whose summary (or first paragraph)
    /// is also in every page's footer, so an edit to it changes every page. Themes see it as
    /// a `page`.
    #[serde(rename = "page")]
    Disclaimer,
    /// `content/glossary/*.md`: one glossary term per file.
    Term,
    /// `content/glossary/_index.md` (or a default): the glossary page, listing every term.
    Glossary,
}

/// The content path of the medical-information disclaimer: a page like any other, whose
/// summary (or first paragraph) is also in every page's footer.
pub const DISCLAIMER: &str = "disclaimer.md";

/// A text file read into memory, named as the editor knows it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root with `/` separators (`content/articles/a.md`): what
    /// diagnostics print, so editors can paste it.
    pub rel: String,
    pub path: PathBuf,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub kind: Kind,
    /// Path inside `content/` (`articles/a.md`), the key links between pages are resolved by.
    pub content_path: String,
    pub source: SourceFile,
}

/// A file copied to the output unchanged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Asset {
    pub path: PathBuf,
    /// Where it lands, relative to the output root (`articles/figure.png`).
    pub out: String,
    /// The size in the file's header, if it is an image ([`image_size`]), read once here for
    /// the pages' `<img>` sizes and the smaller copies of large images.
    pub size: Option<(u32, u32)>,
}

/// The CSL style `citation_style` names, as load found it.
#[derive(Debug, Clone)]
pub enum Style {
    /// A style shipped with glia.
    Builtin(StyleChoice),
    /// A `.csl` file of the site, read.
    File(SourceFile),
}

/// Everything a build reads, before any of it is interpreted.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub root: PathBuf,
    pub config: SiteConfig,
    /// The pages in the site's `language`.
    pub pages: Vec<Page>,
    /// Each other language of `languages:` → its pages, the translations beside the default
    /// language's (`a.es.md`), keyed by the original's content path (`a.md`) as links name it.
    pub translations: std::collections::BTreeMap<String, Vec<Page>>,
    pub bibliography: Vec<SourceFile>,
    /// `None` when `citation_style` names no style or its file cannot be read (reported).
    pub style: Option<Style>,
    /// The theme laid over the built-in one, with the site's `templates/`; `None` when it
    /// cannot be found (reported).
    pub theme: Option<Theme>,
    /// Images, PDFs and other files under `content/`, mirrored into the output.
    pub assets: Vec<Asset>,
    /// Files under `static/`, copied as they are.
    pub static_files: Vec<Asset>,
}

const BIB_EXTENSIONS: [&str; 5] = ["yaml", "yml", "bib", "json", "bibtex"];

/// Reads the site at `root`. Problems are collected; the caller decides whether to go on.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Inputs> {
    let config = match read_config(root) {
        Ok(c) => c,
        Err(ds) => {
            diags.extend(ds);
            return None;
        }
    };
    let mut pages = Vec::new();
    let mut translations: std::collections::BTreeMap<String, Vec<Page>> = (config.languages)
        .keys()
        .map(|code| (code.clone(), Vec::new()))
        .collect();
    let mut bibliography = Vec::new();
    let mut assets = Vec::new();
    let content = root.join("content");
    for dir in ["content", "static", "templates", "themes"] {
        if let Some(d) = refuse_symlinked_dir(root, &root.join(dir)) {
            diags.push(d);
            return None;
        }
    }
    if !content.is_dir() {
        diags.push(
            Diagnostic::error("missing-content", "the site has no `content/` folder")
                .in_file("content")
                .with_help("create `content/_index.md` and articles under `content/articles/`"),
        );
        return None;
    }
    let explicit_bib = config.bibliography.is_some();
    for (path, rel) in walk(root, &content, diags) {
        let in_content = rel.strip_prefix("content/").unwrap_or(&rel).to_string();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !explicit_bib && in_content.starts_with("references/") && BIB_EXTENSIONS.contains(&ext) {
            if let Some(f) = read_text(&path, &rel, diags) {
                bibliography.push(f);
            }
            continue;
        }
        if ext != "md" {
            if let Some(d) = name_refused(&rel) {
                diags.push(d);
                continue;
            }
            assets.push(Asset {
                path,
                out: in_content,
                size: None,
            });
            continue;
        }
        let Some(source) = read_text(&path, &rel, diags) else {
            continue;
        };
        let (in_content, language) = language_of(&in_content, &config);
        let page = Page {
            kind: classify(&in_content),
            content_path: in_content,
            source,
        };
        match language.and_then(|code| translations.get_mut(code)) {
            Some(list) => list.push(page),
            None => pages.push(page),
        }
    }
    if let Some(files) = &config.bibliography {
        for f in files {
            match read_named(root, f, "bibliography") {
                Ok(src) => bibliography.push(src),
                Err(d) => diags.push(d),
            }
        }
    }
    let mut static_files = Vec::new();
    let static_dir = root.join("static");
    if static_dir.is_dir() {
        for (path, rel) in walk(root, &static_dir, diags) {
            if let Some(d) = name_refused(&rel) {
                diags.push(d);
                continue;
            }
            let out = rel.strip_prefix("static/").unwrap_or(&rel).to_string();
            static_files.push(Asset {
                path,
                out,
                size: None,
            });
        }
    }
    // Only the header of each file is read, in parallel: a site can have thousands.
    assets
        .par_iter_mut()
        .chain(static_files.par_iter_mut())
        .for_each(|a| a.size = image_size(&a.path));
    let style = match read_style(root, &config) {
        Ok(s) => Some(s),
        Err(d) => {
            diags.push(d);
            None
        }
    };
    let theme = Theme::load(root, &config.theme, diags);
    Some(Inputs {
        root: root.to_path_buf(),
        config,
        pages,
        translations,
        bibliography,
        style,
        theme,
        assets,
        static_files,
    })
}

/// Reads and checks `<root>/site.yaml`. Problems come back as diagnostics pointing into the
/// file, every independent one.
pub fn read_config(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let path = root.join(config::FILE_NAME);
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(vec![Diagnostic::error(
            "missing-config",
            format!("cannot read {}: there is no such file", config::FILE_NAME),
        )
        .in_file(config::FILE_NAME)
        .with_help(format!(
            "run glia in a site folder (one with {}), pass --root DIR",
            config::FILE_NAME
        ))]);
    }
    let bytes = read_bytes(&path, config::FILE_NAME).map_err(|d| vec![d])?;
    let text = decode_utf8(config::FILE_NAME, &bytes).map_err(|d| vec![d])?;
    SiteConfig::parse_all(&text)
}

/// The style `citation_style` names; a `.csl` file is read through [`read_named`] (inside the
/// site, no symbolic link, size capped). An error about the setting itself (no such style, a
/// path outside the site) points at its value in `site.yaml`.
fn read_style(root: &Path, config: &SiteConfig) -> Result<Style, Diagnostic> {
    let at_setting = |d: Diagnostic| config.at_setting("citation_style", d);
    match StyleSource::parse(&config.citation_style).map_err(at_setting)? {
        StyleSource::File(path) => read_named(root, &path.to_string_lossy(), "citation_style")
            .map(Style::File)
            .map_err(at_setting),
        StyleSource::Builtin(choice) => Ok(Style::Builtin(choice)),
    }
}

/// A file copied as it is whose name could not be published safely (pages' names get the
/// stricter slug rules when their URL is made).
fn name_refused(rel: &str) -> Option<Diagnostic> {
    crate::url::file_name_problem(rel).map(|why| {
        Diagnostic::error(
            "invalid-file-name",
            format!("this file cannot be published: {why}"),
        )
        .in_file(rel)
        .with_help("rename it with letters, digits, spaces and hyphens")
    })
}

/// The language a page under `content/` is written in, by its name: `a.es.md` is the
/// translation of `a.md` into `es` when `es` is one of the site's `languages` (the convention
/// of Zola and Hugo), and is then known by the original's path. Any other name is in the
/// site's `language`.
fn language_of<'c>(in_content: &str, config: &'c SiteConfig) -> (String, Option<&'c str>) {
    let (dir, name) = in_content.rsplit_once('/').unwrap_or(("", in_content));
    let found = name.strip_suffix(".md").and_then(|stem| {
        let (base, code) = stem.rsplit_once('.')?;
        let (code, _) = config.languages.get_key_value(code)?;
        Some((base, code.as_str()))
    });
    match found {
        Some((base, code)) if dir.is_empty() => (format!("{base}.md"), Some(code)),
        Some((base, code)) => (format!("{dir}/{base}.md"), Some(code)),
        None => (in_content.to_string(), None),
    }
}

fn classify(in_content: &str) -> Kind {
    let name = in_content.rsplit('/').next().unwrap_or(in_content);
    if in_content == "_index.md" {
        Kind::Home
    } else if in_content == "glossary/_index.md" {
        Kind::Glossary
    } else if in_content.starts_with("glossary/") && name != "_index.md" {
        Kind::Term
    } else if name == "_index.md" {
        Kind::Section
    } else if in_content.starts_with("articles/") {
        Kind::Article
    } else if in_content == DISCLAIMER {
        Kind::Disclaimer
    } else {
        Kind::Page
    }
}

/// Regular files under `dir`, sorted by path, skipping hidden and editor backup files.
/// Symlinks are not followed: one could point outside the site and leak a private file.
fn walk(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || name.ends_with('~'))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e.path().map(|p| rel_path(root, p)).unwrap_or_default();
                diags.push(
                    Diagnostic::error("unreadable", format!("cannot read: {e}")).in_file(rel),
                );
                continue;
            }
        };
        let rel = rel_path(root, entry.path());
        if entry.path_is_symlink() {
            diags.push(
                Diagnostic::warning("symlink-skipped", "symbolic links are not followed")
                    .in_file(rel)
                    .with_help("copy the file into the site instead of linking to it"),
            );
            continue;
        }
        if entry.file_type().is_file() {
            out.push((entry.into_path(), rel));
        } else if !entry.file_type().is_dir() {
            // A FIFO, socket or device: never read (a FIFO would hang the build), and never
            // dropped in silence, since it may be named like a page.
            diags.push(not_a_file(&rel));
        }
    }
    out
}

fn read_text(path: &Path, rel: &str, diags: &mut Diagnostics) -> Option<SourceFile> {
    match read_source(path, rel) {
        Ok(f) => Some(f),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_place() {
        assert_eq!(classify("_index.md"), Kind::Home);
        assert_eq!(classify("articles/_index.md"), Kind::Section);
        assert_eq!(classify("articles/tms/a.md"), Kind::Article);
        assert_eq!(classify("about.md"), Kind::Page);
        assert_eq!(classify("disclaimer.md"), Kind::Disclaimer);
        assert_eq!(classify("articles/disclaimer.md"), Kind::Article);
        assert_eq!(classify("glossary/nmda.md"), Kind::Term);
        assert_eq!(classify("glossary/_index.md"), Kind::Glossary);
    }
}
