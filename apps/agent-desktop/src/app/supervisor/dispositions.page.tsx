import './supervisor.css';

import type { BrandDispositions, CreateDispositionCodeRequest, DispositionCode, DispositionSettingsRequest, UpdateDispositionCodeRequest } from '@perch/desktop-api';
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';

import { serverProblems } from '../admin/user-form.util';
import { ApiError, errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { TopBar } from '../core/top-bar.component';
import { codeFromLabel, labelProblem, newCodeProblems, withBrand, withCode } from './disposition-form.util';

/** Supervisors keep each brand's disposition codes (/supervisor/dispositions): add, rename, retire, required before done. */
export function DispositionsPage(): ReactNode {
  const { api } = useSession();
  const [lists, setLists] = useState<BrandDispositions[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setLists(await api.get<BrandDispositions[]>('/api/dispositions'));
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="sup-page">
      <TopBar />
      <main id="main" className="sup-main" data-testid="dispositions-admin">
        {error && (
          <p role="alert" className="sup-problem">
            {error}
          </p>
        )}
        {lists?.length === 0 && <p className="sup-empty">This gateway serves no brand.</p>}
        {lists?.map((list) => (
          <BrandCodes
            key={list.brand}
            list={list}
            onCode={(code) => setLists((current) => withCode(current ?? [], list.brand, code))}
            onBrand={(updated) => setLists((current) => withBrand(current ?? [], updated))}
          />
        ))}
      </main>
    </div>
  );
}

function BrandCodes({ list, onCode, onBrand }: { list: BrandDispositions; onCode: (code: DispositionCode) => void; onBrand: (list: BrandDispositions) => void }): ReactNode {
  const { api } = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/dispositions/${encodeURIComponent(list.brand)}`;
  const active = list.codes.filter((code) => !code.retired).length;

  const setRequired = async (required: boolean): Promise<void> => {
    setBusy(true);
    setProblem(null);
    try {
      onBrand(await api.put<BrandDispositions>(`${base}/settings`, { required } satisfies DispositionSettingsRequest));
    } catch (failure) {
      setProblem(`Not changed: ${errorText(failure)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="sup-panel" aria-labelledby={`dispositions-${list.brand}`} data-testid={`dispositions-${list.brand}`}>
      <h2 id={`dispositions-${list.brand}`}>
        @{list.brand}{' '}
        <small>
          {active} in use{list.codes.length > active ? `, ${list.codes.length - active} retired` : ''}
        </small>
      </h2>
      <label className="sup-toggle">
        <input type="checkbox" checked={list.required} disabled={busy} data-testid="required-toggle" onChange={(event) => void setRequired(event.target.checked)} />
        Agents must choose a disposition before done
      </label>
      {list.required && active === 0 && (
        <p className="sup-problem" role="status">
          Every code is retired: agents of @{list.brand} cannot mark done until one is added or restored.
        </p>
      )}
      {problem && (
        <p role="alert" className="sup-problem" data-testid="brand-error">
          {problem}
        </p>
      )}
      <table className="sup-table" data-testid="code-table">
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Label (what agents read)</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.codes.map((code) => (
            <CodeRow key={code.code} base={base} code={code} onCode={onCode} />
          ))}
        </tbody>
      </table>
      <NewCode base={base} existing={list.codes} onCode={onCode} />
    </section>
  );
}

function CodeRow({ base, code, onCode }: { base: string; code: DispositionCode; onCode: (code: DispositionCode) => void }): ReactNode {
  const { api } = useSession();
  const [label, setLabel] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const update = async (change: UpdateDispositionCodeRequest): Promise<boolean> => {
    setBusy(true);
    setProblem(null);
    try {
      onCode(await api.patch<DispositionCode>(`${base}/codes/${encodeURIComponent(code.code)}`, change));
      return true;
    } catch (failure) {
      const byField = failure instanceof ApiError ? serverProblems(failure.body) : {};
      setProblem(byField['label'] ?? byField['retired'] ?? errorText(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const rename = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (label === null) return;
    const local = labelProblem(label);
    if (local) {
      setProblem(local);
      return;
    }
    if (label.trim() === code.label || (await update({ label: label.trim() }))) setLabel(null);
  };

  return (
    <tr data-testid={`code-${code.code}`} data-retired={code.retired}>
      <th scope="row">
        <code>{code.code}</code>
      </th>
      <td>
        {label === null ? (
          code.label
        ) : (
          <form className="sup-actions" onSubmit={(event) => void rename(event)}>
            <input aria-label={`New label for ${code.code}`} value={label} maxLength={100} onChange={(event) => setLabel(event.target.value)} aria-invalid={problem ? true : undefined} data-testid="rename-input" autoFocus />
            <button type="submit" disabled={busy} data-testid="rename-save">
              Save
            </button>
            <button type="button" onClick={() => (setLabel(null), setProblem(null))}>
              Cancel
            </button>
          </form>
        )}
      </td>
      <td data-testid="status">{code.retired ? <span className="sup-state sup-state-offline">Retired</span> : <span className="sup-state sup-state-ready">In use</span>}</td>
      <td className="sup-actions">
        {label === null && (
          <button type="button" disabled={busy} data-testid="rename-code" onClick={() => setLabel(code.label)}>
            Rename
          </button>
        )}
        <button type="button" disabled={busy} data-testid={code.retired ? 'restore-code' : 'retire-code'} onClick={() => void update({ retired: !code.retired })}>
          {code.retired ? 'Restore' : 'Retire'}
        </button>
        {problem && (
          <span role="alert" className="sup-problem" data-testid="code-error">
            {problem}
          </span>
        )}
      </td>
    </tr>
  );
}

function NewCode({ base, existing, onCode }: { base: string; existing: readonly DispositionCode[]; onCode: (code: DispositionCode) => void }): ReactNode {
  const { api } = useSession();
  const [form, setForm] = useState<CreateDispositionCodeRequest>({ code: '', label: '' });
  /** Until the supervisor types a code of their own, it follows the label. */
  const [codeTyped, setCodeTyped] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const local = newCodeProblems(form, existing);
    setProblems(local);
    setFailure(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      onCode(await api.post<DispositionCode>(`${base}/codes`, { code: form.code.trim(), label: form.label.trim() } satisfies CreateDispositionCodeRequest));
      setForm({ code: '', label: '' });
      setCodeTyped(false);
    } catch (error) {
      const byField = error instanceof ApiError ? serverProblems(error.body) : {};
      setProblems(byField);
      if (Object.keys(byField).length === 0) setFailure(`Not added: ${errorText(error)}`);
    } finally {
      setBusy(false);
    }
  };

  const hint = (name: string): ReactNode =>
    problems[name] ? (
      <span className="sup-problem sup-field-problem" data-testid={`new-code-${name}-problem`}>
        {problems[name]}
      </span>
    ) : null;
  return (
    <form className="sup-form sup-new-code" onSubmit={(event) => void submit(event)} noValidate aria-label="Add a code">
      <div className="sup-form-row">
        <label>
          Label{' '}
          <input
            value={form.label}
            maxLength={100}
            placeholder="Refund issued"
            aria-invalid={problems['label'] ? true : undefined}
            data-testid="new-code-label"
            onChange={(event) => {
              const label = event.target.value;
              setForm((current) => ({ label, code: codeTyped ? current.code : codeFromLabel(label) }));
            }}
          />
        </label>
        {hint('label')}
      </div>
      <div className="sup-form-row">
        <label>
          Code{' '}
          <input
            value={form.code}
            maxLength={64}
            placeholder="refund-issued"
            aria-invalid={problems['code'] ? true : undefined}
            data-testid="new-code-code"
            onChange={(event) => {
              setCodeTyped(true);
              setForm((current) => ({ ...current, code: event.target.value }));
            }}
          />
        </label>
        {hint('code')}
      </div>
      <div className="sup-form-actions">
        <button type="submit" className="sup-primary" disabled={busy} data-testid="add-code">
          Add code
        </button>
        {failure && (
          <span role="alert" className="sup-problem" data-testid="new-code-error">
            {failure}
          </span>
        )}
      </div>
    </form>
  );
}
