// Stats in stable memory as unsigned LEB128 varints: the counters in COUNTERS order, then the histogram's non-empty
// bins as (bin, count) pairs. Most counters of a bucket are small or zero, so a bucket takes tens of bytes, and
// this costs far less to write on every event than Candid of a 20-field record. Pure: no 'azle' import.
import { BINS } from './histogram';
import { COUNTERS, emptyStats, type Stats } from './stats';

// Counters are mostly small: those below 2^31 are written with number arithmetic, far cheaper than bigint's.
const SMALL = 0x80000000n;

function writeVarint(out: number[], value: bigint): void {
  if (value < 0n) throw new Error('stats codec: negative value');
  if (value < SMALL) {
    let small = Number(value);
    while (small >= 0x80) {
      out.push((small & 0x7f) | 0x80);
      small >>>= 7;
    }
    out.push(small);
    return;
  }
  do {
    const low = Number(value & 0x7fn);
    value >>= 7n;
    out.push(value === 0n ? low : low | 0x80);
  } while (value !== 0n);
}

function reader(bytes: Uint8Array) {
  let at = 0;
  return {
    varint(): bigint {
      let value = 0n;
      let shift = 0n;
      for (;;) {
        if (at >= bytes.length) throw new Error('stats codec: truncated');
        const byte = bytes[at++];
        value |= BigInt(byte & 0x7f) << shift;
        if ((byte & 0x80) === 0) return value;
        shift += 7n;
      }
    },
    done: () => at === bytes.length,
  };
}

export function encodeStats(stats: Stats): Uint8Array {
  const out: number[] = [];
  for (const counter of COUNTERS) writeVarint(out, stats[counter]);
  const bins = stats.latency.flatMap((count, bin) => (count > 0 ? [bin] : []));
  writeVarint(out, BigInt(bins.length));
  for (const bin of bins) {
    writeVarint(out, BigInt(bin));
    writeVarint(out, BigInt(stats.latency[bin]));
  }
  return Uint8Array.from(out);
}

export function decodeStats(bytes: Uint8Array): Stats {
  const read = reader(bytes);
  const stats = emptyStats();
  for (const counter of COUNTERS) stats[counter] = read.varint();
  const bins = Number(read.varint());
  for (let i = 0; i < bins; i++) {
    const bin = Number(read.varint());
    if (bin >= BINS) throw new Error(`stats codec: bin ${bin} out of range`);
    stats.latency[bin] = Number(read.varint());
  }
  if (!read.done()) throw new Error('stats codec: trailing bytes');
  return stats;
}
