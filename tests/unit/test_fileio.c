/* test_fileio.c — src/fileio.c under the conditions the outside world makes: pipes that
 * deliver data in pieces, files cut short while they are mapped, temporaries that a
 * signal must not leave behind, names at NAME_MAX; and the allocator's counter shared by
 * threads (src/mem.c). The plain read/write cases are in test_fmt.c (suite fileio). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dataset.h"
#include "diag.h"
#include "fileio.h"
#include "mem.h"

static char dir[64];

static void mkdir_tmp(void)
{
    strcpy(dir, "/tmp/pc_fileio2_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char p[PATH_MAX];
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name), unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static int entries(void)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

TestSuite(fileio2, .init = mkdir_tmp, .fini = rm_tmp);

/* ---- pipes: data in pieces of every size ---- */

typedef struct feeder {
    int fd;
    const char *data;
    size_t len, piece;
} feeder;

static void *feed(void *arg)
{
    feeder *f = arg;
    for (size_t off = 0; off < f->len;) {
        size_t n = f->len - off < f->piece ? f->len - off : f->piece;
        ssize_t w = write(f->fd, f->data + off, n);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(f->fd);
    return NULL;
}

/* The bytes of a CSV file over 1 MB: rows that cross every 64 KiB boundary. */
static char *big_csv(size_t *len)
{
    size_t cap = 1600000, n = 0;
    char *t = malloc(cap);
    n += (size_t)sprintf(t, "indicator,region,year,value\n");
    for (int r = 0; n < 1200000; r++)
        for (int y = 2015; y <= 2024; y++)
            n += (size_t)sprintf(t + n, "ind%02d,Region %05d,%d,%d.%d\n", r % 20, r, y, 10 + r % 50, y % 10);
    *len = n;
    return t;
}

Test(fileio2, read_fd_from_a_pipe_in_pieces)
{
    size_t len;
    char *want = big_csv(&len);
    const size_t pieces[] = {1, 7, 4096, 65519, 65520, 65536, 100000};
    for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
        int p[2];
        cr_assert_eq(pipe(p), 0);
        feeder f = {p[1], want, pieces[k] == 1 ? 200000 : len, pieces[k]};
        pthread_t t;
        cr_assert_eq(pthread_create(&t, NULL, feed, &f), 0);
        char *got;
        size_t got_len;
        cr_assert_eq(fileio_read_fd(p[0], 0, 16, &got, &got_len), 0);
        pthread_join(t, NULL);
        close(p[0]);
        cr_expect_eq(got_len, f.len, "pieces of %zu: %zu bytes read, %zu sent", pieces[k], got_len, f.len);
        cr_expect(memcmp(got, want, f.len) == 0, "pieces of %zu: bytes differ", pieces[k]);
        for (int i = 0; i < 16; i++)
            cr_expect_eq(got[got_len + i], 0);
        pc_free(got);
    }
    free(want);
}

/* csv_load through /dev/fd/N (a pipe) and from the file: the same dataset. */
Test(fileio2, csv_from_a_pipe_equals_csv_from_a_file)
{
    size_t len;
    char *text = big_csv(&len);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/d.csv", dir);
    FILE *fp = fopen(path, "w");
    fwrite(text, 1, len, fp);
    fclose(fp);
    dataset *a = ds_new(), *b = ds_new();
    diag_sink da, db;
    diag_init(&da);
    diag_init(&db);
    cr_assert_eq(csv_load(a, path, NULL, &da), 0);
    int p[2];
    cr_assert_eq(pipe(p), 0);
    feeder f = {p[1], text, len, 4093};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, feed, &f), 0);
    char dev[32];
    snprintf(dev, sizeof dev, "/dev/fd/%d", p[0]);
    int rc = csv_load(b, dev, NULL, &db);
    pthread_join(t, NULL);
    close(p[0]);
    cr_assert_eq(rc, 0);
    cr_expect_eq(ds_get_stats(a)->rows, ds_get_stats(b)->rows);
    cr_expect_eq(ds_get_stats(a)->kept, ds_get_stats(b)->kept);
    cr_expect_eq(ds_nregions(a), ds_nregions(b));
    cr_expect_gt(ds_get_stats(b)->rows, 40000);
    ds_free(a);
    ds_free(b);
    diag_free(&da);
    diag_free(&db);
    free(text);
}

/* ---- a mapped file cut short while it is read: no SIGBUS ---- */

Test(fileio2, map_survives_truncation)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/m.csv", dir);
    size_t len = 5 * 4096 + 123;
    char *text = malloc(len);
    memset(text, 'x', len);
    FILE *fp = fopen(path, "w");
    fwrite(text, 1, len, fp);
    fclose(fp);
    int fd = open(path, O_RDONLY);
    cr_assert_geq(fd, 0);
    fileio_mapping m;
    cr_assert_eq(fileio_map(fd, len, "\n", 2, 16, &m), 0);
    cr_expect_eq(m.buf[0], 'x');
    cr_expect_eq(m.buf[len], '\n');
    cr_assert_eq(truncate(path, 4096), 0);   /* another program cuts the file */
    unsigned long sum = 0;
    for (size_t i = 0; i < len + 16; i++)    /* every page past the cut would raise SIGBUS */
        sum += (unsigned char)m.buf[i];
    cr_expect_eq(m.buf[0], 'x');
    cr_expect_eq(m.buf[len], '\n', "the sentinel after the data is kept");
    cr_expect_gt(sum, 4096u * 'x' - 1);
    cr_expect_eq(fileio_unmap(&m), 1, "the change is reported");
    close(fd);
    free(text);
}

Test(fileio2, map_of_an_unchanged_file_reports_nothing)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/u.csv", dir);
    FILE *fp = fopen(path, "w");
    fputs("indicator,region,year,value\n", fp);
    fclose(fp);
    int fd = open(path, O_RDONLY);
    fileio_mapping m;
    cr_assert_eq(fileio_map(fd, 28, "\n", 2, 16, &m), 0);
    cr_expect_eq(memcmp(m.buf, "indicator", 9), 0);
    cr_expect_eq(fileio_unmap(&m), 0);
    close(fd);
}

/* A SIGBUS that is not about a guarded mapping still kills (the guard passes it on to
 * the disposition it found: the default here, also under ASan, whose own handler would
 * otherwise report the signal and exit). */
Test(fileio2, other_sigbus_still_kills, .signal = SIGBUS)
{
    signal(SIGBUS, SIG_DFL);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/g.csv", dir);
    FILE *fp = fopen(path, "w");
    fputs("a,b\n", fp);
    fclose(fp);
    int fd = open(path, O_RDONLY);
    fileio_mapping m;
    cr_assert_eq(fileio_map(fd, 4, "\n", 2, 16, &m), 0);   /* installs the guard */
    fileio_unmap(&m);
    raise(SIGBUS);
}

/* ---- writing ---- */

Test(fileio2, names_up_to_name_max_can_be_written)
{
    for (size_t n = 249; n <= NAME_MAX; n++) {
        char path[PATH_MAX], err[PATH_MAX + 256];
        int k = snprintf(path, sizeof path, "%s/", dir);
        memset(path + k, 'n', n);
        path[k + n] = '\0';
        cr_expect_eq(fileio_write_atomic(path, "x\n", 2, err, sizeof err), 0, "%zu bytes: %s", n, err);
        struct stat st;
        cr_expect_eq(stat(path, &st), 0);
        unlink(path);
    }
    cr_expect_eq(entries(), 0, "no temporary left");
}

Test(fileio2, a_signal_handler_can_remove_the_temporary)
{
    char path[PATH_MAX], err[256];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    fileio_atomic *h;
    FILE *f = fileio_write_atomic_begin(path, &h, err, sizeof err);
    cr_assert_not_null(f, "%s", err);
    fputs("half", f);
    fflush(f);
    cr_expect_eq(entries(), 1, "the temporary exists");
    fileio_remove_temporaries();   /* what the CLI's SIGTERM handler does */
    cr_expect_eq(entries(), 0, "the temporary is gone");
    fileio_write_atomic_abort(h);
    /* after a completed write there is nothing to remove: the file stays */
    cr_assert_eq(fileio_write_atomic(path, "whole\n", 6, err, sizeof err), 0);
    fileio_remove_temporaries();
    cr_expect_eq(entries(), 1);
}

Test(fileio2, same_file_through_links)
{
    char a[PATH_MAX], hard[PATH_MAX], soft[PATH_MAX], other[PATH_MAX], none[PATH_MAX];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(hard, sizeof hard, "%s/hard", dir);
    snprintf(soft, sizeof soft, "%s/soft", dir);
    snprintf(other, sizeof other, "%s/other", dir);
    snprintf(none, sizeof none, "%s/none", dir);
    fclose(fopen(a, "w"));
    fclose(fopen(other, "w"));
    cr_assert_eq(link(a, hard), 0);
    cr_assert_eq(symlink(a, soft), 0);
    cr_expect_eq(fileio_same_file(a, hard), 1);
    cr_expect_eq(fileio_same_file(soft, a), 1);
    cr_expect_eq(fileio_same_file(a, other), 0);
    cr_expect_eq(fileio_same_file(none, a), 0);
    cr_expect_eq(fileio_same_file("-", a), 0);
}

/* ---- the allocator's counter, from several threads ---- */

static void *allocate_many(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200000; i++)
        pc_free(pc_malloc(16));
    return NULL;
}

Test(mem_threads, counter_is_exact_under_threads)
{
    pc_mem_fail_after(0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, allocate_many, NULL), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    cr_expect_eq(pc_mem_count(), 800000, "lost updates: %ld", pc_mem_count());
}
