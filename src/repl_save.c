/* repl_save.c — :save and :quit: the session's declarations written in canonical layout,
 * atomically, and only over a file this session may replace. */
#include "repl_int.h"
#include "fileio.h"
#include "fmt.h"
#include <readline/readline.h>

/* ---- :save, :quit ---- */

static int same_inode(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Why :save (without '!') must not write over path; NULL when it may. */
static const char *save_refusal(const repl *r, const char *path)
{
    struct stat st, kst;
    if (stat(path, &st) != 0)
        return NULL;   /* a new file (a path stat cannot reach fails at the write, with its reason) */
    if (r->kept_path && stat(r->kept_path, &kst) == 0 && same_inode(&st, &kst))
        return "did not load (it has errors), so the session does not hold it";
    if (r->plan_path && r->plan_st.st_ino && same_inode(&st, &r->plan_st)) {
        if (st.st_size != r->plan_st.st_size || st.st_mtim.tv_sec != r->plan_st.st_mtim.tv_sec ||
            st.st_mtim.tv_nsec != r->plan_st.st_mtim.tv_nsec)
            return "changed on disk since this session read or wrote it (:load it again to see the change)";
        return NULL;
    }
    return "exists and is not the plan this session loaded";
}

/* The session as text: a kept plan's text as it was, then every file's declarations in
 * canonical layout. NULL when out of memory. */
static char *session_text(repl *r, size_t *len_out, int *ndecls)
{
    pc_session *s = r->s;
    size_t len = 0, cap = r->kept_len + 4096;
    char *all = pc_malloc(cap);
    if (!all)
        return NULL;
    if (r->kept_text) {
        memcpy(all, r->kept_text, r->kept_len);
        len = r->kept_len;
        if (len && all[len - 1] != '\n')
            all[len++] = '\n';
    }
    for (int i = 0; i < s->nfiles; i++) {
        const ast_file *f = s->files[i];
        if (!f->ndecls)
            continue;
        size_t n = 0;
        char *text = fmt_render(f, &n);
        char *nb = text && len + n + 2 > cap ? pc_realloc(all, cap = (len + n + 2) * 2) : all;
        if (!text || !nb) {
            pc_free(text);
            pc_free(all);
            return NULL;
        }
        all = nb;
        if (len && n)
            all[len++] = '\n';   /* a blank line between the file's part and each entry's */
        memcpy(all + len, text, n);
        len += n;
        if (len && all[len - 1] != '\n')
            all[len++] = '\n';
        *ndecls += f->ndecls;
        pc_free(text);
    }
    *len_out = len;
    return all;
}

void cmd_save(repl *r, const char *arg, size_t argoff)
{
    char path[4096];
    trim_copy(arg, path, sizeof path);
    if (!path[0]) {
        cmd_error(r, 0, 0, "usage: :save FILE (:save! FILE writes over an existing file)");
        return;
    }
    const char *why = r->force ? NULL : save_refusal(r, path);
    if (why) {
        cmd_error(r, col_of(r, argoff + strspn(arg, " \t")), 0,
                  "not saved: %s %s; :save! %s writes over it, :save NEW.plan writes a new file", path, why, path);
        return;
    }
    size_t len = 0;
    int ndecls = 0;
    char *all = session_text(r, &len, &ndecls);
    if (!all) {
        diag_at(&r->s->diags, DIAG_ERROR, NULL, "out of memory");
        return;
    }
    char err[512];
    if (r->sandbox)
        out("not saved (sandbox): %zu bytes\n", len);
    else if (fileio_write_atomic(path, all, len, err, sizeof err) != 0)
        diag_at(&r->s->diags, DIAG_ERROR, NULL, "%s", err);
    else {
        out("saved %d declaration%s%s to %s\n", ndecls, ndecls == 1 ? "" : "s",
               r->kept_text ? " after the text of the plan that did not load" : "", path);
        remember_file(r, path);
    }
    pc_free(all);
}

void cmd_quit(repl *r, const char *arg, size_t argoff) { r->quit = 1; }
