//! The simulator's own small images: the default logos and the favicon a DHIS2 server ships.
//! They are drawn here (plain shapes in the header bar's blue), not DHIS2's artwork; what
//! matters to a client is that they are real PNG / ICO files at the right addresses.

/// The header bar blue, `#2c6693`.
const BLUE: [u8; 4] = [0x2c, 0x66, 0x93, 0xff];
const WHITE: [u8; 4] = [0xff, 0xff, 0xff, 0xff];

/// A PNG of `width` × `height` RGBA pixels given by `pixel(x, y)`.
pub fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(((width * 4 + 1) * height) as usize);
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            raw.extend_from_slice(&pixel(x, y));
        }
    }
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of uncompressed ("stored") deflate blocks: valid, and simple.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(0xffff).collect()
    };
    for (index, block) in blocks.iter().enumerate() {
        out.push(u8::from(index + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// An ICO file holding one PNG image (the form every current browser reads).
pub fn ico_of_png(size: u8, png: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 1, 0, 1, 0]; // reserved, type icon, one image
    out.extend_from_slice(&[size, size, 0, 0]); // width, height, no palette, reserved
    out.extend_from_slice(&1u16.to_le_bytes()); // colour planes
    out.extend_from_slice(&32u16.to_le_bytes()); // bits per pixel
    out.extend_from_slice(&(png.len() as u32).to_le_bytes());
    out.extend_from_slice(&22u32.to_le_bytes()); // the image follows the 22-byte header
    out.extend_from_slice(png);
    out
}

/// A white bar across a blue field: the stand-in for DHIS2's logos.
fn mark(width: u32, height: u32) -> impl Fn(u32, u32) -> [u8; 4] {
    move |x, y| {
        let in_bar = y >= height / 3 && y < height - height / 3;
        let in_margin = x < width / 8 || x >= width - width / 8;
        if in_bar && !in_margin {
            WHITE
        } else {
            BLUE
        }
    }
}

/// `/favicon.ico`.
pub fn favicon() -> Vec<u8> {
    ico_of_png(16, &png(16, 16, mark(16, 16)))
}

/// `/dhis-web-commons/css/<style>/logo_banner.png`: the default header bar logo.
pub fn default_logo_banner() -> Vec<u8> {
    png(96, 32, mark(96, 32))
}

/// `/dhis-web-commons/security/logo_front.png`: the default login page logo.
pub fn default_logo_front() -> Vec<u8> {
    png(160, 64, mark(160, 64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_and_ico_have_their_signatures_and_sizes() {
        let image = png(3, 2, |_, _| BLUE);
        assert_eq!(&image[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&image[12..16], b"IHDR");
        assert_eq!(
            u32::from_be_bytes([image[16], image[17], image[18], image[19]]),
            3
        );
        assert!(image.ends_with(&[0xae, 0x42, 0x60, 0x82]), "IEND chunk CRC");
        let icon = favicon();
        assert_eq!(&icon[..4], &[0, 0, 1, 0]);
        assert_eq!(&icon[22..30], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn stored_deflate_blocks_and_adler32_are_standard() {
        // Adler-32 of "Wikipedia" is 0x11E60398 (the textbook example).
        let stream = zlib_stored(b"Wikipedia");
        assert_eq!(
            &stream[..3],
            &[0x78, 0x01, 0x01],
            "header, then a final stored block"
        );
        assert_eq!(&stream[3..7], &[9, 0, 0xf6, 0xff], "LEN and its complement");
        assert_eq!(&stream[7..16], b"Wikipedia");
        assert_eq!(&stream[16..], &[0x11, 0xe6, 0x03, 0x98]);
        let big = zlib_stored(&vec![7u8; 70_000]);
        assert_eq!(big[2], 0, "the first of two blocks is not final");
        assert_eq!(big[2 + 5 + 0xffff], 1, "the second is");
    }
}
