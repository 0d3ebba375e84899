use leptos::prelude::*;
use mdsync_core::dhis2::org_units::OrgUnitNode;

use super::run::origin_org_units;
use crate::components::org_unit_tree::OrgUnitTree;
use crate::l10n::Language;
use crate::pages::sync::context::SyncContext;

/// The origin's org unit tree (with "include descendants"), drawn again for another origin.
#[component]
pub fn OriginTree(
    lang: Language,
    ctx: RwSignal<Option<Result<SyncContext, String>>>,
    origin: RwSignal<String>,
    selected: RwSignal<Vec<OrgUnitNode>>,
    include_descendants: RwSignal<bool>,
) -> impl IntoView {
    move || {
        view! {
            <OrgUnitTree
                source=origin_org_units(lang, ctx, origin.get())
                selected
                include_descendants
            />
        }
    }
}
