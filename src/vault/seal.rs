//! Seals and opens vault records with AES-256-GCM. Each seal takes a fresh random 96-bit nonce
//! and associated data binding the ciphertext to its row, its kind and the key version, so a
//! ciphertext copied to another row, or kept across a key rotation, does not open.

use super::secret::DataKey;
use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

const NONCE_LEN: usize = 12;

/// What a sealed value is bound to. Do *not* change the encoding in `bytes`: every stored record
/// was sealed with it (pinned by `aad_encoding_is_stable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aad<'a> {
    /// The record's kind: `connection`, `oauth_app`, `oauth_flow`, `slot:passphrase`, ...
    pub kind: &'a str,
    /// The row's id (a connection id, a connector id, a state hash, a slot id).
    pub row: &'a str,
    pub key_version: i64,
}

impl Aad<'_> {
    fn bytes(&self) -> Vec<u8> {
        // Length-prefixed fields, so `("a", "bc")` and `("ab", "c")` never collide.
        let mut out = b"keyport-aad-v1".to_vec();
        for part in [self.kind.as_bytes(), self.row.as_bytes()] {
            out.extend_from_slice(&(part.len() as u32).to_be_bytes());
            out.extend_from_slice(part);
        }
        out.extend_from_slice(&self.key_version.to_be_bytes());
        out
    }
}

/// Sealing or opening failed. Deliberately without detail: a wrong key, a flipped byte and a
/// moved ciphertext all look the same to whoever probes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a sealed value failed to open")]
pub struct SealError;

/// `nonce || ciphertext || tag`.
pub fn seal(key: &[u8; 32], aad: Aad<'_>, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let cipher = Aes256Gcm::new(key.into());
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|_| SealError)?;
    let aad = aad.bytes();
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// The plaintext is zeroized when dropped. It is decrypted in a buffer of our own, because the
/// cipher decrypts before it checks the tag: a refused ciphertext leaves plaintext behind too.
pub fn open(key: &[u8; 32], aad: Aad<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
    if sealed.len() < NONCE_LEN + 16 {
        return Err(SealError);
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let mut buffer = Zeroizing::new(body.to_vec());
    Aes256Gcm::new(key.into())
        .decrypt_in_place(Nonce::from_slice(nonce), &aad.bytes(), &mut *buffer)
        .map_err(|_| SealError)?;
    Ok(buffer)
}

/// Seals with the data key.
pub fn seal_with(dek: &DataKey, aad: Aad<'_>, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    seal(dek.expose_for_cipher(), aad, plaintext)
}

pub fn open_with(
    dek: &DataKey,
    aad: Aad<'_>,
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    open(dek.expose_for_cipher(), aad, sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [0x42; 32];
    const AAD: Aad<'static> = Aad {
        kind: "connection",
        row: "c1",
        key_version: 1,
    };

    #[test]
    fn aad_encoding_is_stable() {
        assert_eq!(
            hex::encode(AAD.bytes()),
            "6b6579706f72742d6161642d7631\
             0000000a636f6e6e656374696f6e\
             000000026331\
             0000000000000001"
        );
    }

    #[test]
    fn round_trips_with_fresh_nonces() {
        let a = seal(&KEY, AAD, b"token").unwrap();
        let b = seal(&KEY, AAD, b"token").unwrap();
        assert_ne!(a, b, "a fresh nonce per seal");
        // Typed, so the plaintext is zeroized wherever the caller drops it.
        let opened: Zeroizing<Vec<u8>> = open(&KEY, AAD, &a).unwrap();
        assert_eq!(opened.as_slice(), b"token");
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let sealed = seal(&KEY, AAD, b"a secret worth keeping").unwrap();
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert_eq!(open(&KEY, AAD, &bad), Err(SealError), "byte {i}");
        }
        assert_eq!(open(&KEY, AAD, &sealed[..sealed.len() - 1]), Err(SealError));
        assert_eq!(open(&KEY, AAD, &[]), Err(SealError));
    }

    #[test]
    fn another_row_kind_or_version_does_not_open() {
        let sealed = seal(&KEY, AAD, b"x").unwrap();
        for aad in [
            Aad { row: "c2", ..AAD },
            Aad {
                kind: "oauth_app",
                ..AAD
            },
            Aad {
                key_version: 2,
                ..AAD
            },
        ] {
            assert_eq!(open(&KEY, aad, &sealed), Err(SealError));
        }
        assert_eq!(open(&[0x43; 32], AAD, &sealed), Err(SealError));
    }
}
