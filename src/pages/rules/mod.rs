//! The Rules panel: `#/rules` the table of rules, `#/rules/new` and `#/rules/<id>/edit` the
//! editor, `#/rules/<id>` a rule's details. Everything decided about rules (who may do what,
//! validation, schedules, running) is in `mdsync_core::rules`.

mod actions;
mod context;
mod data_words;
mod details;
mod editor;
mod filters;
mod heartbeat;
mod import;
mod instance_gap;
mod list;
mod run;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Panel;

use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::{open_error, panel_title};
use crate::l10n::use_language;
use crate::pages::sync::context::SyncContext;
use crate::services::Services;
use crate::session::Session;
use crate::tr;
pub use context::RulesContext;

/// Which page of the panel the hash names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulesView {
    List,
    /// A new rule; `from_sync` when the Sync page's picks come with it.
    New {
        from_sync: bool,
    },
    Edit(String),
    Details(String),
}

impl RulesView {
    pub fn from_hash(hash: &str) -> RulesView {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).skip(1).collect();
        match segments.as_slice() {
            ["new"] => RulesView::New {
                from_sync: query.split('&').any(|p| p == "from=sync"),
            },
            [id, "edit"] => RulesView::Edit((*id).to_string()),
            [id] => RulesView::Details((*id).to_string()),
            _ => RulesView::List,
        }
    }
}

fn current_view() -> RulesView {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    RulesView::from_hash(&hash)
}

/// Goes to a page of the panel.
pub fn go(hash: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(hash);
    }
}

/// The panel: opens the app's data once, then follows the hash below `#/rules`.
#[component]
pub fn RulesPanel(session: Session) -> impl IntoView {
    let lang = use_language();
    let view = RwSignal::new(current_view());
    let handle = window_event_listener(ev::hashchange, move |_| {
        let next = current_view();
        if view.get_untracked() != next {
            view.set(next);
        }
    });
    on_cleanup(move || handle.remove());
    let opened = RwSignal::new(None::<Result<RulesContext, String>>);
    {
        let services = expect_context::<Services>();
        let session = session.clone();
        spawn_local(async move {
            let result = SyncContext::open(services, &session)
                .await
                .map(|sync| RulesContext::new(sync, session.clone()))
                .map_err(|e| open_error(lang, &e));
            opened.set(Some(result));
        });
    }
    let body = move || {
        match opened.get() {
        None => view! { <Loading label=tr!(lang, rules.opening)/> }.into_any(),
        Some(Err(message)) => view! {
            <div class="page">
                <Notice kind=NoticeKind::Error title=tr!(lang, rules.cannot_open) data_test="rules-error">
                    <p>{message}</p>
                </Notice>
            </div>
        }
        .into_any(),
        Some(Ok(ctx)) => match view.get() {
            RulesView::List => view! { <list::RulesList ctx/> }.into_any(),
            RulesView::New { from_sync } => {
                view! { <editor::RuleEditor ctx rule_id=None from_sync/> }.into_any()
            }
            RulesView::Edit(id) => {
                view! { <editor::RuleEditor ctx rule_id=Some(id) from_sync=false/> }.into_any()
            }
            RulesView::Details(id) => view! { <details::RuleDetailsPage ctx id/> }.into_any(),
        },
    }
    };
    view! {
        <style>{include_str!("../sync/sync.css")}{include_str!("rules.css")}</style>
        <div class="page rules-page" data-test="panel-rules">
            <p class="breadcrumb">
                <a href="#/">"MetaData Sync"</a>" / "<a href="#/rules">{panel_title(lang, Panel::Rules)}</a>
            </p>
            {body}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pages_of_the_panel() {
        assert_eq!(RulesView::from_hash("#/rules"), RulesView::List);
        assert_eq!(
            RulesView::from_hash("#/rules/new?from=sync"),
            RulesView::New { from_sync: true }
        );
        assert_eq!(
            RulesView::from_hash("#/rules/abc/edit"),
            RulesView::Edit("abc".into())
        );
        assert_eq!(
            RulesView::from_hash("#/rules/abc"),
            RulesView::Details("abc".into())
        );
    }
}
