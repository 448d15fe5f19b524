/* Memory for the compiled kernels' lookup tables (included by _word_pairs_kernel.c and _mark_scan_kernel.c).
 *
 * Why: the kernels read tables of megabytes at random (the word-pair model's words and pairs, 2 and
 * 4 MB; the common words RunFilter skips, 1 MB), a few times a word, and between two documents the
 * other rules push them out of the CPU's caches and its TLB. In 4 kB pages those tables need 1,792
 * TLB entries (a second-level TLB holds about 2,000, for everything the process reads); in 2 MB
 * pages they need four, and the other rules keep theirs: a pass of all rules over perf-news took
 * about 2% less time (median of nine paired runs, tests/perf/bench_paired.py; docs/perf-log.md,
 * session 19). */
#ifndef SCRUBBER_TABLE_MEMORY_H
#define SCRUBBER_TABLE_MEMORY_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* The bytes a table of that many bytes takes from table_calloc: whole 2 MB pages where it may have them. */
static size_t
table_bytes(size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    size_t huge = (size_t)1 << 21;
    if (bytes >= huge / 2)
        return (bytes + huge - 1) & ~(huge - 1);
#endif
    return bytes ? bytes : 1;
}

/* Zeroed memory for a table read at random, 64-byte aligned (NULL when there is none); freed by
 * table_free with the same size. On Linux a table of at least 1 MB is mapped afresh, 2 MB-aligned,
 * and asked for in 2 MB pages (madvise: where the kernel gives them; where it does not, or
 * elsewhere, the pages are the usual ones). (Fresh: memory from malloc may have been touched
 * already, and pages that are there stay small.) */
static void *
table_calloc(size_t bytes)
{
    size_t size = table_bytes(bytes);
    void *p = NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    size_t huge = (size_t)1 << 21;
    if (size % huge == 0) {
        char *map = mmap(NULL, size + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED)
            return NULL;
        size_t head = (huge - (uintptr_t)map % huge) % huge; /* the unaligned start and end, given back */
        if (head)
            munmap(map, head);
        if (huge - head)
            munmap(map + head + size, huge - head);
        (void)madvise(map + head, size, MADV_HUGEPAGE); /* (a hint: refused, the pages stay small) */
        return map + head;                               /* (zero: an anonymous mapping) */
    }
#endif
#if defined(_WIN32)
    if (!(p = _aligned_malloc(size, 64)))
        return NULL;
#else
    if (posix_memalign(&p, 64, size) != 0)
        return NULL;
#endif
    memset(p, 0, size);
    return p;
}

/* Free what table_calloc gave for a table of that many bytes (NULL: nothing). */
static void
table_free(void *p, size_t bytes)
{
    if (!p)
        return;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    size_t size = table_bytes(bytes);
    if (size % ((size_t)1 << 21) == 0) {
        munmap(p, size);
        return;
    }
#else
    (void)bytes;
#endif
#if defined(_WIN32)
    _aligned_free(p);
#else
    free(p);
#endif
}

#endif
