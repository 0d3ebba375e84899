//! Reading one field of a `multipart/form-data` upload (app zips, static content images).

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The part's own `Content-Type`, if it has one.
    pub content_type: Option<String>,
    /// The `filename` of its `Content-Disposition`, if it has one.
    pub filename: Option<String>,
    pub bytes: Vec<u8>,
}

/// The part named `field` (`Content-Disposition: form-data; name="field"`).
pub fn part(content_type: &str, body: &[u8], field: &str) -> Option<Part> {
    let boundary = content_type
        .split(';')
        .filter_map(|param| param.trim().strip_prefix("boundary="))
        .next()?
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let wanted = format!("name=\"{}\"", field.to_ascii_lowercase());
    let mut rest = body;
    while let Some(start) = find(rest, &delimiter) {
        rest = &rest[start + delimiter.len()..];
        let header_end = find(rest, b"\r\n\r\n")?;
        let headers = String::from_utf8_lossy(&rest[..header_end]).to_string();
        let content = &rest[header_end + 4..];
        let end = find(content, &delimiter)?;
        // The part ends with CRLF before the next delimiter.
        let bytes = content[..end]
            .strip_suffix(b"\r\n")
            .unwrap_or(&content[..end]);
        if headers.to_ascii_lowercase().contains(&wanted) {
            let content_type = headers.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-type")
                    .then(|| value.trim().to_string())
            });
            let filename = headers.split(';').find_map(|param| {
                let name = param.trim().strip_prefix("filename=")?;
                let name = name.lines().next().unwrap_or(name).trim().trim_matches('"');
                Some(name.to_string())
            });
            return Some(Part {
                content_type,
                filename,
                bytes: bytes.to_vec(),
            });
        }
        rest = &content[end..];
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_named_part_and_its_type() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n\
--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--b--\r\n";
        let part = part("multipart/form-data; boundary=b", body, "file").expect("a part");
        assert_eq!(part.bytes, b"PNG");
        assert_eq!(part.content_type.as_deref(), Some("image/png"));
        assert_eq!(part.filename.as_deref(), Some("a.png"));
        assert!(super::part("multipart/form-data; boundary=b", body, "missing").is_none());
        assert!(super::part("application/json", body, "file").is_none());
    }
}
