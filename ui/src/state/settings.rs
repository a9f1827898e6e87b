//! What the Settings page says: the idle-lock choices and the OS keyring's name and slot.

use keyport_model::SessionView;

/// The idle-lock choices: minutes, 0 being never.
pub const IDLE_CHOICES: [u32; 6] = [1, 5, 15, 30, 60, 0];

pub fn idle_label(minutes: u32) -> String {
    match minutes {
        0 => "Never".to_owned(),
        1 => "1 minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

/// What Settings › Keyring says about the OS keyring this machine offers.
pub fn keyring_backend_text(session: &SessionView) -> String {
    session
        .vault
        .keyring
        .clone()
        .unwrap_or_else(|| "Not available — passphrase only".to_owned())
}

/// Whether the vault holds a keyring slot (it can also be opened by the OS keyring).
pub fn has_keyring_slot(session: &SessionView) -> bool {
    session
        .vault
        .key_slots
        .iter()
        .any(|slot| slot.kind == "keyring")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::session;

    #[test]
    fn idle_choices_read_well() {
        assert_eq!(idle_label(0), "Never");
        assert_eq!(idle_label(1), "1 minute");
        assert_eq!(idle_label(15), "15 minutes");
    }

    #[test]
    fn keyring_texts() {
        let mut s = session(true, true);
        s.vault.keyring = None;
        assert_eq!(keyring_backend_text(&s), "Not available — passphrase only");
        s.vault.keyring = Some("Secret Service".to_owned());
        assert_eq!(keyring_backend_text(&s), "Secret Service");
        assert!(!has_keyring_slot(&s));
        s.vault.key_slots.push(keyport_model::KeySlotView {
            kind: "keyring".to_owned(),
            created_at: "2026-05-09T07:29:33Z".to_owned(),
        });
        assert!(has_keyring_slot(&s));
    }
}
