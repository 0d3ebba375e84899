//! After a rule's sharing is saved: when some of the people it is now shared with cannot use its
//! instances (they would see the rule and fail to run it), say so and offer to share those
//! instances with them read-only. `core` finds the gap and shares; this only asks.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::model::Sharing;

use super::list::ListState;
use crate::components::dialog::ConfirmDialog;
use crate::components::notice::NoticeKind;
use crate::l10n::messages::instance_error;
use crate::tr;

/// The instances to offer, and the rule's audience.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceGapOffer {
    pub ids: Vec<String>,
    pub names: Vec<String>,
    pub audience: Sharing,
}

/// Looks for instances of the rule (`instance_ids`) that `audience` cannot read; when there are
/// some, opens the offer. Checking is the configurator's business only: a failure to check
/// leaves the saved sharing as it is and says nothing more.
pub fn check(state: ListState, instance_ids: Vec<String>, audience: Sharing) {
    let ctx = state.ctx();
    spawn_local(async move {
        let storage = ctx.storage();
        let Ok(gaps) = ctx
            .manager()
            .sharing_gaps(&storage, &instance_ids, &audience)
            .await
        else {
            return;
        };
        if !gaps.is_empty() {
            state.instance_gap.set(Some(InstanceGapOffer {
                ids: gaps.iter().map(|gap| gap.id.clone()).collect(),
                names: gaps.into_iter().map(|gap| gap.name).collect(),
                audience,
            }));
        }
    });
}

fn share(state: ListState, offer: InstanceGapOffer) {
    let ctx = state.ctx();
    let lang = state.lang;
    spawn_local(async move {
        let storage = ctx.storage();
        match ctx
            .manager()
            .share_read_only_with(&storage, &offer.ids, &offer.audience)
            .await
        {
            Ok(names) => state.say(
                NoticeKind::Success,
                tr!(
                    lang,
                    rules.sharing.instances_shared,
                    names = names.join(", ")
                ),
            ),
            Err(error) => state.say(NoticeKind::Error, instance_error(lang, &error)),
        }
    });
}

/// The offer, while one is open.
#[component]
pub fn InstanceGapDialog(state: ListState) -> impl IntoView {
    let lang = state.lang;
    move || {
        state.instance_gap.get().map(|offer| {
            let instances = offer
                .names
                .iter()
                .map(|name| format!("“{name}”"))
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <div data-test="rule-instance-gap">
                    <ConfirmDialog
                        title=tr!(lang, rules.sharing.gap_title)
                        message=tr!(lang, rules.sharing.gap_message, instances = instances)
                        confirm_label=tr!(lang, rules.sharing.gap_confirm)
                        on_confirm=Callback::new(move |_| {
                            state.instance_gap.set(None);
                            share(state, offer.clone());
                        })
                        on_cancel=Callback::new(move |_| state.instance_gap.set(None))
                    />
                </div>
            }
        })
    }
}
