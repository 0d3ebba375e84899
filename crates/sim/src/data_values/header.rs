//! The header of a data value set (data set, org unit, period, attribute option combo,
//! completion date): resolved once, its problems abort the whole import.

use super::conflicts::{header_conflict, ConflictKind};
use super::dates::parse_timestamp;
use super::meta::{uid_of, IdSchemes, Lookup};
use super::store::ValueTable;
use super::summary::{Conflict, Conflicts};
use crate::SimVersion;
use serde_json::Value;

pub fn text_field<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// The header fields as given and as resolved.
pub struct Header<'p, 'm> {
    pub data_set_key: Option<&'p str>,
    pub data_set: Option<&'m Value>,
    pub unit_key: Option<&'p str>,
    pub unit: Option<String>,
    pub attribute_key: Option<&'p str>,
    pub attribute: Option<String>,
    pub period: Option<&'p str>,
}

impl<'p, 'm> Header<'p, 'm> {
    pub fn read(lookup: &mut Lookup<'m>, payload: &'p Value, schemes: &IdSchemes) -> Self {
        let data_set_key = text_field(payload, "dataSet");
        let data_set = data_set_key
            .and_then(|key| lookup.find("dataSets", &schemes.for_plural("dataSets"), key));
        let unit_key = text_field(payload, "orgUnit");
        let unit = unit_key
            .and_then(|key| {
                lookup.find(
                    "organisationUnits",
                    &schemes.for_plural("organisationUnits"),
                    key,
                )
            })
            .and_then(uid_of);
        let attribute_key = text_field(payload, "attributeOptionCombo");
        let attribute =
            attribute_key.and_then(|key| lookup.find_combo(&schemes.attribute_combo(), key));
        Header {
            data_set_key,
            data_set,
            unit_key,
            unit,
            attribute_key,
            attribute,
            period: text_field(payload, "period"),
        }
    }

    /// Header references that do not resolve (E7600, E7603, E7604).
    pub fn missing(&self, version: SimVersion) -> Conflicts {
        let mut conflicts = Conflicts::default();
        if let (Some(key), None) = (self.data_set_key, self.data_set) {
            conflicts.add(
                None,
                header_conflict(version, ConflictKind::DataSet, key, None),
            );
        }
        if let (Some(key), None) = (self.unit_key, &self.unit) {
            conflicts.add(
                None,
                header_conflict(version, ConflictKind::HeaderOrgUnit, key, self.data_set_key),
            );
        }
        if let (Some(key), None) = (self.attribute_key, &self.attribute) {
            conflicts.add(
                None,
                header_conflict(
                    version,
                    ConflictKind::HeaderAttributeCombo,
                    key,
                    self.data_set_key,
                ),
            );
        }
        conflicts
    }

    /// Registers the completion of the data set (`completeDate`) and returns what
    /// `dataSetComplete` reports; without an org unit or period DHIS2 raises a plain conflict
    /// instead (`handleComplete`).
    pub fn complete(
        &self,
        payload: &Value,
        table: &mut ValueTable,
        default_combo: &str,
        dry_run: bool,
        conflicts: &mut Conflicts,
    ) -> String {
        let completion = text_field(payload, "completeDate").and_then(parse_timestamp);
        let (Some(data_set), Some(when)) = (self.data_set, completion) else {
            return "false".to_string();
        };
        let needed = "Must be provided to complete data set";
        let Some(unit) = &self.unit else {
            conflicts.add(None, Conflict::plain("OrganisationUnit", needed));
            return "false".to_string();
        };
        let Some(period) = self.period else {
            conflicts.add(None, Conflict::plain("Period", needed));
            return "false".to_string();
        };
        if !dry_run {
            let aoc = self.attribute.as_deref().unwrap_or(default_combo);
            if let (Some(ds), Some(pe)) = (uid_of(data_set), table.intern_period(period)) {
                let key = (
                    table.uids.intern(&ds),
                    pe,
                    table.uids.intern(unit),
                    table.uids.intern(aoc),
                );
                table.completions.insert(key, when);
            }
        }
        super::dates::format_date(when)
    }
}
