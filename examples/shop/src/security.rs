//! Passwords (argon2id) and access tokens (HS256 JWT with an expiry).

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{self, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use fastrs::blocking::{Busy, Limiter};
use fastrs::HttpError;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// How passwords are hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PasswordHashing {
    /// argon2id with the argon2 crate's default (OWASP) parameters.
    #[default]
    Standard,
    /// argon2id with the smallest parameters: for tests only, where
    /// hundreds of registrations must stay fast in debug builds.
    FastInsecure,
}

/// The app's secrets, token settings and password hashing (app state).
#[derive(Clone)]
pub struct Security {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// How long a token lives.
    pub token_ttl: Duration,
    hashing: PasswordHashing,
    limiter: Limiter,
    counts: Arc<Counts>,
}

/// How many argon2 computations ran (tests read them).
#[derive(Debug, Default)]
struct Counts {
    hashes: AtomicU64,
    verifications: AtomicU64,
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Security")
            .field("token_ttl", &self.token_ttl)
            .field("hashing", &self.hashing)
            .field("limiter", &self.limiter)
            .finish_non_exhaustive()
    }
}

/// A token's claims: the user id and the expiry (Unix seconds).
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: u64,
    pub iat: u64,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The hash an unknown user's login is verified against, so that it costs
/// what a known user's does (the same parameters as the stored hashes). Its
/// password (random, thrown away) is irrelevant: the answer is "no" either way.
const DUMMY_HASH_STANDARD: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$+pBVN56wHE90AZYw6Mjbqg$7mFGt7VYIQO3uN+CePprGFhHTOEhvDEIjscyUHVpa30";
/// [`DUMMY_HASH_STANDARD`] for [`PasswordHashing::FastInsecure`].
const DUMMY_HASH_FAST: &str =
    "$argon2id$v=19$m=8,t=1,p=1$4JmCTQuTAyFTlJKXkgNjzw$TOLCEYbjNXFxE6G8+rDpGtzYZA0LLZgaeRs7LDkJFSI";

/// Why a password could not be hashed.
#[derive(Debug)]
pub enum PasswordError {
    /// Every hashing slot was taken for the whole queue timeout: 503.
    Busy(Busy),
    /// argon2 failed (it does not with valid parameters): 500.
    Hash(String),
}

impl From<PasswordError> for HttpError {
    fn from(e: PasswordError) -> Self {
        match e {
            PasswordError::Busy(b) => b.into(),
            PasswordError::Hash(e) => crate::errors::internal(e),
        }
    }
}

thread_local! {
    /// argon2's working memory (19 MiB with the standard parameters), kept
    /// by each thread that hashes: the hashing limiter's threads, so their
    /// number bounds it. Allocating it per hash left the allocator holding
    /// several freed copies per thread (108 MiB after 8 logins on one).
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// argon2 of `password` and `salt` into `out`, in this thread's memory.
fn argon2_into(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    BLOCKS.with_borrow_mut(|blocks| {
        let n = params.block_count();
        if blocks.len() < n {
            blocks.resize(n, Block::new());
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut blocks[..n])
    })
}

/// An argon2id PHC string of `password` with `params` and a random salt.
fn hash_with(params: &Params, password: &[u8]) -> Result<String, password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    argon2_into(&argon2, params, password, salt_bytes, &mut out)?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out)?),
    }
    .to_string())
}

/// Whether `password` matches the argon2 PHC string `hash`, computed with
/// the hash's own algorithm, version and parameters (compared in constant
/// time). Anything unparsable is no match.
fn verify_with(password: &[u8], hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    argon2_into(&argon2, &params, password, salt_bytes, &mut out).is_ok()
        && Output::new(&out).is_ok_and(|computed| computed == expected)
}

impl Security {
    /// Keys from `secret`, tokens living `token_ttl`, hashing bounded by a
    /// default [`Limiter`] (one hash per CPU at a time).
    pub fn new(secret: &str, token_ttl: Duration, hashing: PasswordHashing) -> Self {
        Security {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            token_ttl,
            hashing,
            limiter: Limiter::default(),
            counts: Arc::default(),
        }
    }

    /// Hashes and verifies through `limiter` (its permits bound the
    /// argon2 computations running at once, and so their memory: 19 MiB
    /// each with the standard parameters).
    #[must_use]
    pub fn with_limiter(mut self, limiter: Limiter) -> Self {
        self.limiter = limiter;
        self
    }

    /// The limiter hashing runs through.
    pub fn limiter(&self) -> &Limiter {
        &self.limiter
    }

    /// How many password hashes were computed.
    pub fn hashes(&self) -> u64 {
        self.counts.hashes.load(Ordering::Relaxed)
    }

    /// How many password verifications ran (unknown users' included).
    pub fn verifications(&self) -> u64 {
        self.counts.verifications.load(Ordering::Relaxed)
    }

    fn params(&self) -> Params {
        match self.hashing {
            PasswordHashing::Standard => Params::default(),
            PasswordHashing::FastInsecure => {
                Params::new(Params::MIN_M_COST, Params::MIN_T_COST, 1, None).unwrap_or_default()
            }
        }
    }

    fn dummy_hash(&self) -> &'static str {
        match self.hashing {
            PasswordHashing::Standard => DUMMY_HASH_STANDARD,
            PasswordHashing::FastInsecure => DUMMY_HASH_FAST,
        }
    }

    /// Hashes `password` (PHC string, random salt) on a thread of the
    /// hashing limiter.
    ///
    /// # Errors
    /// [`PasswordError::Busy`] when no hashing slot came in time.
    pub async fn hash_password(&self, password: String) -> Result<String, PasswordError> {
        let params = self.params();
        let counts = self.counts.clone();
        self.limiter
            .run(move || {
                let hash = hash_with(&params, password.as_bytes())
                    .map_err(|e| PasswordError::Hash(e.to_string()));
                counts.hashes.fetch_add(1, Ordering::Relaxed);
                hash
            })
            .await
            .map_err(PasswordError::Busy)?
    }

    /// Whether `password` matches `hash` (the parameters are the hash's own),
    /// on a thread of the hashing limiter. Without a hash (unknown
    /// user) a fixed dummy hash with the same parameters is checked, so the
    /// answer costs the same either way (and is `false`).
    ///
    /// # Errors
    /// [`Busy`] when no hashing slot came in time.
    pub async fn verify_password(
        &self,
        password: String,
        hash: Option<String>,
    ) -> Result<bool, Busy> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash().to_owned());
        let counts = self.counts.clone();
        let ok = self
            .limiter
            .run(move || {
                let ok = verify_with(password.as_bytes(), &hash);
                counts.verifications.fetch_add(1, Ordering::Relaxed);
                ok
            })
            .await?;
        Ok(ok && known)
    }

    /// A signed token for user `user_id`, expiring after the TTL.
    ///
    /// # Errors
    /// When signing fails (it does not with an HMAC key).
    pub fn create_token(&self, user_id: i64) -> Result<String, jsonwebtoken::errors::Error> {
        let now = unix_now();
        self.sign(&Claims {
            sub: user_id.to_string(),
            iat: now,
            exp: now + self.token_ttl.as_secs(),
        })
    }

    /// Signs any claims (tests use it for expired tokens).
    ///
    /// # Errors
    /// When signing fails.
    pub fn sign(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        jsonwebtoken::encode(&Header::default(), claims, &self.encoding)
    }

    /// The user id of a valid, unexpired token signed with our key.
    pub fn user_id(&self, token: &str) -> Option<i64> {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).ok()?;
        data.claims.sub.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        for hashing in [PasswordHashing::FastInsecure, PasswordHashing::Standard] {
            let s = Security::new("k", Duration::from_secs(60), hashing);
            let h = s.hash_password("correct horse".into()).await.unwrap();
            assert!(h.starts_with("$argon2id$"));
            assert_eq!(
                s.verify_password("correct horse".into(), Some(h.clone()))
                    .await,
                Ok(true)
            );
            assert_eq!(s.verify_password("wrong".into(), Some(h)).await, Ok(false));
            assert_eq!(
                s.verify_password("correct horse".into(), None).await,
                Ok(false)
            );
            // one hash, three verifications, all through the limiter
            assert_eq!((s.hashes(), s.verifications()), (1, 3));
            assert_eq!(s.limiter().completed(), 4);
        }
    }

    #[test]
    fn hashes_are_the_argon2_crates_own() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        for hashing in [PasswordHashing::FastInsecure, PasswordHashing::Standard] {
            let s = Security::new("k", Duration::from_secs(60), hashing);
            // ours (twice: the second run reuses the thread's memory)
            for _ in 0..2 {
                let ours = hash_with(&s.params(), b"pw").unwrap();
                let parsed = PasswordHash::new(&ours).unwrap();
                assert!(Argon2::default().verify_password(b"pw", &parsed).is_ok());
                assert!(Argon2::default().verify_password(b"px", &parsed).is_err());
            }
            // theirs
            let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, s.params());
            let theirs = argon2
                .hash_password(b"pw", &SaltString::generate(&mut OsRng))
                .unwrap()
                .to_string();
            assert!(verify_with(b"pw", &theirs));
            assert!(!verify_with(b"px", &theirs));
        }
        // argon2i, version 0x10, another output length: the hash's own
        let params = Params::new(64, 1, 1, Some(16)).unwrap();
        let other = Argon2::new(Algorithm::Argon2i, Version::V0x10, params)
            .hash_password(b"pw", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(verify_with(b"pw", &other));
        assert!(!verify_with(b"px", &other));
        assert!(!verify_with(b"pw", "not a hash"));
        assert!(!verify_with(
            b"pw",
            "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ"
        ));
    }

    #[test]
    fn the_dummy_hashes_cost_what_a_real_hash_does() {
        for hashing in [PasswordHashing::FastInsecure, PasswordHashing::Standard] {
            let s = Security::new("k", Duration::from_secs(60), hashing);
            let dummy = PasswordHash::new(s.dummy_hash()).unwrap();
            assert_eq!(dummy.algorithm, Algorithm::Argon2id.ident());
            let (got, want) = (Params::try_from(&dummy).unwrap(), s.params());
            assert_eq!(
                (got.m_cost(), got.t_cost(), got.p_cost()),
                (want.m_cost(), want.t_cost(), want.p_cost()),
                "{hashing:?}: regenerate the dummy hash with the current parameters"
            );
        }
    }

    #[tokio::test]
    async fn a_full_limiter_answers_busy() {
        let limiter = Limiter::new(1).queue_timeout(Duration::ZERO);
        let s = Security::new("k", Duration::from_secs(60), PasswordHashing::FastInsecure)
            .with_limiter(limiter.clone());
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let hold = tokio::spawn({
            let limiter = limiter.clone();
            async move { limiter.run(move || rx.recv().ok()).await }
        });
        while limiter.available() > 0 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(
            s.hash_password("pw".into()).await,
            Err(PasswordError::Busy(_))
        ));
        assert!(s.verify_password("pw".into(), None).await.is_err());
        let e = HttpError::from(s.hash_password("pw".into()).await.unwrap_err());
        assert_eq!(e.status(), 503);
        assert_eq!(e.headers()["retry-after"], "1");
        tx.send(()).unwrap();
        hold.await.unwrap().unwrap();
    }

    #[test]
    fn tokens_are_signed_and_expire() {
        let s = Security::new("k", Duration::from_secs(60), PasswordHashing::FastInsecure);
        let t = s.create_token(7).unwrap();
        assert_eq!(s.user_id(&t), Some(7));
        let other = Security::new(
            "other",
            Duration::from_secs(60),
            PasswordHashing::FastInsecure,
        );
        assert_eq!(other.user_id(&t), None);
        let expired = s
            .sign(&Claims {
                sub: "7".into(),
                iat: 0,
                exp: unix_now() - 1,
            })
            .unwrap();
        assert_eq!(s.user_id(&expired), None);
        assert_eq!(s.user_id("garbage"), None);
        assert_eq!(s.user_id(""), None);
    }
}
