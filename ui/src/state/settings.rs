//! What the Settings page says and holds: the idle-lock choices, the OS keyring's name and slot,
//! each connection's health-check interval, and the Start at login switch.

use crate::api::ShownError;
use keyport_model::SessionView;
use std::rc::Rc;
use yew::Reducible;

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

/// The health-check intervals offered, in minutes; `None` is the core's default.
pub const HEALTH_CHOICES: [Option<u32>; 6] =
    [None, Some(5), Some(30), Some(60), Some(240), Some(1440)];

/// The choices for a connection whose interval is `current`: the usual ones, plus `current` in
/// its place when it was set to something else (`keyport connections set --health-interval`).
pub fn health_choices(current: Option<u32>) -> Vec<Option<u32>> {
    let mut choices = HEALTH_CHOICES.to_vec();
    if !choices.contains(&current) {
        choices.push(current);
        choices.sort_by_key(|c| c.unwrap_or(15));
    }
    choices
}

pub fn health_label(minutes: Option<u32>) -> String {
    match minutes {
        None => "Every 15 min (default)".to_owned(),
        Some(60) => "Every hour".to_owned(),
        Some(1440) => "Once a day".to_owned(),
        Some(m) if m % 1440 == 0 => format!("Every {} days", m / 1440),
        Some(m) if m % 60 == 0 => format!("Every {} hours", m / 60),
        Some(m) => format!("Every {m} min"),
    }
}

/// A choice as its `<option value>`: empty for the default.
pub fn health_value(minutes: Option<u32>) -> String {
    minutes.map(|m| m.to_string()).unwrap_or_default()
}

/// An `<option value>` read back; `None` for a value no option has.
pub fn parse_health_value(value: &str) -> Option<Option<u32>> {
    if value.is_empty() {
        return Some(None);
    }
    value.parse().ok().map(Some)
}

/// The Start at login switch: its state as the OS keeps it, a change on its way, or why it
/// cannot be read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Autostart {
    /// `None` until the shell answers.
    pub on: Option<bool>,
    /// The state being asked for.
    pub pending: Option<bool>,
    pub error: Option<ShownError>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AutostartAction {
    Loaded(Result<bool, ShownError>),
    /// The switch was flipped: ask for this state.
    Asked(bool),
    /// The shell answered the change.
    Done(Result<bool, ShownError>),
}

impl Autostart {
    /// What the switch shows: the state asked for while it is on its way (off by default).
    pub fn checked(&self) -> bool {
        self.pending.or(self.on).unwrap_or(false)
    }

    /// Whether the switch takes a flip now.
    pub fn ready(&self) -> bool {
        self.on.is_some() && self.pending.is_none()
    }
}

impl Reducible for Autostart {
    type Action = AutostartAction;

    fn reduce(self: Rc<Self>, action: AutostartAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            AutostartAction::Loaded(Ok(on)) | AutostartAction::Done(Ok(on)) => {
                next.on = Some(on);
                next.pending = None;
                next.error = None;
            }
            AutostartAction::Loaded(Err(error)) | AutostartAction::Done(Err(error)) => {
                // A refused change leaves the switch where the OS has it.
                next.pending = None;
                next.error = Some(error);
            }
            AutostartAction::Asked(on) => {
                if !self.ready() {
                    return self;
                }
                next.pending = Some(on);
                next.error = None;
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::session;
    use keyport_model::ErrorCode;

    #[test]
    fn health_intervals_read_well_and_round_trip() {
        assert_eq!(health_label(None), "Every 15 min (default)");
        assert_eq!(health_label(Some(5)), "Every 5 min");
        assert_eq!(health_label(Some(60)), "Every hour");
        assert_eq!(health_label(Some(240)), "Every 4 hours");
        assert_eq!(health_label(Some(1440)), "Once a day");
        assert_eq!(health_label(Some(2880)), "Every 2 days");
        assert_eq!(health_label(Some(7)), "Every 7 min");
        for choice in health_choices(Some(7)) {
            assert_eq!(parse_health_value(&health_value(choice)), Some(choice));
        }
        assert_eq!(parse_health_value("soon"), None);
        assert_eq!(health_choices(Some(30)), HEALTH_CHOICES.to_vec());
        let custom = health_choices(Some(7));
        assert_eq!(custom.len(), HEALTH_CHOICES.len() + 1);
        assert_eq!(
            custom[..2],
            [Some(5), Some(7)],
            "a custom interval sits in order"
        );
    }

    #[test]
    fn the_login_switch_is_off_until_the_os_says_otherwise() {
        let state = Rc::new(Autostart::default());
        assert!(!state.checked() && !state.ready());
        assert_eq!(
            state.clone().reduce(AutostartAction::Asked(true)),
            state,
            "no flip before the state is known"
        );
        let state = state.reduce(AutostartAction::Loaded(Ok(false)));
        assert!(!state.checked() && state.ready());
        let asked = state.reduce(AutostartAction::Asked(true));
        assert!(
            asked.checked() && !asked.ready(),
            "the switch shows the change on its way"
        );
        assert_eq!(asked.clone().reduce(AutostartAction::Asked(false)), asked);
        let on = asked.clone().reduce(AutostartAction::Done(Ok(true)));
        assert!(on.checked() && on.ready() && on.error.is_none());
        let refused = ShownError::new(ErrorCode::Internal, "m");
        let back = asked.reduce(AutostartAction::Done(Err(refused.clone())));
        assert!(!back.checked() && back.ready());
        assert_eq!(back.error, Some(refused));
    }

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
