/* SPDX-License-Identifier: MIT */
/* utf8.c - being written; see include/bibconv/. */
