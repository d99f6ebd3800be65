//! HTML escaping, in one place: every stage that writes HTML itself (highlighting, citations,
//! glossary links) escapes text from content with these, the same way tera's autoescape does
//! for templates.

use pulldown_cmark::{CowStr, Event};

/// Escapes text for element content and quoted attribute values alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    push_escaped(&mut out, s);
    out
}

/// Appends `s` to `out`, escaped as [`escape`] does. Copies the runs between the five
/// special characters whole: a build escapes megabytes of text (every citation tooltip is a
/// formatted reference).
pub fn push_escaped(out: &mut String, s: &str) {
    let mut done = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The special characters are ASCII, so `i` is a character boundary.
        out.push_str(&s[done..i]);
        out.push_str(entity);
        done = i + 1;
    }
    out.push_str(&s[done..]);
}

/// A `String` that pulldown-cmark's HTML writer appends to while the events it is handed
/// may append to it too, between two events: how a pass writes HTML it has made (a glossary
/// link) straight into the page instead of into an event of its own. The writer only holds
/// the borrow for one write, and asks for the next event after it, so the two never overlap.
pub struct SharedString<'a>(pub &'a std::cell::RefCell<String>);

impl std::fmt::Write for SharedString<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.borrow_mut().push_str(s);
        Ok(())
    }
}

/// `event` borrowing its text instead of copying it: how events kept by the site are handed
/// to pulldown-cmark's HTML writer, which takes them by value.
pub fn lend<'a>(event: &'a Event<'_>) -> Event<'a> {
    let b = |s: &'a CowStr<'_>| CowStr::Borrowed(s.as_ref());
    match event {
        Event::Text(s) => Event::Text(b(s)),
        Event::Html(s) => Event::Html(b(s)),
        Event::InlineHtml(s) => Event::InlineHtml(b(s)),
        Event::Code(s) => Event::Code(b(s)),
        Event::InlineMath(s) => Event::InlineMath(b(s)),
        Event::DisplayMath(s) => Event::DisplayMath(b(s)),
        Event::FootnoteReference(s) => Event::FootnoteReference(b(s)),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
