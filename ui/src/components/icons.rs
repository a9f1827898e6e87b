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

pub fn link() -> Html {
    icon(
        20,
        "icon nav-icon",
        html! { <>
            <path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7" />
            <path d="M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" />
        </> },
    )
}

pub fn lock() -> Html {
    icon(
        16,
        "icon",
        html! { <><rect x="4" y="11" width="16" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 8 0v4" /></> },
    )
}

pub fn unlocked() -> Html {
    icon(
        16,
        "icon",
        html! { <><rect x="4" y="11" width="16" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 7.8-1.2" /></> },
    )
}

pub fn shield() -> Html {
    icon(
        16,
        "icon",
        html! { <><path d="M12 3 4 6v6c0 4.5 3.4 8.3 8 9 4.6-.7 8-4.5 8-9V6Z" /><path d="m9 12 2 2 4-4" /></> },
    )
}

pub fn info() -> Html {
    icon(
        16,
        "icon",
        html! { <><circle cx="12" cy="12" r="9" /><path d="M12 11v5M12 8h.01" /></> },
    )
}

pub fn warning_small() -> Html {
    icon(
        16,
        "icon",
        html! { <>
            <path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z" />
            <path d="M12 9v4M12 17h.01" />
        </> },
    )
}

pub fn pencil() -> Html {
    icon(
        16,
        "icon",
        html! { <path d="M4 20h4L19 9a2.8 2.8 0 0 0-4-4L4 16v4ZM13.5 6.5l4 4" /> },
    )
}

pub fn trash() -> Html {
    icon(
        16,
        "icon",
        html! { <path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" /> },
    )
}

pub fn eye() -> Html {
    icon(
        16,
        "icon",
        html! { <><path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12Z" /><circle cx="12" cy="12" r="3" /></> },
    )
}

pub fn check() -> Html {
    icon(20, "icon", html! { <path d="m5 12 5 5L20 7" /> })
}

pub fn settings() -> Html {
    icon(
        20,
        "icon nav-icon",
        html! { <><circle cx="12" cy="12" r="3" /><path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1Z" /></> },
    )
}

pub fn copy() -> Html {
    icon(
        16,
        "icon",
        html! { <>
            <rect x="9" y="9" width="12" height="12" rx="2" />
            <path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1" />
        </> },
    )
}
