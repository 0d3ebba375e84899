//! The slice loop: read one slice from the origin, then map and write it to every destination
//! still going, then the next. Cancel is honoured between chunks; a failure of the origin stops
//! the run and every destination's report says which slices landed.

use std::collections::VecDeque;

use super::engine::{AggregatedJob, OriginFailure};
use super::period::ResolvedPeriod;
use super::plan::{OriginPlan, Slice, SliceData};
use super::read::{is_deleted, raw_query, read_analytics, read_raw, SliceRead};
use super::report::{AggregatedNote, DataStats, SliceOutcome, SliceStatus};
use super::targets::TargetState;
use super::write::{prepare_for_sending, send_values, without_existing, WriteStop};
use crate::clock::Clock;
use crate::dhis2::data_values::{DataImportParams, DataImportStrategy, DataValueQuery};
use crate::dhis2::{Dhis2Client, Transport};
use crate::mapping::{DataValue, DataValueSet, Mapper};
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
        let (deleted, live): (Vec<DataValue>, Vec<DataValue>) =
            values.into_iter().partition(is_deleted);
        for value in &live {
            stats.count(value, plan.levels.get(&value.org_unit).copied());
        }
        values_moved += live.len() as u64;
        // Their value is a file resource of the origin: the file itself would have to be
        // copied, which this version does not do yet; sent as they are, they would be refused.
        let (files, live): (Vec<DataValue>, Vec<DataValue>) = live.into_iter().partition(|value| {
            plan.data_elements
                .get(&value.data_element)
                .is_some_and(|kind| kind == "FILE_RESOURCE" || kind == "IMAGE")
        });
        for &index in &pending {
            states[index].details.file_values_not_sent += files.len() as u64;
        }
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
                client: &clients[index],
                state: &mut states[index],
                mapper: mappers.get(index).and_then(Option::as_ref),
                slice: &slice,
                period,
                job,
                runtime,
            };
            let landed = target.write(slice_values, stale).await;
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

/// One slice to one destination.
struct TargetWrite<'w, 'r, T: Transport, C: Clock> {
    client: &'w EngineClient<'r, T, C>,
    state: &'w mut TargetState,
    mapper: Option<&'w Mapper<'w>>,
    slice: &'w Slice,
    period: &'w ResolvedPeriod,
    job: &'w AggregatedJob,
    runtime: &'w SyncRuntime<'r, C>,
}

impl<T: Transport, C: Clock> TargetWrite<'_, '_, T, C> {
    /// Maps and writes; `true` when the whole slice landed.
    async fn write(mut self, values: Vec<DataValue>, stale: Vec<DataValue>) -> bool {
        let options = &self.job.options;
        let mut values = self.map(values);
        if options.ignore_existing && !values.is_empty() {
            match self.destination_values(&values).await {
                Ok(existing) => {
                    let (kept, skipped, bytes) =
                        without_existing(values, &existing, &self.state.default_combo);
                    self.state.details.values_skipped_existing += skipped;
                    self.state.details.bytes_saved += bytes;
                    values = kept;
                }
                Err(error) => {
                    self.state.report.fail(&error);
                    self.fail_slice(0);
                    return false;
                }
            }
        }
        prepare_for_sending(&mut values);
        let params = DataImportParams {
            strategy: options.strategy,
            dry_run: options.dry_run,
            id_scheme: options.id_scheme,
            skip_audit: options.skip_audit,
            asynchronous: false,
        };
        let count = values.len() as u64;
        let state = &mut *self.state;
        let mut outcome = send_values(
            self.client,
            &values,
            &params,
            options.chunk_values,
            &mut state.report,
            &mut state.details,
            self.runtime,
        )
        .await;
        drop(values);
        let mut stale_count = 0;
        if outcome.is_ok() && options.delete_stale && !stale.is_empty() {
            let mut stale = self.map_stale(stale);
            prepare_for_sending(&mut stale);
            stale_count = stale.len() as u64;
            let deletes = DataImportParams {
                strategy: DataImportStrategy::Deletes,
                ..params
            };
            let state = &mut *self.state;
            outcome = send_values(
                self.client,
                &stale,
                &deletes,
                options.chunk_values,
                &mut state.report,
                &mut state.details,
                self.runtime,
            )
            .await;
            if outcome.is_ok() {
                state.details.stale_deleted += stale_count;
            }
        }
        let state = &mut *self.state;
        match outcome {
            Ok(()) => {
                state.details.slices.push(SliceOutcome {
                    label: self.slice.label(),
                    status: if count + stale_count == 0 {
                        SliceStatus::Empty
                    } else {
                        SliceStatus::Written
                    },
                    values: count + stale_count,
                });
                true
            }
            Err(WriteStop::Cancelled) => {
                let done = state.details.slices_written();
                state.report.raise(TargetStatus::Cancelled);
                state.details.slices.push(SliceOutcome {
                    label: self.slice.label(),
                    status: SliceStatus::Failed,
                    values: count,
                });
                state.details.notes.push(AggregatedNote::StoppedAt {
                    done,
                    total: done + 1,
                });
                state.alive = false;
                false
            }
            Err(WriteStop::Failed(error)) => {
                state.report.fail(&error);
                self.fail_slice(count);
                false
            }
        }
    }

    fn fail_slice(self, values: u64) {
        self.state.details.slices.push(SliceOutcome {
            label: self.slice.label(),
            status: SliceStatus::Failed,
            values,
        });
        self.state.alive = false;
    }

    fn map(&mut self, values: Vec<DataValue>) -> Vec<DataValue> {
        let Some(mapper) = self.mapper else {
            return values;
        };
        let applied = mapper.data_values(DataValueSet {
            data_values: values,
            extra: serde_json::Map::new(),
        });
        let excluded = applied.report.read.saturating_sub(applied.report.written);
        self.state.details.values_excluded_by_mapping += excluded as u64;
        applied.payload.data_values
    }

    fn map_stale(&self, values: Vec<DataValue>) -> Vec<DataValue> {
        match self.mapper {
            Some(mapper) => {
                mapper
                    .data_values(DataValueSet {
                        data_values: values,
                        extra: serde_json::Map::new(),
                    })
                    .payload
                    .data_values
            }
            None => values,
        }
    }

    /// The destination's values of the slice: by the same data set or group (or the mapped data
    /// elements on 2.39+), the org units and the window of the values about to be sent.
    async fn destination_values(
        &self,
        values: &[DataValue],
    ) -> Result<Vec<DataValue>, crate::dhis2::Dhis2Error> {
        let mut units: Vec<String> = values.iter().map(|v| v.org_unit.clone()).collect();
        units.sort_unstable();
        units.dedup();
        let modern = self
            .state
            .version
            .as_ref()
            .is_some_and(|version| version.minor_at_least(39));
        let mut query = match &self.slice.data {
            // Before 2.39 values are read by data set or group only.
            SliceData::Elements(_) if !modern => return Ok(Vec::new()),
            SliceData::Analytics { .. } if !modern => {
                if self.job.selection.data_sets.is_empty() {
                    return Ok(Vec::new());
                }
                DataValueQuery {
                    data_sets: self.job.selection.data_sets.clone(),
                    start_date: Some(self.slice.start.to_string()),
                    end_date: Some(self.slice.end.to_string()),
                    ..DataValueQuery::default()
                }
            }
            SliceData::Analytics { .. } => {
                let mut elements: Vec<String> =
                    values.iter().map(|v| v.data_element.clone()).collect();
                elements.sort_unstable();
                elements.dedup();
                DataValueQuery {
                    data_elements: elements,
                    start_date: Some(self.slice.start.to_string()),
                    end_date: Some(self.slice.end.to_string()),
                    ..DataValueQuery::default()
                }
            }
            _ => raw_query(self.slice, self.period, None, &self.job.options),
        };
        query.org_units = units;
        query.limit = None;
        query.include_deleted = false;
        query.last_updated = None;
        destination_read(self.client, &query).await
    }
}

async fn destination_read<T: Transport>(
    client: &Dhis2Client<T>,
    query: &DataValueQuery,
) -> Result<Vec<DataValue>, crate::dhis2::Dhis2Error> {
    let set: DataValueSet = client.get_json(&query.path()).await?;
    Ok(set.data_values)
}
