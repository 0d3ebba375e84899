use leptos::prelude::*;
use mdsync_core::access::Panel;

use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::{panel_coming, panel_title};
use crate::l10n::use_language;
use crate::tr;

/// A panel that is not built yet says so, and what it will do.
#[component]
pub fn ComingSoon(panel: Panel) -> impl IntoView {
    let lang = use_language();
    view! {
        <div class="page" data-test=format!("panel-{}", panel.route())>
            <p class="breadcrumb"><a href="#/">"MetaData Sync"</a>" / "{move || panel_title(lang, panel)}</p>
            <h1 class="page-title">{move || panel_title(lang, panel)}</h1>
            <Notice kind=NoticeKind::Info title=tr!(lang, app.not_available_yet) data_test="coming-soon">
                <p>{move || panel_coming(lang, panel)}</p>
            </Notice>
        </div>
    }
}
