UNIT_TESTS += con_cmd
UNIT_SRCS_con_cmd := hv/vm/con_cmd.c lib/format.c lib/str.c tests/unit/fake_printk.c tests/unit/test_con_cmd.c
