// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "netsetup/netsetup.h"

/*
 * RFC 1035 2.3.1 preferred name syntax, relaxed by RFC 1123 2.1 to allow a
 * leading digit: labels of 1-63 letters, digits and hyphens, not starting or
 * ending with a hyphen, 253 characters in all.  Kubernetes search domains
 * fit; names that do not (KubeVirt #3187, #4541, #12615: uppercase and
 * underscores crashed its launcher) are lower-cased or dropped here.
 */
bool ns_domain_normalize(char *name)
{
	size_t len = strlen(name), label = 0;

	if (len && name[len - 1] == '.')
		name[--len] = '\0';
	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i <= len; i++) {
		char c = name[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || name[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		c = tolower((unsigned char)c);
		name[i] = c;
		if (!(isalnum((unsigned char)c) || (c == '-' && label > 0)))
			return false;
		if (!isascii((unsigned char)c))
			return false;
		label++;
	}
	return true;
}

static bool nameserver_valid(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	char tmp[NS_ADDRSTRLEN];
	char *pct;

	if (strlen(s) >= sizeof(tmp))
		return false;
	strcpy(tmp, s);
	/* glibc accepts fe80::1%eth0 for link-local servers. */
	pct = strchr(tmp, '%');
	if (pct)
		*pct = '\0';
	return inet_pton(AF_INET, tmp, buf) == 1 || inet_pton(AF_INET6, tmp, buf) == 1;
}

static char *next_token(char **p)
{
	char *s = *p, *tok;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	tok = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return tok;
}

static void parse_line(char *line, struct ns_dns *dns)
{
	char *p = line, *kw, *tok;

	/* resolv.conf(5): ';' or '#' in the first column starts a comment. */
	if (line[0] == '#' || line[0] == ';')
		return;
	kw = next_token(&p);
	if (!kw)
		return;
	if (!strcmp(kw, "nameserver")) {
		tok = next_token(&p);
		if (!tok)
			return;
		if (!nameserver_valid(tok)) {
			log_warn("resolv", "invalid nameserver dropped", "{s:s}", "nameserver",
				 tok);
			return;
		}
		if (dns->n_nameservers < NS_MAX_NAMESERVERS)
			snprintf(dns->nameservers[dns->n_nameservers++], NS_ADDRSTRLEN, "%s", tok);
	} else if (!strcmp(kw, "search") || !strcmp(kw, "domain")) {
		/* resolv.conf(5): search and domain exclude each other; the last wins. */
		dns->n_search = 0;
		while ((tok = next_token(&p))) {
			/* Room for 253 characters and a trailing dot. */
			char name[NS_DOMAINLEN + 1];

			if (strlen(tok) >= sizeof(name) ||
			    !ns_domain_normalize(strcpy(name, tok))) {
				log_warn("resolv", "invalid search domain dropped", "{s:s}",
					 "domain", tok);
				continue;
			}
			/* normalize() left at most 253 characters. */
			if (dns->n_search < NS_MAX_SEARCH)
				memcpy(dns->search[dns->n_search++], name, strlen(name) + 1);
		}
	} else if (!strcmp(kw, "options")) {
		while ((tok = next_token(&p)))
			if (dns->n_options < NS_MAX_OPTIONS && strlen(tok) < 64)
				strcpy(dns->options[dns->n_options++], tok);
	}
}

void ns_resolv_parse(const char *text, struct ns_dns *dns)
{
	char *copy = strdup(text), *save = NULL, *line;

	memset(dns, 0, sizeof(*dns));
	if (!copy)
		return;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		parse_line(line, dns);
	}
	free(copy);
}

int ns_resolv_read(const char *path, struct ns_dns *dns)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "re");

	memset(dns, 0, sizeof(*dns));
	if (!f) {
		if (errno == ENOENT) {
			log_info("resolv", "no resolv.conf; no DNS settings", "{s:s}", "path",
				 path);
			return 0;
		}
		return -errno;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	/*
	 * Lines are read whole whatever their length; past the 64 KiB cap
	 * only whole lines are kept, so no domain is ever sent cut short.
	 */
	if (n == sizeof(buf) - 1 && fgetc(f) != EOF) {
		while (n && buf[n - 1] != '\n')
			n--;
		log_warn("resolv",
			 "resolv.conf over 64 KiB: the rest after the last whole line ignored",
			 "{s:s}", "path", path);
	}
	fclose(f);
	buf[n] = '\0';
	ns_resolv_parse(buf, dns);
	return 0;
}
