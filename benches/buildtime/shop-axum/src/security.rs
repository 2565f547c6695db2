//! Passwords (argon2id) and access tokens (HS256 JWT with an expiry).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
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

/// The app's secrets and token settings (app state).
#[derive(Clone)]
pub struct Security {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// How long a token lives.
    pub token_ttl: Duration,
    hashing: PasswordHashing,
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Security")
            .field("token_ttl", &self.token_ttl)
            .field("hashing", &self.hashing)
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

impl Security {
    /// Keys from `secret`, tokens living `token_ttl`.
    pub fn new(secret: &str, token_ttl: Duration, hashing: PasswordHashing) -> Self {
        Security {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            token_ttl,
            hashing,
        }
    }

    fn argon2(&self) -> Argon2<'static> {
        let params = match self.hashing {
            PasswordHashing::Standard => Params::default(),
            PasswordHashing::FastInsecure => {
                Params::new(Params::MIN_M_COST, Params::MIN_T_COST, 1, None).unwrap_or_default()
            }
        };
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// Hashes `password` (PHC string, random salt), on the blocking pool.
    ///
    /// # Errors
    /// When argon2 fails (it does not with valid parameters).
    pub async fn hash_password(&self, password: String) -> Result<String, String> {
        let argon2 = self.argon2();
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?
    }

    /// Whether `password` matches `hash` (the parameters are the hash's own),
    /// on the blocking pool. Without a hash (unknown user) a dummy one is
    /// checked, so the answer takes as long either way.
    pub async fn verify_password(&self, password: String, hash: Option<String>) -> bool {
        let known = hash.is_some();
        let hash = match hash {
            Some(h) => h,
            None => match self.hash_password("not the password".into()).await {
                Ok(h) => h,
                Err(_) => return false,
            },
        };
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
        })
        .await
        .unwrap_or(false);
        ok && known
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
            assert!(
                s.verify_password("correct horse".into(), Some(h.clone()))
                    .await
            );
            assert!(!s.verify_password("wrong".into(), Some(h)).await);
            assert!(!s.verify_password("correct horse".into(), None).await);
        }
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
