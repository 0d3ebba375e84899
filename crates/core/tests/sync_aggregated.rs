//! The aggregated engine against the simulator, in process: the demo's origin (a country with a
//! year of values) and destinations across DHIS2 versions. What arrives is read back through the
//! destination's API; requests are counted against the simulator's own log.

mod aggregated_common;
mod support;

use aggregated_common::*;
use mdsync_core::dhis2::data_values::DataImportStrategy;
use mdsync_core::sync::aggregated::{
    AggregatedNote, AggregatedSelection, AggregatedSyncOptions, SliceStatus,
};
use mdsync_core::sync::report::SyncKind;
use mdsync_core::sync::{ReportNote, TargetStatus};

fn options() -> AggregatedSyncOptions {
    AggregatedSyncOptions::default()
}

#[test]
fn a_district_year_arrives_whole_across_versions_and_a_second_run_changes_nothing() {
    for (from, to) in [
        ("2.30", "2.41"),
        ("2.36", "2.42"),
        ("2.41", "2.30"),
        ("2.38", "2.38"),
    ] {
        let origin = demo("origin", from, dhis2_sim::DemoSide::Source);
        let destination = empty_copy("destination", to);
        origin.clear_request_log();
        destination.clear_request_log();
        let report = run(&origin, &destination, &anc_district(), &options());
        // Every request the engine counted is one the servers logged.
        let target = &report.targets[0];
        assert_eq!(
            report.origin_request_count,
            origin.request_log().len(),
            "{from}"
        );
        assert_eq!(
            target.request_count,
            destination.request_log().len(),
            "{to}"
        );
        assert_eq!(report.kind, SyncKind::Aggregated);
        assert!(report.errors.is_empty(), "{from}→{to}: {:?}", report.errors);
        assert_eq!(
            target.status,
            TargetStatus::Success,
            "{from}→{to}: {:?}",
            target.notes
        );
        let expected = district_values(&origin);
        assert!(
            expected.len() > 500,
            "the district has {} values",
            expected.len()
        );
        assert_eq!(district_values(&destination), expected, "{from}→{to}");
        assert_eq!(target.stats.created as usize, expected.len(), "{from}→{to}");
        let details = target.aggregated.as_ref().expect("details");
        assert!(details
            .slices
            .iter()
            .all(|s| s.status == SliceStatus::Written));
        let stats = &report.aggregated.as_ref().expect("run details").stats;
        assert_eq!(stats.values_read as usize, expected.len());
        assert_eq!(stats.at_level(4), expected.len() as u64);

        let again = run(&origin, &destination, &anc_district(), &options());
        let target = &again.targets[0];
        assert_eq!(target.status, TargetStatus::Success, "{from}→{to} again");
        // DHIS2 counts an unchanged value as updated until 2.38.6 / 2.39.5 / 2.40.3 / 2.41.0
        // (DHIS2-15254), as ignored after; nothing changes either way.
        let unchanged = expected.len() as u64;
        let at: dhis2_sim::SimVersion = to.parse().expect("test versions are valid");
        let (updated, ignored) = if dhis2_sim::data_values::import::ignores_unchanged(at) {
            (0, unchanged)
        } else {
            (unchanged, 0)
        };
        assert_eq!(
            (target.stats.created, target.stats.updated),
            (0, updated),
            "{from}→{to}: a second run imports nothing"
        );
        assert_eq!(target.stats.ignored, ignored, "{from}→{to}");
        assert_eq!(district_values(&destination), expected, "{from}→{to}");
    }
}

#[test]
fn a_dry_run_writes_nothing_and_deletes_remove_what_was_sent() {
    let origin = demo("origin", "2.40", dhis2_sim::DemoSide::Source);
    let destination = empty_copy("destination", "2.41");
    let dry = AggregatedSyncOptions {
        dry_run: true,
        ..options()
    };
    let report = run(&origin, &destination, &anc_district(), &dry);
    assert!(report.dry_run);
    assert_eq!(report.targets[0].status, TargetStatus::Success);
    assert!(
        district_values(&destination).is_empty(),
        "a dry run wrote values"
    );

    run(&origin, &destination, &anc_district(), &options());
    assert_eq!(district_values(&destination), district_values(&origin));
    let deletes = AggregatedSyncOptions {
        strategy: DataImportStrategy::Deletes,
        ..options()
    };
    let report = run(&origin, &destination, &anc_district(), &deletes);
    assert!(report.targets[0].stats.deleted > 0);
    assert!(district_values(&destination).is_empty());
}

/// Two districts, the first already at the destination: with "ignore values the destination
/// already has" only the second district's values travel, and the simulator's log shows the
/// smaller payload.
#[test]
fn ignore_existing_sends_only_what_differs() {
    let origin = demo("origin", "2.39", dhis2_sim::DemoSide::Source);
    let plain = empty_copy("plain", "2.40");
    let sparing = empty_copy("sparing", "2.40");
    let both = AggregatedSelection {
        org_units: vec![district(0, 0), district(0, 1)],
        ..anc_district()
    };
    for destination in [&plain, &sparing] {
        run(&origin, destination, &anc_district(), &options());
        destination.clear_request_log();
    }
    let first_district = district_values(&origin).len() as u64;
    let report = run(&origin, &plain, &both, &options());
    let spared = run(
        &origin,
        &sparing,
        &both,
        &AggregatedSyncOptions {
            ignore_existing: true,
            ..options()
        },
    );
    let (plain_posts, plain_bytes) = logged(&plain, "POST", "dataValueSets");
    let (spared_posts, spared_bytes) = logged(&sparing, "POST", "dataValueSets");
    assert!(plain_posts >= 1 && spared_posts >= 1);
    assert!(spared_bytes < plain_bytes, "{spared_bytes} < {plain_bytes}");
    let details = spared.targets[0].aggregated.as_ref().unwrap();
    assert_eq!(details.values_skipped_existing, first_district);
    assert_eq!(details.bytes_sent as usize, spared_bytes);
    assert!(details.bytes_saved > 0);
    assert!(spared.targets[0].notes.iter().any(|n| matches!(
        n,
        ReportNote::Aggregated {
            detail: AggregatedNote::SkippedExisting { values, .. }
        } if *values > 0
    )));
    let plain_details = report.targets[0].aggregated.as_ref().unwrap();
    assert_eq!(
        plain_details.values_sent,
        details.values_sent + details.values_skipped_existing
    );
    // The same values arrive either way.
    let two = |sim| {
        let mut rows = district_values(sim);
        rows.extend(values_of(
            sim,
            &anc_data_set(),
            &district(0, 1),
            "2024-01-01",
            "2024-12-31",
        ));
        rows
    };
    assert_eq!(two(&sparing), two(&plain));
}

/// Values deleted at the origin since they were synced are deleted at the destination when
/// asked for, and left there otherwise.
#[test]
fn stale_values_deleted_at_the_origin_are_deleted_at_the_destination_on_request() {
    let origin = demo("origin", "2.41", dhis2_sim::DemoSide::Source);
    let destination = empty_copy("destination", "2.38");
    run(&origin, &destination, &anc_district(), &options());
    let doomed: Vec<Row> = district_values(&origin).into_iter().take(3).collect();
    let body = serde_json::json!({ "dataValues": doomed.iter().map(|(de, pe, ou, coc, aoc, _)| {
        serde_json::json!({ "dataElement": de, "period": pe, "orgUnit": ou,
            "categoryOptionCombo": coc, "attributeOptionCombo": aoc })
    }).collect::<Vec<_>>() });
    let client = support::client_for(&origin, "admin");
    let request = client
        .request(
            mdsync_core::dhis2::Method::Post,
            "api/dataValueSets?importStrategy=DELETE",
        )
        .with_json(&body);
    let answer = support::block_on(client.execute(request)).expect("delete at the origin");
    assert!(
        answer.is_success() || answer.status == 409,
        "{}",
        answer.status
    );

    // Without asking, the destination keeps them.
    run(&origin, &destination, &anc_district(), &options());
    assert!(doomed
        .iter()
        .all(|row| district_values(&destination).contains(row)));
    let report = run(
        &origin,
        &destination,
        &anc_district(),
        &AggregatedSyncOptions {
            delete_stale: true,
            ..options()
        },
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Success, "{:?}", target.notes);
    let left = district_values(&destination);
    assert!(doomed.iter().all(|row| !left.contains(row)));
    assert_eq!(left, district_values(&origin));
    assert_eq!(target.aggregated.as_ref().unwrap().stale_deleted, 3);
    assert!(target.notes.contains(&ReportNote::Aggregated {
        detail: AggregatedNote::StaleDeleted { values: 3 }
    }));
}

/// The demo destination holds a few data elements and facilities under other ids: mapped, their
/// values land on the destination's objects; a pull inverts the same stored mapping.
#[test]
fn mapped_data_elements_and_org_units_land_on_the_destinations_objects_push_and_pull() {
    let origin = demo("origin", "2.40", dhis2_sim::DemoSide::Source);
    let destination = demo("destination", "2.41", dhis2_sim::DemoSide::Destination);
    let elements = moved_ids("dataElements");
    let units = moved_ids("organisationUnits");
    assert!(!elements.is_empty() && !units.is_empty());
    let selection = AggregatedSelection {
        org_units: vec![district_of("OU_F00097")],
        ..anc_district()
    };
    let mapping = mapping_of(&elements, &units);
    let report = run_with(
        &origin,
        &[&destination],
        std::slice::from_ref(&mapping),
        &selection,
        &options(),
        &mdsync_core::sync::NoProgress,
        &mdsync_core::sync::CancellationToken::new(),
    );
    let target = &report.targets[0];
    assert_eq!(
        target.status,
        TargetStatus::Success,
        "{:?} {:?}",
        target.notes,
        target.errors
    );
    let rename = |id: &str, pairs: &[(String, String)]| {
        pairs
            .iter()
            .find(|(from, _)| from == id)
            .map_or(id.to_string(), |(_, to)| to.clone())
    };
    let district = &selection.org_units[0];
    let sent = values_of(
        &origin,
        &anc_data_set(),
        district,
        "2024-01-01",
        "2024-12-31",
    );
    let arrived = values_of(
        &destination,
        &anc_data_set(),
        district,
        "2024-01-01",
        "2024-12-31",
    );
    let moved_facility = &units
        .iter()
        .find(|(from, _)| sent.iter().any(|r| &r.2 == from))
        .expect("a moved facility reports")
        .1;
    let mut renamed_elements = 0;
    for (de, pe, ou, coc, aoc, value) in &sent {
        let mapped = (
            rename(de, &elements),
            pe.clone(),
            rename(ou, &units),
            coc.clone(),
            aoc.clone(),
            value.clone(),
        );
        renamed_elements += usize::from(mapped.0 != *de);
        assert!(
            arrived.contains(&mapped),
            "missing at the destination: {mapped:?}"
        );
    }
    assert!(renamed_elements > 0);
    assert!(arrived.iter().any(|row| &row.2 == moved_facility));

    // Pull: the destination is now the origin; the stored mapping, inverted, brings the values
    // back onto the first instance's ids.
    let back = empty_copy("back", "2.39");
    let stored = mapping.mapping.clone();
    let (inverted, not_inverted) =
        mdsync_core::mapping::mapping_for_direction(mdsync_core::mapping::Direction::Pull, stored);
    assert!(not_inverted.is_some());
    let pulled = run_with(
        &destination,
        &[&back],
        &[mdsync_core::sync::aggregated::TargetMapping {
            mapping: inverted,
            ..Default::default()
        }],
        &selection,
        &options(),
        &mdsync_core::sync::NoProgress,
        &mdsync_core::sync::CancellationToken::new(),
    );
    assert!(pulled.errors.is_empty(), "{:?}", pulled.errors);
    let returned = values_of(&back, &anc_data_set(), district, "2024-01-01", "2024-12-31");
    for row in &sent {
        assert!(returned.contains(row), "not pulled back: {row:?}");
    }
}

/// Aggregation mode: yearly sums of the data set's elements over the district, and an indicator
/// sent as the value of the data element it is mapped to; analytics run before and after.
#[test]
fn aggregation_mode_sends_yearly_sums_and_indicators_as_mapped_data_elements() {
    use mdsync_core::sync::aggregated::{AggregationOptions, AggregationType};
    let origin = demo("origin", "2.39", dhis2_sim::DemoSide::Source);
    let destination = empty_copy("destination", "2.41");
    let indicator = dhis2_sim::seed::demo_metadata(dhis2_sim::DemoSide::Source)
        .into_iter()
        .find(|(plural, _)| *plural == "indicators")
        .and_then(|(_, o)| o["id"].as_str().map(str::to_string))
        .expect("an indicator");
    // A NUMBER data element of the stock data set takes the indicator's values.
    let receiving = dhis2_sim::seed::demo_metadata(dhis2_sim::DemoSide::Source)
        .into_iter()
        .find(|(plural, o)| *plural == "dataElements" && o["valueType"] == "NUMBER")
        .and_then(|(_, o)| o["id"].as_str().map(str::to_string))
        .expect("a NUMBER data element");
    let selection = AggregatedSelection {
        indicators: vec![indicator.clone()],
        include_descendants: false,
        ..anc_district()
    };
    let options = AggregatedSyncOptions {
        aggregation: Some(AggregationOptions {
            aggregation_type: AggregationType::Yearly,
            empty_as_zero: false,
            run_analytics_before: true,
            run_analytics_after: true,
            analytics_years: Some(2),
        }),
        ..options()
    };
    let mapping = mapping_of(&[(indicator.clone(), receiving.clone())], &[]);
    origin.clear_request_log();
    let report = run_with(
        &origin,
        &[&destination],
        &[mapping],
        &selection,
        &options,
        &mdsync_core::sync::NoProgress,
        &mdsync_core::sync::CancellationToken::new(),
    );
    let target = &report.targets[0];
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        !target.status.is_failure(),
        "{:?} {:?}",
        target.errors,
        target.notes
    );
    assert_eq!(logged(&origin, "POST", "resourceTables/analytics").0, 1);
    assert_eq!(
        logged(&destination, "POST", "resourceTables/analytics").0,
        1
    );
    assert!(logged(&origin, "GET", "analytics/dataValueSet").0 >= 1);
    // The district's yearly value of the indicator, as the origin's analytics give it.
    let client = support::client_for(&origin, "admin");
    let analytics: mdsync_core::mapping::DataValueSet = support::block_on(client.get_json(&format!(
        "api/analytics/dataValueSet.json?dimension=dx:{indicator}&dimension=pe:2024&dimension=ou:{}",
        district(0, 0)
    )))
    .expect("analytics");
    let expected = analytics.data_values[0]
        .value
        .clone()
        .expect("an indicator value");
    let arrived = values_of(
        &destination,
        &stock_data_set(),
        &district(0, 0),
        "2024-01-01",
        "2024-12-31",
    );
    assert!(
        arrived
            .iter()
            .any(|(de, pe, ou, _, _, value)| de == &receiving
                && pe == "2024"
                && ou == &district(0, 0)
                && value == &expected),
        "{arrived:?}"
    );
    let sums = values_of(
        &destination,
        &anc_data_set(),
        &district(0, 0),
        "2024-01-01",
        "2024-12-31",
    );
    assert!(sums
        .iter()
        .all(|(_, pe, ou, ..)| pe == "2024" && ou == &district(0, 0)));
    assert!(!sums.is_empty());
    assert!(target.notes.iter().any(|n| matches!(
        n,
        ReportNote::Aggregated {
            detail: AggregatedNote::AnalyticsRun { .. }
        }
    )));

    // "Send empty values as zero": every data item has a value for the year, 0 when it had none.
    let elements_of_the_data_set = dhis2_sim::seed::demo_metadata(dhis2_sim::DemoSide::Source)
        .into_iter()
        .find(|(plural, o)| *plural == "dataSets" && o["id"] == anc_data_set().as_str())
        .and_then(|(_, o)| o["dataSetElements"].as_array().map(Vec::len))
        .expect("the data set");
    let zeros = AggregatedSyncOptions {
        aggregation: options.aggregation.map(|a| AggregationOptions {
            empty_as_zero: true,
            run_analytics_before: false,
            run_analytics_after: false,
            ..a
        }),
        ..options.clone()
    };
    let with_zeros = run(&origin, &destination, &selection, &zeros);
    let stats = &with_zeros.aggregated.as_ref().expect("details").stats;
    assert_eq!(stats.values_read as usize, elements_of_the_data_set + 1);
}

/// A data element chosen twice (in the data set and in a group of it) is read once per org
/// units and dates and sent once.
#[test]
fn values_chosen_twice_are_sent_once() {
    let origin = demo("origin", "2.40", dhis2_sim::DemoSide::Source);
    let destination = empty_copy("destination", "2.40");
    let area = dhis2_sim::seed::demo_metadata(dhis2_sim::DemoSide::Source)
        .into_iter()
        .find(|(plural, o)| {
            *plural == "dataElementGroups" && o["code"].as_str().is_some_and(|c| c.contains("ANC"))
        })
        .and_then(|(_, o)| o["id"].as_str().map(str::to_string))
        .expect("the ANC group");
    let twice = AggregatedSelection {
        data_element_groups: vec![area],
        ..anc_district()
    };
    let report = run(&origin, &destination, &twice, &options());
    let target = &report.targets[0];
    let expected = district_values(&origin).len() as u64;
    assert_eq!(target.aggregated.as_ref().unwrap().values_sent, expected);
    assert_eq!(
        report.aggregated.as_ref().unwrap().stats.values_read,
        expected
    );
    assert_eq!(target.stats.created, expected);
}
