//! `/api/dataValueSets` import and export across versions, checked against the recorded
//! DHIS2 responses and the reference payloads.

mod data_support;

use data_support::*;
use dhis2_sim::data_values::DataValueStore;
use dhis2_sim::metadata::MetadataStore;
use dhis2_sim::{SimResponse, SimVersion};
use serde_json::{json, Value};

struct Instance {
    at: SimVersion,
    metadata: MetadataStore,
    values: DataValueStore,
}

impl Instance {
    fn new(at: &str) -> Self {
        let at = version(at);
        Instance {
            at,
            metadata: aggregate_metadata(at),
            values: DataValueStore::new(),
        }
    }

    fn send(&mut self, method: &str, url: &str, body: &Value) -> SimResponse {
        let bytes = serde_json::to_vec(body).unwrap();
        let (values, metadata) = (&mut self.values, &mut self.metadata);
        call(self.at, method, url, &bytes, |ctx| {
            values.handle(ctx, metadata)
        })
    }

    fn get(&mut self, url: &str) -> SimResponse {
        self.send("GET", url, &Value::Null)
    }
}

fn bulk() -> Value {
    read_reference("payloads/aggregate/dataValues_bulk.json")
}

fn one_value(element: &str, value: &str) -> Value {
    json!({ "dataValues": [{ "dataElement": element, "period": "201912", "orgUnit": "O6uvpzGd5pu",
        "categoryOptionCombo": "HllvX50cXC0", "attributeOptionCombo": "HllvX50cXC0", "value": value }] })
}

#[test]
fn bulk_import_then_reimport_counts_unchanged_values_as_ignored() {
    let mut instance = Instance::new("2.41");
    let total = bulk()["dataValues"].as_array().unwrap().len();
    let first = instance.send("POST", "/api/dataValueSets", &bulk());
    assert_eq!(first.status, 200);
    let body = json_of(&first);
    assert_eq!(body["status"], "OK");
    assert_eq!(body["response"]["status"], "SUCCESS");
    assert_eq!(body["response"]["importCount"]["imported"], total);
    assert_eq!(body["response"]["rejectedIndexes"], json!([]));
    assert_eq!(instance.values.len(), total);

    let again = json_of(&instance.send("POST", "/api/dataValueSets", &bulk()));
    assert_eq!(
        again["response"]["importCount"],
        json!({"imported": 0, "updated": 0, "ignored": total, "deleted": 0})
    );

    let mut changed = bulk();
    changed["dataValues"][0]["value"] = json!("7");
    let third = json_of(&instance.send("POST", "/api/dataValueSets", &changed));
    assert_eq!(third["response"]["importCount"]["updated"], 1);
    assert_eq!(third["response"]["importCount"]["ignored"], total - 1);
}

#[test]
fn success_summary_has_the_recorded_shape_from_2_38() {
    let recorded = read_reference("recorded/datavalueset/data_value_set_success.json");
    let mut instance = Instance::new("2.38");
    let body = json_of(&instance.send("POST", "/api/dataValueSets", &bulk()));
    assert_eq!(keys(&body), keys(&recorded));
    assert_eq!(keys(&body["response"]), keys(&recorded["response"]));
    assert_eq!(
        keys(&body["response"]["importOptions"]),
        keys(&recorded["response"]["importOptions"])
    );
    assert_eq!(body["message"], recorded["message"]);
    assert_eq!(
        body["response"]["importOptions"],
        recorded["response"]["importOptions"]
    );
}

#[test]
fn http_status_and_wrapper_switch_at_2_38() {
    for (at, url, wrapped) in [
        ("2.30", "/api/dataValueSets", false),
        ("2.36", "/api/dataValueSets", false),
        ("2.37", "/api/dataValueSets", false),
        ("2.38", "/api/dataValueSets", true),
        ("2.41", "/api/dataValueSets", true),
        ("2.41", "/api/37/dataValueSets", false),
        ("2.42", "/api/42/dataValueSets", true),
    ] {
        let mut instance = Instance::new(at);
        let response = instance.send("POST", url, &one_value("tpz77FcntKx", "-5"));
        let body = json_of(&response);
        if wrapped {
            assert_eq!(response.status, 409, "{at} {url}");
            assert_eq!(body["status"], "WARNING");
            assert_eq!(
                body["message"],
                "One more conflicts encountered, please check import summary."
            );
            assert_eq!(body["response"]["responseType"], "ImportSummary");
        } else {
            assert_eq!(response.status, 200, "{at} {url}");
            assert_eq!(body["responseType"], "ImportSummary", "{at} {url}");
            assert_eq!(body["status"], "WARNING");
        }
    }
}

#[test]
fn conflicts_are_plain_before_2_37_and_structured_after() {
    let recorded_plain = read_reference("recorded/datavalueset/data_value_set_warning.json");
    let recorded_structured = read_reference("recorded/imports/import_conflict.json");
    let mut old = Instance::new("2.36");
    let body = json_of(&old.send(
        "POST",
        "/api/dataValueSets",
        &one_value("tpz77FcntKx", "40L"),
    ));
    let conflict = &body["conflicts"][0];
    assert_eq!(
        keys(conflict),
        keys(&recorded_plain["response"]["conflicts"][0])
    );
    assert_eq!(conflict["object"], "40L");
    assert_eq!(
        conflict["value"],
        "Data value is not zero or positive integer, must match data element type: tpz77FcntKx"
    );
    assert_eq!(body["importCount"]["ignored"], 1);

    let mut new = Instance::new("2.37");
    let mut payload = one_value("tpz77FcntKx", "40L");
    let second = payload["dataValues"][0].clone();
    let mut third = second.clone();
    third["categoryOptionCombo"] = json!("NoSuchCombo");
    payload["dataValues"] = json!([second.clone(), {"dataElement": "FRbgzTZ74Hh", "period": "201912", "orgUnit": "O6uvpzGd5pu", "value": "3"}, second, third]);
    let body = json_of(&new.send("POST", "/api/dataValueSets", &payload));
    let conflicts = body["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 2, "{body}");
    assert_eq!(keys(&conflicts[0]), keys(&recorded_structured));
    assert_eq!(conflicts[0]["errorCode"], "E7619");
    assert_eq!(conflicts[0]["indexes"], json!([0, 2]));
    assert_eq!(
        conflicts[0]["objects"]["value"],
        "value_not_zero_or_positive_integer"
    );
    assert_eq!(conflicts[1]["errorCode"], "E7613");
    assert_eq!(body["importCount"]["imported"], 1);
}

#[test]
fn rejected_indexes_appear_at_their_patch_releases() {
    for (at, present) in [
        ("2.38.4", false),
        ("2.39.1", false),
        ("2.39.2", true),
        ("2.40.0", false),
        ("2.40.1", true),
        ("2.41.0", true),
        ("2.42", true),
    ] {
        let mut instance = Instance::new(at);
        let mut payload = bulk();
        payload["dataValues"][3]["orgUnit"] = json!("NoSuchUnit1");
        let body = json_of(&instance.send("POST", "/api/dataValueSets", &payload));
        let rejected = &body["response"]["rejectedIndexes"];
        if present {
            assert_eq!(rejected, &json!([3]), "{at}");
            assert_eq!(body["response"]["conflicts"][0]["errorCode"], "E7612");
        } else {
            assert!(rejected.is_null(), "{at}: {rejected}");
        }
    }
}

#[test]
fn empty_lists_are_omitted_before_2_35() {
    let mut instance = Instance::new("2.34");
    let body = json_of(&instance.send("POST", "/api/dataValueSets", &bulk()));
    assert!(body.get("conflicts").is_none());
    let mut instance = Instance::new("2.35");
    let body = json_of(&instance.send("POST", "/api/dataValueSets", &bulk()));
    assert_eq!(body["conflicts"], json!([]));
}

#[test]
fn unknown_references_and_bad_values_each_get_their_conflict() {
    let mut instance = Instance::new("2.40");
    let payload = json!({ "dataValues": [
        {"dataElement": "NoSuchElem1", "period": "201912", "orgUnit": "O6uvpzGd5pu", "value": "1"},
        {"dataElement": "tpz77FcntKx", "period": "2019-12", "orgUnit": "O6uvpzGd5pu", "value": "1"},
        {"dataElement": "tpz77FcntKx", "period": "201912", "orgUnit": "O6uvpzGd5pu", "attributeOptionCombo": "NoSuchAoc01", "value": "1"},
        {"dataElement": "tpz77FcntKx", "period": "201912", "orgUnit": "O6uvpzGd5pu"},
    ]});
    let response = instance.send("POST", "/api/dataValueSets", &payload);
    assert_eq!(response.status, 409);
    let body = json_of(&response);
    let codes: Vec<&str> = body["response"]["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["errorCode"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E7610", "E7611", "E7615", "E7618"]);
    assert_eq!(body["response"]["importCount"]["ignored"], 4);
}

#[test]
fn unknown_data_set_aborts_the_import_with_error() {
    let mut instance = Instance::new("2.39");
    let mut payload = bulk();
    payload["dataSet"] = json!("NoSuchSet01");
    let response = instance.send("POST", "/api/dataValueSets", &payload);
    assert_eq!(response.status, 409);
    let body = json_of(&response);
    assert_eq!(body["status"], "ERROR");
    assert_eq!(
        body["message"],
        "An error occurred, please check import summary."
    );
    assert_eq!(body["response"]["conflicts"][0]["errorCode"], "E7600");
    assert_eq!(instance.values.len(), 0);
}

#[test]
fn dry_run_delete_and_include_deleted() {
    let mut instance = Instance::new("2.41");
    let dry = json_of(&instance.send("POST", "/api/dataValueSets?dryRun=true", &bulk()));
    assert_eq!(dry["response"]["importOptions"]["dryRun"], true);
    assert!(dry["response"]["importCount"]["imported"].as_u64().unwrap() > 0);
    assert_eq!(instance.values.len(), 0);

    instance.send("POST", "/api/dataValueSets", &bulk());
    let before = instance.values.len();
    let delete = json_of(&instance.send(
        "POST",
        "/api/dataValueSets?importStrategy=DELETE",
        &one_value("FRbgzTZ74Hh", "1"),
    ));
    assert_eq!(
        delete["response"]["importOptions"]["importStrategy"],
        "DELETE"
    );
    assert_eq!(
        delete["response"]["importCount"]["deleted"], 0,
        "FRbgzTZ74Hh has no 201912 default value"
    );
    let mut yearly = one_value("FRbgzTZ74Hh", "1");
    // MetaData Sync deletes with the old alias DELETES, which DHIS2 echoes as sent.
    let aliased = json_of(&instance.send(
        "POST",
        "/api/dataValueSets?importStrategy=DELETES&dryRun=true",
        &one_value("FRbgzTZ74Hh", "1"),
    ));
    assert_eq!(
        aliased["response"]["importOptions"]["importStrategy"],
        "DELETES"
    );
    yearly["dataValues"][0]["period"] = json!("2018");
    let delete =
        json_of(&instance.send("POST", "/api/dataValueSets?importStrategy=DELETE", &yearly));
    assert_eq!(delete["response"]["importCount"]["deleted"], 1);
    assert_eq!(instance.values.len(), before - 1);

    let url = "/api/dataValueSets?dataSet=qNtxTrp56wV&period=2018&orgUnit=O6uvpzGd5pu";
    let live = json_of(&instance.get(url));
    let all = json_of(&instance.get(&format!("{url}&includeDeleted=true")));
    let live_count = live["dataValues"].as_array().unwrap().len();
    let all_values = all["dataValues"].as_array().unwrap();
    assert_eq!(all_values.len(), live_count + 1);
    assert_eq!(
        all_values.iter().filter(|v| v["deleted"] == true).count(),
        1
    );
}

#[test]
fn async_import_registers_a_data_value_import_job() {
    for (at, message_start) in [
        ("2.38", "Initiated dataValueImport"),
        ("2.41", "Initiated DATAVALUE_IMPORT"),
    ] {
        let mut instance = Instance::new(at);
        let response = instance.send("POST", "/api/dataValueSets?async=true", &bulk());
        assert_eq!(response.status, 200);
        let body = json_of(&response);
        assert_eq!(
            body["response"]["jobType"], "DATAVALUE_IMPORT",
            "{at}: {body}"
        );
        assert!(
            body["message"].as_str().unwrap().starts_with(message_start),
            "{at}: {body}"
        );
        assert_eq!(
            instance.values.len(),
            bulk()["dataValues"].as_array().unwrap().len()
        );
        let id = body["response"]["id"].as_str().unwrap().to_string();
        let url = format!("/api/system/taskSummaries/DATAVALUE_IMPORT/{id}");
        let metadata = &mut instance.metadata;
        let summary = call(instance.at, "GET", &url, b"", |ctx| metadata.handle(ctx));
        let summary = json_of(&summary);
        assert_eq!(summary["responseType"], "ImportSummary", "{summary}");
        assert_eq!(summary["importOptions"]["async"], true);
    }
}

#[test]
fn option_set_values_must_be_option_codes() {
    let mut instance = Instance::new("2.39");
    let metadata = &mut instance.metadata;
    metadata
        .insert(
            "options",
            json!({"id": "optAdequat1", "name": "Adequate", "code": "ADEQUATE"}),
        )
        .unwrap();
    metadata.insert("optionSets", json!({"id": "osStock0001", "name": "Stock", "valueType": "TEXT", "options": [{"id": "optAdequat1"}]})).unwrap();
    metadata.insert("dataElements", json!({"id": "deStock0001", "name": "Stock status", "valueType": "TEXT",
        "domainType": "AGGREGATE", "categoryCombo": {"id": "bjDvmb4bfuf"}, "optionSet": {"id": "osStock0001"}})).unwrap();
    let payload = json!({"dataValues": [
        {"dataElement": "deStock0001", "period": "201912", "orgUnit": "O6uvpzGd5pu", "value": "ADEQUATE"},
        {"dataElement": "deStock0001", "period": "201911", "orgUnit": "O6uvpzGd5pu", "value": "Adequate"},
    ]});
    let body = json_of(&instance.send("POST", "/api/dataValueSets", &payload));
    assert_eq!(body["response"]["importCount"]["imported"], 1);
    let conflict = &body["response"]["conflicts"][0];
    assert_eq!(conflict["errorCode"], "E7621");
    assert_eq!(conflict["indexes"], json!([1]));
}

#[test]
fn insignificant_zeros_are_a_conflict_in_2_30_and_skipped_later() {
    // nwzSeTAxCGV: INTEGER_ZERO_OR_POSITIVE, SUM, zeroIsSignificant=false.
    let zero_dropping = "nwzSeTAxCGV";
    for (at, conflicts) in [("2.30", 1), ("2.38", 0)] {
        let mut instance = Instance::new(at);
        let significant = instance
            .metadata
            .get("dataElements", zero_dropping)
            .unwrap()["zeroIsSignificant"]
            .clone();
        assert_ne!(
            significant,
            json!(true),
            "the reference element must drop zeros"
        );
        let response = instance.send(
            "POST",
            "/api/37/dataValueSets",
            &one_value(zero_dropping, "0"),
        );
        let body = json_of(&response);
        assert_eq!(body["importCount"]["ignored"], 1, "{at}: {body}");
        assert_eq!(
            body["conflicts"].as_array().map_or(0, Vec::len),
            conflicts,
            "{at}"
        );
        assert_eq!(instance.values.len(), 0);
    }
}
