//! Rules the core enforces and the UI shows ahead of time, written once so the two cannot
//! disagree (a form that accepts what the vault then refuses, a countdown that outlives its flow).

/// The fewest characters a vault passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// How long a started OAuth sign-in waits for its callback before its state expires
/// (THREATS.md row 4: a 10-minute expiry).
pub const OAUTH_FLOW_SECONDS: u64 = 10 * 60;

/// The environment variables that set a connector's OAuth app: `KEYPORT_<ID>` (upper-cased,
/// other characters as `_`), then `_CLIENT_ID`, `_CLIENT_SECRET`, `_REDIRECT_URI`.
pub fn oauth_app_env_prefix(connector_id: &str) -> String {
    let id: String = connector_id
        .chars()
        .map(|c| match c {
            'a'..='z' => c.to_ascii_uppercase(),
            'A'..='Z' | '0'..='9' => c,
            _ => '_',
        })
        .collect();
    format!("KEYPORT_{id}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn env_prefixes_are_upper_case_with_underscores() {
        assert_eq!(
            super::oauth_app_env_prefix("google-ads.v2"),
            "KEYPORT_GOOGLE_ADS_V2"
        );
        assert_eq!(super::oauth_app_env_prefix("xero"), "KEYPORT_XERO");
    }
}
