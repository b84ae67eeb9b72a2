/* pty_drive.c — runs a program on a pseudo-terminal and plays a script against it, for the
 * REPL tests that need a terminal (completion, multi-line input, history, Ctrl-C). A test
 * helper only: it is not installed and knows nothing of plancheck.
 *
 *   pty_drive [-t SECONDS] [-o TRANSCRIPT] SCRIPT -- PROGRAM [ARG...]
 *
 * SCRIPT has one directive per line ('#' starts a comment line); TEXT takes C escapes
 * (\n \r \t \e \\ \xNN):
 *   send TEXT      write TEXT to the terminal, as if typed
 *   expect TEXT    wait until the output since the last match holds TEXT (else fail)
 *   settle MS      read output for MS milliseconds
 *   absent TEXT    fail if the output since the last match holds TEXT
 *   mark           forget the output seen so far (later matches start after it)
 *   wait STATUS    wait for the program to exit with STATUS
 * Output is matched with escape sequences and carriage returns taken out. Exit status: 0
 * when every directive passed, 1 on a failure (the reason and the output on stderr), 77 when
 * no pseudo-terminal can be had (the test is skipped), 2 on bad usage. */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

typedef struct drive {
    int master;
    pid_t pid;
    int exited, status;
    char *norm;             /* normalised output */
    size_t nlen, ncap;
    size_t from;            /* matches start here */
    int esc;                /* escape-sequence state: 0 none, 1 after ESC, 2 CSI, 3 OSC */
    FILE *transcript;
    double timeout;
} drive;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void norm_add(drive *d, unsigned char c)
{
    switch (d->esc) {
    case 1:
        d->esc = c == '[' ? 2 : c == ']' ? 3 : 0;
        return;
    case 2:
        if (c >= 0x40 && c <= 0x7e)
            d->esc = 0;
        return;
    case 3:
        if (c == 7 || c == '\\')
            d->esc = 0;
        return;
    default:
        break;
    }
    if (c == 0x1b) {
        d->esc = 1;
        return;
    }
    if (c == '\r')
        return;
    if (d->nlen + 1 >= d->ncap) {
        d->ncap = d->ncap ? d->ncap * 2 : 4096;
        d->norm = realloc(d->norm, d->ncap);
        if (!d->norm) {
            perror("pty_drive");
            exit(2);
        }
    }
    if (c == '\b') {   /* a backspace takes back the character before it */
        if (d->nlen > d->from)
            d->nlen--;
        return;
    }
    d->norm[d->nlen++] = (char)c;
    d->norm[d->nlen] = '\0';
}

/* Read what is there, waiting at most ms. Returns 0, or -1 once the terminal is closed. */
static int pump(drive *d, int ms)
{
    struct pollfd p = {d->master, POLLIN, 0};
    int n = poll(&p, 1, ms);
    if (n <= 0)
        return 0;
    char buf[4096];
    ssize_t got = read(d->master, buf, sizeof buf);
    if (got <= 0)
        return -1;   /* EIO: every slave descriptor is closed */
    if (d->transcript)
        fwrite(buf, 1, (size_t)got, d->transcript);
    for (ssize_t i = 0; i < got; i++)
        norm_add(d, (unsigned char)buf[i]);
    return 0;
}

static int check_child(drive *d)
{
    if (!d->exited && waitpid(d->pid, &d->status, WNOHANG) == d->pid)
        d->exited = 1;
    return d->exited;
}

static void fail(drive *d, int lineno, const char *what, const char *text)
{
    fprintf(stderr, "pty_drive: script line %d: %s%s%s%s\n", lineno, what, text ? " '" : "", text ? text : "",
            text ? "'" : "");
    fprintf(stderr, "---- output since the last match ----\n%s\n---- end ----\n", d->norm ? d->norm + d->from : "");
    if (!d->exited) {
        kill(d->pid, SIGKILL);
        waitpid(d->pid, NULL, 0);
    }
    exit(1);
}

/* C escapes in place; returns the length. */
static size_t unescape(char *s)
{
    char *w = s;
    for (char *p = s; *p; p++) {
        if (*p != '\\' || !p[1]) {
            *w++ = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'e': *w++ = 0x1b; break;
        case 'x': {
            char hex[3] = {0};
            int k = 0;
            while (k < 2 && p[1] && strchr("0123456789abcdefABCDEF", p[1]))
                hex[k++] = *++p;
            *w++ = (char)strtol(hex, NULL, 16);
            break;
        }
        default: *w++ = *p; break;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static void spawn(drive *d, char **argv)
{
    d->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (d->master < 0 || grantpt(d->master) != 0 || unlockpt(d->master) != 0) {
        fprintf(stderr, "pty_drive: no pseudo-terminal available: %s (skipped)\n", strerror(errno));
        exit(77);
    }
    const char *name = ptsname(d->master);
    if (!name) {
        fprintf(stderr, "pty_drive: ptsname: %s (skipped)\n", strerror(errno));
        exit(77);
    }
    char slave_name[256];
    snprintf(slave_name, sizeof slave_name, "%s", name);
    d->pid = fork();
    if (d->pid < 0) {
        perror("pty_drive: fork");
        exit(2);
    }
    if (d->pid == 0) {
        setsid();
        int s = open(slave_name, O_RDWR);
        if (s < 0) {
            perror("pty_drive: open slave");
            _exit(127);
        }
        ioctl(s, TIOCSCTTY, 0);
        struct winsize ws = {24, 80, 0, 0};
        ioctl(s, TIOCSWINSZ, &ws);
        dup2(s, 0);
        dup2(s, 1);
        dup2(s, 2);
        if (s > 2)
            close(s);
        close(d->master);
        execvp(argv[0], argv);
        perror("pty_drive: exec");
        _exit(127);
    }
}

int main(int argc, char **argv)
{
    drive d;
    memset(&d, 0, sizeof d);
    d.timeout = 10;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
        if (!strcmp(argv[i], "-t") && i + 1 < argc)
            d.timeout = atof(argv[++i]);
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            d.transcript = fopen(argv[++i], "w");
            if (!d.transcript) {
                perror(argv[i]);
                return 2;
            }
        } else
            break;
    }
    if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0) {
        fprintf(stderr, "usage: pty_drive [-t SECONDS] [-o TRANSCRIPT] SCRIPT -- PROGRAM [ARG...]\n");
        return 2;
    }
    FILE *script = fopen(argv[i], "r");
    if (!script) {
        perror(argv[i]);
        return 2;
    }
    spawn(&d, argv + i + 2);

    char line[4096];
    int lineno = 0;
    while (fgets(line, sizeof line, script)) {
        lineno++;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *arg = strchr(line, ' ');
        if (arg)
            *arg++ = '\0';
        else
            arg = line + n;
        size_t alen = unescape(arg);
        if (!strcmp(line, "send")) {
            for (size_t k = 0; k < alen; k++) {   /* one byte at a time, as typed */
                if (write(d.master, arg + k, 1) != 1)
                    fail(&d, lineno, "cannot write to the terminal", NULL);
                pump(&d, 5);
            }
        } else if (!strcmp(line, "expect")) {
            double end = now() + d.timeout;
            for (;;) {
                char *hit = d.nlen > d.from ? strstr(d.norm + d.from, arg) : NULL;
                if (hit) {
                    d.from = (size_t)(hit - d.norm) + alen;
                    break;
                }
                if (now() > end)
                    fail(&d, lineno, "timed out waiting for", arg);
                if (pump(&d, 50) < 0 && check_child(&d)) {
                    hit = d.nlen > d.from ? strstr(d.norm + d.from, arg) : NULL;
                    if (!hit)
                        fail(&d, lineno, "the program ended before printing", arg);
                }
            }
        } else if (!strcmp(line, "absent")) {
            if (d.nlen > d.from && strstr(d.norm + d.from, arg))
                fail(&d, lineno, "unexpected output", arg);
        } else if (!strcmp(line, "settle")) {
            double end = now() + atoi(arg) / 1000.0;
            while (now() < end)
                if (pump(&d, 20) < 0)
                    break;
        } else if (!strcmp(line, "mark")) {
            d.from = d.nlen;
        } else if (!strcmp(line, "wait")) {
            int want = atoi(arg);
            double end = now() + d.timeout;
            while (!check_child(&d)) {
                if (now() > end)
                    fail(&d, lineno, "timed out waiting for the program to exit", NULL);
                pump(&d, 50);
            }
            int code = WIFEXITED(d.status) ? WEXITSTATUS(d.status) : 128 + WTERMSIG(d.status);
            if (code != want) {
                char msg[64];
                snprintf(msg, sizeof msg, "exit status %d, expected %d", code, want);
                fail(&d, lineno, msg, NULL);
            }
        } else {
            fprintf(stderr, "pty_drive: script line %d: unknown directive '%s'\n", lineno, line);
            fail(&d, lineno, "bad script", NULL);
        }
    }
    fclose(script);
    if (!check_child(&d)) {
        kill(d.pid, SIGKILL);
        waitpid(d.pid, NULL, 0);
    }
    if (d.transcript)
        fclose(d.transcript);
    free(d.norm);
    return 0;
}
