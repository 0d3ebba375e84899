//! The root: finds the hosting instance, loads the session, and lays out header bar and page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::AppRole;
use mdsync_core::dhis2::Dhis2Error;

use crate::components::header_bar::HeaderBar;
use crate::components::loading::Loading;
use crate::components::resume_notice::ResumeOffer;
use crate::l10n::{provide_language, Language};
use crate::pages::lazy_panel::start_up;
use crate::pages::no_access::NoAccess;
use crate::pages::router::PanelRouter;
use crate::pages::session_error::SessionError;
use crate::services::{self, Services};
use crate::session::{load_session, Session};
use crate::tr;

/// The app as mounted in the browser.
#[component]
pub fn App() -> impl IntoView {
    let lang = provide_language();
    let services = RwSignal::new(None::<Services>);
    spawn_local(async move { services.set(Some(services::discover().await)) });
    let show_header_bar = !services::hosted_in_dhis2_shell();
    move || match services.get() {
        Some(services) => view! { <Shell services show_header_bar/> }.into_any(),
        None => view! { <Loading label=tr!(lang, app.starting)/> }.into_any(),
    }
}

/// The state of something loaded once.
#[derive(Clone, Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(Dhis2Error),
}

/// Everything below the discovery step; tests mount it with fake services. Once the session
/// is loaded the app speaks the user's DHIS2 language (`keyUiLocale`, read with `me`).
#[component]
pub fn Shell(services: Services, #[prop(default = true)] show_header_bar: bool) -> impl IntoView {
    provide_context(services.clone());
    // The App provides the language; a shell mounted alone (tests) provides its own.
    let lang = match use_context::<Language>() {
        Some(lang) => lang,
        None => provide_language(),
    };
    let session = RwSignal::new(Load::<Session>::Loading);
    provide_context(session);
    let offer = ResumeOffer::provide();
    {
        let services = services.clone();
        spawn_local(async move {
            let client = services.local_client();
            session.set(match load_session(&client).await {
                Ok(loaded) => {
                    lang.switch_to(loaded.me.ui_locale.as_deref());
                    if loaded.role != AppRole::NoAccess {
                        start_up(loaded.clone(), services.clone(), offer);
                    }
                    Load::Ready(loaded)
                }
                Err(error) => Load::Failed(error),
            });
        });
    }
    let base_url = services.base_url().to_string();
    let body = move || match session.get() {
        Load::Loading => view! { <Loading label=tr!(lang, app.loading_session)/> }.into_any(),
        Load::Failed(error) => view! { <SessionError error base_url=base_url.clone()/> }.into_any(),
        Load::Ready(session) if session.role == AppRole::NoAccess => {
            view! { <NoAccess/> }.into_any()
        }
        Load::Ready(session) => view! { <PanelRouter session/> }.into_any(),
    };
    view! {
        <div class="app">
            <Show when=move || show_header_bar>
                <HeaderBar/>
            </Show>
            <main class="app-main">{body}</main>
        </div>
    }
}
