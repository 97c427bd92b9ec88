//! Reading and writing files safely: a file is read up to a limit (a longer one, or a device
//! that never ends, is an error, not a flood of memory), and written whole or not at all.

use std::io::{Read, Write};
use std::path::Path;

/// Reads everything `reader` holds, up to `limit` bytes; more is an error of kind
/// [`std::io::ErrorKind::FileTooLarge`] ("it is longer than the limit of N bytes").
pub fn read_limited(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("it is longer than the limit of {limit} bytes"),
        ));
    }
    Ok(bytes)
}

/// Reads a file up to `limit` bytes (see [`read_limited`]).
pub fn read_file_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    read_limited(std::fs::File::open(path)?, limit)
}

/// Writes a file whole or not at all, as `write` makes it: through a buffer into a temporary
/// file beside it, renamed over it once complete, so a failed write never leaves the old file
/// truncated and a reader never sees half of one. The file keeps the permissions of the one it
/// replaces (a new one gets the usual 0644). Errors name the cause, not the temporary file.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut (dyn Write + Send)) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let written = tempfile::NamedTempFile::new_in(folder).and_then(|tmp| {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp);
        write(&mut out)?;
        let tmp = out
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        usual_permissions(tmp.as_file(), path)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    });
    written.map_err(|e| {
        let text = e.to_string();
        let cause = text.split(" at path ").next().unwrap_or(&text).to_owned();
        std::io::Error::new(e.kind(), cause)
    })
}

/// The temporary file is private (0600): the file written is as readable as the one it
/// replaces, or as a new file usually is (0644).
#[cfg(unix)]
fn usual_permissions(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let permissions = std::fs::metadata(path).map_or_else(
        |_| std::fs::Permissions::from_mode(0o644),
        |m| m.permissions(),
    );
    file.set_permissions(permissions)
}

/// Elsewhere a temporary file has the usual permissions already.
#[cfg(not(unix))]
fn usual_permissions(_file: &std::fs::File, _path: &Path) -> std::io::Result<()> {
    Ok(())
}
