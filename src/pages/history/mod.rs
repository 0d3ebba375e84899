//! The History panel: `#/history` lists every run (and the unfinished ones, with Resume),
//! `#/history/<id>` shows one run in full, `#/history/resume/<runId>` resumes an interrupted
//! run. What may be read, deleted or resumed is decided in `mdsync_core::sync`.

mod context;
mod details;
mod download;
mod list;
mod report;
mod resume;
pub mod start_up;
mod unfinished;

use leptos::ev;
use leptos::prelude::*;

use crate::services::Services;
use crate::session::Session;
use context::HistoryContext;
use details::HistoryDetails;
use list::HistoryList;
use resume::ResumeRun;

/// Which page of the panel the hash names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryView {
    List,
    Details(String),
    Resume(String),
}

impl HistoryView {
    /// `#/history` → list, `#/history/<id>` → details, `#/history/resume/<runId>` → resume.
    pub fn from_hash(hash: &str) -> HistoryView {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let path = path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).skip(1).collect();
        match segments.as_slice() {
            ["resume", run] => HistoryView::Resume((*run).to_string()),
            [id] => HistoryView::Details((*id).to_string()),
            _ => HistoryView::List,
        }
    }
}

fn current_view() -> HistoryView {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    HistoryView::from_hash(&hash)
}

/// The panel: follows the hash below `#/history`.
#[component]
pub fn HistoryPanel(session: Session) -> impl IntoView {
    let services = expect_context::<Services>();
    let context = HistoryContext::new(services, session);
    let view = RwSignal::new(current_view());
    let handle = window_event_listener(ev::hashchange, move |_| {
        let next = current_view();
        if view.get_untracked() != next {
            view.set(next);
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <style>{include_str!("history.css")}</style>
        {move || {
            let context = context.clone();
            match view.get() {
                HistoryView::List => view! { <HistoryList context/> }.into_any(),
                HistoryView::Details(id) => view! { <HistoryDetails context id/> }.into_any(),
                HistoryView::Resume(run_id) => view! { <ResumeRun context run_id/> }.into_any(),
            }
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_page_from_the_hash() {
        assert_eq!(HistoryView::from_hash("#/history"), HistoryView::List);
        assert_eq!(HistoryView::from_hash("#/history/"), HistoryView::List);
        assert_eq!(
            HistoryView::from_hash("#/history/abcDEF12345"),
            HistoryView::Details("abcDEF12345".into())
        );
        assert_eq!(
            HistoryView::from_hash("#/history/resume/abcDEF12345?x=1"),
            HistoryView::Resume("abcDEF12345".into())
        );
    }
}
