// Messages shown over the page: what succeeded, what failed (in words).
import { writable } from 'svelte/store';

export type Toast = { id: number; kind: 'info' | 'error'; text: string };

export const toasts = writable<Toast[]>([]);
let next = 1;

export function toast(text: string, kind: Toast['kind'] = 'info', ms = kind === 'error' ? 10_000 : 4_000): void {
  const id = next++;
  toasts.update((all) => [...all, { id, kind, text }]);
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  toasts.update((all) => all.filter((t) => t.id !== id));
}
