//! Passwords: argon2id hashes in the PHC string format, and the rules a new password must meet.
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub const MIN_CHARS: usize = 10;
pub const MAX_CHARS: usize = 200;

/// Why a new password is refused.
pub fn check_new(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_CHARS {
        return Err(format!("must be at least {MIN_CHARS} characters long"));
    }
    if length > MAX_CHARS {
        return Err(format!("must be at most {MAX_CHARS} characters long"));
    }
    Ok(())
}

/// An argon2id hash (OWASP's recommended parameters, argon2's defaults) with a fresh salt.
pub fn hash(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt length");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("default argon2 parameters accept any password length we allow")
        .to_string()
}

/// Whether `password` matches `stored`. A malformed stored hash matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of no password anyone has, so an unknown account costs as much time as a known one
/// (an attacker cannot tell from the answer's speed which emails exist).
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("a decoy password nobody can have"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_salted_and_verifies_only_its_password() {
        let first = hash("correct horse battery");
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(
            first,
            hash("correct horse battery"),
            "each hash has its own salt"
        );
        assert!(verify("correct horse battery", &first));
        assert!(!verify("correct horse batterY", &first));
        assert!(!verify("correct horse battery", "not a hash"));
    }

    #[test]
    fn new_passwords_have_a_length_range() {
        assert!(check_new("short").is_err());
        assert!(check_new(&"x".repeat(MIN_CHARS)).is_ok());
        assert!(check_new(&"é".repeat(MAX_CHARS + 1)).is_err());
    }
}
