//! The connect wizard's form as data, one module per purpose. Nothing here touches the DOM, and
//! a typed secret passes through only for the one call that hands it to the shell, so all of it
//! is tested natively with `cargo test -p keyport-ui`.

/// A database login read from a connection URL given as the host.
pub mod db_url;
/// The fields each connection type's form asks for, and the control each is drawn as.
pub mod fields;
/// Where a refusal shows (at the field the error names) and whether that field is emptied.
pub mod placement;
/// What was typed, as the request and its secrets.
pub mod request;
/// Which connection types the dialog offers for a connector.
pub mod types;
/// The wizard's steps and what its Done step says.
pub mod wizard;
