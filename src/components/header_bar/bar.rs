use leptos::prelude::*;

use super::{AppsMenu, ProfileMenu};
use crate::app::Load;
use crate::components::icons::LogoMark;
use crate::l10n::use_language;
use crate::services::Services;
use crate::session::Session;
use crate::tr;

/// Shown until the server's application title is known.
const TITLE_WHILE_LOADING: &str = "MetaData Sync";

/// 48 px, DHIS2 blue, white: the bar every DHIS2 app has. Reads the session from context.
#[component]
pub fn HeaderBar() -> impl IntoView {
    let services = expect_context::<Services>();
    let lang = use_language();
    let session = expect_context::<RwSignal<Load<Session>>>();
    let ready = move || match session.get() {
        Load::Ready(session) => Some(session),
        _ => None,
    };
    let title = move || {
        ready()
            .map(|session| session.header_title())
            .unwrap_or_else(|| TITLE_WHILE_LOADING.to_string())
    };
    let home = format!("{}/", services.base_url());
    view! {
        <header class="headerbar" data-test="headerbar">
            <a class="headerbar-logo" href=home data-test="headerbar-logo" title=move || tr!(lang, header.dhis2_home)>
                <LogoMark/>
            </a>
            <span class="headerbar-title" data-test="headerbar-title">{title}</span>
            <span class="headerbar-spacer"></span>
            {move || {
                ready()
                    .map(|session| {
                        view! {
                            <AppsMenu session=session.clone()/>
                            <ProfileMenu session/>
                        }
                    })
            }}
        </header>
    }
}
