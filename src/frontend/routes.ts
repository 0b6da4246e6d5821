// The pages, each loaded when first visited (the first page stays small). A page that is not built yet is left
// out of this list rather than shown as a stub.
import type { Component } from 'svelte';

export type PageProps = { id?: string; params: URLSearchParams };

export type PageEntry = {
  path: string;
  title: string;
  /** In the navigation (job pages are reached from others). */
  nav: boolean;
  load: () => Promise<{ default: Component<PageProps> }>;
  /** In the navigation on local networks only (the page itself answers everywhere). */
  localOnly?: boolean;
};

export const PAGES: PageEntry[] = [
  { path: 'models', title: 'Models', nav: true, load: () => import('./pages/Models.svelte') },
  { path: 'playground', title: 'Playground', nav: true, load: () => import('./pages/Playground.svelte') },
  { path: 'wallet', title: 'Wallet', nav: true, load: () => import('./pages/Wallet.svelte') },
  { path: 'activity', title: 'Activity', nav: true, load: () => import('./pages/Activity.svelte') },
  { path: 'keys', title: 'API keys', nav: true, load: () => import('./pages/Keys.svelte') },
  { path: 'provider', title: 'Provider', nav: true, load: () => import('./pages/Provider.svelte') },
  { path: 'creator', title: 'Model creator', nav: true, load: () => import('./pages/Creator.svelte') },
  { path: 'governance', title: 'Governance', nav: true, load: () => import('./pages/Governance.svelte') },
  { path: 'certifier', title: 'Certifier', nav: true, localOnly: true, load: () => import('./pages/Certifier.svelte') },
  { path: 'analytics', title: 'Analytics', nav: true, load: () => import('./pages/Analytics.svelte') },
  { path: 'jobs', title: 'Job', nav: false, load: () => import('./pages/Job.svelte') },
];

export const DEFAULT_PAGE = 'models';
