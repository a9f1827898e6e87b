//! The connect wizard's `Step 2 of 4` line: the step count as text, then the steps by name with
//! `aria-current="step"` on the one showing. Type shows only when the connector offers more than
//! one type (`connect_form::wizard_steps`).

use crate::connect_form::wizard::{step_text, wizard_steps, WizardStep};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StepsProps {
    /// How many connection types the connector offers.
    pub types: usize,
    pub current: WizardStep,
}

#[function_component(WizardSteps)]
pub fn wizard_steps_line(props: &StepsProps) -> Html {
    html! {
        <div class="wizard-steps" data-testid="wizard-steps"
            data-step={props.current.label().to_lowercase()}>
            <span class="step-count">{ step_text(props.types, props.current) }</span>
            <ol aria-label="Steps">
                { for wizard_steps(props.types).into_iter().map(|step| html! {
                    <li aria-current={(step == props.current).then_some("step")}>
                        { step.label() }
                    </li>
                }) }
            </ol>
        </div>
    }
}
