use leptos::prelude::*;

use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::no_access_help;
use crate::l10n::use_language;
use crate::tr;

/// For users with neither app role: which role to ask for.
#[component]
pub fn NoAccess() -> impl IntoView {
    let lang = use_language();
    view! {
        <div class="page" data-test="no-access">
            <Notice kind=NoticeKind::Warning title=tr!(lang, app.no_access_title)>
                <p data-test="no-access-message">{move || no_access_help(lang)}</p>
            </Notice>
        </div>
    }
}
