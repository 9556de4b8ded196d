/* SPDX-License-Identifier: MIT */
/*
 * The command-line options, one table (hv/core/options.c): every option the
 * hypervisor reads, its value's form, one line of help and the values it
 * takes. The unknown-option warnings, the bad-value messages, the `help`
 * option's listing and README's options table (checked by a unit test) all
 * come from it.
 */
#ifndef VF_OPTIONS_H
#define VF_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* The longest value any option takes, with its NUL. */
#define OPTIONS_VALUE_MAX 128

struct option {
	const char *name;  /* "vmx.poison" */
	const char *value; /* the value's form, as help and README show it ("0|1"); NULL: a flag */
	const char *help;  /* one line */
	const char *choices; /* ends "NAME=VALUE: expected ..." */
	/* True if @v is a value the option takes; NULL: any value. */
	bool (*valid)(const struct option *o, const char *v);
	const char *const *words; /* for options_one_of and options_list_of */
	int bad_level;		  /* LOG_WARN, or LOG_ERR where a bad value leaves a device off */
};

extern const struct option options[];
extern const unsigned int options_count;

/* The option named by the @len characters at @name, or NULL. */
const struct option *options_find(const char *name, size_t len);
/* Validators: @v is exactly one of o->words / a comma-separated list of them. */
bool options_one_of(const struct option *o, const char *v);
bool options_list_of(const struct option *o, const char *v);
/*
 * Look at every word of @cl: an unknown one is reported ("unknown command
 * line option 'WORD' ignored"), a bad value as "NAME=VALUE: expected
 * CHOICES"; with `help`, the listing of options_help() follows. Returns
 * the number of words reported.
 */
unsigned int options_check(const char *cl);
/* Every option, its value's form, its help and its choices, one per line. */
void options_help(void);
/*
 * The last value given for option @name, copied into @val (size @n): 1 if
 * it is valid, 0 if the option is absent, -EINVAL if it is given but bad
 * (no value, too long for @val, or refused; options_check() has said so).
 */
int options_get(const char *cl, const char *name, char *val, size_t n);

#endif
