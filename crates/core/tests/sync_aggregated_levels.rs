//! Org unit levels and groups in the aggregated selection: resolved on the origin at prepare
//! time (`organisationUnits?filter=level:in:[…]` under the chosen units, the members of
//! `organisationUnitGroups`), within the chosen units or the user's hierarchy, into the units
//! the slices read.

mod aggregated_common;
mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use aggregated_common::*;
use dhis2_sim::seed::rng::uid;
use dhis2_sim::{DemoSide, Sim};
use mdsync_core::sync::aggregated::AggregatedSelection;
use mdsync_core::sync::{SyncProblem, TargetStatus};

/// The demo's facilities of the first kind (group `oug:0`) under `unit`.
fn group_members_under(sim: &Arc<Sim>, unit: &str) -> BTreeSet<String> {
    sim.with_stores(|metadata, _, _| {
        let group = metadata
            .get("organisationUnitGroups", &uid("oug:0"))
            .cloned()
            .expect("the demo's first facility group");
        group["organisationUnits"]
            .as_array()
            .expect("members")
            .iter()
            .filter_map(|member| member["id"].as_str())
            .filter(|id| {
                metadata
                    .get("organisationUnits", id)
                    .and_then(|u| u["path"].as_str().map(|p| p.contains(unit)))
                    .unwrap_or(false)
            })
            .map(str::to_string)
            .collect()
    })
}

#[test]
fn a_level_within_a_district_reads_its_facilities() {
    let origin = demo("origin", "2.40", DemoSide::Source);
    let destination = empty_copy("destination", "2.41");
    origin.clear_request_log();
    // Without descendants the district alone holds no value; level 4 are its facilities.
    let selection = AggregatedSelection {
        include_descendants: false,
        org_unit_levels: vec![4],
        ..anc_district()
    };
    let report = run(&origin, &destination, &selection, &Default::default());
    // Every request the engine counted is one the origin logged.
    assert_eq!(report.origin_request_count, origin.request_log().len());
    let target = &report.targets[0];
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(target.status, TargetStatus::Success, "{target:?}");
    let expected = district_values(&origin);
    assert!(expected.len() > 500);
    assert_eq!(district_values(&destination), expected);
    let stats = &report.aggregated.as_ref().expect("details").stats;
    assert_eq!(stats.at_level(4), expected.len() as u64);
    let asked = origin
        .request_log()
        .iter()
        .filter(|r| r.path.ends_with("/organisationUnits") && r.query.contains("level:in"))
        .count();
    assert_eq!(asked, 1, "one level query under the one chosen unit");
}

#[test]
fn a_group_is_read_within_the_chosen_units_or_the_users_hierarchy() {
    let origin = demo("origin", "2.39", DemoSide::Source);
    // Within the district: only the group's facilities there.
    let destination = empty_copy("destination", "2.39");
    let selection = AggregatedSelection {
        org_unit_groups: vec![uid("oug:0")],
        ..anc_district()
    };
    let report = run(&origin, &destination, &selection, &Default::default());
    assert_eq!(report.targets[0].status, TargetStatus::Success);
    let members = group_members_under(&origin, &district(0, 0));
    assert!(
        !members.is_empty(),
        "the district has facilities of the group"
    );
    let expected: BTreeSet<Row> = district_values(&origin)
        .into_iter()
        .filter(|row| members.contains(&row.2))
        .collect();
    assert!(!expected.is_empty());
    assert!(expected.len() < district_values(&origin).len());
    assert_eq!(district_values(&destination), expected);

    // No unit chosen: the group's members anywhere in the user's hierarchy (here the country).
    let everywhere = empty_copy("everywhere", "2.39");
    let selection = AggregatedSelection {
        org_units: Vec::new(),
        org_unit_groups: vec![uid("oug:0")],
        ..anc_district()
    };
    let report = run(&origin, &everywhere, &selection, &Default::default());
    assert_eq!(report.targets[0].status, TargetStatus::Success);
    assert_eq!(district_values(&everywhere), expected);
    let country = uid("ou:country");
    let all_members = group_members_under(&origin, &country);
    assert!(all_members.len() > members.len());
    let landed: BTreeSet<String> = values_of(
        &everywhere,
        &anc_data_set(),
        &country,
        "2024-01-01",
        "2024-12-31",
    )
    .into_iter()
    .map(|row| row.2)
    .collect();
    assert!(landed.len() > members.len(), "other districts' members too");
    assert!(landed.is_subset(&all_members), "only the group's members");
}

#[test]
fn an_unknown_group_or_an_empty_level_stops_before_writing() {
    let origin = demo("origin", "2.41", DemoSide::Source);
    let destination = empty_copy("destination", "2.41");
    destination.clear_request_log();
    let unknown = AggregatedSelection {
        org_unit_groups: vec!["NoSuchGroup".into()],
        ..anc_district()
    };
    let report = run(&origin, &destination, &unknown, &Default::default());
    let problem = report.errors[0].problem.clone().expect("a typed problem");
    assert!(
        matches!(&problem, SyncProblem::NotAtOrigin { ids, .. } if ids == &vec!["NoSuchGroup".to_string()]),
        "{problem:?}"
    );
    // The demo has four levels: nothing is at the ninth.
    let deep = AggregatedSelection {
        org_unit_levels: vec![9],
        ..anc_district()
    };
    let report = run(&origin, &destination, &deep, &Default::default());
    let problem = report.errors[0].problem.clone().expect("a typed problem");
    assert_eq!(
        problem,
        SyncProblem::NoUnitsAtLevelsOrGroups {
            origin: "origin".into(),
            levels: vec![9],
            groups: Vec::new(),
        }
    );
    assert!(report.errors[0].message.contains("levels (9)"));
    assert!(destination
        .request_log()
        .iter()
        .all(|r| r.method == "GET" || !r.path.contains("dataValueSets")));
    assert!(district_values(&destination).is_empty());
}

#[test]
fn the_pickers_choices_are_the_origins_levels_and_groups() {
    let origin = demo("origin", "2.38", DemoSide::Source);
    let client = support::client_for(&origin, "admin");
    let choices = support::block_on(mdsync_core::sync::aggregated::origin::level_group_choices(
        &client,
    ))
    .expect("choices");
    let levels: Vec<u32> = choices.levels.iter().map(|l| l.level).collect();
    assert_eq!(levels, vec![1, 2, 3, 4]);
    assert!(choices.levels.iter().all(|l| !l.name.is_empty()));
    assert!(choices.groups.iter().any(|g| g.id == uid("oug:0")));
    let names: Vec<String> = choices
        .groups
        .iter()
        .map(|g| g.name.to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "groups by name");
}
