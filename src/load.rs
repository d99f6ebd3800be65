//! Stage 1, **load**: find and read every input of a site.
//!
//! Walks `content/` and `static/` in sorted order (never in directory order, so output cannot
//! depend on the file system) and classifies each file. Reading is all this stage does: nothing
//! here understands Markdown or YAML, so `serve` can re-run it for a single file cheaply.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

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
    /// Any other Markdown page (about, disclaimer).
    Page,
    /// `content/glossary/*.md`: one glossary term per file.
    Term,
    /// `content/glossary/_index.md` (or a default): the glossary page, listing every term.
    Glossary,
}

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
}

/// Everything a build reads, before any of it is interpreted.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub pages: Vec<Page>,
    pub bibliography: Vec<SourceFile>,
    /// Images, PDFs and other files under `content/`, mirrored into the output.
    pub assets: Vec<Asset>,
    /// Files under `static/`, copied as they are.
    pub static_files: Vec<Asset>,
}

const BIB_EXTENSIONS: [&str; 5] = ["yaml", "yml", "bib", "json", "bibtex"];

/// Reads the site at `root`. Problems are collected; the caller decides whether to go on.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Inputs> {
    let config = match SiteConfig::load(root) {
        Ok(c) => c,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut pages = Vec::new();
    let mut bibliography = Vec::new();
    let mut assets = Vec::new();
    let content = root.join("content");
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
            assets.push(Asset {
                path,
                out: in_content,
            });
            continue;
        }
        let Some(source) = read_text(&path, &rel, diags) else {
            continue;
        };
        pages.push(Page {
            kind: classify(&in_content),
            content_path: in_content,
            source,
        });
    }
    if let Some(files) = &config.bibliography {
        for f in files {
            let rel = f.trim_start_matches("./").to_string();
            if let Some(src) = read_text(&root.join(&rel), &rel, diags) {
                bibliography.push(src);
            }
        }
    }
    let mut static_files = Vec::new();
    let static_dir = root.join("static");
    if static_dir.is_dir() {
        for (path, rel) in walk(root, &static_dir, diags) {
            let out = rel.strip_prefix("static/").unwrap_or(&rel).to_string();
            static_files.push(Asset { path, out });
        }
    }
    Some(Inputs {
        root: root.to_path_buf(),
        config,
        pages,
        bibliography,
        assets,
        static_files,
    })
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
        }
    }
    out
}

pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_text(path: &Path, rel: &str, diags: &mut Diagnostics) -> Option<SourceFile> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error("unreadable", format!("cannot read: {e}")).in_file(rel));
            return None;
        }
    };
    match decode_utf8(rel, &bytes) {
        Ok(text) => Some(SourceFile {
            rel: rel.to_string(),
            path: path.to_path_buf(),
            text,
        }),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// Text files must be UTF-8; the error points at the first bad byte so it can be found.
pub fn decode_utf8(rel: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            Err(Diagnostic::error(
                "not-utf8",
                format!(
                    "the file is not valid UTF-8 (byte 0x{:02x} at offset {})",
                    bytes[e.valid_up_to()],
                    e.valid_up_to()
                ),
            )
            .at_location(rel, Location::at(line, column))
            .with_help("save the file as UTF-8 in your editor (often under “Save with encoding”)"))
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
        assert_eq!(classify("glossary/nmda.md"), Kind::Term);
        assert_eq!(classify("glossary/_index.md"), Kind::Glossary);
    }

    #[test]
    fn non_utf8_names_line_and_column() {
        let d = decode_utf8("a.md", b"ok\nab\xff").unwrap_err();
        let l = d.location.unwrap();
        assert_eq!((l.line, l.column), (2, 3));
    }
}
