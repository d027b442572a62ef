/* SPDX-License-Identifier: MIT */
/* status.c - texts of the bib_status codes. */
#include "bibconv/common.h"

const char *bib_status_text(int status)
{
    switch (status) {
    case BIB_OK: return "success";
    case BIB_ERROR: return "error";
    case BIB_ENOMEM: return "out of memory";
    case BIB_EIO: return "input/output error";
    case BIB_EINVAL: return "invalid argument";
    case BIB_EPARSE: return "bad input";
    case BIB_ENOTFOUND: return "not found";
    case BIB_EAMBIGUOUS: return "ambiguous";
    case BIB_EPLUGIN: return "plugin error";
    case BIB_ESTOP: return "stopped (strict mode)";
    default: return status > 0 ? "success" : "unknown error";
    }
}
