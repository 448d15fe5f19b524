/* Memory for the compiled kernels' lookup tables (included by _word_pairs_kernel.c and _mark_scan_kernel.c).
 *
 * Why: the kernels read tables of megabytes at random (the word-pair model's words and pairs, 2 and
 * 4 MB; the common words RunFilter skips, 1 MB), a few times a word, and between two documents the
 * other rules push them out of the CPU's caches and its TLB. In 4 kB pages those tables need 1,792
 * TLB entries, more than the CPU has; in 2 MB pages they need four, and the other rules keep theirs:
 * a pass of all rules over perf-news took about 3% less time (tests/perf/bench_paired.py,
 * docs/perf-log.md, session 19). */
#ifndef SCRUBBER_TABLE_MEMORY_H
#define SCRUBBER_TABLE_MEMORY_H

#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Zeroed memory for a table read at random, 64-byte aligned (NULL when there is none); freed by table_free.
 * On Linux a table of at least 1 MB is asked for in 2 MB pages (madvise: where the kernel gives them;
 * where it does not, or elsewhere, the pages are the usual ones). */
static void *
table_calloc(size_t bytes)
{
    void *p = NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    size_t huge = (size_t)1 << 21;
    if (bytes >= huge / 2) {
        size_t size = (bytes + huge - 1) & ~(huge - 1);
        if (posix_memalign(&p, huge, size) != 0)
            return NULL;
        (void)madvise(p, size, MADV_HUGEPAGE); /* (a hint: refused, the pages stay small) */
        memset(p, 0, size);
        return p;
    }
#endif
#if defined(_WIN32)
    if (!(p = _aligned_malloc(bytes ? bytes : 1, 64)))
        return NULL;
#else
    if (posix_memalign(&p, 64, bytes ? bytes : 1) != 0)
        return NULL;
#endif
    memset(p, 0, bytes);
    return p;
}

/* Free what table_calloc gave (NULL: nothing). */
static void
table_free(void *p)
{
#if defined(_WIN32)
    _aligned_free(p);
#else
    free(p);
#endif
}

#endif
