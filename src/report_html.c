/* report_html.c — placeholder until its stage lands. */
