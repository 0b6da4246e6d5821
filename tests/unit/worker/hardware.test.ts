import { describe, expect, it } from 'vitest';

import { detectHardware, parseNvidiaSmi } from '../../../src/worker/runtime/hardware';

describe('hardware detection', () => {
  it('reads each GPU of nvidia-smi’s CSV: name, VRAM in MiB, compute capability × 10', () => {
    const csv = 'NVIDIA H100 80GB HBM3, 81559, 9.0\nNVIDIA GeForce RTX 4090, 24564, 8.9\n\n';
    expect(parseNvidiaSmi(csv)).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', vram_mib: 81559, compute_capability_x10: 90 },
      { name: 'NVIDIA GeForce RTX 4090', vram_mib: 24564, compute_capability_x10: 89 },
    ]);
    expect(parseNvidiaSmi('Tesla T4, [N/A], [N/A]')).toEqual([{ name: 'Tesla T4', vram_mib: 0, compute_capability_x10: 0 }]);
    expect(parseNvidiaSmi('')).toEqual([]);
  });

  it('reports this machine’s CPU and memory, and no GPU where nvidia-smi is absent or fails', async () => {
    const hardware = await detectHardware();
    expect(hardware.cpu_cores).toBeGreaterThan(0);
    expect(hardware.ram_mib).toBeGreaterThan(100);
    expect(Array.isArray(hardware.gpus)).toBe(true);
  });
});
