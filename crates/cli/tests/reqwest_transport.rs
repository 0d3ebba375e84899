//! The reqwest transport against a simulated instance over HTTP: redirects stay visible and
//! failures below HTTP are classified.

use std::time::Duration;

use dhis2_sim::{FaultKind, FaultRule, InstanceConfig, SimVersion};
use mdsync::transport::ReqwestTransport;
use mdsync_core::dhis2::{Auth, Dhis2Client, Dhis2Error, HttpRequest, Transport, TransportError};

fn config(version: &str) -> InstanceConfig {
    let version: SimVersion = version.parse().expect("version");
    InstanceConfig::new("remote", version)
}

#[tokio::test(flavor = "current_thread")]
async fn redirects_are_not_followed_and_answers_arrive_whole() {
    let running = dhis2_sim::server::start_instance(config("2.40"), 0)
        .await
        .expect("bind 127.0.0.1:0");
    let transport = ReqwestTransport::new(Duration::from_secs(10)).expect("client");

    // A browser-style request without credentials: DHIS2 redirects to its login page.
    let plain = HttpRequest::get(format!("{}/api/me", running.url()));
    let response = transport.send(plain).await.expect("answer");
    assert_eq!(response.status, 302);
    assert!(response
        .header("Location")
        .is_some_and(|location| location.contains("login")));

    let client = Dhis2Client::new(
        &transport,
        &running.url(),
        Auth::Basic {
            username: "admin".into(),
            password: "district".into(),
        },
    );
    let info = client.system_info().await.expect("system info");
    assert_eq!(info.version.to_string(), "2.40.0");
    let me = client.me().await.expect("me");
    assert_eq!(me.username, "admin");

    let anonymous = Dhis2Client::new(&transport, &running.url(), Auth::Session);
    let error = anonymous.me().await.expect_err("no session");
    assert!(
        matches!(error, Dhis2Error::Unauthorized { .. }),
        "{error:?}"
    );
    running.stop();
}

#[tokio::test(flavor = "current_thread")]
async fn failures_below_http_are_classified() {
    let running = dhis2_sim::server::start_instance(config("2.41"), 0)
        .await
        .expect("bind 127.0.0.1:0");
    running
        .sim
        .add_fault(FaultRule::new("/api/system/info", FaultKind::Drop));
    let transport = ReqwestTransport::new(Duration::from_secs(10)).expect("client");
    let dropped = transport
        .send(HttpRequest::get(format!(
            "{}/api/system/info",
            running.url()
        )))
        .await;
    assert!(
        matches!(dropped, Err(TransportError::ConnectionDropped { .. })),
        "{dropped:?}"
    );

    running.sim.clear_faults();
    running
        .sim
        .add_fault(FaultRule::new("/api/system/info", FaultKind::NeverAnswer));
    let impatient = ReqwestTransport::new(Duration::from_millis(300)).expect("client");
    let timeout = impatient
        .send(HttpRequest::get(format!(
            "{}/api/system/info",
            running.url()
        )))
        .await;
    assert!(
        matches!(timeout, Err(TransportError::Timeout { .. })),
        "{timeout:?}"
    );
    let address = running.address;
    running.stop();
    drop(running);

    // Nothing listens on the port any more.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let refused = transport
        .send(HttpRequest::get(format!(
            "http://{address}/api/system/info"
        )))
        .await;
    assert!(
        matches!(refused, Err(TransportError::Unreachable { .. })),
        "{refused:?}"
    );
}

/// A TCP listener that accepts connections and never says a word: a TLS handshake with it
/// never completes, which is the connect phase hanging (a server behind a dead satellite link).
async fn silent_listener() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let address = listener.local_addr().expect("address");
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (format!("https://{address}"), holder)
}

#[tokio::test(flavor = "current_thread")]
async fn an_instance_connect_limit_cuts_a_connection_that_never_opens() {
    let (silent_url, holder) = silent_listener().await;
    // The total limit is long: only the connect limit can end this request early.
    let transport = ReqwestTransport::new(Duration::from_secs(20)).expect("client");
    transport.set_connect_timeout(&format!("{silent_url}/"), Duration::from_millis(300));
    assert_eq!(
        transport.connect_timeout_for(&format!("{silent_url}/api/system/info")),
        Duration::from_millis(300)
    );
    assert_eq!(
        transport.connect_timeout_for("https://other.example.org/api/system/info"),
        mdsync_core::dhis2::retry::RequestTimeouts::default().connect(),
        "other instances keep the default"
    );
    // What a run does when it opens an instance (through the core's transport port): a
    // changed limit replaces the one set at start.
    transport.set_connect_limit(&silent_url, Duration::from_millis(250));
    assert_eq!(
        transport.connect_timeout_for(&format!("{silent_url}/api/system/info")),
        Duration::from_millis(250)
    );

    let started = std::time::Instant::now();
    let result = transport
        .send(HttpRequest::get(format!("{silent_url}/api/system/info")))
        .await;
    let waited = started.elapsed();
    assert!(
        matches!(result, Err(TransportError::Timeout { .. })),
        "{result:?}"
    );
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(5),
        "cut at the connect limit, not the total one: {waited:?}"
    );
    holder.abort();
}

#[tokio::test(flavor = "current_thread")]
async fn the_connect_limit_does_not_cut_a_slow_answer_once_connected() {
    let running = dhis2_sim::server::start_instance(config("2.41"), 0)
        .await
        .expect("bind 127.0.0.1:0");
    running.sim.add_fault(FaultRule {
        latency_ms: Some(800),
        ..FaultRule::new("/api/system/info", FaultKind::Latency)
    });
    let transport = ReqwestTransport::new(Duration::from_secs(10)).expect("client");
    // Connecting to the simulator takes a millisecond; the answer takes 800 ms.
    transport.set_connect_timeout(&running.url(), Duration::from_millis(200));
    let started = std::time::Instant::now();
    let response = transport
        .send(HttpRequest::get(format!(
            "{}/api/system/info",
            running.url()
        )))
        .await
        .expect("a slow answer still arrives");
    assert!(started.elapsed() >= Duration::from_millis(750));
    assert_ne!(response.status, 0);

    // A server that never answers is cut by the total limit, after the connect limit passed.
    running.sim.clear_faults();
    running
        .sim
        .add_fault(FaultRule::new("/api/system/info", FaultKind::NeverAnswer));
    let impatient = ReqwestTransport::new(Duration::from_millis(900)).expect("client");
    impatient.set_connect_timeout(&running.url(), Duration::from_millis(200));
    let started = std::time::Instant::now();
    let timeout = impatient
        .send(HttpRequest::get(format!(
            "{}/api/system/info",
            running.url()
        )))
        .await;
    assert!(
        matches!(timeout, Err(TransportError::Timeout { .. })),
        "{timeout:?}"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(850),
        "the total limit, not the connect one"
    );
    running.stop();
}
