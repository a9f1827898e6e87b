//! Passphrase to key-encryption key: PBKDF2-HMAC-SHA256 with a random salt. The parameters are
//! stored beside the slot and bound into its wrap, and their cost is bounded both ways, so an
//! edited file can neither weaken the slot nor make an unlock run for hours.

use super::secret::Passphrase;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

pub const ALGORITHM: &str = "pbkdf2-hmac-sha256";
/// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
pub const ITERATIONS: u32 = 600_000;
const MAX_ITERATIONS: u32 = 20_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub algorithm: String,
    pub iterations: u32,
    /// Base64 of 16 random bytes.
    pub salt: String,
}

impl KdfParams {
    pub fn fresh() -> Result<KdfParams, getrandom::Error> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)?;
        Ok(KdfParams {
            algorithm: ALGORITHM.to_owned(),
            iterations: ITERATIONS,
            salt: B64.encode(salt),
        })
    }

    /// The key-encryption key, or `None` when the stored parameters are not ones Keyport wrote.
    pub fn derive(&self, passphrase: &Passphrase) -> Option<Zeroizing<[u8; 32]>> {
        if self.algorithm != ALGORITHM || !(ITERATIONS..=MAX_ITERATIONS).contains(&self.iterations)
        {
            return None;
        }
        let salt = B64.decode(&self.salt).ok().filter(|s| s.len() >= 16)?;
        let mut key = Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<Sha256>(
            passphrase.expose_for_kdf(),
            &salt,
            self.iterations,
            &mut *key,
        );
        Some(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_weakened_or_excessive_parameters() {
        let pw = Passphrase::new("correct horse".into());
        let good = KdfParams::fresh().unwrap();
        for bad in [
            KdfParams {
                iterations: 1_000,
                ..good.clone()
            },
            KdfParams {
                iterations: u32::MAX,
                ..good.clone()
            },
            KdfParams {
                algorithm: "md5".into(),
                ..good.clone()
            },
            KdfParams {
                salt: "AAAA".into(),
                ..good.clone()
            },
            KdfParams {
                salt: "not base64!".into(),
                ..good.clone()
            },
        ] {
            assert!(bad.derive(&pw).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn matches_a_known_pbkdf2_vector() {
        // RFC 7914 section 11's PBKDF2-HMAC-SHA256 vector ("passwd", "salt", c = 1) checks the
        // primitive; the stored-parameter path is checked above.
        let mut out = [0u8; 64];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"passwd", b"salt", 1, &mut out);
        assert_eq!(hex::encode(&out[..16]), "55ac046e56e3089fec1691c22544b605");
    }
}
