//! DHIS2 identifiers and random keys.

use rand::Rng;

const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A new 11-character DHIS2 UID: a letter, then letters and digits.
pub fn generate_uid() -> String {
    let mut rng = rand::rng();
    let mut uid = String::with_capacity(11);
    uid.push(LETTERS[rng.random_range(0..LETTERS.len())] as char);
    uid.push_str(&random_alphanumeric(10));
    uid
}

/// `length` random letters and digits.
pub fn random_alphanumeric(length: usize) -> String {
    let mut rng = rand::rng();
    (0..length)
        .map(|_| ALPHANUMERIC[rng.random_range(0..ALPHANUMERIC.len())] as char)
        .collect()
}

/// True for a syntactically valid DHIS2 UID.
pub fn is_valid_uid(text: &str) -> bool {
    text.len() == 11
        && text.as_bytes()[0].is_ascii_alphabetic()
        && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_uids_are_valid_and_differ() {
        let first = generate_uid();
        assert!(is_valid_uid(&first), "{first}");
        assert_ne!(first, generate_uid());
        assert!(!is_valid_uid("1abcdefghij"));
    }
}
