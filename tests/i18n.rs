//! A site in another language (issue 21): the theme's words, dates and search in the site's
//! `language`, a site's own strings over the theme's, English where a string is missing (with
//! a warning), and nothing extra on an English site.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::process::Command;

use common::*;

const ARTICLE_ES: &str = "---\n\
title: La terapia con ketamina\n\
summary: Qué es y cómo se usa.\n\
date: 2026-11-27\n\
tags: [ketamina]\n\
---\n\
La ketamina se usa en la depresión resistente. Las depresiones graves mejoran a veces en \
horas.\n";

fn spanish_site(extra: &[(&str, &str)]) -> Fixture {
    let mut files = vec![
        (
            "site.yaml",
            "title: Red\ndescription: Sitio de prueba\nbase_url: https://example.org/\nlanguage: es\n",
        ),
        ("content/_index.md", "---\ntitle: Inicio\n---\nBienvenida.\n"),
        (
            "content/articles/_index.md",
            "---\ntitle: Artículos\n---\nTodos.\n",
        ),
        ("content/articles/ketamina.md", ARTICLE_ES),
    ];
    files.extend_from_slice(extra);
    Fixture::new(&files)
}

#[test]
fn a_spanish_site_shows_the_theme_in_spanish() {
    let fx = spanish_site(&[
        ("content/references/refs.yaml", ONE_WORK),
        (
            "content/articles/caja.md",
            "---\ntitle: Caja\n---\n> [!WARNING]\n> No conduzca hoy.\n\nUna nota[^a].\n\n[^a]: La nota.\n",
        ),
        (
            "content/articles/citada.md",
            "---\ntitle: Citada\naudience: [patients]\nupdated: 2026-03-02\n---\nUn estudio [@work1].\n",
        ),
    ]);
    let out = fx.build_ok();
    // What render writes itself: the reference list, the menu, the readers' badges, dates.
    let cited = out.html("articles/citada/index.html");
    assert_eq!(
        text_of(&one(&cited, "#reference-list-title")),
        "Referencias"
    );
    assert!(
        text_of(&one(&cited, ".reference-list")).contains("Disponible en"),
        "{}",
        text_of(&one(&cited, ".reference-list"))
    );
    assert!(select(&cited, "nav[aria-label=Principal] a")
        .iter()
        .any(|a| text_of(a) == "Referencias"));
    assert_eq!(text_of(&one(&cited, ".badge-patients")), "Pacientes");
    assert!(text_of(&one(&cited, ".article-header .meta"))
        .contains("Actualizado el 2 de marzo de 2026"));
    // What parse adds to the prose: a callout's title, the footnotes' labels.
    let boxed = out.html("articles/caja/index.html");
    assert_eq!(
        text_of(&one(&boxed, ".callout-warning .callout-title")),
        "Advertencia"
    );
    assert_eq!(
        attr(&one(&boxed, "section.footnotes"), "aria-label"),
        "Notas"
    );
    assert_eq!(
        attr(&one(&boxed, ".footnote-back"), "aria-label"),
        "Volver a la referencia 1"
    );
    let audience = out.html("audiences/patients/index.html");
    assert_eq!(text_of(&one(&audience, "h1")), "Para pacientes");
    let doc = out.html("articles/ketamina/index.html");
    assert_eq!(attr(&one(&doc, "html"), "lang"), "es");
    assert_eq!(text_of(&one(&doc, ".skip-link")), "Saltar al contenido");
    assert_eq!(
        text_of(&one(&doc, "label[for=site-search-q]")),
        "Buscar en este sitio"
    );
    assert_eq!(
        attr(&one(&doc, "#site-search-q"), "placeholder"),
        "Buscar (pulse /)"
    );
    let meta = text_of(&one(&doc, ".article-header .meta"));
    assert!(
        meta.contains("Publicado el 27 de noviembre de 2026"),
        "{meta}"
    );
    assert!(meta.contains("min de lectura"), "{meta}");
    assert_eq!(
        text_of(&one(&doc, ".tags .label")),
        "Temas:",
        "topics label"
    );
    // The scripts' words travel in data-i18n, as JSON.
    let ui: serde_json::Value =
        serde_json::from_str(&attr(&one(&doc, "html"), "data-i18n")).unwrap();
    assert_eq!(ui["theme.use_dark"], "Usar tema oscuro");
    assert_eq!(
        ui["search.results_other"],
        "{count} resultados para {query}"
    );
    // Pages render writes itself are in Spanish too.
    let search = out.html("search/index.html");
    assert_eq!(text_of(&one(&search, "h1")), "Buscar");
    let topics = out.html("tags/index.html");
    assert_eq!(text_of(&one(&topics, "h1")), "Temas");
    assert!(
        text_of(&one(&topics, ".tag-cloud .count")).contains("1 artículo"),
        "{}",
        text_of(&one(&topics, ".tag-cloud .count"))
    );
    let tag = out.html("tags/ketamina/index.html");
    assert_eq!(text_of(&one(&tag, "h1")), "Tema: ketamina");
    let missing = out.html("404.html");
    assert_eq!(text_of(&one(&missing, "h1")), "Página no encontrada");
}

#[test]
fn an_english_site_carries_no_script_strings() {
    let fx = Fixture::new(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
    ]);
    let out = fx.build_ok();
    let doc = out.html("index.html");
    assert!(select(&doc, "html[data-i18n]").is_empty());
    assert_eq!(text_of(&one(&doc, ".skip-link")), "Skip to content");
}

#[test]
fn a_site_changes_one_string_and_a_missing_one_falls_back_to_english_with_a_warning() {
    let fx = spanish_site(&[
        // The site's own word for the search button; one key misspelt.
        ("i18n/es.yaml", "search.button: Ir\nsearch.buton: Ir\n"),
    ]);
    let report = expect_ok(fx.build());
    let codes: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.position().unwrap_or_default()))
        .collect();
    assert_eq!(
        codes,
        ["unknown-translation-key i18n/es.yaml:2:1"],
        "{codes:?}"
    );
    let out = fx.out();
    let search = out.html("search/index.html");
    assert_eq!(text_of(&one(&search, "button[type=submit]")), "Ir");

    // A language the theme has no file for: English, with one warning for the language and
    // one per string a partial file leaves out.
    let fx = Fixture::new(&[
        (
            "site.yaml",
            "title: Site\ndescription: Test\nbase_url: https://example.org/\nlanguage: fr\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: Accueil\n---\nBienvenue.\n",
        ),
        ("i18n/fr.yaml", "skip_to_content: Aller au contenu\n"),
    ]);
    let report = expect_ok(fx.build());
    let missing: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "missing-translation")
        .collect();
    assert!(missing.len() > 50, "{}", missing.len());
    assert!(missing
        .iter()
        .all(|d| d.file.as_deref() == Some("i18n/fr.yaml")));
    assert!(missing.iter().any(|d| d.message.contains("`search.title`")));
    let out = fx.out();
    let doc = out.html("index.html");
    assert_eq!(text_of(&one(&doc, ".skip-link")), "Aller au contenu");
    assert_eq!(
        text_of(&one(&doc, "label[for=site-search-q]")),
        "Search this site"
    );
}

#[test]
fn glia_check_warns_about_a_missing_translation() {
    let fx = spanish_site(&[]);
    // The site's Spanish file has a key the theme does not use.
    fx.write("i18n/es.yaml", "# mis palabras\nsearch.titel: Buscar\n");
    let out = Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(["check", "--root"])
        .arg(fx.root())
        .output()
        .unwrap();
    let text = stdout(&out) + &stderr(&out);
    assert!(
        text.contains("unknown-translation-key") && text.contains("i18n/es.yaml:2:1"),
        "{text}"
    );
    assert!(text.contains("did you mean `search.title`?"), "{text}");
}

#[test]
fn the_spanish_index_stems_and_folds_accents() {
    let fx = spanish_site(&[]);
    let out = fx.build_ok();
    let mut words = String::new();
    for f in out.files() {
        if f.starts_with("search-index/t") {
            words.push_str(&out.text(&f));
        }
    }
    // "depresión" and "depresiones" are one stem, without the accent; stop words are left out.
    assert!(words.contains("\"depresion\""), "{words}");
    assert!(!words.contains("depresiones"), "{words}");
    assert!(!words.contains("\"las\""), "{words}");
}

#[test]
#[ignore = "needs node"]
fn the_themes_search_finds_spanish_words_with_or_without_accents() {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "node not found ({node:?})\nhint: apt-get install -y nodejs"
    );
    let fx = spanish_site(&[]);
    let out = fx.build_ok();
    let o = Command::new("node")
        .arg(repo_root().join("scripts/search-bytes.mjs"))
        .arg(fx.output())
        .args([
            "depresion",
            "depresión",
            "depresiones",
            "mejorar",
            "ketamina",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let _ = out;
    let results: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for r in &results {
        assert!(r["results"].as_u64().unwrap() >= 1, "no result: {r}");
    }
    // The match is marked in the snippet even when typed without its accent.
    let snippet = results[0]["snippets"][0].as_str().unwrap();
    assert!(snippet.contains("<mark>depresión</mark>"), "{snippet}");
}

/// `glia check --format json` on `fx`: one value per diagnostic.
fn check_json(fx: &Fixture) -> Vec<serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(["check", "--format", "json", "--root"])
        .arg(fx.root())
        .output()
        .unwrap();
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn spanish_pages_for_patients_are_measured_with_inflesz() {
    let dense = "---\ntitle: Metodologías\naudience: [patients]\n---\n\n\
        Las metodologías psiquiátricas intervencionistas contemporáneas requieren evaluaciones \
        multidisciplinarias exhaustivas, optimizaciones farmacológicas individualizadas y \
        vigilancias neurocognitivas longitudinales sistemáticamente documentadas.\n";
    let plain = "---\ntitle: La ketamina\naudience: [patients]\n---\n\n\
        La ketamina es un medicamento. Se usa para la depresión. Le ayuda a sentirse mejor. \
        Un médico la vigila a su lado.\n";
    let fx = spanish_site(&[
        ("content/articles/densa.md", dense),
        ("content/articles/sencilla.md", plain),
    ]);
    let found: Vec<(String, String)> = check_json(&fx)
        .iter()
        .filter(|d| d["code"] == "readability")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "content/articles/densa.md");
    assert!(found[0].1.starts_with("INFLESZ score "), "{}", found[0].1);
    assert!(found[0].1.contains("Fernández-Huerta"), "{}", found[0].1);

    // The limit is the site's: a low enough one accepts the dense page too.
    fx.write(
        "site.yaml",
        "title: Red\ndescription: Sitio\nbase_url: https://example.org/\nlanguage: es\n\
         readability:\n  min_inflesz: -1000\n",
    );
    assert!(!check_json(&fx).iter().any(|d| d["code"] == "readability"));
}

#[test]
fn a_topics_feed_is_titled_in_the_sites_language() {
    let fx = spanish_site(&[(
        "content/articles/animo.md",
        "---\ntitle: Ánimo\ntags: [depresión]\n---\nUn texto.\n",
    )]);
    let out = fx.build_ok();
    // The topic's page and its feed name it with the same words.
    let page = out.html("tags/depresión/index.html");
    assert_eq!(text_of(&one(&page, "h1")), "Tema: depresión");
    let feed = out.text("tags/depresión/atom.xml");
    assert!(
        feed.contains("<title>Tema: depresión — Red</title>"),
        "{feed}"
    );
}
