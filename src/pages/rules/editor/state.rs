//! The editor's signals, the draft they make, and loading and saving it. The picks, instances
//! and options are the metadata Sync page's own state ([`SyncState`]), so the editor shows the
//! same selection components.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::clock::Clock;
use mdsync_core::model::{InstanceName, Sharing};
use mdsync_core::rules::editor_form::{form_of, options_of, picks_of, rule_selection, RuleSeed};
use mdsync_core::rules::{
    create_rule, get_rule, list_rules, update_rule, validate_rule, MetadataRuleSelection,
    RuleContext, RuleDraft, RuleJob, RuleKind, RuleProblems, RuleStep, RuleSummary,
};
use mdsync_core::sync::metadata::MetadataSyncOptions;

use super::aggregated_what::show_aggregated;
use super::events_what::EventsForm;
use super::filters::FilterRow;
use crate::components::save_as_rule::take_seed;
use crate::pages::sync::aggregated::state::{AggregatedState, Loadable as PageLoadable};

use crate::clock::BrowserClock;
use crate::l10n::messages::instance_error;
use crate::l10n::messages::rules::rule_error;
use crate::l10n::Language;
use crate::pages::rules::context::RulesContext;
use crate::pages::sync::metadata::page::load_catalog;
use crate::pages::sync::metadata::state::{Loadable, SyncState};

pub const STEPS: [RuleStep; 5] = [
    RuleStep::General,
    RuleStep::What,
    RuleStep::Instances,
    RuleStep::Schedule,
    RuleStep::Summary,
];

#[derive(Clone, Copy)]
pub struct EditorState {
    pub lang: Language,
    pub ctx: StoredValue<RulesContext>,
    pub rule_id: StoredValue<Option<String>>,
    pub sync: SyncState,
    /// The kind of sync the rule holds; each kind keeps its own picks while the user switches.
    pub kind: RwSignal<RuleKind>,
    /// The aggregated Sync page's state, for an aggregated rule's picks and options.
    pub aggregated: AggregatedState,
    pub events: EventsForm,
    /// A metadata rule's filters, one row each.
    pub filters: RwSignal<Vec<FilterRow>>,
    /// The editor's owner: signals made after it opened (filter rows) live as long as it.
    pub owner: StoredValue<Owner>,
    pub name: RwSignal<String>,
    pub code: RwSignal<String>,
    pub description: RwSignal<String>,
    pub schedule: RwSignal<Option<String>>,
    pub enabled: RwSignal<bool>,
    pub step: RwSignal<RuleStep>,
    /// The problems of the steps checked so far (shown at their fields).
    pub problems: RwSignal<RuleProblems>,
    /// The stored rule's selection: the parts the picks cannot show are kept from it.
    pub kept: StoredValue<MetadataRuleSelection>,
    pub stored_options: StoredValue<Option<MetadataSyncOptions>>,
    pub stored_sharing: StoredValue<Option<Sharing>>,
    /// The other rules the user sees (names are unique).
    pub others: RwSignal<Vec<RuleSummary>>,
    pub loaded: RwSignal<Loadable<()>>,
    pub saving: RwSignal<bool>,
    pub save_error: RwSignal<Option<String>>,
}

impl EditorState {
    pub fn new(ctx: RulesContext, rule_id: Option<String>, lang: Language) -> EditorState {
        let sync = SyncState::new(ctx.session.info.version.clone(), lang);
        sync.ctx.set(Some(Ok(ctx.sync.clone())));
        let aggregated = AggregatedState::new(ctx.session.info.version.clone(), lang);
        aggregated.ctx.set(Some(Ok(ctx.sync.clone())));
        aggregated.listing.set(PageLoadable::Idle);
        EditorState {
            lang,
            ctx: StoredValue::new(ctx),
            rule_id: StoredValue::new(rule_id),
            sync,
            kind: RwSignal::new(RuleKind::Metadata),
            aggregated,
            events: EventsForm::new(),
            filters: RwSignal::new(Vec::new()),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            name: RwSignal::new(String::new()),
            code: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            schedule: RwSignal::new(None),
            enabled: RwSignal::new(false),
            step: RwSignal::new(RuleStep::General),
            problems: RwSignal::new(RuleProblems::default()),
            kept: StoredValue::new(MetadataRuleSelection::default()),
            stored_options: StoredValue::new(None),
            stored_sharing: StoredValue::new(None),
            others: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(Loadable::Loading),
            saving: RwSignal::new(false),
            save_error: RwSignal::new(None),
        }
    }

    /// The job of the kind chosen, as the inputs say now.
    pub fn job(&self) -> RuleJob {
        match self.kind.get_untracked() {
            RuleKind::Metadata => {
                let mut selection = self.sync.selection.with_untracked(|picks| {
                    self.kept.with_value(|kept| rule_selection(picks, kept))
                });
                selection.filters = self
                    .filters
                    .with_untracked(|rows| rows.iter().map(FilterRow::filter).collect());
                let options = self.sync.options.with_untracked(|form| {
                    self.stored_options
                        .with_value(|stored| options_of(form, stored.as_ref()))
                });
                RuleJob::Metadata { selection, options }
            }
            RuleKind::Aggregated => RuleJob::Aggregated {
                selection: self.aggregated.selection(),
                options: self.aggregated.options.get_untracked(),
            },
            RuleKind::Events => RuleJob::Events {
                selection: self.events.selection(),
                options: self.events.options.get_untracked(),
            },
        }
    }

    /// The rule as the inputs say now.
    pub fn draft(&self) -> RuleDraft {
        RuleDraft {
            name: self.name.get_untracked(),
            code: self.code.get_untracked(),
            description: self.description.get_untracked(),
            origin: self.sync.origin.get_untracked(),
            destinations: self.sync.destinations.get_untracked(),
            job: self.job(),
            schedule: self
                .schedule
                .get_untracked()
                .filter(|s| !s.trim().is_empty()),
            enabled: self.enabled.get_untracked(),
            sharing: self.stored_sharing.get_value(),
        }
    }

    fn instance_names(&self) -> Option<Vec<InstanceName>> {
        match self.sync.instances.get_untracked() {
            Loadable::Ready(all) => Some(
                all.into_iter()
                    .map(|view| InstanceName {
                        id: view.id,
                        name: view.name,
                        is_local: view.is_local,
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// Every problem of the draft.
    pub fn check(&self) -> RuleProblems {
        let names = self.instance_names();
        let others = self.others.get_untracked();
        let editing = self.rule_id.get_value();
        validate_rule(
            &self.draft(),
            &RuleContext {
                rules: &others,
                editing: editing.as_deref(),
                instances: names.as_deref(),
            },
        )
    }

    /// Checks the steps up to `step`; true when they have no problem. The problems of later
    /// steps are not shown yet.
    pub fn check_through(&self, step: RuleStep) -> bool {
        let all = self.check();
        let shown = RuleProblems(all.0.into_iter().filter(|p| p.step() <= step).collect());
        let ok = shown.is_empty();
        self.problems.set(shown);
        ok
    }
}

/// Lists the instances and the other rules; reads the rule being edited, or the Sync page's
/// picks ("Save as rule").
pub fn load(state: EditorState, from_sync: bool) {
    let ctx = state.ctx.get_value();
    let lang = state.lang;
    spawn_local(async move {
        let storage = ctx.storage();
        let instances = ctx.manager().list(&storage).await;
        if let Ok(all) = &instances {
            state
                .aggregated
                .instances
                .set(PageLoadable::Ready(all.clone()));
        }
        state.sync.instances.set(match instances {
            Ok(all) => Loadable::Ready(all),
            Err(error) => Loadable::Failed(instance_error(lang, &error)),
        });
        if let Ok(listing) = list_rules(ctx.manager(), &storage).await {
            state
                .others
                .set(listing.rows.into_iter().map(|r| r.summary).collect());
        }
        let start = match state.rule_id.get_value() {
            Some(id) => match get_rule(ctx.manager(), &storage, &id).await {
                Ok(rule) => {
                    state.name.set(rule.summary.name.clone());
                    state.code.set(rule.summary.code.clone());
                    state.description.set(rule.summary.description.clone());
                    state.schedule.set(rule.summary.schedule.clone());
                    state.enabled.set(rule.summary.enabled);
                    state
                        .stored_sharing
                        .set_value(Some(rule.summary.sharing.clone()));
                    Ok(Some(RuleSeed {
                        origin: rule.summary.origin.id,
                        destinations: rule
                            .summary
                            .destinations
                            .into_iter()
                            .map(|d| d.id)
                            .collect(),
                        job: rule.job,
                    }))
                }
                Err(error) => Err(rule_error(lang, &error)),
            },
            None if from_sync => Ok(take_seed()),
            None => Ok(None),
        };
        match start {
            Err(message) => state.loaded.set(Loadable::Failed(message)),
            Ok(seed) => {
                if let Some(seed) = &seed {
                    state.sync.origin.set(seed.origin.clone());
                    state.aggregated.origin.set(seed.origin.clone());
                }
                // Reads the origin's types (and forgets picks), so the picks come after it.
                load_catalog(state.sync);
                if let Some(seed) = seed {
                    state.sync.destinations.set(seed.destinations);
                    state.kind.set(seed.job.kind());
                    match seed.job {
                        RuleJob::Metadata { selection, options } => {
                            state.sync.selection.set(picks_of(&selection));
                            let owner = state.owner.get_value();
                            state.filters.set(
                                selection
                                    .filters
                                    .iter()
                                    .map(|filter| FilterRow::of(&owner, filter))
                                    .collect(),
                            );
                            state.sync.options.set(form_of(&options));
                            state.kept.set_value(selection);
                            state.stored_options.set_value(Some(options));
                        }
                        RuleJob::Aggregated { selection, options } => {
                            show_aggregated(state.aggregated, &selection, &options);
                        }
                        RuleJob::Events { selection, options } => {
                            state.events.show(&selection, &options);
                        }
                    }
                }
                state.loaded.set(Loadable::Ready(()));
            }
        }
    });
}

/// Saves the rule; `then_run` opens the list and runs it.
pub fn save(state: EditorState, then_run: bool) {
    if !state.check_through(RuleStep::Summary) {
        if let Some(first) = state
            .problems
            .with_untracked(|p| p.0.first().map(|p| p.step()))
        {
            state.step.set(first);
        }
        return;
    }
    let ctx = state.ctx.get_value();
    let lang = state.lang;
    let draft = state.draft();
    state.saving.set(true);
    state.save_error.set(None);
    spawn_local(async move {
        let storage = ctx.storage();
        let now = BrowserClock.now_millis();
        let saved = match state.rule_id.get_value() {
            Some(id) => update_rule(ctx.manager(), &storage, &id, &draft, now)
                .await
                .map(|(rule, _)| rule),
            None => create_rule(ctx.manager(), &storage, &draft, now).await,
        };
        state.saving.set(false);
        match saved {
            Ok(rule) if then_run => super::super::go(&format!("#/rules?run={}", rule.summary.id)),
            Ok(_) => super::super::go("#/rules"),
            Err(error) => state.save_error.set(Some(rule_error(lang, &error))),
        }
    });
}
