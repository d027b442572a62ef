/* SPDX-License-Identifier: MIT */
/* io.c - being written; see include/bibconv/. */
