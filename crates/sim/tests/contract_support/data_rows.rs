//! Contract rows for `/api/dataValueSets` import summaries.
//!
//! Version choice: `data_value_set_*.json` have the web-message wrapper (2.38+ on
//! `/api/dataValueSets`) but no `rejectedIndexes` (added in 2.38.5 / 2.39.2 / 2.40.1), so they
//! are replayed on 2.38.0. `imports/import_conflict.json` is a structured conflict (2.37+).

use crate::{post, Row, Seed};

/// One value of the aggregate reference metadata (a zero-or-positive-integer element).
fn one_value(value: &str) -> String {
    serde_json::json!({ "dataValues": [{ "dataElement": "tpz77FcntKx", "period": "201912",
        "orgUnit": "O6uvpzGd5pu", "categoryOptionCombo": "HllvX50cXC0",
        "attributeOptionCombo": "HllvX50cXC0", "value": value }] })
    .to_string()
}

pub fn rows() -> Vec<Row> {
    vec![
        Row {
            recording: "datavalueset/data_value_set_success.json",
            version: "2.38",
            seed: Seed::Aggregate,
            answer_at: "",
            steps: |_| (vec![], post("/api/dataValueSets", &one_value("5"))),
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "imports/data_value_import_summary_web_response.json",
            version: "2.38",
            seed: Seed::Aggregate,
            answer_at: "",
            steps: |_| (vec![], post("/api/dataValueSets", &one_value("5"))),
            exact: false,
            exceptions: &[],
        },
        Row {
            // The recording was hand-edited (README): it pairs a WARNING import with the ERROR
            // message. Only the shape is compared, so the simulator's message, taken from
            // DHIS2's source, does not count as a difference.
            recording: "datavalueset/data_value_set_warning.json",
            version: "2.38",
            seed: Seed::Aggregate,
            answer_at: "",
            steps: |_| (vec![], post("/api/dataValueSets", &one_value("40L"))),
            exact: false,
            exceptions: &[],
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
