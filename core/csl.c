/* SPDX-License-Identifier: MIT */
/* csl.c - being written; see include/bibconv/. */
