//! Aggregate metadata of the demo: ~190 data elements in programme areas, their groups, five
//! monthly data sets with sections, an option set, indicator types and indicators.

use super::areas::{areas, Disaggregation};
use super::categories::{Categories, Combo};
use super::rng::uid;
use super::{identifiable, DemoSide};
use serde_json::{json, Value};

/// One aggregate data element as the value generator needs it.
#[derive(Debug, Clone)]
pub struct Element {
    pub id: String,
    pub value_type: &'static str,
    pub option_combos: Vec<String>,
    /// Typical monthly count at a health centre.
    pub scale: u64,
}

/// A data set with its elements and whether hospitals/centres only report it.
#[derive(Debug, Clone)]
pub struct DataSet {
    pub id: String,
    pub elements: Vec<Element>,
    pub larger_facilities_only: bool,
    /// Share of values present in a report.
    pub density: f64,
}

pub struct Aggregate {
    pub data_sets: Vec<DataSet>,
    pub stock_status_codes: Vec<String>,
    pub objects: Vec<(&'static str, Value)>,
}

fn combo_for(categories: &Categories, disaggregation: Disaggregation) -> &Combo {
    match disaggregation {
        Disaggregation::None => &categories.default,
        Disaggregation::Sex => &categories.sex,
        Disaggregation::Age => &categories.age,
        Disaggregation::AgeAndSex => &categories.age_and_sex,
    }
}

/// Builds the aggregate metadata of one side. The destination lacks the stock data set and
/// its data elements and eight OPD data elements, and identifies a few others differently.
/// `facilities` are (UID, larger facility) pairs.
pub fn build(side: DemoSide, categories: &Categories, facilities: &[(String, bool)]) -> Aggregate {
    let destination = side == DemoSide::Destination;
    let mut objects: Vec<(&'static str, Value)> = Vec::new();
    let status_codes: Vec<String> = ["ADEQUATE", "LOW", "STOCKED_OUT"]
        .iter()
        .map(|c| c.to_string())
        .collect();
    let option_set_id = uid("os:Stock status");
    let mut option_refs = Vec::new();
    for (index, (code, name)) in status_codes
        .iter()
        .zip(["Adequate", "Low", "Stocked out"])
        .enumerate()
    {
        let id = uid(&format!("opt:stock:{code}"));
        let mut option = identifiable(&id, name, Some(code));
        option["sortOrder"] = json!(index + 1);
        option["optionSet"] = json!({ "id": option_set_id });
        option_refs.push(json!({ "id": id }));
        objects.push(("options", option));
    }
    let mut option_set = identifiable(&option_set_id, "Stock status", Some("STOCK_STATUS"));
    option_set["valueType"] = json!("TEXT");
    option_set["options"] = json!(option_refs);
    objects.push(("optionSets", option_set));

    let mut area_elements: Vec<(usize, Vec<Element>)> = Vec::new();
    let mut element_number = 0;
    for (area_index, area) in areas().into_iter().enumerate() {
        let combo = combo_for(categories, area.disaggregation);
        let mut elements = Vec::new();
        for (item_index, name) in area.items.iter().enumerate() {
            element_number += 1;
            let missing_on_destination =
                area.code == "STK" || (area.code == "OPD" && item_index >= 32);
            if destination && missing_on_destination {
                continue;
            }
            let label = format!("de:{name}");
            let mut id = uid(&label);
            let mut code = format!("DE_{}_{:02}", area.code, item_index + 1);
            let mut display = name.clone();
            if destination && element_number % 29 == 0 {
                id = uid(&format!("{label}#destination"));
            }
            if destination && element_number % 23 == 0 {
                code = format!(
                    "{}_{}",
                    area.code,
                    display.to_ascii_uppercase().replace([' ', '-'], "_")
                );
            }
            if destination && element_number % 31 == 0 {
                display = format!("{display} (total)");
            }
            let (value_type, option_set) = match name.as_str() {
                "Cold chain status" => ("TEXT", Some(&option_set_id)),
                "Stock reporting complete" => ("BOOLEAN", None),
                "Exclusive breastfeeding at 6 months" => ("PERCENTAGE", None),
                _ if area.code == "STK" => ("NUMBER", None),
                _ => ("INTEGER_ZERO_OR_POSITIVE", None),
            };
            let mut object = identifiable(&id, &display, Some(&code));
            object["shortName"] = json!(display.chars().take(50).collect::<String>());
            object["formName"] = json!(display);
            object["domainType"] = json!("AGGREGATE");
            object["valueType"] = json!(value_type);
            object["aggregationType"] = json!(if value_type == "TEXT" || value_type == "BOOLEAN" {
                "NONE"
            } else {
                "SUM"
            });
            object["zeroIsSignificant"] = json!(area.code == "STK");
            object["categoryCombo"] = json!({ "id": combo.id });
            if let Some(set) = option_set {
                object["optionSet"] = json!({ "id": set });
            }
            objects.push(("dataElements", object));
            let scale = match area.code {
                "ANC" | "FP" | "NUT" => 40,
                "DEL" => 15,
                "IMM" => 25,
                "STK" => 300,
                _ => 12,
            };
            let option_combos = combo.option_combos.clone();
            elements.push(Element {
                id,
                value_type,
                option_combos,
                scale,
            });
        }
        let mut group = identifiable(
            &uid(&format!("deg:{}", area.name)),
            area.name,
            Some(&format!("DEG_{}", area.code)),
        );
        group["shortName"] = json!(area.name);
        group["dataElements"] = json!(elements
            .iter()
            .map(|e| json!({ "id": e.id }))
            .collect::<Vec<_>>());
        objects.push(("dataElementGroups", group));
        area_elements.push((area_index, elements));
    }

    let layout: [(&str, &str, &[usize], bool, f64); 5] = [
        ("Reproductive health", "DS_RH", &[0, 1, 2], false, 0.22),
        (
            "Child health and immunization",
            "DS_CHI",
            &[3, 4],
            false,
            0.14,
        ),
        ("Malaria and HIV", "DS_MH", &[5, 6], false, 0.04),
        ("OPD morbidity", "DS_OPD", &[7], false, 0.012),
        ("Facility stock", "DS_STK", &[8], true, 0.3),
    ];
    let area_names: Vec<&str> = areas().iter().map(|a| a.name).collect();
    let mut data_sets = Vec::new();
    for (name, code, area_indexes, larger_only, density) in layout {
        let elements: Vec<Element> = area_indexes
            .iter()
            .flat_map(|i| area_elements[*i].1.clone())
            .collect();
        if elements.is_empty() {
            continue; // the destination has no stock data set
        }
        let id = uid(&format!("ds:{name}"));
        let mut data_set = identifiable(&id, name, Some(code));
        data_set["shortName"] = json!(name);
        data_set["periodType"] = json!("Monthly");
        data_set["categoryCombo"] = json!({ "id": categories.default.id });
        data_set["openFuturePeriods"] = json!(0);
        data_set["expiryDays"] = json!(0);
        data_set["timelyDays"] = json!(15);
        // Everyone may enter data into the demo's data sets (data write sharing).
        data_set["sharing"] = json!({ "public": "rwrw----", "external": false });
        data_set["dataSetElements"] = json!(elements
            .iter()
            .map(|e| json!({ "dataElement": { "id": e.id }, "dataSet": { "id": id } }))
            .collect::<Vec<_>>());
        let assigned: Vec<Value> = facilities
            .iter()
            .filter(|(_, larger)| *larger || !larger_only)
            .map(|(facility, _)| json!({ "id": facility }))
            .collect();
        data_set["organisationUnits"] = json!(assigned);
        objects.push(("dataSets", data_set));
        for (order, area_index) in area_indexes.iter().enumerate() {
            let area_name = area_names[*area_index];
            let mut section = identifiable(
                &uid(&format!("section:{name}:{area_name}")),
                area_name,
                None,
            );
            section["sortOrder"] = json!(order + 1);
            section["dataSet"] = json!({ "id": id });
            section["dataElements"] = json!(area_elements[*area_index]
                .1
                .iter()
                .map(|e| json!({ "id": e.id }))
                .collect::<Vec<_>>());
            objects.push(("sections", section));
        }
        data_sets.push(DataSet {
            id,
            elements,
            larger_facilities_only: larger_only,
            density,
        });
    }

    objects.extend(indicators(&area_elements));
    Aggregate {
        data_sets,
        stock_status_codes: status_codes,
        objects,
    }
}

/// Indicator types and ~20 indicators relating data elements of the same area.
fn indicators(area_elements: &[(usize, Vec<Element>)]) -> Vec<(&'static str, Value)> {
    let mut objects = Vec::new();
    let types = [
        ("Percent", 100),
        ("Per thousand", 1000),
        ("Number (factor 1)", 1),
    ];
    for (name, factor) in types {
        let mut indicator_type = identifiable(&uid(&format!("it:{name}")), name, None);
        indicator_type["factor"] = json!(factor);
        indicator_type["number"] = json!(factor == 1);
        objects.push(("indicatorTypes", indicator_type));
    }
    let mut members = Vec::new();
    for (area_index, elements) in area_elements {
        let numeric: Vec<&Element> = elements
            .iter()
            .filter(|e| e.value_type.starts_with("INTEGER"))
            .collect();
        for pair in numeric.windows(2).take(3) {
            let (numerator, denominator) = (pair[1], pair[0]);
            let id = uid(&format!("ind:{area_index}:{}", numerator.id));
            let type_name = types[members.len() % 2].0;
            let name = format!("Indicator {} {}", area_index + 1, members.len() + 1);
            let mut indicator =
                identifiable(&id, &name, Some(&format!("IND_{:02}", members.len() + 1)));
            indicator["shortName"] = json!(name);
            indicator["indicatorType"] = json!({ "id": uid(&format!("it:{type_name}")) });
            indicator["numerator"] = json!(format!("#{{{}}}", numerator.id));
            indicator["numeratorDescription"] = json!("Numerator");
            indicator["denominator"] = json!(format!("#{{{}}}", denominator.id));
            indicator["denominatorDescription"] = json!("Denominator");
            indicator["annualized"] = json!(false);
            members.push(json!({ "id": id }));
            objects.push(("indicators", indicator));
        }
    }
    let mut group = identifiable(&uid("ing:core"), "Core indicators", Some("ING_CORE"));
    group["indicators"] = json!(members);
    objects.push(("indicatorGroups", group));
    objects
}
