//! Contract rows for the platform endpoints: system info, `/api/me`, dataStore, header bar.

use crate::{delete, get, post, Row, Seed, Step};
use serde_json::Value;

pub fn rows() -> Vec<Row> {
    vec![
        Row {
            recording: "systeminfo/system_info.json",
            version: "2.41",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| (vec![], get("admin", "/api/system/info")),
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "user/user37.json",
            version: "2.37",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| (vec![], get("admin", "/api/me")),
            exact: false,
            exceptions: &[(
                "$.userCredentials.userRoles[].programs",
                "the recorded role grants a program; the simulator's roles grant none",
            )],
        },
        Row {
            recording: "user/user38.json",
            version: "2.38",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| (vec![], get("admin", "/api/me")),
            exact: false,
            exceptions: &[(
                "$.userRoles[].programs",
                "the recorded role grants a program; the simulator's roles grant none",
            )],
        },
        Row {
            recording: "user/user_unauthorized.json",
            version: "2.39",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| (vec![], get("", "/api/me")),
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_post_201.json",
            version: "2.39",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| (vec![], post("/api/dataStore/android/config", "{}")),
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_post_already_exists_409.json",
            version: "2.39",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| {
                let step = post("/api/dataStore/android/config", "{}");
                (vec![step.clone()], step)
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_put_200.json",
            version: "2.39",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| {
                let put = (
                    "admin",
                    "PUT",
                    "/api/dataStore/android/config".to_string(),
                    Some("{}".to_string()),
                );
                (vec![post("/api/dataStore/android/config", "{}")], put)
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_put_not_found_404.json",
            version: "2.39",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| {
                let put = (
                    "admin",
                    "PUT",
                    "/api/dataStore/android/config".to_string(),
                    Some("{}".to_string()),
                );
                (vec![], put)
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_deleted_200.json",
            version: "2.39",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| {
                (
                    vec![post("/api/dataStore/android/config", "{}")],
                    delete("/api/dataStore/android/config"),
                )
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_deleted_not_found_404.json",
            version: "2.39",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| {
                (
                    vec![post("/api/dataStore/android/other", "{}")],
                    delete("/api/dataStore/android/config"),
                )
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/namespaces.json",
            version: "2.38",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| {
                let setup = vec![
                    post("/api/dataStore/capture/a", "1"),
                    post("/api/dataStore/scorecard/b", "1"),
                ];
                (setup, get("admin", "/api/dataStore"))
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/namespace_capture.json",
            version: "2.38",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |recording| {
                (
                    entries_setup("capture", recording),
                    get("admin", "/api/dataStore/capture?fields=."),
                )
            },
            // The recording lists `summary` before `settings`; the simulator orders entries by
            // key (the query API's default order), so only the shape is compared.
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "datastore/namespace_scorecard.json",
            version: "2.40",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |recording| {
                (
                    entries_setup("scorecard", recording),
                    get("admin", "/api/dataStore/scorecard?fields=."),
                )
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "headerbar/getModules.json",
            version: "2.39",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| {
                (
                    vec![],
                    get("admin", "/dhis-web-commons/menu/getModules.action"),
                )
            },
            exact: false,
            exceptions: &[(
                "$.modules[].description",
                "simulator differs: its core app list carries no descriptions",
            )],
        },
        Row {
            recording: "headerbar/me.json",
            version: "2.39",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| {
                (
                    vec![],
                    get(
                        "admin",
                        "/api/me?fields=authorities,avatar,email,name,settings",
                    ),
                )
            },
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "headerbar/systemInfo.json",
            version: "2.40",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| (vec![], get("admin", "/api/system/info")),
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "headerbar/dashboard.json",
            version: "2.40",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| (vec![], get("admin", "/api/me/dashboard")),
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "headerbar/userSettings.json",
            version: "2.40",
            seed: Seed::Nothing,
            answer_at: "",
            steps: |_| (vec![], get("admin", "/api/userSettings")),
            exact: false,
            exceptions: &[
                (
                    "$.keyCurrentStyle",
                    "not a setting of any 2.30+ server (UserSettingKey); the recording is older",
                ),
                (
                    "$.keyTrackerDashboardLayout",
                    "only stored once a user rearranges the tracker capture dashboard",
                ),
            ],
        },
    ]
}

/// Posts each recorded entry's value under its key, so the query answer can match exactly.
fn entries_setup(namespace: &str, recording: &Value) -> Vec<Step> {
    recording["entries"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| {
                    let key = entry["key"].as_str().unwrap_or("key");
                    post(
                        &format!("/api/dataStore/{namespace}/{key}"),
                        &entry["value"].to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}
