/* bdwgc's printf-style entry points. They are variadic, which stable Rust
 * cannot define, so they are C, reached through the exported Rust symbols
 * of libs/boehm/src/printf.rs. Like bdwgc's, they format into a buffer
 * and write it to the file descriptor unbuffered: GC_printf to standard
 * output, GC_err_printf to standard error, GC_log_printf to the
 * descriptor GC_set_log_fd chose (standard error until then). */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static int log_fd = 2;

static void write_formatted(int fd, const char *format, va_list args) {
    char buf[1024];
    int n = vsnprintf(buf, sizeof buf, format, args);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    for (size_t done = 0; done < len;) {
        ssize_t w = write(fd, buf + done, len - done);
        if (w <= 0) return;
        done += (size_t)w;
    }
}

void rgc_boehm_printf(const char *format, ...) {
    va_list args;
    va_start(args, format);
    write_formatted(1, format, args);
    va_end(args);
}

void rgc_boehm_err_printf(const char *format, ...) {
    va_list args;
    va_start(args, format);
    write_formatted(2, format, args);
    va_end(args);
}

void rgc_boehm_log_printf(const char *format, ...) {
    va_list args;
    va_start(args, format);
    write_formatted(log_fd, format, args);
    va_end(args);
}

void rgc_boehm_set_log_fd(int fd) { log_fd = fd; }
