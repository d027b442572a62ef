/* SPDX-License-Identifier: MIT */
/*
 * common.h - what every other bibconv header needs: the export macro, the
 * status codes and forward declarations of the opaque types.
 *
 * Not for: anything with behaviour. This header only names things.
 */
#ifndef BIBCONV_COMMON_H
#define BIBCONV_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define BIB_BEGIN_DECLS extern "C" {
#define BIB_END_DECLS }
#else
#define BIB_BEGIN_DECLS
#define BIB_END_DECLS
#endif

/* Public functions of libbibconv are the only visible symbols of the library
 * (it is built with hidden default visibility). */
#if defined(__GNUC__) || defined(__clang__)
#define BIB_API __attribute__((visibility("default")))
#define BIB_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define BIB_API
#define BIB_PRINTF(fmt, args)
#endif

BIB_BEGIN_DECLS

/*
 * Status codes. Every function that can fail returns int: 0 on success, one
 * of these negative values on failure. Positive values are data (a count, a
 * "record produced" flag), never errors.
 */
typedef enum bib_status {
    BIB_OK = 0,
    BIB_ERROR = -1,      /* generic failure; a diagnostic says more */
    BIB_ENOMEM = -2,     /* out of memory */
    BIB_EIO = -3,        /* read/write/open failed (system error) */
    BIB_EINVAL = -4,     /* the caller passed something invalid */
    BIB_EPARSE = -5,     /* bad input; a diagnostic has been emitted */
    BIB_ENOTFOUND = -6,  /* no such format/field/file */
    BIB_EAMBIGUOUS = -7, /* detection could not decide */
    BIB_EPLUGIN = -8,    /* a plugin misbehaved or was refused */
    BIB_ESTOP = -9       /* --strict: the run was stopped on purpose */
} bib_status;

/* Opaque types. Their layout is private to libbibconv. */
typedef struct bib_record bib_record;
typedef struct bib_field bib_field;
typedef struct bib_input bib_input;
typedef struct bib_output bib_output;
typedef struct bib_diag bib_diag;
typedef struct bib_options bib_options;
typedef struct bib_registry bib_registry;
typedef struct bib_reader bib_reader;
typedef struct bib_writer bib_writer;

/* Returns a static, human-readable text for a bib_status value. */
BIB_API const char *bib_status_text(int status);

BIB_END_DECLS

#endif /* BIBCONV_COMMON_H */
