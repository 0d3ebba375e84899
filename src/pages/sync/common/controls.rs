//! The run controls of the Sync pages (metadata, aggregated, events): Dry run, Sync (after a
//! confirmation, then core's mapping checks), Cancel, the progress and how the run ended.
//! Each page says what its run is (`start`, the request the checks look at) and what it adds
//! (the rule button, its own progress figures); the `data-test` names are `<prefix>-…`.

use leptos::prelude::*;
use mdsync_core::browse::RunProgress;
use mdsync_core::mapping::MappingCheck;
use mdsync_core::sync::SyncRequest;

use super::RunState;
use crate::components::dialog::ConfirmDialog;
use crate::components::mapping_apply::{check_before_run, CheckOutcome, MappingChecksDialog};
use crate::components::notice::NoticeKind;
use crate::components::progress_bar::ProgressBar;
use crate::l10n::Language;
use crate::pages::sync::context::SyncContext;
use crate::tr;

/// A page's notice (kind and text).
pub type Notice = RwSignal<Option<(NoticeKind, String)>>;

/// What the controls of a page act on.
#[derive(Clone, Copy)]
pub struct RunControlsOf {
    pub lang: Language,
    /// `aggregated` or `events`: the `data-test` names are `<prefix>-dry-run`, …
    pub prefix: &'static str,
    pub run: RwSignal<RunState>,
    pub progress: RwSignal<RunProgress>,
    pub confirming: RwSignal<bool>,
    pub notice: Notice,
}

impl RunControlsOf {
    fn test(&self, what: &str) -> String {
        format!("{}-{what}", self.prefix)
    }
}

/// What stops a run, said in the page's notice; `true` when nothing does.
fn input_ok(notice: Notice, missing: Option<String>) -> bool {
    match missing {
        Some(message) => {
            notice.set(Some((NoticeKind::Warning, message)));
            false
        }
        None => {
            notice.set(None);
            true
        }
    }
}

/// The controls. `missing_input`: what stops a run (`None`: it may start). `start(dry_run)`
/// starts the run. `to_check`: the page's context and the request of a real run when its
/// mapping is to be checked first (`None`: start at once).
#[component]
pub fn DataRunControls(
    of: RunControlsOf,
    confirm_title: String,
    cancelling: String,
    missing_input: Callback<(), Option<String>>,
    confirm_message: Callback<(), String>,
    start: Callback<bool>,
    to_check: Callback<(), Option<(SyncContext, SyncRequest)>>,
    /// The "Save as rule" button.
    #[prop(into)]
    save_as_rule: ViewFn,
    /// The page's own figures under the progress bar.
    #[prop(into)]
    progress_detail: ViewFn,
) -> impl IntoView {
    let lang = of.lang;
    let running = move || of.run.with(RunState::is_running);
    let check = move || input_ok(of.notice, missing_input.run(()));
    let mapping_checks: RwSignal<Option<MappingCheck>> = RwSignal::new(None);
    // Nothing found: the run starts from the component (an effect), not from inside the
    // checks' task.
    let cleared = RwSignal::new(0u64);
    Effect::new(move |previous: Option<u64>| {
        let now = cleared.get();
        if previous.is_some_and(|before| before != now) {
            start.run(false);
        }
        now
    });
    let on_checked = Callback::new(move |outcome| match outcome {
        CheckOutcome::Clear => {
            of.notice.set(None);
            cleared.update(|n| *n += 1);
        }
        CheckOutcome::Found => of.notice.set(None),
        CheckOutcome::Failed(message) => of.notice.set(Some((NoticeKind::Error, message))),
    });
    // A real run: core's mapping checks first, when the page's run applies a mapping. They
    // run under this component's owner, not the confirmation dialog's (gone once confirmed),
    // so that the run they start belongs to the page.
    let owner = StoredValue::new(Owner::current());
    let start_checked = move || match to_check.run(()) {
        None => start.run(false),
        Some((ctx, request)) => {
            // The last run's report would sit under the checks as if it were this run's.
            of.run.set(RunState::Idle);
            of.notice
                .set(Some((NoticeKind::Info, tr!(lang, mapping.checks.checking))));
            let check = move || {
                check_before_run(
                    lang,
                    ctx.manager.clone(),
                    ctx.storage(),
                    request,
                    mapping_checks,
                    on_checked,
                )
            };
            match owner.get_value() {
                Some(owner) => owner.with(check),
                None => check(),
            }
        }
    };
    view! {
        <div class="toolbar">
            <button class="button" data-test=of.test("dry-run") disabled=running
                on:click=move |_| if check() { start.run(true) }>
                {tr!(lang, sync.run.dry_run)}
            </button>
            <button class="button button-primary" data-test=of.test("start") disabled=running
                on:click=move |_| if check() { of.confirming.set(true) }>
                {tr!(lang, sync.run.sync)}
            </button>
            <Show when=running>
                <button class="button button-destructive" data-test=of.test("cancel")
                    on:click={
                        let cancelling = cancelling.clone();
                        move |_| if super::run::cancel_run(of.run) {
                            of.notice.set(Some((NoticeKind::Info, cancelling.clone())));
                        }
                    }>
                    {tr!(lang, common.cancel)}
                </button>
            </Show>
            {save_as_rule.run()}
        </div>
        <Show when=move || !matches!(of.run.get(), RunState::Idle)>
            <ProgressBar progress=of.progress/>
            {progress_detail.run()}
        </Show>
        {move || match of.run.get() {
            RunState::Running { dry_run, .. } => Some(view! {
                <p class="field-help" data-test=of.test("running")>
                    {if dry_run { tr!(lang, sync.run.dry_run_running) } else { tr!(lang, sync.run.sync_running) }}
                </p>
            }
            .into_any()),
            RunState::Failed(message) => Some(view! {
                <p class="field-error" data-test=of.test("run-error")>{message}</p>
            }
            .into_any()),
            _ => None,
        }}
        {move || of.confirming.get().then(|| view! {
            <ConfirmDialog
                title=confirm_title.clone()
                message=confirm_message.run(())
                confirm_label=tr!(lang, sync.run.sync)
                on_confirm=Callback::new(move |_| {
                    of.confirming.set(false);
                    start_checked();
                })
                on_cancel=Callback::new(move |_| of.confirming.set(false))
            />
        })}
        <MappingChecksDialog found=mapping_checks on_go_on=Callback::new(move |_| start.run(false))/>
    }
}
