//! The options of a data value import (`ImportOptions`): strategy, dry run, id schemes, the
//! strict modes, and who imports.

use super::meta::IdSchemes;
use super::summary::EchoedOptions;
use crate::Account;

/// The strict and require switches of `ImportOptions`; each is also a system setting
/// (`keyDataImportStrict…`, `keyDataImportRequire…`), and DHIS2 applies a switch when either
/// the request or the system setting turns it on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Strictness {
    pub periods: bool,
    pub data_elements: bool,
    pub category_option_combos: bool,
    pub attribute_option_combos: bool,
    pub organisation_units: bool,
    pub require_category_option_combo: bool,
    pub require_attribute_option_combo: bool,
}

impl Strictness {
    /// The switches of a request (`strictPeriods=true`…), read through `flag`.
    pub fn read(flag: impl Fn(&str) -> bool) -> Strictness {
        Strictness {
            periods: flag("strictPeriods"),
            data_elements: flag("strictDataElements"),
            category_option_combos: flag("strictCategoryOptionCombos"),
            attribute_option_combos: flag("strictAttributeOptionCombos"),
            organisation_units: flag("strictOrganisationUnits"),
            require_category_option_combo: flag("requireCategoryOptionCombo"),
            require_attribute_option_combo: flag("requireAttributeOptionCombo"),
        }
    }

    /// A switch is on when it is on in either.
    pub fn or(self, other: Strictness) -> Strictness {
        Strictness {
            periods: self.periods || other.periods,
            data_elements: self.data_elements || other.data_elements,
            category_option_combos: self.category_option_combos || other.category_option_combos,
            attribute_option_combos: self.attribute_option_combos || other.attribute_option_combos,
            organisation_units: self.organisation_units || other.organisation_units,
            require_category_option_combo: self.require_category_option_combo
                || other.require_category_option_combo,
            require_attribute_option_combo: self.require_attribute_option_combo
                || other.require_attribute_option_combo,
        }
    }
}

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
    /// The user importing, whose hierarchy, data sharing and authorities are checked; `None`
    /// for the simulator's own imports (seeds, benchmarks), which DHIS2 would run as the system.
    pub user: Option<Account>,
    /// The switches of the request (echoed); the import applies them or'ed with the system
    /// settings.
    pub strict: Strictness,
    /// `force=true`: a superuser skips the locking and period checks.
    pub force: bool,
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
            user: None,
            strict: Strictness::default(),
            force: false,
        }
    }

    /// Settings of an import by `user`, whose checks apply.
    pub fn for_user(user: &Account) -> Self {
        ImportSettings {
            user: Some(user.clone()),
            ..ImportSettings::new(&user.username)
        }
    }

    pub fn echo(&self) -> EchoedOptions {
        EchoedOptions {
            import_strategy: self.strategy_label.clone(),
            dry_run: self.dry_run,
            asynchronous: self.asynchronous,
            skip_audit: self.skip_audit,
            skip_existing_check: self.skip_existing_check,
            force: self.force,
            strict: self.strict,
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
