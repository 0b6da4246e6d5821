// Model types that the marketplace and payment canisters read from the model registry, declared once as
// IDL values and TS types under the same names. Imports @dfinity/candid (which azle re-exports) rather than
// azle, so pure modules and their unit tests can use them.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

export const ModelId = IDL.Nat64;
export type ModelId = bigint;

// `other` names a task the known variants do not cover, until it earns a variant of its own.
export const Task = IDL.Variant({
  text_generation: IDL.Null,
  embedding: IDL.Null,
  image_generation: IDL.Null,
  speech_to_text: IDL.Null,
  text_to_speech: IDL.Null,
  other: IDL.Text,
});
export type Task =
  | { text_generation: null }
  | { embedding: null }
  | { image_generation: null }
  | { speech_to_text: null }
  | { text_to_speech: null }
  | { other: string };

export const Format = IDL.Variant({ gguf: IDL.Null, onnx: IDL.Null, other: IDL.Text });
export type Format = { gguf: null } | { onnx: null } | { other: string };

// Who may use a model in jobs. The creator always may.
export const Access = IDL.Variant({ public: IDL.Null, allow_list: IDL.Vec(IDL.Principal) });
export type Access = { public: null } | { allow_list: Principal[] };

export const Model = IDL.Record({
  id: ModelId,
  name: IDL.Text,
  version: IDL.Text,
  task: Task,
  format: Format,
  sha256: IDL.Vec(IDL.Nat8),
  size_bytes: IDL.Nat64,
  license: IDL.Text,
  creator: IDL.Principal,
  royalty_bps: IDL.Nat16,
  access: Access,
  published_at: IDL.Nat64,
});
export type Model = {
  id: ModelId;
  name: string;
  version: string;
  task: Task;
  format: Format;
  sha256: Uint8Array;
  size_bytes: bigint;
  license: string;
  creator: Principal;
  royalty_bps: number;
  access: Access;
  /** Nanoseconds since the epoch. */
  published_at: bigint;
};

/** Whether `user` may run jobs on the model: anyone for a public model, else its creator and its allow list. */
export function mayUse(model: Model, user: Principal): boolean {
  if ('public' in model.access) return true;
  const text = user.toText();
  return model.creator.toText() === text || model.access.allow_list.some((p) => p.toText() === text);
}
