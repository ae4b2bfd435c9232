//! A scan-private spill file for parsed files' facts.
//!
//! The cross-file analysis needs every parsed file, but it reads one file's
//! full facts at a time: keeping all of them decoded made peak memory grow
//! with the project (about 26 KB per parsed file). A disk scan therefore
//! encodes each file's facts here as soon as they are extracted and decodes
//! them when a pass reaches the file (see
//! [`crate::pipeline::analysis::ParsedFile`]). The file is an anonymous temporary
//! file in the system's temp folder, never in the scanned tree, and is
//! gone when the scan ends.

use std::fs::File;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::model::FileFacts;

/// Spilled facts that could not be read back, in this process. The command
/// line warns about them: those files' own calls and findings are missing.
static FAILED_READS: AtomicUsize = AtomicUsize::new(0);

/// How many spilled files' facts could not be read back so far.
pub fn failed_reads() -> usize {
    FAILED_READS.load(Ordering::Relaxed)
}

/// Where one file's encoded facts are in the spill file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    offset: u64,
    len: u32,
}

/// The spill file. Writers reserve disjoint ranges and write at their own
/// offset, so threads neither lock nor wait on each other.
#[derive(Debug)]
pub struct Spill {
    file: File,
    end: AtomicU64,
}

impl Spill {
    /// `None` when no temporary file can be created: the scan then keeps
    /// facts in memory, which is only slower to free, not wrong.
    pub fn new() -> Option<Spill> {
        Some(Spill {
            file: tempfile::tempfile().ok()?,
            end: AtomicU64::new(0),
        })
    }

    /// Encodes and writes `facts`; `None` when it could not be written.
    pub fn put(&self, facts: &FileFacts) -> Option<Slot> {
        let bytes = postcard::to_stdvec(facts).ok()?;
        let len = u32::try_from(bytes.len()).ok()?;
        let offset = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        write_at(&self.file, &bytes, offset).ok()?;
        Some(Slot { offset, len })
    }

    /// The facts written at `slot`; `None` when they cannot be read back
    /// (the temporary file was removed or damaged under the scan).
    pub fn get(&self, slot: Slot) -> Option<FileFacts> {
        let mut bytes = vec![0u8; slot.len as usize];
        let facts = read_at(&self.file, &mut bytes, slot.offset)
            .ok()
            .and_then(|()| postcard::from_bytes(&bytes).ok());
        if facts.is_none() {
            FAILED_READS.fetch_add(1, Ordering::Relaxed);
        }
        facts
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn write_at(file: &File, mut bytes: &[u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_write(bytes, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_read(bytes, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        bytes = &mut bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;
    use crate::model::Lines;

    fn facts(path: &str, text: &str) -> FileFacts {
        FileFacts {
            lines: Lines::new(text.as_bytes()),
            ..FileFacts::empty(path, Lang::Typescript)
        }
    }

    #[test]
    fn facts_written_from_threads_read_back_by_slot() {
        let spill = Spill::new().expect("temp file");
        let slots: Vec<(usize, Slot)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|t| {
                    let spill = &spill;
                    s.spawn(move || {
                        (0..25)
                            .map(|i| {
                                let n = t * 25 + i;
                                let f = facts(&format!("f{n}.ts"), &"x\n".repeat(n));
                                (n, spill.put(&f).expect("written"))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(slots.len(), 100);
        for (n, slot) in slots {
            let back = spill.get(slot).expect("read back");
            assert_eq!(back.path, format!("f{n}.ts"));
            assert_eq!(back.lines.iter().count(), n);
        }
    }

    #[test]
    fn a_slot_past_the_end_is_a_miss() {
        let spill = Spill::new().expect("temp file");
        let slot = spill.put(&facts("a.ts", "a\n")).unwrap();
        let past = Slot {
            offset: slot.offset + 1000,
            len: slot.len,
        };
        let failed = failed_reads();
        assert!(spill.get(past).is_none());
        assert!(failed_reads() > failed, "a failed read is counted");
    }
}
