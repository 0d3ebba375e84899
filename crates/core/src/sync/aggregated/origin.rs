//! Prepare on the origin: its org units with their levels (checked against the user's
//! hierarchy), the data elements behind the chosen data sets and groups, and the attribute
//! option combos of the chosen category options.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use super::plan::OrgUnitInfo;
use super::selection::{AggregatedSelection, AttributeOptions};
use crate::dhis2::metadata::fetch_by_ids;
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};

/// Why a run cannot start reading, said before any value moves.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrepareError {
    #[error(transparent)]
    Dhis2(#[from] Dhis2Error),
    #[error(
        "The organisation unit(s) {} are outside the hierarchy of your user on {origin}: DHIS2 \
         does not let you read their data. Choose units within your hierarchy, or ask for them \
         to be added to your user's data view units.",
        units.join(", ")
    )]
    OutsideHierarchy { origin: String, units: Vec<String> },
    #[error("{origin} has no {kind} {}. Check the selection.", ids.join(", "))]
    NotAtOrigin {
        origin: String,
        kind: String,
        ids: Vec<String>,
    },
    #[error(
        "No organisation unit of {origin} is at the chosen levels ({}) or in the chosen groups \
         ({}) within the chosen units. Choose other levels, groups or units.",
        levels.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
        groups.join(", ")
    )]
    NoUnitsAtLevelsOrGroups {
        origin: String,
        levels: Vec<u32>,
        groups: Vec<String>,
    },
}

#[derive(Deserialize)]
struct MeUnits {
    #[serde(default, rename = "organisationUnits")]
    capture: Vec<OrgUnitInfo>,
    #[serde(default, rename = "dataViewOrganisationUnits")]
    view: Vec<OrgUnitInfo>,
}

/// The org units of the selection, each with its level: the chosen ones (with their
/// descendants when asked), or, with levels or groups, the units at those levels and the
/// members of those groups within the chosen ones (the user's hierarchy when none is chosen).
pub async fn read_org_units<T: Transport>(
    origin: &Dhis2Client<T>,
    origin_name: &str,
    selection: &AggregatedSelection,
) -> Result<Vec<OrgUnitInfo>, PrepareError> {
    let roots = selection.org_unit_ids();
    let found: Vec<OrgUnitInfo> = if roots.is_empty() {
        Vec::new()
    } else {
        fetch_by_ids(origin, "organisationUnits", "id", &roots, "id,level,path")
            .await?
            .into_iter()
            .filter_map(|unit| serde_json::from_value(unit).ok())
            .collect()
    };
    let missing: Vec<String> = roots
        .iter()
        .filter(|id| !found.iter().any(|unit| &unit.id == *id))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(PrepareError::NotAtOrigin {
            origin: origin_name.into(),
            kind: "organisation unit(s)".into(),
            ids: missing,
        });
    }
    let user_roots = user_roots(origin).await?;
    check_hierarchy(origin_name, &user_roots, &found)?;
    if selection.by_levels_or_groups() {
        let boundary = if found.is_empty() { user_roots } else { found };
        return by_levels_and_groups(origin, origin_name, selection, &boundary).await;
    }
    if !selection.include_descendants {
        return Ok(found);
    }
    let mut all: Vec<OrgUnitInfo> = Vec::new();
    let mut seen = BTreeSet::new();
    for root in &found {
        let path = format!(
            "api/organisationUnits?paging=false&fields=id,level,path&filter=path:like:{}",
            root.id
        );
        // The root first, then its subtree by level, as DHIS2 lists them.
        let mut units: Vec<OrgUnitInfo> = list_units(origin, &path)
            .await?
            .into_iter()
            .filter(|unit| unit.path.as_deref().is_some_and(|p| p.contains(&root.id)))
            .collect();
        units.sort_by_key(|unit| (unit.level.unwrap_or(u32::MAX), unit.id.clone()));
        for unit in std::iter::once(root.clone()).chain(units) {
            if seen.insert(unit.id.clone()) {
                all.push(unit);
            }
        }
    }
    Ok(all)
}

async fn list_units<T: Transport>(
    origin: &Dhis2Client<T>,
    path: &str,
) -> Result<Vec<OrgUnitInfo>, Dhis2Error> {
    let mut body: serde_json::Map<String, Value> = origin.get_json(path).await?;
    Ok(
        serde_json::from_value(body.remove("organisationUnits").unwrap_or_default())
            .unwrap_or_default(),
    )
}

/// Whether `unit` is one of `boundary` or below one of them.
fn within(unit: &OrgUnitInfo, boundary: &[OrgUnitInfo]) -> bool {
    let path = unit.path.clone().unwrap_or_else(|| format!("/{}", unit.id));
    boundary
        .iter()
        .any(|root| path.split('/').any(|id| id == root.id))
}

/// The units at the selection's levels (`filter=level:in:[…]` under each boundary unit) and
/// the members of its groups (`organisationUnitGroups`, their `organisationUnits`), within
/// `boundary`, by level; a group the origin lacks is named.
async fn by_levels_and_groups<T: Transport>(
    origin: &Dhis2Client<T>,
    origin_name: &str,
    selection: &AggregatedSelection,
    boundary: &[OrgUnitInfo],
) -> Result<Vec<OrgUnitInfo>, PrepareError> {
    let mut units: Vec<OrgUnitInfo> = Vec::new();
    if !selection.org_unit_levels.is_empty() {
        let levels: Vec<String> = selection
            .org_unit_levels
            .iter()
            .map(u32::to_string)
            .collect();
        for root in boundary {
            let path = format!(
                "api/organisationUnits?paging=false&fields=id,level,path\
                 &filter=path:like:{}&filter=level:in:%5B{}%5D",
                root.id,
                levels.join(",")
            );
            units.extend(list_units(origin, &path).await?);
        }
    }
    if !selection.org_unit_groups.is_empty() {
        let groups = fetch_by_ids(
            origin,
            "organisationUnitGroups",
            "id",
            &selection.org_unit_groups,
            "id,organisationUnits%5Bid,level,path%5D",
        )
        .await?;
        let missing: Vec<String> = selection
            .org_unit_groups
            .iter()
            .filter(|id| {
                !groups
                    .iter()
                    .any(|g| g.get("id").and_then(Value::as_str) == Some(id))
            })
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(PrepareError::NotAtOrigin {
                origin: origin_name.into(),
                kind: "organisation unit group(s)".into(),
                ids: missing,
            });
        }
        for mut group in groups {
            let members = group
                .get_mut("organisationUnits")
                .map(Value::take)
                .unwrap_or_default();
            units.extend(serde_json::from_value::<Vec<OrgUnitInfo>>(members).unwrap_or_default());
        }
    }
    // Levels and group members alike, within the boundary (`path:like` matches any part of a
    // path; group members may lie anywhere).
    units.retain(|unit| within(unit, boundary));
    units.sort_by_key(|unit| (unit.level.unwrap_or(u32::MAX), unit.id.clone()));
    units.dedup_by(|a, b| a.id == b.id);
    if units.is_empty() {
        return Err(PrepareError::NoUnitsAtLevelsOrGroups {
            origin: origin_name.into(),
            levels: selection.org_unit_levels.clone(),
            groups: selection.org_unit_groups.clone(),
        });
    }
    Ok(units)
}

/// The user's data view units (capture units when there are none): DHIS2 exports the values
/// of these and the units below them only.
async fn user_roots<T: Transport>(origin: &Dhis2Client<T>) -> Result<Vec<OrgUnitInfo>, Dhis2Error> {
    let me: MeUnits = origin
        .get_json(
            "api/me?fields=organisationUnits%5Bid,path%5D,dataViewOrganisationUnits%5Bid,path%5D",
        )
        .await?;
    Ok(if me.view.is_empty() {
        me.capture
    } else {
        me.view
    })
}

/// Units outside the user's hierarchy are said here, before reading, naming them.
fn check_hierarchy(
    origin_name: &str,
    roots: &[OrgUnitInfo],
    units: &[OrgUnitInfo],
) -> Result<(), PrepareError> {
    let outside: Vec<String> = units
        .iter()
        .filter(|unit| !within(unit, roots))
        .map(|unit| unit.id.clone())
        .collect();
    if outside.is_empty() {
        Ok(())
    } else {
        Err(PrepareError::OutsideHierarchy {
            origin: origin_name.into(),
            units: outside,
        })
    }
}

/// The data elements (with value types) behind the selection's data sets, groups and elements;
/// a data set, group or element the origin lacks is an error naming it.
pub async fn read_data_elements<T: Transport>(
    origin: &Dhis2Client<T>,
    origin_name: &str,
    selection: &AggregatedSelection,
) -> Result<BTreeMap<String, String>, PrepareError> {
    let mut elements = BTreeMap::new();
    let sources: [(&str, &str, &[String], &str); 3] = [
        (
            "dataSets",
            "data set(s)",
            &selection.data_sets,
            "id,dataSetElements%5BdataElement%5Bid,valueType%5D%5D",
        ),
        (
            "dataElementGroups",
            "data element group(s)",
            &selection.data_element_groups,
            "id,dataElements%5Bid,valueType%5D",
        ),
        (
            "dataElements",
            "data element(s)",
            &selection.data_elements,
            "id,valueType",
        ),
    ];
    for (plural, kind, ids, fields) in sources {
        if ids.is_empty() {
            continue;
        }
        let objects = fetch_by_ids(origin, plural, "id", ids, fields).await?;
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| {
                !objects
                    .iter()
                    .any(|o| o.get("id").and_then(Value::as_str) == Some(id))
            })
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(PrepareError::NotAtOrigin {
                origin: origin_name.into(),
                kind: kind.into(),
                ids: missing,
            });
        }
        for object in &objects {
            let members: Vec<&Value> = match plural {
                "dataSets" => object
                    .get("dataSetElements")
                    .and_then(Value::as_array)
                    .map(|items| items.iter().filter_map(|i| i.get("dataElement")).collect())
                    .unwrap_or_default(),
                "dataElementGroups" => object
                    .get("dataElements")
                    .and_then(Value::as_array)
                    .map(|items| items.iter().collect())
                    .unwrap_or_default(),
                _ => vec![object],
            };
            for member in members {
                if let Some(id) = member.get("id").and_then(Value::as_str) {
                    let value_type = member
                        .get("valueType")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    elements.insert(id.to_string(), value_type);
                }
            }
        }
    }
    Ok(elements)
}

/// The attribute option combos made of the chosen category options; `None` for all.
pub async fn read_attribute_option_combos<T: Transport>(
    origin: &Dhis2Client<T>,
    selection: &AggregatedSelection,
) -> Result<Option<Vec<String>>, Dhis2Error> {
    let AttributeOptions::Chosen { category_options } = &selection.attribute_options else {
        return Ok(None);
    };
    let combos = fetch_by_ids(
        origin,
        "categoryOptionCombos",
        "categoryOptions.id",
        category_options,
        "id",
    )
    .await?;
    Ok(Some(
        combos
            .iter()
            .filter_map(|c| c.get("id").and_then(Value::as_str).map(str::to_string))
            .collect(),
    ))
}

/// The data sets holding each of `elements`, for servers before 2.39 (no `dataElement` param).
pub async fn data_sets_of_elements<T: Transport>(
    origin: &Dhis2Client<T>,
    elements: &[String],
) -> Result<Vec<String>, Dhis2Error> {
    let body: serde_json::Map<String, Value> = origin
        .get_json("api/dataSets?paging=false&fields=id,dataSetElements%5BdataElement%5Bid%5D%5D")
        .await?;
    let mut holding = Vec::new();
    for data_set in body
        .get("dataSets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let holds = data_set
            .get("dataSetElements")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|i| i.get("dataElement")?.get("id")?.as_str())
            .any(|id| elements.iter().any(|e| e == id));
        if let (true, Some(id)) = (holds, data_set.get("id").and_then(Value::as_str)) {
            holding.push(id.to_string());
        }
    }
    Ok(holding)
}

/// A category option of an attribute category combo, to choose which attribute options' values
/// move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeChoice {
    pub id: String,
    pub name: String,
}

/// The attribute category combos of an instance (not the default one) with their options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeComboChoices {
    pub id: String,
    pub name: String,
    pub options: Vec<AttributeChoice>,
}

#[derive(Deserialize)]
struct RawNamed {
    id: String,
    #[serde(rename = "displayName", default)]
    display_name: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

impl RawNamed {
    fn label(&self) -> String {
        self.display_name
            .clone()
            .or_else(|| self.name.clone())
            .unwrap_or_else(|| self.id.clone())
    }
}

#[derive(Deserialize)]
struct RawCategory {
    #[serde(rename = "categoryOptions", default)]
    category_options: Vec<RawNamed>,
}

#[derive(Deserialize)]
struct RawAttributeCombo {
    #[serde(flatten)]
    named: RawNamed,
    #[serde(rename = "isDefault", default)]
    is_default: bool,
    #[serde(default)]
    categories: Vec<RawCategory>,
}

#[derive(Deserialize)]
struct RawAttributeCombos {
    #[serde(rename = "categoryCombos", default)]
    category_combos: Vec<RawAttributeCombo>,
}

/// The attribute category combos of `origin` with their category options, by name; the
/// default combo (one "default" option) is left out.
pub async fn attribute_combo_choices<T: Transport>(
    origin: &Dhis2Client<T>,
) -> Result<Vec<AttributeComboChoices>, Dhis2Error> {
    let body: RawAttributeCombos = origin
        .get_json(
            "api/categoryCombos?paging=false&filter=dataDimensionType:eq:ATTRIBUTE\
             &fields=id,name,displayName,isDefault,\
             categories%5BcategoryOptions%5Bid,name,displayName%5D%5D",
        )
        .await?;
    let mut combos: Vec<AttributeComboChoices> = body
        .category_combos
        .into_iter()
        .filter(|combo| !combo.is_default && combo.named.name.as_deref() != Some("default"))
        .map(|combo| {
            let mut seen = BTreeSet::new();
            let mut options: Vec<AttributeChoice> = combo
                .categories
                .iter()
                .flat_map(|category| &category.category_options)
                .filter(|option| seen.insert(option.id.clone()))
                .map(|option| AttributeChoice {
                    id: option.id.clone(),
                    name: option.label(),
                })
                .collect();
            options.sort_by_key(|option| option.name.to_lowercase());
            AttributeComboChoices {
                id: combo.named.id.clone(),
                name: combo.named.label(),
                options,
            }
        })
        .filter(|combo| !combo.options.is_empty())
        .collect();
    combos.sort_by_key(|combo| combo.name.to_lowercase());
    Ok(combos)
}

/// An org unit level of an instance, to pick units by level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelChoice {
    pub level: u32,
    pub name: String,
}

/// The org unit levels and groups of an instance, by level and by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevelGroupChoices {
    pub levels: Vec<LevelChoice>,
    pub groups: Vec<AttributeChoice>,
}

#[derive(Deserialize)]
struct RawLevel {
    level: u32,
    #[serde(flatten)]
    named: RawNamed,
}

#[derive(Deserialize)]
struct RawLevelsAndGroups {
    #[serde(rename = "organisationUnitLevels", default)]
    levels: Vec<RawLevel>,
    #[serde(rename = "organisationUnitGroups", default)]
    groups: Vec<RawNamed>,
}

/// The org unit levels (`organisationUnitLevels`) and groups of `origin`. An instance whose
/// levels were never named has none listed: its levels are then the depths of its units
/// (asked for the deepest one), named by number.
pub async fn level_group_choices<T: Transport>(
    origin: &Dhis2Client<T>,
) -> Result<LevelGroupChoices, Dhis2Error> {
    let levels: RawLevelsAndGroups = origin
        .get_json("api/organisationUnitLevels?paging=false&fields=id,level,name,displayName")
        .await?;
    let groups: RawLevelsAndGroups = origin
        .get_json("api/organisationUnitGroups?paging=false&fields=id,name,displayName")
        .await?;
    let mut levels: Vec<LevelChoice> = levels
        .levels
        .into_iter()
        .filter(|level| level.level > 0)
        .map(|level| LevelChoice {
            level: level.level,
            name: level.named.label(),
        })
        .collect();
    if levels.is_empty() {
        let deepest: serde_json::Map<String, Value> = origin
            .get_json("api/organisationUnits?fields=level&order=level:desc&pageSize=1")
            .await?;
        let depth = deepest
            .get("organisationUnits")
            .and_then(Value::as_array)
            .and_then(|units| units.first())
            .and_then(|unit| unit.get("level"))
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .min(20) as u32;
        levels = (1..=depth)
            .map(|level| LevelChoice {
                level,
                name: level.to_string(),
            })
            .collect();
    }
    levels.sort_by_key(|level| level.level);
    levels.dedup_by_key(|level| level.level);
    let mut groups: Vec<AttributeChoice> = groups
        .groups
        .into_iter()
        .map(|group| AttributeChoice {
            name: group.label(),
            id: group.id,
        })
        .collect();
    groups.sort_by_key(|group| group.name.to_lowercase());
    Ok(LevelGroupChoices { levels, groups })
}
