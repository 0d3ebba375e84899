//! What the shell loads before it shows anything: the server, the user and their app role.

use mdsync_core::access::AppRole;
use mdsync_core::dhis2::{Dhis2Client, Dhis2Error, Me, SystemInfo, Transport};

use mdsync_core::dhis2::header_bar;

/// The logged-in user's session on the instance that serves the app.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub base_url: String,
    pub info: SystemInfo,
    pub me: Me,
    pub role: AppRole,
    pub application_title: String,
}

impl Session {
    /// The header bar title: `"<application title> - MetaData Sync"`.
    pub fn header_title(&self) -> String {
        format!("{} - MetaData Sync", self.application_title)
    }
}

/// Loads the session: `system/info`, `me` and the application title are asked together, one
/// round trip instead of three on a slow link. `system/info`'s error wins: a login page, a 401
/// or an unreachable server is reported from there, as the first thing that went wrong.
pub async fn load_session<T: Transport>(client: &Dhis2Client<T>) -> Result<Session, Dhis2Error> {
    let (info, me, application_title) = futures::future::join3(
        client.system_info(),
        client.me(),
        header_bar::application_title(client),
    )
    .await;
    let info = info?;
    let me = me?;
    Ok(Session {
        base_url: client.base_url().to_string(),
        role: AppRole::of(&me),
        info,
        me,
        application_title,
    })
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use mdsync_core::access::AppRole;
    use mdsync_core::dhis2::{Auth, HttpRequest, HttpResponse, TransportError};

    use super::*;

    /// Answers each request after yielding once, so requests asked together are in flight
    /// together; remembers the most in flight at once.
    #[derive(Default)]
    struct YieldingServer {
        in_flight: Cell<usize>,
        most_in_flight: Cell<usize>,
        login_page: bool,
    }

    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                Poll::Ready(())
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    impl Transport for YieldingServer {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.in_flight.set(self.in_flight.get() + 1);
            self.most_in_flight
                .set(self.most_in_flight.get().max(self.in_flight.get()));
            YieldOnce(false).await;
            self.in_flight.set(self.in_flight.get() - 1);
            let (content_type, body) = if self.login_page {
                (
                    "text/html",
                    "<html><form id=\"loginForm\"></form></html>".to_string(),
                )
            } else if request.url.contains("/api/system/info") {
                ("application/json", r#"{"version":"2.41.1"}"#.to_string())
            } else if request.url.contains("/api/me") {
                (
                    "application/json",
                    r#"{"id":"u1","username":"admin","name":"Admin","authorities":["ALL"]}"#
                        .to_string(),
                )
            } else {
                ("text/plain", "Ministry of Health".to_string())
            };
            Ok(HttpResponse {
                status: 200,
                headers: vec![("Content-Type".into(), content_type.into())],
                body: body.into_bytes(),
            })
        }
    }

    fn client(server: &YieldingServer) -> Dhis2Client<&YieldingServer> {
        Dhis2Client::new(server, "https://dhis2.example.org", Auth::Session)
    }

    #[test]
    fn the_three_start_up_requests_go_out_together() {
        let server = YieldingServer::default();
        let session = futures::executor::block_on(load_session(&client(&server))).expect("session");
        assert_eq!(server.most_in_flight.get(), 3);
        assert_eq!(session.info.version.to_string(), "2.41.1");
        assert_eq!(session.me.username, "admin");
        assert_eq!(session.role, AppRole::Admin);
        assert_eq!(session.header_title(), "Ministry of Health - MetaData Sync");
    }

    #[test]
    fn a_login_page_is_reported_from_system_info() {
        let server = YieldingServer {
            login_page: true,
            ..YieldingServer::default()
        };
        let error = futures::executor::block_on(load_session(&client(&server)))
            .expect_err("a login page is no session");
        assert!(
            matches!(&error, Dhis2Error::LoginPage { url } if url.contains("system/info")),
            "{error:?}"
        );
    }
}
