//! The OS keyring slot: a random 256-bit key kept in the Secret Service (Linux), the Keychain
//! (macOS) or the Credential Manager (Windows), never the kernel keyutils store (it forgets its
//! keys on reboot). Without a keyring (headless, no session bus) the vault runs on its
//! passphrase slot alone.

use zeroize::Zeroizing;

const SERVICE: &str = "dev.keyport.vault";

/// The backend's name as `vault status` shows it.
pub fn backend_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(target_os = "windows") {
        "Windows Credential Manager"
    } else {
        "Secret Service"
    }
}

/// Stores a fresh random key for this vault; `None` when no keyring is reachable.
pub fn create(vault_id: &str) -> Option<Zeroizing<[u8; 32]>> {
    let mut key = Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut *key).ok()?;
    store::set(vault_id, &*key)?;
    // Read it back: a store that accepts writes but loses them (a locked collection that
    // silently fails) must not become the only way in.
    (load(vault_id)?.as_slice() == key.as_slice()).then_some(key)
}

/// This vault's key from the keyring, if the keyring is reachable and holds it.
pub fn load(vault_id: &str) -> Option<Zeroizing<[u8; 32]>> {
    let secret = store::get(vault_id).ok()??;
    let key: [u8; 32] = secret.as_slice().try_into().ok()?;
    Some(Zeroizing::new(key))
}

/// Whether a keyring answers at all (a probe for an entry that does not exist).
pub fn available() -> bool {
    store::get("availability-probe").is_ok()
}

/// The keyring couldn't be reached or refused the request.
struct Unreachable;

/// The Secret Service, spoken to directly rather than through the `keyring` crate: every
/// `keyport token` and `exec` opens the slot, and the crate's session is a Diffie-Hellman
/// exchange whose big-number arithmetic (a schoolbook modular power, twice) cost more than the
/// rest of a hand-off. The secret travels in a plain session instead, which the spec allows:
/// the session bus is a socket only this user (and root) can reach, and anyone who could watch
/// it could as well ask the Secret Service for the item. Items keep the attributes and label
/// the `keyring` crate gave them, so slots made by earlier versions still open.
#[cfg(target_os = "linux")]
mod store {
    use super::{Unreachable, SERVICE};
    use secret_service::blocking::{Item, SecretService};
    use secret_service::EncryptionType;
    use std::collections::HashMap;
    use zeroize::Zeroizing;

    const CONTENT_TYPE: &str = "application/octet-stream";

    fn attributes(vault_id: &str) -> HashMap<&str, &str> {
        HashMap::from([("service", SERVICE), ("username", vault_id)])
    }

    fn connect() -> Result<SecretService<'static>, Unreachable> {
        SecretService::connect(EncryptionType::Plain).map_err(|_| Unreachable)
    }

    /// The vault's one item, unlocked; `None` when there is none. Two matching items are
    /// refused: which one holds the key is unknowable.
    fn find<'a>(ss: &'a SecretService, vault_id: &str) -> Result<Option<Item<'a>>, Unreachable> {
        let found = ss
            .search_items(attributes(vault_id))
            .map_err(|_| Unreachable)?;
        let mut items: Vec<Item<'a>> = found.unlocked.into_iter().chain(found.locked).collect();
        match items.len() {
            0 => Ok(None),
            1 => {
                let item = items.remove(0);
                item.ensure_unlocked().map_err(|_| Unreachable)?;
                Ok(Some(item))
            }
            _ => Err(Unreachable),
        }
    }

    pub(super) fn get(vault_id: &str) -> Result<Option<Zeroizing<Vec<u8>>>, Unreachable> {
        let ss = connect()?;
        let Some(item) = find(&ss, vault_id)? else {
            return Ok(None);
        };
        let secret = item.get_secret().map_err(|_| Unreachable)?;
        Ok(Some(Zeroizing::new(secret)))
    }

    pub(super) fn set(vault_id: &str, secret: &[u8]) -> Option<()> {
        let ss = connect().ok()?;
        if let Some(item) = find(&ss, vault_id).ok()? {
            return item.set_secret(secret, CONTENT_TYPE).ok();
        }
        let collection = ss.get_default_collection().ok()?;
        collection.ensure_unlocked().ok()?;
        let label = format!("keyring:{vault_id}@{SERVICE}");
        collection
            .create_item(&label, attributes(vault_id), secret, true, CONTENT_TYPE)
            .ok()
            .map(drop)
    }
}

/// The macOS Keychain and the Windows Credential Manager, through the `keyring` crate.
#[cfg(not(target_os = "linux"))]
mod store {
    use super::{Unreachable, SERVICE};
    use zeroize::Zeroizing;

    fn entry(vault_id: &str) -> Result<keyring::Entry, Unreachable> {
        keyring::Entry::new(SERVICE, vault_id).map_err(|_| Unreachable)
    }

    pub(super) fn get(vault_id: &str) -> Result<Option<Zeroizing<Vec<u8>>>, Unreachable> {
        match entry(vault_id)?.get_secret() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(_) => Err(Unreachable),
        }
    }

    pub(super) fn set(vault_id: &str, secret: &[u8]) -> Option<()> {
        entry(vault_id).ok()?.set_secret(secret).ok()
    }
}
