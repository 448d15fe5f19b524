/* Candidate positions for two garble detectors of scrubber.kinds.garble, in one pass over a text.
 *
 * Why: garble.stray-punctuation and garble.word-order spent most of their
 * time in pure regex scans that stop at every comma, full stop, mark or word
 * boundary (_STRAY_SCANS and _WORD_ORDER_SCAN). This kernel finds, in one
 * pass in C, a SUPERSET of the positions those scans yield:
 *
 *  - stray punctuation: every position where one of the three _STRAY_SCANS
 *    matches (the character tests of the scans, mirrored one by one below);
 *  - word order: every position where _WORD_ORDER_SCAN can match, that is
 *    the character before a function word followed by the pair, the letter
 *    or the mark one of its branches names.
 *
 * The same pass also gives, exactly, where hint scans of garble.py match
 * (a mark after a blank, _TOKENIZED_HINTS[0]; a mark, blanks and a double
 * quote before a line end or blanks and no capital, _SPACE_QUOTE_HINT; a full
 * stop after two lower-case letters before blanks and a lower-case letter,
 * _LOWER_HINT; a full stop and a closing quote before the same,
 * _AFTER_QUOTE_HINT; an opening bracket before a blank and " n't",
 * _TOKENIZED_HINTS[1:]; an apostrophe before three lower-case letters,
 * _ELISION_HINTS): as regex scans they stopped at every comma and full stop
 * of the text, or each searched it again. And every quote and bracket that
 * garble's unbalanced-quotes weighs (its _marks, nine str.find before),
 * and where a paragraph starts with a lower-case character (what gives
 * garble.lowercase-start something to look at besides _LOWER_HINT).
 *
 * It decides nothing: the Python side runs the exact patterns at each
 * candidate, so findings stay those of the patterns as long as the set is a
 * superset (tests/test_mark_scan_kernel.py checks that on tables of cases and
 * with hypothesis). Where the C side cannot tell cheaply, it emits.
 *
 * Character classes follow re's for str: \w is Py_UNICODE_ISALNUM or '_',
 * \d is Py_UNICODE_ISDECIMAL, [^\W\d_] is \w but neither \d nor '_'.
 *
 * A Splitter (below) finds where a paragraph's sentences end, exactly as
 * scrubber.text's _END pattern and abbreviation test do, for text.py.
 *
 * No word list is written here: garble.py passes its constants (the words a
 * mark may not follow, the units, months and auxiliaries, the word-order
 * branches) when it builds a Scanner. The scan holds the GIL and owns no
 * Python reference but the two lists it returns.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "_table_memory.h"

#define MAX_WORD 15 /* longest word a table may hold */
#define MAX_RULES 32
/* the bits of a Scanner's first_filter, and the shift that takes a 32-bit hash_packed to one of them */
#define FILTER_BITS 4096
#define FILTER_SHIFT 20

enum { RULE_PAIR = 0, RULE_NEXT = 1, RULE_END = 2, RULE_END_AFTER_COMMA = 3, RULE_ALWAYS = 4 };

/* A table word is held as its letters, one byte each, in two 8-byte halves (0 past its end):
 * looking a word up packs its letters and compares two integers, with no hashing loop. */
typedef struct {
    uint64_t a, b;
    uint8_t length; /* 0 = empty slot */
    uint32_t first;  /* bit r: the word opens word-order rule r */
    uint32_t second; /* bit r: the word is a second word of pair rule r */
    uint8_t after;   /* 1: a stray-scan mark right after the word is a candidate */
} WordSlot;

/* a list of prefixes (case-sensitive ASCII), by first letter */
typedef struct {
    char *chars;              /* every prefix, NUL-terminated, one after another */
    Py_ssize_t *starts;       /* offset of each prefix in chars, those of one first character together */
    Py_ssize_t n;
    /* the prefixes starting with character c are starts[first[c]:first[c + 1]]: a text's word is compared
       with those alone (a comma before a word was compared with every month and every auxiliary) */
    uint16_t first[129];
} Prefixes;

typedef struct {
    PyObject_HEAD
    WordSlot *words;
    uint32_t mask;
    Py_ssize_t max_length;
    int n_rules;
    uint8_t kind[MAX_RULES];
    uint8_t next_letter[MAX_RULES][128]; /* RULE_NEXT: the letters the next word may start with */
    uint16_t first_lengths[128]; /* bit k of [c]: some word that opens a rule starts with c and has k letters */
    /* bit (hash_packed >> FILTER_SHIFT) set for each word that opens a rule (see NAME##_order), or is
       the second word of a pair rule */
    uint64_t first_filter[FILTER_BITS / 64], second_filter[FILTER_BITS / 64];
    uint16_t second_lengths[128]; /* the same for the second words of pair rules */
    /* bit r set for each rule r of a kind: RULE_ALWAYS, RULE_END, RULE_END_AFTER_COMMA, RULE_PAIR or RULE_NEXT */
    uint32_t always_mask, end_mask, end_comma_mask, follow_mask;
    uint32_t next_bits[128]; /* bit r of [c]: RULE_NEXT rule r takes a next word starting with c */
    Prefixes units, comma_next, stop_next;
    /* a comma before blanks and one of comma_aux is a candidate only after a sentence-opening word of opening_det,
       blanks and letters (see NAME##_after_opening) */
    Prefixes comma_aux, opening_det;
    Prefixes colon_before, colon_next; /* the words right before a colon, or after it and blanks, that make it a candidate */
} Scanner;

/* ---- words --------------------------------------------------------------------------- */

static inline uint32_t
hash_word(const char *w, Py_ssize_t n)
{
    uint32_t h = 2166136261u;
    for (Py_ssize_t k = 0; k < n; k++)
        h = (h ^ (uint8_t)w[k]) * 16777619u;
    return h;
}

/* Add letter c (1..127) at position k (below 16) of a packed word. */
static inline void
pack_letter(uint64_t *a, uint64_t *b, Py_ssize_t k, Py_UCS4 c)
{
    if (k < 8)
        *a |= (uint64_t)c << (8 * k);
    else
        *b |= (uint64_t)c << (8 * (k - 8));
}

static inline uint32_t
hash_packed(uint64_t a, uint64_t b)
{
    uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ b * 0xC2B2AE3D27D4EB4FULL;
    return (uint32_t)(h >> 32 ^ h);
}

#if defined(__SSE2__)
/* [length]: the masks of the two halves of a packed word or run of that many letters or bytes (0..16) */
static const uint64_t PACKED_MASK[17][2] = {
    {0, 0}, {0xFF, 0}, {0xFFFF, 0}, {0xFFFFFF, 0}, {0xFFFFFFFF, 0}, {0xFFFFFFFFFF, 0}, {0xFFFFFFFFFFFF, 0},
    {0xFFFFFFFFFFFFFF, 0}, {~(uint64_t)0, 0}, {~(uint64_t)0, 0xFF}, {~(uint64_t)0, 0xFFFF}, {~(uint64_t)0, 0xFFFFFF},
    {~(uint64_t)0, 0xFFFFFFFF}, {~(uint64_t)0, 0xFFFFFFFFFF}, {~(uint64_t)0, 0xFFFFFFFFFFFF},
    {~(uint64_t)0, 0xFFFFFFFFFFFFFF}, {~(uint64_t)0, ~(uint64_t)0}};
#endif

/* The table word whose letters are packed in a and b (its length is implied: no letter is 0), or NULL. */
static inline const WordSlot *
find_word(const Scanner *s, uint64_t a, uint64_t b)
{
    uint32_t slot = hash_packed(a, b) & s->mask;
    for (;;) {
        const WordSlot *e = &s->words[slot];
        int hit = (e->a == a) & (e->b == b) & (e->length != 0); /* (one branch: see RunFilter_skips_short) */
        if (hit | (e->length == 0))
            return hit ? e : NULL;
        slot = (slot + 1) & s->mask;
    }
}

static WordSlot *
add_word(Scanner *s, const char *w, Py_ssize_t n)
{
    uint64_t a = 0, b = 0;
    for (Py_ssize_t k = 0; k < n; k++)
        pack_letter(&a, &b, k, (uint8_t)w[k]);
    uint32_t slot = hash_packed(a, b) & s->mask;
    for (;;) {
        WordSlot *e = &s->words[slot];
        if (e->length == 0) {
            e->a = a;
            e->b = b;
            e->length = (uint8_t)n;
            if (n > s->max_length)
                s->max_length = n;
            return e;
        }
        if (e->a == a && e->b == b)
            return e;
        slot = (slot + 1) & s->mask;
    }
}

/* ---- characters (re's classes for str) ------------------------------------------------ */

static inline int
is_ascii_letter(Py_UCS4 c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline int
is_word(Py_UCS4 c) /* \w */
{
    if (c < 128)
        return is_ascii_letter(c) || (c >= '0' && c <= '9') || c == '_';
    return Py_UNICODE_ISALNUM(c);
}

static inline int
is_digit(Py_UCS4 c) /* \d */
{
    if (c < 128)
        return c >= '0' && c <= '9';
    return Py_UNICODE_ISDECIMAL(c);
}

static inline int
is_letter(Py_UCS4 c) /* [^\W\d_] */
{
    if (c < 128)
        return is_ascii_letter(c);
    return Py_UNICODE_ISALNUM(c) && !Py_UNICODE_ISDECIMAL(c);
}

static inline int
is_blank(Py_UCS4 c) /* [ \t] */
{
    return c == ' ' || c == '\t';
}

/* ---- skipping letters ------------------------------------------------------------------ */

/* The first position from p on whose character is not an ASCII letter (n if none), for each
 * storage kind. Most characters of a text are letters, and the scan has nothing to do at them:
 * tested one at a time, the end of every word was a mispredicted branch. With SSE2 (every
 * x86-64) sixteen characters are tested at once. */
#if defined(__SSE2__)
/* bit k set: byte k of v is not an ASCII letter */
static inline unsigned
not_letters16(__m128i v)
{
    __m128i t = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
    __m128i letter = _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(25)), t); /* (c | 0x20) - 'a' <= 25 */
    return ~(unsigned)_mm_movemask_epi8(letter) & 0xFFFF;
}
#endif

static inline Py_ssize_t
scan_ucs1_skip_letters(const Py_UCS1 *d, Py_ssize_t n, Py_ssize_t p)
{
#if defined(__SSE2__)
    for (; p + 16 <= n; p += 16) {
        unsigned m = not_letters16(_mm_loadu_si128((const __m128i *)(d + p)));
        if (m)
            return p + __builtin_ctz(m);
    }
#endif
    while (p < n && is_ascii_letter(d[p]))
        p++;
    return p;
}

static inline Py_ssize_t
scan_ucs2_skip_letters(const Py_UCS2 *d, Py_ssize_t n, Py_ssize_t p)
{
#if defined(__SSE2__)
    for (; p + 16 <= n; p += 16) {
        /* to bytes with unsigned saturation: a character above 255 (negative as int16 from 0x8000) becomes 255 or 0, no letter */
        __m128i v = _mm_packus_epi16(_mm_loadu_si128((const __m128i *)(d + p)), _mm_loadu_si128((const __m128i *)(d + p + 8)));
        unsigned m = not_letters16(v);
        if (m)
            return p + __builtin_ctz(m);
    }
#endif
    while (p < n && d[p] < 128 && is_ascii_letter(d[p]))
        p++;
    return p;
}

static inline Py_ssize_t
scan_ucs4_skip_letters(const Py_UCS4 *d, Py_ssize_t n, Py_ssize_t p)
{
    while (p < n && d[p] < 128 && is_ascii_letter(d[p]))
        p++;
    return p;
}

/* The end of the ASCII letters from q on (the first position from q whose character is not one),
 * and, when there are at most 15 of them, those letters packed into *a and *b (see pack_letter):
 * what skipping the letters and then packing them gives, in one test of 16 characters where SSE2
 * is there and 16 characters remain. */
#if defined(__SSE2__)
static inline Py_ssize_t
letters16(__m128i v, Py_ssize_t q, uint64_t *a, uint64_t *b)
{
    unsigned m = not_letters16(v);
    if (!m)
        return q + 16; /* (at least: more than 15 letters, none packed) */
    Py_ssize_t length = __builtin_ctz(m);
    /* (masked by table, without a branch on the half the word ends in) */
    *a = (uint64_t)_mm_cvtsi128_si64(v) & PACKED_MASK[length][0];
    *b = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)) & PACKED_MASK[length][1];
    return q + length;
}
#endif

#define DEFINE_LETTERS_AT(NAME, TYPE, FAST)                                                              \
    static inline Py_ssize_t NAME##_letters_at(const TYPE *d, Py_ssize_t n, Py_ssize_t q, uint64_t *a,   \
                                               uint64_t *b)                                              \
    {                                                                                                    \
        FAST                                                                                             \
        Py_ssize_t e = NAME##_skip_letters(d, n, q);                                                     \
        if (e - q <= 15) {                                                                               \
            *a = *b = 0;                                                                                 \
            for (Py_ssize_t k = q; k < e; k++)                                                           \
                pack_letter(a, b, k - q, d[k]);                                                          \
        }                                                                                                \
        return e;                                                                                        \
    }
#if defined(__SSE2__)
DEFINE_LETTERS_AT(scan_ucs1, Py_UCS1, if (q + 16 <= n) return letters16(_mm_loadu_si128((const __m128i *)(d + q)), q, a, b);)
DEFINE_LETTERS_AT(scan_ucs2, Py_UCS2,
                  if (q + 16 <= n) return letters16(_mm_packus_epi16(_mm_loadu_si128((const __m128i *)(d + q)),
                                                                     _mm_loadu_si128((const __m128i *)(d + q + 8))),
                                                    q, a, b);)
#else
DEFINE_LETTERS_AT(scan_ucs1, Py_UCS1, )
DEFINE_LETTERS_AT(scan_ucs2, Py_UCS2, )
#endif
DEFINE_LETTERS_AT(scan_ucs4, Py_UCS4, )

/* ---- the scan ------------------------------------------------------------------------ */

/* The last word NAME##_order read: its ASCII letters d[start:end] (at most 15), packed in a and b, and
   the character before them is no ASCII letter (end = -1: none yet). The stray scan asks about the word
   right before a mark, nearly always this one: it is not walked back over and packed a second time. */
typedef struct {
    Py_ssize_t start, end;
    uint64_t a, b;
} LastWord;

/* Append position k to list; -1 on error. */
static inline int
emit(PyObject *list, Py_ssize_t k)
{
    PyObject *v = PyLong_FromSsize_t(k);
    if (!v)
        return -1;
    int r = PyList_Append(list, v);
    Py_DECREF(v);
    return r;
}

#define DEFINE_SCAN(NAME, TYPE)                                                                          \
    /* [^\W\d_A-Z] */                                                                                   \
    static inline int NAME##_lower_letter(Py_UCS4 c) { return is_letter(c) && !(c >= 'A' && c <= 'Z'); } \
                                                                                                         \
    /* (?=[ \t]+(?:prefix|...)) at position q */                                                        \
    static int NAME##_blanks_then(const Prefixes *p, const TYPE *d, Py_ssize_t n, Py_ssize_t q)          \
    {                                                                                                    \
        if (q >= n || !is_blank(d[q]))                                                                   \
            return 0;                                                                                    \
        while (q < n && is_blank(d[q]))                                                                  \
            q++;                                                                                         \
        if (q >= n || d[q] >= 128)                                                                       \
            return 0;                                                                                    \
        for (Py_ssize_t k = p->first[d[q]]; k < p->first[d[q] + 1]; k++) {                               \
            const char *w = p->chars + p->starts[k];                                                     \
            Py_ssize_t j = 1; /* (w[0] is d[q]) */                                                       \
            while (w[j] && q + j < n && d[q + j] == (Py_UCS4)(uint8_t)w[j])                              \
                j++;                                                                                     \
            if (!w[j])                                                                                   \
                return 1;                                                                                \
        }                                                                                                \
        return 0;                                                                                        \
    }                                                                                                    \
                                                                                                         \
    /* (?<=prefix|...) at position q: d[:q] ends with one of the words */                                \
    static int NAME##_ends_with(const Prefixes *p, const TYPE *d, Py_ssize_t q)                          \
    {                                                                                                    \
        for (Py_ssize_t k = 0; k < p->n; k++) {                                                          \
            const char *w = p->chars + p->starts[k];                                                     \
            Py_ssize_t length = (Py_ssize_t)strlen(w), j = 0;                                            \
            if (length > q)                                                                              \
                continue;                                                                                \
            while (j < length && d[q - length + j] == (Py_UCS4)(uint8_t)w[j])                            \
                j++;                                                                                     \
            if (j == length)                                                                             \
                return 1;                                                                                \
        }                                                                                                \
        return 0;                                                                                        \
    }                                                                                                    \
                                                                                                         \
    /* d[start:end] is one of the words (whole, not a prefix) */                                        \
    static int NAME##_is_one_of(const Prefixes *p, const TYPE *d, Py_ssize_t start, Py_ssize_t end)      \
    {                                                                                                    \
        for (Py_ssize_t k = 0; k < p->n; k++) {                                                          \
            const char *w = p->chars + p->starts[k];                                                     \
            Py_ssize_t j = 0;                                                                            \
            while (w[j] && start + j < end && d[start + j] == (Py_UCS4)(uint8_t)w[j])                    \
                j++;                                                                                     \
            if (!w[j] && start + j == end)                                                               \
                return 1;                                                                                \
        }                                                                                                \
        return 0;                                                                                        \
    }                                                                                                    \
                                                                                                         \
    /* (?<=(?:^|[.!?]["”’]?[ \t]+)(?:opening_det)[ \t]+\p{L}+) at the comma at p, with \p{L} taken as an   \
       ASCII letter or any character beyond ASCII (a superset; garble._after_opening_det is its twin) */ \
    static int NAME##_after_opening(const Scanner *s, const TYPE *d, Py_ssize_t p)                      \
    {                                                                                                    \
        Py_ssize_t i = p;                                                                                \
        while (i > 0 && (d[i - 1] >= 128 || is_ascii_letter(d[i - 1])))                                  \
            i--;                                                                                         \
        if (i == p || i == 0 || !is_blank(d[i - 1]))                                                     \
            return 0;                                                                                    \
        while (i > 0 && is_blank(d[i - 1]))                                                              \
            i--;                                                                                         \
        Py_ssize_t e = i;                                                                                \
        while (i > 0 && d[i - 1] < 128 && is_ascii_letter(d[i - 1]))                                     \
            i--;                                                                                         \
        if (i == e || !NAME##_is_one_of(&s->opening_det, d, i, e))                                       \
            return 0;                                                                                    \
        if (i == 0 || d[i - 1] == '\n')                                                                  \
            return 1;                                                                                    \
        if (!is_blank(d[i - 1]))                                                                         \
            return 0;                                                                                    \
        while (i > 0 && is_blank(d[i - 1]))                                                              \
            i--;                                                                                         \
        if (i > 0 && (d[i - 1] == '"' || d[i - 1] == 0x201D || d[i - 1] == 0x2019))                      \
            i--;                                                                                         \
        return i > 0 && (d[i - 1] == '.' || d[i - 1] == '!' || d[i - 1] == '?');                         \
    }                                                                                                    \
                                                                                                         \
    /* (?=[ \t]+\d) at position q */                                                                    \
    static int NAME##_blanks_digit(const TYPE *d, Py_ssize_t n, Py_ssize_t q)                            \
    {                                                                                                    \
        if (q >= n || !is_blank(d[q]))                                                                   \
            return 0;                                                                                    \
        while (q < n && is_blank(d[q]))                                                                  \
            q++;                                                                                         \
        return q < n && is_digit(d[q]);                                                                  \
    }                                                                                                    \
                                                                                                         \
    /* The ASCII letters d[start:end] as a table word, or NULL. */                                       \
    static const WordSlot *NAME##_word(const Scanner *s, const TYPE *d, Py_ssize_t start, Py_ssize_t end) \
    {                                                                                                    \
        if (end - start > s->max_length)                                                                 \
            return NULL;                                                                                 \
        uint64_t a = 0, b = 0;                                                                           \
        for (Py_ssize_t k = start; k < end; k++)                                                         \
            pack_letter(&a, &b, k - start, d[k]);                                                        \
        return find_word(s, a, b);                                                                       \
    }                                                                                                    \
                                                                                                         \
    /* Is the mark at p a candidate of _STRAY_SCANS? (c = d[p]) */                                       \
    static int NAME##_stray(const Scanner *s, const TYPE *d, Py_ssize_t n, Py_ssize_t p, Py_UCS4 c,       \
                            const LastWord *last)                                                        \
    {                                                                                                    \
        Py_UCS4 prev = p > 0 ? d[p - 1] : 0;                                                             \
        Py_UCS4 next = p + 1 < n ? d[p + 1] : 0;                                                         \
        /* scan 1: [-'’;^_~|@](?<=[^ \t].)(?=[ \t]), a colon the same way after a colon_before word or      \
           before a colon_next word or a digit, | [?!](?=[ \t]+[^\W\d_A-Z]) */                            \
        if ((c == '-' || c == '\'' || c == 0x2019 || c == ';' || c == '^' || c == '_' || c == '~' ||     \
             c == '|' || c == '@') &&                                                                    \
            is_blank(next) && p > 0 && !is_blank(prev))                                                  \
            return 1;                                                                                    \
        if (c == ':' && is_blank(next) && p > 0 && !is_blank(prev) &&                                    \
            (NAME##_ends_with(&s->colon_before, d, p) || NAME##_blanks_then(&s->colon_next, d, n, p + 1) || \
             NAME##_blanks_digit(d, n, p + 1)))                                                          \
            return 1;                                                                                    \
        if ((c == '?' || c == '!') && is_blank(next)) {                                                  \
            Py_ssize_t q = p + 1;                                                                        \
            while (q < n && is_blank(d[q]))                                                              \
                q++;                                                                                     \
            if (q < n && is_letter(d[q]) && !(d[q] >= 'A' && d[q] <= 'Z'))                               \
                return 1;                                                                                \
        }                                                                                                \
        /* scan 2: a mark after [,;:], after a letter and a full stop, or after a named word */          \
        if (c == ',' || c == '.' || c == ';' || c == ':' || c == '?' || c == '!') {                      \
            if (prev == ',' || prev == ';' || prev == ':')                                               \
                return 1;                                                                                \
            if (c == '.' && prev == '.' && p >= 2 && is_letter(d[p - 2]))                                \
                return 1;                                                                                \
            if (last->end == p) {                                                                        \
                /* the letters before the mark are the last word read (after no letter, digit, _, ' or    \
                   -: what ruled_out tests below): the walk below would find its start and pack it again */ \
                if (p - last->start <= s->max_length) {                                                  \
                    const WordSlot *w = find_word(s, last->a, last->b);                                  \
                    if (w && w->after)                                                                   \
                        return 1;                                                                        \
                }                                                                                        \
            }                                                                                            \
            else if (prev < 128 && is_ascii_letter(prev)) {                                              \
                Py_ssize_t start = p - 1;                                                                \
                while (start > 0 && p - start <= s->max_length && d[start - 1] < 128 &&                  \
                       is_ascii_letter(d[start - 1]))                                                    \
                    start--;                                                                             \
                Py_UCS4 before = start > 0 ? d[start - 1] : 0;                                           \
                int ruled_out = (start > 0 && d[start - 1] < 128 && is_ascii_letter(before)) ||          \
                                (before >= '0' && before <= '9') || before == '_' || before == '\'' ||   \
                                before == 0x2019 || before == '-';                                       \
                if (!ruled_out) {                                                                        \
                    const WordSlot *w = NAME##_word(s, d, start, p);                                     \
                    if (w && w->after)                                                                   \
                        return 1;                                                                        \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
        if ((c == '-' || c == '^' || c == '*' || c == '~' || c == '_') &&                                \
            (prev == ',' || prev == ';' || prev == ':'))                                                 \
            return 1;                                                                                    \
        /* scan 3: commas before units, months and auxiliaries; a full stop before a function word */    \
        if (c == ',') {                                                                                  \
            if (is_digit(prev) && NAME##_blanks_then(&s->units, d, n, p + 1))                            \
                return 1;                                                                                \
            if (p >= 2 && d[p - 2] == 'b' && prev == 'y')                                                \
                return 1;                                                                                \
            if (p >= 4 && d[p - 4] == 'u' && d[p - 3] == 'p' && d[p - 2] == 'o' && prev == 'n')         \
                return 1;                                                                                \
            if (p >= 2 && (d[p - 2] == '\'' || d[p - 2] == 0x2019) && prev == 's')                       \
                return 1;                                                                                \
            if (NAME##_blanks_then(&s->comma_next, d, n, p + 1))                                         \
                return 1;                                                                                \
            if (NAME##_blanks_then(&s->comma_aux, d, n, p + 1) && NAME##_after_opening(s, d, p))         \
                return 1;                                                                                \
        }                                                                                                \
        if (c == '.' && p >= 5 && is_letter(d[p - 1]) && is_letter(d[p - 2]) && is_letter(d[p - 3]) &&   \
            is_letter(d[p - 4]) && is_letter(d[p - 5]) && NAME##_blanks_then(&s->stop_next, d, n, p + 1)) \
            return 1;                                                                                    \
        return 0;                                                                                        \
    }                                                                                                    \
                                                                                                         \
    /* Can _WORD_ORDER_SCAN match at p (d[p] is not [\w'’-], an ASCII letter follows)? *word_end: where  \
       the ASCII letters from p + 1 end, or a position inside them when more than 15 (the scan goes on    \
       from there, not from p + 1: it would test the same letters again) */                             \
    static int NAME##_order_word(const Scanner *s, const TYPE *d, Py_ssize_t n, Py_ssize_t p, Py_ssize_t e1, \
                                 uint64_t a, uint64_t b);                                                \
    static inline int NAME##_order(const Scanner *s, const TYPE *d, Py_ssize_t n, Py_ssize_t p, Py_ssize_t *word_end, \
                                   LastWord *last)                                                       \
    {                                                                                                    \
        uint64_t a = 0, b = 0;                                                                           \
        Py_ssize_t e1 = NAME##_letters_at(d, n, p + 1, &a, &b), length = e1 - (p + 1);                  \
        *word_end = e1;                                                                                  \
        if (length <= MAX_WORD) { /* (d[p] is no ASCII letter: see the callers) */                       \
            last->start = p + 1;                                                                         \
            last->end = e1;                                                                              \
            last->a = a;                                                                                 \
            last->b = b;                                                                                 \
        }                                                                                                \
        /* most words open no rule: their first letter and length, and their hash's bit in first_filter,  \
           tell in the scan's loop, without a call or the table's probe (this part is inlined, the rest not). \
           One branch on both tests: a word passed the first alone half the time, wrongly one time in      \
           three (as often as not, a mispredicted branch), and the second alone as often as not after it  \
           (d[p + 1] is an ASCII letter) */                                                              \
        uint32_t h = hash_packed(a, b) >> FILTER_SHIFT;                                                  \
        uint32_t maybe = (uint32_t)(s->first_lengths[d[p + 1]] >> (length & 15)) &                      \
                         (uint32_t)(s->first_filter[h >> 6] >> (h & 63)); /* (& 15: no shift past the width) */ \
        if (length > MAX_WORD || !(maybe & 1))                                                           \
            return 0;                                                                                    \
        return NAME##_order_word(s, d, n, p, e1, a, b);                                                  \
    }                                                                                                    \
                                                                                                         \
    /* The rest of NAME##_order, for a word d[p + 1:e1] (packed in a, b) that may open a rule. */        \
    static int NAME##_order_word(const Scanner *s, const TYPE *d, Py_ssize_t n, Py_ssize_t p, Py_ssize_t e1, \
                                 uint64_t a, uint64_t b)                                                 \
    {                                                                                                    \
        Py_ssize_t length = e1 - (p + 1);                                                                \
        if (length > s->max_length || (e1 < n && is_word(d[e1])))                                        \
            return 0; /* no word boundary after a table word (or the word is longer than any) */        \
        const WordSlot *w1 = find_word(s, a, b);                                                         \
        if (!w1 || !w1->first)                                                                           \
            return 0;                                                                                    \
        /* the rules the word opens, by kind, as masks: one test per kind, not a loop over the rules */   \
        uint32_t f = w1->first;                                                                          \
        if (f & s->always_mask)                                                                          \
            return 1;                                                                                    \
        /* (the word's end first: it is seldom a full stop, where whether the word may end a sentence is  \
           as often yes as no, a mispredicted branch when asked first) */                                 \
        if (e1 < n && ((d[e1] == '.') | (d[e1] == '!') | (d[e1] == '?')) &&                              \
            (f & (s->end_mask | s->end_comma_mask)) && is_blank(d[p]) &&                                 \
            ((f & s->end_mask) || (p >= 1 && d[p - 1] == ',')))                                         \
            return 1;                                                                                    \
        if (!(f & s->follow_mask) || e1 >= n || !is_blank(d[e1]))                                        \
            return 0; /* RULE_PAIR, RULE_NEXT: [ \t]+ then the next word */                              \
        Py_ssize_t s2 = e1;                                                                              \
        while (s2 < n && is_blank(d[s2]))                                                                \
            s2++;                                                                                        \
        if (s2 < n && d[s2] < 128 && (f & s->next_bits[d[s2]]))                                          \
            return 1;                                                                                    \
        if (s2 >= n || d[s2] >= 128)                                                                     \
            return 0; /* (a second word starts with an ASCII letter) */                                  \
        Py_ssize_t e2 = NAME##_letters_at(d, n, s2, &a, &b), length2 = e2 - s2;                          \
        /* (one branch on both filters, as in NAME##_order; no letter: length2 0, whose bit no word sets) */ \
        uint32_t h2 = hash_packed(a, b) >> FILTER_SHIFT;                                                 \
        uint32_t maybe = (uint32_t)(s->second_lengths[d[s2]] >> (length2 & 15)) &                       \
                         (uint32_t)(s->second_filter[h2 >> 6] >> (h2 & 63));                            \
        if (length2 <= MAX_WORD && (maybe & 1) && length2 <= s->max_length && !(e2 < n && is_word(d[e2]))) { \
            const WordSlot *w2 = find_word(s, a, b);                                                     \
            if (w2 && (w2->second & f)) /* (second bits are those of pair rules) */                      \
                return 1;                                                                                \
        }                                                                                                \
        return 0;                                                                                        \
    }                                                                                                    \
                                                                                                         \
    /* A line starts at q (the text's start or after a line break): emit where its paragraph starts when that    \
       character is lower case (str.islower), unless a later line break comes first (it emits then), as     \
       scrubber.text.paragraph_spans skips str.isspace characters to a paragraph's start */                  \
    static int NAME##_lower_paragraph(const TYPE *d, Py_ssize_t n, Py_ssize_t q, PyObject *list)          \
    {                                                                                                    \
        while (q < n && d[q] != '\n' && Py_UNICODE_ISSPACE(d[q]))                                        \
            q++;                                                                                         \
        if (q < n && d[q] != '\n' && Py_UNICODE_ISLOWER(d[q]))                                           \
            return emit(list, q);                                                                        \
        return 0;                                                                                        \
    }                                                                                                    \
                                                                                                         \
    static int NAME(const Scanner *s, const TYPE *d, Py_ssize_t n, PyObject **out)                       \
    {                                                                                                    \
        PyObject *stray = out[0], *order = out[1], *blank_mark = out[2], *space_quote = out[3];          \
        PyObject *lower_stop = out[4], *quote_lower = out[5], *marks = out[6], *bracket_blank = out[7];  \
        PyObject *nt = out[8], *elision = out[9], *lower_start = out[10];                                \
        Py_ssize_t pair_end = 0, curly_pair_end = 0; /* where the last '' and the last ’’ ended */       \
        Py_ssize_t word_end;                             /* see NAME##_order */                          \
        LastWord last = {-1, -1, 0, 0};                                                                  \
        if (NAME##_lower_paragraph(d, n, 0, lower_start) < 0)                                            \
            return -1;                                                                                   \
        for (Py_ssize_t p = 0; p < n; p++) {                                                             \
            p = NAME##_skip_letters(d, n, p); /* the common case: inside a word */                      \
        at_mark:                                                                                         \
            if (p >= n)                                                                                  \
                break;                                                                                   \
            Py_UCS4 c = d[p];                                                                            \
            if (c == ' ') { /* most of what is not a letter, and nothing but word order looks at it */    \
                if (p + 1 < n && d[p + 1] < 128 && is_ascii_letter(d[p + 1])) {                          \
                    if (NAME##_order(s, d, n, p, &word_end, &last) && emit(order, p) < 0)                       \
                        return -1;                                                                       \
                    /* on from the word's end, which _order found: its letters are not tested again */   \
                    p = word_end;                                                                        \
                    if (p < n && d[p] < 128 && is_ascii_letter(d[p])) /* (more than 15 letters) */      \
                        p = NAME##_skip_letters(d, n, p);                                                \
                    goto at_mark;                                                                        \
                }                                                                                        \
                continue;                                                                                \
            }                                                                                            \
            if (c == '\n' && NAME##_lower_paragraph(d, n, p + 1, lower_start) < 0)                         \
                return -1;                                                                               \
            /* exact: the quotes and brackets of garble's _MARKS ('' and ’’ found from the end of the    \
               last, as str.find does), and the hints [(\[][ \t], ['’]t(?<=[ \t]n..) and              \
               ['’](?=[^\W\d_A-Z]{3}) */                                                               \
            if (c == '"' || c == 0x201C || c == 0x201D || c == '(' || c == ')' || c == '[' || c == ']') { \
                if (emit(marks, p) < 0)                                                                  \
                    return -1;                                                                           \
                if ((c == '(' || c == '[') && p + 1 < n && is_blank(d[p + 1]) && emit(bracket_blank, p) < 0) \
                    return -1;                                                                           \
            }                                                                                            \
            else if (c == '\'' || c == 0x2019) {                                                         \
                Py_ssize_t *end = c == '\'' ? &pair_end : &curly_pair_end;                              \
                if (p >= *end && p + 1 < n && d[p + 1] == c) {                                           \
                    if (emit(marks, p) < 0)                                                              \
                        return -1;                                                                       \
                    *end = p + 2;                                                                        \
                }                                                                                        \
                if (p >= 2 && p + 1 < n && d[p + 1] == 't' && d[p - 1] == 'n' && is_blank(d[p - 2]) &&  \
                    emit(nt, p) < 0)                                                                     \
                    return -1;                                                                           \
                if (p + 3 < n && NAME##_lower_letter(d[p + 1]) && NAME##_lower_letter(d[p + 2]) &&       \
                    NAME##_lower_letter(d[p + 3]) && emit(elision, p) < 0)                               \
                    return -1;                                                                           \
            }                                                                                            \
            /* exact hints: [,;:!?.)\]](?<=[ \t].) and                                                      \
               [.!?,][ \t]+["”“](?=[ \t]*(?:\n|\Z)|[ \t]+[^A-Z0-9\s]) */                                 \
            if ((c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '.' || c == ')' ||     \
                 c == ']') && p > 0 && is_blank(d[p - 1]) && emit(blank_mark, p) < 0)                    \
                return -1;                                                                               \
            if ((c == '.' || c == '!' || c == '?' || c == ',') && p + 1 < n && is_blank(d[p + 1])) {     \
                Py_ssize_t q = p + 1;                                                                    \
                while (q < n && is_blank(d[q]))                                                          \
                    q++;                                                                                 \
                if (q < n && (d[q] == '"' || d[q] == 0x201D || d[q] == 0x201C)) {                       \
                    Py_ssize_t r = q + 1;                                                                \
                    while (r < n && is_blank(d[r]))                                                      \
                        r++;                                                                             \
                    if ((r == n || d[r] == '\n' ||                                                       \
                         (r > q + 1 && !(d[r] >= 'A' && d[r] <= 'Z') && !(d[r] >= '0' && d[r] <= '9') &&  \
                          !Py_UNICODE_ISSPACE(d[r]))) &&                                                 \
                        emit(space_quote, p) < 0)                                                        \
                        return -1;                                                                       \
                }                                                                                        \
            }                                                                                            \
            /* exact hints: \.(?<=[a-z][a-z]\.)[ \t]+[a-z] and \.["”][ \t]+[a-z] */                       \
            if (c == '.' && p + 1 < n) {                                                                 \
                /* q: after the quote (if any); then blanks, then a lower-case ASCII letter */           \
                int quoted = d[p + 1] == '"' || d[p + 1] == 0x201D;                                      \
                Py_ssize_t q = p + 1 + quoted;                                                           \
                if (q < n && is_blank(d[q])) {                                                           \
                    while (q < n && is_blank(d[q]))                                                      \
                        q++;                                                                             \
                    int lower_next = q < n && d[q] >= 'a' && d[q] <= 'z';                                \
                    int lower_before = p >= 2 && d[p - 1] >= 'a' && d[p - 1] <= 'z' && d[p - 2] >= 'a' && \
                                       d[p - 2] <= 'z';                                                  \
                    if (lower_next && !quoted && lower_before && emit(lower_stop, p) < 0)                \
                        return -1;                                                                       \
                    if (lower_next && quoted && emit(quote_lower, p) < 0)                                \
                        return -1;                                                                       \
                }                                                                                        \
            }                                                                                            \
            if ((c < 128 ? (c >= '!' && c <= '~' && !(c >= '0' && c <= '9')) : c == 0x2019) &&           \
                NAME##_stray(s, d, n, p, c, &last) && emit(stray, p) < 0)                                       \
                return -1;                                                                               \
            if (p + 1 < n && d[p + 1] < 128 && is_ascii_letter(d[p + 1]) && !is_word(c) && c != '\'' &&  \
                c != 0x2019 && c != '-' && NAME##_order(s, d, n, p, &word_end, &last) && emit(order, p) < 0)    \
                return -1;                                                                               \
        }                                                                                                \
        return 0;                                                                                        \
    }

DEFINE_SCAN(scan_ucs1, Py_UCS1)
DEFINE_SCAN(scan_ucs2, Py_UCS2)
DEFINE_SCAN(scan_ucs4, Py_UCS4)

/* the lists Scanner.scan returns, in order (mark_scan.Candidates names them) */
enum { N_LISTS = 11 };

static PyObject *
Scanner_scan(Scanner *s, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "scan() needs a str, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return NULL;
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *out[N_LISTS] = {NULL}, *result = NULL;
    for (int k = 0; k < N_LISTS; k++)
        if (!(out[k] = PyList_New(0)))
            goto done;
    int r;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        r = scan_ucs1(s, (const Py_UCS1 *)data, n, out);
        break;
    case PyUnicode_2BYTE_KIND:
        r = scan_ucs2(s, (const Py_UCS2 *)data, n, out);
        break;
    default:
        r = scan_ucs4(s, (const Py_UCS4 *)data, n, out);
        break;
    }
    if (r < 0)
        goto done;
    /* and a bit mask of the lists that are not empty: garble's matcher skips a detector on it, one test */
    unsigned long present = 0;
    for (int k = 0; k < N_LISTS; k++)
        if (PyList_GET_SIZE(out[k]))
            present |= 1ul << k;
    PyObject *mask = PyLong_FromUnsignedLong(present);
    if (!mask || !(result = PyTuple_New(N_LISTS + 1))) {
        Py_XDECREF(mask);
        goto done;
    }
    for (int k = 0; k < N_LISTS; k++) {
        PyTuple_SET_ITEM(result, k, out[k]);
        out[k] = NULL;
    }
    PyTuple_SET_ITEM(result, N_LISTS, mask);
done:
    for (int k = 0; k < N_LISTS; k++)
        Py_XDECREF(out[k]);
    return result;
}

/* ---- building a Scanner from garble.py's constants ---------------------------------------- */

/* Once every word is in: move the table to the fewest slots that keep its load at most a quarter (it was
   sized for every word the lists name, three in four of them repeats: 32 kB, as much as a core's first
   cache, for 99 words; at a quarter a word is nearly always in the slot its hash names, so the probe's
   loop is not a mispredicted branch), and set the filters' bits. -1 on no memory. */
static int
compact_words(Scanner *s)
{
    uint32_t used = 0, bits = 4;
    for (uint32_t k = 0; k <= s->mask; k++)
        used += s->words[k].length != 0;
    while (((uint32_t)1 << bits) < 4 * used + 4)
        bits++;
    WordSlot *old = s->words;
    uint32_t old_mask = s->mask;
    if (((uint32_t)1 << bits) - 1 < old_mask) {
        WordSlot *words = PyMem_Calloc((size_t)1 << bits, sizeof(WordSlot));
        if (!words) {
            PyErr_NoMemory();
            return -1;
        }
        s->words = words;
        s->mask = ((uint32_t)1 << bits) - 1;
        for (uint32_t k = 0; k <= old_mask; k++) {
            if (!old[k].length)
                continue;
            uint32_t slot = hash_packed(old[k].a, old[k].b) & s->mask;
            while (words[slot].length)
                slot = (slot + 1) & s->mask;
            words[slot] = old[k];
        }
        PyMem_Free(old);
    }
    for (uint32_t k = 0; k <= s->mask; k++) {
        const WordSlot *e = &s->words[k];
        uint32_t h = hash_packed(e->a, e->b) >> FILTER_SHIFT;
        if (e->length && e->first)
            s->first_filter[h >> 6] |= (uint64_t)1 << (h & 63);
        if (e->length && e->second)
            s->second_filter[h >> 6] |= (uint64_t)1 << (h & 63);
    }
    return 0;
}

static void
free_prefixes(Prefixes *p)
{
    PyMem_Free(p->chars);
    PyMem_Free(p->starts);
}

static void
Scanner_dealloc(Scanner *s)
{
    PyMem_Free(s->words);
    free_prefixes(&s->units);
    free_prefixes(&s->comma_next);
    free_prefixes(&s->comma_aux);
    free_prefixes(&s->opening_det);
    free_prefixes(&s->stop_next);
    free_prefixes(&s->colon_before);
    free_prefixes(&s->colon_next);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

/* The ASCII bytes of a str of 1..MAX_WORD ASCII letters (what every table word is), or -1 with an exception. */
static Py_ssize_t
ascii_word(PyObject *o, char *out, const char *what)
{
    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be str", what);
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(o);
    if (n < 1 || n > MAX_WORD) {
        PyErr_Format(PyExc_ValueError, "%s must be 1 to %d letters long", what, MAX_WORD);
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(o, k);
        if (c >= 128 || !is_ascii_letter(c)) {
            PyErr_Format(PyExc_ValueError, "%s must be ASCII letters, not %R", what, o);
            return -1;
        }
        out[k] = (char)c;
    }
    return n;
}

/* Add every word of a sequence of str to the table: set bit in its first (which 0) or second (which 1)
   rule mask, or (which 2) mark it as a word a stray-scan mark may follow. */
static int
build_words_flag(Scanner *s, PyObject *seq, uint32_t bit, int which)
{
    PyObject *fast = PySequence_Fast(seq, "word lists must be sequences of str");
    if (!fast)
        return -1;
    for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(fast); k++) {
        char w[MAX_WORD];
        Py_ssize_t n = ascii_word(PySequence_Fast_GET_ITEM(fast, k), w, "words");
        if (n < 0) {
            Py_DECREF(fast);
            return -1;
        }
        WordSlot *slot = add_word(s, w, n);
        if (which == 0) {
            slot->first |= bit;
            s->first_lengths[(uint8_t)w[0]] |= (uint16_t)(1u << n); /* (1 <= n <= MAX_WORD = 15) */
        }
        else if (which == 1) {
            slot->second |= bit;
            s->second_lengths[(uint8_t)w[0]] |= (uint16_t)(1u << n);
        }
        else
            slot->after = 1;
    }
    Py_DECREF(fast);
    return 0;
}

static int
build_prefixes(Prefixes *p, PyObject *seq, const char *what)
{
    PyObject *fast = PySequence_Fast(seq, "prefixes must be a sequence of str");
    if (!fast)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n >= UINT16_MAX) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "at most %d %s", UINT16_MAX - 1, what);
        return -1;
    }
    p->starts = PyMem_New(Py_ssize_t, n ? n : 1);
    p->chars = PyMem_Malloc((size_t)(n ? n : 1) * (MAX_WORD + 1));
    if (!p->starts || !p->chars) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t offset = 0;
    uint16_t count[128] = {0};
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t len = ascii_word(PySequence_Fast_GET_ITEM(fast, k), p->chars + offset, what);
        if (len < 0) {
            Py_DECREF(fast);
            return -1;
        }
        p->chars[offset + len] = '\0';
        count[(uint8_t)p->chars[offset]]++;
        offset += len + 1;
    }
    /* starts by first character (a counting sort of the words, in their order within one character) */
    p->first[0] = 0;
    for (int c = 0; c < 128; c++)
        p->first[c + 1] = (uint16_t)(p->first[c] + count[c]);
    uint16_t next[128];
    memcpy(next, p->first, sizeof(next));
    for (Py_ssize_t k = 0, at = 0; k < n; k++) {
        p->starts[next[(uint8_t)p->chars[at]]++] = at;
        at += (Py_ssize_t)strlen(p->chars + at) + 1;
    }
    p->n = n;
    Py_DECREF(fast);
    return 0;
}

/* rules: a sequence of (kind, first words, argument): kind "pair" (argument: the second words), "next"
   (argument: the letters the next word may start with), "end", "end-after-comma" or "always" (argument ignored) */
static int
build_rules(Scanner *s, PyObject *rules)
{
    PyObject *fast = PySequence_Fast(rules, "rules must be a sequence");
    if (!fast)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > MAX_RULES) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "at most %d rules", MAX_RULES);
        return -1;
    }
    for (Py_ssize_t r = 0; r < n; r++) {
        const char *kind;
        PyObject *firsts, *arg;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, r), "sOO:rule", &kind, &firsts, &arg))
            goto fail;
        uint32_t bit = (uint32_t)1 << r;
        if (strcmp(kind, "pair") == 0) {
            s->kind[r] = RULE_PAIR;
            s->follow_mask |= bit;
            if (build_words_flag(s, arg, bit, 1) < 0)
                goto fail;
        }
        else if (strcmp(kind, "next") == 0) {
            s->kind[r] = RULE_NEXT;
            s->follow_mask |= bit;
            if (!PyUnicode_Check(arg)) {
                PyErr_SetString(PyExc_TypeError, "a next rule's argument must be a str of letters");
                goto fail;
            }
            for (Py_ssize_t k = 0; k < PyUnicode_GET_LENGTH(arg); k++) {
                Py_UCS4 c = PyUnicode_READ_CHAR(arg, k);
                if (c >= 128 || !is_ascii_letter(c)) {
                    PyErr_SetString(PyExc_ValueError, "a next rule's letters must be ASCII letters");
                    goto fail;
                }
                s->next_letter[r][c] = 1;
                s->next_bits[c] |= bit;
            }
        }
        else if (strcmp(kind, "end") == 0) {
            s->kind[r] = RULE_END;
            s->end_mask |= bit;
        }
        else if (strcmp(kind, "end-after-comma") == 0) {
            s->kind[r] = RULE_END_AFTER_COMMA;
            s->end_comma_mask |= bit;
        }
        else if (strcmp(kind, "always") == 0) {
            s->kind[r] = RULE_ALWAYS;
            s->always_mask |= bit;
        }
        else {
            PyErr_Format(PyExc_ValueError, "unknown rule kind %s", kind);
            goto fail;
        }
        if (build_words_flag(s, firsts, bit, 0) < 0)
            goto fail;
    }
    s->n_rules = (int)n;
    Py_DECREF(fast);
    return 0;
fail:
    Py_DECREF(fast);
    return -1;
}

/* How many words a sequence of rules names (room for the table), or -1 with an exception. */
static Py_ssize_t
rule_words(PyObject *rules)
{
    PyObject *fast = PySequence_Fast(rules, "rules must be a sequence");
    if (!fast)
        return -1;
    Py_ssize_t total = 0;
    for (Py_ssize_t r = 0; r < PySequence_Fast_GET_SIZE(fast); r++) {
        PyObject *rule = PySequence_Fast_GET_ITEM(fast, r);
        if (!PyTuple_Check(rule) || PyTuple_GET_SIZE(rule) != 3) {
            Py_DECREF(fast);
            PyErr_SetString(PyExc_TypeError, "each rule must be a tuple (kind, first words, argument)");
            return -1;
        }
        for (int k = 1; k < 3; k++) {
            PyObject *item = PyTuple_GET_ITEM(rule, k);
            Py_ssize_t n = PyUnicode_Check(item) ? PyUnicode_GET_LENGTH(item) : PySequence_Size(item);
            if (n < 0) {
                Py_DECREF(fast);
                return -1;
            }
            total += n;
        }
    }
    Py_DECREF(fast);
    return total;
}

static PyObject *
Scanner_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"stray_after", "units",       "comma_next", "stop_next",   "order_rules",
                            "colon_before", "colon_next", "comma_aux",  "opening_det", NULL};
    PyObject *stray_after, *units, *comma_next, *stop_next, *rules, *colon_before, *colon_next, *comma_aux, *opening_det;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOOOOO:Scanner", names, &stray_after, &units, &comma_next, &stop_next,
                                     &rules, &colon_before, &colon_next, &comma_aux, &opening_det))
        return NULL;
    Py_ssize_t n_after = PySequence_Size(stray_after);
    if (n_after < 0)
        return NULL;
    Py_ssize_t n_rule_words = rule_words(rules);
    if (n_rule_words < 0)
        return NULL;
    Scanner *s = (Scanner *)type->tp_alloc(type, 0); /* zeroed */
    if (!s)
        return NULL;
    int bits = 4;
    while (((Py_ssize_t)1 << bits) < 2 * (n_after + n_rule_words) + 2) /* load factor at most one half */
        bits++;
    s->mask = ((uint32_t)1 << bits) - 1;
    s->words = PyMem_Calloc((size_t)1 << bits, sizeof(WordSlot));
    if (!s->words) {
        PyErr_NoMemory();
        goto fail;
    }
    if (build_words_flag(s, stray_after, 0, 2) < 0 || build_rules(s, rules) < 0 ||
        build_prefixes(&s->units, units, "units") < 0 || build_prefixes(&s->comma_next, comma_next, "comma_next") < 0 ||
        build_prefixes(&s->stop_next, stop_next, "stop_next") < 0 ||
        build_prefixes(&s->colon_before, colon_before, "colon_before") < 0 ||
        build_prefixes(&s->colon_next, colon_next, "colon_next") < 0 ||
        build_prefixes(&s->comma_aux, comma_aux, "comma_aux") < 0 ||
        build_prefixes(&s->opening_det, opening_det, "opening_det") < 0 || compact_words(s) < 0)
        goto fail;
    return (PyObject *)s;
fail:
    Py_DECREF(s);
    return NULL;
}

static PyMethodDef Scanner_methods[] = {
    {"scan", (PyCFunction)Scanner_scan, METH_O,
     "scan(text) -> (stray, order, blank_mark, space_quote, lower_stop, quote_lower, marks, bracket_blank, nt, elision, "
     "lower_start, present): "
     "ascending candidate positions for garble's _STRAY_SCANS and _WORD_ORDER_SCAN, and the exact positions of garble's "
     "quotes and brackets, of seven hint scans and of the paragraphs that start in lower case, and a bit mask of the lists "
     "that are not empty (see mark_scan.Candidates)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "scrubber.kinds._mark_scan_kernel.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "garble.py's word lists in C, for the candidate positions of stray-punctuation and word-order.",
    .tp_methods = Scanner_methods,
    .tp_new = Scanner_new,
};

/* ---- the runs of a document's words (module functions) ---------------------------------- */

/* bytes.split()'s whitespace (Py_ISSPACE for bytes) */
static inline int
is_byte_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0b' || c == '\x0c';
}

#if defined(__SSE2__)
/* bit k set: byte k of v is a space of is_byte_space */
static inline unsigned
byte_spaces16(__m128i v)
{
    __m128i t = _mm_sub_epi8(v, _mm_set1_epi8(0x09));
    __m128i space = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(4)), t));
    return (unsigned)_mm_movemask_epi8(space);
}
#endif

/* The bytes of data[k:k+64] that are spaces of is_byte_space, as bits (a byte past n counts as one). */
static inline uint64_t
byte_spaces64(const char *d, Py_ssize_t n, Py_ssize_t k)
{
    uint64_t spaces = 0;
#if defined(__SSE2__)
    if (k + 64 <= n) {
        for (int q = 0; q < 4; q++)
            spaces |= (uint64_t)byte_spaces16(_mm_loadu_si128((const __m128i *)(d + k + 16 * q))) << (16 * q);
        return spaces;
    }
#endif
    for (int q = 0; q < 64; q++)
        spaces |= (uint64_t)(k + q >= n || is_byte_space((unsigned char)d[k + q])) << q;
    return spaces;
}

/* A run's first 8 bytes, 0 past its end: two runs of one length are equal only if these are. */
static inline uint64_t
run_head(const char *d, Py_ssize_t n, Py_ssize_t start, Py_ssize_t length)
{
    uint64_t head = 0;
    if (start + 8 <= n)
        memcpy(&head, d + start, 8); /* (a constant size: one load, no call) */
    else
        memcpy(&head, d + start, (size_t)(n - start));
    return length >= 8 ? head : head & (((uint64_t)1 << (8 * length)) - 1);
}

/* The last four runs of equal_neighbours, newest at (seen - 1) & 3. */
typedef struct {
    Py_ssize_t start[4], length[4];
    uint64_t head[4];
    Py_ssize_t seen; /* runs so far */
    int phrase;
    /* with positions (else NULL): where each run equal to the next starts, and where each phrase hit's
       match starts (the end of runs[j] less the length of runs[j + 2]), in order */
    PyObject *word_starts, *phrase_starts;
} Neighbours;

/* Whether runs a and b of the ring are equal: length and head first (one branch, nearly always
 * false), the rest of the bytes only when both agree. */
static inline int
ring_equal(const Neighbours *r, const char *d, int a, int b)
{
    if ((r->head[a] == r->head[b]) & (r->length[a] == r->length[b]))
        return r->length[a] <= 8 || memcmp(d + r->start[a] + 8, d + r->start[b] + 8, (size_t)(r->length[a] - 8)) == 0;
    return 0;
}

/* Take the run d[start:start+length] (the next of data.split()) into the ring; add it to words if it
 * equals the one before. Returns -1 with an exception, else 0. */
static inline int
next_run(Neighbours *r, const char *d, Py_ssize_t n, Py_ssize_t start, Py_ssize_t length, PyObject *words)
{
    int c = (int)(r->seen & 3), p1 = (c + 3) & 3, p2 = (c + 2) & 3, p3 = (c + 1) & 3;
    r->start[c] = start;
    r->length[c] = length;
    r->head[c] = run_head(d, n, start, length);
    r->seen++;
    if (r->seen >= 2 && ring_equal(r, d, c, p1)) {
        if (r->word_starts && emit(r->word_starts, r->start[p1]) < 0)
            return -1;
        PyObject *value = PyBytes_FromStringAndSize(d + start, length);
        if (!value)
            return -1;
        int added = PySet_Add(words, value);
        Py_DECREF(value);
        if (added < 0)
            return -1;
    }
    /* j = the run before the last three: runs[j + 1] == runs[j + 3], runs[j] ends with runs[j + 2] */
    if ((!r->phrase || r->phrase_starts) && r->seen >= 4 && ring_equal(r, d, c, p2) && r->length[p3] >= r->length[p1] &&
        memcmp(d + r->start[p3] + r->length[p3] - r->length[p1], d + r->start[p1], (size_t)r->length[p1]) == 0) {
        r->phrase = 1;
        if (r->phrase_starts && emit(r->phrase_starts, r->start[p3] + r->length[p3] - r->length[p1]) < 0)
            return -1;
    }
    return 0;
}

/* equal_neighbours(data, positions=False) -> (words, phrase), for runs = data.split():
 *   words  = {runs[k] for k if runs[k] == runs[k + 1]}                        (bytes)
 *   phrase = any(runs[j].endswith(runs[j + 2]) for j if runs[j + 1] == runs[j + 3])
 * and with positions, also (word_starts, phrase_starts), in order: the offset in data of each such
 * runs[k], and the end of each such runs[j] less len(runs[j + 2]) (mark_scan.equal_neighbour_positions_python).
 *
 * Why the positions: garble.repeated-words then tries its regexes there only; it found them again
 * with a bytes.find per value and a split of the document per phrase (a Python loop per occurrence).
 *
 * Why: the gate of garble.repeated-words (_repeat_candidates) compared the
 * adjacent runs of a bytes.split() of every document (0.08 s on perf-news);
 * this compares them where they lie, keeping the last four runs. The bytes are
 * read 64 at a time into a mask of their spaces, and the runs walked with ctz
 * (a branch per byte, or per run end found 16 bytes at a time, mispredicted at
 * nearly every run); two runs are compared by length and first 8 bytes at once. */
static PyObject *
equal_neighbours(PyObject *module, PyObject *args)
{
    (void)module;
    Py_buffer view;
    int positions = 0;
    if (!PyArg_ParseTuple(args, "y*|p:equal_neighbours", &view, &positions))
        return NULL;
    const char *d = view.buf;
    Py_ssize_t n = view.len;
    PyObject *words = PySet_New(NULL), *result = NULL;
    Neighbours ring = {{0}, {0}, {0}, 0, 0, NULL, NULL};
    if (!words)
        goto done;
    if (positions && (!(ring.word_starts = PyList_New(0)) || !(ring.phrase_starts = PyList_New(0))))
        goto done;
    Py_ssize_t open = -1; /* start of a run going on past the last block */
    for (Py_ssize_t k = 0; k < n; k += 64) {
        uint64_t spaces = byte_spaces64(d, n, k);
        uint64_t starts = ~spaces & (spaces << 1 | (open < 0)); /* (bit 0: a run starts there unless one goes on) */
        if (open >= 0) {
            if (!spaces)
                continue; /* the run fills the block */
            if (next_run(&ring, d, n, open, k + __builtin_ctzll(spaces) - open, words) < 0)
                goto done;
            open = -1;
        }
        for (; starts; starts &= starts - 1) {
            int p = __builtin_ctzll(starts);
            uint64_t after = spaces >> p;
            if (!after) { /* the run goes on into the next block */
                open = k + p;
                break;
            }
            if (next_run(&ring, d, n, k + p, __builtin_ctzll(after), words) < 0)
                goto done;
        }
    }
    if (open >= 0 && next_run(&ring, d, n, open, n - open, words) < 0)
        goto done;
    if (positions)
        result = Py_BuildValue("(OOOO)", words, ring.phrase ? Py_True : Py_False, ring.word_starts, ring.phrase_starts);
    else
        result = Py_BuildValue("(OO)", words, ring.phrase ? Py_True : Py_False);
done:
    Py_XDECREF(words);
    Py_XDECREF(ring.word_starts);
    Py_XDECREF(ring.phrase_starts);
    PyBuffer_Release(&view);
    return result;
}

/* ---- a document's distinct words but the common ones (RunFilter) ------------------------ */

/* A run of at most SHORT_RUN bytes, each 1..127 (nearly every word), is compared as two integers: its
 * bytes packed one each, 0 past its end (so the packing says the length). Any other run is compared
 * byte by byte. */
enum { SHORT_RUN = 15, RUN_CHUNK = 32 };

typedef struct {
    uint64_t a, b;
} Packed;

/* a run seen in the document: data[start:start+length] */
typedef struct {
    Packed w;          /* a short run's bytes; {0, 0} for another */
    Py_ssize_t start;  /* -1: empty slot */
    Py_ssize_t length;
    uint32_t hash;
} RunSlot;

typedef struct {
    PyObject_HEAD
    Packed *shorts; /* the short skipped words, open addressing by hash_packed; a == 0: empty slot */
    uint32_t short_mask;
    char *chars;        /* the other skipped words, one after another */
    Py_ssize_t *starts; /* slot -> offset of its word in chars, -1: empty */
    Py_ssize_t *lengths;
    uint32_t mask;
} RunFilter;

/* Whether w[0:n] packs as a short run (then into *out). */
static inline int
pack_short(const char *w, Py_ssize_t n, Packed *out)
{
    if (n < 1 || n > SHORT_RUN)
        return 0;
    Packed p = {0, 0};
    for (Py_ssize_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)w[k];
        if (c == 0 || c >= 128)
            return 0;
        pack_letter(&p.a, &p.b, k, c);
    }
    *out = p;
    return 1;
}

static inline int
RunFilter_skips_short(const RunFilter *f, Packed w, uint32_t h)
{
    for (uint32_t slot = h & f->short_mask;; slot = (slot + 1) & f->short_mask) {
        const Packed *e = &f->shorts[slot];
        /* one branch, nearly always taken at the first slot: skipped or not is a coin toss */
        int hit = (e->a == w.a) & (e->b == w.b);
        if (hit | (e->a == 0))
            return hit;
    }
}

static int
RunFilter_skips(const RunFilter *f, const char *w, Py_ssize_t n, uint32_t h)
{
    for (uint32_t slot = h & f->mask;; slot = (slot + 1) & f->mask) {
        if (f->starts[slot] < 0)
            return 0;
        if (f->lengths[slot] == n && memcmp(f->chars + f->starts[slot], w, (size_t)n) == 0)
            return 1;
    }
}

/* str.split()'s whitespace among ASCII characters (bytes.split() leaves out \x1c-\x1f) */
static inline int
is_ascii_str_space(unsigned char c)
{
    return is_byte_space(c) || (c >= 0x1c && c <= 0x1f);
}

#if defined(__SSE2__)
/* bit k set: byte k of v is a space of is_ascii_str_space */
static inline unsigned
str_spaces16(__m128i v)
{
    __m128i t1 = _mm_sub_epi8(v, _mm_set1_epi8(0x09)), t2 = _mm_sub_epi8(v, _mm_set1_epi8(0x1c));
    __m128i space = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                 _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(t1, _mm_set1_epi8(4)), t1),   /* \t..\r */
                                              _mm_cmpeq_epi8(_mm_min_epu8(t2, _mm_set1_epi8(3)), t2))); /* \x1c..\x1f */
    return (unsigned)_mm_movemask_epi8(space);
}
#endif

/* The first position from p on whose byte is not a space (n if none). */
static inline Py_ssize_t
skip_str_spaces(const char *d, Py_ssize_t n, Py_ssize_t p)
{
#if defined(__SSE2__)
    for (; p + 16 <= n; p += 16) {
        unsigned m = ~str_spaces16(_mm_loadu_si128((const __m128i *)(d + p))) & 0xFFFF;
        if (m)
            return p + __builtin_ctz(m);
    }
#endif
    while (p < n && is_ascii_str_space((unsigned char)d[p]))
        p++;
    return p;
}

/* The run that starts at p (d[p] is no space): its length; *is_short and *w as pack_short gives them;
 * *ascii 0 if a byte of it is not ASCII. Sixteen bytes are looked at together where SSE2 is there. */
static inline Py_ssize_t
run_at(const char *d, Py_ssize_t n, Py_ssize_t p, Packed *w, int *is_short, int *ascii)
{
#if defined(__SSE2__)
    __m128i v;
    unsigned beyond = 0; /* bit k: p + k is past the end */
    if (p + 16 <= n)
        v = _mm_loadu_si128((const __m128i *)(d + p));
    else {
        char tail[16] = {0};
        memcpy(tail, d + p, (size_t)(n - p));
        v = _mm_loadu_si128((const __m128i *)tail);
        beyond = ~((1u << (n - p)) - 1) & 0xFFFF;
    }
    unsigned ends = str_spaces16(v) | beyond;
    if (ends) {
        Py_ssize_t length = __builtin_ctz(ends); /* 1..15 */
        unsigned in_run = (1u << length) - 1;
        unsigned high = (unsigned)_mm_movemask_epi8(v) & in_run;
        unsigned nul = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) & in_run;
        *ascii = !high;
        *is_short = !high && !nul;
        if (*is_short) { /* (the halves masked by table: which of them the run ends in is a coin toss for a branch) */
            w->a = (uint64_t)_mm_cvtsi128_si64(v) & PACKED_MASK[length][0];
            w->b = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)) & PACKED_MASK[length][1];
        }
        return length;
    }
#endif
    Py_ssize_t q = p;
    *ascii = 1;
    while (q < n && !is_ascii_str_space((unsigned char)d[q])) {
        if ((unsigned char)d[q] >= 128)
            *ascii = 0;
        q++;
    }
    *is_short = pack_short(d + p, q - p, w);
    return q - p;
}

/* Remember the run d[start:start+length] (hash h, packed w when short, else w = {0, 0}) in the
 * open-addressing table of the runs seen (doubled when half full); -1 on memory error. */
static int
add_run(RunSlot **slots, size_t *mask, size_t *used, const char *d, Py_ssize_t start, Py_ssize_t length, Packed w,
        uint32_t h)
{
    size_t slot = h & *mask;
    for (;; slot = (slot + 1) & *mask) {
        RunSlot *e = &(*slots)[slot];
        if (e->start < 0)
            break;
        if (e->hash == h && e->length == length && e->w.a == w.a && e->w.b == w.b &&
            (w.a || memcmp(d + e->start, d + start, (size_t)length) == 0))
            return 0; /* seen */
    }
    (*slots)[slot] = (RunSlot){w, start, length, h};
    if (++*used * 2 <= *mask + 1)
        return 0;
    size_t size = (*mask + 1) * 2;
    RunSlot *grown = PyMem_Malloc(size * sizeof(RunSlot));
    if (!grown)
        return -1;
    for (size_t k = 0; k < size; k++)
        grown[k].start = -1;
    for (size_t k = 0; k <= *mask; k++) {
        RunSlot e = (*slots)[k];
        if (e.start < 0)
            continue;
        size_t to = e.hash & (size - 1);
        while (grown[to].start >= 0)
            to = (to + 1) & (size - 1);
        grown[to] = e;
    }
    PyMem_Free(*slots);
    *slots = grown;
    *mask = size - 1;
    return 0;
}

/* f.distinct(data) == set(data.decode("ascii").split()) - skip, each kept word made into a str once.
 *
 * Why: a document's distinct letter runs were a bytes.split() into a million
 * words and a set of them, an object for every word (0.11 s on perf-news),
 * and the detectors then dropped the commonest English words from it; here
 * the repeats and the skipped words never become objects. */
static PyObject *
RunFilter_distinct(RunFilter *f, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    const char *d = view.buf;
    Py_ssize_t n = view.len;
    PyObject *found = NULL, *set = NULL;
    size_t mask = 255, used = 0;
    RunSlot *slots = PyMem_Malloc((mask + 1) * sizeof(RunSlot));
    if (!slots) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t k = 0; k <= mask; k++)
        slots[k].start = -1;
    /* a chunk of runs is read, and the filter's slots asked for, before any is looked up: the
       table misses the caches, and the misses of a chunk overlap */
    struct {
        Packed w;
        Py_ssize_t start, length;
        uint32_t h;
        int is_short;
    } runs[RUN_CHUNK];
    Py_ssize_t p = 0;
    for (int m = RUN_CHUNK; m == RUN_CHUNK;) {
        for (m = 0; m < RUN_CHUNK; m++) {
            p = skip_str_spaces(d, n, p);
            if (p >= n)
                break;
            Packed w = {0, 0};
            int is_short, ascii;
            Py_ssize_t length = run_at(d, n, p, &w, &is_short, &ascii);
            if (!ascii) {
                PyErr_SetString(PyExc_ValueError, "distinct() needs ASCII bytes");
                goto done;
            }
            uint32_t h = is_short ? hash_packed(w.a, w.b) : hash_word(d + p, length);
            if (is_short)
                __builtin_prefetch(&f->shorts[h & f->short_mask]);
            runs[m].w = w;
            runs[m].start = p;
            runs[m].length = length;
            runs[m].h = h;
            runs[m].is_short = is_short;
            p += length;
        }
        for (int k = 0; k < m; k++) {
            Py_ssize_t start = runs[k].start, length = runs[k].length;
            int skipped = runs[k].is_short ? RunFilter_skips_short(f, runs[k].w, runs[k].h)
                                           : RunFilter_skips(f, d + start, length, runs[k].h);
            if (!skipped && add_run(&slots, &mask, &used, d, start, length, runs[k].w, runs[k].h) < 0) {
                PyErr_NoMemory();
                goto done;
            }
        }
    }
    if (!(set = PySet_New(NULL)))
        goto done;
    for (size_t k = 0; k <= mask; k++) {
        if (slots[k].start < 0)
            continue;
        PyObject *word = PyUnicode_New(slots[k].length, 127);
        if (!word)
            goto done;
        memcpy(PyUnicode_1BYTE_DATA(word), d + slots[k].start, (size_t)slots[k].length);
        int r = PySet_Add(set, word);
        Py_DECREF(word);
        if (r < 0)
            goto done;
    }
    found = set;
    set = NULL;
done:
    Py_XDECREF(set);
    PyMem_Free(slots);
    PyBuffer_Release(&view);
    return found;
}

static void
RunFilter_dealloc(RunFilter *f)
{
    table_free(f->shorts, ((size_t)f->short_mask + 1) * sizeof(Packed));
    PyMem_Free(f->chars);
    PyMem_Free(f->starts);
    PyMem_Free(f->lengths);
    Py_TYPE(f)->tp_free((PyObject *)f);
}

/* RunFilter(skip): skip is an iterable of str; a word beyond ASCII can never equal a run of ASCII data and is left out. */
static PyObject *
RunFilter_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"skip", NULL};
    PyObject *skip;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:RunFilter", keywords, &skip))
        return NULL;
    PyObject *words = PySequence_List(skip);
    if (!words)
        return NULL;
    RunFilter *f = (RunFilter *)type->tp_alloc(type, 0);
    if (!f) {
        Py_DECREF(words);
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(words), total = 0, longs = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *w = PyList_GET_ITEM(words, k);
        if (!PyUnicode_Check(w)) {
            PyErr_Format(PyExc_TypeError, "RunFilter() skips str words, not %.100s", Py_TYPE(w)->tp_name);
            goto fail;
        }
        Packed unused;
        if (PyUnicode_IS_ASCII(w)) {
            total += PyUnicode_GET_LENGTH(w);
            longs += !pack_short((const char *)PyUnicode_1BYTE_DATA(w), PyUnicode_GET_LENGTH(w), &unused);
        }
    }
    uint32_t size = 16, long_size = 16;
    while (size < 2 * (uint64_t)count + 2)
        size *= 2;
    /* the other words' table sized for them alone (33 of the 30,000 commonest English words: 2 kB, where as
       many slots as the short words' took 1 MB, its cache lines cold at each run of 16 letters or more) */
    while (long_size < 2 * (uint64_t)longs + 2)
        long_size *= 2;
    f->short_mask = size - 1;
    f->mask = long_size - 1;
    f->shorts = table_calloc(size * sizeof(Packed)); /* (1 MB for the commonest English words: _table_memory.h) */
    f->chars = PyMem_Malloc((size_t)total + 1);
    f->starts = PyMem_Malloc(long_size * sizeof(Py_ssize_t));
    f->lengths = PyMem_Malloc(long_size * sizeof(Py_ssize_t));
    if (!f->shorts || !f->chars || !f->starts || !f->lengths) {
        PyErr_NoMemory();
        goto fail;
    }
    for (uint32_t k = 0; k < long_size; k++)
        f->starts[k] = -1;
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *w = PyList_GET_ITEM(words, k);
        if (!PyUnicode_IS_ASCII(w))
            continue;
        Py_ssize_t n = PyUnicode_GET_LENGTH(w);
        const char *chars = (const char *)PyUnicode_1BYTE_DATA(w);
        Packed packed;
        if (pack_short(chars, n, &packed)) {
            uint32_t h = hash_packed(packed.a, packed.b);
            if (RunFilter_skips_short(f, packed, h))
                continue; /* given twice */
            uint32_t slot = h & f->short_mask;
            while (f->shorts[slot].a)
                slot = (slot + 1) & f->short_mask;
            f->shorts[slot] = packed;
            continue;
        }
        uint32_t h = hash_word(chars, n);
        if (RunFilter_skips(f, chars, n, h))
            continue; /* given twice */
        uint32_t slot = h & f->mask;
        while (f->starts[slot] >= 0)
            slot = (slot + 1) & f->mask;
        memcpy(f->chars + at, chars, (size_t)n);
        f->starts[slot] = at;
        f->lengths[slot] = n;
        at += n;
    }
    Py_DECREF(words);
    return (PyObject *)f;
fail:
    Py_DECREF(words);
    Py_DECREF(f);
    return NULL;
}

static PyMethodDef RunFilter_methods[] = {
    {"distinct", (PyCFunction)RunFilter_distinct, METH_O,
     "distinct(data) -> set(data.decode('ascii').split()) - skip, each kept word made once."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RunFilterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "scrubber.kinds._mark_scan_kernel.RunFilter",
    .tp_basicsize = sizeof(RunFilter),
    .tp_dealloc = (destructor)RunFilter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The distinct words of ASCII bytes but a fixed set of them (the commonest English words).",
    .tp_methods = RunFilter_methods,
    .tp_new = RunFilter_new,
};


/* ---- sentence ends (Splitter) -------------------------------------------------------------- */

/* Where a paragraph's sentences end, exactly as scrubber.text.sentence_spans_python finds them:
 *
 *   for em in _END.finditer(text, p_start, p_end):
 *       if text[em.start()] == "." and len(em) == 1 and _abbreviation_end(...): continue
 *       spans.append((pos, em.end())); pos = em.end() and the whitespace after it
 *
 * with _END = (?<![.!?…])(?<![.!?…][ \t])(?:[.!?…](?:[ \t]?[.!?…])*+)["”’')\]]*+
 *             (?=[ \t]+(["“‘'(\[]?)([\p{Lu}\d]\S*))     (the regex module, VERSION1)
 *
 * Why: the regex scan and a Python call per full stop were 0.08 s of a pass of all rules over
 * perf-news, and the garble score split every flagged document again only to count sentences.
 *
 * Each piece of the pattern is mirrored below, in the order the regex module tries it. The two
 * classes whose meaning is the regex module's own, [\p{Lu}\d] and \s (its Unicode tables, not
 * CPython's: Py_UNICODE_ISUPPER is not category Lu, str.isspace is not White_Space), are never
 * decided here: Python passes a table of them built from the regex module itself, and where a
 * character lies beyond the table the paragraph is declined (None) and Python runs the pattern.
 * _abbreviation_end's str methods are CPython's own (Py_UNICODE_ISSPACE is str.isspace,
 * Py_UNICODE_ISALPHA is str.isalpha); its str.lower() is folded here for ASCII words only, and
 * a word before a lone full stop that might lower into an abbreviation from beyond ASCII (the
 * Kelvin sign) declines the paragraph too.
 *
 * No word list is written here: text.py passes ABBREVIATIONS and SENTENCE_OPENERS. */

#define CLASS_UPPER_OR_DIGIT 1 /* [\p{Lu}\d] matches the character */
#define CLASS_SPACE 2          /* \s matches it (what ends \S*) */
#define UNDECIDED (-1)
#define FAILED (-2)

/* a set of words, compared code point by code point */
typedef struct {
    Py_UCS4 *chars;     /* every word, one after another */
    Py_ssize_t *starts; /* slot -> offset of its word in chars, -1: empty */
    Py_ssize_t *lengths;
    uint32_t mask;
} WordSet;

typedef struct {
    int kind;
    const void *data;
} Text;

#define AT(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

static inline uint32_t
hash_code_point(uint32_t h, Py_UCS4 c)
{
    return (h ^ c) * 16777619u;
}

/* the word at text[start:end] (its ASCII capitals lowered when fold) is in the set */
static int
word_set_has(const WordSet *set, const Text *t, Py_ssize_t start, Py_ssize_t end, int fold)
{
    uint32_t h = 2166136261u;
    for (Py_ssize_t k = start; k < end; k++) {
        Py_UCS4 c = AT(t, k);
        h = hash_code_point(h, fold && c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    for (uint32_t slot = h & set->mask;; slot = (slot + 1) & set->mask) {
        if (set->starts[slot] < 0)
            return 0;
        if (set->lengths[slot] != end - start)
            continue;
        const Py_UCS4 *w = set->chars + set->starts[slot];
        Py_ssize_t k = 0;
        for (; k < end - start; k++) {
            Py_UCS4 c = AT(t, start + k);
            if ((fold && c >= 'A' && c <= 'Z' ? c + 32 : c) != w[k])
                break;
        }
        if (k == end - start)
            return 1;
    }
}

static void
word_set_free(WordSet *set)
{
    PyMem_Free(set->chars);
    PyMem_Free(set->starts);
    PyMem_Free(set->lengths);
}

/* Fill set from an iterable of non-empty str; -1 with an exception set on error. */
static int
word_set_build(WordSet *set, PyObject *iterable, const char *name)
{
    PyObject *words = PySequence_List(iterable);
    if (!words)
        return -1;
    Py_ssize_t count = PyList_GET_SIZE(words), total = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *w = PyList_GET_ITEM(words, k);
        if (!PyUnicode_Check(w) || PyUnicode_GET_LENGTH(w) == 0) {
            PyErr_Format(PyExc_ValueError, "Splitter(): %s must be non-empty str, not %R", name, w);
            goto fail;
        }
        total += PyUnicode_GET_LENGTH(w);
    }
    uint32_t size = 16;
    while (size < 2 * (uint64_t)count + 2)
        size *= 2;
    set->mask = size - 1;
    set->chars = PyMem_Malloc(((size_t)total + 1) * sizeof(Py_UCS4));
    set->starts = PyMem_Malloc(size * sizeof(Py_ssize_t));
    set->lengths = PyMem_Malloc(size * sizeof(Py_ssize_t));
    if (!set->chars || !set->starts || !set->lengths) {
        PyErr_NoMemory();
        goto fail;
    }
    for (uint32_t k = 0; k < size; k++)
        set->starts[k] = -1;
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *w = PyList_GET_ITEM(words, k);
        Text t = {PyUnicode_KIND(w), PyUnicode_DATA(w)};
        Py_ssize_t n = PyUnicode_GET_LENGTH(w);
        if (word_set_has(set, &t, 0, n, 0))
            continue; /* given twice */
        uint32_t h = 2166136261u;
        for (Py_ssize_t i = 0; i < n; i++) {
            set->chars[at + i] = AT(&t, i);
            h = hash_code_point(h, set->chars[at + i]);
        }
        uint32_t slot = h & set->mask;
        while (set->starts[slot] >= 0)
            slot = (slot + 1) & set->mask;
        set->starts[slot] = at;
        set->lengths[slot] = n;
        at += n;
    }
    Py_DECREF(words);
    return 0;
fail:
    Py_DECREF(words);
    return -1;
}

typedef struct {
    PyObject_HEAD
    WordSet abbreviations; /* ABBREVIATIONS: lower-cased, without the dot */
    WordSet openers;       /* SENTENCE_OPENERS */
    int abbreviations_ascii; /* every abbreviation is ASCII */
    uint8_t *classes;      /* CLASS_* bits of each character below n_classes, from the regex module */
    Py_ssize_t n_classes;
} Splitter;

static inline int
is_terminal(Py_UCS4 c) /* [.!?…] */
{
    return c == '.' || c == '!' || c == '?' || c == 0x2026;
}

static inline int
is_closer(Py_UCS4 c) /* ["”’')\]] */
{
    return c == '"' || c == 0x201D || c == 0x2019 || c == '\'' || c == ')' || c == ']';
}

static inline int
is_opener(Py_UCS4 c) /* ["“‘'(\[] (also what _abbreviation_end's lstrip takes off) */
{
    return c == '"' || c == 0x201C || c == 0x2018 || c == '\'' || c == '(' || c == '[';
}

/* the first [.!?…] in text[i:end], or end (the one loop over every character, one per storage kind) */
static Py_ssize_t
next_terminal(const Text *t, Py_ssize_t i, Py_ssize_t end)
{
    switch (t->kind) {
    case PyUnicode_1BYTE_KIND: {
        const Py_UCS1 *d = t->data;
#if defined(__SSE2__)
        /* sixteen characters at a time (most are none of these) */
        for (; i + 16 <= end; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(d + i));
            __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('!')), _mm_cmpeq_epi8(v, _mm_set1_epi8('?'))));
            unsigned m = (unsigned)_mm_movemask_epi8(hit);
            if (m)
                return i + __builtin_ctz(m);
        }
#endif
        while (i < end && d[i] != '.' && d[i] != '!' && d[i] != '?')
            i++; /* no … in one byte */
        return i;
    }
    case PyUnicode_2BYTE_KIND: {
        const Py_UCS2 *d = t->data;
#if defined(__SSE2__)
        for (; i + 8 <= end; i += 8) { /* eight at a time, as 16-bit lanes */
            __m128i v = _mm_loadu_si128((const __m128i *)(d + i));
            __m128i hit = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16('.')), _mm_cmpeq_epi16(v, _mm_set1_epi16('!'))),
                _mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16('?')), _mm_cmpeq_epi16(v, _mm_set1_epi16((short)0x2026))));
            unsigned m = (unsigned)_mm_movemask_epi8(hit);
            if (m)
                return i + __builtin_ctz(m) / 2;
        }
#endif
        while (i < end && !is_terminal(d[i]))
            i++;
        return i;
    }
    default: {
        const Py_UCS4 *d = t->data;
        while (i < end && !is_terminal(d[i]))
            i++;
        return i;
    }
    }
}

/* 1 if the regex module's class (CLASS_*) matches c, 0 if not, UNDECIDED beyond the table */
static inline int
regex_class(const Splitter *s, Py_UCS4 c, uint8_t class)
{
    if ((Py_ssize_t)c >= s->n_classes)
        return UNDECIDED;
    return (s->classes[c] & class) != 0;
}

/* _abbreviation_end(text, para_start, dot, next_word), next_word = text[word_at:] up to \s or end:
 * 1 (an abbreviation: no sentence end), 0, or UNDECIDED */
static int
abbreviation_end(const Splitter *s, const Text *t, Py_ssize_t para_start, Py_ssize_t dot, Py_ssize_t word_at, Py_ssize_t end)
{
    /* i = dot; while i > para_start and not text[i - 1].isspace(): i -= 1 */
    Py_ssize_t i = dot;
    while (i > para_start && !Py_UNICODE_ISSPACE(AT(t, i - 1)))
        i--;
    /* word = text[i:dot].lstrip("\"“‘'(["); if not word: return False */
    while (i < dot && is_opener(AT(t, i)))
        i++;
    if (i == dot)
        return 0;
    /* bare = word.rstrip(".") */
    Py_ssize_t e = dot;
    while (e > i && AT(t, e - 1) == '.')
        e--;
    /* if "." in bare or len(bare) == 1: */
    int dotted = 0;
    for (Py_ssize_t k = i; k < e; k++)
        dotted |= AT(t, k) == '.';
    if (dotted || e - i == 1) {
        /* if bare.replace(".", "").isalpha(): ... return False */
        Py_ssize_t letters = 0;
        for (Py_ssize_t k = i; k < e; k++) {
            Py_UCS4 c = AT(t, k);
            if (c == '.')
                continue;
            if (!Py_UNICODE_ISALPHA(c))
                return 0;
            letters++;
        }
        if (letters == 0)
            return 0;
        /* return next_word.rstrip(",;:") not in SENTENCE_OPENERS, next_word = group 2: [\p{Lu}\d]\S* */
        Py_ssize_t word_end = word_at + 1;
        for (; word_end < end; word_end++) {
            int space = regex_class(s, AT(t, word_end), CLASS_SPACE);
            if (space == UNDECIDED)
                return UNDECIDED;
            if (space)
                break;
        }
        while (word_end > word_at && (AT(t, word_end - 1) == ',' || AT(t, word_end - 1) == ';' || AT(t, word_end - 1) == ':'))
            word_end--;
        return !word_set_has(&s->openers, t, word_at, word_end, 0);
    }
    /* return bare.lower() in ABBREVIATIONS and (bare[0].isupper() or bare.islower()):
     * lowered here for ASCII only. A character beyond ASCII whose simple lower case is beyond
     * ASCII too (”, ’, é) puts one beyond ASCII in bare.lower() (str.lower's full mapping starts
     * with the simple one), which no ASCII abbreviation holds; one whose lower case is ASCII (the
     * Kelvin sign, İ) is left to Python, and so is any such word if an abbreviation is not ASCII. */
    int upper = 0, lower = 0;
    for (Py_ssize_t k = i; k < e; k++) {
        Py_UCS4 c = AT(t, k);
        if (c >= 128) {
            if (!s->abbreviations_ascii || Py_UNICODE_TOLOWER(c) < 128)
                return UNDECIDED;
            return 0;
        }
        upper |= c >= 'A' && c <= 'Z';
        lower |= c >= 'a' && c <= 'z';
    }
    if (!word_set_has(&s->abbreviations, t, i, e, 1))
        return 0;
    Py_UCS4 first = AT(t, i);
    return (first >= 'A' && first <= 'Z') || (lower && !upper);
}

/* Append (start, end) to list; -1 on error. */
static int
append_span(PyObject *list, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *span = Py_BuildValue("(nn)", start, end);
    if (!span)
        return -1;
    int r = PyList_Append(list, span);
    Py_DECREF(span);
    return r;
}

/* The sentences of text[p_start:p_end], appended to spans when it is not NULL: their number,
 * UNDECIDED (Python must split this paragraph) or FAILED (an exception is set). */
static Py_ssize_t
split(const Splitter *s, PyObject *text, Py_ssize_t p_start, Py_ssize_t end, PyObject *spans)
{
    const Text text_ = {PyUnicode_KIND(text), PyUnicode_DATA(text)}, *t = &text_;
    Py_ssize_t count = 0, pos = p_start;
    for (Py_ssize_t i = p_start; (i = next_terminal(t, i, end)) < end; i++) {
        /* [.!?…] */
        Py_UCS4 c = AT(t, i);
        /* (?<![.!?…])(?<![.!?…][ \t]): the regex module's look-behinds see before p_start too */
        if (i >= 1 && is_terminal(AT(t, i - 1)))
            continue;
        if (i >= 2 && is_blank(AT(t, i - 1)) && is_terminal(AT(t, i - 2)))
            continue;
        /* (?:[ \t]?[.!?…])*+ */
        Py_ssize_t r = i + 1;
        for (;;) {
            if (r < end && is_terminal(AT(t, r)))
                r++;
            else if (r + 1 < end && is_blank(AT(t, r)) && is_terminal(AT(t, r + 1)))
                r += 2;
            else
                break;
        }
        /* ["”’')\]]*+ */
        Py_ssize_t m_end = r;
        while (m_end < end && is_closer(AT(t, m_end)))
            m_end++;
        /* (?=[ \t]+ ... (nothing is given back: neither an opener nor the class matches a blank) */
        Py_ssize_t j = m_end;
        if (j >= end || !is_blank(AT(t, j)))
            continue; /* no match here; one cannot start inside the run (the look-behinds) */
        while (j < end && is_blank(AT(t, j)))
            j++;
        /* ... (["“‘'(\[]?)([\p{Lu}\d] ...): an opener, or else none */
        Py_ssize_t word_at;
        int hit;
        if (j < end && is_opener(AT(t, j)) && j + 1 < end && (hit = regex_class(s, AT(t, j + 1), CLASS_UPPER_OR_DIGIT)) != 0)
            word_at = j + 1;
        else if (j < end && (hit = regex_class(s, AT(t, j), CLASS_UPPER_OR_DIGIT)) != 0)
            word_at = j;
        else
            continue;
        if (hit == UNDECIDED)
            return UNDECIDED;
        /* a match: finditer goes on from its end, whatever becomes of it */
        Py_ssize_t m_start = i;
        i = m_end - 1;
        /* if text[em.start()] == "." and end - em.start() == 1 and _abbreviation_end(...): continue */
        if (c == '.' && m_end - m_start == 1) {
            int abbreviation = abbreviation_end(s, t, p_start, m_start, word_at, end);
            if (abbreviation == UNDECIDED)
                return UNDECIDED;
            if (abbreviation)
                continue;
        }
        /* spans.append((pos, end)); pos = end; while pos < p_end and text[pos].isspace(): pos += 1 */
        if (spans && append_span(spans, pos, m_end) < 0)
            return FAILED;
        count++;
        pos = m_end;
        while (pos < end && Py_UNICODE_ISSPACE(AT(t, pos)))
            pos++;
    }
    /* if pos < p_end: spans.append((pos, p_end)) */
    if (pos < end) {
        if (spans && append_span(spans, pos, end) < 0)
            return FAILED;
        count++;
    }
    return count;
}

/* text, p_start, p_end from args; 0 when the kernel splits them, 1 when Python must (a range
 * sentence_spans would not be given: outside the text, or backwards), -1 on error */
static int
split_args(PyObject *args, PyObject **text, Py_ssize_t *p_start, Py_ssize_t *p_end)
{
    if (!PyArg_ParseTuple(args, "Unn", text, p_start, p_end))
        return -1;
    return !(0 <= *p_start && *p_start <= *p_end && *p_end <= PyUnicode_GET_LENGTH(*text));
}

static PyObject *
Splitter_spans(Splitter *s, PyObject *args)
{
    PyObject *text;
    Py_ssize_t p_start, p_end;
    int declined = split_args(args, &text, &p_start, &p_end);
    if (declined)
        return declined < 0 ? NULL : Py_NewRef(Py_None);
    PyObject *spans = PyList_New(0);
    if (!spans)
        return NULL;
    Py_ssize_t n = split(s, text, p_start, p_end, spans);
    if (n >= 0)
        return spans;
    Py_DECREF(spans);
    return n == FAILED ? NULL : Py_NewRef(Py_None);
}

static PyObject *
Splitter_count(Splitter *s, PyObject *args)
{
    PyObject *text;
    Py_ssize_t p_start, p_end;
    int declined = split_args(args, &text, &p_start, &p_end);
    if (declined)
        return declined < 0 ? NULL : Py_NewRef(Py_None);
    Py_ssize_t n = split(s, text, p_start, p_end, NULL);
    return n >= 0 ? PyLong_FromSsize_t(n) : Py_NewRef(Py_None);
}

static void
Splitter_dealloc(Splitter *s)
{
    word_set_free(&s->abbreviations);
    word_set_free(&s->openers);
    PyMem_Free(s->classes);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

/* Splitter(abbreviations, openers, classes): classes[c] holds the CLASS_* bits of chr(c) */
static PyObject *
Splitter_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"abbreviations", "openers", "classes", NULL};
    PyObject *abbreviations, *openers;
    Py_buffer classes;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOy*:Splitter", keywords, &abbreviations, &openers, &classes))
        return NULL;
    Splitter *s = (Splitter *)type->tp_alloc(type, 0); /* zeroed: every pointer NULL */
    if (!s)
        goto done;
    if (word_set_build(&s->abbreviations, abbreviations, "abbreviations") < 0 || word_set_build(&s->openers, openers, "openers") < 0)
        goto fail;
    s->abbreviations_ascii = 1;
    for (Py_ssize_t k = 0; k <= (Py_ssize_t)s->abbreviations.mask; k++)
        if (s->abbreviations.starts[k] >= 0)
            for (Py_ssize_t i = 0; i < s->abbreviations.lengths[k]; i++)
                if (s->abbreviations.chars[s->abbreviations.starts[k] + i] >= 128)
                    s->abbreviations_ascii = 0;
    if (!(s->classes = PyMem_Malloc(classes.len ? (size_t)classes.len : 1))) {
        PyErr_NoMemory();
        goto fail;
    }
    memcpy(s->classes, classes.buf, (size_t)classes.len);
    s->n_classes = classes.len;
    goto done;
fail:
    Py_CLEAR(s);
done:
    PyBuffer_Release(&classes);
    return (PyObject *)s;
}

static PyMethodDef Splitter_methods[] = {
    {"spans", (PyCFunction)Splitter_spans, METH_VARARGS,
     "spans(text, p_start, p_end) -> scrubber.text.sentence_spans_python(text, p_start, p_end), or None where Python must split."},
    {"count", (PyCFunction)Splitter_count, METH_VARARGS,
     "count(text, p_start, p_end) -> len(spans(text, p_start, p_end)) without making them, or None where Python must split."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject SplitterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "scrubber.kinds._mark_scan_kernel.Splitter",
    .tp_basicsize = sizeof(Splitter),
    .tp_dealloc = (destructor)Splitter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The sentence ends of a paragraph, as scrubber.text splits it (its word lists and the regex module's classes given).",
    .tp_methods = Splitter_methods,
    .tp_new = Splitter_new,
};

/* ---- the share of common words (module function) ---------------------------------------- */

#define MAX_COMMON 32 /* words common_hits takes at most */

#if defined(__SSE2__)
/* 0xFF in each byte of v that is ' ' or '\n', 0 in the others */
static inline __m128i
blank_bytes16(__m128i v)
{
    return _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
}

static inline unsigned
token_ends16(__m128i v)
{
    return (unsigned)_mm_movemask_epi8(blank_bytes16(v));
}
#endif

/* The blanks (' ' and '\n') of d[0:n], for each storage kind: sixteen characters at a time with SSE2
 * (two-byte characters packed to bytes with unsigned saturation, as above). */
#if defined(__SSE2__)
static inline __m128i
common_ucs1_load16(const Py_UCS1 *d)
{
    return _mm_loadu_si128((const __m128i *)d);
}

static inline __m128i
common_ucs2_load16(const Py_UCS2 *d)
{
    return _mm_packus_epi16(_mm_loadu_si128((const __m128i *)d), _mm_loadu_si128((const __m128i *)(d + 8)));
}

/* each byte lane counts its blanks (subtracting 0xFF adds one) for up to 255 blocks, then the lanes are summed
 * (psadbw): __builtin_popcount of a bit mask was a call into libgcc (the build sets no -mpopcnt) */
#define COMMON_BLANKS16(NAME)                                                                            \
    while (p + 16 <= n) {                                                                                \
        __m128i lanes = _mm_setzero_si128();                                                             \
        for (int r = 0; r < 255 && p + 16 <= n; r++, p += 16)                                            \
            lanes = _mm_sub_epi8(lanes, blank_bytes16(NAME##_load16(d + p)));                            \
        __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());                                         \
        count += (Py_ssize_t)(_mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums))); \
    }
#else
#define COMMON_BLANKS16(NAME)
#endif

#define DEFINE_COMMON_BLANKS(NAME, TYPE, WIDE)                                                           \
    static inline Py_ssize_t NAME##_blanks(const TYPE *d, Py_ssize_t n)                                  \
    {                                                                                                    \
        Py_ssize_t count = 0, p = 0;                                                                     \
        WIDE                                                                                             \
        for (; p < n; p++)                                                                               \
            count += d[p] == ' ' || d[p] == '\n';                                                        \
        return count;                                                                                    \
    }
DEFINE_COMMON_BLANKS(common_ucs1, Py_UCS1, COMMON_BLANKS16(common_ucs1))
DEFINE_COMMON_BLANKS(common_ucs2, Py_UCS2, COMMON_BLANKS16(common_ucs2))
DEFINE_COMMON_BLANKS(common_ucs4, Py_UCS4, )
#undef DEFINE_COMMON_BLANKS
#undef COMMON_BLANKS16

/* The blanks of d[0:width] (width at most 16) as bits (bit k: d[k]), for each storage kind: one
 * comparison of sixteen characters where SSE2 is there and sixteen are left. */
#if defined(__SSE2__)
#define COMMON_MASK16(NAME)                                                                              \
    if (width == 16)                                                                                     \
        return token_ends16(NAME##_load16(d));
#else
#define COMMON_MASK16(NAME)
#endif

#define DEFINE_COMMON_MASK(NAME, TYPE, WIDE)                                                             \
    static inline unsigned NAME##_mask(const TYPE *d, Py_ssize_t width)                                  \
    {                                                                                                    \
        WIDE                                                                                             \
        unsigned m = 0;                                                                                  \
        for (Py_ssize_t k = 0; k < width; k++)                                                           \
            m |= (unsigned)(d[k] == ' ' || d[k] == '\n') << k;                                           \
        return m;                                                                                        \
    }
DEFINE_COMMON_MASK(common_ucs1, Py_UCS1, COMMON_MASK16(common_ucs1))
DEFINE_COMMON_MASK(common_ucs2, Py_UCS2, COMMON_MASK16(common_ucs2))
DEFINE_COMMON_MASK(common_ucs4, Py_UCS4, )
#undef DEFINE_COMMON_MASK
#undef COMMON_MASK16

/* The words common_hits counts (their UTF-8, held by the tuple they came from) */
#define COMMON_KEY_LETTERS 8 /* the longest word the keyed walk takes: a key holds a letter a byte */
#define COMMON_SLOTS 256     /* slots of the keyed walk's table, indexed by the top byte of key * mult */
#define COMMON_NO_KEY 1      /* the key of an empty slot: no token's (its low byte lacks 0x20, see common_key) */
typedef struct {
    const char *w[MAX_COMMON];
    Py_ssize_t len[MAX_COMMON];
    uint32_t first[128];             /* bit k: word k starts with this letter */
    uint32_t of_len[MAX_WORD + 1];    /* bit k: word k is this long */
    Py_ssize_t max_len;
    /* the keyed walk (keyed: every word at most COMMON_KEY_LETTERS letters and a multiplier found that
     * gives each word a slot of its own): word k's key in slot[(key(k) * mult) >> 56], k in word_of */
    int keyed;
    uint64_t mult;
    uint64_t slot[COMMON_SLOTS];
    uint8_t word_of[COMMON_SLOTS];
} CommonWords;

/* Where common_hits may stop, if has_threshold: once hits / spaces is above threshold (or equal to it,
 * when not strict). */
typedef struct {
    int has_threshold, strict;
    double threshold;
} CommonLimit;

/* Python's hits / spaces > threshold (or ==, when not strict): int / int is one correctly rounded division,
 * as (double)hits / (double)spaces is for counts below 2**53. */
static inline int
common_reached(const CommonLimit *lim, Py_ssize_t hits, Py_ssize_t spaces)
{
    double share = (double)hits / (double)spaces;
    return share > lim->threshold || (!lim->strict && share == lim->threshold);
}

/* The least count of hits that common_reached takes for these spaces, or PY_SSIZE_T_MAX when none up to
 * spaces does (a text holds fewer tokens than spaces): the share only grows with the count (one correctly
 * rounded division), so comparing each new count with it is the same test without a division per hit. */
static Py_ssize_t
common_least_reaching(const CommonLimit *lim, Py_ssize_t spaces)
{
    double bound = lim->threshold * (double)spaces;
    if (!(bound == bound) || bound > (double)spaces + 2.0) /* NaN, or above every share a count can have */
        return common_reached(lim, 0, spaces) ? 0 : PY_SSIZE_T_MAX;
    Py_ssize_t k = bound > 2.0 ? (Py_ssize_t)bound - 2 : 0;
    while (k > 0 && common_reached(lim, k - 1, spaces))
        k--;
    while (k <= spaces && !common_reached(lim, k, spaces))
        k++;
    return k <= spaces ? k : PY_SSIZE_T_MAX;
}

/* The tokens between the blanks, each compared with the words; a word's occurrences counted as str.count
 * counts f" {w} " in the padded text, never two sharing a space; the blanks (and the two pads) in *spaces.
 * Hits only grow, so with a threshold the blanks are counted first and the count stops at the first total
 * that reaches it (without one they are counted on the way: a second pass cost 5-17%). The blanks are
 * found sixteen characters at a time and taken from the bits of each block (a search from every token's
 * start loaded the characters again for each token; with the stopping count found once, no division per hit:
 * 3.1 -> 1.3 us a warm 2,100-character English sample, 14.6 -> 11.2 ms for perf-news's 2,402 samples read
 * one after another, old and new kernels timed in turn). */
#define COMMON_TOKEN(j)                                                                                  \
    do {                                                                                                 \
        Py_ssize_t at = (j) + 1; /* padded index of this space (the closing pad when j == n) */          \
        Py_ssize_t length = at - lead - 1, t = lead; /* the token is d[t:t+length] */                    \
        blanks += (j) < n;                                                                               \
        if (length >= 1 && length <= c->max_len) {                                                       \
            Py_UCS4 c0 = FOLD(d[t]);                                                                     \
            /* the words of this first letter and this length, each by its bit (most tokens: none) */   \
            uint32_t cands = c0 < 128 ? c->first[c0] & c->of_len[length] : 0;                            \
            for (; cands; cands &= cands - 1) {                                                          \
                int k = __builtin_ctz(cands);                                                            \
                if (lead < last_end[k])                                                                  \
                    continue;                                                                            \
                Py_ssize_t i = 1;                                                                        \
                while (i < length && FOLD(d[t + i]) == (Py_UCS4)(uint8_t)c->w[k][i])                     \
                    i++;                                                                                 \
                if (i == length) {                                                                       \
                    found++;                                                                             \
                    last_end[k] = at + 1;                                                                \
                    if (found >= least)                                                                  \
                        return found;                                                                    \
                    break;                                                                               \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
        lead = at;                                                                                       \
    } while (0)

/* The key of the token d[t:t+length]: its characters folded as FOLD folds them, a byte each, in the low
 * `length` bytes (little-endian, as a word's key: its letters), 0 when it is empty or longer than
 * max_len (at most COMMON_KEY_LETTERS). A character folds to the letter w exactly when its byte here is
 * w: an ASCII character is ORed with 0x20 (which makes w only of w and its capital), a two-byte one
 * narrowed to a byte with saturation (0 or 0xFF: no letter) after the Kelvin sign became 'k'. Every byte
 * of a token's key has bit 0x20, so no key is COMMON_NO_KEY, and keys of different lengths differ. */
static const uint64_t common_key_masks[COMMON_KEY_LETTERS + 1] = {
    0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF, 0xFFFFFFFFFFULL, 0xFFFFFFFFFFFFULL, 0xFFFFFFFFFFFFFFULL, ~0ULL,
};

static inline uint64_t
common_key_of(uint64_t bytes, Py_ssize_t length, Py_ssize_t max_len)
{
    return (bytes | 0x2020202020202020ULL) & common_key_masks[length <= max_len ? length : 0];
}

#define DEFINE_COMMON_KEY(NAME, TYPE, FOLD_BYTE, WIDE)                                                   \
    static inline uint64_t NAME##_key(const TYPE *d, Py_ssize_t t, Py_ssize_t n, Py_ssize_t length,      \
                                      Py_ssize_t max_len)                                                \
    {                                                                                                    \
        uint64_t bytes = 0;                                                                              \
        if (t + COMMON_KEY_LETTERS <= n) {                                                               \
            WIDE                                                                                         \
        } else {                                                                                         \
            for (Py_ssize_t i = 0; t + i < n && i < COMMON_KEY_LETTERS; i++)                             \
                bytes |= (uint64_t)FOLD_BYTE(d[t + i]) << (8 * i);                                       \
        }                                                                                                \
        return common_key_of(bytes, length, max_len);                                                    \
    }
#define COMMON_UCS1_BYTE(ch) ((uint8_t)(ch))
#define COMMON_UCS2_BYTE(ch) ((ch) < 256 ? (uint8_t)(ch) : (ch) == 0x212A ? (uint8_t)'k' : (uint8_t)0xFF)
#if defined(__SSE2__)
#define COMMON_UCS1_WIDE memcpy(&bytes, d + t, 8);
#define COMMON_UCS2_WIDE                                                                                 \
    __m128i v = _mm_loadu_si128((const __m128i *)(d + t));                                               \
    __m128i kelvin = _mm_cmpeq_epi16(v, _mm_set1_epi16(0x212A));                                         \
    v = _mm_or_si128(_mm_andnot_si128(kelvin, v), _mm_and_si128(kelvin, _mm_set1_epi16('k')));           \
    bytes = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(v, v));
#else
#define COMMON_UCS1_WIDE memcpy(&bytes, d + t, 8);
#define COMMON_UCS2_WIDE                                                                                 \
    for (int i = 0; i < COMMON_KEY_LETTERS; i++)                                                         \
        bytes |= (uint64_t)COMMON_UCS2_BYTE(d[t + i]) << (8 * i);
#endif
DEFINE_COMMON_KEY(common_ucs1, Py_UCS1, COMMON_UCS1_BYTE, COMMON_UCS1_WIDE)
DEFINE_COMMON_KEY(common_ucs2, Py_UCS2, COMMON_UCS2_BYTE, COMMON_UCS2_WIDE)
#undef DEFINE_COMMON_KEY
#undef COMMON_UCS1_WIDE
#undef COMMON_UCS2_WIDE
#undef COMMON_UCS1_BYTE
#undef COMMON_UCS2_BYTE

/* COMMON_TOKEN without a branch on what the token holds: its key looked up in the words' slots (one
 * comparison), the count kept by arithmetic. A word counts unless the token before was a counted
 * occurrence of the same word (COMMON_TOKEN's last_end: only the token just before ends at this one's
 * space). The branches of COMMON_TOKEN (a length, a first letter, a letter compared after another)
 * went either way from one token to the next: a mispredicted branch or two a token, most of the time of
 * a count over a sample (the comparison stays exact: equal keys are equal folded tokens). */
#define COMMON_KEYED_TOKEN(j)                                                                            \
    do {                                                                                                 \
        Py_ssize_t at = (j) + 1, length = at - lead - 1;                                                 \
        blanks += (j) < n;                                                                               \
        uint64_t key = KEY(d, lead, n, length, c->max_len);                                              \
        unsigned h = (unsigned)((key * c->mult) >> 56);                                                  \
        int k = c->word_of[h];                                                                           \
        int hit = (c->slot[h] == key) & (k != counted_before);                                           \
        found += hit;                                                                                    \
        counted_before = hit ? k : -1;                                                                   \
        if (found >= least)                                                                              \
            return found;                                                                                \
        lead = at;                                                                                       \
    } while (0)

/* the tokens of the walk, TOKEN(j) at each blank d[j] (found by MASK, sixteen characters at a time) and at
 * the end (j == n); the blanks of 64 characters taken as one mask, so that the loop over its bits ends
 * (a branch mispredicted) once per 64 characters rather than once per sixteen */
#define COMMON_WALK(MASK, TOKEN)                                                                         \
    for (Py_ssize_t base = 0; base < n; base += 64) {                                                    \
        uint64_t m = 0;                                                                                  \
        for (int q = 0; q < 4 && base + 16 * q < n; q++) {                                               \
            Py_ssize_t b = base + 16 * q;                                                                \
            m |= (uint64_t)MASK(d + b, n - b < 16 ? n - b : 16) << (16 * q);                             \
        }                                                                                                \
        for (; m; m &= m - 1)                                                                            \
            TOKEN(base + __builtin_ctzll(m));                                                            \
    }                                                                                                    \
    TOKEN(n); /* the last token, before the closing pad */

#define DEFINE_COMMON(NAME, TYPE, KEYED)                                                                 \
    static Py_ssize_t NAME(const TYPE *d, Py_ssize_t n, const CommonWords *c,                         \
                           const CommonLimit *lim, Py_ssize_t *spaces)                                   \
    {                                                                                                    \
        Py_ssize_t last_end[MAX_COMMON];                                                                 \
        for (int k = 0; k < MAX_COMMON; k++)                                                             \
            last_end[k] = -1;                                                                            \
        Py_ssize_t found = 0, blanks = 2, least = PY_SSIZE_T_MAX; /* least: where the count may stop */  \
        if (lim->has_threshold) {                                                                        \
            *spaces = blanks + NAME##_blanks(d, n);                                                      \
            least = common_least_reaching(lim, *spaces);                                                 \
            if (found >= least)                                                                          \
                return found;                                                                            \
        }                                                                                                \
        Py_ssize_t lead = 0; /* padded index of the space before the current token */                   \
        if (KEYED && c->keyed) {                                                                         \
            int counted_before = -1; /* the word counted at the token before, or -1 */                   \
            COMMON_WALK(NAME##_mask, COMMON_KEYED_TOKEN)                                                \
        } else {                                                                                         \
            COMMON_WALK(NAME##_mask, COMMON_TOKEN)                                                      \
        }                                                                                                \
        *spaces = blanks;                                                                                \
        return found;                                                                                    \
    }

/* str.lower() of a character, where that is one ASCII letter: ASCII capitals and the Kelvin sign
 * (U+0130 lowers to "i" and a combining dot, never a whole ASCII token) */
#define FOLD(c) ((c) >= 'A' && (c) <= 'Z' ? (Py_UCS4)((c) + 32) : (c) == 0x212A ? (Py_UCS4)'k' : (Py_UCS4)(c))
#define KEY common_ucs1_key
DEFINE_COMMON(common_ucs1, Py_UCS1, 1)
#undef KEY
#define KEY common_ucs2_key
DEFINE_COMMON(common_ucs2, Py_UCS2, 1)
#undef KEY
#define KEY(d, t, n, length, max_len) ((void)(d), (void)(t), (void)(n), (void)(length), (void)(max_len), (uint64_t)0)
DEFINE_COMMON(common_ucs4, Py_UCS4, 0) /* (rare: the walk with branches) */
#undef KEY
#undef FOLD
#undef COMMON_TOKEN
#undef COMMON_KEYED_TOKEN
#undef COMMON_WALK

/* common_hits(text, words, threshold=None, strict=False) -> (spaces, hits), for
 * padded = f" {text.lower()} ".replace("\n", " "):
 *   spaces = padded.count(" ")
 *   hits   = sum(padded.count(f" {w} ") for w in words)
 * and with a threshold, hits = min(that sum, the least count k with k / spaces > threshold, or >= when
 * not strict): the count stops there (mark_scan.common_hits_python is the reference).
 *
 * Why: the document-language test and the plain-English sentence gate count
 * the commonest English words with str.count, one scan of the lower-cased,
 * padded copy per word (about 15 us for a 3,000-character sample, 0.04 s on
 * perf-news). Here, in one pass over the text as it is: the tokens between
 * spaces (a line break counts as one), each compared with the words; a word's
 * occurrences are counted as str.count counts them, never overlapping (in
 * " the the " the second shares the first's space and is not counted). Words
 * are distinct lower-case ASCII letters, 1 to 15 of them each. The threshold
 * is for language.common_ratio_reaches, which asks it of a 3,000-character
 * sample of every document: the blanks are counted first (sixteen characters
 * at a time), then the words only until the share is reached, about half an
 * English sample (9.5 -> 6.6 us a document). */
/* Fill the keyed walk's slots of c's n_words words (c->keyed 0 when a word is too long for a key or no
 * multiplier of the few thousand tried gives each word a slot of its own: the walk with branches then).
 * Thirty-two words take a few tries in 256 slots, twelve about one. */
static void
common_slots(CommonWords *c, Py_ssize_t n_words)
{
    c->keyed = 0;
    if (c->max_len > COMMON_KEY_LETTERS)
        return;
    uint64_t keys[MAX_COMMON];
    for (Py_ssize_t k = 0; k < n_words; k++) {
        uint64_t bytes = 0;
        for (Py_ssize_t i = 0; i < c->len[k]; i++)
            bytes |= (uint64_t)(uint8_t)c->w[k][i] << (8 * i);
        keys[k] = bytes;
    }
    uint64_t mult = 0x9E3779B97F4A7C15ULL;
    for (int attempt = 0; attempt < 4096; attempt++, mult += 0x6A09E667F3BCC908ULL) {
        mult |= 1;
        for (int h = 0; h < COMMON_SLOTS; h++) {
            c->slot[h] = COMMON_NO_KEY;
            c->word_of[h] = 0xFF;
        }
        Py_ssize_t k = 0;
        for (; k < n_words; k++) {
            unsigned h = (unsigned)((keys[k] * mult) >> 56);
            if (c->slot[h] != COMMON_NO_KEY)
                break;
            c->slot[h] = keys[k];
            c->word_of[h] = (uint8_t)k;
        }
        if (k == n_words) {
            c->mult = mult;
            c->keyed = 1;
            return;
        }
    }
}

/* The words of the tuple, checked and indexed by first letter; the last two tuples' are kept (with a
 * reference to each, which keeps their UTF-8 alive): the callers pass one of two tuples every time, often
 * with a sentence of a few dozen characters, where checking twelve words again cost as much as counting
 * them (and foreign-sentence's two tuples took turns: 0.1% of a pass of all rules in rebuilt tables).
 * NULL with an error set when a word is not distinct lower-case ASCII letters, 1 to 15 of them, or there
 * are over 32. */
static const CommonWords *
common_words(PyObject *words)
{
    static PyObject *kept_words[2]; /* the tuples kept_table[i] were made from */
    static CommonWords kept_table[2];
    static int recent; /* the one asked last: the other makes way for a new tuple */
    for (int i = 0; i < 2; i++)
        if (words == kept_words[i]) {
            recent = i;
            return &kept_table[i];
        }
    CommonWords c;
    Py_ssize_t n_words = PyTuple_GET_SIZE(words);
    if (n_words > MAX_COMMON) {
        PyErr_Format(PyExc_ValueError, "common_hits takes at most %d words", MAX_COMMON);
        return NULL;
    }
    memset(c.first, 0, sizeof c.first);
    memset(c.of_len, 0, sizeof c.of_len);
    c.max_len = 0;
    for (Py_ssize_t k = 0; k < n_words; k++) {
        PyObject *o = PyTuple_GET_ITEM(words, k);
        if (!PyUnicode_Check(o) || !(c.w[k] = PyUnicode_AsUTF8AndSize(o, &c.len[k]))) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "common_hits: words must be str");
            return NULL;
        }
        if (c.len[k] < 1 || c.len[k] > MAX_WORD) {
            PyErr_Format(PyExc_ValueError, "common_hits: word %R is not 1 to %d letters", o, MAX_WORD);
            return NULL;
        }
        for (Py_ssize_t i = 0; i < c.len[k]; i++)
            if (c.w[k][i] < 'a' || c.w[k][i] > 'z') {
                PyErr_Format(PyExc_ValueError, "common_hits: word %R is not lower-case ASCII letters", o);
                return NULL;
            }
        /* a word found ends the search among the candidates: its twin would go uncounted */
        for (uint32_t same = c.first[(uint8_t)c.w[k][0]], j = 0; same; same >>= 1, j++)
            if ((same & 1) && c.len[j] == c.len[k] && memcmp(c.w[j], c.w[k], (size_t)c.len[k]) == 0) {
                PyErr_Format(PyExc_ValueError, "common_hits: word %R given twice", o);
                return NULL;
            }
        c.first[(uint8_t)c.w[k][0]] |= (uint32_t)1 << k;
        c.of_len[c.len[k]] |= (uint32_t)1 << k;
        if (c.len[k] > c.max_len)
            c.max_len = c.len[k];
    }
    common_slots(&c, n_words);
    recent = 1 - recent;
    kept_table[recent] = c;
    Py_INCREF(words);
    Py_XSETREF(kept_words[recent], words);
    return &kept_table[recent];
}

static PyObject *
common_hits(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *text, *words, *threshold = Py_None;
    CommonLimit lim = {0, 0, 0.0};
    if (!PyArg_ParseTuple(args, "UO!|Op:common_hits", &text, &PyTuple_Type, &words, &threshold, &lim.strict))
        return NULL;
    lim.has_threshold = threshold != Py_None;
    if (lim.has_threshold && (lim.threshold = PyFloat_AsDouble(threshold)) == -1.0 && PyErr_Occurred())
        return NULL;
    const CommonWords *c = common_words(words);
    if (c == NULL)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), spaces = 0, hits;
    void *d = PyUnicode_DATA(text);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        hits = common_ucs1(d, n, c, &lim, &spaces);
        break;
    case PyUnicode_2BYTE_KIND:
        hits = common_ucs2(d, n, c, &lim, &spaces);
        break;
    default:
        hits = common_ucs4(d, n, c, &lim, &spaces);
        break;
    }
    return Py_BuildValue("(nn)", spaces, hits);
}

/* ---- the quotes and brackets of a paragraph (garble.unbalanced-quotes) ----------------------- */

static inline int
in_ascii_set(Py_UCS4 c, const char *set)
{
    return c < 128 && c != 0 && strchr(set, (int)c) != NULL;
}

/* Weigh the marks at offsets marks[from:to] (a list of int, ascending, inside text[start:end]) of one
 * paragraph, as garble._paragraph_marks does: append to the three lists (stack and quotes have room for
 * to - from offsets). 0, or -1 with an exception.
 *
 * Why: that loop ran in Python for each of the 21,000 marks of perf-news (a few lookups and
 * comparisons each). The character tests are the str methods the Python uses: isspace
 * (Py_UNICODE_ISSPACE), isalnum (Py_UNICODE_ISALNUM) and isdigit (Py_UNICODE_ISDIGIT). */
static int
weigh_marks(int kind, const void *data, Py_ssize_t n, Py_ssize_t start, Py_ssize_t end, PyObject *marks, Py_ssize_t from,
            Py_ssize_t to, Py_ssize_t *stack, Py_ssize_t *quotes, PyObject *open_quotes, PyObject *stray_close,
            PyObject *bad_brackets)
{
    Py_ssize_t depth = 0, n_quotes = 0;
#define MARK_AT(k) PyUnicode_READ(kind, data, (k))
    for (Py_ssize_t m = from; m < to; m++) {
        Py_ssize_t i = PyLong_AsSsize_t(PyList_GET_ITEM(marks, m));
        if (i == -1 && PyErr_Occurred())
            return -1;
        if (i < 0 || i >= n) {
            PyErr_SetString(PyExc_IndexError, "a mark's offset is outside the text");
            return -1;
        }
        Py_UCS4 c = MARK_AT(i);
        int doubled = c == '\'' || c == 0x2019;
        if ((c == '[' || c == ']') && i >= 1 && MARK_AT(i - 1) == 0x1b)
            continue; /* a terminal escape (ESC [ 31m): not a bracket */
        if (c == '(' || c == '[')
            stack[depth++] = i;
        else if (c == ')' || c == ']') {
            Py_UCS4 want = c == ')' ? '(' : '[';
            if (depth && MARK_AT(stack[depth - 1]) == want)
                depth--;
            else if (!(c == ')' && (i - start <= 3 || (Py_UNICODE_ISSPACE(MARK_AT(i - 2)) && Py_UNICODE_ISALNUM(MARK_AT(i - 1))))) &&
                     emit(bad_brackets, i) < 0)
                return -1;
        }
        else {
            Py_UCS4 before = i > start ? MARK_AT(i - 1) : ' ';
            Py_ssize_t j = i + (doubled ? 2 : 1);
            Py_UCS4 after = j < end ? MARK_AT(j) : ' ';
            int opening_position = (in_ascii_set(before, " \t\n([{/-") || before == 0x2014 || before == 0x2013) &&
                                   !Py_UNICODE_ISSPACE(after);
            int closing_position = Py_UNICODE_ISSPACE(after) || in_ascii_set(after, ".,;:!?)]-") || after == 0x2014 ||
                                   after == 0x2013 || !Py_UNICODE_ISSPACE(before);
            int opening = !doubled && ((opening_position && !(c == 0x201D && !closing_position && n_quotes)) ||
                                       (c == 0x201C && !closing_position));
            if (opening)
                quotes[n_quotes++] = i;
            else if (n_quotes)
                n_quotes--;
            else if (c == '"' && Py_UNICODE_ISDIGIT(before))
                continue; /* 34" (inches) */
            else if (emit(stray_close, i) < 0)
                return -1;
        }
    }
#undef MARK_AT
    for (Py_ssize_t k = 0; k < n_quotes; k++)
        if (emit(open_quotes, quotes[k]) < 0)
            return -1;
    for (Py_ssize_t k = 0; k < depth; k++)
        if (emit(bad_brackets, stack[k]) < 0)
            return -1;
    return 0;
}

/* paragraph_marks(text, start, end, marks) -> (open_quotes, stray_close, bad_brackets): exactly what
 * garble._paragraph_marks gives for the offsets `marks` (ascending, inside text[start:end]) of its
 * quotes and brackets, where text[i] is the mark, or an apostrophe standing for a doubled '' or ’’. */
static PyObject *
paragraph_marks(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *text, *marks;
    Py_ssize_t start, end;
    if (!PyArg_ParseTuple(args, "UnnO!:paragraph_marks", &text, &start, &end, &PyList_Type, &marks))
        return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return NULL;
#endif
    Py_ssize_t count = PyList_GET_SIZE(marks);
    PyObject *open_quotes = PyList_New(0), *stray_close = PyList_New(0), *bad_brackets = PyList_New(0), *result = NULL;
    Py_ssize_t *stack = PyMem_New(Py_ssize_t, count ? count : 1), *quotes = PyMem_New(Py_ssize_t, count ? count : 1);
    if (!open_quotes || !stray_close || !bad_brackets || !stack || !quotes) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    if (weigh_marks(PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), start, end, marks, 0, count, stack,
                    quotes, open_quotes, stray_close, bad_brackets) == 0)
        result = PyTuple_Pack(3, open_quotes, stray_close, bad_brackets);
done:
    Py_XDECREF(open_quotes);
    Py_XDECREF(stray_close);
    Py_XDECREF(bad_brackets);
    PyMem_Free(stack);
    PyMem_Free(quotes);
    return result;
}

/* The offset at marks[m] (an int), or -1 with an exception. */
static inline Py_ssize_t
offset_at(PyObject *marks, Py_ssize_t m)
{
    Py_ssize_t i = PyLong_AsSsize_t(PyList_GET_ITEM(marks, m));
    if (i < 0 && !PyErr_Occurred())
        PyErr_SetString(PyExc_IndexError, "a mark's offset is outside the text");
    return i;
}

/* The (start, end) of paragraphs[k] into *start and *end; -1 with an exception. */
static inline int
span_at(PyObject *paragraphs, Py_ssize_t k, Py_ssize_t *start, Py_ssize_t *end)
{
    PyObject *span = PyList_GET_ITEM(paragraphs, k);
    if (!PyTuple_Check(span) || PyTuple_GET_SIZE(span) != 2) {
        PyErr_SetString(PyExc_TypeError, "a paragraph is a (start, end) tuple");
        return -1;
    }
    *start = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
    *end = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
    return PyErr_Occurred() ? -1 : 0;
}

/* document_marks(text, marks, paragraphs) -> [(k, start, end, open_quotes, stray_close, bad_brackets), ...]:
 * what garble._weighed_paragraphs gives: for each paragraph k (paragraphs: the document's (start, end)
 * spans, ascending) holding one of the marks (the offsets of all the document's quotes and brackets,
 * ascending) and not only doubled apostrophes, paragraph_marks of its marks, where one of the three
 * lists is not empty.
 *
 * Why: most paragraphs are balanced; in Python each paragraph holding a mark cost a bisect, a slice,
 * a test of its marks and a call (0.01 s on perf-news), for nothing but the few unbalanced ones. */
static PyObject *
document_marks(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *text, *marks, *paragraphs;
    if (!PyArg_ParseTuple(args, "UO!O!:document_marks", &text, &PyList_Type, &marks, &PyList_Type, &paragraphs))
        return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return NULL;
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), count = PyList_GET_SIZE(marks), n_paragraphs = PyList_GET_SIZE(paragraphs);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *found = PyList_New(0), *open_quotes = NULL, *stray_close = NULL, *bad_brackets = NULL;
    Py_ssize_t *stack = PyMem_New(Py_ssize_t, count ? count : 1), *quotes = PyMem_New(Py_ssize_t, count ? count : 1);
    if (!found || !stack || !quotes) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t k = 0, m = 0;
    while (m < count && n_paragraphs) {
        Py_ssize_t i = offset_at(marks, m), start, end, next_start, next_end;
        if (i < 0)
            goto fail;
        /* k = max(0, bisect_right(starts, i) - 1): the paragraph at i (the marks ascend, so k only grows) */
        while (k + 1 < n_paragraphs) {
            if (span_at(paragraphs, k + 1, &next_start, &next_end) < 0)
                goto fail;
            if (next_start > i)
                break;
            k++;
        }
        if (span_at(paragraphs, k, &start, &end) < 0)
            goto fail;
        /* j: the first mark at or past the paragraph's end; every mark of m..j-1 a doubled apostrophe? */
        Py_ssize_t j = m;
        int only_doubled = 1;
        while (j < count) {
            Py_ssize_t at = offset_at(marks, j);
            if (at < 0)
                goto fail;
            if (at >= n) {
                PyErr_SetString(PyExc_IndexError, "a mark's offset is outside the text");
                goto fail;
            }
            if (at >= end)
                break;
            Py_UCS4 c = PyUnicode_READ(kind, data, at);
            only_doubled &= c == '\'' || c == 0x2019;
            j++;
        }
        if (j == m) { /* a mark past its paragraph's end (never: a mark is no white space); left out */
            m++;
            continue;
        }
        if (!only_doubled) {
            if (!(open_quotes = PyList_New(0)) || !(stray_close = PyList_New(0)) || !(bad_brackets = PyList_New(0)))
                goto fail;
            if (weigh_marks(kind, data, n, start, end, marks, m, j, stack, quotes, open_quotes, stray_close, bad_brackets) < 0)
                goto fail;
            if (PyList_GET_SIZE(open_quotes) || PyList_GET_SIZE(stray_close) || PyList_GET_SIZE(bad_brackets)) {
                PyObject *item = Py_BuildValue("(nnnOOO)", k, start, end, open_quotes, stray_close, bad_brackets);
                if (!item || PyList_Append(found, item) < 0) {
                    Py_XDECREF(item);
                    goto fail;
                }
                Py_DECREF(item);
            }
            Py_CLEAR(open_quotes);
            Py_CLEAR(stray_close);
            Py_CLEAR(bad_brackets);
        }
        m = j;
    }
    PyMem_Free(stack);
    PyMem_Free(quotes);
    return found;
fail:
    Py_XDECREF(found);
    Py_XDECREF(open_quotes);
    Py_XDECREF(stray_close);
    Py_XDECREF(bad_brackets);
    PyMem_Free(stack);
    PyMem_Free(quotes);
    return NULL;
}

/* ---- a document's run bytes (garble's lower_run_bytes) ----------------------------------------- */

enum { MAX_REPLACED = 32 };

/* run_form(text, replace, refuse, table, letters) -> (form, letter_form) or None:
 *   form        = the text with each character in `replace` (a dict of non-ASCII str -> one ASCII
 *                 character) replaced, then every character c mapped to table[c], as bytes;
 *   letter_form = form.translate(letters);
 * None when the text holds `refuse` (one character) or a character beyond ASCII not in `replace`.
 *
 * Why: garble's lower_run_bytes was wordruns.run_bytes(text).lower(), a str.replace for each
 * typographic mark the text holds, an ASCII test, an encode, a translate and a lower (and
 * lower_runs a second translate for the letters): six passes over the document, each making a
 * copy. Given run_bytes' replacements and table (lowered), this is one pass. */
static PyObject *
run_form(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *text, *replace;
    int refuse;
    Py_buffer table, letters;
    if (!PyArg_ParseTuple(args, "UO!Cy*y*:run_form", &text, &PyDict_Type, &replace, &refuse, &table, &letters))
        return NULL;
    PyObject *result = NULL, *form = NULL, *letter_form = NULL;
    Py_UCS4 from[MAX_REPLACED];
    uint8_t to[MAX_REPLACED];
    Py_ssize_t n_replaced = 0, pos = 0;
    PyObject *key, *value;
    if (table.len != 256 || letters.len != 256) {
        PyErr_SetString(PyExc_ValueError, "run_form() needs tables of 256 bytes");
        goto done;
    }
    while (PyDict_Next(replace, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || !PyUnicode_Check(value) || PyUnicode_GET_LENGTH(key) != 1 ||
            PyUnicode_GET_LENGTH(value) != 1 || PyUnicode_READ_CHAR(value, 0) >= 128 || PyUnicode_READ_CHAR(key, 0) < 128) {
            PyErr_SetString(PyExc_ValueError, "run_form() replaces characters beyond ASCII by ASCII characters");
            goto done;
        }
        if (n_replaced == MAX_REPLACED) {
            PyErr_SetString(PyExc_ValueError, "run_form() replaces at most 32 characters");
            goto done;
        }
        from[n_replaced] = PyUnicode_READ_CHAR(key, 0);
        to[n_replaced++] = (uint8_t)PyUnicode_READ_CHAR(value, 0);
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        goto done;
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const uint8_t *t = table.buf, *l = letters.buf;
    if (!(form = PyBytes_FromStringAndSize(NULL, n)) || !(letter_form = PyBytes_FromStringAndSize(NULL, n)))
        goto done;
    uint8_t *f = (uint8_t *)PyBytes_AS_STRING(form), *g = (uint8_t *)PyBytes_AS_STRING(letter_form);
    /* each storage kind its own loop (no switch per character) */
#define RUN_FORM_LOOP(TYPE)                                                                              \
    for (Py_ssize_t k = 0; k < n; k++) {                                                                 \
        Py_UCS4 c = ((const TYPE *)data)[k];                                                             \
        if (c >= 128) {                                                                                  \
            Py_ssize_t r = 0;                                                                            \
            while (r < n_replaced && from[r] != c)                                                       \
                r++;                                                                                     \
            if (r == n_replaced || c == (Py_UCS4)refuse) {                                               \
                result = Py_None;                                                                        \
                goto done;                                                                               \
            }                                                                                            \
            c = to[r];                                                                                   \
        }                                                                                                \
        else if (c == (Py_UCS4)refuse) {                                                                 \
            result = Py_None;                                                                            \
            goto done;                                                                                   \
        }                                                                                                \
        f[k] = t[c];                                                                                     \
        g[k] = l[f[k]];                                                                                  \
    }
    if (kind == PyUnicode_1BYTE_KIND)
        RUN_FORM_LOOP(Py_UCS1)
    else if (kind == PyUnicode_2BYTE_KIND)
        RUN_FORM_LOOP(Py_UCS2)
    else
        RUN_FORM_LOOP(Py_UCS4)
#undef RUN_FORM_LOOP
    result = PyTuple_Pack(2, form, letter_form);
done:
    if (result == Py_None)
        Py_INCREF(result);
    Py_XDECREF(form);
    Py_XDECREF(letter_form);
    PyBuffer_Release(&table);
    PyBuffer_Release(&letters);
    return result;
}

/* ---- a document's paragraphs (scrubber.text.paragraph_spans) -------------------------------- */

/* Append (start, end) of each paragraph of d[0:n] to list: a line (up to '\n') holding a character
 * str.isspace does not take, less its outer str.isspace characters. 0, or -1 with an exception. */
/* The first '\n' of d[p:n], or n: memchr for one byte a character, SSE2 eight characters at a time for two
 * (most documents are one or the other; the lines are long). */
static inline Py_ssize_t
next_newline_ucs1(const Py_UCS1 *d, Py_ssize_t n, Py_ssize_t p)
{
    const Py_UCS1 *hit = p < n ? memchr(d + p, '\n', (size_t)(n - p)) : NULL;
    return hit ? hit - d : n;
}

static inline Py_ssize_t
next_newline_ucs2(const Py_UCS2 *d, Py_ssize_t n, Py_ssize_t p)
{
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi16('\n');
    for (; p + 8 <= n; p += 8) {
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(d + p)), nl));
        if (m)
            return p + __builtin_ctz(m) / 2;
    }
#endif
    while (p < n && d[p] != '\n')
        p++;
    return p;
}

static inline Py_ssize_t
next_newline_ucs4(const Py_UCS4 *d, Py_ssize_t n, Py_ssize_t p)
{
    while (p < n && d[p] != '\n')
        p++;
    return p;
}

#define DEFINE_PARAGRAPHS(KIND, TYPE)                                                                    \
    static int paragraphs_##KIND(const TYPE *d, Py_ssize_t n, PyObject *list)                            \
    {                                                                                                    \
        Py_ssize_t pos = 0;                                                                              \
        for (;;) {                                                                                       \
            Py_ssize_t start = pos;                                                                      \
            while (start < n && Py_UNICODE_ISSPACE(d[start]))                                            \
                start++;                                                                                 \
            if (start >= n)                                                                              \
                return 0;                                                                                \
            Py_ssize_t nl = next_newline_##KIND(d, n, start + 1); /* (d[start] is no space: no '\n') */  \
            Py_ssize_t end = nl;                                                                         \
            while (end > start && Py_UNICODE_ISSPACE(d[end - 1]))                                        \
                end--;                                                                                   \
            PyObject *span = Py_BuildValue("(nn)", start, end);                                          \
            if (!span || PyList_Append(list, span) < 0) {                                                \
                Py_XDECREF(span);                                                                        \
                return -1;                                                                               \
            }                                                                                            \
            Py_DECREF(span);                                                                             \
            if (nl >= n)                                                                                 \
                return 0;                                                                                \
            pos = nl + 1;                                                                                \
        }                                                                                                \
    }

DEFINE_PARAGRAPHS(ucs1, Py_UCS1)
DEFINE_PARAGRAPHS(ucs2, Py_UCS2)
DEFINE_PARAGRAPHS(ucs4, Py_UCS4)

/* paragraph_spans(text) -> [(start, end), ...]: scrubber.text.paragraph_spans_python.
 *
 * Why: news documents are a few long lines; in Python each paragraph cost a regex match, a find, a
 * slice and a strip test (5 ms a pass over perf-news for its 5,600 paragraphs). */
static PyObject *
paragraph_spans(PyObject *module, PyObject *text)
{
    (void)module;
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "paragraph_spans() needs a str, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return NULL;
#endif
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    int r;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        r = paragraphs_ucs1((const Py_UCS1 *)data, n, list);
        break;
    case PyUnicode_2BYTE_KIND:
        r = paragraphs_ucs2((const Py_UCS2 *)data, n, list);
        break;
    default:
        r = paragraphs_ucs4((const Py_UCS4 *)data, n, list);
        break;
    }
    if (r < 0) {
        Py_DECREF(list);
        return NULL;
    }
    return list;
}

/* ---- the characters beyond ASCII -------------------------------------------------------------- */

/* The number of code units of d[0:n] above 127 (16 bytes at a time where SSE2 is there). */
static Py_ssize_t
beyond_count_ucs1(const Py_UCS1 *d, Py_ssize_t n)
{
    Py_ssize_t count = 0, p = 0;
#if defined(__SSE2__)
    for (; p + 16 <= n; p += 16)
        count += __builtin_popcount((unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(d + p))));
#endif
    for (; p < n; p++)
        count += d[p] >= 128;
    return count;
}

static Py_ssize_t
beyond_count_ucs2(const Py_UCS2 *d, Py_ssize_t n)
{
    Py_ssize_t count = 0, p = 0;
#if defined(__SSE2__)
    const __m128i high = _mm_set1_epi16((short)0xFF80), zero = _mm_setzero_si128();
    for (; p + 8 <= n; p += 8) {
        __m128i ascii = _mm_cmpeq_epi16(_mm_and_si128(_mm_loadu_si128((const __m128i *)(d + p)), high), zero);
        count += 8 - __builtin_popcount((unsigned)_mm_movemask_epi8(ascii)) / 2;
    }
#endif
    for (; p < n; p++)
        count += d[p] >= 128;
    return count;
}

static Py_ssize_t
beyond_count_ucs4(const Py_UCS4 *d, Py_ssize_t n)
{
    Py_ssize_t count = 0;
    for (Py_ssize_t p = 0; p < n; p++)
        count += d[p] >= 128;
    return count;
}

/* Whether the 16 bytes (UCS1) or 8 code units (UCS2) at d are all ASCII: the copy skips such blocks. */
#if defined(__SSE2__)
#define ASCII_BLOCK_UCS1(d) (!_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(d))))
#define ASCII_BLOCK_UCS2(d)                                                                              \
    (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(_mm_loadu_si128((const __m128i *)(d)),             \
                                                     _mm_set1_epi16((short)0xFF80)),                     \
                                       _mm_setzero_si128())) == 0xFFFF)
#define BLOCK_UCS1 16
#define BLOCK_UCS2 8
#else
#define ASCII_BLOCK_UCS1(d) 0
#define ASCII_BLOCK_UCS2(d) 0
#define BLOCK_UCS1 0
#define BLOCK_UCS2 0
#endif
#define ASCII_BLOCK_UCS4(d) 0
#define BLOCK_UCS4 0

/* Copy the code units above 127 of d[0:n], in order, to out (which has room for them all); their largest. */
#define DEFINE_BEYOND_COPY(NAME, TYPE, BLOCK, ASCII_BLOCK)                                               \
    static Py_UCS4 NAME(const TYPE *d, Py_ssize_t n, TYPE *out)                                          \
    {                                                                                                    \
        Py_UCS4 largest = 0;                                                                             \
        Py_ssize_t p = 0;                                                                                \
        if (BLOCK)                                                                                       \
            for (; p + BLOCK <= n; p += BLOCK) {                                                         \
                if (ASCII_BLOCK(d + p))                                                                  \
                    continue;                                                                            \
                for (Py_ssize_t q = p; q < p + BLOCK; q++)                                               \
                    if (d[q] >= 128) {                                                                   \
                        *out++ = d[q];                                                                   \
                        if (d[q] > largest)                                                              \
                            largest = d[q];                                                              \
                    }                                                                                    \
            }                                                                                            \
        for (; p < n; p++)                                                                               \
            if (d[p] >= 128) {                                                                           \
                *out++ = d[p];                                                                           \
                if (d[p] > largest)                                                                      \
                    largest = d[p];                                                                      \
            }                                                                                            \
        return largest;                                                                                  \
    }

DEFINE_BEYOND_COPY(beyond_copy_ucs1, Py_UCS1, BLOCK_UCS1, ASCII_BLOCK_UCS1)
DEFINE_BEYOND_COPY(beyond_copy_ucs2, Py_UCS2, BLOCK_UCS2, ASCII_BLOCK_UCS2)
DEFINE_BEYOND_COPY(beyond_copy_ucs4, Py_UCS4, BLOCK_UCS4, ASCII_BLOCK_UCS4)

/* beyond_ascii(text) -> the characters of text beyond ASCII, in order: scrubber.text.beyond_ascii_python.
 *
 * Why: the reference encodes the document to UTF-8, deletes the ASCII bytes and decodes the rest,
 * three copies of a text (0.014 s a pass over perf-news, asked of every document by code-mix and
 * the document-language test); here one count and one copy of the few characters. The copy has
 * the text's kind: a 2- or 4-byte text holds a character that needs it, which is beyond ASCII, so
 * the copy holds it too and that kind is the canonical one (checked all the same). */
static PyObject *
beyond_ascii(PyObject *module, PyObject *text)
{
    (void)module;
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "beyond_ascii() needs a str, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return NULL;
#endif
    if (PyUnicode_IS_ASCII(text))
        return PyUnicode_New(0, 0);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    int kind = PyUnicode_KIND(text);
    Py_ssize_t count = kind == PyUnicode_1BYTE_KIND   ? beyond_count_ucs1((const Py_UCS1 *)data, n)
                       : kind == PyUnicode_2BYTE_KIND ? beyond_count_ucs2((const Py_UCS2 *)data, n)
                                                      : beyond_count_ucs4((const Py_UCS4 *)data, n);
    PyObject *out = PyUnicode_New(count, PyUnicode_MAX_CHAR_VALUE(text));
    if (!out)
        return NULL;
    Py_UCS4 largest;
    if (kind == PyUnicode_1BYTE_KIND)
        largest = beyond_copy_ucs1((const Py_UCS1 *)data, n, PyUnicode_1BYTE_DATA(out));
    else if (kind == PyUnicode_2BYTE_KIND)
        largest = beyond_copy_ucs2((const Py_UCS2 *)data, n, PyUnicode_2BYTE_DATA(out));
    else
        largest = beyond_copy_ucs4((const Py_UCS4 *)data, n, PyUnicode_4BYTE_DATA(out));
    if ((kind == PyUnicode_2BYTE_KIND && largest < 256) || (kind == PyUnicode_4BYTE_KIND && largest < 0x10000)) {
        /* (a text not in its canonical kind, which CPython never makes but an extension might: the
           copy takes the kind its characters need, or it would compare unequal to the reference's) */
        PyObject *canonical = PyUnicode_FromKindAndData(kind, PyUnicode_DATA(out), count);
        Py_DECREF(out);
        return canonical;
    }
    return out;
}

static PyMethodDef module_methods[] = {
    {"equal_neighbours", (PyCFunction)equal_neighbours, METH_VARARGS,
     "equal_neighbours(data, positions=False) -> (the runs of data.split() equal to the next one, whether some runs[j + 1] "
     "== runs[j + 3] with runs[j] ending with runs[j + 2]), and with positions where each of those starts."},
    {"paragraph_marks", (PyCFunction)paragraph_marks, METH_VARARGS,
     "paragraph_marks(text, start, end, marks) -> (unclosed quote offsets, closing quotes without opening, unbalanced "
     "bracket offsets): garble._paragraph_marks."},
    {"document_marks", (PyCFunction)document_marks, METH_VARARGS,
     "document_marks(text, marks, paragraphs) -> [(k, start, end, open_quotes, stray_close, bad_brackets), ...]: "
     "garble._weighed_paragraphs, the paragraphs whose quotes or brackets do not balance."},
    {"paragraph_spans", (PyCFunction)paragraph_spans, METH_O,
     "paragraph_spans(text) -> [(start, end), ...]: scrubber.text.paragraph_spans_python, each non-blank line less its outer "
     "white space."},
    {"run_form", (PyCFunction)run_form, METH_VARARGS,
     "run_form(text, replace, refuse, table, letters) -> (form, form.translate(letters)) or None: the text's characters "
     "through replace (beyond ASCII) and table, as bytes; None if it holds refuse or another character beyond ASCII."},
    {"common_hits", (PyCFunction)common_hits, METH_VARARGS,
     "common_hits(text, words, threshold=None, strict=False) -> (padded.count(' '), sum(padded.count(f' {w} ') for w in "
     "words)) for padded = f' {text.lower()} '.replace('\\n', ' '); with a threshold, the sum stops at the first total "
     "whose share of the spaces is above it (or equal, when not strict)."},
    {"beyond_ascii", (PyCFunction)beyond_ascii, METH_O,
     "beyond_ascii(text) -> the characters of text beyond ASCII, in order: scrubber.text.beyond_ascii_python."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "scrubber.kinds._mark_scan_kernel",
    .m_doc = "Candidate positions for garble's stray-punctuation and word-order patterns (optional: garble.py's scans are the reference).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC
PyInit__mark_scan_kernel(void)
{
    /* PyModule_AddType (Python 3.9+) readies each type and adds it under the last part of its tp_name */
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    if (PyModule_AddType(m, &ScannerType) < 0 ||
        PyModule_AddType(m, &RunFilterType) < 0 ||
        PyModule_AddType(m, &SplitterType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
