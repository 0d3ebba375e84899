//! An instance's own request time limits (a server behind a proxy that cuts requests at 60 s,
//! or at the end of a satellite link): set by those who may edit the instance, used by every
//! sync that reaches it (see [`super::ConnectionTarget::timeouts`]).

use super::error::InstanceError;
use super::manager::InstanceManager;
use crate::access::Operation;
use crate::dhis2::retry::{RequestTimeouts, TimeoutsProblem};
use crate::dhis2::Transport;
use crate::storage::Storage;

/// Why an instance's time limits were not changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SetTimeoutsError {
    #[error(transparent)]
    Invalid(#[from] TimeoutsProblem),
    #[error(transparent)]
    Instance(#[from] InstanceError),
}

impl InstanceManager {
    /// Sets (or, with `None`, removes: back to the defaults) the time limits of instance `id`.
    /// Returns the limits its syncs use from now on.
    pub async fn set_timeouts<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
        timeouts: Option<RequestTimeouts>,
    ) -> Result<RequestTimeouts, SetTimeoutsError> {
        if let Some(timeouts) = &timeouts {
            timeouts.validate()?;
        }
        let (_, mut instance) = self.writable(storage, id, Operation::EditInstance).await?;
        instance.timeouts = timeouts;
        storage
            .instances()
            .save(&instance)
            .await
            .map_err(InstanceError::from)?;
        Ok(timeouts.unwrap_or_default())
    }

    /// The time limits syncs use for instance `id` (configurators).
    pub async fn timeouts<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
    ) -> Result<RequestTimeouts, InstanceError> {
        Ok(self.connection_target(storage, id).await?.timeouts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_before_they_are_stored() {
        let limits = |connect_seconds, total_seconds| RequestTimeouts {
            connect_seconds,
            total_seconds,
        };
        assert_eq!(limits(30, 180).validate(), Ok(()));
        assert_eq!(limits(10, 55).validate(), Ok(()), "under a 60 s proxy");
        assert_eq!(
            limits(0, 180).validate(),
            Err(TimeoutsProblem::Connect { seconds: 0 })
        );
        assert_eq!(
            limits(30, 4000).validate(),
            Err(TimeoutsProblem::Total { seconds: 4000 })
        );
        assert_eq!(
            limits(60, 30).validate(),
            Err(TimeoutsProblem::TotalBelowConnect {
                connect: 60,
                total: 30
            })
        );
    }
}
