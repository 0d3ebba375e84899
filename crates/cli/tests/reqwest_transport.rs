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
