//! What each DHIS2 release does with routes, read from dhis2-core's `RouteController`,
//! `RouteService`, `Route`, the auth scheme classes and `CrudControllerAdvice`, tag by tag.
//!
//! Routes arrived in 2.40.0. Most fixes were back-ported to the 2.40 and 2.41 lines, so a fact
//! is usually "from 2.40.x, 2.41.y and 2.42.z on": [`from`] expresses exactly that.

use crate::SimVersion;

/// True when `version` is at or past the given patch of its own line (`None`: not on that line,
/// so only later lines have it).
fn from(version: SimVersion, on_40: Option<u32>, on_41: Option<u32>, on_42: Option<u32>) -> bool {
    let on_line = |patch: Option<u32>| patch.is_some_and(|p| version.patch >= p);
    match version.minor {
        40 => on_line(on_40),
        41 => on_line(on_41),
        42 => on_line(on_42),
        minor => minor > 42,
    }
}

/// How the query string of a run request reaches the remote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryForwarding {
    /// Decoded once, then re-encoded per component by Spring's `RestTemplate`/`WebClient`: a
    /// normally encoded query arrives as sent.
    Reencoded,
    /// Taken raw, then re-encoded: every `%` escape arrives double-encoded (`%20` → `%2520`).
    /// 2.40.10 and 2.42.3 only.
    DoubleEncoded,
    /// Decoded once and sent as is (`URI.create`): a client must encode twice, and a character
    /// that is illegal in a URI after decoding (a space) fails the request with 400.
    DecodedOnce,
}

/// The route behaviour of one DHIS2 version.
#[derive(Debug, Clone, Copy)]
pub struct RouteFacts {
    version: SimVersion,
}

impl RouteFacts {
    pub fn of(version: SimVersion) -> Self {
        RouteFacts { version }
    }

    /// `/api/routes` exists (table `route`, migration `V2_40_14__Add_table_route.sql`).
    pub fn available(self) -> bool {
        self.version.at_least(40, 0)
    }

    /// `Auth`/`HttpBasicAuth` became `AuthScheme`/`HttpBasicAuthScheme` with the
    /// `api-headers` and `api-query-params` types (DHIS2-18837), and the sub-path refusal got
    /// its quoted wording.
    fn scheme_classes(self) -> bool {
        from(self.version, Some(7), Some(4), Some(0))
    }

    /// Passwords and tokens are `WRITE_ONLY` JSON properties: a GET never shows them.
    /// Before, a GET shows the encrypted value.
    pub fn secrets_write_only(self) -> bool {
        from(self.version, Some(8), Some(4), Some(0))
    }

    /// The Java class Jackson names when the auth `type` is unknown.
    pub fn auth_class(self) -> &'static str {
        if self.scheme_classes() {
            "org.hisp.dhis.common.auth.AuthScheme"
        } else {
            "org.hisp.dhis.common.auth.Auth"
        }
    }

    /// Auth `type` ids Jackson accepts, sorted as its error message lists them.
    pub fn known_auth_types(self) -> Vec<&'static str> {
        let mut types = vec!["api-token", "http-basic"];
        if self.scheme_classes() {
            types.extend(["api-headers", "api-query-params"]);
        }
        if self.version.at_least(42, 0) {
            types.push("oauth2-client-credentials");
        }
        types.sort_unstable();
        types
    }

    /// `validateRoute` on create and update: malformed URL, scheme, response timeout.
    pub fn validates_on_save(self) -> bool {
        from(self.version, Some(10), Some(6), Some(0))
    }

    /// The `responseTimeoutSeconds` property (1…60, default 5).
    pub fn has_response_timeout(self) -> bool {
        self.validates_on_save()
    }

    /// The `route.remote_servers_allowed` allow list (dhis.conf, default `https://*`) is checked
    /// on save and again on every run.
    pub fn checks_allow_list(self) -> bool {
        self.version.at_least(42, 0)
    }

    /// Methods `/run` accepts: GET and POST on 2.40; any on 2.41.0–2.41.1 (no method filter);
    /// GET, POST, PUT, DELETE and PATCH afterwards.
    pub fn run_accepts(self, method: &str) -> bool {
        match (self.version.minor, self.version.patch) {
            (40, _) => matches!(method, "GET" | "POST"),
            (41, 0 | 1) => true,
            _ => matches!(method, "GET" | "POST" | "PUT" | "DELETE" | "PATCH"),
        }
    }

    /// `Content-Type` is among the request headers passed on; before, a JSON body reaches the
    /// remote without its content type.
    pub fn forwards_content_type(self) -> bool {
        from(self.version, Some(9), Some(5), Some(2))
    }

    /// An upstream 4xx/5xx is passed through as it came; before, Spring's `RestTemplate`
    /// turned it into a DHIS2 WebMessage with the same status and a Spring message.
    pub fn passes_upstream_errors(self) -> bool {
        from(self.version, Some(10), Some(7), Some(0))
    }

    pub fn query_forwarding(self) -> QueryForwarding {
        let v = self.version;
        match (v.minor, v.patch) {
            (40, 10) | (42, 3) => QueryForwarding::DoubleEncoded,
            (42, patch) if patch >= 4 => QueryForwarding::DecodedOnce,
            (minor, _) if minor > 42 => QueryForwarding::DecodedOnce,
            _ => QueryForwarding::Reencoded,
        }
    }

    /// A route created without `sharing.public` is private; before DHIS2-20859 it got
    /// `rw------` when the creator may make routes public.
    pub fn private_by_default(self) -> bool {
        from(self.version, Some(12), Some(9), Some(5))
    }

    /// Error reports carry `args` from 2.41.
    pub fn has_error_args(self) -> bool {
        self.version.at_least(41, 0)
    }

    pub fn not_found_message(self, id: &str) -> String {
        if self.version.at_least(42, 0) {
            format!("Route not found: '{id}'")
        } else {
            format!("Route {id} not found")
        }
    }

    pub fn run_forbidden_message(self) -> &'static str {
        if self.version.at_least(42, 0) {
            "User not authorized to execute route"
        } else {
            "User not authorized"
        }
    }

    /// Status and message when a run asks a sub-path of a route whose URL does not end in
    /// `/**`. DHIS2 prints its internal numeric id.
    pub fn sub_path_refusal(self, numeric_id: u64) -> (u16, String) {
        let status = if self.version.at_least(42, 0) {
            502
        } else {
            400
        };
        let message = if self.scheme_classes() {
            format!("Route '{numeric_id}' does not allow sub-paths")
        } else {
            format!("Route {numeric_id} does not allow subpaths")
        };
        (status, message)
    }

    /// 2.42+ validates the route again before running it and hides why.
    pub fn run_validation_refusal(self) -> Option<(u16, &'static str)> {
        self.checks_allow_list()
            .then_some((502, "An unexpected error occurred"))
    }

    /// The answer when the remote cannot be reached (`RestClientException` → 503 before 2.42;
    /// the `WebClient` error → 500 from 2.42).
    pub fn unreachable_status(self) -> u16 {
        if self.version.at_least(42, 0) {
            500
        } else {
            503
        }
    }

    /// 2.42+ answers a read timeout with an empty 504; before, it is an I/O error (503).
    pub fn timeout_status(self) -> u16 {
        if self.version.at_least(42, 0) {
            504
        } else {
            503
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> RouteFacts {
        RouteFacts::of(text.parse().expect("valid version"))
    }

    #[test]
    fn back_ported_fixes_follow_each_release_line() {
        assert!(!facts("2.39").available());
        assert!(facts("2.40").available());
        assert!(!facts("2.40.7").secrets_write_only());
        assert!(facts("2.40.8").secrets_write_only());
        assert!(!facts("2.41.3").secrets_write_only());
        assert!(facts("2.41.4").secrets_write_only());
        assert!(facts("2.42").secrets_write_only());
        assert!(!facts("2.42.1").forwards_content_type());
        assert!(facts("2.42.2").forwards_content_type());
        assert!(!facts("2.41.9").checks_allow_list());
        assert!(facts("2.42").checks_allow_list());
        assert_eq!(
            facts("2.42.3").query_forwarding(),
            QueryForwarding::DoubleEncoded
        );
        assert_eq!(
            facts("2.42.4").query_forwarding(),
            QueryForwarding::DecodedOnce
        );
        assert_eq!(
            facts("2.41.9").query_forwarding(),
            QueryForwarding::Reencoded
        );
        assert!(!facts("2.40.12").run_accepts("PUT"));
        assert!(facts("2.41.2").run_accepts("PATCH"));
    }
}
