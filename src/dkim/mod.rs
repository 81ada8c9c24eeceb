//! DKIM signing (RFC 6376), with RSA-SHA256 and Ed25519-SHA256 (RFC 8463), one signature per
//! key.
//!
//! Signing is the last step of composing: it runs on the finished bytes, so the headers it
//! covers are exactly the ones sent, and nothing after it may refold or re-encode them (the
//! transports send the bytes as they are; dot-stuffing is undone by the receiver). `preview
//! --format eml` and the outbox show the same signed bytes the relay gets.
//!
//! Keys are read once at start-up (`config` reads the files, [`Key::from_pem`] parses them);
//! signing itself does no I/O. `mail-auth` (Stalwart) canonicalizes and signs; aws-lc-rs,
//! which TLS already links, does the cryptography and gives the public key for
//! [`Dkim::records`]. The `rsa` crate, with its open timing advisory, is never linked.

use std::fmt;
use std::path::{Path, PathBuf};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::KeyPair;
use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::{DkimSigner, Done as Ready};
use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::PemObject;

/// The headers every signature covers, as PRODUCT.md names them. All of them are always
/// present ([`crate::compose::HEADER_NAMES`]), so none can be added on the way without
/// breaking the signature.
pub const SIGNED_HEADERS: [&str; 8] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Content-Language",
];

/// What a key signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Rsa { bits: usize },
    Ed25519,
}

impl Algorithm {
    /// The `k=` tag of the key's DNS record.
    fn record_tag(self) -> &'static str {
        match self {
            Algorithm::Rsa { .. } => "rsa",
            Algorithm::Ed25519 => "ed25519",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Algorithm::Rsa { bits } => write!(f, "RSA-SHA256, {bits} bits"),
            Algorithm::Ed25519 => f.write_str("Ed25519-SHA256"),
        }
    }
}

/// A private key read from a PEM file. `Debug` shows its file and type, never the key.
pub struct Key {
    path: PathBuf,
    algorithm: Algorithm,
    /// The `p=` data of the DNS record: the DER SubjectPublicKeyInfo for RSA (as `openssl rsa
    /// -pubout` writes it), the raw 32 bytes for Ed25519 (RFC 8463).
    public: Vec<u8>,
    secret: Secret,
}

enum Secret {
    Rsa(RsaKey<Sha256>),
    Ed25519(Ed25519Key),
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({}, {})", self.path.display(), self.algorithm)
    }
}

impl Key {
    /// Parses `pem` (the contents of `path`): an RSA key (`BEGIN RSA PRIVATE KEY` or PKCS #8
    /// `BEGIN PRIVATE KEY`, 2048 to 8192 bits) or an Ed25519 key (PKCS #8, as `openssl genpkey
    /// -algorithm ed25519` writes it). The error names the file and what is wrong, and never
    /// quotes the file's contents.
    pub fn from_pem(path: &Path, pem: &[u8]) -> Result<Key, String> {
        let shown = path.display();
        let der = PrivateKeyDer::from_pem_slice(pem).map_err(|e| {
            format!(
                "`{shown}` holds no PEM private key ({e}); expected `-----BEGIN PRIVATE KEY-----` \
                 or `-----BEGIN RSA PRIVATE KEY-----`"
            )
        })?;
        let unusable = |why: String| format!("`{shown}` is not a usable DKIM key: {why}");
        let (algorithm, public, secret) = match &der {
            PrivateKeyDer::Pkcs1(k) => rsa(k.secret_pkcs1_der(), false).map_err(unusable)?,
            PrivateKeyDer::Pkcs8(k) => {
                let bytes = k.secret_pkcs8_der();
                match rsa(bytes, true) {
                    Ok(rsa) => rsa,
                    Err(rsa_error) => match ed25519(bytes) {
                        Some(ed) => ed,
                        None if rsa_error.is_empty() => {
                            return Err(unusable(
                                "the key is neither RSA nor Ed25519 (DKIM signs with those two \
                                 only)"
                                    .to_owned(),
                            ));
                        }
                        None => return Err(unusable(rsa_error)),
                    },
                }
            }
            PrivateKeyDer::Sec1(_) => {
                return Err(unusable(
                    "an EC (SEC 1) key; DKIM signs with RSA or Ed25519 only".to_owned(),
                ));
            }
            _ => return Err(unusable("an unknown kind of private key".to_owned())),
        };
        Ok(Key {
            path: path.to_path_buf(),
            algorithm,
            public,
            secret,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

/// An RSA key from PKCS #1 or PKCS #8 DER. The error is empty when the key is not RSA at all
/// (so the caller can try Ed25519), else says why an RSA key was refused.
fn rsa(der: &[u8], pkcs8: bool) -> Result<(Algorithm, Vec<u8>, Secret), String> {
    use aws_lc_rs::rsa::KeyPair as RsaPair;
    let pair = if pkcs8 {
        RsaPair::from_pkcs8(der)
    } else {
        RsaPair::from_der(der)
    };
    let pair = pair.map_err(|e| match e.description_() {
        "WrongAlgorithm" if pkcs8 => String::new(),
        "TooSmall" | "TooLarge" | "InvalidEncoding" if pkcs8 && !has_rsa_oid(der) => String::new(),
        "TooSmall" => "the RSA key is too small (2048 to 8192 bits are accepted)".to_owned(),
        "TooLarge" => "the RSA key is too large (2048 to 8192 bits are accepted)".to_owned(),
        other => format!("the RSA key is refused ({other})"),
    })?;
    let bits = pair.public_modulus_len() * 8;
    let public = pair
        .public_key()
        .as_der()
        .map_err(|e| format!("its public key cannot be encoded ({e})"))?
        .as_ref()
        .to_vec();
    let der = if pkcs8 {
        PrivateKeyDer::Pkcs8(der.to_vec().into())
    } else {
        PrivateKeyDer::Pkcs1(der.to_vec().into())
    };
    let key =
        RsaKey::<Sha256>::from_key_der(der).map_err(|e| format!("the RSA key is refused ({e})"))?;
    Ok((Algorithm::Rsa { bits }, public, Secret::Rsa(key)))
}

/// rsaEncryption (1.2.840.113549.1.1.1), as it appears in a PKCS #8 document's algorithm.
fn has_rsa_oid(der: &[u8]) -> bool {
    const OID: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
    ];
    der.windows(OID.len()).any(|w| w == OID)
}

fn ed25519(pkcs8: &[u8]) -> Option<(Algorithm, Vec<u8>, Secret)> {
    let pair = aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).ok()?;
    let public = pair.public_key().as_ref().to_vec();
    let key = Ed25519Key::from_pkcs8_maybe_unchecked_der(pkcs8).ok()?;
    Some((Algorithm::Ed25519, public, Secret::Ed25519(key)))
}

/// The signers, one per key, ready at start-up.
pub struct Dkim {
    signers: Vec<Signer>,
}

struct Signer {
    key: KeyInfo,
    selector: String,
    domain: String,
    sign: Sign,
}

/// What [`Dkim::records`] and `Debug` show of a key.
struct KeyInfo {
    path: PathBuf,
    algorithm: Algorithm,
    public: Vec<u8>,
}

enum Sign {
    Rsa(DkimSigner<RsaKey<Sha256>, Ready>),
    Ed25519(DkimSigner<Ed25519Key, Ready>),
}

impl fmt::Debug for Dkim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for s in &self.signers {
            list.entry(&format_args!(
                "{} ({}) as s={} d={}",
                s.key.path.display(),
                s.key.algorithm,
                s.selector,
                s.domain
            ));
        }
        list.finish()
    }
}

/// The TXT record a key needs: publish `value` at `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `<selector>._domainkey.<domain>`
    pub name: String,
    /// `v=DKIM1; k=rsa; p=…`
    pub value: String,
    pub path: PathBuf,
    pub algorithm: Algorithm,
}

/// Signing failed: the cryptography backend refused (which aws-lc-rs does not do for a key it
/// loaded, so this is a bug or a broken machine, not bad input).
#[derive(Debug, thiserror::Error)]
#[error("DKIM signing with `{path}` failed: {reason}")]
pub struct SignError {
    path: String,
    reason: String,
}

impl Dkim {
    /// One signer per key, with `selectors[i]` (or the one selector for every key) at
    /// `domain`. The caller has checked the names are DNS names and the counts match.
    pub fn new(keys: Vec<Key>, selectors: &[String], domain: &str) -> Dkim {
        let signers = keys
            .into_iter()
            .enumerate()
            .map(|(i, key)| {
                let selector = selectors
                    .get(i)
                    .or(selectors.first())
                    .cloned()
                    .unwrap_or_default();
                let info = KeyInfo {
                    path: key.path,
                    algorithm: key.algorithm,
                    public: key.public,
                };
                let sign = match key.secret {
                    Secret::Rsa(k) => Sign::Rsa(
                        DkimSigner::from_key(k)
                            .domain(domain)
                            .selector(&selector)
                            .headers(SIGNED_HEADERS),
                    ),
                    Secret::Ed25519(k) => Sign::Ed25519(
                        DkimSigner::from_key(k)
                            .domain(domain)
                            .selector(&selector)
                            .headers(SIGNED_HEADERS),
                    ),
                };
                Signer {
                    key: info,
                    selector,
                    domain: domain.to_owned(),
                    sign,
                }
            })
            .collect();
        Dkim { signers }
    }

    /// The `DKIM-Signature` header fields for `message` (a whole RFC 5322 message), one per
    /// key in the order the keys were given, each ending in CRLF: put them in front of the
    /// message. Each signature covers the message without the others (no signature signs
    /// another), so either verifies on its own. The `t=` tag is the signing time.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let mut out = Vec::with_capacity(self.signers.len() * 512);
        for s in &self.signers {
            let signed = match &s.sign {
                Sign::Rsa(signer) => signer.sign(message),
                Sign::Ed25519(signer) => signer.sign(message),
            };
            let signature = signed.map_err(|e| SignError {
                path: s.key.path.display().to_string(),
                reason: e.to_string(),
            })?;
            signature.write_header(&mut out);
        }
        Ok(out)
    }

    /// The DNS records to publish, one per key.
    pub fn records(&self) -> Vec<Record> {
        use base64::Engine;
        self.signers
            .iter()
            .map(|s| Record {
                name: format!("{}._domainkey.{}", s.selector, s.domain),
                value: format!(
                    "v=DKIM1; k={}; p={}",
                    s.key.algorithm.record_tag(),
                    base64::engine::general_purpose::STANDARD.encode(&s.key.public)
                ),
                path: s.key.path.clone(),
                algorithm: s.key.algorithm,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
