//! Stable error codes and the error value that crosses the IPC boundary.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A stable, machine-readable error code. Codes are never renamed or reused; a retired code stays
/// in this list so old logs and bug reports keep their meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ErrorCode {
    #[serde(rename = "catalog.invalid")]
    CatalogInvalid,
    #[serde(rename = "catalog.unknown_connector")]
    CatalogUnknownConnector,
    #[serde(rename = "catalog.not_custom")]
    CatalogNotCustom,
    #[serde(rename = "catalog.io")]
    CatalogIo,
    #[serde(rename = "catalog.exists")]
    CatalogExists,
    #[serde(rename = "oauth.callback_malformed")]
    OAuthCallbackMalformed,
    #[serde(rename = "oauth.state_unknown")]
    OAuthStateUnknown,
    #[serde(rename = "internal")]
    Internal,
}

impl ErrorCode {
    /// The code as written in messages, logs and `Code: …` captions.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::CatalogInvalid => "catalog.invalid",
            ErrorCode::CatalogUnknownConnector => "catalog.unknown_connector",
            ErrorCode::CatalogNotCustom => "catalog.not_custom",
            ErrorCode::CatalogIo => "catalog.io",
            ErrorCode::CatalogExists => "catalog.exists",
            ErrorCode::OAuthCallbackMalformed => "oauth.callback_malformed",
            ErrorCode::OAuthStateUnknown => "oauth.state_unknown",
            ErrorCode::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as the UI receives it: a stable code and a sentence a person can act on. Built only
/// from codes and non-secret fields, so it is safe to show, log and copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_code_matches_as_str() {
        for code in [
            ErrorCode::CatalogInvalid,
            ErrorCode::CatalogUnknownConnector,
            ErrorCode::CatalogNotCustom,
            ErrorCode::CatalogIo,
            ErrorCode::CatalogExists,
            ErrorCode::OAuthCallbackMalformed,
            ErrorCode::OAuthStateUnknown,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
