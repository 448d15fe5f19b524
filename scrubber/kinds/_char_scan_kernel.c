/* Candidate positions of the unicode family's character scans, in one pass over a text each, and
 * the keywords of the residue line rules a line holds (KeywordSet, at the end).
 *
 * Why: unicode.mojibake (the SIGNATURE scan), unicode.legacy-8bit (TRIGGER)
 * and the chars rules (one character class) each read every document with a
 * stdlib re scan, 0.013-0.019 s apiece on perf-news, though most documents
 * hold no match: a scan for a large character class checks each character
 * against the class's ranges. Here a table gives each character of the Basic
 * Multilingual Plane its classes as bits, and one pass reads each character
 * once.
 *
 * It decides nothing: a Scanner is built from rules, each "a character of
 * class AT, optionally after a character of class BEFORE and before one of
 * class AFTER" (a look-behind or look-ahead of one character), and scan()
 * returns, per output, the positions where one of its rules holds. The
 * Python side (scrubber/kinds/char_scan.py) runs the exact pattern at each
 * position, so findings are the pattern's as long as the positions are a
 * superset of where it matches. Where the table cannot tell (a character
 * above U+FFFF), every class is taken to hold it: more positions, never
 * fewer. No character class is written here: the patterns' modules pass
 * their own when they build a Scanner.
 *
 * News is mostly ASCII: in 1- and 2-byte strings the scan passes over each
 * 8-byte word that cannot hold a candidate (no character from U+0080 on and
 * none of the ASCII characters the rules name, see may_hit), and reads the
 * others character by character, so the positions are the same.
 *
 * The scan holds the GIL and owns no Python reference but the lists it
 * returns.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

#define MAX_CLASSES 16
#define MAX_OUTPUTS 4
#define MAX_RULES 8
#define TABLE_SIZE 0x10000
#define ALL_CLASSES 0xFFFFu /* what a character beyond the table belongs to */

typedef struct {
    uint16_t before, at, after; /* one class bit each; 0 = no condition (before, after) */
} Rule;

#define MAX_SKIP_VALUES 4

/* Which ASCII characters may be a candidate (some rule's AT holds them), as a word-at-a-time test
 * can ask it: every character below ``below`` and the ``n_values`` characters of ``values`` (a
 * superset: a word holding one is read character by character). ``ok`` is 0 where that takes more
 * than MAX_SKIP_VALUES values: then every character is read. */
typedef struct {
    int ok;
    uint64_t below;
    int n_values;
    uint64_t values[MAX_SKIP_VALUES];
} AsciiSkip;

typedef struct {
    PyObject_HEAD
    uint16_t *table; /* TABLE_SIZE entries: the classes of each character */
    uint16_t any_at; /* the classes some rule's AT names */
    AsciiSkip skip;
    int n_outputs;
    int n_rules[MAX_OUTPUTS];
    Rule rules[MAX_OUTPUTS][MAX_RULES];
} Scanner;

/* the skip test of ``self``'s table: which ASCII characters may be candidates */
static void
build_skip(Scanner *self)
{
    AsciiSkip *skip = &self->skip;
    memset(skip, 0, sizeof *skip);
    skip->ok = 1;
    for (int c = 0; c < 0x80; c++) {
        if (!(self->table[c] & self->any_at))
            continue;
        if (c < 0x20) {
            skip->below = 0x20; /* any control character: all of them are read one by one */
        }
        else if (skip->n_values < MAX_SKIP_VALUES) {
            skip->values[skip->n_values++] = (uint64_t)c;
        }
        else {
            skip->ok = 0;
            return;
        }
    }
}

/* Whether the word ``w`` (8 bytes: 8 UCS1 or 4 UCS2 characters, lanes of ``ones`` each) may hold a
 * candidate: a character outside ASCII (``nonascii``: the bits of a lane at 0x80 and above), or an
 * ASCII one the skip test names. With every lane below 0x80, ``(x - ones * n) & ~x & high`` is
 * nonzero exactly when some lane of x is below n (a lane's borrow can only spread above a lane
 * that is), and ``x = w ^ ones * v`` has a zero lane exactly where w has v. */
static inline int
may_hit(uint64_t w, uint64_t ones, uint64_t nonascii, uint64_t high, const AsciiSkip *skip)
{
    if (w & nonascii)
        return 1;
    if (skip->below && ((w - ones * skip->below) & ~w & high))
        return 1;
    for (int k = 0; k < skip->n_values; k++) {
        uint64_t x = w ^ (ones * skip->values[k]);
        if ((x - ones) & ~x & high)
            return 1;
    }
    return 0;
}

/* the class bit of ``text`` among ``classes`` (a list of the distinct class strings so far), adding it */
static int
class_bit(Scanner *self, PyObject *classes, PyObject *text, uint16_t *bit)
{
    if (text == Py_None) {
        *bit = 0;
        return 0;
    }
    if (!PyUnicode_Check(text) || PyUnicode_GET_LENGTH(text) == 0) {
        PyErr_SetString(PyExc_TypeError, "a class must be a non-empty str or None");
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(classes);
    for (Py_ssize_t k = 0; k < n; k++) {
        int eq = PyUnicode_Compare(PyList_GET_ITEM(classes, k), text);
        if (eq == -1 && PyErr_Occurred())
            return -1;
        if (eq == 0) {
            *bit = (uint16_t)(1u << k);
            return 0;
        }
    }
    if (n >= MAX_CLASSES) {
        PyErr_Format(PyExc_ValueError, "at most %d distinct classes", MAX_CLASSES);
        return -1;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= TABLE_SIZE) {
            PyErr_SetString(PyExc_ValueError, "a class may only hold characters up to U+FFFF");
            return -1;
        }
        self->table[c] |= (uint16_t)(1u << n);
    }
    if (PyList_Append(classes, text) < 0)
        return -1;
    *bit = (uint16_t)(1u << n);
    return 0;
}

static int
Scanner_init(Scanner *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"outputs", NULL};
    PyObject *outputs;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:Scanner", kwlist, &outputs))
        return -1;
    PyObject *seq = PySequence_Fast(outputs, "outputs must be a sequence of rule lists");
    if (seq == NULL)
        return -1;
    PyObject *classes = PyList_New(0);
    if (classes == NULL) {
        Py_DECREF(seq);
        return -1;
    }
    PyMem_Free(self->table);
    self->table = PyMem_Calloc(TABLE_SIZE, sizeof(uint16_t));
    self->n_outputs = 0;
    self->any_at = 0;
    int ok = 0;
    Py_ssize_t n_outputs = PySequence_Fast_GET_SIZE(seq);
    if (self->table == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (n_outputs < 1 || n_outputs > MAX_OUTPUTS) {
        PyErr_Format(PyExc_ValueError, "1 to %d outputs", MAX_OUTPUTS);
        goto done;
    }
    for (Py_ssize_t o = 0; o < n_outputs; o++) {
        PyObject *rules = PySequence_Fast(PySequence_Fast_GET_ITEM(seq, o), "an output must be a sequence of rules");
        if (rules == NULL)
            goto done;
        Py_ssize_t n_rules = PySequence_Fast_GET_SIZE(rules);
        if (n_rules < 1 || n_rules > MAX_RULES) {
            PyErr_Format(PyExc_ValueError, "1 to %d rules an output", MAX_RULES);
            Py_DECREF(rules);
            goto done;
        }
        for (Py_ssize_t r = 0; r < n_rules; r++) {
            PyObject *rule = PySequence_Fast_GET_ITEM(rules, r);
            if (!PyTuple_Check(rule) || PyTuple_GET_SIZE(rule) != 3) {
                PyErr_SetString(PyExc_TypeError, "a rule is a (before, at, after) tuple");
                Py_DECREF(rules);
                goto done;
            }
            Rule *out = &self->rules[o][r];
            if (class_bit(self, classes, PyTuple_GET_ITEM(rule, 0), &out->before) < 0
                || class_bit(self, classes, PyTuple_GET_ITEM(rule, 1), &out->at) < 0
                || class_bit(self, classes, PyTuple_GET_ITEM(rule, 2), &out->after) < 0) {
                Py_DECREF(rules);
                goto done;
            }
            if (out->at == 0) {
                PyErr_SetString(PyExc_ValueError, "a rule needs a class AT");
                Py_DECREF(rules);
                goto done;
            }
            self->any_at |= out->at;
        }
        self->n_rules[o] = (int)n_rules;
        Py_DECREF(rules);
    }
    self->n_outputs = (int)n_outputs;
    build_skip(self);
    ok = 1;
done:
    Py_DECREF(classes);
    Py_DECREF(seq);
    if (!ok)
        self->n_outputs = 0;
    return ok ? 0 : -1;
}

static void
Scanner_dealloc(Scanner *self)
{
    PyMem_Free(self->table);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* the classes of the character at i, for any storage kind */
#define FLAGS(T, i) (((T)[i] < TABLE_SIZE) ? table[(T)[i]] : ALL_CLASSES)

/* the candidates among the characters i of [i, stop) */
#define SCAN_RANGE(T, stop)                                                                   \
    for (; i < (stop); i++) {                                                                 \
        uint16_t f = FLAGS(s, i);                                                             \
        if (!(f & any_at))                                                                    \
            continue;                                                                         \
        uint16_t prev = i > 0 ? FLAGS(s, i - 1) : 0;                                          \
        uint16_t next = i + 1 < n ? FLAGS(s, i + 1) : 0;                                      \
        for (int o = 0; o < n_outputs; o++) {                                                 \
            for (int r = 0; r < self->n_rules[o]; r++) {                                      \
                const Rule *rule = &self->rules[o][r];                                        \
                if ((f & rule->at) && (!rule->before || (prev & rule->before))                \
                    && (!rule->after || (next & rule->after))) {                              \
                    if (append(lists[o], i) < 0)                                              \
                        goto fail;                                                            \
                    break;                                                                    \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
    }

/* Every character, or (``ones``: a word's lanes; 0 for none) 8 bytes at a time where the skip test
 * allows: a word without a possible candidate is passed over whole (news is mostly ASCII). */
#define SCAN_LOOP(T, ones, nonascii, high)                                                    \
    do {                                                                                      \
        const T *s = (const T *)data;                                                         \
        Py_ssize_t i = 0;                                                                     \
        if ((ones) && self->skip.ok) {                                                        \
            const Py_ssize_t lanes = (Py_ssize_t)(sizeof(uint64_t) / sizeof(T));              \
            while (i + lanes <= n) {                                                          \
                uint64_t w;                                                                   \
                memcpy(&w, s + i, sizeof w);                                                  \
                if (!may_hit(w, (ones), (nonascii), (high), &self->skip)) {                   \
                    i += lanes;                                                               \
                    continue;                                                                 \
                }                                                                             \
                Py_ssize_t stop = i + lanes;                                                  \
                SCAN_RANGE(T, stop)                                                           \
            }                                                                                 \
        }                                                                                     \
        SCAN_RANGE(T, n)                                                                      \
    } while (0)

static int
append(PyObject *list, Py_ssize_t i)
{
    PyObject *value = PyLong_FromSsize_t(i);
    if (value == NULL)
        return -1;
    int rc = PyList_Append(list, value);
    Py_DECREF(value);
    return rc;
}

static PyObject *
Scanner_scan(Scanner *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "scan() takes a str");
        return NULL;
    }
    if (self->n_outputs == 0 || self->table == NULL) {
        PyErr_SetString(PyExc_ValueError, "the Scanner was not built");
        return NULL;
    }
    int n_outputs = self->n_outputs;
    PyObject *lists[MAX_OUTPUTS] = {NULL};
    for (int o = 0; o < n_outputs; o++) {
        lists[o] = PyList_New(0);
        if (lists[o] == NULL)
            goto fail;
    }
    const uint16_t *table = self->table;
    uint16_t any_at = self->any_at;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        SCAN_LOOP(Py_UCS1, 0x0101010101010101ull, 0x8080808080808080ull, 0x8080808080808080ull);
        break;
    case PyUnicode_2BYTE_KIND:
        SCAN_LOOP(Py_UCS2, 0x0001000100010001ull, 0xFF80FF80FF80FF80ull, 0x8000800080008000ull);
        break;
    default:
        SCAN_LOOP(Py_UCS4, 0ull, 0ull, 0ull);
        break;
    }
    PyObject *result = PyTuple_New(n_outputs);
    if (result == NULL)
        goto fail;
    for (int o = 0; o < n_outputs; o++)
        PyTuple_SET_ITEM(result, o, lists[o]); /* steals the reference */
    return result;
fail:
    for (int o = 0; o < n_outputs; o++)
        Py_XDECREF(lists[o]);
    return NULL;
}

static PyMethodDef Scanner_methods[] = {
    {"scan", (PyCFunction)Scanner_scan, METH_O,
     "scan(text) -> a tuple of lists: per output, the ascending positions where one of its rules holds"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "scrubber.kinds._char_scan_kernel.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Scanner(outputs): outputs is a list of rule lists, a rule a (before, at, after) tuple of classes (str or None)",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scanner_init,
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_methods = Scanner_methods,
};

/* ---- KeywordSet: which rules' keywords a (case-folded) line holds ---------------------------- */
/* owners_plain(line) gives what owners(line.casefold()) gives on a line of ASCII characters and
 * of the few ``plain`` ones named at construction (characters outside ASCII that case folding leaves
 * as they are: typographic quotes and dashes), folding ASCII capitals as it reads, or -1 where the
 * line holds another character. Most lines of news are so: the case-folded copy of each line (and,
 * where it holds a curly quote, a search for a character beyond them) cost more than the scan. */

#define MAX_KEYWORD 64
#define MAX_PLAIN 16
/* at most so many keywords (``order`` and the pair ranges hold their indices as uint16_t) */
#define MAX_KEYWORDS 0xFFFF

typedef struct {
    Py_UCS4 *chars;   /* the keyword's characters */
    Py_ssize_t length;
    uint64_t owners;  /* bit p: rule p requires this keyword (or another it holds) */
} Keyword;

/* The keywords of two or more characters whose first character is below 256, in ``order`` by their
 * first character and the low byte of their second: at a position, the range of its two characters
 * is all the scan compares (most positions have none). A keyword of one character below 256 only
 * adds its owners to ``single``. */
typedef struct {
    PyObject_HEAD
    Keyword *keywords;
    Py_ssize_t n;
    uint16_t *order;        /* keyword indices: the ranges' (narrow first character), then the wide ones */
    uint64_t single[256];   /* the owners of the keyword that is this character alone (0: none) */
    uint8_t slot[256];      /* 1 + the row of ``ranges`` of a first character (0: no longer keyword starts so) */
    uint16_t (*ranges)[256][2]; /* row, low byte of the second character -> [start, end) of ``order`` */
    Py_ssize_t wide_start;  /* keywords whose first character is 256 or above: order[wide_start:n] */
    Py_UCS4 plain[MAX_PLAIN]; /* the characters beyond ASCII owners_plain reads as they are */
    int n_plain;
} KeywordSet;

static void
KeywordSet_clear(KeywordSet *self)
{
    if (self->keywords != NULL) {
        for (Py_ssize_t k = 0; k < self->n; k++)
            PyMem_Free(self->keywords[k].chars);
    }
    PyMem_Free(self->keywords);
    PyMem_Free(self->order);
    PyMem_Free(self->ranges);
    self->keywords = NULL;
    self->order = NULL;
    self->ranges = NULL;
    self->n = 0;
    self->wide_start = 0;
}

/* Sort the keywords into ``order`` and fill the tables (see KeywordSet). */
static int
KeywordSet_index(KeywordSet *self)
{
    Py_ssize_t n = self->n, at = 0;
    int rows = 0;
    memset(self->single, 0, sizeof(self->single));
    memset(self->slot, 0, sizeof(self->slot));
    for (Py_ssize_t k = 0; k < n; k++) {
        const Keyword *kw = &self->keywords[k];
        if (kw->chars[0] < 256 && kw->length == 1)
            self->single[kw->chars[0]] |= kw->owners;
        else if (kw->chars[0] < 256 && !self->slot[kw->chars[0]])
            self->slot[kw->chars[0]] = (uint8_t)++rows;
    }
    self->ranges = PyMem_Calloc(rows > 0 ? rows : 1, sizeof(*self->ranges));
    if (self->ranges == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (int c = 0; c < 256; c++) {
        if (!self->slot[c])
            continue;
        uint16_t (*row)[2] = self->ranges[self->slot[c] - 1];
        for (int c1 = 0; c1 < 256; c1++) {
            row[c1][0] = (uint16_t)at;
            for (Py_ssize_t k = 0; k < n; k++) {
                const Keyword *kw = &self->keywords[k];
                if (kw->chars[0] == (Py_UCS4)c && kw->length > 1 && (kw->chars[1] & 0xFF) == (Py_UCS4)c1)
                    self->order[at++] = (uint16_t)k;
            }
            row[c1][1] = (uint16_t)at;
        }
    }
    self->wide_start = at;
    for (Py_ssize_t k = 0; k < n; k++)
        if (self->keywords[k].chars[0] >= 256)
            self->order[at++] = (uint16_t)k;
    return 0;
}

static int
KeywordSet_init(KeywordSet *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"keywords", "plain", NULL};
    PyObject *arg;
    PyObject *plain = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|U:KeywordSet", kwlist, &arg, &plain))
        return -1;
    self->n_plain = 0;
    if (plain != NULL) {
        Py_ssize_t n_plain = PyUnicode_GET_LENGTH(plain);
        if (n_plain > MAX_PLAIN) {
            PyErr_Format(PyExc_ValueError, "at most %d plain characters", MAX_PLAIN);
            return -1;
        }
        for (Py_ssize_t k = 0; k < n_plain; k++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(plain, k);
            if (c < 0x80) {
                PyErr_SetString(PyExc_ValueError, "a plain character is beyond ASCII");
                return -1;
            }
            self->plain[k] = c;
        }
        self->n_plain = (int)n_plain;
    }
    PyObject *seq = PySequence_Fast(arg, "keywords must be a sequence of (str, int) pairs");
    if (seq == NULL)
        return -1;
    KeywordSet_clear(self);
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > MAX_KEYWORDS) {
        PyErr_Format(PyExc_ValueError, "at most %d keywords", MAX_KEYWORDS);
        goto fail;
    }
    self->keywords = PyMem_Calloc(n > 0 ? n : 1, sizeof(Keyword));
    self->order = PyMem_Calloc(n > 0 ? n : 1, sizeof(uint16_t));
    if (self->keywords == NULL || self->order == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, k);
        PyObject *word;
        unsigned long long owners;
        if (!PyTuple_Check(item) || !PyArg_ParseTuple(item, "UK:keyword", &word, &owners))
            goto fail;
        Py_ssize_t length = PyUnicode_GET_LENGTH(word);
        if (length < 1 || length > MAX_KEYWORD) {
            PyErr_Format(PyExc_ValueError, "a keyword has 1 to %d characters", MAX_KEYWORD);
            goto fail;
        }
        Keyword *kw = &self->keywords[k];
        kw->chars = PyUnicode_AsUCS4Copy(word);
        if (kw->chars == NULL)
            goto fail;
        kw->length = length;
        kw->owners = (uint64_t)owners;
        self->n = k + 1;
    }
    if (KeywordSet_index(self) < 0)
        goto fail;
    Py_DECREF(seq);
    return 0;
fail:
    KeywordSet_clear(self);
    Py_DECREF(seq);
    return -1;
}

static void
KeywordSet_dealloc(KeywordSet *self)
{
    KeywordSet_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* ``c`` as owners_plain reads it (``fold``: ASCII capitals as small letters), else as it is */
#define READ(c, fold) ((fold) && (c) >= 'A' && (c) <= 'Z' ? (Py_UCS4)(c) + 32 : (Py_UCS4)(c))

/* Whether ``kw`` occurs in ``chars`` (``n`` of them) at ``i``, its first ``from`` characters known equal. */
#define KEYWORD_AT(kw, chars, i, n, from, result, fold)                                                \
    do {                                                                                            \
        result = 0;                                                                                 \
        if ((i) + (kw)->length <= (n)) {                                                            \
            Py_ssize_t j_ = (from);                                                                 \
            while (j_ < (kw)->length && READ((chars)[(i) + j_], fold) == (kw)->chars[j_])           \
                j_++;                                                                               \
            result = j_ == (kw)->length;                                                            \
        }                                                                                           \
    } while (0)

/* whether owners_plain reads ``c`` (a character beyond ASCII) as it is */
static inline int
is_plain(const KeywordSet *self, Py_UCS4 c)
{
    for (int k = 0; k < self->n_plain; k++)
        if (self->plain[k] == c)
            return 1;
    return 0;
}

/* The owners of the keywords in ``data`` (``n`` characters of type TYPE) into ``found``. At a
 * character below 256 the keyword of that character alone is a table look-up, and the longer ones
 * compared are only those whose second character has the low byte of the next one (the range of the
 * pair: empty at most positions); a wider character is compared with the few keywords that start so.
 * Which keywords are compared changes nothing but the time: one found is one that is there. */
#define KEYWORD_SCAN(TYPE, fold)                                                                    \
    do {                                                                                            \
        const TYPE *chars = (const TYPE *)data;                                                     \
        for (Py_ssize_t i = 0; i < n; i++) {                                                        \
            Py_UCS4 c = READ(chars[i], fold);                                                       \
            if ((fold) && c >= 0x80 && !is_plain(self, c)) {                                        \
                declined = 1;                                                                       \
                break;                                                                              \
            }                                                                                       \
            if (c < 256) {                                                                          \
                found |= self->single[c];                                                           \
                if (!self->slot[c] || i + 1 >= n)                                                   \
                    continue;                                                                       \
                const uint16_t *range = self->ranges[self->slot[c] - 1][READ(chars[i + 1], fold) & 0xFF]; \
                for (uint16_t b = range[0]; b < range[1]; b++) {                                    \
                    const Keyword *kw = &self->keywords[self->order[b]];                            \
                    int hit;                                                                        \
                    if ((found | kw->owners) == found)                                              \
                        continue;                                                                   \
                    KEYWORD_AT(kw, chars, i, n, 1, hit, fold);                                      \
                    if (hit)                                                                        \
                        found |= kw->owners;                                                        \
                }                                                                                   \
            }                                                                                       \
            else {                                                                                  \
                for (Py_ssize_t b = self->wide_start; b < self->n; b++) {                           \
                    const Keyword *kw = &self->keywords[self->order[b]];                            \
                    int hit;                                                                        \
                    if (kw->chars[0] != c || (found | kw->owners) == found)                         \
                        continue;                                                                   \
                    KEYWORD_AT(kw, chars, i, n, 1, hit, fold);                                      \
                    if (hit)                                                                        \
                        found |= kw->owners;                                                        \
                }                                                                                   \
            }                                                                                       \
        }                                                                                           \
    } while (0)

/* owners() and (``fold``) owners_plain(): the owners of the keywords in ``text``; -1 where owners_plain declines */
static PyObject *
keyword_owners(KeywordSet *self, PyObject *text, const int fold)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "owners() takes a str");
        return NULL;
    }
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    uint64_t found = 0;
    int declined = 0;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        if (fold)
            KEYWORD_SCAN(Py_UCS1, 1);
        else
            KEYWORD_SCAN(Py_UCS1, 0);
        break;
    case PyUnicode_2BYTE_KIND:
        if (fold)
            KEYWORD_SCAN(Py_UCS2, 1);
        else
            KEYWORD_SCAN(Py_UCS2, 0);
        break;
    default:
        if (fold)
            KEYWORD_SCAN(Py_UCS4, 1);
        else
            KEYWORD_SCAN(Py_UCS4, 0);
    }
    if (declined)
        return PyLong_FromLong(-1);
    return PyLong_FromUnsignedLongLong((unsigned long long)found);
}

static PyObject *
KeywordSet_owners(KeywordSet *self, PyObject *text)
{
    return keyword_owners(self, text, 0);
}

static PyObject *
KeywordSet_owners_plain(KeywordSet *self, PyObject *text)
{
    return keyword_owners(self, text, 1);
}

static PyMethodDef KeywordSet_methods[] = {
    {"owners", (PyCFunction)KeywordSet_owners, METH_O,
     "owners(text) -> the OR of the owner masks of the keywords text holds (as substrings)"},
    {"owners_plain", (PyCFunction)KeywordSet_owners_plain, METH_O,
     "owners_plain(line) -> owners(line.casefold()) where every character of line is ASCII or plain, else -1"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject KeywordSetType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "scrubber.kinds._char_scan_kernel.KeywordSet",
    .tp_basicsize = sizeof(KeywordSet),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "KeywordSet(keywords, plain=''): keywords is a sequence of (str, owners) pairs, owners a 64-bit mask; "
              "plain: characters beyond ASCII that case folding keeps (see owners_plain)",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)KeywordSet_init,
    .tp_dealloc = (destructor)KeywordSet_dealloc,
    .tp_methods = KeywordSet_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "scrubber.kinds._char_scan_kernel",
    .m_doc = "Candidate positions of the unicode family's character scans (see scrubber/kinds/char_scan.py).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__char_scan_kernel(void)
{
    /* PyModule_AddType (Python 3.9+) readies each type and adds it under the last part of its tp_name */
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    if (PyModule_AddType(m, &ScannerType) < 0 ||
        PyModule_AddType(m, &KeywordSetType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
