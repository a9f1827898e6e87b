//! Keyport's core: everything the desktop app and the `keyport` CLI do, with no GUI dependency.
//! The shell (`src-tauri/`) and the CLI (`cli`) are thin adapters over these modules.

pub mod catalog;
pub mod cli;
pub mod oauth;
pub mod paths;

pub use keyport_model as model;
