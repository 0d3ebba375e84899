//! Contract test: every property the simulator sends exists, under that name, in the JSON
//! Schema DHIS2 publishes for the class in that version (`json-schemas/vX/` of the reference
//! data), so that version-specific names (`metadataSyncEnabled` → `isMetadataSyncEnabled` in
//! 2.39, the 2.38 `UserCredentialsDto`…) stay right. Deliberate extras are listed with reasons.
mod platform_support;

use platform_support::*;
use serde_json::Value;
use std::collections::BTreeSet;

struct Row {
    schema: &'static str,
    version: &'static str,
    path: &'static str,
    /// JSON pointer to the object checked inside the response.
    pointer: &'static str,
    extras: &'static [(&'static str, &'static str)],
}

/// `/api/me` before 2.38 is a User plus what `MeController` adds to the node (§5.1).
const ME_SYNTHETIC: &[(&str, &str)] = &[
    ("authorities", "added by MeController to the rendered User"),
    ("settings", "added by MeController to the rendered User"),
    ("programs", "added by MeController to the rendered User"),
    ("dataSets", "added by MeController to the rendered User"),
];

fn rows() -> Vec<Row> {
    let info = |schema, version| Row {
        schema,
        version,
        path: "/api/system/info",
        pointer: "",
        extras: &[],
    };
    vec![
        info("v2.35.13/systemInfo.json", "2.35"),
        info("v2.36.11/systemInfo.json", "2.36"),
        info("v2.37.7/systemInfo.json", "2.37"),
        info("v2.38.1/systemInfo.json", "2.38"),
        info("v2.39.1/systemInfo.json", "2.39"),
        info("v40.0/SystemInfo.json", "2.40"),
        info("v40.2.2/SystemInfo.json", "2.40.2.2"),
        Row {
            schema: "v2.35.13/user.json",
            version: "2.35",
            path: "/api/me",
            pointer: "",
            extras: ME_SYNTHETIC,
        },
        Row {
            schema: "v2.37.7/user.json",
            version: "2.37",
            path: "/api/me",
            pointer: "",
            extras: ME_SYNTHETIC,
        },
        Row {
            schema: "v2.37.7/userCredentials.json",
            version: "2.37",
            path: "/api/me",
            pointer: "/userCredentials",
            extras: &[],
        },
        Row {
            schema: "v2.38.1/userCredentialsDto.json",
            version: "2.38",
            path: "/api/me",
            pointer: "/userCredentials",
            extras: &[],
        },
        Row {
            schema: "v2.39.1/userCredentialsDto.json",
            version: "2.39",
            path: "/api/me",
            pointer: "/userCredentials",
            extras: &[],
        },
        Row {
            schema: "v40.0/MeDto.json",
            version: "2.40",
            path: "/api/me",
            pointer: "",
            extras: &[],
        },
        Row {
            schema: "v40.2.2/MeDto.json",
            version: "2.40.2.2",
            path: "/api/me",
            pointer: "",
            extras: &[],
        },
        Row {
            schema: "v2.35.13/keyJsonValue.json",
            version: "2.35",
            path: "/api/dataStore/ns/k/metaData",
            pointer: "",
            extras: &[],
        },
        Row {
            schema: "v2.37.7/keyJsonValue.json",
            version: "2.37",
            path: "/api/dataStore/ns/k/metaData",
            pointer: "",
            extras: &[],
        },
        Row {
            schema: "v2.38.1/datastoreEntry.json",
            version: "2.38",
            path: "/api/dataStore/ns/k/metaData",
            pointer: "",
            extras: &[],
        },
        Row {
            schema: "v40.0/DatastoreEntry.json",
            version: "2.40",
            path: "/api/dataStore/ns/k/metaData",
            pointer: "",
            extras: &[],
        },
        Row {
            schema: "v2.35.13/webMessage.json",
            version: "2.35",
            path: "/api/dataStore/ns/missing",
            pointer: "",
            extras: &[],
        },
        Row {
            schema: "v40.0/WebMessage.json",
            version: "2.40",
            path: "/api/dataStore/ns/missing",
            pointer: "",
            extras: &[],
        },
        Row {
            schema: "v2.35.13/app.json",
            version: "2.35",
            path: "/api/apps",
            pointer: "/0",
            extras: &[],
        },
        Row {
            schema: "v40.0/App.json",
            version: "2.40",
            path: "/api/apps",
            pointer: "/0",
            extras: &[],
        },
    ]
}

fn schema_properties(relative: &str) -> BTreeSet<String> {
    let file = reference_file(&format!("json-schemas/{relative}"));
    let text = std::fs::read_to_string(&file).expect("readable schema");
    let schema: Value = serde_json::from_str(&text).expect("schemas are JSON");
    schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

const APP: &str = r#"{"name": "MetaData Sync", "short_name": "metadata-sync", "version": "1.0.0",
  "description": "d", "launch_path": "index.html", "default_locale": "en",
  "developer": {"name": "x"}, "icons": {"48": "icon.png"},
  "activities": {"dhis": {"href": "*", "namespace": "metadata-sync"}}}"#;

#[test]
fn simulated_properties_exist_in_the_published_schemas() {
    let mut failures = Vec::new();
    println!(
        "{:<36} {:<9} {:<30} {:>5} result",
        "schema", "sim", "request", "props"
    );
    for row in rows() {
        let properties = schema_properties(row.schema);
        let sim = sim(row.version);
        call(&sim, "admin", "POST", "/api/dataStore/ns/k", Some("{}"));
        sim.install_app(&zip_of(&[("manifest.webapp", APP), ("index.html", "x")]))
            .expect("app installs");
        let (_, body) = call(&sim, "admin", "GET", row.path, None);
        let object = body
            .pointer(row.pointer)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let unknown: Vec<&String> = object
            .keys()
            .filter(|key| !properties.contains(*key))
            .filter(|key| !row.extras.iter().any(|(extra, _)| extra == key))
            .collect();
        let result = if unknown.is_empty() && !object.is_empty() {
            "match"
        } else {
            "DIFFERS"
        };
        println!(
            "{:<36} {:<9} {:<30} {:>5} {result}",
            row.schema,
            row.version,
            row.path,
            object.len()
        );
        if object.is_empty() {
            failures.push(format!(
                "{}: nothing at {} of {}",
                row.schema, row.pointer, row.path
            ));
        }
        for key in unknown {
            println!("    {key}: not a property of {}", row.schema);
            failures.push(format!("{}: `{key}` is not in the schema", row.schema));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
