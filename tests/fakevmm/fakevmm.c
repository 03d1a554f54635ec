// SPDX-License-Identifier: MIT
/*
 * A stand-in VMM for the `podlaunch run` test: prints its argv, checks that
 * every fd in --net fd=A:B:... is a tap (TUNGETIFF), lists its open fds and
 * prints its capability sets and NoNewPrivs from /proc/self/status.  Output
 * is line-oriented "key value" so the test can grep it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/if_tun.h>

int main(int argc, char **argv)
{
	char line[256];
	int bad = 0;
	FILE *f;
	DIR *d;
	struct dirent *de;

	for (int i = 0; i < argc; i++)
		printf("argv %d %s\n", i, argv[i]);
	for (int i = 1; i + 1 < argc; i++) {
		char *spec, *fds, *tok, *save = NULL;

		if (strcmp(argv[i], "--net"))
			continue;
		spec = strdup(argv[i + 1]);
		fds = strtok_r(spec, ",", &save);
		if (!fds || strncmp(fds, "fd=", 3)) {
			printf("error --net without fd=\n");
			return 1;
		}
		for (tok = strtok_r(fds + 3, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
			struct ifreq ifr = { 0 };
			int fd = atoi(tok);

			if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
				printf("fd %d not-a-tap\n", fd);
				bad = 1;
				continue;
			}
			printf("fd %d tap %s tap=%d no_pi=%d vnet_hdr=%d multi_queue=%d\n", fd,
			       ifr.ifr_name, !!(ifr.ifr_flags & IFF_TAP),
			       !!(ifr.ifr_flags & IFF_NO_PI), !!(ifr.ifr_flags & IFF_VNET_HDR),
			       !!(ifr.ifr_flags & IFF_MULTI_QUEUE));
		}
		free(spec);
	}
	d = opendir("/proc/self/fd");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] != '.' && atoi(de->d_name) != dirfd(d))
			printf("openfd %s\n", de->d_name);
	}
	if (d)
		closedir(d);
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Cap", 3) || !strncmp(line, "NoNewPrivs", 10))
			fputs(line, stdout);
	if (f)
		fclose(f);
	fflush(stdout);
	/* FAKEVMM_HOLD=N: stay alive N seconds, like a VMM would. */
	if (getenv("FAKEVMM_HOLD"))
		sleep(atoi(getenv("FAKEVMM_HOLD")));
	return bad;
}
