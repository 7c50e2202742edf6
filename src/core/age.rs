//! age encryption (age-encryption.org/v1) to X25519 recipients, so that a backup archive can
//! sit in CI artefacts or object storage and be opened only with the matching identity. The
//! files are age's own: `age -d -i KEY` opens what `Encryptor` writes, and `Decryptor` opens
//! what `age -r age1…` writes. Only the X25519 recipient type is implemented; stanzas of
//! other types are passed over, as the format asks.
//!
//! Primitives: X25519 from x25519-dalek (ring takes no static private key), and
//! ChaCha20-Poly1305, HKDF-SHA-256, HMAC-SHA-256 and randomness from ring.

use std::io::{self, BufRead, Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};

/// How every age file starts; the version follows.
pub const MAGIC: &[u8] = b"age-encryption.org/";
const VERSION_LINE: &[u8] = b"age-encryption.org/v1\n";
/// ASCII-armored age (`age -a`).
const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
const ARMOR_END: &str = "-----END AGE ENCRYPTED FILE-----";
const X25519_INFO: &[u8] = b"age-encryption.org/v1/X25519";
const RECIPIENT_HRP: &str = "age";
const IDENTITY_HRP: &str = "age-secret-key-";
/// Plaintext bytes per payload chunk; each chunk carries a 16-byte tag.
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
/// Bytes `looks_encrypted` wants to see.
pub const SNIFF: usize = ARMOR_BEGIN.len();
/// A header line longer than this is not age (the longest native stanza argument is
/// about 1,500 characters).
const MAX_LINE: usize = 8 * 1024;
const MAX_HEADER: usize = 1 << 20;

/// Whether a file starting with `head` is age-encrypted (binary or armored).
pub fn looks_encrypted(head: &[u8]) -> bool {
    head.starts_with(MAGIC) || head.starts_with(ARMOR_BEGIN)
}

/// An X25519 public key, `age1…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient([u8; 32]);

impl Recipient {
    /// `text` as an age X25519 recipient, or why not (a sentence fragment).
    pub fn parse(text: &str) -> Result<Recipient, String> {
        let text = text.trim();
        if text.starts_with("age1pq1") || text.starts_with("age1tag") {
            return Err("post-quantum and hardware-key age recipients are not supported; use an X25519 key (`age-keygen` without -pq)".into());
        }
        if text.starts_with("ssh-") {
            return Err("SSH keys are not supported; use an age X25519 key (`age-keygen`)".into());
        }
        if !text.starts_with("age1") {
            return Err(
                "an age recipient starts with age1 (`age-keygen -y KEYFILE` prints it)".into(),
            );
        }
        let key = bech32_key(text, RECIPIENT_HRP, false)?;
        Ok(Recipient(key))
    }

    pub fn encode(&self) -> String {
        bech32_encode(RECIPIENT_HRP, &self.0)
    }
}

/// An X25519 private key, `AGE-SECRET-KEY-1…`.
pub struct Identity {
    secret: x25519_dalek::StaticSecret,
}

/// Shows the public half only: a secret key never reaches a log.
impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identity(for {})", self.recipient().encode())
    }
}

impl Identity {
    /// A new key (k0smotron reads keys; the tests make them).
    #[cfg(test)]
    pub fn generate() -> Identity {
        Identity {
            secret: x25519_dalek::StaticSecret::from(random::<32>()),
        }
    }

    fn parse(text: &str) -> Result<Identity, String> {
        Ok(Identity {
            secret: x25519_dalek::StaticSecret::from(bech32_key(text, IDENTITY_HRP, true)?),
        })
    }

    /// Every identity in an identity file as `age-keygen` writes it (one key per line; blank
    /// lines and `#` comments ignored), or why not, naming the line.
    pub fn parse_file(text: &str) -> Result<Vec<Identity>, String> {
        let mut found = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let n = n + 1;
            if line.starts_with("AGE-PLUGIN-") || line.starts_with("AGE-SECRET-KEY-PQ-") {
                return Err(format!(
                    "line {n}: only X25519 identities (AGE-SECRET-KEY-1…) are supported"
                ));
            }
            if !line.starts_with("AGE-SECRET-KEY-1") {
                return Err(format!(
                    "line {n}: not an age identity (AGE-SECRET-KEY-1…, as age-keygen writes it)"
                ));
            }
            found.push(Identity::parse(line).map_err(|e| format!("line {n}: {e}"))?);
        }
        if found.is_empty() {
            return Err("holds no age identity (AGE-SECRET-KEY-1…)".into());
        }
        Ok(found)
    }

    pub fn recipient(&self) -> Recipient {
        Recipient(x25519_dalek::PublicKey::from(&self.secret).to_bytes())
    }

    #[cfg(test)]
    pub fn encode(&self) -> String {
        bech32_encode(IDENTITY_HRP, self.secret.as_bytes()).to_uppercase()
    }

    /// The file key in an X25519 stanza, if the stanza is addressed to this identity.
    fn unwrap(&self, share: &[u8; 32], body: &[u8]) -> Option<[u8; 16]> {
        let shared = self
            .secret
            .diffie_hellman(&x25519_dalek::PublicKey::from(*share));
        if shared.as_bytes() == &[0u8; 32] {
            return None;
        }
        let salt = [share.as_slice(), &self.recipient().0].concat();
        let key = hkdf32(shared.as_bytes(), &salt, X25519_INFO);
        let mut body = body.to_vec();
        let opened = aead(&key).open_in_place(
            Nonce::assume_unique_for_key([0; 12]),
            Aad::empty(),
            &mut body,
        );
        opened.ok()?.try_into().ok()
    }
}

fn bech32_key(text: &str, hrp: &str, secret: bool) -> Result<[u8; 32], String> {
    let what = if secret { "identity" } else { "recipient" };
    let checked = bech32::primitives::decode::CheckedHrpstring::new::<bech32::Bech32>(text)
        .map_err(|e| format!("not a valid {what} ({e})"))?;
    if checked.hrp().to_lowercase() != hrp {
        return Err(format!("not an age {what} (prefix {})", checked.hrp()));
    }
    let bytes: Vec<u8> = checked.byte_iter().collect();
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| format!("not an X25519 {what} ({} bytes, not 32)", b.len()))
}

fn bech32_encode(hrp: &str, key: &[u8; 32]) -> String {
    let hrp = bech32::Hrp::parse(hrp).expect("a valid human-readable part");
    bech32::encode::<bech32::Bech32>(hrp, key).expect("32 bytes fit bech32")
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the operating system's random number generator");
    bytes
}

fn hkdf32(ikm: &[u8], salt: &[u8], info: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    hkdf::Salt::new(hkdf::HKDF_SHA256, salt)
        .extract(ikm)
        .expand(&[info], hkdf::HKDF_SHA256)
        .and_then(|okm| okm.fill(&mut out))
        .expect("32 bytes is a valid HKDF-SHA-256 length");
    out
}

fn aead(key: &[u8; 32]) -> LessSafeKey {
    LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, key).expect("a 32-byte key"))
}

fn header_mac(file_key: &[u8; 16]) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, &hkdf32(file_key, &[], b"header"))
}

/// The 12-byte nonce of payload chunk `counter`: an 11-byte big-endian counter, then 1 for
/// the last chunk.
fn chunk_nonce(counter: u64, last: bool) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&counter.to_be_bytes());
    nonce[11] = u8::from(last);
    Nonce::assume_unique_for_key(nonce)
}

/// Writes an age file to `out`: the header at once, then the payload a 64 KiB chunk at a
/// time. `finish` writes the last chunk; a file never finished cannot be opened.
pub struct Encryptor<W: Write> {
    out: W,
    key: LessSafeKey,
    counter: u64,
    buf: Vec<u8>,
}

impl<W: Write> Encryptor<W> {
    pub fn new(mut out: W, recipients: &[Recipient]) -> io::Result<Encryptor<W>> {
        assert!(!recipients.is_empty(), "encrypting to nobody");
        let file_key = random::<16>();
        let mut header = VERSION_LINE.to_vec();
        for recipient in recipients {
            let ephemeral = x25519_dalek::StaticSecret::from(random::<32>());
            let share = x25519_dalek::PublicKey::from(&ephemeral).to_bytes();
            let shared = ephemeral.diffie_hellman(&x25519_dalek::PublicKey::from(recipient.0));
            let salt = [share.as_slice(), &recipient.0].concat();
            let key = hkdf32(shared.as_bytes(), &salt, X25519_INFO);
            let mut body = file_key.to_vec();
            aead(&key)
                .seal_in_place_append_tag(
                    Nonce::assume_unique_for_key([0; 12]),
                    Aad::empty(),
                    &mut body,
                )
                .map_err(|_| io::Error::other("sealing the file key"))?;
            header.extend_from_slice(format!("-> X25519 {}\n", B64.encode(share)).as_bytes());
            let body = B64.encode(&body);
            for line in body.as_bytes().chunks(64) {
                header.extend_from_slice(line);
                header.push(b'\n');
            }
            // The body ends with a line shorter than 64 columns, empty if need be.
            if body.len().is_multiple_of(64) {
                header.push(b'\n');
            }
        }
        header.extend_from_slice(b"---");
        let mac = hmac::sign(&header_mac(&file_key), &header);
        header.extend_from_slice(format!(" {}\n", B64.encode(mac.as_ref())).as_bytes());
        let nonce = random::<16>();
        out.write_all(&header)?;
        out.write_all(&nonce)?;
        Ok(Encryptor {
            out,
            key: aead(&hkdf32(&file_key, &nonce, b"payload")),
            counter: 0,
            buf: Vec::with_capacity(CHUNK + TAG),
        })
    }

    fn seal(&mut self, last: bool) -> io::Result<()> {
        let nonce = chunk_nonce(self.counter, last);
        self.key
            .seal_in_place_append_tag(nonce, Aad::empty(), &mut self.buf)
            .map_err(|_| io::Error::other("sealing a payload chunk"))?;
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.counter += 1;
        Ok(())
    }

    /// Seal what is left as the last chunk; the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        self.seal(true)?;
        Ok(self.out)
    }
}

impl<W: Write> Write for Encryptor<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        // A full chunk is sealed only once more data comes: the last one is marked.
        if self.buf.len() == CHUNK {
            self.seal(false)?;
        }
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Why an age file could not be opened.
#[derive(Debug, PartialEq, Eq)]
pub enum OpenError {
    /// None of the identities is one it was encrypted to.
    NotForUs { x25519_stanzas: usize },
    /// Encrypted with a passphrase (`age -p`).
    Passphrase,
    /// Not age v1, or a header that does not parse or authenticate.
    Damaged(String),
    /// The underlying read failed.
    Io(String),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::NotForUs { x25519_stanzas: 0 } => write!(
                f,
                "it is encrypted to no X25519 recipient (another age recipient type); decrypt it with `age -d` first"
            ),
            OpenError::NotForUs { x25519_stanzas } => write!(
                f,
                "it is encrypted to {}, and none of the given identities is one of them",
                super::count(*x25519_stanzas as i64, "other recipient")
            ),
            OpenError::Passphrase => write!(
                f,
                "it is encrypted with a passphrase (age -p); decrypt it with `age -d` first"
            ),
            OpenError::Damaged(why) => write!(f, "its age header is damaged ({why})"),
            OpenError::Io(why) => write!(f, "reading it: {why}"),
        }
    }
}

/// Reads an age file, checking each 64 KiB chunk as it comes: a changed or missing byte
/// anywhere is an `InvalidData` error from `read`, never silently different plaintext.
pub struct Decryptor<R: BufRead> {
    input: R,
    key: LessSafeKey,
    counter: u64,
    /// The current chunk's plaintext, and how much of it was read.
    plain: Vec<u8>,
    at: usize,
    done: bool,
}

fn damaged(why: impl Into<String>) -> OpenError {
    OpenError::Damaged(why.into())
}

/// One header line, newline included, at most `MAX_LINE` bytes.
fn header_line(input: &mut impl BufRead, header: &mut Vec<u8>) -> Result<Vec<u8>, OpenError> {
    let mut line = Vec::new();
    input
        .by_ref()
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line)
        .map_err(|e| OpenError::Io(e.to_string()))?;
    if !line.ends_with(b"\n") {
        return Err(damaged("a header line is cut short or too long"));
    }
    header.extend_from_slice(&line);
    if header.len() > MAX_HEADER {
        return Err(damaged("the header is too long"));
    }
    line.pop();
    Ok(line)
}

fn decode_b64(text: &[u8], what: &str) -> Result<Vec<u8>, OpenError> {
    B64.decode(text)
        .map_err(|_| damaged(format!("{what} is not canonical unpadded base64")))
}

/// Read the header of the age file `input` and find its file key with one of
/// `identities`. Armored input is read whole and decoded first.
pub fn open<'a, R: BufRead + 'a>(
    mut input: R,
    identities: &[Identity],
) -> Result<Decryptor<Box<dyn BufRead + 'a>>, OpenError> {
    let armored = input
        .fill_buf()
        .map_err(|e| OpenError::Io(e.to_string()))?
        .starts_with(ARMOR_BEGIN);
    let input: Box<dyn BufRead + 'a> = if armored {
        let mut text = String::new();
        input
            .read_to_string(&mut text)
            .map_err(|_| damaged("the armor is not text"))?;
        Box::new(io::Cursor::new(dearmor(&text)?))
    } else {
        Box::new(input)
    };
    Decryptor::open_binary(input, identities)
}

impl<R: BufRead> Decryptor<R> {
    fn open_binary(mut input: R, identities: &[Identity]) -> Result<Decryptor<R>, OpenError> {
        let mut header = Vec::new();
        let version = header_line(&mut input, &mut header)?;
        if !version.starts_with(MAGIC) {
            return Err(damaged("it does not start with age-encryption.org/"));
        }
        if version != VERSION_LINE[..VERSION_LINE.len() - 1] {
            return Err(damaged(format!(
                "{} is an age version this build does not read",
                String::from_utf8_lossy(&version)
            )));
        }
        let mut file_key = None;
        let mut x25519_stanzas = 0;
        let mut passphrase = false;
        let mac = loop {
            let line = header_line(&mut input, &mut header)?;
            if let Some(mac) = line.strip_prefix(b"--- ") {
                break mac.to_vec();
            }
            let Some(args) = line.strip_prefix(b"-> ") else {
                return Err(damaged("a line is neither a stanza nor the MAC"));
            };
            let args: Vec<&[u8]> = args.split(|b| *b == b' ').collect();
            if args.iter().any(|a| a.is_empty()) {
                return Err(damaged("a stanza has an empty argument"));
            }
            let mut body = Vec::new();
            loop {
                let line = header_line(&mut input, &mut header)?;
                if line.len() > 64 {
                    return Err(damaged("a stanza body line is longer than 64 columns"));
                }
                body.extend_from_slice(&line);
                if line.len() < 64 {
                    break;
                }
            }
            let body = decode_b64(&body, "a stanza body")?;
            match args[0] {
                b"X25519" => {
                    x25519_stanzas += 1;
                    if args.len() != 2 {
                        return Err(damaged("an X25519 stanza has other than two arguments"));
                    }
                    let share: [u8; 32] = decode_b64(args[1], "an X25519 share")?
                        .try_into()
                        .map_err(|_| damaged("an X25519 share is not 32 bytes"))?;
                    if body.len() != 32 {
                        return Err(damaged("an X25519 stanza body is not 32 bytes"));
                    }
                    if file_key.is_none() {
                        file_key = identities.iter().find_map(|id| id.unwrap(&share, &body));
                    }
                }
                b"scrypt" => passphrase = true,
                _ => {}
            }
        };
        let Some(file_key) = file_key else {
            return Err(if passphrase {
                OpenError::Passphrase
            } else {
                OpenError::NotForUs { x25519_stanzas }
            });
        };
        // The MAC covers the header up to and including "---".
        header.truncate(header.len() - mac.len() - 2);
        let mac = decode_b64(&mac, "the header MAC")?;
        hmac::verify(&header_mac(&file_key), &header, &mac)
            .map_err(|_| damaged("its MAC does not match: the header was changed"))?;
        let mut nonce = [0u8; 16];
        input
            .read_exact(&mut nonce)
            .map_err(|_| damaged("the payload is cut short before its nonce"))?;
        Ok(Decryptor {
            input,
            key: aead(&hkdf32(&file_key, &nonce, b"payload")),
            counter: 0,
            plain: Vec::with_capacity(CHUNK + TAG),
            at: 0,
            done: false,
        })
    }

    /// Read and open the next chunk into `plain`. A chunk shorter than a full one, or a full
    /// one with nothing after it, is the last.
    fn next_chunk(&mut self) -> io::Result<()> {
        let invalid = |why: String| io::Error::new(io::ErrorKind::InvalidData, why);
        self.plain.clear();
        self.at = 0;
        let got = (&mut self.input)
            .take((CHUNK + TAG) as u64)
            .read_to_end(&mut self.plain)?;
        let last = got < CHUNK + TAG || self.input.fill_buf()?.is_empty();
        if got < TAG || (last && got == TAG && self.counter > 0) {
            return Err(invalid(format!(
                "age payload chunk {} is cut short: the file is incomplete",
                self.counter
            )));
        }
        let nonce = chunk_nonce(self.counter, last);
        let n = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut self.plain)
            .map_err(|_| {
                invalid(format!(
                    "age payload chunk {} does not authenticate: the file was changed or cut short",
                    self.counter
                ))
            })?
            .len();
        self.plain.truncate(n);
        self.counter += 1;
        self.done = last;
        Ok(())
    }
}

impl<R: BufRead> Read for Decryptor<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        let n = out.len().min(self.plain.len() - self.at);
        out[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The binary age file inside `age -a` armor.
fn dearmor(text: &str) -> Result<Vec<u8>, OpenError> {
    let text = text.trim();
    let body = text
        .strip_prefix(std::str::from_utf8(ARMOR_BEGIN).expect("ASCII"))
        .and_then(|t| t.strip_suffix(ARMOR_END))
        .ok_or_else(|| damaged("the armor has no END line"))?;
    let joined: String = body.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(joined)
        .map_err(|_| damaged("the armor is not base64"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encrypt(plain: &[u8], to: &[Recipient]) -> Vec<u8> {
        let mut enc = Encryptor::new(Vec::new(), to).unwrap();
        // Uneven writes: chunk boundaries must not depend on how the data is handed in.
        for piece in plain.chunks(7_777) {
            enc.write_all(piece).unwrap();
        }
        enc.finish().unwrap()
    }

    fn decrypt(file: &[u8], with: &[Identity]) -> Result<Vec<u8>, String> {
        let mut dec = open(file, with).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        dec.read_to_end(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }

    #[test]
    fn round_trips_at_every_chunk_boundary() {
        let id = Identity::generate();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 5] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let file = encrypt(&plain, &[id.recipient()]);
            let chunks = len.div_ceil(CHUNK).max(1);
            assert!(file.len() > len + chunks * TAG);
            assert_eq!(
                decrypt(&file, std::slice::from_ref(&id)).unwrap(),
                plain,
                "length {len}"
            );
        }
    }

    #[test]
    fn keys_round_trip_through_their_text() {
        let id = Identity::generate();
        let text = id.encode();
        assert!(
            text.starts_with("AGE-SECRET-KEY-1") && text.len() == 74,
            "{text}"
        );
        let parsed = Identity::parse_file(&format!(
            "# created: now\n# public key: {}\n{text}\n",
            id.recipient().encode()
        ))
        .unwrap();
        assert_eq!(parsed[0].recipient(), id.recipient());
        let recipient = id.recipient().encode();
        assert!(
            recipient.starts_with("age1") && recipient.len() == 62,
            "{recipient}"
        );
        assert_eq!(Recipient::parse(&recipient).unwrap(), id.recipient());
    }

    #[test]
    fn the_spec_example_keys_match() {
        // The X25519 identity and recipient given as examples in the age specification.
        let id = Identity::parse_file(
            "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX",
        )
        .unwrap();
        assert_eq!(
            id[0].recipient().encode(),
            "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"
        );
    }

    #[test]
    fn any_of_several_recipients_opens_it_and_others_do_not() {
        let (a, b, c) = (
            Identity::generate(),
            Identity::generate(),
            Identity::generate(),
        );
        let file = encrypt(b"data", &[a.recipient(), b.recipient()]);
        assert_eq!(decrypt(&file, &[b]).unwrap(), b"data");
        let err = decrypt(&file, &[c]).unwrap_err();
        assert!(err.contains("encrypted to 2 other recipients"), "{err}");
        assert_eq!(decrypt(&file, &[Identity::generate(), a]).unwrap(), b"data");
    }

    #[test]
    fn a_changed_or_missing_byte_anywhere_is_found() {
        let id = Identity::generate();
        let plain: Vec<u8> = (0..CHUNK + 100).map(|i| i as u8).collect();
        let file = encrypt(&plain, &[id.recipient()]);
        for at in (0..file.len()).step_by(997).chain([file.len() - 1]) {
            let mut bad = file.clone();
            bad[at] ^= 0x20;
            assert!(
                decrypt(&bad, &[Identity::parse(&id.encode()).unwrap()]).is_err(),
                "flipped byte {at} passed"
            );
        }
        for cut in [
            file.len() - 1,
            file.len() - 100 - TAG,
            CHUNK + TAG + 200,
            150,
        ] {
            assert!(
                decrypt(&file[..cut], &[Identity::parse(&id.encode()).unwrap()]).is_err(),
                "cut at {cut} passed"
            );
        }
        // Cut exactly after the first (full, non-final) chunk.
        let header_len = file.len() - (CHUNK + TAG) - (100 + TAG);
        let err = decrypt(&file[..header_len + CHUNK + TAG], &[id]).unwrap_err();
        assert!(err.contains("chunk 0"), "{err}");
    }

    #[test]
    fn armor_and_bad_recipients() {
        let id = Identity::generate();
        let file = encrypt(b"armored", &[id.recipient()]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&file);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let armored = format!(
            "-----BEGIN AGE ENCRYPTED FILE-----\n{}\n-----END AGE ENCRYPTED FILE-----\n",
            lines.join("\n")
        );
        assert!(looks_encrypted(armored.as_bytes()) && looks_encrypted(&file));
        assert_eq!(decrypt(armored.as_bytes(), &[id]).unwrap(), b"armored");
        for bad in [
            "",
            "age1",
            "AGE1xyz",
            "ssh-ed25519 AAAA",
            "age1pq1abc",
            "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwx",
        ] {
            assert!(Recipient::parse(bad).is_err(), "{bad:?} passed");
        }
        assert!(
            Identity::parse_file("# nothing\n")
                .unwrap_err()
                .contains("no age identity")
        );
        assert!(
            Identity::parse_file("hello\n")
                .unwrap_err()
                .contains("line 1")
        );
    }
}
