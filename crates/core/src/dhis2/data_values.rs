//! Aggregated data values: `GET /api/dataValueSets` (the query), `POST /api/dataValueSets` and
//! its `ImportSummary`, decoded from every version's shape into one [`DataImportResult`].
//!
//! What differs by version (dhis2-core `DataValueSetController`, `WebMessageUtils.importSummary`,
//! `ImportConflict`; `../reference/DHIS2-API.md` §2.2):
//! - 2.30–2.36: the bare `ImportSummary`, HTTP 200 whatever happened; conflicts are
//!   `{object, value}` where `value` is the message; 2.30–2.34 leave empty lists out.
//! - 2.37: the bare summary (the "plain before V38" rule), conflicts structured:
//!   `{object?, objects{…}, value, errorCode, property?, indexes[]}`.
//! - 2.38+: a WebMessage around it, **409** when the status is WARNING or ERROR: that 409 is a
//!   result, not a transport error. `rejectedIndexes` from 2.39.2, 2.40.1, 2.41.0.
//! - `async=true`: a job (`DATAVALUE_IMPORT`) whose summary comes from
//!   `system/taskSummaries/DATAVALUE_IMPORT/{id}`, bare.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::check_response;
use super::import_jobs::{wait_for_job, JobOutcome, JobPolling, StartedJob};
use super::{Dhis2Client, Dhis2Error, HttpResponse, ImportStatus, Method, Transport};
use crate::clock::Clock;

/// One value the destination refused (or a refusal of the whole payload), as every version
/// reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataValueConflict {
    /// The object the conflict is about (a data element, an org unit, a period…), when named.
    pub object: Option<String>,
    /// 2.37+: the objects by kind (`dataElement`, `orgUnit`, `value`…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub objects: BTreeMap<String, String>,
    /// What the server said.
    pub message: String,
    /// `E7619` and friends (2.37+).
    pub code: Option<String>,
    /// The property at fault (`value`, `period`…), 2.37+.
    pub property: Option<String>,
    /// Positions of the refused values in the payload (2.37+).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<usize>,
}

/// The result of one data value import, the same for every DHIS2 version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataImportResult {
    pub status: ImportStatus,
    pub imported: u64,
    pub updated: u64,
    pub ignored: u64,
    pub deleted: u64,
    pub conflicts: Vec<DataValueConflict>,
    /// Values refused, by position in the payload (2.39.2+; else from the conflicts' indexes).
    pub rejected_indexes: Vec<usize>,
    pub http_status: u16,
    /// The WebMessage's message (2.38+), or the summary's description.
    pub message: Option<String>,
    /// The body as received, for download.
    pub raw: Value,
}

impl DataImportResult {
    /// Reads the answer to `POST /api/dataValueSets` (or a task summary) of any version. A 409
    /// that carries a summary is a result; anything else that is not a summary is an error
    /// saying what came back (a login page, a 500, a proxy's HTML).
    pub fn from_response(url: &str, response: &HttpResponse) -> Result<Self, Dhis2Error> {
        let value: Option<Value> = serde_json::from_slice(&response.body).ok();
        let Some(value) = value.filter(Value::is_object) else {
            check_response("", url, response)?;
            return Err(Dhis2Error::NotJson {
                url: url.to_string(),
                status: response.status,
                snippet: response.text().trim().chars().take(80).collect(),
            });
        };
        match find_summary(&value) {
            Some(summary) => Ok(Self::from_summary(summary, response.status, &value)),
            None => {
                check_response("", url, response)?;
                Err(Dhis2Error::Decode {
                    url: url.to_string(),
                    reason: "the answer is not a data value import summary".into(),
                })
            }
        }
    }

    fn from_summary(summary: &Value, http_status: u16, raw: &Value) -> Self {
        let counts = summary
            .get("importCount")
            .or_else(|| summary.get("dataValueCount"));
        let count = |key: &str| {
            counts
                .and_then(|c| c.get(key))
                .and_then(Value::as_u64)
                .unwrap_or(0)
        };
        let conflicts: Vec<DataValueConflict> = summary
            .get("conflicts")
            .and_then(Value::as_array)
            .map(|items| items.iter().map(conflict_of).collect())
            .unwrap_or_default();
        let mut rejected_indexes: Vec<usize> = match summary.get("rejectedIndexes") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_u64)
                .filter_map(|i| usize::try_from(i).ok())
                .collect(),
            _ => conflicts.iter().flat_map(|c| c.indexes.clone()).collect(),
        };
        rejected_indexes.sort_unstable();
        rejected_indexes.dedup();
        let mut status = match summary.get("status").and_then(Value::as_str) {
            Some("SUCCESS") | Some("OK") => ImportStatus::Ok,
            Some("WARNING") => ImportStatus::Warning,
            _ => ImportStatus::Error,
        };
        if !conflicts.is_empty() {
            status = status.worst(ImportStatus::Warning);
        }
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let mut conflicts = conflicts;
        let description = text(summary.get("description"));
        // A payload refused as a whole before 2.35 says why only in its description.
        if status == ImportStatus::Error && conflicts.is_empty() {
            if let Some(description) = &description {
                conflicts.push(DataValueConflict {
                    object: None,
                    objects: BTreeMap::new(),
                    message: description.clone(),
                    code: None,
                    property: None,
                    indexes: Vec::new(),
                });
            }
        }
        DataImportResult {
            status,
            imported: count("imported"),
            updated: count("updated"),
            ignored: count("ignored"),
            deleted: count("deleted"),
            conflicts,
            rejected_indexes,
            http_status,
            message: text(raw.get("message")).or(description),
            raw: raw.clone(),
        }
    }
}

/// The `ImportSummary` in a body: the body itself (before 2.38, `/api/37`, task summaries) or
/// the WebMessage's `response` (2.38+).
fn find_summary(value: &Value) -> Option<&Value> {
    let is_summary = |v: &Value| {
        v.get("responseType").and_then(Value::as_str) == Some("ImportSummary")
            || v.get("importCount").is_some()
            || v.get("dataValueCount").is_some()
    };
    if is_summary(value) {
        return Some(value);
    }
    value.get("response").filter(|inner| is_summary(inner))
}

fn conflict_of(item: &Value) -> DataValueConflict {
    let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_string);
    let objects = item
        .get("objects")
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let indexes = item
        .get("indexes")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_u64)
                .filter_map(|i| usize::try_from(i).ok())
                .collect()
        })
        .unwrap_or_default();
    DataValueConflict {
        object: text("object"),
        objects,
        // `value` is the message in every version.
        message: text("value").unwrap_or_default(),
        code: text("errorCode"),
        property: text("property"),
        indexes,
    }
}

/// The import strategy of a data value import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DataImportStrategy {
    /// New values and changes to existing ones (`CREATE_AND_UPDATE`).
    #[default]
    NewAndUpdates,
    /// New values only (`CREATE`).
    New,
    /// Changes to existing values only (`UPDATE`).
    Updates,
    /// Deletes the values sent (`DELETE`).
    Deletes,
}

impl DataImportStrategy {
    pub fn as_param(self) -> &'static str {
        match self {
            DataImportStrategy::NewAndUpdates => "CREATE_AND_UPDATE",
            DataImportStrategy::New => "CREATE",
            DataImportStrategy::Updates => "UPDATE",
            DataImportStrategy::Deletes => "DELETE",
        }
    }
}

/// How ids are written in reads and imports (`idScheme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DataIdScheme {
    #[default]
    Uid,
    Code,
}

impl DataIdScheme {
    pub fn as_param(self) -> &'static str {
        match self {
            DataIdScheme::Uid => "UID",
            DataIdScheme::Code => "CODE",
        }
    }
}

/// Parameters of one `POST /api/dataValueSets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataImportParams {
    pub strategy: DataImportStrategy,
    pub dry_run: bool,
    pub id_scheme: DataIdScheme,
    /// Needs `F_SKIP_DATA_IMPORT_AUDIT` on the destination.
    pub skip_audit: bool,
    /// Import as a job followed to the end (large chunks).
    pub asynchronous: bool,
}

impl DataImportParams {
    pub fn query(&self) -> String {
        let mut query = format!(
            "importStrategy={}&dryRun={}&idScheme={}",
            self.strategy.as_param(),
            self.dry_run,
            self.id_scheme.as_param()
        );
        if self.skip_audit {
            query.push_str("&skipAudit=true");
        }
        if self.asynchronous {
            query.push_str("&async=true");
        }
        query
    }
}

/// `POST /api/dataValueSets` with a JSON body; an asynchronous import is followed until its
/// summary is there.
pub async fn import_data_values<T: Transport, C: Clock>(
    client: &Dhis2Client<T>,
    clock: &C,
    body: Vec<u8>,
    params: &DataImportParams,
    polling: &JobPolling,
) -> Result<DataImportResult, Dhis2Error> {
    let request = client
        .request(
            Method::Post,
            &format!("api/dataValueSets?{}", params.query()),
        )
        .with_body("application/json", body);
    let url = request.url.clone();
    let response = client.execute(request).await?;
    if !params.asynchronous {
        return DataImportResult::from_response(&url, &response);
    }
    let value: Option<Value> = serde_json::from_slice(&response.body).ok();
    let job = value.as_ref().and_then(StartedJob::from_answer);
    let Some(job) = job.filter(|_| response.is_success()) else {
        return DataImportResult::from_response(&url, &response);
    };
    match wait_for_job(client, clock, &job, polling).await? {
        JobOutcome::Completed(summary) => DataImportResult::from_response(&url, &summary),
        JobOutcome::Failed { message } => Err(Dhis2Error::Http {
            url,
            status: 500,
            message,
            error_code: None,
        }),
    }
}

/// A `GET /api/dataValueSets` query. Lists are written comma-separated (every version binds
/// them into sets), so that many org units fit in one URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataValueQuery {
    pub data_sets: Vec<String>,
    pub data_element_groups: Vec<String>,
    /// `dataElement` is read from 2.39 on.
    pub data_elements: Vec<String>,
    pub org_units: Vec<String>,
    pub children: bool,
    /// `yyyy-MM-dd`, inclusive: periods that start on or after `start` and end on or before `end`.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// `yyyy-MM-ddTHH:mm:ss` in the server's wall clock.
    pub last_updated: Option<String>,
    pub include_deleted: bool,
    pub attribute_option_combos: Vec<String>,
    pub id_scheme: DataIdScheme,
    pub limit: Option<usize>,
}

impl DataValueQuery {
    /// The path and query, `api/dataValueSets.json?…`.
    pub fn path(&self) -> String {
        let mut query: Vec<String> = Vec::new();
        let mut list = |key: &str, ids: &[String]| {
            if !ids.is_empty() {
                query.push(format!("{key}={}", encode(&ids.join(","))));
            }
        };
        list("dataSet", &self.data_sets);
        list("dataElementGroup", &self.data_element_groups);
        list("dataElement", &self.data_elements);
        list("orgUnit", &self.org_units);
        list("attributeOptionCombo", &self.attribute_option_combos);
        if self.children {
            query.push("children=true".into());
        }
        if let Some(start) = &self.start_date {
            query.push(format!("startDate={}", encode(start)));
        }
        if let Some(end) = &self.end_date {
            query.push(format!("endDate={}", encode(end)));
        }
        if let Some(since) = &self.last_updated {
            query.push(format!("lastUpdated={}", encode(since)));
        }
        if self.include_deleted {
            query.push("includeDeleted=true".into());
        }
        if self.id_scheme != DataIdScheme::Uid {
            query.push(format!("idScheme={}", self.id_scheme.as_param()));
        }
        if let Some(limit) = self.limit {
            query.push(format!("limit={limit}"));
        }
        format!("api/dataValueSets.json?{}", query.join("&"))
    }
}

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        // Ids, dates and commas read the same unencoded; keep URLs short and legible.
        .replace("%2C", ",")
        .replace("%2D", "-")
        .replace("%3A", ":")
        .replace("%2E", ".")
        .replace("%5F", "_")
}

#[cfg(test)]
#[path = "data_values_tests.rs"]
mod tests;
