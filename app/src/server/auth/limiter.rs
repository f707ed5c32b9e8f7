//! Login attempts as token buckets: a burst of `burst`, then one more every `refill`; the limit
//! lifts by itself with time. Three kinds of key:
//! - the client IP, charged for every attempt (it bounds the password hashing one address can
//!   cause);
//! - the account, charged only for *failed* attempts that got past the IP limit, so attempts the
//!   IP limit refused never count against the account;
//! - a known device (the `tagih_dev` cookie a browser gets at a successful sign-in): a correct
//!   password from such a device is judged by that device's own failures only, so someone
//!   else's guessing cannot lock the owner out (OWASP "device cookies").
//!
//! Each map holds at most `MAX_KEYS` keys (names are at most 64 characters, checked before the
//! limiter), so memory stays bounded whatever arrives.

use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Keys per map; beyond this, buckets that have refilled are dropped first, then any.
pub const MAX_KEYS: usize = 50_000;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

struct Buckets<K> {
    map: Mutex<HashMap<K, Bucket>>,
}

impl<K: Eq + Hash + Clone> Buckets<K> {
    fn new() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }
}

pub struct LoginLimiter {
    burst: f64,
    refill: Duration,
    by_ip: Buckets<IpAddr>,
    by_account: Buckets<String>,
    by_device: Buckets<String>,
}

impl LoginLimiter {
    pub fn new(burst: u32, refill: Duration) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            refill: refill.max(Duration::from_millis(1)),
            by_ip: Buckets::new(),
            by_account: Buckets::new(),
            by_device: Buckets::new(),
        }
    }

    fn level(&self, b: &Bucket, now: Instant) -> f64 {
        let gained = now.duration_since(b.at).as_secs_f64() / self.refill.as_secs_f64();
        (b.tokens + gained).min(self.burst)
    }

    /// Seconds until one token is back, when the bucket is empty.
    fn wait(&self, level: f64) -> u64 {
        let missing = (1.0 - level).max(0.0);
        (missing * self.refill.as_secs_f64()).ceil().max(1.0) as u64
    }

    /// `Err(seconds)` when the bucket has no token; else, when `spend`, takes one.
    fn take<K: Eq + Hash + Clone>(&self, b: &Buckets<K>, key: &K, spend: bool) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = b.map.lock().unwrap_or_else(|p| p.into_inner());
        let level = map
            .get(key)
            .map(|bucket| self.level(bucket, now))
            .unwrap_or(self.burst);
        if level < 1.0 {
            return Err(self.wait(level));
        }
        if spend {
            if !map.contains_key(key) && map.len() >= MAX_KEYS {
                self.make_room(&mut map, now);
            }
            map.insert(
                key.clone(),
                Bucket {
                    tokens: level - 1.0,
                    at: now,
                },
            );
        }
        Ok(())
    }

    fn make_room<K: Eq + Hash + Clone>(&self, map: &mut HashMap<K, Bucket>, now: Instant) {
        map.retain(|_, b| self.level(b, now) < self.burst);
        if map.len() >= MAX_KEYS {
            let extra: Vec<K> = map.keys().take(map.len() + 1 - MAX_KEYS).cloned().collect();
            for k in extra {
                map.remove(&k);
            }
        }
    }

    /// Every attempt from `ip` spends one of its tokens. `Err(seconds)` when none is left.
    pub fn attempt_ip(&self, ip: Option<IpAddr>) -> Result<(), u64> {
        match ip {
            Some(ip) => self.take(&self.by_ip, &ip, true),
            None => Ok(()),
        }
    }

    /// May this account (or, from a known device, this device) try a password now? Spends
    /// nothing: only a failure is charged ([`Self::failed`]).
    pub fn check_account(&self, account: &str, device: Option<&str>) -> Result<(), u64> {
        match device {
            Some(d) => self.take(&self.by_device, &d.to_owned(), false),
            None => self.take(&self.by_account, &account.to_lowercase(), false),
        }
    }

    /// A wrong password: charged to the known device it came from, else to the account.
    pub fn failed(&self, account: &str, device: Option<&str>) {
        let _ = match device {
            Some(d) => self.take(&self.by_device, &d.to_owned(), true),
            None => self.take(&self.by_account, &account.to_lowercase(), true),
        };
    }

    /// Forgets keys whose buckets are full again, so memory stays small when idle.
    pub fn shrink(&self) {
        let now = Instant::now();
        self.shrink_map(&self.by_ip, now);
        self.shrink_map(&self.by_account, now);
        self.shrink_map(&self.by_device, now);
    }

    fn shrink_map<K: Eq + Hash + Clone>(&self, b: &Buckets<K>, now: Instant) {
        let mut map = b.map.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, bucket| self.level(bucket, now) < self.burst);
    }

    /// Keys held, for tests and the memory bound.
    pub fn keys(&self) -> usize {
        fn len<K>(b: &Buckets<K>) -> usize {
            b.map.lock().map(|m| m.len()).unwrap_or(0)
        }
        len(&self.by_ip) + len(&self.by_account) + len(&self.by_device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn the_eleventh_rapid_attempt_from_one_address_is_refused_and_the_limit_lifts() {
        let l = LoginLimiter::new(10, Duration::from_millis(200));
        for i in 0..10 {
            assert!(l.attempt_ip(ip("10.0.0.1")).is_ok(), "attempt {}", i + 1);
        }
        assert!(l.attempt_ip(ip("10.0.0.1")).is_err());
        assert!(
            l.attempt_ip(ip("10.0.0.2")).is_ok(),
            "other addresses go on"
        );
        std::thread::sleep(Duration::from_millis(450));
        assert!(
            l.attempt_ip(ip("10.0.0.1")).is_ok(),
            "limit lifts with time"
        );
    }

    #[test]
    fn only_failures_charge_the_account_and_a_known_device_is_judged_alone() {
        let l = LoginLimiter::new(3, Duration::from_secs(60));
        // Checking is free.
        for _ in 0..10 {
            assert!(l.check_account("owner", None).is_ok());
        }
        for _ in 0..3 {
            l.failed("OWNER", None);
        }
        assert!(
            l.check_account("owner", None).is_err(),
            "three failures lock"
        );
        // The owner's own browser (known device) is not locked by others' failures.
        assert!(l.check_account("owner", Some("dev-1")).is_ok());
        for _ in 0..3 {
            l.failed("owner", Some("dev-1"));
        }
        assert!(l.check_account("owner", Some("dev-1")).is_err());
        assert!(l.check_account("owner", Some("dev-2")).is_ok());
    }

    #[test]
    fn memory_is_bounded_whatever_names_arrive() {
        let l = LoginLimiter::new(1, Duration::from_secs(600));
        for i in 0..(MAX_KEYS + 500) {
            l.failed(&format!("user{i}"), None);
        }
        assert!(l.keys() <= MAX_KEYS, "{} keys", l.keys());
    }
}
