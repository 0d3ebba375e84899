//! The scale benchmark runs end to end (figures are printed by `cargo xtask bench`, not asserted).

use dhis2_sim::data_values::bench::run_with;

#[test]
fn benchmark_builds_reads_and_imports() {
    let report = run_with(20_000);
    println!("{report}");
    assert!(report.seed_values > 100_000, "{report:?}");
    assert_eq!(
        report.total_values,
        report.seed_values + 20_000 + report.imported
    );
    assert!(report.read_values > 0, "{report:?}");
    assert_eq!(report.imported, report.import_values);
    let printed = report.to_string();
    assert!(
        printed.contains("paged dataValueSets read") && printed.contains("import of 10000 values")
    );
}
