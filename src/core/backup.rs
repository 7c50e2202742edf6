//! The backup archive: a gzip-compressed tar (`tar tzf` lists it) holding, in this order,
//! `backup.json` (what the archive is: format and version, the control plane, when, what
//! data), the record's data under `record/`, the certificate authorities and the
//! service-account key under `identity/SUFFIX/` (the `NAME-SUFFIX` Secrets), and the data:
//! `data/etcd.snapshot`, as `etcdctl snapshot save` wrote it, or `data/kine.db`, kine's
//! SQLite database. The manifest comes first, so a reader learns the format version before
//! anything else.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const FORMAT: &str = "k0smotron.io/backup";
/// Bumped whenever a reader of the previous version could misread an archive.
pub const VERSION: u32 = 1;
pub const MANIFEST: &str = "backup.json";
pub const SNAPSHOT: &str = "data/etcd.snapshot";
pub const KINE_DB: &str = "data/kine.db";
/// The certificate Secrets (`NAME-SUFFIX`) that make a control plane the same identity: the
/// cluster CA, the front-proxy CA, the etcd CA and the service-account key. Leaf
/// certificates are issued again from them.
pub const IDENTITY: [&str; 4] = ["ca", "proxy", "etcd", "sa"];

/// What the archive is, as `backup.json` (camelCase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// RFC 3339.
    pub taken_at: String,
    pub k0smotron_version: String,
    pub name: String,
    pub namespace: String,
    /// `etcd` or `kine`, as recorded.
    pub storage: String,
    pub data: Data,
}

/// Where the control plane's data is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Data {
    /// An etcd snapshot, taken in `member`, at `file` in the archive.
    #[serde(rename_all = "camelCase")]
    EtcdSnapshot {
        file: String,
        member: String,
        bytes: u64,
        /// SHA-256 of the whole file, hex.
        sha256: String,
        revision: i64,
        total_keys: i64,
    },
    /// kine's SQLite database, copied in the controller pod `pod` (`k0s backup`: SQLite's
    /// `VACUUM INTO`), at `file` in the archive.
    #[serde(rename_all = "camelCase")]
    KineSqlite {
        file: String,
        pod: String,
        bytes: u64,
        /// SHA-256 of the whole file, hex.
        sha256: String,
    },
    /// Kept by someone else (an external database): not in the archive.
    #[serde(rename_all = "camelCase")]
    NotIncluded { reason: String },
}

impl Data {
    /// The data entry in the archive, its size and SHA-256, when there is one.
    pub fn file(&self) -> Option<(&str, u64, &str)> {
        match self {
            Data::EtcdSnapshot {
                file,
                bytes,
                sha256,
                ..
            }
            | Data::KineSqlite {
                file,
                bytes,
                sha256,
                ..
            } => Some((file, *bytes, sha256)),
            Data::NotIncluded { .. } => None,
        }
    }
}

/// What `etcdutl snapshot status -w json` says of a snapshot.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotStatus {
    pub hash: u64,
    pub revision: i64,
    pub total_key: i64,
    pub total_size: u64,
}

/// The last line of `text` that parses as a snapshot status (etcdutl may log before it).
pub fn snapshot_status(text: &str) -> Option<SnapshotStatus> {
    text.lines()
        .rev()
        .find_map(|l| serde_json::from_str(l.trim()).ok())
}

/// Checks a snapshot as it streams by: etcd appends the SHA-256 of the database (whose size
/// is a multiple of 512) to a snapshot, and `etcdutl snapshot restore` refuses a file whose
/// hash does not match. Checking here finds a transfer that lost or changed bytes before the
/// archive is written.
#[derive(Default)]
struct SnapshotCheck {
    body: Sha256,
    whole: Sha256,
    /// The last 32 bytes seen: the hash, once the stream ends.
    tail: Vec<u8>,
    bytes: u64,
}

/// A data file that passed its check: its size and the SHA-256 of the whole file (hex).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedData {
    pub bytes: u64,
    pub sha256: String,
}

const HASH_LEN: usize = 32;

impl SnapshotCheck {
    pub fn update(&mut self, chunk: &[u8]) {
        self.whole.update(chunk);
        self.bytes += chunk.len() as u64;
        self.tail.extend_from_slice(chunk);
        if self.tail.len() > HASH_LEN {
            let done = self.tail.len() - HASH_LEN;
            self.body.update(&self.tail[..done]);
            self.tail.drain(..done);
        }
    }

    pub fn finish(self) -> Result<CheckedData, String> {
        if self.bytes % 512 != HASH_LEN as u64 {
            return Err(format!(
                "the etcd snapshot ({} bytes) does not end with etcd's integrity hash: it was cut short or is not a snapshot",
                self.bytes
            ));
        }
        if self.body.finalize().as_slice() != self.tail.as_slice() {
            return Err(
                "the etcd snapshot does not match its integrity hash: bytes were changed on the way"
                    .into(),
            );
        }
        Ok(CheckedData {
            bytes: self.bytes,
            sha256: hex(&self.whole.finalize()),
        })
    }
}

/// Checks a SQLite database as it streams by: its header (the magic string, a page size
/// SQLite can have) and its size, a whole number of pages, and exactly the pages the header
/// counts when the header says that count is current. A copy cut short or not SQLite at
/// all is found before the archive is written or read.
#[derive(Default)]
struct SqliteCheck {
    whole: Sha256,
    header: Vec<u8>,
    bytes: u64,
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const SQLITE_HEADER: usize = 100;

impl SqliteCheck {
    pub fn update(&mut self, chunk: &[u8]) {
        self.whole.update(chunk);
        self.bytes += chunk.len() as u64;
        let want = SQLITE_HEADER
            .saturating_sub(self.header.len())
            .min(chunk.len());
        self.header.extend_from_slice(&chunk[..want]);
    }

    pub fn finish(self) -> Result<CheckedData, String> {
        let h = &self.header;
        if h.len() < SQLITE_HEADER || !h.starts_with(SQLITE_MAGIC) {
            return Err(format!(
                "kine's database ({} bytes) is not a SQLite database",
                self.bytes
            ));
        }
        let be32 = |at: usize| u32::from_be_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]]);
        let page = match u16::from_be_bytes([h[16], h[17]]) {
            1 => 65536,
            n if n >= 512 && n.is_power_of_two() => u64::from(n),
            n => {
                return Err(format!(
                    "kine's database names page size {n}, which SQLite never uses"
                ));
            }
        };
        let pages = u64::from(be32(28));
        // The page count is current when the change counter equals "version valid for".
        let counted = be32(24) == be32(92) && pages > 0;
        if !self.bytes.is_multiple_of(page) || (counted && self.bytes != pages * page) {
            return Err(format!(
                "kine's database is {} bytes, and its header says {} pages of {page}: it was cut short",
                self.bytes,
                if counted {
                    pages.to_string()
                } else {
                    "whole".into()
                }
            ));
        }
        Ok(CheckedData {
            bytes: self.bytes,
            sha256: hex(&self.whole.finalize()),
        })
    }
}

/// The check of a data file: by its kind, or by its name in the archive.
pub struct DataCheck(Check);

enum Check {
    Etcd(SnapshotCheck),
    Sqlite(SqliteCheck),
}

impl DataCheck {
    pub fn etcd() -> DataCheck {
        DataCheck(Check::Etcd(SnapshotCheck::default()))
    }

    pub fn sqlite() -> DataCheck {
        DataCheck(Check::Sqlite(SqliteCheck::default()))
    }

    fn for_entry(path: &str) -> Option<DataCheck> {
        match path {
            SNAPSHOT => Some(DataCheck::etcd()),
            KINE_DB => Some(DataCheck::sqlite()),
            _ => None,
        }
    }

    pub fn update(&mut self, chunk: &[u8]) {
        match &mut self.0 {
            Check::Etcd(c) => c.update(chunk),
            Check::Sqlite(c) => c.update(chunk),
        }
    }

    pub fn finish(self) -> Result<CheckedData, String> {
        match self.0 {
            Check::Etcd(c) => c.finish(),
            Check::Sqlite(c) => c.finish(),
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The archive's default file name: the control plane and the time, sortable.
pub fn default_file_name(name: &str, taken_at: time::OffsetDateTime) -> String {
    let t = taken_at;
    format!(
        "{name}-{:04}{:02}{:02}T{:02}{:02}{:02}Z.backup.tar.gz",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// What goes into an archive besides the data.
pub struct Contents<'a> {
    pub manifest: &'a Manifest,
    /// The record ConfigMap's data.
    pub record: &'a BTreeMap<String, String>,
    /// `(SUFFIX, data)` of each identity Secret.
    pub identity: &'a [(String, BTreeMap<String, Vec<u8>>)],
}

/// Write the archive to `out`; `data` is the data file the manifest names, when there is
/// one (its size given, as tar needs it first). Every entry is mode 0600 and dated `taken`.
pub fn write<W: Write>(
    out: W,
    contents: &Contents,
    data: Option<(&mut dyn Read, u64)>,
    taken: time::OffsetDateTime,
) -> std::io::Result<W> {
    let gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let mtime = taken.unix_timestamp().max(0) as u64;
    let add = |tar: &mut tar::Builder<_>, path: &str, size: u64, data: &mut dyn Read| {
        let mut header = tar::Header::new_gnu();
        header.set_size(size);
        header.set_mode(0o600);
        header.set_mtime(mtime);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, path, data)
    };
    let manifest = serde_json::to_vec_pretty(contents.manifest).map_err(std::io::Error::other)?;
    add(
        &mut tar,
        MANIFEST,
        manifest.len() as u64,
        &mut manifest.as_slice(),
    )?;
    for (key, value) in contents.record {
        add(
            &mut tar,
            &format!("record/{key}"),
            value.len() as u64,
            &mut value.as_bytes(),
        )?;
    }
    for (suffix, data) in contents.identity {
        for (key, value) in data {
            add(
                &mut tar,
                &format!("identity/{suffix}/{key}"),
                value.len() as u64,
                &mut value.as_slice(),
            )?;
        }
    }
    if let (Some((data, size)), Some((file, _, _))) = (data, contents.manifest.data.file()) {
        add(&mut tar, file, size, data)?;
    }
    tar.into_inner()?.finish()
}

/// What an archive holds besides the data, as `read` found it.
#[derive(Debug)]
pub struct Archive {
    pub manifest: Manifest,
    pub record: BTreeMap<String, String>,
    pub identity: Vec<(String, BTreeMap<String, Vec<u8>>)>,
}

/// Read an archive from `input` (as `write` makes it), handing the data file's bytes to
/// `snapshot` as they come. Refused, with the reason: not gzip or not tar (damaged), cut
/// short, a manifest that is not first or not ours, a version this build does not know, a
/// data file that does not match the manifest or fails its own check (etcd's hash,
/// SQLite's header), a missing identity.
pub fn read(
    input: impl Read,
    snapshot: &mut dyn Write,
) -> Result<(Archive, Option<CheckedData>), String> {
    let damaged = |e: std::io::Error| format!("it is damaged or cut short ({e})");
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(input));
    let mut manifest: Option<Manifest> = None;
    let mut record = BTreeMap::new();
    let mut identity: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    let mut checked = None;
    for entry in tar.entries().map_err(damaged)? {
        let mut entry = entry.map_err(damaged)?;
        let path = entry
            .path()
            .map_err(damaged)?
            .to_string_lossy()
            .into_owned();
        if manifest.is_none() {
            if path != MANIFEST {
                return Err(format!(
                    "it does not start with {MANIFEST} (found {path}): not a k0smotron backup"
                ));
            }
            let mut body = Vec::new();
            entry.read_to_end(&mut body).map_err(damaged)?;
            manifest = Some(parse_manifest(&body)?);
            continue;
        }
        if let Some(mut check) = DataCheck::for_entry(&path) {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = entry.read(&mut buf).map_err(damaged)?;
                if n == 0 {
                    break;
                }
                check.update(&buf[..n]);
                snapshot
                    .write_all(&buf[..n])
                    .map_err(|e| format!("keeping {path}: {e}"))?;
            }
            checked = Some(check.finish()?);
            continue;
        }
        let mut body = Vec::new();
        entry.read_to_end(&mut body).map_err(damaged)?;
        if let Some(key) = path.strip_prefix("record/") {
            let text = String::from_utf8(body).map_err(|_| format!("{path} is not text"))?;
            record.insert(key.to_string(), text);
        } else if let Some((suffix, key)) = path
            .strip_prefix("identity/")
            .and_then(|p| p.split_once('/'))
        {
            identity
                .entry(suffix.to_string())
                .or_default()
                .insert(key.to_string(), body);
        }
        // Entries a later version adds are read past: the version says what must be there.
    }
    // The tar ends before gzip's trailer: read on to it, so its CRC is checked too (a
    // changed byte in a small entry is found only there).
    std::io::copy(&mut tar.into_inner(), &mut std::io::sink()).map_err(damaged)?;
    let manifest = manifest.ok_or("it is empty: not a k0smotron backup")?;
    if !record.contains_key("cluster.yaml") {
        return Err("it holds no record/cluster.yaml".into());
    }
    let mut ordered = Vec::new();
    for suffix in IDENTITY {
        let data = identity
            .remove(suffix)
            .filter(|d| d.contains_key("tls.crt") && d.contains_key("tls.key"))
            .ok_or_else(|| format!("it holds no identity/{suffix}/tls.crt and tls.key"))?;
        for key in ["tls.crt", "tls.key"] {
            if !data[key].starts_with(b"-----BEGIN ") {
                return Err(format!("its identity/{suffix}/{key} is not PEM"));
            }
        }
        if suffix != "sa" {
            let cert = String::from_utf8_lossy(&data["tls.crt"]).into_owned();
            crate::core::pki::not_after(&cert)
                .map_err(|e| format!("its identity/{suffix}/tls.crt: {e}"))?;
        }
        ordered.push((suffix.to_string(), data));
    }
    if let Some((file, bytes, sha256)) = manifest.data.file() {
        let got = checked
            .as_ref()
            .ok_or_else(|| format!("its manifest names {file}, which is missing"))?;
        if got.bytes != bytes || got.sha256 != sha256 {
            return Err(format!(
                "{file} is not the one its manifest describes ({} bytes, SHA-256 {}; the manifest says {bytes}, {sha256})",
                got.bytes, got.sha256
            ));
        }
    }
    Ok((
        Archive {
            manifest,
            record,
            identity: ordered,
        },
        checked,
    ))
}

fn parse_manifest(body: &[u8]) -> Result<Manifest, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("its {MANIFEST} is not JSON ({e})"))?;
    if value["format"] != FORMAT {
        return Err(format!(
            "its {MANIFEST} has format {}, not {FORMAT}: not a k0smotron backup",
            value["format"]
        ));
    }
    match value["version"].as_u64() {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(format!(
                "it is format version {v}; this k0smotron reads version {VERSION} (a newer k0smotron wrote it: use that one)"
            ));
        }
        None => return Err(format!("its {MANIFEST} has no version")),
    }
    serde_json::from_value(value).map_err(|e| format!("its {MANIFEST}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in snapshot: 1024 bytes of "database" and its SHA-256, as etcd ends one.
    fn snapshot() -> Vec<u8> {
        let mut db: Vec<u8> = (0..1024u32).map(|i| (i % 251) as u8).collect();
        let hash = Sha256::digest(&db);
        db.extend_from_slice(&hash);
        db
    }

    fn check(bytes: &[u8], chunk: usize) -> Result<CheckedData, String> {
        let mut c = SnapshotCheck::default();
        for part in bytes.chunks(chunk) {
            c.update(part);
        }
        c.finish()
    }

    fn archive(manifest: &Manifest, snap: &[u8]) -> Vec<u8> {
        let record = BTreeMap::from([("cluster.yaml".to_string(), "spec: {}\n".to_string())]);
        let key =
            crate::core::pki::generate_key(crate::core::pki::KeyAlgorithm::EcdsaP256).unwrap();
        let ca = crate::core::pki::ca(&key, time::OffsetDateTime::now_utc()).unwrap();
        let identity: Vec<_> = IDENTITY
            .iter()
            .map(|s| {
                (
                    s.to_string(),
                    BTreeMap::from([
                        ("tls.crt".to_string(), ca.cert_pem.clone().into_bytes()),
                        ("tls.key".to_string(), ca.key_pem.clone().into_bytes()),
                    ]),
                )
            })
            .collect();
        write(
            Vec::new(),
            &Contents {
                manifest,
                record: &record,
                identity: &identity,
            },
            Some((&mut &snap[..], snap.len() as u64)),
            time::macros::datetime!(2026-12-06 02:45:07 UTC),
        )
        .unwrap()
    }

    fn manifest_for(snap: &[u8]) -> Manifest {
        Manifest {
            format: FORMAT.into(),
            version: VERSION,
            taken_at: "2026-12-06T02:45:07Z".into(),
            k0smotron_version: "0.1.0".into(),
            name: "demo".into(),
            namespace: "ns".into(),
            storage: "etcd".into(),
            data: Data::EtcdSnapshot {
                file: SNAPSHOT.into(),
                member: "kmc-demo-etcd-0".into(),
                bytes: snap.len() as u64,
                sha256: hex(&Sha256::digest(snap)),
                revision: 2,
                total_keys: 1,
            },
        }
    }

    #[test]
    fn what_is_written_reads_back() {
        let snap = snapshot();
        let manifest = manifest_for(&snap);
        let mut out = Vec::new();
        let (read_back, checked) = read(archive(&manifest, &snap).as_slice(), &mut out).unwrap();
        assert_eq!(read_back.manifest, manifest);
        assert_eq!(out, snap);
        assert_eq!(checked.unwrap().bytes, snap.len() as u64);
        assert_eq!(read_back.identity.len(), 4);
        assert_eq!(read_back.record["cluster.yaml"], "spec: {}\n");
    }

    #[test]
    fn damaged_cut_foreign_and_newer_archives_are_refused() {
        let snap = snapshot();
        let good = archive(&manifest_for(&snap), &snap);
        let fails = |bytes: &[u8]| read(bytes, &mut Vec::new()).unwrap_err();
        assert!(fails(&good[..good.len() / 2]).contains("damaged or cut short"));
        assert!(fails(b"not an archive at all").contains("damaged"));
        // Any changed byte is found (gzip's CRC at the latest), past the 10-byte gzip header
        // (whose time and OS fields nothing reads).
        for at in (10..good.len()).step_by(7) {
            let mut flipped = good.clone();
            flipped[at] ^= 0x5a;
            assert!(
                read(flipped.as_slice(), &mut Vec::new()).is_err(),
                "byte {at}"
            );
        }
        let mut newer = manifest_for(&snap);
        newer.version = VERSION + 1;
        assert!(fails(&archive(&newer, &snap)).contains("version 2"));
        let mut other = manifest_for(&snap);
        other.format = "someone.else/backup".into();
        assert!(fails(&archive(&other, &snap)).contains("not a k0smotron backup"));
        let mut wrong_hash = manifest_for(&snap);
        if let Data::EtcdSnapshot { sha256, .. } = &mut wrong_hash.data {
            *sha256 = "00".into();
        }
        assert!(fails(&archive(&wrong_hash, &snap)).contains("not the one its manifest describes"));
    }

    #[test]
    fn a_snapshot_passes_whatever_the_chunks_and_reports_its_size_and_hash() {
        let snap = snapshot();
        let whole = hex(&Sha256::digest(&snap));
        for chunk in [1, 7, 32, 33, 500, 4096] {
            assert_eq!(
                check(&snap, chunk),
                Ok(CheckedData {
                    bytes: 1056,
                    sha256: whole.clone()
                })
            );
        }
    }

    #[test]
    fn a_cut_or_changed_snapshot_fails() {
        let snap = snapshot();
        assert!(check(&snap[..1000], 64).unwrap_err().contains("cut short"));
        let mut changed = snap.clone();
        changed[10] ^= 1;
        assert!(check(&changed, 64).unwrap_err().contains("changed"));
        assert!(check(&[], 64).is_err());
    }

    /// A SQLite database of `pages` pages of 4096 bytes, its header counting them.
    fn sqlite_db(pages: u32) -> Vec<u8> {
        let mut db = vec![0u8; pages as usize * 4096];
        db[..16].copy_from_slice(SQLITE_MAGIC);
        db[16..18].copy_from_slice(&4096u16.to_be_bytes());
        db[24..28].copy_from_slice(&7u32.to_be_bytes());
        db[28..32].copy_from_slice(&pages.to_be_bytes());
        db[92..96].copy_from_slice(&7u32.to_be_bytes());
        db
    }

    fn check_sqlite(db: &[u8], chunk: usize) -> Result<CheckedData, String> {
        let mut c = SqliteCheck::default();
        for piece in db.chunks(chunk) {
            c.update(piece);
        }
        c.finish()
    }

    #[test]
    fn a_sqlite_database_is_checked_by_its_header_and_size() {
        let db = sqlite_db(3);
        for chunk in [1, 50, 99, 100, 4096] {
            assert_eq!(check_sqlite(&db, chunk).unwrap().bytes, 3 * 4096);
        }
        assert!(
            check_sqlite(&db[..8192], 64)
                .unwrap_err()
                .contains("3 pages of 4096")
        );
        assert!(
            check_sqlite(&db[..5000], 64)
                .unwrap_err()
                .contains("cut short")
        );
        assert!(
            check_sqlite(&snapshot(), 64)
                .unwrap_err()
                .contains("not a SQLite database")
        );
        let mut odd = db.clone();
        odd[16..18].copy_from_slice(&1000u16.to_be_bytes());
        assert!(
            check_sqlite(&odd, 64)
                .unwrap_err()
                .contains("page size 1000")
        );
        // A stale page count (the counters differ) is not held against it.
        let mut stale = sqlite_db(3);
        stale[92] = 1;
        stale.truncate(2 * 4096);
        assert!(check_sqlite(&stale, 64).is_ok());
    }

    #[test]
    fn a_kine_database_archive_reads_back_and_is_checked() {
        let db = sqlite_db(2);
        let mut manifest = manifest_for(&db);
        manifest.storage = "kine".into();
        manifest.data = Data::KineSqlite {
            file: KINE_DB.into(),
            pod: "kmc-demo-0".into(),
            bytes: db.len() as u64,
            sha256: hex(&Sha256::digest(&db)),
        };
        let bytes = archive(&manifest, &db);
        let listed: Vec<String> = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()))
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(listed.last().map(String::as_str), Some(KINE_DB));
        let mut out = Vec::new();
        let (read_back, checked) = read(bytes.as_slice(), &mut out).unwrap();
        assert_eq!((read_back.manifest, out), (manifest.clone(), db.clone()));
        assert_eq!(checked.unwrap().bytes, 8192);
        // The database the manifest names, cut to a page: refused by SQLite's header.
        let mut cut = manifest.clone();
        if let Data::KineSqlite { bytes, sha256, .. } = &mut cut.data {
            *bytes = 4096;
            *sha256 = hex(&Sha256::digest(&db[..4096]));
        }
        let err = read(archive(&cut, &db[..4096]).as_slice(), &mut Vec::new()).unwrap_err();
        assert!(err.contains("2 pages of 4096"), "{err}");
    }

    #[test]
    fn etcdutl_status_is_read_from_its_last_json_line() {
        let said = "{\"level\":\"info\",\"msg\":\"x\"}\n{\"hash\":3135336913,\"revision\":12,\"totalKey\":9,\"totalSize\":20480,\"version\":\"3.6.0\"}\n";
        let s = snapshot_status(said).unwrap();
        assert_eq!((s.revision, s.total_key, s.total_size), (12, 9, 20480));
        assert!(snapshot_status("Error: snapshot file not found").is_none());
    }

    #[test]
    fn default_names_sort_by_time() {
        let t = time::macros::datetime!(2026-12-06 02:45:07 UTC);
        assert_eq!(
            default_file_name("ci-42", t),
            "ci-42-20261206T024507Z.backup.tar.gz"
        );
    }

    #[test]
    fn the_archive_lists_the_manifest_first_and_holds_every_part() {
        let snap = snapshot();
        let manifest = manifest_for(&snap);
        let record = BTreeMap::from([("cluster.yaml".to_string(), "spec: {}\n".to_string())]);
        let identity = vec![(
            "ca".to_string(),
            BTreeMap::from([("tls.crt".to_string(), b"CERT".to_vec())]),
        )];
        let out = write(
            Vec::new(),
            &Contents {
                manifest: &manifest,
                record: &record,
                identity: &identity,
            },
            Some((&mut snap.as_slice(), snap.len() as u64)),
            time::macros::datetime!(2026-12-06 02:45:07 UTC),
        )
        .unwrap();
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(out.as_slice()));
        let mut seen = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            assert_eq!(entry.header().mode().unwrap(), 0o600);
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut body = Vec::new();
            entry.read_to_end(&mut body).unwrap();
            if path == MANIFEST {
                let read: Manifest = serde_json::from_slice(&body).unwrap();
                assert_eq!(read, manifest);
            }
            if path == SNAPSHOT {
                assert_eq!(body, snap);
            }
            seen.push(path);
        }
        assert_eq!(
            seen,
            [
                MANIFEST,
                "record/cluster.yaml",
                "identity/ca/tls.crt",
                SNAPSHOT
            ]
        );
    }
}
