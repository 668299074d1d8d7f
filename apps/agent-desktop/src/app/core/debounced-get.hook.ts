import { useEffect, useRef } from 'react';

import { type ApiClient, errorText } from './api-client.adapter';

/**
 * GETs `path` after a short pause in its changes (one search per pause in typing, not per key); only the answer to the
 * latest path is delivered, as the found value or as the refusal's text.
 */
export function useDebouncedGet<T>(api: ApiClient, path: string, onFound: (value: T) => void, onError: (text: string) => void, delayMs = 200): void {
  // The callbacks are read when the answer comes, so a new closure each render does not start another request.
  const handlers = useRef({ onFound, onError });
  handlers.current = { onFound, onError };

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api
        .get<T>(path)
        .then((value) => {
          if (current) handlers.current.onFound(value);
        })
        .catch((e: unknown) => {
          if (current) handlers.current.onError(errorText(e));
        });
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, path, delayMs]);
}
