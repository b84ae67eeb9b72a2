/* test_mem.c — the single allocator: the arena, and failure injection through every
 * stage: whatever allocation fails, the result is a clean error, never a crash. */
#include <criterion/criterion.h>
#include "helpers.h"
#include "design_example.h"

Test(mem, arena_strings_and_big_blocks)
{
    arena *a = arena_new();
    cr_assert_not_null(a);
    char *s = arena_strdup(a, "Sở Y tế");
    cr_assert_str_eq(s, "Sở Y tế");
    char *big = arena_alloc(a, 1 << 20);
    cr_assert_not_null(big);
    big[(1 << 20) - 1] = 1;
    char *after = arena_printf(a, "%s/%d", "CT4", 2025);
    cr_assert_str_eq(after, "CT4/2025");
    arena_free(a);
}

Test(mem, failing_allocations_never_crash_the_front_stages)
{
    /* count the allocations of one clean run, then fail each one in turn */
    pc_mem_fail_after(0);
    long before = pc_mem_count();
    {
        diag_sink d;
        diag_init(&d);
        ast_file *f = parse_text("t.plan", design_example, strlen(design_example), 0, PARSE_FILE, &d, NULL);
        int ne = 0;
        pc_plan *p = resolve_plan(&f, 1, &d, &ne);
        resolve_free(p);
        ast_file_free(f);
        diag_free(&d);
    }
    long total = pc_mem_count() - before;
    cr_assert_gt(total, 10);
    for (long n = 1; n <= total + 1; n++) {
        pc_mem_fail_after(n);
        diag_sink d;
        diag_init(&d);
        ast_file *f = parse_text("t.plan", design_example, strlen(design_example), 0, PARSE_FILE, &d, NULL);
        if (f && f->nerrors == 0) {
            int ne = 0;
            pc_plan *p = resolve_plan(&f, 1, &d, &ne);
            resolve_free(p);
        }
        ast_file_free(f);
        pc_mem_fail_after(0);
        diag_free(&d);
    }
}
