/* SPDX-License-Identifier: MIT */
/*
 * text.h - umbrella for the shared text services that every plugin uses:
 * UTF-8 and normalisation (utf8.h), LaTeX <-> Unicode and rich text
 * (latex.h), name parsing and formatting (names.h), date parsing and
 * formatting (dates.h), page ranges and citation keys (misc in names.h /
 * dates.h as documented there). Written once in core.

 */
#ifndef BIBCONV_TEXT_H
#define BIBCONV_TEXT_H

#include "utf8.h"
#include "latex.h"
#include "names.h"
#include "dates.h"
#include "keys.h"

#endif /* BIBCONV_TEXT_H */
