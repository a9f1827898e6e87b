//! Secret values: each its own type, zeroized on drop, with a Debug that prints a redaction and
//! no Clone, Serialize or Display. Each has one accessor to grep for where it is really needed.

use secrecy::{ExposeSecret, SecretBox, SecretString};
use std::fmt;
use zeroize::Zeroizing;

/// The 256-bit data key that seals every record.
pub struct DataKey(SecretBox<[u8; 32]>);

impl DataKey {
    pub fn random() -> Result<DataKey, getrandom::Error> {
        let mut key = Box::new([0u8; 32]);
        getrandom::fill(&mut key[..])?;
        Ok(DataKey(SecretBox::new(key)))
    }

    /// Copies key bytes straight into the box, leaving no copy on the stack; `None` unless 32.
    pub fn from_slice(bytes: &[u8]) -> Option<DataKey> {
        if bytes.len() != 32 {
            return None;
        }
        let mut key = Box::new([0u8; 32]);
        key.copy_from_slice(bytes);
        Some(DataKey(SecretBox::new(key)))
    }

    /// A second box holding the same key (no `Clone`, so each copy is made on purpose).
    pub fn duplicate(&self) -> DataKey {
        DataKey(SecretBox::init_with_mut(|key: &mut [u8; 32]| {
            key.copy_from_slice(self.0.expose_secret())
        }))
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
    /// The text is copied into a box of its exact length and then zeroized: a `String` with room
    /// to spare (a line read and trimmed) would otherwise be reallocated, leaving the old buffer.
    pub fn new(text: String) -> Passphrase {
        let text = Zeroizing::new(text);
        Passphrase(SecretString::from(text.as_str()))
    }

    /// For work that must own its passphrase (a blocking task), without a copy outside a box.
    pub fn duplicate(&self) -> Passphrase {
        Passphrase(SecretString::from(self.0.expose_secret()))
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

    /// Moves an opened record in without copying its bytes.
    pub fn from_opened(mut opened: Zeroizing<Vec<u8>>) -> SecretValue {
        SecretValue::new(std::mem::take(&mut *opened))
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
    fn debug_of_each_is_redacted() {
        let key = DataKey::from_slice(&[7; 32]).unwrap();
        let passphrase = Passphrase::new("hunter2-sentinel".into());
        let value = SecretValue::new(b"sk_live_sentinel".to_vec());
        assert_eq!(format!("{key:?}"), "DataKey(***)");
        assert_eq!(format!("{:?}", key.duplicate()), "DataKey(***)");
        assert_eq!(format!("{passphrase:?}"), "Passphrase(***)");
        assert_eq!(format!("{:?}", passphrase.duplicate()), "Passphrase(***)");
        assert_eq!(format!("{value:?}"), "SecretValue(***)");
        assert_eq!(
            format!("{key:#?} {passphrase:#?} {value:#?}")
                .matches("***")
                .count(),
            3
        );
    }

    #[test]
    fn copies_hold_the_same_secret() {
        let key = DataKey::from_slice(&[7; 32]).unwrap();
        assert_eq!(key.duplicate().expose_for_cipher(), &[7; 32]);
        assert!(DataKey::from_slice(&[7; 31]).is_none());
        assert!(DataKey::from_slice(&[7; 33]).is_none());

        // A line read and trimmed has room to spare; the passphrase is its text, no more.
        let mut typed = String::with_capacity(64);
        typed.push_str("correct horse\n");
        typed.truncate(typed.len() - 1);
        let passphrase = Passphrase::new(typed);
        assert_eq!(passphrase.expose_for_kdf(), b"correct horse");
        assert_eq!(passphrase.duplicate().expose_for_kdf(), b"correct horse");

        let opened = SecretValue::from_opened(Zeroizing::new(b"sk_live_x".to_vec()));
        assert_eq!(opened.expose_to_caller(), b"sk_live_x");
    }
}
