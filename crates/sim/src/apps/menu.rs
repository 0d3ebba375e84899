//! The apps menu of the header bar: `getModules.action` (all versions), `/api/apps/menu` (2.40+).

use super::AppStore;
use crate::{Account, SimResponse};
use serde_json::{json, Value};

/// Core apps shown in the menu, as (short name, display name).
const CORE_APPS: &[(&str, &str)] = &[
    ("dashboard", "Dashboard"),
    ("data-visualizer", "Data Visualizer"),
    ("maintenance", "Maintenance"),
    ("app-management", "App Management"),
    ("import-export", "Import/Export"),
    ("user", "Users"),
];

pub fn modules_response(store: &AppStore, user: &Account, base_url: &str) -> SimResponse {
    let mut modules: Vec<Value> = CORE_APPS
        .iter()
        .filter(|(short, _)| user.has_authority(&format!("M_dhis-web-{short}")))
        .map(|(short, display)| {
            let name = format!("dhis-web-{short}");
            json!({"name": name, "namespace": format!("/{name}"),
                   "defaultAction": format!("../{name}/index.action"), "displayName": display,
                   "icon": format!("../icons/{name}.png"), "description": ""})
        })
        .collect();
    for app in store.all().filter(|app| user.has_authority(&app.authority)) {
        let root = format!("{base_url}/api/apps/{}", app.key);
        let launch = app.manifest["launch_path"].as_str().unwrap_or("index.html");
        let icon = app.manifest["icons"]["48"]
            .as_str()
            .map(|icon| format!("{root}/{icon}"))
            .unwrap_or_default();
        modules.push(json!({"name": app.name, "namespace": app.key,
            "defaultAction": format!("{root}/{launch}"), "displayName": app.name,
            "icon": icon, "description": app.manifest["description"].as_str().unwrap_or("")}));
    }
    SimResponse::json(200, &json!({ "modules": modules }))
}
