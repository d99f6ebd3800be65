//! `glia init` and `glia new`: starting points that already build and pass `glia check`.
//!
//! A scaffold that fails its first build teaches a new editor that errors are normal, so the
//! starter site is a small but complete one — an article citing a reference, a glossary term
//! it uses — and the article template fills or comments every front-matter key, which is
//! where editors otherwise go looking for documentation.

use std::path::{Component, Path, PathBuf};

use crate::parse::markdown::slugify;

/// The starter site's files, relative to its folder.
fn starter_files(today: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "site.yaml",
            "title: My health explainers\n\
             description: Clear, cited and reviewed explainers.\n\
             # The address the site will be published at: feeds, the sitemap and canonical\n\
             # links need it. Replace it before publishing; `glia serve` uses its own.\n\
             base_url: https://example.org/\n\
             language: en\n\
             author: Editorial Team\n\
             citation_style: vancouver\n\
             # Articles not reviewed for this many months are reported by `glia check`.\n\
             review_interval_months: 12\n\
             # Highest reading grade for pages whose audience includes patients.\n\
             readability:\n  max_grade: 8\n"
                .to_string(),
        ),
        (
            "content/_index.md",
            format!(
                "---\ntitle: My health explainers\nsummary: Clear, cited and reviewed explainers.\n\
                 date: {today}\n---\n\nWelcome. Start with [our first article](articles/first-article.md).\n"
            ),
        ),
        (
            "content/articles/_index.md",
            format!(
                "---\ntitle: Articles\nsummary: Every explainer on this site.\ndate: {today}\n---\n\n\
                 These pages explain treatments in plain words.\n"
            ),
        ),
        (
            "content/articles/first-article.md",
            format!(
                "---\ntitle: Our first article\nsummary: A short example of a cited, reviewed page.\n\
                 date: {today}\nauthors: [Editorial Team]\nreviewed_by: [Clinical Reviewer]\n\
                 last_reviewed: {today}\naudience: [patients]\ntags: [example]\n---\n\n\
                 This page shows how to write for patients. Keep each sentence short. Use plain words.\n\n\
                 A claim with a number needs a source. In one review, a course lasted 2 weeks \
                 [@example2020review].\n\n\
                 A glossary word such as placebo gets a link to its meaning.\n"
            ),
        ),
        (
            "content/references/references.json",
            "[\n  {\n    \"id\": \"example2020review\",\n    \"type\": \"article-journal\",\n    \
             \"title\": \"An example review\",\n    \"author\": [{ \"family\": \"Example\", \"given\": \"Ann\" }],\n    \
             \"container-title\": \"Journal of Examples\",\n    \"volume\": \"1\",\n    \"page\": \"1-10\",\n    \
             \"issued\": { \"date-parts\": [[2020]] }\n  }\n]\n"
                .to_string(),
        ),
        (
            "content/glossary/placebo.md",
            "---\nterm: placebo\nshort: A dummy treatment with no active medicine in it.\n---\n\n\
             A placebo looks like a real treatment but has no active medicine in it.\n"
                .to_string(),
        ),
    ]
}

/// Writes the starter site into `dir`, which must be missing or empty.
pub fn init(dir: &Path, today: &str) -> Result<Vec<PathBuf>, String> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "{} is not empty; choose a new or empty folder so nothing is overwritten",
                dir.display()
            ));
        }
    }
    let mut written = Vec::new();
    for (rel, text) in starter_files(today) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Writes a new article under `root`'s `content/articles/[section/]`, never over a file.
pub fn new_article(
    root: &Path,
    title: &str,
    section: Option<&str>,
    today: &str,
    author: Option<&str>,
) -> Result<PathBuf, String> {
    if !root.join(crate::config::FILE_NAME).is_file() {
        return Err(format!(
            "{} has no {}; run this in a site folder or pass --root DIR",
            root.display(),
            crate::config::FILE_NAME
        ));
    }
    let title = title.trim();
    let slug = slugify(title);
    if slug.is_empty() {
        return Err("the title needs at least one letter or digit to make a file name".into());
    }
    let mut dir = root.join("content").join("articles");
    if let Some(section) = section {
        let rel = Path::new(section);
        let ok = rel.components().all(|c| matches!(c, Component::Normal(_)))
            && rel.components().next().is_some();
        if !ok {
            return Err(format!(
                "section `{section}` must be a folder name such as `treatments` (no `..`, no absolute path)"
            ));
        }
        dir.push(rel);
    }
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(format!(
            "{} already exists; choose another title or edit that file",
            path.display()
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let author = yaml_string(author.unwrap_or("Editorial Team"));
    let text = format!(
        "---\n\
         title: {title}\n\
         summary: {summary}\n\
         date: {today}\n\
         # updated: {today}\n\
         authors: [{author}]\n\
         # Fill these in once a clinician has reviewed the page (`glia check` reminds you):\n\
         # reviewed_by: [Clinical Reviewer]  # or a list of {{name: …, role: …, credentials: …}}\n\
         # last_reviewed: {today}\n\
         audience: [patients]                # patients, clinicians, students, researchers\n\
         tags: []\n\
         # weight: 10                        # order in listings (lower first)\n\
         # slug: short-name                  # replaces the last part of the URL\n\
         # draft: true                       # left out of builds unless --drafts\n\
         # allow: [uncited-claims]           # silence a `glia check` rule for this page\n\
         # crisis: true                      # show the crisis box from site.yaml `crisis:`\n\
         # image: cover.png                  # picture shown where the page is shared (og:image)\n\
         references: []                      # works cited only here; most live in content/references/\n\
         ---\n\n\
         {body}\n",
        title = yaml_string(title),
        summary = PLACEHOLDER_SUMMARY,
        body = PLACEHOLDER_BODY,
    );
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// The summary `glia new article` writes for the editor to replace; `glia check` warns
/// (`placeholder-text`) while a page still has it.
pub const PLACEHOLDER_SUMMARY: &str = "One or two sentences for listings and search results.";

/// The first line of the body `glia new article` writes, checked the same way.
pub const PLACEHOLDER_BODY: &str =
    "Start with what the reader most needs to know. Cite sources by key, like this: `[@key]`.";

/// A title quoted for YAML, so `:` or `#` in it cannot change the front-matter's meaning.
fn yaml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
