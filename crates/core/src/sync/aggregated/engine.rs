//! The aggregated pipeline: prepare (origin: versions, time zone, period, org units, data;
//! destinations: versions, mapping, checks) → for each slice: read → map → write, to every
//! destination → report. One slice is in memory at a time.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::origin::{
    data_sets_of_elements, read_attribute_option_combos, read_data_elements, read_org_units,
    PrepareError,
};
use super::outcome::{analytics, finish_target, resumed_report};
use super::period::{periods_within, resolve_period, ResolvedPeriod};
use super::plan::{org_unit_batches, raw_slices, OriginPlan, SliceData, RAW_ORG_UNITS_PER_SLICE};
use super::read::analytics_slices;
use super::report::{AggregatedNote, AggregatedRunDetails, AggregatedTargetDetails, DataStats};
use super::selection::{AggregatedSelection, AggregatedSyncOptions};
use super::slices::{run_slices, SliceRun};
use super::targets::{origin_context, outgoing, prepare_target, TargetMapping, TargetState};
use crate::clock::Clock;
use crate::dhis2::{Dhis2Client, Transport};
use crate::mapping::{Mapper, MappingContext};
use crate::rules::{RuleLastRun, ServerZone};
use crate::sync::metadata::SyncInstance;
use crate::sync::report::{interrupts, ReportNote, SyncError, SyncKind, SyncProblem, SyncReport};
use crate::sync::runtime::{counts, SyncRuntime};
use crate::sync::transport::ReadOnlyTransport;
use crate::sync::{SyncProgress, SyncStep};

/// An aggregated run as it is planned (and kept in the journal, to resume the same run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregatedJob {
    pub selection: AggregatedSelection,
    pub options: AggregatedSyncOptions,
    /// The rule's last runs, for "since the last run" periods.
    #[serde(default)]
    pub last_run: RuleLastRun,
    /// When the run first started (milliseconds since the epoch): relative periods count from it,
    /// so a resumed run reads the same periods.
    pub started_millis: u64,
}

/// What the origin gave for the run.
struct Prepared {
    plan: OriginPlan,
    period: ResolvedPeriod,
    notes: Vec<AggregatedNote>,
}

async fn prepare_origin<T: Transport>(
    origin: &Dhis2Client<T>,
    origin_name: &str,
    job: &AggregatedJob,
) -> Result<Prepared, PrepareError> {
    let selection = &job.selection;
    let info = origin.system_info().await?;
    let (zone, unknown) = ServerZone::of_server(info.server_time_zone_id.as_deref());
    let mut notes = Vec::new();
    if unknown.is_some() {
        notes.push(AggregatedNote::UnknownTimeZone {
            zone: info.server_time_zone_id.clone().unwrap_or_default(),
        });
    }
    let period = resolve_period(selection, job.started_millis, &zone, &job.last_run);
    if period.no_previous_run {
        notes.push(AggregatedNote::NoPreviousRun);
    }
    let org_units = read_org_units(origin, origin_name, selection).await?;
    let data_elements = read_data_elements(origin, origin_name, selection).await?;
    let attribute_option_combos = read_attribute_option_combos(origin, selection).await?;
    let mut plan = OriginPlan {
        version: Some(info.version.clone()),
        levels: org_units
            .iter()
            .filter_map(|u| Some((u.id.clone(), u.level?)))
            .collect(),
        org_units,
        data_elements,
        attribute_option_combos,
        slices: Vec::new(),
    };
    plan.slices = match &job.options.aggregation {
        None => {
            let mut sources: Vec<SliceData> = Vec::new();
            sources.extend(selection.data_sets.iter().cloned().map(SliceData::DataSet));
            sources.extend(
                selection
                    .data_element_groups
                    .iter()
                    .cloned()
                    .map(SliceData::Group),
            );
            if !selection.data_elements.is_empty() {
                if info.version.minor_at_least(39) {
                    sources.push(SliceData::Elements(selection.data_elements.clone()));
                } else {
                    let data_sets = data_sets_of_elements(origin, &selection.data_elements).await?;
                    if data_sets.is_empty() {
                        return Err(PrepareError::NotAtOrigin {
                            origin: origin_name.into(),
                            kind: "data set holding the data element(s)".into(),
                            ids: selection.data_elements.clone(),
                        });
                    }
                    sources.push(SliceData::ElementsVia {
                        data_sets,
                        keep: selection.data_elements.clone(),
                    });
                }
            }
            let batches = org_unit_batches(&plan.org_units, RAW_ORG_UNITS_PER_SLICE);
            raw_slices(&sources, &batches, &period)
        }
        Some(aggregation) => {
            let mut items: Vec<String> = plan.data_elements.keys().cloned().collect();
            items.extend(selection.indicators.iter().cloned());
            items.extend(selection.program_indicators.iter().cloned());
            let periods = periods_within(aggregation.aggregation_type, period.start, period.end);
            let units: Vec<String> = plan.org_units.iter().map(|u| u.id.clone()).collect();
            analytics_slices(&items, &periods, &units, &period)
        }
    };
    Ok(Prepared {
        plan,
        period,
        notes,
    })
}

fn error_of(problem: impl Into<SyncProblem>) -> SyncError {
    SyncError::of(problem)
}

fn step(step: SyncStep, target: Option<&str>, message: &str) -> SyncProgress {
    SyncProgress::Step {
        step,
        target: target.map(str::to_string),
        message: message.to_string(),
    }
}

/// Runs an aggregated sync from `origin` to every target (`mappings` in the same order). Never
/// fails as a whole: every problem lands in the report.
pub async fn run_aggregated_sync<O: Transport, T: Transport, C: Clock>(
    origin: &SyncInstance<O>,
    targets: &[SyncInstance<T>],
    mappings: &[TargetMapping],
    job: &AggregatedJob,
    runtime: &SyncRuntime<'_, C>,
) -> SyncReport {
    let progress = runtime.progress;
    let options = &job.options;
    let mut report = SyncReport::new(SyncKind::Aggregated, &origin.name);
    report.dry_run = options.dry_run;
    if let Err(problem) = job.selection.check(options) {
        report.errors.push(error_of(problem));
        return report;
    }
    let origin_listener = runtime.retry_listener(None);
    let origin_client = runtime.timed_client_for(
        origin.client.base_url(),
        origin.client.auth(),
        ReadOnlyTransport(origin.client.transport()),
        &origin_listener,
        origin.timeouts,
    );
    progress.on_progress(step(
        SyncStep::Prepare,
        None,
        "Reading the selection from the origin",
    ));
    let prepared = prepare_origin(&origin_client, &origin.name, job).await;
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(error) => {
            if let PrepareError::Dhis2(error) = &error {
                report.origin_interrupted = interrupts(error);
            }
            report.errors.push(error_of(error));
            (report.origin_request_count, report.origin_retries) = counts(&origin_client);
            return report;
        }
    };
    report.origin_version = prepared.plan.version.as_ref().map(ToString::to_string);
    let mut run_notes = prepared.notes.clone();
    let mut extra_origin_requests = 0;
    if let Some(aggregation) = options.aggregation.filter(|a| a.run_analytics_before) {
        let writer = runtime.timed_client_for(
            origin.client.base_url(),
            origin.client.auth(),
            origin.client.transport(),
            &origin_listener,
            origin.timeouts,
        );
        let outcome = analytics(&writer, runtime, None, aggregation.analytics_years).await;
        extra_origin_requests += counts(&writer).0;
        match outcome {
            Ok(()) => run_notes.push(AggregatedNote::AnalyticsRun {
                instance: origin.name.clone(),
            }),
            Err(problem) => {
                report.errors.push(error_of(problem));
                (report.origin_request_count, report.origin_retries) = counts(&origin_client);
                report.origin_request_count += extra_origin_requests;
                return report;
            }
        }
    }
    let origin_context = if options.id_scheme == crate::dhis2::data_values::DataIdScheme::Uid {
        match origin_context(&origin_client).await {
            Ok(context) => context,
            Err(error) => {
                report.origin_interrupted = interrupts(&error);
                report.errors.push(error_of(error));
                (report.origin_request_count, report.origin_retries) = counts(&origin_client);
                return report;
            }
        }
    } else {
        MappingContext::default()
    };

    let listeners: Vec<_> = targets
        .iter()
        .map(|target| runtime.retry_listener(Some(&target.name)))
        .collect();
    let clients: Vec<_> = targets
        .iter()
        .zip(&listeners)
        .map(|(target, listener)| target.engine_client(runtime, listener))
        .collect();
    let sent = outgoing(&job.selection, &prepared.plan);
    let mut states = Vec::with_capacity(targets.len());
    for (index, (target, client)) in targets.iter().zip(&clients).enumerate() {
        progress.on_progress(step(
            SyncStep::Prepare,
            Some(&target.name),
            "Connecting and checking the mapping",
        ));
        let mut state = TargetState {
            report: resumed_report(runtime, index, target),
            details: AggregatedTargetDetails::default(),
            version: None,
            context: MappingContext::default(),
            default_combo: String::new(),
            alive: true,
        };
        if let Some(before) = state.report.aggregated.take() {
            state.details = before;
        }
        let empty = TargetMapping::default();
        let mapping = mappings.get(index).unwrap_or(&empty);
        let outcome = prepare_target(
            client,
            mapping,
            &origin_context,
            &sent,
            options.id_scheme,
            &mut state,
        )
        .await;
        if let Err(error) = outcome {
            match error {
                super::targets::PrepareTargetError::Dhis2(error) => state.report.fail(&error),
                other => {
                    state.report.raise(crate::sync::TargetStatus::Error);
                    state.report.errors.push(error_of(other));
                }
            }
            state.alive = false;
        }
        state.report.version = state.version.as_ref().map(ToString::to_string);
        states.push(state);
    }
    let contexts: Vec<MappingContext> = states
        .iter_mut()
        .map(|state| std::mem::take(&mut state.context))
        .collect();
    let mappers: Vec<Option<Mapper<'_>>> = contexts
        .iter()
        .zip(mappings.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(context, mapping)| {
            (options.id_scheme == crate::dhis2::data_values::DataIdScheme::Uid)
                .then(|| mapping.map(|m| Mapper::new(&m.mapping, context)))
                .flatten()
        })
        .collect();

    let mut stats = DataStats::default();
    let outcome = run_slices(SliceRun {
        origin: &origin_client,
        clients: &clients,
        states: &mut states,
        mappers: &mappers,
        prepared_plan: &prepared.plan,
        period: &prepared.period,
        job,
        runtime,
        stats: &mut stats,
        queue: VecDeque::from(prepared.plan.slices.clone()),
    })
    .await;
    drop(mappers);
    if let Some(error) = &outcome.origin_error {
        report.origin_interrupted = error.dhis2().is_some_and(interrupts);
        report.errors.push(error_of(error.clone()));
    }
    run_notes.extend(outcome.notes);

    if let Some(aggregation) = options
        .aggregation
        .filter(|a| a.run_analytics_after && !options.dry_run)
    {
        for (state, client) in states.iter_mut().zip(&clients) {
            if !state.alive {
                continue;
            }
            let name = state.report.target.clone();
            match analytics(client, runtime, Some(&name), aggregation.analytics_years).await {
                Ok(()) => state
                    .details
                    .notes
                    .push(AggregatedNote::AnalyticsRun { instance: name }),
                Err(problem) => state.report.notes.push(ReportNote::from(problem)),
            }
        }
    }

    for (state, client) in states.into_iter().zip(&clients) {
        let target_report =
            finish_target(state, outcome.slices_total, outcome.origin_error.is_some());
        let mut target_report = target_report;
        let (requests, retries) = counts(client);
        target_report.request_count += requests;
        target_report.retries += retries;
        progress.on_progress(SyncProgress::TargetDone {
            target: target_report.target.clone(),
            status: target_report.status,
        });
        report.targets.push(target_report);
    }
    (report.origin_request_count, report.origin_retries) = counts(&origin_client);
    report.origin_request_count += extra_origin_requests;
    report.objects_by_type = vec![("dataValues".into(), stats.values_read as usize)];
    report.aggregated = Some(AggregatedRunDetails {
        period: Some(prepared.period),
        slices_total: outcome.slices_total,
        slices_read: outcome.slices_read,
        stats,
        notes: run_notes,
    });
    progress.on_progress(step(SyncStep::Report, None, "Done"));
    report
}
