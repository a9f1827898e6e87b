//! The page's state and the pure helpers its components call, one module per thing they serve.
//! Nothing here touches the DOM, so all of it is tested natively with `cargo test -p keyport-ui`.

/// The Connections page's texts: a row's sub-line and health badge, dates, order and count.
pub mod connections;
/// The reveal and sign-in countdowns, as shown and as time left.
pub mod countdown;
/// The Marketplace reducer: search, category chips, the grid's tab stop, the detail sheet.
pub mod marketplace;
/// How the core's messages read in the window.
pub mod message;
/// Where arrow, Home and End keys move focus in the card grid and the chips.
pub mod moves;
/// The OAuth dialog's reducer (`Phase`, `Action`) and which sign-in outcomes it takes.
pub mod oauth;
/// The OAuth dialog's texts: the sign-in host, the app's environment variables, next steps.
pub mod oauth_text;
/// A new passphrase's strength and why it cannot be submitted yet.
pub mod passphrase;
/// The Settings page's texts: idle-lock choices and the OS keyring.
pub mod settings;
/// The Shell reducer: the page, the vault session, the vault screens, the connect dialog.
pub mod shell;
