//! Passwords: argon2id hashes in the PHC string format, and the rules a new password must meet.
use argon2::password_hash::{self, Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

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
    verify_in(password, stored, &mut Vec::new())
}

/// The most memory a stored hash may ask a check to fill (64 MiB, in argon2's 1 KiB blocks): our
/// own hashes take 19 MiB; a hash asking for more than this matches nothing.
pub const MAX_BLOCKS: usize = 64 * 1024;

/// [`verify`], filling `memory` instead of a fresh allocation (grown when a hash needs more).
/// Each check fills 19 MiB: a caller that keeps a few such buffers and reuses them keeps the
/// process's memory flat, where fresh ones, freed on other threads, stay with the allocator.
pub fn verify_in(password: &str, stored: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let blocks = params.block_count();
    if blocks > MAX_BLOCKS {
        return false;
    }
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params);
    let computed = Output::init_with(expected.len(), |out| {
        argon2
            .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..blocks])
            .map_err(|_| password_hash::Error::Password)
    });
    // Output's equality takes the same time wherever the bytes differ.
    computed.is_ok_and(|computed| computed == expected)
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
    fn a_reused_buffer_checks_each_hash_as_a_fresh_one_would() {
        let (first, second) = (hash("correct horse battery"), hash("another horse battery"));
        let mut memory = Vec::new();
        for _ in 0..2 {
            assert!(verify_in("correct horse battery", &first, &mut memory));
            assert!(!verify_in("correct horse battery", &second, &mut memory));
            assert!(verify_in("another horse battery", &second, &mut memory));
        }
        assert_eq!(
            memory.len(),
            Params::default().block_count(),
            "one buffer, reused"
        );
        // A hash from argon2's own verifier's world: other parameters, argon2i, version 0x10.
        let other = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x10,
            Params::new(4096, 3, 1, Some(24)).unwrap(),
        )
        .hash_password(b"older scheme", &SaltString::encode_b64(&[7; 16]).unwrap())
        .unwrap()
        .to_string();
        assert!(verify_in("older scheme", &other, &mut memory));
        assert!(!verify_in("older schemE", &other, &mut memory));
    }

    #[test]
    fn a_hash_asking_for_more_than_64_mib_matches_nothing() {
        let greedy = "$argon2id$v=19$m=131072,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$\
                      3ZCi1pKB1zPiZdoqjGl7dntwYHTNUUKJ9yOXDQvvMHE";
        let mut memory = Vec::new();
        assert!(!verify_in("anything", greedy, &mut memory));
        assert!(memory.is_empty(), "nothing was allocated for it");
    }

    #[test]
    fn new_passwords_have_a_length_range() {
        assert!(check_new("short").is_err());
        assert!(check_new(&"x".repeat(MIN_CHARS)).is_ok());
        assert!(check_new(&"é".repeat(MAX_CHARS + 1)).is_err());
    }
}
