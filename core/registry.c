/* SPDX-License-Identifier: MIT */
/* registry.c - being written; see include/bibconv/. */
