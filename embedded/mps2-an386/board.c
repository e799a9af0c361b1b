/* Board support for running rgc programs on an Arm MPS2 AN386 (Cortex-M4F)
 * as QEMU emulates it: reset, the three rgc platform hooks, and the few
 * newlib system calls a test program needs, over Arm semihosting (the
 * debugger, here QEMU, performs the I/O for the board).
 *
 * What a port to another board changes: link.ld's memory map, the clock in
 * rgc_platform_now_ns (any free-running counter), and where
 * rgc_platform_write sends text (a UART instead of semihosting).
 *
 * Compile-time settings (the runner passes them with -D):
 *   BOARD_ARGS  "prog","key=value",...   argv handed to main
 *   BOARD_ENV   "NAME=value",...         what getenv sees (no OS, no shell)
 */
#include "rgc.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

/* ---- semihosting ------------------------------------------------------ */
#define SYS_OPEN 0x01
#define SYS_WRITE 0x05
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static int semihost(int op, const void *arg) {
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* ":tt" opened for writing is the debugger's stdout, for appending its stderr. */
static int console(int append) {
    static int handles[2] = { -1, -1 };
    if (handles[append] < 0) {
        uint32_t args[3] = { (uint32_t)":tt", append ? 8 : 4, 3 };
        handles[append] = semihost(SYS_OPEN, args);
    }
    return handles[append];
}

static void console_write(int fd, const void *buf, size_t len) {
    uint32_t args[3] = { (uint32_t)console(fd == 2), (uint32_t)buf, (uint32_t)len };
    semihost(SYS_WRITE, args);
}

__attribute__((noreturn)) void _exit(int code) {
    uint32_t args[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code };
    for (;;) semihost(SYS_EXIT_EXTENDED, args);
}

/* ---- the rgc platform hooks (rgc.h, "Bare-metal platform hooks") ------- */

/* CMSDK APB dual timer, timer 1, counting down from 0xFFFFFFFF at the
 * 25 MHz system clock; extended to 64 bits by noticing wraps (one read per
 * 171 s of board time is enough, and every pause reads it). Under QEMU's
 * -icount shift=3 an instruction takes 8 virtual nanoseconds, so times are
 * instruction counts times 8 (to a resolution of 40 ns, 5 instructions). */
#define TIMER1 ((volatile uint32_t *)0x40002000u)
#define TIMER_LOAD 0
#define TIMER_VALUE 1
#define TIMER_CONTROL 2
#define NS_PER_TICK 40u

static void clock_start(void) {
    TIMER1[TIMER_LOAD] = 0xFFFFFFFFu;
    TIMER1[TIMER_CONTROL] = 0x82u; /* enabled, free-running, 32-bit, no prescale */
}

uint64_t rgc_platform_now_ns(void) {
    static uint32_t last, wraps;
    uint32_t ticks = ~TIMER1[TIMER_VALUE];
    if (ticks < last) wraps++;
    last = ticks;
    return (((uint64_t)wraps << 32) | ticks) * NS_PER_TICK;
}

void rgc_platform_write(const char *msg, size_t len) { console_write(2, msg, len); }

__attribute__((noreturn)) void rgc_platform_abort(void) {
    static const char text[] = "board: abort\n";
    console_write(2, text, sizeof text - 1);
    _exit(134); /* what a shell reports for SIGABRT */
}

/* newlib's abort() raises SIGABRT through _kill; there are no signals here. */
void abort(void) { rgc_platform_abort(); }

/* ---- newlib system calls ---------------------------------------------- */
extern char board_heap_start[], board_heap_end[];

void *_sbrk(ptrdiff_t incr) {
    static char *brk = board_heap_start;
    if (incr > board_heap_end - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *old = brk;
    brk += incr;
    return old;
}

int _write(int fd, const void *buf, size_t len) {
    console_write(fd, buf, len);
    return (int)len;
}
int _read(int fd, void *buf, size_t len) { (void)fd, (void)buf, (void)len; return 0; }
int _close(int fd) { (void)fd; return -1; }
int _lseek(int fd, int off, int whence) { (void)fd, (void)off, (void)whence; return 0; }
int _isatty(int fd) { (void)fd; return 1; }
int _fstat(int fd, struct stat *st) { (void)fd; st->st_mode = S_IFCHR; return 0; }
int _getpid(void) { return 1; }
int _kill(int pid, int sig) { (void)pid, (void)sig; errno = EINVAL; return -1; }

/* Rust's core and libgcc's helpers carry Arm unwind tables that name
 * these personality routines. Nothing unwinds here (rgc and the programs
 * abort on panic, C has no exceptions), so defining them keeps libgcc's
 * unwinder (about 3 KB) out of the image; reaching one is a bug. */
void __aeabi_unwind_cpp_pr0(void) { rgc_platform_abort(); }
void __aeabi_unwind_cpp_pr1(void) { rgc_platform_abort(); }
void __aeabi_unwind_cpp_pr2(void) { rgc_platform_abort(); }

/* ---- reset ------------------------------------------------------------ */
#ifndef BOARD_ARGS
#define BOARD_ARGS "program"
#endif
#ifndef BOARD_ENV
#define BOARD_ENV NULL
#endif
static char *board_argv[] = { BOARD_ARGS, NULL };
static char *board_env[] = { BOARD_ENV, NULL };
extern char **environ;

extern uint32_t board_data_load[], board_data_start[], board_data_end[], board_bss_start[], board_bss_end[];
extern char board_stack_top[];
extern void __libc_init_array(void);
/* Called by __libc_init_array; the crti/crtn that usually define them are
 * not linked (-nostartfiles), and there is nothing for them to do. */
void _init(void) {}
void _fini(void) {}
extern void exit(int) __attribute__((noreturn));
int main(int argc, char **argv);

__attribute__((noreturn)) void board_reset(void) {
    memcpy(board_data_start, board_data_load, (size_t)((char *)board_data_end - (char *)board_data_start));
    memset(board_bss_start, 0, (size_t)((char *)board_bss_end - (char *)board_bss_start));
    /* The FPU: full access for CP10 and CP11 (the hard-float ABI uses it). */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb");
    environ = board_env;
    clock_start();
    __libc_init_array();
    exit(main((int)(sizeof board_argv / sizeof *board_argv) - 1, board_argv));
}

__attribute__((noreturn)) static void board_fault(void) {
    static const char text[] = "board: hard fault (bad memory access or invalid instruction)\n";
    console_write(2, text, sizeof text - 1);
    _exit(135);
}

/* Initial stack pointer, then the handlers: reset, NMI, hard fault, and
 * the remaining faults (memory management, bus, usage) to the same report. */
__attribute__((section(".vectors"), used)) static void *const board_vectors[7] = {
    board_stack_top, (void *)board_reset, (void *)board_fault, (void *)board_fault,
    (void *)board_fault, (void *)board_fault, (void *)board_fault,
};
