//! Request heads for `alumni serve`, read within bounds.
//!
//! Stage: the first step of every request the preview answers. In: the bytes
//! of a connection. Out: a [`Head`] (method, target, version, header fields)
//! or a [`HeadError`] naming the status to answer before closing.
//!
//! Invariant: whatever a client sends, at most [`MAX_REQUEST_LINE`] bytes of
//! its request line and [`MAX_HEADER_BYTES`] bytes of header lines (at most
//! [`MAX_HEADERS`] of them) are held in memory; past a limit the head is
//! refused at once, without reading on to the line end.
//!
//! `tiny_http` (which still writes the responses) reads request heads into
//! buffers that grow until a line end comes, and takes any number of header
//! lines: 50 MB without a line end were 50 MB more of the server's memory.
//! It cannot be handed a connection whose head was checked elsewhere (it
//! reads from its own listener only), hence this reader.

use std::io::{BufRead, Read};

use crate::i18n::Lang;

/// The longest request line (method, target, version), line end excluded:
/// browsers cap URLs near 2 MB, but nothing in a preview site comes near.
pub(crate) const MAX_REQUEST_LINE: usize = 8 * 1024;

/// The most bytes of header lines, line ends included (large cookies of other
/// programs served on `localhost` fit).
pub(crate) const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The most header fields in one request; browsers send about twenty.
pub(crate) const MAX_HEADERS: usize = 100;

/// Empty lines tolerated before a request line (RFC 9112, section 2.2: some
/// clients send a line end after a body).
const MAX_BLANK_LINES: usize = 4;

/// A request's method, target, version and header fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Head {
    /// `GET`, `HEAD`...: case-sensitive, as HTTP says.
    pub(crate) method: String,
    /// The request target as sent: `/path?query` for what browsers send.
    pub(crate) target: String,
    /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub(crate) minor: u8,
    /// Field names and values in the order sent; values without the spaces around them.
    pub(crate) headers: Vec<(String, String)>,
}

impl Head {
    /// The values of the fields named `name` (case-insensitive), in order.
    pub(crate) fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether a field's comma-separated list holds `token` (case-insensitive).
    fn lists(&self, name: &str, token: &str) -> bool {
        self.values(name)
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// Whether the connection stays open for another request: in HTTP/1.1
    /// unless the client says `close`. An HTTP/1.0 client keeps it only when
    /// the response says `Connection: keep-alive`, which `tiny_http` never
    /// writes, so such connections close after one answer.
    pub(crate) fn keep_alive(&self) -> bool {
        self.minor >= 1 && !self.lists("Connection", "close")
    }

    /// Whether a body follows the head. The server never reads one: after a
    /// request with a body it closes the connection rather than find where the
    /// body ends, so no request can hide in a body.
    pub(crate) fn has_body(&self) -> bool {
        self.values("Transfer-Encoding").next().is_some()
            || self.values("Content-Length").any(|v| v != "0")
    }
}

/// Why no head could be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeadError {
    /// The connection ended or failed before a whole head came: nobody to answer.
    Closed,
    /// Not HTTP/1.x as RFC 9112 writes it; says what is wrong, in English and French.
    Malformed((&'static str, &'static str)),
    /// The request line is longer than [`MAX_REQUEST_LINE`].
    LineTooLong,
    /// The header lines pass [`MAX_HEADER_BYTES`] or [`MAX_HEADERS`].
    HeadersTooLarge,
    /// HTTP/2 or later spoken as text.
    Version,
}

impl HeadError {
    /// The status to answer with, and a line saying why.
    pub(crate) fn answer(self, lang: Lang) -> Option<(u16, String)> {
        match self {
            HeadError::Closed => None,
            HeadError::Malformed((why_en, why_fr)) => Some((
                400,
                tr!(
                    "400 bad request: {why_en}\n",
                    "400 requête incorrecte : {why_fr}\n"
                )
                .get(lang)
                .to_string(),
            )),
            HeadError::LineTooLong => Some((
                414,
                tr!(
                    "414 URI too long: the request line is over {MAX_REQUEST_LINE} bytes\n",
                    "414 URI trop longue : la ligne de requête dépasse {MAX_REQUEST_LINE} octets\n"
                )
                .get(lang)
                .to_string(),
            )),
            HeadError::HeadersTooLarge => Some((
                431,
                tr!(
                    "431 request header fields too large: over {MAX_HEADER_BYTES} bytes or {MAX_HEADERS} fields\n",
                    "431 en-têtes de requête trop grands : plus de {MAX_HEADER_BYTES} octets ou de {MAX_HEADERS} champs\n"
                )
                .get(lang)
                .to_string(),
            )),
            HeadError::Version => Some((
                505,
                tr!(
                    "505 only HTTP/1.0 and HTTP/1.1\n",
                    "505 seuls HTTP/1.0 et HTTP/1.1 sont compris\n"
                )
                .get(lang)
                .to_string(),
            )),
        }
    }
}

/// How a line read with a limit ended.
enum Line {
    /// A whole line, its line end removed; how many bytes it took from the connection.
    Read(usize),
    /// More than the limit came before a line end.
    TooLong,
}

/// Reads one line into `line` (cleared first), ended by CRLF or a bare LF
/// (RFC 9112, section 2.2), keeping at most `limit` bytes before the line end.
fn read_line(
    reader: &mut impl BufRead,
    limit: usize,
    line: &mut Vec<u8>,
) -> Result<Line, HeadError> {
    line.clear();
    // Two bytes more than the limit leave room for a CRLF right after it.
    let cap = u64::try_from(limit).map_or(u64::MAX, |l| l.saturating_add(2));
    let taken = reader
        .by_ref()
        .take(cap)
        .read_until(b'\n', line)
        .map_err(|_| HeadError::Closed)?;
    if line.last() != Some(&b'\n') {
        return if u64::try_from(taken) == Ok(cap) {
            Ok(Line::TooLong)
        } else {
            Err(HeadError::Closed)
        };
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if line.len() > limit {
        return Ok(Line::TooLong);
    }
    if line.contains(&b'\r') {
        // A bare CR ends a line for some parsers and not for others.
        return Err(HeadError::Malformed((
            "a carriage return inside a line",
            "un retour chariot au milieu d'une ligne",
        )));
    }
    Ok(Line::Read(taken))
}

/// A token character (RFC 9110, section 5.6.2): methods and field names.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().copied().all(is_tchar)
}

/// Splits `METHOD SP TARGET SP HTTP/1.x`.
fn parse_request_line(line: &[u8]) -> Result<(String, String, u8), HeadError> {
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed((
            "the request line is not `METHOD TARGET HTTP/1.1`",
            "la ligne de requête n'est pas `MÉTHODE CIBLE HTTP/1.1`",
        )));
    };
    if !is_token(method) {
        return Err(HeadError::Malformed((
            "the method is not a word",
            "la méthode n'est pas un mot",
        )));
    }
    if target.is_empty() || !target.iter().all(u8::is_ascii_graphic) {
        return Err(HeadError::Malformed((
            "the request target is empty or has a byte that is not printable ASCII",
            "la cible de la requête est vide ou a un octet qui n'est pas de l'ASCII imprimable",
        )));
    }
    let minor = match version {
        b"HTTP/1.1" => 1,
        b"HTTP/1.0" => 0,
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            return Err(HeadError::Version);
        }
        _ => {
            return Err(HeadError::Malformed((
                "the version is not HTTP/1.0 or HTTP/1.1",
                "la version n'est ni HTTP/1.0 ni HTTP/1.1",
            )));
        }
    };
    // Both were checked to be ASCII.
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Ok((text(method), text(target), minor))
}

/// Splits `Name: value`.
fn parse_field(line: &[u8]) -> Result<(String, String), HeadError> {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Err(HeadError::Malformed((
            "a header line without a colon",
            "une ligne d'en-tête sans deux-points",
        )));
    };
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    // A line starting with a space continues the previous one in obsolete
    // syntax (RFC 9112, section 5.2), and a space before the colon is
    // forbidden: both are read differently by different parsers.
    if !is_token(name) {
        return Err(HeadError::Malformed((
            "a header name that is not a word",
            "un nom d'en-tête qui n'est pas un mot",
        )));
    }
    if value.iter().any(|&b| b != b'\t' && (b < 0x20 || b == 0x7f)) {
        return Err(HeadError::Malformed((
            "a control character in a header value",
            "un caractère de contrôle dans la valeur d'un en-tête",
        )));
    }
    let value = value.trim_ascii();
    Ok((
        String::from_utf8_lossy(name).into_owned(),
        // Bytes past ASCII are allowed (RFC 9110, section 5.5); cookies of
        // other programs on `localhost` may hold UTF-8.
        String::from_utf8_lossy(value).into_owned(),
    ))
}

/// Refuses `Content-Length` fields that two readers could take differently.
fn check_length(head: &Head) -> Result<(), HeadError> {
    let mut lengths = head.values("Content-Length");
    let Some(first) = lengths.next() else {
        return Ok(());
    };
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HeadError::Malformed((
            "a Content-Length that is not a number",
            "un Content-Length qui n'est pas un nombre",
        )));
    }
    if lengths.any(|other| other != first) {
        return Err(HeadError::Malformed((
            "two different Content-Length",
            "deux Content-Length différents",
        )));
    }
    Ok(())
}

/// Reads a request head: the request line, then header lines up to an empty line.
pub(crate) fn read_head(reader: &mut impl BufRead) -> Result<Head, HeadError> {
    let mut line = Vec::new();
    let mut blank = 0;
    loop {
        match read_line(reader, MAX_REQUEST_LINE, &mut line)? {
            Line::TooLong => return Err(HeadError::LineTooLong),
            Line::Read(_) if line.is_empty() => {
                blank += 1;
                if blank > MAX_BLANK_LINES {
                    return Err(HeadError::Malformed((
                        "empty lines instead of a request",
                        "des lignes vides au lieu d'une requête",
                    )));
                }
            }
            Line::Read(_) => break,
        }
    }
    let (method, target, minor) = parse_request_line(&line)?;
    let mut headers = Vec::new();
    let mut budget = MAX_HEADER_BYTES;
    loop {
        match read_line(reader, budget, &mut line)? {
            Line::TooLong => return Err(HeadError::HeadersTooLarge),
            Line::Read(_) if line.is_empty() => break,
            Line::Read(taken) => {
                if headers.len() == MAX_HEADERS {
                    return Err(HeadError::HeadersTooLarge);
                }
                budget = budget.saturating_sub(taken);
                headers.push(parse_field(&line)?);
            }
        }
    }
    let head = Head {
        method,
        target,
        minor,
        headers,
    };
    check_length(&head)?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Head, HeadError> {
        read_head(&mut std::io::BufReader::with_capacity(16, bytes))
    }

    #[test]
    fn a_browser_request_is_read() {
        let head = read(b"GET /clubs/?x=1 HTTP/1.1\r\nHost: localhost:1111\r\nAccept:  text/html \r\nCookie: a=\xc3\xa9\r\n\r\nnext").unwrap();
        assert_eq!(head.method, "GET");
        assert_eq!(head.target, "/clubs/?x=1");
        assert_eq!(head.minor, 1);
        assert_eq!(head.values("host").collect::<Vec<_>>(), ["localhost:1111"]);
        assert_eq!(head.values("Accept").collect::<Vec<_>>(), ["text/html"]);
        assert_eq!(head.values("Cookie").collect::<Vec<_>>(), ["a=é"]);
        assert!(head.keep_alive());
        assert!(!head.has_body());
    }

    #[test]
    fn bare_line_feeds_and_leading_empty_lines_are_read() {
        let head = read(b"\r\n\nHEAD / HTTP/1.0\nConnection: Keep-Alive\n\n").unwrap();
        assert_eq!((head.method.as_str(), head.minor), ("HEAD", 0));
        assert!(!head.keep_alive());
        assert!(
            !read(b"GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n")
                .unwrap()
                .keep_alive()
        );
    }

    #[test]
    fn heads_kept_in_memory_are_bounded() {
        let at_limit = format!(
            "GET /{} HTTP/1.1\r\n\r\n",
            "a".repeat(MAX_REQUEST_LINE - 14)
        );
        assert!(read(at_limit.as_bytes()).is_ok());
        let over = format!(
            "GET /{} HTTP/1.1\r\n\r\n",
            "a".repeat(MAX_REQUEST_LINE - 13)
        );
        assert_eq!(read(over.as_bytes()), Err(HeadError::LineTooLong));
        // An endless line is refused once past the limit, without its end.
        let mut endless = std::io::BufReader::new(std::io::repeat(b'a'));
        assert_eq!(read_head(&mut endless), Err(HeadError::LineTooLong));
        let mut endless =
            std::io::BufReader::new(b"GET / HTTP/1.1\r\nX: ".chain(std::io::repeat(b'a')));
        assert_eq!(read_head(&mut endless), Err(HeadError::HeadersTooLarge));
        let fields = |n: usize| "X-Field: v\r\n".repeat(n);
        let many = fields(MAX_HEADERS + 1);
        assert_eq!(
            read(format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes()),
            Err(HeadError::HeadersTooLarge)
        );
        let enough = fields(MAX_HEADERS);
        assert!(read(format!("GET / HTTP/1.1\r\n{enough}\r\n").as_bytes()).is_ok());
        let big = format!(
            "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
            "v".repeat(MAX_HEADER_BYTES)
        );
        assert_eq!(read(big.as_bytes()), Err(HeadError::HeadersTooLarge));
        let blanks = "\r\n".repeat(MAX_BLANK_LINES + 1);
        assert!(matches!(
            read(format!("{blanks}GET / HTTP/1.1\r\n\r\n").as_bytes()),
            Err(HeadError::Malformed(_))
        ));
    }

    #[test]
    fn what_parsers_could_read_differently_is_refused() {
        for bad in [
            &b"GET / HTTP/1.1\r\nHost : x\r\n\r\n"[..],
            b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
            b"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
            b"GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET  / HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1 \r\n\r\n",
            b"GET /\xc3\xa9 HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.2x\r\n\r\n",
            b"G(T / HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: \r\n\r\n",
        ] {
            assert!(
                matches!(read(bad), Err(HeadError::Malformed(_))),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(read(b"GET / HTTP/2.0\r\n\r\n"), Err(HeadError::Version));
        assert_eq!(read(b"GET / HTTP/1.1\r\nHost: x"), Err(HeadError::Closed));
        assert_eq!(read(b""), Err(HeadError::Closed));
    }

    #[test]
    fn bodies_are_noticed() {
        for (head, body) in [
            ("Content-Length: 0\r\n", false),
            ("Content-Length: 12\r\n", true),
            ("Transfer-Encoding: chunked\r\n", true),
            ("", false),
        ] {
            let h = read(format!("POST / HTTP/1.1\r\n{head}\r\n").as_bytes()).unwrap();
            assert_eq!(h.has_body(), body, "{head}");
        }
    }
}
