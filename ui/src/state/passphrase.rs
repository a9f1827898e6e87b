//! A new passphrase's strength meter and why it cannot be submitted yet (first run, Settings).

/// How long a new passphrase is, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Under the 8-character minimum; holds how many more are needed.
    TooShort(usize),
    Fair,
    Good,
    Strong,
}

pub use keyport_model::MIN_PASSPHRASE_CHARS as MIN_PASSPHRASE;

pub fn strength(passphrase: &str) -> Strength {
    match passphrase.chars().count() {
        n if n < MIN_PASSPHRASE => Strength::TooShort(MIN_PASSPHRASE - n),
        n if n < 12 => Strength::Fair,
        n if n < 16 => Strength::Good,
        _ => Strength::Strong,
    }
}

impl Strength {
    pub fn id(self) -> &'static str {
        match self {
            Strength::TooShort(_) => "short",
            Strength::Fair => "fair",
            Strength::Good => "good",
            Strength::Strong => "strong",
        }
    }

    /// Filled segments of the 3-segment meter.
    pub fn level(self) -> usize {
        match self {
            Strength::TooShort(_) => 0,
            Strength::Fair => 1,
            Strength::Good => 2,
            Strength::Strong => 3,
        }
    }

    pub fn hint(self) -> String {
        match self {
            Strength::TooShort(8) => "Use at least 8 characters; 16 or more is strong".to_owned(),
            Strength::TooShort(1) => "1 more character needed".to_owned(),
            Strength::TooShort(n) => format!("{n} more characters needed"),
            Strength::Fair => "Fair — 12 or more characters is good".to_owned(),
            Strength::Good => "Good — 16 or more characters is strong".to_owned(),
            Strength::Strong => "Strong".to_owned(),
        }
    }
}

/// Why a new passphrase cannot be submitted yet, if it cannot.
pub fn new_passphrase_problem(passphrase: &str, repeat: &str) -> Option<&'static str> {
    if passphrase.chars().count() < MIN_PASSPHRASE {
        Some("Use at least 8 characters")
    } else if passphrase != repeat {
        Some("The two passphrases do not match")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_follows_length_in_characters() {
        assert_eq!(strength(""), Strength::TooShort(8));
        assert_eq!(strength("abcdefg"), Strength::TooShort(1));
        assert_eq!(strength("ééééééé").hint(), "1 more character needed");
        assert_eq!(strength("abcdefgh"), Strength::Fair);
        assert_eq!(strength("abcdefghijkl"), Strength::Good);
        assert_eq!(strength("abcdefghijklmnop"), Strength::Strong);
        assert_eq!(strength("abcdefghijklmnop").level(), 3);
        assert_eq!(
            new_passphrase_problem("short", "short"),
            Some("Use at least 8 characters")
        );
        assert_eq!(
            new_passphrase_problem("long enough", "long enougH"),
            Some("The two passphrases do not match")
        );
        assert_eq!(new_passphrase_problem("long enough", "long enough"), None);
    }
}
