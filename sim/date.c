/* date.c -- civil date <-> day number conversion.
 *
 * Uses the era-based algorithm (400-year cycles of 146097 days) so that the
 * conversion is exact for every date in years 1..9999 without tables. */
#include "sim/date.h"

#include <string.h>

static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int sim_date_parse(const char *text, long *days)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (text[i] < '0' || text[i] > '9')
            return -1;
    }
    long y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    long m = (text[5] - '0') * 10 + (text[6] - '0');
    long d = (text[8] - '0') * 10 + (text[9] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return -1;
    long maxd = mdays[m - 1] + (m == 2 && is_leap(y));
    if (d > maxd)
        return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

void sim_date_format(long days, char *buf)
{
    long y, m, d;
    civil_from_days(days, &y, &m, &d);
    /* Digit by digit: fixed width whatever the compiler thinks of the range. */
    long yy = ((y % 10000) + 10000) % 10000;
    buf[0] = (char)('0' + yy / 1000);
    buf[1] = (char)('0' + yy / 100 % 10);
    buf[2] = (char)('0' + yy / 10 % 10);
    buf[3] = (char)('0' + yy % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

int sim_date_weekday(long days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    long w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}
