//! Attachments of untrusted pages: every file beside a club page (a logo, a
//! photo, a PDF) judged by what it holds before it is published.
//!
//! In: a file's site-relative path and its bytes ([`judge`]), or its path on
//! disk, read only once its size is known to be within [`Limits`]
//! ([`judge_file`], [`judge_page`] for all the files of one page). Out: the
//! [`Kind`] of an accepted file, or every diagnostic saying why it is
//! refused, located at the line and column of the offending SVG element or
//! attribute when there is one.
//!
//! Invariant: a file is accepted only when its content (its magic bytes, not
//! its name) is a raster image (JPEG, PNG, GIF, WebP, or AVIF without
//! metadata, which is published as it is), a PDF, or an SVG
//! that can neither run script nor load anything, and its extension names
//! that same kind, so the server's media type (chosen by extension) is the
//! true one. HTML, script, style sheets, other XML, archives, executables and
//! unknown data never reach the site's origin from an untrusted folder.
//! Sizes are judged from the file's metadata before a byte of it is read.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::Read as _;
use std::path::Path;

use roxmltree::{Document, Node, NodeType, ParsingOptions};

use crate::diagnostic::{Diagnostic, Position};
use crate::i18n::{Lang, Text};

/// What may be placed beside a club page: the hint of every refusal that is
/// not a simple renaming.
fn allowed() -> Text {
    tr!(
        "only images (JPEG, PNG, GIF, WebP, AVIF, SVG without script) and PDF may be placed beside a club page; send other files to the communications staff",
        "seuls les images (JPEG, PNG, GIF, WebP, AVIF, SVG sans script) et les PDF peuvent être placés à côté d'une page de club ; envoyez les autres fichiers à l'équipe de communication"
    )
}

/// A noun phrase in English and in French, for "holds {this}" and
/// "contient {ceci}": "a ZIP archive", "une archive ZIP".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Words {
    en: &'static str,
    fr: &'static str,
}

/// A [`Words`] from its English and French.
const fn words(en: &'static str, fr: &'static str) -> Words {
    Words { en, fr }
}

/// One mebibyte.
const MIB: u64 = 1024 * 1024;

/// Problems reported for one file, at most: a generated SVG with a million
/// event handlers gets twenty errors and a count, not a million copies of
/// its (possibly megabytes long) line.
const MAX_PER_FILE: usize = 20;

/// XML nodes in one SVG, at most. A detailed illustration has tens of
/// thousands; the limit bounds the parser's memory on a 10 MiB file made of
/// nothing but `<a/>`.
const MAX_SVG_NODES: u32 = 500_000;

/// Attributes of one SVG element, at most: the parser looks for duplicates
/// pairwise, so one element with a million attributes would take hours.
/// Inkscape's busiest element has about twenty.
const MAX_ATTRIBUTES: usize = 100;

/// Namespace declarations (`xmlns`, `xmlns:x`) in one SVG, at most: each
/// element that declares one copies those in scope, so a deep chain of them
/// costs the square of its length. Inkscape writes eight.
const MAX_NAMESPACES: usize = 64;

/// The SVG namespace: the root element must be in it, else a browser shows
/// the file as generic XML, not as an image.
const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The XHTML namespace: its elements inside an SVG are HTML (a `<h:script>`
/// runs wherever it stands in an XML document).
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// A kind of file accepted beside an untrusted page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// A JPEG image (`.jpg`, `.jpeg`).
    Jpeg,
    /// A PNG image (`.png`).
    Png,
    /// A GIF image (`.gif`).
    Gif,
    /// A WebP image (`.webp`).
    WebP,
    /// An AVIF image (`.avif`).
    Avif,
    /// A PDF document (`.pdf`).
    Pdf,
    /// An SVG image holding nothing active (`.svg`).
    Svg,
}

impl Kind {
    /// The extension a file of this kind is renamed to, in hints.
    fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Gif => "gif",
            Kind::WebP => "webp",
            Kind::Avif => "avif",
            Kind::Pdf => "pdf",
            Kind::Svg => "svg",
        }
    }

    /// The kind, in a sentence: "holds HTML, not a JPEG image".
    fn noun(self) -> Words {
        match self {
            Kind::Jpeg => words("a JPEG image", "une image JPEG"),
            Kind::Png => words("a PNG image", "une image PNG"),
            Kind::Gif => words("a GIF image", "une image GIF"),
            Kind::WebP => words("a WebP image", "une image WebP"),
            Kind::Avif => words("an AVIF image", "une image AVIF"),
            Kind::Pdf => words("a PDF document", "un document PDF"),
            Kind::Svg => words("an SVG image", "une image SVG"),
        }
    }

    /// The kind a lower-case extension names, if it is an accepted one.
    fn from_extension(ext: &str) -> Option<Kind> {
        Some(match ext {
            "jpg" | "jpeg" => Kind::Jpeg,
            "png" => Kind::Png,
            "gif" => Kind::Gif,
            "webp" => Kind::WebP,
            "avif" => Kind::Avif,
            "pdf" => Kind::Pdf,
            "svg" => Kind::Svg,
            _ => return None,
        })
    }
}

/// How large the files beside one untrusted page may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Bytes of one file, at most.
    pub file_bytes: u64,
    /// Bytes of all the files beside one page together, at most.
    pub page_bytes: u64,
}

impl Default for Limits {
    /// 10 MiB a file, 25 MiB a page: a print-quality PDF or a large photo
    /// fits, and a pull request stays cheap to check and to publish.
    fn default() -> Self {
        Limits {
            file_bytes: 10 * MIB,
            page_bytes: 25 * MIB,
        }
    }
}

/// Judges one file beside an untrusted page by its content and its name.
///
/// `path` is the site-relative path named in diagnostics
/// (`content/clubs/chess/logo.svg`); its extension, compared without regard
/// to case, must name the kind the bytes hold. An SVG is parsed and refused
/// if it holds anything active (script, event handlers, embedded HTML,
/// references outside itself, a DOCTYPE); every such problem is reported,
/// located. Sizes are not judged here: see [`judge_file`].
pub(crate) fn judge(path: &str, bytes: &[u8]) -> Result<Kind, Vec<Diagnostic>> {
    let name = file_name(path);
    let ext = extension(name);
    let named = Kind::from_extension(&ext);
    if bytes.is_empty() {
        return Err(vec![
            Diagnostic::error(path, tr!("`{name}` is empty", "`{name}` est vide"))
                .with_hint(allowed()),
        ]);
    }
    let content = sniff(bytes, &ext);
    let refusal = match (named, content) {
        (
            Some(Kind::Svg),
            Content::Allowed(Kind::Svg) | Content::Xml | Content::Utf16 | Content::Unknown,
        ) => {
            return svg(path, name, bytes).map(|()| Kind::Svg);
        }
        // Published as it is: only without metadata.
        (Some(Kind::Avif), Content::Allowed(Kind::Avif)) => {
            return match crate::image_probe::iso_image_problem(path, bytes) {
                Some(refusal) => Err(vec![refusal]),
                None => Ok(Kind::Avif),
            };
        }
        (Some(named), Content::Allowed(held)) if named == held => return Ok(held),
        (_, Content::Damaged(held)) => {
            let held = held.noun();
            Diagnostic::error(
                path,
                Text::new(
                    format!("`{name}` holds {} that is damaged or cut short", held.en),
                    format!(
                        "`{name}` contient {}, mais le fichier est endommagé ou tronqué",
                        held.fr
                    ),
                ),
            )
            .with_hint(tr!(
                "export or download the file again",
                "exportez ou téléchargez le fichier à nouveau"
            ))
        }
        (Some(named), Content::Allowed(held)) => {
            Diagnostic::error(path, holds_not(name, held.noun(), named.noun()))
                .with_hint(rename(name, held))
        }
        (None, Content::Allowed(held)) => {
            let (noun, ending) = (held.noun(), name_ending(&ext));
            Diagnostic::error(
                path,
                Text::new(
                    format!("`{name}` holds {}, but {}", noun.en, ending.en),
                    format!("`{name}` contient {}, mais {}", noun.fr, ending.fr),
                ),
            )
            .with_hint(rename(name, held))
        }
        (Some(named), other) => {
            Diagnostic::error(path, holds_not(name, other.describe(), named.noun()))
                .with_hint(allowed())
        }
        (None, other) => {
            let noun = other.describe();
            Diagnostic::error(
                path,
                Text::new(
                    format!(
                        "`{name}` holds {}, which may not be placed beside a club page",
                        noun.en
                    ),
                    format!(
                        "`{name}` contient {} : ce type de fichier ne peut pas être placé à côté d'une page de club",
                        noun.fr
                    ),
                ),
            )
            .with_hint(allowed())
        }
    };
    Err(vec![refusal])
}

/// "`name` holds `held`, not `named`".
fn holds_not(name: &str, held: Words, named: Words) -> Text {
    Text::new(
        format!("`{name}` holds {}, not {}", held.en, named.en),
        format!("`{name}` contient {}, pas {}", held.fr, named.fr),
    )
}

/// The error on a file that cannot be read.
fn unreadable(path: &str, e: &std::io::Error) -> Diagnostic {
    let name = file_name(path);
    Diagnostic::error(
        path,
        tr!(
            "cannot read `{name}`: {e}",
            "impossible de lire `{name}` : {e}"
        ),
    )
    .with_hint(tr!(
        "check that the file exists and is readable",
        "vérifiez que le fichier existe et peut être lu"
    ))
}

/// Judges the file at `abs`, named `path` in diagnostics: its size first,
/// from its metadata (a 10 GB file is refused without a byte of it being
/// read), then at most `limits.file_bytes` of its content with [`judge`].
/// Anything but a regular file (a folder, a FIFO, a device) is refused, as
/// reading it could block or never end; symbolic links are followed (the
/// load stage has refused those that lead outside the site).
#[cfg(test)]
pub(crate) fn judge_file(path: &str, abs: &Path, limits: &Limits) -> Result<Kind, Vec<Diagnostic>> {
    let size = regular_size(path, abs).map_err(|d| vec![d])?;
    judge_sized(path, abs, size, limits)
}

/// Judges all the files beside one untrusted page: their sizes together
/// first (from metadata; when they add up to more than `limits.page_bytes`
/// no file is read and one error on `page`, the page's site-relative path,
/// names the largest), then each file with [`judge_file`].
///
/// `files` are `(site-relative path, path on disk)` pairs. On success the
/// kinds come in the order of `files`; on failure every problem of every
/// file is returned.
pub(crate) fn judge_page(
    page: &str,
    files: &[(&str, &Path)],
    limits: &Limits,
) -> Result<Vec<Kind>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut sized = Vec::with_capacity(files.len());
    for &(path, abs) in files {
        match regular_size(path, abs) {
            Ok(size) => sized.push((path, abs, size)),
            Err(d) => errors.push(d),
        }
    }
    let total = sized.iter().fold(0u64, |sum, f| sum.saturating_add(f.2));
    if total > limits.page_bytes {
        errors.push(page_too_large(page, &sized, total, limits));
        // Files too large on their own are still named, from their metadata.
        errors.extend(
            sized
                .iter()
                .filter(|f| f.2 > limits.file_bytes)
                .map(|f| file_too_large(f.0, f.2, limits)),
        );
        return Err(errors);
    }
    let mut kinds = Vec::with_capacity(sized.len());
    for (path, abs, size) in sized {
        match judge_sized(path, abs, size, limits) {
            Ok(kind) => kinds.push(kind),
            Err(ds) => errors.extend(ds),
        }
    }
    if errors.is_empty() {
        Ok(kinds)
    } else {
        Err(errors)
    }
}

/// The size of the regular file at `abs`, from its metadata alone.
fn regular_size(path: &str, abs: &Path) -> Result<u64, Diagnostic> {
    let meta = fs::metadata(abs).map_err(|e| unreadable(path, &e))?;
    if meta.is_file() {
        Ok(meta.len())
    } else {
        let name = file_name(path);
        let message = if meta.is_dir() {
            tr!("`{name}` is a folder", "`{name}` est un dossier")
        } else {
            tr!(
                "`{name}` is not a regular file (a pipe, a socket or a device)",
                "`{name}` n'est pas un fichier ordinaire (un tube, une socket ou un périphérique)"
            )
        };
        Err(Diagnostic::error(path, message).with_hint(allowed()))
    }
}

/// [`judge`] on the file at `abs`, whose metadata said `size` bytes.
fn judge_sized(
    path: &str,
    abs: &Path,
    size: u64,
    limits: &Limits,
) -> Result<Kind, Vec<Diagnostic>> {
    if size > limits.file_bytes {
        return Err(vec![file_too_large(path, size, limits)]);
    }
    let unreadable = |e: std::io::Error| vec![unreadable(path, &e)];
    let file = File::open(abs).map_err(unreadable)?;
    // One byte more than allowed, so that a file that grew since its
    // metadata was read is still caught, and never read to its end.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limits.file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limits.file_bytes {
        return Err(vec![file_too_large(path, read, limits)]);
    }
    judge(path, &bytes)
}

/// The error for one file over `limits.file_bytes`.
fn file_too_large(path: &str, size: u64, limits: &Limits) -> Diagnostic {
    let name = file_name(path);
    let (size, limit) = (
        crate::i18n::human_size(size),
        crate::i18n::human_size(limits.file_bytes),
    );
    Diagnostic::error(
        path,
        Text::new(
            format!(
                "`{name}` is {}, more than the {} a file beside a club page may be",
                size.en, limit.en
            ),
            format!(
                "`{name}` pèse {}, plus que les {} permis à un fichier à côté d'une page de club",
                size.fr, limit.fr
            ),
        ),
    )
    .with_hint(tr!(
        "make it smaller (resize the image, export the PDF for the screen) or send it to the communications staff; the limit is `limits.file_bytes` in content/site.yaml",
        "réduisez-le (redimensionnez l'image, exportez le PDF pour l'écran) ou envoyez-le à l'équipe de communication ; la limite est `limits.file_bytes` dans content/site.yaml"
    ))
}

/// The error for a page whose files add up to more than `limits.page_bytes`.
fn page_too_large(
    page: &str,
    sized: &[(&str, &Path, u64)],
    total: u64,
    limits: &Limits,
) -> Diagnostic {
    let mut largest: Vec<_> = sized.iter().collect();
    largest.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    let named = |lang| {
        largest
            .iter()
            .take(3)
            .map(|f| {
                format!(
                    "`{}` ({})",
                    file_name(f.0),
                    crate::i18n::human_size(f.2).get(lang)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (n, total, limit) = (
        sized.len(),
        crate::i18n::human_size(total),
        crate::i18n::human_size(limits.page_bytes),
    );
    Diagnostic::error(
        page,
        Text::new(
            format!(
                "the {n} files beside this page add up to {}, more than the {} allowed for one page",
                total.en, limit.en
            ),
            format!(
                "les {n} fichiers à côté de cette page pèsent ensemble {}, plus que les {} permis pour une page",
                total.fr, limit.fr
            ),
        ),
    )
    .with_hint(Text::new(
        format!(
            "make the largest smaller or send them to the communications staff: {}; the limit is `limits.page_files_bytes` in content/site.yaml",
            named(Lang::En)
        ),
        format!(
            "réduisez les plus gros ou envoyez-les à l'équipe de communication : {} ; la limite est `limits.page_files_bytes` dans content/site.yaml",
            named(Lang::Fr)
        ),
    ))
}

/// The last segment of a `/`-separated path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The lower-case extension of a file name (`""` when it has none; a
/// leading dot, as in `.hidden`, starts no extension).
fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .and_then(OsStr::to_str)
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// "its name ends in `.txt`" or "its name has no extension".
fn name_ending(ext: &str) -> Text {
    if ext.is_empty() {
        tr!("its name has no extension", "son nom n'a pas d'extension")
    } else {
        tr!(
            "its name ends in `.{ext}`",
            "son nom se termine par `.{ext}`"
        )
    }
}

/// The hint to rename `name` after the kind it really holds.
fn rename(name: &str, held: Kind) -> Text {
    let stem = Path::new(name)
        .file_stem()
        .and_then(OsStr::to_str)
        .unwrap_or(name);
    let ext = held.extension();
    tr!("rename it `{stem}.{ext}`", "renommez-le `{stem}.{ext}`")
}

/// What a file's bytes hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Content {
    /// A kind that may be accepted.
    Allowed(Kind),
    /// XML whose first element is neither `<svg>` nor `<html>`.
    Xml,
    /// The start of a kind that may be accepted, cut short or damaged.
    Damaged(Kind),
    /// Something recognised and refused, in words ("HTML", "a ZIP archive").
    Other(Words),
    /// Text with a UTF-16 byte-order mark.
    Utf16,
    /// Bytes that are neither a known format nor UTF-8 text.
    Unknown,
}

impl Content {
    /// In a sentence: "holds {this}".
    fn describe(self) -> Words {
        match self {
            Content::Allowed(kind) | Content::Damaged(kind) => kind.noun(),
            Content::Xml => words("XML", "du XML"),
            Content::Other(what) => what,
            Content::Utf16 => words("UTF-16 text", "du texte UTF-16"),
            Content::Unknown => words("data of an unknown kind", "des données d'un type inconnu"),
        }
    }
}

/// What `bytes` hold, from their magic bytes, or for text from its first
/// tag; `ext` (lower case) only names text that says nothing of itself
/// (`.js` is "JavaScript", `.css` "CSS").
fn sniff(bytes: &[u8], ext: &str) -> Content {
    if let Some(content) = sniff_binary(bytes) {
        return content;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Content::Unknown;
    };
    if text.contains('\0') {
        return Content::Unknown;
    }
    sniff_text(text, ext)
}

/// The format named by a file's magic bytes, if any.
fn sniff_binary(b: &[u8]) -> Option<Content> {
    use Content::{Allowed, Other};
    let at = |offset: usize, magic: &[u8]| b.get(offset..offset + magic.len()) == Some(magic);
    let content = if at(0, b"\xFF\xD8\xFF") {
        if b.len() >= 4 {
            Allowed(Kind::Jpeg)
        } else {
            Content::Damaged(Kind::Jpeg)
        }
    } else if at(0, b"\x89PNG\r\n\x1A\n") {
        // The first chunk of every PNG is its header, IHDR.
        if at(12, b"IHDR") {
            Allowed(Kind::Png)
        } else {
            Content::Damaged(Kind::Png)
        }
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        // Signature and logical screen descriptor: 13 bytes.
        if b.len() >= 13 {
            Allowed(Kind::Gif)
        } else {
            Content::Damaged(Kind::Gif)
        }
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        if at(12, b"VP8 ") || at(12, b"VP8L") || at(12, b"VP8X") {
            Allowed(Kind::WebP)
        } else {
            Content::Damaged(Kind::WebP)
        }
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        Other(words("a WAV sound", "un son WAV"))
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        Other(words("an AVI video", "une vidéo AVI"))
    } else if at(4, b"ftyp") {
        iso_media(b)
    } else if at(0, b"%PDF-") {
        if b.get(5).is_some_and(u8::is_ascii_digit) {
            Allowed(Kind::Pdf)
        } else {
            Content::Damaged(Kind::Pdf)
        }
    } else if at(0, b"PK\x03\x04") || at(0, b"PK\x05\x06") || at(0, b"PK\x07\x08") {
        Other(words(
            "a ZIP archive (or an Office document, which is one)",
            "une archive ZIP (ou un document Office, qui en est une)",
        ))
    } else if at(0, b"\x1F\x8B") {
        Other(words("a gzip archive", "une archive gzip"))
    } else if at(0, b"BZh") {
        Other(words("a bzip2 archive", "une archive bzip2"))
    } else if at(0, b"\xFD7zXZ\0") {
        Other(words("an xz archive", "une archive xz"))
    } else if at(0, b"7z\xBC\xAF\x27\x1C") {
        Other(words("a 7-Zip archive", "une archive 7-Zip"))
    } else if at(0, b"Rar!\x1A\x07") {
        Other(words("a RAR archive", "une archive RAR"))
    } else if at(0, b"\x28\xB5\x2F\xFD") {
        Other(words("a Zstandard archive", "une archive Zstandard"))
    } else if at(257, b"ustar") {
        Other(words("a tar archive", "une archive tar"))
    } else if at(0, b"\x7FELF") {
        Other(words("an ELF executable", "un exécutable ELF"))
    } else if at(0, b"MZ") {
        Other(words("a Windows executable", "un exécutable Windows"))
    } else if at(0, b"\xFE\xED\xFA\xCE")
        || at(0, b"\xFE\xED\xFA\xCF")
        || at(0, b"\xCE\xFA\xED\xFE")
        || at(0, b"\xCF\xFA\xED\xFE")
    {
        Other(words("a macOS executable", "un exécutable macOS"))
    } else if at(0, b"\xCA\xFE\xBA\xBE") {
        Other(words(
            "a macOS executable or a Java class",
            "un exécutable macOS ou une classe Java",
        ))
    } else if at(0, b"\0asm") {
        Other(words("a WebAssembly module", "un module WebAssembly"))
    } else if at(0, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Other(words(
            "an old Microsoft Office document",
            "un ancien document Microsoft Office",
        ))
    } else if at(0, b"SQLite format 3\0") {
        Other(words("an SQLite database", "une base de données SQLite"))
    } else if at(0, b"II*\0") || at(0, b"MM\0*") {
        Other(words("a TIFF image", "une image TIFF"))
    } else if at(0, b"BM") && b.len() >= 18 && matches!(b[14], 12 | 40 | 52 | 56 | 108 | 124) {
        Other(words("a BMP image", "une image BMP"))
    } else if at(0, b"\0\0\x01\0") {
        Other(words("an icon (ICO)", "une icône (ICO)"))
    } else if at(0, b"\xFF\x0A") || at(0, b"\0\0\0\x0CJXL \r\n\x87\n") {
        Other(words("a JPEG XL image", "une image JPEG XL"))
    } else if at(0, b"8BPS") {
        Other(words("a Photoshop document", "un document Photoshop"))
    } else if at(0, b"wOFF") || at(0, b"wOF2") {
        Other(words("a web font (WOFF)", "une police web (WOFF)"))
    } else if at(0, b"OTTO") || at(0, b"\0\x01\0\0\0") {
        Other(words("a font", "une police de caractères"))
    } else if at(0, b"OggS") {
        Other(words("an Ogg sound or video", "un son ou une vidéo Ogg"))
    } else if at(0, b"ID3") {
        Other(words("an MP3 sound", "un son MP3"))
    } else if at(0, b"fLaC") {
        Other(words("a FLAC sound", "un son FLAC"))
    } else if at(0, b"\x1A\x45\xDF\xA3") {
        Other(words(
            "a WebM or Matroska video",
            "une vidéo WebM ou Matroska",
        ))
    } else if (at(0, b"FWS") || at(0, b"CWS") || at(0, b"ZWS")) && b.len() > 8 {
        Other(words("a Flash file", "un fichier Flash"))
    } else if at(0, b"\xFF\xFE") || at(0, b"\xFE\xFF") {
        Content::Utf16
    } else {
        return None;
    };
    Some(content)
}

/// An ISO media file (`....ftyp`): AVIF when its major or one of its
/// compatible brands says so, else HEIC or a video.
fn iso_media(b: &[u8]) -> Content {
    let size = b
        .get(0..4)
        .and_then(|s| s.try_into().ok())
        .map_or(0, u32::from_be_bytes);
    let end = usize::try_from(size).unwrap_or(usize::MAX).min(b.len());
    let major = b.get(8..12);
    // Compatible brands follow the major brand and its minor version.
    let compatible = b.get(16..end.max(16)).unwrap_or(&[]);
    let is = |brand: &[u8]| major == Some(brand) || compatible.chunks_exact(4).any(|c| c == brand);
    if is(b"avif") || is(b"avis") {
        Content::Allowed(Kind::Avif)
    } else if is(b"heic") || is(b"heix") || is(b"mif1") || is(b"msf1") {
        Content::Other(words("a HEIC image", "une image HEIC"))
    } else {
        Content::Other(words(
            "a video (MP4 or QuickTime)",
            "une vidéo (MP4 ou QuickTime)",
        ))
    }
}

/// What a UTF-8 text is: HTML, SVG, other XML, a calendar, or text named by
/// its extension.
fn sniff_text(text: &str, ext: &str) -> Content {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if looks_like_html(text) {
        return Content::Other(words("HTML", "du HTML"));
    }
    if let Some(root) = first_element(text) {
        let local = root.rsplit(':').next().unwrap_or(root);
        return if local.eq_ignore_ascii_case("svg") {
            Content::Allowed(Kind::Svg)
        } else if local.eq_ignore_ascii_case("html") {
            Content::Other(words("HTML", "du HTML"))
        } else {
            Content::Xml
        };
    }
    let start = text.trim_start();
    if start.starts_with("BEGIN:VCALENDAR") {
        return Content::Other(words("a calendar (iCalendar)", "un calendrier (iCalendar)"));
    }
    if start.starts_with("BEGIN:VCARD") {
        return Content::Other(words(
            "a contact card (vCard)",
            "une fiche de contact (vCard)",
        ));
    }
    if start.starts_with("%!PS") {
        return Content::Other(words("a PostScript document", "un document PostScript"));
    }
    if start.starts_with("{\\rtf") {
        return Content::Other(words("an RTF document", "un document RTF"));
    }
    if text.starts_with("#!") {
        return Content::Other(words("a script", "un script"));
    }
    Content::Other(match ext {
        "js" | "mjs" | "cjs" => words("JavaScript", "du JavaScript"),
        "css" => words("CSS", "du CSS"),
        "json" => words("JSON", "du JSON"),
        "ics" => words("a calendar (iCalendar)", "un calendrier (iCalendar)"),
        "htm" | "html" | "xhtml" | "shtml" => words("HTML", "du HTML"),
        "xml" | "xsl" | "xslt" => words("XML", "du XML"),
        "md" | "markdown" => words("Markdown", "du Markdown"),
        "csv" => words("a table (CSV)", "un tableau (CSV)"),
        "yaml" | "yml" => words("YAML", "du YAML"),
        "sh" | "bash" | "py" | "php" | "rb" | "pl" => words("a script", "un script"),
        _ => words("text", "du texte"),
    })
}

/// Whether text starts as browsers sniff HTML: after blank space, one of the
/// tags of the WHATWG "MIME Sniffing" list followed by a space or `>`. (Its
/// `<!--` is left out: an SVG may start with a comment too, and such a file
/// is told by its first element.)
fn looks_like_html(text: &str) -> bool {
    const TAGS: [&str; 16] = [
        "<!doctype html",
        "<html",
        "<head",
        "<script",
        "<iframe",
        "<h1",
        "<div",
        "<font",
        "<table",
        "<a",
        "<style",
        "<title",
        "<b",
        "<body",
        "<br",
        "<p",
    ];
    let start = text.trim_start().as_bytes();
    TAGS.iter().any(|tag| {
        start.len() > tag.len()
            && start[..tag.len()].eq_ignore_ascii_case(tag.as_bytes())
            && matches!(start[tag.len()], b' ' | b'>' | b'\t' | b'\n' | b'\r')
    })
}

/// The name of the first element of an XML-looking text, after its prolog
/// (declaration, processing instructions, comments, DOCTYPE); `None` when
/// the text does not start like XML.
fn first_element(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            // A DOCTYPE, with its internal subset in brackets when it has one.
            let close = match (after.find('['), after.find('>')) {
                (Some(open), Some(gt)) if open < gt => after[open..].find("]>")? + open + 1,
                (_, gt) => gt?,
            };
            rest = &after[close + 1..];
        } else {
            let after = rest.strip_prefix('<')?;
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            let name = &after[..end];
            return (!name.is_empty()).then_some(name);
        }
    }
}

/// Collects an SVG file's problems, at most [`MAX_PER_FILE`] and a count.
struct Problems<'a> {
    path: &'a str,
    text: &'a str,
    found: Vec<Diagnostic>,
    more: usize,
}

impl<'a> Problems<'a> {
    fn new(path: &'a str, text: &'a str) -> Self {
        Problems {
            path,
            text,
            found: Vec::new(),
            more: 0,
        }
    }

    /// A problem at byte `offset` of the text.
    fn at(&mut self, offset: usize, message: Text, hint: Text) {
        if self.found.len() < MAX_PER_FILE {
            // A diagnostic keeps a cut excerpt of its line, not the line: a
            // minified SVG of one 10 MiB line costs no more than a short one.
            self.found.push(
                Diagnostic::error(self.path, message)
                    .at_offset(self.text, offset)
                    .with_hint(hint),
            );
        } else {
            self.more += 1;
        }
    }

    /// All problems found, or `Ok` when there were none.
    fn finish(mut self) -> Result<(), Vec<Diagnostic>> {
        if self.found.is_empty() {
            return Ok(());
        }
        if self.more > 0 {
            self.found.push(
                Diagnostic::error(
                    self.path,
                    tr!(
                        "and {} more problems like these in `{}`",
                        "et {} autres problèmes de ce genre dans `{}`";
                        self.more,
                        file_name(self.path)
                    ),
                )
                .with_hint(svg_hint()),
            );
        }
        Err(self.found)
    }
}

/// The hint of an SVG refused for what it holds.
fn svg_hint() -> Text {
    tr!(
        "an SVG beside a club page may draw, but not run script, embed HTML or load anything: export it again as a plain SVG (Inkscape: Save As > Plain SVG, or Optimized SVG) without scripts, links, embedded images or fonts",
        "un SVG à côté d'une page de club peut dessiner, mais pas exécuter de script, embarquer du HTML ni charger quoi que ce soit : exportez-le à nouveau en SVG simple (Inkscape : Enregistrer sous > SVG simple, ou SVG optimisé) sans scripts, liens, images ni polices embarquées"
    )
}

/// The hint of an SVG refused for a reference outside itself.
fn reference_hint() -> Text {
    tr!(
        "an SVG beside a club page may refer only to its own parts (`#id`): place an image beside the page as a file of its own, and put links in the page rather than in the image",
        "un SVG à côté d'une page de club ne peut renvoyer qu'à ses propres parties (`#id`) : placez une image à côté de la page dans un fichier à part, et mettez les liens dans la page plutôt que dans l'image"
    )
}

/// Judges an SVG: UTF-8, well-formed XML without DOCTYPE, an `<svg>` root,
/// and nothing active in it.
fn svg(path: &str, name: &str, bytes: &[u8]) -> Result<(), Vec<Diagnostic>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Err(vec![not_utf8(path, name, bytes, e.valid_up_to())]),
    };
    if let Some(d) = declared_encoding(path, name, text) {
        return Err(vec![d]);
    }
    if let Some((at, message)) = costly_shape(name, text) {
        return Err(vec![
            Diagnostic::error(path, message)
                .at_offset(text, at)
                .with_hint(tr!(
                    "export the SVG again as a plain SVG, or as a PNG or WebP image",
                    "exportez le SVG à nouveau en SVG simple, ou en image PNG ou WebP"
                )),
        ]);
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_SVG_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options)
        .map_err(|e| vec![malformed(path, name, text, &e)])?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        let message = if root.tag_name().name().eq_ignore_ascii_case("html") {
            tr!(
                "`{name}` holds HTML, not an SVG image",
                "`{name}` contient du HTML, pas une image SVG"
            )
        } else if root.tag_name().name() == "svg" {
            tr!(
                "the `<svg>` element of `{name}` is not in the SVG namespace",
                "l'élément `<svg>` de `{name}` n'est pas dans l'espace de noms SVG"
            )
        } else {
            tr!(
                "`{name}` holds XML whose root element is `<{}>`, not an SVG image",
                "`{name}` contient du XML dont l'élément racine est `<{}>`, pas une image SVG";
                shown(root.tag_name().name())
            )
        };
        let allowed = allowed();
        return Err(vec![
            Diagnostic::error(path, message)
                .at_offset(text, root.range().start)
                .with_hint(Text::new(
                    format!(
                        "an SVG starts with `<svg xmlns=\"{SVG_NS}\" ...>`; {}",
                        allowed.en
                    ),
                    format!(
                        "un SVG commence par `<svg xmlns=\"{SVG_NS}\" ...>` ; {}",
                        allowed.fr
                    ),
                )),
        ]);
    }
    let mut problems = Problems::new(path, text);
    for node in doc.descendants() {
        match node.node_type() {
            NodeType::PI => {
                let target = shown(node.pi().map_or("", |pi| pi.target));
                problems.at(
                    node.range().start,
                    tr!(
                        "`{name}` holds a processing instruction `<?{target} ...?>`, which can load a style sheet or script",
                        "`{name}` contient une instruction de traitement `<?{target} ...?>`, qui peut charger une feuille de style ou un script"
                    ),
                    tr!(
                        "delete the `<?...?>` line (the `<?xml version=...?>` declaration at the very top may stay)",
                        "supprimez la ligne `<?...?>` (la déclaration `<?xml version=...?>` tout en haut peut rester)"
                    ),
                );
            }
            NodeType::Element => element(&mut problems, name, node),
            NodeType::Root | NodeType::Comment | NodeType::Text => {}
        }
    }
    problems.finish()
}

/// The first place where an SVG has a shape that would cost the XML parser
/// time or memory out of proportion with the file's size: an element with
/// more than [`MAX_ATTRIBUTES`] attributes, or more than [`MAX_NAMESPACES`]
/// namespace declarations in all. A linear scan of the markup that skips
/// comments, CDATA sections, processing instructions and quoted values as
/// the parser does; where the markup is malformed it stops and leaves the
/// parser to say so.
fn costly_shape(name: &str, text: &str) -> Option<(usize, Text)> {
    let bytes = text.as_bytes();
    let mut namespaces = 0;
    let mut i = 0;
    while let Some(found) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + found;
        let rest = &text[start..];
        let past = |end: &str| rest.find(end).map(|e| start + e + end.len());
        i = if rest.starts_with("<!--") {
            past("-->")?
        } else if rest.starts_with("<![CDATA[") {
            past("]]>")?
        } else if rest.starts_with("<?") {
            past("?>")?
        } else if rest.starts_with("<!") {
            // A DOCTYPE, which the parser refuses before any element.
            return None;
        } else {
            // A start or end tag: count its attributes up to its `>`.
            let mut attributes = 0;
            let mut name_floor = start + 1;
            let mut j = start + 1;
            loop {
                match *bytes.get(j)? {
                    b'>' => break,
                    quote @ (b'"' | b'\'') => {
                        j += 1 + bytes[j + 1..].iter().position(|&b| b == quote)?;
                        name_floor = j + 1;
                    }
                    b'=' => {
                        attributes += 1;
                        if attributes > MAX_ATTRIBUTES {
                            return Some((
                                start,
                                tr!(
                                    "an element of `{name}` has more than {MAX_ATTRIBUTES} attributes",
                                    "un élément de `{name}` a plus de {MAX_ATTRIBUTES} attributs"
                                ),
                            ));
                        }
                        let before = text[name_floor..j].trim_end();
                        let attr = before
                            .rsplit(|c: char| c.is_whitespace())
                            .next()
                            .unwrap_or(before);
                        if attr == "xmlns" || attr.starts_with("xmlns:") {
                            namespaces += 1;
                            if namespaces > MAX_NAMESPACES {
                                return Some((
                                    j - attr.len(),
                                    tr!(
                                        "`{name}` declares more than {MAX_NAMESPACES} XML namespaces",
                                        "`{name}` déclare plus de {MAX_NAMESPACES} espaces de noms XML"
                                    ),
                                ));
                            }
                        }
                        name_floor = j + 1;
                    }
                    _ => {}
                }
                j += 1;
            }
            j + 1
        };
    }
    None
}

/// At most 80 characters of `text`, cut with `…`: names and values quoted
/// in messages, which an attacker may make megabytes long.
fn shown(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The error for an SVG that is not UTF-8, at its first bad byte.
fn not_utf8(path: &str, name: &str, bytes: &[u8], valid: usize) -> Diagnostic {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Diagnostic::error(
            path,
            tr!(
                "`{name}` is saved as UTF-16, not UTF-8",
                "`{name}` est enregistré en UTF-16, pas en UTF-8"
            ),
        )
        .with_hint(tr!(
            "save the SVG as UTF-8 (Inkscape and Illustrator do by default)",
            "enregistrez le SVG en UTF-8 (Inkscape et Illustrator le font par défaut)"
        ));
    }
    // The valid prefix is UTF-8 by construction.
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
    Diagnostic::error(
        path,
        tr!(
            "`{name}` is not valid UTF-8 (byte {valid}); an SVG must be",
            "`{name}` n'est pas en UTF-8 valide (octet {valid}) ; un SVG doit l'être"
        ),
    )
    .at_offset(prefix, prefix.len())
    .with_hint(tr!("save the SVG as UTF-8", "enregistrez le SVG en UTF-8"))
}

/// An XML declaration naming an encoding other than UTF-8 (or its subset
/// ASCII): a browser would decode the bytes otherwise than this check did.
fn declared_encoding(path: &str, name: &str, text: &str) -> Option<Diagnostic> {
    let start = usize::from(text.starts_with('\u{FEFF}')) * '\u{FEFF}'.len_utf8();
    let decl = text[start..].strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let value = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
    let value = &value[1..];
    let encoding = &value[..value.find(quote)?];
    if ["utf-8", "utf8", "us-ascii", "ascii"]
        .iter()
        .any(|e| encoding.eq_ignore_ascii_case(e))
    {
        return None;
    }
    Some(
        Diagnostic::error(
            path,
            tr!(
                "`{name}` declares the encoding `{}`; an SVG must be UTF-8",
                "`{name}` déclare l'encodage `{}` ; un SVG doit être en UTF-8";
                shown(encoding)
            ),
        )
        .at_offset(text, start + "<?xml".len() + at)
        .with_hint(tr!(
            "save the SVG as UTF-8 and write `encoding=\"UTF-8\"` (or no encoding)",
            "enregistrez le SVG en UTF-8 et écrivez `encoding=\"UTF-8\"` (ou aucun encodage)"
        )),
    )
}

/// The error for an SVG that is not well-formed XML (or has a DOCTYPE).
fn malformed(path: &str, name: &str, text: &str, e: &roxmltree::Error) -> Diagnostic {
    match e {
        roxmltree::Error::DtdDetected => {
            // The parser gives no position; a DOCTYPE can only stand in the
            // prolog, before the first element, where this finds it.
            let at = text.find("<!DOCTYPE").unwrap_or(0);
            Diagnostic::error(
                path,
                tr!(
                    "`{name}` has a DOCTYPE declaration, which can define entities that expand to gigabytes or read other files",
                    "`{name}` a une déclaration DOCTYPE, qui peut définir des entités qui grossissent jusqu'à des gigaoctets ou lisent d'autres fichiers"
                ),
            )
            .at_offset(text, at)
            .with_hint(tr!(
                "delete the `<!DOCTYPE ...>` (and any `<!ENTITY ...>` in it) at the top of the file: browsers do not need it",
                "supprimez le `<!DOCTYPE ...>` (et tout `<!ENTITY ...>` qu'il contient) en haut du fichier : les navigateurs n'en ont pas besoin"
            ))
        }
        roxmltree::Error::NodesLimitReached => Diagnostic::error(
            path,
            tr!(
                "`{name}` has more than {MAX_SVG_NODES} XML nodes",
                "`{name}` a plus de {MAX_SVG_NODES} nœuds XML"
            ),
        )
        .with_hint(tr!(
            "simplify the drawing, or export it as a PNG or WebP image",
            "simplifiez le dessin, ou exportez-le en image PNG ou WebP"
        )),
        roxmltree::Error::UnexpectedEndOfStream | roxmltree::Error::UnclosedRootNode => {
            Diagnostic::error(
                path,
                tr!(
                    "`{name}` ends before its `<svg>` element is closed",
                    "`{name}` se termine avant que son élément `<svg>` soit fermé"
                ),
            )
            .at_offset(text, text.len())
            .with_hint(tr!(
                "the file is cut short: export or download it again",
                "le fichier est tronqué : exportez-le ou téléchargez-le à nouveau"
            ))
        }
        _ => {
            let pos = e.pos();
            let message = shown(&e.to_string().replace(&format!(" at {pos}"), ""));
            let position = Position {
                line: usize::try_from(pos.row).unwrap_or(1),
                col: usize::try_from(pos.col).unwrap_or(1),
            };
            Diagnostic::error(
                path,
                // The parser's own words, in English.
                tr!(
                    "`{name}` is not well-formed XML: {message}",
                    "`{name}` n'est pas du XML bien formé : {message}"
                ),
            )
            .at(text, position)
            .with_hint(tr!(
                "open the SVG in Inkscape or a browser and save it again, or fix the markup at this place",
                "ouvrez le SVG dans Inkscape ou un navigateur et enregistrez-le à nouveau, ou corrigez le balisage à cet endroit"
            ))
        }
    }
}

/// The problems of one SVG element and its attributes.
fn element(problems: &mut Problems, name: &str, node: Node) {
    let tag = node.tag_name();
    let local = tag.name();
    let lower = local.to_ascii_lowercase();
    let start = node.range().start;
    let active = match lower.as_str() {
        "script" => Some(words("a `<script>` element", "un élément `<script>`")),
        "foreignobject" => Some(words(
            "a `<foreignObject>` element, which embeds HTML",
            "un élément `<foreignObject>`, qui embarque du HTML",
        )),
        "iframe" => Some(words("an `<iframe>` element", "un élément `<iframe>`")),
        "embed" => Some(words("an `<embed>` element", "un élément `<embed>`")),
        "object" => Some(words("an `<object>` element", "un élément `<object>`")),
        "handler" | "listener" => Some(words(
            "an event handler element",
            "un élément gestionnaire d'événements",
        )),
        _ => None,
    };
    if let Some(what) = active {
        let message = Text::new(
            format!("`{name}` holds {}", what.en),
            format!("`{name}` contient {}", what.fr),
        );
        problems.at(start, message, svg_hint());
    } else if tag.namespace() == Some(XHTML_NS) {
        problems.at(
            start,
            tr!(
                "`{name}` holds an HTML element `<{}>`",
                "`{name}` contient un élément HTML `<{}>`";
                shown(local)
            ),
            svg_hint(),
        );
    }
    if lower == "style" {
        for child in node.children().filter(Node::is_text) {
            let css = child.text().unwrap_or("");
            let source = Source::of(problems.text, child.range(), css);
            css_problems(problems, name, css, source, true);
        }
    }
    let animates = matches!(
        lower.as_str(),
        "set" | "animate" | "animatetransform" | "animatemotion" | "animatecolor"
    );
    for attr in node.attributes() {
        // Named as written (`xlink:href`), not by its local part alone.
        let attr_name = problems.text.get(attr.range_qname()).unwrap_or(attr.name());
        let attr_lower = attr.name().to_ascii_lowercase();
        let at = attr.range().start;
        let value = attr.value();
        if attr_lower.starts_with("on") {
            problems.at(
                at,
                tr!(
                    "`{name}` has an event handler attribute `{}`, which runs script",
                    "`{name}` a un attribut gestionnaire d'événements `{}`, qui exécute du script";
                    shown(attr_name)
                ),
                svg_hint(),
            );
        } else if attr_lower == "href" || attr_lower == "src" {
            if let Some(message) = outside_reference(name, local, attr_name, value) {
                problems.at(at, message, reference_hint());
            }
        } else if animates && attr_lower == "attributename" {
            let target = value.trim();
            let target = target
                .rsplit(':')
                .next()
                .unwrap_or(target)
                .to_ascii_lowercase();
            if target == "href" || target == "src" || target.starts_with("on") {
                problems.at(
                    at,
                    tr!(
                        "`{name}` has a `<{local}>` that changes the `{}` attribute, which can turn into a link or script",
                        "`{name}` a un `<{local}>` qui change l'attribut `{}`, ce qui peut en faire un lien ou un script";
                        shown(value.trim())
                    ),
                    svg_hint(),
                );
            }
        }
        // Attributes of no namespace are SVG's own, and presentation
        // attributes (`fill`, `filter`, `style`...) are read as CSS; those
        // of a namespace (`inkscape:`, `sodipodi:`) are ignored by browsers
        // and may hold paths such as `C:\Users\...`.
        if attr.namespace().is_none() {
            let source = Source::of(problems.text, attr.range_value(), value);
            css_problems(problems, name, value, source, attr_lower == "style");
        }
    }
}

/// Where a decoded value (an attribute's, a text's) stands in the file.
#[derive(Clone, Copy)]
struct Source {
    /// Byte offset of the value's source in the file.
    start: usize,
    /// Whether the source is the decoded value itself, from `start` on (no
    /// entity reference in it), so that offsets in the value are offsets in
    /// the file; else every problem in it points at `start`.
    verbatim: bool,
}

impl Source {
    /// The source of `decoded`, found at `range` of `text`; a CDATA section
    /// is looked into.
    fn of(text: &str, range: std::ops::Range<usize>, decoded: &str) -> Source {
        let raw = text.get(range.clone()).unwrap_or("");
        let cdata = raw
            .strip_prefix("<![CDATA[")
            .and_then(|r| r.strip_suffix("]]>"));
        if cdata == Some(decoded) {
            Source {
                start: range.start + "<![CDATA[".len(),
                verbatim: true,
            }
        } else {
            Source {
                start: range.start,
                verbatim: raw == decoded,
            }
        }
    }

    /// The file offset of byte `i` of the decoded value.
    fn offset(self, i: usize) -> usize {
        if self.verbatim {
            self.start + i
        } else {
            self.start
        }
    }
}

/// Why an `href` or `src` value refers outside the file, if it does: only a
/// same-document fragment (`#id`) is allowed.
fn outside_reference(name: &str, element: &str, attr: &str, value: &str) -> Option<Text> {
    let target = value.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
    if target.starts_with('#') {
        return None;
    }
    let scheme = |s: &str| {
        target
            .get(..s.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(s))
    };
    let attr = shown(attr);
    let what = if scheme("javascript:") {
        tr!(
            "a `javascript:` address in `{attr}`, which runs script",
            "une adresse `javascript:` dans `{attr}`, qui exécute du script"
        )
    } else if scheme("data:") {
        tr!(
            "a `data:` address in `{attr}`, which embeds another file",
            "une adresse `data:` dans `{attr}`, qui embarque un autre fichier"
        )
    } else {
        tr!(
            "`{attr}=\"{}\"`, which refers outside the file",
            "`{attr}=\"{}\"`, qui renvoie hors du fichier";
            shown(target)
        )
    };
    let (en, fr) = (&what.en, &what.fr);
    Some(match element {
        "a" => tr!(
            "`{name}` has a link (`<a>`) with {en}",
            "`{name}` a un lien (`<a>`) avec {fr}"
        ),
        "use" => tr!(
            "`{name}` has a `<use>` with {en}",
            "`{name}` a un `<use>` avec {fr}"
        ),
        _ => {
            let element = shown(element);
            tr!(
                "`{name}` has a `<{element}>` with {en}",
                "`{name}` a un `<{element}>` avec {fr}"
            )
        }
    })
}

/// The problems of a piece of CSS (`<style>` text, a `style` attribute, or
/// a presentation attribute read as CSS): `url(` to anything but
/// `#fragment`, functions that load images or run code, `@import`, and
/// backslash escapes beside them (`u\72l(` is `url(` to a browser).
/// `style` is true for style sheets and `style` attributes, where
/// `@import` is looked for too.
fn css_problems(problems: &mut Problems, name: &str, css: &str, source: Source, style: bool) {
    let lower = css.to_ascii_lowercase();
    let offset = |i: usize| source.offset(i);
    if style {
        if let Some(i) = lower.find("@import") {
            problems.at(
                offset(i),
                tr!(
                    "`{name}` has a style sheet with `@import`, which loads another file",
                    "`{name}` a une feuille de style avec `@import`, qui charge un autre fichier"
                ),
                svg_hint(),
            );
        }
    }
    if lower.contains('(') || lower.contains('@') {
        if let Some(i) = lower.find('\\') {
            problems.at(
                offset(i),
                tr!(
                    "`{name}` has a backslash escape in CSS, which can hide `url(` or `@import`",
                    "`{name}` a un échappement par barre oblique inverse dans du CSS, qui peut cacher `url(` ou `@import`"
                ),
                svg_hint(),
            );
        }
    }
    for (open, _) in lower.match_indices('(') {
        let before = &lower[..open];
        let function = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .map_or(before, |i| &before[i + 1..]);
        let at = offset(open - function.len());
        match function {
            "url" => {
                let argument = lower[open + 1..]
                    .trim_start()
                    .trim_start_matches(['"', '\''])
                    .trim_start();
                if !argument.starts_with('#') {
                    problems.at(
                        at,
                        tr!(
                            "`{name}` has a CSS `url(` to something outside the file",
                            "`{name}` a un `url(` CSS vers quelque chose hors du fichier"
                        ),
                        reference_hint(),
                    );
                }
            }
            "image" | "image-set" | "-webkit-image-set" | "src" | "expression" => problems.at(
                at,
                tr!(
                    "`{name}` has a CSS `{function}(`, which can load a file or run code",
                    "`{name}` a un `{function}(` CSS, qui peut charger un fichier ou exécuter du code"
                ),
                svg_hint(),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::time::{Duration, Instant};

    use super::*;

    /// A 1×1 transparent PNG, complete (header, data and end chunks).
    const PNG: &[u8] = b"\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1F\x15\xC4\x89\0\0\0\x0BIDAT\x78\x9C\x63\x60\0\x02\0\0\x05\0\x01\x7A\x5E\xAB\x3F\0\0\0\0IEND\xAE\x42\x60\x82";
    /// A 1×1 GIF: header, screen, one-colour palette, image, trailer.
    const GIF: &[u8] =
        b"GIF89a\x01\0\x01\0\x80\0\0\xFF\xFF\xFF\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";
    /// The start of a JFIF JPEG: SOI and the APP0 segment.
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xD9";
    /// A lossless WebP header (RIFF, WEBP, VP8L chunk).
    const WEBP: &[u8] =
        b"RIFF\x1A\0\0\0WEBPVP8L\x0D\0\0\0\x2F\0\0\0\x10\x07\x10\x11\x11\x88\x88\xFE\x07\0";
    /// An AVIF's first box: `ftyp` with major brand `avif`.
    const AVIF: &[u8] = b"\0\0\0\x20ftypavifZ\0\0\0avifmif1miafMA1B";
    /// An empty one-page PDF.
    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

    /// A logo as Inkscape saves it: XML declaration, comments, RDF
    /// metadata, `sodipodi:` and `inkscape:` attributes, a gradient used
    /// through `url(#...)`, `<use>` and a link to its own parts.
    const INKSCAPE_SVG: &str = r##"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->

<svg
   width="64mm"
   height="32mm"
   viewBox="0 0 64 32"
   version="1.1"
   id="svg5"
   inkscape:version="1.2.2 (b0a8486541, 2022-12-01)"
   sodipodi:docname="logo.svg"
   inkscape:export-filename="C:\Users\club\Desktop\logo.png"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns="http://www.w3.org/2000/svg"
   xmlns:svg="http://www.w3.org/2000/svg"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:cc="http://creativecommons.org/ns#"
   xmlns:dc="http://purl.org/dc/elements/1.1/">
  <sodipodi:namedview
     id="namedview7"
     pagecolor="#ffffff"
     inkscape:zoom="2.1"
     inkscape:current-layer="layer1" />
  <defs id="defs2">
    <linearGradient id="blue" x1="0" x2="1">
      <stop offset="0" style="stop-color:#00205b;stop-opacity:1" />
      <stop offset="1" stop-color="#5b9bd5" />
    </linearGradient>
    <style><![CDATA[ .title { font: bold 6px sans-serif; fill: url(#blue) } ]]></style>
    <path id="star" d="M 5,0 6,4 10,4 7,6 8,10 5,8 2,10 3,6 0,4 4,4 Z" />
  </defs>
  <metadata id="metadata1">
    <rdf:RDF>
      <cc:Work rdf:about="">
        <dc:format>image/svg+xml</dc:format>
        <dc:title>Club d'échecs</dc:title>
      </cc:Work>
    </rdf:RDF>
  </metadata>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1">
    <rect x="0" y="0" width="64" height="32" rx="3" style="fill:url( '#blue' );stroke:none" />
    <use xlink:href="#star" x="2" y="2" />
    <use href="#star" x="52" y="2" transform="rotate(10 57 7)" />
    <a href="#layer1"><text x="16" y="20" class="title">Échecs &amp; Co</text></a>
  </g>
</svg>
"##;

    /// `judge` on an SVG named `content/clubs/x/logo.svg`.
    fn svg(text: &str) -> Result<Kind, Vec<Diagnostic>> {
        judge("content/clubs/x/logo.svg", text.as_bytes())
    }

    /// An SVG whose second line is `line`.
    fn svg_with(line: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n{line}\n</svg>\n"
        )
    }

    /// The one error of a refused file.
    fn refusal(result: Result<Kind, Vec<Diagnostic>>) -> Diagnostic {
        let mut errors = result.expect_err("the file should be refused");
        assert_eq!(errors.len(), 1, "{errors:#?}");
        bilingual(&errors);
        errors.remove(0)
    }

    /// Every message and hint of `errors` is written in French too.
    fn bilingual(errors: &[Diagnostic]) {
        for d in errors {
            for text in std::iter::once(&d.message).chain(&d.hint) {
                assert!(!text.lacks_french(), "{text:?}");
                assert_ne!(text.en, text.fr, "{text:?}");
            }
        }
    }

    fn line_col(d: &Diagnostic) -> (usize, usize) {
        let p = d.position.unwrap_or_else(|| panic!("not located: {d}"));
        (p.line, p.col)
    }

    #[test]
    fn every_allowed_kind_is_accepted() {
        let cases: [(&str, &[u8], Kind); 7] = [
            ("photo.jpg", JPEG, Kind::Jpeg),
            ("logo.png", PNG, Kind::Png),
            ("anim.gif", GIF, Kind::Gif),
            ("photo.webp", WEBP, Kind::WebP),
            ("photo.avif", AVIF, Kind::Avif),
            ("statuts.pdf", PDF, Kind::Pdf),
            ("logo.svg", INKSCAPE_SVG.as_bytes(), Kind::Svg),
        ];
        for (name, bytes, kind) in cases {
            let path = format!("content/clubs/x/{name}");
            assert_eq!(judge(&path, bytes), Ok(kind), "{name}");
        }
    }

    #[test]
    fn extensions_are_compared_without_regard_to_case() {
        for name in ["a.JPG", "a.jpeg", "a.Jpeg", "a.JPEG"] {
            assert_eq!(judge(name, JPEG), Ok(Kind::Jpeg), "{name}");
        }
        assert_eq!(judge("a.PNG", PNG), Ok(Kind::Png));
        assert_eq!(judge("a.Pdf", PDF), Ok(Kind::Pdf));
        assert_eq!(judge("a.SVG", INKSCAPE_SVG.as_bytes()), Ok(Kind::Svg));
    }

    #[test]
    fn an_allowed_extension_holding_something_else_is_refused_naming_it() {
        let d = refusal(judge(
            "content/clubs/x/photo.jpg",
            b"<!DOCTYPE html>\n<script>alert(1)</script>",
        ));
        assert_eq!(d.path, "content/clubs/x/photo.jpg");
        assert_eq!(d.message, "`photo.jpg` holds HTML, not a JPEG image");
        assert_eq!(d.hint, Some(allowed()));
        assert_eq!(
            d.message.fr,
            "`photo.jpg` contient du HTML, pas une image JPEG"
        );

        let d = refusal(judge("content/clubs/x/statuts.pdf", PNG));
        assert_eq!(
            d.message,
            "`statuts.pdf` holds a PNG image, not a PDF document"
        );
        assert_eq!(d.hint.as_deref(), Some("rename it `statuts.png`"));

        let d = refusal(judge("logo.png", INKSCAPE_SVG.as_bytes()));
        assert_eq!(d.message, "`logo.png` holds an SVG image, not a PNG image");
        assert_eq!(d.hint.as_deref(), Some("rename it `logo.svg`"));

        let d = refusal(judge("logo.svg", PNG));
        assert_eq!(d.message, "`logo.svg` holds a PNG image, not an SVG image");

        let d = refusal(judge("photo.gif", b"PK\x03\x04\x14\0\0\0"));
        assert_eq!(
            d.message,
            "`photo.gif` holds a ZIP archive (or an Office document, which is one), not a GIF image"
        );

        let d = refusal(judge("logo.svg", b"<html><body>hi</body></html>"));
        assert_eq!(d.message, "`logo.svg` holds HTML, not an SVG image");
    }

    #[test]
    fn an_image_under_another_name_is_refused_with_a_rename_hint() {
        let d = refusal(judge("content/clubs/x/photo.txt", JPEG));
        assert_eq!(
            d.message,
            "`photo.txt` holds a JPEG image, but its name ends in `.txt`"
        );
        assert_eq!(d.hint.as_deref(), Some("rename it `photo.jpg`"));
        let d = refusal(judge("content/clubs/x/photo", PNG));
        assert_eq!(
            d.message,
            "`photo` holds a PNG image, but its name has no extension"
        );
        assert_eq!(d.hint.as_deref(), Some("rename it `photo.png`"));
    }

    #[test]
    fn other_files_are_refused_naming_what_they_hold() {
        let cases: [(&str, &[u8], &str); 16] = [
            (
                "evil.html",
                b"<html><script>alert(1)</script></html>",
                "HTML",
            ),
            ("page.htm", b"hello <b>world</b>", "HTML"),
            ("x.js", b"alert(document.cookie)", "JavaScript"),
            ("site.css", b"body { color: red }", "CSS"),
            ("feed.xml", b"<?xml version=\"1.0\"?><rss/>", "XML"),
            (
                "agenda.ics",
                b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                "a calendar (iCalendar)",
            ),
            ("data.json", b"{\"a\": 1}", "JSON"),
            ("notes.txt", b"just words", "text"),
            (
                "files.zip",
                b"PK\x03\x04\x14\0\0\0\x08\0",
                "a ZIP archive (or an Office document, which is one)",
            ),
            ("run", b"\x7FELF\x02\x01\x01\0", "an ELF executable"),
            ("setup.exe", b"MZ\x90\0\x03\0\0\0", "a Windows executable"),
            ("a.tar.gz", b"\x1F\x8B\x08\0\0\0\0\0", "a gzip archive"),
            ("movie.swf", b"FWS\x0A\0\0\0\0\0\0", "a Flash file"),
            (
                "photo.heic",
                b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
                "a HEIC image",
            ),
            ("install.sh", b"#!/bin/sh\nrm -rf /\n", "a script"),
            (
                "blob.bin",
                b"\x01\x02\x03\xFE\xFF\x80",
                "data of an unknown kind",
            ),
        ];
        for (name, bytes, what) in cases {
            let path = format!("content/clubs/x/{name}");
            let d = refusal(judge(&path, bytes));
            assert_eq!(d.path, path);
            assert_eq!(
                d.message,
                format!("`{name}` holds {what}, which may not be placed beside a club page"),
                "{name}"
            );
            assert_eq!(
                d.hint.as_deref(),
                Some(
                    "only images (JPEG, PNG, GIF, WebP, AVIF, SVG without script) and PDF may be placed beside a club page; send other files to the communications staff"
                )
            );
        }
    }

    #[test]
    fn an_svg_with_inkscape_metadata_and_inner_references_is_accepted() {
        assert_eq!(svg(INKSCAPE_SVG), Ok(Kind::Svg));
        // Namespaced prefix on the root, entities and CDATA that decode to
        // harmless values.
        let prefixed = "<svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"><svg:use href=\"&#35;a\"/><svg:style>.a{fill:url(\"#g\")}</svg:style></svg:svg>";
        assert_eq!(svg(prefixed), Ok(Kind::Svg));
    }

    #[test]
    fn active_svg_content_is_refused_at_its_line_and_column() {
        let cases: [(&str, &str, &str); 27] = [
            (
                "  <script>alert(1)</script>",
                "<script",
                "a `<script>` element",
            ),
            (
                "  <script><![CDATA[alert(1)]]></script>",
                "<script",
                "a `<script>` element",
            ),
            (
                "  <rect onclick=\"alert(1)\"/>",
                "onclick",
                "event handler attribute `onclick`",
            ),
            (
                "  <g ONLOAD=\"alert(1)\"/>",
                "ONLOAD",
                "event handler attribute `ONLOAD`",
            ),
            (
                "  <foreignObject><div/></foreignObject>",
                "<foreignObject",
                "`<foreignObject>` element",
            ),
            ("  <iframe src=\"#a\"/>", "<iframe", "an `<iframe>` element"),
            ("  <embed/>", "<embed", "an `<embed>` element"),
            ("  <object/>", "<object", "an `<object>` element"),
            (
                "  <h:div xmlns:h=\"http://www.w3.org/1999/xhtml\"/>",
                "<h:div",
                "an HTML element `<div>`",
            ),
            (
                "  <a href=\"https://evil.example/\">x</a>",
                "href",
                "a link (`<a>`) with `href=\"https://evil.example/\"`",
            ),
            (
                "  <a xlink:href=\"javascript:alert(1)\">x</a>",
                "xlink:href",
                "a `javascript:` address in `xlink:href`",
            ),
            (
                "  <a href=\"&#x6A;avascript:alert(1)\">x</a>",
                "href",
                "a `javascript:` address in `href`",
            ),
            (
                "  <image href=\"data:image/png;base64,iVBORw0KGgo=\"/>",
                "href",
                "a `data:` address in `href`",
            ),
            (
                "  <image xlink:href=\"http://example.com/x.png\"/>",
                "xlink:href",
                "refers outside the file",
            ),
            (
                "  <use href=\"other.svg#star\"/>",
                "href",
                "a `<use>` with `href=\"other.svg#star\"`",
            ),
            ("  <feImage src=\"x.png\"/>", "src", "`src=\"x.png\"`"),
            (
                "  <style>.a { fill: url(http://x/y.svg#g) }</style>",
                "url(",
                "a CSS `url(`",
            ),
            (
                "  <style><![CDATA[.a{b:url(//x)}]]></style>",
                "url(",
                "a CSS `url(`",
            ),
            (
                "  <style>@import \"x.css\";</style>",
                "@import",
                "`@import`",
            ),
            (
                "  <rect style=\"fill:url('https://x/#a')\"/>",
                "url(",
                "a CSS `url(`",
            ),
            ("  <rect fill=\"url(http://x#a)\"/>", "url(", "a CSS `url(`"),
            (
                "  <rect style=\"fill:&#117;rl(http://x)\"/>",
                "fill:",
                "a CSS `url(`",
            ),
            (
                "  <rect style=\"fill:u\\72l(http://x)\"/>",
                "\\",
                "backslash escape",
            ),
            (
                "  <rect style=\"background:image-set('x.png' 1x)\"/>",
                "image-set(",
                "CSS `image-set(`",
            ),
            (
                "  <set attributeName=\"href\" to=\"javascript:alert(1)\"/>",
                "attributeName",
                "changes the `href` attribute",
            ),
            (
                "  <animate attributeName=\"xlink:href\" values=\"#a;#b\"/>",
                "attributeName",
                "changes the `xlink:href` attribute",
            ),
            (
                "  <set attributeName=\"onmouseover\" to=\"alert(1)\"/>",
                "attributeName",
                "changes the `onmouseover` attribute",
            ),
        ];
        for (line, marker, what) in cases {
            let text = svg_with(line);
            let errors = svg(&text).expect_err(line);
            bilingual(&errors);
            let d = &errors[0];
            let col = line.find(marker).expect("marker") + 1;
            assert_eq!(line_col(d), (2, col), "{line}: {d}");
            assert!(d.message.contains(what), "{line}: {}", d.message.en);
            assert!(d.message.starts_with("`logo.svg` "), "{}", d.message.en);
            assert_eq!(d.path, "content/clubs/x/logo.svg");
            assert!(d.hint.is_some());
            assert_eq!(d.source_line().map(|(text, _)| text), Some(line));
        }
    }

    #[test]
    fn the_root_element_is_judged_like_the_others() {
        let text = "<svg xmlns=\"http://www.w3.org/2000/svg\"\n     onload=\"alert(1)\"/>";
        let d = refusal(svg(text));
        assert_eq!(line_col(&d), (2, 6));
        assert!(d.message.contains("`onload`"), "{}", d.message.en);
    }

    #[test]
    fn processing_instructions_are_refused_where_they_stand() {
        let text = "<?xml version=\"1.0\"?>\n<?xml-stylesheet href=\"evil.css\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        let d = refusal(svg(text));
        assert_eq!(line_col(&d), (2, 1));
        assert!(
            d.message.contains("`<?xml-stylesheet ...?>`"),
            "{}",
            d.message.en
        );
        let d = refusal(svg(&svg_with("  <?php echo 1 ?>")));
        assert_eq!(line_col(&d), (2, 3));
    }

    #[test]
    fn a_doctype_is_refused_and_an_entity_bomb_refused_at_once() {
        let mut bomb =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n <!ENTITY a \"aaaaaaaaaa\">\n");
        for i in 1..10 {
            let previous = char::from(b'a' + i - 1);
            let entity = char::from(b'a' + i);
            let refs = format!("&{previous};").repeat(10);
            let _ = writeln!(bomb, " <!ENTITY {entity} \"{refs}\">");
        }
        bomb.push_str("]>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&j;</text></svg>\n");
        let started = Instant::now();
        let d = refusal(svg(&bomb));
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(line_col(&d), (2, 1));
        assert!(d.message.contains("DOCTYPE"), "{}", d.message.en);

        // Illustrator's DOCTYPE, harmless but refused all the same.
        let illustrator = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- Generator: Adobe Illustrator 16.0.0 -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        let d = refusal(svg(illustrator));
        assert_eq!(line_col(&d), (3, 1));
        assert!(
            d.hint
                .is_some_and(|h| h.contains("delete the `<!DOCTYPE ...>`"))
        );
    }

    #[test]
    fn a_malformed_svg_is_a_located_error() {
        let d = refusal(svg(&svg_with("  <g><rect></g>")));
        assert_eq!(line_col(&d), (2, 12));
        assert!(
            d.message.starts_with("`logo.svg` is not well-formed XML: "),
            "{}",
            d.message.en
        );
        assert!(!d.message.contains("2:12"), "{}", d.message.en);

        let d = refusal(svg("<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <g>\n"));
        assert_eq!(line_col(&d), (3, 1));
        assert!(d.message.contains("ends before"), "{}", d.message.en);

        let d = refusal(svg(&svg_with("  <text>&nbsp;</text>")));
        assert_eq!(line_col(&d), (2, 9));
    }

    #[test]
    fn an_svg_must_be_utf8() {
        let mut bytes = svg_with("  <text>caf\u{e9}</text>").into_bytes();
        // é in Latin-1.
        let at = bytes.iter().position(|&b| b == 0xC3).expect("é");
        bytes.splice(at..at + 2, [0xE9]);
        let d = refusal(judge("content/clubs/x/logo.svg", &bytes));
        assert_eq!(line_col(&d), (2, 12));
        assert!(d.message.contains("is not valid UTF-8"), "{}", d.message.en);

        let utf16: Vec<u8> = std::iter::once(0xFEFF_u16)
            .chain("<svg/>".encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = refusal(judge("logo.svg", &utf16));
        assert_eq!(d.message, "`logo.svg` is saved as UTF-16, not UTF-8");

        let latin = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        let d = refusal(svg(latin));
        assert_eq!(line_col(&d), (1, 21));
        assert!(d.message.contains("`ISO-8859-1`"), "{}", d.message.en);
        let utf8 = latin.replace("ISO-8859-1", "utf-8");
        assert_eq!(svg(&utf8), Ok(Kind::Svg));
    }

    #[test]
    fn an_svg_whose_root_is_not_svg_is_refused() {
        let d = refusal(svg(
            "<!-- x -->\n<html xmlns=\"http://www.w3.org/1999/xhtml\"/>",
        ));
        assert_eq!(d.message, "`logo.svg` holds HTML, not an SVG image");
        let d = refusal(svg("<?xml version=\"1.0\"?>\n<feed/>"));
        assert!(
            d.message.contains("root element is `<feed>`"),
            "{}",
            d.message.en
        );
        let d = refusal(svg("<svg><script>alert(1)</script></svg>"));
        assert!(
            d.message.contains("not in the SVG namespace"),
            "{}",
            d.message.en
        );
    }

    #[test]
    fn every_problem_is_reported_up_to_a_limit() {
        let two = svg_with("  <rect onclick=\"a()\"/><a href=\"http://x\"/>");
        let errors = svg(&two).expect_err("refused");
        let at: Vec<_> = errors.iter().map(line_col).collect();
        assert_eq!(at, [(2, 9), (2, 27)]);

        let many = svg_with(&"<rect onclick=\"a()\"/>".repeat(1000));
        let errors = svg(&many).expect_err("refused");
        assert_eq!(errors.len(), MAX_PER_FILE + 1);
        assert_eq!(
            errors[MAX_PER_FILE].message,
            "and 980 more problems like these in `logo.svg`"
        );
    }

    #[test]
    fn problems_on_one_long_line_keep_a_short_excerpt_of_it() {
        let line = "<g onclick=\"a()\" fill=\"red\"/>".repeat(100_000);
        let errors = svg(&svg_with(&line)).expect_err("refused");
        assert_eq!(errors.len(), MAX_PER_FILE + 1);
        let kept: usize = errors
            .iter()
            .filter_map(|d| d.source_line())
            .map(|(text, _)| text.len())
            .sum();
        assert!(kept <= MAX_PER_FILE * 1024, "{kept}");
        assert!(errors[MAX_PER_FILE - 1].source_line().is_some());
        assert_eq!(line_col(&errors[1]), (2, 4 + line.len() / 100_000));
    }

    #[test]
    fn shapes_that_would_make_the_parser_slow_are_refused_before_parsing() {
        let attributes = |n: usize| {
            (0..n).fold(String::new(), |mut s, i| {
                let _ = write!(s, " a{i}=\"=\"");
                s
            })
        };
        let line = format!("  <g{}/>", attributes(MAX_ATTRIBUTES));
        assert_eq!(svg(&svg_with(&line)), Ok(Kind::Svg));
        let line = format!("  <g{}/>", attributes(MAX_ATTRIBUTES + 1));
        let d = refusal(svg(&svg_with(&line)));
        assert_eq!(line_col(&d), (2, 3));
        assert_eq!(
            d.message,
            "an element of `logo.svg` has more than 100 attributes"
        );

        // Looking for duplicates among 200,000 attributes pairwise would
        // take minutes.
        let started = Instant::now();
        let line = format!("<g{}/>", attributes(200_000));
        let d = refusal(svg(&svg_with(&line)));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(line_col(&d), (2, 1));

        // Comments, CDATA and quoted values are not markup.
        let quiet = format!(
            "<!--{}-->\n<svg xmlns=\"http://www.w3.org/2000/svg\"><desc><![CDATA[{}]]></desc><g id=\"{}\"/></svg>",
            attributes(200),
            attributes(200),
            attributes(200).replace('"', "'")
        );
        assert_eq!(svg(&quiet), Ok(Kind::Svg));

        let chain = (0..=MAX_NAMESPACES).fold(String::new(), |mut s, i| {
            let _ = writeln!(s, "<g xmlns:p{i}=\"urn:{i}\">");
            s
        });
        let text = format!("<svg xmlns=\"http://www.w3.org/2000/svg\">\n{chain}");
        let d = refusal(svg(&text));
        assert_eq!(d.message, "`logo.svg` declares more than 64 XML namespaces");
        assert_eq!(line_col(&d), (MAX_NAMESPACES + 1, 4));
    }

    #[test]
    fn names_quoted_in_messages_are_cut() {
        let long = "x".repeat(100_000);
        let d = refusal(svg(&svg_with(&format!("<g on{long}=\"\"/>"))));
        assert!(d.message.len() < 200, "{}", d.message.len());
        assert!(d.message.contains("`onxxxx"), "{}", d.message.en);
        assert!(d.message.contains("…`"), "{}", d.message.en);
        let d = refusal(svg(&svg_with(&format!("<a href=\"http://{long}\"/>"))));
        assert!(d.message.len() < 250, "{}", d.message.len());
    }

    #[test]
    fn a_deeply_nested_svg_does_not_overflow_the_stack() {
        let depth = 100_000;
        let text = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">{}{}</svg>",
            "<g>".repeat(depth),
            "</g>".repeat(depth)
        );
        assert_eq!(svg(&text), Ok(Kind::Svg));
        let too_many = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">{}</svg>",
            "<g/>".repeat(MAX_SVG_NODES as usize)
        );
        let d = refusal(svg(&too_many));
        assert!(
            d.message.contains("more than 500000 XML nodes"),
            "{}",
            d.message.en
        );
    }

    /// An AVIF built box by box: `ftyp`, then a `meta` whose item list
    /// holds the picture and items of `kinds` (`Exif`, or `mime` for XMP).
    fn avif_with(kinds: &[&[u8; 4]]) -> Vec<u8> {
        use crate::image_probe::tests::{avif, infe};
        let items: Vec<Vec<u8>> = std::iter::once(b"av01")
            .chain(kinds.iter().copied())
            .enumerate()
            .map(|(i, kind)| {
                let rest: &[u8] = if kind == b"mime" {
                    b"application/rdf+xml\0"
                } else {
                    b""
                };
                infe(u16::try_from(i + 1).unwrap(), kind, rest)
            })
            .collect();
        avif(&items)
    }

    /// An AVIF is published as it is: accepted without metadata, refused
    /// with an Exif or an XMP item (bilingual, naming what it holds and
    /// how to export it), and refused when its boxes lie about their size.
    /// Catches the AVIF arm of [`judge`] accepting whatever the boxes hold,
    /// and an XMP or Exif item left unnamed.
    #[test]
    fn an_avif_is_accepted_only_without_exif_or_xmp() {
        assert_eq!(judge("photo.avif", &avif_with(&[])), Ok(Kind::Avif));
        let d = refusal(judge("photo.avif", &avif_with(&[b"Exif", b"mime"])));
        assert_eq!(d.path, "photo.avif");
        assert!(
            d.message
                .en
                .starts_with("`photo.avif` carries metadata (Exif, XMP: the camera"),
            "{d:?}"
        );
        assert!(d.message.fr.contains("métadonnées (Exif, XMP"), "{d:?}");
        assert!(
            d.hint.as_ref().unwrap().en.contains("as JPEG or PNG"),
            "{d:?}"
        );
        let d = refusal(judge("c/photo.AVIF", &avif_with(&[b"mime"])));
        assert!(d.message.en.contains("(XMP:"), "{d:?}");
        // The last box cut short: a located error, not a crash.
        let whole = avif_with(&[b"Exif"]);
        let d = refusal(judge("photo.avif", &whole[..whole.len() - 3]));
        assert_eq!(
            d.message.en,
            "`photo.avif` is not a readable AVIF image: a box runs past the end of the file"
        );
        // The check is also the one staff's HEIF files get.
        let ftyp = usize::try_from(u32::from_be_bytes(whole[..4].try_into().unwrap())).unwrap();
        let heif = [&b"\0\0\0\x10ftypheic\0\0\0\0"[..], &whole[ftyp..]].concat();
        let d = crate::image_probe::iso_image_problem("content/news/a/photo.heic", &heif).unwrap();
        assert!(
            d.message.en.contains("a HEIF image is published as it is"),
            "{d:?}"
        );
        assert_eq!(
            crate::image_probe::iso_image_problem("photo.heic", &heif[..16]),
            None
        );
    }

    #[test]
    fn empty_and_truncated_files_are_refused_without_panic() {
        for name in [
            "a.jpg", "a.png", "a.gif", "a.webp", "a.avif", "a.pdf", "a.svg", "a",
        ] {
            let d = refusal(judge(name, b""));
            assert_eq!(d.message, format!("`{name}` is empty"));
        }
        let files: [(&str, &[u8]); 7] = [
            ("a.jpg", JPEG),
            ("a.png", PNG),
            ("a.gif", GIF),
            ("a.webp", WEBP),
            ("a.avif", AVIF),
            ("a.pdf", PDF),
            ("a.svg", INKSCAPE_SVG.as_bytes()),
        ];
        for (name, bytes) in files {
            for len in 0..bytes.len() {
                // Not panicking is the point, but a cut SVG is never
                // accepted either: its root is not closed.
                let result = judge(name, &bytes[..len]);
                if name == "a.svg" && len < bytes.len() - "</svg>\n".len() + "</svg".len() {
                    assert!(result.is_err(), "{len}");
                }
            }
        }
        let d = refusal(judge("a.png", &PNG[..8]));
        assert_eq!(
            d.message,
            "`a.png` holds a PNG image that is damaged or cut short"
        );
        let d = refusal(judge("a.jpg", &GIF[..6]));
        assert_eq!(
            d.message,
            "`a.jpg` holds a GIF image that is damaged or cut short"
        );
        let d = refusal(judge("a.pdf", b"%PDF-"));
        assert_eq!(
            d.message,
            "`a.pdf` holds a PDF document that is damaged or cut short"
        );
    }

    /// A small xorshift generator: the fuzz loop below is reproducible.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }

    #[test]
    fn random_and_mutated_bytes_never_panic_nor_pass_under_a_wrong_name() {
        let names = [
            "a.jpg", "a.png", "a.gif", "a.webp", "a.avif", "a.pdf", "a.svg", "a.html", "a.js", "a",
        ];
        let seeds: [&[u8]; 8] = [
            JPEG,
            PNG,
            GIF,
            WEBP,
            AVIF,
            PDF,
            INKSCAPE_SVG.as_bytes(),
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"#x\" onclick=\"y\">&amp;</a></svg>",
        ];
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        for round in 0..4000 {
            let mut bytes: Vec<u8> = if round % 2 == 0 {
                let len = random.below(300);
                (0..len).map(|_| random.next().to_le_bytes()[0]).collect()
            } else {
                seeds[random.below(seeds.len())].to_vec()
            };
            // Flip, insert or cut a few bytes, often markup characters.
            for _ in 0..random.below(8) {
                let noise = b"<>&;\"'#:/=!?[]-\0\xFF\xC3";
                let byte = if random.below(2) == 0 {
                    noise[random.below(noise.len())]
                } else {
                    random.next().to_le_bytes()[0]
                };
                let at = random.below(bytes.len() + 1);
                match random.below(3) {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    _ => bytes.truncate(at),
                }
            }
            let name = names[random.below(names.len())];
            if let Ok(kind) = judge(name, &bytes) {
                assert_eq!(Kind::from_extension(&extension(name)), Some(kind), "{name}");
            }
        }
    }

    #[test]
    fn an_oversize_file_is_refused_from_its_metadata_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let abs = dir.path().join("huge.png");
        // Sparse: ten gibibytes that take no disk and would take long to read.
        let file = File::create(&abs).expect("create");
        file.set_len(10 * 1024 * MIB).expect("set_len");
        let started = Instant::now();
        let d = refusal(judge_file(
            "content/clubs/x/huge.png",
            &abs,
            &Limits::default(),
        ));
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            d.message,
            "`huge.png` is 10.0 GiB, more than the 10.0 MiB a file beside a club page may be"
        );

        let small = Limits {
            file_bytes: 60,
            page_bytes: 1000,
        };
        let abs = dir.path().join("logo.png");
        fs::write(&abs, PNG).expect("write");
        let d = refusal(judge_file("logo.png", &abs, &small));
        assert!(
            d.message.contains("is 68 bytes, more than the 60 bytes"),
            "{}",
            d.message.en
        );
        assert_eq!(
            judge_file("logo.png", &abs, &Limits::default()),
            Ok(Kind::Png)
        );
    }

    #[test]
    fn a_page_whose_files_add_up_to_too_much_is_refused_before_reading() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut paths = Vec::new();
        for (name, mib) in [("a.pdf", 9), ("b.pdf", 8), ("c.png", 7), ("d.jpg", 2)] {
            let abs = dir.path().join(name);
            File::create(&abs)
                .and_then(|f| f.set_len(mib * MIB))
                .expect("sparse file");
            paths.push((format!("content/clubs/x/{name}"), abs));
        }
        let files: Vec<(&str, &Path)> = paths
            .iter()
            .map(|(p, a)| (p.as_str(), a.as_path()))
            .collect();
        let errors = judge_page("content/clubs/x/index.md", &files, &Limits::default())
            .expect_err("26 MiB is too much");
        bilingual(&errors);
        // Their content (zeros) would be refused too, had any been read.
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].path, "content/clubs/x/index.md");
        assert_eq!(
            errors[0].message,
            "the 4 files beside this page add up to 26.0 MiB, more than the 25.0 MiB allowed for one page"
        );
        assert_eq!(
            errors[0].hint.as_deref(),
            Some(
                "make the largest smaller or send them to the communications staff: `a.pdf` (9.0 MiB), `b.pdf` (8.0 MiB), `c.png` (7.0 MiB); the limit is `limits.page_files_bytes` in content/site.yaml"
            )
        );
    }

    #[test]
    fn a_page_within_its_limits_gets_every_kind_or_every_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |name: &str, bytes: &[u8]| {
            let abs = dir.path().join(name);
            fs::write(&abs, bytes).expect("write");
            abs
        };
        let logo = write("logo.svg", INKSCAPE_SVG.as_bytes());
        let photo = write("photo.JPG", JPEG);
        let evil = write("evil.html", b"<script>alert(1)</script>");
        let bad = write("bad.svg", svg_with("<script/>").as_bytes());
        let limits = Limits::default();
        assert_eq!(
            judge_page(
                "p.md",
                &[("logo.svg", &logo), ("photo.JPG", &photo)],
                &limits
            ),
            Ok(vec![Kind::Svg, Kind::Jpeg])
        );
        let errors = judge_page(
            "p.md",
            &[("logo.svg", &logo), ("evil.html", &evil), ("bad.svg", &bad)],
            &limits,
        )
        .expect_err("refused");
        bilingual(&errors);
        let paths: Vec<_> = errors.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["evil.html", "bad.svg"]);
        let missing = dir.path().join("missing.png");
        let errors =
            judge_page("p.md", &[("missing.png", &missing)], &limits).expect_err("missing");
        bilingual(&errors);
        assert!(
            errors[0].message.starts_with("cannot read `missing.png`"),
            "{}",
            errors[0].message.en
        );
    }

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("photos.png");
        fs::create_dir(&folder).expect("mkdir");
        let d = refusal(judge_file("photos.png", &folder, &Limits::default()));
        assert_eq!(d.message, "`photos.png` is a folder");
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{CWD, FileType, Mode, mknodat};
            // Opening a FIFO for reading would wait for a writer forever.
            let fifo = dir.path().join("pipe.png");
            mknodat(CWD, &fifo, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).expect("mkfifo");
            let d = refusal(judge_file("pipe.png", &fifo, &Limits::default()));
            assert!(d.message.contains("not a regular file"), "{}", d.message.en);
        }
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(crate::i18n::human_size(0), "0 bytes");
        assert_eq!(crate::i18n::human_size(1023), "1023 bytes");
        assert_eq!(crate::i18n::human_size(1536), "1.5 KiB");
        assert_eq!(crate::i18n::human_size(25 * MIB), "25.0 MiB");
        assert_eq!(crate::i18n::human_size(u64::MAX), "17179869184.0 GiB");
    }
}
