use leptos::prelude::*;
use mdsync_core::access::{AppRole, Panel, CONFIGURATOR_ROLE};

use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::access::panel_list;
use crate::l10n::messages::panel_title;
use crate::l10n::use_language;
use crate::tr;

/// Reached by typing the hash of a panel the role may not open.
#[component]
pub fn NotAllowed(panel: Panel, role: AppRole) -> impl IntoView {
    let lang = use_language();
    view! {
        <div class="page" data-test="not-allowed">
            <Notice kind=NoticeKind::Warning title=tr!(lang, app.not_allowed_title)>
                <p data-test="not-allowed-message">
                    {move || tr!(
                        lang,
                        app.not_allowed,
                        panel = panel_title(lang, panel),
                        panels = panel_list(lang, role)
                    )}
                </p>
                <p>{move || tr!(lang, app.ask_for_configurator, role = CONFIGURATOR_ROLE)}</p>
                <p><a href="#/">{move || tr!(lang, app.go_home)}</a></p>
            </Notice>
        </div>
    }
}
