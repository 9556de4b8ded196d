UNIT_TESTS += cmdline
UNIT_SRCS_cmdline := hv/core/cmdline.c lib/str.c tests/unit/test_cmdline.c
