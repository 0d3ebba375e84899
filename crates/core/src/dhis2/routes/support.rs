//! What the local DHIS2's route API does, by version. Read from dhis2-core's `RouteController`,
//! `RouteService`, `Route` and the `AuthScheme` classes, release tag by release tag; most fixes
//! were back-ported, so a fact often holds "from 2.40.x, 2.41.y and 2.42.z on".

use super::RouteError;
use crate::dhis2::{Method, Version};

/// How the path and query of a request must be written so that the remote receives them as
/// the client meant them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryEncoding {
    /// DHIS2 decodes once and Spring encodes again: send as usual.
    AsIs,
    /// DHIS2 decodes once and sends the result as it is (2.42.4+): escape every `%` (and, in the
    /// query, `+`) once more, or a space arrives as an illegal character.
    EscapeTwice,
}

/// The route behaviour of one DHIS2 version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSupport {
    version: Version,
}

impl RouteSupport {
    /// `/api/routes` arrived in DHIS2 2.40.0.
    pub const INTRODUCED: Version = Version::new(2, 40);

    pub fn for_version(version: &Version) -> Self {
        RouteSupport {
            version: version.clone(),
        }
    }

    pub fn version(&self) -> &Version {
        &self.version
    }

    /// From the given patch of the 2.40, 2.41 and 2.42 lines (`None`: not on that line), and
    /// on every later line.
    fn from(&self, on_40: Option<u32>, on_41: Option<u32>, on_42: Option<u32>) -> bool {
        let patch = self.version.patch.unwrap_or(0);
        let on_line = |first: Option<u32>| first.is_some_and(|first| patch >= first);
        match (self.version.major, self.version.minor) {
            (2, 40) => on_line(on_40),
            (2, 41) => on_line(on_41),
            (2, 42) => on_line(on_42),
            (major, minor) => (major, minor) > (2, 42),
        }
    }

    pub fn available(&self) -> bool {
        self.version >= Self::INTRODUCED
    }

    /// `Err(RouteError::NotSupported)` before 2.40.
    pub fn require(&self) -> Result<(), RouteError> {
        match self.available() {
            true => Ok(()),
            false => Err(RouteError::NotSupported {
                version: self.version.to_string(),
            }),
        }
    }

    /// The server checks route URLs against dhis.conf's `route.remote_servers_allowed`
    /// (default `https://*`) on save and on every run: 2.42+.
    pub fn checks_allow_list(&self) -> bool {
        self.from(None, None, Some(0))
    }

    /// A GET never shows the password or token (write-only); before, it shows the encrypted
    /// value. Either way the client asks only for `auth[type,username]`.
    pub fn hides_secrets(&self) -> bool {
        self.from(Some(8), Some(4), Some(0))
    }

    /// The route keeps a `responseTimeoutSeconds` (1…60, default 5); before, the timeout is
    /// fixed (10 s, later 30 s). Older servers ignore the property.
    pub fn has_response_timeout(&self) -> bool {
        self.from(Some(10), Some(6), Some(0))
    }

    /// `Content-Type` reaches the remote; before (2.40.0–2.40.8, 2.41.0–2.41.4, 2.42.0–2.42.1)
    /// a JSON body arrives without it and DHIS2 on the remote refuses it.
    pub fn forwards_content_type(&self) -> bool {
        self.from(Some(9), Some(5), Some(2))
    }

    /// `Err` when writes through a route (imports) cannot work on this version.
    pub fn check_writes(&self) -> Result<(), RouteError> {
        match self.forwards_content_type() {
            true => Ok(()),
            false => Err(RouteError::WritesNotForwarded {
                version: self.version.to_string(),
            }),
        }
    }

    /// Methods a run accepts: GET and POST on 2.40; every method from 2.41.
    pub fn run_accepts(&self, method: Method) -> bool {
        self.version.minor_at_least(41) || matches!(method, Method::Get | Method::Post)
    }

    /// A remote's 4xx/5xx comes back as it was; before (2.40.0–2.40.9, 2.41.0–2.41.6) it is
    /// rewrapped in a local WebMessage with the same status.
    pub fn passes_remote_errors(&self) -> bool {
        self.from(Some(10), Some(7), Some(0))
    }

    /// 2.40.10 and 2.42.3 encode an already encoded query again: a `%20` in a filter arrives
    /// as `%2520`. Plain queries (`fields=id,name`) are unaffected.
    pub fn mangles_escaped_queries(&self) -> bool {
        let patch = self.version.patch.unwrap_or(0);
        matches!(
            (self.version.major, self.version.minor, patch),
            (2, 40, 10) | (2, 42, 3)
        )
    }

    pub fn query_encoding(&self) -> QueryEncoding {
        match self.from(None, None, Some(4)) {
            true => QueryEncoding::EscapeTwice,
            false => QueryEncoding::AsIs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn support(text: &str) -> RouteSupport {
        RouteSupport::for_version(&text.parse().expect("a version"))
    }

    #[test]
    fn facts_follow_the_release_lines() {
        assert!(!support("2.39.3").available());
        assert!(support("2.40.0").available());
        assert!(support("2.39").require().is_err());
        assert!(!support("2.41.9").checks_allow_list());
        assert!(support("2.42.0").checks_allow_list());
        assert!(support("2.43.1").checks_allow_list());
        assert!(!support("2.40.8").forwards_content_type());
        assert!(support("2.40.9").forwards_content_type());
        assert!(support("2.42.1").check_writes().is_err());
        assert!(!support("2.40.12").run_accepts(Method::Put));
        assert!(support("2.41.0").run_accepts(Method::Put));
        assert_eq!(support("2.42.3").query_encoding(), QueryEncoding::AsIs);
        assert!(support("2.42.3").mangles_escaped_queries());
        assert_eq!(
            support("2.42.4").query_encoding(),
            QueryEncoding::EscapeTwice
        );
        assert_eq!(support("2.43").query_encoding(), QueryEncoding::EscapeTwice);
        assert!(support("2.41.4").hides_secrets());
        assert!(!support("2.41.3").hides_secrets());
    }
}
