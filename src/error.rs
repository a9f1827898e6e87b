//! What every error of the core shares, whatever its layer: a stable code and a sentence a person
//! can act on. Front-ends show any of them through this one trait, so none needs a conversion
//! of its own per error type.

use keyport_model::{CommandError, ErrorCode};

pub trait Coded: std::fmt::Display {
    fn code(&self) -> ErrorCode;

    /// The form field the error concerns, when it concerns one.
    fn field(&self) -> Option<&str> {
        None
    }

    /// The error as it crosses to the UI: its code, its message and its field, nothing else.
    fn to_command_error(&self) -> CommandError {
        CommandError {
            code: self.code(),
            message: self.to_string(),
            field: self.field().map(str::to_owned),
        }
    }
}

macro_rules! coded {
    ($($error:ty),* $(,)?) => {
        $(impl Coded for $error {
            fn code(&self) -> ErrorCode {
                <$error>::code(self)
            }
        })*
    };
}

impl Coded for crate::vault::VaultError {
    fn code(&self) -> ErrorCode {
        crate::vault::VaultError::code(self)
    }

    fn field(&self) -> Option<&str> {
        crate::vault::VaultError::field(self)
    }
}

coded!(crate::catalog::CatalogError, crate::files::FileError,);
