/* SPDX-License-Identifier: MIT */
/* record.c - being written; see include/bibconv/. */
