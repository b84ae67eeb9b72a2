/* fmt.c — placeholder until its stage lands. */
