/* SPDX-License-Identifier: MIT */
/* keys.c - being written; see include/bibconv/. */
