/* SPDX-License-Identifier: MIT */
/* dates.c - being written; see include/bibconv/. */
