//! The dataStore's messages and status codes, which changed wording in 2.37 (§4).

use crate::{SimResponse, SimVersion};

/// The messages of one version.
#[derive(Debug, Clone, Copy)]
pub struct Messages {
    version: SimVersion,
}

impl Messages {
    pub fn new(version: SimVersion) -> Self {
        Messages { version }
    }

    /// 2.37 rewrote the controller (`KeyJsonValueController` → `DatastoreController` wording).
    fn new_wording(self) -> bool {
        self.version.at_least(37, 0)
    }

    /// PUT of a missing key creates it from 2.38.5, 2.39.3, 2.40.1 and 2.41.0 (before: 404).
    pub fn put_upserts(self) -> bool {
        match self.version.minor {
            38 => self.version.at_least(38, 5),
            39 => self.version.at_least(39, 3),
            40 => self.version.at_least(40, 1),
            minor => minor >= 41,
        }
    }

    /// In 2.30–2.36 a missing namespace is reported before a missing key.
    pub fn checks_namespace_first(self) -> bool {
        !self.new_wording()
    }

    /// 404; 2.40+ adds `errorCode: E1005`.
    fn not_found(self, message: &str) -> SimResponse {
        if self.version.at_least(40, 0) {
            SimResponse::web_message_with_code(404, "E1005", message)
        } else {
            SimResponse::web_message(404, message)
        }
    }

    pub fn namespace_not_found(self, ns: &str) -> SimResponse {
        self.not_found(&if self.new_wording() {
            format!("Namespace not found: '{ns}'")
        } else {
            format!("The namespace '{ns}' was not found.")
        })
    }

    pub fn key_not_found(self, ns: &str, key: &str) -> SimResponse {
        self.not_found(&if self.new_wording() {
            format!("Key '{key}' not found in namespace '{ns}'")
        } else {
            format!("The key '{key}' was not found in the namespace '{ns}'.")
        })
    }

    pub fn created(self, key: &str) -> SimResponse {
        SimResponse::web_message(
            201,
            &if self.new_wording() {
                format!("Key created: '{key}'")
            } else {
                format!("Key '{key}' created.")
            },
        )
    }

    /// 409; only 2.41+ carries `errorCode: E1004` (2.37–2.40 threw a plain conflict).
    pub fn already_exists(self, ns: &str, key: &str) -> SimResponse {
        if self.new_wording() {
            let message = format!("Key '{key}' already exists in namespace '{ns}'");
            if self.version.at_least(41, 0) {
                SimResponse::web_message_with_code(409, "E1004", &message)
            } else {
                SimResponse::web_message(409, &message)
            }
        } else {
            SimResponse::web_message(
                409,
                &format!("The key '{key}' already exists on the namespace '{ns}'."),
            )
        }
    }

    pub fn updated(self, key: &str) -> SimResponse {
        SimResponse::web_message(
            200,
            &if self.new_wording() {
                format!("Key updated: '{key}'")
            } else {
                format!("Key '{key}' updated.")
            },
        )
    }

    pub fn key_deleted(self, ns: &str, key: &str) -> SimResponse {
        let dot = if self.new_wording() { "" } else { "." };
        SimResponse::web_message(
            200,
            &format!("Key '{key}' deleted from namespace '{ns}'{dot}"),
        )
    }

    pub fn namespace_deleted(self, ns: &str) -> SimResponse {
        SimResponse::web_message(
            200,
            &if self.new_wording() {
                format!("Namespace deleted: '{ns}'")
            } else {
                format!("Namespace '{ns}' deleted.")
            },
        )
    }

    /// Wording of 2.30 (the 2.37+ text is not recorded; the status is the same).
    pub fn invalid_json(self) -> SimResponse {
        SimResponse::web_message(400, "The data is not valid JSON.")
    }

    pub fn namespace_protected(self, ns: &str) -> SimResponse {
        SimResponse::web_message(
            403,
            &if self.new_wording() {
                format!("Namespace '{ns}' is protected, access denied")
            } else {
                format!(
                    "The namespace '{ns}' is protected, and you don't have the right authority to access it."
                )
            },
        )
    }

    pub fn entry_access_denied(self, ns: &str, key: &str) -> SimResponse {
        SimResponse::web_message(
            403,
            &if self.new_wording() {
                format!("Access denied for key '{key}' in namespace '{ns}'")
            } else {
                format!("You do not have the authority to access the key '{key}' in the namespace '{ns}'.")
            },
        )
    }
}
