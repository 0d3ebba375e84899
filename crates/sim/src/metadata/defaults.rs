//! Objects every DHIS2 database has: the default category objects (fixed UIDs, §1.5) and
//! the users, roles and groups of the instance's accounts.

use super::MetadataStore;
use crate::Account;
use serde_json::{json, Value};

pub const DEFAULT_CATEGORY_OPTION: &str = "xYerKDKCefk";
pub const DEFAULT_CATEGORY: &str = "GLevLNI9wkl";
pub const DEFAULT_CATEGORY_COMBO: &str = "bjDvmb4bfuf";
pub const DEFAULT_CATEGORY_OPTION_COMBO: &str = "HllvX50cXC0";

/// Types whose `default` object `defaults=EXCLUDE` leaves out of exports.
pub const DEFAULT_TYPES: &[&str] = &[
    "categoryOptions",
    "categories",
    "categoryCombos",
    "categoryOptionCombos",
];

pub fn is_default_object(plural: &str, object: &Value) -> bool {
    DEFAULT_TYPES.contains(&plural) && object.get("name").and_then(Value::as_str) == Some("default")
}

pub fn add_default_categories(store: &mut MetadataStore) {
    let created = "2013-11-13T12:00:00.000";
    let base = |id: &str| {
        json!({ "id": id, "name": "default", "code": "default", "created": created,
                "lastUpdated": created })
    };
    let mut option = base(DEFAULT_CATEGORY_OPTION);
    option["shortName"] = json!("default");
    option["sharing"] =
        json!({ "public": "rwrw----", "external": false, "users": {}, "userGroups": {} });
    let mut category = base(DEFAULT_CATEGORY);
    category["shortName"] = json!("default");
    category["dataDimensionType"] = json!("DISAGGREGATION");
    category["dataDimension"] = json!(false);
    category["categoryOptions"] = json!([{ "id": DEFAULT_CATEGORY_OPTION }]);
    let mut combo = base(DEFAULT_CATEGORY_COMBO);
    combo["dataDimensionType"] = json!("DISAGGREGATION");
    combo["skipTotal"] = json!(false);
    combo["categories"] = json!([{ "id": DEFAULT_CATEGORY }]);
    let mut option_combo = base(DEFAULT_CATEGORY_OPTION_COMBO);
    option_combo["ignoreApproval"] = json!(false);
    option_combo["categoryCombo"] = json!({ "id": DEFAULT_CATEGORY_COMBO });
    option_combo["categoryOptions"] = json!([{ "id": DEFAULT_CATEGORY_OPTION }]);
    for (plural, id, object) in [
        ("categoryOptions", DEFAULT_CATEGORY_OPTION, option),
        ("categories", DEFAULT_CATEGORY, category),
        ("categoryCombos", DEFAULT_CATEGORY_COMBO, combo),
        (
            "categoryOptionCombos",
            DEFAULT_CATEGORY_OPTION_COMBO,
            option_combo,
        ),
    ] {
        // The catalog always has these types; a failure here would be a catalog bug.
        let _ = store.insert(plural, object);
        let stored = store
            .objects
            .get_mut(plural)
            .and_then(|objects| objects.get_mut(id));
        if let Some(Value::Object(stored)) = stored {
            stored.insert("lastUpdated".into(), json!(created));
        }
    }
}

pub fn add_accounts(store: &mut MetadataStore, accounts: &[Account]) {
    let flattened = store.version.at_least(38, 0);
    for account in accounts {
        for (role_id, role_name) in &account.user_roles {
            let members: Vec<Value> = accounts
                .iter()
                .filter(|a| a.user_roles.iter().any(|(id, _)| id == role_id))
                .map(|a| json!({ "id": a.id }))
                .collect();
            let _ = store.insert(
                "userRoles",
                json!({ "id": role_id, "name": role_name, "authorities": account.authorities,
                        "users": members,
                        "sharing": { "public": "--------", "external": false } }),
            );
        }
        for (group_id, group_name) in &account.user_groups {
            let members: Vec<Value> = accounts
                .iter()
                .filter(|a| a.user_groups.iter().any(|(id, _)| id == group_id))
                .map(|a| json!({ "id": a.id }))
                .collect();
            let _ = store.insert(
                "userGroups",
                json!({ "id": group_id, "name": group_name, "users": members,
                        "sharing": { "public": "rw------", "external": false } }),
            );
        }
        let roles: Vec<Value> = account
            .user_roles
            .iter()
            .map(|(id, _)| json!({ "id": id }))
            .collect();
        let units: Vec<Value> = account
            .organisation_units
            .iter()
            .map(|(id, _)| json!({ "id": id }))
            .collect();
        let mut user = json!({
            "id": account.id, "firstName": account.first_name, "surname": account.surname,
            "organisationUnits": units, "dataViewOrganisationUnits": units,
            "teiSearchOrganisationUnits": [],
        });
        let credentials = json!({ "username": account.username, "userRoles": roles,
                                  "disabled": false, "externalAuth": false });
        if flattened {
            for (key, value) in credentials.as_object().into_iter().flatten() {
                user[key] = value.clone();
            }
        } else {
            let mut credentials = credentials;
            let prefix: String = account.id.chars().take(10).collect();
            credentials["id"] = json!(format!("{prefix}c"));
            user["userCredentials"] = credentials;
        }
        let _ = store.insert("users", user);
    }
}
