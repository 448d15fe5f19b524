/* langdetect's n-gram extraction and the arithmetic of its random walk, for scrubber/kinds/langwalk.py.
 *
 * Why: langdetect multiplies its 55 language probabilities by an n-gram's row
 * one Python statement at a time, about 700 times for each text it is asked
 * about (seven trials of up to a thousand draws). A headline and a lede often
 * reach it for the document's language, and there that loop was 80% of the
 * garble family's time.
 *
 * The walk itself stays in Python (langwalk.py): its random draws come from
 * the detector's own seeded random.Random, in langdetect's order, and the sum
 * that normalises the probabilities is Python's builtin sum (whose rounding
 * changed in Python 3.12). Only two loops are here, each the same IEEE
 * double operations in the same order as langdetect's Python:
 *
 *   update(prob, rows, weight):  for each row, prob[i] *= weight + row[i]
 *   normalize(prob, total):      prob[i] = prob[i] / total, returning the
 *                                largest (a running maximum from 0.0, as
 *                                langdetect's _normalize_prob keeps it)
 *
 * `weight + row[i]` is rounded before the product, as in Python: no fused
 * multiply-add can join them (an FMA rounds a*b+c once; here the sum comes
 * first). prob and the rows are buffers of C doubles (array('d')).
 *
 * Before the walk, langdetect cuts the text into the n-grams its profiles
 * know, one Python step per character (NGram.add_char, about 4 us each: a
 * 3,000-character sample of a document in another language cost 4 ms):
 *
 *   ngrams(text, table):  Detector._extract_ngrams over text, which
 *                         langwalk.py has already normalised character by
 *                         character with NGram.normalize itself and led by
 *                         the space NGram starts with
 *
 * NGram keeps the last three characters since the last space (the space
 * kept), and a word of capitals from the second capital on yields nothing;
 * that buffer is always a slice of the text ending at the character read,
 * so each n-gram is a substring, looked up in the profile table.
 *
 * Two word tests of the garble family live here too (below): whether any of a
 * document's letter runs ends with a foreign ending (ends_with_any), and a
 * Bloom filter that spares most lookups of those runs in the 690,000-word
 * foreign table (word_filter, filter_words). (Whether the share of the
 * commonest English words reaches a threshold is mark_scan's common_hits,
 * given the threshold.)
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* A writable (or, with writable == 0, readable) buffer of doubles; returns its length, -1 with an error set. */
static Py_ssize_t
doubles(PyObject *obj, Py_buffer *view, int writable, const char *what)
{
    if (PyObject_GetBuffer(obj, view, (writable ? PyBUF_WRITABLE : 0) | PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (view->itemsize != sizeof(double) || view->format == NULL || strcmp(view->format, "d") != 0) {
        PyBuffer_Release(view);
        PyErr_Format(PyExc_TypeError, "%s must be a buffer of doubles (array('d'))", what);
        return -1;
    }
    return view->len / (Py_ssize_t)sizeof(double);
}

static PyObject *
lang_update(PyObject *self, PyObject *args)
{
    PyObject *prob_obj, *rows;
    double weight;
    if (!PyArg_ParseTuple(args, "OO!d:update", &prob_obj, &PyList_Type, &rows, &weight))
        return NULL;
    Py_buffer pv;
    Py_ssize_t n = doubles(prob_obj, &pv, 1, "prob");
    if (n < 0)
        return NULL;
    double *prob = (double *)pv.buf;
    for (Py_ssize_t r = 0; r < PyList_GET_SIZE(rows); r++) {
        Py_buffer rv;
        Py_ssize_t m = doubles(PyList_GET_ITEM(rows, r), &rv, 0, "a row");
        if (m < 0) {
            PyBuffer_Release(&pv);
            return NULL;
        }
        if (m != n) {
            PyBuffer_Release(&rv);
            PyBuffer_Release(&pv);
            PyErr_SetString(PyExc_ValueError, "a row is not as long as prob");
            return NULL;
        }
        const double *row = (const double *)rv.buf;
        for (Py_ssize_t i = 0; i < n; i++) {
            double shifted = weight + row[i];
            prob[i] = prob[i] * shifted;
        }
        PyBuffer_Release(&rv);
    }
    PyBuffer_Release(&pv);
    Py_RETURN_NONE;
}

static PyObject *
lang_normalize(PyObject *self, PyObject *args)
{
    PyObject *prob_obj;
    double total;
    if (!PyArg_ParseTuple(args, "Od:normalize", &prob_obj, &total))
        return NULL;
    if (total == 0.0) { /* Python's p / total raises here: so does this */
        PyErr_SetString(PyExc_ZeroDivisionError, "float division by zero");
        return NULL;
    }
    Py_buffer pv;
    Py_ssize_t n = doubles(prob_obj, &pv, 1, "prob");
    if (n < 0)
        return NULL;
    double *prob = (double *)pv.buf;
    double maxp = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double p = prob[i] / total;
        if (maxp < p)
            maxp = p;
        prob[i] = p;
    }
    PyBuffer_Release(&pv);
    return PyFloat_FromDouble(maxp);
}

static PyObject *
lang_ngrams(PyObject *self, PyObject *args)
{
    PyObject *text, *table;
    if (!PyArg_ParseTuple(args, "UO!:ngrams", &text, &PyDict_Type, &table))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n == 0 || PyUnicode_READ_CHAR(text, 0) != ' ') {
        PyErr_SetString(PyExc_ValueError, "ngrams() needs the text led by a space");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    Py_ssize_t start = 0; /* NGram.grams is text[start:k+1] once character k is added */
    int capital = 0;      /* NGram.capitalword */
    for (Py_ssize_t k = 1; k < n; k++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, k);
        Py_UCS4 last = PyUnicode_READ(kind, data, k - 1); /* grams[-1] before the add */
        if (last == ' ') {
            start = k - 1; /* grams = ' ' */
            capital = 0;
            if (ch == ' ')
                continue; /* add_char returns; the only n-gram left, ' ', is never taken */
        }
        else if (k - start >= 3) {
            start++; /* grams = grams[1:] */
        }
        if (Py_UNICODE_ISUPPER(ch)) {
            if (Py_UNICODE_ISUPPER(last))
                capital = 1;
        }
        else {
            capital = 0;
        }
        if (capital)
            continue;
        Py_ssize_t length = k + 1 - start;
        for (Py_ssize_t m = 1; m <= 3 && m <= length; m++) {
            if (m == 1 && ch == ' ')
                continue;
            PyObject *gram = PyUnicode_Substring(text, k + 1 - m, k + 1);
            if (!gram)
                goto fail;
            int known = PyDict_Contains(table, gram);
            if (known > 0 && PyList_Append(out, gram) < 0)
                known = -1;
            Py_DECREF(gram);
            if (known < 0)
                goto fail;
        }
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* ends_with_any(words, endings) -> any(w.endswith(endings) for w in words)
 *
 * words: an iterable of str; endings: a tuple of str. The code-mix-latin
 * detector asks it of each document's letter runs (about twenty distinct
 * uncommon words) with a dozen foreign endings: str.endswith with a tuple
 * tries every ending on every word (4 us a document, a third of the
 * detector's time on a document without a foreign word). Here an ending is
 * compared only with a word whose last character is its own (PyUnicode_Tailmatch,
 * str.endswith's own comparison), so most words cost one character test per ending. */
static PyObject *
lang_ends_with_any(PyObject *self, PyObject *args)
{
    PyObject *words, *endings;
    if (!PyArg_ParseTuple(args, "OO!:ends_with_any", &words, &PyTuple_Type, &endings))
        return NULL;
    Py_ssize_t count = PyTuple_GET_SIZE(endings);
    enum { MAX_ENDINGS = 64 };
    if (count > MAX_ENDINGS) {
        PyErr_SetString(PyExc_ValueError, "ends_with_any: at most 64 endings");
        return NULL;
    }
    Py_UCS4 lasts[MAX_ENDINGS];
    Py_ssize_t lengths[MAX_ENDINGS];
    int empty = 0; /* an empty ending: every word ends with it */
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *e = PyTuple_GET_ITEM(endings, k);
        if (!PyUnicode_Check(e)) {
            PyErr_Format(PyExc_TypeError, "ends_with_any: endings must be str, not %.100s", Py_TYPE(e)->tp_name);
            return NULL;
        }
        lengths[k] = PyUnicode_GET_LENGTH(e);
        lasts[k] = lengths[k] ? PyUnicode_READ_CHAR(e, lengths[k] - 1) : 0;
        empty |= lengths[k] == 0;
    }
    PyObject *it = PyObject_GetIter(words);
    if (!it)
        return NULL;
    PyObject *w;
    int found = 0;
    while (!found && (w = PyIter_Next(it)) != NULL) {
        if (!PyUnicode_Check(w)) {
            PyErr_Format(PyExc_TypeError, "ends_with_any: words must be str, not %.100s", Py_TYPE(w)->tp_name);
            Py_DECREF(w);
            Py_DECREF(it);
            return NULL;
        }
        Py_ssize_t n = PyUnicode_GET_LENGTH(w);
        if (empty)
            found = 1;
        else if (n) {
            Py_UCS4 last = PyUnicode_READ_CHAR(w, n - 1);
            for (Py_ssize_t k = 0; k < count && !found; k++) {
                if (lasts[k] != last || lengths[k] > n)
                    continue;
                Py_ssize_t r = PyUnicode_Tailmatch(w, PyTuple_GET_ITEM(endings, k), 0, PY_SSIZE_T_MAX, 1);
                if (r < 0) {
                    Py_DECREF(w);
                    Py_DECREF(it);
                    return NULL;
                }
                found = r == 1;
            }
        }
        Py_DECREF(w);
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return NULL;
    return PyBool_FromLong(found);
}

/* ---- a prefilter for a big table of words (word_filter, filter_words) ------------------------ */

/* A blocked Bloom filter of a set of str: 64-byte blocks (one cache line each), four bits a word in one
 * block, chosen by the word's own hash (str caches it; the filter lives as long as the process, whose hash
 * seed it shares). A word of the set always finds its four bits; another finds them all about once in a
 * hundred (at 12 bits a word).
 *
 * Why: code-mix-latin looks up each document's uncommon letter runs (about nine, 22,000 a pass over
 * perf-news) in the foreign table, a dict of 690,000 words; only 185 are in it. In a pass of all rules
 * each lookup that misses reads the dict's index, its entry and the key str it holds, all cold
 * (0.06 s of a loaded pass against 0.01 s for the same lookups in a loop); a 1 MB filter turns most of them
 * into one cache line. */
enum { FILTER_BLOCK_BITS = 512 };

/* The block and the four bit positions in it of hash h, for a filter of 2**shift blocks */
static inline void
filter_bits(Py_hash_t h, int shift, uint64_t *block, unsigned bit[4])
{
    uint64_t x = (uint64_t)h * 0x9E3779B97F4A7C15u; /* (mixed: a hash of a small int is the int) */
    *block = shift ? x >> (64 - shift) : 0;
    for (int k = 0; k < 4; k++)
        bit[k] = (unsigned)(x >> (9 * k)) & (FILTER_BLOCK_BITS - 1);
}

/* word_filter(words) -> bytes: the filter of the words (an iterable of str), 2**k blocks of 64 bytes,
 * about 12 bits a word. */
static PyObject *
lang_word_filter(PyObject *self, PyObject *words)
{
    PyObject *seq = PySequence_Fast(words, "word_filter: words must be iterable");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    int shift = 0;
    while (shift < 40 && ((Py_ssize_t)FILTER_BLOCK_BITS << shift) < 12 * n)
        shift++;
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(FILTER_BLOCK_BITS / 8) << shift);
    if (out == NULL) {
        Py_DECREF(seq);
        return NULL;
    }
    uint8_t *bits = (uint8_t *)PyBytes_AS_STRING(out);
    memset(bits, 0, (size_t)PyBytes_GET_SIZE(out));
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *w = PySequence_Fast_GET_ITEM(seq, i);
        if (!PyUnicode_Check(w)) {
            PyErr_SetString(PyExc_TypeError, "word_filter: words must be str");
            goto fail;
        }
        Py_hash_t h = PyObject_Hash(w);
        if (h == -1)
            goto fail;
        uint64_t block;
        unsigned bit[4];
        filter_bits(h, shift, &block, bit);
        uint8_t *b = bits + block * (FILTER_BLOCK_BITS / 8);
        for (int k = 0; k < 4; k++)
            b[bit[k] >> 3] |= (uint8_t)(1u << (bit[k] & 7));
    }
    Py_DECREF(seq);
    return out;
fail:
    Py_DECREF(seq);
    Py_DECREF(out);
    return NULL;
}

/* filter_words(filter, words) -> [w for w in words if the filter may hold w]: every word of the set the
 * filter was made of among them, and about one in a hundred others. The words are taken FILTER_BATCH at a
 * time: each one's block is asked for (prefetched) as soon as its hash gives it, and tested once the whole
 * batch has asked, so that the cache misses of a document's nine or so words (the filter is 1 MB, cold in a
 * pass of all rules) overlap instead of each waiting for the one before. */
enum { FILTER_BATCH = 16 };

static PyObject *
lang_filter_words(PyObject *self, PyObject *args)
{
    Py_buffer view;
    PyObject *words;
    if (!PyArg_ParseTuple(args, "y*O:filter_words", &view, &words))
        return NULL;
    Py_ssize_t blocks = view.len / (FILTER_BLOCK_BITS / 8);
    int shift = 0;
    while (((Py_ssize_t)1 << shift) < blocks)
        shift++;
    PyObject *out = NULL, *it = NULL, *w;
    PyObject *batch[FILTER_BATCH];
    const uint8_t *line[FILTER_BATCH];
    unsigned bit[FILTER_BATCH][4];
    int count = 0, i = 0;
    if (blocks < 1 || ((Py_ssize_t)1 << shift) != blocks || view.len != blocks * (FILTER_BLOCK_BITS / 8)) {
        PyErr_SetString(PyExc_ValueError, "filter_words: not a filter made by word_filter");
        goto done;
    }
    if ((out = PyList_New(0)) == NULL || (it = PyObject_GetIter(words)) == NULL)
        goto fail;
    const uint8_t *bits = (const uint8_t *)view.buf;
    for (int more = 1; more;) {
        for (count = 0; count < FILTER_BATCH && (w = PyIter_Next(it)) != NULL; count++) {
            batch[count] = w;
            Py_hash_t h = PyUnicode_Check(w) ? PyObject_Hash(w) : -1;
            if (h == -1) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_TypeError, "filter_words: words must be str");
                count++;
                goto fail;
            }
            uint64_t block;
            filter_bits(h, shift, &block, bit[count]);
            line[count] = bits + block * (FILTER_BLOCK_BITS / 8);
            __builtin_prefetch(line[count]);
        }
        if (count < FILTER_BATCH) {
            if (PyErr_Occurred())
                goto fail;
            more = 0;
        }
        for (i = 0; i < count; i++) {
            int all = 1;
            for (int k = 0; k < 4; k++)
                all &= line[i][bit[i][k] >> 3] >> (bit[i][k] & 7) & 1;
            if (all && PyList_Append(out, batch[i]) < 0)
                goto fail;
            Py_DECREF(batch[i]);
        }
        i = count = 0;
    }
    goto done;
fail:
    for (; i < count; i++) /* the batch's words not yet let go */
        Py_DECREF(batch[i]);
    Py_CLEAR(out);
done:
    Py_XDECREF(it);
    PyBuffer_Release(&view);
    return out;
}

static PyMethodDef methods[] = {
    {"word_filter", lang_word_filter, METH_O, "word_filter(words) -> bytes: a Bloom filter of the words (blocks of 64 bytes, 12 bits a word)"},
    {"filter_words", lang_filter_words, METH_VARARGS,
     "filter_words(filter, words) -> [w for w in words if the filter may hold w]: each word of its set, few others"},
    {"ends_with_any", lang_ends_with_any, METH_VARARGS, "ends_with_any(words, endings) -> any(w.endswith(endings) for w in words)"},
    {"ngrams", lang_ngrams, METH_VARARGS, "ngrams(text, table) -> Detector._extract_ngrams of the normalised text (led by a space)"},
    {"update", lang_update, METH_VARARGS, "update(prob, rows, weight): prob[i] *= weight + row[i] for each row of the list, in order"},
    {"normalize", lang_normalize, METH_VARARGS, "normalize(prob, total) -> max: prob[i] /= total; the largest new value (0.0 at least)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "scrubber.kinds._lang_walk_kernel",
    .m_doc = "langdetect's n-gram extraction and the arithmetic of its random walk (see scrubber/kinds/langwalk.py).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__lang_walk_kernel(void)
{
    return PyModule_Create(&module);
}
