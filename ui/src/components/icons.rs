//! Inline SVG icons (16 px in controls, 20 px in the sidebar), drawn in `currentColor` and hidden
//! from assistive technology: the control around each one carries the name.

use yew::{html, Html};

fn icon(size: u32, class: &'static str, body: Html) -> Html {
    html! {
        <svg class={class} width={size.to_string()} height={size.to_string()} viewBox="0 0 24 24"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"
            stroke-linejoin="round" aria-hidden="true" focusable="false">
            { body }
        </svg>
    }
}

pub fn search() -> Html {
    icon(
        16,
        "icon",
        html! { <><circle cx="11" cy="11" r="7" /><path d="m20 20-3.5-3.5" /></> },
    )
}

pub fn close() -> Html {
    icon(16, "icon", html! { <path d="M18 6 6 18M6 6l12 12" /> })
}

pub fn grid() -> Html {
    icon(
        20,
        "icon nav-icon",
        html! { <>
            <rect x="3" y="3" width="7" height="7" rx="1.5" />
            <rect x="14" y="3" width="7" height="7" rx="1.5" />
            <rect x="3" y="14" width="7" height="7" rx="1.5" />
            <rect x="14" y="14" width="7" height="7" rx="1.5" />
        </> },
    )
}

pub fn key() -> Html {
    icon(
        20,
        "icon",
        html! { <>
            <circle cx="7.5" cy="15.5" r="4.5" />
            <path d="m10.7 12.3 9.3-9.3M16 7l3 3M14 9l2 2" />
        </> },
    )
}

pub fn error() -> Html {
    icon(
        20,
        "icon banner-icon",
        html! { <><circle cx="12" cy="12" r="9" /><path d="M15 9l-6 6M9 9l6 6" /></> },
    )
}

pub fn warning() -> Html {
    icon(
        20,
        "icon banner-icon",
        html! { <>
            <path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z" />
            <path d="M12 9v4M12 17h.01" />
        </> },
    )
}

pub fn external() -> Html {
    icon(
        16,
        "icon",
        html! { <><path d="M14 4h6v6M20 4l-9 9" /><path d="M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" /></> },
    )
}
