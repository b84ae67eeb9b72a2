/* eval_stream.c — streaming evaluation: blocks of regions assessed on worker threads and
 * handed to the writer in order (the CSV path of `plancheck eval`). No result array; the
 * writer's callbacks are the only output. */
#include "eval_int.h"
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

/* ---- streaming: blocks of regions on worker threads, flushed in order ---- */

static int stream_threads(const eval_stream *st, size_t nblocks)
{
    long n = st->workers;
    if (n <= 0) {
        const char *e = getenv("PLANCHECK_THREADS");
        n = e && *e ? strtol(e, NULL, 10) : 0;
        if (n <= 0) {
#ifdef _SC_NPROCESSORS_ONLN
            n = sysconf(_SC_NPROCESSORS_ONLN);
#endif
        }
    }
    if (n < 1)
        n = 1;
    if (n > EVAL_MAX_WORKERS)
        n = EVAL_MAX_WORKERS;
    if ((size_t)n > nblocks)
        n = (long)(nblocks ? nblocks : 1);
    return (int)n;
}

/* Assess regions [r0, r1) into put calls. 0, -1 OOM, -2 the sink said stop. */
static int stream_block(stream_worker *w, src *srcs, ms_result *buf, eval_env *env, arena *brk,
                        size_t r0, size_t r1)
{
    const stream_job *j = w->job;
    for (size_t r = r0; r < r1; r++) {
        uint32_t rid = j->rids[r];
        env->region = rid;
        env->region_name = j->rnames[r];
        env->diags = r == 0 ? j->diags : NULL;
        for (size_t k = 0; k < j->nsrcs; k++) {
            src *s = &srcs[k];
            if (s->present && !s->ind->derived && rid != EVAL_NO_REGION) {
                s->ser = ds_find_ids(j->ds, s->ind_id, rid, s->dim_id);
                s->have_ser = 1;
                if (s->ser)
                    __builtin_prefetch(s->ser->obs);
            }
        }
        for (size_t m = 0; m < j->nms; m++) {
            const ms_prep *p = &j->prep[m];
            src *s = &srcs[p->si];
            ms_result *res = &buf[m];
            if (s->stamp != r) {
                if (src_fill(s, j->ds, rid, INT32_MAX, env) < 0)
                    return -1;
                s->stamp = r;
            }
            ds_yearly y = {s->years, s->values, s->n};
            res->ms = p->ms;
            res->target = p->ms->target;
            res->ind = p->ms->target->series.resolved;
            res->region = j->rnames[r];
            res->owner = j->plan->owners ? &j->plan->owners[p->mi] : NULL;
            assess_milestone(&p->in, &y, &res->r, brk);
            w->counts[res->r.status]++;
            count_cards(w->cards, p, res->r.status);
        }
        if (j->st->put(j->st->ctx, w->id, buf, j->nms) != 0)
            return -2;
    }
    return 0;
}

static void stream_stop(stream_job *j, int oom)
{
    pthread_mutex_lock(&j->mu);
    j->stop = 1;
    j->oom |= oom;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
}

static void *stream_run(void *arg)
{
    stream_worker *w = arg;
    stream_job *j = w->job;
    arena *work = arena_new();
    src *srcs = pc_calloc(j->nsrcs ? j->nsrcs : 1, sizeof *srcs);
    ms_result *buf = pc_malloc(sizeof *buf * (j->nms ? j->nms : 1));
    eval_env env;
    memset(&env, 0, sizeof env);
    env.plan = j->plan;
    env.ds = j->ds;
    env.as_of = j->as_of;
    env.scratch = work;
    env.cache = eval_cache_new();
    int ok = work && srcs && buf && env.cache;
    for (size_t k = 0; ok && k < j->nsrcs; k++)
        ok = src_build(&srcs[k], j->plan, j->ds, j->srcs[k].ind, j->keys[k], work, 0) == 0;
    if (!ok) {
        w->failed = 1;
        stream_stop(j, 1);
    }
    while (ok) {
        pthread_mutex_lock(&j->mu);
        size_t k = j->next_block++;
        int stop = j->stop;
        pthread_mutex_unlock(&j->mu);
        size_t r0 = k * j->block;
        if (stop || r0 >= j->nreg)
            break;
        size_t r1 = j->nreg - r0 > j->block ? r0 + j->block : j->nreg;
        arena *brk = arena_new();   /* broken-year lists, until the block is flushed */
        int rc = brk ? stream_block(w, srcs, buf, &env, brk, r0, r1) : -1;
        pthread_mutex_lock(&j->mu);
        while (j->next_flush != k && !j->stop)
            pthread_cond_wait(&j->cv, &j->mu);
        stop = j->stop;
        pthread_mutex_unlock(&j->mu);
        if (!stop && rc == 0 && j->st->flush(j->st->ctx, w->id) != 0)
            rc = -2;
        arena_free(brk);
        if (stop || rc != 0) {
            w->failed = 1;
            stream_stop(j, rc == -1);
            break;
        }
        pthread_mutex_lock(&j->mu);
        j->next_flush++;
        pthread_cond_broadcast(&j->cv);
        pthread_mutex_unlock(&j->mu);
    }
    eval_cache_free(env.cache);
    for (size_t k = 0; srcs && k < j->nsrcs; k++)
        src_release(&srcs[k]);
    pc_free(srcs);
    pc_free(buf);
    arena_free(work);
    return NULL;
}

/* Every region x milestone through opt->stream. 0, -1 OOM (reported), -2 stopped. */
int stream_regions(stream_job *j, eval_result *out)
{
    /* blocks of ~8k results: a few hundred KB of CSV each */
    j->block = j->nms ? 8192 / j->nms : 1;
    if (j->block < 1)
        j->block = 1;
    size_t nblocks = (j->nreg + j->block - 1) / j->block;
    int nw = j->nreg * j->nms >= 65536 ? stream_threads(j->st, nblocks) : 1;
    stream_worker w[EVAL_MAX_WORKERS];
    memset(w, 0, sizeof w);
    if (pthread_mutex_init(&j->mu, NULL) != 0)
        return -1;
    if (pthread_cond_init(&j->cv, NULL) != 0) {
        pthread_mutex_destroy(&j->mu);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < nw; i++) {
        w[i].job = j;
        w[i].id = i;
        w[i].cards = pc_calloc((size_t)(j->ncards ? j->ncards : 1), sizeof *w[i].cards);
        if (!w[i].cards) {
            nw = i;
            rc = -1;
            break;
        }
    }
    for (int i = 1; rc == 0 && i < nw; i++)
        w[i].threaded = pthread_create(&w[i].thread, NULL, stream_run, &w[i]) == 0;
    if (rc == 0 && nw > 0)
        stream_run(&w[0]);
    for (int i = 1; i < nw; i++)
        if (w[i].threaded)
            pthread_join(w[i].thread, NULL);
    /* a worker without a thread of its own finds every block taken by now: nothing lost */
    for (int i = 0; i < nw; i++) {
        for (int s = 0; s < ST__COUNT; s++)
            out->counts[s] += w[i].counts[s];
        for (int c = 0; c < j->ncards; c++) {
            for (int s = 0; s < ST__COUNT; s++)
                out->cards[c].counts[s] += w[i].cards[c].counts[s];
            out->cards[c].total += w[i].cards[c].total;
        }
        pc_free(w[i].cards);
    }
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    if (rc == 0 && j->stop)
        rc = j->oom ? -1 : -2;
    return rc;
}

/* Does series s belong to an indicator the plan reads (ids; all when nids is SIZE_MAX)? */
