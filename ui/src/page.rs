//! The elements of `index.html` the shell and the wasm meet at. The shell writes the Marketplace's
//! first look and its cards into the page (`prerender`); the wasm reads the cards, renders the live
//! page into its own root while the first look shows, and swaps the two in one task (`start`).

/// The live page's root: hidden until it replaces the first look.
pub const ROOT_ID: &str = "app";
/// The first look: the Marketplace as the shell rendered it, shown but `inert` until replaced.
pub const FIRST_LOOK_ID: &str = "first-look";
/// The cards the first look shows, as JSON, so the live page starts from the same ones.
pub const CARDS_ID: &str = "keyport-cards";
