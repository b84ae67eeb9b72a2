/* report_md.c — placeholder until its stage lands. */
