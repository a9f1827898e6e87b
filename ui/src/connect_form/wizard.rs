//! The connect wizard's steps (`Step 2 of 4`), its busy label, and what its Done step says.

use keyport_model::ConnectionView;

/// A step of the connect wizard, as `Step 2 of 4` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardStep {
    /// Choosing how to connect; only when the connector offers more than one type.
    Type,
    /// Filling in the form (the type chooser, when there is one, stays above it).
    Details,
    /// The core checks the credential with the service.
    Verify,
    Done,
}

impl WizardStep {
    pub fn label(self) -> &'static str {
        match self {
            WizardStep::Type => "Type",
            WizardStep::Details => "Details",
            WizardStep::Verify => "Verify",
            WizardStep::Done => "Done",
        }
    }
}

/// The wizard's steps for a connector with `types` ways to connect: Type only when there is a
/// choice to make.
pub fn wizard_steps(types: usize) -> Vec<WizardStep> {
    let all = [
        WizardStep::Type,
        WizardStep::Details,
        WizardStep::Verify,
        WizardStep::Done,
    ];
    let skip = usize::from(types <= 1);
    all[skip..].to_vec()
}

/// `Step 2 of 4`: where `current` stands among the wizard's steps.
pub fn step_text(types: usize, current: WizardStep) -> String {
    let steps = wizard_steps(types);
    let at = steps.iter().position(|s| *s == current).unwrap_or(0) + 1;
    format!("Step {at} of {}", steps.len())
}

/// The submit button while the form waits for the core.
pub fn connect_busy_label(service: &str, verify: bool) -> String {
    if verify {
        format!("Checking with {service}…")
    } else {
        "Storing…".to_owned()
    }
}

/// Who or what a new connection signs in as, by the most telling setting it carries: an email
/// (a service account's `client_email`), a user at its host or account, a host and port, a user
/// name, a tenant or account; else its name.
pub fn done_account(view: &ConnectionView) -> String {
    let meta = |key: &str| {
        view.metadata
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    let host = meta("host").map(|host| match meta("port") {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    });
    let user = meta("user").or(meta("username"));
    let email = meta("email").or(meta("client_email"));
    if let Some(email) = email {
        return email.to_owned();
    }
    match (user, host.or(meta("account").map(str::to_owned))) {
        (Some(user), Some(place)) => return format!("{user}@{place}"),
        (None, Some(place)) => return place,
        (Some(user), None) => return user.to_owned(),
        (None, None) => {}
    }
    ["tenant", "access_key_id", "client_id"]
        .into_iter()
        .find_map(meta)
        .map_or_else(|| view.name.clone(), str::to_owned)
}

/// The Done step's title: `HubSpot connected as acme-corp`, `Redis connected as
/// 127.0.0.1:6379`; just `Redis connected` when nothing names the account but the connector.
pub fn done_title(service: &str, view: &ConnectionView) -> String {
    let account = done_account(view);
    if account == service {
        format!("{service} connected")
    } else {
        format!("{service} connected as {account}")
    }
}

/// The line under the Done title: whether the service accepted the credential.
pub fn connect_done_text(service: &str, view: &ConnectionView) -> String {
    if view.verified {
        format!("Checked with {service} and sealed in your vault. Find it under Connections.")
    } else {
        format!(
            "Stored unchecked: {service} was not asked whether it accepts this credential. \
             Sealed in your vault; use Test under Connections to check it later."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{connection, map};
    use keyport_model::ConnectionType;

    #[test]
    fn the_wizard_counts_its_steps() {
        assert_eq!(
            wizard_steps(2),
            [
                WizardStep::Type,
                WizardStep::Details,
                WizardStep::Verify,
                WizardStep::Done
            ]
        );
        assert_eq!(wizard_steps(1)[0], WizardStep::Details);
        assert_eq!(step_text(2, WizardStep::Details), "Step 2 of 4");
        assert_eq!(step_text(1, WizardStep::Details), "Step 1 of 3");
        assert_eq!(step_text(1, WizardStep::Verify), "Step 2 of 3");
        assert_eq!(step_text(3, WizardStep::Done), "Step 4 of 4");
    }

    #[test]
    fn done_names_the_account() {
        let mut view = connection("gcp", ConnectionType::ServiceAccount);
        view.name = "Google Cloud Platform".to_owned();
        let with = |pairs: &[(&str, &str)]| {
            let mut v = view.clone();
            if pairs.iter().any(|(k, _)| *k == "tenant") {
                v.name = "Prod".to_owned();
            }
            v.metadata = map(pairs);
            done_title("Google Cloud Platform", &v)
        };
        assert_eq!(with(&[]), "Google Cloud Platform connected");
        assert_eq!(
            with(&[
                ("client_email", "keyport@acme.iam.gserviceaccount.com"),
                ("project_id", "acme")
            ]),
            "Google Cloud Platform connected as keyport@acme.iam.gserviceaccount.com"
        );
        assert_eq!(
            with(&[
                ("host", "db.example.com"),
                ("port", "5432"),
                ("user", "app")
            ]),
            "Google Cloud Platform connected as app@db.example.com:5432"
        );
        assert_eq!(
            with(&[("host", "127.0.0.1"), ("port", "6379")]),
            "Google Cloud Platform connected as 127.0.0.1:6379"
        );
        assert_eq!(
            with(&[("account", "myorg-acct"), ("user", "KEYPORT_SVC")]),
            "Google Cloud Platform connected as KEYPORT_SVC@myorg-acct"
        );
        assert_eq!(
            with(&[
                ("account", "123456789012"),
                ("access_key_id", "AKIAEXAMPLE")
            ]),
            "Google Cloud Platform connected as 123456789012"
        );
        assert_eq!(
            with(&[("access_key_id", "AKIAEXAMPLE")]),
            "Google Cloud Platform connected as AKIAEXAMPLE"
        );
        assert_eq!(
            with(&[("username", "jane")]),
            "Google Cloud Platform connected as jane"
        );
        assert_eq!(
            with(&[("tenant", " ")]),
            "Google Cloud Platform connected as Prod"
        );
    }

    #[test]
    fn connect_texts_say_whether_the_service_checked_the_credential() {
        assert_eq!(
            connect_busy_label("SendGrid", true),
            "Checking with SendGrid…"
        );
        assert_eq!(connect_busy_label("SendGrid", false), "Storing…");
        let mut view = connection("redis", ConnectionType::Database);
        view.name = "Redis".to_owned();
        assert_eq!(done_title("Redis", &view), "Redis connected");
        assert!(connect_done_text("Redis", &view).starts_with("Checked with Redis"));
        view.name = "Cache".to_owned();
        view.verified = false;
        assert_eq!(done_title("Redis", &view), "Redis connected as Cache");
        assert!(connect_done_text("Redis", &view).starts_with("Stored unchecked"));
    }
}
