// Durations, "time ago", countdowns and CSV fields.
import { describe, expect, it } from 'vitest';

import { toCsv } from '../../../src/frontend/lib/format/csv';
import { formatBytes, fromHex, toHex, variantWords } from '../../../src/frontend/lib/format/misc';
import { countdown, formatDuration, formatDurationNs, msToNs, timeAgo } from '../../../src/frontend/lib/format/time';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);

describe('durations', () => {
  it('uses the two largest units', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_000)).toBe('12 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 59_000)).toBe('3 d 4 h');
    expect(formatDuration(86_400_000)).toBe('1 d');
    expect(formatDuration(-5)).toBe('0 ms');
    expect(formatDurationNs(7n * 86_400n * 1_000_000_000n)).toBe('7 d');
  });

  it('says how long ago, or how long until', () => {
    expect(timeAgo(msToNs(NOW - 3_000), NOW)).toBe('just now');
    expect(timeAgo(msToNs(NOW - 5 * 60_000), NOW)).toBe('5 minutes ago');
    expect(timeAgo(msToNs(NOW - 60_000), NOW)).toBe('1 minute ago');
    expect(timeAgo(msToNs(NOW - 2 * 86_400_000), NOW)).toBe('2 days ago');
    expect(timeAgo(msToNs(NOW + 3 * 3_600_000), NOW)).toBe('in 3 hours');
    expect(countdown(msToNs(NOW + 90_000), NOW)).toBe('1 min 30 s left');
    expect(countdown(msToNs(NOW - 1), NOW)).toBe('ended');
  });
});

describe('small formats', () => {
  it('sizes, hex and variant names', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(4_368_709_120n)).toBe('4.1 GiB');
    expect(toHex(new Uint8Array([0, 15, 255]))).toBe('000fff');
    expect(fromHex('000FFF')).toEqual(new Uint8Array([0, 15, 255]));
    expect(fromHex('abc')).toBeUndefined();
    expect(variantWords({ text_generation: null })).toBe('text generation');
    expect(variantWords({ other: 'vision' })).toBe('vision');
  });

  it('writes RFC 4180 CSV', () => {
    expect(toCsv(['a', 'b'], [['x, y', 'say "hi"'], [1n, undefined], ['line\nbreak', ' padded']])).toBe(
      'a,b\r\n"x, y","say ""hi"""\r\n1,\r\n"line\nbreak"," padded"\r\n',
    );
  });
});
