use leptos::prelude::*;

/// The tone of a [`Notice`]; `as_str` names its CSS class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    Warning,
    Error,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Info => "notice notice-info",
            NoticeKind::Success => "notice notice-success",
            NoticeKind::Warning => "notice notice-warning",
            NoticeKind::Error => "notice notice-error",
        }
    }
}

/// A boxed message (DHIS2's NoticeBox): a title and free content.
#[component]
pub fn Notice(
    kind: NoticeKind,
    #[prop(into, optional)] title: Option<String>,
    #[prop(into, optional)] data_test: Option<String>,
    children: Children,
) -> impl IntoView {
    let role = if kind == NoticeKind::Error {
        "alert"
    } else {
        "status"
    };
    view! {
        <div class=kind.as_str() role=role data-test=data_test>
            {title.map(|title| view! { <div class="notice-title">{title}</div> })}
            <div class="notice-body">{children()}</div>
        </div>
    }
}
