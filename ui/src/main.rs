//! Keyport's desktop UI: the Marketplace, rendered by Yew into the Tauri webview.

#![forbid(unsafe_code)]

mod api;
mod app;
mod components;
mod connect_form;
mod hooks;
mod state;
#[cfg(test)]
mod test_support;

fn main() {
    api::prefetch_cards();
    yew::Renderer::<app::App>::new().render();
}
