//! The aggregated engine on DHIS2's own end-to-end payloads: `payloads/aggregate/metadata.json`
//! (two malaria data sets) with `aggregate/dataValues_bulk.json` (values for Bo, 2018 and
//! December 2019) imported into the origin; the destination holds the same metadata.

mod aggregated_common;
mod support;
mod sync_common;

use std::sync::Arc;

use aggregated_common::{run, Row};
use dhis2_sim::Sim;
use mdsync_core::dhis2::data_values::DataValueQuery;
use mdsync_core::dhis2::Method;
use mdsync_core::mapping::DataValueSet;
use mdsync_core::rules::DatePeriod;
use mdsync_core::sync::aggregated::{AggregatedSelection, AggregatedSyncOptions};
use mdsync_core::sync::TargetStatus;
use support::{block_on, client_for};
use sync_common::{payload, source, AGGREGATE, SETUP};

const BO: &str = "O6uvpzGd5pu";
const DATA_SETS: [&str; 2] = ["qNtxTrp56wV", "VEM58nY22sO"];

fn with_bulk_values(sim: &Arc<Sim>) {
    let client = client_for(sim, "admin");
    let request = client
        .request(Method::Post, "api/dataValueSets")
        .with_json(&payload("payloads/aggregate/dataValues_bulk.json"));
    let answer = block_on(client.execute(request)).expect("imported");
    assert!(answer.status < 300, "{}", answer.text());
}

fn values(sim: &Arc<Sim>) -> Vec<Row> {
    let query = DataValueQuery {
        data_sets: DATA_SETS.iter().map(|id| id.to_string()).collect(),
        org_units: vec![BO.into()],
        start_date: Some("2018-01-01".into()),
        end_date: Some("2019-12-31".into()),
        ..DataValueQuery::default()
    };
    let set: DataValueSet =
        block_on(client_for(sim, "admin").get_json(&query.path())).expect("values");
    let mut rows: Vec<Row> = set
        .data_values
        .into_iter()
        .map(|v| {
            (
                v.data_element.into(),
                v.period.into(),
                v.org_unit.into(),
                v.category_option_combo.unwrap_or_default().into(),
                v.attribute_option_combo.unwrap_or_default().into(),
                v.value.unwrap_or_default().into(),
            )
        })
        .collect();
    rows.sort();
    rows.dedup();
    rows
}

#[test]
fn the_reference_bulk_values_arrive_whole_across_versions() {
    for (from, to) in [("2.30", "2.41"), ("2.41", "2.30"), ("2.38", "2.38")] {
        let origin = source(from, &[SETUP, AGGREGATE]);
        with_bulk_values(&origin);
        let destination = source(to, &[SETUP, AGGREGATE]);
        let selection = AggregatedSelection {
            data_sets: DATA_SETS.iter().map(|id| id.to_string()).collect(),
            org_units: vec![BO.into()],
            period: DatePeriod::Fixed {
                start: Some("2018-01-01".into()),
                end: Some("2019-12-31".into()),
            },
            ..AggregatedSelection::default()
        };
        let report = run(
            &origin,
            &destination,
            &selection,
            &AggregatedSyncOptions::default(),
        );
        let target = &report.targets[0];
        assert!(report.errors.is_empty(), "{from}→{to}: {:?}", report.errors);
        assert_eq!(
            target.status,
            TargetStatus::Success,
            "{from}→{to}: {:?} {:?}",
            target.notes,
            target.aggregated.as_ref().map(|d| &d.conflicts)
        );
        let sent = values(&origin);
        assert_eq!(sent.len(), 231, "{from}: the bulk payload's values");
        assert_eq!(values(&destination), sent, "{from}→{to}");
        let again = run(
            &origin,
            &destination,
            &selection,
            &AggregatedSyncOptions::default(),
        );
        let stats = again.targets[0].stats;
        // Unchanged values count as updated until 2.38.6 / 2.39.5 / 2.40.3 / 2.41.0
        // (DHIS2-15254), as ignored after.
        let at: dhis2_sim::SimVersion = to.parse().expect("test versions are valid");
        let updated = if dhis2_sim::data_values::import::ignores_unchanged(at) {
            0
        } else {
            sent.len() as u64
        };
        assert_eq!((stats.created, stats.updated), (0, updated), "{from}→{to}");
        assert_eq!(values(&destination), sent, "{from}→{to}: nothing changed");
    }
}
