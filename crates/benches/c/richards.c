/* richards: Martin Richards' OS task-scheduler simulation, the classic
 * interpreter benchmark. Mostly mutator work: packets move between task
 * queues through pointer stores (each one an RGC_STORE), with a fresh
 * scheduler allocated per iteration. Shows barrier and allocation overhead.
 * Parameters: iterations=20000 count=1000 (idle-task count per iteration) */
#include "scenario.h"

enum { ID_IDLE, ID_WORKER, ID_HANDLER_A, ID_HANDLER_B, ID_DEVICE_A, ID_DEVICE_B, NUMBER_OF_IDS };
enum { KIND_DEVICE, KIND_WORK };
enum { DATA_SIZE = 4 };
enum { STATE_RUNNING = 0, STATE_RUNNABLE = 1, STATE_SUSPENDED = 2, STATE_HELD = 4,
       STATE_SUSPENDED_RUNNABLE = STATE_SUSPENDED | STATE_RUNNABLE, STATE_NOT_HELD = ~STATE_HELD };
enum { TASK_IDLE, TASK_WORKER, TASK_HANDLER, TASK_DEVICE };

typedef struct Packet { struct Packet *link; long id, kind, a1, a2[DATA_SIZE]; } Packet;
static const uint32_t packet_ptrs[] = { offsetof(Packet, link) };
static rgc_type Packet_t = { .size = sizeof(Packet), .ptr_offsets = packet_ptrs, .num_ptrs = 1, .name = "Packet" };

/* One task type for the four kinds: p1/p2 are packet queues, v1/v2 numbers. */
typedef struct Task { Packet *p1, *p2; long kind, v1, v2, count; } Task;
static const uint32_t task_ptrs[] = { offsetof(Task, p1), offsetof(Task, p2) };
static rgc_type Task_t = { .size = sizeof(Task), .ptr_offsets = task_ptrs, .num_ptrs = 2, .name = "Task" };

typedef struct Tcb { struct Tcb *link; Packet *queue; Task *task; long id, priority, state; } Tcb;
static const uint32_t tcb_ptrs[] = { offsetof(Tcb, link), offsetof(Tcb, queue), offsetof(Tcb, task) };
static rgc_type Tcb_t = { .size = sizeof(Tcb), .ptr_offsets = tcb_ptrs, .num_ptrs = 3, .name = "Tcb" };

typedef struct Sched { Tcb *blocks[NUMBER_OF_IDS]; Tcb *list, *current; long current_id, queue_count, hold_count; } Sched;
static const uint32_t sched_ptrs[] = { 0, 8, 16, 24, 32, 40, offsetof(Sched, list), offsetof(Sched, current) };
static rgc_type Sched_t = { .size = sizeof(Sched), .ptr_offsets = sched_ptrs, .num_ptrs = 8, .name = "Sched" };
_Static_assert(offsetof(Sched, blocks) == 0 && sizeof(Tcb *) == 8, "Sched layout");

static Sched *S; /* the scheduler of the current iteration; also in a frame slot */

static Packet *packet_add_to(Packet *p, Packet *queue) {
    RGC_STORE(p, p->link, (Packet *)NULL);
    if (!queue) return p;
    Packet *next = queue, *peek;
    while ((peek = next->link)) next = peek;
    RGC_STORE(next, next->link, p);
    return queue;
}

static Tcb *tcb_check_priority_add(Tcb *t, Tcb *task, Packet *packet) {
    if (!t->queue) {
        RGC_STORE(t, t->queue, packet);
        t->state |= STATE_RUNNABLE;
        if (t->priority > task->priority) return t;
    } else {
        RGC_STORE(t, t->queue, packet_add_to(packet, t->queue));
    }
    return task;
}

static Tcb *release(long id) {
    Tcb *t = S->blocks[id];
    if (!t) return t;
    t->state &= STATE_NOT_HELD;
    return t->priority > S->current->priority ? t : S->current;
}
static Tcb *hold_current(void) {
    S->hold_count++;
    S->current->state |= STATE_HELD;
    return S->current->link;
}
static Tcb *suspend_current(void) {
    S->current->state |= STATE_SUSPENDED;
    return S->current;
}
static Tcb *queue_packet(Packet *packet) {
    Tcb *t = S->blocks[packet->id];
    if (!t) return t;
    S->queue_count++;
    RGC_STORE(packet, packet->link, (Packet *)NULL);
    packet->id = S->current_id;
    return tcb_check_priority_add(t, S->current, packet);
}

static Tcb *run_task(Task *task, Packet *packet) {
    switch (task->kind) {
    case TASK_IDLE:
        if (--task->count == 0) return hold_current();
        if ((task->v1 & 1) == 0) {
            task->v1 >>= 1;
            return release(ID_DEVICE_A);
        }
        task->v1 = (task->v1 >> 1) ^ 0xD008;
        return release(ID_DEVICE_B);
    case TASK_DEVICE:
        if (!packet) {
            if (!task->p1) return suspend_current();
            Packet *v = task->p1;
            RGC_STORE(task, task->p1, (Packet *)NULL);
            return queue_packet(v);
        }
        RGC_STORE(task, task->p1, packet);
        return hold_current();
    case TASK_WORKER:
        if (!packet) return suspend_current();
        task->v1 = task->v1 == ID_HANDLER_A ? ID_HANDLER_B : ID_HANDLER_A;
        packet->id = task->v1;
        packet->a1 = 0;
        for (int i = 0; i < DATA_SIZE; i++) {
            if (++task->v2 > 26) task->v2 = 1;
            packet->a2[i] = task->v2;
        }
        return queue_packet(packet);
    default: /* TASK_HANDLER: p1 work packets, p2 device packets */
        if (packet) {
            if (packet->kind == KIND_WORK) RGC_STORE(task, task->p1, packet_add_to(packet, task->p1));
            else RGC_STORE(task, task->p2, packet_add_to(packet, task->p2));
        }
        if (task->p1) {
            long count = task->p1->a1;
            if (count < DATA_SIZE) {
                if (task->p2) {
                    Packet *v = task->p2;
                    RGC_STORE(task, task->p2, task->p2->link);
                    v->a1 = task->p1->a2[count];
                    task->p1->a1 = count + 1;
                    return queue_packet(v);
                }
            } else {
                Packet *v = task->p1;
                RGC_STORE(task, task->p1, task->p1->link);
                return queue_packet(v);
            }
        }
        return suspend_current();
    }
}

static Tcb *tcb_run(Tcb *t) {
    Packet *packet = NULL;
    if (t->state == STATE_SUSPENDED_RUNNABLE) {
        packet = t->queue;
        RGC_STORE(t, t->queue, packet->link);
        t->state = t->queue ? STATE_RUNNABLE : STATE_RUNNING;
    }
    return run_task(t->task, packet);
}

/* Allocation happens only here; everything new is rooted through S or f. */
static void add_task(void **f, long id, long priority, long kind, long v1, long count) {
    f[1] = sc_check_alloc(rgc_alloc(&Task_t));
    Task *task = f[1];
    task->kind = kind;
    task->v1 = v1;
    task->count = count;
    Tcb *t = sc_check_alloc(rgc_alloc(&Tcb_t));
    S = f[0];
    task = f[1];
    t->id = id;
    t->priority = priority;
    RGC_STORE(t, t->queue, (Packet *)f[2]);
    RGC_STORE(t, t->task, task);
    RGC_STORE(t, t->link, S->list);
    t->state = f[2] ? STATE_SUSPENDED_RUNNABLE : STATE_SUSPENDED;
    RGC_STORE(S, S->list, t);
    RGC_STORE(S, S->current, t);
    RGC_STORE(S, S->blocks[id], t);
    f[1] = f[2] = NULL;
}
static void push_packet(void **f, long id, long kind) {
    Packet *p = sc_check_alloc(rgc_alloc(&Packet_t));
    RGC_STORE(p, p->link, (Packet *)f[2]);
    p->id = id;
    p->kind = kind;
    f[2] = p;
}

static void run_richards(void **f, long count) {
    f[0] = sc_check_alloc(rgc_alloc(&Sched_t)); /* f[1]: task being built, f[2]: packet queue */
    add_task(f, ID_IDLE, 0, TASK_IDLE, 1, count);
    ((Sched *)f[0])->current->state = STATE_RUNNING;
    push_packet(f, ID_WORKER, KIND_WORK);
    push_packet(f, ID_WORKER, KIND_WORK);
    add_task(f, ID_WORKER, 1000, TASK_WORKER, ID_HANDLER_A, 0);
    for (int k = 0; k < 3; k++) push_packet(f, ID_DEVICE_A, KIND_DEVICE);
    add_task(f, ID_HANDLER_A, 2000, TASK_HANDLER, 0, 0);
    for (int k = 0; k < 3; k++) push_packet(f, ID_DEVICE_B, KIND_DEVICE);
    add_task(f, ID_HANDLER_B, 3000, TASK_HANDLER, 0, 0);
    add_task(f, ID_DEVICE_A, 4000, TASK_DEVICE, 0, 0);
    add_task(f, ID_DEVICE_B, 5000, TASK_DEVICE, 0, 0);
    S = f[0];
    /* schedule(): no allocation below, so plain pointers stay valid. */
    RGC_STORE(S, S->current, S->list);
    while (S->current) {
        Tcb *t = S->current;
        if ((t->state & STATE_HELD) || t->state == STATE_SUSPENDED) {
            RGC_STORE(S, S->current, t->link);
        } else {
            S->current_id = t->id;
            RGC_STORE(S, S->current, tcb_run(t));
        }
    }
}

int main(int argc, char **argv) {
    sc_begin(argc, argv, "richards");
    long iterations = sc_scaled("iterations", 20000);
    long count = sc_param_long("count", 1000);
    /* One scheduler's objects: 6 tasks and control blocks, 8 packets. */
    sc_init_heap(sizeof(Sched) + NUMBER_OF_IDS * (sizeof(Task) + sizeof(Tcb)) + 8 * sizeof(Packet));
    RGC_FRAME(f, 3);
    uint64_t checksum = 0;
    sc_run_start();
    for (long i = 0; i < iterations; i++) {
        run_richards(f, count);
        S = f[0];
        if (count == 1000 && (S->queue_count != 2322 || S->hold_count != 928))
            sc_die("wrong result: queue count %ld, hold count %ld", S->queue_count, S->hold_count);
        checksum += (uint64_t)(S->queue_count + S->hold_count);
        f[0] = NULL;
    }
    sc_run_end();
    char extra[64];
    snprintf(extra, sizeof extra, "\"iterations\":%ld", iterations);
    sc_finish(checksum, extra);
    RGC_POP(f);
    return 0;
}
