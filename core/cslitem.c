/* SPDX-License-Identifier: MIT */
/* cslitem.c - being written; see include/bibconv/. */
