//! Per-type overrides of the include rules, as the Sync page sets them, reach the engine: a
//! dependency switched to "reference" stays out of the payload.

mod support;
mod sync_common;

use mdsync_core::browse::rules_editor::set_override;
use mdsync_core::browse::SyncOptionsForm;
use mdsync_core::sync::SyncReport;
use support::sim_named;
use sync_common::*;

fn objects_of(report: &SyncReport, plural: &str) -> usize {
    report
        .objects_by_type
        .iter()
        .find(|(name, _)| name == plural)
        .map_or(0, |(_, count)| *count)
}

#[test]
fn category_combos_switched_to_references_stay_out_of_the_payload() {
    let source = source("2.40", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.41");
    let data_sets = ids_of(&payload(AGGREGATE), "dataSets");

    let defaults = SyncOptionsForm::default();
    let with_defaults = sync(&source, &target, &data_sets, &defaults.to_options(true));
    assert!(
        objects_of(&with_defaults, "categoryCombos") > 0,
        "the defaults bring category combos: {:?}",
        with_defaults.objects_by_type
    );

    let mut form = SyncOptionsForm::default();
    let base = form.base_rules();
    // Every route to a category combo from what a data set brings.
    for from in ["dataSets", "sections", "dataElements"] {
        set_override(
            &mut form.rule_overrides,
            &base,
            from,
            "categoryCombos",
            false,
        );
    }
    let overridden = sync(&source, &target, &data_sets, &form.to_options(true));
    assert!(overridden.errors.is_empty(), "{:?}", overridden.errors);
    assert_eq!(
        objects_of(&overridden, "categoryCombos"),
        0,
        "{:?}",
        overridden.objects_by_type
    );
    assert_eq!(
        objects_of(&overridden, "dataSets"),
        objects_of(&with_defaults, "dataSets"),
        "the data sets themselves are still synced"
    );
    assert!(
        objects_of(&overridden, "dataElements") > 0,
        "other dependencies are still followed: {:?}",
        overridden.objects_by_type
    );
    assert!(
        overridden.references_only > with_defaults.references_only,
        "the category combos are now references: {} vs {}",
        overridden.references_only,
        with_defaults.references_only
    );
}
