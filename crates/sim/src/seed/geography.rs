//! The demo country's org unit tree: 4 levels (National, Province, District, Facility),
//! about 1,300 units with codes, paths and groups.

use super::rng::{uid, Rng};
use super::{identifiable, DemoSide};
use serde_json::{json, Value};

const PROVINCES: [&str; 8] = [
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "Lakeshore",
    "Highlands",
    "Coastal",
];
const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mba", "ni", "ro", "se", "tu", "wa", "ye", "zi", "bo", "da", "fu", "ga", "ha",
    "ji", "ku", "le", "ma", "no", "pe", "ri", "so", "ta",
];
const FACILITY_KINDS: [(&str, &str); 4] = [
    ("MCHP", "MCHP"),
    ("CHP", "CHP"),
    ("Health Centre", "CHC"),
    ("Hospital", "Hospital"),
];
const LEVEL_NAMES: [&str; 4] = ["National", "Province", "District", "Facility"];

/// One org unit as the rest of the seed needs it.
#[derive(Debug, Clone)]
pub struct Unit {
    pub id: String,
    pub level: u32,
    /// Index of its province (0 for the country).
    pub province: usize,
    /// Facility kind index into `FACILITY_KINDS` (facilities only).
    pub kind: usize,
}

/// The tree, org unit levels and groups, ready for insertion.
pub struct Geography {
    pub units: Vec<Unit>,
    pub objects: Vec<(&'static str, Value)>,
}

fn place_name(rng: &mut Rng) -> String {
    let parts = 2 + rng.below(2);
    let mut name: String = (0..parts).map(|_| *rng.pick(&SYLLABLES)).collect();
    if let Some(first) = name.get(0..1) {
        name.replace_range(0..1, &first.to_ascii_uppercase());
    }
    name
}

/// Builds the geography of one side. The destination gives a few facilities other UIDs and
/// renames a few others, as two independently built DHIS2 databases do.
pub fn build(side: DemoSide) -> Geography {
    let mut rng = Rng::for_label("geography");
    let mut units = Vec::new();
    let mut org_units = Vec::new();
    let mut unit =
        |id: String, name: String, code: String, level: u32, parent: Option<(&str, &str)>| {
            let path = match parent {
                Some((_, parent_path)) => format!("{parent_path}/{id}"),
                None => format!("/{id}"),
            };
            let mut object = identifiable(&id, &name, Some(&code));
            object["shortName"] = json!(name.chars().take(50).collect::<String>());
            object["level"] = json!(level);
            object["path"] = json!(path);
            object["openingDate"] = json!("1990-01-01T00:00:00.000");
            if let Some((parent_id, _)) = parent {
                object["parent"] = json!({ "id": parent_id });
            }
            org_units.push(object);
            path
        };

    let country = uid("ou:country");
    let country_path = unit(country.clone(), "Lakeland".into(), "OU_LL".into(), 1, None);
    units.push(Unit {
        id: country.clone(),
        level: 1,
        province: 0,
        kind: 0,
    });
    let mut facility_number = 0u32;
    for (p, province) in PROVINCES.iter().enumerate() {
        let province_id = uid(&format!("ou:province:{p}"));
        let province_path = unit(
            province_id.clone(),
            format!("{province} Province"),
            format!("OU_P{:02}", p + 1),
            2,
            Some((&country, &country_path)),
        );
        units.push(Unit {
            id: province_id.clone(),
            level: 2,
            province: p,
            kind: 0,
        });
        for d in 0..10 {
            let district_id = uid(&format!("ou:district:{p}:{d}"));
            let district_name = place_name(&mut rng);
            let district_path = unit(
                district_id.clone(),
                format!("{district_name} District"),
                format!("OU_D{:02}{:02}", p + 1, d + 1),
                3,
                Some((&province_id, &province_path)),
            );
            units.push(Unit {
                id: district_id.clone(),
                level: 3,
                province: p,
                kind: 0,
            });
            let facilities = 13 + rng.below(5);
            for f in 0..facilities {
                facility_number += 1;
                let kind = if f == 0 { 3 } else { rng.below(3) as usize };
                let label = format!("ou:facility:{p}:{d}:{f}");
                // On the destination every 97th facility was created independently: other UID.
                let moved = side == DemoSide::Destination && facility_number.is_multiple_of(97);
                let id = if moved {
                    uid(&format!("{label}#destination"))
                } else {
                    uid(&label)
                };
                let mut name = format!("{} {}", place_name(&mut rng), FACILITY_KINDS[kind].0);
                if side == DemoSide::Destination && facility_number.is_multiple_of(89) {
                    name = name
                        .replace("Health Centre", "HC")
                        .replace("Hospital", "Hosp.");
                    name.push_str(" (renamed)");
                }
                unit(
                    id.clone(),
                    name,
                    format!("OU_F{facility_number:05}"),
                    4,
                    Some((&district_id, &district_path)),
                );
                units.push(Unit {
                    id,
                    level: 4,
                    province: p,
                    kind,
                });
            }
        }
    }

    let mut objects: Vec<(&'static str, Value)> = Vec::new();
    for (index, name) in LEVEL_NAMES.iter().enumerate() {
        let mut level = identifiable(&uid(&format!("oul:{index}")), name, None);
        level["level"] = json!(index + 1);
        objects.push(("organisationUnitLevels", level));
    }
    objects.extend(
        org_units
            .into_iter()
            .map(|object| ("organisationUnits", object)),
    );
    for (kind, (_, group_name)) in FACILITY_KINDS.iter().enumerate() {
        let members: Vec<Value> = units
            .iter()
            .filter(|u| u.level == 4 && u.kind == kind)
            .map(|u| json!({ "id": u.id }))
            .collect();
        let mut group = identifiable(
            &uid(&format!("oug:{kind}")),
            group_name,
            Some(&format!("OUG_{kind}")),
        );
        group["shortName"] = json!(group_name);
        group["organisationUnits"] = json!(members);
        objects.push(("organisationUnitGroups", group));
    }
    Geography { units, objects }
}
