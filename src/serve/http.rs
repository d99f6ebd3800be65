//! Answering requests: files of the build folder, the live-reload script and its event stream.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::path::{self, Target};
use super::Shared;

const LIVE_JS: &str = include_str!("live.js");
pub const EVENTS: &str = "/__glia/events";
const SCRIPT: &str = "/__glia/live.js";
const STATUS: &str = "/__glia/status";

/// How often an idle event stream gets a comment, so a closed tab is noticed and its thread ends.
const KEEPALIVE: Duration = Duration::from_secs(15);

pub fn handle(shared: &Arc<Shared>, req: Request) {
    if !matches!(req.method(), Method::Get | Method::Head) {
        let _ = req.respond(text(405, "only GET and HEAD are served\n"));
        return;
    }
    let url = req.url().to_string();
    let bare = url.split(['?', '#']).next().unwrap_or("");
    match bare {
        EVENTS => {
            let shared = Arc::clone(shared);
            std::thread::spawn(move || events(&shared, req));
            return;
        }
        SCRIPT => {
            let _ = req.respond(bytes(200, LIVE_JS.as_bytes().to_vec(), "text/javascript"));
            return;
        }
        STATUS => {
            let _ = req.respond(bytes(
                200,
                shared.status_json().into_bytes(),
                "application/json",
            ));
            return;
        }
        _ => {}
    }
    let response = match path::resolve(&shared.dir, &url) {
        Target::File(file) => serve_file(shared, &file, 200),
        Target::Redirect(location) => {
            let mut r = text(301, "moved\n");
            if let Ok(h) = Header::from_bytes("Location", location) {
                r.add_header(h);
            }
            r
        }
        Target::NotFound => not_found(shared),
        Target::BadRequest => text(400, "bad request\n"),
    };
    let _ = req.respond(response);
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn serve_file(shared: &Shared, file: &Path, status: u16) -> Reply {
    let Ok(mut body) = std::fs::read(file) else {
        return text(404, "not found\n");
    };
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext == "html" {
        body = shared.inject(body);
    }
    bytes(status, body, content_type(ext))
}

/// The site's own 404 page, so editors see what readers will. Before the first good build
/// there is none; a bare page still carries the overlay and the reload script, so the
/// browser shows the errors and reloads once they are fixed.
fn not_found(shared: &Shared) -> Reply {
    let page = shared.dir.join("404.html");
    if page.is_file() {
        return serve_file(shared, &page, 404);
    }
    let html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Not found</title></head>\
                <body><p>Not found.</p></body></html>";
    bytes(
        404,
        shared.inject(html.as_bytes().to_vec()),
        content_type("html"),
    )
}

/// Server-Sent Events: the current state at once, then again after every rebuild. Written on
/// the raw connection and flushed per event, because tiny_http's response path buffers.
fn events(shared: &Shared, req: Request) {
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                Connection: keep-alive\r\n\r\n";
    if w.write_all(head.as_bytes())
        .and_then(|()| w.flush())
        .is_err()
    {
        return;
    }
    let mut seen = None;
    loop {
        let (version, data) = shared.wait_for_change(seen, KEEPALIVE);
        let msg = if seen == Some(version) {
            ": keepalive\n\n".to_string()
        } else {
            format!("data: {data}\n\n")
        };
        seen = Some(version);
        if w.write_all(msg.as_bytes())
            .and_then(|()| w.flush())
            .is_err()
        {
            return; // the tab was closed
        }
    }
}

fn text(status: u16, s: &str) -> Reply {
    bytes(status, s.as_bytes().to_vec(), "text/plain; charset=utf-8")
}

fn bytes(status: u16, body: Vec<u8>, content_type: &str) -> Reply {
    let mut r = Response::from_data(body).with_status_code(StatusCode(status));
    for (k, v) in [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
    ] {
        if let Ok(h) = Header::from_bytes(k, v) {
            r.add_header(h);
        }
    }
    r
}

fn content_type(ext: &str) -> &'static str {
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}
