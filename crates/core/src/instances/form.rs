//! The instance form: what the user typed, checked field by field.

use serde::{Deserialize, Serialize};

use super::url::{normalise_url, UrlError};
use crate::dhis2::routes::RouteError;
use crate::dhis2::Version;
use crate::model::{AuthKind, Instance, Sharing, LOCAL_INSTANCE_NAME};
use crate::storage::InstanceSecret;

/// What the create/edit form holds. `secret` is the password or token; left empty when editing,
/// the stored one is kept.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceForm {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub auth_kind: AuthKind,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub sharing: Sharing,
}

impl std::fmt::Debug for InstanceForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceForm")
            .field("name", &self.name)
            .field("url", &self.url)
            .field("auth_kind", &self.auth_kind)
            .field("username", &self.username)
            .field("secret", &if self.secret.is_empty() { "" } else { "***" })
            .finish()
    }
}

impl InstanceForm {
    /// The form prefilled to edit `instance` (the secret left empty: "unchanged").
    pub fn editing(instance: &Instance) -> InstanceForm {
        InstanceForm {
            name: instance.name.clone(),
            url: instance.url.clone(),
            description: instance.description.clone(),
            auth_kind: instance.auth_kind,
            username: instance.username.clone().unwrap_or_default(),
            secret: String::new(),
            sharing: instance.sharing.clone(),
        }
    }
}

/// A field of the instance form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FormField {
    Name,
    Url,
    AuthKind,
    Username,
    Secret,
    Sharing,
}

/// What is wrong with one field: typed, so that the app says it in the user's language
/// (`Display` is the English text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum FieldProblem {
    #[error("Enter a name for the instance.")]
    NameMissing,
    #[error("\"{LOCAL_INSTANCE_NAME}\" is the name of the DHIS2 the app runs in; choose another.")]
    NameReserved,
    #[error("An instance named \"{name}\" already exists.")]
    NameTaken { name: String },
    #[error("{reason}")]
    Url { reason: UrlError },
    #[error("Enter the username of the DHIS2 account.")]
    UsernameMissing,
    #[error("Enter the {}.", kind.secret_label())]
    SecretMissing { kind: AuthKind },
    #[error("Enter the {}: the authentication method changed.", kind.secret_label())]
    SecretMissingAfterAuthChange { kind: AuthKind },
    #[error("`{access}` is not a DHIS2 access string (e.g. r------- or rw------).")]
    NotAnAccessString { access: String },
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: FormField,
    pub problem: FieldProblem,
}

/// Everything wrong with a submitted form, field by field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct FormErrors {
    pub errors: Vec<FieldError>,
}

impl FormErrors {
    fn add(&mut self, field: FormField, problem: FieldProblem) {
        self.errors.push(FieldError { field, problem });
    }

    /// The first problem of a field, to show under it.
    pub fn problem(&self, field: FormField) -> Option<&FieldProblem> {
        self.errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| &error.problem)
    }

    /// The first problem of a field, in English.
    pub fn for_field(&self, field: FormField) -> Option<String> {
        self.problem(field).map(ToString::to_string)
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}

impl std::fmt::Display for FormErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages: Vec<String> = self.errors.iter().map(|e| e.problem.to_string()).collect();
        f.write_str(&messages.join("; "))
    }
}

/// Something worth telling the user about a saved instance that did not stop the save.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "warning", rename_all = "camelCase")]
pub enum SaveWarning {
    #[error(
        "{url} uses http://: the password or token will travel unencrypted. Use https:// unless \
         the server is on a trusted network."
    )]
    PlainHttp { url: String },
    #[error("{}", token_needs_237(.version))]
    TokensNeed237 { version: Version },
    #[error(
        "The credentials of \"{name}\" could not be kept in a DHIS2 route ({reason}); they were \
         stored encrypted by MetaData Sync instead."
    )]
    RouteRefused {
        name: String,
        #[serde(serialize_with = "as_text")]
        reason: RouteError,
    },
    #[error(
        "The credentials of \"{name}\" are kept in a DHIS2 route, which never gives them back: \
         edit the copy and enter its password or token."
    )]
    CopyNeedsSecret { name: String },
}

fn as_text<S: serde::Serializer>(
    value: &impl std::fmt::Display,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// A form that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidForm {
    pub name: String,
    pub url: String,
    pub description: String,
    pub auth_kind: AuthKind,
    pub username: Option<String>,
    /// `None`: keep the stored secret.
    pub secret: Option<InstanceSecret>,
    pub sharing: Sharing,
    /// Things worth telling the user that do not block saving.
    pub warnings: Vec<SaveWarning>,
}

/// Checks a form. `others` are the other stored instances (for the unique name), `editing` the
/// stored instance being edited and whether it has a secret (`None` when creating).
pub fn validate_form(
    form: &InstanceForm,
    others: &[Instance],
    editing: Option<(&Instance, bool)>,
) -> Result<ValidForm, FormErrors> {
    let mut errors = FormErrors::default();
    let mut warnings = Vec::new();

    let name = form.name.trim().to_string();
    if name.is_empty() {
        errors.add(FormField::Name, FieldProblem::NameMissing);
    } else if name.eq_ignore_ascii_case(LOCAL_INSTANCE_NAME) {
        errors.add(FormField::Name, FieldProblem::NameReserved);
    } else if others.iter().any(|other| {
        other.name.trim().eq_ignore_ascii_case(&name)
            && editing.is_none_or(|(instance, _)| instance.id != other.id)
    }) {
        errors.add(
            FormField::Name,
            FieldProblem::NameTaken { name: name.clone() },
        );
    }

    let url = match normalise_url(&form.url) {
        Ok(normal) => {
            if normal.insecure {
                warnings.push(SaveWarning::PlainHttp {
                    url: normal.url.clone(),
                });
            }
            normal.url
        }
        Err(reason) => {
            errors.add(FormField::Url, FieldProblem::Url { reason });
            String::new()
        }
    };

    let username = form.username.trim().to_string();
    if form.auth_kind == AuthKind::Basic && username.is_empty() {
        errors.add(FormField::Username, FieldProblem::UsernameMissing);
    }

    let secret_text = form.secret.trim();
    let must_give_secret = match editing {
        None => true,
        Some((instance, has_secret)) => instance.auth_kind != form.auth_kind || !has_secret,
    };
    let kind = form.auth_kind;
    let secret = if secret_text.is_empty() {
        if must_give_secret {
            let problem = match editing {
                Some((instance, _)) if instance.auth_kind != form.auth_kind => {
                    FieldProblem::SecretMissingAfterAuthChange { kind }
                }
                _ => FieldProblem::SecretMissing { kind },
            };
            errors.add(FormField::Secret, problem);
        }
        None
    } else {
        Some(match form.auth_kind {
            AuthKind::Basic => InstanceSecret::Password(form.secret.clone()),
            AuthKind::Token => InstanceSecret::Token(secret_text.to_string()),
        })
    };

    if form.auth_kind == AuthKind::Token {
        let known = editing.and_then(|(instance, _)| instance.version.as_ref());
        if let Some(version) = known.filter(|version| !version.supports_api_tokens()) {
            warnings.push(SaveWarning::TokensNeed237 {
                version: version.clone(),
            });
        }
    }

    for entry in form
        .sharing
        .user_accesses
        .iter()
        .chain(&form.sharing.user_group_accesses)
    {
        if !Sharing::is_valid_access(&entry.access) {
            errors.add(
                FormField::Sharing,
                FieldProblem::NotAnAccessString {
                    access: entry.access.clone(),
                },
            );
        }
    }
    if !Sharing::is_valid_access(&form.sharing.public_access) {
        errors.add(
            FormField::Sharing,
            FieldProblem::NotAnAccessString {
                access: form.sharing.public_access.clone(),
            },
        );
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidForm {
        name,
        url,
        description: form.description.trim().to_string(),
        auth_kind: form.auth_kind,
        username: (form.auth_kind == AuthKind::Basic).then_some(username),
        secret,
        sharing: form.sharing.clone(),
        warnings,
    })
}

pub(crate) fn token_needs_237(version: &Version) -> String {
    format!(
        "This server runs DHIS2 {version}; personal access tokens exist only from DHIS2 2.37 on. \
         Use a username and password for it."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Uid;

    fn stored(auth_kind: AuthKind, version: Option<&str>) -> Instance {
        Instance {
            id: Uid::generate(),
            name: "Remote".into(),
            url: "https://remote.example.org".into(),
            description: String::new(),
            auth_kind,
            username: Some("admin".into()),
            version: version.map(|v| v.parse().expect("version")),
            sharing: Sharing::default(),
            route: None,
            timeouts: None,
        }
    }

    #[test]
    fn editing_keeps_the_stored_secret_only_when_there_is_one() {
        let instance = stored(AuthKind::Basic, None);
        let form = InstanceForm::editing(&instance);
        let valid = validate_form(
            &form,
            std::slice::from_ref(&instance),
            Some((&instance, true)),
        )
        .expect("valid");
        assert_eq!(valid.secret, None);
        assert_eq!(valid.name, "Remote");
        let errors = validate_form(&form, &[], Some((&instance, false))).expect_err("no secret");
        assert!(errors.for_field(FormField::Secret).is_some());
    }

    #[test]
    fn tokens_on_servers_before_2_37_are_warned_about() {
        let instance = stored(AuthKind::Token, Some("2.36.11"));
        let mut form = InstanceForm::editing(&instance);
        form.secret = "d2pat_x".into();
        let valid = validate_form(&form, &[], Some((&instance, true))).expect("valid");
        assert_eq!(valid.username, None);
        assert_eq!(valid.secret, Some(InstanceSecret::Token("d2pat_x".into())));
        assert!(
            valid
                .warnings
                .iter()
                .any(|w| matches!(w, SaveWarning::TokensNeed237 { .. })
                    && w.to_string().contains("2.37")),
            "{:?}",
            valid.warnings
        );
    }

    #[test]
    fn names_are_trimmed_and_compared_without_case() {
        let other = stored(AuthKind::Basic, None);
        let form = InstanceForm {
            name: " REMOTE ".into(),
            url: "https://x.example.org/".into(),
            username: "u".into(),
            secret: "p".into(),
            ..InstanceForm::default()
        };
        let errors = validate_form(&form, std::slice::from_ref(&other), None).expect_err("taken");
        assert!(errors.for_field(FormField::Name).is_some());
        let renamed = InstanceForm {
            name: " Another ".into(),
            ..form
        };
        let valid = validate_form(&renamed, &[other], None).expect("valid");
        assert_eq!(
            (valid.name.as_str(), valid.url.as_str()),
            ("Another", "https://x.example.org")
        );
        assert!(valid.warnings.is_empty());
    }
}
