//! Metadata removed without re-encoding: an image published at its own
//! size keeps its pixels bit for bit and loses everything else.
//!
//! In: the bytes of a JPEG, PNG, GIF or WebP. Out: the same image with an
//! allow-list of its parts, or `None` when the structure cannot be walked
//! (the caller then re-encodes, or reports the file). What stays is what
//! the pixels need to be shown right: a JPEG's tables, frame and scans, its
//! JFIF header (without its thumbnail), Adobe segment and ICC profile; a PNG's critical chunks,
//! transparency, colour chunks (gamma, chromaticities, sRGB, ICC, cICP)
//! and animation chunks; a GIF's frames, their timing and the loop count;
//! a WebP's image, alpha, animation and ICC chunks (in each frame, its
//! image and alpha alone). Everything else goes:
//! Exif (with GPS, camera, date), XMP, IPTC, comments, text, time stamps,
//! thumbnails, and whatever a phone appends after a JPEG's end.
//!
//! An SVG ([`svg`]) is text: it keeps every byte but its `<metadata>`
//! (RDF: author, title, licence), its comments, and the elements and
//! attributes of editors' namespaces (Inkscape's layer names and
//! `inkscape:export-filename`, which holds a path on the author's
//! computer, often with their name; Sodipodi's document name; Adobe's and
//! Sketch's private data). None of them is drawn: the SVG looks the same.

/// `bytes` without metadata, for any format the stage reads.
pub(crate) fn strip(format: super::Format, bytes: &[u8]) -> Option<Vec<u8>> {
    match format {
        super::Format::Jpeg => jpeg(bytes),
        super::Format::Png => png(bytes),
        super::Format::Gif => gif(bytes),
        super::Format::WebP => webp(bytes),
    }
}

/// The bytes a copied file (not a planned raster image) is published
/// with: an SVG cleaned by [`svg`], anything else as it is. Every stage
/// that publishes or serves copies reads them through this.
pub(crate) fn published(output: &str, bytes: Vec<u8>) -> Vec<u8> {
    if is_svg(output) {
        if let Some(cleaned) = svg(&bytes) {
            return cleaned;
        }
    }
    bytes
}

/// Whether the output path names an SVG (`.svg` in any case): the copies
/// [`published`] cleans.
pub(crate) fn is_svg(output: &str) -> bool {
    output
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("svg"))
}

/// Namespaces of editors' private data, never drawn.
const EDITOR_NAMESPACES: &[&str] = &[
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/",
    "http://ns.adobe.com/Extensibility/1.0/",
    "http://ns.adobe.com/Graphs/1.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
    "http://ns.adobe.com/Variables/1.0/",
    "http://ns.adobe.com/ImageReplacement/1.0/",
    "http://ns.adobe.com/xap/1.0/",
    "adobe:ns:meta/",
    "http://www.bohemiancoding.com/sketch/ns",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
];

/// The SVG namespace.
const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Nodes an SVG may have to be cleaned (more is refused beside club pages
/// and published as written by staff).
const MAX_SVG_NODES: u32 = 500_000;

/// An SVG without its metadata, comments and editors' data (see the
/// module's doc); `None` when it is not well-formed XML (staff's is then
/// published as written; a club's is refused before this).
pub(crate) fn svg(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let options = || roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_SVG_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options()).ok()?;
    let mut cut: Vec<std::ops::Range<usize>> = Vec::new();
    for node in doc.descendants() {
        match node.node_type() {
            roxmltree::NodeType::Comment => cut.push(node.range()),
            roxmltree::NodeType::Element if not_drawn(node) => cut.push(node.range()),
            roxmltree::NodeType::Element => cut.extend(
                node.attributes()
                    .filter(|a| is_editors(a.namespace()))
                    .map(|a| a.range()),
            ),
            _ => {}
        }
    }
    // In document order; a range inside one already cut (an element of
    // `<metadata>`) goes with it.
    cut.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    for range in cut {
        if range.start < at {
            continue;
        }
        out.extend_from_slice(bytes.get(at..range.start)?);
        at = range.end;
    }
    out.extend_from_slice(bytes.get(at..)?);
    // Cutting only ever removes, but what is published must be read as the
    // same drawing: the same elements, attributes and text, in the same
    // order, as what was judged (beside a club page) before the cut.
    // Anything else (a cut that leaves two attributes without a space
    // between them, say) publishes nothing of the cut.
    let cleaned = std::str::from_utf8(&out).ok()?;
    let again = roxmltree::Document::parse_with_options(cleaned, options()).ok()?;
    (drawing(&doc) == drawing(&again)).then_some(out)
}

/// Whether `ns` is one of [`EDITOR_NAMESPACES`].
fn is_editors(ns: Option<&str>) -> bool {
    ns.is_some_and(|ns| EDITOR_NAMESPACES.contains(&ns))
}

/// Whether the element `node` is cut whole: `<metadata>` or an editor's.
fn not_drawn(node: roxmltree::Node<'_, '_>) -> bool {
    let name = node.tag_name();
    (name.name() == "metadata" && name.namespace() == Some(SVG_NS)) || is_editors(name.namespace())
}

/// What of `doc` [`svg`] keeps, as a list: each element (namespace, name,
/// attributes but the editors'), each run of text (runs that a cut comment
/// separated counted as one), each end of element; never an element cut
/// whole nor what is inside it. Walked with a stack: no recursion on deep
/// files.
fn drawing(doc: &roxmltree::Document<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut text_open = false;
    let mut stack = vec![(doc.root(), false)];
    while let Some((node, closing)) = stack.pop() {
        if closing {
            out.push(String::from("/"));
            text_open = false;
            continue;
        }
        match node.node_type() {
            roxmltree::NodeType::Element if not_drawn(node) => continue,
            roxmltree::NodeType::Element => {
                let mut item = format!(
                    "<{:?} {}",
                    node.tag_name().namespace(),
                    node.tag_name().name()
                );
                for a in node.attributes().filter(|a| !is_editors(a.namespace())) {
                    let _ = std::fmt::Write::write_fmt(
                        &mut item,
                        format_args!(" {:?}:{}={:?}", a.namespace(), a.name(), a.value()),
                    );
                }
                out.push(item);
                text_open = false;
                stack.push((node, true));
            }
            roxmltree::NodeType::Text => {
                let text = node.text().unwrap_or("");
                match out.last_mut() {
                    Some(last) if text_open => last.push_str(text),
                    _ => out.push(format!("#{text}")),
                }
                text_open = true;
                continue;
            }
            roxmltree::NodeType::Root => {}
            _ => continue,
        }
        let children: Vec<_> = node.children().collect();
        stack.extend(children.into_iter().rev().map(|c| (c, false)));
    }
    out
}

/// A JPEG without its metadata segments, cut at the end of its first image.
pub(crate) fn jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut at = 2;
    loop {
        // Markers may be preceded by fill bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if bytes.get(at) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Some(out);
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&bytes[at..at + 2]);
                at += 2;
                continue;
            }
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes(
            bytes.get(at + 2..at + 4)?.try_into().ok()?,
        ));
        let end = at.checked_add(2 + len)?;
        let segment = bytes.get(at..end)?;
        let payload = &segment[4.min(segment.len())..];
        let keep = match marker {
            // JFIF, without its thumbnail (a small copy of the picture as
            // it was before any crop) nor its extension (JFXX).
            0xE0 => {
                if let Some(header) = payload.get(..12).filter(|p| p.starts_with(b"JFIF\0")) {
                    out.extend_from_slice(&[0xFF, 0xE0, 0, 16]);
                    out.extend_from_slice(header);
                    // No thumbnail: 0 x 0 pixels.
                    out.extend_from_slice(&[0, 0]);
                }
                false
            }
            // ICC profile chunks, not the multi-picture index (MPF).
            0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
            // Adobe: how the colour channels are transformed.
            0xEE => payload.starts_with(b"Adobe"),
            // Frame headers, Huffman and arithmetic tables (C4, CC),
            // scans, quantisation tables, line count, restart interval,
            // hierarchical progression: what decoding needs.
            0xC0..=0xC7 | 0xC9..=0xCF | 0xDA..=0xDF => true,
            // Everything else: application segments (Exif, XMP, IPTC,
            // makers'), comments, and the reserved JPG extensions, which
            // no decoder needs and any writer may fill.
            _ => false,
        };
        if keep {
            out.extend_from_slice(segment);
        }
        at = end;
        if marker == 0xDA {
            // Entropy-coded data: up to the next marker that is not a
            // stuffed byte or a restart.
            let mut i = at;
            loop {
                let b = *bytes.get(i)?;
                if b == 0xFF {
                    let next = *bytes.get(i + 1)?;
                    if next != 0x00 && !(0xD0..=0xD7).contains(&next) && next != 0xFF {
                        break;
                    }
                    i += if next == 0xFF { 1 } else { 2 };
                } else {
                    i += 1;
                }
            }
            out.extend_from_slice(&bytes[at..i]);
            at = i;
        }
    }
}

/// PNG chunks that are kept: the image, its colours, its animation.
const PNG_KEPT: [&[u8; 4]; 15] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"cICP", b"mDCV", b"acTL", b"fcTL", b"fdAT",
];

/// A PNG with only the chunks of [`PNG_KEPT`].
pub(crate) fn png(bytes: &[u8]) -> Option<Vec<u8>> {
    let signature = crate::image_probe::PNG_SIGNATURE;
    if !bytes.starts_with(signature) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(signature);
    let mut at = signature.len();
    loop {
        let len = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        let kind = bytes.get(at + 4..at + 8)?;
        let end = at.checked_add(12)?.checked_add(len)?;
        let chunk = bytes.get(at..end)?;
        if PNG_KEPT.iter().any(|k| &k[..] == kind) {
            out.extend_from_slice(chunk);
        }
        if kind == b"IEND" {
            return Some(out);
        }
        at = end;
    }
}

/// A GIF without comments and without application blocks other than the
/// loop count (`NETSCAPE2.0`, `ANIMEXTS1.0`).
pub(crate) fn gif(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < 13 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let flags = bytes[10];
    let mut at = 13;
    if flags & 0x80 != 0 {
        at += 3 << ((flags & 0x07) + 1);
    }
    out.extend_from_slice(bytes.get(..at)?);
    // Sub-blocks from `at`: returns where they end (after the terminator).
    let blocks_end = |mut at: usize| -> Option<usize> {
        loop {
            let n = usize::from(*bytes.get(at)?);
            at += 1 + n;
            if n == 0 {
                return (at <= bytes.len()).then_some(at);
            }
        }
    };
    loop {
        match *bytes.get(at)? {
            0x3B => {
                out.push(0x3B);
                return Some(out);
            }
            0x21 => {
                let label = *bytes.get(at + 1)?;
                let end = blocks_end(at + 2)?;
                let keep = match label {
                    // Graphic control (timing, transparency) and plain text.
                    0xF9 | 0x01 => true,
                    0xFF => {
                        let id = bytes.get(at + 3..at + 14)?;
                        id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0"
                    }
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(&bytes[at..end]);
                }
                at = end;
            }
            0x2C => {
                let flags = *bytes.get(at + 9)?;
                let mut data = at + 10;
                if flags & 0x80 != 0 {
                    data += 3 << ((flags & 0x07) + 1);
                }
                // The LZW minimum code size, then the data's sub-blocks.
                let end = blocks_end(data + 1)?;
                out.extend_from_slice(bytes.get(at..end)?);
                at = end;
            }
            _ => return None,
        }
    }
}

/// A WebP with only its image, alpha, animation and ICC chunks, the
/// extended header's Exif and XMP flags cleared.
pub(crate) fn webp(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return None;
    }
    let mut body = Vec::with_capacity(bytes.len());
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let kind = &bytes[at..at + 4];
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().ok()?) as usize;
        // Chunks are padded to an even length.
        let end = at.checked_add(8)?.checked_add(len + (len & 1))?;
        let chunk = bytes.get(at..end.min(bytes.len()))?;
        match kind {
            b"VP8X" => {
                let mut chunk = chunk.to_vec();
                // Flags: Exif 0x08, XMP 0x04.
                *chunk.get_mut(8)? &= !0x0C;
                body.extend_from_slice(&chunk);
            }
            b"ANMF" => body.extend_from_slice(&webp_frame(chunk)?),
            b"VP8 " | b"VP8L" | b"ALPH" | b"ANIM" | b"ICCP" => {
                body.extend_from_slice(chunk);
            }
            _ => {}
        }
        at = end;
    }
    let mut out = Vec::with_capacity(body.len() + 12);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&u32::try_from(body.len() + 4).ok()?.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    Some(out)
}

/// One frame of an animated WebP (`ANMF`, its header included) with only
/// its image and alpha chunks: the format lets a frame hold chunks of any
/// kind after them.
fn webp_frame(chunk: &[u8]) -> Option<Vec<u8>> {
    // Chunk header (8), then the frame's position, size, duration, flags (16).
    let head = chunk.get(8..24)?;
    let mut data = head.to_vec();
    let mut at = 24;
    while at + 8 <= chunk.len() {
        let kind = &chunk[at..at + 4];
        let len = u32::from_le_bytes(chunk[at + 4..at + 8].try_into().ok()?) as usize;
        let end = at.checked_add(8)?.checked_add(len + (len & 1))?;
        let inner = chunk.get(at..end.min(chunk.len()))?;
        if matches!(kind, b"VP8 " | b"VP8L" | b"ALPH") {
            data.extend_from_slice(inner);
        }
        at = end;
    }
    let mut out = b"ANMF".to_vec();
    out.extend_from_slice(&u32::try_from(data.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A club leader's SVG built to make the cut join what it separates:
    /// text on both sides of a comment inside a `<style>`, CDATA sections
    /// around a comment. The cut keeps the text as it was read; and the
    /// guard that publishes nothing of a cut read as another drawing tells
    /// what is cut from what is drawn. Catches a cleaning that publishes
    /// bytes no one judged.
    #[test]
    fn a_cut_that_would_change_the_drawing_publishes_nothing_of_it() {
        let head = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape">"#;
        let merged = format!(
            "{head}<style>a{{}}<!-- x -->b{{}}<![CDATA[</sty]]><!-- -->]]&gt;<![CDATA[le>]]></style></svg>"
        );
        let cleaned = String::from_utf8(svg(merged.as_bytes()).unwrap()).unwrap();
        assert!(!cleaned.contains("<!--"), "{cleaned}");
        let style = roxmltree::Document::parse(&cleaned).unwrap();
        let text: String = style
            .descendants()
            .filter(roxmltree::Node::is_text)
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(text, "a{}b{}</sty]]>le>");
        // The comparison the guard makes: blind to what is cut, not to a
        // drawn attribute, element or text.
        let read = |t: &str| drawing(&roxmltree::Document::parse(t).unwrap());
        let base = read(&format!(r#"{head}<g id="a" fill="red">x</g></svg>"#));
        assert_eq!(
            read(&format!(
                r#"{head}<!--c--><g id="a" inkscape:label="L" fill="red">x<!--c--></g><metadata>m</metadata></svg>"#
            )),
            base
        );
        for other in [
            r#"<g id="a" fill="blue">x</g>"#,
            r#"<g id="a" fill="red">y</g>"#,
            r#"<g id="a" fill="red"><script>x</script></g>"#,
            r#"<g id="a" fill="red" onload="x">x</g>"#,
        ] {
            assert_ne!(read(&format!("{head}{other}</svg>")), base, "{other}");
        }
    }

    /// Catches an SVG published with its RDF metadata, comments, or the
    /// editor's attributes (a path with the author's name), and a cleaning
    /// that changes what is drawn.
    #[test]
    fn an_svg_loses_metadata_comments_and_editors_data_and_keeps_its_drawing() {
        let svg_text = r##"<?xml version="1.0" encoding="UTF-8"?>
<!-- Fait avec Inkscape par Jeanne -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
     xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
     viewBox="0 0 10 10" sodipodi:docname="logo.svg" inkscape:export-filename="C:\Users\jeanne\logo.png">
  <sodipodi:namedview id="nv" inkscape:zoom="2"><inkscape:grid id="g"/></sodipodi:namedview>
  <metadata><rdf:RDF><dc:creator>Jeanne Martin</dc:creator></rdf:RDF></metadata>
  <dc:rights>Jeanne</dc:rights>
  <g inkscape:label="Calque de Jeanne" id="layer1"><rect width="10" height="10" fill="#00205b"/></g>
</svg>
"##;
        let cleaned = String::from_utf8(svg(svg_text.as_bytes()).unwrap()).unwrap();
        for gone in [
            "Jeanne",
            "jeanne",
            "<!--",
            "<metadata",
            "inkscape:label",
            "sodipodi:docname",
            "namedview",
            "dc:rights",
        ] {
            assert!(!cleaned.contains(gone), "{gone} in {cleaned}");
        }
        assert!(cleaned.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        let doc = roxmltree::Document::parse(&cleaned).unwrap();
        let drawn: Vec<&str> = doc
            .descendants()
            .filter(roxmltree::Node::is_element)
            .map(|n| n.tag_name().name())
            .collect();
        assert_eq!(drawn, ["svg", "g", "rect"]);
        let rect = doc.descendants().find(|n| n.has_tag_name("rect")).unwrap();
        assert_eq!(rect.attribute("fill"), Some("#00205b"));
        // Not XML: left alone (the caller publishes it as written).
        assert_eq!(svg(b"<svg><g></svg>"), None);
        assert_eq!(
            published("a/plan.SVG", svg_text.as_bytes().to_vec()),
            cleaned.as_bytes()
        );
        assert_eq!(
            published("a/plan.txt", b"<!-- x -->".to_vec()),
            b"<!-- x -->"
        );
    }
    use crate::image_probe::PNG_SIGNATURE;

    #[test]
    fn jpeg_keeps_tables_and_scans_and_drops_metadata_and_what_follows() {
        let seg = |marker: u8, payload: &[u8]| {
            let mut s = vec![0xFF, marker];
            s.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
            s.extend_from_slice(payload);
            s
        };
        let jfif = seg(0xE0, b"JFIF\0\x01\x02\0\0\x01\0\x01\0\0");
        let exif = seg(0xE1, b"Exif\0\0GPS here");
        let icc = seg(0xE2, b"ICC_PROFILE\0\x01\x01prof");
        let mpf = seg(0xE2, b"MPF\0index");
        let comment = seg(0xFE, b"taken at home");
        let dqt = seg(0xDB, &[0; 65]);
        let sof = seg(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
        let sos = seg(0xDA, &[1, 1, 0, 0, 63, 0]);
        let scan = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56];
        let parts: Vec<&[u8]> = vec![
            &[0xFF, 0xD8],
            &jfif,
            &exif,
            &icc,
            &mpf,
            &comment,
            &dqt,
            &sof,
            &sos,
            &scan,
            &[0xFF, 0xD9],
            b"\xFF\xD8 second picture with its own Exif",
        ];
        let file = parts.concat();
        let kept = [
            &[0xFF, 0xD8][..],
            &jfif,
            &icc,
            &dqt,
            &sof,
            &sos,
            &scan,
            &[0xFF, 0xD9],
        ]
        .concat();
        assert_eq!(jpeg(&file).unwrap(), kept);
        assert_eq!(jpeg(&file[..file.len() - 40]), None);
    }

    #[test]
    fn png_keeps_the_image_and_its_colours_only() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0; 4]);
            c
        };
        let ihdr = chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
        let text = chunk(b"tEXt", b"Author\0Someone");
        let itxt = chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x/>");
        let exif = chunk(b"eXIf", b"MM\0*");
        let srgb = chunk(b"sRGB", &[0]);
        let idat = chunk(b"IDAT", &[1, 2, 3]);
        let iend = chunk(b"IEND", &[]);
        let file = [
            PNG_SIGNATURE,
            &ihdr,
            &text,
            &srgb,
            &itxt,
            &exif,
            &idat,
            &iend,
        ]
        .concat();
        let kept = [PNG_SIGNATURE, &ihdr, &srgb, &idat, &iend].concat();
        assert_eq!(png(&file).unwrap(), kept);
    }

    #[test]
    fn gif_and_webp_lose_comments_exif_and_xmp() {
        let mut gif_file = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
        let netscape = b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00";
        let comment = b"\x21\xFE\x05hello\x00";
        let xmp = b"\x21\xFF\x0BXMP DataXMP\x03abc\x00";
        let frame = b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00";
        for part in [&netscape[..], comment, xmp, frame, b"\x3B"] {
            gif_file.extend_from_slice(part);
        }
        let kept = [
            &b"GIF89a\x01\x00\x01\x00\x00\x00\x00"[..],
            netscape,
            frame,
            b"\x3B",
        ]
        .concat();
        assert_eq!(gif(&gif_file).unwrap(), kept);

        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = kind.to_vec();
            c.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
            c.extend_from_slice(data);
            if data.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        let vp8x = chunk(b"VP8X", &[0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let image = chunk(b"VP8L", &[0x2F, 0, 0, 0, 0]);
        let exif = chunk(b"EXIF", b"MM\0*gps");
        let xmp = chunk(b"XMP ", b"<x/>");
        let body = [&b"WEBP"[..], &vp8x, &image, &exif, &xmp].concat();
        let file = [
            &b"RIFF"[..],
            &u32::try_from(body.len()).unwrap().to_le_bytes(),
            &body,
        ]
        .concat();
        let out = webp(&file).unwrap();
        let vp8x_clean = chunk(b"VP8X", &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let body = [&b"WEBP"[..], &vp8x_clean, &image].concat();
        let expected = [
            &b"RIFF"[..],
            &u32::try_from(body.len()).unwrap().to_le_bytes(),
            &body,
        ]
        .concat();
        assert_eq!(out, expected);
    }
    /// A JFIF thumbnail (the picture before any crop) and segments no
    /// decoder needs go; the JFIF header stays. Catches a JFIF segment
    /// kept whole, and a marker outside the decoding allow-list (a JPG
    /// extension, APP15) kept.
    #[test]
    fn jpeg_loses_the_jfif_thumbnail_and_segments_no_decoder_needs() {
        let seg = |marker: u8, payload: &[u8]| {
            let mut s = vec![0xFF, marker];
            s.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
            s.extend_from_slice(payload);
            s
        };
        // A 2 x 1 RGB thumbnail after the header.
        let jfif = seg(0xE0, b"JFIF\0\x01\x02\x01\0\x48\0\x48\x02\x01secret");
        let jpg_extension = seg(0xF7, b"written by anyone");
        let app15 = seg(0xEF, b"maker data");
        let dqt = seg(0xDB, &[0; 65]);
        let sof = seg(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
        let dri = seg(0xDD, &[0, 4]);
        let sos = seg(0xDA, &[1, 1, 0, 0, 63, 0]);
        let scan = [0x12, 0x34];
        let file = [
            &[0xFF, 0xD8][..],
            &jfif,
            &jpg_extension,
            &app15,
            &dqt,
            &sof,
            &dri,
            &sos,
            &scan,
            &[0xFF, 0xD9],
        ]
        .concat();
        let header = seg(0xE0, b"JFIF\0\x01\x02\x01\0\x48\0\x48\0\0");
        let kept = [
            &[0xFF, 0xD8][..],
            &header,
            &dqt,
            &sof,
            &dri,
            &sos,
            &scan,
            &[0xFF, 0xD9],
        ]
        .concat();
        assert_eq!(jpeg(&file).unwrap(), kept);
    }

    /// A frame of an animated WebP may hold chunks of any kind after its
    /// image: they go, the frame's header, image and alpha stay, its
    /// length follows. Catches `ANMF` copied whole.
    #[test]
    fn webp_frames_keep_their_image_and_alpha_only() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = kind.to_vec();
            c.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
            c.extend_from_slice(data);
            if data.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        let header = [0u8; 16];
        let alpha = chunk(b"ALPH", &[0, 1, 2]);
        let image = chunk(b"VP8L", &[0x2F, 0, 0, 0, 0]);
        let exif = chunk(b"EXIF", b"MM\0*gps");
        let note = chunk(b"note", b"secret");
        let frame = chunk(
            b"ANMF",
            &[&header[..], &alpha, &image, &exif, &note].concat(),
        );
        let vp8x = chunk(b"VP8X", &[0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let anim = chunk(b"ANIM", &[0; 6]);
        let riff = |body: &[u8]| {
            [
                &b"RIFF"[..],
                &u32::try_from(body.len()).unwrap().to_le_bytes(),
                body,
            ]
            .concat()
        };
        let file = riff(&[&b"WEBP"[..], &vp8x, &anim, &frame].concat());
        let clean = chunk(b"ANMF", &[&header[..], &alpha, &image].concat());
        let expected = riff(&[&b"WEBP"[..], &vp8x, &anim, &clean].concat());
        assert_eq!(webp(&file).unwrap(), expected);
    }
}
