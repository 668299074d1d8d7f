import './supervisor.css';

import type { BrandDispositions, DeskConfig, StandardResponse } from '@perch/desktop-api';
import { type FormEvent, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';

import { serverProblems } from '../admin/user-form.util';
import { ApiError, errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { TopBar } from '../core/top-bar.component';
import {
  createResponseRequest,
  EMPTY_RESPONSE_FORM,
  formOf,
  insertPlaceholder,
  type LibraryFilters,
  libraryQuery,
  NO_FILTERS,
  type ResponseForm,
  responseChanges,
  responseFormProblems,
  unknownPlaceholders,
} from './response-form.util';

/** Until /api/config answers: the placeholders the gateway accepts today. */
const KNOWN_PLACEHOLDERS = ['customer.name', 'customer.handle', 'agent.name', 'case.number'];

/** Supervisors keep the library of standard responses (/supervisor/responses): search, create, edit, delete. */
export function StandardResponsesPage(): ReactNode {
  const { api } = useSession();
  const [filters, setFilters] = useState<LibraryFilters>(NO_FILTERS);
  const [found, setFound] = useState<StandardResponse[] | null>(null);
  const [brands, setBrands] = useState<string[]>([]);
  const [placeholders, setPlaceholders] = useState<string[]>(KNOWN_PLACEHOLDERS);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** The response being edited (null: the form creates a new one). */
  const [editing, setEditing] = useState<StandardResponse | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    // The brands come from the disposition lists: supervisors and admins get every brand the gateway serves.
    api
      .get<BrandDispositions[]>('/api/dispositions')
      .then((lists) => current && setBrands(lists.map((list) => list.brand)))
      .catch(() => current && setBrands([]));
    api
      .get<DeskConfig>('/api/config')
      .then((config) => current && config.placeholders.length > 0 && setPlaceholders(config.placeholders))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [api]);

  useEffect(() => {
    let current = true;
    // A short pause while the supervisor types: one search per word, not per key.
    const timer = setTimeout(() => {
      api
        .get<StandardResponse[]>(`/api/standard-responses?${libraryQuery(filters)}`)
        .then((responses) => {
          if (!current) return;
          setFound(responses);
          setError(null);
        })
        .catch((failure: unknown) => current && setError(errorText(failure)));
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, filters, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  const remove = async (response: StandardResponse): Promise<void> => {
    setNotice(null);
    try {
      await api.delete<null>(`/api/standard-responses/${response.id}`);
      if (editing?.id === response.id) setEditing(null);
      setNotice(`Deleted “${response.title}”.`);
      reload();
    } catch (failure) {
      setError(`Not deleted: ${errorText(failure)}`);
    }
  };

  const filter = (name: keyof LibraryFilters) => ({
    value: filters[name],
    onChange: (event: { target: { value: string } }) => setFilters((current) => ({ ...current, [name]: event.target.value })),
    'data-testid': `library-${name}`,
  });

  return (
    <div className="sup-page">
      <TopBar />
      <main id="main" className="sup-main" data-testid="standard-responses-admin">
        {notice && (
          <p role="status" data-testid="library-notice">
            {notice}
          </p>
        )}
        <ResponseEditor
          key={editing?.id ?? 'new'}
          editing={editing}
          brands={brands}
          placeholders={placeholders}
          onSaved={(response, created) => {
            setEditing(null);
            setNotice(created ? `Added “${response.title}”.` : `Saved “${response.title}”.`);
            reload();
          }}
          onCancel={() => setEditing(null)}
        />
        <section className="sup-panel" aria-labelledby="library-title">
          <h2 id="library-title">
            Standard responses <small>{found?.length ?? '…'}</small>
          </h2>
          <div className="sup-filters" role="search">
            <input type="search" aria-label="Search title and text" placeholder="Search title and text…" {...filter('q')} />
            <select aria-label="Brand" {...filter('brand')}>
              <option value="">Any brand</option>
              {brands.map((brand) => (
                <option key={brand} value={brand}>
                  @{brand}
                </option>
              ))}
            </select>
            <input aria-label="Language" placeholder="Language (en, pt-BR)" size={12} {...filter('language')} />
            <input aria-label="Category" placeholder="Category" size={14} {...filter('category')} />
          </div>
          {error && (
            <p role="alert" className="sup-problem" data-testid="library-error">
              {error}
            </p>
          )}
          <table className="sup-table sup-library" data-testid="library-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Text</th>
                <th scope="col">Brand</th>
                <th scope="col">Language</th>
                <th scope="col">Category</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {found?.length === 0 && (
                <tr>
                  <td colSpan={6} className="sup-empty">
                    No response matches.
                  </td>
                </tr>
              )}
              {found?.map((response) => (
                <tr key={response.id} data-testid="library-row" data-response-id={response.id} aria-current={editing?.id === response.id ? 'true' : undefined}>
                  <th scope="row">{response.title}</th>
                  <td className="sup-wrap">{response.text}</td>
                  <td>{response.brand ? `@${response.brand}` : 'Every brand'}</td>
                  <td>{response.language}</td>
                  <td>{response.category}</td>
                  <td className="sup-actions">
                    <button type="button" data-testid="library-edit" onClick={() => setEditing(response)}>
                      Edit
                    </button>
                    <DeleteButton title={response.title} onConfirm={() => void remove(response)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </main>
    </div>
  );
}

/** Delete asks once more: a response removed is gone for every agent. */
function DeleteButton({ title, onConfirm }: { title: string; onConfirm: () => void }): ReactNode {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" data-testid="library-delete" onClick={() => setAsking(true)}>
        Delete
      </button>
    );
  return (
    <>
      <button type="button" className="sup-danger" data-testid="library-confirm-delete" aria-label={`Delete “${title}” for every agent`} onClick={onConfirm}>
        Delete for everyone
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Keep
      </button>
    </>
  );
}

function ResponseEditor({
  editing,
  brands,
  placeholders,
  onSaved,
  onCancel,
}: {
  editing: StandardResponse | null;
  brands: readonly string[];
  placeholders: readonly string[];
  onSaved: (response: StandardResponse, created: boolean) => void;
  onCancel: () => void;
}): ReactNode {
  const { api } = useSession();
  const [form, setForm] = useState<ResponseForm>(editing ? formOf(editing) : EMPTY_RESPONSE_FORM);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const caret = useRef<number | null>(null);

  useEffect(() => {
    // After a chip: the caret just after the placeholder it inserted.
    if (caret.current === null || !textArea.current) return;
    textArea.current.focus();
    textArea.current.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  }, [form.text]);

  const field = (name: keyof ResponseForm) => ({
    id: `response-${name}`,
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm((current) => ({ ...current, [name]: event.target.value })),
    'aria-invalid': problems[name] ? true : undefined,
    'aria-describedby': problems[name] ? `response-${name}-problem` : undefined,
    'data-testid': `response-${name}`,
  });
  const hint = (name: string): ReactNode =>
    problems[name] ? (
      <span className="sup-problem sup-field-problem" id={`response-${name}-problem`} data-testid={`response-${name}-problem`}>
        {problems[name]}
      </span>
    ) : null;

  const warning = unknownPlaceholders(form.text, placeholders);

  const insert = (name: string): void => {
    const area = textArea.current;
    const start = area?.selectionStart ?? form.text.length;
    const end = area?.selectionEnd ?? start;
    const next = insertPlaceholder(form.text, start, end, name);
    caret.current = next.caret;
    setForm((current) => ({ ...current, text: next.text }));
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const local = responseFormProblems(form);
    setProblems(local);
    setFailure(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      if (editing) {
        const changes = responseChanges(editing, form);
        if (Object.keys(changes).length === 0) {
          onCancel();
          return;
        }
        onSaved(await api.patch<StandardResponse>(`/api/standard-responses/${editing.id}`, changes), false);
      } else {
        onSaved(await api.post<StandardResponse>('/api/standard-responses', createResponseRequest(form)), true);
        setForm(EMPTY_RESPONSE_FORM);
      }
    } catch (error) {
      const byField = error instanceof ApiError ? serverProblems(error.body) : {};
      setProblems(byField);
      // The fields say what is wrong when the gateway named them; otherwise (403, 404, 409…) its message does.
      setFailure(Object.keys(byField).length > 0 ? 'Not saved: see the fields marked.' : `Not saved: ${errorText(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="sup-panel" aria-labelledby="response-editor-title" data-testid="response-editor" data-mode={editing ? 'edit' : 'create'}>
      <h2 id="response-editor-title">{editing ? `Edit “${editing.title}”` : 'New standard response'}</h2>
      <form className="sup-form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="sup-form-row">
          <label htmlFor="response-title">Title</label>
          <input {...field('title')} maxLength={200} autoComplete="off" />
          {hint('title')}
        </div>
        <div className="sup-form-row">
          <label htmlFor="response-brand">Brand</label>
          <select {...field('brand')}>
            <option value="">Every brand</option>
            {/* A response saved for a brand no longer listed keeps it selectable. */}
            {[...new Set([...brands, ...(form.brand ? [form.brand] : [])])].map((brand) => (
              <option key={brand} value={brand}>
                @{brand}
              </option>
            ))}
          </select>
          {hint('brand')}
        </div>
        <div className="sup-form-row">
          <label htmlFor="response-language">Language</label>
          <input {...field('language')} placeholder="en, pt-BR" size={10} autoComplete="off" />
          {hint('language')}
        </div>
        <div className="sup-form-row">
          <label htmlFor="response-category">Category</label>
          <input {...field('category')} maxLength={64} placeholder="billing" autoComplete="off" />
          {hint('category')}
        </div>
        <div className="sup-form-row sup-form-wide">
          <label htmlFor="response-text">Text</label>
          <div className="sup-chips" role="group" aria-label="Insert a placeholder">
            {placeholders.map((name) => (
              <button key={name} type="button" className="sup-chip" data-testid="placeholder-chip" data-placeholder={name} onClick={() => insert(name)}>
                {`{{${name}}}`}
              </button>
            ))}
          </div>
          <textarea {...field('text')} ref={textArea} rows={4} maxLength={10_000} />
          {hint('text') ??
            (warning && (
              <span className="sup-warning sup-field-problem" data-testid="response-text-warning">
                {warning}
              </span>
            ))}
        </div>
        <div className="sup-form-actions">
          <button type="submit" className="sup-primary" disabled={busy} data-testid="response-save">
            {editing ? 'Save changes' : 'Add response'}
          </button>
          {editing && (
            <button type="button" onClick={onCancel} data-testid="response-cancel">
              Cancel
            </button>
          )}
          {failure && (
            <span role="alert" className="sup-problem" data-testid="response-error">
              {failure}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
