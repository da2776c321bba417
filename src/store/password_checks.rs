//! Password checks, bounded in number and in memory. Each argon2 check fills 19 MiB and keeps a
//! core busy for its duration; anyone may ask for one (an unknown email is checked against a
//! decoy), so unbounded they would take every core and, freed on the blocking pool's many threads,
//! gigabytes the allocator never gives back. At most `at_once` checks run, each in a buffer
//! kept for reuse; a sign-in that finds every slot taken waits briefly, then is told to retry.
use crate::domain::password;
use argon2::Block;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a sign-in waits for a slot before it is told to try again.
pub const WAIT: Duration = Duration::from_secs(1);

pub struct PasswordChecks {
    slots: Arc<Semaphore>,
    buffers: Arc<Mutex<Vec<Vec<Block>>>>,
    wait: Duration,
}

/// Every slot stayed taken for the whole wait.
#[derive(Debug)]
pub struct Busy;

/// The check itself failed (it panicked): neither a match nor a wrong password.
#[derive(Debug, thiserror::Error)]
#[error("the password check did not finish: {0}")]
pub struct CheckFailed(String);

/// A slot held: a check may run in it. Dropped unused, it frees the slot.
pub struct Slot {
    permit: OwnedSemaphorePermit,
    buffers: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl PasswordChecks {
    pub fn new(at_once: usize, wait: Duration) -> Self {
        PasswordChecks {
            slots: Arc::new(Semaphore::new(at_once.max(1))),
            buffers: Arc::default(),
            wait,
        }
    }

    /// Takes a slot, waiting at most the configured time for one.
    pub async fn slot(&self) -> Result<Slot, Busy> {
        let permit = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| Busy)?
            .expect("the semaphore is never closed");
        Ok(Slot {
            permit,
            buffers: self.buffers.clone(),
        })
    }
}

impl Slot {
    /// Whether `password` matches `stored`, checked on the blocking pool. The slot and its buffer
    /// go with the check: a request dropped half-way (its client gone) cannot free the slot
    /// while argon2 still runs, nor let a buffer fall to the allocator.
    pub async fn verify(self, password: String, stored: String) -> Result<bool, CheckFailed> {
        self.check(move |memory| password::verify_in(&password, &stored, memory))
            .await
    }

    /// Runs `check` in this slot's buffer. A check that panics frees its slot as it unwinds
    /// (its buffer is lost) and is answered as a failure: counting it as a wrong password would
    /// charge the throttle for our fault.
    async fn check(
        self,
        check: impl FnOnce(&mut Vec<Block>) -> bool + Send + 'static,
    ) -> Result<bool, CheckFailed> {
        tokio::task::spawn_blocking(move || {
            let Slot { permit, buffers } = self;
            let mut memory = buffers
                .lock()
                .ok()
                .and_then(|mut b| b.pop())
                .unwrap_or_default();
            let matches = check(&mut memory);
            if let Ok(mut buffers) = buffers.lock() {
                buffers.push(memory);
            }
            drop(permit);
            matches
        })
        .await
        .map_err(|error| CheckFailed(error.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_that_panics_is_a_failure_and_frees_its_slot() {
        let checks = PasswordChecks::new(1, Duration::from_millis(200));
        let slot = checks.slot().await.unwrap();
        let failed = slot.check(|_| panic!("argon2 fell over")).await;
        assert!(failed.is_err(), "{failed:?}");
        let slot = checks.slot().await.expect("the slot came back");
        assert!(slot.check(|_| true).await.unwrap());
    }
}
