// Stable memory ids of the model registry. Never reuse or renumber one: an upgrade would read the old data as new.
export const MEMORY = {
  models: 0,
  settings: 1,
  // The catalog entry of each model, read back alone to rebuild the heap index after an upgrade.
  catalog: 2,
  // The marketplace told of changed models (models_changed), and the models whose change it has not taken yet.
  marketplace: 3,
  changed_models: 4,
} as const;
