//! Pixels: decode once, turn upright, resize, encode without metadata.
//!
//! In: the bytes of a JPEG, PNG or still WebP whose header has been judged
//! (size within the pixel limit), and the operations to run. Out: the
//! encoded bytes of each operation, or an error text. Decoding goes
//! through the `image` crate's decoders with a memory limit, so a header
//! that lies about its size still cannot make the process allocate without
//! bound; orientation is applied before anything else; an RGB colour
//! profile is carried into every output (a phone's Display P3 stays Display
//! P3), any other profile is dropped with the colour model it describes
//! (a CMYK JPEG is decoded to RGB). Encoders are handed pixels and, at
//! most, that profile: nothing else can reach the output.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder as _, ImageEncoder as _};

use super::Format;

/// A picture ready to be resized: upright, 8 bits per channel, RGB or RGBA.
pub(crate) struct Decoded {
    /// The pixels.
    pub image: DynamicImage,
    /// The RGB colour profile it came with.
    pub icc: Option<Vec<u8>>,
}

/// Decodes `bytes` (`format`), allowing at most `max_pixels` pixels.
pub(crate) fn decode(bytes: &[u8], format: Format, max_pixels: u64) -> Result<Decoded, String> {
    let image_format = match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::WebP => image::ImageFormat::WebP,
        Format::Gif => image::ImageFormat::Gif,
    };
    let mut limits = image::Limits::default();
    // 16-bit RGBA is 8 bytes a pixel; the decoders' own buffers come on top.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(16 << 20));
    let side = u32::try_from(max_pixels).unwrap_or(u32::MAX);
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    // The plan judged the header we read; this is the decoder's own reading.
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > max_pixels {
        return Err(format!(
            "{w} x {h} pixels is over the limit of {max_pixels}"
        ));
    }
    let orientation = decoder.orientation().map_err(|e| e.to_string())?;
    let icc = decoder
        .icc_profile()
        .ok()
        .flatten()
        .filter(|p| p.get(16..20) == Some(b"RGB "));
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    image.apply_orientation(orientation);
    let image = if image.color().has_alpha() {
        match image {
            DynamicImage::ImageRgba8(_) => image,
            other => DynamicImage::ImageRgba8(other.to_rgba8()),
        }
    } else {
        match image {
            DynamicImage::ImageRgb8(_) => image,
            other => DynamicImage::ImageRgb8(other.to_rgb8()),
        }
    };
    Ok(Decoded { image, icc })
}

/// What to make of a decoded picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Shape {
    /// The whole picture, `width` pixels wide (height in proportion).
    Width(u32),
    /// Exactly `width` x `height`, cropped around the centre to fill it.
    Cover(u32, u32),
}

/// How an output is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Encoding {
    /// The output's format.
    pub format: Format,
    /// 1 to 100 for lossy formats; ignored for PNG.
    pub quality: u8,
    /// WebP only: lossless (for sources that were PNG: flat colours, text).
    pub lossless: bool,
}

/// The picture resized to `shape`.
pub(crate) fn resize(decoded: &Decoded, shape: Shape) -> Result<DynamicImage, String> {
    let src = &decoded.image;
    let (w, h) = (src.width(), src.height());
    let (dw, dh) = match shape {
        Shape::Width(dw) => (dw, scaled_height(w, h, dw)),
        Shape::Cover(dw, dh) => (dw, dh),
    };
    if (dw, dh) == (w, h) {
        return Ok(src.clone());
    }
    let mut dst = match src {
        DynamicImage::ImageRgba8(_) => DynamicImage::ImageRgba8(image::RgbaImage::new(dw, dh)),
        _ => DynamicImage::ImageRgb8(image::RgbImage::new(dw, dh)),
    };
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if matches!(shape, Shape::Cover(..)) {
        options = options.fit_into_destination(Some((0.5, 0.5)));
    }
    Resizer::new()
        .resize(src, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Ok(dst)
}

/// The height of a `width` x `height` picture scaled to `to` pixels wide,
/// rounded, at least 1.
pub(crate) fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    let h = (u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width.max(1));
    u32::try_from(h.max(1)).unwrap_or(u32::MAX)
}

/// `image` encoded as `encoding`, with the profile `icc`.
pub(crate) fn encode(
    image: &DynamicImage,
    icc: Option<&[u8]>,
    encoding: Encoding,
) -> Result<Vec<u8>, String> {
    let (w, h) = (image.width(), image.height());
    let color = image.color();
    let mut out = Vec::new();
    match encoding.format {
        Format::Jpeg => {
            let rgb;
            let pixels = if color.has_alpha() {
                rgb = DynamicImage::ImageRgb8(image.to_rgb8());
                &rgb
            } else {
                image
            };
            let mut encoder =
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, encoding.quality);
            if let Some(icc) = icc {
                encoder
                    .set_icc_profile(icc.to_vec())
                    .map_err(|e| e.to_string())?;
            }
            encoder
                .write_image(pixels.as_bytes(), w, h, pixels.color().into())
                .map_err(|e| e.to_string())?;
        }
        Format::Png => {
            let mut encoder = image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            );
            if let Some(icc) = icc {
                encoder
                    .set_icc_profile(icc.to_vec())
                    .map_err(|e| e.to_string())?;
            }
            encoder
                .write_image(image.as_bytes(), w, h, color.into())
                .map_err(|e| e.to_string())?;
        }
        Format::WebP => {
            let encoder = if color.has_alpha() {
                webp::Encoder::from_rgba(image.as_bytes(), w, h)
            } else {
                webp::Encoder::from_rgb(image.as_bytes(), w, h)
            };
            let memory = if encoding.lossless {
                encoder.encode_lossless()
            } else {
                encoder.encode(f32::from(encoding.quality))
            };
            if memory.is_empty() {
                return Err("the WebP encoder gave nothing".to_string());
            }
            out = match icc {
                Some(icc) => webp_with_icc(&memory, icc, w, h, color.has_alpha())
                    .ok_or_else(|| "the WebP encoder's output cannot be read".to_string())?,
                None => memory.to_vec(),
            };
        }
        Format::Gif => return Err("GIFs are published as they are".to_string()),
    }
    Ok(out)
}

/// A RIFF chunk: four-letter kind, little-endian length, data, padding.
fn riff_chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
    out.extend_from_slice(kind);
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

/// A simple WebP made extended, with the colour profile `icc` (libwebp's
/// simple encoder has no way to take one): `VP8X` with the ICC flag, `ICCP`,
/// then the encoder's chunks.
fn webp_with_icc(webp: &[u8], icc: &[u8], w: u32, h: u32, alpha: bool) -> Option<Vec<u8>> {
    let chunks = webp.get(12..)?;
    let mut body = b"WEBP".to_vec();
    let rest = if chunks.starts_with(b"VP8X") {
        let mut vp8x = chunks.get(8..18)?.to_vec();
        vp8x[0] |= 0x20;
        riff_chunk(&mut body, b"VP8X", &vp8x);
        chunks.get(18..)?
    } else {
        let mut vp8x = vec![0x20 | if alpha { 0x10 } else { 0 }, 0, 0, 0];
        vp8x.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
        vp8x.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
        riff_chunk(&mut body, b"VP8X", &vp8x);
        chunks
    };
    riff_chunk(&mut body, b"ICCP", icc);
    body.extend_from_slice(rest);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(body.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                u8::try_from(x * 255 / w).unwrap_or(255),
                u8::try_from(y * 255 / h).unwrap_or(255),
                128,
            ])
        }))
    }

    #[test]
    fn resized_outputs_have_the_asked_size_and_decode_again() {
        let decoded = Decoded {
            image: gradient(400, 300),
            icc: None,
        };
        let small = resize(&decoded, Shape::Width(100)).unwrap();
        assert_eq!((small.width(), small.height()), (100, 75));
        let cover = resize(&decoded, Shape::Cover(120, 63)).unwrap();
        assert_eq!((cover.width(), cover.height()), (120, 63));
        for format in [Format::Jpeg, Format::Png, Format::WebP] {
            let bytes = encode(
                &small,
                None,
                Encoding {
                    format,
                    quality: 80,
                    lossless: false,
                },
            )
            .unwrap();
            let back = decode(&bytes, format, 1 << 20).unwrap();
            assert_eq!((back.image.width(), back.image.height()), (100, 75));
        }
    }

    #[test]
    fn an_rgb_profile_is_carried_into_webp_and_jpeg() {
        // A profile header is 128 bytes; only the colour space matters here.
        let mut icc = vec![0u8; 132];
        icc[16..20].copy_from_slice(b"RGB ");
        let image = gradient(40, 30);
        for format in [Format::Jpeg, Format::WebP, Format::Png] {
            let encoding = Encoding {
                format,
                quality: 80,
                lossless: false,
            };
            let bytes = encode(&image, Some(&icc), encoding).unwrap();
            let back = decode(&bytes, format, 1 << 20).unwrap();
            assert_eq!(back.icc.as_deref(), Some(&icc[..]), "{format:?}");
        }
    }

    #[test]
    fn a_lying_header_cannot_allocate_past_the_limit() {
        let bytes = encode(
            &gradient(64, 64),
            None,
            Encoding {
                format: Format::Png,
                quality: 80,
                lossless: false,
            },
        )
        .unwrap();
        assert!(decode(&bytes, Format::Png, 100).is_err());
    }
}
