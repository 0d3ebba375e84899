//! `/api/system/info` (§5.2); the system settings are in [`crate::system_settings`].

use crate::{fields, RequestContext, SimResponse};
use serde_json::{json, Map, Value};

/// Fixed identity of the simulated server (revision and build time are part of the version).
const REVISION: &str = "5d1e5f2";

/// `/api/system/info`, with the fields of the version, `fields=` honoured.
pub fn system_info(ctx: &RequestContext, system_name: &str) -> SimResponse {
    let version = ctx.version;
    let now = crate::clock::now_iso();
    let mut info = json!({
        "contextPath": ctx.base_url,
        "userAgent": "dhis2-sim",
        "calendar": "iso8601",
        "dateFormat": "yyyy-mm-dd",
        "serverDate": now,
        "lastAnalyticsTableSuccess": now,
        "intervalSinceLastAnalyticsTableSuccess": "0 s",
        "lastAnalyticsTableRuntime": "1 s",
        "version": version.system_info_string(),
        "revision": REVISION,
        "buildTime": "2024-01-01T00:00:00.000",
        "jasperReportsVersion": "6.3.1",
        "environmentVariable": "DHIS2_HOME",
        "readOnlyMode": "off",
        "nodeId": "",
        "javaVersion": if version.at_least(38, 0) { "17.0.9" } else { "1.8.0_392" },
        "javaVendor": "Eclipse Adoptium",
        "javaOpts": "",
        "osName": "Linux",
        "osArchitecture": "amd64",
        "osVersion": "6.1",
        "externalDirectory": "/opt/dhis2",
        "readReplicaCount": 0,
        "memoryInfo": "Mem Total in JVM: 2048 Mb",
        "cpuCores": 2,
        "encryption": false,
        "emailConfigured": false,
        "redisEnabled": false,
        "systemId": "00000000-0000-4000-8000-5100000000d2",
        "systemName": system_name,
        "instanceBaseUrl": ctx.base_url,
        "clusterHostname": "",
        "isMetadataVersionEnabled": true,
        "lastSystemMonitoringSuccess": now,
        "databaseInfo": {"type": "PostgreSQL", "spatialSupport": true},
    });
    if version.at_least(32, 0) {
        info["fileStoreProvider"] = json!("filesystem");
        info["systemMetadataVersion"] = json!("");
    }
    // Property names by version, as DHIS2's published JSON schemas list them.
    if version.at_least(36, 0) {
        info["serverTimeZoneId"] = json!("Etc/UTC");
        info["serverTimeZoneDisplayName"] = json!("Coordinated Universal Time");
    }
    let sync_flag = if version.at_least(39, 0) {
        "isMetadataSyncEnabled"
    } else {
        "metadataSyncEnabled"
    };
    info[sync_flag] = json!(false);
    // 2.41 shows non-superusers a reduced view (`SystemInfo.withoutSensitiveInfo`).
    if version.at_least(41, 0) && !ctx.user.is_superuser() {
        info = keep_only(
            &info,
            &[
                "contextPath",
                "userAgent",
                "calendar",
                "dateFormat",
                "serverDate",
                "serverTimeZoneId",
                "serverTimeZoneDisplayName",
                "version",
                "revision",
                "buildTime",
                "systemId",
                "systemName",
                "instanceBaseUrl",
                "encryption",
                "emailConfigured",
                "isMetadataVersionEnabled",
                "isMetadataSyncEnabled",
            ],
        );
    }
    SimResponse::json(200, &filtered(ctx, info))
}

fn keep_only(value: &Value, keys: &[&str]) -> Value {
    let mut out = Map::new();
    for key in keys {
        if let Some(v) = value.get(*key) {
            out.insert((*key).to_string(), v.clone());
        }
    }
    Value::Object(out)
}

/// Applies `fields=` when given.
pub fn filtered(ctx: &RequestContext, value: Value) -> Value {
    match ctx.query.get("fields").filter(|f| !f.trim().is_empty()) {
        Some(spec) => fields::apply(&value, &fields::parse(spec)),
        None => value,
    }
}
