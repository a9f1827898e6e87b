//! Which answers to a refresh mean the grant is gone for good (DESIGN.md section 6): the
//! connection is marked expired at once and not retried, because no retry can bring it back;
//! only the person signing in again can. Everything else (a network failure, a busy or broken
//! server, a client misconfigured by its owner) is not here and leaves the connection as it is.
//!
//! One table, each row from the provider's docs. Rows naming a provider and a description come
//! before the rows they refine, so the most precise meaning is the one found.

/// Which connectors a row speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Providers {
    /// Every provider: what RFC 6749 says all of them mean.
    Any,
    /// These connector ids only.
    Only(&'static [&'static str]),
}

impl Providers {
    fn includes(self, connector_id: &str) -> bool {
        match self {
            Providers::Any => true,
            Providers::Only(ids) => ids.contains(&connector_id),
        }
    }
}

/// One way a provider says a refresh token is dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadGrant {
    pub providers: Providers,
    /// The `error` code of the token endpoint's answer (RFC 6749 section 5.2).
    pub error: &'static str,
    /// Text the `error_description` must contain, when the code alone says too little.
    pub description: Option<&'static str>,
    /// What happened, in plain words, for the person who has to reconnect.
    pub meaning: &'static str,
    /// The doc address that says so.
    pub source: &'static str,
}

/// Microsoft Entra ID signs in the Microsoft 365, Teams, Dynamics 365 and Power BI connectors.
const ENTRA: &[&str] = &[
    "microsoft_365",
    "microsoft_teams",
    "microsoft_dynamics_365",
    "power_bi",
];
const ENTRA_CODES: &str =
    "https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes";

/// Every answer that ends a grant, the most precise first.
pub const TABLE: &[DeadGrant] = &[
    // Entra puts its own code at the start of the description: "AADSTS700082: The refresh
    // token has expired due to inactivity. …". The colon keeps AADSTS70008 from matching
    // AADSTS700082 and AADSTS700084.
    DeadGrant {
        providers: Providers::Only(ENTRA),
        error: "invalid_grant",
        description: Some("AADSTS700082:"),
        meaning: "the refresh token went unused for too long (90 days) and expired",
        source: ENTRA_CODES,
    },
    DeadGrant {
        providers: Providers::Only(ENTRA),
        error: "invalid_grant",
        description: Some("AADSTS700084:"),
        meaning: "the refresh token was issued to a single-page app and its fixed 24-hour lifetime is over",
        source: ENTRA_CODES,
    },
    DeadGrant {
        providers: Providers::Only(ENTRA),
        error: "invalid_grant",
        description: Some("AADSTS70008:"),
        meaning: "the refresh token expired from inactivity, or was revoked",
        source: ENTRA_CODES,
    },
    DeadGrant {
        providers: Providers::Only(ENTRA),
        error: "invalid_grant",
        description: Some("AADSTS50173:"),
        meaning: "the grant was revoked: the person or an administrator revoked the sessions, or the password changed",
        source: ENTRA_CODES,
    },
    DeadGrant {
        providers: Providers::Only(ENTRA),
        error: "invalid_grant",
        description: Some("AADSTS70043:"),
        meaning: "the organisation's Conditional Access sign-in frequency requires signing in again",
        source: ENTRA_CODES,
    },
    // "The request requires user interaction … Retry the request … interactively": a
    // background refresh has nobody to interact with, so only a new sign-in helps.
    DeadGrant {
        providers: Providers::Only(ENTRA),
        error: "interaction_required",
        description: None,
        meaning: "Microsoft wants the person to sign in again (multi-factor authentication or an organisation policy)",
        source: ENTRA_CODES,
    },
    DeadGrant {
        providers: Providers::Only(&["google_workspace"]),
        error: "invalid_grant",
        description: Some("Token has been expired or revoked"),
        meaning: "the refresh token expired (six months unused, or 7 days for an External app in Testing) or the access was removed",
        source: "https://developers.google.com/identity/protocols/oauth2#expiration",
    },
    DeadGrant {
        providers: Providers::Only(&["jira", "confluence"]),
        error: "invalid_grant",
        description: Some("Unknown or invalid refresh token"),
        meaning: "Atlassian no longer knows this refresh token: it expired, was already rotated, or the access was revoked",
        source: "https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens",
    },
    // The codes below are Slack's and GitHub's, but their names leave no other reading: any
    // server answering a refresh with them (a custom connector for GitHub Enterprise Server, a
    // stand-in in the tests) means the same, so they count for every connector.
    // Slack answers oauth.v2.access inside HTTP 200, normalised by the HTTP client.
    DeadGrant {
        providers: Providers::Any,
        error: "invalid_refresh_token",
        description: None,
        meaning: "the refresh token is no longer accepted (already rotated, or revoked)",
        source: "https://docs.slack.dev/reference/methods/oauth.v2.access",
    },
    DeadGrant {
        providers: Providers::Any,
        error: "token_revoked",
        description: None,
        meaning: "the app was removed from the workspace, or the user or workspace was deleted",
        source: "https://docs.slack.dev/reference/methods/oauth.v2.access",
    },
    // GitHub answers with HTTP 200 and an error body. The page documents when the refresh
    // token dies (after six months, or once used); the code is the one GitHub sends then.
    DeadGrant {
        providers: Providers::Any,
        error: "bad_refresh_token",
        description: None,
        meaning: "the refresh token expired (after six months) or was already used",
        source: "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens",
    },
    // Last: the RFC's meaning for every provider. A refresh token answered with invalid_grant
    // "is invalid, expired, revoked, … or was issued to another client"; retrying cannot help.
    DeadGrant {
        providers: Providers::Any,
        error: "invalid_grant",
        description: None,
        meaning: "the refresh token is invalid, expired or revoked",
        source: "https://www.rfc-editor.org/rfc/rfc6749#section-5.2",
    },
];

/// The row that says this refresh answer ends the grant, if one does.
pub fn dead_grant(
    connector_id: &str,
    error: &str,
    description: Option<&str>,
) -> Option<&'static DeadGrant> {
    TABLE.iter().find(|row| {
        row.error == error
            && row.providers.includes(connector_id)
            && row
                .description
                .is_none_or(|text| description.is_some_and(|d| d.contains(text)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2";

    #[test]
    fn invalid_grant_ends_every_providers_grant() {
        for id in ["xero", "quickbooks", "salesforce", "a_custom_connector"] {
            let row = dead_grant(id, "invalid_grant", None).expect(id);
            assert_eq!(row.source, RFC, "{id}");
        }
        let row = dead_grant("xero", "invalid_grant", Some("Token has been expired")).unwrap();
        assert_eq!(row.source, RFC);
    }

    #[test]
    fn entra_codes_get_their_own_meaning_and_do_not_shadow_each_other() {
        let idle = "AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2026-01-01T00:00:00Z and was inactive for 90.00:00:00.";
        let row = dead_grant("microsoft_365", "invalid_grant", Some(idle)).unwrap();
        assert_eq!(row.description, Some("AADSTS700082:"));
        assert!(row.meaning.contains("90 days"), "{}", row.meaning);
        let older = "AADSTS70008: The refresh token has expired due to inactivity.";
        let row = dead_grant("power_bi", "invalid_grant", Some(older)).unwrap();
        assert_eq!(row.description, Some("AADSTS70008:"));
        let revoked = "AADSTS50173: The provided grant has expired due to it being revoked.";
        let row = dead_grant("microsoft_teams", "invalid_grant", Some(revoked)).unwrap();
        assert!(row.meaning.contains("revoked"));
        let policy = "AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.";
        let row = dead_grant("microsoft_dynamics_365", "invalid_grant", Some(policy)).unwrap();
        assert!(row.meaning.contains("Conditional Access"));
        // The same text from a connector Entra does not sign in is only the RFC's meaning.
        assert_eq!(
            dead_grant("xero", "invalid_grant", Some(idle))
                .unwrap()
                .source,
            RFC
        );
        assert!(dead_grant("microsoft_365", "interaction_required", None).is_some());
        assert!(dead_grant("xero", "interaction_required", None).is_none());
    }

    #[test]
    fn provider_codes_name_their_docs_and_descriptions_refine_only_their_provider() {
        for code in ["invalid_refresh_token", "token_revoked"] {
            let row = dead_grant("slack", code, None).expect(code);
            assert!(row.source.starts_with("https://docs.slack.dev/"));
        }
        // A custom connector for GitHub Enterprise Server gets GitHub's answer too.
        for id in ["github", "standin_github"] {
            let row = dead_grant(
                id,
                "bad_refresh_token",
                Some("The refresh token passed is incorrect or expired."),
            )
            .unwrap();
            assert!(row.source.starts_with("https://docs.github.com/"), "{id}");
        }
        let row = dead_grant(
            "jira",
            "invalid_grant",
            Some("Unknown or invalid refresh token."),
        )
        .unwrap();
        assert!(row.meaning.contains("Atlassian"));
        let row = dead_grant(
            "google_workspace",
            "invalid_grant",
            Some("Token has been expired or revoked."),
        )
        .unwrap();
        assert!(row.meaning.contains("six months"));
        // Google's wording from another provider is only the RFC's invalid_grant.
        let row = dead_grant(
            "quickbooks",
            "invalid_grant",
            Some("Token has been expired or revoked."),
        )
        .unwrap();
        assert_eq!(row.source, RFC);
    }

    #[test]
    fn transient_and_misconfigured_answers_are_not_dead_grants() {
        // RFC 6749 5.2: invalid_request is a malformed request and invalid_client a client the
        // server does not accept: the app's owner can fix either, and the grant itself stands.
        for code in [
            "temporarily_unavailable",
            "server_error",
            "invalid_request",
            "invalid_client",
            "unauthorized_client",
            "invalid_scope",
            "",
        ] {
            for id in ["microsoft_365", "slack", "github", "xero"] {
                assert!(
                    dead_grant(id, code, Some("AADSTS700082:")).is_none(),
                    "{id} {code}"
                );
            }
        }
        // Codes are compared whole, as providers send them.
        assert!(dead_grant("xero", "INVALID_GRANT", None).is_none());
        assert!(dead_grant("xero", "invalid_grant_type", None).is_none());
    }

    #[test]
    fn every_row_names_an_https_doc_and_says_what_happened() {
        for row in TABLE {
            assert!(row.source.starts_with("https://"), "{row:?}");
            assert!(!row.meaning.is_empty() && !row.error.is_empty(), "{row:?}");
        }
        // The catch-all comes last, or it would hide every refinement after it.
        let last = TABLE.last().unwrap();
        assert_eq!(
            (last.providers, last.error),
            (Providers::Any, "invalid_grant")
        );
        assert_eq!(
            TABLE
                .iter()
                .filter(|r| r.providers == Providers::Any && r.error == "invalid_grant")
                .count(),
            1
        );
    }
}
