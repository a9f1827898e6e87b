//! Secret values: each its own type, zeroized on drop, with a Debug that prints a redaction and
//! no Clone, Serialize or Display. Each has one accessor to grep for where it is really needed.

use secrecy::{ExposeSecret, SecretBox, SecretString};
use std::fmt;

/// The 256-bit data key that seals every record.
pub struct DataKey(SecretBox<[u8; 32]>);

impl DataKey {
    pub fn random() -> Result<DataKey, getrandom::Error> {
        let mut key = Box::new([0u8; 32]);
        getrandom::fill(&mut key[..])?;
        Ok(DataKey(SecretBox::new(key)))
    }

    /// Takes ownership of key bytes (the caller's buffer is zeroized by `SecretBox` on drop).
    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(SecretBox::new(Box::new(bytes)))
    }

    pub fn expose_for_cipher(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(***)")
    }
}

/// A passphrase as typed.
pub struct Passphrase(SecretString);

impl Passphrase {
    pub fn new(text: String) -> Passphrase {
        Passphrase(SecretString::from(text))
    }

    pub fn expose_for_kdf(&self) -> &[u8] {
        self.0.expose_secret().as_bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().is_empty()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

/// The secret part of a connection (an API key, a token set, a password), as opened.
pub struct SecretValue(SecretBox<Vec<u8>>);

impl SecretValue {
    pub fn new(bytes: Vec<u8>) -> SecretValue {
        SecretValue(SecretBox::new(Box::new(bytes)))
    }

    /// For `reveal` and for sending to the service: the one place the bytes leave the box.
    pub fn expose_to_caller(&self) -> &[u8] {
        self.0.expose_secret()
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let shown = format!(
            "{:?} {:?} {:?}",
            DataKey::from_bytes([7; 32]),
            Passphrase::new("hunter2-sentinel".into()),
            SecretValue::new(b"sk_live_sentinel".to_vec())
        );
        assert!(
            !shown.contains("sentinel") && !shown.contains("7, 7"),
            "{shown}"
        );
        assert!(shown.contains("***"));
    }
}
