/* SPDX-License-Identifier: MIT */
#ifndef COMMON_CAPS_H
#define COMMON_CAPS_H

#include <stdbool.h>
#include <sys/capability.h>

/*
 * Reduce this process to exactly the capabilities in keep[]: they stay in
 * the effective and permitted sets; everything else is dropped from every
 * set, and the bounding set is emptied where CAP_SETPCAP allows it.  With
 * ambient true they are handed to the next execve of a binary without file
 * capabilities, by root or not: they go into the inheritable and ambient
 * sets as well.  Returns 0 or a negative errno.
 */
int caps_keep(const cap_value_t *keep, int nkeep, bool ambient);

/* Drop every capability from every set. */
int caps_drop_all(void);

/* prctl(PR_SET_NO_NEW_PRIVS); 0 or a negative errno. */
int no_new_privs_set(void);

#endif
