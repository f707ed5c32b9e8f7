//! Login attempts per client IP and per account, as a token bucket (governor): a burst of
//! `burst` attempts, then one more every `refill`. The limit lifts by itself with time.

use governor::{DefaultKeyedRateLimiter, Quota, clock::Clock};
use std::{net::IpAddr, num::NonZeroU32, time::Duration};

pub struct LoginLimiter {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
}

impl LoginLimiter {
    pub fn new(burst: u32, refill: Duration) -> Self {
        let quota = Quota::with_period(refill)
            .expect("refill is positive")
            .allow_burst(NonZeroU32::new(burst.max(1)).expect("burst is positive"));
        Self {
            by_ip: DefaultKeyedRateLimiter::keyed(quota),
            by_account: DefaultKeyedRateLimiter::keyed(quota),
        }
    }

    /// Spends one attempt for this IP and this account. `Err(seconds)` when either is used up.
    pub fn attempt(&self, ip: Option<IpAddr>, account: &str) -> Result<(), u64> {
        let clock = governor::clock::DefaultClock::default();
        let mut wait = Duration::ZERO;
        if let Some(ip) = ip
            && let Err(not_until) = self.by_ip.check_key(&ip)
        {
            wait = wait.max(not_until.wait_time_from(clock.now()));
        }
        if let Err(not_until) = self.by_account.check_key(&account.to_lowercase()) {
            wait = wait.max(not_until.wait_time_from(clock.now()));
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait.as_secs().max(1))
        }
    }

    /// Forgets keys whose buckets are full again, so memory stays bounded.
    pub fn shrink(&self) {
        self.by_ip.retain_recent();
        self.by_account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleventh_rapid_attempt_is_refused_and_the_limit_lifts() {
        let l = LoginLimiter::new(10, Duration::from_millis(200));
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for i in 0..10 {
            assert!(l.attempt(Some(ip), "owner").is_ok(), "attempt {}", i + 1);
        }
        assert!(l.attempt(Some(ip), "owner").is_err());
        // Another IP is refused too: the account itself is limited.
        assert!(
            l.attempt(Some("10.0.0.2".parse().unwrap()), "OWNER")
                .is_err()
        );
        // Another account from a fresh IP is not affected.
        assert!(
            l.attempt(Some("10.0.0.3".parse().unwrap()), "other")
                .is_ok()
        );
        std::thread::sleep(Duration::from_millis(450));
        assert!(
            l.attempt(Some(ip), "owner").is_ok(),
            "limit lifts with time"
        );
    }
}
