//! Running the real `glia serve` in a test: start it on a free port, talk raw HTTP to it, and
//! follow what it prints. Included with `#[path]` by `tests/serve.rs` and the hostile suite's
//! `serve` module, beside `common`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{KillOnDrop, GLIA};

pub struct Server {
    _child: KillOnDrop,
    pub addr: String,
    /// Where the server's temporary build folder lives (its TMPDIR).
    pub tmp: PathBuf,
    /// Every line it prints after the address, stdout and stderr together.
    lines: mpsc::Receiver<String>,
}

impl Server {
    /// Waits for a printed line that satisfies `ok` (lines before it are skipped) and returns it.
    pub fn wait_line(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if ok(&line) => return line,
                Ok(_) => {}
                Err(_) => panic!("timed out waiting for glia serve to print {what}"),
            }
        }
    }

    /// Waits for the end of the next rebuild: a "rebuilt …" line or a "build failed …" one.
    pub fn next_rebuild(&self) -> String {
        self.wait_line("the end of a rebuild", Duration::from_secs(20), |l| {
            l.starts_with("rebuilt") || l.starts_with("build failed")
        })
    }
}

/// Starts `glia serve` on `root` on a free port and waits for it to say where it listens.
pub fn serve(root: &Path, tmp: &Path) -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    serve_on(root, tmp, port).0
}

/// Starts `glia serve` asking for `port`; also returns what it printed before listening.
pub fn serve_on(root: &Path, tmp: &Path, port: u16) -> (Server, Vec<String>) {
    let mut child = Command::new(GLIA)
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .env("TMPDIR", tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let child = KillOnDrop(child);
    for stream in [Box::new(out) as Box<dyn Read + Send>, Box::new(err)] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut said = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).expect("glia serve did not start");
        if let Some(url) = line.split("at http://").nth(1) {
            let addr = url.split('/').next().unwrap().to_string();
            let server = Server {
                _child: child,
                addr,
                tmp: tmp.to_path_buf(),
                lines: rx,
            };
            return (server, said);
        }
        said.push(line);
    }
}

/// A raw HTTP/1.1 GET, so the path reaches the server exactly as written.
pub fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

pub fn wait_for(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
    start.elapsed()
}
