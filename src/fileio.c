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
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

int fileio_read_fd(int fd, size_t hint, size_t pad, char **text, size_t *len)
{
    /* grow until a read returns 0: a pipe or a FIFO gives its data in pieces of any size,
     * so the room left for the next read is never allowed to reach zero (a read of 0 bytes
     * would look like the end of the file) */
    size_t cap = hint > 0 && hint < SIZE_MAX / 2 - pad ? hint + 1 + pad : 65536 + pad, n = 0;
    char *buf = pc_malloc(cap);
    if (!buf) {
        errno = ENOMEM;
        return -1;
    }
    for (;;) {
        if (cap - n <= pad) {
            char *nb = cap < SIZE_MAX / 2 ? pc_realloc(buf, cap * 2) : NULL;
            if (!nb) {
                pc_free(buf);
                errno = cap < SIZE_MAX / 2 ? ENOMEM : EFBIG;
                return -1;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n - pad);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            pc_free(buf);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    memset(buf + n, 0, pad);
    *text = buf;
    *len = n;
    return 0;
}

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
    int e = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    size_t hint = 0;
    if (!e && S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size < SIZE_MAX / 2)
        hint = (size_t)st.st_size;
    if (!e && fileio_read_fd(fd, hint, 1, text, len) != 0)
        e = errno;
    if (!is_stdin)
        close(fd);
    if (e == ENOMEM)
        return fail(err, errlen, "%s: out of memory", shown);
    if (e)
        return fail(err, errlen, "%s: %s", shown, strerror(e));
    return 0;
}

/* ---- mapping, guarded against SIGBUS ----
 * A page of a mapped file that is cut short while it is read raises SIGBUS. Only whole
 * pages of the file are mapped (its last, partial page is read into anonymous memory, where
 * the tail after the data lives too, out of the file's reach). Every mapping made here is
 * in a table that the SIGBUS handler consults: a fault inside one of them puts a page of
 * zeros there (one system call: the handler writes no memory itself), marks the mapping as
 * spoiled and lets the reader go on; fileio_unmap then reports it. Other SIGBUSes go to
 * the handler that was there before (or kill the process as they would have). */

#define GUARDS 32
#ifdef SYS_mmap2
#define GUARD_SYS_MMAP SYS_mmap2   /* 32-bit: SYS_mmap is the old call that takes a struct */
#else
#define GUARD_SYS_MMAP SYS_mmap
#endif
static struct guard {
    _Atomic(char *) base;   /* NULL: free slot */
    size_t filelen;         /* bytes mapped from the file (whole pages) */
    atomic_int spoiled;
} guards[GUARDS];
static pthread_mutex_t guard_mu = PTHREAD_MUTEX_INITIALIZER;
static int guard_installed;   /* 1 installed, -1 could not be */
static struct sigaction guard_prev;
static size_t guard_page;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
    char *a = si->si_addr;
    for (int i = 0; i < GUARDS && si->si_code > 0; i++) {   /* a fault, not a kill(2) */
        struct guard *g = &guards[i];
        char *base = atomic_load(&g->base);
        if (!base || a < base || a >= base + g->filelen)
            continue;
        char *pg = (char *)((uintptr_t)a & ~(uintptr_t)(guard_page - 1));
        /* the raw system call: inside a signal handler, and unseen by the sanitizers'
         * interceptors (ThreadSanitizer would take the new page for a write racing with
         * the other loader threads' reads of a file that is thrown away anyway) */
        if ((void *)syscall(GUARD_SYS_MMAP, pg, guard_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                            -1, 0) == MAP_FAILED)
            break;
        atomic_store(&g->spoiled, 1);
        return;
    }
    if (guard_prev.sa_flags & SA_SIGINFO) {
        guard_prev.sa_sigaction(sig, si, uc);
    } else if (guard_prev.sa_handler != SIG_IGN && guard_prev.sa_handler != SIG_DFL) {
        guard_prev.sa_handler(sig);
    } else if (guard_prev.sa_handler == SIG_DFL || si->si_code > 0) {
        /* not ours: die of it, as without the guard (a fault cannot be ignored: returning
         * would only repeat it) */
        signal(SIGBUS, SIG_DFL);
        raise(SIGBUS);
    }
}

static int guard_install(void)
{
    if (!guard_installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_sigbus;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        guard_page = (size_t)sysconf(_SC_PAGESIZE);
        guard_installed = sigaction(SIGBUS, &sa, &guard_prev) == 0 ? 1 : -1;
    }
    return guard_installed;
}

/* The bytes [from, from + n) of fd into buf; what is missing (the file got shorter) is
 * zeros. 0, or -1 when bytes were missing. */
static int read_at(int fd, char *buf, size_t n, size_t from)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)(from + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    memset(buf + got, 0, n - got);
    return got == n ? 0 : -1;
}

int fileio_map(int fd, size_t len, const char *tail, size_t tail_len, size_t pad, fileio_mapping *m)
{
    memset(m, 0, sizeof *m);
    if (fstat(fd, &m->st) != 0 || len == 0 || len > SIZE_MAX / 2 || tail_len > pad)
        return -1;
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t maplen = (len + pad + pg - 1) / pg * pg, filelen = len / pg * pg;
    pthread_mutex_lock(&guard_mu);
    int slot = -1;
    if (guard_install() > 0)
        for (int i = 0; i < GUARDS && slot < 0; i++)
            if (!atomic_load(&guards[i].base))
                slot = i;
    /* a reserved anonymous range pad bytes longer, with the file's whole pages mapped over
     * its start (private: the file itself is never written) */
    char *buf = slot < 0 ? MAP_FAILED : mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf != MAP_FAILED && filelen &&
        mmap(buf, filelen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
        munmap(buf, maplen);
        buf = MAP_FAILED;
    }
    if (buf == MAP_FAILED) {
        pthread_mutex_unlock(&guard_mu);
        return -1;
    }
    struct guard *g = &guards[slot];
    g->filelen = filelen;
    atomic_store(&g->spoiled, 0);
    atomic_store(&g->base, buf);   /* from here a fault in it is ours */
    pthread_mutex_unlock(&guard_mu);
    if (read_at(fd, buf + filelen, len - filelen, filelen) != 0)
        atomic_store(&g->spoiled, 1);
    memcpy(buf + len, tail, tail_len);
    m->buf = buf;
    m->len = len;
    m->maplen = maplen;
    m->slot = slot;
    m->fd = fd;
    return 0;
}

int fileio_unmap(fileio_mapping *m)
{
    if (!m->buf)
        return 0;
    struct guard *g = &guards[m->slot];
    struct stat now;
    int changed = atomic_load(&g->spoiled) || fstat(m->fd, &now) != 0 || now.st_size != m->st.st_size ||
                  now.st_mtim.tv_sec != m->st.st_mtim.tv_sec || now.st_mtim.tv_nsec != m->st.st_mtim.tv_nsec;
    pthread_mutex_lock(&guard_mu);
    atomic_store(&g->base, NULL);
    pthread_mutex_unlock(&guard_mu);
    munmap(m->buf, m->maplen);
    m->buf = NULL;
    return changed;
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

/* ---- temporaries that a signal must not leave behind ----
 * The paths of the temporaries being written, in static storage so that a signal handler
 * can remove them (fileio_remove_temporaries is async-signal-safe: only unlink). */
#define PENDING 4
static char pending_path[PENDING][PATH_MAX];
static volatile sig_atomic_t pending_used[PENDING];

static int pending_add(const char *tmp)
{
    size_t n = strlen(tmp);
    for (int i = 0; i < PENDING && n < PATH_MAX; i++)
        if (!pending_used[i]) {
            memcpy(pending_path[i], tmp, n + 1);
            pending_used[i] = 1;
            return i;
        }
    return -1;
}

static void pending_drop(const char *tmp)
{
    for (int i = 0; i < PENDING; i++)
        if (pending_used[i] && strcmp(pending_path[i], tmp) == 0)
            pending_used[i] = 0;
}

void fileio_remove_temporaries(void)
{
    for (int i = 0; i < PENDING; i++)
        if (pending_used[i]) {
            unlink(pending_path[i]);
            pending_used[i] = 0;
        }
}

/* Remove the temporary of h (if any) and forget it. */
static void drop_tmp(fileio_atomic *h)
{
    if (h->tmp) {
        unlink(h->tmp);
        pending_drop(h->tmp);
    }
}

/* ---- where to write ---- */

int fileio_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0 || stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The file that writing to path replaces: path itself, or the end of its chain of symbolic
 * links — also when that end does not exist yet (a dangling link is written through, like
 * the shell's '>' does, never replaced by a regular file). Returns a pc_malloc'd path. */
static char *resolve_target(const char *path)
{
    char resolved[PATH_MAX];
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
        return pc_strndup(path, strlen(path));
    if (realpath(path, resolved))
        return pc_strndup(resolved, strlen(resolved));
    char cur[PATH_MAX], link[PATH_MAX];
    if (strlen(path) >= sizeof cur)
        return pc_strndup(path, strlen(path));
    strcpy(cur, path);
    for (int hops = 0; hops < 40; hops++) {
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return pc_strndup(cur, strlen(cur));
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            break;
        link[n] = '\0';
        const char *slash = strrchr(cur, '/');
        if (link[0] == '/' || !slash) {
            memcpy(cur, link, (size_t)n + 1);
        } else {
            size_t dl = (size_t)(slash - cur) + 1;
            if (dl + (size_t)n >= sizeof cur)
                break;
            memcpy(cur + dl, link, (size_t)n + 1);
        }
    }
    return pc_strndup(path, strlen(path));   /* a loop: writing fails with ELOOP below */
}

/* "DIR/NAME.XXXXXX" beside target, with NAME cut (on a UTF-8 boundary) so that the last
 * component fits in NAME_MAX bytes even when the target's own name is 249–255 bytes. */
static char *temp_name(const char *target)
{
    const char *slash = strrchr(target, '/');
    size_t dl = slash ? (size_t)(slash - target) + 1 : 0, bl = strlen(target + dl);
    const size_t suffix = 7;   /* ".XXXXXX" */
    if (bl + suffix > NAME_MAX) {
        bl = NAME_MAX - suffix;
        while (bl > 0 && ((unsigned char)target[dl + bl] & 0xC0) == 0x80)
            bl--;
    }
    char *t = pc_malloc(dl + bl + suffix + 1);
    if (t) {
        memcpy(t, target, dl + bl);
        memcpy(t + dl + bl, ".XXXXXX", suffix + 1);
    }
    return t;
}

/* Prepare h for path: resolve symbolic links, learn the mode to give, and create the
 * temporary (its descriptor in *fd). A target that exists but is not a regular file
 * (a device, a FIFO) cannot be replaced by rename: it is opened and written in place. */
static int atomic_open(fileio_atomic *h, const char *path, int *fd, char *err, size_t errlen)
{
    struct stat st;
    h->target = resolve_target(path);
    if (!h->target)
        return fail(err, errlen, "%s: out of memory", path);
    const char *target = h->target;

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

    h->tmp = temp_name(target);
    if (!h->tmp)
        return fail(err, errlen, "%s: out of memory", path);
    /* signals that would kill us between here and the rename must find the name */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    *fd = mkstemp(h->tmp);
    int e = errno;
    if (*fd >= 0)
        (void)pending_add(h->tmp);   /* no free slot (never in the CLI): no cleanup on a signal */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (*fd < 0) {
        pc_free(h->tmp);
        h->tmp = NULL;
        return fail(err, errlen, "%s: cannot create a temporary file beside it: %s", path, strerror(e));
    }
    if (fchmod(*fd, mode) != 0) {
        e = errno;
        close(*fd);
        drop_tmp(h);
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
        drop_tmp(h);
        return fail(err, errlen, "%s: cannot replace the file: %s", path, strerror(e));
    }
    pending_drop(h->tmp);
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
            drop_tmp(&h);
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
        drop_tmp(h);
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
        drop_tmp(h);
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
        drop_tmp(h);
    }
    free_handle(h);
}
