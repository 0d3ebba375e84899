//! The events pipeline: prepare (origin: version, time zone, period, programs; destinations:
//! version, API, programs, mapping checks) → for each page of each program and org unit:
//! read → map → options → write, to every destination → report. One page is in memory at a
//! time; Cancel is honoured between pages.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::as_aggregated::{self, ProgramTotals};
use super::programs::{
    plan_programs, read_programs, DestinationPrograms, ProgramInfo, ProgramPlan,
};
use super::report::{EventsNote, EventsProblem, EventsRunDetails, ProgramStats};
use super::selection::{
    Chosen, EventsPeriodField, EventsSelection, EventsSyncOptions, TrackedEntitiesPeriodField,
};
use super::send::{send_in_pieces, PieceSize};
use super::transform::{
    defer_relationships, drop_geometry, keep_events, lift_relationships, relationship_ends,
    renew_uids, written_ids, NewUids,
};
use crate::clock::Clock;
use crate::dhis2::tracker::read::DateField;
use crate::dhis2::tracker::{
    read_events_page, read_tracked_entities_page, TrackerApi, TrackerImport, TrackerKind,
    TrackerPayload, TrackerQuery, TrackerWriteOptions,
};
use crate::dhis2::{Dhis2Client, Dhis2Error, ImportStatus, Transport};
use crate::mapping::{Exclusion, ItemKind, Mapper, MappingContext};
use crate::model::Uid;
use crate::rules::{DatePeriod, RuleLastRun, ServerZone};
use crate::sync::aggregated::{resolve_period, AggregatedSelection, TargetMapping};
use crate::sync::metadata::SyncInstance;
use crate::sync::report::{
    interrupts, SyncError, SyncKind, SyncProblem, SyncReport, TargetReport, TypeStats,
};
use crate::sync::runtime::{counts, SyncRuntime};
use crate::sync::transport::ReadOnlyTransport;
use crate::sync::{SyncProgress, SyncStep, TargetStatus};

/// An events run as it is planned (and kept in the journal, to resume the same run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsJob {
    pub selection: EventsSelection,
    pub options: EventsSyncOptions,
    #[serde(default)]
    pub last_run: RuleLastRun,
    /// When the run first started (milliseconds since the epoch).
    pub started_millis: u64,
    /// Seed of the new UIDs (a resumed run gives the same objects the same new UIDs).
    #[serde(default)]
    pub uid_seed: String,
}

thread_local! {
    /// Ids of events converted from tracked entities: the same entity gives the same event ids
    /// in every run.
    static CONVERTED: NewUids = NewUids::new("tracker-to-events");
}

/// Ids per query of chosen objects (they go in the URL).
const IDS_PER_QUERY: usize = 50;

fn step(step: SyncStep, target: Option<&str>, message: &str) -> SyncProgress {
    SyncProgress::Step {
        step,
        target: target.map(str::to_string),
        message: message.to_string(),
    }
}

/// What the origin gave for the run.
struct Origin {
    api: TrackerApi,
    version: String,
    programs: Vec<ProgramInfo>,
    events_window: Window,
    entities_window: Window,
    notes: Vec<EventsNote>,
}

#[derive(Debug, thiserror::Error)]
enum PrepareError {
    #[error(transparent)]
    Dhis2(#[from] Dhis2Error),
    #[error("The origin has no program {ids:?}: check the selection.")]
    NoProgram { ids: Vec<String> },
}

/// (date field, first day, last day) a read is limited to.
type Window = Option<(DateField, String, String)>;

/// The windows of events and of tracked entities.
fn windows(job: &EventsJob, zone: &ServerZone, notes: &mut Vec<EventsNote>) -> (Window, Window) {
    let selection = &job.selection;
    if selection.period == DatePeriod::All {
        return (None, None);
    }
    let as_aggregated = AggregatedSelection {
        period: selection.period.clone(),
        ..AggregatedSelection::default()
    };
    let resolved = resolve_period(&as_aggregated, job.started_millis, zone, &job.last_run);
    if resolved.no_previous_run {
        notes.push(EventsNote::NoPreviousRun);
    }
    let (start, end) = (resolved.start.to_string(), resolved.end.to_string());
    if let Some(since) = resolved.last_updated {
        let window = Some((DateField::Updated, since, end));
        return (window.clone(), window);
    }
    let events_field = match selection.events_period_field {
        EventsPeriodField::Occurred => DateField::Occurred,
        EventsPeriodField::LastUpdated => DateField::Updated,
    };
    let entities_field = match selection.tracked_entities_period_field {
        TrackedEntitiesPeriodField::Enrollment => DateField::Enrolled,
        TrackedEntitiesPeriodField::LastUpdated => DateField::Updated,
    };
    (
        Some((events_field, start.clone(), end.clone())),
        Some((entities_field, start, end)),
    )
}

async fn prepare_origin<T: Transport>(
    origin: &Dhis2Client<T>,
    job: &EventsJob,
) -> Result<Origin, PrepareError> {
    let info = origin.system_info().await?;
    let (zone, unknown) = ServerZone::of_server(info.server_time_zone_id.as_deref());
    let mut notes = Vec::new();
    if unknown.is_some() {
        notes.push(EventsNote::UnknownTimeZone {
            zone: info.server_time_zone_id.clone().unwrap_or_default(),
        });
    }
    let (events_window, entities_window) = windows(job, &zone, &mut notes);
    let (found, _) = read_programs(origin, &job.selection.programs).await?;
    let mut programs = Vec::new();
    let mut missing = Vec::new();
    for id in &job.selection.programs {
        match found.iter().find(|p| &p.id == id) {
            Some(program) => programs.push(program.clone()),
            None => missing.push(id.clone()),
        }
    }
    if !missing.is_empty() {
        return Err(PrepareError::NoProgram { ids: missing });
    }
    Ok(Origin {
        api: TrackerApi::for_version(&info.version),
        version: info.version.to_string(),
        programs,
        events_window,
        entities_window,
        notes,
    })
}

/// A destination as the run writes to it.
struct Target {
    report: TargetReport,
    api: TrackerApi,
    plans: Vec<ProgramPlan>,
    context: MappingContext,
    stages: BTreeMap<String, BTreeSet<String>>,
    write: TrackerWriteOptions,
    import: Option<TrackerImport>,
    /// Left out by the mapping, by what.
    left_out: BTreeMap<(ItemKind, Exclusion), usize>,
    /// Events dropped before writing (their stage is not in the destination program).
    alive: bool,
    /// Relationships whose other end comes in a later page: sent after every page.
    deferred: Vec<Value>,
    /// The relationships already sent or held back: a relationship read with both its ends
    /// is sent once.
    relationships_seen: BTreeSet<String>,
    /// The tracked entities, enrollments and events sent by earlier pages.
    written: BTreeSet<String>,
    /// Objects per request (halved when the server finds a page too large).
    piece_size: PieceSize,
    /// Pages ([`page_key`]) this destination received in an interrupted attempt of this run.
    done_pages: HashSet<String>,
}

async fn prepare_target<T: Transport>(
    client: &Dhis2Client<T>,
    origin_context: &MappingContext,
    origin_programs: &[ProgramInfo],
    mapping: &TargetMapping,
    options: &EventsSyncOptions,
    target: &mut Target,
    notes: &mut Vec<EventsNote>,
) -> Result<(), SyncProblem> {
    if let Some(problem) = &mapping.problem {
        return Err(SyncProblem::MappingUnreadable {
            detail: problem.to_string(),
        });
    }
    let info = client.system_info().await?;
    target.api = TrackerApi::for_version(&info.version);
    target.report.version = Some(info.version.to_string());
    for detail in &mapping.notes {
        notes.push(EventsNote::MappingNotInverted {
            target: target.report.target.clone(),
            detail: detail.clone(),
        });
    }
    let (programs, raw) = read_programs(client, &[]).await?;
    let destination = DestinationPrograms::new(programs, raw);
    if options.as_aggregated.is_some() {
        // Data values, not events: the destination needs the mapped data elements, not the
        // programs.
        if !as_aggregated::anything_mapped(&mapping.mapping, origin_programs) {
            return Err(EventsProblem::NothingMappedAsAggregated {
                programs: origin_programs
                    .iter()
                    .map(|p| p.name.clone().unwrap_or_else(|| p.id.clone()))
                    .collect(),
            }
            .into());
        }
        target.plans = vec![ProgramPlan::Excluded; origin_programs.len()];
    } else {
        target.plans = plan_programs(origin_programs, &destination, &mapping.mapping)
            .map_err(|problem| EventsProblem::Program { problem })?;
    }
    for (program, plan) in origin_programs.iter().zip(&target.plans) {
        if let ProgramPlan::AsEvents { destination } = plan {
            notes.push(EventsNote::TrackerToEvents {
                target: target.report.target.clone(),
                program: program.id.clone(),
                destination_program: destination.clone(),
            });
        }
    }
    let combos = crate::sync::aggregated::targets::option_combos(client).await?;
    let default_combo = crate::sync::metadata::defaults::fetch_default_ids(client)
        .await?
        .into_iter()
        .find(|(plural, _)| plural == "categoryOptionCombos")
        .and_then(|(_, id)| id.parse().ok());
    target.stages = destination
        .by_id
        .values()
        .map(|p| (p.id.clone(), p.stages().map(str::to_string).collect()))
        .collect();
    target.context = MappingContext {
        destination_category_option_combos: combos,
        default_category_option_combo: default_combo,
        destination_program_stages: destination.stages.clone(),
        destination_programs: Some(destination.refs.clone()),
        ..origin_context.clone()
    };
    target.write = TrackerWriteOptions {
        dry_run: options.dry_run,
        skip_side_effects: options.skip_side_effects,
        asynchronous: options.async_import && !target.api.is_old(),
        program_attributes: destination.attributes,
    };
    if options.async_import && target.api.is_old() {
        notes.push(EventsNote::SynchronousImport {
            target: target.report.target.clone(),
        });
    }
    Ok(())
}

/// One unit of reading: a program under one org unit, optionally some ids.
struct Read<'a> {
    program_index: usize,
    program: &'a ProgramInfo,
    query: TrackerQuery,
    /// Tracker programs: keep only these events in the enrollments (chosen events).
    only_events: Option<BTreeSet<String>>,
}

/// Runs an events sync from `origin` to every target (`mappings` in the same order). Never
/// fails as a whole: every problem lands in the report.
pub async fn run_events_sync<O: Transport, T: Transport, C: Clock>(
    origin: &SyncInstance<O>,
    targets: &[SyncInstance<T>],
    mappings: &[TargetMapping],
    job: &EventsJob,
    runtime: &SyncRuntime<'_, C>,
) -> SyncReport {
    let progress = runtime.progress;
    let options = &job.options;
    let selection = &job.selection;
    let mut report = SyncReport::new(SyncKind::Events, &origin.name);
    report.dry_run = options.dry_run;
    if let Err(error) = selection.check(options) {
        report
            .errors
            .push(SyncError::of(EventsProblem::Input { error }));
        return report;
    }
    let origin_listener = runtime.retry_listener(None);
    let reader = runtime.client_for(
        origin.client.base_url(),
        origin.client.auth(),
        ReadOnlyTransport(origin.client.transport()),
        &origin_listener,
    );
    progress.on_progress(step(
        SyncStep::Prepare,
        None,
        "Reading the programs from the origin",
    ));
    let prepared = async {
        let origin_data = prepare_origin(&reader, job).await?;
        let context = crate::sync::aggregated::targets::origin_context(&reader).await?;
        Ok::<_, PrepareError>((origin_data, context))
    }
    .await;
    let (origin_data, origin_context) = match prepared {
        Ok(prepared) => prepared,
        Err(error) => {
            report.errors.push(match error {
                PrepareError::Dhis2(error) => {
                    report.origin_interrupted = interrupts(&error);
                    SyncError::of(error)
                }
                PrepareError::NoProgram { ids } => SyncError::of(SyncProblem::NotAtOrigin {
                    origin: origin.name.clone(),
                    kind: Some("programs".into()),
                    ids,
                }),
            });
            (report.origin_request_count, report.origin_retries) = counts(&reader);
            return report;
        }
    };
    report.origin_version = Some(origin_data.version.clone());
    let mut details = EventsRunDetails {
        events_window: origin_data.events_window.clone(),
        tracked_entities_window: origin_data.entities_window.clone(),
        programs: origin_data
            .programs
            .iter()
            .map(|p| ProgramStats {
                program: p.id.clone(),
                name: p.name.clone(),
                tracker: p.is_tracker(),
                ..ProgramStats::default()
            })
            .collect(),
        notes: origin_data.notes.clone(),
        ..EventsRunDetails::default()
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
    let mut states: Vec<Target> = Vec::with_capacity(targets.len());
    for (index, (target, client)) in targets.iter().zip(&clients).enumerate() {
        progress.on_progress(step(
            SyncStep::Prepare,
            Some(&target.name),
            "Connecting and checking the programs",
        ));
        let journal = runtime.journal;
        let mut state = Target {
            report: match journal.and_then(|journal| journal.report_before(index)) {
                Some(mut before) => {
                    before.resume();
                    before
                }
                None => TargetReport::new(&target.name, target.client.base_url()),
            },
            api: TrackerApi::Modern,
            plans: Vec::new(),
            context: MappingContext::default(),
            stages: BTreeMap::new(),
            write: TrackerWriteOptions::default(),
            import: None,
            left_out: BTreeMap::new(),
            alive: true,
            deferred: Vec::new(),
            relationships_seen: BTreeSet::new(),
            written: BTreeSet::new(),
            piece_size: PieceSize::default(),
            done_pages: journal
                .map(|journal| journal.written_before(index))
                .unwrap_or_default(),
        };
        let empty = TargetMapping::default();
        let mapping = mappings.get(index).unwrap_or(&empty);
        let outcome = prepare_target(
            client,
            &origin_context,
            &origin_data.programs,
            mapping,
            options,
            &mut state,
            &mut details.notes,
        )
        .await;
        match outcome {
            Ok(()) => {}
            Err(SyncProblem::Dhis2 { error }) => {
                state.report.fail(&error);
                state.alive = false;
            }
            Err(problem) => {
                state.report.raise(TargetStatus::Error);
                state.report.errors.push(SyncError::of(problem));
                state.alive = false;
            }
        }
        states.push(state);
    }
    let empty_mapping = TargetMapping::default();
    let contexts: Vec<MappingContext> = states
        .iter_mut()
        .map(|state| std::mem::take(&mut state.context))
        .collect();
    let mappers: Vec<Mapper<'_>> = contexts
        .iter()
        .enumerate()
        .map(|(index, context)| {
            let mapping = mappings.get(index).unwrap_or(&empty_mapping);
            Mapper::new(&mapping.mapping, context)
        })
        .collect();
    let uids = NewUids::new(if job.uid_seed.is_empty() {
        "mdsync"
    } else {
        &job.uid_seed
    });
    let now = format_now(job.started_millis);

    let mut origin_error: Option<Dhis2Error> = None;
    let mut cancelled = false;
    let mut totals = options
        .as_aggregated
        .as_ref()
        .map(|how| ProgramTotals::new(how.aggregation_type));
    'reads: for read in plan_reads(
        &reader,
        origin_data.api,
        &origin_data,
        selection,
        &mut details,
        &mut origin_error,
    )
    .await
    {
        let mut page = 1;
        let mut page_size = options.page_size.max(1);
        loop {
            if runtime.cancel.is_cancelled() {
                cancelled = true;
                break 'reads;
            }
            if !states.iter().any(|s| s.alive) {
                break 'reads;
            }
            let outcome = if read.program.is_tracker() {
                read_tracked_entities_page(&reader, origin_data.api, &read.query, page, page_size)
                    .await
            } else {
                read_events_page(&reader, origin_data.api, &read.query, page, page_size).await
            };
            let mut read_page = match outcome {
                Ok(read_page) => read_page,
                Err(error) if error.status() == Some(414) => {
                    // The URL was too long for the server or a proxy: the same place, in
                    // smaller pages.
                    if let Some((smaller, same_place)) = smaller_pages(page, page_size) {
                        (page_size, page) = (smaller, same_place);
                        continue;
                    }
                    origin_error = Some(error);
                    break 'reads;
                }
                Err(error) => {
                    origin_error = Some(error);
                    break 'reads;
                }
            };
            if let Some(only) = &read.only_events {
                read_page
                    .items
                    .iter_mut()
                    .for_each(|entity| keep_events(entity, only));
            }
            details.pages_read += 1;
            details.entities_read += read_page.items.len() as u64;
            count_read(
                &mut details.programs[read.program_index],
                &read_page.items,
                read.program.is_tracker(),
            );
            let last = read_page.last;
            let key = page_key(&read.program.id, &read_page.items);
            match &mut totals {
                Some(totals) => totals.add_page(
                    &read.program.id,
                    &read.query.org_unit,
                    &read_page.items,
                    read.program.is_tracker(),
                ),
                None => {
                    write_page(
                        read_page.items,
                        &key,
                        &read,
                        &mut states,
                        &mappers,
                        &clients,
                        runtime,
                        options,
                        &uids,
                        &now,
                    )
                    .await
                }
            }
            progress.on_progress(SyncProgress::TrackerPages {
                pages: details.pages_read,
                entities: details.entities_read,
            });
            if last {
                break;
            }
            page += 1;
        }
    }
    if totals.is_none() && !cancelled {
        // Both ends of these were written (or are refused with their objects, said so).
        write_deferred(&mut states, &clients, runtime, options.page_size).await;
    }
    if let (Some(totals), false, None) = (&totals, cancelled, &origin_error) {
        // Totals are sent only whole: a partial sum would overwrite a right value.
        let aggregated = AggregatedWrite {
            totals,
            origin: &origin_data,
            selection,
            dry_run: options.dry_run,
            program_indicators: options
                .as_aggregated
                .as_ref()
                .is_some_and(|how| how.program_indicators),
        };
        origin_error = aggregated
            .run(
                &reader,
                &mut states,
                &mappers,
                &clients,
                runtime,
                &mut details,
            )
            .await
            .err();
    }
    drop(mappers);
    if let Some(error) = &origin_error {
        report.origin_interrupted = interrupts(error);
        report.errors.push(SyncError::of(error.clone()));
        details.notes.push(EventsNote::OriginStopped {
            pages: details.pages_read,
        });
    }
    if cancelled {
        details.notes.push(EventsNote::Cancelled {
            pages: details.pages_read,
        });
    }
    for (state, client) in states.into_iter().zip(&clients) {
        let target_report = finish_target(state, cancelled, &mut details.notes);
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
    (report.origin_request_count, report.origin_retries) = counts(&reader);
    let mut by_type: [usize; 4] = [0; 4];
    for program in &details.programs {
        by_type[0] += program.tracked_entities as usize;
        by_type[1] += program.enrollments as usize;
        by_type[2] += program.events as usize;
        by_type[3] += program.relationships as usize;
    }
    report.objects_by_type = TrackerKind::ALL
        .iter()
        .zip(by_type)
        .filter(|(_, count)| *count > 0)
        .map(|(kind, count)| (kind.plural().to_string(), count))
        .collect();
    report.events = Some(details);
    progress.on_progress(step(SyncStep::Report, None, "Done"));
    report
}

fn format_now(millis: u64) -> String {
    i64::try_from(millis)
        .ok()
        .and_then(|m| jiff::Timestamp::from_millisecond(m).ok())
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.3f").to_string())
        .unwrap_or_default()
}

fn count_read(stats: &mut ProgramStats, items: &[Value], tracker: bool) {
    if !tracker {
        stats.events += items.len() as u64;
        return;
    }
    for entity in items {
        stats.tracked_entities += 1;
        // A relationship is listed with both its ends: counted at its `from` end.
        let id = entity.get("trackedEntity");
        stats.relationships += entity
            .get("relationships")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|r| r.pointer("/from/trackedEntity") == id)
            .count() as u64;
        for enrollment in entity
            .get("enrollments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            stats.enrollments += 1;
            stats.events += enrollment
                .get("events")
                .and_then(Value::as_array)
                .map_or(0, |e| e.len() as u64);
        }
    }
}

/// The reads of the run, in order: each program under each org unit (chosen ids in groups).
/// The tracked entities of chosen events of a tracker program are looked up first.
async fn plan_reads<'a, T: Transport>(
    reader: &Dhis2Client<T>,
    api: TrackerApi,
    origin: &'a Origin,
    selection: &EventsSelection,
    details: &mut EventsRunDetails,
    origin_error: &mut Option<Dhis2Error>,
) -> Vec<Read<'a>> {
    let mut reads = Vec::new();
    let org_units = selection.org_unit_ids();
    for (program_index, program) in origin.programs.iter().enumerate() {
        let window = if program.is_tracker() {
            origin.entities_window.clone()
        } else {
            origin.events_window.clone()
        };
        let mut ids: Vec<String> = if program.is_tracker() {
            selection.tracked_entities.ids().to_vec()
        } else {
            selection.events.ids().to_vec()
        };
        let mut only_events = None;
        let mut all = if program.is_tracker() {
            selection.tracked_entities.is_all()
        } else {
            selection.events.is_all()
        };
        if program.is_tracker() {
            if let Chosen::Only { ids: events } = &selection.events {
                // The entities of chosen events come with them, with only those events.
                let mut owners: BTreeSet<String> = BTreeSet::new();
                for group in events.chunks(IDS_PER_QUERY) {
                    for org_unit in &org_units {
                        let query = TrackerQuery {
                            program: program.id.clone(),
                            org_unit: org_unit.clone(),
                            descendants: selection.include_children,
                            window: None,
                            ids: group.to_vec(),
                        };
                        match read_events_page(reader, api, &query, 1, IDS_PER_QUERY).await {
                            Ok(page) => owners.extend(page.items.iter().filter_map(|e| {
                                e.get("trackedEntity")
                                    .and_then(Value::as_str)
                                    .map(str::to_string)
                            })),
                            Err(error) => {
                                *origin_error = Some(error);
                                return Vec::new();
                            }
                        }
                    }
                }
                let known: BTreeSet<&String> = ids.iter().collect();
                let added: Vec<String> =
                    owners.into_iter().filter(|o| !known.contains(o)).collect();
                if !added.is_empty() {
                    details.notes.push(EventsNote::EntitiesAddedForEvents {
                        program: program.id.clone(),
                        count: added.len(),
                    });
                }
                if selection.tracked_entities.is_all() {
                    ids.clear();
                    all = false;
                }
                ids.extend(added);
                only_events = Some(events.iter().cloned().collect());
                if ids.is_empty() {
                    continue;
                }
            }
        }
        let groups: Vec<Vec<String>> = if all {
            vec![Vec::new()]
        } else {
            ids.chunks(IDS_PER_QUERY).map(<[String]>::to_vec).collect()
        };
        for org_unit in &org_units {
            for group in &groups {
                reads.push(Read {
                    program_index,
                    program,
                    query: TrackerQuery {
                        program: program.id.clone(),
                        org_unit: org_unit.clone(),
                        descendants: selection.include_children,
                        window: if all { window.clone() } else { None },
                        ids: group.clone(),
                    },
                    only_events: only_events.clone(),
                });
            }
        }
    }
    reads
}

/// Maps, transforms and writes one page to every live destination.
#[allow(clippy::too_many_arguments)]
async fn write_page<T: Transport, C: Clock>(
    items: Vec<Value>,
    key: &str,
    read: &Read<'_>,
    states: &mut [Target],
    mappers: &[Mapper<'_>],
    clients: &[crate::sync::runtime::EngineClient<'_, T, C>],
    runtime: &SyncRuntime<'_, C>,
    options: &EventsSyncOptions,
    uids: &NewUids,
    now: &str,
) {
    let live: Vec<usize> = (0..states.len()).filter(|i| states[*i].alive).collect();
    let mut items = Some(items);
    for (position, index) in live.iter().copied().enumerate() {
        let page = if position + 1 == live.len() {
            items.take().unwrap_or_default()
        } else {
            items.clone().unwrap_or_default()
        };
        let state = &mut states[index];
        // Received in an interrupted attempt of this run: transformed again (its objects
        // count as written, its held-back relationships are held back again), not sent.
        let done = state.done_pages.contains(key);
        let plan = state.plans.get(read.program_index).cloned();
        let mapper = &mappers[index];
        let mut payload = TrackerPayload::default();
        let applied = match plan {
            None | Some(ProgramPlan::Excluded) => continue,
            Some(ProgramPlan::Write { .. }) if read.program.is_tracker() => {
                let applied = mapper.tracked_entities(page);
                payload.tracked_entities = applied.payload;
                applied.report
            }
            Some(ProgramPlan::Write { .. }) => {
                let applied = mapper.events(page);
                payload.events = applied.payload;
                applied.report
            }
            Some(ProgramPlan::AsEvents { .. }) => {
                // One entity at a time, so that each converted event gets an id derived from
                // its entity: a second run updates the same events.
                let mut report = crate::mapping::ApplyReport::default();
                for entity in page {
                    let key = entity
                        .get("trackedEntity")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let mut count = 0;
                    let applied = mapper.tracked_entities_to_events(vec![entity], now, &mut || {
                        count += 1;
                        CONVERTED
                            .with(|uids| uids.of(&format!("{key}:{count}")))
                            .parse()
                            .unwrap_or_else(|_| Uid::generate())
                    });
                    payload.events.extend(applied.payload);
                    report.merge(applied.report);
                }
                report
            }
        };
        for ((kind, why), count) in &applied.excluded {
            *state.left_out.entry((*kind, *why)).or_default() += count;
            if *why != Exclusion::RepeatedRelationship {
                // Left out of what the user selected: not a clean success.
                state.report.raise(TargetStatus::Warning);
            }
        }
        lift_relationships(&mut payload, !options.exclude_relationships);
        let dropped = drop_unknown_stages(&mut payload, &state.stages);
        for (event, stage) in dropped.into_iter().filter(|_| !done) {
            let mut error =
                SyncError::of(EventsProblem::StageNotAtDestination { stage }).about(&event);
            error.object_type = Some("events".into());
            error.property = Some("programStage".into());
            state.report.errors.push(error);
            state.report.raise(TargetStatus::Warning);
        }
        for list in [
            &mut payload.tracked_entities,
            &mut payload.events,
            &mut payload.relationships,
        ] {
            for item in list.iter_mut() {
                if options.exclude_geometry {
                    drop_geometry(item);
                }
                if options.new_uids {
                    renew_uids(item, uids);
                }
            }
        }
        payload.relationships.retain(|relationship| {
            match relationship.get("relationship").and_then(Value::as_str) {
                Some(id) => state.relationships_seen.insert(id.to_string()),
                None => true,
            }
        });
        state
            .deferred
            .extend(defer_relationships(&mut payload, &state.written));
        state.written.extend(written_ids(&payload));
        if done || payload.is_empty() {
            continue;
        }
        let outcome = send_in_pieces(
            &clients[index],
            runtime,
            state.api,
            payload,
            &state.write,
            &mut state.piece_size,
            options.page_size,
        )
        .await;
        match outcome {
            Ok(import) => {
                if let Some(import) = import {
                    match &mut state.import {
                        Some(total) => total.merge(import),
                        None => state.import = Some(import),
                    }
                }
                if let Some(journal) = runtime.journal {
                    let so_far = report_so_far(state);
                    journal
                        .chunk_written(index, std::slice::from_ref(&key.to_string()), &so_far)
                        .await;
                }
            }
            Err(error) => {
                state.report.fail(&error);
                state.alive = false;
            }
        }
    }
}

/// A page's key in the journal: its program and the UIDs it holds (the same selection read
/// again gives the same pages; a page whose boundaries moved is simply sent again).
fn page_key(program: &str, items: &[Value]) -> String {
    use sha2::{Digest, Sha256};
    let mut ids: Vec<&str> = items
        .iter()
        .filter_map(|item| {
            item.get("trackedEntity")
                .or_else(|| item.get("event"))
                .and_then(Value::as_str)
        })
        .collect();
    ids.sort_unstable();
    let mut hash = Sha256::new();
    for id in ids {
        hash.update(id.as_bytes());
        hash.update(b",");
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("page:{program}:{hex}")
}

/// After a 414: a smaller page size and the page that starts where `page` of `page_size`
/// started; `None` when pages of one are still too long.
fn smaller_pages(page: usize, page_size: usize) -> Option<(usize, usize)> {
    let offset = (page.max(1) - 1) * page_size;
    (1..=page_size / 2)
        .rev()
        .find(|size| offset.is_multiple_of(*size))
        .map(|size| (size, offset / size + 1))
}

/// A destination's report as it stands (kept in the journal after each page).
fn report_so_far(state: &Target) -> TargetReport {
    let mut report = state.report.clone();
    if let Some(import) = &state.import {
        add_import(&mut report, import);
    }
    report
}

/// Adds an attempt's imports to a report (which may hold an earlier attempt's figures).
fn add_import(report: &mut TargetReport, import: &TrackerImport) {
    report.stats.add(&import.total());
    for kind in TrackerKind::ALL {
        let stats = import.stats[kind.index()];
        if stats.total == 0 {
            continue;
        }
        match report
            .type_stats
            .iter_mut()
            .find(|t| t.type_name == kind.plural())
        {
            Some(known) => known.stats.add(&stats),
            None => report.type_stats.push(TypeStats {
                type_name: kind.plural().to_string(),
                stats,
            }),
        }
    }
    for error in &import.errors {
        report.errors.push(SyncError {
            object_id: error.uid.clone(),
            object_type: error.kind.map(|k| k.plural().to_string()),
            property: None,
            message: error.message.clone(),
            code: error.code.clone(),
            problem: None,
        });
    }
    report.raise(match import.status {
        ImportStatus::Ok => TargetStatus::Success,
        ImportStatus::Warning => TargetStatus::Warning,
        ImportStatus::Error => TargetStatus::Error,
    });
    if report.stats.ignored > 0 {
        report.raise(TargetStatus::Warning);
    }
}

/// The relationships held back until both their ends were written, in pages.
async fn write_deferred<T: Transport, C: Clock>(
    states: &mut [Target],
    clients: &[crate::sync::runtime::EngineClient<'_, T, C>],
    runtime: &SyncRuntime<'_, C>,
    page_size: usize,
) {
    for (state, client) in states.iter_mut().zip(clients) {
        // A relationship whose other end this run never wrote (outside the selection) would be
        // refused (E4012): it is left out, and the report says how many and why.
        let (deferred, outside): (Vec<Value>, Vec<Value>) = std::mem::take(&mut state.deferred)
            .into_iter()
            .partition(|relationship| {
                relationship_ends(relationship)
                    .is_some_and(|ends| ends.iter().all(|id| state.written.contains(id)))
            });
        if !outside.is_empty() {
            *state
                .left_out
                .entry((ItemKind::Relationship, Exclusion::OtherEndNotSynced))
                .or_default() += outside.len();
        }
        for page in deferred.chunks(page_size.max(1)) {
            if !state.alive || runtime.cancel.is_cancelled() {
                break;
            }
            let payload = TrackerPayload {
                relationships: page.to_vec(),
                ..TrackerPayload::default()
            };
            let outcome = send_in_pieces(
                client,
                runtime,
                state.api,
                payload,
                &state.write,
                &mut state.piece_size,
                page_size,
            )
            .await;
            match outcome {
                Ok(None) => {}
                Ok(Some(mut import)) => {
                    // Refused relationships are listed with their codes; the objects they link
                    // were written: the destination is not a failure for them.
                    if import.status == ImportStatus::Error {
                        import.status = ImportStatus::Warning;
                    }
                    match &mut state.import {
                        Some(total) => total.merge(import),
                        None => state.import = Some(import),
                    }
                }
                Err(error) => {
                    state.report.fail(&error);
                    state.alive = false;
                }
            }
        }
    }
}

/// "Send as aggregated values", once every page was read: the program indicators from the
/// origin's analytics, then to every live destination the mapped values.
struct AggregatedWrite<'a> {
    totals: &'a ProgramTotals,
    origin: &'a Origin,
    selection: &'a EventsSelection,
    dry_run: bool,
    program_indicators: bool,
}

impl AggregatedWrite<'_> {
    async fn run<O: Transport, T: Transport, C: Clock>(
        self,
        reader: &Dhis2Client<O>,
        states: &mut [Target],
        mappers: &[Mapper<'_>],
        clients: &[crate::sync::runtime::EngineClient<'_, T, C>],
        runtime: &SyncRuntime<'_, C>,
        details: &mut EventsRunDetails,
    ) -> Result<(), Dhis2Error> {
        let kind = self.totals_kind();
        let mut values = self.totals.values();
        let mut indicator_values = 0;
        let live = || states.iter().zip(mappers).filter(|(s, _)| s.alive);
        let indicators = if self.program_indicators {
            as_aggregated::mapped_indicators(
                &self.origin.programs,
                live().map(|(_, mapper)| mapper.mapping()),
            )
        } else {
            Vec::new()
        };
        if !indicators.is_empty() {
            let window = self
                .origin
                .events_window
                .as_ref()
                .or(self.origin.entities_window.as_ref())
                .map(|(_, start, end)| (start.as_str(), end.as_str()));
            let periods = as_aggregated::indicator_periods(kind, window, self.totals.periods());
            let read = as_aggregated::read_indicators(
                reader,
                &indicators,
                &periods,
                &self.selection.org_unit_ids(),
            )
            .await?;
            indicator_values = read.len();
            values.extend(read);
        }
        details.notes.push(EventsNote::AggregatedFromEvents {
            events: self.totals.events,
            values: self.totals.len(),
            indicator_values,
        });
        for ((state, mapper), client) in states.iter_mut().zip(mappers).zip(clients) {
            if !state.alive || runtime.cancel.is_cancelled() {
                continue;
            }
            let (count, ids) = as_aggregated::write_values(
                client,
                runtime,
                &mut state.report,
                mapper,
                &values,
                self.dry_run,
            )
            .await;
            if count > 0 {
                details.notes.push(EventsNote::NotMappedAsAggregated {
                    target: state.report.target.clone(),
                    count,
                    ids,
                });
            }
        }
        Ok(())
    }

    fn totals_kind(&self) -> crate::sync::aggregated::AggregationType {
        self.totals.kind()
    }
}

/// Removes events whose stage the destination program does not have: (event, stage).
fn drop_unknown_stages(
    payload: &mut TrackerPayload,
    stages: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<(String, String)> {
    let mut dropped = Vec::new();
    let mut keep = |event: &Value| {
        let program = event.get("program").and_then(Value::as_str);
        let stage = event
            .get("programStage")
            .and_then(Value::as_str)
            .unwrap_or("");
        let known = match program.and_then(|p| stages.get(p)) {
            Some(of_program) => of_program.contains(stage),
            None => stages.values().any(|s| s.contains(stage)),
        };
        if !known {
            let id = event
                .get("event")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            dropped.push((id, stage.to_string()));
        }
        known
    };
    payload.events.retain(&mut keep);
    for entity in &mut payload.tracked_entities {
        if let Some(Value::Array(enrollments)) = entity.get_mut("enrollments") {
            for enrollment in enrollments {
                let program = enrollment.get("program").cloned();
                if let Some(Value::Array(events)) = enrollment.get_mut("events") {
                    events.retain(|event| {
                        let mut event = event.clone();
                        if event.get("program").is_none() {
                            if let Some(program) = &program {
                                event["program"] = program.clone();
                            }
                        }
                        keep(&event)
                    });
                }
            }
        }
    }
    dropped
}

fn finish_target(state: Target, cancelled: bool, notes: &mut Vec<EventsNote>) -> TargetReport {
    let Target {
        mut report,
        import,
        left_out,
        alive,
        ..
    } = state;
    for ((kind, why), count) in left_out {
        let code = |value: serde_json::Result<Value>| match value {
            Ok(Value::String(code)) => code,
            _ => String::new(),
        };
        notes.push(EventsNote::LeftOutByMapping {
            target: report.target.clone(),
            what: format!("{kind} ({why})"),
            count,
            kind: code(serde_json::to_value(kind)),
            reason: code(serde_json::to_value(why)),
        });
    }
    if let Some(import) = &import {
        add_import(&mut report, import);
    }
    if cancelled && alive {
        report.raise(TargetStatus::Cancelled);
    }
    report
}

#[cfg(test)]
mod paging_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_page_too_long_is_read_again_from_the_same_place_in_smaller_pages() {
        // Page 3 of 50 starts at 100: page 5 of 25.
        assert_eq!(smaller_pages(3, 50), Some((25, 5)));
        // Page 2 of 5 starts at 5: page 6 of 1 (2 does not divide 5).
        assert_eq!(smaller_pages(2, 5), Some((1, 6)));
        assert_eq!(smaller_pages(1, 7), Some((3, 1)));
        assert_eq!(smaller_pages(4, 1), None, "pages of one cannot shrink");
    }

    #[test]
    fn a_page_is_known_by_its_program_and_uids_whatever_their_order() {
        let a = [json!({"event": "e1"}), json!({"event": "e2"})];
        let b = [json!({"event": "e2"}), json!({"event": "e1"})];
        assert_eq!(page_key("P", &a), page_key("P", &b));
        assert_ne!(page_key("P", &a), page_key("Q", &a));
        assert_ne!(page_key("P", &a), page_key("P", &a[..1]));
        let entity = [json!({"trackedEntity": "t1"})];
        assert!(page_key("P", &entity).starts_with("page:P:"));
    }
}
