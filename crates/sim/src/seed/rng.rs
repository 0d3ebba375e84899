//! Deterministic randomness for the demo seed: SplitMix64 and UIDs derived from labels, so the
//! same seed always yields the same instance.

/// SplitMix64: tiny, fast, and good enough for plausible demo numbers.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A generator for one named purpose, independent of the order other parts draw numbers.
    pub fn for_label(label: &str) -> Self {
        Rng(fnv1a(label))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// FNV-1a, 64 bits.
pub fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A valid DHIS2 UID that depends only on `label`.
pub fn uid(label: &str) -> String {
    let mut rng = Rng::for_label(label);
    let mut out = String::with_capacity(11);
    out.push(LETTERS[rng.below(LETTERS.len() as u64) as usize] as char);
    for _ in 0..10 {
        out.push(ALPHANUMERIC[rng.below(ALPHANUMERIC.len() as u64) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_valid_stable_and_distinct() {
        let first = uid("de:ANC 1st visit");
        assert_eq!(first, uid("de:ANC 1st visit"));
        assert_ne!(first, uid("de:ANC 2nd visit"));
        assert_eq!(first.len(), 11);
        assert!(first.as_bytes()[0].is_ascii_alphabetic());
        assert!(first.bytes().all(|b| b.is_ascii_alphanumeric()));
        let mut rng = Rng::new(7);
        let draws: Vec<u64> = (0..3).map(|_| rng.below(10)).collect();
        let mut again = Rng::new(7);
        assert_eq!(draws, (0..3).map(|_| again.below(10)).collect::<Vec<_>>());
    }
}
