use super::form::FormErrors;
use crate::access::CONFIGURATOR_ROLE;
use crate::model::LOCAL_INSTANCE_NAME;
use crate::storage::StorageError;

/// Why an instance operation was refused or failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InstanceError {
    #[error(
        "Only MetaData Sync configurators may {action}. Ask your DHIS2 administrator for the user \
         role {CONFIGURATOR_ROLE}."
    )]
    NotAllowed { action: &'static str },

    #[error(
        "You have no access to the instance \"{name}\". Ask a configurator to share it with you."
    )]
    NotShared { name: String },

    #[error("\"{LOCAL_INSTANCE_NAME}\" is the DHIS2 the app runs in; it cannot be {action}.")]
    LocalInstance { action: &'static str },

    #[error("There is no instance with id {id}; it may have been deleted. Reload the list.")]
    NotFound { id: String },

    #[error("Check the form: {0}")]
    Invalid(FormErrors),

    #[error("No password or token is stored for \"{name}\". Edit the instance and enter it.")]
    NoSecret { name: String },

    #[error(transparent)]
    Storage(#[from] StorageError),
}
