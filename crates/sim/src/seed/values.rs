//! Twelve months of plausible aggregate values for the demo's facilities, written straight into
//! the compact value table (the data already satisfies every import rule).

use super::aggregate::{Aggregate, Element};
use super::geography::Unit;
use super::rng::Rng;
use super::DemoSide;
use crate::data_values::dates::{days_from_civil, Millis};
use crate::data_values::store::{StoredValue, ValueKey, ValueTable};

/// The year the demo's values cover.
pub const DEMO_YEAR: i64 = 2024;

fn kind_factor(kind: usize) -> f64 {
    match kind {
        3 => 4.0, // hospital
        2 => 2.0, // health centre
        1 => 1.0, // CHP
        _ => 0.7, // MCHP
    }
}

fn value_for(
    element: &Element,
    kind: usize,
    month: u32,
    share: f64,
    rng: &mut Rng,
    codes: &[String],
) -> String {
    match element.value_type {
        "BOOLEAN" => (if rng.chance(0.8) { "true" } else { "false" }).to_string(),
        "PERCENTAGE" => format!("{}", 30 + rng.below(66)),
        "TEXT" => rng.pick(codes).clone(),
        _ => {
            // Rainy-season peak (June–September) for everything, harmless for the demo.
            let season = if (6..=9).contains(&month) { 1.3 } else { 1.0 };
            let expected = element.scale as f64 * kind_factor(kind) * season * share;
            let noisy = expected * (0.5 + rng.unit());
            format!("{}", noisy.round().max(1.0) as u64)
        }
    }
}

/// Writes the demo values of one side into `table`; returns how many were written.
pub fn generate(
    side: DemoSide,
    units: &[Unit],
    aggregate: &Aggregate,
    table: &mut ValueTable,
    user: &str,
) -> usize {
    let facilities: Vec<&Unit> = units.iter().filter(|u| u.level == 4).collect();
    let stored_by = table.users.intern(user);
    let mut generated = Vec::new();
    let (data_sets, months, provinces): (&[_], u32, Option<usize>) = match side {
        DemoSide::Source => (&aggregate.data_sets[..], 12, None),
        // The destination started reporting recently, in one province, on one data set.
        DemoSide::Destination => (&aggregate.data_sets[..1], 3, Some(0)),
    };
    let periods: Vec<(u32, Millis)> = (1..=months)
        .filter_map(|month| {
            let handle = table.intern_period(&format!("{DEMO_YEAR}{month:02}"))?;
            let next = if month == 12 {
                days_from_civil(DEMO_YEAR + 1, 1, 10)
            } else {
                days_from_civil(DEMO_YEAR, month + 1, 10)
            };
            Some((handle, next * 86_400_000))
        })
        .collect();
    for data_set in data_sets {
        let elements: Vec<(u32, Vec<u32>, &Element)> = data_set
            .elements
            .iter()
            .map(|e| {
                let combos = e
                    .option_combos
                    .iter()
                    .map(|c| table.uids.intern(c))
                    .collect();
                (table.uids.intern(&e.id), combos, e)
            })
            .collect();
        let default_combo = table.uids.intern(super::categories::DEFAULT_OPTION_COMBO);
        for facility in &facilities {
            if data_set.larger_facilities_only && facility.kind < 2 {
                continue;
            }
            if provinces.is_some_and(|p| p != facility.province) {
                continue;
            }
            let mut rng = Rng::for_label(&format!("values:{}:{}", data_set.id, facility.id));
            let reporting_rate = 0.75 + 0.25 * rng.unit();
            let unit = table.uids.intern(&facility.id);
            for (month_index, (period, reported_at)) in periods.iter().enumerate() {
                if !rng.chance(reporting_rate) {
                    continue;
                }
                let month = month_index as u32 + 1;
                for (element, combos, spec) in &elements {
                    let share = 1.0 / combos.len().max(1) as f64;
                    for combo in combos {
                        if !rng.chance(data_set.density) {
                            continue;
                        }
                        let value = value_for(
                            spec,
                            facility.kind,
                            month,
                            share,
                            &mut rng,
                            &aggregate.stock_status_codes,
                        );
                        let when = reported_at + (rng.below(72 * 3600) as i64) * 1000;
                        let key = ValueKey {
                            data_element: *element,
                            period: *period,
                            org_unit: unit,
                            category_option_combo: *combo,
                            attribute_option_combo: default_combo,
                        };
                        generated.push((
                            key,
                            StoredValue {
                                value: Some(value.into_boxed_str()),
                                comment: None,
                                stored_by,
                                created: when,
                                last_updated: when,
                                follow_up: false,
                                deleted: false,
                            },
                        ));
                    }
                }
            }
        }
    }
    let written = generated.len();
    table.extend(generated);
    written
}
