//! The floor of the benchmark: what turning a site's Markdown into HTML costs with nothing
//! else, for `scripts/bench` to set glia's build time against.
//!
//! Reads every `.md` file under `ROOT/content` (sorted), drops the front-matter, renders the
//! body with bare pulldown-cmark (glia's Markdown options) on every core and writes each
//! page to `OUT/<same path>.html`. No templates, links, citations, glossary or search.
//!
//!   cargo run --release --example floor -- ROOT OUT

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

use std::path::{Path, PathBuf};

use pulldown_cmark::{html, Parser};
use rayon::prelude::*;

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        if e.file_type()?.is_dir() {
            markdown_files(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// The text after a `---` front-matter block, or all of it.
fn body(s: &str) -> &str {
    s.strip_prefix("---\n")
        .and_then(|rest| rest.find("\n---\n").map(|end| &rest[end + 5..]))
        .unwrap_or(s)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, out] = args.as_slice() else {
        return Err("usage: floor ROOT OUT".into());
    };
    let content = Path::new(root).join("content");
    let mut files = Vec::new();
    markdown_files(&content, &mut files)?;
    let options = glia::parse::markdown::options();
    files.par_iter().try_for_each(|path| {
        let source = std::fs::read_to_string(path)?;
        let mut page = String::with_capacity(source.len() * 3 / 2);
        html::push_html(&mut page, Parser::new_ext(body(&source), options));
        let rel = path.strip_prefix(&content).unwrap_or(path);
        let dest = Path::new(out).join(rel).with_extension("html");
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(dest, page)
    })?;
    println!("{} pages", files.len());
    Ok(())
}
