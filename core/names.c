/* SPDX-License-Identifier: MIT */
/* names.c - being written; see include/bibconv/. */
