//! Integration tests: the real `keyport` binary against real files in a temporary data dir.
//! One binary, a module per area (as ripgrep does).

mod support;

mod ask;
mod aws;
mod catalog;
mod cli;
mod crash;
mod databases;
mod exec;
mod handoff;
mod health;
mod keys;
mod logs;
mod mcp_clients;
mod oauth;
mod oauth_providers;
mod parity;
mod replace_key;
mod scheduler;
mod service_accounts;
mod session;
mod vault;
mod vault_hardening;
