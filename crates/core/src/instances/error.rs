use super::form::FormErrors;
use crate::access::{AccessDenied, Operation};
use crate::model::LOCAL_INSTANCE_NAME;
use crate::storage::StorageError;

/// Why an instance operation was refused or failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InstanceError {
    #[error(transparent)]
    Denied(#[from] AccessDenied),

    #[error(
        "You have no access to the instance \"{name}\". Ask a configurator to share it with you."
    )]
    NotShared { name: String },

    #[error(
        "\"{LOCAL_INSTANCE_NAME}\" is the DHIS2 the app runs in; it cannot be {}.",
        local_change(*.operation)
    )]
    LocalInstance { operation: Operation },

    #[error("There is no instance with id {id}; it may have been deleted. Reload the list.")]
    NotFound { id: String },

    #[error("Check the form: {0}")]
    Invalid(FormErrors),

    #[error("No password or token is stored for \"{name}\". Edit the instance and enter it.")]
    NoSecret { name: String },

    #[error(transparent)]
    Storage(#[from] StorageError),

    #[error(transparent)]
    Route(#[from] crate::dhis2::routes::RouteError),

    #[error(
        "The credentials of \"{name}\" are kept in a DHIS2 route, which never gives them back: \
         enter the password or token again to change its address or account."
    )]
    SecretNeededAgain { name: String },
}

/// What "This instance" cannot be, for an operation refused on it.
fn local_change(operation: Operation) -> &'static str {
    match operation {
        Operation::DeleteInstance => "deleted",
        Operation::CreateInstance => "replicated",
        _ => "changed",
    }
}
