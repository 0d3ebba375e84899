//! The slice loop: read one slice from the origin, then map and write it to every destination
//! still going, then the next. Cancel is honoured between chunks; a failure of the origin stops
//! the run and every destination's report says which slices landed.

use std::collections::{HashMap, HashSet, VecDeque};

use super::engine::AggregatedJob;
use super::files::{is_file_type, FileValue};
use super::outcome::OriginFailure;
use super::period::ResolvedPeriod;
use super::plan::{OriginPlan, Slice, SliceData};
use super::read::{is_deleted, read_analytics, read_raw, SliceRead};
use super::report::{AggregatedNote, DataStats};
use super::slice_write::TargetWrite;
use super::targets::TargetState;
use crate::clock::Clock;
use crate::dhis2::Transport;
use crate::mapping::{DataValue, Mapper};
use crate::sync::report::TargetStatus;
use crate::sync::runtime::{EngineClient, SyncRuntime};
use crate::sync::{SyncProgress, SyncStep};

pub struct SliceRun<'s, 'r, O: Transport, T: Transport, C: Clock> {
    pub origin: &'s EngineClient<'r, O, C>,
    pub clients: &'s [EngineClient<'r, T, C>],
    pub states: &'s mut [TargetState],
    pub mappers: &'s [Option<Mapper<'s>>],
    pub prepared_plan: &'s OriginPlan,
    pub period: &'s ResolvedPeriod,
    pub job: &'s AggregatedJob,
    pub runtime: &'s SyncRuntime<'r, C>,
    pub stats: &'s mut DataStats,
    pub queue: VecDeque<Slice>,
}

/// How the loop ended.
#[derive(Debug, Default)]
pub struct SlicesOutcome {
    pub slices_total: usize,
    pub slices_read: usize,
    pub origin_error: Option<OriginFailure>,
    pub notes: Vec<AggregatedNote>,
}

pub async fn run_slices<O: Transport, T: Transport, C: Clock>(
    run: SliceRun<'_, '_, O, T, C>,
) -> SlicesOutcome {
    let SliceRun {
        origin,
        clients,
        states,
        mappers,
        prepared_plan: plan,
        period,
        job,
        runtime,
        stats,
        mut queue,
    } = run;
    let options = &job.options;
    let mut outcome = SlicesOutcome {
        slices_total: queue.len(),
        ..SlicesOutcome::default()
    };
    let written_before: Vec<_> = (0..states.len())
        .map(|index| {
            runtime
                .journal
                .map(|journal| journal.written_before(index))
                .unwrap_or_default()
        })
        .collect();
    let mut values_moved = 0u64;
    let mut covered: HashMap<String, HashSet<String>> = HashMap::new();
    let combos = plan.attribute_option_combos.as_deref();
    runtime.progress.on_progress(SyncProgress::Step {
        step: SyncStep::Read,
        target: None,
        message: "Reading, mapping and writing the data values, slice by slice".into(),
    });
    while let Some(slice) = queue.pop_front() {
        if runtime.cancel.is_cancelled() {
            for state in states.iter_mut().filter(|s| s.alive) {
                cancel(state, outcome.slices_read, outcome.slices_total);
            }
            break;
        }
        let key = slice.key();
        let pending: Vec<usize> = (0..states.len())
            .filter(|&i| states[i].alive && !written_before[i].contains(&key))
            .collect();
        if states.iter().all(|s| !s.alive) {
            break;
        }
        if pending.is_empty() {
            // Every destination received it in an interrupted attempt of this run.
            outcome.slices_read += 1;
            continue;
        }
        let read = match &slice.data {
            SliceData::Analytics { .. } => {
                let zero = options.aggregation.is_some_and(|a| a.empty_as_zero);
                read_analytics(origin, &slice, combos, zero).await
            }
            _ => read_raw(origin, &slice, period, combos, options).await,
        };
        // A URL too long for the server (414) is read again in halves, as a slice with too
        // many values is.
        let too_long = matches!(&read, Err(error) if error.status() == Some(414));
        let read = if too_long && slice.split().is_some() {
            Ok(SliceRead::TooMany)
        } else {
            read
        };
        let values = match read {
            Ok(SliceRead::Values(values)) => values,
            Ok(SliceRead::TooMany) => match slice.split() {
                Some((first, second)) => {
                    outcome.notes.push(AggregatedNote::SliceSplit {
                        label: slice.label(),
                    });
                    outcome.slices_total += 1;
                    queue.push_front(second);
                    queue.push_front(first);
                    continue;
                }
                None => {
                    outcome.origin_error = Some(OriginFailure::TooLarge {
                        label: slice.label(),
                        limit: options.slice_values,
                    });
                    break;
                }
            },
            Err(source) => {
                outcome.origin_error = Some(OriginFailure::Read {
                    done: outcome.slices_read,
                    total: outcome.slices_total,
                    source,
                });
                break;
            }
        };
        outcome.slices_read += 1;
        // A data element in two chosen data sets (or groups) was read with the first one, for
        // the same org units and dates: its values are not sent twice.
        let group = format!(
            "{}:{}:{}",
            slice.org_units.join(","),
            slice.start,
            slice.end
        );
        let covered = covered.entry(group).or_default();
        let mut values = values;
        values.retain(|value| !covered.contains(value.data_element.as_str()));
        covered.extend(values.iter().map(|value| value.data_element.to_string()));
        let (deleted, live): (Vec<DataValue>, Vec<DataValue>) =
            values.into_iter().partition(is_deleted);
        for value in &live {
            stats.count(value, plan.levels.get(value.org_unit.as_str()).copied());
        }
        values_moved += live.len() as u64;
        // Their value is a file resource of the origin: the file is copied to each destination
        // (not on a dry run, which leaves them out) and the value sent with the new id.
        let (files, live): (Vec<DataValue>, Vec<DataValue>) = live.into_iter().partition(|value| {
            value.value.as_deref().is_some_and(|v| !v.is_empty())
                && plan
                    .data_elements
                    .get(value.data_element.as_str())
                    .is_some_and(|kind| is_file_type(kind))
        });
        let mut files: Vec<FileValue> = if files.is_empty() {
            Vec::new()
        } else if options.dry_run {
            for &index in &pending {
                states[index].details.file_values_not_sent += files.len() as u64;
            }
            Vec::new()
        } else {
            // Read from the origin only for a destination that lacks the file.
            files.into_iter().map(FileValue::new).collect()
        };
        let last = pending.last().copied();
        let mut live = Some(live);
        let mut deleted = Some(deleted);
        for &index in &pending {
            // The last destination takes the values themselves; the others a copy.
            let take = |values: &mut Option<Vec<DataValue>>| {
                if Some(index) == last {
                    values.take().unwrap_or_default()
                } else {
                    values.clone().unwrap_or_default()
                }
            };
            let slice_values = take(&mut live);
            let stale = take(&mut deleted);
            let target = TargetWrite {
                origin,
                client: &clients[index],
                state: &mut states[index],
                mapper: mappers.get(index).and_then(Option::as_ref),
                slice: &slice,
                period,
                job,
                runtime,
            };
            let landed = target.write(slice_values, &mut files, stale).await;
            if landed {
                let state = &states[index];
                if let Some(journal) = runtime.journal {
                    journal
                        .chunk_written(index, std::slice::from_ref(&key), &state.report)
                        .await;
                }
            }
        }
        runtime.progress.on_progress(SyncProgress::DataValues {
            slices_done: outcome.slices_read,
            slices_total: outcome.slices_total,
            values_moved,
        });
    }
    outcome
}

fn cancel(state: &mut TargetState, done: usize, total: usize) {
    state.report.raise(TargetStatus::Cancelled);
    state.report.interruption = None;
    state
        .details
        .notes
        .push(AggregatedNote::StoppedAt { done, total });
    state.alive = false;
}
