//! Events, tracked entities and enrollments of the demo's programs.

use super::categories::DEFAULT_OPTION_COMBO;
use super::geography::Unit;
use super::programs::{Programs, DIAGNOSES};
use super::rng::{uid, Rng};
use super::DEMO_YEAR;
use crate::data_values::dates::{days_from_civil, format_no_zone};
use crate::tracker::TrackerStore;
use serde_json::{json, Value};

const DEFAULT_CATEGORY_OPTION: &str = "xYerKDKCefk";
const FIRST_NAMES: [&str; 16] = [
    "Amina", "Kofi", "Fatou", "Musa", "Aisha", "Ibrahim", "Mariama", "Sahr", "Isatu", "Mohamed",
    "Hawa", "Alhaji", "Kadiatu", "Abu", "Fanta", "Joseph",
];
const LAST_NAMES: [&str; 12] = [
    "Kamara", "Sesay", "Conteh", "Bangura", "Koroma", "Turay", "Jalloh", "Mansaray", "Kargbo",
    "Fofanah", "Barrie", "Kanu",
];

fn timestamp(day: i64, rng: &mut Rng) -> String {
    format_no_zone(day * 86_400_000 + (8 * 3600 + rng.below(9 * 3600) as i64) * 1000)
}

fn event(
    uid: String,
    program: &str,
    stage: &str,
    unit: &str,
    day: i64,
    values: Vec<(String, String)>,
    rng: &mut Rng,
) -> Value {
    let at = timestamp(day, rng);
    let entered = timestamp(day + 1 + rng.below(5) as i64, rng);
    json!({
        "event": uid, "status": "COMPLETED", "program": program, "programStage": stage, "orgUnit": unit,
        "occurredAt": at, "completedAt": entered, "storedBy": "admin", "createdAt": entered, "updatedAt": entered,
        "attributeOptionCombo": DEFAULT_OPTION_COMBO, "attributeCategoryOptions": DEFAULT_CATEGORY_OPTION,
        "deleted": false, "followup": false, "notes": [],
        "dataValues": values.into_iter().map(|(element, value)| json!({
            "dataElement": element, "value": value, "providedElsewhere": false,
            "storedBy": "admin", "createdAt": entered, "updatedAt": entered
        })).collect::<Vec<_>>(),
    })
}

/// Fills the tracker store with ~2,000 inpatient events and ~500 children with their visits.
pub fn generate_tracker_data(programs: &Programs, units: &[Unit], tracker: &mut TrackerStore) {
    let year_start = days_from_civil(DEMO_YEAR, 1, 1);
    let mut rng = Rng::for_label("tracker-data");
    let larger: Vec<&Unit> = units
        .iter()
        .filter(|u| u.level == 4 && u.kind >= 2)
        .collect();
    for index in 0..2000 {
        let unit = larger[rng.below(larger.len() as u64) as usize];
        let day = year_start + rng.below(366) as i64;
        let values: Vec<(String, String)> = programs
            .event_elements
            .iter()
            .map(|(id, role)| {
                let value = match *role {
                    "diagnosis" => DIAGNOSES[rng.below(DIAGNOSES.len() as u64) as usize]
                        .0
                        .to_string(),
                    "age" => rng.below(80).to_string(),
                    "sex" => (if rng.chance(0.5) { "MALE" } else { "FEMALE" }).to_string(),
                    "outcome" => ["DISCHARGED", "DISCHARGED", "DISCHARGED", "REFERRED", "DIED"]
                        [rng.below(5) as usize]
                        .to_string(),
                    _ => (1 + rng.below(14)).to_string(),
                };
                (id.clone(), value)
            })
            .collect();
        let id = uid(&format!("event:ipd:{index}"));
        tracker.insert_event(event(
            id,
            &programs.event_program,
            &programs.event_stage,
            &unit.id,
            day,
            values,
            &mut rng,
        ));
    }
    let facilities: Vec<&Unit> = units.iter().filter(|u| u.level == 4).collect();
    for child in 0..500 {
        let unit = facilities[rng.below(facilities.len() as u64) as usize];
        let born = year_start + rng.below(300) as i64;
        let entity = uid(&format!("te:child:{child}"));
        let enrollment = uid(&format!("enrollment:child:{child}"));
        let registered = timestamp(born + 1, &mut rng);
        let (year, month, day) = crate::data_values::dates::civil_from_days(born);
        let attributes: Vec<Value> = programs
            .attributes
            .iter()
            .map(|(id, role)| {
                let value = match *role {
                    "first" => rng.pick(&FIRST_NAMES).to_string(),
                    "last" => rng.pick(&LAST_NAMES).to_string(),
                    "sex" => (if rng.chance(0.5) { "MALE" } else { "FEMALE" }).to_string(),
                    "birth" => format!("{year:04}-{month:02}-{day:02}"),
                    _ => format!("CH-{:06}", 100_000 + child),
                };
                json!({ "attribute": id, "value": value, "createdAt": registered, "updatedAt": registered })
            })
            .collect();
        tracker.insert_tracked_entity(json!({
            "trackedEntity": entity, "trackedEntityType": programs.person, "orgUnit": unit.id,
            "createdAt": registered, "updatedAt": registered, "inactive": false, "deleted": false,
            "potentialDuplicate": false, "attributes": attributes,
        }));
        tracker.insert_enrollment(json!({
            "enrollment": enrollment, "trackedEntity": entity, "program": programs.tracker_program,
            "orgUnit": unit.id, "status": "ACTIVE", "enrolledAt": timestamp(born, &mut rng),
            "occurredAt": timestamp(born, &mut rng), "createdAt": registered, "updatedAt": registered,
            "followUp": false, "deleted": false, "attributes": [], "notes": [],
        }));
        let mut link = |mut event: Value| {
            event["enrollment"] = json!(enrollment);
            event["trackedEntity"] = json!(entity);
            tracker.insert_event(event);
        };
        let birth_values = vec![
            (
                programs_element(programs, 0, true),
                (2000 + rng.below(2500)).to_string(),
            ),
            (
                programs_element(programs, 1, true),
                (5 + rng.below(6)).to_string(),
            ),
        ];
        link(event(
            uid(&format!("event:birth:{child}")),
            &programs.tracker_program,
            &programs.birth_stage,
            &unit.id,
            born,
            birth_values,
            &mut rng,
        ));
        for visit in 0..(1 + rng.below(3)) {
            let day = born + 30 * (visit as i64 + 1) + rng.below(10) as i64;
            let values = vec![
                (
                    programs_element(programs, 0, false),
                    format!("{:.1}", 3.0 + rng.unit() * 6.0),
                ),
                (
                    programs_element(programs, 1, false),
                    format!("{:.1}", 11.0 + rng.unit() * 4.0),
                ),
                (
                    programs_element(programs, 2, false),
                    (if rng.chance(0.7) { "true" } else { "false" }).to_string(),
                ),
            ];
            link(event(
                uid(&format!("event:followup:{child}:{visit}")),
                &programs.tracker_program,
                &programs.follow_up_stage,
                &unit.id,
                day,
                values,
                &mut rng,
            ));
        }
    }
}

/// The data element UIDs of the tracker program's stages (they derive from their names).
fn programs_element(_programs: &Programs, index: usize, birth: bool) -> String {
    let names: &[&str] = if birth {
        &["Birth weight (g)", "Apgar score"]
    } else {
        &["Weight (kg)", "MUAC (cm)", "Vaccine given"]
    };
    uid(&format!("de:tracker:{}", names[index]))
}
