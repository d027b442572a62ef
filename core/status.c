/* SPDX-License-Identifier: MIT */
/* status.c - being written; see include/bibconv/. */
