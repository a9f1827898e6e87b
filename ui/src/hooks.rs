//! Hooks the components share, one module per behaviour.

/// The connection list, loaded while Connections shows and reloaded after each change; the
/// shell's `open-connection`; the page's clock.
pub mod connections;
/// A countdown read from the clock: the revealed secret's and the sign-in's.
pub mod countdown;
/// Esc and the Tab focus trap of every dialog and sheet.
pub mod dialog_keys;
/// Focus on mount, and focus with the text selected after a refusal.
pub mod focus;

pub use connections::{use_clock, use_connections, use_open_connection};
pub use countdown::use_countdown;
pub use dialog_keys::use_dialog_keys;
pub use focus::{use_autofocus, use_select_when};
