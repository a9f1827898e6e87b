//! The page's components, one per file: props in, `Callback`s out.

pub mod ai_tools;
pub mod ask_dialog;
pub mod banners;
pub mod card;
pub mod card_grid;
pub mod chips;
pub mod choice;
pub mod connect;
pub mod connections;
pub mod credential_form;
pub mod done_step;
pub mod empty_state;
pub mod form_field;
pub mod icons;
pub mod key_file;
pub mod oauth;
pub mod reveal;
pub mod search;
pub mod settings;
pub mod sheet;
pub mod sidebar;
pub mod skeleton;
pub mod steps;
pub mod use_with;
pub mod vault_screens;
