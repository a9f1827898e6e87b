//! The left navigation: the wordmark, the pages (Marketplace, Connections, Settings) and, in the
//! footer, the vault state with Unlock or Lock (the idle auto-lock lives in Settings › Security).

use super::icons;
use crate::state::shell::Page;
use keyport_model::SessionView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SidebarProps {
    /// Set while a modal sheet or dialog is open: the background is `inert`.
    pub inert: bool,
    pub page: Page,
    /// `None` until the shell answers (or outside the app).
    pub session: Option<SessionView>,
    pub on_navigate: Callback<Page>,
    pub on_unlock: Callback<()>,
    pub on_lock: Callback<()>,
}

#[function_component(Sidebar)]
pub fn sidebar(props: &SidebarProps) -> Html {
    let item = |page: Page, testid: &'static str, icon: Html| {
        let on_navigate = props.on_navigate.clone();
        // A link that never reloads or scrolls the page.
        let onclick = Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            on_navigate.emit(page);
        });
        let current = props.page == page;
        let shortcut = page.shortcut();
        html! {
            <li>
                // On the icon rail the name stays in `aria-label` and shows as a tooltip
                // (`data-tooltip`, drawn by CSS so it is not part of the link's text).
                <a class="nav-item" href={format!("#{}", page.title().to_lowercase())}
                    aria-current={current.then_some("page")} data-testid={testid}
                    aria-label={page.title()} aria-keyshortcuts={shortcut.replace("Ctrl", "Control")}
                    data-tooltip={page.title()} {onclick}>
                    { icon }
                    <span class="nav-label">{ page.title() }</span>
                </a>
            </li>
        }
    };

    let vault = match &props.session {
        None => html! {},
        Some(s) if !s.vault.initialized => html! {
            <div class="vault-state" data-testid="vault-state" data-state="none">
                <span class="vault-line">{ icons::shield() }{ "No vault yet" }</span>
            </div>
        },
        Some(s) if !s.unlocked => html! {
            <div class="vault-state" data-testid="vault-state" data-state="locked">
                <span class="vault-line">{ icons::lock() }{ "Locked" }</span>
                <button type="button" class="button button-row" data-testid="sidebar-unlock"
                    onclick={props.on_unlock.reform(|_: MouseEvent| ())}>{ "Unlock" }</button>
            </div>
        },
        Some(_) => html! {
            <div class="vault-state" data-testid="vault-state" data-state="unlocked">
                <span class="vault-line vault-open">{ icons::unlocked() }{ "Unlocked" }</span>
                <button type="button" class="button button-row" data-testid="sidebar-lock"
                    aria-keyshortcuts="Control+L"
                    onclick={props.on_lock.reform(|_: MouseEvent| ())}>{ "Lock" }</button>
            </div>
        },
    };

    html! {
        <nav class="sidebar" aria-label="Main" inert={props.inert}>
            <div class="brand">
                <span class="brand-mark">{ icons::key() }</span>
                <span class="brand-name">{ "Keyport" }</span>
            </div>
            <ul class="nav-list">
                { item(Page::Marketplace, "nav-marketplace", icons::grid()) }
                { item(Page::Connections, "nav-connections", icons::link()) }
                { item(Page::Settings, "nav-settings", icons::settings()) }
            </ul>
            <div class="sidebar-foot">
                { vault }
                <p class="version">{ concat!("Keyport ", env!("CARGO_PKG_VERSION")) }</p>
            </div>
        </nav>
    }
}
