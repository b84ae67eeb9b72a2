/* report_text.c — placeholder until its stage lands. */
