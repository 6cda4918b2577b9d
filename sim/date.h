/* date.h -- calendar dates at the edges of the simulation.
 *
 * Inside the engine time is a double counting days since the scenario start.
 * Calendar dates only appear when reading scenarios and writing outputs, as
 * days since 1970-01-01 in the proleptic Gregorian calendar. */
#ifndef SIM_DATE_H
#define SIM_DATE_H

/* Parses "YYYY-MM-DD" (years 1..9999) into days since 1970-01-01.
 * Returns 0 on success, -1 if the text is not a valid date (nothing written). */
int sim_date_parse(const char *text, long *days);

/* Writes "YYYY-MM-DD" for a day number into buf (at least 11 bytes). */
void sim_date_format(long days, char *buf);

/* Day of the week of a day number: 0 = Monday ... 6 = Sunday. */
int sim_date_weekday(long days);

#endif
