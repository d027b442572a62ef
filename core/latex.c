/* SPDX-License-Identifier: MIT */
/* latex.c - being written; see include/bibconv/. */
