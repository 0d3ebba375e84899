//! Route runs over real HTTP, for `dhis2-sim serve`: a minimal blocking HTTP/1.1 client that
//! only talks to `http://` addresses on this machine, so a demo can never send a credential
//! anywhere else. Each request uses its own connection (`Connection: close`).

use super::upstream::{RouteUpstream, UpstreamFailure, UpstreamRequest, UpstreamResponse};
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Headers this client sets itself (hop-by-hop, or describing the body it sends).
const OWN_HEADERS: [&str; 5] = [
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "keep-alive",
];

#[derive(Debug, Clone, Copy, Default)]
pub struct LoopbackHttp;

/// `http://127.0.0.1:8081/api/x?y` → (address, `/api/x?y`, `127.0.0.1:8081`); `None` for any
/// other scheme or a host that is not this machine.
fn loopback_target(url: &str) -> Option<(SocketAddr, String, String)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(index) => (&rest[..index], rest[index..].to_string()),
        None => (rest, "/".to_string()),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
            (host, port.parse::<u16>().ok()?)
        }
        _ => (authority, 80),
    };
    let ip = match host.trim_start_matches('[').trim_end_matches(']') {
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        other => other.parse::<IpAddr>().ok()?,
    };
    let loopback = ip.is_loopback() || ip == IpAddr::V6(Ipv6Addr::LOCALHOST);
    loopback.then(|| (SocketAddr::new(ip, port), path, authority.to_string()))
}

impl RouteUpstream for LoopbackHttp {
    fn send(&self, request: &UpstreamRequest) -> Result<UpstreamResponse, UpstreamFailure> {
        let (address, path, authority) =
            loopback_target(&request.url).ok_or(UpstreamFailure::Refused)?;
        let mut stream = TcpStream::connect_timeout(&address, CONNECT_TIMEOUT)
            .map_err(|_| UpstreamFailure::Refused)?;
        let timeout = Some(request.timeout.max(Duration::from_millis(1)));
        let _ = stream.set_read_timeout(timeout);
        let _ = stream.set_write_timeout(timeout);
        let mut head = format!(
            "{} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
            request.method,
            request.body.len()
        );
        for (name, value) in &request.headers {
            if !OWN_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str("\r\n");
        let sent = stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(&request.body));
        sent.map_err(|_| UpstreamFailure::Dropped)?;
        let mut answer = Vec::new();
        if let Err(error) = stream.read_to_end(&mut answer) {
            if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) {
                return Err(UpstreamFailure::TimedOut);
            }
            // A reset after a complete answer still leaves a readable answer.
            if answer.is_empty() {
                return Err(UpstreamFailure::Dropped);
            }
        }
        parse_response(&answer).ok_or(UpstreamFailure::Dropped)
    }
}

fn parse_response(bytes: &[u8]) -> Option<UpstreamResponse> {
    let split = bytes.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..split]).ok()?;
    let rest = &bytes[split + 4..];
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    };
    let body = if header("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        dechunk(rest)?
    } else if let Some(length) = header("Content-Length").and_then(|v| v.parse::<usize>().ok()) {
        rest.get(..length)?.to_vec()
    } else {
        rest.to_vec()
    };
    let headers = headers
        .into_iter()
        .filter(|(name, _)| !OWN_HEADERS.contains(&name.to_ascii_lowercase().as_str()))
        .collect();
    Some(UpstreamResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(mut bytes: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = bytes.windows(2).position(|window| window == b"\r\n")?;
        let size_text = std::str::from_utf8(&bytes[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(bytes.get(..size)?);
        bytes = bytes.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_a_target() {
        let (address, path, _) = loopback_target("http://127.0.0.1:8081/api/me?x=1").unwrap();
        assert_eq!(address.port(), 8081);
        assert_eq!(path, "/api/me?x=1");
        assert!(loopback_target("http://localhost:9/").is_some());
        assert!(loopback_target("https://127.0.0.1:8081/").is_none());
        assert!(loopback_target("http://play.dhis2.org/").is_none());
        assert!(loopback_target("http://10.0.0.1:80/").is_none());
    }

    #[test]
    fn chunked_and_sized_answers_are_read() {
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: a/b\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        let response = parse_response(chunked).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.body, b"abcde");
        assert_eq!(
            response.headers,
            vec![("Content-Type".into(), "a/b".into())]
        );
        let sized =
            parse_response(b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nnoXX").unwrap();
        assert_eq!((sized.status, sized.body.as_slice()), (404, &b"no"[..]));
    }
}
