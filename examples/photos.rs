//! Writes photo-like JPEGs for benchmarks and manual tests: grainy colour
//! gradients (each file different), at the size a phone takes them.
//!
//! `cargo run --release --example photos -- DIR COUNT WIDTH HEIGHT`
//! writes `DIR/photo-001.jpg` ... at quality 90.

use image::ImageEncoder as _;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, count, width, height] = args.as_slice() else {
        eprintln!("usage: photos DIR COUNT WIDTH HEIGHT");
        std::process::exit(2);
    };
    let (count, width, height): (u32, u32, u32) = (
        count.parse().expect("COUNT is a number"),
        width.parse().expect("WIDTH is a number"),
        height.parse().expect("HEIGHT is a number"),
    );
    std::fs::create_dir_all(dir).expect("DIR can be created");
    for n in 1..=count {
        let pixels = image::RgbImage::from_fn(width, height, |x, y| {
            let grain = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ n) >> 27;
            let shift = n * 37;
            image::Rgb([
                u8::try_from((x * 223 / width + shift) % 224 + grain).unwrap_or(255),
                u8::try_from((y * 223 / height + shift / 2) % 224 + grain).unwrap_or(255),
                u8::try_from(((x + y) * 223 / (width + height) + shift / 3) % 224 + grain)
                    .unwrap_or(255),
            ])
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .write_image(
                pixels.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgb8,
            )
            .expect("the JPEG encoder takes RGB");
        let path = format!("{dir}/photo-{n:03}.jpg");
        std::fs::write(&path, jpeg).expect("the photo can be written");
    }
}
