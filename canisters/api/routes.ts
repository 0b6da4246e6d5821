// Which handler a request's method and path reach, OpenAI's paths under /v1. Pure.
import { apiError, type ApiError } from './errors';
import type { Endpoint } from './openai_request';

export type Route = { preflight: null } | { models: null } | { model: string } | { infer: Endpoint };

type Entry = { path: RegExp; method: 'GET' | 'POST'; route: (match: RegExpExecArray) => Route };

const ROUTES: Entry[] = [
  { path: /^\/v1\/models\/?$/, method: 'GET', route: () => ({ models: null }) },
  { path: /^\/v1\/models\/([^/]+)$/, method: 'GET', route: (m) => ({ model: decodeURIComponent(m[1]) }) },
  { path: /^\/v1\/chat\/completions\/?$/, method: 'POST', route: () => ({ infer: 'chat' }) },
  { path: /^\/v1\/completions\/?$/, method: 'POST', route: () => ({ infer: 'completion' }) },
  { path: /^\/v1\/embeddings\/?$/, method: 'POST', route: () => ({ infer: 'embedding' }) },
];

/** The path of a request's URL (the gateway passes the path and query), without the query. */
export const pathOf = (url: string): string => url.split(/[?#]/, 1)[0];

/** The route of `method` and `url`: OPTIONS is a CORS preflight anywhere; an unknown path is 404, a wrong method 405. */
export function route(method: string, url: string): { Ok: Route } | { Err: ApiError } {
  const path = pathOf(url);
  if (method.toUpperCase() === 'OPTIONS') return { Ok: { preflight: null } };
  for (const entry of ROUTES) {
    const match = entry.path.exec(path);
    if (match === null) continue;
    const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    if (wanted !== entry.method)
      return {
        Err: {
          ...apiError(405, `${method} is not allowed on ${path}: use ${entry.method}`, 'invalid_request_error', null, 'method_not_allowed'),
          allow: entry.method,
        },
      };
    try {
      return { Ok: entry.route(match) };
    } catch {
      return { Err: apiError(400, `The path ${path} is not valid percent-encoding`, 'invalid_request_error') };
    }
  }
  return { Err: apiError(404, `Unknown request URL: ${method} ${path}`, 'invalid_request_error', null, 'unknown_url') };
}
