//! Read side of the metadata API: schemas, lists with fields/filter/order/paging, single
//! objects, `/api/metadata` export, dependency export, sharing and identifiable objects.

mod metadata_common;

use metadata_common::*;
use serde_json::{json, Value};

/// An instance with the setup and aggregate payloads of DHIS2's e2e tests.
fn seeded(minor: u32) -> Instance {
    let dir = reference_dir();
    let mut sim = Instance::new(minor);
    for file in [
        "setup/metadata.json",
        "aggregate/metadata.json",
        "setup/tracker_metadata.json",
    ] {
        let body = sim.import(&read_payload(&dir, file), "");
        assert!(error_messages(&body).is_empty(), "2.{minor} {file}: {body}");
    }
    sim
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn schemas_describe_owner_references() {
    let mut sim = Instance::new(41);
    let schemas = sim.get_json("/api/schemas");
    let all = schemas["schemas"].as_array().unwrap();
    assert!(all.len() >= 41, "{} schemas", all.len());
    let data_set = sim.get_json("/api/schemas/dataSet");
    assert_eq!(data_set["klass"], "org.hisp.dhis.dataset.DataSet");
    assert_eq!(data_set["plural"], "dataSets");
    assert_eq!(data_set["metadata"], true);
    assert_eq!(data_set["shareable"], true);
    assert_eq!(data_set["order"], 1310);
    let property = |schema: &Value, name: &str| {
        schema["properties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap()
    };
    let elements = property(&data_set, "dataSetElements");
    assert_eq!(elements["propertyType"], "COLLECTION");
    assert_eq!(
        elements["itemKlass"],
        "org.hisp.dhis.dataset.DataSetElement"
    );
    assert_eq!(elements["owner"], true);
    assert_eq!(elements["embeddedObject"], true);
    let combo = property(&data_set, "categoryCombo");
    assert_eq!(combo["propertyType"], "REFERENCE");
    assert_eq!(combo["klass"], "org.hisp.dhis.category.CategoryCombo");
    assert_eq!(property(&data_set, "sections")["owner"], false);
    let element = sim.get_json("/api/schemas/dataSetElement");
    assert_eq!(
        property(&element, "dataElement")["klass"],
        "org.hisp.dhis.dataelement.DataElement"
    );
    let data_element = sim.get_json("/api/schemas/dataElement");
    assert_eq!(property(&data_element, "name")["unique"], true);
    assert_eq!(property(&data_element, "code")["unique"], true);
    assert_eq!(property(&data_element, "id")["propertyType"], "IDENTIFIER");
    let trimmed = sim.get_json("/api/schemas?fields=plural,order");
    assert_eq!(trimmed["schemas"][0].as_object().unwrap().len(), 2);
    // Version differences: users carry credentials themselves from 2.38.
    let old_user = Instance::new(37).get_json("/api/schemas/user");
    assert!(old_user["properties"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "userCredentials"));
    assert!(!old_user["properties"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "username"));
    assert_eq!(sim.request("GET", "/api/schemas/nothing", b"").status, 404);
}

#[test]
fn lists_page_filter_order_and_select_fields() {
    let mut sim = seeded(40);
    let all = sim.get_json("/api/dataElements?paging=false&fields=id");
    let total = all["dataElements"].as_array().unwrap().len();
    assert!(all.get("pager").is_none());
    let page = sim.get_json("/api/dataElements?pageSize=10&page=2&order=name:desc");
    let pager = &page["pager"];
    assert_eq!(pager["page"], 2);
    assert_eq!(pager["pageSize"], 10);
    assert_eq!(pager["total"], total);
    assert_eq!(pager["pageCount"], total.div_ceil(10));
    assert_eq!(
        pager["prevPage"].as_str().unwrap(),
        format!("{BASE_URL}/api/dataElements?page=1&pageSize=10&order=name:desc")
    );
    assert!(pager["nextPage"].as_str().unwrap().contains("page=3"));
    let items = page["dataElements"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    // Default list fields are id and displayName.
    assert_eq!(
        items[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        vec!["displayName", "id"]
    );
    let names: Vec<&str> = items
        .iter()
        .map(|i| i["displayName"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, sorted);

    let filtered = sim.get_json("/api/dataElements?filter=name:ilike:malaria&filter=domainType:eq:AGGREGATE&fields=id,name&paging=false");
    let found = filtered["dataElements"].as_array().unwrap();
    assert!(!found.is_empty());
    assert!(found.iter().all(|d| d["name"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("malaria")));
    let by_combo = sim.get_json("/api/dataElements?filter=categoryCombo.id:!eq:bjDvmb4bfuf&fields=id,categoryCombo[id,name]&paging=false");
    assert!(by_combo["dataElements"]
        .as_array()
        .unwrap()
        .iter()
        .all(
            |d| d["categoryCombo"]["id"] != "bjDvmb4bfuf" && d["categoryCombo"]["name"].is_string()
        ));
    let either = sim.get_json("/api/dataElements?filter=id:eq:FRbgzTZ74Hh&filter=id:eq:tpz77FcntKx&rootJunction=OR&fields=id");
    assert_eq!(either["dataElements"].as_array().unwrap().len(), 2);
    let listed = sim.get_json("/api/dataElements?filter=id:in:[FRbgzTZ74Hh,tpz77FcntKx]&fields=id");
    assert_eq!(listed["pager"]["total"], 2);
    let newer =
        sim.get_json("/api/dataElements?filter=lastUpdated:gt:2020-01-01&fields=id&paging=false");
    assert_eq!(
        newer["dataElements"].as_array().unwrap().len(),
        total,
        "import sets lastUpdated to now"
    );
    let with_option_set =
        sim.get_json("/api/dataElements?filter=optionSet:!null&fields=id,optionSet&paging=false");
    assert!(with_option_set["dataElements"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["optionSet"]["id"].is_string()));

    let data_set = sim.get_json("/api/dataSets/qNtxTrp56wV?fields=id,name,dataSetElements[dataElement[id,name]],organisationUnits~size,!name");
    assert!(data_set.get("name").is_none());
    assert_eq!(data_set["organisationUnits"], 4);
    assert!(data_set["dataSetElements"][0]["dataElement"]["name"].is_string());
    let full = sim.get_json("/api/dataSets/qNtxTrp56wV");
    assert_eq!(full["href"], format!("{BASE_URL}/api/dataSets/qNtxTrp56wV"));
    assert_eq!(full["displayName"], full["name"]);
    assert_eq!(full["access"]["read"], true);
    assert!(full["sharing"].is_object() && full["publicAccess"].is_string());
    let owner = sim.get_json("/api/dataSets/qNtxTrp56wV?fields=:owner");
    assert!(
        owner.get("href").is_none()
            && owner.get("access").is_none()
            && owner.get("displayName").is_none()
    );
    let tree = sim.get_json("/api/organisationUnits?level=1&fields=id,path,children[id,level]");
    let root = &tree["organisationUnits"][0];
    let root_id = root["id"].as_str().unwrap().to_string();
    assert_eq!(root["path"], format!("/{root_id}"));
    assert!(root["children"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["level"] == 2));
    let family = sim.get_json(&format!(
        "/api/organisationUnits/{root_id}?includeDescendants=true&fields=id,level"
    ));
    let units = family["organisationUnits"].as_array().unwrap();
    assert_eq!(units[0]["id"], root_id.as_str());
    let everything = sim.get_json("/api/organisationUnits?paging=false&fields=id");
    assert_eq!(
        units.len(),
        everything["organisationUnits"].as_array().unwrap().len()
    );
    let children = sim.get_json(&format!(
        "/api/organisationUnits/{root_id}?level=1&fields=id,level"
    ));
    assert!(children["organisationUnits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["level"] == 2));
}

#[test]
fn missing_objects_answer_404_per_version() {
    for minor in [30, 39, 40, 42] {
        let mut sim = Instance::new(minor);
        let response = sim.request("GET", "/api/dataElements/xxxxxxxxxxx", b"");
        assert_eq!(response.status, 404);
        let body = response.body_json().unwrap();
        assert_eq!(
            body["message"],
            "DataElement with id xxxxxxxxxxx could not be found."
        );
        assert_eq!(body["httpStatus"], "Not Found");
        assert_eq!(body.get("errorCode").is_some(), minor >= 40, "2.{minor}");
    }
}

#[test]
fn metadata_export_selects_types_fields_and_defaults() {
    let mut sim = seeded(38);
    let everything = sim.get_json("/api/metadata");
    assert_eq!(everything["system"]["version"], "2.38.0");
    assert!(everything["dataSets"].is_array() && everything["programs"].is_array());
    let element = &everything["dataElements"][0];
    assert!(element.get("href").is_none(), ":owner is the default");
    assert!(element["categoryCombo"]["id"].is_string());
    let selected = sim.get_json("/api/metadata?categoryCombos=true&defaults=EXCLUDE&skipSharing=true&categoryCombos:fields=id,name");
    let keys: Vec<&String> = selected.as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["categoryCombos", "system"]);
    let combos = selected["categoryCombos"].as_array().unwrap();
    assert!(combos
        .iter()
        .all(|c| c["name"] != "default" && c.as_object().unwrap().len() == 2));
    let filtered = sim.get_json("/api/metadata?dataElements:filter=id:eq:FRbgzTZ74Hh&dataElements:fields=id&skipSharing=true");
    assert_eq!(filtered["dataElements"], json!([{ "id": "FRbgzTZ74Hh" }]));
    let no_sharing = sim.get_json("/api/metadata?dataSets=true&skipSharing=true");
    let data_set = no_sharing["dataSets"][0].as_object().unwrap();
    for key in ["sharing", "publicAccess", "user", "userGroupAccesses"] {
        assert!(!data_set.contains_key(key), "{key} should be skipped");
    }
}

#[test]
fn dependency_export_brings_what_dhis2_brings() {
    let mut sim = seeded(41);
    let export = sim.get_json("/api/dataSets/qNtxTrp56wV/metadata");
    assert_eq!(ids(&export, "dataSets"), vec!["qNtxTrp56wV"]);
    let elements = ids(&export, "dataElements");
    assert!(
        elements.contains(&"FRbgzTZ74Hh".to_string())
            && elements.contains(&"dFaBg0HpoIL".to_string())
    );
    assert!(ids(&export, "categoryCombos").contains(&"BwnnrV1AkNj".to_string()));
    assert!(!ids(&export, "categories").is_empty());
    assert!(!ids(&export, "categoryOptions").is_empty());
    assert!(!ids(&export, "categoryOptionCombos").is_empty());
    assert!(
        export.get("organisationUnits").is_none(),
        "org units stay behind"
    );
    // Re-importing the dependency export into a fresh instance needs nothing else
    // (apart from the org units and user groups the data set is shared with).
    let program = sim
        .get_json("/api/programs?fields=id&paging=false&filter=programType:eq:WITH_REGISTRATION");
    let program_id = program["programs"][0]["id"].as_str().unwrap().to_string();
    let program_export = sim.get_json(&format!("/api/programs/{program_id}/metadata"));
    assert!(!ids(&program_export, "programStages").is_empty());
    assert!(!ids(&program_export, "trackedEntityTypes").is_empty());
    assert!(!ids(&program_export, "trackedEntityAttributes").is_empty());

    let missing = sim.request("GET", "/api/dataSets/xxxxxxxxxxx/metadata", b"");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.body_json().unwrap()["message"],
        "DataSet not found for uid: xxxxxxxxxxx"
    );
    assert_eq!(
        sim.request("GET", "/api/dataElements/FRbgzTZ74Hh/metadata", b"")
            .status,
        404
    );
    let mut old = Instance::new(31);
    let option_sets = old.request("GET", "/api/optionSets/xxxxxxxxxxx/metadata", b"");
    assert_eq!(option_sets.status, 404);
    assert!(option_sets.body_json().unwrap()["message"]
        .as_str()
        .unwrap()
        .contains("metadata"));
}

#[test]
fn sharing_is_read_written_and_enforced() {
    let mut sim = seeded(41);
    let sharing = sim.get_json("/api/sharing?type=dataElement&id=FRbgzTZ74Hh");
    assert_eq!(sharing["meta"]["allowPublicAccess"], true);
    assert_eq!(sharing["object"]["id"], "FRbgzTZ74Hh");
    assert!(sharing["object"]["publicAccess"].is_string());
    assert!(
        sharing["meta"].get("allowExternalAccess").is_some(),
        "2.41.0 still has external access"
    );
    let update = json!({ "object": { "publicAccess": "--------", "userGroupAccesses": [] } });
    let response = sim.request(
        "POST",
        "/api/sharing?type=dataElement&id=FRbgzTZ74Hh",
        &serde_json::to_vec(&update).unwrap(),
    );
    assert_eq!(response.status, 200);
    assert_eq!(
        response.body_json().unwrap()["message"],
        "Access control set"
    );
    let object = sim.get_json("/api/dataElements/FRbgzTZ74Hh?fields=publicAccess,sharing");
    assert_eq!(object["publicAccess"], "--------");
    assert_eq!(object["sharing"]["public"], "--------");
    let bad = json!({ "object": { "publicAccess": "xx" } });
    assert_eq!(
        sim.request(
            "POST",
            "/api/sharing?type=dataElement&id=FRbgzTZ74Hh",
            &serde_json::to_vec(&bad).unwrap()
        )
        .status,
        409
    );
    assert_eq!(
        sim.request("GET", "/api/sharing?type=dataElement&id=xxxxxxxxxxx", b"")
            .status,
        404
    );
    assert_eq!(
        sim.request("GET", "/api/sharing?type=nothing&id=x", b"")
            .status,
        409
    );
    let clerk = dhis2_sim::Account {
        id: "clerkUser01".into(),
        username: "clerk".into(),
        password: "x".into(),
        first_name: "C".into(),
        surname: "Lerk".into(),
        user_roles: vec![],
        authorities: vec![],
        user_groups: vec![],
        organisation_units: vec![],
    };
    let hidden = sim
        .request_as(&clerk, "GET", "/api/dataElements/FRbgzTZ74Hh", b"")
        .unwrap();
    assert_eq!(hidden.status, 403);
    let list = sim
        .request_as(&clerk, "GET", "/api/dataElements?paging=false", b"")
        .unwrap();
    let visible = ids(&list.body_json().unwrap(), "dataElements");
    assert!(!visible.contains(&"FRbgzTZ74Hh".to_string()));
    assert!(sim
        .request_as(&clerk, "GET", "/api/sharing?type=dataStore&id=x", b"")
        .is_none());
    let newer = Instance::new(42).get_json("/api/sharing?type=categoryOption&id=xYerKDKCefk");
    assert!(newer["meta"].get("allowExternalAccess").is_none());
    assert_eq!(newer["object"]["userAccesses"], json!([]));
    let older = Instance::new(34).get_json("/api/sharing?type=categoryOption&id=xYerKDKCefk");
    assert!(
        older["object"].get("userAccesses").is_none(),
        "2.34 omits empty lists"
    );
    assert_eq!(older["object"]["publicAccess"], "rwrw----");
}

#[test]
fn identifiable_objects_and_unrelated_paths() {
    let mut sim = seeded(36);
    let found = sim.get_json("/api/identifiableObjects/FRbgzTZ74Hh?fields=id,href");
    assert_eq!(
        found["href"],
        format!("{BASE_URL}/api/dataElements/FRbgzTZ74Hh")
    );
    assert_eq!(
        sim.request("GET", "/api/identifiableObjects/xxxxxxxxxxx", b"")
            .status,
        404
    );
    assert_eq!(
        sim.request("POST", "/api/identifiableObjects/FRbgzTZ74Hh", b"{}")
            .status,
        405
    );
    let user = sim.user.clone();
    assert!(sim
        .request_as(&user, "GET", "/api/dataValueSets", b"")
        .is_none());
    assert!(sim.request_as(&user, "GET", "/api/me", b"").is_none());
    let elements =
        sim.get_json("/api/dataSets/qNtxTrp56wV/dataSetElements?fields=dataElement[id,name]");
    let listed = elements["dataSetElements"].as_array().unwrap();
    assert!(!listed.is_empty() && listed.iter().all(|e| e["dataElement"]["name"].is_string()));
    assert_eq!(
        sim.request("GET", "/api/dataSets/qNtxTrp56wV/nothing", b"")
            .status,
        404
    );
    let categories = sim.get_json(
        "/api/categoryOptionCombos/HllvX50cXC0?fields=id,name,categoryCombo,categoryOptions",
    );
    assert_eq!(categories["categoryCombo"]["id"], "bjDvmb4bfuf");
    assert_eq!(
        categories["categoryOptions"],
        json!([{ "id": "xYerKDKCefk" }])
    );
}

#[test]
fn identifiable_token_combines_with_other_filters() {
    let mut sim = seeded(40);
    let all = sim.get_json("/api/dataElements?paging=false&fields=id,name,code");
    let first = all["dataElements"][0].clone();
    let name = first["name"].as_str().unwrap().to_string();
    let word = name.split_whitespace().next().unwrap().to_string();
    let found = sim.get_json(&format!(
        "/api/dataElements?paging=false&fields=id,name&filter=identifiable:token:{}&filter=lastUpdated:ge:2000-01-01",
        word.replace(' ', "%20")
    ));
    let found_ids = ids(&found, "dataElements");
    assert!(
        found_ids.contains(&first["id"].as_str().unwrap().to_string()),
        "{found}"
    );
    for object in found["dataElements"].as_array().unwrap() {
        let text = format!("{} {}", object["id"], object["name"]).to_lowercase();
        let code = all["dataElements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == object["id"])
            .and_then(|o| o["code"].as_str())
            .unwrap_or_default()
            .to_lowercase();
        assert!(text.contains(&word.to_lowercase()) || code.contains(&word.to_lowercase()));
    }
    let none = sim.get_json(
        "/api/dataElements?paging=false&filter=identifiable:token:zzzznotthere&filter=lastUpdated:ge:2000-01-01",
    );
    assert_eq!(ids(&none, "dataElements"), Vec::<String>::new());
}
