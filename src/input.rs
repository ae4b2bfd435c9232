//! Reading the files a run takes as input — configuration, baselines, rule
//! files, reports, `.git/config`, source files — when the repository may be
//! hostile (a pull request controls every file and symlink in it).
//!
//! Every read here:
//! - opens only regular files: a FIFO, device or directory is refused
//!   before any byte is read (the open never blocks on a FIFO);
//! - refuses a symlink as the last path component when the file lies
//!   inside the scanned tree ([`Links::Refuse`]), so a committed link to
//!   `/proc/self/environ` or `~/.aws/credentials` is never opened;
//! - reads at most a cap of bytes, so `/dev/zero`-sized input cannot
//!   exhaust memory.
//!
//! Diagnostics about such files show at most the offending line, cut to
//! [`EXCERPT_CHARS`] characters, with control characters escaped
//! ([`excerpt`]), so an error never prints a file's other lines or drives
//! the terminal.

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

use miette::{NamedSource, SourceSpan};
use thiserror::Error;

/// Configuration and rule files.
pub const SMALL_FILE_CAP: u64 = 1024 * 1024;
/// JSON reports (baselines, `merge` and `diff` inputs).
pub const REPORT_CAP: u64 = 512 * 1024 * 1024;
/// Most characters of a file's text a diagnostic shows.
pub const EXCERPT_CHARS: usize = 160;

/// Whether a symlink may be opened as the file itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// The file was found in (or named inside) the scanned tree: a symlink
    /// there is attacker-controlled and never followed.
    Refuse,
    /// The user named a file outside the scanned tree.
    Follow,
}

impl Links {
    /// [`Links::Refuse`] when `path` is inside `root` (compared lexically
    /// after making both absolute), else [`Links::Follow`].
    pub fn for_path(path: &Path, root: Option<&Path>) -> Links {
        let Some(root) = root else { return Links::Follow };
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        if absolute(path).starts_with(absolute(root)) {
            Links::Refuse
        } else {
            Links::Follow
        }
    }
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum InputError {
    #[error("{path} is a symbolic link; files read from the scanned tree must be regular files")]
    Symlink { path: String },
    #[error("{path} is not a regular file ({kind})")]
    NotRegular { path: String, kind: &'static str },
    #[error("{path} is larger than {cap} bytes")]
    TooLarge { path: String, cap: u64 },
    #[error("{path} is not UTF-8 text")]
    NotText { path: String },
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
}

/// The bytes of the regular file at `path`, at most `cap` of them.
pub fn read_bytes(path: &Path, links: Links, cap: u64) -> Result<Vec<u8>, InputError> {
    let name = || path.display().to_string();
    let io = |e: std::io::Error| InputError::Io {
        path: name(),
        message: e.to_string(),
    };
    // On unix, O_NOFOLLOW refuses a link at the open itself (ELOOP), with no
    // extra system call per file; elsewhere the link is looked for first.
    #[cfg(not(unix))]
    if links == Links::Refuse
        && std::fs::symlink_metadata(path)
            .map_err(io)?
            .file_type()
            .is_symlink()
    {
        return Err(InputError::Symlink { path: name() });
    }
    let file = open(path, links).map_err(|e| match e.raw_os_error() {
        Some(code) if code == libc_eloop() => InputError::Symlink { path: name() },
        _ => io(e),
    })?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular {
            path: name(),
            kind: kind_of(&meta.file_type()),
        });
    }
    if meta.len() > cap {
        return Err(InputError::TooLarge { path: name(), cap });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(InputError::TooLarge { path: name(), cap });
    }
    Ok(bytes)
}

/// [`read_bytes`] as UTF-8 text.
pub fn read_text(path: &Path, links: Links, cap: u64) -> Result<String, InputError> {
    String::from_utf8(read_bytes(path, links, cap)?).map_err(|_| InputError::NotText {
        path: path.display().to_string(),
    })
}

#[cfg(unix)]
fn open(path: &Path, links: Links) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type check
    // after the open then refuses it. Reads of regular files ignore it.
    let mut flags = libc::O_NONBLOCK | libc::O_CLOEXEC;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path, _links: Links) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(unix)]
fn libc_eloop() -> i32 {
    libc::ELOOP
}

#[cfg(not(unix))]
fn libc_eloop() -> i32 {
    -1
}

fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Control characters (C0, DEL, C1) and bidirectional overrides written as
/// `\u{…}`, so text from a hostile file cannot move the cursor, set the
/// window title or reorder what a reader sees.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// An error message that came from a parser: escaped and cut, since
/// parsers quote the offending value.
pub fn message(text: &str) -> String {
    let escaped = escape_controls(text).replace('\n', " ");
    cut(&escaped, EXCERPT_CHARS * 2)
}

fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The source a diagnostic may show for an error at `span` (byte offset,
/// length) of `text`: only the line holding the span's start, at most
/// [`EXCERPT_CHARS`] characters of it around the span, control characters
/// escaped; with the span moved into that excerpt. Without a span, nothing
/// of the file is shown.
pub fn excerpt(
    name: &str,
    text: &str,
    span: Option<(usize, usize)>,
) -> (NamedSource<String>, Option<SourceSpan>) {
    let Some((offset, len)) = span.filter(|(offset, _)| *offset <= text.len()) else {
        return (NamedSource::new(name, String::new()), None);
    };
    let offset = floor_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let at = offset - line_start;
    // A window of the line around the span.
    let before: Vec<(usize, char)> = line[..at].char_indices().collect();
    let start = before.len().saturating_sub(EXCERPT_CHARS / 2);
    let window_start = before.get(start).map_or(at, |(i, _)| *i);
    let window: String = line[window_start..].chars().take(EXCERPT_CHARS).collect();
    let head = escape_controls(&line[window_start..at]);
    let shown = escape_controls(&window);
    let span_len = {
        let rest = &line[at..];
        let taken: String = rest.chars().take(len.clamp(1, EXCERPT_CHARS)).collect();
        escape_controls(&taken)
            .len()
            .min(shown.len().saturating_sub(head.len()))
            .max(1)
    };
    // Empty lines before the excerpt keep its line number (what a reader
    // looks for) without showing any other line of the file.
    let padding = text[..line_start].matches('\n').count();
    (
        NamedSource::new(name, format!("{}{shown}", "\n".repeat(padding))),
        Some(SourceSpan::from((padding + head.len(), span_len))),
    )
}

/// The largest char boundary at or before `offset`.
fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_and_bidi_controls() {
        assert_eq!(escape_controls("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(escape_controls("x\u{202e}y\0"), "x\\u{202e}y\\u{0}");
        assert_eq!(escape_controls("tab\tand\nnewline"), "tab\tand\nnewline");
    }

    #[test]
    fn excerpt_shows_only_the_offending_line() {
        let text = "SECRET_ONE=abc\nbad = [\nSECRET_TWO=def\n";
        let (src, span) = excerpt("c.toml", text, Some((text.find("[").unwrap(), 1)));
        let shown = src.inner().clone();
        assert_eq!(shown, "\nbad = [");
        assert_eq!(span, Some(SourceSpan::from((7, 1))));
        assert!(!shown.contains("SECRET"));
        let (none, no_span) = excerpt("c.toml", text, None);
        assert!(none.inner().is_empty() && no_span.is_none());
    }

    #[test]
    fn excerpt_cuts_long_lines_and_escapes() {
        let line = format!("{}\u{1b}[2J{}", "a".repeat(500), "b".repeat(500));
        let (src, span) = excerpt("x", &line, Some((500, 1)));
        assert!(
            src.inner().chars().count() <= EXCERPT_CHARS + 10,
            "{}",
            src.inner().len()
        );
        assert!(src.inner().contains("\\u{1b}") && !src.inner().contains('\u{1b}'));
        let span = span.unwrap();
        assert_eq!(&src.inner()[span.offset()..span.offset() + span.len()], "\\u{1b}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_links_fifos_devices_and_oversized_files() {
        let dir = tempfile::tempdir().unwrap();
        let regular = dir.path().join("c.toml");
        std::fs::write(&regular, "a = 1\n").unwrap();
        assert_eq!(read_text(&regular, Links::Refuse, 100).unwrap(), "a = 1\n");
        assert!(matches!(
            read_text(&regular, Links::Refuse, 3),
            Err(InputError::TooLarge { .. })
        ));

        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&regular, &link).unwrap();
        assert!(matches!(
            read_text(&link, Links::Refuse, 100),
            Err(InputError::Symlink { .. })
        ));
        assert!(read_text(&link, Links::Follow, 100).is_ok());

        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path and mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read_text(&fifo, Links::Follow, 100),
            Err(InputError::NotRegular { kind: "a FIFO", .. })
        ));
        assert!(matches!(
            read_text(Path::new("/dev/zero"), Links::Follow, 100),
            Err(InputError::NotRegular { kind: "a device", .. })
        ));
        assert!(matches!(
            read_text(dir.path(), Links::Follow, 100),
            Err(InputError::NotRegular { .. })
        ));
    }

    #[test]
    fn links_are_refused_inside_the_root_only() {
        let root = Path::new("/work/repo");
        assert_eq!(
            Links::for_path(Path::new("/work/repo/.egress-scan.toml"), Some(root)),
            Links::Refuse
        );
        assert_eq!(
            Links::for_path(Path::new("/etc/egress.toml"), Some(root)),
            Links::Follow
        );
        assert_eq!(
            Links::for_path(Path::new("/etc/egress.toml"), None),
            Links::Follow
        );
    }
}
