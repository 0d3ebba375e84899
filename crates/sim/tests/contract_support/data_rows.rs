//! Contract rows for `/api/dataValueSets` import summaries.
//!
//! Version choice: `data_value_set_*.json` have the web-message wrapper (2.38+ on
//! `/api/dataValueSets`) but no `rejectedIndexes` (added in 2.39.2 / 2.40.1 / 2.41.0), so they
//! are replayed on 2.38.0. `imports/import_conflict.json` is a structured conflict (2.37+).

use crate::{post, Row, Seed};

/// One value of the aggregate reference metadata (a zero-or-positive-integer element).
fn one_value(value: &str) -> String {
    serde_json::json!({ "dataValues": [{ "dataElement": "tpz77FcntKx", "period": "201912",
        "orgUnit": "O6uvpzGd5pu", "categoryOptionCombo": "HllvX50cXC0",
        "attributeOptionCombo": "HllvX50cXC0", "value": value }] })
    .to_string()
}

/// `count` values of one element, one per month of 2019: the recordings' counts come from a
/// re-import of values the server had (`updated` 3 and 10 with nothing ignored: before
/// DHIS2-15254, 2.38.0 counts an unchanged value as updated), so the row posts them twice.
fn months(count: usize) -> String {
    let values: Vec<_> = (1..=count)
        .map(|month| {
            serde_json::json!({ "dataElement": "tpz77FcntKx", "period": format!("2019{month:02}"),
                "orgUnit": "O6uvpzGd5pu", "categoryOptionCombo": "HllvX50cXC0",
                "attributeOptionCombo": "HllvX50cXC0", "value": "5" })
        })
        .collect();
    serde_json::json!({ "dataValues": values }).to_string()
}

pub fn rows() -> Vec<Row> {
    vec![
        Row {
            recording: "datavalueset/data_value_set_success.json",
            version: "2.38",
            seed: Seed::Aggregate,
            answer_at: "",
            steps: |_| {
                let setup = post("/api/dataValueSets", &months(3));
                (vec![setup], post("/api/dataValueSets", &months(3)))
            },
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "imports/data_value_import_summary_web_response.json",
            version: "2.38",
            seed: Seed::Aggregate,
            answer_at: "",
            steps: |_| {
                let setup = post("/api/dataValueSets", &months(10));
                (vec![setup], post("/api/dataValueSets", &months(10)))
            },
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "datavalueset/data_value_set_warning.json",
            version: "2.38",
            seed: Seed::Aggregate,
            answer_at: "",
            steps: |_| (vec![], post("/api/dataValueSets", &one_value("40L"))),
            exact: false,
            exceptions: &[(
                "$.message",
                "the recording was hand-edited (reference README): it pairs a WARNING import \
                 with the ERROR message; DHIS2's source (`WebMessageUtils.importSummary`) says \
                 \"One more conflicts encountered, please check import summary.\" for WARNING",
            )],
        },
        Row {
            recording: "imports/import_conflict.json",
            version: "2.37",
            seed: Seed::Aggregate,
            answer_at: "/conflicts/0",
            steps: |_| (vec![], post("/api/dataValueSets", &one_value("40L"))),
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "imports/import_count.json",
            version: "2.37",
            seed: Seed::Aggregate,
            answer_at: "/importCount",
            steps: |_| (vec![], post("/api/dataValueSets", &one_value("40L"))),
            exact: false,
            exceptions: &[],
        },
    ]
}
