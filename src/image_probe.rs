//! Reading an image's header: format, stored size, orientation, whether it
//! is animated and whether the file is whole, without decoding a pixel.
//!
//! In: the first bytes of a file (as many as [`probe`] asks for) and its
//! last bytes. Out: a [`Header`], or a [`Problem`] saying why the file
//! cannot be a published image (not an image, truncated, corrupt). Every
//! read is bounds-checked: a hostile header is an error, never a panic.
//! `check` calls this and nothing more, so it must stay cheap: a JPEG's
//! segments are walked up to its first frame header, a PNG's chunks up to
//! its first image data.
//!
//! The boxes of AVIF and HEIF files are walked here too ([`iso_metadata`]),
//! and the refusal of one that carries metadata is made here
//! ([`iso_image_problem`]): both the images stage and the judge of
//! untrusted attachments, which runs when files are loaded, ask for it, so
//! it sits below both.

use image::metadata::Orientation;

use crate::diagnostic::Diagnostic;

/// The raster formats the image stage reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// JPEG (JFIF or Exif).
    Jpeg,
    /// PNG (APNG included).
    Png,
    /// GIF, animated or not.
    Gif,
    /// WebP, lossy or lossless, animated or not.
    WebP,
}

impl Format {
    /// The media type, for `<source type>`.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Gif => "image/gif",
            Format::WebP => "image/webp",
        }
    }

    /// The extension variants of this format are named with.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::WebP => "webp",
        }
    }

    /// The format a file name says (`.jpg`, `.JPEG`...), if it is one of ours.
    pub fn from_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "jpg" | "jpeg" => Format::Jpeg,
            "png" => Format::Png,
            "gif" => Format::Gif,
            "webp" => Format::WebP,
            _ => return None,
        })
    }

    /// The format the first bytes of a file hold, if it is one of ours.
    pub fn sniff(head: &[u8]) -> Option<Format> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if head.starts_with(PNG_SIGNATURE) {
            Some(Format::Png)
        } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Format::WebP)
        } else {
            None
        }
    }

    /// Its name in a sentence.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Gif => "GIF",
            Format::WebP => "WebP",
        }
    }
}

/// The PNG file signature.
pub(crate) const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// What the header of an image says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    /// Its format, from its bytes.
    pub format: Format,
    /// Width as stored, in pixels.
    pub width: u32,
    /// Height as stored, in pixels.
    pub height: u32,
    /// How it is to be turned to be seen upright (Exif orientation).
    pub orientation: Orientation,
    /// More than one frame (GIF, APNG, animated WebP).
    pub animated: bool,
}

impl Header {
    /// Width and height as seen, once the orientation is applied.
    pub(crate) fn shown_size(&self) -> (u32, u32) {
        match self.orientation {
            Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH => (self.height, self.width),
            _ => (self.width, self.height),
        }
    }

    /// The header and the file's length `len` as one line of text, for
    /// the list of sources (the image cache's `Sources::header`):
    /// `jpg 4000 3000 6 0 8912345` (format, stored size, Exif orientation,
    /// animated, length).
    pub(crate) fn to_memo(self, len: u64) -> String {
        format!(
            "{} {} {} {} {} {len}",
            self.format.extension(),
            self.width,
            self.height,
            self.orientation.to_exif(),
            u8::from(self.animated)
        )
    }

    /// What [`Header::to_memo`] wrote; `None` for any other text.
    pub(crate) fn from_memo(text: &str) -> Option<(Header, u64)> {
        let mut fields = text.split(' ');
        let format = Format::from_name(&format!(".{}", fields.next()?))?;
        let width = fields.next()?.parse().ok()?;
        let height = fields.next()?.parse().ok()?;
        let orientation = Orientation::from_exif(fields.next()?.parse().ok()?)?;
        let animated = match fields.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let len = fields.next()?.parse().ok()?;
        if fields.next().is_some() || width == 0 || height == 0 {
            return None;
        }
        let header = Header {
            format,
            width,
            height,
            orientation,
            animated,
        };
        Some((header, len))
    }
}

/// Why a file cannot be read as the image it claims to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The header needs more bytes than were given: ask again with at
    /// least this many (or the whole file).
    NeedMore(usize),
    /// The file ends before the image does (a copy cut short).
    Truncated,
    /// The bytes break the format; the text says where.
    Corrupt(&'static str),
}

/// How far from the end of a file its end marker is looked for: encoders
/// may pad, and phones append other pictures after a JPEG's end.
pub(crate) const TAIL_BYTES: usize = 1024;

/// Reads the header of an image of `format` from `head`, the first bytes
/// of a file of `len` bytes whose last bytes (up to [`TAIL_BYTES`]) are `tail`.
pub(crate) fn probe(format: Format, head: &[u8], tail: &[u8], len: u64) -> Result<Header, Problem> {
    match format {
        Format::Jpeg => jpeg(head, tail),
        Format::Png => png(head, tail),
        Format::Gif => gif(head),
        Format::WebP => webp(head, len),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Walks a JPEG's segments to its first frame header (SOF), reading the
/// Exif orientation on the way; the file must end with an end marker.
fn jpeg(head: &[u8], tail: &[u8]) -> Result<Header, Problem> {
    let mut at = 2;
    let mut orientation = Orientation::NoTransforms;
    loop {
        let Some(&first) = head.get(at) else {
            return Err(Problem::NeedMore(at + 4));
        };
        if first != 0xFF {
            return Err(Problem::Corrupt("a segment does not start with a marker"));
        }
        let Some(&marker) = head.get(at + 1) else {
            return Err(Problem::NeedMore(at + 4));
        };
        // Fill bytes before a marker.
        if marker == 0xFF {
            at += 1;
            continue;
        }
        if matches!(marker, 0xD8 | 0x01 | 0xD0..=0xD7) {
            at += 2;
            continue;
        }
        if matches!(marker, 0xD9 | 0xDA) {
            return Err(Problem::Corrupt("no frame header before the image data"));
        }
        let Some(len) = be16(head, at + 2) else {
            return Err(Problem::NeedMore(at + 4));
        };
        let len = usize::from(len);
        if len < 2 {
            return Err(Problem::Corrupt("a segment's length is too small"));
        }
        let end = at + 2 + len;
        if head.len() < end {
            return Err(Problem::NeedMore(end));
        }
        let payload = &head[at + 4..end];
        match marker {
            0xE1 if payload.starts_with(b"Exif\0\0") => {
                if let Some(o) = Orientation::from_exif_chunk(&payload[6..]) {
                    orientation = o;
                }
            }
            // Start of frame: baseline, extended, progressive, lossless...
            // (not DHT C4, JPG C8, DAC CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let (Some(height), Some(width)) = (be16(payload, 1), be16(payload, 3)) else {
                    return Err(Problem::Corrupt("the frame header is too short"));
                };
                if width == 0 || height == 0 {
                    return Err(Problem::Corrupt("the frame header gives no size"));
                }
                if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
                    return Err(Problem::Truncated);
                }
                return Ok(Header {
                    format: Format::Jpeg,
                    width: u32::from(width),
                    height: u32::from(height),
                    orientation,
                    animated: false,
                });
            }
            _ => {}
        }
        at = end;
    }
}

/// Reads a PNG's `IHDR`, then walks its chunks to the first `IDAT` for an
/// animation control (`acTL`) or an Exif orientation (`eXIf`); the file
/// must end with its `IEND` chunk.
fn png(head: &[u8], tail: &[u8]) -> Result<Header, Problem> {
    if head.len() < 33 {
        return Err(Problem::NeedMore(33));
    }
    if &head[12..16] != b"IHDR" {
        return Err(Problem::Corrupt("the first chunk is not IHDR"));
    }
    let (Some(width), Some(height)) = (be32(head, 16), be32(head, 20)) else {
        return Err(Problem::NeedMore(33));
    };
    if width == 0 || height == 0 || width > i32::MAX as u32 || height > i32::MAX as u32 {
        return Err(Problem::Corrupt("IHDR gives an impossible size"));
    }
    let mut at = 8;
    let mut animated = false;
    let mut orientation = Orientation::NoTransforms;
    loop {
        let (Some(len), Some(kind)) = (be32(head, at), head.get(at + 4..at + 8)) else {
            return Err(Problem::NeedMore(at + 8));
        };
        match kind {
            b"IDAT" | b"IEND" => break,
            b"acTL" => animated = true,
            b"eXIf" => {
                let end = at + 8 + len as usize;
                if head.len() < end {
                    return Err(Problem::NeedMore(end));
                }
                if let Some(o) = Orientation::from_exif_chunk(&head[at + 8..end]) {
                    orientation = o;
                }
            }
            _ => {}
        }
        // length, type, data, CRC
        at = at
            .checked_add(12 + len as usize)
            .ok_or(Problem::Corrupt("a chunk's length is impossible"))?;
    }
    if !tail.windows(4).any(|w| w == b"IEND") {
        return Err(Problem::Truncated);
    }
    Ok(Header {
        format: Format::Png,
        width,
        height,
        orientation,
        animated,
    })
}

/// A GIF's logical screen size. GIFs are published as they are, so only
/// their size matters.
fn gif(head: &[u8]) -> Result<Header, Problem> {
    let (Some(width), Some(height)) = (le16(head, 6), le16(head, 8)) else {
        return Err(Problem::NeedMore(10));
    };
    if width == 0 || height == 0 {
        return Err(Problem::Corrupt("the screen descriptor gives no size"));
    }
    Ok(Header {
        format: Format::Gif,
        width: u32::from(width),
        height: u32::from(height),
        orientation: Orientation::NoTransforms,
        animated: true,
    })
}

/// A WebP's size from its first chunk (`VP8 `, `VP8L` or `VP8X`); the
/// RIFF length must fit in the file.
fn webp(head: &[u8], len: u64) -> Result<Header, Problem> {
    if head.len() < 30 {
        return Err(Problem::NeedMore(30));
    }
    let riff = u64::from(le32(head, 4).unwrap_or(0)) + 8;
    if riff > len {
        return Err(Problem::Truncated);
    }
    let chunk = &head[12..16];
    let data = &head[20..];
    let (width, height, animated) = match chunk {
        b"VP8X" => {
            let flags = data[0];
            let (Some(w), Some(h)) = (le24(data, 4), le24(data, 7)) else {
                return Err(Problem::NeedMore(30));
            };
            (w + 1, h + 1, flags & 0x02 != 0)
        }
        b"VP8 " => {
            if data.get(3..6) != Some(&[0x9D, 0x01, 0x2A]) {
                return Err(Problem::Corrupt("the VP8 frame has no start code"));
            }
            let (Some(w), Some(h)) = (le16(data, 6), le16(data, 8)) else {
                return Err(Problem::NeedMore(30));
            };
            (u32::from(w & 0x3FFF), u32::from(h & 0x3FFF), false)
        }
        b"VP8L" => {
            if data[0] != 0x2F {
                return Err(Problem::Corrupt("the VP8L stream has no signature"));
            }
            let Some(bits) = le32(data, 1) else {
                return Err(Problem::NeedMore(30));
            };
            ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, false)
        }
        _ => return Err(Problem::Corrupt("the first chunk is not an image")),
    };
    if width == 0 || height == 0 {
        return Err(Problem::Corrupt("the image gives no size"));
    }
    // An Exif orientation in a WebP is not read here: browsers do not
    // apply it either, so the file is shown as stored.
    Ok(Header {
        format: Format::WebP,
        width,
        height,
        orientation: Orientation::NoTransforms,
        animated,
    })
}

/// What an ISO base media file (AVIF, HEIF) holds that a published image
/// may not: metadata the site cannot cut out, since such files are
/// published as they are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct IsoMetadata {
    /// An `Exif` item: camera, date, often the GPS position.
    pub exif: bool,
    /// An XMP packet: a `mime` item of type `application/rdf+xml`, an XMP
    /// `uuid` box or an `XMP_` box of Apple's movie format.
    pub xmp: bool,
    /// User data of a movie (`udta`): titles, authors, places of sequences.
    pub user_data: bool,
}

impl IsoMetadata {
    /// Whether nothing of the kind was found.
    pub(crate) fn is_empty(self) -> bool {
        self == IsoMetadata::default()
    }
}

/// The extended type of the `uuid` box that holds XMP in ISO media.
const XMP_UUID: [u8; 16] = [
    0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC,
];

/// How deep boxes are followed: `moov/trak/meta/iinf/infe` is five; a
/// file nesting deeper is refused rather than walked without end.
const ISO_DEPTH: usize = 8;

/// Whether a file name names an ISO image format published as it is
/// (`.avif`, `.heic`...), whose metadata [`iso_metadata`] looks for.
pub(crate) fn is_iso_image_name(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        ["avif", "avifs", "heic", "heics", "heif", "heifs", "hif"]
            .iter()
            .any(|e| ext.eq_ignore_ascii_case(e))
    })
}

/// Walks the boxes of a whole ISO base media file (`bytes`, an AVIF or a
/// HEIF image) for metadata: the items its `meta` boxes declare (at the
/// top, or in a movie's tracks), XMP boxes and user data. Box sizes are
/// checked against what holds them (32-bit, 64-bit and to-the-end sizes):
/// a box that overruns its parent is [`Problem::Truncated`], one smaller
/// than its header or nested deeper than [`ISO_DEPTH`] is
/// [`Problem::Corrupt`]. Every box is at least its 8-byte header long, so
/// the walk ends; it never panics.
pub(crate) fn iso_metadata(bytes: &[u8]) -> Result<IsoMetadata, Problem> {
    if bytes.get(4..8) != Some(b"ftyp") {
        return Err(Problem::Corrupt("the first box is not `ftyp`"));
    }
    let mut found = IsoMetadata::default();
    iso_walk(bytes, 0, &mut found)?;
    Ok(found)
}

/// One box of an ISO base media file.
struct IsoBox<'a> {
    /// Its four-letter type.
    kind: &'a [u8],
    /// What follows its header (for `uuid`, its extended type first).
    body: &'a [u8],
}

/// Calls `each` on the boxes that `bytes` holds, one after another, to its
/// end, one at a time (a file of a million empty boxes costs no memory).
fn iso_each<'a>(
    bytes: &'a [u8],
    mut each: impl FnMut(IsoBox<'a>) -> Result<(), Problem>,
) -> Result<(), Problem> {
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let (Some(size), Some(kind)) = (be32(rest, 0), rest.get(4..8)) else {
            return Err(Problem::Truncated);
        };
        let too_large = |_| Problem::Truncated;
        let (header, size) = match size {
            // A 64-bit size follows the type.
            1 => {
                let large = rest
                    .get(8..16)
                    .and_then(|s| s.try_into().ok())
                    .map(u64::from_be_bytes)
                    .ok_or(Problem::Truncated)?;
                (16, usize::try_from(large).map_err(too_large)?)
            }
            // To the end of what holds it.
            0 => (8, rest.len()),
            n => (8, usize::try_from(n).map_err(too_large)?),
        };
        if size < header {
            return Err(Problem::Corrupt("a box is smaller than its header"));
        }
        let body = rest.get(header..size).ok_or(Problem::Truncated)?;
        each(IsoBox { kind, body })?;
        at += size;
    }
    Ok(())
}

/// Looks through the boxes of `bytes`, `depth` boxes down, for what
/// [`IsoMetadata`] names.
fn iso_walk(bytes: &[u8], depth: usize, found: &mut IsoMetadata) -> Result<(), Problem> {
    if depth > ISO_DEPTH {
        return Err(Problem::Corrupt("boxes are nested too deep"));
    }
    iso_each(bytes, |b| {
        match b.kind {
            b"meta" => {
                // A full box (version and flags), except QuickTime's own,
                // whose first child comes at once.
                let skip = if b.body.get(4..8) == Some(b"hdlr") {
                    0
                } else {
                    4
                };
                let children = b.body.get(skip..).ok_or(Problem::Truncated)?;
                iso_walk(children, depth + 1, found)?;
            }
            b"iinf" => {
                // Version and flags, then an entry count (16 bits in
                // version 0, else 32) not trusted: the boxes say.
                let version = *b.body.first().ok_or(Problem::Truncated)?;
                let skip = if version == 0 { 6 } else { 8 };
                let entries = b.body.get(skip..).ok_or(Problem::Truncated)?;
                iso_each(entries, |entry| {
                    if entry.kind == b"infe" {
                        iso_item(entry.body, found)?;
                    }
                    Ok(())
                })?;
            }
            b"moov" | b"trak" | b"meco" => iso_walk(b.body, depth + 1, found)?,
            b"udta" => found.user_data = true,
            b"XMP_" => found.xmp = true,
            b"uuid" => {
                let extended = b.body.get(..16).ok_or(Problem::Truncated)?;
                if extended == XMP_UUID {
                    found.xmp = true;
                }
            }
            _ => {}
        }
        Ok(())
    })
}

/// Reads one item's description (`infe`): an `Exif` item, or XMP (a MIME
/// item of type `application/rdf+xml`, which versions 0 and 1 give as
/// their content type).
fn iso_item(body: &[u8], found: &mut IsoMetadata) -> Result<(), Problem> {
    let version = *body.first().ok_or(Problem::Truncated)?;
    // A NUL-terminated string from `at` (to the box's end if unterminated),
    // and where the next one starts.
    let string = |at: usize| -> Result<(&[u8], usize), Problem> {
        let rest = body.get(at..).ok_or(Problem::Truncated)?;
        let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
        Ok((&rest[..end], at + end + 1))
    };
    let is_xmp = |content_type: &[u8]| {
        let t = String::from_utf8_lossy(content_type).to_ascii_lowercase();
        t.trim().starts_with("application/rdf+xml")
    };
    match version {
        // Item id and protection index (16 bits each), name, content type.
        0 | 1 => {
            let (_name, next) = string(8)?;
            let (content_type, _) = string(next)?;
            found.xmp |= is_xmp(content_type);
        }
        // Item id (16 bits in version 2, 32 in 3), protection index, type.
        2 | 3 => {
            let at = if version == 2 { 8 } else { 10 };
            let kind = body.get(at..at + 4).ok_or(Problem::Truncated)?;
            match kind {
                b"Exif" => found.exif = true,
                b"mime" => {
                    let (_name, next) = string(at + 4)?;
                    let (content_type, _) = string(next)?;
                    found.xmp |= is_xmp(content_type);
                }
                _ => {}
            }
        }
        _ => {
            return Err(Problem::Corrupt(
                "an item is described in an unknown version",
            ));
        }
    }
    Ok(())
}

/// The refusal of an AVIF or HEIF image (`bytes`, at `path`) that carries
/// metadata, or whose boxes cannot be walked; `None` when it may be
/// published. Such images are published as they are, for staff and clubs
/// alike (no decoder of ours reads them): an Exif or XMP item, an XMP box
/// or user data would reach every reader (see the Privacy decision of
/// the images stage).
pub(crate) fn iso_image_problem(path: &str, bytes: &[u8]) -> Option<Diagnostic> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let avif = name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.to_ascii_lowercase().starts_with("avif"));
    let (format, article) = if avif { ("AVIF", "an") } else { ("HEIF", "a") };
    let found = match iso_metadata(bytes) {
        Ok(found) if found.is_empty() => return None,
        Ok(found) => found,
        Err(problem) => {
            let what = match problem {
                Problem::Corrupt(what) => what,
                _ => "a box runs past the end of the file",
            };
            return Some(
                Diagnostic::error(
                    path,
                    tr!(
                        "`{name}` is not a readable {format} image: {what}",
                        "`{name}` n'est pas une image {format} lisible : sa structure est abîmée ({what})"
                    ),
                )
                .with_hint(tr!(
                    "export it again, or as JPEG or PNG",
                    "exportez-la de nouveau, ou en JPEG ou PNG"
                )),
            );
        }
    };
    let mut parts = Vec::new();
    if found.exif {
        parts.push("Exif");
    }
    if found.xmp {
        parts.push("XMP");
    }
    if found.user_data {
        parts.push("QuickTime (udta)");
    }
    let parts = parts.join(", ");
    Some(
        Diagnostic::error(
            path,
            tr!(
                "`{name}` carries metadata ({parts}: the camera, the date, perhaps the place the photo was taken), and {article} {format} image is published as it is, metadata included",
                "`{name}` contient des métadonnées ({parts} : l'appareil, la date, peut-être le lieu de la prise de vue), et une image {format} est publiée telle quelle, métadonnées comprises"
            ),
        )
        .with_hint(tr!(
            "export it again without metadata (an option of most editors' export; or `exiftool -all= {name}`), or export it as JPEG or PNG, whose metadata the site removes itself",
            "exportez-la de nouveau sans métadonnées (une option de l'export de la plupart des logiciels ; ou `exiftool -all= {name}`), ou exportez-la en JPEG ou PNG, dont le site retire lui-même les métadonnées"
        )),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Catches a memo that loses the orientation or the frames, or that
    /// reads text of another shape as a header.
    #[test]
    fn a_header_comes_back_from_its_memo() {
        let header = Header {
            format: Format::WebP,
            width: 4000,
            height: 3000,
            orientation: Orientation::Rotate90,
            animated: true,
        };
        let memo = header.to_memo(8_912_345);
        assert_eq!(memo, "webp 4000 3000 6 1 8912345");
        assert_eq!(Header::from_memo(&memo), Some((header, 8_912_345)));
        for bad in [
            "",
            "-",
            "tif 1 1 1 0 1",
            "jpg 0 3 1 0 5",
            "jpg 4 3 9 0 5",
            "jpg 4 3 1 2 5",
            "jpg 4 3 1 0 5 7",
            "jpg 4 3 1 0",
        ] {
            assert_eq!(Header::from_memo(bad), None, "{bad}");
        }
    }

    #[test]
    fn jpeg_headers_are_read_past_exif_and_need_their_end() {
        // SOI, APP1 Exif (big-endian TIFF, one entry: orientation 6), SOF0 640x480, EOI.
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
        jpeg.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
        jpeg.extend_from_slice(&exif);
        jpeg.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0x01, 0xE0, 0x02, 0x80, 1, 1, 0x11, 0]);
        let whole = [jpeg.clone(), vec![0xFF, 0xD9]].concat();
        let h = probe(Format::Jpeg, &whole, &whole, whole.len() as u64).unwrap();
        assert_eq!((h.width, h.height), (640, 480));
        assert_eq!(h.orientation, Orientation::Rotate90);
        assert_eq!(h.shown_size(), (480, 640));
        assert_eq!(
            probe(Format::Jpeg, &jpeg, &jpeg, jpeg.len() as u64),
            Err(Problem::Truncated)
        );
        assert!(matches!(
            probe(Format::Jpeg, &whole[..10], &[], 10),
            Err(Problem::NeedMore(_))
        ));
    }

    #[test]
    fn hostile_headers_are_errors() {
        for bytes in [
            &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0][..],
            &[0xFF, 0xD8, 0x00, 0x00][..],
            &[
                0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0, 0xFF, 0xD9,
            ][..],
        ] {
            assert!(
                matches!(
                    probe(Format::Jpeg, bytes, bytes, bytes.len() as u64),
                    Err(Problem::Corrupt(_))
                ),
                "{bytes:?}"
            );
        }
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(&[0, 0, 0, 13]);
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(matches!(
            probe(Format::Png, &png, &png, png.len() as u64),
            Err(Problem::Corrupt(_))
        ));
        let webp = b"RIFF\xff\xff\xff\x00WEBPVP8 \0\0\0\0\0\0\0\x9d\x01\x2a\x10\0\x10\0\0\0\0\0";
        assert_eq!(
            probe(Format::WebP, webp, webp, webp.len() as u64),
            Err(Problem::Truncated)
        );
    }
    /// An ISO box: 32-bit size, type, body.
    pub(crate) fn iso(kind: &[u8], body: &[u8]) -> Vec<u8> {
        let mut b = u32::try_from(body.len() + 8)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(body);
        b
    }

    /// A full box: version, flags, body.
    pub(crate) fn full(kind: &[u8], version: u8, body: &[u8]) -> Vec<u8> {
        iso(kind, &[&[version, 0, 0, 0][..], body].concat())
    }

    /// An item description of version 2: id, protection, type, name, more.
    pub(crate) fn infe(id: u16, kind: &[u8], rest: &[u8]) -> Vec<u8> {
        let body = [&id.to_be_bytes()[..], &[0, 0], kind, b"\0", rest].concat();
        full(b"infe", 2, &body)
    }

    /// An AVIF: `ftyp`, then `meta` (handler, item list of `items`).
    pub(crate) fn avif(items: &[Vec<u8>]) -> Vec<u8> {
        let ftyp = iso(b"ftyp", b"avif\0\0\0\0avifmif1miaf");
        let hdlr = full(b"hdlr", 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0");
        let count = u16::try_from(items.len()).unwrap().to_be_bytes();
        let iinf = full(b"iinf", 0, &[&count[..], &items.concat()].concat());
        let meta = full(b"meta", 0, &[hdlr, iinf].concat());
        [ftyp, meta].concat()
    }

    /// What each kind of item and box is taken for. Catches an `Exif`
    /// item, an XMP `mime` item (versions 2, 3 and 0), an XMP `uuid` box
    /// or a movie's user data going unseen, and a picture item taken for
    /// metadata.
    #[test]
    fn iso_metadata_finds_exif_and_xmp_items_xmp_boxes_and_user_data() {
        let picture = infe(1, b"av01", b"");
        assert!(
            iso_metadata(&avif(std::slice::from_ref(&picture)))
                .unwrap()
                .is_empty()
        );
        let exif = infe(2, b"Exif", b"");
        let found = iso_metadata(&avif(&[picture.clone(), exif])).unwrap();
        assert_eq!(
            (found.exif, found.xmp, found.user_data),
            (true, false, false)
        );
        let xmp = infe(3, b"mime", b"application/rdf+xml\0");
        let found = iso_metadata(&avif(&[picture.clone(), xmp])).unwrap();
        assert_eq!((found.exif, found.xmp), (false, true));
        // Version 3 (32-bit item ids), and version 0 (a content type only).
        let v3 = full(b"infe", 3, b"\0\0\0\x04\0\0mime\0Application/RDF+XML\0");
        assert!(iso_metadata(&avif(&[v3])).unwrap().xmp);
        let v0 = full(b"infe", 0, b"\0\x05\0\0xmp\0application/rdf+xml\0");
        assert!(iso_metadata(&avif(&[v0])).unwrap().xmp);
        // A MIME item of another type is not XMP.
        let other = infe(6, b"mime", b"text/plain\0");
        assert!(iso_metadata(&avif(&[other])).unwrap().is_empty());
        // XMP in a `uuid` box; user data and an Exif item inside a movie.
        let uuid = iso(b"uuid", &[&XMP_UUID[..], b"<x:xmpmeta/>"].concat());
        assert!(iso_metadata(&[avif(&[]), uuid].concat()).unwrap().xmp);
        let other_uuid = iso(b"uuid", &[0u8; 20]);
        assert!(
            iso_metadata(&[avif(&[]), other_uuid].concat())
                .unwrap()
                .is_empty()
        );
        let track_meta = full(
            b"meta",
            0,
            &full(
                b"iinf",
                1,
                &[&[0, 0, 0, 1][..], &infe(1, b"Exif", b"")].concat(),
            ),
        );
        let moov = iso(
            b"moov",
            &[iso(b"trak", &track_meta), iso(b"udta", b"\xa9nam")].concat(),
        );
        let found = iso_metadata(&[avif(&[]), moov].concat()).unwrap();
        assert_eq!((found.exif, found.user_data), (true, true));
    }

    /// Hostile and damaged boxes are errors, never a panic nor an endless
    /// walk. Catches a size trusted past its parent's end (a slice out of
    /// range), a size smaller than its header (a loop that does not move
    /// on), a 64-bit size cast without a check, and nesting without bound.
    #[test]
    fn iso_boxes_that_lie_about_their_size_are_errors() {
        let whole = avif(&[infe(1, b"av01", b""), infe(2, b"Exif", b"")]);
        // Every cut: an error, or (cut between boxes) a file without the
        // rest; never a panic.
        for cut in 0..whole.len() {
            match iso_metadata(&whole[..cut]) {
                Ok(found) => assert!(!found.exif, "{cut}"),
                Err(Problem::Truncated | Problem::Corrupt(_)) => {}
                Err(other) => panic!("{cut}: {other:?}"),
            }
        }
        // Every byte of it made 0 (a size to the end), 1 (a 64-bit size
        // follows), 7 (smaller than a header) or 0xFF (past any end), one
        // at a time: an answer each time, never a panic.
        for at in 0..whole.len() {
            for byte in [0, 1, 7, 0xFF] {
                let mut mutated = whole.clone();
                mutated[at] = byte;
                let _ = iso_metadata(&mutated);
            }
        }
        let ftyp = iso(b"ftyp", b"avif\0\0\0\0");
        // A size smaller than the header itself (4 would never move on).
        for size in [2u32, 4, 7] {
            let bad = [&ftyp[..], &size.to_be_bytes(), b"free"].concat();
            assert!(
                matches!(iso_metadata(&bad), Err(Problem::Corrupt(_))),
                "{size}"
            );
        }
        // A size past the end of the file, and past the end of its parent.
        let past = [&ftyp[..], &100u32.to_be_bytes(), b"free\0\0"].concat();
        assert_eq!(iso_metadata(&past), Err(Problem::Truncated));
        let inner = [&200u32.to_be_bytes()[..], b"infe\x02\0\0\0"].concat();
        let meta = full(
            b"meta",
            0,
            &full(b"iinf", 0, &[&[0, 1][..], &inner].concat()),
        );
        let overrun = [&ftyp[..], &meta, &[0; 300]].concat();
        assert_eq!(iso_metadata(&overrun), Err(Problem::Truncated));
        // 64-bit sizes: the largest is past any file, one below 16 is
        // smaller than its header, a true one is read.
        let large = |size: u64, body: &[u8]| {
            [
                &ftyp[..],
                &1u32.to_be_bytes(),
                b"free",
                &size.to_be_bytes(),
                body,
            ]
            .concat()
        };
        assert_eq!(iso_metadata(&large(u64::MAX, b"")), Err(Problem::Truncated));
        assert!(matches!(
            iso_metadata(&large(9, b"")),
            Err(Problem::Corrupt(_))
        ));
        assert!(iso_metadata(&large(20, b"abcd")).unwrap().is_empty());
        assert_eq!(iso_metadata(&large(20, b"ab")), Err(Problem::Truncated));
        // Size 0: to the end of the file.
        let to_end = [&ftyp[..], &0u32.to_be_bytes(), b"udta", b"anything"].concat();
        assert!(iso_metadata(&to_end).unwrap().user_data);
        // Boxes nested deeper than any image needs.
        let mut deep = infe(1, b"Exif", b"");
        for _ in 0..100 {
            deep = full(b"meta", 0, &deep);
        }
        let deep = [&ftyp[..], &deep].concat();
        assert!(matches!(iso_metadata(&deep), Err(Problem::Corrupt(_))));
        // An item of a version to come, and a file that is no ISO media.
        let unknown = full(b"infe", 9, b"\0\x01\0\0Exif\0");
        assert!(matches!(
            iso_metadata(&avif(&[unknown])),
            Err(Problem::Corrupt(_))
        ));
        assert!(matches!(
            iso_metadata(b"\0\0\0\x08free"),
            Err(Problem::Corrupt(_))
        ));
        assert!(matches!(iso_metadata(b""), Err(Problem::Corrupt(_))));
    }
}
