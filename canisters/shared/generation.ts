// How a text generation job samples and what its input is: the settings an OpenAI request carries, as one value
// that travels unchanged from the job request to the worker (marketplace JobRequest, bridge DispatchRequest, the
// worker's POST /jobs body). Pure: the canisters, the worker and the web app check it with the same rules.
import { IDL } from '@dfinity/candid';

import { encodeUtf8 } from './utf8';

/**
 * temperature 0 is greedy decoding. The seed is always set, so every replica (redundant runs, audits, disputes)
 * draws the same samples and a sampled job can be compared token by token like a greedy one. `chat` means the
 * job's input is a JSON list of ChatMessage that the worker renders with the model's own chat template.
 */
export const Generation = IDL.Record({
  temperature: IDL.Float64,
  top_p: IDL.Float64,
  seed: IDL.Nat32,
  stop: IDL.Vec(IDL.Text),
  chat: IDL.Bool,
});
export type Generation = { temperature: number; top_p: number; seed: number; stop: string[]; chat: boolean };

export const MAX_STOPS = 4;
export const MAX_STOP_BYTES = 64;
export const MAX_CHAT_MESSAGES = 256;

export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];
export type ChatMessage = { role: ChatRole; content: string };

/** The first problem with a list of stop strings, or undefined: at most 4, each 1 to 64 UTF-8 bytes. */
export function stopProblem(stop: unknown): string | undefined {
  if (!Array.isArray(stop) || stop.length > MAX_STOPS) return `stop: a list of at most ${MAX_STOPS} strings`;
  for (const s of stop) {
    if (typeof s !== 'string') return 'stop: each stop is a string';
    const bytes = encodeUtf8(s).length;
    if (bytes < 1 || bytes > MAX_STOP_BYTES) return `stop: each stop is 1 to ${MAX_STOP_BYTES} UTF-8 bytes (one is ${bytes})`;
  }
}

/** The first problem with a job's generation settings, or undefined. */
export function generationProblem(g: Generation): string | undefined {
  if (!Number.isFinite(g.temperature) || g.temperature < 0 || g.temperature > 2) return 'temperature: a number from 0 (greedy) to 2';
  if (!Number.isFinite(g.top_p) || g.top_p <= 0 || g.top_p > 1) return 'top_p: a number above 0 and at most 1';
  if (!Number.isInteger(g.seed) || g.seed < 0 || g.seed > 0xffff_ffff) return 'seed: an integer from 0 to 4294967295';
  return stopProblem(g.stop);
}

/** A chat job's input read as its messages, or why it is not a list of `{ role, content }`. */
export function parseChatMessages(input: string): { Ok: ChatMessage[] } | { Err: string } {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    return { Err: 'a chat input is a JSON list of messages, and this is not JSON' };
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CHAT_MESSAGES)
    return { Err: `a chat input is a JSON list of 1 to ${MAX_CHAT_MESSAGES} messages` };
  for (const [i, message] of value.entries()) {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return { Err: `message ${i}: an object` };
    const extra = Object.keys(message).find((key) => key !== 'role' && key !== 'content');
    if (extra !== undefined) return { Err: `message ${i}: ${extra} is not a field (role, content)` };
    const { role, content } = message as Record<string, unknown>;
    if (!CHAT_ROLES.includes(role as ChatRole)) return { Err: `message ${i}: role is one of ${CHAT_ROLES.join(', ')}` };
    if (typeof content !== 'string') return { Err: `message ${i}: content is a string` };
  }
  return { Ok: value as ChatMessage[] };
}
