use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::dhis2::retry::RequestTimeouts;
use mdsync_core::instances::{
    normalise_url, ConnectionDiagnosis, FormErrors, FormField, InstanceError, InstanceForm,
    SavedInstance, SetTimeoutsError,
};
use mdsync_core::model::AuthKind;

use super::diagnosis::ConnectionResult;
use super::timeouts_fields::{parse_timeouts, TimeoutsFieldProblem, TimeoutsFields, TimeoutsInput};
use super::InstancesContext;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::{field_problem, instance_error};
use crate::l10n::use_language;
use crate::tr;

/// The instance being edited, as far as the form needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editing {
    pub id: String,
    /// A secret is stored, for this auth kind.
    pub has_secret: bool,
    pub stored_auth_kind: AuthKind,
}

fn field_key(field: FormField) -> &'static str {
    match field {
        FormField::Name => "name",
        FormField::Url => "url",
        FormField::AuthKind => "auth",
        FormField::Username => "username",
        FormField::Secret => "secret",
        FormField::Sharing => "sharing",
    }
}

/// The message under a field, if the last save found one.
#[component]
fn FieldError(errors: RwSignal<FormErrors>, field: FormField) -> impl IntoView {
    let lang = use_language();
    move || {
        errors.with(|errors| {
            errors.problem(field).map(|problem| {
                view! {
                    <div class="field-error" data-test=format!("field-error-{}", field_key(field))>
                        {field_problem(lang, problem)}
                    </div>
                }
            })
        })
    }
}

/// Create or edit an instance. `on_done` gets the saved instance, or `None` on cancel.
#[component]
pub fn InstanceFormView(
    ctx: InstancesContext,
    initial: InstanceForm,
    editing: Option<Editing>,
    on_done: Callback<Option<SavedInstance>>,
) -> impl IntoView {
    let lang = use_language();
    let form = RwSignal::new(initial);
    let errors = RwSignal::new(FormErrors::default());
    let failure = RwSignal::new(None::<InstanceError>);
    let diagnosis = RwSignal::new(None::<ConnectionDiagnosis>);
    // The URL the shown diagnosis is about (the form may have changed since).
    let tested_url = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let editing_id = editing.as_ref().map(|e| e.id.clone());
    let editing_existing = editing.is_some();
    let timeouts_input = RwSignal::new(TimeoutsInput::default());
    let timeouts_problem = RwSignal::new(None::<TimeoutsFieldProblem>);
    // The limits the edited instance has now (the defaults for a new one).
    let stored_timeouts = RwSignal::new(RequestTimeouts::default());
    if let Some(id) = editing_id.clone() {
        let ctx = ctx.clone();
        spawn_local(async move {
            if let Ok(limits) = ctx.manager.timeouts(&ctx.storage(), &id).await {
                stored_timeouts.set(limits);
                timeouts_input.set(limits.into());
            }
        });
    }
    let title = move || {
        if editing_existing {
            tr!(lang, instances.form.edit_title)
        } else {
            tr!(lang, instances.form.new_title)
        }
    };

    let insecure =
        move || form.with(|f| normalise_url(&f.url).map(|u| u.insecure).unwrap_or(false));
    let auth_kind = move || form.with(|f| f.auth_kind);
    let secret_label = move || match auth_kind() {
        AuthKind::Basic => tr!(lang, instances.form.password),
        AuthKind::Token => tr!(lang, instances.form.token),
    };
    // A stored secret is kept when the field stays empty, unless the auth kind changes.
    let editing_for_secret = editing.clone();
    let secret_saved = move || {
        editing_for_secret
            .as_ref()
            .is_some_and(|e| e.has_secret && e.stored_auth_kind == auth_kind())
    };
    let secret_saved_for_placeholder = secret_saved.clone();

    let save = {
        let ctx = ctx.clone();
        let editing_id = editing_id.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            let limits = match parse_timeouts(&timeouts_input.get_untracked()) {
                Ok(limits) => limits,
                Err(problem) => {
                    timeouts_problem.set(Some(problem));
                    return;
                }
            };
            busy.set(true);
            failure.set(None);
            let (ctx, editing_id, submitted) =
                (ctx.clone(), editing_id.clone(), form.get_untracked());
            spawn_local(async move {
                let storage = ctx.storage();
                let result = match &editing_id {
                    Some(id) => ctx.manager.update(&storage, id, &submitted).await,
                    None => ctx.manager.create(&storage, &submitted).await,
                };
                match result {
                    Ok(mut saved) => {
                        // A successful test before saving already told the version: keep it.
                        if let (Some(tested), Some(url)) =
                            (diagnosis.get_untracked(), tested_url.get_untracked())
                        {
                            let kept = ctx
                                .manager
                                .keep_tested_version(&storage, &saved, &url, &tested)
                                .await;
                            // Not kept (a storage error): the next test records it.
                            if let Ok(Some(version)) = kept {
                                saved.view.version = Some(version);
                            }
                        }
                        if limits != stored_timeouts.get_untracked() {
                            let kept = (limits != RequestTimeouts::default()).then_some(limits);
                            let set = ctx
                                .manager
                                .set_timeouts(&storage, &saved.view.id, kept)
                                .await;
                            match set {
                                Ok(_) => stored_timeouts.set(limits),
                                // Editing: the form stays, with the reason. A new instance is
                                // saved already; it keeps the defaults (edit it to retry).
                                Err(error) if editing_id.is_some() => {
                                    busy.set(false);
                                    match error {
                                        SetTimeoutsError::Invalid(problem) => timeouts_problem
                                            .set(Some(TimeoutsFieldProblem::Limits(problem))),
                                        SetTimeoutsError::Instance(error) => {
                                            failure.set(Some(error))
                                        }
                                    }
                                    return;
                                }
                                Err(error) => leptos::logging::warn!(
                                    "The new instance keeps the default time limits: {error}"
                                ),
                            }
                        }
                        crate::transport::set_connect_timeout(
                            &saved.view.url,
                            stored_timeouts.get_untracked().connect(),
                        );
                        busy.set(false);
                        errors.set(FormErrors::default());
                        on_done.run(Some(saved));
                    }
                    Err(InstanceError::Invalid(found)) => {
                        busy.set(false);
                        failure.set(Some(InstanceError::Invalid(found.clone())));
                        errors.set(found);
                    }
                    Err(other) => {
                        busy.set(false);
                        errors.set(FormErrors::default());
                        failure.set(Some(other));
                    }
                }
            });
        }
    };

    let test = {
        let ctx = ctx.clone();
        let editing_id = editing_id.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            diagnosis.set(None);
            failure.set(None);
            let (ctx, editing_id, submitted) =
                (ctx.clone(), editing_id.clone(), form.get_untracked());
            spawn_local(async move {
                let storage = ctx.storage();
                let origin = ctx.origin();
                let result = ctx
                    .manager
                    .test_form(
                        &storage,
                        &submitted,
                        editing_id.as_deref(),
                        origin.as_deref(),
                    )
                    .await;
                busy.set(false);
                match result {
                    Ok(found) => {
                        tested_url.set(Some(submitted.url.clone()));
                        diagnosis.set(Some(found));
                    }
                    Err(error) => failure.set(Some(error)),
                }
            });
        }
    };

    view! {
        <div class="form-panel" data-test="instance-form">
            <h2 class="page-title">{title}</h2>
            <div class="field">
                <label for="instance-name">{move || tr!(lang, instances.fields.name)}</label>
                <input id="instance-name" class="input" data-test="instance-name" autocomplete="off"
                    prop:value=move || form.with(|f| f.name.clone())
                    on:input=move |ev| form.update(|f| f.name = event_target_value(&ev))/>
                <FieldError errors field=FormField::Name/>
            </div>
            <div class="field">
                <label for="instance-url">{move || tr!(lang, instances.fields.url)}</label>
                <input id="instance-url" class="input" data-test="instance-url" type="url"
                    placeholder="https://dhis2.example.org" autocomplete="off"
                    prop:value=move || form.with(|f| f.url.clone())
                    on:input=move |ev| form.update(|f| f.url = event_target_value(&ev))/>
                <Show when=insecure>
                    <div class="field-warning" data-test="instance-http-warning">
                        {move || tr!(lang, instances.form.http_warning)}
                    </div>
                </Show>
                <FieldError errors field=FormField::Url/>
            </div>
            <div class="field">
                <label for="instance-description">{move || tr!(lang, instances.fields.description)}</label>
                <textarea id="instance-description" class="input" data-test="instance-description"
                    prop:value=move || form.with(|f| f.description.clone())
                    on:input=move |ev| form.update(|f| f.description = event_target_value(&ev))></textarea>
            </div>
            <div class="field">
                <label for="instance-auth">{move || tr!(lang, instances.fields.authentication)}</label>
                <select id="instance-auth" class="input" data-test="instance-auth"
                    prop:value=move || auth_kind().as_str()
                    on:change=move |ev| {
                        let kind = if event_target_value(&ev) == AuthKind::Token.as_str() {
                            AuthKind::Token
                        } else {
                            AuthKind::Basic
                        };
                        form.update(|f| f.auth_kind = kind)
                    }>
                    <option value="basic">{move || tr!(lang, instances.auth.basic)}</option>
                    <option value="token">{move || tr!(lang, instances.form.token_option)}</option>
                </select>
                <FieldError errors field=FormField::AuthKind/>
            </div>
            <Show when=move || auth_kind() == AuthKind::Basic>
                <div class="field">
                    <label for="instance-username">{move || tr!(lang, instances.form.username)}</label>
                    <input id="instance-username" class="input" data-test="instance-username" autocomplete="off"
                        prop:value=move || form.with(|f| f.username.clone())
                        on:input=move |ev| form.update(|f| f.username = event_target_value(&ev))/>
                    <FieldError errors field=FormField::Username/>
                </div>
            </Show>
            <div class="field">
                <label for="instance-secret">{secret_label}</label>
                <input id="instance-secret" class="input" data-test="instance-secret" type="password"
                    autocomplete="new-password"
                    placeholder=move || {
                        if secret_saved_for_placeholder() {
                            tr!(lang, instances.form.secret_saved_placeholder)
                        } else {
                            String::new()
                        }
                    }
                    prop:value=move || form.with(|f| f.secret.clone())
                    on:input=move |ev| form.update(|f| f.secret = event_target_value(&ev))/>
                <Show when=secret_saved.clone()>
                    <div class="field-help" data-test="instance-secret-saved">
                        {move || tr!(lang, instances.form.secret_saved_help)}
                    </div>
                </Show>
                <FieldError errors field=FormField::Secret/>
            </div>
            <TimeoutsFields input=timeouts_input problem=timeouts_problem/>
            <FieldError errors field=FormField::Sharing/>
            {move || failure.get().map(|error| view! {
                <Notice kind=NoticeKind::Error data_test="instance-form-error">
                    <p>{instance_error(lang, &error)}</p>
                </Notice>
            })}
            {move || diagnosis.get().map(|diagnosis| view! { <ConnectionResult diagnosis/> })}
            <div class="toolbar">
                <button class="button button-primary" data-test="instance-save"
                    disabled=move || busy.get() on:click=save>{move || tr!(lang, instances.form.save)}</button>
                <button class="button" data-test="instance-form-test"
                    disabled=move || busy.get() on:click=test>{move || tr!(lang, instances.test_connection)}</button>
                <button class="button" data-test="instance-cancel"
                    on:click=move |_| on_done.run(None)>{move || tr!(lang, common.cancel)}</button>
                <Show when=move || busy.get()>
                    <span class="field-help" data-test="instance-busy">{move || tr!(lang, instances.form.working)}</span>
                </Show>
            </div>
        </div>
    }
}
