UNIT_TESTS += format
UNIT_SRCS_format := lib/format.c tests/unit/test_format.c
