use base64::Engine;

/// How a request proves who sends it.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// The browser's own session cookie on the instance that serves the app.
    Session,
    Basic {
        username: String,
        password: String,
    },
    /// A DHIS2 personal access token (2.37+), sent as `Authorization: ApiToken …`.
    ApiToken {
        token: String,
    },
}

impl Auth {
    /// The `Authorization` header value, if this kind of auth sends one.
    pub fn authorization_header(&self) -> Option<String> {
        match self {
            Auth::Session => None,
            Auth::Basic { username, password } => {
                let raw = format!("{username}:{password}");
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(raw)
                ))
            }
            Auth::ApiToken { token } => Some(format!("ApiToken {token}")),
        }
    }
}

/// Never prints a password or token.
impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Session => f.write_str("Session"),
            Auth::Basic { username, .. } => {
                write!(f, "Basic {{ username: {username:?}, password: *** }}")
            }
            Auth::ApiToken { .. } => f.write_str("ApiToken { token: *** }"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_is_base64_of_user_colon_password() {
        let auth = Auth::Basic {
            username: "admin".into(),
            password: "district".into(),
        };
        assert_eq!(
            auth.authorization_header().as_deref(),
            Some("Basic YWRtaW46ZGlzdHJpY3Q=")
        );
    }

    #[test]
    fn token_header_and_debug_hide_the_secret() {
        let auth = Auth::ApiToken {
            token: "d2pat_secret".into(),
        };
        assert_eq!(
            auth.authorization_header().as_deref(),
            Some("ApiToken d2pat_secret")
        );
        assert!(!format!("{auth:?}").contains("secret"));
        let basic = Auth::Basic {
            username: "u".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{basic:?}").contains("hunter2"));
    }
}
