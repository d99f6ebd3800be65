//! Answering requests: files of the build folder, the live-reload script and its event stream.
//!
//! One thread per connection, each with deadlines, so a slow or stalled client holds only its
//! own thread: the request head must arrive within [`HEAD_TIMEOUT`], a request body is never
//! read (only GET and HEAD are served, so one announcing a body is answered 413 at once), and
//! writes time out too. Every response closes its connection, which costs a loopback
//! handshake per request and spares a keep-alive state machine. A fixed pool of handler
//! threads (tiny_http's model) let four clients that announced a body and stalled freeze
//! every other request.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::path::{self, Target};
use super::Shared;

const LIVE_JS: &str = include_str!("live.js");
pub const EVENTS: &str = "/__glia/events";
const SCRIPT: &str = "/__glia/live.js";
const STATUS: &str = "/__glia/status";

/// How often an idle event stream gets a comment, so a closed tab is noticed and its thread ends.
const KEEPALIVE: Duration = Duration::from_secs(15);
/// The whole request head (request line and headers) must arrive within this.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// A client that stops reading its response is dropped after this.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Request heads larger than this are refused (431); browsers send a few hundred bytes.
const MAX_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;
/// Connections served at once. Past this, new ones are closed unanswered, so a flood cannot
/// exhaust threads; each slot frees itself within the timeouts above (event streams excepted,
/// one per open tab).
const MAX_CONNECTIONS: usize = 512;

/// Accepts connections on `listener` on a thread of its own, each served on its own thread.
pub fn spawn(listener: TcpListener, shared: Arc<Shared>) {
    let open = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                open.fetch_sub(1, Ordering::SeqCst);
                continue; // dropped: closed unanswered
            }
            let slot = Slot(Arc::clone(&open));
            let shared = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name("glia-serve-conn".into())
                .spawn(move || {
                    let _slot = slot;
                    connection(&shared, stream);
                });
            // The closure (and its slot) is dropped if the thread cannot start.
            drop(spawned);
        }
    });
}

/// One counted connection; the count goes down when its thread ends, however it ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What a request asks for, once its head has been read.
struct Request {
    head_only: bool,
    target: String,
}

fn connection(shared: &Arc<Shared>, mut stream: TcpStream) {
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    let req = match read_head(&mut stream) {
        Ok(req) => req,
        Err(Some(reply)) => {
            if reply.send(&mut stream, false).is_ok() {
                linger(stream);
            }
            return;
        }
        Err(None) => return, // the client went away
    };
    let bare = req.target.split(['?', '#']).next().unwrap_or("");
    let reply = match bare {
        EVENTS => return events(shared, stream),
        SCRIPT => Reply::new(200, LIVE_JS.as_bytes().to_vec(), "text/javascript"),
        STATUS => Reply::new(200, shared.status_json().into_bytes(), "application/json"),
        _ => match path::resolve(&shared.dir, &req.target) {
            Target::File(file) => serve_file(shared, &file, 200),
            Target::Redirect(location) => {
                let mut r = text(301, "moved\n");
                r.location = Some(location);
                r
            }
            Target::NotFound => not_found(shared, bare),
            Target::BadRequest => text(400, "bad request\n"),
        },
    };
    let _ = reply.send(&mut stream, req.head_only);
}

/// Closes a connection whose request was refused, reading (briefly) what the client still
/// sends: closing a socket with unread data resets it, and the client could lose the answer.
fn linger(mut stream: TcpStream) {
    const LINGER: Duration = Duration::from_millis(500);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    if stream.set_read_timeout(Some(LINGER)).is_err() {
        return;
    }
    let mut sink = [0u8; 4096];
    let mut left: usize = 64 * 1024;
    while left > 0 {
        match stream.read(&mut sink) {
            Ok(n) if n > 0 => left = left.saturating_sub(n),
            _ => return,
        }
    }
}

/// Reads and checks the request head. `Err(Some(reply))` is the error to answer with;
/// `Err(None)` means the connection is gone.
fn read_head(stream: &mut TcpStream) -> Result<Request, Option<Reply>> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(Some(text(408, "request timed out\n")));
        }
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Err(None),
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(Some(text(408, "request timed out\n")))
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return Err(None),
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => return check(&parsed),
            Ok(httparse::Status::Partial) if buf.len() <= MAX_HEAD => {}
            Ok(httparse::Status::Partial) | Err(httparse::Error::TooManyHeaders) => {
                return Err(Some(text(431, "request header fields too large\n")))
            }
            Err(_) => return Err(Some(text(400, "bad request\n"))),
        }
    }
}

fn check(req: &httparse::Request<'_, '_>) -> Result<Request, Option<Reply>> {
    let head_only = match req.method {
        Some("GET") => false,
        Some("HEAD") => true,
        _ => return Err(Some(text(405, "only GET and HEAD are served\n"))),
    };
    // The body is never read: waiting for one is what a slow client would exploit.
    let has_body = req.headers.iter().any(|h| {
        h.name.eq_ignore_ascii_case("transfer-encoding")
            || (h.name.eq_ignore_ascii_case("content-length") && h.value.trim_ascii() != b"0")
    });
    if has_body {
        return Err(Some(text(413, "request bodies are not accepted\n")));
    }
    let target = req.path.unwrap_or("").to_string();
    Ok(Request { head_only, target })
}

/// A whole response, sent at once.
struct Reply {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    location: Option<String>,
}

impl Reply {
    fn new(status: u16, body: Vec<u8>, content_type: &'static str) -> Reply {
        Reply {
            status,
            body,
            content_type,
            location: None,
        }
    }

    fn send(&self, stream: &mut TcpStream, head_only: bool) -> std::io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nConnection: close\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        if let Some(location) = &self.location {
            head.push_str(&format!("Location: {location}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        if !head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        _ => "",
    }
}

fn serve_file(shared: &Shared, file: &Path, status: u16) -> Reply {
    let Ok(mut body) = std::fs::read(file) else {
        return text(404, "not found\n");
    };
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext == "html" {
        body = shared.inject(body);
    }
    Reply::new(status, body, content_type(ext))
}

/// The site's own 404 page, so editors see what readers will: under a language's folder
/// (`/es/…`), that language's, as the `_redirects` glia writes asks of the host. Before the
/// first good build there is none; a bare page still carries the overlay and the reload
/// script, so the browser shows the errors and reloads once they are fixed.
fn not_found(shared: &Shared, path: &str) -> Reply {
    // Only a plain folder name (a language code), so nothing outside the folder is reached.
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let plain = !first.is_empty()
        && (first.bytes()).all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let folder_page = shared.dir.join(first).join("404.html");
    if plain && folder_page.is_file() {
        return serve_file(shared, &folder_page, 404);
    }
    let page = shared.dir.join("404.html");
    if page.is_file() {
        return serve_file(shared, &page, 404);
    }
    let html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Not found</title></head>\
                <body><p>Not found.</p></body></html>";
    Reply::new(
        404,
        shared.inject(html.as_bytes().to_vec()),
        content_type("html"),
    )
}

/// Server-Sent Events: the current state at once, then again after every rebuild, each
/// flushed as it is written. The connection's thread lives as long as the tab.
fn events(shared: &Shared, mut w: TcpStream) {
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
    Reply::new(status, s.as_bytes().to_vec(), "text/plain; charset=utf-8")
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
