/* SPDX-License-Identifier: MIT */
#ifndef PODVMM_CONSOLE_H
#define PODVMM_CONSOLE_H

#include "cmd/podvmm/cli.h"

/*
 * The guest console's host side: where serial output goes, where input
 * comes from, and the terminal's raw mode, which is undone on every exit
 * path (normal return, exit(), fatal signal).
 */
struct console {
	int out_fd; /* -1: discard */
	int in_fd;  /* -1: no input */
};

int console_open(struct console *c, enum console_kind kind, const char *path);
void console_restore(void);

#endif
