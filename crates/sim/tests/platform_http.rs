//! The simulator over real sockets: a server on port 0, raw HTTP/1.1 requests.
mod platform_support;

use dhis2_sim::server::start_instance;
use dhis2_sim::{FaultKind, FaultRule, InstanceConfig};
use platform_support::basic;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends one request with `Connection: close`; returns everything the server wrote.
async fn raw(address: SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(address).await.expect("server listening");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("request written");
    let mut answer = Vec::new();
    // A dropped connection may end in a reset instead of a clean close: keep what was read.
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

fn get(path: &str, auth: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\nX-Requested-With: XMLHttpRequest\r\nConnection: close\r\n\r\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_over_http_with_faults_and_log() {
    let config = InstanceConfig::new("source", "2.39".parse().unwrap());
    let instance = start_instance(config, 0).await.expect("bind 127.0.0.1:0");
    let address = instance.address;
    assert_eq!(instance.sim.base_url(), format!("http://{address}"));

    let info = raw(
        address,
        &get(
            "/api/system/info?fields=version,contextPath",
            &basic("admin"),
        ),
    )
    .await;
    assert!(info.starts_with("HTTP/1.1 200"), "{info}");
    assert!(info.contains(r#""version":"2.39.0""#), "{info}");
    assert!(
        info.contains(&format!(r#""contextPath":"http://{address}""#)),
        "{info}"
    );

    let post = "POST /api/dataStore/ns/k HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW46ZGlzdHJpY3Q=\r\n\
                Content-Type: application/json\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{\"a\":1}";
    let created = raw(address, post).await;
    assert!(created.starts_with("HTTP/1.1 201"), "{created}");

    instance.sim.add_fault(FaultRule {
        times: Some(1),
        ..FaultRule::new("/api/me", FaultKind::Drop)
    });
    let dropped = raw(address, &get("/api/me", &basic("admin"))).await;
    assert_eq!(dropped, "", "a dropped connection sends nothing");
    let again = raw(address, &get("/api/me", &basic("admin"))).await;
    assert!(again.starts_with("HTTP/1.1 200"), "{again}");

    let log = raw(
        address,
        "GET /__sim/requests HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    let body = log.split("\r\n\r\n").nth(1).unwrap_or_default();
    let entries: serde_json::Value = serde_json::from_str(body).expect("JSON log");
    let statuses: Vec<u64> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![200, 201, 0, 200]);
    instance.stop();
}

/// Kills the child process when the test ends, even on failure.
struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_prints_one_ready_line_per_instance_and_serves_them() {
    use std::io::BufRead;
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_dhis2-sim"))
        .args([
            "serve",
            "--instance",
            "source=2.38@0",
            "--instance",
            "destination=2.41.0@0",
        ])
        .args([
            "--title",
            "destination=Destination DHIS2",
            "--cors",
            "destination=http://127.0.0.1:*",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut guard = ChildGuard(child);
    let stdout = guard.0.stdout.take().expect("piped stdout");
    let lines: Vec<String> = std::io::BufReader::new(stdout)
        .lines()
        .take(2)
        .map(|line| line.expect("readable stdout"))
        .collect();
    let fields: Vec<Vec<&str>> = lines.iter().map(|l| l.split(' ').collect()).collect();
    assert_eq!(fields[0][..3], ["ready", "source", "2.38"]);
    assert_eq!(fields[1][..3], ["ready", "destination", "2.41.0"]);
    let address: SocketAddr = fields[1][3]
        .trim_start_matches("http://")
        .parse()
        .expect("ready line ends with the URL");
    let title = raw(
        address,
        &get("/api/systemSettings/applicationTitle", &basic("guest")),
    )
    .await;
    assert!(
        title.contains(r#"{"applicationTitle":"Destination DHIS2"}"#),
        "{title}"
    );
    let preflight = raw(
        address,
        "OPTIONS /api/me HTTP/1.1\r\nHost: x\r\nOrigin: http://127.0.0.1:9\r\n\
         Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(preflight.starts_with("HTTP/1.1 204"), "{preflight}");
    assert!(preflight
        .to_ascii_lowercase()
        .contains("access-control-allow-origin: http://127.0.0.1:9"));
}
