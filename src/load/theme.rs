//! Reading a theme: the site's own `themes/<name>/`, else the default theme built into the
//! binary, with single templates overridable from the site's `templates/` folder. Render
//! compiles the templates and publishes the static files; it reads nothing itself.
//!
//! The default theme is embedded so that `glia build` works in a folder holding nothing but
//! content and `site.yaml`; a theme folder is laid over it file by file, so a theme (or a
//! copy of the default one) need only contain what it changes.

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{include_dir, Dir};
use walkdir::WalkDir;

use super::rel_path;
use crate::diagnostics::{Diagnostic, Diagnostics};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A template's text and the file it came from (for error messages).
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub origin: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (`article.html`) → source.
    pub templates: BTreeMap<String, TemplateSource>,
    /// Output path (`css/site.css`) → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    pub fn load(root: &Path, name: &str, diags: &mut Diagnostics) -> Option<Theme> {
        let dir = root.join("themes").join(name);
        if let Some(d) = super::refuse_symlinked_dir(root, &dir) {
            diags.push(d);
            return None;
        }
        // A theme folder is laid over the built-in theme, file by file: a site can copy and
        // change one template without copying the rest.
        let mut theme = if dir.is_dir() {
            let mut theme = embedded();
            let own = from_folder(root, &dir, diags);
            theme.templates.extend(own.templates);
            theme.static_files.extend(own.static_files);
            theme
        } else if name == "default" {
            embedded()
        } else {
            let mut known = vec!["default".to_string()];
            if let Ok(rd) = std::fs::read_dir(root.join("themes")) {
                known.extend(
                    rd.flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned()),
                );
            }
            known.sort();
            diags.push(
                Diagnostic::error("unknown-theme", format!("there is no theme `{name}`"))
                    .in_file(crate::config::FILE_NAME)
                    .with_help(format!("themes available: {}", known.join(", "))),
            );
            return None;
        };
        let overrides = root.join("templates");
        if overrides.is_dir() {
            for entry in WalkDir::new(&overrides)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                let name = rel_path(&overrides, entry.path());
                let origin = rel_path(root, entry.path());
                match super::read_source(entry.path(), &origin) {
                    Ok(f) => {
                        theme.templates.insert(
                            name,
                            TemplateSource {
                                origin,
                                text: f.text,
                            },
                        );
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        Some(theme)
    }
}

fn embedded() -> Theme {
    let mut theme = Theme::default();
    let mut stack = vec![&DEFAULT_THEME];
    while let Some(dir) = stack.pop() {
        for file in dir.files() {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(name) = path.strip_prefix("templates/") {
                theme.templates.insert(
                    name.to_string(),
                    TemplateSource {
                        origin: format!("themes/default/{path} (built into glia)"),
                        text: String::from_utf8_lossy(file.contents()).into_owned(),
                    },
                );
            } else if let Some(out) = path.strip_prefix("static/") {
                theme
                    .static_files
                    .insert(out.to_string(), file.contents().to_vec());
            }
        }
        stack.extend(dir.dirs());
    }
    theme
}

fn from_folder(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Theme {
    let mut theme = Theme::default();
    for entry in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let in_theme = rel_path(dir, entry.path());
        let origin = rel_path(root, entry.path());
        let bytes = match super::read_bytes(entry.path(), &origin) {
            Ok(b) => b,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if let Some(name) = in_theme.strip_prefix("templates/") {
            match super::decode_utf8(&origin, &bytes) {
                Ok(text) => {
                    theme
                        .templates
                        .insert(name.to_string(), TemplateSource { origin, text });
                }
                Err(d) => diags.push(d),
            }
        } else if let Some(out) = in_theme.strip_prefix("static/") {
            theme.static_files.insert(out.to_string(), bytes);
        }
    }
    theme
}
