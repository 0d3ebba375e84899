//! The options of a data value import (`ImportOptions`): strategy, dry run, id schemes.

use super::meta::IdSchemes;
use super::summary::EchoedOptions;

/// Options of one import, from the URL and the payload.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// `CREATE`, `UPDATE`, `CREATE_AND_UPDATE` or `DELETE`.
    pub strategy: String,
    /// The name as the client sent it (`NEW_AND_UPDATES`…), echoed in `importOptions`.
    pub strategy_label: String,
    pub dry_run: bool,
    pub skip_audit: bool,
    pub asynchronous: bool,
    /// Echoed only: the simulator always checks for existing values.
    pub skip_existing_check: bool,
    pub schemes: IdSchemes,
    /// `storedBy` for values that do not name one.
    pub username: String,
}

impl ImportSettings {
    pub fn new(username: &str) -> Self {
        ImportSettings {
            strategy: "CREATE_AND_UPDATE".into(),
            strategy_label: "CREATE_AND_UPDATE".into(),
            dry_run: false,
            skip_audit: false,
            asynchronous: false,
            skip_existing_check: false,
            schemes: IdSchemes::default(),
            username: username.to_string(),
        }
    }

    pub fn echo(&self) -> EchoedOptions {
        EchoedOptions {
            import_strategy: self.strategy_label.clone(),
            dry_run: self.dry_run,
            asynchronous: self.asynchronous,
            skip_audit: self.skip_audit,
            skip_existing_check: self.skip_existing_check,
            force: false,
            id_schemes: self.schemes.to_json(),
        }
    }
}

/// The canonical strategy and the name to echo: DHIS2's `ImportStrategy` still accepts the old
/// aliases (`NEW_AND_UPDATES`, `NEW`, `UPDATES`, `DELETES`, used by MetaData Sync) and echoes them.
pub fn strategy_and_label(text: &str) -> (String, String) {
    let upper = text.trim().to_ascii_uppercase();
    let canonical = normalize_strategy(&upper);
    let known = [
        "CREATE",
        "UPDATE",
        "CREATE_AND_UPDATE",
        "DELETE",
        "NEW_AND_UPDATES",
        "NEW",
        "UPDATES",
        "DELETES",
    ];
    let label = if known.contains(&upper.as_str()) {
        upper
    } else {
        canonical.clone()
    };
    (canonical, label)
}

/// DHIS2's import strategy names, old aliases folded in; unknown → default.
pub fn normalize_strategy(text: &str) -> String {
    match text.trim().to_ascii_uppercase().as_str() {
        "CREATE" | "NEW" => "CREATE",
        "UPDATE" | "UPDATES" => "UPDATE",
        "DELETE" | "DELETES" => "DELETE",
        _ => "CREATE_AND_UPDATE",
    }
    .to_string()
}
