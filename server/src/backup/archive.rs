//! The backup file: a gzip-compressed tar holding `manifest.json` first and then one payload
//! (an SQLite copy, a portable export or a pg_dump script). Readable with `tar tzf` by hand.

use super::{BackupError, Manifest, PayloadKind};
use flate2::{Compression, read::GzDecoder, write::GzEncoder};
use sha2::{Digest, Sha256};
use std::{
    fs::File,
    io::{self, BufReader, BufWriter, Read, Write},
    path::{Path, PathBuf},
};

const MANIFEST: &str = "manifest.json";
/// The manifest is small; anything bigger is not ours.
const MANIFEST_MAX: u64 = 4 << 20;

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> BackupError {
    let what = what.into();
    move |source| BackupError::Io { what, source }
}

/// SHA-256 and size of a file.
pub fn sha256_file(path: &Path) -> Result<(String, u64), BackupError> {
    let mut f = File::open(path).map_err(io_err(format!("membaca {}", path.display())))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let got = f
            .read(&mut buf)
            .map_err(io_err(format!("membaca {}", path.display())))?;
        if got == 0 {
            break;
        }
        h.update(&buf[..got]);
        n += got as u64;
    }
    Ok((hex::encode(h.finalize()), n))
}

/// Creates a file only its owner can read (backups hold password hashes and the WAHA key).
fn create_private(path: &Path) -> io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}

/// Writes the archive next to `dest` and renames it into place once complete and synced, so a
/// crash never leaves a half-written file under a backup's name.
pub fn write(dest: &Path, manifest: &Manifest, payload: &Path) -> Result<u64, BackupError> {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let part = dest.with_file_name(format!(".{name}.part"));
    let result = (|| {
        let file = create_private(&part).map_err(io_err(format!("membuat {}", part.display())))?;
        let mut tar = tar::Builder::new(GzEncoder::new(
            BufWriter::with_capacity(1 << 20, file),
            Compression::default(),
        ));
        let json =
            serde_json::to_vec_pretty(manifest).map_err(|e| BackupError::Invalid(e.to_string()))?;
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(manifest.created_at.timestamp().max(0) as u64);
        header.set_cksum();
        let w = io_err("menulis backup");
        tar.append_data(&mut header, MANIFEST, json.as_slice())
            .map_err(w)?;
        let mut payload_file =
            File::open(payload).map_err(io_err(format!("membaca {}", payload.display())))?;
        let mut header = tar::Header::new_gnu();
        header.set_size(manifest.payload_bytes);
        header.set_mode(0o600);
        header.set_mtime(manifest.created_at.timestamp().max(0) as u64);
        header.set_cksum();
        tar.append_data(&mut header, &manifest.payload, &mut payload_file)
            .map_err(io_err("menulis backup"))?;
        let gz = tar.into_inner().map_err(io_err("menulis backup"))?;
        let buf = gz.finish().map_err(io_err("menulis backup"))?;
        let file = buf.into_inner().map_err(|e| BackupError::Io {
            what: "menulis backup".into(),
            source: e.into_error(),
        })?;
        file.sync_all()
            .map_err(io_err("menyimpan backup ke disk"))?;
        let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        std::fs::rename(&part, dest).map_err(io_err(format!("menamai {}", dest.display())))?;
        if let Some(dir) = dest.parent()
            && let Ok(d) = File::open(dir)
        {
            // The rename itself must survive a power cut.
            let _ = d.sync_all();
        }
        Ok(bytes)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result
}

/// Reads the manifest and unpacks the payload into `into`, checking the payload's SHA-256 and
/// the gzip trailer. Any damage or truncation is an error before anything is restored.
pub fn open(file: &Path, into: &Path) -> Result<(Manifest, PathBuf), BackupError> {
    let f = File::open(file).map_err(io_err(format!("membuka {}", file.display())))?;
    let unreadable = |e: io::Error| BackupError::Unreadable(e.to_string());
    let mut archive = tar::Archive::new(GzDecoder::new(BufReader::new(f)));
    let mut manifest: Option<Manifest> = None;
    let mut payload: Option<(PathBuf, String, u64)> = None;
    for entry in archive.entries().map_err(unreadable)? {
        let mut entry = entry.map_err(unreadable)?;
        let path = entry
            .path()
            .map_err(unreadable)?
            .to_string_lossy()
            .into_owned();
        if path == MANIFEST && manifest.is_none() {
            if entry.size() > MANIFEST_MAX {
                return Err(BackupError::Unreadable("manifest terlalu besar".into()));
            }
            let mut s = String::new();
            entry.read_to_string(&mut s).map_err(unreadable)?;
            let m: Manifest = serde_json::from_str(&s)
                .map_err(|e| BackupError::Unreadable(format!("manifest tidak terbaca: {e}")))?;
            m.check_format()?;
            manifest = Some(m);
            continue;
        }
        let Some(m) = &manifest else {
            return Err(BackupError::Unreadable(
                "manifest.json tidak ada di awal arsip".into(),
            ));
        };
        if path != m.payload || payload.is_some() {
            return Err(BackupError::Unreadable(format!(
                "isi tak dikenal di arsip: {path}"
            )));
        }
        // Only our own payload names are written out: no path from the archive is trusted.
        let out_path = into.join(m.kind.payload_name());
        let mut out = File::create(&out_path).map_err(io_err("membongkar backup"))?;
        let mut hashing = HashingWriter {
            inner: &mut out,
            hash: Sha256::new(),
            bytes: 0,
        };
        io::copy(&mut entry, &mut hashing).map_err(unreadable)?;
        let (hash, bytes) = (hex::encode(hashing.hash.finalize()), hashing.bytes);
        out.flush().map_err(io_err("membongkar backup"))?;
        payload = Some((out_path, hash, bytes));
    }
    // The tar's end marker comes before gzip's CRC: read to the end so damage there shows too.
    io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(unreadable)?;
    let manifest = manifest.ok_or_else(|| BackupError::Unreadable("tidak ada manifest".into()))?;
    let (path, hash, bytes) =
        payload.ok_or_else(|| BackupError::Unreadable("isi backup tidak ada".into()))?;
    if bytes != manifest.payload_bytes || hash != manifest.payload_sha256 {
        return Err(BackupError::Corrupt(format!(
            "checksum isi tidak cocok (tercatat {} byte, ditemukan {bytes} byte)",
            manifest.payload_bytes
        )));
    }
    Ok((manifest, path))
}

/// Only the manifest (for listing backups), without unpacking the payload.
pub fn read_manifest(file: &Path) -> Result<Manifest, BackupError> {
    let f = File::open(file).map_err(io_err(format!("membuka {}", file.display())))?;
    let unreadable = |e: io::Error| BackupError::Unreadable(e.to_string());
    let mut archive = tar::Archive::new(GzDecoder::new(BufReader::new(f)));
    let mut first = archive
        .entries()
        .map_err(unreadable)?
        .next()
        .ok_or_else(|| BackupError::Unreadable("arsip kosong".into()))?
        .map_err(unreadable)?;
    if first.path().map_err(unreadable)?.as_os_str() != MANIFEST {
        return Err(BackupError::Unreadable("tidak ada manifest".into()));
    }
    let mut s = String::new();
    (&mut first)
        .take(MANIFEST_MAX)
        .read_to_string(&mut s)
        .map_err(unreadable)?;
    let m: Manifest = serde_json::from_str(&s)
        .map_err(|e| BackupError::Unreadable(format!("manifest tidak terbaca: {e}")))?;
    m.check_format()?;
    Ok(m)
}

struct HashingWriter<'a, W: Write> {
    inner: &'a mut W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl PayloadKind {
    pub fn payload_name(self) -> &'static str {
        match self {
            PayloadKind::Sqlite => "tagih.sqlite",
            PayloadKind::Portable => "data.jsonl",
            PayloadKind::PgDump => "dump.sql",
        }
    }
}
