//! One slice to one destination: map, leave out what the destination already holds (when
//! asked), write, then delete the stale values (when asked); the slice's outcome in the report.

use super::engine::AggregatedJob;
use super::files::{already_there, place_of, store_files, FileValue, Place};
use super::period::ResolvedPeriod;
use super::plan::{Slice, SliceData};
use super::read::raw_query;
use super::report::{AggregatedNote, SliceOutcome, SliceStatus};
use super::targets::TargetState;
use super::write::{prepare_for_sending, send_values, without_existing, WriteStop};
use crate::clock::Clock;
use crate::dhis2::data_values::{DataImportParams, DataImportStrategy, DataValueQuery};
use crate::dhis2::{Dhis2Client, Transport};
use crate::mapping::{DataValue, DataValueSet, Mapper};
use crate::sync::report::TargetStatus;
use crate::sync::runtime::{EngineClient, SyncRuntime};

/// One slice to one destination.
pub(super) struct TargetWrite<'w, 'r, O: Transport, T: Transport, C: Clock> {
    /// The origin, for the files of FILE_RESOURCE / IMAGE values.
    pub(super) origin: &'w EngineClient<'r, O, C>,
    pub(super) client: &'w EngineClient<'r, T, C>,
    pub(super) state: &'w mut TargetState,
    pub(super) mapper: Option<&'w Mapper<'w>>,
    pub(super) slice: &'w Slice,
    pub(super) period: &'w ResolvedPeriod,
    pub(super) job: &'w AggregatedJob,
    pub(super) runtime: &'w SyncRuntime<'r, C>,
}

impl<O: Transport, T: Transport, C: Clock> TargetWrite<'_, '_, O, T, C> {
    /// Maps and writes; `true` when the whole slice landed.
    pub(super) async fn write(
        mut self,
        mut values: Vec<DataValue>,
        files: &mut [FileValue],
        stale: Vec<DataValue>,
    ) -> bool {
        let options = &self.job.options;
        if !files.is_empty() {
            let kept = self.files_already_there(files).await;
            let state = &mut *self.state;
            let stored = store_files(
                self.origin,
                self.client,
                files,
                &kept,
                &mut state.report,
                &mut state.details,
                self.runtime,
            )
            .await;
            values.extend(stored);
        }
        let mut values = self.map(values);
        // Deleting is about what the destination has: nothing to leave out.
        let spare = options.ignore_existing && options.strategy != DataImportStrategy::Deletes;
        if spare && !values.is_empty() {
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
            options.async_imports,
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
                options.async_imports,
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

    /// Per file value, the destination's resource when its value at the (mapped) place already
    /// points at the same file; read with one request for the slice's places.
    async fn files_already_there(&mut self, files: &mut [FileValue]) -> Vec<Option<String>> {
        let mapped: Vec<Option<DataValue>> = files
            .iter()
            .map(|file| match self.mapper {
                Some(mapper) => mapper
                    .data_values(DataValueSet {
                        data_values: vec![file.value.clone()],
                        extra: serde_json::Map::new(),
                    })
                    .payload
                    .data_values
                    .pop(),
                None => Some(file.value.clone()),
            })
            .collect();
        let present: Vec<DataValue> = mapped.iter().flatten().cloned().collect();
        if present.is_empty() {
            return vec![None; files.len()];
        }
        let Ok(existing) = self.destination_values(&present).await else {
            return vec![None; files.len()];
        };
        let combo = crate::mapping::SharedStr::from(self.state.default_combo.as_str());
        let existing: std::collections::HashMap<Place, crate::mapping::SharedStr> = existing
            .iter()
            .filter(|value| !super::read::is_deleted(value))
            .filter_map(|value| Some((place_of(value, &combo), value.value.clone()?)))
            .collect();
        let places: Vec<Option<Place>> = mapped
            .iter()
            .map(|value| value.as_ref().map(|v| place_of(v, &combo)))
            .collect();
        already_there(self.origin, self.client, files, &places, &existing).await
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
        let mut units: Vec<String> = values.iter().map(|v| v.org_unit.to_string()).collect();
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
                    values.iter().map(|v| v.data_element.to_string()).collect();
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
    let set = client
        .get_decoded(&query.path(), DataValueSet::from_json)
        .await?;
    Ok(set.data_values)
}
