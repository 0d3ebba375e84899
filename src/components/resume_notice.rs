//! The offer to resume a run that was cut short (the tab closed, the laptop asleep, the network
//! gone), shown on the home page when the app opens. The start-up chunk (see
//! `pages::lazy_panel::start_up`) finds the runs and fills [`ResumeOffer`]; this component only
//! draws it, so the first load carries no sync code.

use leptos::prelude::*;

use crate::components::dialog::ConfirmDialog;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::named_instance;
use crate::l10n::{use_language, Language};
use crate::{counted, tr};

/// An unfinished run, as the offer names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedRun {
    pub id: String,
    /// When it started (ISO 8601).
    pub started: String,
    pub origin_name: String,
    pub destinations: usize,
    /// Objects that already arrived, all destinations together.
    pub written: usize,
    /// Seconds since its journal was last written, when that is recent enough for the run to
    /// be still going in another tab (core decides: `UnfinishedRun::activity`). Such a run is
    /// shown with that caution, and still offered: its tab may just have been closed.
    pub running_seconds_ago: Option<u64>,
}

/// The runs to offer and how to give one up; shared by the shell, the start-up task and the
/// home page.
#[derive(Clone, Copy)]
pub struct ResumeOffer {
    pub runs: RwSignal<Vec<OfferedRun>>,
    /// Removes a run's journal; set by the start-up task (which holds the storage).
    pub discard: RwSignal<Option<Callback<String>>>,
    /// What went wrong discarding, if it did.
    pub problem: RwSignal<Option<String>>,
    /// The language, for messages made outside the page (the start-up task).
    pub lang: Language,
}

impl ResumeOffer {
    /// An empty offer, provided as context.
    pub fn provide() -> ResumeOffer {
        let offer = ResumeOffer {
            runs: RwSignal::new(Vec::new()),
            discard: RwSignal::new(None),
            problem: RwSignal::new(None),
            lang: use_language(),
        };
        provide_context(offer);
        offer
    }
}

/// "A sync is running in another tab": the runs whose journal was written lately.
#[component]
fn RunningElsewhere(runs: Vec<OfferedRun>) -> impl IntoView {
    let lang = use_language();
    let items = runs
        .into_iter()
        .filter_map(|run| {
            let seconds = run.running_seconds_ago?;
            Some(view! {
                <p data-test="resume-running-text">
                    {tr!(
                        lang,
                        resume.running_elsewhere_text,
                        date = lang.date(&run.started),
                        origin = named_instance(lang, &run.origin_name),
                        ago = counted!(lang, resume.seconds_ago, seconds as usize)
                    )}
                </p>
            })
        })
        .collect::<Vec<_>>();
    (!items.is_empty()).then(|| {
        view! {
            <Notice kind=NoticeKind::Info title=tr!(lang, resume.running_elsewhere_title) data_test="resume-running">
                {items}
            </Notice>
        }
    })
}

/// "A sync was interrupted … Resume / Discard", for the newest unfinished run.
#[component]
pub fn ResumeNotice() -> impl IntoView {
    let lang = use_language();
    let Some(offer) = use_context::<ResumeOffer>() else {
        return ().into_any();
    };
    let confirming = RwSignal::new(None::<OfferedRun>);
    view! {
        {move || {
            let running: Vec<OfferedRun> = offer.runs.with(|runs| {
                runs.iter().filter(|run| run.running_seconds_ago.is_some()).cloned().collect()
            });
            view! { <RunningElsewhere runs=running/> }
        }}
        {move || {
            // A run that saved its progress lately may be going on elsewhere, or its tab was
            // just closed: the notice above says which it may be, and the user decides.
            let runs: Vec<OfferedRun> = offer.runs.get();
            let run = runs.first().cloned()?;
            let more = runs.len() - 1;
            let href = format!("#/history/resume/{}", run.id);
            let discardable = offer.discard.with(Option::is_some);
            let to_discard = run.clone();
            Some(view! {
                <Notice kind=NoticeKind::Warning title=tr!(lang, resume.offer_title) data_test="resume-offer">
                    <p data-test="resume-offer-text">
                        {tr!(
                            lang,
                            resume.offer_text,
                            date = lang.date(&run.started),
                            origin = named_instance(lang, &run.origin_name),
                            destinations = counted!(lang, resume.destinations, run.destinations),
                            written = counted!(lang, resume.objects_arrived, run.written)
                        )}
                    </p>
                    {(more > 0).then(|| view! {
                        <p><a href="#/history" data-test="resume-offer-more">
                            {counted!(lang, resume.more_runs, more)}
                        </a></p>
                    })}
                    {move || offer.problem.get().map(|problem| view! {
                        <p class="field-error" data-test="resume-offer-problem">{problem}</p>
                    })}
                    <p class="notice-actions">
                        <a class="button button-primary" href=href data-test="resume-offer-resume">
                            {tr!(lang, resume.resume)}
                        </a>
                        <button
                            class="button"
                            data-test="resume-offer-discard"
                            disabled=!discardable
                            on:click=move |_| confirming.set(Some(to_discard.clone()))
                        >
                            {tr!(lang, resume.discard)}
                        </button>
                    </p>
                </Notice>
            })
        }}
        {move || confirming.get().map(|run| {
            let id = run.id.clone();
            view! {
                <ConfirmDialog
                    title=tr!(lang, resume.discard_title)
                    message=tr!(lang, resume.discard_message, date = lang.date(&run.started))
                    confirm_label=tr!(lang, resume.discard)
                    on_confirm=Callback::new(move |_| {
                        confirming.set(None);
                        if let Some(discard) = offer.discard.get_untracked() {
                            discard.run(id.clone());
                        }
                    })
                    on_cancel=Callback::new(move |_| confirming.set(None))
                />
            }
        })}
    }
    .into_any()
}
