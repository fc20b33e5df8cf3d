//! Draws the pictures of the repository's site: club logos (emblems with
//! initials), Alter Ego episode posters and the interview's illustration.
//! None shows a person: they are geometric drawings, made here from shapes
//! and a stroke alphabet of five letters, so that anyone can make them
//! again and change them. They are dedicated to the public domain (CC0
//! 1.0), as the README's Images section says.
//!
//! `cargo run --release --example site_images` writes them into content/,
//! beside the pages that show them; `-- --check` compares them with the
//! files instead and fails if any differs. The output is deterministic:
//! no randomness, no clock, no font file.

// Pixel coordinates and channels are small numbers, clamped before each
// cast from `f32`.
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]

use image::ImageEncoder as _;
use std::path::Path;

/// A colour, 0 to 1 per channel, in sRGB.
#[derive(Clone, Copy)]
struct Rgb(f32, f32, f32);

const fn hex(v: u32) -> Rgb {
    Rgb(
        ((v >> 16) & 0xFF) as f32 / 255.0,
        ((v >> 8) & 0xFF) as f32 / 255.0,
        (v & 0xFF) as f32 / 255.0,
    )
}

const NAVY: Rgb = hex(0x1d_2c_4c);
const GOLD: Rgb = hex(0xc6_9d_3f);
const CREAM: Rgb = hex(0xf6_ef_e0);
const WHITE: Rgb = hex(0xff_ff_ff);
const TERRACOTTA: Rgb = hex(0x9b_3d_2e);
const TEAL: Rgb = hex(0x1f_6f_78);
const BURGUNDY: Rgb = hex(0x5e_1f_2e);

type P = (f32, f32);

/// A picture of the site: its path under content/, how it is drawn, and
/// whether it is a PNG (else a JPEG).
type Picture = (&'static str, fn() -> Canvas, bool);

/// What can be drawn: its signed distance (negative inside) at a point.
enum Shape {
    Disc(P, f32),
    /// A circle's outline: centre, radius, thickness.
    Ring(P, f32, f32),
    /// A thick segment with round ends.
    Line(P, P, f32),
    /// A thick arc: centre, radius, thickness, from and to angles in
    /// degrees, clockwise on screen from the right (y grows downwards).
    Arc(P, f32, f32, f32, f32),
    /// A convex or concave polygon, filled.
    Polygon(Vec<P>),
    /// Axis-aligned rectangle: corner, size.
    Rect(P, P),
}

fn length(x: f32, y: f32) -> f32 {
    (x * x + y * y).sqrt()
}

fn segment_distance(p: P, a: P, b: P) -> f32 {
    let (px, py, bx, by) = (p.0 - a.0, p.1 - a.1, b.0 - a.0, b.1 - a.1);
    let t = ((px * bx + py * by) / (bx * bx + by * by).max(1e-9)).clamp(0.0, 1.0);
    length(px - bx * t, py - by * t)
}

impl Shape {
    fn distance(&self, p: P) -> f32 {
        match self {
            Shape::Disc(c, r) => length(p.0 - c.0, p.1 - c.1) - r,
            Shape::Ring(c, r, t) => (length(p.0 - c.0, p.1 - c.1) - r).abs() - t / 2.0,
            Shape::Line(a, b, t) => segment_distance(p, *a, *b) - t / 2.0,
            Shape::Arc(centre, radius, thick, from, to) => {
                let (dx, dy) = (p.0 - centre.0, p.1 - centre.1);
                let mut angle = dy.atan2(dx).to_degrees();
                while angle < *from {
                    angle += 360.0;
                }
                if angle <= *to {
                    (length(dx, dy) - radius).abs() - thick / 2.0
                } else {
                    let end = |degrees: f32| {
                        let rad = degrees.to_radians();
                        (centre.0 + radius * rad.cos(), centre.1 + radius * rad.sin())
                    };
                    let (e1, e2) = (end(*from), end(*to));
                    length(p.0 - e1.0, p.1 - e1.1).min(length(p.0 - e2.0, p.1 - e2.1)) - thick / 2.0
                }
            }
            Shape::Polygon(points) => {
                let mut d = f32::MAX;
                let mut inside = false;
                for i in 0..points.len() {
                    let (a, b) = (points[i], points[(i + 1) % points.len()]);
                    d = d.min(segment_distance(p, a, b));
                    if (a.1 > p.1) != (b.1 > p.1)
                        && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0
                    {
                        inside = !inside;
                    }
                }
                if inside { -d } else { d }
            }
            Shape::Rect(corner, size) => {
                let (cx, cy) = (corner.0 + size.0 / 2.0, corner.1 + size.1 / 2.0);
                let (qx, qy) = (
                    (p.0 - cx).abs() - size.0 / 2.0,
                    (p.1 - cy).abs() - size.1 / 2.0,
                );
                length(qx.max(0.0), qy.max(0.0)) + qx.max(qy).min(0.0)
            }
        }
    }

    /// A box holding the shape, in pixels: (x0, y0, x1, y1).
    fn bounds(&self) -> (f32, f32, f32, f32) {
        match self {
            Shape::Disc(c, r) => (c.0 - r, c.1 - r, c.0 + r, c.1 + r),
            Shape::Ring(c, r, t) | Shape::Arc(c, r, t, _, _) => {
                let e = r + t;
                (c.0 - e, c.1 - e, c.0 + e, c.1 + e)
            }
            Shape::Line(a, b, t) => (
                a.0.min(b.0) - t,
                a.1.min(b.1) - t,
                a.0.max(b.0) + t,
                a.1.max(b.1) + t,
            ),
            Shape::Polygon(points) => points.iter().fold(
                (f32::MAX, f32::MAX, f32::MIN, f32::MIN),
                |(x0, y0, x1, y1), p| (x0.min(p.0), y0.min(p.1), x1.max(p.0), y1.max(p.1)),
            ),
            Shape::Rect(c, s) => (c.0, c.1, c.0 + s.0, c.1 + s.1),
        }
    }
}

/// RGBA pixels, 0 to 1, straight alpha.
struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<[f32; 4]>,
}

impl Canvas {
    fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![[0.0; 4]; (width * height) as usize],
        }
    }

    /// Paints `colour` at `opacity` over the pixel at (x, y), by `cover`.
    fn blend(&mut self, x: u32, y: u32, colour: Rgb, cover: f32) {
        let px = &mut self.pixels[(y * self.width + x) as usize];
        let a = cover + px[3] * (1.0 - cover);
        if a <= 0.0 {
            return;
        }
        for (i, c) in [colour.0, colour.1, colour.2].into_iter().enumerate() {
            px[i] = (c * cover + px[i] * px[3] * (1.0 - cover)) / a;
        }
        px[3] = a;
    }

    /// Fills `shape`, its edges smoothed over one pixel.
    fn draw(&mut self, shape: &Shape, colour: Rgb, opacity: f32) {
        let (x0, y0, x1, y1) = shape.bounds();
        let clamp = |v: f32, max: u32| (v.floor().max(0.0) as u32).min(max);
        for y in clamp(y0 - 1.0, self.height)..clamp(y1 + 2.0, self.height) {
            for x in clamp(x0 - 1.0, self.width)..clamp(x1 + 2.0, self.width) {
                let d = shape.distance((x as f32 + 0.5, y as f32 + 0.5));
                let cover = (0.5 - d).clamp(0.0, 1.0) * opacity;
                if cover > 0.0 {
                    self.blend(x, y, colour, cover);
                }
            }
        }
    }

    /// A vertical gradient from `top` to `bottom` over the whole canvas.
    fn gradient(&mut self, top: Rgb, bottom: Rgb) {
        for y in 0..self.height {
            let t = y as f32 / (self.height - 1) as f32;
            let c = Rgb(
                top.0 + (bottom.0 - top.0) * t,
                top.1 + (bottom.1 - top.1) * t,
                top.2 + (bottom.2 - top.2) * t,
            );
            for x in 0..self.width {
                self.blend(x, y, c, 1.0);
            }
        }
    }

    fn rgba8(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .flat_map(|p| p.map(|c| (c * 255.0).round().clamp(0.0, 255.0) as u8))
            .collect()
    }

    fn rgb8(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .flat_map(|p| [p[0], p[1], p[2]].map(|c| (c * 255.0).round().clamp(0.0, 255.0) as u8))
            .collect()
    }

    fn png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            image::codecs::png::CompressionType::Best,
            image::codecs::png::FilterType::Adaptive,
        )
        .write_image(
            &self.rgba8(),
            self.width,
            self.height,
            image::ExtendedColorType::Rgba8,
        )
        .expect("PNG encodes");
        out
    }

    fn jpeg(&self, quality: u8) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .write_image(
                &self.rgb8(),
                self.width,
                self.height,
                image::ExtendedColorType::Rgb8,
            )
            .expect("JPEG encodes");
        out
    }
}

/// The strokes of one capital letter in a box of `size` (its height) whose
/// top left corner is `at`, with strokes `t` thick. Letters are 0.7 of
/// their height wide.
fn letter(c: char, at: P, size: f32, t: f32) -> Vec<Shape> {
    let p = |x: f32, y: f32| (at.0 + x * size, at.1 + y * size);
    let r = |v: f32| v * size;
    match c {
        'A' => vec![
            Shape::Line(p(0.0, 1.0), p(0.35, 0.0), t),
            Shape::Line(p(0.35, 0.0), p(0.7, 1.0), t),
            Shape::Line(p(0.13, 0.62), p(0.57, 0.62), t),
        ],
        'C' => vec![Shape::Arc(p(0.45, 0.5), r(0.48), t, 50.0, 310.0)],
        'D' => vec![
            Shape::Line(p(0.0, 0.0), p(0.0, 1.0), t),
            Shape::Line(p(0.0, 0.0), p(0.2, 0.0), t),
            Shape::Line(p(0.0, 1.0), p(0.2, 1.0), t),
            Shape::Arc(p(0.2, 0.5), r(0.5), t, -90.0, 90.0),
        ],
        'E' => vec![
            Shape::Line(p(0.0, 0.0), p(0.0, 1.0), t),
            Shape::Line(p(0.0, 0.0), p(0.6, 0.0), t),
            Shape::Line(p(0.0, 0.5), p(0.5, 0.5), t),
            Shape::Line(p(0.0, 1.0), p(0.6, 1.0), t),
        ],
        'J' => vec![
            Shape::Line(p(0.2, 0.0), p(0.7, 0.0), t),
            Shape::Line(p(0.55, 0.0), p(0.55, 0.7), t),
            Shape::Arc(p(0.3, 0.7), r(0.25), t, 0.0, 180.0),
        ],
        other => panic!("no stroke for the letter {other}"),
    }
}

/// `text` centred on `centre`, letters `size` high.
fn initials(canvas: &mut Canvas, text: &str, centre: P, size: f32, t: f32, colour: Rgb) {
    let advance = size * 1.0;
    let count = text.chars().count() as f32;
    let width = advance * (count - 1.0) + size * 0.7;
    let mut x = centre.0 - width / 2.0;
    for c in text.chars() {
        for s in letter(c, (x, centre.1 - size / 2.0), size, t) {
            canvas.draw(&s, colour, 1.0);
        }
        x += advance;
    }
}

/// A regular polygon of `n` corners, the first at `start` degrees.
fn regular(centre: P, radius: f32, n: u32, start: f32) -> Vec<P> {
    (0..n)
        .map(|i| {
            let a = (start + 360.0 * i as f32 / n as f32).to_radians();
            (centre.0 + radius * a.cos(), centre.1 + radius * a.sin())
        })
        .collect()
}

/// The Club des docteurs: a navy shield, a gold border and star, "CD".
fn logo_docteurs() -> Canvas {
    let mut c = Canvas::new(480, 480);
    let shield = |inset: f32| {
        vec![
            (60.0 + inset, 40.0 + inset),
            (420.0 - inset, 40.0 + inset),
            (420.0 - inset, 250.0),
            (240.0, 450.0 - inset * 1.4),
            (60.0 + inset, 250.0),
        ]
    };
    c.draw(&Shape::Polygon(shield(0.0)), NAVY, 1.0);
    let inner = shield(22.0);
    for i in 0..inner.len() {
        c.draw(
            &Shape::Line(inner[i], inner[(i + 1) % inner.len()], 8.0),
            GOLD,
            1.0,
        );
    }
    let star: Vec<P> = (0..10)
        .map(|i| {
            let r = if i % 2 == 0 { 30.0 } else { 12.0 };
            let a = (-90.0 + 36.0 * i as f32).to_radians();
            (240.0 + r * a.cos(), 112.0 + r * a.sin())
        })
        .collect();
    c.draw(&Shape::Polygon(star), GOLD, 1.0);
    initials(&mut c, "CD", (240.0, 250.0), 130.0, 22.0, WHITE);
    c
}

/// The Jacques Doucet club (arts and heritage): a terracotta medallion,
/// an arch on columns, "JD".
fn logo_doucet() -> Canvas {
    let mut c = Canvas::new(480, 480);
    c.draw(&Shape::Disc((240.0, 240.0), 220.0), TERRACOTTA, 1.0);
    c.draw(&Shape::Ring((240.0, 240.0), 196.0, 6.0), CREAM, 1.0);
    initials(&mut c, "JD", (240.0, 190.0), 120.0, 20.0, CREAM);
    // An arch on two columns, under the letters.
    c.draw(
        &Shape::Arc((240.0, 330.0), 58.0, 12.0, 180.0, 360.0),
        CREAM,
        1.0,
    );
    c.draw(&Shape::Rect((170.0, 326.0), (18.0, 74.0)), CREAM, 1.0);
    c.draw(&Shape::Rect((292.0, 326.0), (18.0, 74.0)), CREAM, 1.0);
    c.draw(&Shape::Rect((150.0, 396.0), (180.0, 12.0)), CREAM, 1.0);
    c
}

/// The clubs abroad: a teal globe of meridians and parallels, a band with "CE".
fn logo_etranger() -> Canvas {
    let mut c = Canvas::new(480, 480);
    let (centre, r) = ((240.0, 240.0), 210.0);
    c.draw(&Shape::Disc(centre, r), TEAL, 1.0);
    c.draw(&Shape::Ring(centre, r - 4.0, 8.0), WHITE, 1.0);
    for dy in [-140.0f32, -70.0, 70.0, 140.0] {
        let half = (r * r - dy * dy).sqrt() - 8.0;
        c.draw(
            &Shape::Line((240.0 - half, 240.0 + dy), (240.0 + half, 240.0 + dy), 5.0),
            WHITE,
            0.8,
        );
    }
    c.draw(&Shape::Line((240.0, 38.0), (240.0, 442.0), 5.0), WHITE, 0.8);
    // Meridians: arcs of larger circles through the poles.
    for (cx, from, to) in [(440.0, 136.0, 224.0), (40.0, -44.0, 44.0)] {
        let radius = length(cx - 240.0, 202.0);
        c.draw(&Shape::Arc((cx, 240.0), radius, 5.0, from, to), WHITE, 0.8);
    }
    c.draw(&Shape::Rect((96.0, 180.0), (288.0, 120.0)), NAVY, 1.0);
    initials(&mut c, "CE", (240.0, 240.0), 84.0, 16.0, GOLD);
    c
}

/// Episode 1: two gold rings facing each other on night blue.
fn poster_1() -> Canvas {
    let mut c = Canvas::new(1280, 720);
    c.gradient(hex(0x22_34_5a), NAVY);
    c.draw(
        &Shape::Polygon(vec![(0.0, 720.0), (288.0, 720.0), (0.0, 496.0)]),
        GOLD,
        0.35,
    );
    c.draw(
        &Shape::Polygon(vec![(1280.0, 0.0), (992.0, 0.0), (1280.0, 224.0)]),
        GOLD,
        0.35,
    );
    c.draw(&Shape::Ring((448.0, 360.0), 208.0, 20.0), GOLD, 1.0);
    c.draw(&Shape::Ring((832.0, 360.0), 208.0, 20.0), GOLD, 0.6);
    c.draw(&Shape::Rect((608.0, 264.0), (64.0, 192.0)), GOLD, 1.0);
    c.draw(&Shape::Line((96.0, 96.0), (336.0, 96.0), 6.0), GOLD, 1.0);
    c.draw(
        &Shape::Line((944.0, 624.0), (1184.0, 624.0), 6.0),
        GOLD,
        1.0,
    );
    initials(&mut c, "AE", (1120.0, 96.0), 48.0, 7.0, CREAM);
    c
}

/// Episode 2 (letters and arts): a row of light arches and an open gold
/// book on burgundy.
fn poster_2() -> Canvas {
    let mut c = Canvas::new(1280, 720);
    c.gradient(hex(0x6d_26_36), BURGUNDY);
    for i in 0..5 {
        let x = 200.0 + 220.0 * i as f32;
        c.draw(
            &Shape::Arc((x, 300.0), 80.0, 14.0, 180.0, 360.0),
            CREAM,
            1.0,
        );
        c.draw(&Shape::Rect((x - 87.0, 300.0), (14.0, 200.0)), CREAM, 1.0);
        c.draw(&Shape::Rect((x + 73.0, 300.0), (14.0, 200.0)), CREAM, 1.0);
    }
    c.draw(&Shape::Rect((80.0, 500.0), (1120.0, 16.0)), CREAM, 1.0);
    // The book: two pages meeting at its spine.
    c.draw(
        &Shape::Polygon(vec![
            (640.0, 600.0),
            (400.0, 560.0),
            (400.0, 660.0),
            (640.0, 700.0),
        ]),
        GOLD,
        1.0,
    );
    c.draw(
        &Shape::Polygon(vec![
            (640.0, 600.0),
            (880.0, 560.0),
            (880.0, 660.0),
            (640.0, 700.0),
        ]),
        hex(0xd9_b4_5a),
        1.0,
    );
    c.draw(
        &Shape::Line((640.0, 600.0), (640.0, 700.0), 4.0),
        BURGUNDY,
        1.0,
    );
    initials(&mut c, "AE", (1120.0, 96.0), 48.0, 7.0, CREAM);
    c
}

/// The interview's illustration: a domed university building at dusk.
fn dome_at_dusk() -> Canvas {
    let mut c = Canvas::new(1200, 900);
    c.gradient(hex(0x2b_3a_67), hex(0xe5_9a_5b));
    c.draw(&Shape::Disc((930.0, 600.0), 90.0), hex(0xf7_d4_88), 0.9);
    let stone = hex(0xf1_e6_d0);
    let shade = hex(0xcd_bb_99);
    // Ground.
    c.draw(
        &Shape::Rect((0.0, 760.0), (1200.0, 140.0)),
        hex(0x3b_3f_4f),
        1.0,
    );
    // Drum and dome, its lantern on top.
    c.draw(&Shape::Rect((470.0, 300.0), (260.0, 120.0)), shade, 1.0);
    c.draw(&Shape::Disc((600.0, 300.0), 130.0), stone, 1.0);
    c.draw(&Shape::Rect((460.0, 296.0), (280.0, 12.0)), shade, 1.0);
    for x in [520.0f32, 560.0, 600.0, 640.0, 680.0] {
        c.draw(&Shape::Rect((x - 7.0, 320.0), (14.0, 70.0)), stone, 1.0);
    }
    c.draw(&Shape::Rect((585.0, 140.0), (30.0, 40.0)), stone, 1.0);
    c.draw(&Shape::Disc((600.0, 132.0), 12.0), GOLD, 1.0);
    // Body, pediment and columns.
    c.draw(&Shape::Rect((250.0, 420.0), (700.0, 340.0)), stone, 1.0);
    c.draw(
        &Shape::Polygon(vec![(400.0, 480.0), (800.0, 480.0), (600.0, 400.0)]),
        shade,
        1.0,
    );
    c.draw(&Shape::Rect((390.0, 476.0), (420.0, 16.0)), shade, 1.0);
    for i in 0..6 {
        let x = 420.0 + 72.0 * i as f32;
        c.draw(&Shape::Rect((x, 500.0), (26.0, 230.0)), shade, 1.0);
    }
    c.draw(&Shape::Rect((390.0, 730.0), (420.0, 30.0)), shade, 1.0);
    // Lit windows of the wings.
    for (x0, n) in [(276.0f32, 2), (838.0, 2)] {
        for i in 0..n {
            for row in 0..2 {
                let (x, y) = (x0 + 52.0 * i as f32, 520.0 + 110.0 * row as f32);
                c.draw(&Shape::Rect((x, y), (34.0, 70.0)), hex(0xf3_c7_6b), 1.0);
                c.draw(&Shape::Disc((x + 17.0, y), 17.0), hex(0xf3_c7_6b), 1.0);
            }
        }
    }
    // A few stars.
    for (x, y) in [
        (120.0, 90.0),
        (260.0, 160.0),
        (980.0, 120.0),
        (1100.0, 220.0),
        (760.0, 70.0),
    ] {
        c.draw(&Shape::Polygon(regular((x, y), 6.0, 4, 45.0)), CREAM, 0.9);
    }
    c
}

fn main() {
    let check = std::env::args().any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let images: [Picture; 6] = [
        ("clubs/club-des-docteurs/logo.png", logo_docteurs, true),
        (
            "clubs/club-jacques-doucet-arts-et-patrimoine/logo.png",
            logo_doucet,
            true,
        ),
        ("clubs/clubs-a-l-etranger/logo.png", logo_etranger, true),
        ("alter-ego/episode-1/poster.jpg", poster_1, false),
        ("alter-ego/episode-2/poster.jpg", poster_2, false),
        (
            "interviews/ambitions-du-reseau/coupole.jpg",
            dome_at_dusk,
            false,
        ),
    ];
    let mut differ = Vec::new();
    for (path, draw, png) in images {
        let canvas = draw();
        let bytes = if png { canvas.png() } else { canvas.jpeg(82) };
        let file = root.join(path);
        if check {
            if std::fs::read(&file).ok().as_deref() != Some(&bytes[..]) {
                differ.push(path);
            }
            continue;
        }
        std::fs::create_dir_all(file.parent().expect("a folder")).expect("the folder is made");
        std::fs::write(&file, &bytes).expect("the image is written");
        println!(
            "content/{path}: {} x {}, {} bytes",
            canvas.width,
            canvas.height,
            bytes.len()
        );
    }
    if !differ.is_empty() {
        eprintln!("not what site_images draws (run it without --check): {differ:?}");
        std::process::exit(1);
    }
}
