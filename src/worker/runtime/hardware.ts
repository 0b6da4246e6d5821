// What the worker runs on, as it reports it when registering: CPU, memory, and NVIDIA GPUs when nvidia-smi is
// there (its absence, or any failure of it, means no usable NVIDIA GPU, not an error).
import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export type Gpu = { name: string; vram_mib: number; compute_capability_x10: number };
export type Hardware = { cpu_model: string; cpu_cores: number; ram_mib: number; gpus: Gpu[] };

/** One GPU per line of `nvidia-smi --query-gpu=name,memory.total,compute_cap --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(csv: string): Gpu[] {
  const gpus: Gpu[] = [];
  for (const line of csv.split('\n')) {
    const [name, memory, capability] = line.split(',').map((field) => field.trim());
    if (!name || memory === undefined) continue;
    const vram = Number(memory);
    const cc = Number(capability);
    gpus.push({ name, vram_mib: Number.isFinite(vram) ? vram : 0, compute_capability_x10: Number.isFinite(cc) ? Math.round(cc * 10) : 0 });
  }
  return gpus;
}

function nvidiaGpus(): Promise<Gpu[]> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=name,memory.total,compute_cap', '--format=csv,noheader,nounits'],
      { timeout: 5_000 },
      (error, stdout) => resolve(error ? [] : parseNvidiaSmi(stdout)),
    );
  });
}

export async function detectHardware(): Promise<Hardware> {
  const cores = cpus();
  return {
    cpu_model: cores[0]?.model.trim() ?? 'unknown',
    cpu_cores: cores.length,
    ram_mib: Math.floor(totalmem() / 1024 / 1024),
    gpus: await nvidiaGpus(),
  };
}
