//! `GET /api/dataValueSets` and `/api/analytics/dataValueSet.json` across versions.

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
    fn loaded(at: &str) -> Self {
        let at = version(at);
        let mut instance = Instance {
            at,
            metadata: aggregate_metadata(at),
            values: DataValueStore::new(),
        };
        let response = instance.send(
            "POST",
            "/api/dataValueSets",
            &read_reference("payloads/aggregate/dataValues_bulk.json"),
        );
        assert_eq!(response.status, 200);
        instance
    }

    fn send(&mut self, method: &str, url: &str, body: &Value) -> SimResponse {
        let bytes = serde_json::to_vec(body).unwrap();
        let (values, metadata) = (&mut self.values, &mut self.metadata);
        call(self.at, method, url, &bytes, |ctx| {
            values.handle(ctx, metadata)
        })
    }

    fn get(&mut self, url: &str) -> (u16, Value) {
        let response = self.send("GET", url, &Value::Null);
        (response.status, json_of(&response))
    }
}

#[test]
fn missing_parameters_give_the_messages_of_each_version() {
    let mut old = Instance::loaded("2.30");
    let (status, body) = old.get("/api/dataValueSets?period=2018&orgUnit=O6uvpzGd5pu");
    assert_eq!(status, 409);
    assert_eq!(
        body["message"],
        "At least one valid data set or data element group must be specified"
    );
    assert!(body.get("errorCode").is_none());

    let mut new = Instance::loaded("2.41");
    let (status, body) = new.get("/api/dataValueSets?period=2018&orgUnit=O6uvpzGd5pu");
    assert_eq!(status, 409);
    assert_eq!(body["httpStatus"], "Conflict");
    assert_eq!(body["status"], "ERROR");
    assert_eq!(body["errorCode"], "E2001");
    assert_eq!(
        body["message"],
        "At least one data element, data set or data element group must be specified"
    );

    let (_, body) = new.get("/api/dataValueSets?dataSet=qNtxTrp56wV&orgUnit=O6uvpzGd5pu");
    assert_eq!(body["errorCode"], "E2002");
    let (_, body) = new.get("/api/dataValueSets?dataSet=qNtxTrp56wV&period=2018");
    assert_eq!(body["errorCode"], "E2006");
    assert_eq!(
        body["message"],
        "At least one organisation unit or organisation unit group must be specified"
    );
    let (_, body) = new.get("/api/dataValueSets?dataSet=qNtxTrp56wV&startDate=2019-01-01&endDate=2018-01-01&orgUnit=O6uvpzGd5pu");
    assert_eq!(body["errorCode"], "E2004");
}

#[test]
fn header_only_for_one_data_set_period_and_org_unit() {
    let mut instance = Instance::loaded("2.41");
    let (status, single) =
        instance.get("/api/dataValueSets?dataSet=qNtxTrp56wV&period=2018&orgUnit=O6uvpzGd5pu");
    assert_eq!(status, 200);
    assert_eq!(single["dataSet"], "qNtxTrp56wV");
    assert_eq!(single["period"], "2018");
    assert_eq!(single["orgUnit"], "O6uvpzGd5pu");
    let values = single["dataValues"].as_array().unwrap();
    let expected = read_reference("payloads/aggregate/dataValues_bulk.json")["dataValues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["period"] == "2018")
        .count();
    assert_eq!(values.len(), expected);

    let (_, wide) = instance.get("/api/dataValueSets?dataSet=qNtxTrp56wV&startDate=2018-01-01&endDate=2019-12-31&orgUnit=ImspTQPwCqd&children=true");
    assert!(wide.get("dataSet").is_none() && wide.get("period").is_none());
    assert_eq!(wide["dataValues"].as_array().unwrap().len(), expected);

    let (_, none) = instance.get("/api/dataValueSets?dataSet=qNtxTrp56wV&period=2017&orgUnit=O6uvpzGd5pu&orgUnit=ImspTQPwCqd");
    assert_eq!(none, json!({"dataValues": []}));
}

#[test]
fn value_fields_and_dates_follow_the_version() {
    let mut modern = Instance::loaded("2.38");
    let (_, body) =
        modern.get("/api/dataValueSets?dataSet=qNtxTrp56wV&period=2018&orgUnit=O6uvpzGd5pu");
    let value = &body["dataValues"][0];
    assert!(value["comment"].is_null() && value.as_object().unwrap().contains_key("comment"));
    assert_eq!(value["storedBy"], "admin");
    assert_eq!(value["followup"], false);
    let created = value["created"].as_str().unwrap();
    assert!(
        created.ends_with("+0000") && created.len() == 28,
        "{created}"
    );

    let mut older = Instance::loaded("2.37");
    let (_, body) =
        older.get("/api/dataValueSets?dataSet=qNtxTrp56wV&period=2018&orgUnit=O6uvpzGd5pu");
    assert!(!body["dataValues"][0]
        .as_object()
        .unwrap()
        .contains_key("comment"));
}

#[test]
fn output_and_input_id_schemes() {
    let mut instance = Instance::loaded("2.40");
    let (_, body) = instance.get("/api/dataValueSets?dataSet=qNtxTrp56wV&period=2018&orgUnit=O6uvpzGd5pu&dataElementIdScheme=CODE&orgUnitIdScheme=NAME");
    let codes: Vec<&str> = body["dataValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["dataElement"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"TA_GEN_EXT_FUND"), "{codes:?}");
    assert_eq!(body["dataValues"][0]["orgUnit"], "Bo");
    assert_eq!(body["orgUnit"], "Bo");

    // Payload schemes override the URL's.
    let payload = json!({ "dataElementIdScheme": "CODE", "dataValues": [
        {"dataElement": "TA_GEN_EXT_FUND", "period": "2017", "orgUnit": "OU_525", "value": "12"} ]});
    let response = instance.send(
        "POST",
        "/api/dataValueSets?dataElementIdScheme=UID&orgUnitIdScheme=CODE",
        &payload,
    );
    let body = json_of(&response);
    assert_eq!(body["response"]["importCount"]["imported"], 1, "{body}");
    assert_eq!(
        body["response"]["importOptions"]["idSchemes"]["dataElementIdScheme"]["type"],
        "CODE"
    );
    let (_, read) = instance.get("/api/dataValueSets?dataElementGroup=NoSuchGroup&dataSet=qNtxTrp56wV&period=2017&orgUnit=OU_525&inputOrgUnitIdScheme=CODE");
    assert_eq!(read["dataValues"][0]["value"], "12");
    assert_eq!(read["dataValues"][0]["dataElement"], "tpz77FcntKx");
}

#[test]
fn data_element_parameter_counts_from_2_39() {
    let mut old = Instance::loaded("2.38");
    let (status, _) =
        old.get("/api/dataValueSets?dataElement=tpz77FcntKx&period=2018&orgUnit=O6uvpzGd5pu");
    assert_eq!(status, 409);
    let mut new = Instance::loaded("2.39");
    let (status, body) =
        new.get("/api/dataValueSets?dataElement=tpz77FcntKx&period=2018&orgUnit=O6uvpzGd5pu");
    assert_eq!(status, 200);
    assert_eq!(body["dataValues"][0]["value"], "500000");
}

#[test]
fn last_updated_and_limit() {
    let mut instance = Instance::loaded("2.41");
    let (_, all) = instance
        .get("/api/dataValueSets?dataSet=qNtxTrp56wV&lastUpdated=2000-01-01&orgUnit=O6uvpzGd5pu");
    assert!(all["dataValues"].as_array().unwrap().len() > 3);
    let (_, future) = instance
        .get("/api/dataValueSets?dataSet=qNtxTrp56wV&lastUpdated=2999-01-01&orgUnit=O6uvpzGd5pu");
    assert_eq!(future["dataValues"], json!([]));
    let (_, limited) = instance.get(
        "/api/dataValueSets?dataSet=qNtxTrp56wV&lastUpdated=2000-01-01&orgUnit=O6uvpzGd5pu&limit=3",
    );
    assert_eq!(limited["dataValues"].as_array().unwrap().len(), 3);
}

#[test]
fn analytics_sums_months_into_quarters_over_the_subtree() {
    let mut instance = Instance::loaded("2.41");
    let payload = json!({ "dataValues": [
        {"dataElement": "tpz77FcntKx", "period": "201901", "orgUnit": "DiszpKrYNg8", "value": "5"},
        {"dataElement": "tpz77FcntKx", "period": "201902", "orgUnit": "g8upMTyEZGZ", "value": "7"},
        {"dataElement": "tpz77FcntKx", "period": "201904", "orgUnit": "g8upMTyEZGZ", "value": "100"},
    ]});
    let imported = json_of(&instance.send("POST", "/api/dataValueSets", &payload));
    assert_eq!(imported["response"]["importCount"]["imported"], 3);
    let (status, body) = instance.get("/api/analytics/dataValueSet.json?dimension=dx:tpz77FcntKx&dimension=pe:2019Q1;2019&dimension=ou:ImspTQPwCqd;DiszpKrYNg8");
    assert_eq!(status, 200);
    let rows: Vec<(String, String, String)> = body["dataValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["period"].as_str().unwrap().into(),
                v["orgUnit"].as_str().unwrap().into(),
                v["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        rows.contains(&("2019Q1".into(), "ImspTQPwCqd".into(), "12".into())),
        "{rows:?}"
    );
    assert!(rows.contains(&("2019Q1".into(), "DiszpKrYNg8".into(), "5".into())));
    assert!(rows.contains(&("2019".into(), "ImspTQPwCqd".into(), "112".into())));
    let (status, missing) = instance
        .get("/api/analytics/dataValueSet.json?dimension=dx:tpz77FcntKx&dimension=ou:ImspTQPwCqd");
    assert_eq!(status, 409);
    assert_eq!(missing["errorCode"], "E7118");
    let (_, coded) = instance.get("/api/analytics/dataValueSet.json?dimension=dx:tpz77FcntKx&dimension=pe:2019&dimension=ou:ImspTQPwCqd&outputIdScheme=CODE");
    assert_eq!(coded["dataValues"][0]["dataElement"], "TA_GEN_EXT_FUND");
}
