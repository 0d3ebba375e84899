//! What an aggregated sync reports beyond the common [`TargetReport`]: slices, values and bytes,
//! the conflicts table (searchable, downloadable as CSV) and, for history, data stats.
//!
//! [`TargetReport`]: crate::sync::TargetReport

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::period::ResolvedPeriod;
use crate::dhis2::data_values::DataValueConflict;
use crate::mapping::DataValue;

/// Conflict rows kept per destination; more are counted, not kept (history stays small).
pub const CONFLICT_ROWS_KEPT: usize = 1000;

/// Something the user should know about an aggregated run, typed so the app can translate it
/// (the English text is [`std::fmt::Display`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "camelCase")]
pub enum AggregatedNote {
    /// "Since the last run" without a last run: every period was read.
    NoPreviousRun,
    /// The server's time zone is unknown to this build: UTC was used.
    UnknownTimeZone { zone: String },
    /// Values the destination already had, not sent again.
    SkippedExisting { values: u64, bytes: u64 },
    /// Values the mapping excluded (disabled items) or that two origin items both mapped onto.
    ExcludedByMapping { values: u64 },
    /// Data elements the destination lacks (not mapped, not there by id): their values come
    /// back as conflicts.
    MissingAtDestination { plural: String, ids: Vec<String> },
    /// The mapping could not be fully inverted for a pull.
    MappingNotInverted { detail: String },
    /// Stale values (deleted at the origin) deleted at the destination.
    StaleDeleted { values: u64 },
    /// The run stopped before these slices; the ones before it landed.
    StoppedAt { done: usize, total: usize },
    /// Only this many conflict rows are kept.
    ConflictsLeftOut { kept: usize, more: usize },
    /// A slice returned more values than one read may: it was split.
    SliceSplit { label: String },
    /// Ids are codes: the mapping (by UID) was not applied.
    MappingNeedsUids,
    /// Analytics tables run on an instance.
    AnalyticsRun { instance: String },
    /// FILE_RESOURCE / IMAGE values left out of a dry run: their files are copied only when
    /// writing.
    FileValuesNotSent { values: u64 },
    /// Files of FILE_RESOURCE / IMAGE values copied to the destination.
    FilesCopied { files: u64 },
}

impl std::fmt::Display for AggregatedNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use AggregatedNote::*;
        match self {
            NoPreviousRun => write!(f, "There was no previous run: values of every period were read."),
            UnknownTimeZone { zone } => write!(f, "The server's time zone {zone} is unknown to this version: dates were counted in UTC."),
            SkippedExisting { values, bytes } => write!(f, "{values} value(s) the destination already had were not sent ({bytes} bytes saved)."),
            ExcludedByMapping { values } => write!(f, "{values} value(s) were left out by the mapping (excluded items, or several origin items mapped onto one)."),
            MissingAtDestination { plural, ids } => write!(f, "The destination has no {plural} {}: their values will be refused. Map them, or create them there.", ids.join(", ")),
            MappingNotInverted { detail } => write!(f, "Mapping for the pull: {detail}"),
            StaleDeleted { values } => write!(f, "{values} value(s) deleted at the origin were deleted at the destination."),
            StoppedAt { done, total } => write!(f, "Stopped after slice {done} of {total}: the slices before it were written, the rest were not."),
            ConflictsLeftOut { kept, more } => write!(f, "{more} more conflict(s) are not listed (the first {kept} are)."),
            SliceSplit { label } => write!(f, "{label} held more values than one read may return: it was read in parts."),
            MappingNeedsUids => write!(f, "Ids are written as codes: the mapping (by UID) was not applied."),
            AnalyticsRun { instance } => write!(f, "Analytics tables were run on {instance}."),
            FileValuesNotSent { values } => write!(f, "{values} file or image value(s) were left out of the dry run: their files are copied only on a real run."),
            FilesCopied { files } => write!(f, "{files} file(s) of file or image values were copied to the destination."),
        }
    }
}

/// One refused value: the conflict, and the value it was about when the server said which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictRow {
    pub object: Option<String>,
    pub data_element: Option<String>,
    pub period: Option<String>,
    pub org_unit: Option<String>,
    pub category_option_combo: Option<String>,
    pub attribute_option_combo: Option<String>,
    pub value: Option<String>,
    pub message: String,
    pub code: Option<String>,
}

impl ConflictRow {
    /// The rows of one conflict against the chunk it came from: one per refused value when the
    /// server gave indexes (2.37+), else one for the conflict.
    pub fn rows(conflict: &DataValueConflict, chunk: &[DataValue]) -> Vec<ConflictRow> {
        let base = ConflictRow {
            object: conflict.object.clone(),
            data_element: conflict.objects.get("dataElement").cloned(),
            period: conflict.objects.get("period").cloned(),
            org_unit: conflict.objects.get("orgUnit").cloned(),
            category_option_combo: None,
            attribute_option_combo: None,
            value: None,
            message: conflict.message.clone(),
            code: conflict.code.clone(),
        };
        let values: Vec<&DataValue> = conflict
            .indexes
            .iter()
            .filter_map(|index| chunk.get(*index))
            .collect();
        if values.is_empty() {
            return vec![base];
        }
        values
            .into_iter()
            .map(|value| ConflictRow {
                data_element: Some(value.data_element.to_string()),
                period: Some(value.period.to_string()),
                org_unit: Some(value.org_unit.to_string()),
                category_option_combo: text(&value.category_option_combo),
                attribute_option_combo: text(&value.attribute_option_combo),
                value: text(&value.value),
                ..base.clone()
            })
            .collect()
    }

    /// Whether any field contains `query` (case-insensitive): the table's search.
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim().to_lowercase();
        query.is_empty()
            || self
                .fields()
                .iter()
                .any(|field| field.to_lowercase().contains(&query))
    }

    fn fields(&self) -> [String; 9] {
        let text = |field: &Option<String>| field.clone().unwrap_or_default();
        [
            text(&self.object),
            text(&self.data_element),
            text(&self.period),
            text(&self.org_unit),
            text(&self.category_option_combo),
            text(&self.attribute_option_combo),
            text(&self.value),
            self.message.clone(),
            text(&self.code),
        ]
    }
}

/// The conflicts table as CSV (RFC 4180), with a header line.
pub fn conflicts_csv(rows: &[ConflictRow]) -> String {
    let mut csv = String::from(
        "object,dataElement,period,orgUnit,categoryOptionCombo,attributeOptionCombo,value,message,code\r\n",
    );
    for row in rows {
        let fields: Vec<String> = row.fields().iter().map(|f| csv_field(f)).collect();
        csv.push_str(&fields.join(","));
        csv.push_str("\r\n");
    }
    csv
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// How a slice went on one destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SliceStatus {
    /// Every chunk was imported (with or without conflicts).
    Written,
    /// Nothing to send.
    Empty,
    /// A chunk failed: part of the slice may have landed.
    Failed,
}

/// One slice on one destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SliceOutcome {
    pub label: String,
    pub status: SliceStatus,
    pub values: u64,
}

/// Per destination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AggregatedTargetDetails {
    pub slices: Vec<SliceOutcome>,
    pub slices_total: usize,
    pub values_sent: u64,
    pub bytes_sent: u64,
    pub values_skipped_existing: u64,
    pub bytes_saved: u64,
    pub values_excluded_by_mapping: u64,
    pub stale_deleted: u64,
    /// FILE_RESOURCE / IMAGE values left out of a dry run.
    pub file_values_not_sent: u64,
    /// Files of FILE_RESOURCE / IMAGE values uploaded to the destination.
    pub files_copied: u64,
    /// FILE_RESOURCE / IMAGE values whose file the destination already held at the same place
    /// (neither read nor uploaded again).
    pub files_unchanged: u64,
    pub conflicts: Vec<ConflictRow>,
    pub conflicts_left_out: usize,
    pub notes: Vec<AggregatedNote>,
}

impl AggregatedTargetDetails {
    pub fn add_conflicts(&mut self, rows: Vec<ConflictRow>) {
        for row in rows {
            if self.conflicts.len() < CONFLICT_ROWS_KEPT {
                self.conflicts.push(row);
            } else {
                self.conflicts_left_out += 1;
            }
        }
    }

    /// Slices that landed.
    pub fn slices_written(&self) -> usize {
        self.slices
            .iter()
            .filter(|s| s.status != SliceStatus::Failed)
            .count()
    }
}

/// Values at one org unit level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCount {
    /// Level 1 is the root; `0`: the level was not known.
    pub level: u32,
    pub values: u64,
}

/// Data stats of the run, kept in history: values per data element and per org unit level.
/// (Levels are a list, not a map: history entries are read through an untagged enum, where
/// serde cannot read numbers as map keys.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DataStats {
    pub values_read: u64,
    pub by_data_element: BTreeMap<String, u64>,
    /// By level, in order.
    pub by_org_unit_level: Vec<LevelCount>,
}

impl DataStats {
    pub fn count(&mut self, value: &DataValue, level: Option<u32>) {
        self.values_read += 1;
        match self.by_data_element.get_mut(value.data_element.as_str()) {
            Some(count) => *count += 1,
            None => {
                self.by_data_element
                    .insert(value.data_element.to_string(), 1);
            }
        }
        let level = level.unwrap_or(0);
        match self.by_org_unit_level.iter_mut().find(|l| l.level == level) {
            Some(count) => count.values += 1,
            None => {
                self.by_org_unit_level.push(LevelCount { level, values: 1 });
                self.by_org_unit_level.sort_by_key(|l| l.level);
            }
        }
    }

    /// Values at `level`.
    pub fn at_level(&self, level: u32) -> u64 {
        self.by_org_unit_level
            .iter()
            .find(|l| l.level == level)
            .map_or(0, |l| l.values)
    }
}

/// Per run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregatedRunDetails {
    pub period: Option<ResolvedPeriod>,
    pub slices_total: usize,
    pub slices_read: usize,
    pub stats: DataStats,
    pub notes: Vec<AggregatedNote>,
}

/// An optional field's text, owned.
fn text(field: &Option<crate::mapping::SharedStr>) -> Option<String> {
    field.as_deref().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_point_at_their_values_and_export_as_csv() {
        let chunk = vec![
            DataValue {
                data_element: "fbfJHSPpUQD".into(),
                period: "202401".into(),
                org_unit: "DiszpKrYNg8".into(),
                value: Some("12".into()),
                ..DataValue::default()
            },
            DataValue {
                data_element: "cYeuwXTCPkU".into(),
                period: "202401".into(),
                org_unit: "DiszpKrYNg8".into(),
                value: Some("a, \"b\"".into()),
                ..DataValue::default()
            },
        ];
        let conflict = DataValueConflict {
            object: Some("cYeuwXTCPkU".into()),
            objects: BTreeMap::new(),
            message: "Data value is not numeric".into(),
            code: Some("E7619".into()),
            property: Some("value".into()),
            indexes: vec![1],
        };
        let rows = ConflictRow::rows(&conflict, &chunk);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].data_element.as_deref(), Some("cYeuwXTCPkU"));
        assert!(rows[0].matches("e7619") && rows[0].matches("NUMERIC"));
        assert!(!rows[0].matches("fbfJHSPpUQD"));
        let csv = conflicts_csv(&rows);
        assert!(csv.ends_with(
            "cYeuwXTCPkU,cYeuwXTCPkU,202401,DiszpKrYNg8,,,\"a, \"\"b\"\"\",Data value is not numeric,E7619\r\n"
        ), "{csv}");
        // 2.30–2.36: no indexes, one row for the conflict.
        let legacy = DataValueConflict {
            indexes: Vec::new(),
            ..conflict
        };
        assert_eq!(ConflictRow::rows(&legacy, &chunk)[0].value, None);
    }
}

#[cfg(test)]
mod round_trip {
    use super::*;

    #[test]
    fn details_read_back_as_written() {
        let mut stats = DataStats::default();
        stats.count(
            &DataValue {
                data_element: "fbfJHSPpUQD".into(),
                ..DataValue::default()
            },
            Some(4),
        );
        let run = AggregatedRunDetails {
            period: None,
            slices_total: 1,
            slices_read: 1,
            stats,
            notes: vec![
                AggregatedNote::NoPreviousRun,
                AggregatedNote::SkippedExisting {
                    values: 1,
                    bytes: 2,
                },
            ],
        };
        let text = serde_json::to_string(&run).unwrap();
        let back: Result<AggregatedRunDetails, _> = serde_json::from_str(&text);
        assert_eq!(back.as_ref().ok(), Some(&run), "{text} {back:?}");
    }
}
