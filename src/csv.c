/* csv.c — placeholder until its stage lands. */
