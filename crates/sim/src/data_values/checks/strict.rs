//! The require and strict modes (`ImportOptions` or'ed with the `keyDataImport…` settings):
//! E7630–E7636 in 2.37+, the same checks with plain texts before.

use super::super::meta::{data_set_elements, referenced_ids};
use super::model::{period_type_of, uid, Model};
use super::{Finding, Gate, ValueRefs};
use crate::SimVersion;
use std::collections::HashSet;

/// Whether strict data elements fall back to the data element's own data sets when the
/// payload names none (DHIS2-14693: 2.37.10, 2.38.4, 2.39.2, 2.40.1, 2.41.0); before, the
/// import needs a data set (E7602).
pub fn data_set_fallback(version: SimVersion) -> bool {
    match version.minor {
        37 => version.patch >= 10,
        38 => version.patch >= 4,
        39 => version.patch >= 2,
        40 => version.patch >= 1,
        minor => minor >= 41,
    }
}

pub fn constraints(gate: &mut Gate, refs: &ValueRefs) -> Option<Finding> {
    let strict = gate.strict;
    let value = refs.value.unwrap_or_default().to_string();
    if refs.combo_key.is_none() && strict.require_category_option_combo {
        return Some(Finding::ComboRequired {
            attribute: false,
            value,
        });
    }
    if refs.attribute_key.is_none() && strict.require_attribute_option_combo {
        return Some(Finding::ComboRequired {
            attribute: true,
            value,
        });
    }
    let element_sets = gate.model.data_sets_of(refs.element);
    if strict.periods {
        let allowed: HashSet<_> = element_sets
            .iter()
            .filter_map(|data_set| period_type_of(data_set))
            .collect();
        if !allowed.contains(&refs.period.period_type) {
            return Some(Finding::PeriodTypeNotValid {
                period_key: refs.period_key.to_string(),
                element_key: refs.element_key.to_string(),
                element: refs.element.to_string(),
            });
        }
    }
    // DHIS2 has strict data elements from 2.31.
    if strict.data_elements && gate.version.at_least(31, 0) {
        let targets = match gate.data_set {
            Some(data_set) => vec![data_set],
            None if data_set_fallback(gate.version) => element_sets.clone(),
            None => Vec::new(),
        };
        let contained = targets.iter().any(|data_set| {
            data_set_elements(data_set)
                .iter()
                .any(|e| e == refs.element)
        });
        if (gate.data_set.is_some() || data_set_fallback(gate.version)) && !contained {
            let names: Vec<String> = targets.iter().map(|data_set| uid(data_set)).collect();
            return Some(Finding::ElementNotInDataSet {
                element_key: refs.element_key.to_string(),
                data_sets: names.join(","),
            });
        }
    }
    if strict.category_option_combos {
        let element = gate.model.metadata.get("dataElements", refs.element);
        let combo = element.map(Model::combo_of).unwrap_or_default();
        if !gate.model.option_combos_of(&combo).contains(refs.combo) {
            return Some(Finding::ComboNotOfElement {
                attribute: false,
                combo_key: refs.combo_key.map(str::to_string),
                combo: refs.combo.to_string(),
                element_key: refs.element_key.to_string(),
                element: refs.element.to_string(),
            });
        }
    }
    if strict.attribute_option_combos {
        let combos: Vec<String> = element_sets.iter().map(|ds| Model::combo_of(ds)).collect();
        let allowed = combos
            .iter()
            .any(|combo| gate.model.option_combos_of(combo).contains(refs.attribute));
        if !allowed {
            return Some(Finding::ComboNotOfElement {
                attribute: true,
                combo_key: refs.attribute_key.map(str::to_string),
                combo: refs.attribute.to_string(),
                element_key: refs.element_key.to_string(),
                element: refs.element.to_string(),
            });
        }
    }
    if strict.organisation_units {
        let assigned = element_sets.iter().any(|data_set| {
            referenced_ids(data_set, "organisationUnits", None)
                .iter()
                .any(|unit| unit == refs.unit)
        });
        if !assigned {
            return Some(Finding::ElementNotAssigned {
                unit_key: refs.unit_key.to_string(),
                unit: refs.unit.to_string(),
                element_key: refs.element_key.to_string(),
                element: refs.element.to_string(),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_arrives_per_branch() {
        for (version, fallback) in [
            ("2.37.9", false),
            ("2.37.10", true),
            ("2.38.3", false),
            ("2.38.4", true),
            ("2.39.1", false),
            ("2.39.2", true),
            ("2.40.0", false),
            ("2.40.1", true),
            ("2.41.0", true),
            ("2.36.13", false),
        ] {
            let version: SimVersion = version.parse().unwrap();
            assert_eq!(data_set_fallback(version), fallback, "{version}");
        }
    }
}
