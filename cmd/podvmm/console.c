// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd/podvmm/console.h"
#include "common/util.h"

static struct termios saved;
static volatile sig_atomic_t raw_active;

void console_restore(void)
{
	if (raw_active) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		raw_active = 0;
	}
}

static void fatal_signal(int sig)
{
	/* Async-signal-safe: tcsetattr is, and the default action follows. */
	console_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int raw_mode(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGQUIT };
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved) < 0)
		return -errno;
	t = saved;
	/* Every key goes to the guest, Ctrl-C included: SIGINT for podvmm
	 * comes from outside (kill), as for any VM console. */
	cfmakeraw(&t);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) < 0)
		return -errno;
	raw_active = 1;
	atexit(console_restore);
	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		signal(fatal[i], fatal_signal);
	return 0;
}

int console_open(struct console *c, enum console_kind kind, const char *path)
{
	c->out_fd = c->in_fd = -1;
	switch (kind) {
	case CONSOLE_NONE:
		return 0;
	case CONSOLE_FILE:
		c->out_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
		return c->out_fd < 0 ? -errno : 0;
	case CONSOLE_STDIO:
		c->out_fd = STDOUT_FILENO;
		c->in_fd = STDIN_FILENO;
		if (isatty(STDIN_FILENO))
			return raw_mode();
		return 0;
	}
	return -EINVAL;
}
