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
/// round trip instead of three on a slow link. `me` carries the user's settings, so the
/// interface language (`keyUiLocale`) comes with it. `system/info`'s error wins: a login page, a 401
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
    use mdsync_core::access::AppRole;
    use mdsync_core::dhis2::in_flight::InFlight;
    use mdsync_core::dhis2::{Auth, HttpRequest, HttpResponse, TransportError};

    use super::*;

    /// Answers as a 2.41 server (or with a login page), at once.
    #[derive(Clone, Default)]
    struct Server {
        login_page: bool,
    }

    impl Transport for Server {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            let (content_type, body) = if self.login_page {
                (
                    "text/html",
                    "<html><form id=\"loginForm\"></form></html>".to_string(),
                )
            } else if request.url.contains("/api/system/info") {
                ("application/json", r#"{"version":"2.41.1"}"#.to_string())
            } else if request.url.contains("/api/me") {
                // Like DHIS2, `settings` only when the field list asks for it.
                let settings = if request.url.contains("settings") {
                    r#","settings":{"keyUiLocale":"pt_MZ","keyDbLocale":"en"}"#
                } else {
                    ""
                };
                (
                    "application/json",
                    format!(
                        r#"{{"id":"u1","username":"admin","name":"Admin","authorities":["ALL"]{settings}}}"#
                    ),
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

    fn client(server: Server) -> (InFlight<Server>, Dhis2Client<InFlight<Server>>) {
        let watched = InFlight::new(server);
        let client = Dhis2Client::new(watched.clone(), "https://dhis2.example.org", Auth::Session);
        (watched, client)
    }

    #[test]
    fn the_three_start_up_requests_go_out_together() {
        let (watched, client) = client(Server::default());
        let session = futures::executor::block_on(load_session(&client)).expect("session");
        assert_eq!(watched.most_in_flight(), 3);
        assert_eq!(watched.round_trips(), 1);
        assert_eq!(session.info.version.to_string(), "2.41.1");
        assert_eq!(session.me.username, "admin");
        assert_eq!(session.role, AppRole::Admin);
        assert_eq!(session.header_title(), "Ministry of Health - MetaData Sync");
        // The interface language came with `me`, in the same round trip.
        assert_eq!(session.me.ui_locale.as_deref(), Some("pt_MZ"));
        assert_eq!(
            session.me.ui_language(),
            mdsync_core::locale::UiLanguage::Portuguese
        );
    }

    #[test]
    fn a_login_page_is_reported_from_system_info() {
        let (_, client) = client(Server { login_page: true });
        let error = futures::executor::block_on(load_session(&client))
            .expect_err("a login page is no session");
        assert!(
            matches!(&error, Dhis2Error::LoginPage { url } if url.contains("system/info")),
            "{error:?}"
        );
    }
}
