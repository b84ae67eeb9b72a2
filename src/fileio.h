/* fileio.h — reading a whole file and replacing one atomically (temp file, fsync,
 * rename), so a failed write never leaves a half-written plan or report behind.
 * It prints nothing: every failure comes back as -1/NULL with "PATH: reason" in err. */
#ifndef PC_FILEIO_H
#define PC_FILEIO_H
#include <stddef.h>
#include <stdio.h>

/* Read the whole file ("-": standard input) into *text (pc_malloc'd, NUL-terminated;
 * the caller pc_free()s it), its size into *len. Directories are refused.
 * Returns 0, or -1 with a message in err. */
int fileio_read(const char *path, char **text, size_t *len, char *err, size_t errlen);

/* Replace path with data: write a temporary "path.XXXXXX" in the same directory, fsync
 * it, give it the mode of the file it replaces (or 0666 & ~umask for a new file), and
 * rename it over path. A symbolic link is followed: its target is replaced. On any
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

#endif
