import type { InteractionView, RenderedStandardResponse, RenderStandardResponseRequest, StandardResponse } from '@perch/desktop-api';
import { type ReactNode, useState } from 'react';

import { ApiError, errorText } from '../core/api-client.adapter';
import { useDebouncedGet } from '../core/debounced-get.hook';
import { useSession } from '../core/session.hook';

/** The distinct values of a field among the responses found, for the filters. */
export function choicesOf(responses: readonly StandardResponse[], field: 'language' | 'category'): string[] {
  return [...new Set(responses.map((response) => response[field]))].sort();
}

/** Why a response could not be inserted, in words (a placeholder the interaction cannot fill, another brand's). */
export function renderRefusal(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.body?.problems?.flatMap((problem) => problem.messages) ?? [];
    if (error.code === 'wrong-brand') return 'This response is for another brand.';
    if (fields.length > 0) return fields.join(' ');
  }
  return errorText(error);
}

/**
 * The library of approved replies: search by words, narrowed by language and category, for this interaction's brand;
 * inserting one fills its placeholders (customer, agent, case number) on the server, then the agent edits it.
 */
export function StandardResponses({ view, onInsert, onClose }: { view: InteractionView; onInsert: (text: string) => void; onClose: () => void }): ReactNode {
  const { api } = useSession();
  const [q, setQ] = useState('');
  const [language, setLanguage] = useState('');
  const [category, setCategory] = useState('');
  const [found, setFound] = useState<StandardResponse[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const brand = view.firstMessage?.brandUsername;

  const query = new URLSearchParams({ limit: '50', ...(q.trim() ? { q: q.trim() } : {}), ...(brand ? { brand } : {}) });
  useDebouncedGet<StandardResponse[]>(
    api,
    `/api/standard-responses?${query.toString()}`,
    (responses) => {
      setFound(responses);
      setError(null);
    },
    setError,
  );

  async function insert(response: StandardResponse): Promise<void> {
    setError(null);
    try {
      const rendered = await api.post<RenderedStandardResponse>(`/api/standard-responses/${response.id}/render`, { interactionId: view.id } satisfies RenderStandardResponseRequest);
      onInsert(rendered.text);
    } catch (e) {
      setError(`Not inserted: ${renderRefusal(e)}`);
    }
  }

  const shown = (found ?? []).filter((r) => (!language || r.language === language) && (!category || r.category === category));
  return (
    <section className="responses" data-testid="standard-responses" aria-label="Standard responses">
      <div className="responses-filters">
        <input type="search" data-testid="responses-search" aria-label="Search the standard responses" placeholder="Search responses…" value={q} onChange={(e) => setQ(e.target.value)} autoFocus />
        <select data-testid="responses-language" aria-label="Language" value={language} onChange={(e) => setLanguage(e.target.value)}>
          <option value="">Any language</option>
          {choicesOf(found ?? [], 'language').map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
        <select data-testid="responses-category" aria-label="Category" value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">Any category</option>
          {choicesOf(found ?? [], 'category').map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
        <button type="button" className="text-button" data-testid="responses-close" onClick={onClose}>
          Close
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="responses-error">
          {error}
        </p>
      )}
      {found && shown.length === 0 && <p className="muted">No response matches.</p>}
      <ul className="responses-list">
        {shown.map((response) => (
          <li key={response.id} data-testid="response-item" data-response-id={response.id}>
            <div className="response-head">
              <strong>{response.title}</strong>
              <span className="muted">
                {response.category} · {response.language}
                {response.brand ? ` · @${response.brand}` : ''}
              </span>
              <button type="button" className="secondary" data-testid="response-insert" onClick={() => void insert(response)}>
                Insert
              </button>
            </div>
            <p className="response-text">{response.text}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
