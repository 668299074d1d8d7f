import { type FormEvent, type ReactNode, useState } from 'react';

import { ApiError, errorText } from '../core/api-client.adapter';
import { useSession } from '../core/session.hook';
import { Brand } from '../core/top-bar.component';

export function SignInPage(): ReactNode {
  const { signIn, endedMessage } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = error ?? endedMessage;

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await signIn(username.trim(), password);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 400 ? 'Enter your username and password.' : errorText(e));
      setBusy(false);
    }
  }

  return (
    <>
      <header className="topbar">
        <Brand />
      </header>
      <main id="main">
        <section className="signin" aria-labelledby="signin-title">
          <form className="card signin-card" noValidate onSubmit={(event) => void submit(event)}>
            <h1 id="signin-title">Sign in to the agent desktop</h1>
            <label htmlFor="signin-username">Username</label>
            <input id="signin-username" name="username" autoComplete="username" required data-testid="signin-username" value={username} onChange={(e) => setUsername(e.target.value)} />
            <label htmlFor="signin-password">Password</label>
            <input
              id="signin-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              data-testid="signin-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {shown && (
              <p className="form-error" role="alert" data-testid="signin-error">
                {shown}
              </p>
            )}
            <button type="submit" className="primary" data-testid="signin-submit" disabled={busy}>
              Sign in
            </button>
          </form>
        </section>
      </main>
    </>
  );
}
