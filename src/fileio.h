/* fileio.h — reading a whole file and replacing one atomically (temp file, fsync,
 * rename), so a failed write never leaves a half-written plan or report behind.
 * It prints nothing: every failure comes back as -1/NULL with "PATH: reason" in err. */
#ifndef PC_FILEIO_H
#define PC_FILEIO_H
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

/* Read the whole file ("-": standard input) into *text (pc_malloc'd, NUL-terminated;
 * the caller pc_free()s it), its size into *len. Directories are refused.
 * Returns 0, or -1 with a message in err. */
int fileio_read(const char *path, char **text, size_t *len, char *err, size_t errlen);

/* Read fd to its end (a file, a pipe, a FIFO, a terminal: any number of short reads) into
 * *text (pc_malloc'd), followed by pad zero bytes; hint: the expected size (0: unknown).
 * Returns 0, or -1 with errno set (ENOMEM when out of memory). */
int fileio_read_fd(int fd, size_t hint, size_t pad, char **text, size_t *len);

/* Map the first len bytes of the regular file fd, privately and writable, followed by
 * tail (tail_len <= pad bytes, written just after the data) and zeros up to pad bytes.
 * The mapping is guarded: if the file is cut short while it is mapped, the pages that
 * fell off read as zeros (the tail stays in place) instead of raising SIGBUS, and
 * fileio_unmap says so. Returns 0, or -1 when the file cannot be mapped (read it). */
typedef struct fileio_mapping {
    char *buf;
    size_t len, maplen;
    int slot, fd;
    struct stat st;   /* at mapping time */
} fileio_mapping;
int fileio_map(int fd, size_t len, const char *tail, size_t tail_len, size_t pad, fileio_mapping *m);
/* Unmap; returns 1 when the file changed (size, modification time, or pages lost) while
 * it was mapped, else 0. fd stays open (the caller closes it). */
int fileio_unmap(fileio_mapping *m);

/* Replace path with data: write a temporary "path.XXXXXX" in the same directory, fsync
 * it, give it the mode of the file it replaces (or 0666 & ~umask for a new file), and
 * rename it over path. A symbolic link is followed: its target is replaced (a dangling
 * link is written through: its target is created). The temporary's name is cut to fit
 * NAME_MAX, so any name that can exist can be written. On any
 * failure the temporary is removed and path is left as it was. "-" writes to stdout.
 * Returns 0, or -1 with a message in err. */
int fileio_write_atomic(const char *path, const char *data, size_t len, char *err, size_t errlen);

/* The same for a writer that streams: begin returns the FILE* to write to (NULL with a
 * message on failure) and a handle; commit flushes, fsyncs and renames (0 or -1 with a
 * message; on failure nothing replaced path); abort throws the temporary away. Either
 * commit or abort must be called once, and releases the handle and the FILE*.
 * "-" streams to stdout (commit flushes it; stdout is not closed). */
typedef struct fileio_atomic fileio_atomic;
FILE *fileio_write_atomic_begin(const char *path, fileio_atomic **handle, char *err, size_t errlen);
int fileio_write_atomic_commit(fileio_atomic *h, char *err, size_t errlen);
void fileio_write_atomic_abort(fileio_atomic *h);

/* Remove every temporary that an atomic write has created and not yet renamed or removed.
 * Async-signal-safe: for the front end's SIGINT/SIGTERM/SIGHUP handler (the library
 * installs none; the signals are blocked while a temporary is being created). */
void fileio_remove_temporaries(void);

/* 1 when a and b name the same file (device and inode, after following symbolic links:
 * also through a hard link), else 0 (also when either does not exist, or is "-"). */
int fileio_same_file(const char *a, const char *b);

#endif
