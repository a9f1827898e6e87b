//! The Marketplace's first look, rendered by the shell with the page's own components (Yew's
//! server renderer), and its cards as JSON, both written into `index.html` before the window loads
//! it. The window paints them without waiting for the wasm; the live page replaces them (`start`).

use crate::app::{App, AppProps};
use crate::page::{CARDS_ID, FIRST_LOOK_ID};
use keyport_model::CardsView;

/// What the shell writes at the start of the page's `<body>`; `None` if it could not be made (the
/// window then starts as it would without one).
pub fn first_look(cards: CardsView) -> Option<String> {
    let json = script_json(&cards)?;
    let markup = render(cards)?;
    Some(format!(
        r#"<div id="{FIRST_LOOK_ID}" inert>{markup}</div><script type="application/json" id="{CARDS_ID}">{json}</script>"#
    ))
}

/// `page` with `first_look` written at the start of its body; `None` when the page has no plain
/// `<body>` to write it into (the window then starts as it would without one).
pub fn into_page(page: &str, first_look: &str) -> Option<String> {
    const BODY: &str = "<body>";
    let at = page.find(BODY)? + BODY.len();
    let mut written = String::with_capacity(page.len() + first_look.len());
    written.push_str(&page[..at]);
    written.push_str(first_look);
    written.push_str(&page[at..]);
    Some(written)
}

fn render(cards: CardsView) -> Option<String> {
    let renderer = yew::LocalServerRenderer::<App>::with_props(AppProps { cards: Some(cards) })
        .hydratable(false);
    // Yew's renderer is async and wants a local task set; nothing in it waits on I/O.
    let runtime = tokio::runtime::Builder::new_current_thread().build().ok()?;
    Some(tokio::task::LocalSet::new().block_on(&runtime, renderer.render()))
}

/// The cards as JSON that cannot end the script element it sits in: a connector's text is the
/// catalog's, and a custom connector's is whatever its file says. `<`, `>` and `&` can only occur
/// inside JSON strings, where their `\u` escapes mean the same.
fn script_json(cards: &CardsView) -> Option<String> {
    let json = serde_json::to_string(cards).ok()?;
    Some(
        json.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::connector;
    use keyport_model::{CardView, Category};

    fn cards(connectors: &[(&str, &str, &str)]) -> CardsView {
        CardsView {
            cards: connectors
                .iter()
                .map(|(id, name, description)| {
                    CardView::from(&connector(id, name, Category::Crm, description))
                })
                .collect(),
            problems: Vec::new(),
        }
    }

    /// The cards the first look carries for the live page, read as the page reads them.
    fn carried(look: &str) -> CardsView {
        let json = look
            .split(r#"<script type="application/json" id="keyport-cards">"#)
            .nth(1)
            .and_then(|rest| rest.strip_suffix("</script>"))
            .unwrap();
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_first_look_shows_every_card_and_carries_them_for_the_live_page() {
        let view = cards(&[
            ("salesforce", "Salesforce", "CRM records."),
            ("hubspot_crm", "HubSpot CRM", "Contacts and deals."),
        ]);
        let look = first_look(view.clone()).unwrap();
        assert!(look.starts_with(r#"<div id="first-look" inert>"#), "{look}");
        for id in ["salesforce", "hubspot_crm"] {
            assert!(
                look.contains(&format!(r#"data-connector-id="{id}""#)),
                "{look}"
            );
        }
        assert!(look.contains("2 connectors"), "{look}");
        assert_eq!(carried(&look), view);
    }

    #[test]
    fn a_custom_connectors_text_cannot_leave_its_element() {
        let hostile = r#"</script><script>alert(1)</script><img src=x onerror="alert(2)"> & co"#;
        let view = cards(&[("evil", hostile, hostile)]);
        let look = first_look(view.clone()).unwrap();
        // One script element (the cards), closed once; no element the text tried to open.
        assert_eq!(look.matches("<script").count(), 1, "{look}");
        assert_eq!(look.matches("</script>").count(), 1, "{look}");
        assert!(!look.contains("<img"), "{look}");
        assert!(look.contains("&lt;/script&gt;"), "{look}");
        assert_eq!(carried(&look), view);
    }

    #[test]
    fn the_first_look_goes_at_the_start_of_the_body() {
        let page = "<html><head></head><body><div id=\"app\" hidden></div></body></html>";
        assert_eq!(
            into_page(page, "<p>look</p>").unwrap(),
            "<html><head></head><body><p>look</p><div id=\"app\" hidden></div></body></html>"
        );
        assert_eq!(
            into_page("<html><body class=\"x\"></body></html>", "<p>"),
            None
        );
    }
}
