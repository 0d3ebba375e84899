//! The world of DHIS2's `DataValueSetServiceIntegrationTest` (dhis2-core
//! `dhis-test-integration/.../dxf2/datavalueset/DataValueSetServiceIntegrationTest.java`,
//! `setUpTest`): org units A, B, C (separate roots), data set A (monthly, default combo, data
//! elements A–D, org units A and C), category combo A with option combos kjuiHgy67hg (option A)
//! and Gad33qy67g5 (option B), and user A capturing data in org units A and B with data write
//! sharing on data set A and both options. The payloads are the JSON forms of the test's XML
//! files (`dxf2/datavalueset/dataValueSet*.xml`).

use super::{call_as, json_of};
use dhis2_sim::data_values::DataValueStore;
use dhis2_sim::metadata::MetadataStore;
use dhis2_sim::{Account, SimResponse, SimVersion};
use serde_json::{json, Value};

pub const OU_A: &str = "DiszpKrYNg8";
pub const OU_B: &str = "BdfsJfj87js";
pub const OU_C: &str = "j7Hg26FpoIa";
pub const DS_A: &str = "pBOMPrpg1QX";
pub const DE_A: &str = "f7n9E0hX8qk";
pub const DE_B: &str = "Ix2HsbDMLea";
pub const DE_C: &str = "eY5ehpbEsB7";
pub const DE_F: &str = "jH26dja2f30";
pub const OC_A: &str = "kjuiHgy67hg";
pub const OC_B: &str = "Gad33qy67g5";
pub const CO_A: &str = "coOptionA01";
pub const CO_B: &str = "coOptionB01";
pub const USER_A: &str = "userAccA001";
const DEFAULT_COMBO: &str = "bjDvmb4bfuf";

/// User A: `F_DATAVALUE_ADD` (the test calls the service, the simulator the endpoint, which
/// asks for it) and `F_SKIP_DATA_IMPORT_AUDIT`, capturing in org units A and B.
pub fn user_a() -> Account {
    Account {
        id: USER_A.into(),
        username: "usera".into(),
        password: "district".into(),
        first_name: "FirstNameA".into(),
        surname: "SurnameA".into(),
        user_roles: vec![],
        authorities: vec!["F_DATAVALUE_ADD".into(), "F_SKIP_DATA_IMPORT_AUDIT".into()],
        user_groups: vec![],
        organisation_units: vec![
            (OU_A.into(), format!("/{OU_A}")),
            (OU_B.into(), format!("/{OU_B}")),
        ],
    }
}

/// Sharing with data read/write for user A only (`enableDataSharing(user, …, access)`).
fn shared(access: &str) -> Value {
    json!({ "public": "rw------", "external": false,
            "users": { USER_A: { "id": USER_A, "access": access } } })
}

fn unit(id: &str, name: &str) -> Value {
    json!({ "id": id, "name": name, "shortName": name, "openingDate": "1970-01-01" })
}

fn element(id: &str, name: &str, value_type: &str) -> Value {
    json!({ "id": id, "name": name, "shortName": name, "valueType": value_type,
            "domainType": "AGGREGATE", "aggregationType": "SUM",
            "categoryCombo": { "id": DEFAULT_COMBO } })
}

pub struct World {
    pub at: SimVersion,
    pub metadata: MetadataStore,
    pub values: DataValueStore,
}

impl World {
    pub fn new(at: &str) -> World {
        let at: SimVersion = at.parse().expect("test versions are valid");
        let mut metadata = MetadataStore::new(at, &[super::admin(), user_a()]);
        let mut add = |plural: &str, object: Value| {
            metadata
                .insert(plural, object)
                .unwrap_or_else(|error| panic!("{plural}: {error}"));
        };
        add("organisationUnits", unit(OU_A, "OrganisationUnitA"));
        add("organisationUnits", unit(OU_B, "OrganisationUnitB"));
        add("organisationUnits", unit(OU_C, "OrganisationUnitC"));
        for (id, name) in [(CO_A, "CategoryOptionA"), (CO_B, "CategoryOptionB")] {
            add(
                "categoryOptions",
                json!({ "id": id, "name": name, "shortName": name, "sharing": shared("--rw----") }),
            );
        }
        add(
            "categories",
            json!({ "id": "catCategA01", "name": "CategoryA", "shortName": "CategoryA",
            "dataDimensionType": "DISAGGREGATION", "categoryOptions": [{ "id": CO_A }, { "id": CO_B }] }),
        );
        add(
            "categoryCombos",
            json!({ "id": "ccComboA001", "name": "CategoryComboA",
            "dataDimensionType": "DISAGGREGATION", "categories": [{ "id": "catCategA01" }] }),
        );
        for (id, option) in [(OC_A, CO_A), (OC_B, CO_B)] {
            add(
                "categoryOptionCombos",
                json!({ "id": id, "name": id, "code": format!("OC_{option}"),
                "categoryCombo": { "id": "ccComboA001" }, "categoryOptions": [{ "id": option }] }),
            );
        }
        for (id, name) in [
            (DE_A, "DataElementA"),
            (DE_B, "DataElementB"),
            (DE_C, "DataElementC"),
            ("deDataElD01", "DataElementD"),
        ] {
            add("dataElements", element(id, name, "INTEGER"));
        }
        add("dataElements", element(DE_F, "DataElementF", "BOOLEAN"));
        let members: Vec<Value> = [DE_A, DE_B, DE_C, "deDataElD01"]
            .iter()
            .map(|de| json!({ "dataElement": { "id": de }, "dataSet": { "id": DS_A } }))
            .collect();
        add(
            "dataSets",
            json!({ "id": DS_A, "name": "DataSetA", "shortName": "DataSetA", "code": "DS_A",
            "periodType": "Monthly", "categoryCombo": { "id": DEFAULT_COMBO }, "expiryDays": 0,
            "dataSetElements": members,
            "organisationUnits": [{ "id": OU_A }, { "id": OU_C }],
            "sharing": shared("--rw----") }),
        );
        World {
            at,
            metadata,
            values: DataValueStore::new(),
        }
    }

    /// Changes stored fields of an object (`sharing`, `startDate`, `expiryDays` …).
    pub fn change(&mut self, plural: &str, id: &str, fields: Value) {
        let mut object = self
            .metadata
            .get(plural, id)
            .cloned()
            .unwrap_or_else(|| panic!("no {plural} {id}"));
        for (key, value) in fields.as_object().into_iter().flatten() {
            object[key] = value.clone();
        }
        self.metadata
            .insert(plural, object)
            .unwrap_or_else(|error| panic!("{plural} {id}: {error}"));
    }

    /// `enableDataSharing(user, object, access)`.
    pub fn share(&mut self, plural: &str, id: &str, access: &str) {
        self.change(plural, id, json!({ "sharing": shared(access) }));
    }

    pub fn send_as(
        &mut self,
        user: &Account,
        method: &str,
        url: &str,
        body: &Value,
    ) -> SimResponse {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let (values, metadata) = (&mut self.values, &mut self.metadata);
        // As the dispatcher routes them: the data import settings, then the data endpoints.
        call_as(self.at, user, method, url, &bytes, |ctx| {
            values
                .system_settings
                .handle(ctx)
                .or_else(|| values.handle(ctx, metadata))
        })
    }

    /// `POST url` as user A; the `ImportSummary`, unwrapped on 2.38+.
    pub fn import(&mut self, url: &str, body: &Value) -> Value {
        let body = json_of(&self.send_as(&user_a(), "POST", url, body));
        match body.get("response") {
            Some(summary) if summary["responseType"] == "ImportSummary" => summary.clone(),
            _ => body,
        }
    }
}

fn value(element: &str, period: &str, unit: &str, value: &str) -> Value {
    json!({ "dataElement": element, "period": period, "orgUnit": unit, "value": value,
            "storedBy": "john", "comment": "comment", "followup": false })
}

/// `dataValueSetA.xml`.
pub fn set_a() -> Value {
    json!({ "dataSet": DS_A, "dataValues": [
        value(DE_A, "201201", OU_A, "10001"), value(DE_A, "201201", OU_B, "10002"),
        value(DE_A, "201202", OU_A, "10003")] })
}

/// `dataValueSetACatCombo.xml`.
pub fn set_a_cat_combo() -> Value {
    let mut first = value(DE_A, "201201", OU_A, "10001");
    first["categoryOptionCombo"] = json!(OC_A);
    let mut second = value(DE_B, "201201", OU_A, "10002");
    second["categoryOptionCombo"] = json!(OC_B);
    json!({ "dataSet": DS_A, "completeDate": "2012-01-09", "period": "201201", "orgUnit": OU_A,
            "dataValues": [first, second, value(DE_C, "201201", OU_A, "10003")] })
}

/// `dataValueSetE.xml`.
pub fn set_e() -> Value {
    json!({ "dataSet": DS_A, "completeDate": "2012-01-09", "attributeOptionCombo": OC_A, "dataValues": [
        value(DE_A, "201201", OU_A, "10001"), value(DE_B, "201201", OU_C, "10002"),
        value(DE_C, "201201", OU_C, "10004")] })
}

/// `dataValueSetH.xml`.
pub fn set_h() -> Value {
    json!({ "dataSet": DS_A, "attributeOptionCombo": OC_A, "dataValues": [
        value(DE_A, "201201", OU_A, "10001"), value(DE_B, "201202", OU_B, "10002"),
        value(DE_C, "201203", OU_C, "10003")] })
}

/// `dataValueSetNonStrict.xml`.
pub fn non_strict() -> Value {
    let mut first = value(DE_A, "201201", OU_A, "10001");
    first["categoryOptionCombo"] = json!(OC_A);
    let mut second = value(DE_B, "2012Q2", OU_A, "10002");
    second["attributeOptionCombo"] = json!(OC_B);
    json!({ "dataSet": DS_A, "dataValues": [first, second, value(DE_C, "2012", OU_B, "10003")] })
}

/// The conflicts of a summary as `(errorCode, indexes)`.
pub fn codes(summary: &Value) -> Vec<(String, Value)> {
    summary["conflicts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["errorCode"].as_str().unwrap_or("-").to_string(),
                c["indexes"].clone(),
            )
        })
        .collect()
}

/// `importCount` as `[imported, updated, ignored, deleted]`.
pub fn counts(summary: &Value) -> [u64; 4] {
    let count = |key: &str| summary["importCount"][key].as_u64().unwrap_or(99);
    [
        count("imported"),
        count("updated"),
        count("ignored"),
        count("deleted"),
    ]
}
