//! The words a theme shows (menus, labels, dates) in the site's language.
//!
//! A theme keeps one file per language in `i18n/<lang>.yaml`: the default theme's are built
//! into the binary (`themes/default/i18n/`), a site's theme folder may add or change them, and
//! a site may change single strings in its own `i18n/<lang>.yaml`. Each layer is laid over the
//! one before, key by key, and English (the default theme's `en.yaml`) is under them all, so a
//! missing string shows in English and is reported (`missing-translation`).
//!
//! The files are flat, one `key: text` a line, so a key's position is its line: what a
//! diagnostic points at. [`Strings::load`] is the whole interface the rest of glia needs:
//! templates reach the strings through the `t` function ([`Strings::register`]), dates through
//! [`date`], and render's own words through [`Strings::get`].

pub mod date;
pub mod text;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use include_dir::{include_dir, Dir};

use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};

static DEFAULT_I18N: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default/i18n");

/// How [`Strings::load`] reads a file: its name for diagnostics and its text, or `None` when
/// there is no file at that path.
pub type Reader<'a> = &'a dyn Fn(&Path) -> Option<Result<(String, String), Diagnostic>>;

/// The language every other falls back to.
pub const FALLBACK: &str = "en";

/// One string and where it was written, for diagnostics.
#[derive(Debug, Clone)]
struct Entry {
    text: String,
    origin: String,
    line: usize,
}

/// The UI strings of one language, with English beneath.
#[derive(Debug, Clone)]
pub struct Strings {
    /// The language asked for, as written in `site.yaml` (`es`, `es-ES`).
    language: String,
    /// Key → the text in the site's language, or English where it has none.
    map: BTreeMap<String, Entry>,
    /// Dates already spelt out with these strings ([`date`]).
    dates: date::Spelt,
}

impl Strings {
    /// The built-in English strings alone, read once: what every language falls back to.
    pub fn english() -> &'static Strings {
        static ENGLISH: std::sync::OnceLock<Strings> = std::sync::OnceLock::new();
        ENGLISH.get_or_init(|| {
            let mut diags = Diagnostics::new();
            let mut map = BTreeMap::new();
            if let Some((origin, text)) = embedded(FALLBACK) {
                parse_into(&mut map, &origin, &text, &mut diags);
            }
            Strings {
                language: FALLBACK.to_string(),
                map,
                dates: date::Spelt::default(),
            }
        })
    }

    /// The strings for `language`: the default theme's files, then the theme `theme`'s (if the
    /// site has that folder), then the site's `i18n/`, English beneath each. Problems are
    /// pushed as warnings: a string the site lacks still shows (in English). `read` is load's
    /// reader (load reads every input): a file's name for diagnostics and its text, `None`
    /// when there is no such file.
    pub fn load(
        root: &Path,
        theme: &str,
        language: &str,
        read: Reader<'_>,
        diags: &mut Diagnostics,
    ) -> Strings {
        let language = language.trim();
        let mut map = BTreeMap::new();
        let english = Self::english();
        let base = base_language(language);
        // Every file read for the site's language (not English beneath), in layer order.
        let mut own: Vec<(String, BTreeMap<String, Entry>)> = Vec::new();
        let theme_dir = root.join("themes").join(theme).join("i18n");
        let site_dir = root.join("i18n");
        for lang in layers(base, language) {
            if let Some((origin, text)) = embedded(lang) {
                let mut m = BTreeMap::new();
                parse_into(&mut m, &origin, &text, diags);
                own.push((origin, m));
            }
            for dir in [&theme_dir, &site_dir] {
                let path = dir.join(format!("{lang}.yaml"));
                let Some(file) = read(&path) else {
                    continue;
                };
                match file {
                    Ok((origin, text)) => {
                        let mut m = BTreeMap::new();
                        parse_into(&mut m, &origin, &text, diags);
                        own.push((origin, m));
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        // English files of a theme or site change English strings too (for every language).
        let mut english_layers = english.map.clone();
        if base != FALLBACK {
            for dir in [&theme_dir, &site_dir] {
                let path = dir.join(format!("{FALLBACK}.yaml"));
                if let Some(Ok((origin, text))) = read(&path) {
                    parse_into(&mut english_layers, &origin, &text, diags);
                }
            }
        }
        map.extend(english_layers);
        for (origin, m) in &own {
            for (key, e) in m {
                if !english.map.contains_key(key) {
                    let d = Diagnostic::warning(
                        "unknown-translation-key",
                        format!("`{key}` is not a string the theme uses"),
                    )
                    .at_location(origin.clone(), crate::diagnostics::Location::at(e.line, 1));
                    diags.push(
                        match did_you_mean(key, english.map.keys().map(String::as_str)) {
                            Some(k) => d.with_help(format!("did you mean `{k}`?")),
                            None => d.with_help(
                                "the keys are those of glia's themes/default/i18n/en.yaml",
                            ),
                        },
                    );
                }
            }
            map.extend(m.iter().map(|(k, e)| (k.clone(), e.clone())));
        }
        if base != FALLBACK {
            if own.is_empty() {
                diags.push(
                    Diagnostic::warning(
                        "missing-translation",
                        format!("the theme has no strings in `{language}`: menus and labels are in English"),
                    )
                    .in_file(crate::config::FILE_NAME)
                    .with_help(format!(
                        "add i18n/{base}.yaml with the keys of glia's themes/default/i18n/en.yaml"
                    )),
                );
            } else {
                let translated: std::collections::BTreeSet<&str> = own
                    .iter()
                    .flat_map(|(_, m)| m.keys().map(String::as_str))
                    .collect();
                let last = own.last().map(|(o, _)| o.clone()).unwrap_or_default();
                for (key, e) in &english.map {
                    if !translated.contains(key.as_str()) {
                        diags.push(
                            Diagnostic::warning(
                                "missing-translation",
                                format!("no `{language}` text for `{key}`: it shows in English"),
                            )
                            .in_file(last.clone())
                            .with_help(format!(
                                "add `{key}: …` (English: \"{}\", {}:{})",
                                e.text, e.origin, e.line
                            )),
                        );
                    }
                }
            }
        }
        Strings {
            language: language.to_string(),
            map,
            dates: date::Spelt::default(),
        }
    }

    /// The language asked for, as written in `site.yaml`.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// The text of `key`; the key itself if no file has it (a theme's typo shows on the page
    /// rather than failing the build; templates get an error instead, see [`Strings::register`]).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, |e| e.text.as_str())
    }

    /// The text of `key` (or its `_one`/`_other` form, by `count`) with each `{name}` replaced by
    /// its value in `args`. `None` if no file has the key.
    pub fn format(&self, key: &str, count: Option<i64>, args: &[(&str, String)]) -> Option<String> {
        let entry = match count {
            Some(n) => {
                let form = if n == 1 { "_one" } else { "_other" };
                self.map
                    .get(&format!("{key}{form}"))
                    .or_else(|| self.map.get(key))
            }
            None => self.map.get(key),
        }?;
        Some(fill(&entry.text, count, args))
    }

    /// Makes the strings a template's `t(key="…", name=…)` function (plural forms chosen by
    /// `count=`) and its `date` filter (`{{ page.updated.iso | date }}`, or
    /// `date(form="month_year")`). An unknown key is a template error naming it, as an unknown
    /// variable is.
    pub fn register(self: &Arc<Self>, tera: &mut tera::Tera) {
        let strings = Arc::clone(self);
        tera.register_filter(
            "date",
            move |iso: &str, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
                let d: jiff::civil::Date = iso.trim().parse().map_err(|_| {
                    tera::Error::message(format!("`date` needs a YYYY-MM-DD date, not `{iso}`"))
                })?;
                match kwargs.get::<&str>("form")? {
                    None | Some("long") => Ok(date::long(d, &strings)),
                    Some("month_year") => Ok(date::month_year(d, &strings)),
                    Some(f) => Err(tera::Error::message(format!(
                        "`date` forms are `long` and `month_year`, not `{f}`"
                    ))),
                }
            },
        );
        let scripts = self.script_strings().unwrap_or_default();
        tera.register_function(
            "script_strings",
            move |_: tera::Kwargs, _: &tera::State| -> String { scripts.clone() },
        );
        let strings = Arc::clone(self);
        tera.register_function(
            "t",
            move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
                let key: &str = kwargs.must_get("key")?;
                let count: Option<i64> = kwargs.get("count")?;
                let mut args = Vec::new();
                for (k, v) in kwargs.iter() {
                    let name = k.to_string();
                    if name != "key" {
                        args.push((name, v.to_string()));
                    }
                }
                let args: Vec<(&str, String)> =
                    args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                strings.format(key, count, &args).ok_or_else(|| {
                    tera::Error::message(format!(
                        "no UI string `{key}` (the keys are those of themes/default/i18n/en.yaml)"
                    ))
                })
            },
        );
    }

    /// The strings `search.js` and `theme.js` show, as JSON for the page's `data-i18n`
    /// attribute; `None` when every one is the built-in English the scripts already hold, so
    /// an English site's pages carry nothing extra.
    pub fn script_strings(&self) -> Option<String> {
        let english = Self::english();
        let mut out = serde_json::Map::new();
        let mut differs = false;
        for key in SCRIPT_KEYS {
            let text = self.get(key);
            differs |= english.get(key) != text;
            out.insert((*key).to_string(), serde_json::Value::from(text));
        }
        differs.then(|| serde_json::Value::Object(out).to_string())
    }
}

/// The keys the theme's scripts read from `data-i18n` (their English is in the scripts too).
const SCRIPT_KEYS: &[&str] = &[
    "search.results_one",
    "search.results_other",
    "search.more_sections_one",
    "search.more_sections_other",
    "theme.use_dark",
    "theme.use_light",
];

/// `es-ES` → `es`; the primary language subtag, lower case.
pub fn base_language(language: &str) -> &str {
    language
        .split(['-', '_'])
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(FALLBACK)
}

/// The file names read for a language, general first: `es`, then `es-ES` if that is what the
/// site asked for.
fn layers<'a>(base: &'a str, language: &'a str) -> Vec<&'a str> {
    let mut v = vec![base];
    if !language.eq_ignore_ascii_case(base) && !language.is_empty() {
        v.push(language);
    }
    v
}

fn embedded(lang: &str) -> Option<(String, String)> {
    let file = DEFAULT_I18N.get_file(format!("{lang}.yaml"))?;
    Some((
        format!("themes/default/i18n/{lang}.yaml (built into glia)"),
        String::from_utf8_lossy(file.contents()).into_owned(),
    ))
}

/// Reads one strings file into `map` (later files win). Its shape errors are warnings placed
/// in the file: the build goes on with the strings beneath.
fn parse_into(
    map: &mut BTreeMap<String, Entry>,
    origin: &str,
    text: &str,
    diags: &mut Diagnostics,
) {
    let parsed: BTreeMap<String, serde_yaml::Value> = match serde_yaml::from_str(text) {
        Ok(Some(m)) => m,
        Ok(None) => return,
        Err(e) => {
            let d =
                Diagnostic::warning("translation-file", format!("cannot read the strings: {e}"));
            diags.push(match e.location() {
                Some(l) => d.at_location(
                    origin.to_string(),
                    crate::diagnostics::Location::at(l.line(), l.column()),
                ),
                None => d.in_file(origin.to_string()),
            });
            return;
        }
    };
    for (key, value) in parsed {
        let line = key_line(text, &key);
        let text = match value {
            serde_yaml::Value::String(s) => s,
            serde_yaml::Value::Number(n) => n.to_string(),
            serde_yaml::Value::Bool(b) => b.to_string(),
            _ => {
                diags.push(
                    Diagnostic::warning(
                        "translation-file",
                        format!("`{key}` must be one line of text"),
                    )
                    .at_location(
                        origin.to_string(),
                        crate::diagnostics::Location::at(line, 1),
                    )
                    .with_help("write `key: text`, quoted if the text has `: ` or starts with `{`"),
                );
                continue;
            }
        };
        map.insert(
            key,
            Entry {
                text,
                origin: origin.to_string(),
                line,
            },
        );
    }
}

/// The line (from 1) where `key:` starts a line; 1 if it is written some other way.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .or_else(|| l.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(1, |i| i + 1)
}

/// `text` with `{count}` and each `{name}` of `args` replaced; other braces stay.
fn fill(text: &str, count: Option<i64>, args: &[(&str, String)]) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    let mut out = text.to_string();
    if let Some(n) = count {
        out = out.replace("{count}", &n.to_string());
    }
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader of the test's files, as load's would read them.
    fn read(root: &Path) -> impl Fn(&Path) -> Option<Result<(String, String), Diagnostic>> + '_ {
        move |p: &Path| {
            let text = std::fs::read_to_string(p).ok()?;
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            Some(Ok((rel, text)))
        }
    }

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    #[test]
    fn spanish_is_complete() {
        let dir = site(&[]);
        let mut diags = Diagnostics::new();
        let s = Strings::load(dir.path(), "default", "es", &read(dir.path()), &mut diags);
        assert!(diags.is_empty(), "{:?}", diags.iter().collect::<Vec<_>>());
        assert_eq!(s.get("search.title"), "Buscar");
        assert_eq!(
            s.format("listing.articles", Some(1), &[]).as_deref(),
            Some("1 artículo")
        );
        assert_eq!(
            s.format("listing.articles", Some(3), &[]).as_deref(),
            Some("3 artículos")
        );
    }

    #[test]
    fn english_has_no_warnings_and_no_script_strings() {
        let dir = site(&[]);
        let mut diags = Diagnostics::new();
        let s = Strings::load(dir.path(), "default", "en", &read(dir.path()), &mut diags);
        assert!(diags.is_empty());
        assert_eq!(s.script_strings(), None);
        assert_eq!(
            s.format(
                "pager.page_of",
                None,
                &[("current", "2".into()), ("total", "9".into())]
            )
            .as_deref(),
            Some("Page 2 of 9")
        );
    }

    #[test]
    fn a_site_overrides_one_string_and_a_missing_key_falls_back_with_a_warning() {
        let dir = site(&[(
            "i18n/fr.yaml",
            "# partial\nsearch.title: Rechercher\nsearch.titel: typo\n",
        )]);
        let mut diags = Diagnostics::new();
        let s = Strings::load(dir.path(), "default", "fr", &read(dir.path()), &mut diags);
        assert_eq!(s.get("search.title"), "Rechercher");
        assert_eq!(s.get("search.button"), "Search");
        let all: Vec<_> = diags.iter().collect();
        let typo = all
            .iter()
            .find(|d| d.code == "unknown-translation-key")
            .expect("typo reported");
        assert_eq!(typo.position().as_deref(), Some("i18n/fr.yaml:3:1"));
        assert!(typo.help.as_deref().unwrap_or("").contains("search.title"));
        assert!(all
            .iter()
            .any(|d| d.code == "missing-translation" && d.message.contains("`search.button`")));
        assert!(!all
            .iter()
            .any(|d| d.code == "missing-translation" && d.message.contains("`search.title`")));
    }

    #[test]
    fn a_site_override_in_spanish_wins() {
        let dir = site(&[("i18n/es.yaml", "search.button: Ir\n")]);
        let mut diags = Diagnostics::new();
        let s = Strings::load(
            dir.path(),
            "default",
            "es-ES",
            &read(dir.path()),
            &mut diags,
        );
        assert!(diags.is_empty());
        assert_eq!(s.get("search.button"), "Ir");
        assert_eq!(s.get("search.title"), "Buscar");
        assert!(s.script_strings().unwrap().contains("resultados"));
    }

    #[test]
    fn a_language_without_strings_is_one_warning() {
        let dir = site(&[]);
        let mut diags = Diagnostics::new();
        let s = Strings::load(dir.path(), "default", "de", &read(dir.path()), &mut diags);
        assert_eq!(diags.iter().count(), 1);
        assert_eq!(s.get("search.title"), "Search");
    }

    #[test]
    fn every_language_file_has_every_key() {
        let en = Strings::english();
        for file in DEFAULT_I18N.files() {
            let name = file.path().to_string_lossy();
            let lang = name.trim_end_matches(".yaml");
            let mut diags = Diagnostics::new();
            let mut m = BTreeMap::new();
            parse_into(
                &mut m,
                &name,
                &String::from_utf8_lossy(file.contents()),
                &mut diags,
            );
            assert!(diags.is_empty(), "{name}");
            let missing: Vec<_> = en.map.keys().filter(|k| !m.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            let extra: Vec<_> = m.keys().filter(|k| !en.map.contains_key(*k)).collect();
            assert!(extra.is_empty(), "{lang} has unknown {extra:?}");
        }
    }
}
