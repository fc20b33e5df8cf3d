//! `alumni serve` over real HTTP on 127.0.0.1: content types, redirects,
//! 404, HEAD, `ETag`s, hostile paths, foreign `Host` names, overlong request
//! heads, concurrency, live rebuilds and errors.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use alumni::build::BuildOptions;
use alumni::serve::{self, Running, ServeOptions};

use crate::harness::TestSite;

/// A parsed HTTP response.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request_line` (sent as is: no client-side normalisation of `..`) and extra headers.
fn raw(addr: &str, method: &str, target: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\n");
    for (n, v) in headers {
        let _ = write!(request, "{n}: {v}\r\n");
    }
    request.push_str("Connection: close\r\n\r\n");
    exchange(addr, request.as_bytes())
}

/// Sends `request` as it is on a new connection and reads the answer up to
/// the end of the connection.
fn exchange(addr: &str, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut data = Vec::new();
    stream.read_to_end(&mut data).unwrap();
    let split = data
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&data[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        })
        .collect::<Vec<_>>();
    let mut body = data[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("Transfer-Encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 4 + size..];
    }
}

fn get(addr: &str, target: &str) -> Answer {
    raw(addr, "GET", target, &[])
}

fn quiet() -> Arc<serve::Reporter> {
    Arc::new(|_: &str| {})
}

fn options(site: &TestSite, port: Option<u16>) -> ServeOptions {
    ServeOptions {
        build: BuildOptions::new(site.root()),
        bind: "127.0.0.1".to_string(),
        port,
        open: false,
        lang: alumni::i18n::Lang::En,
        prefetch_images: true,
    }
}

fn start(site: &TestSite) -> (Running, String) {
    start_with(&options(site, Some(0)))
}

fn start_with(options: &ServeOptions) -> (Running, String) {
    let running = serve::start(options, &quiet()).expect("the server starts");
    let addr = running
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    (running, addr)
}

#[test]
fn serves_pages_files_redirects_and_404() {
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let home = get(&addr, "/alumni/");
    // The site's base path is the server's root in serve mode.
    assert_eq!(home.status, 404);
    let home = get(&addr, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.text()
            .contains("<script src=\"/__alumni/live.js\" data-instance=\"")
    );
    // Permalinks point at the server itself.
    let en = get(&addr, "/en/clubs/biotech-club/").text();
    assert!(
        en.contains(&format!("href=\"http://{addr}/clubs/biotech/\"")),
        "{en}"
    );
    for (path, kind) in [
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/news/premier-numero/motif.svg", "image/svg+xml"),
        ("/document.txt", "text/plain; charset=utf-8"),
    ] {
        let a = get(&addr, path);
        assert_eq!(
            (a.status, a.header("Content-Type")),
            (200, Some(kind)),
            "{path}"
        );
    }
    let redirect = get(&addr, "/clubs");
    assert_eq!(
        (redirect.status, redirect.header("Location")),
        (301, Some("/clubs/"))
    );
    let missing = get(&addr, "/nulle-part/");
    assert_eq!(missing.status, 404);
    // The fixture theme has no 404.html: a plain answer.
    assert_eq!(missing.text(), "404 not found\n");
    let head = raw(&addr, "HEAD", "/clubs/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(head.header("Content-Length").is_some_and(|l| l != "0"));
    let post = raw(&addr, "POST", "/", &[]);
    assert_eq!(post.status, 405);
    running.stop();
}

#[test]
fn the_site_404_page_is_served_with_status_404() {
    let site = TestSite::new("site");
    site.write("themes/mini/templates/404.html", "{% extends \"base.html\" %}{% block main %}<h1>Introuvable ({{ lang }})</h1>{% endblock main %}");
    let (running, addr) = start(&site);
    let fr = get(&addr, "/pas-ici/");
    assert_eq!(fr.status, 404);
    assert!(fr.text().contains("<h1>Introuvable (fr)</h1>"));
    let en = get(&addr, "/en/not-here/");
    assert_eq!(en.status, 404);
    assert!(en.text().contains("<h1>Introuvable (en)</h1>"));
    running.stop();
}

#[test]
fn etags_answer_304_when_unchanged() {
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let first = get(&addr, "/static/style.css");
    let tag = first.header("ETag").unwrap().to_string();
    let again = raw(
        &addr,
        "GET",
        "/static/style.css",
        &[("If-None-Match", &tag)],
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let other = raw(
        &addr,
        "GET",
        "/static/style.css",
        &[("If-None-Match", "\"0000\"")],
    );
    assert_eq!(other.status, 200);
    running.stop();
}

#[test]
fn nothing_outside_the_site_can_be_read() {
    let site = TestSite::new("site");
    // A secret beside the site, and the site's own sources, must stay unreachable.
    site.write("../secret.txt", "secret");
    let (running, addr) = start(&site);
    for target in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/clubs/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/clubs/..%00/index.html",
        "/%00",
        "/etc/passwd",
        "//etc/passwd",
        "/content/site.yaml",
        "/themes/mini/templates/base.html",
        "http://example.org/../secret.txt",
    ] {
        let a = get(&addr, target);
        assert!(matches!(a.status, 400 | 404), "{target}: {}", a.status);
        let text = a.text();
        assert!(
            !text.contains("secret") && !text.contains("root:") && !text.contains("title:"),
            "{target}: {text}"
        );
    }
    running.stop();
}

#[test]
fn two_hundred_concurrent_requests_are_all_answered() {
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let expected = get(&addr, "/clubs/biotech/").body;
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let path = if i % 2 == 0 {
                    "/clubs/biotech/"
                } else {
                    "/static/style.css"
                };
                (i, get(&addr, path))
            })
        })
        .collect();
    for h in handles {
        let (i, a) = h.join().unwrap();
        assert_eq!(a.status, 200, "request {i}");
        if i % 2 == 0 {
            assert_eq!(a.body, expected, "request {i}");
        } else {
            assert_eq!(a.text(), "body { margin: 0; }\n", "request {i}");
        }
    }
    running.stop();
}

/// Reads one response with a `Content-Length` from a kept-alive connection.
fn read_response(stream: &mut TcpStream) -> (u16, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("Content-Length")
                .then(|| v.trim().parse().unwrap())
        })
        .expect("a Content-Length");
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    (status, body)
}

#[test]
fn many_requests_share_one_kept_alive_connection() {
    // Pages bigger than tiny_http's buffer, twenty times on one connection.
    // How fast is for `benches/load.sh` to measure (Nagle's algorithm once
    // held each body 40 ms); the socket option itself has a unit test.
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let expected = get(&addr, "/clubs/biotech/").body;
    assert!(
        expected.len() > 2048,
        "a page bigger than tiny_http's buffer"
    );
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    for _ in 0..20 {
        let request = format!("GET /clubs/biotech/ HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let (status, body) = read_response(&mut stream);
        assert_eq!(status, 200);
        assert_eq!(body, expected);
    }
    running.stop();
}

fn poll(addr: &str, version: &str) -> serde_json::Value {
    serde_json::from_slice(&get(addr, &format!("/__alumni/poll?v={version}")).body).unwrap()
}

fn wait_for_version(addr: &str, after: u64) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let state = poll(addr, &after.to_string());
        if state["version"].as_u64() != Some(after) || Instant::now() > deadline {
            return state;
        }
    }
}

#[test]
fn edits_are_served_and_errors_reported_until_fixed() {
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let state = poll(&addr, "none");
    let v = state["version"].as_u64().unwrap();
    assert_eq!(state["errors"].as_array().unwrap().len(), 0);

    // An edit of a page's body: only that page changes.
    let text = site.read("content/clubs/docteurs.md");
    site.write(
        "content/clubs/docteurs.md",
        &format!("{text}\nUne phrase toute neuve.\n"),
    );
    let state = wait_for_version(&addr, v);
    let v = state["version"].as_u64().unwrap();
    let changed: Vec<&str> = state["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .filter(|p| !crate::harness::is_search_shard(p))
        .collect();
    assert_eq!(
        changed,
        [
            "_search/meta.json",
            "clubs/club-docteurs-chercheurs-et-doctorants/index.html"
        ]
    );
    assert!(
        get(&addr, "/clubs/club-docteurs-chercheurs-et-doctorants/")
            .text()
            .contains("Une phrase toute neuve.")
    );

    // Broken YAML: the diagnostic is reported, the last good page still served.
    site.edit(
        "content/clubs/docteurs.md",
        "date: 2026-11-20",
        "date: [2026",
    );
    let state = wait_for_version(&addr, v);
    let v = state["version"].as_u64().unwrap();
    let errors = state["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{state}");
    assert_eq!(errors[0]["location"], "content/clubs/docteurs.md:4:7");
    assert_eq!(errors[0]["source_line"], "date: [2026");
    assert!(
        get(&addr, "/clubs/club-docteurs-chercheurs-et-doctorants/")
            .text()
            .contains("Une phrase toute neuve.")
    );

    // Fixed: errors are gone.
    site.edit(
        "content/clubs/docteurs.md",
        "date: [2026",
        "date: 2026-11-21",
    );
    let state = wait_for_version(&addr, v);
    assert_eq!(state["errors"].as_array().unwrap().len(), 0, "{state}");
    assert!(
        get(&addr, "/clubs/").text().contains("21 novembre 2026")
            || get(&addr, "/clubs/page/2/")
                .text()
                .contains("21 novembre 2026")
    );
    running.stop();
}

/// Polls until `done` holds for the state (rebuilds and checks both wake the
/// poll), or ten seconds passed; returns the last state.
fn wait_until(addr: &str, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut state = poll(addr, "none");
    while !done(&state) && Instant::now() < deadline {
        let (v, r) = (&state["version"], &state["report"]);
        let answer = get(addr, &format!("/__alumni/poll?v={v}&r={r}"));
        state = serde_json::from_slice(&answer.body).unwrap();
    }
    state
}

#[test]
fn a_site_with_errors_is_served_with_a_page_that_explains_until_fixed() {
    // `serve` refused to start on a site with an error (the state right after
    // `alumni new`), so its overlay never showed.
    let site = TestSite::new("site");
    site.edit(
        "content/clubs/docteurs.md",
        "date: 2026-11-20",
        "date: [2026",
    );
    let (running, addr) = start(&site);
    for path in ["/", "/clubs/biotech/", "/en/", "/page/sans/fin.html"] {
        let page = get(&addr, path);
        assert_eq!(page.status, 503, "{path}");
        let text = page.text();
        assert!(
            text.contains("Le site ne peut pas encore être construit")
                && text.contains("The site cannot be built yet")
                && text.contains("reloads by itself")
                && text.contains("se recharge d&apos;elle-même"),
            "{path}: {text}"
        );
        assert!(text.contains("content/clubs/docteurs.md:4:7"), "{text}");
        assert!(text.contains(" data-waiting></script>"), "{text}");
    }
    // Files other than pages get a plain answer.
    let css = get(&addr, "/static/style.css");
    assert_eq!(css.status, 503);
    assert!(!css.text().contains('<'), "{}", css.text());
    let state = poll(&addr, "none");
    assert_eq!(state["served"], false);
    assert_eq!(
        state["errors"][0]["location"],
        "content/clubs/docteurs.md:4:7"
    );
    assert_eq!(state["errors"][0]["word"], "error");
    assert!(
        state["texts"]["title"]
            .as_str()
            .unwrap()
            .contains("nothing could be built yet"),
        "{state}"
    );
    let v = state["version"].as_u64().unwrap();
    site.edit(
        "content/clubs/docteurs.md",
        "date: [2026",
        "date: 2026-11-20",
    );
    let state = wait_for_version(&addr, v);
    assert_eq!(state["served"], true, "{state}");
    assert_eq!(state["errors"].as_array().unwrap().len(), 0, "{state}");
    assert!(
        state["changed"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("index.html")),
        "{state}"
    );
    assert_eq!(get(&addr, "/clubs/biotech/").status, 200);
    assert_eq!(get(&addr, "/static/style.css").status, 200);
    running.stop();
}

#[test]
fn broken_links_and_missing_images_are_warnings_after_each_edit() {
    // They were found by `alumni check` in CI only; the preview said nothing.
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    assert_eq!(poll(&addr, "none")["warnings"], serde_json::json!([]));
    let text = site.read("content/clubs/docteurs.md");
    site.write(
        "content/clubs/docteurs.md",
        &format!(
            "{text}\nVoir [la page perdue](/nulle-part/), [un titre](/clubs/biotech/#absent) et ![Affiche](/affiche-absente.png).\n"
        ),
    );
    let state = wait_until(&addr, |s| s["warnings"].as_array().unwrap().len() >= 3);
    let warnings = state["warnings"].as_array().unwrap();
    let messages: Vec<&str> = warnings
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert_eq!(warnings.len(), 3, "{state}");
    for (w, wanted) in warnings.iter().zip([
        "link to `/affiche-absente.png`, which is not a page or file of the site",
        "link to `/clubs/biotech/#absent`: no element has the id `absent` there",
        "link to `/nulle-part/`, which is not a page or file of the site",
    ]) {
        assert!(messages.contains(&wanted), "{messages:?}");
        assert_eq!(w["severity"], "warning", "{w}");
        assert!(
            w["location"]
                .as_str()
                .unwrap()
                .starts_with("content/clubs/docteurs.md:"),
            "{w}"
        );
    }
    // A warning is no error: the edit is served.
    assert_eq!(state["errors"].as_array().unwrap().len(), 0);
    assert!(
        get(&addr, "/clubs/club-docteurs-chercheurs-et-doctorants/")
            .text()
            .contains("la page perdue")
    );
    site.write("content/clubs/docteurs.md", &text);
    let state = wait_until(&addr, |s| s["warnings"].as_array().unwrap().is_empty());
    assert_eq!(state["warnings"].as_array().unwrap().len(), 0, "{state}");
    running.stop();
}

#[test]
fn the_overlay_and_answers_speak_the_language_of_the_run() {
    let site = TestSite::new("site");
    site.edit(
        "content/clubs/docteurs.md",
        "date: 2026-11-20",
        "date: [2026",
    );
    let mut french = options(&site, Some(0));
    french.lang = alumni::i18n::Lang::Fr;
    let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
    let report: Arc<serve::Reporter> = {
        let lines = Arc::clone(&lines);
        Arc::new(move |line: &str| lines.lock().unwrap().push(line.to_string()))
    };
    let running = serve::start(&french, &report).expect("the server starts");
    let addr = running
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let state = poll(&addr, "none");
    assert_eq!(state["lang"], "fr");
    assert_eq!(state["errors"][0]["word"], "erreur");
    assert_eq!(state["texts"]["fold"], "Replier");
    assert_eq!(state["texts"]["summary"], "1 erreur");
    assert_eq!(state["texts"]["hint"], "conseil");
    let printed = lines.lock().unwrap().join("\n");
    assert!(
        printed.contains("content/clubs/docteurs.md:4:7: erreur")
            && printed.contains("une page qui les montre est servie"),
        "{printed}"
    );
    site.edit(
        "content/clubs/docteurs.md",
        "date: [2026",
        "date: 2026-11-20",
    );
    let state = wait_for_version(&addr, state["version"].as_u64().unwrap());
    assert_eq!(state["served"], true, "{state}");
    assert_eq!(get(&addr, "/nulle-part/").text(), "404 introuvable\n");
    let printed = lines.lock().unwrap().join("\n");
    assert!(printed.contains("reconstruit en"), "{printed}");
    running.stop();
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let port: u16 = addr.rsplit(':').next().unwrap().parse().unwrap();
    let options = options(&site, Some(port));
    match serve::start(&options, &quiet()) {
        Err(serve::ServeError::Io(message)) => {
            assert!(
                message.contains(&format!("cannot listen on 127.0.0.1:{port}")),
                "{message:?}"
            );
            assert!(message.contains("pass another --port"), "{message:?}");
        }
        _ => panic!("the second server should not start"),
    }
    running.stop();
}

#[test]
fn without_a_port_the_next_free_one_is_taken() {
    let site = TestSite::new("site");
    // Hold 1111 if it is free; if something else holds it, the point stands.
    let _holder = std::net::TcpListener::bind("127.0.0.1:1111");
    let running = serve::start(&options(&site, None), &quiet()).expect("the server starts");
    let port: u16 = running
        .url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1112..1131).contains(&port), "{}", running.url);
    running.stop();
}

#[test]
fn serve_previews_scheduled_pages_when_asked() {
    let site = TestSite::new("site");
    site.write(
        "content/news/plus-tard.md",
        "---\ntitle: Plus tard\npublish_date: 2100-01-01\n---\nBientôt.\n",
    );
    let (running, addr) = start(&site);
    assert_eq!(get(&addr, "/news/plus-tard/").status, 404);
    running.stop();
    let mut preview = options(&site, Some(0));
    preview.build.future = true;
    let (running, addr) = start_with(&preview);
    let page = get(&addr, "/news/plus-tard/");
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("Plus tard"));
    running.stop();
}

/// A request for `target` naming `host` (or no `Host` at all), on its own connection.
fn get_as(addr: &str, version: &str, target: &str, host: Option<&str>) -> Answer {
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    exchange(
        addr,
        format!("GET {target} HTTP/{version}\r\n{host}Connection: close\r\n\r\n").as_bytes(),
    )
}

#[test]
fn foreign_host_names_are_refused_with_nothing_of_the_site() {
    // DNS rebinding: a page of evil.example whose name the attacker then points
    // at 127.0.0.1 reaches the preview (drafts included) with `Host: evil.example`.
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let port = addr.rsplit(':').next().unwrap();
    let mut refusal: Option<String> = None;
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("xlocalhost:{port}"),
        "localhost:1".to_string(),
        format!("127.0.0.1:{port}0"),
        format!("127.0.0.1:{port}@evil.example"),
        "0.0.0.0".to_string(),
        String::new(),
    ] {
        for target in [
            "/",
            "/clubs/biotech/",
            "/static/style.css",
            "/nulle-part/",
            "/__alumni/live.js",
            "/__alumni/poll?v=none",
        ] {
            let a = get_as(&addr, "1.1", target, Some(&host));
            assert_eq!(a.status, 421, "Host: {host}, {target}");
            assert_eq!(
                a.header("Content-Type"),
                Some("text/plain; charset=utf-8"),
                "Host: {host}, {target}"
            );
            assert_eq!(a.header("ETag"), None);
            // Always the same explanation, whatever was asked for.
            let text = refusal.get_or_insert_with(|| a.text());
            assert_eq!(&a.text(), text, "Host: {host}, {target}");
        }
    }
    let text = refusal.unwrap();
    assert!(
        text.contains("ne répond qu'à son adresse locale")
            && text.contains("answers only at its local address")
            && text.contains(&format!("http://localhost:{port}/"))
            && text.contains("--bind")
            && !text.contains('<'),
        "{text}"
    );
    // HTTP/1.0 may leave the name out, but then nothing says the page is ours.
    assert_eq!(get_as(&addr, "1.0", "/", None).status, 421);
    // HTTP/1.1 requires one Host (RFC 9112, section 3.2): none, or two, is a bad request.
    let none = get_as(&addr, "1.1", "/", None);
    assert_eq!(none.status, 400);
    assert!(none.text().contains("--bind"), "{}", none.text());
    let two = exchange(
        &addr,
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nHost: evil.example\r\n\r\n").as_bytes(),
    );
    assert_eq!(two.status, 400);
    assert!(!two.text().contains('<'), "{}", two.text());
    running.stop();
}

#[test]
fn local_host_names_are_answered() {
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let port = addr.rsplit(':').next().unwrap();
    let page = get(&addr, "/clubs/biotech/").body;
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        format!("LocalHost:{port}"),
        format!("localhost.:{port}"),
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "[::1]".to_string(),
    ] {
        let a = get_as(&addr, "1.1", "/clubs/biotech/", Some(&host));
        assert_eq!(a.status, 200, "Host: {host}");
        assert_eq!(a.body, page, "Host: {host}");
    }
    assert_eq!(
        get_as(&addr, "1.0", "/", Some(&format!("localhost:{port}"))).status,
        200
    );
    running.stop();
}

#[test]
fn an_overlong_request_line_is_414_and_the_server_goes_on() {
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let long = format!("/{}", "a".repeat(100_000));
    let a = get(&addr, &long);
    assert_eq!(a.status, 414);
    assert!(!a.text().contains('<'), "{}", a.text());
    // Below the limit (8 KiB), a long path is looked up as any other.
    let below = format!("/{}", "a".repeat(7_000));
    assert_eq!(get(&addr, &below).status, 404);
    assert_eq!(get(&addr, "/clubs/biotech/").status, 200);
    running.stop();
}

#[test]
fn overlong_headers_are_431_and_the_server_goes_on() {
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let one_big = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nCookie: {}\r\n\r\n",
        "c".repeat(100_000)
    );
    let many: String = (0..2_000).fold(String::new(), |mut s, i| {
        let _ = write!(s, "X-Header-{i}: {}\r\n", "v".repeat(40));
        s
    });
    let too_many = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n{many}\r\n");
    for (what, request) in [("one 100 KB header", one_big), ("2,000 headers", too_many)] {
        let a = exchange(&addr, request.as_bytes());
        assert_eq!(a.status, 431, "{what}");
        assert!(!a.text().contains('<'), "{what}: {}", a.text());
    }
    // Below the limits (32 KiB, 100 fields), a busy head is answered.
    let fifty: String = (0..50).fold(String::new(), |mut s, i| {
        let _ = write!(s, "X-Header-{i}: {}\r\n", "v".repeat(400));
        s
    });
    let a = exchange(
        &addr,
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\n{fifty}Connection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(a.status, 200);
    assert_eq!(get(&addr, "/clubs/biotech/").status, 200);
    running.stop();
}

#[test]
fn a_request_body_is_never_read_as_the_next_request() {
    // The server reads no bodies: after one it closes the connection, so a
    // request hidden in a body is never answered.
    let site = TestSite::new("site");
    let (running, addr) = start(&site);
    let hidden = format!("GET /clubs/biotech/ HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{hidden}",
        hidden.len()
    );
    let a = exchange(&addr, request.as_bytes());
    // One answer, then the end of the connection (`exchange` reads up to it).
    assert_eq!(a.status, 405);
    assert!(!a.text().contains("HTTP/1.1"), "{}", a.text());
    running.stop();
}

/// `alumni serve` as a process, killed when dropped.
#[cfg(target_os = "linux")]
struct ServeProcess {
    child: std::process::Child,
    addr: String,
}

#[cfg(target_os = "linux")]
impl ServeProcess {
    fn start(site: &TestSite) -> ServeProcess {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_alumni"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            // The address is read from the English line.
            .env("LC_ALL", "C.UTF-8")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("alumni serve starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // "serving the site at http://127.0.0.1:PORT/ (Ctrl-C to stop)"
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        ServeProcess { child, addr }
    }

    /// Resident memory, in KiB, from /proc.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("a VmRSS line")
    }
}

#[cfg(target_os = "linux")]
impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn fifty_megabytes_without_a_line_end_do_not_grow_memory() {
    // tiny_http kept a request line in memory until its line end came: 50 MB
    // of it took the server from 16 to 62 MB.
    let site = TestSite::new("site");
    let server = ServeProcess::start(&site);
    assert_eq!(get(&server.addr, "/").status, 200);
    let before = server.rss_kib();
    for head in ["GET /", "GET / HTTP/1.1\r\nX-Endless: "] {
        let mut stream = TcpStream::connect(&server.addr).unwrap();
        stream
            .set_write_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = stream.write_all(head.as_bytes()).map_or(0, |()| head.len());
        // The server answers and closes once past its limit: writing then fails.
        while sent < 50_000_000 && stream.write_all(&chunk).is_ok() {
            sent += chunk.len();
        }
        // The server stopped reading long before 50 MB (tiny_http took them all).
        assert!(sent < 50_000_000, "{head:?}: all {sent} bytes were read");
        // Measured with the connection still open, while anything the server
        // kept of it would still be held.
        let during = server.rss_kib();
        assert!(
            during < before + 4 * 1024,
            "{head:?}: {before} KiB before, {during} KiB after {sent} bytes"
        );
    }
    assert_eq!(get(&server.addr, "/clubs/biotech/").status, 200);
}

/// The threads of a process, from /proc.
#[cfg(target_os = "linux")]
fn threads_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .count()
}

/// One thread per connection made a thousand threads of a thousand
/// connections. Now idle connections, requests and held live-reload polls
/// come in all at once and the thread count stays where it was; a normal
/// request is answered during and after, and so is a poll.
#[cfg(target_os = "linux")]
#[test]
fn a_thousand_connections_leave_the_server_answering_with_its_threads_bounded() {
    let site = TestSite::new("site");
    let server = ServeProcess::start(&site);
    let addr = server.addr.clone();
    assert_eq!(get(&addr, "/").status, 200);
    let state: serde_json::Value =
        serde_json::from_slice(&get(&addr, "/__alumni/poll?v=none").body).unwrap();
    let version = state["version"].as_u64().unwrap();
    let report = state["report"].as_u64().unwrap();
    let pid = server.child.id();
    let before = threads_of(pid);
    let mut connections = Vec::new();
    for i in 0..1000 {
        let mut stream = TcpStream::connect(&addr).unwrap();
        let request = match i % 10 {
            // Polls that wait for a change: 100, more than are held.
            0 => format!(
                "GET /__alumni/poll?v={version}&r={report} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
            ),
            // Requests whose answers are not read.
            1..=3 => format!("GET /clubs/biotech/ HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
            // Idle connections, and one that stops in the middle of its head.
            4 => "GET /clubs/".to_string(),
            _ => String::new(),
        };
        stream.write_all(request.as_bytes()).unwrap();
        connections.push(stream);
    }
    let started = Instant::now();
    let during = get(&addr, "/clubs/biotech/");
    let answered_in = started.elapsed();
    assert_eq!(during.status, 200);
    let threads = threads_of(pid);
    // A poll is answered at once when it knows nothing yet.
    let poll = get(&addr, "/__alumni/poll?v=none");
    assert_eq!(poll.status, 200, "{}", poll.text());
    eprintln!(
        "1,000 connections: {before} threads before, {threads} with them; a request answered in {} ms",
        answered_in.as_millis()
    );
    assert!(
        threads <= before,
        "{threads} threads with 1,000 connections, {before} before"
    );
    assert!(answered_in < Duration::from_secs(5), "{answered_in:?}");
    // Of the 100 polls, the held ones wait; the others were told to retry.
    let mut told_to_retry = 0;
    for stream in connections.iter_mut().step_by(10).take(100) {
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let mut head = [0u8; 12];
        if stream.read_exact(&mut head).is_ok() {
            assert_eq!(&head, b"HTTP/1.1 503", "{}", String::from_utf8_lossy(&head));
            told_to_retry += 1;
        }
    }
    assert!(
        (60..100).contains(&told_to_retry),
        "{told_to_retry} polls told to retry"
    );
    // A change answers the held polls.
    site.edit("content/clubs/biotech.md", "Biotech", "Biotech !");
    let mut woken = 0;
    for stream in connections.iter_mut().step_by(10).take(100) {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut head = [0u8; 12];
        if stream.read_exact(&mut head).is_ok() && &head == b"HTTP/1.1 200" {
            woken += 1;
        }
    }
    assert!(woken > 0, "no held poll was answered after a change");
    drop(connections);
    assert_eq!(get(&addr, "/clubs/biotech/").status, 200);
    // The rebuild that woke the polls starts short-lived threads of its own
    // (the images made in the background, the old site freed aside): wait
    // for them to end, a bounded time, rather than catch one running.
    let settled = Instant::now();
    let mut after = threads_of(pid);
    while after > before && settled.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
        after = threads_of(pid);
    }
    assert!(
        after <= before,
        "{after} threads 20 s after the connections closed, {before} before"
    );
}

/// Whether the cache folder of `site` holds any image entry.
fn cached_entries(site: &TestSite) -> usize {
    let cache = site.root().join(".alumni-cache/images");
    walkdir::WalkDir::new(cache)
        .min_depth(3)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}

/// With large photos on the site, the first page and a page edit are
/// served while no image is processed yet (the mutation caught: images
/// made on the build's path, before anything is served), and a variant's
/// URL then answers a WebP of its width, made at that request.
#[test]
fn pages_are_served_before_images_are_made_and_variants_on_first_request() {
    use std::fmt::Write as _;
    let site = TestSite::new("site");
    let mut body = String::from("---\ntitle: Photos\ndate: 2026-11-02\n---\n");
    for n in 1..=4 {
        site.write_bytes(
            &format!("content/news/photos/photo-{n}.jpg"),
            &crate::images::phone_jpeg(2400 + n * 16, 1600, 1),
        );
        let _ = write!(body, "![Photo {n}](photo-{n}.jpg)\n\n");
    }
    site.write("content/news/photos/index.md", &body);
    let mut opts = options(&site, Some(0));
    // Nothing in the background: what is made is made by requests alone.
    opts.prefetch_images = false;
    let (running, addr) = start_with(&opts);
    let page = get(&addr, "/news/photos/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("photo-1.480w.webp"), "{}", page.text());
    assert_eq!(cached_entries(&site), 0, "served before any image is made");

    // A page edit is served, and still no image is made.
    let v = poll(&addr, "none")["version"].as_u64().unwrap();
    site.write(
        "content/news/photos/index.md",
        &format!("{body}Une légende toute neuve.\n"),
    );
    wait_for_version(&addr, v);
    assert!(
        get(&addr, "/news/photos/")
            .text()
            .contains("Une légende toute neuve.")
    );
    assert_eq!(cached_entries(&site), 0);

    // The variant's URL: made now, a WebP 480 pixels wide.
    let variant = get(&addr, "/news/photos/photo-2.480w.webp");
    assert_eq!(variant.status, 200);
    let decoded = image::load_from_memory_with_format(&variant.body, image::ImageFormat::WebP)
        .expect("a WebP");
    assert_eq!(decoded.width(), 480);
    assert!(cached_entries(&site) > 0, "made through the cache");
    let jpeg = get(&addr, "/news/photos/photo-2.960w.jpg");
    assert_eq!(
        image::load_from_memory_with_format(&jpeg.body, image::ImageFormat::Jpeg)
            .unwrap()
            .width(),
        960
    );
    running.stop();
}

/// In the background, every image's outputs are made after the build
/// (the mutation caught: no prefetch, so a browser waits for each decode).
#[test]
fn the_background_thread_makes_every_image_after_the_build() {
    let site = TestSite::new("site");
    site.write_bytes(
        "content/news/photos/photo.jpg",
        &crate::images::phone_jpeg(1200, 900, 1),
    );
    site.write(
        "content/news/photos/index.md",
        "---\ntitle: Photos\ndate: 2026-11-02\n---\n![Photo](photo.jpg)\n",
    );
    let (running, addr) = start(&site);
    assert_eq!(get(&addr, "/news/photos/").status, 200);
    let deadline = Instant::now() + Duration::from_secs(60);
    // Original, 480 and 960 in both formats, 1200 in WebP.
    while cached_entries(&site) < 6 && Instant::now() < deadline {
        std::thread::yield_now();
    }
    assert_eq!(cached_entries(&site), 6);
    running.stop();
}
