//! Programs on both sides: what the origin's selected programs are, what each destination has,
//! and the checks before anything is written to a destination — a program it lacks, an event
//! program mapped to a tracker program, a tracked entity type that differs.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dhis2::tracker::convert::ProgramAttributes;
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};
use crate::mapping::context::{IdRef, ProgramRef, ProgramStageRef};
use crate::mapping::model::MappedId;
use crate::mapping::types::{EVENT_PROGRAMS, TRACKED_ENTITY_TYPES, TRACKER_PROGRAMS};
use crate::mapping::MappingDictionary;

#[derive(Debug, Clone, Deserialize)]
struct Id {
    id: String,
}

/// A program as the engine needs it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramInfo {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub program_type: Option<String>,
    #[serde(default)]
    tracked_entity_type: Option<TypeRef>,
    #[serde(default)]
    program_stages: Vec<Stage>,
    #[serde(default)]
    program_tracked_entity_attributes: Vec<ProgramAttribute>,
    #[serde(default)]
    program_indicators: Vec<Id>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stage {
    id: String,
    #[serde(default)]
    program_stage_data_elements: Vec<StageElement>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StageElement {
    data_element: Id,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TypeRef {
    id: String,
    #[serde(default)]
    tracked_entity_type_attributes: Vec<ProgramAttribute>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProgramAttribute {
    tracked_entity_attribute: Id,
}

impl ProgramInfo {
    pub fn is_tracker(&self) -> bool {
        self.program_type.as_deref() == Some("WITH_REGISTRATION")
    }

    pub fn tracked_entity_type(&self) -> Option<&str> {
        self.tracked_entity_type.as_ref().map(|t| t.id.as_str())
    }

    pub fn stages(&self) -> impl Iterator<Item = &str> {
        self.program_stages.iter().map(|s| s.id.as_str())
    }

    /// The data elements of the program's stages (each once).
    pub fn data_elements(&self) -> BTreeSet<&str> {
        self.program_stages
            .iter()
            .flat_map(|s| &s.program_stage_data_elements)
            .map(|e| e.data_element.id.as_str())
            .collect()
    }

    /// The program's indicators.
    pub fn indicators(&self) -> impl Iterator<Item = &str> {
        self.program_indicators.iter().map(|i| i.id.as_str())
    }
}

const FIELDS: &str = "id,name,programType,trackedEntityType%5Bid,trackedEntityTypeAttributes%5BtrackedEntityAttribute%5Bid%5D%5D%5D,programStages%5Bid,programStageDataElements%5BdataElement%5Bid%5D%5D%5D,programTrackedEntityAttributes%5BtrackedEntityAttribute%5Bid%5D%5D,programIndicators%5Bid%5D";

/// The programs of an instance (`ids`: only these; empty: all).
pub async fn read_programs<T: Transport>(
    client: &Dhis2Client<T>,
    ids: &[String],
) -> Result<(Vec<ProgramInfo>, Vec<Value>), Dhis2Error> {
    let filter = if ids.is_empty() {
        String::new()
    } else {
        format!("&filter=id:in:%5B{}%5D", ids.join(","))
    };
    let mut body: serde_json::Map<String, Value> = client
        .get_json(&format!(
            "api/programs?paging=false&fields={FIELDS}{filter}"
        ))
        .await?;
    let raw: Vec<Value> = match body.remove("programs") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let programs = raw
        .iter()
        .filter_map(|p| serde_json::from_value::<ProgramInfo>(p.clone()).ok())
        .collect();
    Ok((programs, raw))
}

/// What a destination has, as the mapping and the writes need it.
#[derive(Debug, Clone, Default)]
pub struct DestinationPrograms {
    pub by_id: BTreeMap<String, ProgramInfo>,
    /// For the mapping context.
    pub refs: Vec<ProgramRef>,
    pub stages: Vec<ProgramStageRef>,
    pub attributes: ProgramAttributes,
}

impl DestinationPrograms {
    pub fn new(programs: Vec<ProgramInfo>, raw: Vec<Value>) -> DestinationPrograms {
        let refs: Vec<ProgramRef> = raw
            .into_iter()
            .filter_map(|p| serde_json::from_value(p).ok())
            .collect();
        let mut stages = Vec::new();
        let mut attributes = ProgramAttributes::default();
        for program in &programs {
            for stage in program.stages() {
                let (Ok(id), Ok(program_id)) = (stage.parse(), program.id.parse()) else {
                    continue;
                };
                stages.push(ProgramStageRef {
                    id,
                    program: IdRef { id: program_id },
                });
            }
            let ids: BTreeSet<String> = program
                .program_tracked_entity_attributes
                .iter()
                .map(|a| a.tracked_entity_attribute.id.clone())
                .collect();
            attributes.by_program.insert(program.id.clone(), ids);
            if let Some(tracked_entity_type) = &program.tracked_entity_type {
                attributes.of_types.extend(
                    tracked_entity_type
                        .tracked_entity_type_attributes
                        .iter()
                        .map(|a| a.tracked_entity_attribute.id.clone()),
                );
            }
        }
        DestinationPrograms {
            by_id: programs.into_iter().map(|p| (p.id.clone(), p)).collect(),
            refs,
            stages,
            attributes,
        }
    }
}

/// What an origin program becomes at a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramPlan {
    /// Written to this destination program.
    Write { destination: String },
    /// A tracker program sent as events of a destination event program.
    AsEvents { destination: String },
    /// Excluded by the mapping.
    Excluded,
}

/// Why nothing is written to a destination (typed: the app says it in the user's language).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(
    tag = "program",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ProgramProblem {
    #[error(
        "The destination has no program {destination} (for the origin's {name}), and the mapping \
         does not name one: nothing was written to it. Sync the program's metadata there first, \
         or map the program."
    )]
    Missing { name: String, destination: String },
    #[error(
        "The origin's {name} is an event program but the destination's {destination} is a \
         tracker program: events without tracked entities cannot go there. Map it to an event \
         program."
    )]
    EventToTracker { name: String, destination: String },
    #[error(
        "The origin's {name} registers tracked entities of type {origin_type}, the destination's \
         {destination} of type {destination_type}: nothing was written. Map the tracked entity \
         type (Mapping → tracked entity types) or choose another program."
    )]
    TrackedEntityTypeMismatch {
        name: String,
        destination: String,
        origin_type: String,
        destination_type: String,
    },
}

fn mapped<'m>(mapping: &'m MappingDictionary, types: &[&str], id: &str) -> Option<&'m MappedId> {
    types
        .iter()
        .find_map(|t| mapping.get(t, id))
        .and_then(|entry| entry.mapped_id.as_ref())
}

/// The plan of each origin program at a destination, or why the destination gets nothing.
pub fn plan_programs(
    origin: &[ProgramInfo],
    destination: &DestinationPrograms,
    mapping: &MappingDictionary,
) -> Result<Vec<ProgramPlan>, ProgramProblem> {
    let mut plans = Vec::with_capacity(origin.len());
    for program in origin {
        let name = program.name.clone().unwrap_or_else(|| program.id.clone());
        let target = match mapped(mapping, &[EVENT_PROGRAMS, TRACKER_PROGRAMS], &program.id) {
            Some(MappedId::Disabled) => {
                plans.push(ProgramPlan::Excluded);
                continue;
            }
            Some(other) => other.target().unwrap_or(&program.id).to_string(),
            None => program.id.clone(),
        };
        let Some(found) = destination.by_id.get(&target) else {
            return Err(ProgramProblem::Missing {
                name,
                destination: target,
            });
        };
        match (program.is_tracker(), found.is_tracker()) {
            (false, true) => {
                return Err(ProgramProblem::EventToTracker {
                    name,
                    destination: target,
                })
            }
            (true, false) => plans.push(ProgramPlan::AsEvents {
                destination: target,
            }),
            (true, true) => {
                let origin_type = program.tracked_entity_type().unwrap_or_default();
                let expected = match mapped(mapping, &[TRACKED_ENTITY_TYPES], origin_type) {
                    Some(id) => id.target().unwrap_or(origin_type),
                    None => origin_type,
                };
                let destination_type = found.tracked_entity_type().unwrap_or_default();
                if expected != destination_type {
                    return Err(ProgramProblem::TrackedEntityTypeMismatch {
                        name,
                        destination: target,
                        origin_type: origin_type.to_string(),
                        destination_type: destination_type.to_string(),
                    });
                }
                plans.push(ProgramPlan::Write {
                    destination: target,
                });
            }
            (false, false) => plans.push(ProgramPlan::Write {
                destination: target,
            }),
        }
    }
    Ok(plans)
}
