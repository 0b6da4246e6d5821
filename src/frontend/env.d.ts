// Types the root tsconfig needs for this folder: import.meta.env (vite) and .svelte modules (svelte-check checks
// the components themselves with src/frontend/tsconfig.json).
/// <reference types="vite/client" />

declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<Record<string, unknown>>;
  export default component;
}
