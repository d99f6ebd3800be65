//! A site in two languages (issue 21): translations beside their originals (`a.es.md`), the
//! default language at the root and Spanish under `/es/`, each page naming its versions (the
//! switcher, `hreflang`, sitemap alternates), a page with no translation leading to the other
//! language's home page, glossary, search and feeds per language, and `glia check` comparing a
//! translation with its original.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use common::*;

const SITE: &str = "title: Network\ndescription: Test site\nbase_url: https://example.org/\n\
language: en\nlanguages:\n  es:\n    title: Red\n    description: Sitio de prueba\n";

fn two_languages(extra: &[(&str, &str)]) -> Fixture {
    let mut files = vec![
        ("site.yaml", SITE),
        ("content/references/refs.yaml", ONE_WORK),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/_index.es.md",
            "---\ntitle: Inicio\n---\nBienvenida.\n",
        ),
        (
            "content/articles/_index.md",
            "---\ntitle: Articles\n---\nAll.\n",
        ),
        (
            "content/articles/_index.es.md",
            "---\ntitle: Artículos\n---\nTodos.\n",
        ),
        (
            "content/articles/ketamine.md",
            "---\ntitle: Ketamine therapy\ndate: 2026-11-01\nupdated: 2026-11-20\n---\n\
             Ketamine can help [@work1]. See [TMS](tms.md).\n\n## Safety\n\nIt is watched.\n",
        ),
        (
            "content/articles/ketamine.es.md",
            "---\ntitle: Terapia con ketamina\nslug: terapia-con-ketamina\ndate: 2026-11-01\n\
             updated: 2026-11-20\n---\nLa ketamina puede ayudar [@work1]. Vea [la EMT](tms.md) y \
             [la seguridad](#seguridad).\n\n## Seguridad\n\nSe vigila.\n",
        ),
        (
            "content/articles/tms.md",
            "---\ntitle: TMS\ndate: 2026-11-02\n---\nMagnetic stimulation. Ketamine is \
             different.\n",
        ),
        (
            "content/glossary/ketamine.md",
            "---\nterm: ketamine\nshort: An anaesthetic medicine.\n---\nA medicine.\n",
        ),
        (
            "content/glossary/ketamine.es.md",
            "---\nterm: ketamina\nshort: Un medicamento anestésico.\n---\nUn medicamento.\n",
        ),
    ];
    files.extend_from_slice(extra);
    Fixture::new(&files)
}

fn hreflangs(doc: &scraper::Html) -> Vec<(String, String)> {
    select(doc, "link[rel=alternate][hreflang]")
        .iter()
        .map(|l| (attr(l, "hreflang"), attr(l, "href")))
        .collect()
}

fn switcher(doc: &scraper::Html) -> Vec<(String, String)> {
    select(doc, ".language-switcher a")
        .iter()
        .map(|a| (text_of(a), attr(a, "href")))
        .collect()
}

#[test]
fn each_language_is_published_in_its_folder_in_its_own_words() {
    let fx = two_languages(&[]);
    let out = fx.build_ok();
    let es = out.html("es/articles/terapia-con-ketamina/index.html");
    assert_eq!(attr(&one(&es, "html"), "lang"), "es");
    assert_eq!(text_of(&one(&es, ".site-title")), "Red");
    assert_eq!(text_of(&one(&es, ".skip-link")), "Saltar al contenido");
    assert_eq!(text_of(&one(&es, "#reference-list-title")), "Referencias");
    // The theme's files are the language folder's own, so it works alone (and from disk).
    let css = attr(&one(&es, "link[rel=stylesheet]"), "href");
    assert_eq!(css, "../../css/site.css");
    assert!(out.exists("es/css/site.css"));
    // One robots.txt and one _redirects, at the root, where hosts read them.
    assert!(!out.exists("es/robots.txt"));
    let robots = out.text("robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.org/sitemap.xml\n"),
        "{robots}"
    );
    assert!(
        robots.contains("Sitemap: https://example.org/es/sitemap.xml\n"),
        "{robots}"
    );
    // The English site is as it was: no Spanish page in its listings.
    let en_list = out.html("articles/index.html");
    assert!(!text_of(&one(&en_list, "main")).contains("Terapia"));
}

#[test]
fn a_page_names_its_versions_and_leads_to_the_other_home_when_it_has_none() {
    let fx = two_languages(&[]);
    let out = fx.build_ok();
    let en = out.html("articles/ketamine/index.html");
    let es = out.html("es/articles/terapia-con-ketamina/index.html");
    let alternates = vec![
        (
            "en".to_string(),
            "https://example.org/articles/ketamine/".to_string(),
        ),
        (
            "x-default".into(),
            "https://example.org/articles/ketamine/".into(),
        ),
        (
            "es".into(),
            "https://example.org/es/articles/terapia-con-ketamina/".into(),
        ),
    ];
    assert_eq!(hreflangs(&en), alternates);
    assert_eq!(hreflangs(&es), alternates);
    assert_eq!(
        switcher(&en),
        vec![
            ("English".to_string(), "./".to_string()),
            (
                "Español".into(),
                "../../es/articles/terapia-con-ketamina/".into()
            ),
        ]
    );
    assert_eq!(
        switcher(&es),
        vec![
            (
                "English".to_string(),
                "../../../articles/ketamine/".to_string()
            ),
            ("Español".into(), "./".into()),
        ]
    );
    assert_eq!(
        attr(&one(&es, ".language-switcher a[aria-current]"), "lang"),
        "es"
    );
    // No Spanish TMS page: the switcher leads to the Spanish home page, and there are no
    // alternates to name.
    let tms = out.html("articles/tms/index.html");
    assert!(hreflangs(&tms).is_empty());
    let (name, href) = switcher(&tms)[1].clone();
    assert_eq!((name.as_str(), href.as_str()), ("Español", "../../es/"));
    assert!(attr(&one(&tms, ".language-switcher a[lang=es]"), "title").contains("Español"));
    // Every switcher link leads to a page that exists.
    for page in out.html_files() {
        let doc = out.html(&page);
        for (_, href) in switcher(&doc) {
            if page == "404.html" || page == "es/404.html" {
                continue; // absolute from the site's root
            }
            let dir = std::path::Path::new(&page)
                .parent()
                .unwrap_or(std::path::Path::new(""));
            let target = dir.join(&href).join("index.html");
            let mut parts: Vec<String> = Vec::new();
            for c in target.components() {
                match c {
                    std::path::Component::ParentDir => {
                        parts.pop();
                    }
                    std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into()),
                    _ => {}
                }
            }
            let target = parts.join("/");
            assert!(
                out.exists(&target),
                "{page}: switcher link {href} → {target}"
            );
        }
    }
}

#[test]
fn links_stay_in_the_language_or_fall_back_to_the_original() {
    let fx = two_languages(&[]);
    let out = fx.build_ok();
    let es = out.html("es/articles/terapia-con-ketamina/index.html");
    let hrefs: Vec<String> = select(&es, "main a")
        .iter()
        .map(|a| attr(a, "href"))
        .collect();
    // tms.md has no translation: the English page.
    assert!(
        hrefs.contains(&"../../../articles/tms/".to_string()),
        "{hrefs:?}"
    );
    assert!(hrefs.contains(&"#seguridad".to_string()), "{hrefs:?}");
    // The glossary is the language's own: Spanish terms on Spanish pages.
    let es_glossary = text_of(&one(&out.html("es/glossary/index.html"), "main"));
    assert!(es_glossary.contains("ketamina"), "{es_glossary}");
    assert!(!es_glossary.contains("anaesthetic"), "{es_glossary}");
    let en_glossary = text_of(&one(&out.html("glossary/index.html"), "main"));
    assert!(!en_glossary.contains("ketamina"), "{en_glossary}");
    let term = one(&es, "main a.gloss-term");
    // A term's page is named by its file, as in the default language; the two are versions
    // of each other, like pages.
    assert_eq!(attr(&term, "href"), "../../glossary/ketamine/");
    let es_term = out.html("es/glossary/ketamine/index.html");
    assert_eq!(text_of(&one(&es_term, "h1")), "ketamina");
    assert_eq!(switcher(&es_term)[0].1, "../../../glossary/ketamine/");
}

#[test]
fn sitemaps_feeds_and_search_per_language() {
    let fx = two_languages(&[]);
    let out = fx.build_ok();
    let sitemap = out.text("sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    let entry = sitemap
        .split("<url>")
        .find(|u| u.contains("<loc>https://example.org/articles/ketamine/</loc>"))
        .expect("the article is in the sitemap");
    assert!(entry.contains("<xhtml:link rel=\"alternate\" hreflang=\"es\" href=\"https://example.org/es/articles/terapia-con-ketamina/\"/>"), "{entry}");
    assert!(entry.contains("hreflang=\"en\" href=\"https://example.org/articles/ketamine/\""));
    let tms = sitemap
        .split("<url>")
        .find(|u| u.contains("/articles/tms/"))
        .expect("tms in the sitemap");
    assert!(!tms.contains("xhtml:link"), "{tms}");
    let es_sitemap = out.text("es/sitemap.xml");
    assert!(es_sitemap.contains("<loc>https://example.org/es/articles/terapia-con-ketamina/</loc>"));
    assert!(!es_sitemap.contains("<loc>https://example.org/articles/"));
    // Feeds: each language's articles, in its language.
    let feed = out.text("es/atom.xml");
    assert!(feed.contains("xml:lang=\"es\""), "{feed}");
    assert!(feed.contains("Terapia con ketamina"));
    assert!(!feed.contains("<title>TMS</title>"));
    assert!(!out.text("atom.xml").contains("Terapia"));
    // Search: an index per language, the Spanish one holding only Spanish pages.
    let es_search: String = out
        .files()
        .into_iter()
        .filter(|f| f.starts_with("es/search-index"))
        .map(|f| out.text(&f))
        .collect();
    assert!(
        es_search.contains("terapia-con-ketamina"),
        "Spanish pages are indexed"
    );
    assert!(
        !es_search.contains("articles/tms/"),
        "English pages are not"
    );
}

#[test]
fn an_offline_copy_links_between_languages_on_disk() {
    let fx = two_languages(&[]);
    let mut opts = fx.options();
    opts.offline = true;
    expect_ok(glia::site::build(&opts));
    let out = fx.out();
    let en = out.html("articles/ketamine/index.html");
    assert_eq!(
        switcher(&en)[1].1,
        "../../es/articles/terapia-con-ketamina/index.html"
    );
}

#[test]
fn a_site_in_one_language_shows_no_languages() {
    let fx = Fixture::new(&[
        (
            "site.yaml",
            "title: Network\nbase_url: https://example.org/\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/articles/a.md",
            "---\ntitle: A\ndate: 2026-11-01\n---\nText.\n",
        ),
        // Not a translation: `es` is not one of the site's languages.
        (
            "content/articles/b.es.md",
            "---\ntitle: B\ndate: 2026-11-01\n---\nText.\n",
        ),
    ]);
    let out = fx.build_ok();
    let a = out.html("articles/a/index.html");
    assert!(select(&a, ".language-switcher").is_empty());
    assert!(hreflangs(&a).is_empty());
    assert!(!out.text("sitemap.xml").contains("xhtml"));
    assert!(!out.exists("es/index.html"));
    assert!(out.exists("articles/b.es/index.html"));
}

#[test]
fn bad_languages_are_errors_in_site_yaml() {
    for (yaml, code) in [
        ("languages:\n  ES:\n    title: Red\n", "ES"),
        ("languages:\n  en:\n    title: Red\n", "en"),
    ] {
        let fx = Fixture::new(&[
            (
                "site.yaml",
                &format!("title: Network\nlanguage: en\n{yaml}"),
            ),
            ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        ]);
        let diags = fx.build().expect_err("a bad language code");
        let text = render_diags(&diags);
        assert!(text.contains("site.yaml:4:3"), "{text}");
        assert!(text.contains(&format!("`{code}`")), "{text}");
    }
    // A folder of the default language where another language is published.
    let fx = two_languages(&[("content/es/about.md", "---\ntitle: About\n---\nText.\n")]);
    let text = render_diags(&fx.build().expect_err("content/es/ collides"));
    assert!(text.contains("output-collision"), "{text}");
}

#[test]
fn check_compares_a_translation_with_its_original() {
    let fx = two_languages(&[(
        "content/articles/tms.es.md",
        "---\ntitle: EMT\ndate: 2026-11-01\n---\nEstimulación magnética [@work1].\n",
    )]);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(["check", "--root"])
        .arg(fx.root())
        .output()
        .expect("run glia check");
    let err = stderr(&o) + &stdout(&o);
    assert!(
        err.contains("warning[stale-translation]: content/articles/tms.es.md:3:1"),
        "{err}"
    );
    assert!(
        err.contains("note[translation-citations]: content/articles/tms.es.md"),
        "{err}"
    );
    assert!(
        err.contains("cites `work1` that the original does not"),
        "{err}"
    );
    assert!(
        !err.contains("translation]: content/articles/ketamine.es.md")
            && !err.contains("citations]: content/articles/ketamine.es.md"),
        "an up-to-date translation: {err}"
    );
}

#[test]
fn the_crisis_box_and_metadata_speak_the_pages_language() {
    let site = format!(
        "{SITE}    crisis:\n      text: Llame al 024.\n      links:\n        - {{text: \"024\", url: \"tel:024\"}}\n\
         crisis:\n  text: Call 988.\n  links:\n    - {{text: \"988\", url: \"tel:988\"}}\n"
    );
    let fx = two_languages(&[
        ("site.yaml", site.as_str()),
        (
            "content/articles/tms.md",
            "---\ntitle: TMS\ndate: 2026-11-02\ncrisis: true\naudience: [patients]\n---\nText.\n",
        ),
        (
            "content/articles/tms.es.md",
            "---\ntitle: EMT\ndate: 2026-11-02\ncrisis: true\naudience: [patients]\n---\nTexto.\n",
        ),
    ]);
    let out = fx.build_ok();
    let en = out.html("articles/tms/index.html");
    assert_eq!(
        text_of(&one(&en, ".crisis-box .callout-title")),
        "Need help now?"
    );
    assert!(text_of(&one(&en, ".crisis-box")).contains("Call 988."));
    let es = out.html("es/articles/tms/index.html");
    assert_eq!(
        text_of(&one(&es, ".crisis-box .callout-title")),
        "¿Necesita ayuda ahora?"
    );
    assert!(text_of(&one(&es, ".crisis-box")).contains("Llame al 024."));
    let ld = one(&es, "script[type='application/ld+json']").inner_html();
    assert!(ld.contains("\"audienceType\":\"Pacientes\""), "{ld}");
    assert!(ld.contains("\"inLanguage\":\"es\""), "{ld}");
}

#[test]
fn a_translation_of_a_draft_is_a_draft() {
    let fx = two_languages(&[
        (
            "content/articles/held.md",
            "---\ntitle: Held back\ndate: 2026-11-01\ndraft: true\n---\nNot yet.\n",
        ),
        (
            "content/articles/held.es.md",
            "---\ntitle: Retenido\ndate: 2026-11-01\n---\nTodavía no.\n",
        ),
    ]);
    let out = fx.build_ok();
    assert!(!out.exists("es/articles/held/index.html"));
    assert!(!out.text("es/sitemap.xml").contains("held"));
    assert!(!out.text("es/atom.xml").contains("Retenido"));
    let out = fx.build_drafts_ok();
    assert!(out.exists("es/articles/held/index.html"));
}

#[test]
fn a_translations_links_to_untranslated_pages_are_checked_there() {
    let fx = two_languages(&[
        (
            "content/articles/b.md",
            "---\ntitle: B\ndate: 2026-11-01\n---\n## Dosing\n\nText.\n",
        ),
        (
            "content/articles/held.md",
            "---\ntitle: Held\ndate: 2026-11-01\ndraft: true\n---\nText.\n",
        ),
        ("content/faq/_index.md", "---\ntitle: FAQ\n---\nQuestions.\n"),
        (
            "content/articles/solo.es.md",
            "---\ntitle: Solo\ndate: 2026-11-01\n---\n[Dosis](b.md#dosing), [preguntas](../faq/) y \
             [el glosario](../glossary/_index.md#ketamine).\n",
        ),
    ]);
    let out = fx.build_ok();
    let solo = out.html("es/articles/solo/index.html");
    let hrefs: Vec<String> = select(&solo, "main .prose a")
        .iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert!(
        hrefs.contains(&"../../../articles/b/#dosing".to_string()),
        "{hrefs:?}"
    );
    assert!(hrefs.contains(&"../../../faq/".to_string()), "{hrefs:?}");
    // The Spanish glossary has the term: a link within the language.
    assert!(
        hrefs.contains(&"../../glossary/ketamine/".to_string()),
        "{hrefs:?}"
    );
    // A wrong anchor and a draft are the errors they are in the default language.
    fx.write(
        "content/articles/solo.es.md",
        "---\ntitle: Solo\ndate: 2026-11-01\n---\n[Dosis](b.md#dosis) y [retenido](held.md).\n",
    );
    let text = render_diags(&fx.build().expect_err("a broken anchor and a draft"));
    assert!(text.contains("broken-anchor"), "{text}");
    assert!(text.contains("did you mean #dosing?"), "{text}");
    assert!(text.contains("link-to-draft"), "{text}");
}

#[test]
fn a_translation_of_a_page_with_the_crisis_box_shows_it() {
    let site = format!("{SITE}crisis:\n  text: Call 988.\ncrisis_tags: [suicide]\n");
    let fx = two_languages(&[
        ("site.yaml", site.as_str()),
        (
            "content/articles/s.md",
            "---\ntitle: S\ndate: 2026-11-01\ntags: [suicide]\n---\nText.\n",
        ),
        (
            "content/articles/s.es.md",
            "---\ntitle: S\ndate: 2026-11-01\ntags: [suicidio]\n---\nTexto.\n",
        ),
    ]);
    let out = fx.build_ok();
    assert!(!select(&out.html("es/articles/s/index.html"), ".crisis-box").is_empty());
}

#[test]
fn the_404_pages_and_untranslated_pages_switch_to_homes() {
    let fx = two_languages(&[]);
    let out = fx.build_ok();
    for page in ["404.html", "es/404.html"] {
        let doc = out.html(page);
        assert!(hreflangs(&doc).is_empty(), "{page}");
        let hrefs: Vec<String> = switcher(&doc).into_iter().map(|(_, h)| h).collect();
        assert_eq!(
            hrefs,
            ["https://example.org/", "https://example.org/es/"],
            "{page}"
        );
    }
    // An untranslated page's own language leads to the page itself.
    let tms = out.html("articles/tms/index.html");
    assert_eq!(switcher(&tms)[0].1, "./");
}

#[test]
fn check_reports_a_bibliography_problem_once_whatever_the_languages() {
    let fx = two_languages(&[(
        "content/references/more.bib",
        "@article{broken,\n  title = {Unclosed},\n  year = 2020,\n",
    )]);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(["check", "--root"])
        .arg(fx.root())
        .output()
        .expect("run glia check");
    let all = stderr(&o) + &stdout(&o);
    let errors = all.matches("error[").count();
    assert!(errors >= 1, "{all}");
    assert!(all.contains(&format!("{errors} error")), "{all}");
}

#[test]
fn a_translations_aliases_are_under_its_folder_in_its_language() {
    let fx = two_languages(&[(
        "content/articles/tms.es.md",
        "---\ntitle: EMT\ndate: 2026-11-02\naliases: [/viejo/]\n---\nTexto.\n",
    )]);
    let out = fx.build_ok();
    let moved = out.text("es/viejo/index.html");
    assert!(moved.contains("<html lang=\"es\">"), "{moved}");
    assert!(
        moved.contains("Esta página se ha trasladado a <a href=\"../articles/tms/\">EMT</a>."),
        "{moved}"
    );
    // One _redirects at the root, where hosts read it: the translation's old address, and
    // each language's own 404 page for its folder.
    assert!(!out.exists("es/_redirects"));
    assert_eq!(
        out.text("_redirects"),
        "/es/viejo/ /es/articles/tms/ 301\n/es/* /es/404.html 404\n"
    );
}
