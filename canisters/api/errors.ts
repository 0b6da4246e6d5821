// Errors in the shape OpenAI clients parse (`{"error":{"message","type","param","code"}}`), with the HTTP status
// they act on. Never 409: the `openai` client retries it, as it retries 408, 429 and 5xx unless told not to.

export type ApiError = {
  status: number;
  error: { message: string; type: string; param: string | null; code: string | null };
  /** Seconds, for a 429 a client may retry after (the `retry-after` header). */
  retryAfter?: number;
  /** For a 405, the method the path takes (the `allow` header). */
  allow?: string;
  /** Set once money may have moved for the request: the client must not send it again on its own (http.ts). */
  paid?: true;
};

export function apiError(status: number, message: string, type: string, param: string | null = null, code: string | null = null): ApiError {
  return { status, error: { message, type, param, code } };
}

/** A 400 for a request the API cannot take as sent, naming the field at fault. */
export const badRequest = (message: string, param: string | null = null, code: string | null = null): ApiError =>
  apiError(400, message, 'invalid_request_error', param, code);
