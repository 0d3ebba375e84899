//! What an aggregated sync moves and how: plain serialisable values, saved as they are in
//! rules. Checked before anything is read ([`AggregatedSelection::check`]).

use serde::{Deserialize, Serialize};

use crate::dhis2::data_values::{DataIdScheme, DataImportStrategy};
use crate::model::Uid;
use crate::rules::DatePeriod;

/// Which attribute option combos' values move.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AttributeOptions {
    #[default]
    All,
    /// Only values whose attribute option combo is made of these category options.
    Chosen {
        #[serde(rename = "categoryOptions")]
        category_options: Vec<String>,
    },
}

/// What to move (data), where (org units), when (period) and for which attribute options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AggregatedSelection {
    pub data_sets: Vec<String>,
    pub data_element_groups: Vec<String>,
    pub data_elements: Vec<String>,
    /// Aggregation mode only: sent as values of the data elements they are mapped to.
    pub indicators: Vec<String>,
    /// Aggregation mode only, as indicators.
    pub program_indicators: Vec<String>,
    /// Org unit ids (a path is read as its last unit).
    pub org_units: Vec<String>,
    /// Each org unit with everything below it.
    pub include_descendants: bool,
    /// Org unit levels (1: the top). With levels or groups, the units read are those at these
    /// levels and the members of these groups, within the chosen org units (all of the user's
    /// hierarchy when none is chosen); `include_descendants` then plays no part.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub org_unit_levels: Vec<u32>,
    /// Org unit group ids (see `org_unit_levels`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub org_unit_groups: Vec<String>,
    pub period: DatePeriod,
    /// Only values changed since then (`yyyy-MM-dd` or `yyyy-MM-ddTHH:mm:ss`, the server's
    /// wall clock), whatever their period.
    pub last_updated_since: Option<String>,
    pub attribute_options: AttributeOptions,
}

/// The time steps of aggregation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AggregationType {
    Daily,
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

/// Aggregation mode: values read from analytics, summed per period of `aggregation_type`
/// over each org unit's subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregationOptions {
    pub aggregation_type: AggregationType,
    /// Data items with no value in a period and org unit are sent as "0".
    #[serde(default)]
    pub empty_as_zero: bool,
    /// Run the origin's analytics tables first (values exist in analytics only after it).
    #[serde(default)]
    pub run_analytics_before: bool,
    /// Run each destination's analytics tables after writing.
    #[serde(default)]
    pub run_analytics_after: bool,
    /// Limit a tables run to the last years (`lastYears`).
    #[serde(default)]
    pub analytics_years: Option<u32>,
}

/// When a data value import runs as a server job (`async=true`), followed through
/// `system/tasks` to its summary: for large chunks, which a proxy's 60-second limit would
/// otherwise cut.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AsyncImports {
    /// Chunks of [`AsyncImports::FROM_VALUES`] values or more.
    #[default]
    Auto,
    Always,
    Never,
}

impl AsyncImports {
    /// From this many values a chunk goes as a job in `Auto`.
    pub const FROM_VALUES: usize = 5_000;

    /// Whether a chunk of `values` values goes as a job.
    pub fn for_chunk(self, values: usize) -> bool {
        match self {
            AsyncImports::Auto => values >= Self::FROM_VALUES,
            AsyncImports::Always => true,
            AsyncImports::Never => false,
        }
    }
}

/// How the values are written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AggregatedSyncOptions {
    pub strategy: DataImportStrategy,
    pub dry_run: bool,
    pub id_scheme: DataIdScheme,
    /// Needs `F_SKIP_DATA_IMPORT_AUDIT` on the destination.
    pub skip_audit: bool,
    /// Read the destination's values of each slice and send only those that differ.
    pub ignore_existing: bool,
    /// Delete at the destination the values deleted at the origin in the period (read with
    /// `includeDeleted`).
    pub delete_stale: bool,
    /// `None`: raw values (`dataValueSets`); `Some`: aggregated values (analytics).
    pub aggregation: Option<AggregationOptions>,
    /// Values per import request at most.
    pub chunk_values: usize,
    /// Values one read may return at most; a slice with more is split (org units first).
    pub slice_values: usize,
    /// Which imports run as server jobs followed to their end.
    pub async_imports: AsyncImports,
    /// Apply the mapping stored for the destination (a pull: the origin's, inverted). On
    /// unless turned off (rules saved before the switch existed keep it on).
    pub apply_mapping: bool,
}

impl Default for AggregatedSyncOptions {
    fn default() -> Self {
        AggregatedSyncOptions {
            strategy: DataImportStrategy::NewAndUpdates,
            dry_run: false,
            id_scheme: DataIdScheme::Uid,
            skip_audit: false,
            ignore_existing: false,
            delete_stale: false,
            aggregation: None,
            chunk_values: 10_000,
            slice_values: 50_000,
            async_imports: AsyncImports::Auto,
            apply_mapping: true,
        }
    }
}

/// A selection or options that cannot run, said before anything is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, serde::Deserialize)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum AggregatedInputError {
    #[error("Choose what to sync: at least one data set, data element group or data element.")]
    NoData,
    #[error("Choose at least one organisation unit.")]
    NoOrgUnit,
    #[error("`{id}` is not a DHIS2 identifier (11 letters or digits, a letter first). Check the {field}.")]
    BadId { field: String, id: String },
    #[error("The period ends ({end}) before it starts ({start}). Swap the dates.")]
    EndBeforeStart { start: String, end: String },
    #[error("`{date}` is not a date (yyyy-mm-dd). Check the {field}.")]
    BadDate { field: String, date: String },
    #[error("Indicators and program indicators only have values in aggregation mode: turn it on, or remove them.")]
    IndicatorsNeedAggregation,
    #[error("Values deleted at the origin are only known to raw syncs: turn aggregation mode off, or do not delete stale values.")]
    StaleNeedsRawMode,
    #[error("Choose at least one attribute option, or sync the values of all attribute options.")]
    NoAttributeOption,
    #[error("Organisation unit level {level} does not exist: levels count from 1, the top.")]
    BadLevel { level: u32 },
}

impl AggregatedSelection {
    /// Checks the selection with its options; the first problem found.
    pub fn check(&self, options: &AggregatedSyncOptions) -> Result<(), AggregatedInputError> {
        let aggregated = options.aggregation.is_some();
        let has_indicators = !self.indicators.is_empty() || !self.program_indicators.is_empty();
        if self.data_sets.is_empty()
            && self.data_element_groups.is_empty()
            && self.data_elements.is_empty()
            && !(aggregated && has_indicators)
        {
            return Err(AggregatedInputError::NoData);
        }
        if has_indicators && !aggregated {
            return Err(AggregatedInputError::IndicatorsNeedAggregation);
        }
        if aggregated && options.delete_stale {
            return Err(AggregatedInputError::StaleNeedsRawMode);
        }
        if self.org_units.is_empty() && !self.by_levels_or_groups() {
            return Err(AggregatedInputError::NoOrgUnit);
        }
        if let Some(&level) = self.org_unit_levels.iter().find(|&&level| level == 0) {
            return Err(AggregatedInputError::BadLevel { level });
        }
        let fields: [(&str, &[String]); 7] = [
            ("data sets", &self.data_sets),
            ("data element groups", &self.data_element_groups),
            ("data elements", &self.data_elements),
            ("indicators", &self.indicators),
            ("program indicators", &self.program_indicators),
            ("organisation units", &self.org_units),
            ("organisation unit groups", &self.org_unit_groups),
        ];
        for (field, ids) in fields {
            for id in ids {
                let last = id.rsplit('/').next().unwrap_or(id);
                if !Uid::is_valid(last) {
                    return Err(AggregatedInputError::BadId {
                        field: field.into(),
                        id: id.clone(),
                    });
                }
            }
        }
        if let AttributeOptions::Chosen { category_options } = &self.attribute_options {
            if category_options.is_empty() {
                return Err(AggregatedInputError::NoAttributeOption);
            }
            if let Some(bad) = category_options.iter().find(|id| !Uid::is_valid(id)) {
                return Err(AggregatedInputError::BadId {
                    field: "category options".into(),
                    id: bad.clone(),
                });
            }
        }
        if let DatePeriod::Fixed { start, end } = &self.period {
            let start = parse_day("start date", start.as_deref())?;
            let end = parse_day("end date", end.as_deref())?;
            if let (Some(start), Some(end)) = (start, end) {
                if end < start {
                    return Err(AggregatedInputError::EndBeforeStart {
                        start: start.to_string(),
                        end: end.to_string(),
                    });
                }
            }
        }
        parse_day(
            "last updated date",
            self.last_updated_since
                .as_deref()
                .map(|t| t.get(..10).unwrap_or(t)),
        )?;
        Ok(())
    }

    /// Whether the units read are picked by level or group (within the chosen ones).
    pub fn by_levels_or_groups(&self) -> bool {
        !self.org_unit_levels.is_empty() || !self.org_unit_groups.is_empty()
    }

    /// The org unit ids, paths read as their last unit, without repeats.
    pub fn org_unit_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for unit in &self.org_units {
            let id = unit.rsplit('/').next().unwrap_or(unit).to_string();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }
}

fn parse_day(
    field: &str,
    text: Option<&str>,
) -> Result<Option<jiff::civil::Date>, AggregatedInputError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .get(..10)
            .and_then(|day| day.parse().ok())
            .map(Some)
            .ok_or_else(|| AggregatedInputError::BadDate {
                field: field.into(),
                date: text.to_string(),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anc() -> AggregatedSelection {
        AggregatedSelection {
            data_sets: vec!["QX4ZTUbOt3a".into()],
            org_units: vec!["/ImspTQPwCqd/O6uvpzGd5pu".into()],
            include_descendants: true,
            period: DatePeriod::LastYear,
            ..AggregatedSelection::default()
        }
    }

    #[test]
    fn a_selection_round_trips_as_a_rule_stores_it() {
        let selection = AggregatedSelection {
            attribute_options: AttributeOptions::Chosen {
                category_options: vec!["xYerKDKCefk".into()],
            },
            ..anc()
        };
        let text = serde_json::to_string(&selection).unwrap();
        assert!(
            text.contains("\"period\":{\"period\":\"LAST_YEAR\"}"),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<AggregatedSelection>(&text).unwrap(),
            selection
        );
        assert_eq!(selection.org_unit_ids(), vec!["O6uvpzGd5pu".to_string()]);
        assert_eq!(selection.check(&AggregatedSyncOptions::default()), Ok(()));
    }

    #[test]
    fn levels_and_groups_are_optional_in_stored_selections() {
        // As rules stored it before levels and groups existed.
        let old = r#"{"dataSets":["QX4ZTUbOt3a"],"orgUnits":["O6uvpzGd5pu"],
            "includeDescendants":true,"period":{"period":"LAST_YEAR"}}"#;
        let read: AggregatedSelection = serde_json::from_str(old).unwrap();
        assert!(read.org_unit_levels.is_empty() && read.org_unit_groups.is_empty());
        assert!(!read.by_levels_or_groups());
        // Left out when empty, so older builds read new rules too.
        assert!(!serde_json::to_string(&read)
            .unwrap()
            .contains("orgUnitLevels"));
        let by_level = AggregatedSelection {
            org_units: Vec::new(),
            org_unit_levels: vec![3],
            org_unit_groups: vec!["CXw2yu5fodb".into()],
            ..anc()
        };
        let text = serde_json::to_string(&by_level).unwrap();
        assert!(text.contains("\"orgUnitLevels\":[3]"), "{text}");
        assert_eq!(
            serde_json::from_str::<AggregatedSelection>(&text).unwrap(),
            by_level
        );
        // Levels or groups alone are a "where": the user's hierarchy.
        let options = AggregatedSyncOptions::default();
        assert_eq!(by_level.check(&options), Ok(()));
        let zero = AggregatedSelection {
            org_unit_levels: vec![0],
            ..by_level.clone()
        };
        assert_eq!(
            zero.check(&options),
            Err(AggregatedInputError::BadLevel { level: 0 })
        );
        let bad_group = AggregatedSelection {
            org_unit_groups: vec!["not a uid".into()],
            ..by_level
        };
        assert!(matches!(
            bad_group.check(&options),
            Err(AggregatedInputError::BadId { .. })
        ));
    }

    #[test]
    fn bad_input_is_named_before_anything_runs() {
        let options = AggregatedSyncOptions::default();
        let reversed = AggregatedSelection {
            period: DatePeriod::Fixed {
                start: Some("2024-12-31".into()),
                end: Some("2024-01-01".into()),
            },
            ..anc()
        };
        assert!(matches!(
            reversed.check(&options),
            Err(AggregatedInputError::EndBeforeStart { .. })
        ));
        let no_units = AggregatedSelection {
            org_units: Vec::new(),
            ..anc()
        };
        assert_eq!(
            no_units.check(&options),
            Err(AggregatedInputError::NoOrgUnit)
        );
        let indicators = AggregatedSelection {
            indicators: vec!["Uvn6LCg7dVU".into()],
            ..anc()
        };
        assert_eq!(
            indicators.check(&options),
            Err(AggregatedInputError::IndicatorsNeedAggregation)
        );
        let bad = AggregatedSelection {
            data_sets: vec!["nope".into()],
            ..anc()
        };
        assert!(bad
            .check(&options)
            .unwrap_err()
            .to_string()
            .contains("nope"));
    }
}
