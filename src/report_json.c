/* report_json.c — placeholder until its stage lands. */
