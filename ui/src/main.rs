//! The wasm entry point: `keyport_ui::start` mounts the page.

#![forbid(unsafe_code)]

fn main() {
    keyport_ui::start();
}
