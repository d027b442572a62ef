/* SPDX-License-Identifier: MIT */
/* buf.c - being written; see include/bibconv/. */
