/* SPDX-License-Identifier: MIT */
/*
 * text.h - umbrella for the shared text services that every plugin uses:
 * UTF-8 and normalisation (utf8.h), LaTeX <-> Unicode and rich text
 * (latex.h), name parsing and formatting (names.h), date parsing and
 * formatting (dates.h), page ranges and citation keys (misc in names.h /
 * dates.h as documented there). Written once in core.
 *
 * Status: core implements dates.h, keys.h, latex.h, the display-name and
 * page-range half of names.h, and utf8.h except NFC; the BibTeX name
 * algorithm and NFC are still to come, and until a header is complete it
 * is neither installed nor part of bibconv.h.
 */
#ifndef BIBCONV_TEXT_H
#define BIBCONV_TEXT_H

#include "utf8.h"
#include "latex.h"
#include "names.h"
#include "dates.h"
#include "keys.h"

#endif /* BIBCONV_TEXT_H */
