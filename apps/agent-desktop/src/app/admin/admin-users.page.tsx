import '../supervisor/supervisor.css';

import type { AgentRole, ResetPasswordRequest, UpdateUserRequest, UserAccountView } from '@perch/desktop-api';
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';

import { ApiError, errorText } from '../core/api-client.adapter';
import { useAgent, useSession } from '../core/session.hook';
import { TopBar } from '../core/top-bar.component';
import { type CreateUserForm, createFormProblems, createUserRequest, EMPTY_CREATE_FORM, serverProblems } from './user-form.util';

const ROLES: readonly AgentRole[] = ['agent', 'supervisor', 'admin'];

/** Admins manage users (/admin): list, create, disable or enable, reset a password. */
export function AdminUsersPage(): ReactNode {
  const { api } = useSession();
  const me = useAgent();
  const [users, setUsers] = useState<UserAccountView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers(await api.get<UserAccountView[]>('/api/admin/users'));
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const replace = (user: UserAccountView): void => setUsers((current) => [...current.filter((u) => u.id !== user.id), user].sort((a, b) => a.id.localeCompare(b.id)));

  return (
    <div className="sup-page">
      <TopBar />
      <main id="main" className="sup-main" data-testid="admin-users">
        {error && (
          <p role="alert" className="sup-problem">
            {error}
          </p>
        )}
        {notice && (
          <p role="status" data-testid="admin-notice">
            {notice}
          </p>
        )}
        <CreateUser
          onCreated={(user) => {
            replace(user);
            setNotice(`Created ${user.id}.`);
          }}
        />
        <section className="sup-panel" aria-labelledby="admin-users-title">
          <h2 id="admin-users-title">
            Users <small>{users.length}</small>
          </h2>
          <table className="sup-table" data-testid="user-table">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Brands</th>
                <th scope="col">Capacity</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <UserRow key={user.id} user={user} self={user.id === me.id} onChanged={replace} onNotice={setNotice} />
              ))}
            </tbody>
          </table>
        </section>
      </main>
    </div>
  );
}

function CreateUser({ onCreated }: { onCreated: (user: UserAccountView) => void }): ReactNode {
  const { api } = useSession();
  const [form, setForm] = useState<CreateUserForm>(EMPTY_CREATE_FORM);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = (name: keyof CreateUserForm) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm((current) => ({ ...current, [name]: event.target.value })),
    'aria-invalid': problems[name] ? true : undefined,
    'data-testid': `new-user-${name}`,
  });

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const local = createFormProblems(form);
    setProblems(local);
    setFailure(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      onCreated(await api.post<UserAccountView>('/api/admin/users', createUserRequest(form)));
      setForm(EMPTY_CREATE_FORM);
    } catch (error) {
      setProblems(error instanceof ApiError ? serverProblems(error.body) : {});
      setFailure(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const hint = (name: string): ReactNode => (problems[name] ? <span className="sup-problem">{problems[name]}</span> : null);
  return (
    <section className="sup-panel" aria-labelledby="admin-create-title">
      <h2 id="admin-create-title">New user</h2>
      <form className="sup-filters admin-form" onSubmit={(event) => void submit(event)} noValidate>
        <label>
          Username <input {...field('id')} autoComplete="off" required />
          {hint('id')}
        </label>
        <label>
          Name <input {...field('displayName')} autoComplete="off" />
          {hint('displayName')}
        </label>
        <label>
          Password <input {...field('password')} type="password" autoComplete="new-password" required />
          {hint('password')}
        </label>
        <label>
          Role{' '}
          <select {...field('role')}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </label>
        <label>
          Brands <input {...field('brands')} placeholder="acme_support, * for all" />
          {hint('brands')}
        </label>
        <label>
          Skills <input {...field('skills')} placeholder="billing=7 pt" />
          {hint('skills')}
        </label>
        <label>
          Capacity <input {...field('capacity')} type="number" min={1} max={50} />
          {hint('capacity')}
        </label>
        <button type="submit" disabled={busy} data-testid="create-user">
          Create
        </button>
      </form>
      {failure && (
        <p role="alert" className="sup-problem">
          {failure}
        </p>
      )}
    </section>
  );
}

function UserRow({ user, self, onChanged, onNotice }: { user: UserAccountView; self: boolean; onChanged: (user: UserAccountView) => void; onNotice: (text: string) => void }): ReactNode {
  const { api } = useSession();
  const [password, setPassword] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = `/api/admin/users/${encodeURIComponent(user.id)}`;

  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
    } catch (failure) {
      setProblem(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr data-testid={`user-${user.id}`} data-disabled={user.disabled}>
      <th scope="row">
        {user.displayName} <span className="sup-muted">{user.id}</span>
      </th>
      <td>{user.role}</td>
      <td>{user.brands.join(', ') || '–'}</td>
      <td>{user.capacity}</td>
      <td data-testid="status">{user.disabled ? 'Disabled' : 'Active'}</td>
      <td className="sup-actions">
        {!self && (
          <button
            type="button"
            disabled={busy}
            data-testid={user.disabled ? 'enable-user' : 'disable-user'}
            onClick={() =>
              void run(async () => {
                onChanged(await api.patch<UserAccountView>(path, { disabled: !user.disabled } satisfies UpdateUserRequest));
                onNotice(user.disabled ? `${user.id} may sign in again.` : `${user.id} is disabled and signed out.`);
              })
            }
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
        )}
        {password === null ? (
          <button type="button" disabled={busy} onClick={() => setPassword('')} data-testid="reset-password">
            Reset password
          </button>
        ) : (
          <>
            <input type="password" aria-label={`New password for ${user.id}`} value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password" data-testid="new-password" />
            <button
              type="button"
              disabled={busy || password.length < 8}
              data-testid="save-password"
              onClick={() =>
                void run(async () => {
                  onChanged(await api.put<UserAccountView>(`${path}/password`, { password } satisfies ResetPasswordRequest));
                  setPassword(null);
                  onNotice(`${user.id}'s password was reset; their sessions ended.`);
                })
              }
            >
              Save
            </button>
            <button type="button" onClick={() => setPassword(null)}>
              Cancel
            </button>
          </>
        )}
        {problem && (
          <span role="alert" className="sup-problem">
            {problem}
          </span>
        )}
      </td>
    </tr>
  );
}
