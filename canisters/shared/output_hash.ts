// The sha256 a job's result is bound to: the hash the marketplace settles on, verification compares and the
// consumer can check. A text job's hash covers its tokens and its text together, so a worker cannot agree with
// the others on tokens and deliver other text. Pure: the bridge and the worker both hash with this one function.
import { sha256 } from './sha256';
import { hex } from './hex';

/** A worker's output: a text generation's tokens and text, or an embedding's vector. */
export type Output = { tokens: number[]; text: string } | { vector: number[] };

/** sha256 (hex) of the output's canonical JSON: `{"tokens":[..],"text":".."}` for text, `[..]` for a vector. */
export function outputSha256Hex(output: Output): string {
  const canonical = 'vector' in output ? JSON.stringify(output.vector) : JSON.stringify({ tokens: output.tokens, text: output.text });
  return hex(sha256(new TextEncoder().encode(canonical)));
}
