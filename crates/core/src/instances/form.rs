//! The instance form: what the user typed, checked field by field.

use serde::{Deserialize, Serialize};

use super::url::normalise_url;
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

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: FormField,
    pub message: String,
}

/// Everything wrong with a submitted form, field by field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct FormErrors {
    pub errors: Vec<FieldError>,
}

impl FormErrors {
    fn add(&mut self, field: FormField, message: impl Into<String>) {
        self.errors.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// The first message for a field, to show under it.
    pub fn for_field(&self, field: FormField) -> Option<&str> {
        self.errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}

impl std::fmt::Display for FormErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages: Vec<&str> = self.errors.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&messages.join("; "))
    }
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
    pub warnings: Vec<String>,
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
        errors.add(FormField::Name, "Enter a name for the instance.");
    } else if name.eq_ignore_ascii_case(LOCAL_INSTANCE_NAME) {
        errors.add(
            FormField::Name,
            format!("\"{LOCAL_INSTANCE_NAME}\" is the name of the DHIS2 the app runs in; choose another."),
        );
    } else if others.iter().any(|other| {
        other.name.trim().eq_ignore_ascii_case(&name)
            && editing.is_none_or(|(instance, _)| instance.id != other.id)
    }) {
        errors.add(
            FormField::Name,
            format!("An instance named \"{name}\" already exists."),
        );
    }

    let url = match normalise_url(&form.url) {
        Ok(normal) => {
            if normal.insecure {
                warnings.push(format!(
                    "{} uses http://: the password or token will travel unencrypted. Use https:// \
                     unless the server is on a trusted network.",
                    normal.url
                ));
            }
            normal.url
        }
        Err(error) => {
            errors.add(FormField::Url, error.to_string());
            String::new()
        }
    };

    let username = form.username.trim().to_string();
    if form.auth_kind == AuthKind::Basic && username.is_empty() {
        errors.add(
            FormField::Username,
            "Enter the username of the DHIS2 account.",
        );
    }

    let secret_text = form.secret.trim();
    let must_give_secret = match editing {
        None => true,
        Some((instance, has_secret)) => instance.auth_kind != form.auth_kind || !has_secret,
    };
    let label = form.auth_kind.secret_label();
    let secret = if secret_text.is_empty() {
        if must_give_secret {
            let message = match editing {
                Some((instance, _)) if instance.auth_kind != form.auth_kind => {
                    format!("Enter the {label}: the authentication method changed.")
                }
                _ => format!("Enter the {label}."),
            };
            errors.add(FormField::Secret, message);
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
            warnings.push(token_needs_237(version));
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
                format!(
                    "`{}` is not a DHIS2 access string (e.g. r------- or rw------).",
                    entry.access
                ),
            );
        }
    }
    if !Sharing::is_valid_access(&form.sharing.public_access) {
        errors.add(
            FormField::Sharing,
            format!(
                "`{}` is not a DHIS2 access string (e.g. r------- or rw------).",
                form.sharing.public_access
            ),
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
            valid.warnings.iter().any(|w| w.contains("2.37")),
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
