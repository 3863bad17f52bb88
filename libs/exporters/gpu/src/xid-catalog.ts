/**
 * The XID codes an LLM server meets most, with what NVIDIA's XID catalog says they mean and
 * what to do (paraphrased from https://docs.nvidia.com/deploy/xid-errors/). Their counters are
 * exported from 0, so the first one is seen by increase(); any other code is counted too, from
 * its first occurrence. No dependencies: the dashboards import it for their value mappings.
 */
export const XID_CATALOG: readonly { readonly code: number; readonly meaning: string }[] = [
  {
    code: 13,
    meaning: 'Graphics engine exception: usually the application (bad address, illegal instruction)',
  },
  { code: 31, meaning: 'GPU memory page fault: usually the application (illegal memory access)' },
  { code: 43, meaning: 'GPU stopped processing: the application faulted; the GPU is fine' },
  { code: 45, meaning: 'Preemptive cleanup: a process was killed, often after another XID' },
  { code: 48, meaning: 'Double-bit ECC error: uncorrectable memory error; reset the GPU' },
  { code: 63, meaning: 'Row remap / page retirement recorded: reset the GPU to apply it' },
  { code: 64, meaning: 'Row remap / page retirement failed: service the GPU' },
  { code: 74, meaning: 'NVLink error: check the links; reset the GPU or reseat' },
  { code: 79, meaning: 'GPU has fallen off the bus: reboot; check power, PCIe and cooling' },
  { code: 92, meaning: 'High single-bit ECC error rate: watch it; a replacement may follow' },
  { code: 94, meaning: 'Contained ECC error: the affected application stopped; reset when convenient' },
  { code: 95, meaning: 'Uncontained ECC error: every application on the GPU affected; reset now' },
  { code: 119, meaning: 'GSP RPC timeout: the GPU System Processor did not answer; reset or reboot' },
  { code: 120, meaning: 'GSP error: the GPU System Processor reported an error; reset the GPU' },
  { code: 154, meaning: 'Recovery action changed: the driver asks for a GPU reset or a reboot' },
];
