/* SPDX-License-Identifier: MIT */
/* version.c - being written; see include/bibconv/. */
