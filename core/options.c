/* SPDX-License-Identifier: MIT */
/* options.c - being written; see include/bibconv/. */
