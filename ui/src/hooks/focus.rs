//! Focus behaviour shared by the forms: what UI.md section 3 asks of a refused field ("focus
//! stays, text selected") and of an inline edit.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Focuses `input` once, when the component mounts.
#[hook]
pub fn use_autofocus(input: NodeRef) {
    use_effect_with((), move |_| {
        if let Some(input) = input.cast::<HtmlInputElement>() {
            let _ = input.focus();
        }
    });
}

/// Whenever `deps` changes to a value for which `when` holds, focuses `input` and selects its
/// text, so the next keystroke replaces it.
#[hook]
pub fn use_select_when<D: PartialEq + 'static>(input: NodeRef, deps: D, when: fn(&D) -> bool) {
    use_effect_with(deps, move |deps| {
        if when(deps) {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
        }
    });
}
