/* SPDX-License-Identifier: MIT */
/*
 * bibconv.h - the umbrella header: the only include an application needs.
 */
#ifndef BIBCONV_H
#define BIBCONV_H

#include "bibconv/common.h"
#include "bibconv/version.h"
#include "bibconv/csl.h"
#include "bibconv/record.h"
#include "bibconv/buf.h"
#include "bibconv/diag.h"
#include "bibconv/io.h"
#include "bibconv/options.h"
#include "bibconv/plugin.h"
#include "bibconv/registry.h"
#include "bibconv/convert.h"
#include "bibconv/text.h"
#include "bibconv/merge.h"
#include "bibconv/check.h"

#endif /* BIBCONV_H */
