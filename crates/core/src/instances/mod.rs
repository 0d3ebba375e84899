//! Instances: the DHIS2 servers the app syncs between, "This instance" first.
//!
//! [`InstanceManager`] is what the Instances panel and the CLI call: it enforces roles and
//! sharing, validates forms, keeps secrets encrypted and out of every view.

mod connection;
mod error;
mod form;
mod manager;
mod routing;
mod sharing;
mod targets;
mod timeouts;
mod url;

pub use connection::{test_connection, ConnectionDiagnosis, ConnectionRequest, NotDhis2Sign};
pub use error::InstanceError;
pub use form::{
    validate_form, FieldError, FieldProblem, FormErrors, FormField, InstanceForm, SaveWarning,
    ValidForm,
};
pub use manager::{InstanceManager, SavedInstance};
pub use routing::{CredentialStore, InstanceTransport, TargetRoute};
pub use sharing::InstanceSharingGap;
pub use targets::ConnectionTarget;
pub use timeouts::SetTimeoutsError;
pub use url::{normalise_url, origin_of, NormalisedUrl, UrlError, UrlProblem};
