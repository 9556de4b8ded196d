UNIT_TESTS += vpit
UNIT_SRCS_vpit := hv/platform/vpit.c tests/unit/test_vpit.c
