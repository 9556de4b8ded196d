UNIT_TESTS += cmdline
UNIT_SRCS_cmdline := hv/cmdline.c hv/str.c tests/unit/test_cmdline.c
