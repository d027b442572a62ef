/* SPDX-License-Identifier: MIT */
/* convert.c - being written; see include/bibconv/. */
