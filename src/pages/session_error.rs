use leptos::prelude::*;
use mdsync_core::dhis2::Dhis2Error;

use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::{dhis2_error, needs_login};
use crate::l10n::use_language;
use crate::tr;

/// Why the app could not start (login page, 401, unreachable server…), and what to do.
#[component]
pub fn SessionError(error: Dhis2Error, base_url: String) -> impl IntoView {
    let lang = use_language();
    let needs_login = needs_login(&error);
    let reload = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <div class="page" data-test="app-error">
            <Notice kind=NoticeKind::Error title=tr!(lang, app.could_not_start)>
                <p data-test="app-error-message">{move || dhis2_error(lang, &error)}</p>
                <p class="notice-actions">
                    {needs_login
                        .then(|| {
                            view! {
                                <a class="button button-primary" href=format!("{base_url}/") data-test="app-login-link">
                                    {move || tr!(lang, app.log_in_again)}
                                </a>
                            }
                        })}
                    <button class="button" data-test="app-retry" on:click=reload>{move || tr!(lang, app.reload)}</button>
                </p>
            </Notice>
        </div>
    }
}
