UNIT_TESTS += decode
UNIT_SRCS_decode := hv/platform/decode.c lib/str.c lib/err.c tests/unit/test_decode.c
