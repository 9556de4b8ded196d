UNIT_TESTS += cpufeat
UNIT_SRCS_cpufeat := hv/core/cpufeat.c lib/str.c tests/unit/fake_printk.c tests/unit/test_cpufeat.c
