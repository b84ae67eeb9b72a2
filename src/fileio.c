/* fileio.c — whole-file reads and atomic replacement of files (temp + fsync + rename).
 * It owns the file-system calls of the library and nothing else: it knows no formats,
 * never prints, and on failure removes its temporary and leaves the original alone. */
#define _GNU_SOURCE
#include "fileio.h"
#include "mem.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---- reading ---- */

int fileio_read(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
    *text = NULL;
    *len = 0;
    int is_stdin = strcmp(path, "-") == 0;
    const char *shown = is_stdin ? "<stdin>" : path;
    int fd = STDIN_FILENO;
    if (!is_stdin) {
        do
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        while (fd < 0 && errno == EINTR);
        if (fd < 0)
            return fail(err, errlen, "%s: %s", shown, strerror(errno));
    }
    struct stat st;
    int bad = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (bad) {
        int e = bad;
        if (!is_stdin)
            close(fd);
        return fail(err, errlen, "%s: %s", shown, strerror(e));
    }
    size_t cap = 4096;
    if (S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size < SIZE_MAX - 1)
        cap = (size_t)st.st_size + 1;   /* +1: the read that sees end of file, and the NUL */
    char *buf = pc_malloc(cap);
    size_t n = 0;
    int e = 0;
    while (buf) {
        if (n + 1 >= cap) {
            if (cap > SIZE_MAX / 2) {
                e = EFBIG;
                break;
            }
            char *nb = pc_realloc(buf, cap * 2);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            break;
        }
        if (r == 0) {
            buf[n] = '\0';
            if (!is_stdin)
                close(fd);
            *text = buf;
            *len = n;
            return 0;
        }
        n += (size_t)r;
    }
    if (!is_stdin)
        close(fd);
    pc_free(buf);
    if (e)
        return fail(err, errlen, "%s: %s", shown, strerror(e));
    return fail(err, errlen, "%s: out of memory", shown);
}

/* ---- atomic replacement ---- */

struct fileio_atomic {
    FILE *fp;
    char *target;   /* the file that is replaced (a symbolic link followed) */
    char *tmp;      /* the temporary beside it; NULL: target is written in place (stdout, a device) */
    int to_stdout;
};

static void free_handle(fileio_atomic *h)
{
    if (h) {
        pc_free(h->target);
        pc_free(h->tmp);
        pc_free(h);
    }
}

/* Make the data written so far reach the disk, including the rename (best effort for
 * the directory: some file systems refuse fsync on directories). */
static void sync_dir(const char *target)
{
    const char *slash = strrchr(target, '/');
    char *dir = slash ? pc_strndup(target, slash == target ? 1 : (size_t)(slash - target)) : pc_strndup(".", 1);
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    pc_free(dir);
}

/* Prepare h for path: resolve a symbolic link, learn the mode to give, and create the
 * temporary (its descriptor in *fd). A target that exists but is not a regular file
 * (a device, a FIFO) cannot be replaced by rename: it is opened and written in place. */
static int atomic_open(fileio_atomic *h, const char *path, int *fd, char *err, size_t errlen)
{
    char resolved[PATH_MAX];
    struct stat st;
    const char *target = path;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, resolved))
        target = resolved;
    h->target = pc_strndup(target, strlen(target));
    if (!h->target)
        return fail(err, errlen, "%s: out of memory", path);

    int exists = stat(target, &st) == 0;
    if (!exists && errno != ENOENT)
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    if (exists && S_ISDIR(st.st_mode))
        return fail(err, errlen, "%s: %s", path, strerror(EISDIR));
    if (exists && !S_ISREG(st.st_mode)) {
        do
            *fd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
        while (*fd < 0 && errno == EINTR);
        if (*fd < 0)
            return fail(err, errlen, "%s: %s", path, strerror(errno));
        return 0;
    }
    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }

    size_t n = strlen(target);
    h->tmp = pc_malloc(n + 8);
    if (!h->tmp)
        return fail(err, errlen, "%s: out of memory", path);
    memcpy(h->tmp, target, n);
    memcpy(h->tmp + n, ".XXXXXX", 8);
    *fd = mkstemp(h->tmp);
    if (*fd < 0) {
        int e = errno;
        pc_free(h->tmp);
        h->tmp = NULL;
        return fail(err, errlen, "%s: cannot create a temporary file beside it: %s", path, strerror(e));
    }
    if (fchmod(*fd, mode) != 0) {
        int e = errno;
        close(*fd);
        unlink(h->tmp);
        return fail(err, errlen, "%s: cannot set the mode of the temporary file: %s", path, strerror(e));
    }
    if (exists && (st.st_uid != geteuid() || st.st_gid != getegid())) {
        if (fchown(*fd, st.st_uid, st.st_gid) != 0) {
            /* not ours to give away: the new file keeps our ownership, as an editor's would */
        }
    }
    return 0;
}

/* The temporary is complete and closed: put it in place. */
static int atomic_finish(fileio_atomic *h, const char *path, char *err, size_t errlen)
{
    if (!h->tmp)
        return 0;
    if (rename(h->tmp, h->target) != 0) {
        int e = errno;
        unlink(h->tmp);
        return fail(err, errlen, "%s: cannot replace the file: %s", path, strerror(e));
    }
    sync_dir(h->target);
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int fileio_write_atomic(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
    if (strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
            return fail(err, errlen, "<stdout>: %s", strerror(errno));
        return 0;
    }
    fileio_atomic h;
    memset(&h, 0, sizeof h);
    int fd = -1;
    int rc = atomic_open(&h, path, &fd, err, errlen);
    if (rc == 0) {
        const char *what = "write failed";
        int ok = write_all(fd, data, len) == 0;
        if (ok && h.tmp && !(ok = fsync(fd) == 0))
            what = "fsync failed";
        int e = errno;
        if (close(fd) != 0 && ok) {
            ok = 0;
            what = "write failed";
            e = errno;
        }
        if (!ok) {
            if (h.tmp)
                unlink(h.tmp);
            rc = fail(err, errlen, "%s: %s: %s", path, what, strerror(e));
        } else {
            rc = atomic_finish(&h, path, err, errlen);
        }
    }
    pc_free(h.target);
    pc_free(h.tmp);
    return rc;
}

FILE *fileio_write_atomic_begin(const char *path, fileio_atomic **handle, char *err, size_t errlen)
{
    *handle = NULL;
    fileio_atomic *h = pc_calloc(1, sizeof *h);
    if (!h) {
        fail(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        h->to_stdout = 1;
        h->fp = stdout;
        *handle = h;
        return stdout;
    }
    int fd = -1;
    if (atomic_open(h, path, &fd, err, errlen) != 0) {
        free_handle(h);
        return NULL;
    }
    h->fp = fdopen(fd, "w");
    if (!h->fp) {
        int e = errno;
        close(fd);
        if (h->tmp)
            unlink(h->tmp);
        free_handle(h);
        fail(err, errlen, "%s: %s", path, strerror(e));
        return NULL;
    }
    *handle = h;
    return h->fp;
}

int fileio_write_atomic_commit(fileio_atomic *h, char *err, size_t errlen)
{
    if (!h)
        return fail(err, errlen, "no file is being written");
    if (h->to_stdout) {
        int rc = 0;
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = fail(err, errlen, "<stdout>: %s", strerror(errno ? errno : EIO));
        free_handle(h);
        return rc;
    }
    const char *shown = h->target;
    const char *what = "write failed";
    int e = 0;
    errno = 0;
    int ok = fflush(h->fp) == 0 && !ferror(h->fp);
    if (!ok)
        e = errno ? errno : EIO;
    if (ok && h->tmp && fsync(fileno(h->fp)) != 0) {
        ok = 0;
        e = errno;
        what = "fsync failed";
    }
    if (fclose(h->fp) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    h->fp = NULL;
    int rc;
    if (!ok) {
        if (h->tmp)
            unlink(h->tmp);
        rc = fail(err, errlen, "%s: %s: %s", shown, what, strerror(e));
    } else {
        rc = atomic_finish(h, shown, err, errlen);
    }
    free_handle(h);
    return rc;
}

void fileio_write_atomic_abort(fileio_atomic *h)
{
    if (!h)
        return;
    if (h->to_stdout) {
        fflush(stdout);
    } else {
        if (h->fp)
            fclose(h->fp);
        if (h->tmp)
            unlink(h->tmp);
    }
    free_handle(h);
}
