// Stable memory ids of the asset canister. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  // Each asset's content type, properties and encodings (sha256, length, chunk count), by key.
  assets: 0,
  // The content: one entry per chunk of each encoding of each asset.
  chunks: 1,
  // Principals the controllers allowed to upload (authorize), besides themselves.
  authorized: 2,
} as const;
