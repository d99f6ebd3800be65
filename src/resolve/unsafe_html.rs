//! Raw HTML that runs code or takes over the page: `<script>`, `on*=` event handlers,
//! `javascript:`, `vbscript:` and `data:text/html` URLs (SVG animations that set one included),
//! `<iframe>`/`<object>`/`<embed>`, and `<base>` (which redirects every relative link).
//!
//! Raw HTML in Markdown is the editor's own and passes through (as in Zola). But on a medical
//! site a pasted snippet that runs code is far more likely a mistake or an attack than intent,
//! so `glia build` warns and `glia check` reports an error (`unsafe-html`, file:line:col). A
//! page that means it says so with `allow: [unsafe-html]` in its front-matter.
//!
//! What counts is what a browser sees, and browsers parse HTML by rules no hand-written scanner
//! gets all of (`<!-->` and `--!>` end comments, `<noscript>` is raw text, `<style>` inside
//! `<svg>` is not, …). So the page's HTML goes through html5ever, a real HTML5 tokenizer and
//! tree builder, scripting enabled as in a browser: the tree builder switches the tokenizer's
//! states exactly as a browser's does, and every start tag it emits is one the browser would
//! act on. The tags are checked as they pass ([`Watch`]); no tree is kept ([`NoTree`]).
//!
//! The page is parsed whole (its Markdown rendered with its raw HTML in place), since raw HTML
//! in one block can change how the next is read. html5ever tracks lines, not columns, so the
//! input is fed up to one `>` at a time (a tag ends only at a `>`): a tag found in a piece
//! lies between the previous tag's end and the piece's end, where its name and attributes are
//! then looked up for the file:line:col. Only tags written in raw HTML are reported; those
//! Markdown makes are glia's own (their links are checked where they are made).
//!
//! It is part of compiling a site (`site::compile` runs it on the resolved site), and `check`
//! raises its warnings to errors.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::rc::Rc;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, StartTag, Tag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};
use html5ever::tree_builder::{
    ElementFlags, NodeOrText, QuirksMode, TreeBuilder, TreeBuilderOpts, TreeSink,
};
use html5ever::{Attribute, QualName, TokenizerResult};
use pulldown_cmark::Event;

use crate::diagnostics::{Diagnostic, Severity};
use crate::parse::ParsedPage;
use crate::resolve::Site;

pub const CODE: &str = "unsafe-html";

/// Elements that run code, embed another document, or (`base`) redirect every relative link.
const ELEMENTS: [&str; 5] = ["script", "iframe", "object", "embed", "base"];

/// Attributes whose value a browser loads or follows as a URL.
const URL_ATTRIBUTES: [&str; 12] = [
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "codebase",
    "xlink:href",
    "srcdoc",
    "longdesc",
];

/// SVG animation elements, and the attributes whose values they set on another attribute
/// (`<set attributeName="href" to="javascript:…">` makes a link that runs code).
const ANIMATIONS: [&str; 4] = ["animate", "set", "animatemotion", "animatetransform"];
const ANIMATED_VALUES: [&str; 4] = ["to", "from", "by", "values"];

/// The problems of every page, as warnings (`glia check` makes them errors).
pub fn scan_site(site: &Site) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    site.pages
        .par_iter()
        .flat_map(|p| scan_page(&p.page, Severity::Warning))
        .collect()
}

/// The problems of one page, unless it allows them.
pub fn scan_page(page: &ParsedPage, severity: Severity) -> Vec<Diagnostic> {
    if page.fm.allow.iter().any(|a| a.trim() == CODE) {
        return Vec::new();
    }
    // Most pages have no raw HTML of the editor's, only glia's own markup (footnotes,
    // MathML, citation placeholders): nothing to parse.
    if !page.doc.has_raw_html {
        return Vec::new();
    }
    let events = &page.doc.events;
    let raw = |ev: &Event<'_>| match ev {
        Event::Html(h) | Event::InlineHtml(h) => {
            crate::parse::citations::placeholder_index(h).is_none()
        }
        _ => false,
    };
    if !events.iter().any(|(ev, _)| raw(ev)) {
        return Vec::new();
    }
    let (html, pieces) = render(events);
    let mut out = Vec::new();
    for (at, what) in scan(&html) {
        // Where the tag was written in the file; none if Markdown made it.
        let Some(file_at) = pieces.iter().find_map(|p| {
            (p.out.start <= at && at < p.out.end).then(|| p.file + (at - p.out.start))
        }) else {
            continue;
        };
        let file_at = file_at.min(page.text.len());
        out.push(
            Diagnostic::new(severity, CODE, format!("raw HTML {what}"))
                .at(&page.file, &page.text, file_at..file_at + 1)
                .with_help(
                    "remove it, or if this page really needs it add `allow: [unsafe-html]` \
                     to its front-matter",
                ),
        );
    }
    out
}

/// A piece of raw HTML in the rendered page: where it is there, and where it starts in the file.
struct Piece {
    out: Range<usize>,
    file: usize,
}

/// The page's HTML as pulldown-cmark renders its events, and where each raw HTML event's
/// text landed in it. The writer asks for the next event only after writing the last, so the
/// length of the output when an event is handed over is where its text begins.
fn render(events: &[(Event<'_>, Range<usize>)]) -> (String, Vec<Piece>) {
    let out = RefCell::new(String::new());
    let starts = RefCell::new(Vec::new());
    let handed = events.iter().map(|(ev, range)| {
        if let Event::Html(h) | Event::InlineHtml(h) = ev {
            starts
                .borrow_mut()
                .push((out.borrow().len(), h, range.start));
        }
        ev.clone()
    });
    let _ = pulldown_cmark::html::write_html_fmt(crate::html::SharedString(&out), handed);
    let html = out.into_inner();
    let pieces = starts
        .into_inner()
        .into_iter()
        // An event written differently (escaped, as an image's alt text) is not raw HTML.
        .filter(|&(at, h, _)| html.get(at..at + h.len()) == Some(&**h))
        .map(|(at, h, file)| Piece {
            out: at..at + h.len(),
            file,
        })
        .collect();
    (html, pieces)
}

/// One problem of a start tag, before its place in the text is known.
enum Problem {
    Element,
    Handler(String),
    Url(String, &'static str),
}

/// Each problem in `html`: its byte offset and what it is.
pub fn scan(html: &str) -> Vec<(usize, String)> {
    // Feeding a piece at a time costs several times more than one read of the whole, so the
    // pieces (for the positions) only when there is something to place.
    if parse(html, false).is_empty() {
        return Vec::new();
    }
    parse(html, true)
}

/// Runs `html` through the parser, whole or (`pieces`) up to one `>` at a time; the problems
/// are placed only in pieces (otherwise all at 0).
fn parse(html: &str, pieces: bool) -> Vec<(usize, String)> {
    let watch = Watch {
        builder: TreeBuilder::new(NoTree::default(), TreeBuilderOpts::default()),
        found: RefCell::new(Vec::new()),
        tag_ended: Cell::new(false),
    };
    let tokenizer = Tokenizer::new(watch, TokenizerOpts::default());
    let queue = BufferQueue::default();
    let mut found = Vec::new();
    // Where the last tag, comment or doctype ended: the next tag starts after it.
    let mut after_last = 0;
    let take = |end: usize, found: &mut Vec<(usize, String)>, after_last: &mut usize| {
        for (tag, problems) in tokenizer.sink.found.take() {
            locate(html, *after_last..end, &tag, problems, found);
        }
        if tokenizer.sink.tag_ended.take() {
            *after_last = end;
        }
    };
    let mut start = 0;
    if pieces {
        for end in memchr::memchr_iter(b'>', html.as_bytes()).map(|i| i + 1) {
            queue.push_back(StrTendril::from_slice(&html[start..end]));
            while let TokenizerResult::Script(_) = tokenizer.feed(&queue) {}
            take(end, &mut found, &mut after_last);
            start = end;
        }
    }
    if start < html.len() {
        queue.push_back(StrTendril::from_slice(&html[start..]));
        while let TokenizerResult::Script(_) = tokenizer.feed(&queue) {}
    }
    tokenizer.end();
    take(html.len(), &mut found, &mut after_last);
    found
}

/// Finds the start tag `tag` in `html[within]` and each problem's place in it.
fn locate(
    html: &str,
    within: Range<usize>,
    tag: &str,
    problems: Vec<Problem>,
    found: &mut Vec<(usize, String)>,
) {
    let window = &html[within.clone()];
    let tag_at = within.start
        + find_name(window, tag, |before| before == b'<')
            .map(|name_at| name_at - 1)
            .or_else(|| window.rfind('<'))
            .unwrap_or(0);
    let rest = &html[tag_at..within.end];
    let attribute = |name: &str| {
        find_name(rest, name, |b| {
            b.is_ascii_whitespace() || matches!(b, b'/' | b'"' | b'\'')
        })
    };
    for p in problems {
        match p {
            Problem::Element if tag == "base" => found.push((
                tag_at,
                "`<base>` changes where every relative link on the page leads".into(),
            )),
            Problem::Element => {
                found.push((
                    tag_at,
                    format!("`<{tag}>` runs code or embeds another page"),
                ));
            }
            Problem::Handler(name) => {
                let at = tag_at + attribute(&name).unwrap_or(0);
                found.push((at, format!("event handler `{name}=` runs code")));
            }
            Problem::Url(name, scheme) => {
                let at =
                    attribute(&name).map_or(tag_at, |a| tag_at + value_start(rest, a + name.len()));
                found.push((
                    at,
                    format!("`{name}` URL `{scheme}` runs code or carries a page"),
                ));
            }
        }
    }
}

/// Where the ASCII `name` first appears in `hay` in any case, preceded by a byte `before`
/// accepts and followed by the end of a name (blank, `/`, `>`, `=` or the end).
fn find_name(hay: &str, name: &str, before: impl Fn(u8) -> bool) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), name.as_bytes());
    (1..=h.len().saturating_sub(n.len())).find(|&k| {
        before(h[k - 1])
            && h[k..k + n.len()].eq_ignore_ascii_case(n)
            && h.get(k + n.len())
                .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>' | b'='))
    })
}

/// Where the value of an attribute whose name ends at `at` in `tag` starts.
fn value_start(tag: &str, mut at: usize) -> usize {
    let b = tag.as_bytes();
    let skip_blanks = |at: &mut usize| {
        while b.get(*at).is_some_and(u8::is_ascii_whitespace) {
            *at += 1;
        }
    };
    skip_blanks(&mut at);
    if b.get(at) == Some(&b'=') {
        at += 1;
        skip_blanks(&mut at);
        if matches!(b.get(at), Some(b'"' | b'\'')) {
            at += 1;
        }
    }
    at
}

/// The problems of one start tag, from its attributes as the tokenizer decoded them (character
/// references resolved, names in lower case).
fn problems(tag: &Tag) -> Vec<Problem> {
    let name: &str = &tag.name;
    let mut out = Vec::new();
    if ELEMENTS.contains(&name) {
        out.push(Problem::Element);
    }
    for Attribute { name: attr, value } in &tag.attrs {
        let attr: &str = &attr.local;
        if attr.len() > 2 && attr.starts_with("on") {
            out.push(Problem::Handler(attr.to_string()));
        } else if URL_ATTRIBUTES.contains(&attr) {
            if let Some(scheme) = dangerous_url(value) {
                out.push(Problem::Url(attr.to_string(), scheme));
            }
        } else if ANIMATIONS.contains(&name) && ANIMATED_VALUES.contains(&attr) {
            if let Some(scheme) = value.split(';').find_map(dangerous_url) {
                out.push(Problem::Url(attr.to_string(), scheme));
            }
        }
    }
    out
}

/// Passes every token on to the tree builder, noting the problems of each start tag first.
/// The tree builder's answers (switch to raw text, script data, plain text; CDATA allowed in
/// foreign content) go back to the tokenizer, as in a browser.
struct Watch {
    builder: TreeBuilder<Rc<Node>, NoTree>,
    /// Start tags with problems since the last look.
    found: RefCell<Vec<(String, Vec<Problem>)>>,
    /// Whether a tag, comment or doctype ended since the last look.
    tag_ended: Cell<bool>,
}

impl TokenSink for Watch {
    type Handle = Rc<Node>;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Rc<Node>> {
        match &token {
            TagToken(tag) => {
                self.tag_ended.set(true);
                if tag.kind == StartTag {
                    let p = problems(tag);
                    if !p.is_empty() {
                        self.found.borrow_mut().push((tag.name.to_string(), p));
                    }
                }
            }
            Token::CommentToken(_) | Token::DoctypeToken(_) => self.tag_ended.set(true),
            _ => {}
        }
        self.builder.process_token(token, line_number)
    }

    fn end(&self) {
        self.builder.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// An element as the tree builder needs to see it again: its name, and whether it is a MathML
/// `annotation-xml` that holds HTML.
struct Node {
    name: QualName,
    integration_point: bool,
}

/// A tree sink that keeps no tree: the tree builder's decisions about the tokenizer depend only
/// on its own stacks, which hold these handles.
struct NoTree {
    document: Rc<Node>,
}

impl Default for NoTree {
    fn default() -> Self {
        NoTree {
            document: node(QualName::new(None, "".into(), "".into())),
        }
    }
}

fn node(name: QualName) -> Rc<Node> {
    Rc::new(Node {
        name,
        integration_point: false,
    })
}

impl TreeSink for NoTree {
    type Handle = Rc<Node>;
    type Output = ();
    type ElemName<'a> = &'a QualName;

    fn finish(self) {}
    fn parse_error(&self, _msg: Cow<'static, str>) {}
    fn get_document(&self) -> Rc<Node> {
        self.document.clone()
    }
    fn elem_name<'a>(&'a self, target: &'a Rc<Node>) -> &'a QualName {
        &target.name
    }
    fn create_element(&self, name: QualName, _: Vec<Attribute>, flags: ElementFlags) -> Rc<Node> {
        Rc::new(Node {
            name,
            integration_point: flags.mathml_annotation_xml_integration_point,
        })
    }
    fn create_comment(&self, _text: StrTendril) -> Rc<Node> {
        node(self.document.name.clone())
    }
    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Rc<Node> {
        node(self.document.name.clone())
    }
    fn append(&self, _parent: &Rc<Node>, _child: NodeOrText<Rc<Node>>) {}
    fn append_based_on_parent_node(
        &self,
        _element: &Rc<Node>,
        _prev_element: &Rc<Node>,
        _child: NodeOrText<Rc<Node>>,
    ) {
    }
    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}
    fn get_template_contents(&self, target: &Rc<Node>) -> Rc<Node> {
        target.clone()
    }
    fn same_node(&self, x: &Rc<Node>, y: &Rc<Node>) -> bool {
        Rc::ptr_eq(x, y)
    }
    fn set_quirks_mode(&self, _mode: QuirksMode) {}
    fn append_before_sibling(&self, _sibling: &Rc<Node>, _new_node: NodeOrText<Rc<Node>>) {}
    fn add_attrs_if_missing(&self, _target: &Rc<Node>, _attrs: Vec<Attribute>) {}
    fn remove_from_parent(&self, _target: &Rc<Node>) {}
    fn reparent_children(&self, _node: &Rc<Node>, _new_parent: &Rc<Node>) {}
    fn is_mathml_annotation_xml_integration_point(&self, handle: &Rc<Node>) -> bool {
        handle.integration_point
    }
}

/// The dangerous scheme a URL starts with, the way a browser reads it (blanks and control
/// characters ignored, any case): `javascript:`, `vbscript:` or `data:text/html`.
fn dangerous_url(url: &str) -> Option<&'static str> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if cleaned.starts_with("javascript:") {
        Some("javascript:")
    } else if cleaned.starts_with("vbscript:") {
        Some("vbscript:")
    } else if cleaned.starts_with("data:text/html") {
        Some("data:")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets(html: &str) -> Vec<usize> {
        scan(html).into_iter().map(|(at, _)| at).collect()
    }

    #[test]
    fn finds_elements_handlers_and_urls() {
        assert_eq!(offsets("<script>x</script>"), [0]);
        assert_eq!(offsets("<SCRIPT src=a.js></SCRIPT>"), [0]);
        assert_eq!(offsets("a <img src=x onerror=alert(1)>"), [13]);
        assert_eq!(offsets("<div\nONCLICK='x'>"), [5]);
        assert_eq!(offsets("<a href=\"javascript:x\">"), [9]);
        assert_eq!(offsets("<a href=' JaVa\tScRiPt:x'>"), [9]);
        assert_eq!(offsets("<a href=javascript&colon;x>"), [8]);
        assert_eq!(offsets("<a href=\"&#106;avascript:x\">"), [9]);
        assert_eq!(offsets("<a href=\"&#x6A;avascript:x\">"), [9]);
        assert_eq!(
            offsets("<iframe></iframe><object></object><embed>"),
            [0, 17, 34]
        );
        assert_eq!(offsets("<a href=\"data:text/html,<b>x</b>\">"), [9]);
        assert_eq!(offsets("<form action=\"vbscript:x\">"), [14]);
    }

    #[test]
    fn leaves_safe_html_alone() {
        for safe in [
            "<a href=\"https://x.org\" title=\"online\">x</a>",
            "<span data-note=\"javascript:\">y</span>",
            "<img src=\"a.png\" alt=\"onerror=\">",
            "<!-- <script>alert(1)</script> -->",
            "<p title='<script>'>x</p>",
            "<a href=\"data:image/png;base64,AAAA\">",
            "<on>x</on>",
            "1 < 2 and 3 > 2",
            "<style>a[onclick] { color: red }</style>",
            "</script>",
            "<",
            "<a href",
            "<a href=",
            "<a href='javascript",
        ] {
            assert!(scan(safe).is_empty(), "{safe}: {:?}", scan(safe));
        }
    }

    #[test]
    fn script_text_is_not_scanned_for_tags() {
        // One problem: the script itself, not the `<iframe>` text inside it.
        assert_eq!(
            offsets("<script>document.write('<iframe>')</script><b>"),
            [0]
        );
    }

    #[test]
    fn reads_comments_and_raw_text_as_a_browser_does() {
        // `<!-->` and `<!--->` are whole (empty) comments; `--!>` ends one.
        assert_eq!(offsets("<!--><script>x</script>-->"), [5]);
        assert_eq!(offsets("<!---><img src=x onerror=y>"), [17]);
        assert_eq!(offsets("<!-- a --!><iframe>"), [11]);
        // The text of `<noscript>` (scripting on, as in a browser) and `<noembed>` is raw: a
        // quote in it does not hide the tag after its end tag.
        assert_eq!(
            offsets("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">"),
            [42]
        );
        assert_eq!(
            offsets("<noembed><p title=\"</noembed><img src=x onerror=alert(1)>\">"),
            [40]
        );
        // Inside `<svg>` and `<math>`, `<style>` holds elements, not raw text.
        assert_eq!(
            offsets("<svg><style><img src=x onerror=y></style></svg>"),
            [23]
        );
        assert_eq!(
            offsets("<math><style><img src=x onerror=y></style></math>"),
            [24]
        );
        // While a real HTML `<style>` is raw text still.
        assert!(scan("<style><img src=x onerror=y></style>").is_empty());
    }

    #[test]
    fn finds_base_and_svg_animations_that_set_a_link() {
        assert_eq!(
            offsets("<p>x</p><base href=\"https://evil.example/\">"),
            [8]
        );
        let set = "<svg><a><set attributeName=\"href\" to=\"javascript:alert(1)\"/>";
        assert_eq!(offsets(set), [set.find("javascript").unwrap()]);
        let animate =
            "<svg><a><animate attributeName=href values=\"https://x.org;javascript:alert(1)\"/>";
        assert_eq!(offsets(animate), [animate.find("https").unwrap()]);
        let from = "<svg><a><animate attributeName=xlink:href from=' javascript:x'/>";
        assert_eq!(offsets(from), [from.find(" javascript").unwrap()]);
        assert!(scan("<svg><animate attributeName=\"x\" values=\"0;10\"/></svg>").is_empty());
    }

    #[test]
    fn a_body_tag_in_the_page_runs_its_handlers() {
        // In a page a second `<body>` adds its attributes to the real one.
        assert_eq!(offsets("<p>x</p>\n<body onload=alert(1)>"), [15]);
    }
}
