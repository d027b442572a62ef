/* SPDX-License-Identifier: MIT */
/* version.c - the version of the library actually loaded. */
#include "bibconv/version.h"

const char *bib_version_string(void)
{
    return BIB_VERSION_STRING;
}
