//! Keyport's desktop UI: the Marketplace, rendered by Yew into the Tauri webview. The shell also
//! renders the page's first look with these components (feature `ssr`, `prerender`), so the window
//! paints the Marketplace before this crate's wasm has loaded.

#![forbid(unsafe_code)]

mod api;
mod app;
mod components;
mod connect_form;
mod hooks;
mod page;
#[cfg(feature = "ssr")]
pub mod prerender;
mod start;
mod state;
#[cfg(test)]
mod test_support;

pub use start::start;
