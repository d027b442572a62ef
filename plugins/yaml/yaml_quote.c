/* SPDX-License-Identifier: MIT */
/*
 * yaml_quote.c - which scalars the CSL-YAML writer quotes (yamlfmt.h):
 * a string that a YAML 1.2 reader would type (null, true, 12) or that a
 * YAML 1.1 tool would (yes, 0815, 1.5, 2020-03-15, 1:20), and what
 * libyaml 0.2.5 allows plain or prints as it is. Split from yaml_writer.c,
 * which lays the scalars out.
 *
 * Not for: layout (yaml_writer.c), reading (yaml_reader.c).
 */
#include <pthread.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "yamlfmt.h"

/* Every form a YAML 1.1 or 1.2 reader may resolve to a number or a
 * timestamp (YAML 1.1 int/float/timestamp types, 1.2 core schema). */
static const char numeric_re[] =
    "^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])*"
    "(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|\\.[0-9_]+([eE][-+]?[0-9]+)?|\\.(inf|Inf|INF))$"
    "|^\\.(nan|NaN|NAN)$"
    "|^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?";

/* numeric_re compiled once for the process, not per output: it is a
 * constant, and glibc's regcomp leaks when an allocation fails inside it.
 * A failed compile is tried again by the next writer. regexec may share a
 * pattern between threads. The module stays mapped (-z nodelete, as it
 * links cslitem), so the pattern is never freed. */
static pthread_mutex_t numeric_lock = PTHREAD_MUTEX_INITIALIZER;
static regex_t numeric;
static bool numeric_ok;

bool yamlfmt_numeric_pattern(void)
{
    pthread_mutex_lock(&numeric_lock);
    if (!numeric_ok)
        numeric_ok = regcomp(&numeric, numeric_re, REG_EXTENDED | REG_NOSUB) == 0;
    bool ok = numeric_ok;
    pthread_mutex_unlock(&numeric_lock);
    return ok;
}

static const char *const yaml11_words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N",
                                           "no", "No", "NO", "on", "On", "ON", "off",
                                           "Off", "OFF", "=", "<<", NULL};

/* Cheap pre-test of needs_quotes, which most scalars (titles, names) pass:
 * every special word is at most 5 bytes long and starts with one of
 * "~nNtTfFyYoO=<"; numbers and timestamps start with a digit, a sign or a
 * dot; "" is null. The tests below see `s` as a C string, so this one does
 * too (strnlen, not the value's length). */
static bool maybe_special(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    if (c == '\0' || (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.')
        return true;
    switch (c) { /* strchr over the set cost a call a scalar */
    case '~': case 'n': case 'N': case 't': case 'T': case 'f': case 'F':
    case 'y': case 'Y': case 'o': case 'O': case '=': case '<':
        return strnlen(s, 6) <= 5;
    default:
        return false;
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* What numeric_re says of s where that is plain to see without running it
 * (regexec costs thousands of instructions; pages, DOIs and plain numbers
 * are most of the scalars that reach it): 1 a match, 0 none, -1 ask it.
 * Its third branch (a date prefix) is checked in full; the first two match
 * whole strings of digits, hex letters, '_', 'x', 'o', 'i', 'n', 'I', 'N',
 * ':', '.' and signs, a sign only first or after an exponent's e/E. */
static int numeric_plain(const char *s)
{
    if (is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && s[4] == '-' &&
        is_digit(s[5]) && ((s[6] == '-' && is_digit(s[7])) ||
                           (is_digit(s[6]) && s[7] == '-' && is_digit(s[8]))))
        return 1;
    bool digits = true;
    size_t i = 0;
    for (; s[i]; i++) {
        char c = s[i];
        if (is_digit(c))
            continue;
        digits = false;
        if ((c == '-' || c == '+') && i && s[i - 1] != 'e' && s[i - 1] != 'E')
            return 0;
        if (!((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || strchr("_xoinIN:.+-", c)))
            return 0;
    }
    return digits && i ? 1 : -1; /* [0-9][0-9_]* */
}

bool yamlfmt_needs_quotes(bool have_re, const char *s)
{
    if (!maybe_special(s))
        return false;
    if (!yamlfmt_plain_is_string(s))
        return true;
    if (s[0] && strnlen(s, 4) <= 3) /* the longest of them */
        for (const char *const *p = yaml11_words; *p; p++)
            if (strcmp(s, *p) == 0)
                return true;
    /* every form numeric_re matches starts with a digit, a sign or a dot:
     * the words above ("title", "type") need no regexec */
    if (!have_re || !s[0] || !strchr("0123456789+-.", s[0]))
        return false;
    int plain = numeric_plain(s);
    return plain >= 0 ? plain == 1 : regexec(&numeric, s, 0, NULL, 0) == 0;
}

/* The byte length of the character at s[i] when libyaml prints it as it
 * is and it is neither a break nor a tab; 0 otherwise (the item declines). */
size_t yamlfmt_char_width(const unsigned char *s, size_t i, size_t len)
{
    unsigned char c = s[i];
    if (c < 0x80)
        return c >= 0x20 && c != 0x7F;
    if (c < 0xC2 || c >= 0xF0) /* stray continuation, overlong, past U+FFFF */
        return 0;
    size_t w = c < 0xE0 ? 2 : 3;
    if (i + w > len)
        return 0;
    for (size_t k = 1; k < w; k++)
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
    unsigned char c1 = s[i + 1];
    if (c == 0xC2 && c1 < 0xA0) /* C1 controls, NEL */
        return 0;
    if (c == 0xE0 && c1 < 0xA0) /* overlong */
        return 0;
    if (c == 0xED && c1 >= 0xA0) /* surrogates */
        return 0;
    if (c == 0xE2 && c1 == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) /* LS, PS */
        return 0;
    if (c == 0xEF && ((c1 == 0xBB && s[i + 2] == 0xBF) ||
                      (c1 == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF))))
        return 0; /* BOM, non-characters */
    return w;
}

/* Bytes yamlfmt_plain_ok looks at one by one: ':', '#', and any byte
 * outside printable ASCII (yamlfmt_char_width judges those); the rest it
 * skips (a space matters only next to ':' or '#', which look at it). */
#define PK(c) ((c) == ':' || (c) == '#' || (c) < 0x20 || (c) >= 0x7F)
#define PK4(c) PK(c), PK((c) + 1), PK((c) + 2), PK((c) + 3)
#define PK16(c) PK4(c), PK4((c) + 4), PK4((c) + 8), PK4((c) + 12)
#define PK64(c) PK16(c), PK16((c) + 16), PK16((c) + 32), PK16((c) + 48)
static const bool plain_look[256] = {PK64(0), PK64(64), PK64(128), PK64(192)};
#undef PK64
#undef PK16
#undef PK4
#undef PK

/* The first byte of s[i..len) plain_look names, or len: sixteen bytes a
 * step where SSE2 is there (every value written goes through it). */
static size_t plain_next(const unsigned char *s, size_t i, size_t len)
{
#if defined(__x86_64__) && defined(__SSE2__)
    /* as signed bytes, those below 0x20 are the control bytes and every
     * non-ASCII byte */
    const __m128i lim = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F),
                  colon = _mm_set1_epi8(':'), hash = _mm_set1_epi8('#');
    for (; len - i >= 16; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(x, lim), _mm_cmpeq_epi8(x, del)),
                                    _mm_or_si128(_mm_cmpeq_epi8(x, colon),
                                                 _mm_cmpeq_epi8(x, hash)));
        unsigned m = (unsigned)_mm_movemask_epi8(stop);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i + 4 <= len &&
           !(plain_look[s[i]] | plain_look[s[i + 1]] | plain_look[s[i + 2]] | plain_look[s[i + 3]]))
        i += 4;
    while (i < len && !plain_look[s[i]])
        i++;
    return i;
}

/* A YAML indicator that may not open a plain scalar: "#,[]{}&*!|>'\"%@`"
 * (a switch: strchr over the set was a call for every scalar). */
static bool is_indicator(unsigned char c)
{
    switch (c) {
    case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
    case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
        return true;
    default:
        return false;
    }
}

/* Whether libyaml allows `s` as a block plain scalar: no leading or
 * trailing space, no "---" or "..." start, no indicator where YAML would
 * read one. -1 when the scalar holds a character the direct writer leaves
 * to libyaml. *cols gets its width in characters. */
int yamlfmt_plain_ok(const char *str, size_t len, size_t *cols)
{
    const unsigned char *s = (const unsigned char *)str;
    *cols = len;
    if (len == 0)
        return 1;
    bool ok = s[0] != ' ' && s[len - 1] != ' ';
    if (len >= 3 && ((s[0] == '-' && s[1] == '-' && s[2] == '-') ||
                     (s[0] == '.' && s[1] == '.' && s[2] == '.')))
        ok = false;
    size_t i = 0;
    if (s[0] >= 0x20 && s[0] < 0x7F) {
        unsigned char c = s[0];
        bool next_blank = len == 1 || s[1] == ' ';
        if (is_indicator(c) ||
            ((c == '?' || c == ':' || c == '-') && next_blank))
            ok = false;
        i = 1;
    }
    while (i < len) {
        i = plain_next(s, i, len);
        if (i == len)
            break;
        unsigned char c = s[i];
        if (c == ':') {
            if (i + 1 >= len || s[i + 1] == ' ')
                ok = false;
        } else if (c == '#') {
            if (s[i - 1] == ' ') /* i > 0: a first '#' was judged above */
                ok = false;
        } else {
            size_t w = yamlfmt_char_width(s, i, len);
            if (!w)
                return -1;
            *cols -= w - 1; /* continuation bytes take no column */
            i += w;
            continue;
        }
        i++;
    }
    return ok;
}

_Static_assert(YAMLFMT_KEY_SLOTS == 256, "a slot is a hash's top 8 bits");

yamlfmt_key_slot *yamlfmt_key_slot_of(yamlfmt_key_slot *tab, const char *key, size_t len)
{
    const unsigned char *u = (const unsigned char *)key;
    uint64_t h = len | (uint64_t)u[0] << 8 | (uint64_t)u[len - 1] << 16 |
                 (uint64_t)u[len / 2] << 24 | (uint64_t)u[len / 3] << 32 |
                 (uint64_t)u[2 * len / 3] << 40;
    return &tab[(h * 0x9E3779B97F4A7C15u) >> 56];
}

void yamlfmt_key_keep(yamlfmt_key_slot *sl, const char *key, size_t len)
{
    size_t width;
    if (yamlfmt_plain_ok(key, len, &width) != 1)
        return;
    sl->len = (unsigned char)len;
    memcpy(sl->text, key, len);
    sl->text[len] = ':';
    sl->width = (int)width;
}

uint64_t yamlfmt_key_prefix(const char *s)
{
    uint64_t p = 0;
    for (int i = 0; i < 8 && s[i]; i++)
        p |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
    return p;
}
