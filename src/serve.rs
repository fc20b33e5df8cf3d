//! `alumni serve`: the live site over HTTP, rebuilt as files change.
//!
//! In: build options, an address to listen on. Out: an HTTP server that
//! serves the in-memory outputs of [`LiveSite`], a watcher (notify) that
//! applies file changes to it, and a small script, injected into HTML pages
//! in this mode only, that reloads the page when it changed and shows the
//! build's errors, and the warnings `alumni check` would give, in an overlay
//! (`serve_live.js`).
//!
//! A site with errors is served all the same: the last good outputs stay
//! served under the overlay, and when nothing has ever built, every request
//! for a page gets a page that explains it (in French and English) and
//! reloads once the site builds. After each good build, once no change is
//! waiting, the rendered outputs are checked for broken internal links,
//! missing images and anchors (`check::check_outputs_unless`); the pages are
//! served before that check, and a change that comes in while it runs stops
//! it (it is made again after), so it never delays an edit; its findings
//! follow as warnings. Terminal lines and overlay texts are in [`ServeOptions::lang`].
//!
//! The server accepts connections itself and answers them with a fixed set
//! of threads (`serve::pool`: idle connections wait in one thread, requests
//! are answered by eight, held live-reload polls by one, so that a thousand
//! connections cost no thread more than one); it reads request heads with
//! the bounded reader of `serve::http`; `tiny_http` writes the responses. The request path is resolved by [`resolve_path`], a pure
//! function: a key into the map of outputs, never a file-system path, so no
//! request can read anything outside the built site.
//!
//! With `--drafts`, `--future` or `--expired`, the preview serves pages the
//! published site leaves out; a preview on another address may then show
//! what is not public yet. Bound to a loopback
//! address (the default), it answers only requests whose `Host` is a loopback
//! name (`HostPolicy`): any web page could otherwise point a name of its own
//! at 127.0.0.1 (DNS rebinding) and read the preview from the visitor's
//! browser. Bound to another address, the user chose to share it: any name is
//! answered.

mod http;
mod pool;

use std::io::{BufWriter, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use tiny_http::{HTTPVersion, Header, Response, StatusCode};

use self::http::Head;

use crate::build::BuildOptions;
use crate::build::Outputs;
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::i18n::{Lang, Text};
use crate::images::lazy::Store;
use crate::live::LiveSite;
// XML's escaping is HTML's too.
use crate::html::escape;
use crate::urls::percent_decode_strict;

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

/// Resolves a request URL (path and query) to an output of `outputs`.
pub fn resolve_path(url: &str, outputs: &Outputs) -> Target {
    resolve_path_in(url, &|key| outputs.contains_key(key))
}

/// Resolves a request URL (path and query) to an output for which `exists`
/// says yes.
pub fn resolve_path_in(url: &str, exists: &dyn Fn(&str) -> bool) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Target::BadRequest;
    }
    let Some(decoded) = percent_decode_strict(path) else {
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
    if exists(&key) {
        return Target::File(key);
    }
    if !inner.is_empty() && !inner.ends_with('/') && exists(&format!("{inner}/index.html")) {
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

/// Adds the live-reload script to an HTML page, before the last `</body>`
/// end tag when there is one (as the tokenizer reads it, in any case, and
/// not in a comment or a script), else at the end. The tag names the server
/// instance that served the page, so that the page notices a restart even
/// if it never heard from this one. `waiting` marks the page served while
/// nothing has built, which reloads at the first good build.
fn inject(html: &[u8], instance: &str, waiting: bool) -> Vec<u8> {
    let waiting = if waiting { " data-waiting" } else { "" };
    let tag = format!(
        "<script src=\"{ENDPOINT_PREFIX}live.js\" data-instance=\"{instance}\"{waiting}></script>"
    );
    let text = String::from_utf8_lossy(html);
    let mut body_end = None;
    // With scripting, as the browser that runs the script reads the page.
    crate::html::located(&text, false, |range, token| {
        if matches!(&token, crate::html::Token::TagToken(t)
            if t.kind == crate::html::TagKind::EndTag && &*t.name == "body")
        {
            body_end = Some(range.start);
        }
    });
    match body_end {
        Some(i) => format!("{}{tag}\n{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}\n").into_bytes(),
    }
}

/// A diagnostic as the browser overlay shows it, in the language of the run.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
struct DiagnosticView {
    /// `error` or `warning`, for the overlay's styles.
    severity: &'static str,
    /// The same word in the language of the run.
    word: &'static str,
    location: String,
    message: String,
    line: Option<usize>,
    source_line: Option<String>,
    column: Option<usize>,
    hint: Option<String>,
}

impl DiagnosticView {
    fn new(d: &Diagnostic, lang: Lang) -> Self {
        DiagnosticView {
            severity: d.severity.label(),
            word: d.severity.word(lang),
            location: d.location(),
            message: d.message.get(lang).to_string(),
            line: d.position.map(|p| p.line),
            source_line: d.source_line().map(|(shown, _)| shown.to_string()),
            // Where the caret goes in what is shown: a long line is cut.
            column: d
                .source_line()
                .map_or(d.position.map(|p| p.col), |(_, caret)| Some(caret)),
            hint: d.hint.as_ref().map(|h| h.get(lang).to_string()),
        }
    }
}

/// "3 errors", "1 avertissement".
fn count(n: usize, severity: Severity) -> Text {
    match (severity, n) {
        (Severity::Error, 1) => tr!("1 error", "1 erreur"),
        (Severity::Error, _) => tr!("{n} errors", "{n} erreurs"),
        (Severity::Warning, 1) => tr!("1 warning", "1 avertissement"),
        (Severity::Warning, _) => tr!("{n} warnings", "{n} avertissements"),
        (Severity::Info, _) => tr!("{n} notes", "{n} informations"),
    }
}

/// "2 errors, 1 warning": the problems counted, those of each kind present.
fn summary(errors: usize, warnings: usize) -> Text {
    let parts: Vec<Text> = [(errors, Severity::Error), (warnings, Severity::Warning)]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, s)| count(n, s))
        .collect();
    Text::new(
        parts
            .iter()
            .map(|t| t.en.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        parts
            .iter()
            .map(|t| t.fr.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// The overlay's own words, in the language of the run: the script holds none.
#[derive(Serialize)]
struct OverlayTexts {
    /// The panel's heading.
    title: String,
    /// "2 errors, 1 warning": the folded badge and the announcement.
    summary: String,
    /// The button that folds the panel.
    fold: String,
    /// What the badge does, for its accessible name.
    show: String,
    /// The word before a hint.
    hint: String,
    /// The label of the source line's gutter (the line number).
    line: String,
}

impl OverlayTexts {
    fn new(lang: Lang, errors: usize, warnings: usize, served: bool) -> Self {
        let summary = summary(errors, warnings);
        let (summary_en, summary_fr) = (&summary.en, &summary.fr);
        let title = if errors == 0 {
            tr!(
                "alumni: {summary_en}, as alumni check will report them",
                "alumni : {summary_fr}, qu'alumni check signalera"
            )
        } else if served {
            tr!(
                "alumni: {summary_en}; the last good version is still served",
                "alumni : {summary_fr} ; la dernière version correcte reste affichée"
            )
        } else {
            tr!(
                "alumni: {summary_en}; nothing could be built yet, this page reloads once they are fixed",
                "alumni : {summary_fr} ; rien n'a encore pu être construit, cette page se recharge dès qu'elles sont corrigées"
            )
        };
        OverlayTexts {
            title: title.get(lang).to_string(),
            summary: summary.get(lang).to_string(),
            fold: tr!("Fold", "Replier").get(lang).to_string(),
            show: tr!("Show the problems", "Afficher les problèmes")
                .get(lang)
                .to_string(),
            hint: tr!("hint", "conseil").get(lang).to_string(),
            line: tr!("line", "ligne").get(lang).to_string(),
        }
    }
}

/// What the server shares between its threads.
struct State {
    /// The last good outputs; empty until a build succeeds.
    outputs: Arc<Outputs>,
    /// Whether a build ever succeeded: until then, every page request gets `waiting`.
    served: bool,
    /// The page that explains why nothing is served yet.
    waiting: Arc<Vec<u8>>,
    /// Bumped by every rebuild, good or bad.
    version: u64,
    /// Output paths changed by the last rebuild.
    changed: Vec<String>,
    /// Errors of the last rebuild; empty when it succeeded.
    errors: Vec<DiagnosticView>,
    /// Bumped when the checks of the rendered outputs found something else.
    report: u64,
    /// What those checks found in the last good outputs.
    warnings: Vec<DiagnosticView>,
    /// Language prefixes (`""`, `en/`), longest first, for 404 pages.
    prefixes: Vec<String>,
    /// Live-reload polls waiting for a change (see `serve::pool`).
    held: Vec<pool::HeldPoll>,
    /// The images of the last good build, made when asked for.
    images: Option<Arc<Store>>,
}

#[derive(Serialize)]
struct PollAnswer<'a> {
    instance: &'a str,
    version: u64,
    report: u64,
    served: bool,
    lang: &'static str,
    changed: &'a [String],
    errors: &'a [DiagnosticView],
    warnings: &'a [DiagnosticView],
    texts: OverlayTexts,
}

/// The state, its wake-up signal, and what every connection needs to know.
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// Differs at each start, so pages notice a restarted server.
    instance: String,
    /// Which `Host` names are answered.
    hosts: HostPolicy,
    /// Set by [`Running::stop`]: connections close after their current request.
    stopping: AtomicBool,
    /// The language of the overlay and of the server's own answers.
    lang: Lang,
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
    /// The language of terminal lines, of the overlay and of diagnostics.
    pub lang: Lang,
    /// Make the images' missing outputs in the background after each full
    /// build (else each is made at its first request).
    pub prefetch_images: bool,
}

/// Why the server could not start. A site with errors is no reason: it is
/// served with its errors shown.
#[derive(Debug)]
pub enum ServeError {
    /// Address in use, watcher failure...
    Io(Text),
}

/// A listening socket whose connections send each write at once.
///
/// `tiny_http` writes a response's headers and its body separately. With
/// Nagle's algorithm on, a body bigger than the write buffer then waits for
/// the client to acknowledge the headers, which a client on a kept-alive
/// connection delays by up to 40 ms: every request after a connection's
/// first took 40 ms on loopback. Accepted sockets inherit `TCP_NODELAY` from
/// the listener on Linux.
fn listen(addr: (&str, u16)) -> std::io::Result<TcpListener> {
    let listener = TcpListener::bind(addr)?;
    #[cfg(target_os = "linux")]
    rustix::net::sockopt::set_tcp_nodelay(&listener, true)?;
    Ok(listener)
}

/// Binds the first free port from `options` (a given port must be free).
fn bind(options: &ServeOptions) -> Result<(TcpListener, SocketAddr), ServeError> {
    let ports: Vec<u16> = match options.port {
        Some(p) => vec![p],
        None => (1111..1131).collect(),
    };
    let mut last = String::new();
    for port in &ports {
        // Port 0 asks the system for a free one: the real one is in the local address.
        match listen((options.bind.as_str(), *port)).and_then(|l| {
            let local = l.local_addr()?;
            Ok((l, local))
        }) {
            Ok(bound) => return Ok(bound),
            Err(e) => last = e.to_string(),
        }
    }
    let bind = &options.bind;
    Err(ServeError::Io(match options.port {
        Some(p) => tr!(
            "cannot listen on {bind}:{p}: {last}; another program (perhaps another alumni serve) uses this port: stop it or pass another --port",
            "impossible d'écouter sur {bind}:{p} : {last} ; un autre programme (peut-être un autre alumni serve) utilise ce port : arrêtez-le ou passez un autre --port"
        ),
        None => tr!(
            "no free port between 1111 and 1130 on {bind}: {last}",
            "aucun port libre entre 1111 et 1130 sur {bind} : {last}"
        ),
    }))
}

/// Which `Host` names the server answers.
#[derive(Clone, Debug, PartialEq, Eq)]
enum HostPolicy {
    /// Bound to a loopback address: `localhost`, `127.0.0.1`, `[::1]`, the
    /// bound address and the name `--bind` gave, with this port or none, in
    /// any case, with or without a trailing dot. No page of the web can make
    /// a browser send these names for itself: browsers resolve the first ones
    /// without asking DNS, and the user chose the last.
    Local {
        /// The port listened on.
        port: u16,
        /// The names answered; the first is the host of the URL `serve` prints.
        names: Vec<String>,
    },
    /// Bound to another address (`0.0.0.0`, a LAN address): the user shares
    /// the preview, under whatever name others reach it by.
    Any,
}

impl HostPolicy {
    /// The policy of a server listening on `local`, whose URL has `url_host`
    /// (the `--bind` value, in brackets for an IPv6 address).
    fn new(local: SocketAddr, url_host: &str) -> HostPolicy {
        let ip = local.ip().to_canonical();
        if !ip.is_loopback() {
            return HostPolicy::Any;
        }
        let bound = match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        };
        let mut names = vec![url_host.to_ascii_lowercase()];
        for name in ["localhost", "127.0.0.1", "[::1]", &bound] {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        HostPolicy::Local {
            port: local.port(),
            names,
        }
    }

    /// Whether a request whose `Host` is `host` is answered.
    fn allows(&self, host: &str) -> bool {
        let HostPolicy::Local { port, names } = self else {
            return true;
        };
        let host = host.to_ascii_lowercase();
        let (name, rest) = if host.starts_with('[') {
            match host.find(']') {
                Some(end) => host.split_at(end + 1),
                None => return false,
            }
        } else {
            host.split_at(host.find(':').unwrap_or(host.len()))
        };
        let port_matches = match rest.strip_prefix(':') {
            None => rest.is_empty(),
            // `host:` with an empty port is the default port (RFC 3986, section 3.2.3).
            Some("") => true,
            Some(p) => p.bytes().all(|b| b.is_ascii_digit()) && p.parse() == Ok(*port),
        };
        let name = name.strip_suffix('.').unwrap_or(name);
        port_matches && names.iter().any(|n| n == name)
    }
}

/// The answer to a request whose `Host` this server does not answer; `None`
/// when it does.
///
/// 421 Misdirected Request rather than 403 Forbidden: what is wrong is the
/// name the request was sent to, not who sent it, and 421 says just that
/// (RFC 9110, section 15.5.20: the server "is not able to produce a response"
/// for that name); 403 would say that the page exists here but is forbidden.
/// A request with no `Host` in HTTP/1.1, or with two, is a 400, as RFC 9112
/// (section 3.2) requires.
fn refuse_host(head: &Head, hosts: &HostPolicy, lang: Lang) -> Option<Reply> {
    let mut names = head.values("Host");
    let (host, another) = (names.next(), names.next());
    let malformed = another.is_some() || (host.is_none() && head.minor >= 1);
    let answered = !malformed && host.map_or(*hosts == HostPolicy::Any, |h| hosts.allows(h));
    if answered {
        return None;
    }
    let reply = match hosts {
        HostPolicy::Local { port, names } => {
            let at = |name: &str| format!("http://{name}:{port}/");
            let (fr, en) = match names.first().map(String::as_str) {
                Some(first) if first != "localhost" => (
                    format!("{}, ou {}", at(first), at("localhost")),
                    format!("{}, or {}", at(first), at("localhost")),
                ),
                _ => (at("localhost"), at("localhost")),
            };
            Reply::text(
                if malformed { 400 } else { 421 },
                &format!(
                    "Cette prévisualisation ne répond qu'à son adresse locale, {fr} : ouvrez-la là. \
                     Les autres noms sont refusés, sans quoi une page web pourrait la lire, \
                     brouillons compris. Pour la montrer à d'autres appareils, relancez \
                     alumni serve avec --bind 0.0.0.0.\n\
                     This preview answers only at its local address, {en}: open it there. \
                     Other names are refused, or a web page could read it, drafts included. \
                     To show it to other devices, start alumni serve again with --bind 0.0.0.0.\n"
                ),
            )
        }
        HostPolicy::Any => Reply::text(
            400,
            tr!(
                "400 bad request: name the host in one Host header\n",
                "400 requête incorrecte : nommez l'hôte dans un seul en-tête Host\n"
            )
            .get(lang),
        ),
    };
    Some(reply.closing())
}

/// A running server: its address, and how to stop it.
pub struct Running {
    /// `http://127.0.0.1:1111/`.
    pub url: String,
    shared: Arc<Shared>,
    /// Where a connection wakes the accept loop up.
    wake: SocketAddr,
    accept: std::thread::JoinHandle<()>,
    watcher: std::thread::JoinHandle<()>,
    stop_watch: mpsc::Sender<()>,
    /// Wakes the waiting room, to see that the server stops.
    handoff: pool::Handoff,
}

impl Running {
    /// Stops accepting connections and watching files, and waits for both;
    /// a connection under way closes after its current request.
    pub fn stop(self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        let _ = self.stop_watch.send(());
        // Held polls are answered, idle connections closed.
        self.shared.changed.notify_all();
        self.handoff.wake();
        // `accept` has no timeout: a connection of our own wakes it up to see
        // the flag. Without one, the accept thread is left to the process's end.
        if TcpStream::connect_timeout(&self.wake, Duration::from_secs(1)).is_ok() {
            let _ = self.accept.join();
        }
        let _ = self.watcher.join();
    }
}

/// Where to connect to reach a server listening on `local`.
fn wake_address(local: SocketAddr) -> SocketAddr {
    let ip = match local.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, local.port())
}

/// A line for the terminal about a rebuild.
pub type Reporter = dyn Fn(&str) + Send + Sync;

/// Builds the site, starts the server and the watcher, and returns at once.
/// A site with errors is served too: they show in the overlay.
pub fn start(options: &ServeOptions, report: &Arc<Reporter>) -> Result<Running, ServeError> {
    let lang = options.lang;
    let (listener, local) = bind(options)?;
    let port = local.port();
    let host = if options.bind.contains(':') {
        format!("[{}]", options.bind)
    } else {
        options.bind.clone()
    };
    let url = format!("http://{host}:{port}/");
    let mut build = options.build.clone();
    build.base_url = Some(format!("http://{host}:{port}"));
    let instance = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let (state, live) = first_build(&build, options, report, &instance);
    let shared = Arc::new(Shared {
        state: Mutex::new(state),
        changed: Condvar::new(),
        instance,
        hosts: HostPolicy::new(local, &host),
        stopping: AtomicBool::new(false),
        lang,
    });
    let (stop_tx, stop_rx) = mpsc::channel();
    let watcher = spawn_watcher(
        build,
        options.prefetch_images,
        live,
        Arc::clone(&shared),
        stop_rx,
        Arc::clone(report),
    )?;
    let handoff = pool::start(&shared).map_err(|e| {
        ServeError::Io(tr!(
            "cannot start the server's threads: {e}",
            "impossible de lancer les fils d'exécution du serveur : {e}"
        ))
    })?;
    let accept = {
        let (shared, handoff) = (Arc::clone(&shared), handoff.clone());
        std::thread::spawn(move || accept_loop(&listener, &shared, &handoff))
    };
    Ok(Running {
        url,
        shared,
        wake: wake_address(local),
        accept,
        watcher,
        stop_watch: stop_tx,
        handoff,
    })
}

/// The first build of the site with the `build` options, and the state it
/// leaves: its outputs served, or its errors shown on every page; the site
/// when it was built. Said on the terminal with `report`.
fn first_build(
    build: &BuildOptions,
    options: &ServeOptions,
    report: &Arc<Reporter>,
    instance: &str,
) -> (State, Option<LiveSite>) {
    let lang = options.lang;
    let started = Instant::now();
    let mut state = State {
        outputs: Arc::new(Outputs::new()),
        served: false,
        waiting: Arc::new(Vec::new()),
        version: 1,
        changed: Vec::new(),
        errors: Vec::new(),
        report: 0,
        warnings: Vec::new(),
        prefixes: Vec::new(),
        held: Vec::new(),
        images: None,
    };
    let live = match LiveSite::build(build.clone()) {
        Ok(live) => {
            let files = live.outputs().len();
            let ms = started.elapsed().as_millis();
            report(
                tr!(
                    "built {files} files in {ms} ms",
                    "{files} fichiers construits en {ms} ms"
                )
                .get(lang),
            );
            publish(&mut state, &live);
            if options.prefetch_images {
                live.images().prefetch();
            }
            Some(live)
        }
        Err(errors) => {
            report(&format!(
                "{}{}",
                diagnostic::render_all(&errors, lang),
                tr!(
                    "the site has errors: a page that shows them is served until they are fixed",
                    "le site a des erreurs : une page qui les montre est servie jusqu'à ce qu'elles soient corrigées"
                )
                .get(lang)
            ));
            fail_first(&mut state, &errors, lang, instance);
            None
        }
    };
    (state, live)
}

/// Serves the outputs of a good full build.
fn publish(state: &mut State, live: &LiveSite) {
    let mut prefixes = live.language_prefixes();
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    state.prefixes = prefixes;
    state.outputs = Arc::new(live.outputs().clone());
    state.images = Some(Arc::clone(live.images()));
    state.served = true;
    state.waiting = Arc::new(Vec::new());
    state.errors.clear();
}

/// Records the errors of a build that left nothing to serve.
fn fail_first(state: &mut State, errors: &[Diagnostic], lang: Lang, instance: &str) {
    state.errors = errors
        .iter()
        .map(|d| DiagnosticView::new(d, lang))
        .collect();
    state.waiting = Arc::new(inject(&waiting_page(errors, lang), instance, true));
}

/// The page served for every page request while nothing has built: what
/// happened, in French and English, and the errors, readable without the
/// script (which shows them in the overlay and reloads once the site builds).
fn waiting_page(errors: &[Diagnostic], lang: Lang) -> Vec<u8> {
    let n = errors.iter().filter(|d| d.is_error()).count();
    let counted = count(n, Severity::Error);
    let (counted_en, counted_fr) = (&counted.en, &counted.fr);
    let (first, second) = match lang {
        Lang::Fr => (Lang::Fr, Lang::En),
        Lang::En => (Lang::En, Lang::Fr),
    };
    let explain = |lang: Lang| {
        let heading = tr!(
            "The site cannot be built yet",
            "Le site ne peut pas encore être construit"
        );
        let body = tr!(
            "alumni serve found {counted_en} in the site's files, listed below with the file, line and column of each and what to do. Correct them and save: this page reloads by itself as soon as the site builds.",
            "alumni serve a trouvé {counted_fr} dans les fichiers du site, listées ci-dessous avec le fichier, la ligne et la colonne de chacune et ce qu'il faut faire. Corrigez-les et enregistrez : cette page se recharge d'elle-même dès que le site se construit."
        );
        format!(
            "<section lang=\"{}\"><h1>{}</h1><p>{}</p></section>\n",
            lang.code(),
            escape(heading.get(lang)),
            escape(body.get(lang))
        )
    };
    let title = tr!(
        "alumni serve: the site has errors",
        "alumni serve : le site a des erreurs"
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0 auto;\
         max-width:46rem;padding:1rem;color:#1a1a1a;background:#fff}}pre{{white-space:pre-wrap;\
         overflow-wrap:anywhere;background:#f3f3f6;padding:1rem}}</style>\n</head>\n<body>\n<main>\n\
         {}{}<pre>{}</pre>\n</main>\n</body>\n</html>\n",
        explain(first),
        explain(second),
        escape(&diagnostic::render_all(errors, lang)),
        code = lang.code(),
        title = escape(title.get(lang)),
    )
    .into_bytes()
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, handoff: &pool::Handoff) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        match stream {
            // To the waiting room: no thread per connection.
            Ok(stream) => handoff.accepted(stream),
            // Out of file descriptors, or a connection reset before it was
            // accepted: a pause, then on (ending the loop would stop serving).
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// How long a connection is drained before it is closed, at most.
const LINGER: Duration = Duration::from_secs(2);

/// How much of what a client still sends is read and dropped before closing, at most.
const LINGER_BYTES: usize = 1024 * 1024;

/// Closes a connection after its last reply. What the client still sends
/// (the rest of a refused head, a body) is read and dropped first, for a
/// bounded time and amount: closing with bytes unread makes the system reset
/// the connection, which can destroy the reply before the client reads it.
fn close_gracefully(conn: &mut pool::Conn) {
    if conn.stream().shutdown(Shutdown::Write).is_err() {
        return;
    }
    conn.read_for(LINGER);
    let mut scratch = [0u8; 8192];
    let mut drained = 0;
    while drained < LINGER_BYTES {
        match conn.reader.read(&mut scratch) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

/// What to send back for one request.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
    /// Whether the connection closes after this reply.
    close: bool,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type,
            body,
            headers: Vec::new(),
            close: false,
        }
    }

    fn text(status: u16, text: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }

    fn with(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }

    fn closing(mut self) -> Reply {
        self.close = true;
        self
    }
}

/// Sends `reply` as HTTP/1.`minor`, without its body for HEAD.
fn write_reply(
    writer: &mut BufWriter<TcpStream>,
    reply: Reply,
    minor: u8,
    head_only: bool,
) -> std::io::Result<()> {
    let mut response = Response::from_data(reply.body).with_status_code(StatusCode(reply.status));
    let headers = std::iter::once(("Content-Type", reply.content_type))
        .chain(reply.headers.iter().map(|(n, v)| (*n, v.as_str())));
    for (name, value) in headers {
        // A value that is not a valid header (never the case for ours) is left out rather than sent broken.
        if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response = response.with_header(h);
        }
    }
    response.raw_print(&mut *writer, HTTPVersion(1, minor), &[], head_only, None)?;
    writer.flush()
}

/// Whether a request path asks for a page (a folder, an `.html` file, a
/// name without extension) rather than a stylesheet, image or other file.
fn asks_for_page(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    !last.contains('.') || last.ends_with(".html") || last.ends_with(".htm")
}

/// What a request gets: a reply now, or a poll held until the site changes.
enum Outcome {
    /// Sent at once.
    Reply(Reply),
    /// A live-reload poll that waits (see `serve::pool`).
    Hold(PollWait),
}

/// What a live-reload poll waits for: `v` is the rebuild the page knows,
/// `r` the checks' report; the answer waits until either moves on (a
/// missing `r` waits for rebuilds alone), or until `deadline`.
#[derive(Clone, Copy, Debug)]
struct PollWait {
    seen: Option<u64>,
    seen_report: Option<u64>,
    deadline: Instant,
}

/// Whether a held poll is to be answered now.
fn poll_is_due(wait: &PollWait, state: &State, now: Instant) -> bool {
    now >= wait.deadline
        || wait.seen != Some(state.version)
        || wait.seen_report.is_some_and(|r| r != state.report)
}

/// The answer to a live-reload poll: the state of the site.
fn poll_reply(state: &State, shared: &Shared) -> Reply {
    let errors = state
        .errors
        .iter()
        .filter(|d| d.severity == "error")
        .count();
    let body = serde_json::to_vec(&PollAnswer {
        instance: &shared.instance,
        version: state.version,
        report: state.report,
        served: state.served,
        lang: shared.lang.code(),
        changed: &state.changed,
        errors: &state.errors,
        warnings: &state.warnings,
        texts: OverlayTexts::new(
            shared.lang,
            errors,
            state.warnings.len() + state.errors.len() - errors,
            state.served,
        ),
    })
    .unwrap_or_default();
    Reply::new(200, "application/json", body).with("Cache-Control", "no-store".to_string())
}

/// The answer to a poll beyond [`pool::MAX_HELD_POLLS`]: the page's script
/// polls again a second later.
fn too_many_polls(lang: Lang) -> Reply {
    Reply::text(
        503,
        tr!(
            "503 too many pages wait for changes: this one asks again in a moment\n",
            "503 trop de pages attendent des changements : celle-ci redemande dans un instant\n"
        )
        .get(lang),
    )
    .with("Retry-After", "1".to_string())
}

/// The reply to a request, or the poll to hold.
fn answer(head: &Head, shared: &Shared) -> Outcome {
    let poll = head
        .target
        .strip_prefix(ENDPOINT_PREFIX)
        .and_then(|e| e.strip_prefix("poll"))
        .filter(|rest| rest.is_empty() || rest.starts_with('?'));
    let allowed = || {
        refuse_host(head, &shared.hosts, shared.lang).is_none()
            && (head.method == "GET" || head.method == "HEAD")
    };
    if let Some(rest) = poll.filter(|_| allowed()) {
        let query = rest.strip_prefix('?').unwrap_or("");
        let wait = PollWait {
            seen: query_number(query, "v"),
            seen_report: query_number(query, "r"),
            deadline: Instant::now() + POLL_WAIT,
        };
        let state = shared.lock();
        return if poll_is_due(&wait, &state, Instant::now()) {
            Outcome::Reply(poll_reply(&state, shared))
        } else {
            Outcome::Hold(wait)
        };
    }
    Outcome::Reply(answer_now(head, shared))
}

/// The reply to a request that is not a held poll.
fn answer_now(head: &Head, shared: &Shared) -> Reply {
    let lang = shared.lang;
    // First, so that nothing (not even the server's own endpoints) answers a foreign name.
    if let Some(refusal) = refuse_host(head, &shared.hosts, lang) {
        return refusal;
    }
    if head.method != "GET" && head.method != "HEAD" {
        return Reply::text(
            405,
            tr!("method not allowed\n", "méthode non autorisée\n").get(lang),
        )
        .with("Allow", "GET, HEAD".to_string());
    }
    let url = head.target.as_str();
    if let Some(endpoint) = url.strip_prefix(ENDPOINT_PREFIX) {
        return answer_endpoint(endpoint, shared);
    }
    let site = Snapshot::of(&shared.lock());
    if !site.served {
        return nothing_built(url, &site.waiting, lang);
    }
    let is_image = |key: &str| site.images.as_ref().is_some_and(|i| i.is_output(key));
    let exists = |key: &str| site.outputs.contains_key(key) || is_image(key);
    match resolve_path_in(url, &exists) {
        Target::File(key) => file_reply(head, &key, &site, shared),
        Target::Redirect(location) => Reply::text(
            301,
            tr!("moved to {location}\n", "déplacé vers {location}\n").get(lang),
        )
        .with("Location", location),
        Target::NotFound => not_found_reply(url, &site, shared),
        Target::BadRequest => Reply::text(
            400,
            tr!("400 bad request\n", "400 requête incorrecte\n").get(lang),
        ),
    }
}

/// What a request is answered from, taken from the state at once so that
/// the lock is not held while answering.
struct Snapshot {
    outputs: Arc<Outputs>,
    images: Option<Arc<Store>>,
    prefixes: Vec<String>,
    served: bool,
    waiting: Arc<Vec<u8>>,
}

impl Snapshot {
    /// What `state` holds now.
    fn of(state: &State) -> Snapshot {
        Snapshot {
            outputs: Arc::clone(&state.outputs),
            images: state.images.clone(),
            prefixes: state.prefixes.clone(),
            served: state.served,
            waiting: Arc::clone(&state.waiting),
        }
    }
}

/// The header that makes browsers ask again each time.
fn no_store() -> (&'static str, String) {
    ("Cache-Control", "no-cache".to_string())
}

/// The "404 not found" text.
fn not_found() -> Text {
    tr!("404 not found\n", "404 introuvable\n")
}

/// The reply while nothing good exists yet: for a page, the `waiting` one
/// that says why; for anything else, a line of text.
fn nothing_built(url: &str, waiting: &[u8], lang: Lang) -> Reply {
    let (name, value) = no_store();
    let reply = if asks_for_page(url) {
        Reply::new(503, "text/html; charset=utf-8", waiting.to_vec())
    } else {
        Reply::text(
            503,
            tr!(
                "503 the site has errors: nothing is built yet\n",
                "503 le site a des erreurs : rien n'est encore construit\n"
            )
            .get(lang),
        )
    };
    reply.with(name, value)
}

/// The reply with the output `key` of the `site`: an HTML page with the
/// live-reload script, an image made now if it is not in the cache (this
/// request waits for its own image, and nothing else does), or a 304 when
/// the client's copy is current.
fn file_reply(head: &Head, key: &str, site: &Snapshot, shared: &Shared) -> Reply {
    let lang = shared.lang;
    let body = match (site.outputs.get(key), &site.images) {
        (Some(bytes), _) if key.ends_with(".html") => inject(bytes, &shared.instance, false),
        (Some(bytes), _) => bytes.to_vec(),
        (None, Some(images)) => match images.get(key) {
            Some(Ok(bytes)) => bytes,
            Some(Err(d)) => {
                return Reply::text(500, &diagnostic::render_all(&[d], lang))
                    .with("Cache-Control", "no-cache".to_string());
            }
            None => return Reply::text(404, not_found().get(lang)),
        },
        (None, None) => return Reply::text(404, not_found().get(lang)),
    };
    let tag = etag(&body);
    let matches = head
        .values("If-None-Match")
        .any(|v| v.split(',').any(|t| t.trim() == tag));
    let (status, body) = if matches {
        (304, Vec::new())
    } else {
        (200, body)
    };
    let (name, value) = no_store();
    Reply::new(status, content_type(key), body)
        .with("ETag", tag)
        .with(name, value)
}

/// The reply for a `url` that leads to no output: the site's 404 page of
/// the url's language, or a line of text when it has none.
fn not_found_reply(url: &str, site: &Snapshot, shared: &Shared) -> Reply {
    let inner = url.trim_start_matches('/');
    let page = site
        .prefixes
        .iter()
        .filter(|p| inner.starts_with(p.as_str()))
        .map(|p| format!("{p}404.html"))
        .find(|k| site.outputs.contains_key(k));
    let reply = match page {
        Some(key) => Reply::new(
            404,
            "text/html; charset=utf-8",
            inject(&site.outputs[&key], &shared.instance, false),
        ),
        None => Reply::text(404, not_found().get(shared.lang)),
    };
    let (name, value) = no_store();
    reply.with(name, value)
}

/// The number after `key=` in a query, if any.
fn query_number(query: &str, key: &str) -> Option<u64> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
}

fn answer_endpoint(endpoint: &str, shared: &Shared) -> Reply {
    let name = endpoint.split_once('?').map_or(endpoint, |(name, _)| name);
    match name {
        "live.js" => Reply::new(200, content_type("live.js"), LIVE_JS.as_bytes().to_vec())
            .with("Cache-Control", "no-cache".to_string()),
        // Held polls are answered by `answer`; this one answers at once.
        "poll" => poll_reply(&shared.lock(), shared),
        _ => Reply::text(
            404,
            tr!("404 not found\n", "404 introuvable\n").get(shared.lang),
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
    build: BuildOptions,
    prefetch_images: bool,
    live: Option<LiveSite>,
    shared: Arc<Shared>,
    stop: mpsc::Receiver<()>,
    report: Arc<Reporter>,
) -> Result<std::thread::JoinHandle<()>, ServeError> {
    use notify::{RecursiveMode, Watcher};
    let lang = shared.lang;
    let (tx, rx) = mpsc::channel();
    let root = build
        .root
        .canonicalize()
        .unwrap_or_else(|_| build.root.clone());
    // Set by every change that will rebuild, as it happens: a check of the
    // outputs under way gives up for it (see `Watched::check`).
    let pending = Arc::new(AtomicBool::new(false));
    let (watched_root, changed) = (root.clone(), Arc::clone(&pending));
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(e) = &event {
            if is_change(e) && e.paths.iter().any(|p| is_relevant(&watched_root, p)) {
                changed.store(true, Ordering::SeqCst);
            }
        }
        let _ = tx.send(event);
    })
    .map_err(|e| {
        ServeError::Io(tr!(
            "cannot watch files: {e}",
            "impossible de surveiller les fichiers : {e}"
        ))
    })?;
    for folder in ["content", "themes"] {
        let dir = root.join(folder);
        if dir.is_dir() {
            watcher.watch(&dir, RecursiveMode::Recursive).map_err(|e| {
                let dir = dir.display();
                ServeError::Io(tr!(
                    "cannot watch {dir}: {e}",
                    "impossible de surveiller {dir} : {e}"
                ))
            })?;
        }
    }
    Ok(std::thread::spawn(move || {
        // The watcher lives as long as this thread.
        let _watcher = watcher;
        let mut site = Watched {
            build,
            prefetch_images,
            live,
            shared,
            report,
            lang,
            warnings: Vec::new(),
        };
        // The first good build's outputs are checked once nothing else is to do.
        let mut check_due = site.live.is_some();
        loop {
            if stop.try_recv().is_ok() {
                return;
            }
            // A change waiting goes first: the checks never delay a rebuild.
            let wait = if check_due {
                Duration::ZERO
            } else {
                Duration::from_millis(200)
            };
            let first = match rx.recv_timeout(wait) {
                Ok(Ok(event)) if is_change(&event) => event,
                Ok(_) => continue,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if check_due {
                        // A change that comes in from now on stops the
                        // check, which is made again once it is applied.
                        pending.store(false, Ordering::SeqCst);
                        check_due = !site.check(&|| pending.load(Ordering::SeqCst));
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
            let paths = debounce(&rx, first, &root);
            if !paths.is_empty() && site.rebuild(&paths) {
                check_due = true;
            }
        }
    }))
}

/// What the watcher thread keeps: the live site, once one built.
struct Watched {
    build: BuildOptions,
    /// See [`ServeOptions::prefetch_images`].
    prefetch_images: bool,
    live: Option<LiveSite>,
    shared: Arc<Shared>,
    report: Arc<Reporter>,
    lang: Lang,
    /// What the last check of the outputs found.
    warnings: Vec<Diagnostic>,
}

impl Watched {
    /// Applies a change; whether outputs changed (so that they need checking).
    fn rebuild(&mut self, paths: &[PathBuf]) -> bool {
        let lang = self.lang;
        let started = Instant::now();
        let result = match &mut self.live {
            Some(live) => live.apply(paths),
            None => match LiveSite::build(self.build.clone()) {
                Ok(live) => {
                    let update = crate::live::Update {
                        changed: live.outputs().keys().cloned().collect(),
                        full: true,
                    };
                    self.live = Some(live);
                    Ok(update)
                }
                Err(errors) => Err(errors),
            },
        };
        let ms = started.elapsed().as_millis();
        let mut state = self.shared.lock();
        state.version += 1;
        let checked = match (result, &self.live) {
            // A good result always comes with a site.
            (Ok(update), Some(live)) => {
                if update.full && self.prefetch_images {
                    live.images().prefetch();
                }
                if !state.served {
                    publish(&mut state, live);
                } else if update.full {
                    state.outputs = Arc::new(live.outputs().clone());
                    state.images = Some(Arc::clone(live.images()));
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
                let n = update.changed.len();
                let said = match (update.full, n) {
                    (true, 1) => tr!(
                        "rebuilt in {ms} ms (full): 1 file changed",
                        "reconstruit en {ms} ms (en entier) : 1 fichier modifié"
                    ),
                    (true, _) => tr!(
                        "rebuilt in {ms} ms (full): {n} files changed",
                        "reconstruit en {ms} ms (en entier) : {n} fichiers modifiés"
                    ),
                    (false, 1) => tr!(
                        "rebuilt in {ms} ms (local): 1 file changed",
                        "reconstruit en {ms} ms (en partie) : 1 fichier modifié"
                    ),
                    (false, _) => tr!(
                        "rebuilt in {ms} ms (local): {n} files changed",
                        "reconstruit en {ms} ms (en partie) : {n} fichiers modifiés"
                    ),
                };
                (self.report)(said.get(lang));
                let any_page = update.changed.iter().any(|p| p.ends_with(".html"));
                state.changed = update.changed;
                state.errors.clear();
                any_page
            }
            (Ok(_), None) => false,
            (Err(errors), _) => {
                let tail = if state.served {
                    tr!(
                        "rebuild failed: the last good site is still served",
                        "échec de la reconstruction : la dernière version correcte du site reste servie"
                    )
                } else {
                    tr!(
                        "the site has errors: a page that shows them is served until they are fixed",
                        "le site a des erreurs : une page qui les montre est servie jusqu'à ce qu'elles soient corrigées"
                    )
                };
                (self.report)(&format!(
                    "{}{}",
                    diagnostic::render_all(&errors, lang),
                    tail.get(lang)
                ));
                state.changed.clear();
                if state.served {
                    state.errors = errors
                        .iter()
                        .map(|d| DiagnosticView::new(d, lang))
                        .collect();
                } else {
                    fail_first(&mut state, &errors, lang, &self.shared.instance);
                }
                false
            }
        };
        drop(state);
        self.shared.changed.notify_all();
        checked
    }

    /// Checks the served outputs as `alumni check` does; reports what
    /// changed. Returns whether it was made: it is given up when `stop`
    /// says a change is waiting, so that the checks never delay a rebuild.
    fn check(&mut self, stop: &(dyn Fn() -> bool + Sync)) -> bool {
        let Some(live) = &self.live else {
            return true;
        };
        let Some(warnings) = live.check_outputs_unless(stop) else {
            return false;
        };
        if warnings == self.warnings {
            return true;
        }
        let lang = self.lang;
        let said = if warnings.is_empty() {
            tr!(
                "the checks of the site find nothing any more",
                "les vérifications du site ne trouvent plus rien"
            )
        } else {
            let counted = count(warnings.len(), Severity::Warning);
            let (counted_en, counted_fr) = (&counted.en, &counted.fr);
            tr!(
                "{counted_en}: what alumni check will report (the site is served all the same)",
                "{counted_fr} : ce qu'alumni check signalera (le site est servi quand même)"
            )
        };
        (self.report)(&format!(
            "{}{}",
            diagnostic::render_all(&warnings, lang),
            said.get(lang)
        ));
        let mut state = self.shared.lock();
        state.report += 1;
        state.warnings = warnings
            .iter()
            .map(|d| DiagnosticView::new(d, lang))
            .collect();
        drop(state);
        self.warnings = warnings;
        self.shared.changed.notify_all();
        true
    }
}

/// Opens `url` in the system's browser, if it has a way to.
pub fn open_in_browser(url: &str) -> Result<(), Text> {
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
        .map_err(|e| {
            tr!(
                "cannot open a browser ({program}): {e}",
                "impossible d'ouvrir un navigateur ({program}) : {e}"
            )
        })
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
    fn loopback_servers_answer_loopback_names_only() {
        let policy = |addr: &str, bind: &str| HostPolicy::new(addr.parse().unwrap(), bind);
        let local = policy("127.0.0.1:1111", "127.0.0.1");
        for host in [
            "127.0.0.1:1111",
            "localhost:1111",
            "[::1]:1111",
            "LOCALHOST:1111",
            "localhost.:1111",
            "localhost",
            "localhost:",
            "127.0.0.1",
            "[::1]",
        ] {
            assert!(local.allows(host), "{host}");
        }
        for host in [
            "",
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example:1111",
            "127.0.0.1.nip.io:1111",
            "localhost:1112",
            "localhost:01111x",
            "localhost:+1111",
            "localhost:1111:1111",
            "[::1",
            "[::1]x",
            "[::2]:1111",
            "127.0.0.2:1111",
            "0.0.0.0:1111",
            "localhost..:1111",
        ] {
            assert!(!local.allows(host), "{host}");
        }
        // Another loopback address is answered under its own name too.
        let other = policy("127.0.0.2:80", "127.0.0.2");
        assert!(other.allows("127.0.0.2") && other.allows("localhost:80"));
        let v6 = policy("[::1]:1111", "[::1]");
        assert!(v6.allows("[::1]:1111") && v6.allows("127.0.0.1:1111"));
        let mapped = policy("[::ffff:127.0.0.1]:1111", "[::ffff:127.0.0.1]");
        assert!(mapped.allows("[::ffff:127.0.0.1]:1111") && !mapped.allows("evil.example"));
        // `--bind` named a host that resolves to loopback (Debian maps the
        // machine's own name to 127.0.1.1): the printed URL works.
        let named = policy("127.0.1.1:1111", "Portable");
        assert!(named.allows("portable:1111") && named.allows("127.0.1.1:1111"));
        assert!(!named.allows("evil.example:1111"));
    }

    #[test]
    fn servers_bound_for_others_answer_any_name() {
        for addr in [
            "0.0.0.0:1111",
            "192.168.1.20:1111",
            "[::]:1111",
            "[fe80::1]:1111",
        ] {
            let policy = HostPolicy::new(addr.parse().unwrap(), "0.0.0.0");
            assert_eq!(policy, HostPolicy::Any, "{addr}");
            assert!(policy.allows("alumni.lan:1111"), "{addr}");
        }
    }

    #[test]
    fn the_wake_up_connection_goes_to_loopback_for_any_address() {
        for (local, wake) in [
            ("0.0.0.0:1111", "127.0.0.1:1111"),
            ("[::]:1111", "[::1]:1111"),
            ("192.168.1.20:1111", "192.168.1.20:1111"),
        ] {
            assert_eq!(
                wake_address(local.parse().unwrap()),
                wake.parse::<SocketAddr>().unwrap()
            );
        }
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
        let out =
            String::from_utf8(inject(b"<html><body><p>x</p></body></html>", "7-1", false)).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__alumni/live.js\" data-instance=\"7-1\"></script>\n</body></html>"
        );
    }

    #[test]
    fn injection_finds_the_body_end_tag_a_browser_reads() {
        // Each fails on the search for the bytes `</body>`: it missed
        // `</BODY>` and `</body >` (the script then came after `</html>`)
        // and took a `</body>` written in a comment or a script's text for
        // the end of the body.
        let script = "<script src=\"/__alumni/live.js\" data-instance=\"1\"></script>\n";
        for (page, at) in [
            ("<body><p>x</p></BODY></html>", 14),
            ("<body><p>x</p></body ></html>", 14),
            ("<body><p>x</p></body><!-- </body> --></html>", 14),
            ("<body><p>x</p></body><script>s = '</body>'</script>", 14),
        ] {
            let out = String::from_utf8(inject(page.as_bytes(), "1", false)).unwrap();
            assert_eq!(
                out,
                format!("{}{script}{}", &page[..at], &page[at..]),
                "{page}"
            );
        }
    }

    #[test]
    fn pages_are_told_from_other_files() {
        for page in ["/", "/clubs/", "/clubs", "/a/b.html", "/x/?q=1"] {
            assert!(asks_for_page(page), "{page}");
        }
        for file in ["/static/site.css", "/logo.svg", "/feed.xml?x"] {
            assert!(!asks_for_page(file), "{file}");
        }
    }

    #[test]
    fn overlay_counts_read_in_both_languages() {
        assert_eq!(summary(2, 1), "2 errors, 1 warning");
        assert_eq!(summary(1, 3).fr, "1 erreur, 3 avertissements");
        assert_eq!(summary(0, 1).fr, "1 avertissement");
        let fr = OverlayTexts::new(Lang::Fr, 2, 0, false);
        assert_eq!(fr.summary, "2 erreurs");
        assert!(
            fr.title.contains("rien n'a encore pu être construit"),
            "{}",
            fr.title
        );
        let en = OverlayTexts::new(Lang::En, 0, 2, true);
        assert!(en.title.starts_with("alumni: 2 warnings"), "{}", en.title);
    }

    #[test]
    fn the_waiting_page_explains_in_both_languages_and_escapes_the_errors() {
        let text = "title: <b>\n";
        let d = Diagnostic::error("content/a.md", tr!("bad <b>", "mauvais <b>")).at_offset(text, 7);
        let page = String::from_utf8(waiting_page(&[d], Lang::En)).unwrap();
        assert!(page.contains("<section lang=\"en\"><h1>The site cannot be built yet"));
        assert!(
            page.contains("<section lang=\"fr\"><h1>Le site ne peut pas encore être construit")
        );
        assert!(page.contains("found 1 error in"), "{page}");
        assert!(
            page.contains("content/a.md:1:8: error: bad &lt;b&gt;"),
            "{page}"
        );
        assert!(!page.contains("<b>"), "{page}");
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
