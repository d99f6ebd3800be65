//! The shape of the source tree, checked: the module graph has no cycle and no source file
//! is over [`MAX_LINES`] lines (ARCHITECTURE.md, "Code map").
//!
//! The graph is read from the source text, not the compiler: every `use crate::…`,
//! `use super::…` and `crate::…`/`super::…` path in code (comments and strings left out),
//! tests included. It is checked at two levels, the ones a reader finds their way by:
//!
//! - the top-level modules (`load`, `parse`, `cite`, `config`, …): a module's folder counts as
//!   one node, so `cite::style` using `load` is an edge `cite → load`;
//! - inside each folder, its direct submodules (`render::context`, `render::listing`, …):
//!   a file deeper down counts as its submodule of the folder (`cite/style/html.rs` is
//!   `cite::style`).
//!
//! A folder's own `mod.rs` and its submodules may use each other (`super::` items and the
//! re-exports a folder's `mod.rs` makes): that is one module's inside, not a cycle.
#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The most lines a source file may have.
const MAX_LINES: usize = 700;

fn src_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `src/cite/style/html.rs` → `["cite", "style", "html"]`; `mod.rs` names its folder.
fn module_path(file: &Path) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rel = file.strip_prefix(&src).unwrap();
    let mut segs: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let last = segs.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        segs.push(stem.to_string());
    }
    segs
}

/// The code of a Rust file without comments, string and char literals (so a path in a doc
/// comment or a message is not taken for a dependency).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                out.push(' ');
            }
            b'r' if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                // A raw string: r"…", r#"…"#.
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                j += 1;
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                while j < b.len() && !b[j..].starts_with(&close) {
                    j += 1;
                }
                i = j + close.len();
                out.push_str("\"\"");
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("\"\"");
            }
            b'\'' => {
                // A char literal ('a', '\n', '\u{..}') or a lifetime ('a): skip only the former.
                let rest = &text[i + 1..];
                let lit = if let Some(escaped) = rest.strip_prefix('\\') {
                    escaped.find('\'').map(|n| n + 2)
                } else {
                    let mut cs = rest.char_indices();
                    match (cs.next(), cs.next()) {
                        (Some(_), Some((n, '\''))) => Some(n),
                        _ => None,
                    }
                };
                match lit {
                    Some(n) => {
                        i += n + 2;
                        out.push_str("' '");
                    }
                    None => {
                        out.push('\'');
                        i += 1;
                    }
                }
            }
            _ => {
                let c = text[i..].chars().next().unwrap();
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// The paths a `use` tree names: `crate::{a::b, c::{d, e}}` → `crate::a::b`, `crate::c::d`, …
fn expand_use(tree: &str) -> Vec<String> {
    // `x as y` names `x`; then spaces mean nothing.
    let mut words = tree.split_whitespace();
    let mut tree = String::new();
    while let Some(w) = words.next() {
        if w == "as" {
            let renamed = words.next().unwrap_or("");
            // Keep what follows the new name (`,` or `}`).
            tree.push_str(renamed.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_'));
        } else {
            tree.push_str(w);
        }
    }
    let mut out = Vec::new();
    expand_into("", &tree, &mut out);
    out
}

fn expand_into(prefix: &str, tree: &str, out: &mut Vec<String>) {
    // Split `tree` at top-level commas.
    let mut depth = 0;
    let mut start = 0;
    let mut parts = Vec::new();
    for (i, c) in tree.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&tree[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tree[start..]);
    for part in parts.into_iter().filter(|p| !p.is_empty()) {
        match part.find('{') {
            Some(open) => {
                let head = part[..open].trim_end_matches("::");
                let inner = &part[open + 1..part.len() - 1];
                expand_into(&join(prefix, head), inner, out);
            }
            None => {
                out.push(join(prefix, part));
            }
        }
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}::{b}"),
    }
}

/// Every path the file names from the crate's root or its parent, as absolute module paths.
/// `module` is the file's own (a `mod.rs` file is its folder's), which `super::` counts from.
fn used_paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = String::new();
    // `use` items (their trees expanded), then inline paths in what is left.
    let mut s = code;
    while let Some(at) = find_word(s, "use") {
        rest.push_str(&s[..at]);
        let end = s[at..].find(';').map_or(s.len(), |e| at + e);
        paths.extend(expand_use(&s[at + 3..end]));
        s = &s[(end + 1).min(s.len())..];
    }
    rest.push_str(s);
    let bytes = rest.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = rest[from..].find(start).map(|i| from + i) {
            from = i + start.len();
            if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
                continue;
            }
            if i > 1 && &rest[i - 2..i] == "::" {
                continue; // `super::super::`, counted from its first `super`.
            }
            let end = rest[i..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(rest.len(), |e| i + e);
            paths.push(rest[i..end].trim_end_matches(':').to_string());
        }
    }
    paths
        .into_iter()
        .filter_map(|p| {
            let segs: Vec<&str> = p.split("::").collect();
            let mut at: Vec<String> = module.to_vec();
            let mut i = 0;
            match segs.first() {
                Some(&"crate") => {
                    at.clear();
                    i = 1;
                }
                Some(&"super") | Some(&"self") => {
                    while let Some(&s) = segs.get(i) {
                        match s {
                            "super" => {
                                at.pop()?;
                            }
                            "self" => {}
                            _ => break,
                        }
                        i += 1;
                    }
                }
                _ => return None,
            }
            at.extend(segs[i..].iter().map(|s| s.to_string()));
            Some(at)
        })
        .collect()
}

fn find_word(s: &str, word: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s[from..].find(word).map(|i| from + i) {
        let before_ok = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        let after = b.get(i + word.len()).copied().unwrap_or(b' ');
        if before_ok && after.is_ascii_whitespace() {
            return Some(i);
        }
        from = i + word.len();
    }
    None
}

/// The modules that exist: `["cite"]`, `["cite", "style"]`, … from the file tree.
fn modules(files: &[PathBuf]) -> BTreeSet<Vec<String>> {
    let mut all = BTreeSet::new();
    for f in files {
        let m = module_path(f);
        for n in 1..=m.len() {
            all.insert(m[..n].to_vec());
        }
    }
    all
}

/// The node a module path belongs to: its top-level module and, if that is a folder, the
/// folder's direct submodule (when the path names one).
fn node(path: &[String], mods: &BTreeSet<Vec<String>>) -> Option<(String, Option<String>)> {
    let top = path.first()?;
    if !mods.contains(&vec![top.clone()]) {
        return None; // An outside crate or the crate root's own items.
    }
    let child = path
        .get(1)
        .filter(|c| mods.contains(&vec![top.clone(), (*c).clone()]))
        .cloned();
    Some((top.clone(), child))
}

/// The groups of nodes that reach each other (strongly connected components of more than one
/// node), each sorted: every cycle lies inside one.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(n) = stack.pop() {
            for m in edges.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    stack.push(m.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|n| (n, reach(n))).collect();
    let mut groups: Vec<BTreeSet<String>> = Vec::new();
    for (n, r) in &reached {
        if !r.contains(*n) || groups.iter().any(|g| g.contains(*n)) {
            continue;
        }
        let group: BTreeSet<String> = r
            .iter()
            .filter(|m| reached.get(m).is_some_and(|back| back.contains(*n)))
            .cloned()
            .collect();
        groups.push(group);
    }
    groups
}

/// The graphs to check: the top level (`""`) and each folder's submodules, edges with the
/// files that make them.
type Graphs = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn graphs() -> (Graphs, BTreeMap<(String, String), BTreeSet<String>>) {
    let files = src_files();
    let mods = modules(&files);
    let mut graphs: Graphs = BTreeMap::new();
    let mut why: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for f in &files {
        let module = module_path(f);
        // The binary is its own crate; the library root only declares modules.
        if module.is_empty() || module == ["main"] {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        let Some(from) = node(&module, &mods) else {
            continue;
        };
        let rel = f.strip_prefix(&src).unwrap().display().to_string();
        for path in used_paths(&module, &code_only(&text)) {
            let Some(to) = node(&path, &mods) else {
                continue;
            };
            let (graph, a, b) = if from.0 != to.0 {
                (String::new(), from.0.clone(), to.0.clone())
            } else {
                match (&from.1, &to.1) {
                    (Some(a), Some(b)) if a != b => (from.0.clone(), a.clone(), b.clone()),
                    _ => continue,
                }
            };
            let key = |n: &str| {
                if graph.is_empty() {
                    n.to_string()
                } else {
                    format!("{graph}::{n}")
                }
            };
            why.entry((key(&a), key(&b)))
                .or_default()
                .insert(rel.clone());
            graphs
                .entry(graph.clone())
                .or_default()
                .entry(key(&a))
                .or_default()
                .insert(key(&b));
        }
    }
    (graphs, why)
}

#[test]
fn the_module_graph_has_no_cycle() {
    let (graphs, why) = graphs();
    assert!(
        graphs.get("").is_some_and(|g| g.len() > 10),
        "the top-level graph was not read: {graphs:?}"
    );
    let mut problems = Vec::new();
    for edges in graphs.values() {
        for group in cycles(edges) {
            let steps: Vec<String> = why
                .iter()
                .filter(|((a, b), _)| group.contains(a) && group.contains(b))
                .map(|((a, b), files)| {
                    let files: Vec<&str> = files.iter().map(String::as_str).collect();
                    format!("  {a} → {b} (in {})", files.join(", "))
                })
                .collect();
            let names: Vec<&str> = group.iter().map(String::as_str).collect();
            problems.push(format!(
                "a cycle through {}:\n{}",
                names.join(", "),
                steps.join("\n")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The reader itself: use trees, `super::` and inline paths, comments and strings ignored.
#[test]
fn paths_are_read_from_code_only() {
    let module: Vec<String> = vec!["render".into(), "context".into()];
    let code = code_only(
        "use crate::{load::{Asset, Kind}, url::Route as R};\n\
         use super::listing::ListItem;\n\
         // use crate::serve;\n\
         /// [`crate::check`]\n\
         fn f() { let s = \"crate::bundle\"; crate::cite::format(super::super::site::x); }",
    );
    let mut got: Vec<String> = used_paths(&module, &code)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "cite::format",
            "load::Asset",
            "load::Kind",
            "render::listing::ListItem",
            "site::x",
            "url::Route",
        ]
    );
}

#[test]
fn no_source_file_is_over_the_line_limit() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let long: Vec<String> = src_files()
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > MAX_LINES)
                .then(|| format!("{} ({n} lines)", f.strip_prefix(&src).unwrap().display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines; split along the file's seams: {}",
        long.join(", ")
    );
}
