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

fn entry(vault_id: &str) -> Option<keyring::Entry> {
    keyring::Entry::new(SERVICE, vault_id).ok()
}

/// Stores a fresh random key for this vault; `None` when no keyring is reachable.
pub fn create(vault_id: &str) -> Option<Zeroizing<[u8; 32]>> {
    let mut key = Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut *key).ok()?;
    entry(vault_id)?.set_secret(&*key).ok()?;
    // Read it back: a store that accepts writes but loses them (a locked collection that
    // silently fails) must not become the only way in.
    (load(vault_id)?.as_slice() == key.as_slice()).then_some(key)
}

/// This vault's key from the keyring, if the keyring is reachable and holds it.
pub fn load(vault_id: &str) -> Option<Zeroizing<[u8; 32]>> {
    let secret = Zeroizing::new(entry(vault_id)?.get_secret().ok()?);
    let key: [u8; 32] = secret.as_slice().try_into().ok()?;
    Some(Zeroizing::new(key))
}

/// Whether a keyring answers at all (a probe for an entry that does not exist).
pub fn available() -> bool {
    entry("availability-probe")
        .is_some_and(|e| matches!(e.get_secret(), Ok(_) | Err(keyring::Error::NoEntry)))
}
