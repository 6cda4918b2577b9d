/* cu_table.h -- running a suite written as a table of named test functions,
 * the shape most unit suites here have. */
#ifndef TESTS_CU_TABLE_H
#define TESTS_CU_TABLE_H

#include <CUnit/CUnit.h>
#include <stddef.h>

typedef struct cu_table_test {
    const char *name;
    CU_TestFunc fn;
} cu_table_test;

/* Registers the n tests as suite `suite`, runs them verbosely and returns
 * the exit status: 0 all passed, 1 a test failed, 2 CUnit could not start. */
int cu_table_run(const char *suite, const cu_table_test *tests, size_t n);

#endif
