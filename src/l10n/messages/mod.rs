//! What `core` reports, in the user's language. `core` returns typed values (enums with the
//! facts as fields); each function here matches every variant, so a new variant does not
//! compile until it has its words. The English `Display` of those types stays for the CLI.

pub mod access;
pub mod app;
pub mod dhis2;
pub mod events_notes;
pub mod instances;
pub mod mapping;
pub mod notes;
pub mod routes;
pub mod rules;
pub mod storage;
pub mod sync;
pub mod types;

pub use access::{access_denied, no_access_help, panel_coming, panel_description, panel_title};
pub use app::{key_error, open_error};
pub use dhis2::{dhis2_error, needs_login};
pub use events_notes::{events_input, events_note, events_problem, program_problem};
pub use instances::{
    connection_diagnosis, field_problem, instance_error, instance_name, named_instance,
    save_warning, this_instance,
};
pub use notes::{aggregated_note, finding_text, report_note, sync_error_message, sync_problem};
pub use storage::storage_error;
pub use sync::{run_error, step_label, target_status, type_group, ChoiceText};
pub use types::type_label;
