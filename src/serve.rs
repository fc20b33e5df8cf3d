//! `alumni serve`: the live site over HTTP, rebuilt as files change.
//!
//! In: build options, an address to listen on. Out: an HTTP server
//! (`tiny_http`) that serves the in-memory outputs of [`LiveSite`], a watcher
//! (notify) that applies file changes to it, and a small script, injected
//! into HTML pages in this mode only, that reloads the page when it changed
//! and shows the build's errors in an overlay.
//!
//! The request path is resolved by [`resolve_path`], a pure function: a key
//! into the map of outputs, never a file-system path, so no request can read
//! anything outside the built site.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::build::BuildOptions;
use crate::diagnostic::Diagnostic;
use crate::live::{LiveSite, Outputs};

/// The path prefix of the server's own endpoints, out of the site's way.
pub const ENDPOINT_PREFIX: &str = "/__alumni/";

/// How long a live-reload poll waits for a change before answering anyway.
const POLL_WAIT: Duration = Duration::from_secs(20);

/// The script injected into pages: polls for changes, reloads, shows errors.
const LIVE_JS: &str = include_str!("serve_live.js");

/// What a request path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An output, by its key in the map of outputs.
    File(String),
    /// A folder asked for without its trailing slash: where to go instead.
    Redirect(String),
    /// Nothing in the site.
    NotFound,
    /// A path no site has: `..`, encoded slashes, NUL, backslashes, bad escapes.
    BadRequest,
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes a path; `None` for a bad escape, invalid UTF-8, or an
/// escaped `/` or `\` (which would hide a path separator).
fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex(*bytes.get(i + 1)?)?;
            let lo = hex(*bytes.get(i + 2)?)?;
            let b = hi * 16 + lo;
            if b == b'/' || b == b'\\' {
                return None;
            }
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Resolves a request URL (path and query) to an output of `outputs`.
pub fn resolve_path(url: &str, outputs: &Outputs) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Target::BadRequest;
    }
    let Some(decoded) = decode(path) else {
        return Target::BadRequest;
    };
    if decoded.contains(['\0', '\\']) {
        return Target::BadRequest;
    }
    let segments: Vec<&str> = decoded.split('/').skip(1).collect();
    if segments.iter().any(|s| *s == ".." || *s == ".") {
        return Target::BadRequest;
    }
    let inner = segments.join("/");
    if inner.contains("//") {
        return Target::NotFound;
    }
    let key = if inner.is_empty() || inner.ends_with('/') {
        format!("{inner}index.html")
    } else {
        inner.clone()
    };
    if outputs.contains_key(&key) {
        return Target::File(key);
    }
    if !inner.is_empty()
        && !inner.ends_with('/')
        && outputs.contains_key(&format!("{inner}/index.html"))
    {
        return Target::Redirect(format!("{path}/"));
    }
    Target::NotFound
}

/// The Content-Type of an output, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// A stable `ETag` for some bytes.
fn etag(bytes: &[u8]) -> String {
    format!("\"{:016x}\"", crate::output::content_hash(bytes))
}

/// Adds the live-reload script to an HTML page, before `</body>` when there
/// is one. The tag names the server instance that served the page, so that
/// the page notices a restart even if it never heard from this one.
fn inject(html: &[u8], instance: &str) -> Vec<u8> {
    let tag =
        format!("<script src=\"{ENDPOINT_PREFIX}live.js\" data-instance=\"{instance}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}\n{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}\n").into_bytes(),
    }
}

/// A diagnostic as the browser overlay shows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
struct DiagnosticView {
    location: String,
    message: String,
    line: Option<usize>,
    source_line: Option<String>,
    column: Option<usize>,
    hint: Option<String>,
}

impl From<&Diagnostic> for DiagnosticView {
    fn from(d: &Diagnostic) -> Self {
        DiagnosticView {
            location: d.location(),
            message: d.message.clone(),
            line: d.position.map(|p| p.line),
            source_line: d.source_line().map(|(shown, _)| shown.to_string()),
            // Where the caret goes in what is shown: a long line is cut.
            column: d
                .source_line()
                .map_or(d.position.map(|p| p.col), |(_, caret)| Some(caret)),
            hint: d.hint.clone(),
        }
    }
}

/// What the server shares between its threads.
struct State {
    outputs: Arc<Outputs>,
    /// Bumped by every rebuild, good or bad.
    version: u64,
    /// Output paths changed by the last rebuild.
    changed: Vec<String>,
    /// Diagnostics of the last rebuild; empty when it succeeded.
    errors: Vec<DiagnosticView>,
    /// Language prefixes (`""`, `en/`), longest first, for 404 pages.
    prefixes: Vec<String>,
}

#[derive(Serialize)]
struct PollAnswer<'a> {
    instance: &'a str,
    version: u64,
    changed: &'a [String],
    errors: &'a [DiagnosticView],
}

/// The state and its wake-up signal.
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// Differs at each start, so pages notice a restarted server.
    instance: String,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// How to run the server.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// What to build.
    pub build: BuildOptions,
    /// Address to listen on.
    pub bind: String,
    /// Port; `None` tries 1111 and the next ones; `Some(0)` takes any free one.
    pub port: Option<u16>,
    /// Open the site in a browser once it is served.
    pub open: bool,
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The first build failed: every diagnostic.
    Site(Vec<Diagnostic>),
    /// Address in use, watcher failure...
    Io(String),
}

/// A listening socket whose connections send each write at once.
///
/// `tiny_http` writes a response's headers and its body separately. With
/// Nagle's algorithm on, the body then waits for the client to acknowledge
/// the headers, which a client on a kept-alive connection delays by up to
/// 40 ms: every request after a connection's first took 40 ms on loopback.
/// Accepted sockets inherit `TCP_NODELAY` from the listener on Linux.
fn listen(addr: (&str, u16)) -> std::io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(addr)?;
    #[cfg(target_os = "linux")]
    rustix::net::sockopt::set_tcp_nodelay(&listener, true)?;
    Ok(listener)
}

/// Binds the first free port from `options` (a given port must be free).
fn bind(options: &ServeOptions) -> Result<(Server, u16), ServeError> {
    let ports: Vec<u16> = match options.port {
        Some(p) => vec![p],
        None => (1111..1131).collect(),
    };
    let mut last = String::new();
    for port in &ports {
        let server = listen((options.bind.as_str(), *port))
            .map_err(|e| e.to_string())
            .and_then(|l| Server::from_listener(l, None).map_err(|e| e.to_string()));
        match server {
            Ok(server) => {
                // Port 0 asks the system for a free one: report the real one.
                let actual = server.server_addr().to_ip().map_or(*port, |a| a.port());
                return Ok((server, actual));
            }
            Err(e) => last = e,
        }
    }
    Err(ServeError::Io(match options.port {
        Some(p) => format!(
            "cannot listen on {}:{p}: {last}; another program (perhaps another alumni serve) uses this port: stop it or pass another --port",
            options.bind
        ),
        None => format!(
            "no free port between 1111 and 1130 on {}: {last}",
            options.bind
        ),
    }))
}

/// A running server: its address, and how to stop it.
pub struct Running {
    /// `http://127.0.0.1:1111/`.
    pub url: String,
    server: Arc<Server>,
    threads: Vec<std::thread::JoinHandle<()>>,
    stop_watch: mpsc::Sender<()>,
}

impl Running {
    /// Stops accepting requests and watching files, and waits for both.
    pub fn stop(self) {
        let _ = self.stop_watch.send(());
        self.server.unblock();
        for t in self.threads {
            let _ = t.join();
        }
    }
}

/// A line for the terminal about a rebuild.
pub type Reporter = dyn Fn(&str) + Send + Sync;

/// Builds the site, starts the server and the watcher, and returns at once.
pub fn start(options: &ServeOptions, report: &Arc<Reporter>) -> Result<Running, ServeError> {
    let (server, port) = bind(options)?;
    let host = if options.bind.contains(':') {
        format!("[{}]", options.bind)
    } else {
        options.bind.clone()
    };
    let url = format!("http://{host}:{port}/");
    let mut build = options.build.clone();
    build.base_url = Some(format!("http://{host}:{port}"));
    let started = Instant::now();
    let live = LiveSite::build(build.clone()).map_err(ServeError::Site)?;
    report(&format!(
        "built {} files in {} ms; serving {url}",
        live.outputs().len(),
        started.elapsed().as_millis()
    ));
    let mut prefixes = live.language_prefixes();
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let instance = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            outputs: Arc::new(live.outputs().clone()),
            version: 1,
            changed: Vec::new(),
            errors: Vec::new(),
            prefixes,
        }),
        changed: Condvar::new(),
        instance,
    });
    let server = Arc::new(server);
    let (stop_tx, stop_rx) = mpsc::channel();
    let watcher = spawn_watcher(
        &build.root,
        live,
        Arc::clone(&shared),
        stop_rx,
        Arc::clone(report),
    )?;
    let accept = {
        let server = Arc::clone(&server);
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || accept_loop(&server, &shared))
    };
    Ok(Running {
        url,
        server,
        threads: vec![accept, watcher],
        stop_watch: stop_tx,
    })
}

fn accept_loop(server: &Server, shared: &Arc<Shared>) {
    // One thread per request: long polls wait without blocking other requests.
    while let Ok(request) = server.recv() {
        let shared = Arc::clone(shared);
        std::thread::spawn(move || handle(request, &shared));
    }
}

fn respond(
    request: Request,
    status: u16,
    content_type: &str,
    body: Vec<u8>,
    extra: &[(&str, String)],
) {
    let mut response = Response::from_data(body).with_status_code(StatusCode(status));
    let headers = std::iter::once(("Content-Type", content_type))
        .chain(extra.iter().map(|(n, v)| (*n, v.as_str())));
    for (name, value) in headers {
        // A value that is not a valid header (never the case for ours) is left out rather than sent broken.
        if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response = response.with_header(h);
        }
    }
    let _ = request.respond(response);
}

fn handle(request: Request, shared: &Shared) {
    let method = request.method().clone();
    if !matches!(method, Method::Get | Method::Head) {
        return respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
            &[("Allow", "GET, HEAD".to_string())],
        );
    }
    let url = request.url().to_string();
    if let Some(endpoint) = url.strip_prefix(ENDPOINT_PREFIX) {
        return handle_endpoint(request, endpoint, shared);
    }
    let (outputs, prefixes) = {
        let state = shared.lock();
        (Arc::clone(&state.outputs), state.prefixes.clone())
    };
    let no_store = ("Cache-Control", "no-cache".to_string());
    match resolve_path(&url, &outputs) {
        Target::File(key) => {
            let bytes = &outputs[&key];
            let body = if key.ends_with(".html") {
                inject(bytes, &shared.instance)
            } else {
                bytes.to_vec()
            };
            let tag = etag(&body);
            let matches = request.headers().iter().any(|h| {
                h.field.equiv("If-None-Match")
                    && h.value.as_str().split(',').any(|v| v.trim() == tag)
            });
            if matches {
                return respond(
                    request,
                    304,
                    content_type(&key),
                    Vec::new(),
                    &[("ETag", tag), no_store],
                );
            }
            respond(
                request,
                200,
                content_type(&key),
                body,
                &[("ETag", tag), no_store],
            );
        }
        Target::Redirect(location) => {
            respond(
                request,
                301,
                "text/plain; charset=utf-8",
                format!("moved to {location}\n").into_bytes(),
                &[("Location", location)],
            );
        }
        Target::NotFound => {
            let inner = url.trim_start_matches('/');
            let page = prefixes
                .iter()
                .filter(|p| inner.starts_with(p.as_str()))
                .map(|p| format!("{p}404.html"))
                .find(|k| outputs.contains_key(k));
            match page {
                Some(key) => respond(
                    request,
                    404,
                    "text/html; charset=utf-8",
                    inject(&outputs[&key], &shared.instance),
                    &[no_store],
                ),
                None => respond(
                    request,
                    404,
                    "text/plain; charset=utf-8",
                    b"404 not found\n".to_vec(),
                    &[no_store],
                ),
            }
        }
        Target::BadRequest => respond(
            request,
            400,
            "text/plain; charset=utf-8",
            b"400 bad request\n".to_vec(),
            &[],
        ),
    }
}

fn handle_endpoint(request: Request, endpoint: &str, shared: &Shared) {
    let (name, query) = endpoint.split_once('?').unwrap_or((endpoint, ""));
    match name {
        "live.js" => respond(
            request,
            200,
            content_type("live.js"),
            LIVE_JS.as_bytes().to_vec(),
            &[("Cache-Control", "no-cache".to_string())],
        ),
        "poll" => {
            let seen: Option<u64> = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("v="))
                .and_then(|v| v.parse().ok());
            let deadline = Instant::now() + POLL_WAIT;
            let mut state = shared.lock();
            while seen == Some(state.version) {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                state = shared
                    .changed
                    .wait_timeout(state, left)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            let body = serde_json::to_vec(&PollAnswer {
                instance: &shared.instance,
                version: state.version,
                changed: &state.changed,
                errors: &state.errors,
            })
            .unwrap_or_default();
            drop(state);
            respond(
                request,
                200,
                "application/json",
                body,
                &[("Cache-Control", "no-store".to_string())],
            );
        }
        _ => respond(
            request,
            404,
            "text/plain; charset=utf-8",
            b"404 not found\n".to_vec(),
            &[],
        ),
    }
}

/// Whether a changed path can matter to the site: not an editor temp file,
/// not inside a hidden folder.
pub fn is_relevant(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut components = rel.components().peekable();
    while let Some(c) = components.next() {
        let name = c.as_os_str().to_string_lossy();
        let last = components.peek().is_none();
        if name.starts_with('.')
            || (last && crate::load::is_ignored_name(&name) && !name.starts_with('_'))
        {
            return false;
        }
    }
    true
}

/// Whether an event says a file's content, name or existence changed.
/// Reading files (which every build does) raises access events: counting
/// them would rebuild forever.
fn is_change(event: &notify::Event) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    match event.kind {
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Any
        | EventKind::Other => true,
    }
}

/// Collects a burst of events: returns once no new event came for a short while.
fn debounce(
    rx: &mpsc::Receiver<notify::Result<notify::Event>>,
    first: notify::Event,
    root: &Path,
) -> Vec<PathBuf> {
    const QUIET: Duration = Duration::from_millis(15);
    const LONGEST: Duration = Duration::from_secs(1);
    let started = Instant::now();
    let mut paths: Vec<PathBuf> = if is_change(&first) {
        first.paths
    } else {
        Vec::new()
    };
    while started.elapsed() < LONGEST {
        match rx.recv_timeout(QUIET) {
            Ok(Ok(event)) if is_change(&event) => paths.extend(event.paths),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    paths.retain(|p| is_relevant(root, p));
    paths.sort();
    paths.dedup();
    paths
}

fn spawn_watcher(
    root: &Path,
    mut live: LiveSite,
    shared: Arc<Shared>,
    stop: mpsc::Receiver<()>,
    report: Arc<Reporter>,
) -> Result<std::thread::JoinHandle<()>, ServeError> {
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(|e| ServeError::Io(format!("cannot watch files: {e}")))?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for folder in ["content", "themes"] {
        let dir = root.join(folder);
        if dir.is_dir() {
            watcher
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| ServeError::Io(format!("cannot watch {}: {e}", dir.display())))?;
        }
    }
    Ok(std::thread::spawn(move || {
        // The watcher lives as long as this thread.
        let _watcher = watcher;
        loop {
            if stop.try_recv().is_ok() {
                return;
            }
            let first = match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(Ok(event)) if is_change(&event) => event,
                Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
            let paths = debounce(&rx, first, &root);
            if paths.is_empty() {
                continue;
            }
            let started = Instant::now();
            let result = live.apply(&paths);
            let elapsed = started.elapsed().as_millis();
            let mut state = shared.lock();
            state.version += 1;
            match result {
                Ok(update) => {
                    if update.full {
                        state.outputs = Arc::new(live.outputs().clone());
                    } else {
                        // In place: the map is copied only if a request still holds it.
                        let outputs = Arc::make_mut(&mut state.outputs);
                        for path in &update.changed {
                            match live.outputs().get(path) {
                                Some(bytes) => outputs.insert(path.clone(), Arc::clone(bytes)),
                                None => outputs.remove(path),
                            };
                        }
                    }
                    report(&format!(
                        "rebuilt in {elapsed} ms ({}): {} file{} changed",
                        if update.full { "full" } else { "local" },
                        update.changed.len(),
                        if update.changed.len() == 1 { "" } else { "s" }
                    ));
                    state.changed = update.changed;
                    state.errors.clear();
                }
                Err(errors) => {
                    report(&format!(
                        "{}rebuild failed: the last good site is still served",
                        crate::diagnostic::render_all(&errors)
                    ));
                    state.changed.clear();
                    state.errors = errors.iter().map(DiagnosticView::from).collect();
                }
            }
            drop(state);
            shared.changed.notify_all();
        }
    }))
}

/// Opens `url` in the system's browser, if it has a way to.
pub fn open_in_browser(url: &str) -> Result<(), String> {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    std::process::Command::new(program)
        .args(args)
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("cannot open a browser ({program}): {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs() -> Outputs {
        let mut o = Outputs::new();
        for k in [
            "index.html",
            "clubs/index.html",
            "clubs/biotech/index.html",
            "static/site.css",
            "en/404.html",
        ] {
            o.insert(k.to_string(), Arc::new(Vec::new()));
        }
        o
    }

    #[test]
    fn paths_resolve_to_outputs_only() {
        let o = outputs();
        assert_eq!(resolve_path("/", &o), Target::File("index.html".into()));
        assert_eq!(
            resolve_path("/clubs/?x=1", &o),
            Target::File("clubs/index.html".into())
        );
        assert_eq!(
            resolve_path("/clubs", &o),
            Target::Redirect("/clubs/".into())
        );
        assert_eq!(
            resolve_path("/static/site.css", &o),
            Target::File("static/site.css".into())
        );
        assert_eq!(
            resolve_path("/cl%75bs/", &o),
            Target::File("clubs/index.html".into())
        );
        assert_eq!(resolve_path("/nope/", &o), Target::NotFound);
        for hostile in [
            "/../etc/passwd",
            "/clubs/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/clubs%2fbiotech/",
            "/clubs%5c..%5c",
            "/..\\..\\etc\\passwd",
            "/clubs/%00",
            "/%zz",
            "etc/passwd",
            "/%ff%fe",
        ] {
            assert_eq!(resolve_path(hostile, &o), Target::BadRequest, "{hostile}");
        }
        assert_eq!(resolve_path("//etc/passwd", &o), Target::NotFound);
    }

    #[test]
    fn accepted_connections_do_not_wait_for_acknowledgements() {
        // Without TCP_NODELAY, each response after a connection's first
        // waited 40 ms for the client's delayed acknowledgement.
        let listener = listen(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = std::net::TcpStream::connect(addr).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert!(accepted.nodelay().unwrap());
    }

    #[test]
    fn content_types() {
        for (path, t) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.JPG", "image/jpeg"),
            ("a.webp", "image/webp"),
            ("a.avif", "image/avif"),
            ("a.woff2", "font/woff2"),
            ("a.xml", "application/xml"),
            ("a.ics", "text/calendar; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.pdf", "application/pdf"),
        ] {
            assert_eq!(content_type(path), t, "{path}");
        }
    }

    #[test]
    fn injection_goes_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>", "7-1")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__alumni/live.js\" data-instance=\"7-1\"></script>\n</body></html>"
        );
    }

    #[test]
    fn editor_files_are_not_relevant() {
        let root = Path::new("/site");
        assert!(is_relevant(
            root,
            Path::new("/site/content/clubs/biotech.md")
        ));
        assert!(is_relevant(
            root,
            Path::new("/site/content/clubs/_index.md")
        ));
        assert!(is_relevant(root, Path::new("/site/content/_data/nav.yaml")));
        assert!(is_relevant(root, Path::new("/site/content/clubs")));
        for temp in [
            "biotech.md~",
            ".biotech.md.swp",
            "#biotech.md#",
            ".#biotech.md",
            "4913",
            "x.tmp",
        ] {
            assert!(
                !is_relevant(root, &Path::new("/site/content/clubs").join(temp)),
                "{temp}"
            );
        }
        assert!(!is_relevant(root, Path::new("/site/content/.git/index")));
    }
}
