/*
 * casfs-forward: runs a casfs command in the daemon that owns its repository, without starting a
 * JVM. A laptop's daemon ('casfs mount', 'casfs peer') owns the repository, so every command typed
 * there runs inside it through REPO/control.sock; the Java client that forwards it cost ~0.1 s of
 * JVM start per command, this one ~1 ms. tools/casfs builds it with cc when it can and falls back
 * to the Java client (org.casfs.tools.daemon.ControlClient) when it cannot.
 *
 * The same rules as ControlClient: a repository command (REPO_COMMANDS, kept equal to
 * RepoArguments.COMMANDS by RepoArgumentsTest), its repository from --repo or $CASFS_REPO, and a
 * daemon listening on REPO/control.sock. The request and the response frames are those of
 * ControlProtocol. Whenever the command is not simply forwardable (no socket, nobody listening,
 * help asked, an argument over the protocol's limits), it exits NOT_SERVED before sending
 * anything and the launcher runs the Java CLI, which decides as before.
 *
 *   casfs-forward ARGS...   exit: the command's exit code, 5 if the daemon went away, or NOT_SERVED
 */
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define NOT_SERVED 120
#define EXIT_OK 0
#define EXIT_IO 5
#define EXIT_BROKEN_PIPE 141 /* 128 + SIGPIPE: ExitCode.BROKEN_PIPE */
#define MAGIC 0x63736631u /* "csf1" */
#define MAX_STRING (64 << 10)
#define MAX_ARGS 4096
#define MAX_ENV 256
#define MAX_FRAME (64 << 10)

extern char **environ;

static const char *REPO_COMMANDS[] = {
    "abort", "cat", "channel", "checkout", "commit", "delta", "diff", "fsck", "gc", "history", "import",
    "init", "log", "ls", "mirror", "mount", "peer", "pin", "pull", "rollback", "serve", "show", "sign",
    "status", "switch", "trust", "unpin", NULL};

/* A growable byte buffer for the request, sent in one write. */
struct buf {
  char *data;
  size_t len, cap;
};

static void put(struct buf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    b->data = realloc(b->data, cap);
    if (!b->data) exit(NOT_SERVED);
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void put_int(struct buf *b, uint32_t v) {
  unsigned char be[4] = {v >> 24, v >> 16, v >> 8, v};
  put(b, be, 4);
}

static void put_string(struct buf *b, const char *s) {
  size_t n = strlen(s);
  if (n > MAX_STRING) exit(NOT_SERVED); /* the Java client reports it */
  put_int(b, (uint32_t)n);
  put(b, s, n);
}

static int is_repo_command(const char *name) {
  for (const char **c = REPO_COMMANDS; *c; c++) {
    if (strcmp(*c, name) == 0) return 1;
  }
  return 0;
}

/* p resolved against cwd, with "." and ".." segments removed as java.nio's normalize() does. */
static char *absolute_normalized(const char *cwd, const char *p) {
  size_t n = strlen(cwd) + strlen(p) + 2;
  char *joined = malloc(n), *out = malloc(n + 1);
  if (!joined || !out) exit(NOT_SERVED);
  if (p[0] == '/') snprintf(joined, n, "%s", p);
  else snprintf(joined, n, "%s/%s", cwd, p);
  size_t len = 0;
  for (char *seg = strtok(joined, "/"); seg; seg = strtok(NULL, "/")) {
    if (strcmp(seg, ".") == 0) continue;
    if (strcmp(seg, "..") == 0) {
      while (len > 0 && out[len - 1] != '/') len--;
      if (len > 0) len--;
      continue;
    }
    out[len++] = '/';
    memcpy(out + len, seg, strlen(seg));
    len += strlen(seg);
  }
  if (len == 0) out[len++] = '/';
  out[len] = '\0';
  free(joined);
  return out;
}

/* 1 if s is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
static int is_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    if (*p < 0x80) { p++; continue; }
    int n = *p >= 0xc2 && *p <= 0xdf ? 2 : *p >= 0xe0 && *p <= 0xef ? 3 : *p >= 0xf0 && *p <= 0xf4 ? 4 : 0;
    if (n == 0) return 0;
    for (int k = 1; k < n; k++) {
      if ((p[k] & 0xc0) != 0x80) return 0;
    }
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) || (p[0] == 0xf0 && p[1] < 0x90)
        || (p[0] == 0xf4 && p[1] > 0x8f)) return 0;
    p += n;
  }
  return 1;
}

/* The repository the arguments name, or NULL when the command is not one to forward. */
static char *repo_or_null(const char *cwd, int argc, char **argv) {
  if (argc < 2 || !is_repo_command(argv[1])) return NULL;
  const char *option = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) break;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) return NULL;
    if (strcmp(a, "--repo") == 0 && i + 1 < argc) option = argv[++i];
    else if (strncmp(a, "--repo=", 7) == 0) option = a + 7;
  }
  if (!option) {
    const char *env = getenv("CASFS_REPO");
    if (!env || strspn(env, " \t\n\r\f\v") == strlen(env)) return NULL;
    option = env;
  }
  /* An empty --repo or a path that is not UTF-8: the Java CLI refuses it in one line. */
  if (!*option || !is_utf8(option)) return NULL;
  char *dir = absolute_normalized(cwd, option);
  struct stat st;
  return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? dir : NULL;
}

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* cwd, terminal, the CASFS_* environment (CASFS_REPO and CASFS_KEY absolute), the arguments. */
static void build_request(struct buf *b, const char *cwd, const char *repo, int argc, char **argv) {
  char *vars[MAX_ENV];
  int nvars = 0;
  for (char **e = environ; *e; e++) {
    if (strncmp(*e, "CASFS_", 6) != 0 || strncmp(*e, "CASFS_CLASSPATH=", 16) == 0
        || strncmp(*e, "CASFS_REPO=", 11) == 0 || !strchr(*e, '=')) {
      continue;
    }
    if (nvars == MAX_ENV - 1) exit(NOT_SERVED);
    vars[nvars++] = *e;
  }
  qsort(vars, nvars, sizeof vars[0], compare_strings);
  if (argc - 1 > MAX_ARGS) exit(NOT_SERVED);

  put_int(b, MAGIC);
  put_string(b, cwd);
  unsigned char terminal = isatty(0) && isatty(1);
  put(b, &terminal, 1);
  put_int(b, (uint32_t)nvars + 1);
  put_string(b, "CASFS_REPO");
  put_string(b, repo);
  for (int i = 0; i < nvars; i++) {
    char *eq = strchr(vars[i], '=');
    *eq = '\0';
    put_string(b, vars[i]);
    const char *value = eq + 1;
    if (strcmp(vars[i], "CASFS_KEY") == 0 && value[0] != '/') {
      size_t n = strlen(cwd) + strlen(value) + 2;
      char *key = malloc(n);
      if (!key) exit(NOT_SERVED);
      snprintf(key, n, "%s/%s", cwd, value);
      put_string(b, key);
    } else {
      put_string(b, value);
    }
    *eq = '=';
  }
  put_int(b, (uint32_t)argc - 1);
  for (int i = 1; i < argc; i++) put_string(b, argv[i]);
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* 1 when n bytes were read, 0 at end of stream, -1 on an error. */
static int read_fully(int fd, unsigned char *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) return got == 0 ? 0 : -1;
    got += (size_t)r;
  }
  return 1;
}

static void joined_args(char *out, size_t cap, int argc, char **argv) {
  size_t len = 0;
  out[0] = '\0';
  for (int i = 1; i < argc && len + 1 < cap; i++) {
    len += (size_t)snprintf(out + len, cap - len, i > 1 ? " %s" : "%s", argv[i]);
  }
}

static int fail(const char *repo, const char *why, int argc, char **argv) {
  char args[1024];
  joined_args(args, sizeof args, argc, argv);
  if (why) {
    fprintf(stderr, "casfs: talking to the casfs daemon at %s/control.sock failed (%s); look at 'casfs status' "
        "and run it again\n", repo, why);
  } else {
    fprintf(stderr, "casfs: the casfs daemon holding %s stopped before 'casfs %s' finished; look at 'casfs status' "
        "and run it again\n", repo, args);
  }
  return EXIT_IO;
}

/*
 * Copies the response frames to stdout and stderr; returns the exit frame's code. Once stdout or
 * stderr fails, what is meant for it is read and dropped, so that the command runs to its end as in
 * a JVM of its own; a failed stdout then ends a command that succeeded as the Java CLI ends it
 * (StandardOutput, ErrorReporter.outputChecked): one line and exit 5, or nothing and 141 for a pipe
 * whose reader went away.
 */
static int copy_response(int sock, const char *repo, int argc, char **argv) {
  static unsigned char frame[MAX_FRAME];
  int stdout_errno = 0, stderr_failed = 0;
  for (;;) {
    unsigned char head[5];
    int r = read_fully(sock, head, 5);
    if (r <= 0) return r == 0 ? fail(repo, NULL, argc, argv) : fail(repo, strerror(errno), argc, argv);
    uint32_t len = (uint32_t)head[1] << 24 | (uint32_t)head[2] << 16 | (uint32_t)head[3] << 8 | head[4];
    if (len > MAX_FRAME) return fail(repo, "a response frame over 64 KiB", argc, argv);
    r = read_fully(sock, frame, len);
    if (r <= 0 && len > 0) return fail(repo, NULL, argc, argv);
    switch (head[0]) {
      case 'o':
        if (!stdout_errno && write_all(1, (char *)frame, len) < 0) stdout_errno = errno ? errno : EIO;
        break;
      case 'e':
        if (!stderr_failed && write_all(2, (char *)frame, len) < 0) stderr_failed = 1;
        break;
      case 'x': {
        if (len != 4) return fail(repo, "an exit frame not of 4 bytes", argc, argv);
        int code = (int)((uint32_t)frame[0] << 24 | (uint32_t)frame[1] << 16 | (uint32_t)frame[2] << 8 | frame[3]);
        if (code != EXIT_OK || !stdout_errno) return code;
        if (stdout_errno == EPIPE) return EXIT_BROKEN_PIPE;
        /* StandardOutput.describe */
        fprintf(stderr, "casfs: cannot write to standard output: %s; the output is lost: check where it goes (a full"
            " disk, a closed file)\n", strerror(stdout_errno));
        return EXIT_IO;
      }
      default:
        return fail(repo, "an unknown response frame", argc, argv);
    }
  }
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN); /* a closed stdout is an error of write(), reported like the Java client's */
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return NOT_SERVED;
  char *repo = repo_or_null(cwd, argc, argv);
  if (!repo) return NOT_SERVED;

  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/control.sock", repo) >= sizeof addr.sun_path) {
    /* Too long for sun_path: name it through a descriptor of the repository's directory, as the
     * daemon bound it (ControlSocketAddress). */
    int dir = open(repo, O_PATH | O_CLOEXEC);
    if (dir < 0) return NOT_SERVED;
    snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/control.sock", dir);
  }
  struct stat st;
  if (stat(addr.sun_path, &st) != 0) return NOT_SERVED; /* a daemon starting: the Java client waits */
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) {
    return NOT_SERVED; /* stale: its daemon died */
  }
  struct buf req = {0};
  build_request(&req, cwd, repo, argc, argv);
  if (write_all(sock, req.data, req.len) < 0) return fail(repo, strerror(errno), argc, argv);
  return copy_response(sock, repo, argc, argv);
}
