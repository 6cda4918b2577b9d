/* test_scenario.c -- loading scenarios: shipped files load, bad input is
 * reported with file, JSON path and expectation, every problem at once,
 * and --set addresses array elements by id and makes absent objects. */
#include "app/diag.h"
#include "app/scenario.h"
#include "app/setpath.h"

#include <CUnit/Basic.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>

/* Loads text; returns the number of problems and keeps the first message. */
static int problems(const char *text, const char *const *sets, int n_sets, char *first, size_t size)
{
    diag *d = diag_new("case.json");
    scenario_result res;
    int rc = scenario_load_text(text, sets, n_sets, d, &res);
    int n = diag_count(d);
    if (first)
        snprintf(first, size, "%s", diag_message(d, 0) ? diag_message(d, 0) : "");
    CU_ASSERT((rc == 0) == (n == 0));
    CU_ASSERT((res.spec == NULL) == (n > 0));
    scenario_result_fini(&res);
    diag_free(d);
    return n;
}

/* Loads text with overrides that must all apply; prints the problems if not. */
static int loads(const char *text, const char *const *sets, int n_sets, scenario_result *res)
{
    diag *d = diag_new("case.json");
    int rc = scenario_load_text(text, sets, n_sets, d, res);
    if (rc != 0)
        diag_print(d, stderr);
    diag_free(d);
    return rc;
}

#define MINIMAL_HEAD "{\"name\": \"t\", \"start\": \"2020-01-01\", \"days\": 10, "
#define MINIMAL MINIMAL_HEAD "\"stages\": [{\"id\": \"done\", \"kind\": \"exit\"}]}"

static void every_shipped_scenario_loads(void)
{
    glob_t g;
    CU_ASSERT_FATAL(glob("scenarios/*.json", 0, NULL, &g) == 0);
    int loaded = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        /* Not scenarios: the JSON Schema and calibration files. */
        if (strstr(g.gl_pathv[i], "schema.json") || strstr(g.gl_pathv[i], "/calibrate-"))
            continue;
        diag *d = diag_new(g.gl_pathv[i]);
        scenario_result res;
        int rc = scenario_load_file(g.gl_pathv[i], NULL, 0, d, &res);
        if (rc != 0)
            diag_print(d, stderr);
        CU_ASSERT(rc == 0);
        loaded += rc == 0;
        scenario_result_fini(&res);
        diag_free(d);
    }
    globfree(&g);
    CU_ASSERT(loaded >= 3);
}

static void embedded_baseline_is_the_shipped_file(void)
{
    FILE *f = fopen("scenarios/paris-baseline.json", "rb");
    CU_ASSERT_FATAL(f != NULL);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    CU_ASSERT_STRING_EQUAL(buf, scenario_embedded_baseline);
}

static void minimal_scenario_loads(void)
{
    CU_ASSERT_EQUAL(problems(MINIMAL, NULL, 0, NULL, 0), 0);
}

static void syntax_error_gives_line_and_column(void)
{
    char msg[512];
    CU_ASSERT_EQUAL(problems("{\n  \"name\": \"t\",\n  \"start\": 2020-01-01\n}", NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "case.json: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "line 3, column"));
}

static void truncated_file_says_so(void)
{
    char msg[512];
    CU_ASSERT_EQUAL(problems("{\"name\": \"t\", \"stages\": [", NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "unexpected end"));
}

static void unknown_key_suggests_the_closest(void)
{
    char msg[512];
    CU_ASSERT_EQUAL(problems(MINIMAL_HEAD "\"replicatons\": 3, \"stages\": [{\"id\": \"done\", \"kind\": \"exit\"}]}",
                             NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_STRING_EQUAL(msg, "case.json: replicatons: unknown key (did you mean \"replications\"?)");
}

static void wrong_type_names_path_expected_and_got(void)
{
    char msg[512];
    CU_ASSERT_EQUAL(problems(MINIMAL_HEAD "\"stages\": [{\"id\": \"a\", \"kind\": \"service\", \"capacity\": \"ten\"},"
                             "{\"id\": \"done\", \"kind\": \"exit\"}]}", NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "case.json: stages.a.capacity: expected a number or a non-empty array"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "got a string"));
}

/* A seed of 3.5 was once read as 3: two scenarios saying different seeds
 * ran the same numbers. */
static void seed_is_a_whole_number(void)
{
    char msg[512];
    CU_ASSERT_EQUAL(problems(MINIMAL_HEAD "\"seed\": 3.5, \"stages\": [{\"id\": \"done\", \"kind\": \"exit\"}]}",
                             NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_STRING_EQUAL(msg, "case.json: seed: expected a whole number, got 3.5");
    CU_ASSERT_EQUAL(problems(MINIMAL_HEAD "\"seed\": 9007199254740991, \"stages\": [{\"id\": \"done\", \"kind\": \"exit\"}]}",
                             NULL, 0, NULL, 0), 0);
}

static void every_problem_is_reported_at_once(void)
{
    const char *text = MINIMAL_HEAD "\"seed\": -1, \"stages\": ["
        "{\"id\": \"a\", \"kind\": \"service\", \"capacity\": -5, \"stay\": {\"dist\": \"gamma\", \"shape\": 2},"
        " \"routes\": [{\"to\": \"nowhere\"}]},"
        "{\"id\": \"a\", \"kind\": \"exit\"}],"
        "\"sources\": [{\"id\": \"s\", \"to\": \"a\", \"rate\": [{\"from\": \"2020-01-05\", \"value\": 1},"
        " {\"from\": \"2020-01-02\", \"value\": 2}]}]}";
    diag *d = diag_new("case.json");
    scenario_result res;
    CU_ASSERT_EQUAL(scenario_load_text(text, NULL, 0, d, &res), -1);
    const char *expect[] = {"seed: out of range", "stages.a.capacity: out of range",
                            "stages.a.stay.mean: missing", "stages.a.routes[0].to: unknown stage \"nowhere\"",
                            "stages[1].id: duplicate stage id", "sources.s.rate[1].from: steps out of order"};
    for (size_t k = 0; k < sizeof expect / sizeof expect[0]; k++) {
        int found = 0;
        for (int i = 0; diag_message(d, i); i++)
            found |= strstr(diag_message(d, i), expect[k]) != NULL;
        if (!found) {
            printf("\n  missing: %s; got:\n", expect[k]);
            diag_print(d, stdout);
        }
        CU_ASSERT(found);
    }
    CU_ASSERT(diag_count(d) >= 6);
    diag_free(d);
}

static void probabilities_must_sum_to_one(void)
{
    char msg[512];
    CU_ASSERT_EQUAL(problems(MINIMAL_HEAD "\"stages\": [{\"id\": \"a\", \"kind\": \"service\", \"stay\": {\"dist\": \"fixed\", \"value\": 1},"
                             "\"routes\": [{\"to\": \"b\", \"p\": 0.5}, {\"to\": \"b\", \"p\": 0.3}]}, {\"id\": \"b\", \"kind\": \"exit\"}]}",
                             NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "stages.a.routes: route probabilities sum to 0.8 (expected 1)"));
}

static void nan_and_huge_numbers_are_refused(void)
{
    /* JSON has no NaN; cJSON reads 1e999 as infinity. */
    char msg[512];
    CU_ASSERT_EQUAL(problems(MINIMAL_HEAD "\"stages\": [{\"id\": \"a\", \"kind\": \"service\", \"capacity\": 1e999},"
                             "{\"id\": \"done\", \"kind\": \"exit\"}]}", NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "stages.a.capacity: out of range"));
    CU_ASSERT(problems("{\"name\": NaN}", NULL, 0, NULL, 0) == 1);
}

static void deep_nesting_is_refused_cleanly(void)
{
    static char text[20010];
    for (int i = 0; i < 10000; i++) {
        text[i] = '[';
        text[10000 + i] = ']';
    }
    text[20000] = '\0';
    CU_ASSERT_EQUAL(problems(text, NULL, 0, NULL, 0), 1);
}

static void set_addresses_array_elements_by_id(void)
{
    const char *sets[] = {"stages.a.capacity=7"};
    scenario_result res;
    const char *text = MINIMAL_HEAD "\"stages\": [{\"id\": \"a\", \"kind\": \"service\","
                       " \"capacity\": [{\"from\": \"2020-01-01\", \"value\": 2}, {\"from\": \"2020-01-05\", \"value\": 4}]}]}";
    CU_ASSERT_EQUAL_FATAL(loads(text, sets, 1, &res), 0);
    const sim_schedule *cap = res.spec->stages[0].capacity;
    CU_ASSERT_EQUAL(sim_schedule_steps(cap), 1);   /* a constant replaces the schedule */
    CU_ASSERT_DOUBLE_EQUAL(sim_schedule_value(cap, 8.0), 7.0, 0);
    scenario_result_fini(&res);
}

static void set_path_matching_nothing_is_an_error(void)
{
    char msg[512];
    const char *bad_id[] = {"stages.lhsss.capacity=50"};
    CU_ASSERT_EQUAL(problems(MINIMAL, bad_id, 1, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "\"lhsss\" matches nothing"));
    const char *bad_key[] = {"stages.done.capacty=50"};
    CU_ASSERT_EQUAL(problems(MINIMAL, bad_key, 1, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "stages.done.capacty: unknown key"));
    const char *no_value[] = {"stages.done.kind"};
    CU_ASSERT_EQUAL(problems(MINIMAL, no_value, 1, msg, sizeof msg), 1);
}

/* An absent section is made by the override, and its keys are then checked
 * like the file's own. */
static void set_makes_absent_objects(void)
{
    const char *sets[] = {"outputs.daily=false"};
    scenario_result res;
    CU_ASSERT_EQUAL_FATAL(loads(MINIMAL, sets, 1, &res), 0);
    CU_ASSERT_FALSE(res.spec->daily);   /* true by default for 10 days */
    scenario_result_fini(&res);

    char msg[512];
    const char *misspelt[] = {"outptus.daily=false"};
    CU_ASSERT_EQUAL(problems(MINIMAL, misspelt, 1, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "outptus: unknown key (did you mean \"outputs\"?)"));
}

/* A VALUE that is not JSON as a whole is text: --set end=2020-03-01 is the
 * date, not the number 2020 that a JSON parser reads from its start. */
static void set_value_is_json_only_as_a_whole(void)
{
    const char *text = "{\"name\": \"t\", \"start\": \"2020-01-01\", \"end\": \"2020-01-10\", "
                       "\"stages\": [{\"id\": \"a\", \"kind\": \"service\", \"capacity\": 1, "
                       "\"stay\": {\"dist\": \"exponential\", \"mean\": 1}, \"routes\": [{\"to\": \"done\"}]}, "
                       "{\"id\": \"done\", \"kind\": \"exit\"}]}";
    const char *sets[] = {"end=2020-03-01"};
    scenario_result res;
    CU_ASSERT_EQUAL_FATAL(loads(text, sets, 1, &res), 0);
    CU_ASSERT_DOUBLE_EQUAL(res.spec->horizon, 61.0, 0);   /* 31 + 29 + 1 days */
    scenario_result_fini(&res);

    char msg[512];
    const char *trailing[] = {"stages.a.capacity=5x"};
    CU_ASSERT_EQUAL(problems(text, trailing, 1, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "stages.a.capacity: expected a number"));
}

/* A failed override leaves no object it made behind. */
static void failed_set_leaves_the_tree_unchanged(void)
{
    cJSON *root = cJSON_Parse("{\"a\": 1}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    diag *d = diag_new("case.json");
    CU_ASSERT_EQUAL(setpath_apply(root, "x.y..z=1", d), -1);
    CU_ASSERT_EQUAL(diag_count(d), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(diag_message(d, 0), "empty segment"));
    char *text = cJSON_PrintUnformatted(root);
    CU_ASSERT_STRING_EQUAL(text, "{\"a\":1}");
    cJSON_free(text);
    CU_ASSERT_EQUAL(setpath_apply(root, "x.y.z=1", d), 0);
    text = cJSON_PrintUnformatted(root);
    CU_ASSERT_STRING_EQUAL(text, "{\"a\":1,\"x\":{\"y\":{\"z\":1}}}");
    cJSON_free(text);
    diag_free(d);
    cJSON_Delete(root);
}

static void dates_must_be_real_dates(void)
{
    char msg[512];
    CU_ASSERT_EQUAL(problems("{\"name\": \"t\", \"start\": \"2021-02-29\", \"days\": 3, \"stages\": [{\"id\": \"d\", \"kind\": \"exit\"}]}",
                             NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "start: expected a date YYYY-MM-DD, got \"2021-02-29\""));
}

/* A wrong start or end is one problem: the Paris baseline's windows,
 * census dates and capacities at the start were once each reported as
 * wrong too, measured against a start or horizon that was never read. */
/* A sweep or calibration file given for a scenario is one problem that
 * names the command, not one per key. */
static void another_kind_of_file_is_named(void)
{
    char msg[512];
    CU_ASSERT_EQUAL(problems("{\"scenario\": \"base.json\", \"parameters\": [], \"targets\": []}", NULL, 0, msg,
                             sizeof msg), 1);
    CU_ASSERT_STRING_EQUAL(msg, "case.json: this is a calibration file (it names a \"scenario\" and has \"targets\"), "
                                "not a scenario: give it to parcours calibrate");
    CU_ASSERT_EQUAL(problems("{\"scenario\": \"base.json\", \"parameters\": []}", NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "give it to parcours sweep"));
    /* a scenario with a stray "scenario" key is still read as a scenario */
    CU_ASSERT_EQUAL(problems(MINIMAL_HEAD "\"scenario\": 1, \"stages\": [{\"id\": \"d\", \"kind\": \"exit\"}]}",
                             NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "scenario: unknown key"));
}

static void a_wrong_date_is_one_problem(void)
{
    const char *start[] = {"start=2019-02-30"};
    CU_ASSERT_EQUAL(problems(scenario_embedded_baseline, start, 1, NULL, 0), 1);
    const char *both[] = {"start=x", "end=2018-13-01"};
    CU_ASSERT_EQUAL(problems(scenario_embedded_baseline, both, 2, NULL, 0), 2);
    const char *early[] = {"end=2018-01-01"};
    char msg[512];
    CU_ASSERT_EQUAL(problems(scenario_embedded_baseline, early, 1, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "end: expected a date on or after start"));
    CU_ASSERT_EQUAL(problems("{\"name\": \"t\", \"start\": \"2020-01-01\", \"days\": \"x\", "
                             "\"stages\": [{\"id\": \"d\", \"kind\": \"exit\"}], "
                             "\"windows\": [{\"id\": \"w\", \"from\": \"2020-01-01\", \"to\": \"2020-01-05\"}]}",
                             NULL, 0, msg, sizeof msg), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "days: expected a number"));
    /* a short horizon: each window is wrong, and says with which dates */
    const char *shorter[] = {"end=2019-06-30"};
    CU_ASSERT(problems(scenario_embedded_baseline, shorter, 1, msg, sizeof msg) > 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "windows.audit: expected from and to within the scenario's dates "
                                       "(2019-01-01 to 2019-06-30), got 2020-01-01 to 2021-05-31"));
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("scenario", NULL, NULL);
    CU_add_test(s, "every_shipped_scenario_loads", every_shipped_scenario_loads);
    CU_add_test(s, "embedded_baseline_is_the_shipped_file", embedded_baseline_is_the_shipped_file);
    CU_add_test(s, "minimal_scenario_loads", minimal_scenario_loads);
    CU_add_test(s, "syntax_error_gives_line_and_column", syntax_error_gives_line_and_column);
    CU_add_test(s, "truncated_file_says_so", truncated_file_says_so);
    CU_add_test(s, "unknown_key_suggests_the_closest", unknown_key_suggests_the_closest);
    CU_add_test(s, "wrong_type_names_path_expected_and_got", wrong_type_names_path_expected_and_got);
    CU_add_test(s, "seed_is_a_whole_number", seed_is_a_whole_number);
    CU_add_test(s, "every_problem_is_reported_at_once", every_problem_is_reported_at_once);
    CU_add_test(s, "probabilities_must_sum_to_one", probabilities_must_sum_to_one);
    CU_add_test(s, "nan_and_huge_numbers_are_refused", nan_and_huge_numbers_are_refused);
    CU_add_test(s, "deep_nesting_is_refused_cleanly", deep_nesting_is_refused_cleanly);
    CU_add_test(s, "set_addresses_array_elements_by_id", set_addresses_array_elements_by_id);
    CU_add_test(s, "set_path_matching_nothing_is_an_error", set_path_matching_nothing_is_an_error);
    CU_add_test(s, "set_makes_absent_objects", set_makes_absent_objects);
    CU_add_test(s, "failed_set_leaves_the_tree_unchanged", failed_set_leaves_the_tree_unchanged);
    CU_add_test(s, "set_value_is_json_only_as_a_whole", set_value_is_json_only_as_a_whole);
    CU_add_test(s, "dates_must_be_real_dates", dates_must_be_real_dates);
    CU_add_test(s, "a_wrong_date_is_one_problem", a_wrong_date_is_one_problem);
    CU_add_test(s, "another_kind_of_file_is_named", another_kind_of_file_is_named);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
