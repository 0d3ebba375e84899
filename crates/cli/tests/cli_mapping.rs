//! `mdsync mapping …`: the offline preview (no config, no server) and export / import against
//! simulated DHIS2 instances served over HTTP on loopback ports.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dhis2_sim::{Sim, SimRequest};
use serde_json::{json, Value};
use support::{SimServer, TempDir};

trait JsonFile {
    fn json(&self, name: &str, value: &Value) -> PathBuf;
}

impl JsonFile for TempDir {
    fn json(&self, name: &str, value: &Value) -> PathBuf {
        self.write(name, &value.to_string())
    }
}

fn mdsync(config: Option<&Path>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mdsync"));
    command.env_remove("MDSYNC_CONFIG").args(args);
    if let Some(config) = config {
        command.env("MDSYNC_CONFIG", config);
    }
    command.output().expect("mdsync runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout_json(output: &Output) -> Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn apply_previews_every_kind_offline() {
    let dir = TempDir::new("mapping-apply");
    let mapping = dir.json(
        "mapping.json",
        &json!({
            "aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DatDest0001"},
                                       "DatBbbb0001": {"mappedId": "DISABLED"}},
            "organisationUnits": {"OrgAaaa0001": {"mappedId": "/OrgRoot0001/OrgDest0001"}},
            "trackerPrograms": {"PrgTrck0001": {"mappedId": "PrgEvnt0009"}},
            "eventPrograms": {"PrgEvnt0001": {"mappedId": "PrgDest0001"}},
            "trackedEntityAttributesToDE": {"AttSex00001": {"mappedId": "DatSex00009"}},
            "categoryOptions": {"CatSex00001-OptMale0001": {"mappedId": "DstOptMan01"}}
        }),
    );
    let context = dir.json(
        "context.json",
        &json!({
            "originCategoryOptionCombos": [{"id": "CocMale0001", "categoryCombo": {"id": "CmbSex00001"},
                "categoryOptions": [{"id": "OptMale0001"}]}],
            "destinationCategoryOptionCombos": [{"id": "DstMan00001", "categoryCombo": {"id": "DstSexCmb01"},
                "categoryOptions": [{"id": "DstOptMan01"}]}],
            "defaultIds": ["HllvX50cXC0"],
            "destinationPrograms": [{"id": "PrgEvnt0009", "programType": "WITHOUT_REGISTRATION",
                "programStages": [{"id": "StgEvnt0009",
                    "programStageDataElements": [{"dataElement": {"id": "DatSex00009"}}]}]}]
        }),
    );

    let values = dir.json(
        "values.json",
        &json!({"dataValues": [
            {"dataElement": "DatAaaa0001", "period": "202401", "orgUnit": "OrgAaaa0001",
             "categoryOptionCombo": "CocMale0001", "attributeOptionCombo": "HllvX50cXC0", "value": "3"},
            {"dataElement": "DatBbbb0001", "period": "202401", "orgUnit": "OrgAaaa0001", "value": "4"}
        ]}),
    );
    let output = mdsync(
        None,
        &[
            "mapping",
            "apply",
            "--kind",
            "aggregated",
            "--mapping",
            path(&mapping),
            "--context",
            path(&context),
            path(&values),
        ],
    );
    assert_eq!(
        stdout_json(&output),
        json!({"dataValues": [{"dataElement": "DatDest0001", "period": "202401",
            "orgUnit": "OrgDest0001", "categoryOptionCombo": "DstMan00001", "value": "3"}]})
    );
    assert!(
        stderr(&output)
            .contains("2 read, 1 written; 1 data values left out (data element excluded)"),
        "{}",
        stderr(&output)
    );

    let events = dir.json(
        "events.json",
        &json!({"events": [{"event": "EvtAaaa0001", "program": "PrgEvnt0001", "orgUnit": "OrgAaaa0001",
            "orgUnitName": "Clinic", "dataValues": []}]}),
    );
    let output = mdsync(
        None,
        &[
            "mapping",
            "apply",
            "--kind",
            "events",
            "--mapping",
            path(&mapping),
            path(&events),
        ],
    );
    assert_eq!(
        stdout_json(&output),
        json!({"events": [{"event": "EvtAaaa0001", "program": "PrgDest0001", "orgUnit": "OrgDest0001",
            "dataValues": []}]})
    );

    let entities = dir.json(
        "entities.json",
        &json!({"trackedEntities": [{"trackedEntity": "TeiAaaa0001", "orgUnit": "OrgAaaa0001",
            "programOwners": [{"orgUnit": "OrgAaaa0001", "program": "PrgTrck0001"}],
            "enrollments": [{"program": "PrgTrck0001", "enrolledAt": "2024-02-01T00:00:00.000"}],
            "attributes": [{"attribute": "AttSex00001", "value": "MALE"}]}]}),
    );
    let output = mdsync(
        None,
        &[
            "mapping",
            "apply",
            "--kind",
            "tracked-entities",
            "--mapping",
            path(&mapping),
            path(&entities),
        ],
    );
    let mapped = stdout_json(&output);
    assert_eq!(
        mapped["trackedEntities"][0]["programOwners"][0]["program"],
        "PrgEvnt0009"
    );

    let output = mdsync(
        None,
        &[
            "mapping",
            "apply",
            "--kind",
            "tracked-entities-to-events",
            "--mapping",
            path(&mapping),
            "--context",
            path(&context),
            "--now",
            "2024-03-01T10:00:00.000",
            "--pretty",
            path(&entities),
        ],
    );
    let converted = stdout_json(&output);
    let event = &converted["events"][0];
    assert_eq!(event["program"], "PrgEvnt0009");
    assert_eq!(event["programStage"], "StgEvnt0009");
    assert_eq!(event["createdAt"], "2024-03-01T10:00:00.000");
    assert_eq!(event["dataValues"][0]["dataElement"], "DatSex00009");
    assert!(stdout(&output).contains("\n  \"events\""), "pretty printed");
}

#[test]
fn bad_mappings_and_payloads_are_named() {
    let dir = TempDir::new("mapping-bad");
    let payload = dir.json("values.json", &json!({"dataValues": []}));
    let cases = [
        (json!([1]), "is not a dictionary of mapping types"),
        (json!({"options": {"Opt": {"mappedId": "x"}}}), "options › Opt: its key \"Opt\" is not a DHIS2 id"),
        (json!({"aggregatedDataElements": {"DatAaaa0001": {"mappedId": "tooShort"}}}),
         "aggregatedDataElements › DatAaaa0001: its mappedId \"tooShort\" is not a DHIS2 id"),
        (json!({"organisationUnits": {"OrgAaaa0001": {"mappedId": "OrgDest0001",
            "mapping": {"options": {"OptYes00001": {"mappedId": "OptDest0001"}}}}}}),
         "organisationUnits › OrgAaaa0001: has a nested \"options\" mapping, which this type does not take"),
    ];
    for (bad, expected) in cases {
        let mapping = dir.json("bad.json", &bad);
        let output = mdsync(
            None,
            &[
                "mapping",
                "apply",
                "--kind",
                "aggregated",
                "--mapping",
                path(&mapping),
                path(&payload),
            ],
        );
        assert!(!output.status.success());
        assert!(
            stderr(&output).contains(expected),
            "{bad}: {}",
            stderr(&output)
        );
    }
    let mapping = dir.json("ok.json", &json!({}));
    let events = dir.json("events.json", &json!({"dataValues": []}));
    let output = mdsync(
        None,
        &[
            "mapping",
            "apply",
            "--kind",
            "events",
            "--mapping",
            path(&mapping),
            path(&events),
        ],
    );
    assert!(
        stderr(&output).contains("expected {\"events\": [...]}"),
        "{}",
        stderr(&output)
    );
}

fn config_text(local_url: &str, key: &str, user: &str) -> String {
    format!(
        "encryption_key = \"{key}\"\n\n[local]\nurl = \"{local_url}\"\nusername = \"{user}\"\npassword = \"district\"\ntimeout_seconds = 30\n"
    )
}

/// Writes a dataStore entry straight into the simulator, as another app could.
fn put_entry(sim: &Sim, namespace: &str, key: &str, body: &str) {
    let url = format!("{}/api/dataStore/{namespace}/{key}", sim.base_url());
    let request = SimRequest::new("POST", &url)
        .with_header("Authorization", "Basic YWRtaW46ZGlzdHJpY3Q=")
        .with_header("Content-Type", "application/json")
        .with_body(body.as_bytes().to_vec());
    let Ok(response) = sim.handle(request) else {
        panic!("the simulator did not answer");
    };
    assert!(
        response.status < 300,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
}

#[test]
fn export_and_import_through_the_datastore_with_checks() {
    let local = SimServer::start("local", "2.41");
    let remote = SimServer::start("remote", "2.40");
    let dir = TempDir::new("mapping-store");
    let key = mdsync_core::crypto::generate_key_string().expect("key");
    let config = dir.write("mdsync.toml", &config_text(&local.url, &key, "admin"));
    let add = mdsync(
        Some(&config),
        &[
            "instances",
            "add",
            "--name",
            "Remote",
            "--url",
            &remote.url,
            "--username",
            "admin",
            "--password",
            "district",
            "--public-access",
            "r-------",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let list = stdout_json(&mdsync(Some(&config), &["instances", "list", "--json"]));
    let instance_id = list[1]["id"].as_str().expect("id").to_string();

    // An MDSync dataStore entry, with one entry it cannot understand.
    let mdsync_file = dir.json(
        "mdsync.json",
        &json!({"mappingDictionary": {
            "aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DatDest0001", "code": "A",
                "global": false, "conflicts": false, "mapping": {}}},
            "organisationUnits": {"OrgAaaa0001": {"mappedId": "not-an-id"}}
        }}),
    );
    let import = mdsync(
        Some(&config),
        &[
            "mapping",
            "import",
            "--instance",
            "remote",
            path(&mdsync_file),
        ],
    );
    assert!(import.status.success(), "{}", stderr(&import));
    let text = stdout(&import);
    assert!(
        text.contains("Saved the mapping toward \"remote\"."),
        "{text}"
    );
    assert!(
        text.contains("Imported 1 entries: 1 aggregatedDataElements."),
        "{text}"
    );
    assert!(
        text.contains("organisationUnits › OrgAaaa0001: its mappedId \"not-an-id\""),
        "{text}"
    );
    let stored = local
        .sim
        .datastore_value("metadata-sync", &format!("mappings-{instance_id}"))
        .expect("stored");
    assert_eq!(
        stored["aggregatedDataElements"]["DatAaaa0001"]["mappedId"],
        "DatDest0001"
    );

    let exported = dir.0.join("exported.json");
    let export = mdsync(
        Some(&config),
        &["mapping", "export", "--instance", "Remote", path(&exported)],
    );
    assert!(export.status.success(), "{}", stderr(&export));
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(
        written,
        json!({"aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DatDest0001", "code": "A",
            "global": false, "conflicts": false, "mapping": {}}}})
    );
    // Our export imports back as it is.
    let again = mdsync(
        Some(&config),
        &["mapping", "import", "--instance", "Remote", path(&exported)],
    );
    assert!(stdout(&again).contains("Replaced the mapping toward \"Remote\" (1 entries before)."));

    // A run-only user may neither read nor change mappings.
    let executor = dir.write("executor.toml", &config_text(&local.url, &key, "executor"));
    let refused = mdsync(
        Some(&executor),
        &["mapping", "export", "--instance", "Remote", "-"],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("You may not read mappings"),
        "{}",
        stderr(&refused)
    );
    let refused = mdsync(
        Some(&executor),
        &["mapping", "import", "--instance", "Remote", path(&exported)],
    );
    assert!(
        stderr(&refused).contains("You may not change mappings"),
        "{}",
        stderr(&refused)
    );

    // A damaged stored mapping is named and never replaced silently.
    let damaged_key = format!("mappings-{instance_id}");
    let url = format!(
        "{}/api/dataStore/metadata-sync/{damaged_key}",
        local.sim.base_url()
    );
    let request = SimRequest::new("PUT", &url)
        .with_header("Authorization", "Basic YWRtaW46ZGlzdHJpY3Q=")
        .with_header("Content-Type", "application/json")
        .with_body(br#"{"options": {"Opt": {}}}"#.to_vec());
    let Ok(response) = local.sim.handle(request) else {
        panic!("the simulator did not answer");
    };
    assert!(response.status < 300);
    let refused = mdsync(
        Some(&config),
        &["mapping", "import", "--instance", "Remote", path(&exported)],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains(&format!("The stored mapping '{damaged_key}' is damaged"))
            && stderr(&refused).contains("options › Opt"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        local.sim.datastore_value("metadata-sync", &damaged_key),
        Some(json!({"options": {"Opt": {}}})),
        "left as it was"
    );
    let replaced = mdsync(
        Some(&config),
        &[
            "mapping",
            "import",
            "--instance",
            "Remote",
            "--replace-damaged",
            path(&exported),
        ],
    );
    assert!(replaced.status.success(), "{}", stderr(&replaced));
    assert!(
        stdout(&replaced).contains("Saved the mapping"),
        "{}",
        stdout(&replaced)
    );

    // MDSync's own dataStore namespace, read in place.
    put_entry(
        &local.sim,
        "metadata-synchronization",
        "mappings",
        r#"[{"id": "MapAaaa0001", "owner": {"type": "instance", "id": "MdsInst0001"}}]"#,
    );
    put_entry(
        &local.sim,
        "metadata-synchronization",
        "mappings-MapAaaa0001",
        r#"{"mappingDictionary": {"relationshipTypes": {"RtyAaaa0001": {"mappedId": "RtyDest0001"}}}}"#,
    );
    let from_mdsync = mdsync(
        Some(&config),
        &[
            "mapping",
            "import",
            "--instance",
            "Remote",
            "--from-mdsync",
            "MdsInst0001",
        ],
    );
    assert!(from_mdsync.status.success(), "{}", stderr(&from_mdsync));
    assert!(
        stdout(&from_mdsync).contains("1 relationshipTypes"),
        "{}",
        stdout(&from_mdsync)
    );
}
