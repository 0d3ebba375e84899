use leptos::prelude::*;
use mdsync_core::dhis2::Dhis2Error;

use crate::components::notice::{Notice, NoticeKind};

/// Why the app could not start (login page, 401, unreachable server…), and what to do.
#[component]
pub fn SessionError(error: Dhis2Error, base_url: String) -> impl IntoView {
    let needs_login = matches!(
        error,
        Dhis2Error::LoginPage { .. } | Dhis2Error::Unauthorized { .. }
    );
    let reload = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <div class="page" data-test="app-error">
            <Notice kind=NoticeKind::Error title="MetaData Sync could not start">
                <p data-test="app-error-message">{error.to_string()}</p>
                <p class="notice-actions">
                    {needs_login
                        .then(|| {
                            view! {
                                <a class="button button-primary" href=format!("{base_url}/") data-test="app-login-link">
                                    "Log in again"
                                </a>
                            }
                        })}
                    <button class="button" data-test="app-retry" on:click=reload>"Reload"</button>
                </p>
            </Notice>
        </div>
    }
}
