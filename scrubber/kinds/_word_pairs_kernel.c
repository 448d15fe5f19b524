/* The word-pair scan of scrubber.kinds.word_pairs in C: PairModel._lowest_run in one pass.
 *
 * Why: the Python scan (tokenise with translate + split + dict.get, then a
 * Kadane loop over every word pair) is the largest cost of the
 * garble.improbable-order detector. This kernel computes exactly what the
 * Python code computes, (lowest run, number of words), bit for bit:
 *
 *  - the same words: each character is first mapped through the
 *    typographic replacements, then a mark (or NUL) is a word of its own,
 *    whitespace (Py_UNICODE_ISSPACE, what str.split() uses) separates words,
 *    and anything else is part of a word;
 *  - the same ids: a word's id is its id in the model's `ids` dict, else 0
 *    (a mark's id is the id of "\0", which is 0 unless the dict holds it);
 *  - the same weights: an attested pair's weight from the model's table,
 *    any other pair's by the same double arithmetic as
 *    _PairWeights.unattested (floor(log_floor - lc[i] - lc[j]), clamped to
 *    the bins);
 *  - the same Kadane scan with the same double additions in the same order.
 *
 * Every table and constant comes from the Python model when a Scanner is
 * built (word_pairs.py stays the one definition); the build copies them into
 * two open-addressing hash tables (words and pair keys) and a few arrays.
 * The scan holds the GIL and owns no Python reference but its result.
 *
 * The tables are megabytes read at random, so the scan is written for the
 * memory: it reads a chunk of words before it looks any up, asks for all
 * their table slots at once (the misses overlap instead of following one
 * another), and a short ASCII word (nearly all of them) is held whole in its
 * 32-byte slot, so a lookup reads that slot and nothing else.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "_table_memory.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { WORD = 0, SPACE = 1, MARK = 2 };

typedef struct {
    uint32_t key;   /* pair key i << shift | j; 0 = empty slot (ids start at 1) */
    uint32_t value; /* index of its weight in Scanner.values (the weights take a few distinct values:
                       8-byte slots halve the table, which a pass over a document reads at random) */
} PairSlot;

/* A word of the table. A short ASCII word (at most 16 characters, none NUL: nearly all of them)
 * is held in the slot itself, so that looking a word up reads one 32-byte slot and nothing
 * else; any other word is held in Scanner.chars. */
typedef struct {
    uint64_t a;      /* a short word's first 8 characters, one byte each (0 past its end); else its hash */
    uint64_t b;      /* its next 8 characters; else its offset in chars */
    uint32_t length; /* 0 = empty slot */
    uint32_t id : 31;
    uint32_t short_ : 1; /* 1 for a short word */
    double log_count;    /* log_count[id], here for the weight of an unattested pair (the array is cold) */
} WordSlot;

enum { SHORT_WORD = 16 };

/* What the scan needs of a character (below 256, by table): its class, and whether the
 * character it stands for is held by some word (WORD_OK) and can be part of a short word (SHORT_OK) */
enum { CLASS_BITS = 3, WORD_OK = 4, SHORT_OK = 8 };

typedef struct {
    PyObject_HEAD
    PairSlot *pairs;
    double *values; /* the distinct pair weights */
    uint32_t pair_mask;
    int pair_bits;
    WordSlot *words; /* 64-byte aligned (table_calloc) */
    uint64_t word_mask;
    Py_UCS4 *chars;    /* every word's code points, one after another */
    Py_ssize_t max_length;
    uint8_t ascii_word_char[128]; /* 1 if some word holds this ASCII character */
    int non_ascii_words;          /* 1 if some word holds a non-ASCII character */
    uint32_t mark_id;             /* ids.get("\0", 0) */
    double mark_log_count;        /* log_count[mark_id] */
    double *log_count;            /* by id */
    Py_ssize_t n_log_count;
    double log_floor;
    double *unattested; /* weight by bin index */
    long lo, hi;        /* lowest and highest bin */
    int shift;
    /* characters: those below 256 by table, the few special others (typographic
       replacements, marks) in a short list, every other one by Py_UNICODE_ISSPACE */
    Py_UCS4 latin_to[256];
    uint8_t latin_class[256];
    uint8_t latin_info[256]; /* class | WORD_OK | SHORT_OK */
    int plain_lower; /* 1 if every ASCII lower-case letter stands for itself and is WORD | WORD_OK | SHORT_OK */
    int plain;       /* 1 if only a run of a-z can be a word of the table, and a mark's id is 0 (the plain scan) */
    Py_ssize_t n_special;
    Py_UCS4 *special_from;
    Py_UCS4 *special_to;
    uint8_t *special_class;
    Py_UCS4 special_min, special_max;
} Scanner;

/* ---- hashing ------------------------------------------------------------------------ */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static inline uint64_t
fnv_step(uint64_t h, Py_UCS4 c)
{
    return (h ^ (uint64_t)c) * FNV_PRIME;
}

/* The hash of a short word, from its characters as WordSlot.a and .b hold them. */
static inline uint64_t
short_hash(uint64_t a, uint64_t b)
{
    uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ b * 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ h >> 32;
}

static inline uint32_t
pair_slot(uint32_t key, int bits)
{
    return (uint32_t)((key * 0x9E3779B1u) >> (32 - bits));
}

static int
table_bits(Py_ssize_t n)
{
    int bits = 4;
    while (((Py_ssize_t)1 << bits) < 2 * n + 2) /* load factor at most one half */
        bits++;
    return bits;
}

/* ---- characters --------------------------------------------------------------------- */

/* The character c stands for after the replacements, and its class (WORD, SPACE or MARK). */
static inline Py_UCS4
classify(const Scanner *s, Py_UCS4 c, int *cls)
{
    if (c < 256) {
        *cls = s->latin_class[c];
        return s->latin_to[c];
    }
    if (c >= s->special_min && c <= s->special_max) {
        for (Py_ssize_t k = 0; k < s->n_special; k++) {
            if (s->special_from[k] == c) {
                *cls = s->special_class[k];
                return s->special_to[k];
            }
        }
    }
    *cls = Py_UNICODE_ISSPACE(c) ? SPACE : WORD;
    return c;
}

/* What the scan needs of a character of class cls that stands for c (see latin_info). */
static inline unsigned
info_of(const Scanner *s, int cls, Py_UCS4 c)
{
    unsigned info = (unsigned)cls;
    if (cls == WORD && (c < 128 ? s->ascii_word_char[c] : s->non_ascii_words))
        info |= WORD_OK;
    if (c > 0 && c < 128)
        info |= SHORT_OK;
    return info;
}

/* What the scan needs of any character (as latin_info holds it for those below 256), and in *to what it stands for. */
static inline unsigned
char_info(const Scanner *s, Py_UCS4 x, Py_UCS4 *to)
{
    if (x < 256) {
        *to = s->latin_to[x];
        return s->latin_info[x];
    }
    int cls;
    *to = classify(s, x, &cls);
    return info_of(s, cls, *to);
}

/* ---- the scan ----------------------------------------------------------------------- */

/* The scan works through the text a chunk of words at a time: it first reads CHUNK words
 * (where each starts, its length, its hash), then asks the memory for every word's table
 * slot, then looks the words up, then asks for every pair's slot, and only then runs the
 * Kadane loop over the pairs. The tables are megabytes read at random, so nearly every
 * lookup missed the caches and waited for it alone; asked for together, the misses of a
 * chunk overlap. The loop itself is unchanged: the same additions in the same order. */
enum { CHUNK = 64 };

typedef struct {
    uint64_t hash;
    uint64_t a, b; /* a short word's characters, as WordSlot holds them */
    Py_ssize_t start;
    Py_ssize_t length; /* 0: nothing to look up (id is already known) */
    uint32_t id;
    uint32_t short_;
    double log_count; /* of the word's id */
} Token;

/* Where the tokeniser stands between two chunks. */
typedef struct {
    Py_ssize_t k;     /* the next character to read (n + 1 when the text is done) */
    Py_ssize_t start; /* start of the word being read, -1 between words */
    uint64_t a, b;    /* its characters so far, while it may be a short word */
    int possible;     /* whether it may be in the table (every character of it is in some word) */
    int short_;       /* whether it may be a short word */
} Cursor;

/* The slot of a short word (NULL: not in the table). Its characters decide (they say its length). */
static inline const WordSlot *
short_word(const Scanner *s, uint64_t a, uint64_t b, uint64_t hash)
{
    uint64_t slot = hash & s->word_mask;
    for (;;) {
        const WordSlot *w = &s->words[slot];
        /* one branch, nearly always taken at the first slot, where "the word" or "no such word" (a coin
           toss) would each be a branch of its own */
        int hit = w->short_ & (w->a == a) & (w->b == b);
        if (hit | (w->length == 0))
            return hit ? w : NULL;
        slot = (slot + 1) & s->word_mask;
    }
}

/* The weight of the pair key (ids i << shift | j, both non-zero), whose words' log counts are lc_i and lc_j. */
static inline double
pair_weight(const Scanner *s, uint32_t key, double lc_i, double lc_j)
{
    uint32_t slot = pair_slot(key, s->pair_bits);
    for (;;) {
        const PairSlot *p = &s->pairs[slot];
        if ((p->key == key) | (p->key == 0)) { /* (one branch for either end of the search, as in short_word) */
            if (p->key == key)
                return s->values[p->value];
            break;
        }
        slot = (slot + 1) & s->pair_mask;
    }
    /* _PairWeights.unattested: UNATTESTED_WEIGHTS[_bin(log_floor - lc[i] - lc[j], UNATTESTED_BINS)] */
    double value = s->log_floor - lc_i - lc_j;
    double f = floor(value);
    if (f < (double)s->lo)
        f = (double)s->lo;
    if (f > (double)s->hi)
        f = (double)s->hi;
    return s->unattested[(long)f - s->lo];
}

/* A candidate word of a plain scan: where it is, and whether the token before it was a candidate too. */
typedef struct {
    Py_ssize_t start;
    Py_ssize_t length;
    int follows;
} Candidate;

/* One chunk's pairs, between asking for their table slots and adding their weights to the run. */
enum { PAIR_ROOM = 128 }; /* at least the tokens of a chunk (CHUNK, PLAIN_ROOM) */
typedef struct {
    int n;
    uint32_t keys[PAIR_ROOM];
    double lc_first[PAIR_ROOM], lc_second[PAIR_ROOM]; /* the log counts of its two words */
} ChunkPairs;

/* A chunk's pairs into *out, in text order, and their table slots asked for (both scans): a token
 * pairs with the one before it (the chunk before's last for the first) when both have ids and, for a
 * plain scan's candidates (found, NULL for the general scan), it came right after that one. */
static inline void
chunk_pairs(const Scanner *s, const Token *tokens, int m, const Candidate *found, ChunkPairs *out, uint32_t *prev,
            double *lc_prev)
{
    int pairs = 0;
    for (int t = 0; t < m; t++) { /* (every token written, the count moved only for a pair: whether a token
                                     pairs is a coin toss for the branch predictor) */
        uint32_t id = tokens[t].id;
        uint32_t key = *prev << s->shift | id;
        out->keys[pairs] = key;
        out->lc_first[pairs] = *lc_prev;
        out->lc_second[pairs] = tokens[t].log_count;
        __builtin_prefetch(&s->pairs[pair_slot(key, s->pair_bits)]);
        pairs += (!found || found[t].follows) & (*prev != 0) & (id != 0);
        *prev = id;
        *lc_prev = tokens[t].log_count;
    }
    out->n = pairs;
}

/* Add a chunk's pair weights to the run: the same additions, in the same order, as the Python scan. */
static inline void
add_pairs(const Scanner *s, const ChunkPairs *pairs, double *run, double *lowest)
{
    for (int p = 0; p < pairs->n; p++) {
        double w = pair_weight(s, pairs->keys[p], pairs->lc_first[p], pairs->lc_second[p]);
        *run = *run < 0.0 ? *run + w : w;
        if (*run < *lowest)
            *lowest = *run;
    }
}

/* The slot of the word at data[start:start+length] that is not a short word (NULL: not in the table). */
#define DEFINE_WORD_ID(NAME, TYPE)                                                              \
    static const WordSlot *NAME(const Scanner *s, const TYPE *data, Py_ssize_t start,           \
                                Py_ssize_t length, uint64_t hash)                               \
    {                                                                                           \
        uint64_t slot = hash & s->word_mask;                                                    \
        for (;;) {                                                                              \
            const WordSlot *w = &s->words[slot];                                                \
            if (w->length == 0)                                                                 \
                return NULL;                                                                    \
            if (!w->short_ && w->a == hash && (Py_ssize_t)w->length == length) {                \
                const Py_UCS4 *chars = s->chars + w->b;                                         \
                Py_ssize_t k = 0;                                                               \
                for (; k < length; k++) {                                                       \
                    int cls;                                                                    \
                    if (classify(s, (Py_UCS4)data[start + k], &cls) != chars[k])                \
                        break;                                                                  \
                }                                                                               \
                if (k == length)                                                                \
                    return w;                                                                   \
            }                                                                                   \
            slot = (slot + 1) & s->word_mask;                                                   \
        }                                                                                       \
    }

/* How many of the 16 characters at d (the first a lower-case ASCII letter) are lower-case ASCII
 * letters before any other, and those letters packed as a short word's first characters into *a
 * and *b (which hold 0): what the character loop does for them, where every lower-case letter
 * stands for itself and may be in a short word (Scanner.plain_lower). Sixteen at a time with
 * SSE2 (a 2-byte string narrowed with unsigned saturation: a character above 255 becomes 0 or
 * 255, no letter), one at a time elsewhere. */
#if defined(__SSE2__)
static inline Py_ssize_t
lower_run16(__m128i v, uint64_t *a, uint64_t *b)
{
    __m128i t = _mm_sub_epi8(v, _mm_set1_epi8('a'));
    unsigned lower = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(25)), t));
    Py_ssize_t run = __builtin_ctz(~lower); /* 1..16 */
    uint64_t lo = (uint64_t)_mm_cvtsi128_si64(v), hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v));
    if (run < 8) {
        *a = lo & (((uint64_t)1 << (8 * run)) - 1);
        *b = 0;
    }
    else {
        *a = lo;
        *b = run == 16 ? hi : hi & (((uint64_t)1 << (8 * (run - 8))) - 1);
    }
    return run;
}
#endif

#define DEFINE_LOWER_RUN(NAME, TYPE, LOAD)                                                      \
    static inline Py_ssize_t NAME(const TYPE *d, uint64_t *a, uint64_t *b)                      \
    {                                                                                           \
        LOAD                                                                                    \
        Py_ssize_t run = 0;                                                                     \
        while (run < 16 && d[run] >= 'a' && d[run] <= 'z') {                                    \
            if (run < 8)                                                                        \
                *a |= (uint64_t)d[run] << (8 * run);                                            \
            else                                                                                \
                *b |= (uint64_t)d[run] << (8 * (run - 8));                                      \
            run++;                                                                              \
        }                                                                                       \
        return run;                                                                             \
    }
#if defined(__SSE2__)
DEFINE_LOWER_RUN(lower_run_tokens_ucs1, Py_UCS1, return lower_run16(_mm_loadu_si128((const __m128i *)d), a, b);)
DEFINE_LOWER_RUN(lower_run_tokens_ucs2, Py_UCS2,
                 return lower_run16(_mm_packus_epi16(_mm_loadu_si128((const __m128i *)d),
                                                     _mm_loadu_si128((const __m128i *)(d + 8))), a, b);)
#else
DEFINE_LOWER_RUN(lower_run_tokens_ucs1, Py_UCS1, )
DEFINE_LOWER_RUN(lower_run_tokens_ucs2, Py_UCS2, )
#endif
DEFINE_LOWER_RUN(lower_run_tokens_ucs4, Py_UCS4, ) /* (never called: the loop reads 4-byte text a character at a time) */

/* Read the next words of data[0:n] into tokens (at most CHUNK), as PairModel._ids splits them:
 * a word ends at whitespace or a mark, and a mark is a word of its own. Returns how many. */
#define DEFINE_TOKENS(NAME, TYPE)                                                               \
    static int NAME(const Scanner *s, const TYPE *data, Py_ssize_t n, Cursor *at, Token *tokens) \
    {                                                                                           \
        int m = 0;                                                                              \
        Py_ssize_t k = at->k, start = at->start;                                                \
        uint64_t a = at->a, b = at->b;                                                          \
        int possible = at->possible, short_ = at->short_;                                       \
        for (; k <= n && m <= CHUNK - 2; k++) { /* a character ends at most two words */        \
            unsigned info = SPACE;                                                              \
            Py_UCS4 c = 0;                                                                      \
            if (k < n) {                                                                        \
                Py_UCS4 x = (Py_UCS4)data[k];                                                   \
                if (sizeof(TYPE) == 1 || x < 256) {                                             \
                    c = s->latin_to[x];                                                         \
                    info = s->latin_info[x];                                                    \
                }                                                                               \
                else                                                                            \
                    info = char_info(s, x, &c);                                                 \
            }                                                                                   \
            if ((info & CLASS_BITS) == WORD) {                                                  \
                if (start < 0) {                                                                \
                    start = k;                                                                  \
                    a = b = 0;                                                                  \
                    possible = short_ = 1;                                                      \
                    if (sizeof(TYPE) <= 2 && c - 'a' < 26 && s->plain_lower && k + 16 <= n) {    \
                        /* the word's first lower-case letters at once: what the loop would do */ \
                        Py_ssize_t run = lower_run_##NAME(data + k, &a, &b);                    \
                        k += run - 1;                                                           \
                        continue;                                                               \
                    }                                                                           \
                }                                                                               \
                if (possible) {                                                                 \
                    Py_ssize_t pos = k - start;                                                 \
                    if (!(info & WORD_OK))                                                      \
                        possible = 0;                                                           \
                    else if (!(info & SHORT_OK) || pos >= SHORT_WORD)                           \
                        short_ = 0;                                                             \
                    else if (pos < 8)                                                           \
                        a |= (uint64_t)c << (8 * pos);                                          \
                    else                                                                        \
                        b |= (uint64_t)c << (8 * (pos - 8));                                    \
                }                                                                               \
                continue;                                                                       \
            }                                                                                   \
            /* a word ends here (if one was open), and a mark is a word of its own */           \
            if (start >= 0) {                                                                   \
                Token *t = &tokens[m++];                                                        \
                Py_ssize_t length = k - start;                                                  \
                t->id = 0;                                                                      \
                t->log_count = 0.0;                                                             \
                t->length = 0;                                                                  \
                if (possible && length <= s->max_length) {                                      \
                    t->length = length;                                                         \
                    t->start = start;                                                           \
                    t->short_ = short_;                                                         \
                    if (short_) {                                                               \
                        t->a = a;                                                               \
                        t->b = b;                                                               \
                        t->hash = short_hash(a, b);                                             \
                    }                                                                           \
                    else {                                                                      \
                        uint64_t hash = FNV_OFFSET;                                             \
                        for (Py_ssize_t q = start; q < k; q++) {                                \
                            int cls;                                                            \
                            hash = fnv_step(hash, classify(s, (Py_UCS4)data[q], &cls));         \
                        }                                                                       \
                        t->hash = hash;                                                         \
                    }                                                                           \
                }                                                                               \
                start = -1;                                                                     \
            }                                                                                   \
            if ((info & CLASS_BITS) == MARK) {                                                  \
                Token *t = &tokens[m++];                                                        \
                t->length = 0;                                                                  \
                t->id = s->mark_id;                                                             \
                t->log_count = s->mark_log_count;                                               \
            }                                                                                   \
        }                                                                                       \
        at->k = k;                                                                              \
        at->start = start;                                                                      \
        at->a = a;                                                                              \
        at->b = b;                                                                              \
        at->possible = possible;                                                                \
        at->short_ = short_;                                                                    \
        return m;                                                                               \
    }

/* Kadane's minimum-run scan over the word ids of data[0:n], as PairModel._lowest_run_python. */
#define DEFINE_SCAN(NAME, TOKENS, WORD_ID, TYPE)                                                \
    DEFINE_WORD_ID(WORD_ID, TYPE)                                                               \
    DEFINE_TOKENS(TOKENS, TYPE)                                                                 \
    static void NAME(const Scanner *s, const TYPE *data, Py_ssize_t n, double *lowest_out,      \
                     Py_ssize_t *words_out)                                                     \
    {                                                                                           \
        double run = 0.0, lowest = 0.0;                                                         \
        Py_ssize_t words = 0;                                                                   \
        uint32_t prev = 0;                                                                      \
        Cursor at = {0, -1, 0, 0, 0, 0};                                                        \
        Token tokens[CHUNK];                                                                    \
        ChunkPairs pairs;                                                                       \
        double lc_prev = 0.0; /* the log count of the word before the chunk */                 \
        while (at.k <= n) {                                                                     \
            int m = TOKENS(s, data, n, &at, tokens);                                            \
            for (int t = 0; t < m; t++) {                                                       \
                if (tokens[t].length)                                                           \
                    __builtin_prefetch(&s->words[tokens[t].hash & s->word_mask]);               \
            }                                                                                   \
            for (int t = 0; t < m; t++) {                                                       \
                Token *token = &tokens[t];                                                      \
                if (token->length) {                                                            \
                    const WordSlot *w =                                                         \
                        token->short_ ? short_word(s, token->a, token->b, token->hash)          \
                                      : WORD_ID(s, data, token->start, token->length, token->hash); \
                    token->id = w ? w->id : 0;                                                  \
                    token->log_count = w ? w->log_count : 0.0;                                  \
                }                                                                               \
            }                                                                                   \
            chunk_pairs(s, tokens, m, NULL, &pairs, &prev, &lc_prev);                           \
            add_pairs(s, &pairs, &run, &lowest);                                                \
            words += m;                                                                         \
        }                                                                                       \
        *lowest_out = lowest;                                                                   \
        *words_out = words;                                                                     \
    }

DEFINE_SCAN(scan_ucs1, tokens_ucs1, word_id_ucs1, Py_UCS1)
DEFINE_SCAN(scan_ucs2, tokens_ucs2, word_id_ucs2, Py_UCS2)
DEFINE_SCAN(scan_ucs4, tokens_ucs4, word_id_ucs4, Py_UCS4)

/* ---- the scan of a plain model ---------------------------------------------------------
 *
 * Every word of the real model is lower-case ASCII letters, and no other character stands for
 * one (Scanner.plain): then a word has an id only if it is a run of a-z between separators
 * (whitespace, a mark, the text's ends), and any other word or mark only breaks the chain of
 * pairs. The scan above read every character with a branch on what it is; this one reads a block
 * of 64 characters at a time into bit masks (its lower-case letters and its spaces with SSE2, the
 * few other characters one by one through the same tables), then walks its words and marks with
 * ctz: a word's end, whether it holds anything but a-z, and its packed letters come from the masks
 * and one load, without a branch per character. Only the candidate words go on to the lookups,
 * each saying whether the word before it was one too; the pairs, their weights and the additions
 * are those of the scan above, in the same order. (1- and 2-byte strings; a 4-byte one, a rare
 * emoji or old script, takes the scan above.) */

enum { BLOCK = 64, PLAIN_ROOM = CHUNK + BLOCK / 2 + 4 }; /* a block ends at most 32 words and an open one */
_Static_assert((int)PLAIN_ROOM <= (int)PAIR_ROOM && (int)CHUNK <= (int)PAIR_ROOM, "a chunk's pairs fit in ChunkPairs");

/* (1 << n) - 1 for n in 0..64 */
static inline uint64_t
low_bits(Py_ssize_t n)
{
    return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
}

#if defined(__SSE2__)
/* bit k: byte k of v is a lower-case ASCII letter (*lower) or a space (*space) */
static inline void
lower_space16(__m128i v, unsigned *lower, unsigned *space)
{
    __m128i t = _mm_sub_epi8(v, _mm_set1_epi8('a'));
    *lower = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(25)), t));
    *space = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
}
#endif

/* The letters of a short candidate word (1..16 characters, all a-z) packed as a short word's. */
#define DEFINE_PACK(NAME, TYPE, LOAD16)                                                         \
    static inline void NAME(const TYPE *d, Py_ssize_t n, Py_ssize_t start, Py_ssize_t length,   \
                            uint64_t *a, uint64_t *b)                                           \
    {                                                                                           \
        uint64_t lo = 0, hi = 0;                                                                \
        if (start + 16 <= n) {                                                                  \
            LOAD16                                                                              \
        }                                                                                       \
        else {                                                                                  \
            for (Py_ssize_t q = 0; q < length; q++) {                                           \
                if (q < 8)                                                                      \
                    lo |= (uint64_t)d[start + q] << (8 * q);                                    \
                else                                                                            \
                    hi |= (uint64_t)d[start + q] << (8 * (q - 8));                              \
            }                                                                                   \
        }                                                                                       \
        *a = length >= 8 ? lo : lo & low_bits(8 * length);                                      \
        *b = length <= 8 ? 0 : hi & low_bits(8 * (length - 8));                                \
    }
#if defined(__SSE2__)
DEFINE_PACK(pack_ucs1, Py_UCS1, {
    __m128i v = _mm_loadu_si128((const __m128i *)(d + start));
    lo = (uint64_t)_mm_cvtsi128_si64(v);
    hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v));
})
DEFINE_PACK(pack_ucs2, Py_UCS2, {
    __m128i v = _mm_packus_epi16(_mm_loadu_si128((const __m128i *)(d + start)),
                                 _mm_loadu_si128((const __m128i *)(d + start + 8)));
    lo = (uint64_t)_mm_cvtsi128_si64(v);
    hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v));
})
#else
DEFINE_PACK(pack_ucs1, Py_UCS1, { memcpy(&lo, d + start, 8); memcpy(&hi, d + start + 8, 8); })
DEFINE_PACK(pack_ucs2, Py_UCS2, {
    for (int q = 0; q < 8; q++) {
        lo |= (uint64_t)(uint8_t)d[start + q] << (8 * q);
        hi |= (uint64_t)(uint8_t)d[start + 8 + q] << (8 * q);
    }
})
#endif

/* Where a plain scan stands between two calls of its block reader. */
typedef struct {
    Py_ssize_t k;     /* the next block's first character */
    Py_ssize_t open;  /* start of a word running on past the last block, -1 if none */
    int open_good;    /* whether it is all a-z so far */
    int follows;      /* whether the last token was a candidate word */
    Py_ssize_t words; /* tokens so far (words and marks) */
} PlainCursor;

#define DEFINE_PLAIN_SCAN(NAME, TYPE, WORD_ID, PACK, MASKS16)                                   \
    /* masks of data[k:k+64] (fewer at the text's end: the rest counts as space) */             \
    static inline void NAME##_masks(const Scanner *s, const TYPE *d, Py_ssize_t n, Py_ssize_t k, \
                                    uint64_t *word, uint64_t *bad, uint64_t *mark)              \
    {                                                                                           \
        uint64_t lower = 0, space = 0, valid = ~(uint64_t)0;                                    \
        if (k + BLOCK <= n) {                                                                   \
            for (int q = 0; q < BLOCK / 16; q++) {                                              \
                unsigned l, sp;                                                                 \
                MASKS16                                                                         \
                lower |= (uint64_t)l << (16 * q);                                               \
                space |= (uint64_t)sp << (16 * q);                                              \
            }                                                                                   \
        }                                                                                       \
        else {                                                                                  \
            valid = low_bits(n - k);                                                            \
            for (Py_ssize_t q = 0; q < n - k; q++) {                                            \
                Py_UCS4 x = d[k + q];                                                           \
                lower |= (uint64_t)(x - 'a' < 26) << q;                                         \
                space |= (uint64_t)(x == ' ') << q;                                             \
            }                                                                                   \
        }                                                                                       \
        uint64_t rest = ~(lower | space) & valid, other = 0, marks = 0;                         \
        for (; rest; rest &= rest - 1) {                                                        \
            int q = __builtin_ctzll(rest);                                                      \
            Py_UCS4 x = d[k + q], c;                                                            \
            unsigned cls = (sizeof(TYPE) == 1 || x < 256 ? s->latin_info[x] : char_info(s, x, &c)) & CLASS_BITS; \
            other |= (uint64_t)(cls == WORD) << q;                                              \
            marks |= (uint64_t)(cls == MARK) << q;                                              \
        }                                                                                       \
        *word = lower | other;                                                                  \
        *bad = other;                                                                           \
        *mark = marks;                                                                          \
    }                                                                                           \
                                                                                                \
    /* the next candidate words of d[0:n] into out (at least CHUNK of them unless the text ends first) */ \
    static int NAME##_candidates(const Scanner *s, const TYPE *d, Py_ssize_t n, PlainCursor *at, \
                                 Candidate *out)                                                \
    {                                                                                           \
        int m = 0;                                                                              \
        Py_ssize_t max_length = s->max_length;                                                  \
        int follows = at->follows;                                                              \
        Py_ssize_t words = at->words;                                                           \
        for (; at->k < n && m < CHUNK; at->k += BLOCK) {                                        \
            Py_ssize_t k = at->k;                                                               \
            uint64_t word, bad, mark;                                                           \
            NAME##_masks(s, d, n, k, &word, &bad, &mark);                                       \
            uint64_t starts = word & ~(word << 1);                                              \
            if (at->open >= 0) { /* the word running on from the last block */                  \
                uint64_t gaps = ~word;                                                          \
                Py_ssize_t e = gaps ? __builtin_ctzll(gaps) : BLOCK;                            \
                at->open_good &= (bad & low_bits(e)) == 0;                                      \
                starts &= ~(uint64_t)1;                                                         \
                if (e == BLOCK)                                                                 \
                    continue;                                                                   \
                Py_ssize_t length = k + e - at->open;                                           \
                if (at->open_good && length <= max_length) {                                    \
                    out[m++] = (Candidate){at->open, length, follows};                          \
                    follows = 1;                                                                \
                }                                                                               \
                else                                                                            \
                    follows = 0;                                                                \
                at->open = -1;                                                                  \
            }                                                                                   \
            for (uint64_t events = starts | mark; events; events &= events - 1) {               \
                int p = __builtin_ctzll(events);                                                \
                words++;                                                                        \
                int is_mark = (int)(mark >> p & 1); /* (a mark is no word character: its gaps hold bit 0) */ \
                uint64_t gaps = ~word >> p;                                                     \
                if (!gaps) { /* the word runs on into the next block */                         \
                    at->open = k + p;                                                           \
                    at->open_good = (bad >> p) == 0;                                            \
                    break;                                                                      \
                }                                                                               \
                Py_ssize_t length = __builtin_ctzll(gaps);                                      \
                /* (written either way, kept by the count: no branch on whether it is a candidate) */ \
                int good = !is_mark & ((bad >> p & low_bits(length)) == 0) & (length <= max_length); \
                out[m] = (Candidate){k + p, length, follows};                                   \
                m += good;                                                                      \
                follows = good;                                                                 \
            }                                                                                   \
        }                                                                                       \
        if (at->k >= n && at->open >= 0) { /* the text ends inside a word */                    \
            Py_ssize_t length = n - at->open;                                                   \
            if (at->open_good && length <= max_length) {                                        \
                out[m++] = (Candidate){at->open, length, follows};                              \
                follows = 1;                                                                    \
            }                                                                                   \
            else                                                                                \
                follows = 0;                                                                    \
            at->open = -1;                                                                      \
        }                                                                                       \
        at->follows = follows;                                                                  \
        at->words = words;                                                                      \
        return m;                                                                               \
    }                                                                                           \
                                                                                                \
    static void NAME(const Scanner *s, const TYPE *d, Py_ssize_t n, double *lowest_out,         \
                     Py_ssize_t *words_out)                                                     \
    {                                                                                           \
        double run = 0.0, lowest = 0.0;                                                         \
        PlainCursor at = {0, -1, 0, 0, 0};                                                      \
        Candidate found[PLAIN_ROOM];                                                            \
        Token tokens[PLAIN_ROOM];                                                               \
        /* a chunk's pairs are added to the run only after the next chunk's words are read and looked \
           up: the table slots asked for (four MB read at random, mostly out of the caches) arrive \
           meanwhile, where they were waited for at once */                                     \
        ChunkPairs pairs[2];                                                                    \
        int next = 0; /* pairs[next ^ 1]: the chunk before's, not yet added */                   \
        pairs[1].n = 0;                                                                         \
        uint32_t prev = 0;    /* the id of the last candidate of the chunk before */            \
        double lc_prev = 0.0; /* and its log count */                                           \
        while (at.k < n || at.open >= 0) {                                                      \
            int m = NAME##_candidates(s, d, n, &at, found);                                     \
            for (int t = 0; t < m; t++) {                                                       \
                Token *token = &tokens[t];                                                      \
                Py_ssize_t start = found[t].start, length = found[t].length;                    \
                token->short_ = length <= SHORT_WORD;                                           \
                if (token->short_) {                                                            \
                    PACK(d, n, start, length, &token->a, &token->b);                            \
                    token->hash = short_hash(token->a, token->b);                               \
                }                                                                               \
                else {                                                                          \
                    uint64_t hash = FNV_OFFSET;                                                 \
                    for (Py_ssize_t q = start; q < start + length; q++)                         \
                        hash = fnv_step(hash, d[q]);                                            \
                    token->hash = hash;                                                         \
                }                                                                               \
                __builtin_prefetch(&s->words[token->hash & s->word_mask]);                      \
            }                                                                                   \
            for (int t = 0; t < m; t++) {                                                       \
                Token *token = &tokens[t];                                                      \
                const WordSlot *w = token->short_ ? short_word(s, token->a, token->b, token->hash) \
                                                  : WORD_ID(s, d, found[t].start, found[t].length, token->hash); \
                token->id = w ? w->id : 0;                                                      \
                token->log_count = w ? w->log_count : 0.0;                                      \
            }                                                                                   \
            chunk_pairs(s, tokens, m, found, &pairs[next], &prev, &lc_prev);                    \
            add_pairs(s, &pairs[next ^ 1], &run, &lowest);                                      \
            next ^= 1;                                                                          \
        }                                                                                       \
        add_pairs(s, &pairs[next ^ 1], &run, &lowest);                                          \
        *lowest_out = lowest;                                                                   \
        *words_out = at.words;                                                                  \
    }

#if defined(__SSE2__)
DEFINE_PLAIN_SCAN(plain_ucs1, Py_UCS1, word_id_ucs1, pack_ucs1,
                  lower_space16(_mm_loadu_si128((const __m128i *)(d + k + 16 * q)), &l, &sp);)
DEFINE_PLAIN_SCAN(plain_ucs2, Py_UCS2, word_id_ucs2, pack_ucs2,
                  lower_space16(_mm_packus_epi16(_mm_loadu_si128((const __m128i *)(d + k + 16 * q)),
                                                 _mm_loadu_si128((const __m128i *)(d + k + 16 * q + 8))),
                                &l, &sp);)
#else
#define PLAIN_MASKS16                                                                           \
    l = sp = 0;                                                                                 \
    for (int r = 0; r < 16; r++) {                                                              \
        Py_UCS4 x = d[k + 16 * q + r];                                                          \
        l |= (unsigned)(x - 'a' < 26) << r;                                                     \
        sp |= (unsigned)(x == ' ') << r;                                                        \
    }
DEFINE_PLAIN_SCAN(plain_ucs1, Py_UCS1, word_id_ucs1, pack_ucs1, PLAIN_MASKS16)
DEFINE_PLAIN_SCAN(plain_ucs2, Py_UCS2, word_id_ucs2, pack_ucs2, PLAIN_MASKS16)
#endif

static PyObject *
Scanner_lowest_run(Scanner *s, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "lowest_run() needs a str, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return NULL;
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    double lowest;
    Py_ssize_t words;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        (s->plain ? plain_ucs1 : scan_ucs1)(s, (const Py_UCS1 *)data, n, &lowest, &words);
        break;
    case PyUnicode_2BYTE_KIND:
        (s->plain ? plain_ucs2 : scan_ucs2)(s, (const Py_UCS2 *)data, n, &lowest, &words);
        break;
    default:
        scan_ucs4(s, (const Py_UCS4 *)data, n, &lowest, &words);
        break;
    }
    return Py_BuildValue("(dn)", lowest, words);
}

/* ---- building a Scanner from the Python model ----------------------------------------- */

static void
Scanner_dealloc(Scanner *s)
{
    table_free(s->pairs, ((size_t)s->pair_mask + 1) * sizeof(PairSlot));
    PyMem_Free(s->values);
    table_free(s->words, ((size_t)s->word_mask + 1) * sizeof(WordSlot));
    PyMem_Free(s->chars);
    PyMem_Free(s->log_count);
    PyMem_Free(s->unattested);
    PyMem_Free(s->special_from);
    PyMem_Free(s->special_to);
    PyMem_Free(s->special_class);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

/* A 1-character str's code point, or -1 with an exception. */
static long
one_char(PyObject *o, const char *what)
{
    if (!PyUnicode_Check(o) || PyUnicode_GET_LENGTH(o) != 1) {
        PyErr_Format(PyExc_ValueError, "%s must be single characters", what);
        return -1;
    }
    return (long)PyUnicode_READ_CHAR(o, 0);
}

static int
build_characters(Scanner *s, PyObject *replace, PyObject *marks)
{
    if (!PyDict_Check(replace) || !PyUnicode_Check(marks)) {
        PyErr_SetString(PyExc_TypeError, "replace must be a dict, marks a str");
        return -1;
    }
    Py_ssize_t n_marks = PyUnicode_GET_LENGTH(marks);
    /* special (non-ASCII) characters: replacement sources and marks */
    Py_ssize_t room = PyDict_Size(replace) + n_marks;
    s->special_from = PyMem_New(Py_UCS4, room ? room : 1);
    s->special_to = PyMem_New(Py_UCS4, room ? room : 1);
    s->special_class = PyMem_New(uint8_t, room ? room : 1);
    if (!s->special_from || !s->special_to || !s->special_class) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_UCS4 c = 0; c < 256; c++)
        s->latin_to[c] = c;
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(replace, &pos, &key, &value)) {
        long from = one_char(key, "replacements"), to = one_char(value, "replacements");
        if (from < 0 || to < 0)
            return -1;
        if (from < 128)
            s->latin_to[from] = (Py_UCS4)to;
        else {
            s->special_from[s->n_special] = (Py_UCS4)from;
            s->special_to[s->n_special++] = (Py_UCS4)to;
        }
    }
    for (Py_ssize_t k = 0; k < n_marks; k++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(marks, k);
        if (c < 128)
            continue;
        int seen = 0; /* a mark that is replaced is classed by its replacement */
        for (Py_ssize_t q = 0; q < s->n_special; q++)
            seen |= s->special_from[q] == c;
        if (!seen) {
            s->special_from[s->n_special] = c;
            s->special_to[s->n_special++] = c;
        }
    }
    /* the class of a character is the class of what it is replaced by */
#define CLASS_OF(c)                                                                              \
    ((c) == 0 || PyUnicode_FindChar(marks, (c), 0, n_marks, 1) >= 0 ? MARK                       \
     : Py_UNICODE_ISSPACE(c)                                        ? SPACE                      \
                                                                    : WORD)
    for (Py_ssize_t q = 0; q < s->n_special; q++) {
        if (s->special_from[q] < 256)
            s->latin_to[s->special_from[q]] = s->special_to[q];
    }
    for (Py_UCS4 c = 0; c < 256; c++)
        s->latin_class[c] = CLASS_OF(s->latin_to[c]);
    s->special_min = 0x10FFFF;
    s->special_max = 0;
    for (Py_ssize_t q = 0; q < s->n_special; q++) {
        s->special_class[q] = CLASS_OF(s->special_to[q]);
        if (s->special_from[q] < s->special_min)
            s->special_min = s->special_from[q];
        if (s->special_from[q] > s->special_max)
            s->special_max = s->special_from[q];
    }
#undef CLASS_OF
    return 0;
}

static int
build_words(Scanner *s, PyObject *ids)
{
    Py_ssize_t n = PyDict_Size(ids), total = 0, pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(ids, &pos, &key, &value)) {
        if (PyUnicode_Check(key))
            total += PyUnicode_GET_LENGTH(key);
    }
    if (total >= (Py_ssize_t)UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "too many characters in the word list");
        return -1;
    }
    int bits = table_bits(n);
    s->word_mask = ((uint64_t)1 << bits) - 1;
    /* slots aligned to the cache line, so that none straddles two */
    s->words = table_calloc(((size_t)1 << bits) * sizeof(WordSlot));
    s->chars = PyMem_New(Py_UCS4, total ? total : 1);
    if (!s->words || !s->chars) {
        PyErr_NoMemory();
        return -1;
    }
    uint32_t offset = 0;
    pos = 0;
    while (PyDict_Next(ids, &pos, &key, &value)) {
        if (!PyUnicode_Check(key))
            continue; /* no word of a text can equal it */
        if (!PyLong_Check(value)) {
            PyErr_SetString(PyExc_TypeError, "word ids must be ints");
            return -1;
        }
        long id = PyLong_AsLong(value);
        if (id == -1 && PyErr_Occurred())
            return -1;
        if (id < 0 || id >= s->n_log_count || id >= (1L << s->shift)) {
            PyErr_Format(PyExc_ValueError, "word id %ld out of range", id);
            return -1;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(key);
        if (length == 0)
            continue;
        uint64_t hash = FNV_OFFSET, a = 0, b = 0;
        int short_ = length <= SHORT_WORD;
        for (Py_ssize_t k = 0; k < length; k++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(key, k);
            s->chars[offset + k] = c;
            hash = fnv_step(hash, c);
            if (c < 128)
                s->ascii_word_char[c] = 1;
            else
                s->non_ascii_words = 1;
            if (c == 0 || c >= 128)
                short_ = 0;
            else if (k < 8)
                a |= (uint64_t)c << (8 * k);
            else if (k < SHORT_WORD)
                b |= (uint64_t)c << (8 * (k - 8));
        }
        if (length == 1 && s->chars[offset] == 0)
            s->mark_id = (uint32_t)id;
        if (length > s->max_length)
            s->max_length = length;
        WordSlot slot_of = {hash, offset, (uint32_t)length, (uint32_t)id, 0, s->log_count[id]};
        if (short_) {
            slot_of = (WordSlot){a, b, (uint32_t)length, (uint32_t)id, 1, s->log_count[id]};
            hash = short_hash(a, b);
        }
        uint64_t slot = hash & s->word_mask;
        while (s->words[slot].length)
            slot = (slot + 1) & s->word_mask;
        s->words[slot] = slot_of;
        offset += (uint32_t)length;
    }
    return 0;
}

static int
build_pairs(Scanner *s, PyObject *weights)
{
    Py_ssize_t n = PyDict_Size(weights), pos = 0;
    int bits = table_bits(n);
    if (bits > 31) {
        PyErr_SetString(PyExc_ValueError, "too many pairs");
        return -1;
    }
    s->pair_bits = bits;
    s->pair_mask = ((uint32_t)1 << bits) - 1;
    s->pairs = table_calloc(((size_t)1 << bits) * sizeof(PairSlot));
    s->values = PyMem_New(double, n ? n : 1);
    /* distinct weights by their bits: slot -> index + 1 (0 = empty) */
    uint32_t *seen = PyMem_Calloc((size_t)1 << bits, sizeof(uint32_t));
    if (!s->pairs || !s->values || !seen) {
        PyMem_Free(seen);
        PyErr_NoMemory();
        return -1;
    }
    uint32_t n_values = 0;
    PyObject *key, *value;
    while (PyDict_Next(weights, &pos, &key, &value)) {
        if (!PyLong_Check(key) || !PyFloat_Check(value)) {
            PyMem_Free(seen);
            PyErr_SetString(PyExc_TypeError, "pair weights must map int keys to floats");
            return -1;
        }
        int overflow;
        long long k = PyLong_AsLongLongAndOverflow(key, &overflow);
        if (k == -1 && PyErr_Occurred()) {
            PyMem_Free(seen);
            return -1;
        }
        if (overflow || k <= 0 || k > (long long)UINT32_MAX)
            continue; /* no pair of two ids has this key */
        double w = PyFloat_AS_DOUBLE(value);
        uint64_t bits_of_w;
        memcpy(&bits_of_w, &w, sizeof w);
        uint32_t v = pair_slot((uint32_t)(bits_of_w ^ bits_of_w >> 32), bits);
        while (seen[v] && memcmp(&s->values[seen[v] - 1], &w, sizeof w) != 0)
            v = (v + 1) & s->pair_mask;
        if (!seen[v]) {
            s->values[n_values++] = w;
            seen[v] = n_values;
        }
        uint32_t slot = pair_slot((uint32_t)k, bits);
        while (s->pairs[slot].key)
            slot = (slot + 1) & s->pair_mask;
        s->pairs[slot].key = (uint32_t)k;
        s->pairs[slot].value = seen[v] - 1;
    }
    PyMem_Free(seen);
    return 0;
}

static int
build_doubles(PyObject *seq, double **out, Py_ssize_t *n_out, const char *what)
{
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    *out = PyMem_New(double, n ? n : 1);
    if (!*out) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, k);
        if (!PyFloat_Check(item) || !isfinite(PyFloat_AS_DOUBLE(item))) {
            Py_DECREF(fast);
            PyErr_Format(PyExc_ValueError, "%s must be finite floats", what);
            return -1;
        }
        (*out)[k] = PyFloat_AS_DOUBLE(item);
    }
    Py_DECREF(fast);
    *n_out = n;
    return 0;
}

static PyObject *
Scanner_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"ids", "log_count", "weights", "replace", "marks", "log_floor", "unattested", "bins", "shift", NULL};
    PyObject *ids, *log_count, *weights, *replace, *marks, *unattested;
    double log_floor;
    long lo, hi;
    int shift;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!OO!O!UdO(ll)i:Scanner", names, &PyDict_Type, &ids, &log_count,
                                     &PyDict_Type, &weights, &PyDict_Type, &replace, &marks, &log_floor, &unattested,
                                     &lo, &hi, &shift))
        return NULL;
    if (shift < 1 || shift > 16 || lo > hi || !isfinite(log_floor)) {
        PyErr_SetString(PyExc_ValueError, "bad shift, bins or floor");
        return NULL;
    }
    Scanner *s = (Scanner *)type->tp_alloc(type, 0); /* zeroed */
    if (!s)
        return NULL;
    s->shift = shift;
    s->lo = lo;
    s->hi = hi;
    s->log_floor = log_floor;
    Py_ssize_t n_unattested;
    if (build_doubles(log_count, &s->log_count, &s->n_log_count, "log counts") < 0 ||
        build_doubles(unattested, &s->unattested, &n_unattested, "unattested weights") < 0)
        goto fail;
    if (n_unattested != hi - lo + 1) {
        PyErr_SetString(PyExc_ValueError, "one unattested weight per bin");
        goto fail;
    }
    if (build_characters(s, replace, marks) < 0 || build_words(s, ids) < 0 || build_pairs(s, weights) < 0)
        goto fail;
    s->mark_log_count = s->mark_id < s->n_log_count ? s->log_count[s->mark_id] : 0.0;
    for (Py_UCS4 x = 0; x < 256; x++) /* (needs the words' characters) */
        s->latin_info[x] = (uint8_t)info_of(s, s->latin_class[x], s->latin_to[x]);
    s->plain_lower = 1;
    for (Py_UCS4 x = 'a'; x <= 'z'; x++)
        s->plain_lower &= s->latin_to[x] == x && s->latin_info[x] == (WORD | WORD_OK | SHORT_OK);
    /* plain: each of a-z stands for itself in a word, and no other character stands for a character of
       a word of the table (a word holding a mark or a space is never a token of a text, but for "\0"
       alone, the id of every mark) */
    s->plain = s->mark_id == 0 && !s->non_ascii_words && s->latin_class[' '] == SPACE;
    for (Py_UCS4 x = 0; x < 256; x++) {
        if (x - 'a' < 26 ? s->latin_to[x] != x || s->latin_class[x] != WORD : (s->latin_info[x] & WORD_OK) != 0)
            s->plain = 0;
    }
    for (Py_ssize_t q = 0; q < s->n_special; q++) {
        if (info_of(s, s->special_class[q], s->special_to[q]) & WORD_OK)
            s->plain = 0;
    }
    return (PyObject *)s;
fail:
    Py_DECREF(s);
    return NULL;
}

static PyMethodDef Scanner_methods[] = {
    {"lowest_run", (PyCFunction)Scanner_lowest_run, METH_O,
     "lowest_run(text) -> (lowest run, number of words): what PairModel._lowest_run_python(text) returns."},
    {NULL, NULL, 0, NULL},
};

static PyObject *
Scanner_plain(Scanner *s, void *closure)
{
    (void)closure;
    return PyBool_FromLong(s->plain);
}

static PyGetSetDef Scanner_getset[] = {
    {"plain", (getter)Scanner_plain, NULL,
     "Whether the plain scan runs on 1- and 2-byte strings (every word of the table is lower-case ASCII letters).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "scrubber.kinds._word_pairs_kernel.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The word-pair model's tables in C, for PairModel._lowest_run.",
    .tp_methods = Scanner_methods,
    .tp_getset = Scanner_getset,
    .tp_new = Scanner_new,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "scrubber.kinds._word_pairs_kernel",
    .m_doc = "The compiled word-pair scan of scrubber.kinds.word_pairs (optional: word_pairs.py is the reference).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__word_pairs_kernel(void)
{
    /* PyModule_AddType (Python 3.9+) readies each type and adds it under the last part of its tp_name */
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    if (PyModule_AddType(m, &ScannerType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
