use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Panel;
use mdsync_core::instances::{InstanceError, InstanceForm, InstanceManager, SavedInstance};
use mdsync_core::model::{InstanceName, InstanceView};

use super::diagnosis::ConnectionResult;
use super::form::{Editing, InstanceFormView};
use super::list::{InstanceNames, InstanceTable, RowAction};
use super::sharing::InstanceSharing;
use super::InstancesContext;
use crate::components::dialog::ConfirmDialog;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::{instance_error, instance_name, open_error, panel_title, save_warning};
use crate::l10n::{use_language, Language};
use crate::services::{OpenError, Services};
use crate::session::Session;
use crate::tr;

/// What the page shows.
#[derive(Clone)]
enum Mode {
    List,
    Form {
        initial: InstanceForm,
        editing: Option<Editing>,
    },
}

/// The list as loaded for the user's role.
#[derive(Clone)]
enum Listing {
    Loading,
    Instances(Vec<InstanceView>),
    Names(Vec<InstanceName>),
    Failed(InstanceError),
}

/// Opens the manager (reads the encryption key) and, for configurators, brings the stored data
/// to the current layout (core's migrations) before anything is listed.
async fn open(services: Services, session: Session) -> Result<InstancesContext, OpenError> {
    let storage =
        mdsync_core::storage::Storage::new(services.local_client(), session.info.version.clone());
    // The key and the stored data's layout are needed together: one round trip for both.
    let (key, checked) =
        futures::future::join(services.encryption_key(), storage.require_current_schema()).await;
    let manager = InstanceManager::new(session.me.clone(), key?, services.base_url());
    if checked.is_err() {
        // Configurators upgrade an old layout and bind secrets saved by older versions to
        // their instance's address; others are told to ask for that.
        manager.prepare_storage(&storage).await?;
    }
    Ok(InstancesContext {
        manager,
        services,
        version: session.info.version.clone(),
    })
}

fn reload(ctx: InstancesContext, listing: RwSignal<Listing>) {
    spawn_local(async move {
        let storage = ctx.storage();
        let loaded = if ctx.manager.role().can_configure() {
            ctx.manager.list(&storage).await.map(Listing::Instances)
        } else {
            ctx.manager.list_names(&storage).await.map(Listing::Names)
        };
        listing.set(loaded.unwrap_or_else(Listing::Failed));
    });
}

#[component]
pub fn InstancesPage(session: Session) -> impl IntoView {
    let services = expect_context::<Services>();
    let lang = use_language();
    let context = RwSignal::new(None::<Result<InstancesContext, OpenError>>);
    let listing = RwSignal::new(Listing::Loading);
    let mode = RwSignal::new(Mode::List);
    let flash = RwSignal::new(None::<(NoticeKind, String)>);
    let tested = RwSignal::new(None::<(String, mdsync_core::instances::ConnectionDiagnosis)>);
    let deleting = RwSignal::new(None::<InstanceView>);
    let sharing = RwSignal::new(None::<InstanceView>);
    let can_configure = session.role.can_configure();
    let local_version = session.info.version.clone();

    spawn_local(async move {
        let opened = open(services, session).await;
        if let Ok(ctx) = &opened {
            reload(ctx.clone(), listing);
        }
        context.set(Some(opened));
    });

    let with_ctx = move |run: &dyn Fn(InstancesContext)| {
        if let Some(Ok(ctx)) = context.get_untracked() {
            run(ctx);
        }
    };
    let find = move |id: &str| match listing.get_untracked() {
        Listing::Instances(all) => all.into_iter().find(|view| view.id == id),
        _ => None,
    };

    let on_action = Callback::new(move |action: RowAction| {
        flash.set(None);
        tested.set(None);
        match action {
            RowAction::Test(id) => with_ctx(&|ctx| {
                let name = find(&id)
                    .map(|view| instance_name(lang, &view))
                    .unwrap_or_default();
                let id = id.clone();
                spawn_local(async move {
                    let storage = ctx.storage();
                    let origin = ctx.origin();
                    match ctx
                        .manager
                        .test_saved(&storage, &id, origin.as_deref())
                        .await
                    {
                        Ok(diagnosis) => {
                            let connected = diagnosis.is_success();
                            tested.set(Some((name, diagnosis)));
                            if connected {
                                reload(ctx.clone(), listing);
                            }
                        }
                        Err(error) => {
                            flash.set(Some((NoticeKind::Error, instance_error(lang, &error))))
                        }
                    }
                });
            }),
            RowAction::Edit(id) => with_ctx(&|ctx| {
                let Some(view) = find(&id) else { return };
                let id = id.clone();
                spawn_local(async move {
                    let storage = ctx.storage();
                    match ctx.manager.edit_form(&storage, &id).await {
                        Ok(initial) => mode.set(Mode::Form {
                            editing: Some(Editing {
                                id,
                                has_secret: view.has_secret,
                                stored_auth_kind: view.auth_kind,
                            }),
                            initial,
                        }),
                        Err(error) => {
                            flash.set(Some((NoticeKind::Error, instance_error(lang, &error))))
                        }
                    }
                });
            }),
            RowAction::Replicate(id) => with_ctx(&|ctx| {
                let id = id.clone();
                spawn_local(async move {
                    let storage = ctx.storage();
                    match ctx.manager.replicate(&storage, &id).await {
                        Ok(saved) => {
                            flash.set(Some(saved_notice(lang, &saved, Saved::Replicated)));
                            reload(ctx.clone(), listing);
                        }
                        Err(error) => {
                            flash.set(Some((NoticeKind::Error, instance_error(lang, &error))))
                        }
                    }
                });
            }),
            RowAction::Share(id) => sharing.set(find(&id)),
            RowAction::Delete(id) => deleting.set(find(&id)),
        }
    });

    let confirm_delete = Callback::new(move |_| {
        let Some(view) = deleting.get_untracked() else {
            return;
        };
        deleting.set(None);
        with_ctx(&|ctx| {
            let view = view.clone();
            spawn_local(async move {
                let storage = ctx.storage();
                match ctx.manager.delete(&storage, &view.id).await {
                    Ok(()) => {
                        flash.set(Some((
                            NoticeKind::Success,
                            tr!(lang, instances.deleted, name = view.name),
                        )));
                        reload(ctx.clone(), listing);
                    }
                    Err(error) => {
                        flash.set(Some((NoticeKind::Error, instance_error(lang, &error))))
                    }
                }
            });
        });
    });

    let form_done = Callback::new(move |saved: Option<SavedInstance>| {
        mode.set(Mode::List);
        if let Some(saved) = saved {
            flash.set(Some(saved_notice(lang, &saved, Saved::Edited)));
            with_ctx(&|ctx| reload(ctx, listing));
        }
    });

    let new_instance = move |_| {
        flash.set(None);
        tested.set(None);
        mode.set(Mode::Form {
            initial: InstanceForm::default(),
            editing: None,
        });
    };

    let content = move || {
        let ctx = match context.get() {
            None => {
                return view! { <Loading label=tr!(lang, instances.opening)/> }.into_any()
            }
            Some(Err(error)) => {
                return view! {
                    <Notice kind=NoticeKind::Error title=tr!(lang, instances.cannot_show) data_test="instances-error">
                        <p>{open_error(lang, &error)}</p>
                    </Notice>
                }
                .into_any()
            }
            Some(Ok(ctx)) => ctx,
        };
        match mode.get() {
            Mode::Form { initial, editing } => {
                view! { <InstanceFormView ctx initial editing on_done=form_done/> }.into_any()
            }
            Mode::List => {
                let local_version = local_version.clone();
                view! {
                    {can_configure.then(|| view! {
                        <div class="toolbar">
                            <button class="button button-primary" data-test="instance-new" on:click=new_instance>
                                {tr!(lang, instances.form.new_title)}
                            </button>
                        </div>
                    })}
                    {move || match listing.get() {
                        Listing::Loading => view! { <Loading label=tr!(lang, instances.loading)/> }.into_any(),
                        Listing::Failed(error) => view! {
                            <Notice kind=NoticeKind::Error title=tr!(lang, instances.could_not_load) data_test="instances-error">
                                <p>{instance_error(lang, &error)}</p>
                            </Notice>
                        }.into_any(),
                        Listing::Instances(all) => view! {
                            <InstanceTable instances=Signal::derive(move || all.clone()) local_version=local_version.clone() on_action/>
                        }.into_any(),
                        Listing::Names(names) => view! {
                            <InstanceNames names=Signal::derive(move || names.clone())/>
                        }.into_any(),
                    }}
                }
                .into_any()
            }
        }
    };

    view! {
        <div class="page" data-test="panel-instances">
            <p class="breadcrumb"><a href="#/">"MetaData Sync"</a>" / "{move || panel_title(lang, Panel::Instances)}</p>
            <h1 class="page-title">{move || panel_title(lang, Panel::Instances)}</h1>
            {move || flash.get().map(|(kind, message)| view! {
                <Notice kind data_test="instances-notice"><p>{message}</p></Notice>
            })}
            {move || tested.get().map(|(name, diagnosis)| view! {
                <ConnectionResult diagnosis instance_name=name/>
            })}
            {content}
            {move || match (sharing.get(), context.get()) {
                (Some(instance), Some(Ok(ctx))) => Some(view! {
                    <InstanceSharing ctx instance on_done=Callback::new(move |notice: Option<(NoticeKind, String)>| {
                        sharing.set(None);
                        if let Some(notice) = notice {
                            flash.set(Some(notice));
                            with_ctx(&|ctx| reload(ctx, listing));
                        }
                    })/>
                }),
                _ => None,
            }}
            {move || deleting.get().map(|view| view! {
                <ConfirmDialog
                    title=tr!(lang, instances.delete_dialog.title)
                    message=tr!(lang, instances.delete_dialog.message, name = view.name)
                    confirm_label=tr!(lang, instances.actions.delete)
                    on_confirm=confirm_delete
                    on_cancel=Callback::new(move |_| deleting.set(None))
                />
            })}
        </div>
    }
}

/// How an instance came to be saved, for the notice.
#[derive(Clone, Copy)]
enum Saved {
    Edited,
    Replicated,
}

fn saved_notice(lang: Language, saved: &SavedInstance, how: Saved) -> (NoticeKind, String) {
    let name = saved.view.name.clone();
    let mut message = match how {
        Saved::Edited => tr!(lang, instances.saved, name = name),
        Saved::Replicated => tr!(lang, instances.created, name = name),
    };
    for warning in &saved.warnings {
        message.push(' ');
        message.push_str(&save_warning(lang, warning));
    }
    let kind = if saved.warnings.is_empty() {
        NoticeKind::Success
    } else {
        NoticeKind::Warning
    };
    (kind, message)
}
