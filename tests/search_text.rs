//! What search finds and shows (issue 20, point 12): British and American medical spellings
//! meet in the index and in the query, and result snippets read as prose: no space left where
//! a citation was taken out, never a word cut in half, the matched word shown.
//!
//! The index is read from a built fixture site. The last test runs the theme's own
//! `js/search.js` under node against it (`scripts/search-bytes.mjs`), so the JavaScript's
//! folding is checked against the index the Rust wrote; it is ignored by default:
//!
//! ```sh
//! cargo test --test search_text -- --include-ignored
//! ```

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::process::Command;

use common::*;
use glia::render::search::tokens;

/// Filler that pushes a word past the first 180 characters of its section.
const FILLER: &str = "Patients and families often ask many questions before a first appointment, \
and the team answers each of them in plain words so that everyone knows what happens next on \
the day and afterwards at home with support from the clinic staff.";

fn site() -> Fixture {
    let article = format!(
        "---\ntitle: Care on the ward\n---\n\
         General anaesthesia is given during treatment [@work1]. The team watches for oedema \
         of the oesophagus and records behaviour in randomised trials.\n\n\
         ## Later\n\n{FILLER} Rarely a haemorrhage needs a surgeon.\n"
    );
    Fixture::new(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/articles/_index.md",
            "---\ntitle: Articles\n---\nAll articles.\n",
        ),
        ("content/references/refs.yaml", ONE_WORK),
        ("content/articles/ward.md", &article),
    ])
}

/// The words of every term shard of the index.
fn index_words(out: &Out) -> Vec<String> {
    let mut words = Vec::new();
    for f in out.files() {
        if !(f.starts_with("search-index/t") && f.ends_with(".js")) {
            continue;
        }
        let js = out.text(&f);
        let body = js
            .split_once("]={")
            .and_then(|(_, b)| b.strip_suffix("};\n"))
            .unwrap_or_else(|| panic!("{f} is not a term shard: {js}"));
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&format!("{{{body}}}")).unwrap();
        words.extend(map.keys().cloned());
    }
    words
}

/// Every section row's text, from the snippet shards.
fn snippet_texts(out: &Out) -> Vec<String> {
    let mut texts = Vec::new();
    for f in out.files() {
        if !(f.starts_with("search-index/d") && f.ends_with(".js")) {
            continue;
        }
        let js = out.text(&f);
        let body = js
            .split_once("]=")
            .and_then(|(_, b)| b.strip_suffix(";\n"))
            .unwrap();
        let groups: serde_json::Value = serde_json::from_str(body).unwrap();
        for g in groups.as_array().unwrap() {
            for row in g[1].as_array().unwrap() {
                texts.push(row[2].as_str().unwrap().to_string());
            }
        }
    }
    texts
}

#[test]
fn american_spellings_find_british_ones_in_the_index() {
    let fx = site();
    let out = fx.build_ok();
    let words = index_words(&out);
    for query in [
        "anesthesia",
        "edema",
        "esophagus",
        "behavior",
        "randomized",
        "hemorrhage",
    ] {
        let key: Vec<String> = tokens(glia::i18n::text::SearchLanguage::English, query).collect();
        assert!(
            words.contains(&key[0]),
            "\"{query}\" ({key:?}) is not in the index: {words:?}"
        );
    }
}

#[test]
fn snippets_have_no_space_where_a_citation_was() {
    let fx = site();
    let out = fx.build_ok();
    let texts = snippet_texts(&out);
    let first = texts
        .iter()
        .find(|t| t.contains("anaesthesia"))
        .unwrap_or_else(|| panic!("no snippet text with the first section: {texts:?}"));
    assert!(
        first.contains("during treatment. The team"),
        "stray space left by the citation: {first:?}"
    );
}

/// Search reads a page's prose as `parse::prose` gives it: code spans and image descriptions
/// are words a reader searches for, TeX source is not.
#[test]
fn code_and_image_descriptions_are_searched_but_not_tex() {
    let fx = site();
    fx.write(
        "content/articles/coil.md",
        "---\ntitle: The coil\n---\nGive `esketamine` first. ![A magnetic coil over the scalp]\
         (https://example.org/coil.png) Halve it: $\\frac{1}{2}$ of the dose.\n",
    );
    let out = fx.build_ok();
    let words = index_words(&out);
    let key = |w: &str| {
        tokens(glia::i18n::text::SearchLanguage::English, w)
            .next()
            .unwrap()
    };
    for w in ["esketamine", "magnetic", "scalp"] {
        assert!(words.contains(&key(w)), "\"{w}\" is not in the index");
    }
    assert!(!words.contains(&key("frac")), "TeX is in the index");
    let texts = snippet_texts(&out);
    assert!(
        texts.contains(
            &"Give esketamine first. A magnetic coil over the scalp Halve it: of the dose."
                .to_string()
        ),
        "{texts:?}"
    );
}

#[test]
fn long_section_text_is_cut_at_a_word() {
    let long = "word ".repeat(100) + &"ketamine ".repeat(100);
    let fx = site();
    fx.write(
        "content/articles/long.md",
        format!("---\ntitle: Long\n---\n{long}\n"),
    );
    let out = fx.build_ok();
    let texts = snippet_texts(&out);
    let t = texts
        .iter()
        .find(|t| t.starts_with("word word"))
        .unwrap_or_else(|| panic!("no snippet of the long page: {texts:?}"));
    let kept = t
        .strip_suffix('…')
        .unwrap_or_else(|| panic!("no ellipsis: {t:?}"));
    assert!(
        kept.split(' ').all(|w| w == "word" || w == "ketamine"),
        "a word was cut: {t:?}"
    );
}

/// Runs `scripts/search-bytes.mjs` for `queries` against `out`: one JSON value per query.
fn js_search(out: &Out, queries: &[&str]) -> Vec<serde_json::Value> {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "node not found ({node:?})\nhint: apt-get install -y nodejs"
    );
    let o = Command::new("node")
        .arg(repo_root().join("scripts/search-bytes.mjs"))
        .arg(&out.dir)
        .args(queries)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "search-bytes.mjs failed: {}",
        stderr(&o)
    );
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
#[ignore = "needs node"]
fn the_themes_search_folds_queries_as_the_index_does() {
    let fx = site();
    let out = fx.build_ok();
    let results = js_search(
        &out,
        &[
            "anesthesia",
            "edema esophagus",
            "behavior",
            "randomized",
            "hemorrhage",
        ],
    );
    for r in &results {
        assert!(r["results"].as_u64().unwrap() >= 1, "no result: {r}");
    }
    let snippet = |k: usize| results[k]["snippets"][0].as_str().unwrap().to_string();
    assert!(
        snippet(0).contains("<mark>anaesthesia</mark>"),
        "{}",
        snippet(0)
    );
    // "haemorrhage" is past the first 180 characters of its section: the snippet moves to it,
    // starting and ending between words.
    let later = snippet(4);
    assert!(later.contains("<mark>haemorrhage</mark>"), "{later}");
    let html = scraper::Html::parse_fragment(&later);
    let shown: String = one(&html, ".sr-snippet").text().collect();
    assert!(shown.starts_with('…'), "{shown}");
    let source = format!("{FILLER} Rarely a haemorrhage needs a surgeon.");
    let whole: Vec<&str> = source.split_whitespace().collect();
    for w in shown.split_whitespace() {
        let w = w.trim_matches('…');
        assert!(whole.contains(&w), "\"{w}\" is not a whole word: {shown}");
    }
}

/// Spanish words that reach every step of Snowball's Spanish stemmer: each suffix of its
/// lists after a few stems (so regions RV, R1 and R2 start in different places), pronouns
/// attached to gerunds and infinitives, the "gu" and "y" rules, and plain prose.
fn spanish_words() -> Vec<String> {
    let suffixes = "anza anzas ico ica icos icas ismo ismos able ables ible ibles ista istas oso \
        osa osos osas amiento amientos imiento imientos adora ador ación adoras adores aciones \
        icación icaciones ante antes ancia ancias logía logías ución uciones encia encias amente \
        ivamente ativamente osamente icamente adamente mente antemente ablemente iblemente idad \
        idades abilidad icidad ividad iva ivo ivas ivos ativa ativos ya ye yan yen yeron yendo yo \
        yó yas yes yais yamos aba ada ida ara iera ía aría ería iría ad ed id ase iese aste iste \
        an aban aran ieran ían arían erían irían en asen iesen aron ieron arán erán irán ado ido \
        ando iendo ar er ir as abas adas idas aras ieras ías arías erías irías es ases ieses \
        abais arais ierais íais aríais eríais iríais aseis ieseis asteis isteis áis éis aréis \
        eréis iréis ados idos amos ábamos áramos iéramos íamos aríamos eríamos iríamos emos \
        aremos eremos iremos ásemos iésemos imos arás erás irás ís ará erá irá aré eré iré ió a \
        e o os á é í ó gue gués guen guemos iéndole ándola ándoselo árselas érmelo írnos \
        iéndoles ándonos arlo erla irse yéndole";
    let stems = [
        "", "a", "de", "ab", "ali", "tra", "depres", "medic", "psiqu", "terap", "ketam", "trat",
        "segu", "aleg", "aplic", "nerv", "estimul", "ansi", "sueñ", "niñ", "pingü", "constru",
        "ar", "oe", "aero", "bbb", "x",
    ];
    let mut words: Vec<String> = Vec::new();
    for st in stems {
        for suf in suffixes.split_whitespace() {
            words.push(format!("{st}{suf}"));
        }
    }
    let prose = "La terapia con ketamina se usa en la depresión resistente al tratamiento. \
        Los pacientes reciben infusiones intravenosas en una clínica, con vigilancia de la \
        presión arterial. Las depresiones graves mejoran a veces en horas; los efectos \
        disociativos desaparecen pronto. La esketamina nasal fue aprobada por agencias \
        reguladoras. Preguntándoselo, diciéndoles, haciéndolo, averigüé, pingüino, cigüeña, \
        año, niños, está, estás, también, rápidamente, psiquiátricos, útil, úlceras, jóvenes, \
        ánimo, ánimos, sueño, somnolencia, náuseas, mareos, riesgo, riesgos, ensayos clínicos.";
    words.extend(
        prose
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase),
    );
    // And each word as the index sees it: folded, accents and tildes gone.
    let folded: Vec<String> = words
        .iter()
        .map(|w| glia::render::search::fold(w))
        .collect();
    words.extend(folded);
    words.sort();
    words.dedup();
    words
}

#[test]
#[ignore = "needs node"]
fn the_themes_spanish_stemmer_matches_the_rust_one_word_for_word() {
    use glia::i18n::text::SearchLanguage;
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "node not found ({node:?})\nhint: apt-get install -y nodejs"
    );
    let words = spanish_words();
    assert!(words.len() > 5000, "{}", words.len());
    let mut child = Command::new("node")
        .arg(repo_root().join("scripts/stem-es.mjs"))
        .arg(repo_root().join("themes/default/static/js/stem-es.js"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(serde_json::to_string(&words).unwrap().as_bytes())
            .unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "stem-es.mjs failed");
    let js: Vec<String> = serde_json::from_slice(&o.stdout).unwrap();
    let differ: Vec<String> = words
        .iter()
        .zip(&js)
        .filter(|(w, j)| glia::render::search::stem_in(SearchLanguage::Spanish, w) != **j)
        .map(|(w, j)| {
            let rust = glia::render::search::stem_in(SearchLanguage::Spanish, w);
            format!("{w}: rust {rust} js {j}")
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} words differ:\n{}",
        differ.len(),
        words.len(),
        differ.join("\n")
    );
}
