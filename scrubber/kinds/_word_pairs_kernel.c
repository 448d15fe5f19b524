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
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

enum { WORD = 0, SPACE = 1, MARK = 2 };

typedef struct {
    uint32_t key;   /* pair key i << shift | j; 0 = empty slot (ids start at 1) */
    uint32_t value; /* index of its weight in Scanner.values (the weights take a few distinct values:
                       8-byte slots halve the table, which a pass over a document reads at random) */
} PairSlot;

typedef struct {
    uint64_t hash;
    uint32_t offset; /* into chars */
    uint32_t length; /* 0 = empty slot */
    uint32_t id;
    uint32_t unused;
} WordSlot;

typedef struct {
    PyObject_HEAD
    PairSlot *pairs;
    double *values; /* the distinct pair weights */
    uint32_t pair_mask;
    int pair_bits;
    WordSlot *words;
    uint64_t word_mask;
    Py_UCS4 *chars;    /* every word's code points, one after another */
    Py_ssize_t max_length;
    uint8_t ascii_word_char[128]; /* 1 if some word holds this ASCII character */
    int non_ascii_words;          /* 1 if some word holds a non-ASCII character */
    uint32_t mark_id;             /* ids.get("\0", 0) */
    double *log_count;            /* by id */
    Py_ssize_t n_log_count;
    double log_floor;
    double *unattested; /* weight by bin index */
    long lo, hi;        /* lowest and highest bin */
    int shift;
    /* characters: ASCII ones by table, the few special non-ASCII ones (typographic
       replacements, non-ASCII marks) in a short list, every other one by Py_UNICODE_ISSPACE */
    Py_UCS4 ascii_to[128];
    uint8_t ascii_class[128];
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
    if (c < 128) {
        *cls = s->ascii_class[c];
        return s->ascii_to[c];
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

/* ---- the scan ----------------------------------------------------------------------- */

static inline double
pair_weight(const Scanner *s, uint32_t i, uint32_t j)
{
    uint32_t key = i << s->shift | j;
    uint32_t slot = pair_slot(key, s->pair_bits);
    for (;;) {
        const PairSlot *p = &s->pairs[slot];
        if (p->key == key)
            return s->values[p->value];
        if (p->key == 0)
            break;
        slot = (slot + 1) & s->pair_mask;
    }
    /* _PairWeights.unattested: UNATTESTED_WEIGHTS[_bin(log_floor - lc[i] - lc[j], UNATTESTED_BINS)] */
    double value = s->log_floor - s->log_count[i] - s->log_count[j];
    double f = floor(value);
    if (f < (double)s->lo)
        f = (double)s->lo;
    if (f > (double)s->hi)
        f = (double)s->hi;
    return s->unattested[(long)f - s->lo];
}

/* The id of the word at data[start:start+length] (already known to be a possible word). */
#define DEFINE_WORD_ID(NAME, TYPE)                                                              \
    static uint32_t NAME(const Scanner *s, const TYPE *data, Py_ssize_t start, Py_ssize_t length, \
                         uint64_t hash)                                                         \
    {                                                                                           \
        uint64_t slot = hash & s->word_mask;                                                    \
        for (;;) {                                                                              \
            const WordSlot *w = &s->words[slot];                                                \
            if (w->length == 0)                                                                 \
                return 0;                                                                       \
            if (w->hash == hash && (Py_ssize_t)w->length == length) {                           \
                const Py_UCS4 *chars = s->chars + w->offset;                                    \
                Py_ssize_t k = 0;                                                               \
                for (; k < length; k++) {                                                       \
                    int cls;                                                                    \
                    if (classify(s, (Py_UCS4)data[start + k], &cls) != chars[k])                \
                        break;                                                                  \
                }                                                                               \
                if (k == length)                                                                \
                    return w->id;                                                               \
            }                                                                                   \
            slot = (slot + 1) & s->word_mask;                                                   \
        }                                                                                       \
    }

/* Kadane's minimum-run scan over the word ids of data[0:n], as PairModel._lowest_run_python. */
#define DEFINE_SCAN(NAME, WORD_ID, TYPE)                                                        \
    DEFINE_WORD_ID(WORD_ID, TYPE)                                                               \
    static void NAME(const Scanner *s, const TYPE *data, Py_ssize_t n, double *lowest_out,      \
                     Py_ssize_t *words_out)                                                     \
    {                                                                                           \
        double run = 0.0, lowest = 0.0;                                                         \
        Py_ssize_t words = 0;                                                                   \
        uint32_t prev = 0;                                                                      \
        Py_ssize_t start = -1; /* start of the word being read, -1 between words */           \
        uint64_t hash = FNV_OFFSET;                                                             \
        int possible = 0;                                                                       \
        for (Py_ssize_t k = 0; k <= n; k++) {                                                   \
            int cls = SPACE;                                                                    \
            Py_UCS4 c = 0;                                                                      \
            if (k < n)                                                                          \
                c = classify(s, (Py_UCS4)data[k], &cls);                                        \
            if (cls == WORD) {                                                                  \
                if (start < 0) {                                                                \
                    start = k;                                                                  \
                    hash = FNV_OFFSET;                                                          \
                    possible = 1;                                                               \
                }                                                                               \
                if (possible) {                                                                 \
                    if (c < 128 ? !s->ascii_word_char[c] : !s->non_ascii_words)                 \
                        possible = 0;                                                           \
                    else                                                                        \
                        hash = fnv_step(hash, c);                                               \
                }                                                                               \
                continue;                                                                       \
            }                                                                                   \
            /* a word ends here (if one was open), and a mark is a word of its own */           \
            for (int pass = 0; pass < 2; pass++) {                                              \
                uint32_t id;                                                                    \
                if (pass == 0) {                                                                \
                    if (start < 0)                                                              \
                        continue;                                                               \
                    Py_ssize_t length = k - start;                                              \
                    id = possible && length <= s->max_length                                    \
                             ? WORD_ID(s, data, start, length, hash)                            \
                             : 0;                                                               \
                    start = -1;                                                                 \
                }                                                                               \
                else {                                                                          \
                    if (cls != MARK)                                                            \
                        continue;                                                               \
                    id = s->mark_id;                                                            \
                }                                                                               \
                words++;                                                                        \
                if (prev && id) {                                                               \
                    double w = pair_weight(s, prev, id);                                        \
                    run = run < 0.0 ? run + w : w;                                              \
                    if (run < lowest)                                                           \
                        lowest = run;                                                           \
                }                                                                               \
                prev = id;                                                                      \
            }                                                                                   \
        }                                                                                       \
        *lowest_out = lowest;                                                                   \
        *words_out = words;                                                                     \
    }

DEFINE_SCAN(scan_ucs1, word_id_ucs1, Py_UCS1)
DEFINE_SCAN(scan_ucs2, word_id_ucs2, Py_UCS2)
DEFINE_SCAN(scan_ucs4, word_id_ucs4, Py_UCS4)

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
        scan_ucs1(s, (const Py_UCS1 *)data, n, &lowest, &words);
        break;
    case PyUnicode_2BYTE_KIND:
        scan_ucs2(s, (const Py_UCS2 *)data, n, &lowest, &words);
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
    PyMem_Free(s->pairs);
    PyMem_Free(s->values);
    PyMem_Free(s->words);
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
    for (Py_UCS4 c = 0; c < 128; c++)
        s->ascii_to[c] = c;
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(replace, &pos, &key, &value)) {
        long from = one_char(key, "replacements"), to = one_char(value, "replacements");
        if (from < 0 || to < 0)
            return -1;
        if (from < 128)
            s->ascii_to[from] = (Py_UCS4)to;
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
    for (Py_UCS4 c = 0; c < 128; c++)
        s->ascii_class[c] = CLASS_OF(s->ascii_to[c]);
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
    s->words = PyMem_Calloc((size_t)1 << bits, sizeof(WordSlot));
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
        uint64_t hash = FNV_OFFSET;
        for (Py_ssize_t k = 0; k < length; k++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(key, k);
            s->chars[offset + k] = c;
            hash = fnv_step(hash, c);
            if (c < 128)
                s->ascii_word_char[c] = 1;
            else
                s->non_ascii_words = 1;
        }
        if (length == 1 && s->chars[offset] == 0)
            s->mark_id = (uint32_t)id;
        if (length > s->max_length)
            s->max_length = length;
        uint64_t slot = hash & s->word_mask;
        while (s->words[slot].length)
            slot = (slot + 1) & s->word_mask;
        s->words[slot] = (WordSlot){hash, offset, (uint32_t)length, (uint32_t)id, 0};
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
    s->pairs = PyMem_Calloc((size_t)1 << bits, sizeof(PairSlot));
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

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "scrubber.kinds._word_pairs_kernel.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The word-pair model's tables in C, for PairModel._lowest_run.",
    .tp_methods = Scanner_methods,
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
