//! Credential encryption: AES-256-GCM with a per-deployment key, the same code in the browser
//! and the CLI.
//!
//! **Key format.** 32 random bytes written either as standard base64 (44 characters with the
//! `=` padding; URL-safe and unpadded forms are accepted too) or as 64 hexadecimal digits. The
//! app reads it from `encryptionKey` in its `app-config.json`; the CLI from `encryption_key` in
//! its config file. [`generate_key_string`] makes a fresh one (base64).
//!
//! **Stored form.** An [`EncryptedSecret`]: a fresh random 96-bit nonce per encryption, the
//! ciphertext with its GCM tag, and a short key check value (a truncated SHA-256 of the key) so
//! that a wrong key and a tampered ciphertext are told apart. The storage key name is bound as
//! associated data, so a secret copied under another instance's key does not decrypt.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;
/// The algorithm name written into every [`EncryptedSecret`].
pub const ALGORITHM: &str = "AES-256-GCM";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error(
        "The encryption key is not valid: {reason}. It must be 32 bytes written as base64 \
         (44 characters) or as 64 hexadecimal digits; generate one with `cargo xtask dist` or \
         `mdsync key generate`."
    )]
    InvalidKey { reason: String },
    #[error("This system gave no random numbers ({reason}); the secret was not encrypted.")]
    NoRandomness { reason: String },
    #[error(
        "The stored secret was encrypted with another encryption key than the one this app or \
         CLI is configured with. Use the deployment's key, or enter the password or token again."
    )]
    WrongKey,
    #[error(
        "The stored secret has been altered or damaged and cannot be decrypted. Enter the \
         password or token again."
    )]
    Tampered,
    #[error("The stored secret uses an unknown format ({found}); update MetaData Sync.")]
    UnsupportedFormat { found: String },
}

/// The deployment's encryption key. Its `Debug` output never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionKey {
    bytes: [u8; KEY_BYTES],
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EncryptionKey {{ check: {} }}", self.check_value())
    }
}

/// A fresh random key in the configuration format (standard base64 of 32 bytes).
pub fn generate_key_string() -> Result<String, CryptoError> {
    Ok(EncryptionKey::generate()?.to_key_string())
}

fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|error| CryptoError::NoRandomness {
        reason: error.to_string(),
    })?;
    Ok(bytes)
}

impl EncryptionKey {
    pub fn generate() -> Result<EncryptionKey, CryptoError> {
        Ok(EncryptionKey {
            bytes: random_bytes::<KEY_BYTES>()?,
        })
    }

    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> EncryptionKey {
        EncryptionKey { bytes }
    }

    /// Reads a key written as base64 or hex (surrounding whitespace is ignored).
    pub fn parse(text: &str) -> Result<EncryptionKey, CryptoError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CryptoError::InvalidKey {
                reason: "it is empty".into(),
            });
        }
        let bytes = if text.len() == 2 * KEY_BYTES && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            decode_hex(text)
        } else {
            decode_base64(text).ok_or_else(|| CryptoError::InvalidKey {
                reason: "it is neither base64 nor hexadecimal".into(),
            })?
        };
        let bytes: [u8; KEY_BYTES] =
            bytes
                .as_slice()
                .try_into()
                .map_err(|_| CryptoError::InvalidKey {
                    reason: format!("it holds {} bytes instead of {KEY_BYTES}", bytes.len()),
                })?;
        Ok(EncryptionKey { bytes })
    }

    /// The key in the configuration format (standard base64).
    pub fn to_key_string(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.bytes)
    }

    /// A short, non-secret fingerprint of the key (16 hex digits), stored with each secret.
    pub fn check_value(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"mdsync key check v1");
        hasher.update(self.bytes);
        encode_hex(&hasher.finalize()[..8])
    }

    /// Encrypts `plaintext`, binding it to `context` (the storage key it is written under).
    pub fn encrypt(&self, plaintext: &[u8], context: &str) -> Result<EncryptedSecret, CryptoError> {
        let nonce = random_bytes::<NONCE_BYTES>()?;
        let cipher = Aes256Gcm::new((&self.bytes).into());
        let payload = Payload {
            msg: plaintext,
            aad: context.as_bytes(),
        };
        // Encryption only fails for plaintexts beyond GCM's 64 GiB limit.
        let ciphertext = cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| CryptoError::InvalidKey {
                reason: "the text to encrypt is too long".into(),
            })?;
        let engine = base64::engine::general_purpose::STANDARD;
        Ok(EncryptedSecret {
            algorithm: ALGORITHM.to_string(),
            key_check: self.check_value(),
            nonce: engine.encode(nonce),
            ciphertext: engine.encode(ciphertext),
        })
    }

    /// Decrypts a secret written by [`EncryptionKey::encrypt`] under the same `context`.
    pub fn decrypt(&self, secret: &EncryptedSecret, context: &str) -> Result<Vec<u8>, CryptoError> {
        if secret.algorithm != ALGORITHM {
            return Err(CryptoError::UnsupportedFormat {
                found: secret.algorithm.clone(),
            });
        }
        if secret.key_check != self.check_value() {
            return Err(CryptoError::WrongKey);
        }
        let engine = base64::engine::general_purpose::STANDARD;
        let nonce = engine
            .decode(&secret.nonce)
            .ok()
            .filter(|nonce| nonce.len() == NONCE_BYTES)
            .ok_or(CryptoError::Tampered)?;
        let ciphertext = engine
            .decode(&secret.ciphertext)
            .map_err(|_| CryptoError::Tampered)?;
        let cipher = Aes256Gcm::new((&self.bytes).into());
        let payload = Payload {
            msg: &ciphertext,
            aad: context.as_bytes(),
        };
        cipher
            .decrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| CryptoError::Tampered)
    }

    /// Encrypts a text (a password or token).
    pub fn encrypt_text(&self, text: &str, context: &str) -> Result<EncryptedSecret, CryptoError> {
        self.encrypt(text.as_bytes(), context)
    }

    pub fn decrypt_text(
        &self,
        secret: &EncryptedSecret,
        context: &str,
    ) -> Result<String, CryptoError> {
        String::from_utf8(self.decrypt(secret, context)?).map_err(|_| CryptoError::Tampered)
    }
}

/// The app's `app-config.json` (shipped in the zip, generated by `cargo xtask dist`):
/// `{ "encryptionKey": "<base64 of 32 bytes>" }`. Other fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    pub encryption_key: String,
}

impl AppConfig {
    /// Reads `app-config.json` and checks its key.
    pub fn parse(json: &str) -> Result<AppConfig, CryptoError> {
        let config: AppConfig =
            serde_json::from_str(json).map_err(|error| CryptoError::InvalidKey {
                reason: format!("app-config.json has no usable \"encryptionKey\" ({error})"),
            })?;
        config.key()?;
        Ok(config)
    }

    pub fn key(&self) -> Result<EncryptionKey, CryptoError> {
        EncryptionKey::parse(&self.encryption_key)
    }

    /// A fresh `app-config.json` with a new random key.
    pub fn generate_json() -> Result<String, CryptoError> {
        let config = AppConfig {
            encryption_key: generate_key_string()?,
        };
        Ok(serde_json::to_string_pretty(&config).unwrap_or_default())
    }
}

/// An encrypted value as it is stored (JSON, camelCase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptedSecret {
    pub algorithm: String,
    pub key_check: String,
    /// Base64 of the 12-byte nonce.
    pub nonce: String,
    /// Base64 of the ciphertext followed by the 16-byte GCM tag.
    pub ciphertext: String,
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

fn decode_hex(text: &str) -> Vec<u8> {
    text.as_bytes()
        .chunks(2)
        .filter_map(|pair| std::str::from_utf8(pair).ok())
        .filter_map(|pair| u8::from_str_radix(pair, 16).ok())
        .collect()
}

fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_fresh_nonces() {
        let key = EncryptionKey::generate().expect("randomness");
        let first = key
            .encrypt_text("district", "instance-secret-a")
            .expect("encrypt");
        let second = key
            .encrypt_text("district", "instance-secret-a")
            .expect("encrypt");
        assert_ne!(first.nonce, second.nonce);
        assert_ne!(first.ciphertext, second.ciphertext);
        assert!(!first.ciphertext.contains("district"));
        assert_eq!(
            key.decrypt_text(&first, "instance-secret-a").as_deref(),
            Ok("district")
        );
        assert_eq!(
            key.decrypt_text(&second, "instance-secret-a").as_deref(),
            Ok("district")
        );
    }

    #[test]
    fn wrong_key_and_tampering_are_told_apart() {
        let key = EncryptionKey::generate().expect("randomness");
        let other = EncryptionKey::generate().expect("randomness");
        let secret = key.encrypt_text("d2pat_abc", "ctx").expect("encrypt");
        assert_eq!(
            other.decrypt_text(&secret, "ctx"),
            Err(CryptoError::WrongKey)
        );

        let mut tampered = secret.clone();
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(&tampered.ciphertext)
            .expect("base64");
        bytes[0] ^= 0x01;
        tampered.ciphertext = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert_eq!(
            key.decrypt_text(&tampered, "ctx"),
            Err(CryptoError::Tampered)
        );
        // Moved under another storage key: the associated data no longer matches.
        assert_eq!(
            key.decrypt_text(&secret, "other"),
            Err(CryptoError::Tampered)
        );
        let mut renamed = secret;
        renamed.algorithm = "ROT13".into();
        assert!(matches!(
            key.decrypt_text(&renamed, "ctx"),
            Err(CryptoError::UnsupportedFormat { .. })
        ));
    }

    #[test]
    fn app_config_carries_the_key() {
        let json = AppConfig::generate_json().expect("randomness");
        let config = AppConfig::parse(&json).expect("valid");
        assert_eq!(
            config.key().expect("key").to_key_string(),
            config.encryption_key
        );
        assert!(AppConfig::parse(r#"{"encryptionKey":"tooshort"}"#).is_err());
        assert!(AppConfig::parse(r#"{"key":"x"}"#).is_err());
    }

    #[test]
    fn key_strings_parse_as_base64_or_hex() {
        let text = generate_key_string().expect("randomness");
        assert_eq!(text.len(), 44);
        let key = EncryptionKey::parse(&text).expect("base64 key");
        assert_eq!(key.to_key_string(), text);
        let hex = encode_hex(&key.bytes);
        assert_eq!(EncryptionKey::parse(&hex), Ok(key.clone()));
        assert_eq!(EncryptionKey::parse(&format!("  {hex}\n")), Ok(key.clone()));
        assert!(!format!("{key:?}").contains(&text));
        for bad in ["", "short", "not base64 at all!", &hex[..62]] {
            assert!(
                matches!(
                    EncryptionKey::parse(bad),
                    Err(CryptoError::InvalidKey { .. })
                ),
                "{bad:?}"
            );
        }
    }
}
