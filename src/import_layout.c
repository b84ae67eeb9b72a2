/* import_layout.c — the column layouts of the CSV-shaped formats (DESIGN.md §3): tidy CSV,
 * SDMX-CSV, the UN SDG database, DHIS2 data value sets and World Bank/DDF wide files. A
 * layout says which header names hold the indicator, region, period and value, which
 * columns are the format's own dimensions, and which cells mean "total". csv.c reads every
 * one of them with the same row stage; a new CSV-shaped format is one more table entry. */
#include "import_layout.h"
#include <string.h>
#include <strings.h>

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static const csv_layout layouts[] = {
    {.name = "csv", .ind = L("indicator"), .reg = L("region"), .year = L("year"), .val = L("value"),
     .unit = L("unit"), .annots = L("source", "note", "comment")},
    /* SDMX-CSV 1.0 (SDMX 2.1 REST, labels=id or both) and 2.0: DATAFLOW or STRUCTURE first,
     * the dimensions, TIME_PERIOD, OBS_VALUE, then attributes */
    {.name = "sdmx", .ind = L("INDICATOR", "SERIES"), .reg = L("REF_AREA", "GEO", "COUNTRY"),
     .year = L("TIME_PERIOD"), .val = L("OBS_VALUE"),
     .annots = L("DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "FREQ", "UNIT_MEASURE"),
     .code_dims = 1, .strip_labels = 1},
    /* the UN SDG Global Database (unstats.un.org/sdgs/dataportal and its API) */
    {.name = "sdg", .ind = L("SeriesCode"), .reg = L("GeoAreaName", "GeoAreaCode"), .year = L("TimePeriod"),
     .val = L("Value"), .annots = L("Goal", "Target", "Indicator", "Units", "[Units]", "Nature", "[Nature]",
                                    "Reporting Type", "[Reporting Type]"),
     .dims = L("Sex", "Age", "Location", "Quantile", "Education level", "Disability status",
               "Name of non-communicable disease", "Type of occupation", "Activity", "Cities",
               "Freq", "Type of product", "Type of skill", "Mode of transportation",
               "Name of international institution", "Deviation Level", "IHR Capacity",
               "Level/Status", "Migratory status", "Grounds of discrimination", "Hazard type",
               "Type of speed", "Policy instruments", "Mountain Elevation", "Substance use disorders",
               "Report Ordinal", "Fiscal intervention stage", "Counterpart"),
     .bracket_dims = 1},
    /* DHIS2 data value sets as CSV: DHIS2's own order and names */
    {.name = "dhis2", .ind = L("dataelement", "dataElement"), .reg = L("orgunit", "orgUnit"),
     .year = L("period"), .val = L("value"), .dims = L("categoryoptioncombo", "catoptcombo"), .dim_name = "categoryOptionCombo",
     .annots = L("attroptcombo", "attributeoptioncombo", "storedby", "created", "lastupdated",
                 "comment", "followup", "deleted")},
    /* World Bank WDI / DataBank and Gapminder DDF: economy,year,<code>… */
    {.name = "wide", .reg = L("economy", "geo", "country", "Country Code"), .year = L("year", "time"),
     .annots = L("Country Name", "Country", "name"), .wide = 1},
};

const csv_layout *csv_layout_named(const char *name)
{
    if (strcmp(name, "tidy") == 0)
        name = "csv";
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        if (strcmp(layouts[i].name, name) == 0)
            return &layouts[i];
    return NULL;
}

int csv_layout_in(const char *const *list, const char *name)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcasecmp(list[i], name) == 0)
            return 1;
    return 0;
}

/* The header is of a layout when it has that layout's region, period and (unless wide)
 * indicator and value columns. Tried in an order where the more particular come first. */
static int has(const csv_layout *l, const char *const *list, char *const *names, size_t n)
{
    (void)l;
    if (!list)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (names[i] && csv_layout_in(list, csv_layout_key(l, names[i], NULL)))
            return 1;
    return 0;
}

const csv_layout *csv_layout_detect(char *const *names, size_t n)
{
    static const char *const order[] = {"csv", "sdmx", "sdg", "dhis2", "wide"};
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        const csv_layout *l = csv_layout_named(order[k]);
        if (has(l, l->ind, names, n) && has(l, l->reg, names, n) && has(l, l->year, names, n) &&
            has(l, l->val, names, n) &&
            !(l->wide && (has(l, L("indicator"), names, n) || has(l, L("value"), names, n))))
            return l;
    }
    return &layouts[0];
}

const char *csv_layout_key(const csv_layout *l, const char *name, size_t *len)
{
    /* SDMX with labels: "REF_AREA: Geographic area" is the column REF_AREA */
    static __thread char key[128];
    const char *colon = l->strip_labels ? strchr(name, ':') : NULL;
    if (!colon) {
        if (len)
            *len = strlen(name);
        return name;
    }
    size_t k = (size_t)(colon - name);
    while (k && (name[k - 1] == ' ' || name[k - 1] == '\t'))
        k--;
    if (k >= sizeof key)
        k = sizeof key - 1;
    memcpy(key, name, k);
    key[k] = '\0';
    if (len)
        *len = k;
    return key;
}

int csv_layout_total(const char *s, size_t n)
{
    static const char *const totals[] = {"_T", "_Z", "BOTHSEX", "ALLAGE", "ALLAREA", "_X_T",
                                         "default", "HllvX50cXC0"};
    for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++)
        if (strlen(totals[i]) == n && memcmp(totals[i], s, n) == 0)
            return 1;
    return 0;
}
