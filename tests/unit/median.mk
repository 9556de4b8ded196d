UNIT_TESTS += median
UNIT_SRCS_median := lib/median.c tests/unit/test_median.c
