//! Just enough HTTP/1.1 to install the app into the local simulator (`POST /api/apps`,
//! multipart). Loopback only, so no TLS and no client crate.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use base64::Engine;

use crate::error::{Result, XtaskError};

pub struct Response {
    pub status: u16,
    pub body: String,
}

/// An upload to an `http://host:port/path` URL as `multipart/form-data`, with Basic auth.
pub struct MultipartUpload<'a> {
    pub url: &'a str,
    pub username: &'a str,
    pub password: &'a str,
    pub field: &'a str,
    pub file_name: &'a str,
    pub contents: &'a [u8],
}

impl MultipartUpload<'_> {
    pub fn send(&self) -> Result<Response> {
        let http_error = |detail: String| XtaskError::Http {
            url: self.url.to_owned(),
            detail,
        };
        let (authority, path) = split_url(self.url).ok_or_else(|| {
            http_error("only http://host:port/path URLs are supported".to_owned())
        })?;
        let boundary = format!("----mdsync-xtask-{:016x}", rand::random::<u64>());
        let body = multipart_body(&boundary, self.field, self.file_name, self.contents);
        let credentials = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.username, self.password));
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Basic {credentials}\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\n\
             Content-Length: {}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
            body.len()
        );

        let mut stream =
            TcpStream::connect(authority).map_err(|error| http_error(error.to_string()))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(|error| http_error(error.to_string()))?;
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(&body))
            .map_err(|error| http_error(error.to_string()))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .map_err(|error| http_error(error.to_string()))?;
        parse_response(&raw).ok_or_else(|| http_error("the response is not HTTP".to_owned()))
    }
}

/// `http://127.0.0.1:8080/api/apps` → (`127.0.0.1:8080`, `/api/apps`).
fn split_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("http://")?;
    match rest.find('/') {
        Some(slash) => Some((&rest[..slash], &rest[slash..])),
        None => Some((rest, "/")),
    }
}

fn multipart_body(boundary: &str, field: &str, file_name: &str, contents: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/zip\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(contents);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let text = String::from_utf8_lossy(raw);
    let status_line = text.lines().next()?;
    let mut parts = status_line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Some(Response { status, body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    #[test]
    fn urls_split_into_authority_and_path() {
        assert_eq!(
            split_url("http://127.0.0.1:8080/api/apps"),
            Some(("127.0.0.1:8080", "/api/apps"))
        );
        assert_eq!(split_url("http://localhost:1"), Some(("localhost:1", "/")));
        assert_eq!(split_url("https://example.org/"), None);
    }

    #[test]
    fn multipart_body_wraps_the_file_between_boundaries() {
        let body = multipart_body("B", "file", "app.zip", b"PK\x03\x04");
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"app.zip\"\r\n"
        ));
        assert!(text.ends_with("PK\u{3}\u{4}\r\n--B--\r\n"), "{text:?}");
    }

    #[test]
    fn an_upload_reaches_the_server_with_auth_and_the_status_comes_back() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let address = listener.local_addr().expect("address");
        let server = thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accept");
            let mut received = Vec::new();
            let mut buffer = [0u8; 4096];
            // Read until the closing boundary arrives.
            while !String::from_utf8_lossy(&received).ends_with("--\r\n") {
                let read = stream.read(&mut buffer).expect("read");
                if read == 0 {
                    break;
                }
                received.extend_from_slice(&buffer[..read]);
            }
            stream
                .write_all(b"HTTP/1.1 409 Conflict\r\nContent-Length: 9\r\n\r\nnamespace")
                .expect("write");
            String::from_utf8_lossy(&received).into_owned()
        });
        let url = format!("http://{address}/api/apps");
        let response = MultipartUpload {
            url: &url,
            username: "admin",
            password: "district",
            field: "file",
            file_name: "app.zip",
            contents: b"zip bytes",
        }
        .send()
        .expect("request sent");
        let request = server.join().expect("server thread");
        assert_eq!(response.status, 409);
        assert_eq!(response.body, "namespace");
        assert!(
            request.starts_with("POST /api/apps HTTP/1.1\r\n"),
            "{request}"
        );
        // base64("admin:district")
        assert!(
            request.contains("Authorization: Basic YWRtaW46ZGlzdHJpY3Q=\r\n"),
            "{request}"
        );
        assert!(request.contains("zip bytes"), "{request}");
    }
}
