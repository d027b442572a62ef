/* SPDX-License-Identifier: MIT */
/* diag.c - being written; see include/bibconv/. */
