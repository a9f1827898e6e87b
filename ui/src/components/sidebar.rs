//! The left navigation: the wordmark and the pages. Only the Marketplace exists so far, so it is
//! the only item (no placeholder pages).

use super::icons;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SidebarProps {
    /// Set while a modal sheet is open: the background is `inert`.
    pub inert: bool,
}

#[function_component(Sidebar)]
pub fn sidebar(props: &SidebarProps) -> Html {
    // The current page's link goes nowhere; clicking it must not reload or scroll the page.
    let stay = Callback::from(|e: MouseEvent| e.prevent_default());
    html! {
        <nav class="sidebar" aria-label="Main" inert={props.inert}>
            <div class="brand">
                <span class="brand-mark">{ icons::key() }</span>
                <span class="brand-name">{ "Keyport" }</span>
            </div>
            <ul class="nav-list">
                <li>
                    // On the icon rail the name stays in `aria-label` and shows as a tooltip
                    // (`data-tooltip`, drawn by CSS so it is not part of the link's text).
                    <a class="nav-item" href="#marketplace" aria-current="page"
                        aria-label="Marketplace" data-tooltip="Marketplace" onclick={stay}>
                        { icons::grid() }
                        <span class="nav-label">{ "Marketplace" }</span>
                    </a>
                </li>
            </ul>
            <p class="sidebar-foot">{ concat!("Keyport ", env!("CARGO_PKG_VERSION")) }</p>
        </nav>
    }
}
