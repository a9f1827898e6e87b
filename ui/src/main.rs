//! Keyport's desktop UI: the Marketplace, rendered by Yew into the Tauri webview.

mod api;
mod app;
mod components;
mod hooks;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
