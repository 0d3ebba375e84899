//! The frame every Sync page shares: the refusal for other roles, the opening of the page's
//! context (and its instances list), the breadcrumb, title and notice, and the sections once
//! the context is open.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Panel;
use mdsync_core::model::InstanceView;

use super::run::load_instances;
use super::Loadable;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::{open_error, panel_title};
use crate::l10n::Language;
use crate::pages::sync::context::SyncContext;
use crate::services::Services;
use crate::session::Session;
use crate::tr;

/// What a page shows a user who may not run syncs (the router keeps them out already; a page
/// that changes other instances checks again).
pub fn not_for_your_role(lang: Language, data_test: &'static str) -> AnyView {
    view! {
        <div class="page" data-test=data_test>
            <Notice kind=NoticeKind::Warning title=tr!(lang, sync.not_for_your_role)>
                <p>{tr!(lang, sync.metadata.only_configurators)}</p>
            </Notice>
        </div>
    }
    .into_any()
}

/// Opens the page's context and lists the instances; `ready` runs once it is open.
pub fn open_context(
    lang: Language,
    session: &Session,
    ctx: RwSignal<Option<Result<SyncContext, String>>>,
    instances: RwSignal<Loadable<Vec<InstanceView>>>,
    ready: impl FnOnce() + 'static,
) {
    open_context_with(lang, session, ctx, instances, |_| async {}, ready);
}

/// [`open_context`], with `prepare` run once the context is open, before the page sees it.
pub fn open_context_with<Fut>(
    lang: Language,
    session: &Session,
    ctx: RwSignal<Option<Result<SyncContext, String>>>,
    instances: RwSignal<Loadable<Vec<InstanceView>>>,
    prepare: impl FnOnce(SyncContext) -> Fut + 'static,
    ready: impl FnOnce() + 'static,
) where
    Fut: Future<Output = ()> + 'static,
{
    let services = expect_context::<Services>();
    let session = session.clone();
    spawn_local(async move {
        let opened = SyncContext::open(services, &session)
            .await
            .map_err(|e| open_error(lang, &e));
        if let Ok(opened) = &opened {
            load_instances(lang, opened.clone(), instances);
            prepare(opened.clone()).await;
        }
        let is_open = opened.is_ok();
        ctx.set(Some(opened));
        if is_open {
            ready();
        }
    });
}

/// The page: breadcrumb, title, the page's notice, then its sections (`children`) once the
/// context is open. `data_test`: the page's own (`panel-sync-…`).
#[component]
pub fn SyncPageFrame(
    lang: Language,
    data_test: &'static str,
    /// The page's name in the breadcrumb.
    crumb: String,
    title: String,
    ctx: RwSignal<Option<Result<SyncContext, String>>>,
    notice: RwSignal<Option<(NoticeKind, String)>>,
    notice_test: &'static str,
    /// The page's own style sheet, if any.
    #[prop(optional)]
    style: Option<&'static str>,
    children: ChildrenFn,
) -> impl IntoView {
    let body = move || {
        match ctx.get() {
        None => view! { <Loading label=tr!(lang, instances.opening)/> }.into_any(),
        Some(Err(message)) => view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, sync.metadata.cannot_open) data_test="sync-error">
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
        Some(Ok(_)) => children().into_any(),
    }
    };
    view! {
        <div class="page sync-page" data-test=data_test>
            {style.map(|css| view! { <style>{css}</style> })}
            <p class="breadcrumb">
                <a href="#/">"MetaData Sync"</a>" / "
                <a href="#/sync">{panel_title(lang, Panel::Sync)}</a>" / "{crumb}
            </p>
            <h1 class="page-title">{title}</h1>
            {move || notice.get().map(|(kind, message)| view! {
                <Notice kind data_test=notice_test><p>{message}</p></Notice>
            })}
            {body}
        </div>
    }
}
