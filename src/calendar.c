/* calendar.c — placeholder until its stage lands. */
