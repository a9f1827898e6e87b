//! "Ask before use": the questions the shell asks the person, their answers, and the flag on
//! each connection. A question names the program and the connection; never a credential.

use super::{call, listen, Listener, NoArgs, ShownError};
use keyport_model::{AskAnswer, AskRequestView, ConnectionView};
use serde::Serialize;
use wasm_bindgen::JsValue;

/// The hand-offs waiting for an answer, oldest first.
pub async fn waiting() -> Result<Vec<AskRequestView>, ShownError> {
    call("asks_waiting", &NoArgs {}).await
}

#[derive(Serialize)]
struct AnswerArgs<'a> {
    request: &'a str,
    answer: AskAnswer,
}

pub async fn answer(request: &str, answer: AskAnswer) -> Result<(), ShownError> {
    call::<Option<()>>("ask_answer", &AnswerArgs { request, answer })
        .await
        .map(|_| ())
}

#[derive(Serialize)]
struct SetArgs<'a> {
    id: &'a str,
    on: bool,
}

/// Turns "ask before use" on or off; turning it off forgets the programs allowed always.
pub async fn set(id: &str, on: bool) -> Result<ConnectionView, ShownError> {
    call("connection_set_ask", &SetArgs { id, on }).await
}

/// Calls `on_change` with the waiting questions each time they change (a program asked, one
/// was answered or stopped waiting).
pub fn listen_changed(
    on_change: impl Fn(Vec<AskRequestView>) + 'static,
) -> Result<Listener, ShownError> {
    listen(
        "asks-changed",
        move |payload| match serde_wasm_bindgen::from_value::<Vec<AskRequestView>>(payload) {
            Ok(waiting) => on_change(waiting),
            Err(err) => web_sys::console::error_1(&JsValue::from_str(&format!(
                "keyport: asks-changed did not match the model: {err}"
            ))),
        },
    )
}
