//! One normalized metadata import result from every version's response shape:
//! 2.30–2.36 raw `ImportReport` (HTTP 200), 2.37 plain `ImportReportWebMessageResponse` (200),
//! 2.38+ `WebMessage` wrapper (409 when the report is not OK), and `/api/37` plain on 2.38+.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Dhis2Error, HttpResponse};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportStatus {
    Ok,
    Warning,
    Error,
}

impl ImportStatus {
    fn parse(text: Option<&str>) -> ImportStatus {
        match text.map(str::to_ascii_uppercase).as_deref() {
            Some("OK") | Some("SUCCESS") => ImportStatus::Ok,
            Some("WARNING") => ImportStatus::Warning,
            _ => ImportStatus::Error,
        }
    }

    /// The worse of two statuses.
    pub fn worst(self, other: ImportStatus) -> ImportStatus {
        self.max(other)
    }
}

impl PartialOrd for ImportStatus {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ImportStatus {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |s: &ImportStatus| match s {
            ImportStatus::Ok => 0,
            ImportStatus::Warning => 1,
            ImportStatus::Error => 2,
        };
        rank(self).cmp(&rank(other))
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStats {
    pub created: u64,
    pub updated: u64,
    pub deleted: u64,
    pub ignored: u64,
    pub total: u64,
}

impl ImportStats {
    pub fn add(&mut self, other: &ImportStats) {
        self.created += other.created;
        self.updated += other.updated;
        self.deleted += other.deleted;
        self.ignored += other.ignored;
        self.total += other.total;
    }

    fn from_value(value: Option<&Value>) -> ImportStats {
        let number = |key: &str| {
            value
                .and_then(|v| v.get(key))
                .and_then(Value::as_u64)
                .unwrap_or(0)
        };
        ImportStats {
            created: number("created"),
            updated: number("updated"),
            deleted: number("deleted"),
            ignored: number("ignored"),
            total: number("total"),
        }
    }
}

/// Stats of one type in an import (`klass` as the server names it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeImportStats {
    pub klass: String,
    pub stats: ImportStats,
}

/// One error the server reported about one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportError {
    pub object_id: Option<String>,
    /// Class of the object that failed (`org.hisp.dhis.dataelement.DataElement`).
    pub object_klass: Option<String>,
    /// The property at fault (`categoryCombo`), when the server names one.
    pub property: Option<String>,
    pub message: String,
    /// `E5002` and friends.
    pub code: Option<String>,
    /// Position of the object in its type's list in the payload.
    pub index: Option<u64>,
}

/// A metadata import result, the same for every DHIS2 version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    pub status: ImportStatus,
    pub stats: ImportStats,
    pub type_stats: Vec<TypeImportStats>,
    pub errors: Vec<ImportError>,
    pub http_status: u16,
    /// The WebMessage's message, when there was one.
    pub message: Option<String>,
    /// The response body as received, kept for download.
    pub raw: Value,
}

impl ImportResult {
    /// Reads an import response of any supported version. A response that is neither an
    /// import report nor a readable WebMessage is an error that says what came back.
    pub fn from_response(url: &str, response: &HttpResponse) -> Result<ImportResult, Dhis2Error> {
        let value: Option<Value> = serde_json::from_slice(&response.body).ok();
        let Some(value) = value.filter(Value::is_object) else {
            super::client::check_response("", url, response)?;
            return Err(Dhis2Error::NotJson {
                url: url.to_string(),
                status: response.status,
                snippet: response.text().chars().take(80).collect(),
            });
        };
        if let Some(report) = find_report(&value) {
            return Ok(ImportResult::from_report(report, response.status, &value));
        }
        // A WebMessage without a report: an error from the server (400, 500, a 409 conflict).
        if !response.is_success() || value.get("httpStatusCode").is_some() {
            super::client::check_response("", url, response)?;
            let status = ImportStatus::parse(value.get("status").and_then(Value::as_str));
            let message = value
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string);
            return Ok(ImportResult {
                status,
                stats: ImportStats::default(),
                type_stats: Vec::new(),
                errors: match (&message, status) {
                    (Some(text), ImportStatus::Error) => vec![ImportError {
                        object_id: None,
                        object_klass: None,
                        property: None,
                        message: text.clone(),
                        code: value
                            .get("errorCode")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        index: None,
                    }],
                    _ => Vec::new(),
                },
                http_status: response.status,
                message,
                raw: value,
            });
        }
        Err(Dhis2Error::Decode {
            url: url.to_string(),
            reason: "the answer is not a metadata import report".into(),
        })
    }

    fn from_report(report: &Value, http_status: u16, raw: &Value) -> ImportResult {
        let mut errors = Vec::new();
        let mut type_stats = Vec::new();
        for type_report in array(report.get("typeReports")) {
            let klass = text(type_report.get("klass")).unwrap_or_default();
            type_stats.push(TypeImportStats {
                klass: klass.clone(),
                stats: ImportStats::from_value(type_report.get("stats")),
            });
            for object_report in array(type_report.get("objectReports")) {
                let object_id = text(object_report.get("uid"));
                let object_klass = text(object_report.get("klass")).or(Some(klass.clone()));
                let index = object_report.get("index").and_then(Value::as_u64);
                for error in array(object_report.get("errorReports")) {
                    errors.push(ImportError {
                        object_id: text(error.get("mainId")).or(object_id.clone()),
                        // The object report's class is the refused object's; an error's
                        // `mainKlass` may name another (`Attribute` for E6012 on a program).
                        object_klass: object_klass.clone().or(text(error.get("mainKlass"))),
                        property: text(error.get("errorProperty")),
                        message: text(error.get("message")).unwrap_or_default(),
                        code: text(error.get("errorCode")),
                        index,
                    });
                }
            }
        }
        let status = ImportStatus::parse(report.get("status").and_then(Value::as_str));
        ImportResult {
            // A report that says OK but lists errors is not a success.
            status: if errors.is_empty() {
                status
            } else {
                status.worst(ImportStatus::Warning)
            },
            stats: ImportStats::from_value(report.get("stats")),
            type_stats,
            errors,
            http_status,
            message: text(raw.get("message")),
            raw: raw.clone(),
        }
    }
}

/// The ImportReport inside a body: the body itself (2.30–2.37, `/api/37`) or its `response`
/// (2.38+ wrapper, async task summaries).
fn find_report(value: &Value) -> Option<&Value> {
    let is_report = |v: &Value| {
        v.get("responseType").and_then(Value::as_str) == Some("ImportReport")
            || v.get("typeReports").is_some()
            || (v.get("stats").is_some()
                && v.get("status").is_some()
                && v.get("httpStatusCode").is_none())
    };
    if is_report(value) {
        return Some(value);
    }
    value.get("response").filter(|inner| is_report(inner))
}

fn array(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter())
        .into_iter()
        .flatten()
}

fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(status: u16, body: Value) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    fn report(status: &str, with_error: bool) -> Value {
        let object_reports = if with_error {
            json!([{ "klass": "org.hisp.dhis.dataelement.DataElement", "index": 0,
                "uid": "abcDEF12345", "errorReports": [{
                    "message": "Invalid reference [xxxxxxxxxxx] (CategoryCombo) on object abcDEF12345 for association `categoryCombo`",
                    "mainKlass": "org.hisp.dhis.dataelement.DataElement", "mainId": "abcDEF12345",
                    "errorKlass": "org.hisp.dhis.category.CategoryCombo",
                    "errorProperty": "categoryCombo", "errorCode": "E5002" }] }])
        } else {
            json!([])
        };
        json!({ "status": status,
            "stats": { "created": 1, "updated": 0, "deleted": 0, "ignored": 1, "total": 2 },
            "typeReports": [{ "klass": "org.hisp.dhis.dataelement.DataElement",
                "stats": { "created": 1, "updated": 0, "deleted": 0, "ignored": 1, "total": 2 },
                "objectReports": object_reports }] })
    }

    #[test]
    fn every_version_shape_gives_the_same_result() {
        let mut raw_230 = report("ERROR", true);
        raw_230["importParams"] = json!({"importMode": "COMMIT"});
        let mut plain_237 = report("ERROR", true);
        plain_237["responseType"] = json!("ImportReport");
        let wrapped_238 = json!({ "httpStatus": "Conflict", "httpStatusCode": 409,
            "status": "WARNING", "message": "One or more errors occurred, please see full details in import report.",
            "response": plain_237.clone() });
        let results: Vec<ImportResult> = [(200, raw_230), (200, plain_237), (409, wrapped_238)]
            .into_iter()
            .map(|(status, body)| {
                ImportResult::from_response("u", &response(status, body)).unwrap()
            })
            .collect();
        for result in &results {
            assert_eq!(result.status, ImportStatus::Error);
            assert_eq!(result.stats.created, 1);
            assert_eq!(result.stats.ignored, 1);
            assert_eq!(result.type_stats.len(), 1);
            assert_eq!(result.errors.len(), 1);
            let error = &result.errors[0];
            assert_eq!(error.object_id.as_deref(), Some("abcDEF12345"));
            assert_eq!(error.code.as_deref(), Some("E5002"));
            assert_eq!(error.property.as_deref(), Some("categoryCombo"));
        }
        assert_eq!(results[2].http_status, 409);
        assert!(results[2].message.is_some());
    }

    /// 2.39+ `MetadataAttributeCheck`: the error names the attribute class, the refused object
    /// is the program of the object report.
    #[test]
    fn errors_belong_to_the_object_reported() {
        let body = json!({ "status": "ERROR", "stats": { "ignored": 1 }, "typeReports": [{
            "klass": "org.hisp.dhis.program.Program", "stats": { "ignored": 1 },
            "objectReports": [{ "klass": "org.hisp.dhis.program.Program", "index": 0,
                "uid": "progNoAttr1", "errorReports": [{
                    "message": "Attribute `atProgCode1` is not assigned to `Program`",
                    "mainKlass": "org.hisp.dhis.attribute.Attribute", "errorCode": "E6012",
                    "errorProperties": ["atProgCode1", "Program"] }] }] }] });
        let result = ImportResult::from_response("u", &response(200, body)).unwrap();
        let error = &result.errors[0];
        assert_eq!(error.object_id.as_deref(), Some("progNoAttr1"));
        assert_eq!(
            error.object_klass.as_deref(),
            Some("org.hisp.dhis.program.Program")
        );
    }

    #[test]
    fn ok_report_and_server_errors() {
        let ok = json!({"httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
            "response": {"responseType": "ImportReport", "status": "OK",
                "stats": {"created": 0, "updated": 0, "deleted": 0, "ignored": 0, "total": 0},
                "typeReports": []}});
        let result = ImportResult::from_response("u", &response(200, ok)).unwrap();
        assert_eq!(result.status, ImportStatus::Ok);
        assert!(result.errors.is_empty());

        let failure = json!({"httpStatus": "Internal Server Error", "httpStatusCode": 500,
            "status": "ERROR", "message": "boom"});
        let error = ImportResult::from_response("u", &response(500, failure)).unwrap_err();
        assert_eq!(error.status(), Some(500));

        let html = HttpResponse {
            status: 502,
            headers: vec![],
            body: b"<html>bad gateway</html>".to_vec(),
        };
        assert!(ImportResult::from_response("u", &html).is_err());
    }
}
