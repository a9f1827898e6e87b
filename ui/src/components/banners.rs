//! Error banners for the `role="alert"` region, in the order UI.md §5 asks: the message, one
//! next-step button, then `Code: …` in monospace with Copy details.

use super::icons;
use keyport_model::{CatalogProblem, ErrorCode};
use std::collections::BTreeSet;
use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// The page (or a sign-in) failed.
    Error,
    /// Something was left out, the rest works (a refused custom connector file).
    Warning,
}

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    pub testid: AttrValue,
    pub tone: Tone,
    pub message: AttrValue,
    pub code: AttrValue,
    /// The next step: button label and action.
    #[prop_or_default]
    pub action: Option<(AttrValue, Callback<()>)>,
    #[prop_or_default]
    pub on_dismiss: Option<Callback<()>>,
    /// Copies the code, time and app version (never a secret).
    pub on_copy: Callback<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(ErrorBanner)]
pub fn error_banner(props: &BannerProps) -> Html {
    let (class, icon) = match props.tone {
        Tone::Error => ("banner banner-error", icons::error()),
        Tone::Warning => ("banner banner-warning", icons::warning()),
    };
    let copy = {
        let on_copy = props.on_copy.clone();
        let code = props.code.clone();
        Callback::from(move |_: MouseEvent| on_copy.emit(code.clone()))
    };
    html! {
        <div {class} data-testid={props.testid.clone()} data-code={props.code.clone()}>
            { icon }
            <div class="banner-body">
                <p class="banner-message">{ props.message.clone() }</p>
                { props.children.clone() }
                <p class="banner-code">
                    <span class="code">{ format!("Code: {}", props.code) }</span>
                    <button type="button" class="link-button" onclick={copy}>
                        { "Copy details" }
                    </button>
                </p>
            </div>
            <div class="banner-actions">
                if let Some((label, action)) = &props.action {
                    <button type="button" class="button" onclick={action.reform(|_: MouseEvent| ())}>
                        { label.clone() }
                    </button>
                }
                if let Some(dismiss) = &props.on_dismiss {
                    <button type="button" class="button button-quiet"
                        onclick={dismiss.reform(|_: MouseEvent| ())}>
                        { "Dismiss" }
                    </button>
                }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    pub problems: Vec<CatalogProblem>,
    pub on_reload: Callback<()>,
    pub on_dismiss: Callback<()>,
    pub on_copy: Callback<AttrValue>,
}

/// Custom connector files the core refused, each with file, line, field and what is wrong.
#[function_component(ProblemsBanner)]
pub fn problems_banner(props: &ProblemsProps) -> Html {
    let files = props
        .problems
        .iter()
        .map(|p| p.file.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    let message = if files == 1 {
        "A custom connector file could not be loaded; fix it and reload. The other connectors work as usual.".to_owned()
    } else {
        format!("{files} custom connector files could not be loaded; fix them and reload. The other connectors work as usual.")
    };
    html! {
        <ErrorBanner
            testid="catalog-problems"
            tone={Tone::Warning}
            {message}
            code={ErrorCode::CatalogInvalid.as_str()}
            action={Some((AttrValue::from("Reload catalog"), props.on_reload.clone()))}
            on_dismiss={Some(props.on_dismiss.clone())}
            on_copy={props.on_copy.clone()}
        >
            <ul class="problems">
                { for props.problems.iter().map(|p| html! {
                    <li data-testid="catalog-problem">
                        <span class="code">
                            { &p.file }
                            if let Some(line) = p.line {
                                { format!(":{line}") }
                            }
                        </span>
                        if !p.field.is_empty() {
                            { ": field " }<span class="code">{ &p.field }</span>
                        }
                        { format!(": {}", p.message) }
                    </li>
                }) }
            </ul>
        </ErrorBanner>
    }
}
