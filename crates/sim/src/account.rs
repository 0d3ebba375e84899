/// A user of a simulated instance: who can log in, with which roles and authorities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// DHIS2 UID of the user.
    pub id: String,
    pub username: String,
    pub password: String,
    pub first_name: String,
    pub surname: String,
    /// User roles as (UID, name); the app keys on the names.
    pub user_roles: Vec<(String, String)>,
    /// Union of the authorities of the roles (`ALL` for superusers).
    pub authorities: Vec<String>,
    /// User groups as (UID, name).
    pub user_groups: Vec<(String, String)>,
    /// Assigned org units as (UID, path).
    pub organisation_units: Vec<(String, String)>,
}

impl Account {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.surname)
    }

    pub fn is_superuser(&self) -> bool {
        self.authorities.iter().any(|authority| authority == "ALL")
    }

    pub fn has_authority(&self, authority: &str) -> bool {
        self.is_superuser() || self.authorities.iter().any(|a| a == authority)
    }
}
