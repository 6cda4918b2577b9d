/* test_date.c -- calendar dates: parse and format are inverse over
 * 1900..2100 (leap days included), invalid dates are rejected without
 * touching the output, and weekdays count from Monday = 0. */
#include "sim/date.h"

#include "cu_table.h"

#include <stdio.h>
#include <string.h>

/* Written independently of the library: the Gregorian rule and month
 * lengths, walked day by day from 1900-01-01. */
static int ref_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int ref_month_days(int y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return len[m - 1] + (m == 2 && ref_leap(y));
}

static void known_dates_have_known_day_numbers(void)
{
    long d = 12345;
    CU_ASSERT_EQUAL(sim_date_parse("1970-01-01", &d), 0);
    CU_ASSERT_EQUAL(d, 0);
    CU_ASSERT_EQUAL(sim_date_parse("1969-12-31", &d), 0);
    CU_ASSERT_EQUAL(d, -1);
    CU_ASSERT_EQUAL(sim_date_parse("2000-03-01", &d), 0);
    CU_ASSERT_EQUAL(d, 11017);
    CU_ASSERT_EQUAL(sim_date_parse("2019-01-01", &d), 0);
    CU_ASSERT_EQUAL(d, 17897);
    CU_ASSERT_EQUAL(sim_date_parse("1900-01-01", &d), 0);
    CU_ASSERT_EQUAL(d, -25567);
}

/* Every day of 1900..2100: consecutive dates have consecutive numbers,
 * formatting gives back the text, and the weekday advances by one. */
static void parse_and_format_round_trip_every_day_from_1900_to_2100(void)
{
    long expect = -25567;   /* 1900-01-01 */
    int weekday = 0;        /* 1900-01-01 was a Monday */
    int bad_parse = 0, bad_format = 0, bad_weekday = 0, leap_days = 0;
    for (int y = 1900; y <= 2100; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int dd = 1; dd <= ref_month_days(y, m); dd++) {
                char text[32], back[16];
                snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, dd);
                long got;
                if (sim_date_parse(text, &got) != 0 || got != expect)
                    bad_parse++;
                sim_date_format(expect, back);
                if (strcmp(back, text) != 0)
                    bad_format++;
                if (sim_date_weekday(expect) != weekday)
                    bad_weekday++;
                if (m == 2 && dd == 29)
                    leap_days++;
                expect++;
                weekday = (weekday + 1) % 7;
            }
        }
    }
    CU_ASSERT_EQUAL(bad_parse, 0);
    CU_ASSERT_EQUAL(bad_format, 0);
    CU_ASSERT_EQUAL(bad_weekday, 0);
    CU_ASSERT_EQUAL(leap_days, 49);   /* 1904..2096 by fours, minus 2100 and 1900 */
}

static void leap_days_exist_only_in_leap_years(void)
{
    long d;
    CU_ASSERT_EQUAL(sim_date_parse("2000-02-29", &d), 0);   /* divisible by 400 */
    CU_ASSERT_EQUAL(sim_date_parse("2024-02-29", &d), 0);
    CU_ASSERT_EQUAL(sim_date_parse("1900-02-29", &d), -1);  /* century, not by 400 */
    CU_ASSERT_EQUAL(sim_date_parse("2100-02-29", &d), -1);
    CU_ASSERT_EQUAL(sim_date_parse("2019-02-29", &d), -1);
    char buf[16];
    CU_ASSERT_EQUAL(sim_date_parse("2000-02-29", &d), 0);
    sim_date_format(d + 1, buf);
    CU_ASSERT_STRING_EQUAL(buf, "2000-03-01");
    CU_ASSERT_EQUAL(sim_date_parse("2100-02-28", &d), 0);
    sim_date_format(d + 1, buf);
    CU_ASSERT_STRING_EQUAL(buf, "2100-03-01");
}

static void invalid_dates_are_rejected_and_leave_the_output_alone(void)
{
    static const char *const bad[] = {
        "", "2019", "2019-1-01", "2019-01-1", "19-01-01", "2019-01-011",
        "2019/01/01", "2019-01-01 ", " 2019-01-01", "2019-00-10", "2019-13-01",
        "2019-01-00", "2019-01-32", "2019-04-31", "2019-06-31", "2019-09-31",
        "2019-11-31", "0000-01-01", "2019-0a-01", "2019-01-0x", "+019-01-01",
        "2019--1-01", "abcd-ef-gh",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long d = 777;
        int rc = sim_date_parse(bad[i], &d);
        if (rc != -1 || d != 777)
            fprintf(stderr, "accepted or wrote: \"%s\"\n", bad[i]);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_EQUAL(d, 777);
    }
    long d = 777;
    CU_ASSERT_EQUAL(sim_date_parse(NULL, &d), -1);
    CU_ASSERT_EQUAL(d, 777);
}

static void weekday_of_2019_01_01_is_tuesday(void)
{
    long d;
    CU_ASSERT_EQUAL_FATAL(sim_date_parse("2019-01-01", &d), 0);
    CU_ASSERT_EQUAL(sim_date_weekday(d), 1);
    CU_ASSERT_EQUAL(sim_date_weekday(0), 3);          /* 1970-01-01, Thursday */
    CU_ASSERT_EQUAL(sim_date_weekday(-1), 2);         /* negative day numbers too */
    CU_ASSERT_EQUAL(sim_date_weekday(-4), 6);         /* 1969-12-28, Sunday */
    CU_ASSERT_EQUAL_FATAL(sim_date_parse("2020-01-05", &d), 0);
    CU_ASSERT_EQUAL(sim_date_weekday(d), 6);          /* Sunday */
}

static void extreme_years_round_trip(void)
{
    static const char *const texts[] = {"0001-01-01", "9999-12-31", "1600-02-29", "2400-02-29"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        long d;
        char buf[16];
        CU_ASSERT_EQUAL_FATAL(sim_date_parse(texts[i], &d), 0);
        sim_date_format(d, buf);
        CU_ASSERT_STRING_EQUAL(buf, texts[i]);
    }
}

static const cu_table_test tests[] = {
    {"known_dates_have_known_day_numbers", known_dates_have_known_day_numbers},
    {"parse_and_format_round_trip_every_day_from_1900_to_2100",
     parse_and_format_round_trip_every_day_from_1900_to_2100},
    {"leap_days_exist_only_in_leap_years", leap_days_exist_only_in_leap_years},
    {"invalid_dates_are_rejected_and_leave_the_output_alone",
     invalid_dates_are_rejected_and_leave_the_output_alone},
    {"weekday_of_2019_01_01_is_tuesday", weekday_of_2019_01_01_is_tuesday},
    {"extreme_years_round_trip", extreme_years_round_trip},
};

int main(void)
{
    return cu_table_run("date", tests, sizeof tests / sizeof tests[0]);
}
