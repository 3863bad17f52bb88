/*
 * A stand-in libnvidia-ml.so.1 for tests, compiled by the test suite with gcc: the NVML symbols
 * and signatures the GPU exporter calls, returning fixed H200-like values. Compile with
 * -DSTUB_GPUS=n for the device count (default 8) and -DSTUB_LOST_GPU=i to make that GPU answer
 * GPU_IS_LOST after initialisation (as a GPU that falls off the bus does). While the file named
 * by $NVML_STUB_HANG_FILE exists, nvmlDeviceGetUtilizationRates does not return (a driver stuck
 * inside an NVML call; at most 30 s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct { unsigned int gpu; unsigned int memory; } nvmlUtilization_t;
typedef struct { unsigned long long total; unsigned long long free; unsigned long long used; } nvmlMemory_t;
typedef struct {
  unsigned int version;
  unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;
typedef struct {
  char busIdLegacy[16];
  unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;
typedef struct nvmlEventSet_st *nvmlEventSet_t;
typedef struct {
  nvmlDevice_t device;
  unsigned long long eventType;
  unsigned long long eventData;
  unsigned int gpuInstanceId, computeInstanceId;
} nvmlEventData_t;
typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId, computeInstanceId;
} nvmlProcessInfo_t;

enum { OK = 0, UNINITIALIZED = 1, INVALID_ARGUMENT = 2, NOT_SUPPORTED = 3, INSUFFICIENT_SIZE = 7, TIMEOUT = 10, GPU_IS_LOST = 15, ARGUMENT_VERSION_MISMATCH = 25 };

static int initialized = 0;
/* Handles are small integers in disguise: index + 1. */
static int index_of(nvmlDevice_t d) { return (int)(long)d - 1; }
#ifndef STUB_GPUS
#define STUB_GPUS 8
#endif
#ifndef STUB_LOST_GPU
#define STUB_LOST_GPU -1
#endif
static int count(void) { return STUB_GPUS; }
/* Identity calls still answer (the driver cached them before the GPU was lost). */
static int lost(nvmlDevice_t d) { return index_of(d) == STUB_LOST_GPU; }
#define CHECK(d) do { if (!initialized) return UNINITIALIZED; if (lost(d)) return GPU_IS_LOST; } while (0)
#define CHECK_INIT() do { if (!initialized) return UNINITIALIZED; } while (0)

nvmlReturn_t nvmlInit_v2(void) { initialized = 1; return OK; }
nvmlReturn_t nvmlShutdown(void) { initialized = 0; return OK; }
const char *nvmlErrorString(nvmlReturn_t r) {
  switch (r) { case OK: return "Success"; case NOT_SUPPORTED: return "Not Supported"; case GPU_IS_LOST: return "GPU is lost"; default: return "Unknown Error"; }
}
nvmlReturn_t nvmlSystemGetDriverVersion(char *v, unsigned int n) { snprintf(v, n, "575.57.08"); return OK; }
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *v) { if (!initialized) return UNINITIALIZED; *v = 12090; return OK; }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *c) { if (!initialized) return UNINITIALIZED; *c = count(); return OK; }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d) {
  if (!initialized) return UNINITIALIZED;
  if ((int)i >= count()) return INVALID_ARGUMENT;
  *d = (nvmlDevice_t)(long)(i + 1);
  return OK;
}
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *u, unsigned int n) { CHECK_INIT(); snprintf(u, n, "GPU-stub0000-0000-0000-0000-00000000000%d", index_of(d)); return OK; }
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *s, unsigned int n) { CHECK_INIT(); snprintf(s, n, "NVIDIA H200"); return OK; }
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *p) {
  CHECK_INIT();
  memset(p, 0, sizeof *p);
  p->bus = 0x18 + 0x10 * index_of(d);
  snprintf(p->busId, sizeof p->busId, "00000000:%02X:00.0", p->bus);
  return OK;
}
static void hang_while_asked(void) {
  const char *f = getenv("NVML_STUB_HANG_FILE");
  for (int i = 0; f && i < 600 && access(f, F_OK) == 0; i++) usleep(50000);
}
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u) { CHECK(d); hang_while_asked(); u->gpu = 80 + index_of(d); u->memory = 50; return OK; }
/* As real drivers do: v1 counts the driver's reserved memory as used, v2 reports it apart.
 * -DSTUB_NO_MEMORY_V2 builds a pre-R510 library without the v2 symbol. */
#define MEM_TOTAL (143771ULL << 20)
#define MEM_RESERVED (616ULL << 20)
#define MEM_USED (128752ULL << 20)
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m) {
  CHECK(d);
  m->total = MEM_TOTAL; m->used = MEM_USED + MEM_RESERVED; m->free = m->total - m->used;
  return OK;
}
#ifndef STUB_NO_MEMORY_V2
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *m) {
  CHECK(d);
  if (m->version != (sizeof *m | 2U << 24)) return ARGUMENT_VERSION_MISMATCH;
  m->total = MEM_TOTAL; m->reserved = MEM_RESERVED; m->used = MEM_USED;
  m->free = m->total - m->used - m->reserved;
  return OK;
}
#endif
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *t) { CHECK(d); if (sensor != 0) return INVALID_ARGUMENT; *t = 60 + index_of(d); return OK; }
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw) { CHECK(d); *mw = 612310; return OK; }
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t d, unsigned int *mw) { CHECK(d); *mw = 700000; return OK; }
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long *mj) { CHECK(d); *mj = 123456789000ULL; return OK; }
/* clock types: 0 graphics, 1 SM, 2 memory */
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, int type, unsigned int *mhz) { CHECK(d); *mhz = type == 2 ? 3201 : 1980; return OK; }
nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t d, int type, unsigned int *mhz) { CHECK(d); *mhz = type == 2 ? 3201 : 1980; return OK; }
nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t d, unsigned int *s) { CHECK(d); (void)s; return NOT_SUPPORTED; }
nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t d, int *p) { CHECK(d); *p = 0; return OK; }
/* bit 0x4 sw power cap, 0x40 hw thermal slowdown */
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t d, unsigned long long *r) { CHECK(d); *r = index_of(d) == 3 ? 0x40ULL : 0ULL; return OK; }
/* XID events: GPU 1 reports XID 31 (a GPU memory page fault) then XID 13, once; then the queue is empty. */
static int registered = 0, delivered = 0;
nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) { CHECK_INIT(); *set = (nvmlEventSet_t)(long)0x5e7; return OK; }
nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t d, unsigned long long types, nvmlEventSet_t set) {
  CHECK_INIT(); (void)set; if (!(types & 0x8ULL)) return NOT_SUPPORTED; registered++; (void)d; return OK;
}
nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
  static const unsigned long long xids[] = { 31, 13 };
  CHECK_INIT(); (void)set; (void)timeoutms;
  if (!registered || delivered >= 2) return TIMEOUT;
  memset(data, 0, sizeof *data);
  data->device = (nvmlDevice_t)(long)2; /* GPU 1 */
  data->eventType = 0x8ULL;
  data->eventData = xids[delivered++];
  return OK;
}
/* GPU 2's link trained down to x8 (a seating or riser fault). */
nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t d, unsigned int *g) { CHECK(d); *g = 5; return OK; }
nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(nvmlDevice_t d, unsigned int *g) { CHECK(d); *g = 5; return OK; }
nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t d, unsigned int *w) { CHECK(d); *w = index_of(d) == 2 ? 8 : 16; return OK; }
nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(nvmlDevice_t d, unsigned int *w) { CHECK(d); *w = 16; return OK; }
/* GPU 6 has a remap pending (after an uncorrectable error), as a GPU that needs a reset has. */
nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t d, unsigned int *corr, unsigned int *unc, unsigned int *pending, unsigned int *failed) {
  CHECK(d);
  *corr = index_of(d) == 6 ? 2 : 0; *unc = index_of(d) == 6 ? 1 : 0; *pending = index_of(d) == 6; *failed = 0;
  return OK;
}
/* errorType 1 = uncorrected, 0 = corrected; counterType 0 = volatile (since driver load), 1 = aggregate (lifetime) */
nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t d, int errorType, int counterType, unsigned long long *c) {
  CHECK(d);
  *c = errorType == 1 ? (counterType == 1 ? 1 : 0) : (counterType == 1 ? 7 : 2);
  return OK;
}
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *n, nvmlProcessInfo_t *p) {
  CHECK(d);
  if (*n < 1) { *n = 1; return INSUFFICIENT_SIZE; }
  *n = 1;
  p[0].pid = 1843377 + index_of(d); p[0].usedGpuMemory = 128732ULL << 20; p[0].gpuInstanceId = 0xFFFFFFFF; p[0].computeInstanceId = 0xFFFFFFFF;
  return OK;
}
