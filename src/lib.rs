//! Keyport's core: everything the desktop app and the `keyport` CLI do, with no GUI dependency.
//! The shell (`src-tauri/`) and the CLI (`cli`) are thin adapters over these modules.

#![forbid(unsafe_code)]

pub mod audit;
pub mod backup;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod connections;
pub mod database;
pub mod error;
pub mod exec;
pub mod files;
pub mod handoff;
pub mod health;
pub mod http;
pub mod logging;
pub mod manager;
pub mod mcp_clients;
pub mod oauth;
pub mod paths;
pub mod private;
pub mod scheduler;
pub mod secrets;
pub mod service_account;
pub mod session;
pub mod store;
pub mod vault;

pub use keyport_model as model;
