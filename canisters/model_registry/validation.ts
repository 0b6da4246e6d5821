// Field rules for what callers send. Each check returns the reason it failed, or undefined when the value is fine.
import type { Principal } from '@dfinity/principal';

import type { Access, Format, Task } from '../shared/models';
import type { Page, PublishRequest, SearchFilter } from './types';

/** Basis points in a whole: no royalty or cap can exceed it. */
export const MAX_BPS = 10_000;
export const DEFAULT_ROYALTY_CAP_BPS = 1_000;
export const MAX_PAGE_LIMIT = 100;
// Bounds the size of one model record and of each can_use check.
export const MAX_ALLOW_LIST = 500;
/** Models one creator may publish, every version counting: the registry is stored forever (ids are never freed). */
export const MAX_MODELS_PER_CREATOR = 100;

const SHA256_BYTES = 32;
// Names are identifiers that hubs also use ("org/model-name"); a leading letter or digit keeps them readable.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._\/-]{0,63}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,31}$/;
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
// A license is an SPDX id or a short name; printable ASCII keeps it comparable.
const LICENSE = /^[\x21-\x7e]([\x20-\x7e]{0,62}[\x21-\x7e])?$/;

export function checkName(name: string): string | undefined {
  if (!NAME.test(name)) return 'name: 1 to 64 letters, digits, ".", "_", "-" or "/", starting with a letter or digit';
}

export function checkVersion(version: string): string | undefined {
  if (!VERSION.test(version)) return 'version: 1 to 32 letters, digits, ".", "+", "_" or "-", starting with a letter or digit';
}

export function checkTask(task: Task): string | undefined {
  if ('other' in task)
    return checkOther('task', task.other, ['text_generation', 'embedding', 'image_generation', 'speech_to_text', 'text_to_speech']);
}

export function checkFormat(format: Format): string | undefined {
  if ('other' in format) return checkOther('format', format.other, ['gguf', 'onnx']);
}

// `other` is for what the variants lack: naming a known one there would hide the model from searches for it.
function checkOther(field: string, label: string, known: string[]): string | undefined {
  if (!LABEL.test(label)) return `${field}: other needs 1 to 32 letters, digits, ".", "_" or "-"`;
  if (known.includes(label.toLowerCase())) return `${field}: use the ${label.toLowerCase()} variant instead of other`;
}

export function checkSha256(sha256: Uint8Array): string | undefined {
  if (sha256.length !== SHA256_BYTES) return `sha256: must be ${SHA256_BYTES} bytes, got ${sha256.length}`;
}

export function checkSize(sizeBytes: bigint): string | undefined {
  if (sizeBytes === 0n) return 'size_bytes: must be more than zero';
}

export function checkLicense(license: string): string | undefined {
  if (!LICENSE.test(license)) return 'license: 1 to 64 printable ASCII characters without leading or trailing spaces';
}

export function checkAccess(access: Access): string | undefined {
  if ('public' in access) return;
  if (access.allow_list.length > MAX_ALLOW_LIST) return `access: at most ${MAX_ALLOW_LIST} principals in an allow list`;
  if (access.allow_list.some((p) => p.isAnonymous())) return 'access: the anonymous principal cannot be allowed';
}

export function checkRoyaltyCap(capBps: number): string | undefined {
  if (capBps > MAX_BPS) return `royalty cap: at most ${MAX_BPS} bps`;
}

export function checkPage(page: Page): string | undefined {
  if (page.limit > MAX_PAGE_LIMIT) return `limit: at most ${MAX_PAGE_LIMIT}`;
}

// No name is longer than 64 characters, so a longer fragment can only be a mistake.
export function checkFilter(filter: SearchFilter): string | undefined {
  if (filter.name_contains.length === 1 && filter.name_contains[0].length > 64) return 'name_contains: at most 64 characters';
}

/** The first problem with a publish request's own fields (the royalty cap is checked against the settings apart). */
export function checkPublishRequest(request: PublishRequest): string | undefined {
  return (
    checkName(request.name) ??
    checkVersion(request.version) ??
    checkTask(request.task) ??
    checkFormat(request.format) ??
    checkSha256(request.sha256) ??
    checkSize(request.size_bytes) ??
    checkLicense(request.license) ??
    checkAccess(request.access)
  );
}

/** The same access with each principal once, so can_use and stored records stay small. */
export function normalizeAccess(access: Access): Access {
  if ('public' in access) return access;
  const seen = new Map<string, Principal>();
  for (const principal of access.allow_list) seen.set(principal.toText(), principal);
  return { allow_list: [...seen.values()] };
}
